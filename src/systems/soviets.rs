//! Mechanism 9: soviets — elections on a schedule; honoured, packed or dispersed; congresses
//! of soviets; a change of coalition when a congress has a new majority and elections are
//! honoured.
//!
//! Sources: seed 004 L1961-1972 (spring 1918: soviets where the Mensheviks and SRs won were
//! dispersed), L2285-2288 (the dispersal, not the war, made the dictatorship: the claim the
//! model lets users test), B3 (L163-179: party discipline drifts soviets from mandated to
//! representative bodies). The 1918 Constitution gave a town voter five times the weight of
//! a village voter (the `urban_weight` parameter).

use crate::model::*;
use crate::scenario::{ElectionPolicy, Legality, Party};
use crate::systems::Coefficients;
use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;

/// Delegate shares from franchise-weighted votes: banned parties win no seats, harassed
/// parties lose part of their vote.
pub fn delegate_shares(
    params: &crate::scenario::Params,
    votes: &[f64; Party::COUNT],
    legality: &[Legality; Party::COUNT],
) -> [f64; Party::COUNT] {
    let mut shares = [0.0; Party::COUNT];
    for p in Party::ALL {
        let i = p.index();
        shares[i] = match legality[i] {
            Legality::Legal => votes[i],
            Legality::Harassed => votes[i] * (1.0 - params.soviets.harassment),
            Legality::Banned => 0.0,
        };
    }
    let total: f64 = shares.iter().sum();
    if total > 0.0 {
        shares.iter_mut().for_each(|s| *s /= total);
    }
    shares
}

/// Effective number of parties (Laakso-Taagepera).
pub fn effective_parties(shares: &[f64]) -> f64 {
    let total: f64 = shares.iter().sum();
    let sum_sq: f64 = shares.iter().map(|s| (s / total.max(1e-12)).powi(2)).sum();
    if sum_sq > 0.0 { 1.0 / sum_sq } else { 0.0 }
}

/// What the soviets' elections read.
#[derive(SystemParam)]
pub struct ElectionState<'w> {
    clock: Res<'w, Clock>,
    params: Res<'w, Coefficients>,
    geography: Res<'w, Geography>,
    control: Res<'w, Control>,
    government: Res<'w, Government>,
    unrest: Res<'w, Unrest>,
}

/// Elections to the district soviets that are due this week, and what the government does
/// with their results.
pub fn soviets(state: ElectionState, mut soviets: ResMut<Soviets>, mut log: ResMut<EventLog>) {
    let ElectionState { clock, params, geography, control, government, unrest } = state;
    let s = &params.soviets;
    let interval = s.election_interval.max(1);
    let leader = government.leader().unwrap_or(Party::Bolshevik);
    let centralization = government.centralization;
    for (d, soviet) in soviets.district.iter_mut().enumerate() {
        let region = geography.districts[d].region;
        soviet.autonomy = (soviet.autonomy - s.autonomy_loss * centralization * soviet.autonomy).max(0.0);
        if !control.soviet(region) {
            continue;
        }
        let due = clock.tick == 0 || (clock.tick + d as u32).is_multiple_of(interval);
        if !due {
            continue;
        }
        if soviet.status == SovietStatus::Dispersed && government.policy.soviet_elections != ElectionPolicy::Honoured {
            continue;
        }
        let shares = delegate_shares(&params, &unrest.votes[d], &government.legality);
        let governing: f64 = government.coalition.iter().map(|p| shares[p.index()]).sum();
        soviet.last_election = clock.tick;
        let region_id = &geography.regions[region as usize].id;
        if governing >= 0.5 || clock.tick == 0 {
            soviet.shares = shares;
            soviet.status = SovietStatus::Functioning;
            soviet.autonomy = (soviet.autonomy + s.autonomy_gain).min(1.0);
            continue;
        }
        match government.policy.soviet_elections {
            ElectionPolicy::Honoured => {
                soviet.shares = shares;
                soviet.status = SovietStatus::Functioning;
                soviet.autonomy = (soviet.autonomy + s.autonomy_gain).min(1.0);
                log.push_district(
                    &clock,
                    "soviet_honoured",
                    region_id,
                    d,
                    governing,
                    "the opposition's majority takes its seats",
                );
            }
            ElectionPolicy::Packed => {
                let mut packed = shares;
                let mut moved = 0.0;
                for p in Party::ALL {
                    if !government.governs(p) {
                        let take = packed[p.index()] * s.packing;
                        packed[p.index()] -= take;
                        moved += take;
                    }
                }
                packed[leader.index()] += moved;
                soviet.shares = packed;
                soviet.status = SovietStatus::Packed;
                soviet.autonomy *= 1.0 - s.packing;
            }
            ElectionPolicy::DispersedOnLoss => {
                let mut appointed = [0.0; Party::COUNT];
                appointed[leader.index()] = 1.0;
                soviet.shares = appointed;
                soviet.status = SovietStatus::Dispersed;
                soviet.autonomy = 0.0;
                log.push_district(
                    &clock,
                    "soviet_dispersed",
                    region_id,
                    d,
                    governing,
                    "the governing parties lost; a revolutionary committee replaces the soviet",
                );
            }
        }
    }
}

/// Population-weighted delegate shares of the soviets in Soviet territory.
pub fn national_shares(world: &World) -> [f64; Party::COUNT] {
    let geography = world.resource::<Geography>();
    let control = world.resource::<Control>();
    let soviets = world.resource::<Soviets>();
    let districts = world.resource::<Districts>();
    let params = world.resource::<Coefficients>();
    let mut shares = [0.0; Party::COUNT];
    for (d, soviet) in soviets.district.iter().enumerate() {
        let dist = &geography.districts[d];
        if !control.soviet(dist.region) {
            continue;
        }
        let weight = districts.population[d] * if dist.urban { params.soviets.urban_weight } else { 1.0 };
        for (i, s) in soviet.shares.iter().enumerate() {
            shares[i] += weight * s;
        }
    }
    let total: f64 = shares.iter().sum();
    if total > 0.0 {
        shares.iter_mut().for_each(|s| *s /= total);
    }
    shares
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banned_parties_win_no_seats_and_harassment_costs_votes() {
        let params = crate::testing::params();
        let votes = [40.0, 20.0, 30.0, 10.0, 0.0, 0.0, 0.0];
        let mut legality = [Legality::Legal; Party::COUNT];
        let free = delegate_shares(&params, &votes, &legality);
        assert!((free.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        legality[Party::Sr.index()] = Legality::Harassed;
        let harassed = delegate_shares(&params, &votes, &legality);
        assert!(harassed[Party::Sr.index()] < free[Party::Sr.index()]);
        legality[Party::Sr.index()] = Legality::Banned;
        assert_eq!(delegate_shares(&params, &votes, &legality)[Party::Sr.index()], 0.0);
    }

    #[test]
    fn effective_number_of_parties() {
        assert!((effective_parties(&[0.5, 0.5]) - 2.0).abs() < 1e-12);
        assert!((effective_parties(&[1.0, 0.0]) - 1.0).abs() < 1e-12);
    }
}
