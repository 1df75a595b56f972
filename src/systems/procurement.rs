//! Mechanism 3: procurement and trade — the grain monopoly, requisition (razverstka) with
//! food detachments and enforcement error, hiding, the tax in kind, the bag trade, and the
//! levies of Whites and occupiers.
//!
//! Sources: seed 004 E1 (L1799-1802: everything above subsistence goes to the state; in
//! practice it sometimes took subsistence grain, L1893-1896), E2 (L1803-1809: need was hard
//! to measure, hoarding hard to detect: the enforcement error and hiding), E6 (L2537-2543:
//! bag traders and co-operatives could have fed the cities), E8 (L2942-2944: ending
//! requisition). MODEL.md §6.3: in 1918/19 bagmen brought 70 M poods to the consuming
//! provinces against the state's 56 M.

use crate::date::Date;
use crate::model::*;
use crate::scenario::{Controller, Procurement, Tolerance};
use crate::systems::{Coefficients, agriculture, in_months};
use bevy_ecs::prelude::*;
use rand::RngExt;

/// Weeks from `date` to the next harvest.
fn weeks_to_harvest(date: Date, harvest: (u32, u32)) -> f64 {
    let (y, _, _) = date.ymd();
    let this_year = Date::from_ymd(y, harvest.0, harvest.1).unwrap_or(date);
    let next = if this_year > date { this_year } else { Date::from_ymd(y + 1, harvest.0, harvest.1).unwrap_or(date) };
    next.days_since(date) as f64 / 7.0
}

/// What a household keeps by the consumption norm until the next harvest, with seed.
pub fn norm_keep(params: &crate::scenario::Params, region: &Region, people: f64, land: f64, weeks_left: f64) -> f64 {
    let (food, fodder) = agriculture::weekly_need(params, region, people);
    (food + fodder) * weeks_left + land * agriculture::seed_per_area(params, region)
}

/// Grain requisitioned from one household this week, given the detachments' coverage (0-1)
/// and the enforcement error drawn for it (0-1, the share of the norm ignored).
pub fn requisition(params: &crate::scenario::Params, visible: f64, keep: f64, coverage: f64, error: f64) -> f64 {
    let p = &params.procurement;
    let allowed = keep * (1.0 - error * p.enforcement_error);
    (p.requisition_take * coverage * (visible - allowed)).clamp(0.0, visible)
}

/// Grain a household moves into hiding this week.
pub fn hiding(params: &crate::scenario::Params, visible_surplus: f64, grievance: f64, coverage: f64) -> f64 {
    (params.procurement.hiding_rate * grievance * (1.0 - coverage) * visible_surplus).max(0.0)
}

