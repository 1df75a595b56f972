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
use crate::scenario::{Controller, Procurement};
use crate::systems::{agriculture, in_months, market};

/// Weeks from `date` to the next harvest.
fn weeks_to_harvest(date: Date, harvest: (u32, u32)) -> f64 {
    let (y, _, _) = date.ymd();
    let this_year = Date::from_ymd(y, harvest.0, harvest.1).unwrap_or(date);
    let next = if this_year > date { this_year } else { Date::from_ymd(y + 1, harvest.0, harvest.1).unwrap_or(date) };
    next.days_since(date) as f64 / 7.0
}

/// The first date on `(month, day)` after the week that begins on `date` (a sowing or harvest
/// that falls within this week has already happened when procurement runs: the land pass
/// farms before it procures).
fn next_after_week(date: Date, (month, day): (u32, u32)) -> Date {
    let (y, _, _) = date.ymd();
    let end = date.add_days(crate::date::DAYS_PER_TICK);
    [y, y + 1, y + 2].iter().filter_map(|&year| Date::from_ymd(year, month, day)).find(|d| *d >= end).unwrap_or(end)
}

/// The last harvest on `(month, day)` up to the end of the week that begins on `date` (the land
/// pass harvests before it procures): the year before the next one after the week.
fn last_harvest(date: Date, harvest: (u32, u32)) -> Date {
    let next = next_after_week(date, harvest);
    Date::from_ymd(next.ymd().0 - 1, harvest.0, harvest.1).unwrap_or(next)
}

/// The share of its land a household has still to sow before the next harvest, after this
/// week's farming: all of it between the harvest and the winter sowing, the spring crops'
/// share between the winter and the spring sowings, none between the spring sowing and the
/// harvest. Seed already in the ground is no longer kept back from sale or requisition (the
/// razverstka's norms left seed for the coming sowing: seed 004 E1, L1799-1802).
pub fn seed_still_to_sow(a: &crate::scenario::AgricultureParams, date: Date) -> f64 {
    let harvest = next_after_week(date, a.harvest);
    let before_harvest = |sowing: (u32, u32)| next_after_week(date, sowing) <= harvest;
    let winter = if before_harvest(a.winter_sowing) { a.winter_crop_share } else { 0.0 };
    let spring = if before_harvest(a.spring_sowing) { 1.0 - a.winter_crop_share } else { 0.0 };
    winter + spring
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

/// What procurement and the market need to know this week.
pub struct ProcurementWeek<'a> {
    params: &'a crate::scenario::Params,
    district_region: &'a [u16],
    controller: &'a [Controller],
    /// Per region: the norm a household keeps per person until the harvest, and seed per area.
    keep_per_person: Vec<f64>,
    seed_per_area: Vec<f64>,
    /// Whether the procurement campaign is on (the market runs all year).
    campaign: bool,
    coverage: f64,
    regime: Procurement,
    /// Share of the surplus sold per week in Soviet regions, at this week's free price and risk.
    trade_rate: f64,
    /// Deliveries at the fixed price against the first week's, as the fixed price loses value.
    fixed_incentive: f64,
    campaign_weeks: f64,
    /// Whether the tax in kind is levied on this agricultural year's harvest: not when it was
    /// adopted after that harvest. The tax of March 1921 replaced the razverstka at once and was
    /// levied on the 1921 harvest (the 10th Congress, 15 March 1921; seed 004 E8, L2942-2944);
    /// a tax adopted in the spring does not take a second levy from the grain left after the
    /// requisition.
    tax_due: bool,
    goods: f64,
    streams: AgentStreams,
}

