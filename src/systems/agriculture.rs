//! Mechanism 2: agriculture — sowing, harvest, eating, fodder and spoilage.
//!
//! Sources: seed 004 E4 (L2531-2535) "Peasants resisted by reducing the amount they
//! planted"; seed 002 L1065-1069: output rises only when there are consumer goods to buy.
//! Harvest = sown area × yield × the region's weather that year (the Volga drought of
//! 1920-21 is a scheduled weather input).

use crate::model::*;
use crate::systems::{Coefficients, events::Environment};
use bevy_ecs::prelude::*;

/// Seed (poods) needed to sow one area unit in a region.
pub fn seed_per_area(params: &crate::scenario::Params, region: &Region) -> f64 {
    params.agriculture.seed_share * region.grain_per_rural_person
}

/// Grain a household needs for food and fodder per week (poods).
pub fn weekly_need(params: &crate::scenario::Params, region: &Region, people: f64) -> (f64, f64) {
    let a = &params.agriculture;
    (people * a.consumption_norm * (1.0 - region.other_food_share) / 52.0, people * a.fodder_per_person / 52.0)
}

/// The share of its land a household decides to sow: less when it expects its surplus to be
/// taken, more when there are goods to buy.
pub fn sowing_share(params: &crate::scenario::Params, expected_take: f64, goods: f64) -> f64 {
    let a = &params.agriculture;
    let take_effect = 1.0 - a.sowing_take_elasticity * params.mechanisms.requisition_sowing * expected_take;
    let goods_effect = 1.0 + a.sowing_goods_elasticity * (goods - 1.0);
    (take_effect * goods_effect).clamp(a.sowing_floor, 1.0)
}

/// Takes up to `amount` from the open stock, then from the hidden stock; returns what was taken.
pub fn draw(household: &mut Household, amount: f64) -> f64 {
    let from_open = amount.min(household.grain).max(0.0);
    household.grain -= from_open;
    let from_hidden = (amount - from_open).min(household.hidden).max(0.0);
    household.hidden -= from_hidden;
    from_open + from_hidden
}

#[allow(clippy::too_many_arguments)]
pub fn agriculture(
    clock: Res<Clock>,
    params: Res<Coefficients>,
    geography: Res<Geography>,
    control: Res<Control>,
    env: Res<Environment>,
    mut economy: ResMut<Economy>,
    mut ledger: ResMut<Ledger>,
    mut agents: Query<(&Person, &mut Household)>,
) {
    let _ = &env;
    let a = &params.agriculture;
    let spring = clock.date.week_contains(a.spring_sowing.0, a.spring_sowing.1);
    let winter = clock.date.week_contains(a.winter_sowing.0, a.winter_sowing.1);
    let harvest = clock.date.week_contains(a.harvest.0, a.harvest.1);
    let mut rng = BlockRng::new(&clock, Stream::Agriculture);
    let mut harvested = 0.0;
    let mut sown_spring = 0.0;
    let mut sown_total = 0.0;
    let (mut eaten, mut seed, mut fodder, mut spoiled) = (0.0, 0.0, 0.0, 0.0);
    let spoil_rate = a.spoilage_per_year / 52.0;
    for (person, mut household) in agents.iter_mut() {
        if person.origin != Role::Peasant {
            continue;
        }
        // No system reads change ticks: skip their bookkeeping in this hot loop.
        let household = household.bypass_change_detection();
        let farming = person.role == Role::Peasant && person.alive() && person.status != Status::Jailed;
        let region = &geography.regions[geography.districts[person.home as usize].region as usize];
        let r_index = geography.districts[person.home as usize].region as usize;
        if harvest {
            let noise = 1.0 + a.yield_spread * crate::world::normal(rng.for_agent(person.id));
            let crop = (household.sown * region.grain_per_rural_person * control.weather[r_index] * noise).max(0.0);
            if household.harvest_year > 0.0 {
                let last_take = (household.taken_year / household.harvest_year).min(1.0);
                household.expected_take =
                    a.expectation_memory * last_take + (1.0 - a.expectation_memory) * household.expected_take;
            }
            if farming {
                household.grain += crop;
                harvested += crop;
            }
            household.harvest_year = crop;
            household.taken_year = 0.0;
            household.sown = 0.0;
        }
        if !farming {
            continue;
        }
        if spring || winter {
            let share = if winter { a.winter_crop_share } else { 1.0 - a.winter_crop_share };
            let planned = household.land * share * sowing_share(&params, household.expected_take, economy.goods);
            let per_area = seed_per_area(&params, region);
            let available = household.grain + household.hidden;
            let area = planned.min(available / per_area);
            seed += draw(household, area * per_area);
            household.sown += area;
            if spring {
                sown_spring += area;
                sown_total += household.sown;
            }
        }
        let people = person.weight as f64;
        let (food_need, fodder_need) = weekly_need(&params, region, people);
        let ate = draw(household, food_need);
        eaten += ate;
        household.food_ratio = if food_need > 0.0 { ate / food_need } else { 1.0 };
        fodder += draw(household, fodder_need);
        let rot_open = household.grain * spoil_rate;
        let rot_hidden = household.hidden * spoil_rate;
        household.grain -= rot_open;
        household.hidden -= rot_hidden;
        spoiled += rot_open + rot_hidden;
    }
    let g = &mut ledger.grain;
    g.harvested += harvested;
    g.eaten += eaten;
    g.seed += seed;
    g.fodder += fodder;
    g.spoiled += spoiled;
    if harvest {
        economy.last_harvest = harvested;
    }
    if spring && sown_spring > 0.0 {
        economy.last_sown = sown_total;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_expected_requisition_means_less_sowing() {
        let params = crate::testing::params();
        let calm = sowing_share(&params, 0.0, 1.0);
        let feared = sowing_share(&params, 0.4, 1.0);
        assert!(feared < calm, "{feared} !< {calm}");
    }

    #[test]
    fn goods_to_buy_mean_more_sowing() {
        let params = crate::testing::params();
        assert!(sowing_share(&params, 0.2, 0.3) < sowing_share(&params, 0.2, 1.0));
    }

    #[test]
    fn switching_the_mechanism_off_removes_the_sowing_response() {
        let mut params = crate::testing::params();
        params.mechanisms.requisition_sowing = 0.0;
        assert_eq!(sowing_share(&params, 0.0, 1.0), sowing_share(&params, 0.6, 1.0));
    }

    #[test]
    fn draw_takes_open_grain_before_hidden() {
        let mut h = Household { grain: 5.0, hidden: 10.0, ..Default::default() };
        assert_eq!(draw(&mut h, 8.0), 8.0);
        assert_eq!((h.grain, h.hidden), (0.0, 7.0));
        assert_eq!(draw(&mut h, 100.0), 7.0);
    }
}