#[allow(clippy::too_many_arguments)]
pub fn procurement(
    clock: Res<Clock>,
    params: Res<Coefficients>,
    geography: Res<Geography>,
    control: Res<Control>,
    government: Res<Government>,
    mut districts: ResMut<Districts>,
    mut economy: ResMut<Economy>,
    mut ledger: ResMut<Ledger>,
    mut agents: Query<(&Person, &mut Household, &Mind)>,
) {
    let p = &params.procurement;
    for share in districts.take_share.iter_mut() {
        *share = 0.0;
    }
    if !in_months(clock.date.month(), p.campaign) {
        return;
    }
    let weeks_left = weeks_to_harvest(clock.date, params.agriculture.harvest);
    let campaign_weeks = {
        let months = if p.campaign.0 <= p.campaign.1 {
            p.campaign.1 - p.campaign.0 + 1
        } else {
            p.campaign.1 + 13 - p.campaign.0
        };
        months as f64 * 52.0 / 12.0
    };
    // Food-army coverage of Soviet villages.
    let rural_soviet: f64 = geography
        .districts
        .iter()
        .enumerate()
        .filter(|(_, d)| !d.urban && control.soviet(d.region))
        .map(|(i, _)| districts.population[i])
        .sum();
    let coverage = (government.policy.food_army / (rural_soviet * p.food_army_full).max(1.0)).min(1.0);
    let regime = government.policy.procurement;
    let trade_open = government.policy.bag_trade == Tolerance::Tolerated;
    let trade_rate = if trade_open { p.trade_rate } else { p.trade_rate * (1.0 - p.suppression) };
    let mut rng = BlockRng::new(&clock, Stream::Procurement);
    let n = districts.population.len();
    let mut taken_d = vec![0.0; n];
    let mut stock_d = vec![0.0; n];
    let (mut soviet_take, mut other_take, mut traded, mut to_soviet_cities) = (0.0, 0.0, 0.0, 0.0);
    for (person, mut household, mind) in agents.iter_mut() {
        if person.role != Role::Peasant || !person.alive() || person.status == Status::Jailed {
            continue;
        }
        // No system reads change ticks: skip their bookkeeping in this hot loop.
        let household = household.bypass_change_detection();
        let d = person.district as usize;
        let dist = &geography.districts[d];
        let region = &geography.regions[dist.region as usize];
        let keep = norm_keep(&params, region, person.weight as f64, household.land, weeks_left);
        let surplus = (household.grain - keep).max(0.0);
        let before = household.grain + household.hidden;
        stock_d[d] += before;
        let rng = rng.for_agent(person.id);
        let mut take = 0.0;
        let mut sold: f64;
        match control.controller[dist.region as usize] {
            Controller::Soviet => {
                match regime {
                    Procurement::FreeTrade => sold = trade_rate * surplus,
                    Procurement::GrainMonopoly => {
                        // Deliveries at fixed prices, and where the food detachments are out
                        // (the "food dictatorship" of May 1918), requisition of the surplus.
                        let delivered = p.monopoly_delivery * economy.goods.min(1.0) * surplus;
                        let error: f64 = rng.random();
                        let seized = requisition(&params, household.grain - delivered, keep, coverage, error);
                        take = delivered + seized;
                        sold = trade_rate * (surplus - take).max(0.0);
                    }
                    Procurement::Razverstka => {
                        let error: f64 = rng.random();
                        take = requisition(&params, household.grain, keep, coverage, error);
                        let found = p.detection * coverage * household.hidden;
                        household.hidden -= found;
                        household.grain += found;
                        take = (take + found).min(household.grain);
                        sold = trade_rate * (household.grain - take - keep).max(0.0);
                    }
                    Procurement::TaxInKind => {
                        // Progressive: households with nothing above the norm are exempt.
                        let owed = p.tax_rate * household.harvest_year;
                        let remaining = (owed - household.taken_year).max(0.0);
                        take = (owed / campaign_weeks.max(1.0)).min(remaining).min(surplus);
                        sold = trade_rate * (household.grain - take - keep).max(0.0);
                    }
                }
                if matches!(regime, Procurement::Razverstka | Procurement::GrainMonopoly) {
                    let hide =
                        hiding(&params, (household.grain - take - keep).max(0.0), mind.grievance as f64, coverage);
                    household.grain -= hide;
                    household.hidden += hide;
                }
                take = take.min(household.grain);
                household.grain -= take;
                soviet_take += take;
                sold = sold.min(household.grain).max(0.0);
                household.grain -= sold;
                to_soviet_cities += sold;
            }
            Controller::White | Controller::CentralPowers => {
                take = (p.other_take * surplus).min(household.grain);
                household.grain -= take;
                other_take += take;
                sold = (p.trade_rate * (household.grain - keep).max(0.0)).min(household.grain);
                household.grain -= sold;
            }
            Controller::National | Controller::Contested => {
                sold = (p.trade_rate * surplus).min(household.grain);
                household.grain -= sold;
            }
        }
        traded += sold;
        household.taken_year += take;
        taken_d[d] += take;
    }
    for d in 0..n {
        districts.take_share[d] = if stock_d[d] > 0.0 { taken_d[d] / stock_d[d] } else { 0.0 };
    }
    economy.state_stock += soviet_take;
    economy.bag_in_transit += to_soviet_cities;
    ledger.grain.procured_soviet += soviet_take;
    ledger.grain.procured_other += other_take;
    ledger.grain.traded += traded;
    ledger.grain_procured_soviet += soviet_take;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stronger_detachments_take_more() {
        let params = crate::testing::params();
        let weak = requisition(&params, 100.0, 40.0, 0.2, 0.0);
        let strong = requisition(&params, 100.0, 40.0, 0.8, 0.0);
        assert!(strong > weak && weak > 0.0);
    }

    #[test]
    fn enforcement_error_cuts_into_the_norm() {
        let params = crate::testing::params();
        // A household with exactly its norm loses nothing without error, something with it.
        assert_eq!(requisition(&params, 40.0, 40.0, 1.0, 0.0), 0.0);
        assert!(requisition(&params, 40.0, 40.0, 1.0, 1.0) > 0.0);
    }

    #[test]
    fn grievance_makes_households_hide_more() {
        let params = crate::testing::params();
        assert!(hiding(&params, 50.0, 0.8, 0.3) > hiding(&params, 50.0, 0.1, 0.3));
        assert!(hiding(&params, 50.0, 0.5, 0.9) < hiding(&params, 50.0, 0.5, 0.1));
    }

    #[test]
    fn weeks_to_harvest_wraps_the_year() {
        let d: Date = "1918-07-25".parse().unwrap();
        assert!((weeks_to_harvest(d, (8, 1)) - 1.0).abs() < 1e-9);
        let d: Date = "1918-08-08".parse().unwrap();
        assert!(weeks_to_harvest(d, (8, 1)) > 50.0);
    }
}