impl<'a> ProcurementWeek<'a> {
    /// The week's procurement and sales.
    pub fn new(
        now: &crate::systems::Now<'a>,
        government: &Government,
        districts: &Districts,
        economy: &Economy,
    ) -> ProcurementWeek<'a> {
        let crate::systems::Now { clock, params, geography, control } = *now;
        let (p, m) = (&params.procurement, &params.market);
        let weeks_left = weeks_to_harvest(clock.date, params.agriculture.harvest);
        let months = if p.campaign.0 <= p.campaign.1 {
            p.campaign.1 - p.campaign.0 + 1
        } else {
            p.campaign.1 + 13 - p.campaign.0
        };
        // Food-army coverage of Soviet villages.
        let rural_soviet: f64 = geography
            .districts
            .iter()
            .enumerate()
            .filter(|(_, d)| !d.urban && control.soviet(d.region))
            .map(|(i, _)| districts.population[i])
            .sum();
        let risk = market::selling_risk(params, &government.policy);
        let inflation =
            if economy.base_price_level > 0.0 { economy.price_level / economy.base_price_level } else { 1.0 };
        ProcurementWeek {
            params,
            district_region: &geography.district_region,
            controller: &control.controller,
            keep_per_person: geography.regions.iter().map(|r| norm_keep(params, r, 1.0, 0.0, weeks_left)).collect(),
            seed_per_area: {
                let to_sow = seed_still_to_sow(&params.agriculture, clock.date);
                geography.regions.iter().map(|r| to_sow * agriculture::seed_per_area(params, r)).collect()
            },
            campaign: in_months(clock.date.month(), p.campaign),
            coverage: (government.policy.food_army / (rural_soviet * p.food_army_full).max(1.0)).min(1.0),
            regime: government.policy.procurement,
            trade_rate: p.trade_rate * market::sale_factor(m, economy.village_price, risk),
            fixed_incentive: inflation.powf((m.fixed_price_indexation - 1.0) * m.marketing_elasticity),
            campaign_weeks: months as f64 * 52.0 / 12.0,
            tax_due: government
                .tax_since
                .is_none_or(|since| since <= last_harvest(clock.date, params.agriculture.harvest)),
            goods: economy.goods,
            streams: AgentStreams::new(clock.seed, clock.tick, Stream::Procurement),
        }
    }
}

/// Grain taken, traded and held, summed over households: per district and in all.
#[derive(Clone, Debug, Default)]
pub struct ProcurementSums {
    pub taken_by_district: Vec<f64>,
    pub stock_by_district: Vec<f64>,
    pub soviet_take: f64,
    pub other_take: f64,
    pub traded: f64,
    pub to_soviet_cities: f64,
}

impl ProcurementSums {
    pub fn new(districts: usize) -> ProcurementSums {
        ProcurementSums {
            taken_by_district: vec![0.0; districts],
            stock_by_district: vec![0.0; districts],
            ..Default::default()
        }
    }
}

impl crate::agents::Partial for ProcurementSums {
    fn merge(&mut self, o: ProcurementSums) {
        crate::agents::add_into(&mut self.taken_by_district, &o.taken_by_district);
        crate::agents::add_into(&mut self.stock_by_district, &o.stock_by_district);
        self.soviet_take += o.soviet_take;
        self.other_take += o.other_take;
        self.traded += o.traded;
        self.to_soviet_cities += o.to_soviet_cities;
    }
}

/// One peasant household's week of the campaign: what it delivers, what is seized, what it
/// hides and what it sells to the bag traders.
#[inline]
pub fn procure(
    week: &ProcurementWeek,
    person: &Person,
    household: &mut Household,
    mind: &Mind,
    sums: &mut ProcurementSums,
) {
    if person.role != Role::Peasant || !person.alive() || person.status == Status::Jailed {
        return;
    }
    let d = person.district as usize;
    let r = week.district_region[d] as usize;
    let keep = week.keep_per_person[r] * person.weight as f64 + f64::from(household.land) * week.seed_per_area[r];
    let surplus = (household.grain - keep).max(0.0);
    sums.stock_by_district[d] += household.grain + household.hidden;
    let (take, sold) = match week.controller[r] {
        Controller::Soviet if !week.campaign => {
            let sold = (week.trade_rate * surplus).min(household.grain);
            household.grain -= sold;
            sums.to_soviet_cities += sold;
            (0.0, sold)
        }
        Controller::Soviet => soviet_procurement(week, person, household, mind, keep, surplus, sums),
        Controller::White | Controller::CentralPowers => {
            let p = &week.params.procurement;
            let levy = if week.campaign { p.other_take } else { 0.0 };
            let take = (levy * surplus).min(household.grain);
            household.grain -= take;
            sums.other_take += take;
            let sold = (p.trade_rate * (household.grain - keep).max(0.0)).min(household.grain);
            household.grain -= sold;
            (take, sold)
        }
        Controller::National | Controller::Contested => {
            let sold = (week.params.procurement.trade_rate * surplus).min(household.grain);
            household.grain -= sold;
            (0.0, sold)
        }
    };
    sums.traded += sold;
    household.taken_year += take as f32;
    sums.taken_by_district[d] += take;
}

