//! Mechanism 7: loyalty — hardship, support for the government, grievance, and the party
//! each agent would vote for.
//!
//! Hardship H comes from losses (hunger, grain taken, conscription, deaths, repression);
//! legitimacy L is the agent's support; grievance G = H × (1 − L), as in Epstein (2002),
//! plus the backlash of repression felt (seed 004 D5, F7-F9). Support moves with the land and
//! factory policies (seed 004 D6-D8), the dispersal of soviets (L1961-1972), the district's
//! average (peers), and the threat of a White restoration, which rallies peasants to the Reds
//! while the Whites are near (seed 004 G10-G11).

use crate::model::*;
use crate::scenario::{Legality, Party, Procurement};
use crate::systems::Coefficients;
use bevy_ecs::prelude::*;
use rand::RngExt;

/// What an agent's support drifts toward.
pub struct SupportInputs {
    pub base: f64,
    pub hardship: f64,
    pub white_threat: f64,
    pub dispersed: bool,
    pub factory: Option<usize>,
    pub requisition_ended: bool,
}

/// The support an agent's circumstances pull it toward (before peers).
pub fn support_target(params: &crate::scenario::Params, i: &SupportInputs) -> f64 {
    let l = &params.loyalty;
    let mut target = i.base - l.hardship_effect * i.hardship;
    target += l.white_threat_rally * params.mechanisms.white_threat_rally * i.white_threat;
    if i.dispersed {
        target -= l.dispersal_effect;
    }
    if let Some(mode) = i.factory {
        target += l.factory_effect[mode];
    }
    if i.requisition_ended {
        target += l.trade_effect;
    }
    target.clamp(0.0, 1.0)
}

/// Grievance G = H × (1 − L) plus the backlash of repression felt.
pub fn grievance(params: &crate::scenario::Params, hardship: f64, support: f64, repression: f64) -> f64 {
    let backlash = params.repression.backlash * params.mechanisms.repression_backlash * repression;
    (hardship * (1.0 - support) + backlash).clamp(0.0, 1.0)
}

/// A standard Gumbel draw: with it, choosing the party of highest score reproduces the
/// parties' shares as a multinomial logit (McFadden), so initial preferences are stable.
fn gumbel(rng: &mut impl RngExt) -> f64 {
    let u: f64 = rng.random::<f64>().clamp(1e-12, 1.0 - 1e-12);
    -(-u.ln()).ln()
}

