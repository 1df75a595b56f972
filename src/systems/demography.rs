//! Mechanism 11: demography — deaths from hunger and from the epidemics that follow hunger,
//! births, and the famine's declaration. Combat deaths and executions are counted where they
//! happen (war, repression, Kronstadt); every death is entered in the ledger by cause, so the
//! population at any tick equals the start plus births minus deaths and emigration.

use crate::model::*;
use crate::systems::{Coefficients, whole_people};
use bevy_ecs::prelude::*;

/// Weekly chance of dying of hunger at a given food ratio.
pub fn hunger_death_chance(params: &crate::scenario::Params, food_ratio: f64) -> f64 {
    params.demography.hunger_mortality * (1.0 - food_ratio).clamp(0.0, 1.0).powi(2)
}

#[allow(clippy::too_many_arguments)]
pub fn demography(
    clock: Res<Clock>,
    params: Res<Coefficients>,
    geography: Res<Geography>,
    control: Res<Control>,
    mut districts: ResMut<Districts>,
    mut unrest: ResMut<Unrest>,
    mut ledger: ResMut<Ledger>,
    mut log: ResMut<EventLog>,
    mut agents: Query<(&mut Person, &Household)>,
) {
    let d_params = &params.demography;
    let nr = geography.regions.len();
    let n = districts.population.len();
    let mut hunger_sum = vec![0.0; nr];
    let mut people = vec![0.0; nr];
    let mut deaths = vec![0.0; n];
    let birth = d_params.birth_rate / 52.0;
    let mut rng = BlockRng::new(&clock, Stream::Demography);
    for (mut person, household) in agents.iter_mut() {
        if !person.alive() {
            continue;
        }
        // No system reads change ticks: skip their bookkeeping in this hot loop.
        let person = person.bypass_change_detection();
        let rng = rng.for_agent(person.id);
        let d = person.district as usize;
        let region = geography.districts[d].region as usize;
        let home_region = geography.districts[person.home as usize].region;
        let food = if person.role == Role::Soldier { 1.0 } else { household.food_ratio };
        let shortfall = (1.0 - food).clamp(0.0, 1.0);
        let hungry = whole_people(rng, person.weight, hunger_death_chance(&params, food));
        let sick = whole_people(rng, person.weight - hungry, d_params.disease_mortality * unrest.hunger[region]);
        let born = whole_people(rng, person.weight, birth);
        ledger.death(home_region, Cause::Hunger, hungry);
        ledger.death(home_region, Cause::Disease, sick);
        ledger.people[home_region as usize].births += born as u64;
        person.weight = person.weight - hungry - sick + born;
        deaths[d] += (hungry + sick) as f64;
        if person.weight == 0 {
            person.status = Status::Dead;
        }
        hunger_sum[region] += shortfall * person.weight as f64;
        people[region] += person.weight as f64;
    }
    for d in 0..n {
        districts.deaths[d] = deaths[d] / districts.population[d].max(1.0);
    }
    for r in 0..nr {
        unrest.hunger[r] = hunger_sum[r] / people[r].max(1.0);
        let starving = 1.0 - unrest.hunger[r] < d_params.famine_threshold;
        if starving && !unrest.famine[r] && control.soviet(r as u16) {
            unrest.famine[r] = true;
            log.push(
                &clock,
                "famine_declared",
                &geography.regions[r].id,
                unrest.hunger[r],
                "mean food ratio below the famine threshold",
            );
        } else if !starving {
            unrest.famine[r] = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunger_kills_more_the_less_there_is_to_eat() {
        let params = crate::testing::params();
        assert_eq!(hunger_death_chance(&params, 1.0), 0.0);
        assert!(hunger_death_chance(&params, 0.3) > hunger_death_chance(&params, 0.7));
    }
}
