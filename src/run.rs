//! One run: build the world, step it week by week, collect metrics and events.

use crate::date::{DAYS_PER_TICK, Date};
use crate::metrics::{Metrics, column};
use crate::model::*;
use crate::scenario::{Controller, Resolved};
use bevy_ecs::prelude::*;

/// What one run produces.
#[derive(Clone, Debug)]
pub struct RunOutput {
    pub seed: u64,
    pub scale: u32,
    pub agents: usize,
    /// One entry per tick: (tick, date, metric values in `METRICS` order).
    pub rows: Vec<(u32, Date, Vec<f64>)>,
    pub events: Vec<LoggedEvent>,
    pub end_state: EndState,
    /// What became of Kronstadt.
    pub kronstadt: KronstadtOutcome,
    /// Population share held by the Whites at the end.
    pub white_share: f64,
}

/// What became of Kronstadt by the end of a run: the one classifier used by `run`, the
/// ensembles' `runs.csv` and the charts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KronstadtOutcome {
    /// The garrison never rose.
    NoRising,
    /// It rose and the rising was still unresolved at the end.
    Mutiny,
    Suppressed,
    Holds,
    Negotiated,
}

impl KronstadtOutcome {
    pub fn of(state: KronstadtState) -> KronstadtOutcome {
        match state {
            KronstadtState::Loyal => KronstadtOutcome::NoRising,
            KronstadtState::Mutiny { .. } => KronstadtOutcome::Mutiny,
            KronstadtState::Suppressed => KronstadtOutcome::Suppressed,
            KronstadtState::Holds => KronstadtOutcome::Holds,
            KronstadtState::Negotiated => KronstadtOutcome::Negotiated,
        }
    }

    /// The key in `runs.csv` (`kronstadt` column).
    pub fn key(self) -> &'static str {
        match self {
            KronstadtOutcome::NoRising => "none",
            KronstadtOutcome::Mutiny => "mutiny",
            KronstadtOutcome::Suppressed => "suppressed",
            KronstadtOutcome::Holds => "holds",
            KronstadtOutcome::Negotiated => "negotiated",
        }
    }

    /// In words, for a reader.
    pub fn label(self) -> &'static str {
        match self {
            KronstadtOutcome::NoRising => "no rising",
            KronstadtOutcome::Mutiny => "rising unresolved",
            KronstadtOutcome::Suppressed => "suppressed",
            KronstadtOutcome::Holds => "holds",
            KronstadtOutcome::Negotiated => "negotiated",
        }
    }
}

/// How a run ends (INTERFACE.md, `end_state`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndState {
    SovietDemocracy,
    OnePartyState,
    WhiteVictory,
    Fragmentation,
}

/// Thresholds of the end-state rule.
pub const MAJORITY: f64 = 0.5;
/// A soviet democracy: freely elected, autonomous soviets over at least this share of the
/// Soviet population...
pub const DEMOCRATIC_SOVIETS: f64 = 0.4;
/// ...with at least this effective number of parties among their delegates.
pub const PLURAL_SOVIETS: f64 = 1.5;

impl EndState {
    pub fn key(self) -> &'static str {
        match self {
            EndState::SovietDemocracy => "soviet_democracy",
            EndState::OnePartyState => "one_party_state",
            EndState::WhiteVictory => "white_victory",
            EndState::Fragmentation => "fragmentation",
        }
    }

    /// The rule: the Whites hold most of the population → `white_victory`; nobody holds
    /// most → `fragmentation`; the Soviets hold most and their soviets are free
    /// (`soviet_democracy_index` ≥ 0.4) and plural (`party_pluralism` ≥ 1.5) →
    /// `soviet_democracy`; otherwise `one_party_state`.
    pub fn classify(soviet_share: f64, white_share: f64, democracy: f64, pluralism: f64) -> EndState {
        if white_share > MAJORITY {
            EndState::WhiteVictory
        } else if soviet_share <= MAJORITY {
            EndState::Fragmentation
        } else if democracy >= DEMOCRATIC_SOVIETS && pluralism >= PLURAL_SOVIETS {
            EndState::SovietDemocracy
        } else {
            EndState::OnePartyState
        }
    }
}

/// Checks that every person and every pood of grain is accounted for.
pub fn check_accounting(world: &mut World) -> Result<(), String> {
    let geography = world.resource::<Geography>().clone();
    let ledger = world.resource::<Ledger>().clone();
    let mut people = vec![0i64; geography.regions.len()];
    let mut grain = 0.0;
    let mut query = world.query::<(&Person, &Household)>();
    for (person, household) in query.iter(world) {
        if person.alive() {
            people[geography.districts[person.home as usize].region as usize] += person.weight as i64;
        }
        grain += household.grain + household.hidden;
    }
    for (r, count) in people.iter().enumerate() {
        let expected = ledger.people[r].expected();
        if *count != expected {
            return Err(format!(
                "region {}: {} people present, but the ledger expects {}",
                geography.regions[r].id, count, expected
            ));
        }
    }
    let expected = ledger.grain.expected_stock();
    if (grain - expected).abs() > 1e-6 * expected.abs().max(1.0) {
        return Err(format!("households hold {grain} poods, but the grain ledger expects {expected}"));
    }
    Ok(())
}

/// Runs a scenario with one seed on one thread, calling `observe` after every tick.
pub fn simulate_with(
    resolved: &Resolved,
    seed: u64,
    scale: u32,
    observe: impl FnMut(&mut World) -> Result<(), String>,
) -> Result<RunOutput, String> {
    simulate_threads_with(resolved, seed, scale, 1, observe)
}

