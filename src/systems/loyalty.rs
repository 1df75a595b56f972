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
    less_hardship(params, support_offset(params, i), i.hardship)
}

/// The support target: what circumstances add up to, less what hardship takes, within 0-1.
fn less_hardship(params: &crate::scenario::Params, offset: f64, hardship: f64) -> f64 {
    (offset - params.loyalty.hardship_effect * hardship).clamp(0.0, 1.0)
}

/// The support target before hardship and the clamp to 0-1: what the agent's circumstances
/// other than its own losses add up to.
fn support_offset(params: &crate::scenario::Params, i: &SupportInputs) -> f64 {
    let l = &params.loyalty;
    let mut target = i.base;
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
    target
}

/// Grievance G = H × (1 − L) plus the backlash of repression felt.
pub fn grievance(params: &crate::scenario::Params, hardship: f64, support: f64, repression: f64) -> f64 {
    grievance_with(hardship, support, backlash(params, repression))
}

/// The backlash of repression felt (added to grievance).
fn backlash(params: &crate::scenario::Params, repression: f64) -> f64 {
    params.repression.backlash * params.mechanisms.repression_backlash * repression
}

/// G = H × (1 − L) plus a backlash already computed, within 0-1.
fn grievance_with(hardship: f64, support: f64, backlash: f64) -> f64 {
    (hardship * (1.0 - support) + backlash).clamp(0.0, 1.0)
}

/// What the agents' minds respond to this week, per district and region, and the parties'
/// standing.
pub struct LoyaltyWeek<'a> {
    params: &'a crate::scenario::Params,
    geography: &'a Geography,
    districts: &'a Districts,
    /// Per district: the losses every resident feels (grain taken, call-ups, deaths,
    /// repression), and the backlash of repression felt.
    pressure: Vec<f64>,
    backlash: Vec<f64>,
    /// Per district and role: the support target before the agent's own hardship.
    offset: Vec<[f64; 3]>,
    /// Per district: the sailors' news of their villages (Soviet requisition there).
    village_news: Vec<f64>,
    /// Extra pressure from a Kronstadt that holds (soldiers everywhere, Petrograd's people).
    spread: f64,
    war_rally: f64,
    petrograd_signal: f64,
    /// The parties' weights in the logit of party choice, before the government's record:
    /// exp(appeal / noise) per role, region and party (appeal: the log of the party's initial
    /// share, the region's national vote, less a penalty when banned).
    appeal: Vec<[[f64; Party::COUNT]; 3]>,
    governs: [bool; Party::COUNT],
    streams: AgentStreams,
}

/// The state a week of loyalty reads besides the parameters.
pub struct LoyaltyInputs<'a> {
    pub districts: &'a Districts,
    pub government: &'a Government,
    pub war: &'a War,
    pub soviets: &'a Soviets,
    pub kronstadt: &'a Kronstadt,
}

