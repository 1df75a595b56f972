//! Kronstadt and the thaw (MODEL.md §6, "Kronstadt and the thaw").
//!
//! The garrison follows the same rules as any unit (its sailors activate by Epstein's rule
//! in their own district), with what is particular to it: it watches Petrograd, so a strike
//! wave repressed there raises its grievance (seed 004 I4, L3432-3437: "the suppression of
//! the Petrograd strikes prompted them to rebel"); its fortress can only be stormed across
//! the ice, and once the ice is gone the fortress and the fleet are "virtually impregnable"
//! (seed 002 L861-884, quoting Figes). A rising that holds spreads (loyalty adds grievance to
//! soldiers and Petrograd workers each week it holds).

use crate::agents::AllAgents;
use crate::environment::Environment;
use crate::model::*;
use crate::scenario::KronstadtResponse;
use crate::systems::{Coefficients, whole_people};
use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;
use rand::RngExt;

/// Weekly chance that an assault across the ice takes the fortress.
pub fn assault_success(params: &crate::scenario::Params, ice_holds: bool, garrison: f64) -> f64 {
    if !ice_holds {
        return 0.0;
    }
    let k = &params.kronstadt;
    1.0 - (-k.assault_success * k.assault_force / garrison.max(1.0)).exp()
}

/// What the sailors hear from Petrograd in a week: a strike wave met with arrests is news by
/// how far it rises above the level of strikes they are used to (`habit`); strikes they are
/// used to, or strikes left alone, are not (seed 004 I4: the delegation of 26-28 February 1921
/// came back with news of the suppression of a new wave).
pub fn petrograd_news(repressed_wave: bool, share: f64, habit: f64) -> f64 {
    if repressed_wave { (share - habit).max(0.0) } else { 0.0 }
}

/// What the fortress reads and changes each week.
#[derive(SystemParam)]
pub struct FortressState<'w> {
    clock: Res<'w, Clock>,
    params: Res<'w, Coefficients>,
    geography: Res<'w, Geography>,
    env: Res<'w, Environment>,
    government: Res<'w, Government>,
    unrest: Res<'w, Unrest>,
    garrison: Res<'w, Garrison>,
    fortress: ResMut<'w, Kronstadt>,
    ledger: ResMut<'w, Ledger>,
    log: ResMut<'w, EventLog>,
}

/// The sailors hear what happened in Petrograd this week.
fn petrograd_week(state: &mut FortressState) {
    let k = &state.params.kronstadt;
    let Some(r) = state.geography.districts.iter().find(|d| d.city == Some(0)).map(|d| d.region as usize) else {
        return;
    };
    let tick = state.clock.tick;
    let share = state.unrest.strike_share[r];
    let fortress = &mut state.fortress;
    if state.unrest.strikers_arrested[r] > 0.0 {
        fortress.petrograd_arrest_tick = Some(tick);
    }
    let repressed = fortress.petrograd_arrest_tick.is_some_and(|t| tick < t + k.arrest_memory);
    let news = petrograd_news(state.unrest.strike_wave[r] && repressed, share, fortress.petrograd_habit);
    fortress.petrograd_signal = fortress.petrograd_signal * (1.0 - k.signal_decay) + k.petrograd_signal * news;
    fortress.petrograd_habit += k.strike_habit * (share - fortress.petrograd_habit);
}

/// The garrison (people not in jail) and those of them active.
fn muster(garrison: &Garrison, person: &[Person]) -> (f64, f64) {
    let (mut present, mut active) = (0.0, 0.0);
    for &id in &garrison.agents {
        let p = &person[id as usize];
        if p.alive() && p.status != Status::Jailed {
            present += p.weight as f64;
            if p.status == Status::Active {
                active += p.weight as f64;
            }
        }
    }
    (present, active)
}

/// The fortress stormed: some sailors are shot, some flee across the ice to Finland, the rest
/// are jailed for good.
fn storm(state: &mut FortressState, person: &mut [Person], rng: &mut rand_chacha::ChaCha8Rng) {
    let k = &state.params.kronstadt;
    for &id in &state.garrison.agents {
        let p = &mut person[id as usize];
        if !p.alive() {
            continue;
        }
        let region = state.geography.district_region[p.home as usize];
        let shot = whole_people(rng, p.weight, k.executed_share);
        p.weight -= shot;
        state.ledger.executions += shot as f64;
        state.ledger.death(region, Cause::Execution, shot);
        if rng.random::<f64>() < k.fled_share {
            state.ledger.people[region as usize].emigrated += p.weight as u64;
            p.status = Status::Emigrated;
        } else {
            p.status = if p.weight == 0 { Status::Dead } else { Status::Jailed };
            p.jailed_until = u32::MAX;
        }
    }
}

/// The mutiny, the government's answer, the assault across the ice or the thaw.
fn mutiny_week(state: &mut FortressState, since: u32, garrison: f64, person: &mut [Person]) {
    let k = &state.params.kronstadt;
    let clock = state.clock.clone();
    if state.government.policy.kronstadt_response == KronstadtResponse::Negotiate {
        state.fortress.state = KronstadtState::Negotiated;
        state.log.push(&clock, "kronstadt_negotiated", "", garrison, "the government negotiates");
        return;
    }
    if clock.tick < since + k.assault_delay {
        return;
    }
    let ice = state.env.ice_holds(clock.date);
    if !ice {
        state.fortress.state = KronstadtState::Holds;
        state.log.push(
            &clock,
            "kronstadt_holds",
            "",
            garrison,
            "the ice has broken up: the fortress cannot be stormed",
        );
        return;
    }
    let mut rng = stream_rng(clock.seed, clock.tick, Stream::Kronstadt, 0);
    if rng.random::<f64>() < assault_success(&state.params, ice, garrison) {
        state.fortress.state = KronstadtState::Suppressed;
        state.log.push(&clock, "kronstadt_suppressed", "", garrison, "stormed across the ice");
        storm(state, person, &mut rng);
    }
}

pub fn kronstadt(mut state: FortressState, mut agents: AllAgents) {
    petrograd_week(&mut state);
    agents.with_slices(|chunk| {
        let (garrison, active) = muster(&state.garrison, chunk.person);
        match state.fortress.state {
            KronstadtState::Loyal => {
                if garrison > 0.0 && active / garrison > state.params.kronstadt.mutiny_share {
                    state.fortress.state = KronstadtState::Mutiny { since: state.clock.tick };
                    let clock = state.clock.clone();
                    state.log.push(&clock, "kronstadt_mutiny", "", active, "the garrison rises");
                }
            }
            KronstadtState::Mutiny { since } => mutiny_week(&mut state, since, garrison, chunk.person),
            KronstadtState::Holds => state.fortress.holds_weeks += 1,
            KronstadtState::Suppressed | KronstadtState::Negotiated => {}
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_assault_succeeds_without_ice() {
        let params = crate::testing::params();
        assert_eq!(assault_success(&params, false, 15_000.0), 0.0);
        assert!(assault_success(&params, true, 15_000.0) > 0.0);
        assert!(assault_success(&params, true, 5_000.0) > assault_success(&params, true, 15_000.0));
    }

    #[test]
    fn only_a_new_strike_wave_repressed_is_news_to_the_sailors() {
        // A wave rising above what the sailors are used to, met with arrests: news by its rise.
        assert!((petrograd_news(true, 0.6, 0.25) - 0.35).abs() < 1e-12);
        // Strikes they are used to, or a wave left alone: no news.
        assert_eq!(petrograd_news(true, 0.3, 0.5), 0.0);
        assert_eq!(petrograd_news(false, 0.6, 0.25), 0.0);
    }
}