/// Procurement under the Soviet regime of the week; returns (taken, sold).
fn soviet_procurement(
    week: &ProcurementWeek,
    person: &Person,
    household: &mut Household,
    mind: &Mind,
    keep: f64,
    surplus: f64,
    sums: &mut ProcurementSums,
) -> (f64, f64) {
    let params = week.params;
    let p = &params.procurement;
    let coverage = week.coverage;
    let mut take = 0.0;
    let mut sold = match week.regime {
        Procurement::FreeTrade => week.trade_rate * surplus,
        Procurement::GrainMonopoly => {
            // Deliveries at fixed prices, and where the food detachments are out (the "food
            // dictatorship" of May 1918), requisition of the surplus.
            let delivered = p.monopoly_delivery * week.goods.min(1.0) * week.fixed_incentive * surplus;
            let error = week.streams.agent(person.id).uniform();
            let seized = requisition(params, household.grain - delivered, keep, coverage, error);
            take = delivered + seized;
            week.trade_rate * (surplus - take).max(0.0)
        }
        Procurement::Razverstka => {
            let error = week.streams.agent(person.id).uniform();
            take = requisition(params, household.grain, keep, coverage, error);
            let found = p.detection * coverage * household.hidden;
            household.hidden -= found;
            household.grain += found;
            take = (take + found).min(household.grain);
            week.trade_rate * (household.grain - take - keep).max(0.0)
        }
        Procurement::TaxInKind => {
            // Progressive: households with nothing above the norm are exempt.
            let owed = p.tax_rate * f64::from(household.harvest_year);
            let remaining = (owed - f64::from(household.taken_year)).max(0.0);
            take = if week.tax_due { (owed / week.campaign_weeks.max(1.0)).min(remaining).min(surplus) } else { 0.0 };
            week.trade_rate * (household.grain - take - keep).max(0.0)
        }
    };
    if matches!(week.regime, Procurement::Razverstka | Procurement::GrainMonopoly) {
        // What the household neither surrenders nor sells it may hide: the better the free
        // price, the more it sells and the less it keeps back.
        let visible = (household.grain - take - sold - keep).max(0.0);
        let hide = hiding(params, visible, mind.grievance as f64, coverage);
        household.grain -= hide;
        household.hidden += hide;
    }
    take = take.min(household.grain);
    household.grain -= take;
    sums.soviet_take += take;
    sold = sold.min(household.grain).max(0.0);
    household.grain -= sold;
    sums.to_soviet_cities += sold;
    (take, sold)
}