impl<'a> LoyaltyWeek<'a> {
    pub fn new(now: &crate::systems::Now<'a>, i: LoyaltyInputs<'a>) -> LoyaltyWeek<'a> {
        let crate::systems::Now { clock, params, geography, control } = *now;
        let p = &params.population;
        let l = &params.loyalty;
        let appeal = |shares: [f64; 6]| {
            let mut out = [0.0; Party::COUNT];
            for (o, s) in out.iter_mut().zip(shares) {
                *o = s.max(1e-3).ln();
            }
            out
        };
        let government = i.government;
        let d = i.districts;
        let n = d.population.len();
        let holds = matches!(i.kronstadt.state, KronstadtState::Holds);
        let whites_in_field = i.war.fronts.iter().any(|f| f.active && f.enemy == crate::scenario::Enemy::White);
        let requisition_ended =
            matches!(government.policy.procurement, Procurement::TaxInKind | Procurement::FreeTrade);
        let offset = (0..n)
            .map(|k| {
                let region = geography.district_region[k] as usize;
                let dispersed = i.soviets.district[k].status == SovietStatus::Dispersed;
                [0, 1, 2].map(|role| {
                    let inputs = SupportInputs {
                        base: l.base_support[role],
                        hardship: 0.0,
                        white_threat: if role == 0 { i.war.white_threat[region] } else { 0.0 },
                        dispersed,
                        factory: (role == 1).then_some(government.policy.factory as usize),
                        requisition_ended: requisition_ended && role == 0,
                    };
                    support_offset(params, &inputs)
                })
            })
            .collect();
        LoyaltyWeek {
            params,
            geography,
            districts: d,
            pressure: (0..n)
                .map(|k| {
                    l.take_weight * d.take_share[k]
                        + l.conscription_weight * d.conscripted[k]
                        + l.death_weight * d.deaths[k]
                        + l.repression_weight * d.repression[k]
                })
                .collect(),
            backlash: d.repression.iter().map(|r| backlash(params, *r)).collect(),
            offset,
            village_news: (0..n)
                .map(|k| {
                    let soviet = control.soviet(geography.district_region[k]);
                    if soviet { params.kronstadt.village_news * d.take_share[k] } else { 0.0 }
                })
                .collect(),
            spread: if holds { params.kronstadt.spread } else { 0.0 },
            war_rally: if whites_in_field { l.war_rally * params.mechanisms.white_threat_rally } else { 0.0 },
            petrograd_signal: i.kronstadt.petrograd_signal,
            appeal: party_weights(
                params,
                geography,
                government,
                [appeal(p.peasant_parties), appeal(p.worker_parties), appeal(p.soldier_parties)],
            ),
            governs: Party::ALL.map(|party| government.governs(party)),
            streams: AgentStreams::new(clock.seed, clock.tick, Stream::Loyalty),
        }
    }
}

/// Votes and support summed by district.
#[derive(Clone, Debug, Default)]
pub struct LoyaltySums {
    pub votes: Vec<[f64; Party::COUNT]>,
    pub support: Vec<f64>,
    pub people: Vec<f64>,
}

impl LoyaltySums {
    pub fn new(districts: usize) -> LoyaltySums {
        LoyaltySums {
            votes: vec![[0.0; Party::COUNT]; districts],
            support: vec![0.0; districts],
            people: vec![0.0; districts],
        }
    }
}

impl crate::agents::Partial for LoyaltySums {
    fn merge(&mut self, o: LoyaltySums) {
        for (a, b) in self.votes.iter_mut().zip(&o.votes) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        crate::agents::add_into(&mut self.support, &o.support);
        crate::agents::add_into(&mut self.people, &o.people);
    }
}

fn role_index(role: Role) -> usize {
    match role {
        Role::Peasant => 0,
        Role::Worker => 1,
        Role::Soldier => 2,
    }
}

/// The losses an agent feels this week (before its own exposure).
fn pressure(week: &LoyaltyWeek, person: &Person, food: f64) -> f64 {
    let d = person.district as usize;
    let mut pressure = week.params.loyalty.hunger_weight * (1.0 - food).max(0.0) + week.pressure[d];
    if person.army == Army::Kronstadt {
        // The sailors watch their home villages and Petrograd (seed 004 I4): the news that
        // matters is of the Soviet requisition (the Petropavlovsk resolution asked for its end),
        // not of what the Whites took behind their lines.
        pressure += week.village_news[person.home as usize];
    }
    if week.spread > 0.0 && (person.role == Role::Soldier || week.geography.districts[d].city == Some(0)) {
        pressure += week.spread;
    }
    pressure
}

/// exp(appeal / noise) of each party by region and role: the log of its initial share among
/// the role (national lists: the region's national vote), less the government's pull when
/// the party is banned.
fn party_weights(
    params: &crate::scenario::Params,
    geography: &Geography,
    government: &Government,
    appeals: [[f64; Party::COUNT]; 3],
) -> Vec<[[f64; Party::COUNT]; 3]> {
    let l = &params.loyalty;
    let noise = l.party_noise.max(1e-9);
    geography
        .regions
        .iter()
        .map(|r| {
            let (national, others) = (r.national_vote.max(1e-3).ln(), (1.0 - r.national_vote).max(1e-3).ln());
            appeals.map(|appeal| {
                Party::ALL.map(|party| {
                    let i = party.index();
                    let base = if party == Party::Other { national } else { appeal[i] + others };
                    let banned = government.legality[i] == Legality::Banned;
                    ((base - if banned { l.government_pull } else { 0.0 }) / noise).exp()
                })
            })
        })
        .collect()
}

