//! Mechanism 6: repression — the Cheka's size, where it goes, arrests, executions, and the
//! fear and backlash they leave behind.
//!
//! Sources: seed 004 D5 (L1731-1735: the Cheka, "relatively light" at first, "soon went
//! out of control"); F7-F9 and MODEL.md §5 (light until spring 1918, Red Terror from
//! 5 September 1918, eased early 1919, high again 1920-21); executions 1918: 6,300 official
//! (seed 004 L2202-2203). Repression raises fear (the arrest risk P in activation) and
//! grievance (the backlash), in proportions set by the scenario.

use crate::model::*;
use crate::systems::whole_people;

/// The Cheka's size next week, moving toward its target.
pub fn cheka_next(params: &crate::scenario::Params, cheka: f64, terror: f64, population_soviet: f64) -> f64 {
    let r = &params.repression;
    let target = r.cheka_per_capita * terror * population_soviet;
    cheka + r.cheka_growth * (target - cheka)
}

/// The Cheka's week before any arrest: its size, where it goes (the police present in each
/// district) and each district's chance of arrest for an active agent.
pub fn deploy(
    now: &crate::systems::Now,
    census: &Census,
    government: &mut Government,
    districts: &mut Districts,
) -> Vec<f64> {
    let crate::systems::Now { params, geography, control, .. } = *now;
    let r = &params.repression;
    let n = districts.population.len();
    let soviet: Vec<bool> = geography.districts.iter().map(|d| control.soviet(d.region)).collect();
    let pop_soviet: f64 = (0..n).filter(|d| soviet[*d]).map(|d| districts.population[d]).sum();
    government.cheka = cheka_next(params, government.cheka, government.policy.terror, pop_soviet);
    let active_soviet: f64 = (0..n).filter(|d| soviet[*d]).map(|d| districts.active[d]).sum();
    let rear = census.red_army * params.war.red_rear_share;
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
    arrest_chance
}

/// What arrests need to know this week.
pub struct RepressionWeek<'a> {
    params: &'a crate::scenario::Params,
    district_region: &'a [u16],
    arrest_chance: &'a [f64],
    execution: f64,
    tick: u32,
    streams: AgentStreams,
}

impl<'a> RepressionWeek<'a> {
    pub fn new(now: &crate::systems::Now<'a>, government: &Government, arrest_chance: &'a [f64]) -> RepressionWeek<'a> {
        let crate::systems::Now { clock, params, geography, .. } = *now;
        RepressionWeek {
            params,
            district_region: &geography.district_region,
            arrest_chance,
            execution: params.repression.execution_share * government.policy.terror,
            tick: clock.tick,
            streams: AgentStreams::new(clock.seed, clock.tick, Stream::Repression),
        }
    }
}

/// Arrests and executions of the week, summed.
#[derive(Clone, Debug, Default)]
pub struct RepressionSums {
    pub arrests: f64,
    pub executions: f64,
    /// Executions by home region.
    pub executed: Vec<u64>,
    /// Strikers arrested by region; people arrested in each district.
    pub strikers_arrested: Vec<f64>,
    pub felt: Vec<f64>,
}

impl RepressionSums {
    pub fn new(regions: usize, districts: usize) -> RepressionSums {
        RepressionSums {
            executed: vec![0; regions],
            strikers_arrested: vec![0.0; regions],
            felt: vec![0.0; districts],
            ..Default::default()
        }
    }
}

impl crate::agents::Partial for RepressionSums {
    fn merge(&mut self, o: RepressionSums) {
        self.arrests += o.arrests;
        self.executions += o.executions;
        for (a, b) in self.executed.iter_mut().zip(&o.executed) {
            *a += b;
        }
        crate::agents::add_into(&mut self.strikers_arrested, &o.strikers_arrested);
        crate::agents::add_into(&mut self.felt, &o.felt);
    }
}

/// Releases an agent whose term is over; arrests (and may shoot) an active one.
#[inline]
pub fn police(week: &RepressionWeek, person: &mut Person, sums: &mut RepressionSums) {
    if person.status == Status::Jailed && week.tick >= person.jailed_until {
        person.status = Status::Quiet;
    }
    if person.status != Status::Active {
        return;
    }
    let d = person.district as usize;
    let chance = week.arrest_chance[d];
    if chance <= 0.0 {
        return;
    }
    let mut rng = week.streams.agent(person.id);
    if rng.uniform() >= chance {
        return;
    }
    let people = person.weight;
    sums.arrests += people as f64;
    if person.role == Role::Worker {
        sums.strikers_arrested[week.district_region[d] as usize] += people as f64;
    }
    let shot = whole_people(&mut rng, people, week.execution);
    if shot > 0 {
        person.weight -= shot;
        sums.executions += shot as f64;
        sums.executed[week.district_region[person.home as usize] as usize] += shot as u64;
    }
    sums.felt[d] += people as f64;
    person.status = if person.weight == 0 { Status::Dead } else { Status::Jailed };
    person.jailed_until = week.tick + week.params.repression.jail_weeks;
}

/// Enters the week's repression: the ledger, the strikers arrested, the memory of repression.
pub fn book(
    params: &crate::scenario::Params,
    sums: &RepressionSums,
    districts: &mut Districts,
    unrest: &mut Unrest,
    ledger: &mut Ledger,
) {
    ledger.arrests += sums.arrests;
    ledger.executions += sums.executions;
    for (r, shot) in sums.executed.iter().enumerate() {
        ledger.people[r].deaths[Cause::Execution as usize] += shot;
    }
    unrest.strikers_arrested.copy_from_slice(&sums.strikers_arrested);
    let memory = params.repression.memory;
    for d in 0..districts.population.len() {
        let fresh = sums.felt[d] / districts.population[d].max(1.0);
        districts.repression[d] = memory * districts.repression[d] + fresh;
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
