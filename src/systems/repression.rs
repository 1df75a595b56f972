//! Mechanism 6: repression — the Cheka's size, where it goes, arrests, executions, and the
//! fear and backlash they leave behind.
//!
//! Sources: seed 004 D5 (L1731-1735: the Cheka, "relatively light" at first, "soon went
//! out of control"); F7-F9 and MODEL.md §5 (light until spring 1918, Red Terror from
//! 5 September 1918, eased early 1919, high again 1920-21); executions 1918: 6,300 official
//! (seed 004 L2202-2203). Repression raises fear (the arrest risk P in activation) and
//! grievance (the backlash), in proportions set by the scenario.

use crate::model::*;
use crate::systems::{Coefficients, whole_people};
use bevy_ecs::prelude::*;
use rand::RngExt;

/// The Cheka's size next week, moving toward its target.
pub fn cheka_next(params: &crate::scenario::Params, cheka: f64, terror: f64, population_soviet: f64) -> f64 {
    let r = &params.repression;
    let target = r.cheka_per_capita * terror * population_soviet;
    cheka + r.cheka_growth * (target - cheka)
}

#[allow(clippy::too_many_arguments)]
pub fn repression(
    clock: Res<Clock>,
    params: Res<Coefficients>,
    geography: Res<Geography>,
    control: Res<Control>,
    mut government: ResMut<Government>,
    mut districts: ResMut<Districts>,
    mut unrest: ResMut<Unrest>,
    mut ledger: ResMut<Ledger>,
    metrics: Res<crate::metrics::Metrics>,
    mut agents: Query<&mut Person>,
) {
    let r = &params.repression;
    let n = districts.population.len();
    let soviet: Vec<bool> = geography.districts.iter().map(|d| control.soviet(d.region)).collect();
    let pop_soviet: f64 = (0..n).filter(|d| soviet[*d]).map(|d| districts.population[d]).sum();
    government.cheka = cheka_next(&params, government.cheka, government.policy.terror, pop_soviet);
    let active_soviet: f64 = (0..n).filter(|d| soviet[*d]).map(|d| districts.active[d]).sum();
    let rear = metrics.get("red_army") * params.war.red_rear_share;
    let mut arrest_chance = vec![0.0; n];
    for d in 0..n {
        if !soviet[d] {
            districts.police[d] = 0.0;
            continue;
        }
        let by_pop = districts.population[d] / pop_soviet.max(1.0);
        let by_activity = if active_soviet > 0.0 { districts.active[d] / active_soviet } else { by_pop };
        let cheka_here = government.cheka * ((1.0 - r.targeting) * by_pop + r.targeting * by_activity);
        districts.police[d] = cheka_here + rear * by_activity;
        if districts.active[d] > 0.0 {
            arrest_chance[d] = (r.arrests_per_chekist * cheka_here / districts.active[d]).min(1.0);
        }
    }
    let mut felt = vec![0.0; n];
    for a in unrest.strikers_arrested.iter_mut() {
        *a = 0.0;
    }
    let mut rng = BlockRng::new(&clock, Stream::Repression);
    let execution = r.execution_share * government.policy.terror;
    for mut person in agents.iter_mut() {
        if person.status == Status::Jailed && clock.tick >= person.jailed_until {
            person.status = Status::Quiet;
        }
        if person.status != Status::Active {
            continue;
        }
        let d = person.district as usize;
        let rng = rng.for_agent(person.id);
        if arrest_chance[d] > 0.0 && rng.random::<f64>() < arrest_chance[d] {
            let people = person.weight;
            ledger.arrests += people as f64;
            if person.role == Role::Worker {
                unrest.strikers_arrested[geography.districts[d].region as usize] += people as f64;
            }
            let shot = whole_people(rng, people, execution);
            if shot > 0 {
                person.weight -= shot;
                ledger.executions += shot as f64;
                ledger.death(geography.districts[person.home as usize].region, Cause::Execution, shot);
            }
            felt[d] += people as f64;
            person.status = if person.weight == 0 { Status::Dead } else { Status::Jailed };
            person.jailed_until = clock.tick + r.jail_weeks;
        }
    }
    for d in 0..n {
        let fresh = felt[d] / districts.population[d].max(1.0);
        districts.repression[d] = r.memory * districts.repression[d] + fresh;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terror_grows_the_cheka() {
        let params = crate::testing::params();
        let calm = cheka_next(&params, 10_000.0, 0.1, 60e6);
        let terror = cheka_next(&params, 10_000.0, 0.9, 60e6);
        assert!(terror > calm);
        assert!(cheka_next(&params, 1e6, 0.0, 60e6) < 1e6);
    }
}