/// The party an agent would now vote for: a multinomial logit over the parties' appeal, the
/// government's record (support pulls toward the governing parties, away from the others) and
/// legality. Sampling the logit directly gives the same distribution as taking the party of
/// highest score plus Gumbel noise (McFadden), with two exponentials instead of fourteen
/// logarithms.
fn choose_party(week: &LoyaltyWeek, role: usize, region: usize, support: f64, rng: &mut AgentRng) -> Party {
    let l = &week.params.loyalty;
    let noise = l.party_noise.max(1e-9);
    let record = l.government_pull * (support - 0.5) / noise;
    let (for_government, for_others) = (record.exp(), (-0.5 * record).exp());
    let base = &week.appeal[region][role];
    let mut weights = [0.0; Party::COUNT];
    let mut total = 0.0;
    for (i, w) in weights.iter_mut().enumerate() {
        *w = base[i] * if week.governs[i] { for_government } else { for_others };
        total += *w;
    }
    let mut x = rng.uniform() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return Party::from_index(i);
        }
        x -= w;
    }
    Party::from_index(Party::COUNT - 1)
}

/// One agent's week of loyalty: hardship, support, grievance and the party it would vote for.
#[inline]
pub fn feel(week: &LoyaltyWeek, person: &Person, household: &Household, mind: &mut Mind, sums: &mut LoyaltySums) {
    if !person.alive() {
        return;
    }
    let params = week.params;
    let l = &params.loyalty;
    let d = person.district as usize;
    let role = role_index(person.role);
    let food = if person.role == Role::Soldier { 1.0 } else { f64::from(household.food_ratio) };
    let pressure = (pressure(week, person, food) * mind.exposure()).min(1.0);
    let hardship = mind.hardship as f64 + l.hardship_rate * (pressure - mind.hardship as f64);
    let mut target = less_hardship(params, week.offset[d][role], hardship);
    if person.role == Role::Soldier {
        target = (target + week.war_rally).min(1.0);
    }
    let support = mind.support as f64;
    let peer = week.districts.support[d];
    let support = (support + l.support_rate * (target - support) + l.peer_weight * (peer - support)).clamp(0.0, 1.0);
    mind.hardship = hardship as f32;
    mind.support = support as f32;
    let mut g = grievance_with(hardship, support, week.backlash[d]);
    if person.army == Army::Kronstadt {
        // News of a strike wave repressed in Petrograd prompts sailors who are already
        // unhappy (seed 004 I4): it multiplies their grievance, it does not make one.
        g = (g * (1.0 + week.petrograd_signal)).min(1.0);
    }
    mind.grievance = g as f32;
    let mut rng = week.streams.agent(person.id);
    if rng.uniform() < l.party_switch {
        let region = week.geography.district_region[d] as usize;
        mind.party = choose_party(week, role, region, support, &mut rng);
    }
    let franchise = if week.geography.districts[d].urban || person.role == Role::Soldier {
        params.soviets.urban_weight
    } else {
        1.0
    };
    let w = person.weight as f64;
    sums.votes[d][mind.party.index()] += w * franchise;
    sums.support[d] += w * support;
    sums.people[d] += w;
}

/// Enters the week's votes and the districts' mean support.
pub fn book(sums: LoyaltySums, districts: &mut Districts, unrest: &mut Unrest) {
    unrest.votes = sums.votes;
    for d in 0..districts.support.len() {
        if sums.people[d] > 0.0 {
            districts.support[d] = sums.support[d] / sums.people[d];
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
