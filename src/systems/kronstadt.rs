//! Kronstadt and the thaw (MODEL.md §6, "Kronstadt and the thaw").
//!
//! The garrison follows the same rules as any unit (its sailors activate by Epstein's rule
//! in their own district), with what is particular to it: it watches Petrograd, so a strike
//! wave repressed there raises its grievance (seed 004 I4, L3432-3437: "the suppression of
//! the Petrograd strikes prompted them to rebel"); its fortress can only be stormed across
//! the ice, and once the ice is gone the fortress and the fleet are "virtually impregnable"
//! (seed 002 L861-884, quoting Figes). A rising that holds spreads (loyalty adds grievance to
//! soldiers and Petrograd workers each week it holds).

use crate::model::*;
use crate::scenario::KronstadtResponse;
use crate::systems::{Coefficients, events::Environment, whole_people};
use bevy_ecs::prelude::*;
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

#[allow(clippy::too_many_arguments)]
pub fn kronstadt(
    clock: Res<Clock>,
    params: Res<Coefficients>,
    geography: Res<Geography>,
    env: Res<Environment>,
    government: Res<Government>,
    unrest: Res<Unrest>,
    mut fortress: ResMut<Kronstadt>,
    mut ledger: ResMut<Ledger>,
    mut log: ResMut<EventLog>,
    mut agents: Query<&mut Person>,
) {
    let k = &params.kronstadt;
    // The Petrograd signal: news of a new strike wave there, repressed.
    let petrograd = geography.districts.iter().find(|d| d.city == Some(0)).map(|d| d.region as usize);
    if let Some(r) = petrograd {
        let share = unrest.strike_share[r];
        if unrest.strikers_arrested[r] > 0.0 {
            fortress.petrograd_arrest_tick = Some(clock.tick);
        }
        let repressed = fortress.petrograd_arrest_tick.is_some_and(|t| clock.tick < t + k.arrest_memory);
        let news = petrograd_news(unrest.strike_wave[r] && repressed, share, fortress.petrograd_habit);
        fortress.petrograd_signal = fortress.petrograd_signal * (1.0 - k.signal_decay) + k.petrograd_signal * news;
        fortress.petrograd_habit += k.strike_habit * (share - fortress.petrograd_habit);
    }
    let (mut garrison, mut active) = (0.0, 0.0);
    for person in agents.iter() {
        if person.army == Army::Kronstadt && person.alive() && person.status != Status::Jailed {
            garrison += person.weight as f64;
            if person.status == Status::Active {
                active += person.weight as f64;
            }
        }
    }
    match fortress.state {
        KronstadtState::Loyal => {
            if garrison > 0.0 && active / garrison > k.mutiny_share {
                fortress.state = KronstadtState::Mutiny { since: clock.tick };
                log.push(&clock, "kronstadt_mutiny", "", active, "the garrison rises");
            }
        }
        KronstadtState::Mutiny { since } => {
            if government.policy.kronstadt_response == KronstadtResponse::Negotiate {
                fortress.state = KronstadtState::Negotiated;
                log.push(&clock, "kronstadt_negotiated", "", garrison, "the government negotiates");
                return;
            }
            if clock.tick < since + k.assault_delay {
                return;
            }
            let ice = env.ice_holds(clock.date);
            if !ice {
                fortress.state = KronstadtState::Holds;
                log.push(
                    &clock,
                    "kronstadt_holds",
                    "",
                    garrison,
                    "the ice has broken up: the fortress cannot be stormed",
                );
                return;
            }
            let mut rng = stream_rng(clock.seed, clock.tick, Stream::Kronstadt, 0);
            if rng.random::<f64>() < assault_success(&params, ice, garrison) {
                fortress.state = KronstadtState::Suppressed;
                log.push(&clock, "kronstadt_suppressed", "", garrison, "stormed across the ice");
                for mut person in agents.iter_mut() {
                    if person.army != Army::Kronstadt || !person.alive() {
                        continue;
                    }
                    let region = geography.districts[person.home as usize].region;
                    let shot = whole_people(&mut rng, person.weight, k.executed_share);
                    person.weight -= shot;
                    ledger.executions += shot as f64;
                    ledger.death(region, Cause::Execution, shot);
                    if rng.random::<f64>() < k.fled_share {
                        ledger.people[region as usize].emigrated += person.weight as u64;
                        person.status = Status::Emigrated;
                    } else {
                        person.status = if person.weight == 0 { Status::Dead } else { Status::Jailed };
                        person.jailed_until = u32::MAX;
                    }
                }
            }
        }
        KronstadtState::Holds => fortress.holds_weeks += 1,
        KronstadtState::Suppressed | KronstadtState::Negotiated => {}
    }
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
