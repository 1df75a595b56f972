//! Mechanism 4: cities and industry — rations, the bag trade's arrivals, flight to the
//! villages, and industrial output with fuel, food and management.
//!
//! Sources: seed 004 E7 (L2635-2640: workers fled to the villages to feed themselves, those
//! with village ties first; L2122-2128: the cities depopulated); MODEL.md §6.4 (Petrograd from
//! 2.4 M to ≈ 0.72 M by 1920; coal lost with the Donbas); seed 004 D6-D8 on management.

use crate::environment::Environment;
use crate::model::*;
use crate::scenario::{Controller, FactoryManagement, PeaceStatus};
use crate::systems::Now;

/// Weekly chance that a worker family leaves for its village.
pub fn flight_chance(params: &crate::scenario::Params, food_ratio: f64, village_ties: bool) -> f64 {
    let c = &params.cities;
    let rate = if village_ties { c.flight_with_ties } else { c.flight_without_ties };
    rate * (1.0 - food_ratio).max(0.0) * params.mechanisms.urban_flight
}

/// Industrial output index from the workforce, fuel, food and management.
pub fn output_index(
    params: &crate::scenario::Params,
    workforce: f64,
    fuel: f64,
    food: f64,
    mode: FactoryManagement,
) -> f64 {
    let c = &params.cities;
    let productivity = c.productivity[mode as usize];
    workforce
        * fuel.clamp(0.0, 1.0).powf(c.fuel_elasticity)
        * food.clamp(0.0, 1.0).powf(c.food_elasticity)
        * productivity
}

/// The towns' rations this week: the army eats first from the state's stock, the towns get
/// what the state releases after, up to the ration norms. Needs come from the census (the
/// workers present at the end of last week); the free market (`market::clear`) adds the rest.
pub fn supply(now: &Now, census: &Census, env: &Environment, economy: &mut Economy) {
    let Now { clock, params, geography, control } = *now;
    let c = &params.cities;
    let norm = params.agriculture.consumption_norm / 52.0;
    for (r, region) in geography.regions.iter().enumerate() {
        economy.town_need[r] = census.workers_by_region[r] * norm * (1.0 - region.other_food_share);
    }
    let urban_need: f64 =
        (0..geography.regions.len()).filter(|r| control.soviet(*r as u16)).map(|r| economy.town_need[r]).sum();
    let army_need = census.red_army * c.army_ration / 52.0;
    economy.state_stock *= 1.0 - c.state_losses;
    let release = (economy.state_stock * c.release_rate).min(economy.state_stock);
    let to_army = release.min(army_need);
    let to_cities = (release - to_army).min(urban_need * params.market.ration_ceiling);
    economy.state_stock -= to_army + to_cities;
    // In a transport crisis only part of what is sent arrives; the rest waits in the depots.
    let arrives = env.transport(clock.date);
    economy.state_stock += to_cities * (1.0 - arrives);
    economy.state_to_cities = to_cities * arrives;
    economy.urban_need = urban_need;
    economy.army_food = if army_need > 0.0 { to_army / army_need } else { 1.0 };
}

/// What the towns' households need to know this week.
pub struct TownWeek<'a> {
    params: &'a crate::scenario::Params,
    district_region: &'a [u16],
    city_food: &'a [f64],
    streams: AgentStreams,
}

impl<'a> TownWeek<'a> {
    pub fn new(now: &Now<'a>, economy: &'a Economy) -> TownWeek<'a> {
        let Now { clock, params, geography, .. } = *now;
        TownWeek {
            params,
            district_region: &geography.district_region,
            city_food: &economy.city_food,
            streams: AgentStreams::new(clock.seed, clock.tick, Stream::Cities),
        }
    }
}

/// A town household eats what reaches its town; a hungry family leaves for its village.
/// People who move between regions are entered in `moves` (moved out, moved in).
#[inline]
pub fn town_household(week: &TownWeek, person: &mut Person, household: &mut Household, moves: &mut [PeopleLedger]) {
    if person.role != Role::Worker || !person.alive() || person.status == Status::Jailed {
        return;
    }
    let r = week.district_region[person.district as usize] as usize;
    household.food_ratio = week.city_food[r] as f32;
    let chance = flight_chance(week.params, household.food_ratio.into(), person.village_ties);
    if chance > 0.0 && week.streams.agent(person.id).uniform() < chance {
        let to = week.district_region[person.home as usize] as usize;
        person.role = Role::Peasant;
        person.origin = Role::Peasant;
        person.district = person.home;
        person.industrial = false;
        person.status = Status::Quiet;
        household.land = person.weight as f32;
        if r != to {
            moves[r].moved_out += person.weight as u64;
            moves[to].moved_in += person.weight as u64;
        }
    }
}

/// Industry: coal from the regions the Whites and the Central Powers do not hold (a national
/// or contested Ukraine still sent coal north), food, and management; goods for the villages.
pub fn industry(now: &Now, census: &Census, government: &Government, war: &War, economy: &mut Economy) {
    let Now { params, geography, control, .. } = *now;
    let c = &params.cities;
    let workforce: f64 =
        (0..geography.regions.len()).filter(|r| control.soviet(*r as u16)).map(|r| census.workforce_by_region[r]).sum();
    let coal: f64 = geography
        .regions
        .iter()
        .enumerate()
        .filter(|(r, _)| !matches!(control.controller[*r], Controller::White | Controller::CentralPowers))
        .map(|(_, region)| region.coal_share)
        .sum();
    economy.fuel = (coal + c.other_fuel).min(1.0);
    let at_war = war.fronts.iter().any(|f| f.active) || government.policy.peace == PeaceStatus::AtWar;
    economy.industrial_output = output_index(
        params,
        workforce / economy.base_industrial.max(1.0),
        economy.fuel,
        economy.urban_food_ratio,
        government.policy.factory,
    );
    economy.goods = economy.industrial_output * if at_war { 1.0 - c.army_share_of_output } else { 1.0 };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunger_and_village_ties_drive_flight() {
        let params = crate::testing::params();
        assert_eq!(flight_chance(&params, 1.0, true), 0.0);
        assert!(flight_chance(&params, 0.4, true) > flight_chance(&params, 0.8, true));
        assert!(flight_chance(&params, 0.4, true) > flight_chance(&params, 0.4, false));
    }

    #[test]
    fn output_falls_without_fuel_or_food() {
        let params = crate::testing::params();
        let full = output_index(&params, 1.0, 1.0, 1.0, FactoryManagement::OneManManagement);
        assert!(output_index(&params, 1.0, 0.3, 1.0, FactoryManagement::OneManManagement) < full);
        assert!(output_index(&params, 1.0, 1.0, 0.5, FactoryManagement::OneManManagement) < full);
        assert!(output_index(&params, 0.5, 1.0, 1.0, FactoryManagement::OneManManagement) < full);
    }
}