/// A week's metrics are all finite, or the error names the first that is not.
fn check_finite(date: Date, values: &[f64]) -> Result<(), String> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(bad) => Err(format!("{date}: metric `{}` is not finite", crate::metrics::METRICS[bad])),
        None => Ok(()),
    }
}

/// Runs a scenario with one seed, its passes over the agents on `threads` threads (the output
/// is the same for any number of threads), calling `observe` after every tick.
pub fn simulate_threads_with(
    resolved: &Resolved,
    seed: u64,
    scale: u32,
    threads: usize,
    mut observe: impl FnMut(&mut World) -> Result<(), String>,
) -> Result<RunOutput, String> {
    run_weeks(resolved, seed, scale, threads, |world| observe(world).map(|()| false))
}

/// Runs a scenario with one seed on one thread, calling `done` after every tick (as `observe`
/// is called), and stops after the first week for which it returns `true` (or at the scenario's
/// end): for tests that need only part of the window. The weeks it covers are a full run's, byte
/// for byte (nothing in the model reads how far a run will go; `tests/model.rs` checks it); the
/// end state and Kronstadt's outcome are those of its last week. For example, to stop once
/// mid-1921 has been run: `|world| world.resource::<Clock>().date >= until`.
pub fn simulate_until(
    resolved: &Resolved,
    seed: u64,
    scale: u32,
    mut done: impl FnMut(&mut World) -> bool,
) -> Result<RunOutput, String> {
    run_weeks(resolved, seed, scale, 1, |world| Ok(done(world)))
}

/// The weekly loop: `after_week` is called after every tick and ends the run early by
/// returning `true`.
fn run_weeks(
    resolved: &Resolved,
    seed: u64,
    scale: u32,
    threads: usize,
    mut after_week: impl FnMut(&mut World) -> Result<bool, String>,
) -> Result<RunOutput, String> {
    let mut world = crate::world::build(resolved, seed, scale, threads);
    let agents = world.query::<&Person>().iter(&world).count();
    crate::schedule::initial().run(&mut world);
    let mut schedule = crate::schedule::weekly();
    let mut rows = Vec::new();
    loop {
        let (tick, date, end) = {
            let c = world.resource::<Clock>();
            (c.tick, c.date, c.end)
        };
        if date >= end {
            break;
        }
        schedule.run(&mut world);
        let values = world.resource::<Metrics>().values.clone();
        check_finite(date, &values)?;
        rows.push((tick, date, values));
        if after_week(&mut world)? {
            break;
        }
        let mut c = world.resource_mut::<Clock>();
        c.tick += 1;
        c.date = c.date.add_days(DAYS_PER_TICK);
    }
    let metrics = world.resource::<Metrics>().clone();
    let white_share = {
        let geography = world.resource::<Geography>();
        let control = world.resource::<Control>();
        let districts = world.resource::<Districts>();
        let total: f64 = districts.population.iter().sum();
        let white: f64 = geography
            .districts
            .iter()
            .enumerate()
            .filter(|(_, d)| control.controller[d.region as usize] == Controller::White)
            .map(|(i, _)| districts.population[i])
            .sum();
        white / total.max(1.0)
    };
    let end_state = EndState::classify(
        metrics.values[const { column("territory_soviet_share") }],
        white_share,
        metrics.values[const { column("soviet_democracy_index") }],
        metrics.values[const { column("party_pluralism") }],
    );
    let kronstadt = KronstadtOutcome::of(world.resource::<Kronstadt>().state);
    let events = std::mem::take(&mut world.resource_mut::<EventLog>().rows);
    Ok(RunOutput { seed, scale, agents, rows, events, end_state, kronstadt, white_share })
}

/// Runs a scenario with one seed on one thread.
pub fn simulate(resolved: &Resolved, seed: u64, scale: u32) -> Result<RunOutput, String> {
    simulate_with(resolved, seed, scale, |_| Ok(()))
}

/// Runs a scenario with one seed on `threads` threads.
pub fn simulate_threads(resolved: &Resolved, seed: u64, scale: u32, threads: usize) -> Result<RunOutput, String> {
    simulate_threads_with(resolved, seed, scale, threads, |_| Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_week_with_a_metric_not_finite_is_refused_by_name() {
        let date: Date = "1919-01-01".parse().unwrap();
        let mut values = vec![1.0; crate::metrics::METRICS.len()];
        assert!(check_finite(date, &values).is_ok());
        values[3] = f64::NAN;
        let e = check_finite(date, &values).unwrap_err();
        assert!(e.contains(crate::metrics::METRICS[3]) && e.contains("1919-01-01"), "{e}");
        values[3] = 1.0;
        values[0] = f64::INFINITY;
        assert!(check_finite(date, &values).unwrap_err().contains(crate::metrics::METRICS[0]));
    }

    #[test]
    fn end_state_rule() {
        assert_eq!(EndState::classify(0.3, 0.6, 0.0, 1.0), EndState::WhiteVictory);
        assert_eq!(EndState::classify(0.4, 0.3, 0.9, 3.0), EndState::Fragmentation);
        assert_eq!(EndState::classify(0.9, 0.0, 0.6, 2.5), EndState::SovietDemocracy);
        assert_eq!(EndState::classify(0.9, 0.0, 0.6, 1.1), EndState::OnePartyState);
        assert_eq!(EndState::classify(0.9, 0.0, 0.1, 3.0), EndState::OnePartyState);
    }
}
