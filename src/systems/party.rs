//! Mechanism 10: party and state — membership, centralisation, worker control.
//!
//! Sources: seed 004 D12 (L1462-1465, L2162-2164: centralisation began before the civil war,
//! which "greatly accelerated" it), G7, D6-D8 (L1747-1768: the committees subordinated, then
//! one-man management from March 1918, complete "by the early 20s"). Membership grows with
//! careerists while the party holds power (MODEL.md §6.10) and with wartime mobilisation.

use crate::model::*;
use crate::scenario::{ElectionPolicy, Tolerance};
use crate::systems::Coefficients;
use bevy_ecs::prelude::*;

/// Centralisation next week.
pub fn centralization_next(
    params: &crate::scenario::Params,
    c: f64,
    emergency: f64,
    terror: f64,
    dispersed: f64,
    honoured: bool,
) -> f64 {
    let p = &params.party;
    let push = p.war_centralization * params.mechanisms.war_centralization * emergency
        + p.repression_centralization * terror
        + p.dispersal_centralization * dispersed;
    let pull = if honoured { p.honoured_decentralization } else { 0.0 };
    (c + push * (1.0 - c) - pull * c).clamp(0.0, 1.0)
}

/// War emergency (0-1): the enemies' combat power relative to the Reds' (1 at parity or worse).
pub fn emergency(war: &War) -> f64 {
    let enemy: f64 = war.fronts.iter().filter(|f| f.active).map(|f| f.enemy_power).sum();
    let red: f64 = war.fronts.iter().filter(|f| f.active).map(|f| f.red_power).sum();
    if enemy <= 0.0 { 0.0 } else { (enemy / red.max(1.0)).min(1.0) }
}

pub fn party_state(
    params: Res<Coefficients>,
    geography: Res<Geography>,
    control: Res<Control>,
    districts: Res<Districts>,
    soviets: Res<Soviets>,
    war: Res<War>,
    mut government: ResMut<Government>,
) {
    let p = &params.party;
    let mut pop_soviet = 0.0;
    let mut dispersed = 0.0;
    for (d, dist) in geography.districts.iter().enumerate() {
        if control.soviet(dist.region) {
            pop_soviet += districts.population[d];
            if soviets.district[d].status == SovietStatus::Dispersed {
                dispersed += districts.population[d];
            }
        }
    }
    let dispersed = dispersed / f64::max(pop_soviet, 1.0);
    let e = emergency(&war);
    let members = government.party_members;
    government.party_members = members + (p.recruitment + p.war_recruitment * e) * pop_soviet - p.attrition * members;
    let honoured = government.policy.soviet_elections == ElectionPolicy::Honoured;
    let mut c =
        centralization_next(&params, government.centralization, e, government.policy.terror, dispersed, honoured);
    // The ban on factions ends party democracy (seed 004 I10, L2752-2757).
    if government.policy.factions == Tolerance::Suppressed {
        c += p.faction_ban_centralization * (1.0 - c);
    }
    government.centralization = c.clamp(0.0, 1.0);
    let mode = government.policy.factory as usize;
    government.worker_control *= 1.0 - p.control_loss[mode];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn war_terror_and_dispersal_centralise_honoured_elections_decentralise() {
        let params = crate::testing::params();
        let c = 0.3;
        let calm = centralization_next(&params, c, 0.0, 0.0, 0.0, false);
        assert!(centralization_next(&params, c, 1.0, 0.0, 0.0, false) > calm);
        assert!(centralization_next(&params, c, 0.0, 0.8, 0.0, false) > calm);
        assert!(centralization_next(&params, c, 0.0, 0.0, 0.5, false) > calm);
        assert!(centralization_next(&params, c, 0.0, 0.0, 0.0, true) < calm);
    }

    #[test]
    fn switching_off_the_war_mechanism_removes_its_push() {
        let mut params = crate::testing::params();
        params.mechanisms.war_centralization = 0.0;
        assert_eq!(
            centralization_next(&params, 0.3, 1.0, 0.0, 0.0, false),
            centralization_next(&params, 0.3, 0.0, 0.0, 0.0, false)
        );
    }
}