/// Enters the week's procurement: the districts' take shares, the state's stock, the bag
/// trade in transit, the ledger.
pub fn book(sums: &ProcurementSums, districts: &mut Districts, economy: &mut Economy, ledger: &mut Ledger) {
    for (d, share) in districts.take_share.iter_mut().enumerate() {
        let stock = sums.stock_by_district[d];
        *share = if stock > 0.0 { sums.taken_by_district[d] / stock } else { 0.0 };
    }
    economy.state_stock += sums.soviet_take;
    economy.bag_in_transit += sums.to_soviet_cities;
    ledger.grain.procured_soviet += sums.soviet_take;
    ledger.grain.procured_other += sums.other_take;
    ledger.grain.traded += sums.traded;
    ledger.grain_procured_soviet += sums.soviet_take;
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

    /// A week of razverstka for one household in a Soviet region, selling at `trade_rate`.
    fn razverstka_week<'a>(
        params: &'a crate::scenario::Params,
        region: &'a [u16],
        controller: &'a [Controller],
        trade_rate: f64,
    ) -> ProcurementWeek<'a> {
        ProcurementWeek {
            params,
            district_region: region,
            controller,
            keep_per_person: vec![10.0],
            seed_per_area: vec![1.0],
            campaign: true,
            coverage: 0.3,
            regime: Procurement::Razverstka,
            trade_rate,
            fixed_incentive: 1.0,
            campaign_weeks: 40.0,
            tax_due: true,
            goods: 0.3,
            streams: AgentStreams::new(1, 1, Stream::Procurement),
        }
    }

    #[test]
    fn a_higher_free_price_means_more_sold_and_less_hidden() {
        let params = crate::testing::params();
        let (region, controller) = ([0u16], [Controller::Soviet]);
        let person = Person {
            id: 7,
            role: Role::Peasant,
            origin: Role::Peasant,
            status: Status::Quiet,
            army: Army::None,
            district: 0,
            home: 0,
            weight: 1,
            front: u8::MAX,
            jailed_until: 0,
            village_ties: false,
            industrial: false,
            deserter: false,
        };
        let mut mind = Mind::new(0.3, 0.5, 1.0, crate::scenario::Party::Sr);
        mind.grievance = 0.6;
        let outcome = |village_price: f64| {
            let rate = params.procurement.trade_rate * market::sale_factor(&params.market, village_price, 0.6);
            let week = razverstka_week(&params, &region, &controller, rate);
            let mut household = Household { grain: 100.0, land: 1.0, ..Default::default() };
            let mut sums = ProcurementSums::new(1);
            procure(&week, &person, &mut household, &mind, &mut sums);
            (sums.to_soviet_cities, household.hidden)
        };
        let (sold_cheap, hidden_cheap) = outcome(1.0);
        let (sold_dear, hidden_dear) = outcome(4.0);
        assert!(sold_dear > sold_cheap, "sold {sold_dear} !> {sold_cheap}");
        assert!(hidden_dear < hidden_cheap, "hidden {hidden_dear} !< {hidden_cheap}");
    }

    #[test]
    fn seed_in_the_ground_is_no_longer_kept() {
        let a = crate::testing::params().agriculture;
        let on = |d: &str| seed_still_to_sow(&a, d.parse().unwrap());
        // After the harvest (1 August) both sowings are still to come.
        assert_eq!(on("1918-08-08"), 1.0);
        // After the winter sowing (1 September) only the spring crops' share.
        assert!((on("1918-09-04") - (1.0 - a.winter_crop_share)).abs() < 1e-12);
        assert!((on("1919-04-01") - (1.0 - a.winter_crop_share)).abs() < 1e-12);
        // The week that contains the spring sowing (20 April) has sown it; none is left.
        assert_eq!(on("1919-04-16"), 0.0);
        assert_eq!(on("1919-07-20"), 0.0);
        // The week of the harvest has harvested: the next year's sowings are ahead again.
        assert_eq!(on("1919-07-30"), 1.0);
    }

    #[test]
    fn a_tax_adopted_after_the_harvest_waits_for_the_next() {
        let harvest = (8, 1);
        let adopted: Date = "1921-03-15".parse().unwrap();
        let due = |d: &str| adopted <= last_harvest(d.parse().unwrap(), harvest);
        assert!(!due("1921-04-06"));
        assert!(!due("1921-07-20"));
        // The week that contains 1 August 1921 has harvested: the tax is due on that harvest.
        assert!(due("1921-07-30"));
        assert!(due("1921-10-05"));
    }

    #[test]
    fn weeks_to_harvest_wraps_the_year() {
        let d: Date = "1918-07-25".parse().unwrap();
        assert!((weeks_to_harvest(d, (8, 1)) - 1.0).abs() < 1e-9);
        let d: Date = "1918-08-08".parse().unwrap();
        assert!(weeks_to_harvest(d, (8, 1)) > 50.0);
    }
}