#[allow(clippy::too_many_arguments)]
pub fn loyalty(
    clock: Res<Clock>,
    params: Res<Coefficients>,
    geography: Res<Geography>,
    government: Res<Government>,
    war: Res<War>,
    soviets: Res<Soviets>,
    kronstadt: Res<Kronstadt>,
    control: Res<Control>,
    mut districts: ResMut<Districts>,
    mut unrest: ResMut<Unrest>,
    mut agents: Query<(&Person, &Household, &mut Mind)>,
) {
    let l = &params.loyalty;
    let p = &params.population;
    let n = districts.population.len();
    let mut support_sum = vec![0.0; n];
    let mut people = vec![0.0; n];
    for v in unrest.votes.iter_mut() {
        *v = [0.0; Party::COUNT];
    }
    let requisition_ended = matches!(government.policy.procurement, Procurement::TaxInKind | Procurement::FreeTrade);
    let factory = government.policy.factory as usize;
    let holds = matches!(kronstadt.state, KronstadtState::Holds);
    let whites_in_field = war.fronts.iter().any(|f| f.active && f.enemy == crate::scenario::Enemy::White);
    let mut rng = BlockRng::new(&clock, Stream::Loyalty);
    // Each party's appeal: log of its initial share by role, the government's record, legality.
    let appeal = |role: Role| -> [f64; 6] {
        let shares = match role {
            Role::Peasant => p.peasant_parties,
            Role::Worker => p.worker_parties,
            Role::Soldier => p.soldier_parties,
        };
        shares.map(|s| (s.max(1e-3)).ln())
    };
    let appeals = [appeal(Role::Peasant), appeal(Role::Worker), appeal(Role::Soldier)];
    // Per region: the log share of national lists, and of all the others.
    let national_log: Vec<(f64, f64)> = geography
        .regions
        .iter()
        .map(|r| (r.national_vote.max(1e-3).ln(), (1.0 - r.national_vote).max(1e-3).ln()))
        .collect();
    for (person, household, mut mind) in agents.iter_mut() {
        if !person.alive() {
            continue;
        }
        let d = person.district as usize;
        let region = geography.districts[d].region as usize;
        let role = match person.role {
            Role::Peasant => 0,
            Role::Worker => 1,
            Role::Soldier => 2,
        };
        let food = if person.role == Role::Soldier { 1.0 } else { household.food_ratio };
        let mut pressure = l.hunger_weight * (1.0 - food).max(0.0)
            + l.take_weight * districts.take_share[d]
            + l.conscription_weight * districts.conscripted[d]
            + l.death_weight * districts.deaths[d]
            + l.repression_weight * districts.repression[d];
        if person.army == Army::Kronstadt {
            // The sailors watch their home villages and Petrograd (seed 004 I4): the news that
            // matters is of the Soviet requisition (the Petropavlovsk resolution asked for its end),
            // not of what the Whites took behind their lines.
            let home_region = geography.districts[person.home as usize].region;
            let news = if control.soviet(home_region) { districts.take_share[person.home as usize] } else { 0.0 };
            pressure += params.kronstadt.village_news * news;
        }
        if holds && (person.role == Role::Soldier || geography.districts[d].city == Some(0)) {
            pressure += params.kronstadt.spread;
        }
        let pressure = (pressure * mind.exposure as f64).min(1.0);
        let hardship = mind.hardship as f64 + l.hardship_rate * (pressure - mind.hardship as f64);
        let inputs = SupportInputs {
            base: l.base_support[role],
            hardship,
            white_threat: if person.role == Role::Peasant { war.white_threat[region] } else { 0.0 },
            dispersed: soviets.district[d].status == SovietStatus::Dispersed,
            factory: (person.role == Role::Worker).then_some(factory),
            requisition_ended: requisition_ended && person.role == Role::Peasant,
        };
        let mut target = support_target(&params, &inputs);
        if person.role == Role::Soldier && whites_in_field {
            target = (target + l.war_rally * params.mechanisms.white_threat_rally).min(1.0);
        }
        let support = mind.support as f64;
        let peer = districts.support[d];
        let support =
            (support + l.support_rate * (target - support) + l.peer_weight * (peer - support)).clamp(0.0, 1.0);
        mind.hardship = hardship as f32;
        mind.support = support as f32;
        let mut g = grievance(&params, hardship, support, districts.repression[d]);
        if person.army == Army::Kronstadt {
            // News of a strike wave repressed in Petrograd prompts sailors who are already
            // unhappy (seed 004 I4): it multiplies their grievance, it does not make one.
            g = (g * (1.0 + kronstadt.petrograd_signal)).min(1.0);
        }
        mind.grievance = g as f32;
        // Party choice.
        let rng = rng.for_agent(person.id);
        if rng.random::<f64>() < l.party_switch {
            let (national, others) = national_log[region];
            let mut best = (Party::Other, f64::NEG_INFINITY);
            for party in Party::ALL {
                let base = if party == Party::Other { national } else { appeals[role][party.index()] + others };
                let in_power = government.governs(party);
                let record = l.government_pull * (support - 0.5) * if in_power { 1.0 } else { -0.5 };
                let banned = government.legality[party.index()] == Legality::Banned;
                let noise = l.party_noise * gumbel(rng);
                let score = base + record + noise - if banned { l.government_pull } else { 0.0 };
                if score > best.1 {
                    best = (party, score);
                }
            }
            mind.party = best.0;
        }
        let franchise = if geography.districts[d].urban || person.role == Role::Soldier {
            params.soviets.urban_weight
        } else {
            1.0
        };
        unrest.votes[d][mind.party.index()] += person.weight as f64 * franchise;
        support_sum[d] += person.weight as f64 * support;
        people[d] += person.weight as f64;
    }
    for d in 0..n {
        if people[d] > 0.0 {
            districts.support[d] = support_sum[d] / people[d];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs() -> SupportInputs {
        SupportInputs {
            base: 0.5,
            hardship: 0.2,
            white_threat: 0.0,
            dispersed: false,
            factory: None,
            requisition_ended: false,
        }
    }

    #[test]
    fn hardship_lowers_support_and_white_threat_raises_it() {
        let params = crate::testing::params();
        let base = support_target(&params, &inputs());
        assert!(support_target(&params, &SupportInputs { hardship: 0.6, ..inputs() }) < base);
        assert!(support_target(&params, &SupportInputs { white_threat: 1.0, ..inputs() }) > base);
        assert!(support_target(&params, &SupportInputs { dispersed: true, ..inputs() }) < base);
        assert!(support_target(&params, &SupportInputs { requisition_ended: true, ..inputs() }) > base);
    }

    #[test]
    fn grievance_is_hardship_times_illegitimacy_plus_backlash() {
        let params = crate::testing::params();
        assert!((grievance(&params, 0.5, 0.2, 0.0) - 0.4).abs() < 1e-12);
        assert!(grievance(&params, 0.5, 0.2, 0.01) > 0.4);
    }

    #[test]
    fn one_man_management_costs_support_among_workers() {
        let params = crate::testing::params();
        let committees = support_target(&params, &SupportInputs { factory: Some(0), ..inputs() });
        let one_man = support_target(&params, &SupportInputs { factory: Some(2), ..inputs() });
        assert!(one_man < committees);
    }
}
