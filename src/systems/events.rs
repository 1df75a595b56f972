//! Mechanism 1: scheduled events and decision rules (MODEL.md §5, §6.1).
//!
//! A policy's value comes from, in this order: a scheduled event of the scenario (an
//! exogenous decision at its historical date), a decision rule whose trigger has fired (an
//! endogenous decision, evaluated on last tick's metrics), or the platform of the party that
//! leads the government. An event or rule marked `by: Some(party)` is that party's decision
//! and happens only while that party leads the government: once elections or the
//! Constituent Assembly hand power to another coalition, its platform rules instead.

use crate::metrics::Metrics;
use crate::model::*;
use crate::scenario::{self, Action, Condition, Controller, ElectionPolicy, Legality, Party, Policy, Procurement};
use crate::systems::Coefficients;
use bevy_ecs::prelude::*;

/// The scenario's events in date order, and its decision rules.
#[derive(Resource, Clone, Debug)]
pub struct Plan {
    pub events: Vec<scenario::Event>,
    /// Each event's conditions (most have none), resolved.
    pub event_checks: Vec<Vec<Check>>,
    pub next: usize,
    pub rules: Vec<scenario::Rule>,
    /// Each rule's conditions, with metric names resolved to their column in the metric table.
    pub checks: Vec<Vec<Check>>,
    pub fired: Vec<bool>,
    /// Each metric's highest value so far (for `FellBelow`).
    pub peaks: Vec<f64>,
}

/// A rule's condition, resolved.
#[derive(Clone, Debug)]
pub enum Check {
    Above(usize, f64),
    Below(usize, f64),
    FellBelow(usize, f64),
    Happened(String),
    Since(String, u32),
    InGovernment(Party),
    NotInGovernment(Party),
    Holds(String, Controller),
    FrontThrownBack(String, f64),
    ActiveShare(String, f64),
    Uprisings(Controller, f64),
    PolicyIs(Policy),
    LeaderActive(String),
    Months(u32, u32),
    AnyOf(Vec<Check>),
    Not(Box<Check>),
}

impl Check {
    /// Resolves a condition. Metric names were checked when the scenario was validated; an
    /// unknown one never holds.
    fn new(condition: &Condition) -> Check {
        let column = |name: &str| crate::metrics::index(name).unwrap_or(usize::MAX);
        match condition {
            Condition::Above(m, v) => Check::Above(column(m), *v),
            Condition::Below(m, v) => Check::Below(column(m), *v),
            Condition::FellBelow(m, v) => Check::FellBelow(column(m), *v),
            Condition::Happened(kind) => Check::Happened(kind.clone()),
            Condition::Since(kind, weeks) => Check::Since(kind.clone(), *weeks),
            Condition::InGovernment(p) => Check::InGovernment(*p),
            Condition::NotInGovernment(p) => Check::NotInGovernment(*p),
            Condition::Holds(region, c) => Check::Holds(region.clone(), *c),
            Condition::FrontThrownBack(front, weeks) => Check::FrontThrownBack(front.clone(), *weeks),
            Condition::ActiveShare(region, share) => Check::ActiveShare(region.clone(), *share),
            Condition::Uprisings(c, n) => Check::Uprisings(*c, *n),
            Condition::PolicyIs(p) => Check::PolicyIs(p.clone()),
            Condition::LeaderActive(id) => Check::LeaderActive(id.clone()),
            Condition::Months(a, b) => Check::Months(*a, *b),
            Condition::AnyOf(cs) => Check::AnyOf(cs.iter().map(Check::new).collect()),
            Condition::Not(c) => Check::Not(Box::new(Check::new(c))),
        }
    }
}

impl Plan {
    pub fn new(events: &[scenario::Event], rules: &[scenario::Rule]) -> Plan {
        let mut events = events.to_vec();
        events.sort_by_key(|e| e.date);
        let resolve = |when: &[Condition]| when.iter().map(Check::new).collect();
        let event_checks = events.iter().map(|e| resolve(&e.when)).collect();
        let checks = rules.iter().map(|r| resolve(&r.when)).collect();
        let fired = vec![false; rules.len()];
        let peaks = vec![f64::NEG_INFINITY; crate::metrics::METRICS.len()];
        Plan { events, event_checks, next: 0, rules: rules.to_vec(), checks, fired, peaks }
    }
}

/// Whether a scheduled decision can be taken: its party leads and its conditions hold.
/// Logs `decision_skipped` when it cannot.
fn decision_allowed(world: &mut World, id: &str, by: Option<Party>, checks: &[Check]) -> bool {
    let why = match by {
        Some(party) if world.resource::<Government>().leader() != Some(party) => {
            format!("{id}: not taken, {} does not lead the government", party.key())
        }
        _ if !checks.iter().all(|c| check_holds(world, c)) => format!("{id}: not taken, its conditions do not hold"),
        _ => return true,
    };
    let clock = world.resource::<Clock>().clone();
    world.resource_mut::<EventLog>().push(&clock, "decision_skipped", "", 0.0, &why);
    false
}

/// Advances the calendar, fires the events due this week and the rules whose triggers hold.
pub fn events_and_rules(world: &mut World) {
    let date = world.resource::<Clock>().date;
    let mut due = Vec::new();
    {
        let mut plan = world.resource_mut::<Plan>();
        // Events fire on the first tick on or after their date.
        while plan.next < plan.events.len() && plan.events[plan.next].date <= date {
            let e = plan.events[plan.next].clone();
            let checks = plan.event_checks[plan.next].clone();
            plan.next += 1;
            due.push((e, checks));
        }
    }
    for (e, checks) in due {
        world.resource_mut::<EventLog>().on_day = Some(e.date);
        if decision_allowed(world, &e.id, e.by, &checks) {
            apply_action(world, &e.action, &e.id);
        }
        world.resource_mut::<EventLog>().on_day = None;
    }
    // Decision rules, on last tick's metrics.
    let values = world.resource::<Metrics>().values.clone();
    for (peak, v) in world.resource_mut::<Plan>().peaks.iter_mut().zip(values) {
        *peak = peak.max(v);
    }
    let clock = world.resource::<Clock>().clone();
    let rules = world.resource::<Plan>().rules.clone();
    for (i, rule) in rules.iter().enumerate() {
        if world.resource::<Plan>().fired[i] || rule.not_before.is_some_and(|d| clock.date < d) {
            continue;
        }
        if rule.not_after.is_some_and(|d| clock.date > d) {
            continue;
        }
        if let Some(party) = rule.by
            && world.resource::<Government>().leader() != Some(party)
        {
            continue;
        }
        let checks = world.resource::<Plan>().checks[i].clone();
        let holds = checks.iter().all(|c| check_holds(world, c));
        if holds {
            world.resource_mut::<Plan>().fired[i] = true;
            log(world, "rule_fired", "", 0.0, &rule.id);
            apply_action(world, &rule.action, &rule.id);
        }
    }
}

fn check_holds(world: &World, check: &Check) -> bool {
    let values = &world.resource::<Metrics>().values;
    let value = |column: usize| values.get(column).copied().unwrap_or(f64::NAN);
    let government = world.resource::<Government>();
    let today = world.resource::<Clock>().date;
    match check {
        Check::Above(m, v) => value(*m) > *v,
        Check::Below(m, v) => value(*m) < *v,
        Check::FellBelow(m, v) => {
            value(*m) < *v && world.resource::<Plan>().peaks.get(*m).is_some_and(|peak| *peak >= *v)
        }
        Check::Happened(kind) => world.resource::<EventLog>().happened(kind),
        Check::Since(kind, weeks) => {
            world.resource::<EventLog>().first(kind).is_some_and(|d| today.days_since(d) >= 7 * *weeks as i32)
        }
        Check::InGovernment(p) => government.governs(*p),
        Check::NotInGovernment(p) => !government.governs(*p),
        Check::Holds(region, c) => {
            region_index(world, region).is_some_and(|r| world.resource::<Control>().controller[r] == *c)
        }
        Check::FrontThrownBack(front, weeks) => front_index(world, front).is_some_and(|f| {
            let f = &world.resource::<War>().fronts[f];
            f.active && f.weeks_thrown_back >= *weeks
        }),
        Check::ActiveShare(region, share) => region_index(world, region).is_some_and(|r| {
            let (active, people) = active_people(world, &[r]);
            active >= share * people && people > 0.0
        }),
        Check::Uprisings(c, n) => uprisings_under(world, *c) as f64 >= *n,
        Check::PolicyIs(p) => policy_holds(government, p),
        Check::LeaderActive(id) => Leaders::active(world, id),
        Check::Months(a, b) => {
            let m = today.month();
            if a <= b { (*a..=*b).contains(&m) } else { m >= *a || m <= *b }
        }
        Check::AnyOf(checks) => checks.iter().any(|c| check_holds(world, c)),
        Check::Not(c) => !check_holds(world, c),
    }
}

/// Whether the government's policy is `p` (for a number: at least its value).
fn policy_holds(g: &Government, p: &Policy) -> bool {
    let pol = &g.policy;
    match p {
        Policy::Peace(v) => pol.peace == *v,
        Policy::Procurement(v) => pol.procurement == *v,
        Policy::BagTrade(v) => pol.bag_trade == *v,
        Policy::SovietElections(v) => pol.soviet_elections == *v,
        Policy::Terror(v) => pol.terror >= *v,
        Policy::Factory(v) => pol.factory == *v,
        Policy::Conscription(v) => pol.conscription == *v,
        Policy::Mobilisation(v) => pol.mobilisation >= *v,
        Policy::MilitaryDemocracy(v) => pol.military_democracy == *v,
        Policy::Factions(v) => pol.factions == *v,
        Policy::KronstadtResponse(v) => pol.kronstadt_response == *v,
        Policy::MakhnovistAlliance(v) => pol.makhnovist_alliance == *v,
        Policy::WhiteLandPolicy(v) => pol.white_land == *v,
        Policy::FoodArmy(v) => pol.food_army >= *v,
        Policy::DesertionCommissions(v) => pol.desertion_commissions == *v,
        Policy::PartyLegality(party, l) => g.legality[party.index()] == *l,
    }
}

fn log(world: &mut World, kind: &str, region: &str, value: f64, detail: &str) {
    let clock = world.resource::<Clock>().clone();
    world.resource_mut::<EventLog>().push(&clock, kind, region, value, detail);
}

fn region_index(world: &World, id: &str) -> Option<usize> {
    world.resource::<Geography>().regions.iter().position(|r| r.id == id)
}

/// People active in rebellion or on strike last week, and all people, in these regions.
fn active_people(world: &World, regions: &[usize]) -> (f64, f64) {
    let geography = world.resource::<Geography>();
    let districts = world.resource::<Districts>();
    let mut sums = (0.0, 0.0);
    for (d, r) in geography.district_region.iter().enumerate() {
        if regions.contains(&(*r as usize)) {
            sums.0 += districts.active[d];
            sums.1 += districts.population[d];
        }
    }
    sums
}

/// District uprisings in progress in the regions `controller` holds.
fn uprisings_under(world: &World, controller: Controller) -> usize {
    let geography = world.resource::<Geography>();
    let control = world.resource::<Control>();
    let districts = world.resource::<Districts>();
    let held = |d: usize| control.controller[geography.district_region[d] as usize] == controller;
    (0..districts.uprising_weeks.len()).filter(|d| districts.uprising_weeks[*d] > 0 && held(*d)).count()
}

fn front_index(world: &World, id: &str) -> Option<usize> {
    world.resource::<War>().fronts.iter().position(|f| f.id == id)
}

/// Hands a region to a new controller and logs it.
pub fn set_control(world: &mut World, region: usize, to: Controller, why: &str) {
    let from = world.resource::<Control>().controller[region];
    if from == to {
        return;
    }
    world.resource_mut::<Control>().controller[region] = to;
    world.resource_mut::<Control>().contested_weeks[region] = 0;
    let id = world.resource::<Geography>().regions[region].id.clone();
    let detail = format!("{} → {} ({why})", from.key(), to.key());
    log(world, "region_control_changed", &id, 0.0, &detail);
}

fn policy_name(p: &Policy) -> String {
    let text = ron::to_string(p).unwrap_or_default();
    text.replace('"', "")
}

/// Sets one policy and logs `policy_changed`.
pub fn set_policy(world: &mut World, policy: &Policy, why: &str) {
    {
        let date = world.resource::<Clock>().date;
        let mut g = world.resource_mut::<Government>();
        let pol = &mut g.policy;
        match policy {
            Policy::Peace(v) => pol.peace = *v,
            Policy::Procurement(v) => {
                if *v == Procurement::TaxInKind && pol.procurement != Procurement::TaxInKind {
                    g.tax_since = Some(date);
                }
                g.policy.procurement = *v;
            }
            Policy::BagTrade(v) => pol.bag_trade = *v,
            Policy::SovietElections(v) => pol.soviet_elections = *v,
            Policy::Terror(v) => pol.terror = *v,
            Policy::Factory(v) => pol.factory = *v,
            Policy::Conscription(v) => pol.conscription = *v,
            Policy::Mobilisation(v) => pol.mobilisation = *v,
            Policy::MilitaryDemocracy(v) => pol.military_democracy = *v,
            Policy::Factions(v) => pol.factions = *v,
            Policy::KronstadtResponse(v) => pol.kronstadt_response = *v,
            Policy::MakhnovistAlliance(v) => pol.makhnovist_alliance = *v,
            Policy::WhiteLandPolicy(v) => pol.white_land = *v,
            Policy::FoodArmy(v) => pol.food_army = *v,
            Policy::DesertionCommissions(v) => pol.desertion_commissions = *v,
            Policy::PartyLegality(party, l) => g.legality[party.index()] = *l,
        }
    }
    if let Policy::PartyLegality(party, Legality::Banned) = policy {
        world.resource_mut::<Government>().coalition.retain(|p| p != party);
        log(world, "party_banned", "", 0.0, party.key());
    }
    log(world, "policy_changed", "", 0.0, &format!("{} ({why})", policy_name(policy)));
}

/// Puts a new coalition in power: its leader's platform sets every policy.
pub fn change_coalition(world: &mut World, coalition: Vec<Party>, why: &str) {
    let Some(&leader) = coalition.first() else { return };
    let platform = world.resource::<Government>().platform(leader).cloned();
    {
        let mut g = world.resource_mut::<Government>();
        g.coalition = coalition.clone();
        if let Some(p) = &platform {
            g.policy.apply_platform(p);
        }
    }
    let names: Vec<&str> = coalition.iter().map(|p| p.key()).collect();
    log(world, "coalition_changed", "", 0.0, &format!("{} ({why})", names.join("+")));
}

/// Tallies the agents' party preferences (people), optionally only in Soviet regions.
pub fn tally_votes(world: &mut World, soviet_only: bool) -> [f64; Party::COUNT] {
    let geography = world.resource::<Geography>().clone();
    let control = world.resource::<Control>().clone();
    let mut votes = [0.0; Party::COUNT];
    let mut query = world.query::<(&Person, &Mind)>();
    for (person, mind) in query.iter(world) {
        if !person.alive() {
            continue;
        }
        let region = geography.districts[person.district as usize].region;
        if soviet_only && !control.soviet(region) {
            continue;
        }
        votes[mind.party.index()] += person.weight as f64;
    }
    votes
}

/// An All-Russian Congress of Soviets: the regional soviets' delegates meet. When elections
/// are honoured and the governing coalition has lost its majority, a new coalition forms.
pub fn convene_congress(world: &mut World, number: u32) {
    let shares = crate::systems::soviets::national_shares(world);
    {
        let mut soviets = world.resource_mut::<Soviets>();
        soviets.congress = shares;
        soviets.congresses_held += 1;
    }
    let clock = world.resource::<Clock>().clone();
    let detail = format!(
        "congress {number}: bolshevik {:.2}, left_sr {:.2}, sr {:.2}, menshevik {:.2}",
        shares[Party::Bolshevik.index()],
        shares[Party::LeftSr.index()],
        shares[Party::Sr.index()],
        shares[Party::Menshevik.index()]
    );
    world.resource_mut::<EventLog>().push(&clock, "congress_of_soviets", "", shares[Party::Bolshevik.index()], &detail);
    let government = world.resource::<Government>().clone();
    let governing: f64 = government.coalition.iter().map(|p| shares[p.index()]).sum();
    // Where the Constituent Assembly governs, the Congress does not make governments.
    if government.policy.soviet_elections == ElectionPolicy::Honoured && governing < 0.5 && !government.assembly_governs
    {
        let mut order: Vec<Party> = Party::ALL.iter().copied().filter(|p| *p != Party::Other).collect();
        order.sort_by(|a, b| shares[b.index()].total_cmp(&shares[a.index()]));
        let mut coalition = vec![order[0]];
        let mut seats = shares[order[0].index()];
        for p in order.iter().skip(1) {
            if seats > 0.5 {
                break;
            }
            if *p != Party::Kadet {
                coalition.push(*p);
                seats += shares[p.index()];
            }
        }
        change_coalition(world, coalition, "a new majority at the Congress of Soviets");
    }
}

/// Applies one action of an event or a rule.
pub fn apply_action(world: &mut World, action: &Action, id: &str) {
    match action {
        Action::SetPolicy(p) => set_policy(world, p, id),
        Action::SetPolicies(ps) => ps.iter().for_each(|p| set_policy(world, p, id)),
        Action::ConstituentAssemblyElection { left_sr_own_lists } => assembly_election(world, *left_sr_own_lists),
        Action::DissolveConstituentAssembly => log(world, "constituent_assembly_dissolved", "", 0.0, id),
        Action::ConveneConstituentAssembly => convene_assembly(world, id),
        Action::CongressOfSoviets { number } => convene_congress(world, *number),
        Action::JoinGovernment(p) => {
            if world.resource::<Government>().legality[p.index()] != Legality::Banned
                && !world.resource::<Government>().governs(*p)
            {
                world.resource_mut::<Government>().coalition.push(*p);
                log(world, "coalition_changed", "", 0.0, &format!("{} joins ({id})", p.key()));
            }
        }
        Action::LeaveGovernment(p) => leave_government(world, *p, &format!("{} leaves ({id})", p.key())),
        Action::PartyRising(p) => {
            log(world, "party_rising", "", 0.0, p.key());
            set_policy(world, &Policy::PartyLegality(*p, Legality::Banned), id);
        }
        Action::BanParty(p) => set_policy(world, &Policy::PartyLegality(*p, Legality::Banned), id),
        Action::DeclareRedTerror { terror } => {
            log(world, "red_terror_declared", "", *terror, id);
            set_policy(world, &Policy::Terror(*terror), id);
        }
        Action::AdoptTaxInKind => adopt_tax_in_kind(world, id),
        Action::PartyPurge { share } => party_size(world, -share, "party_purge", id),
        Action::PartyRecruitment { share } => party_size(world, *share, "party_recruitment", id),
        Action::Demobilise { weekly_share } => {
            world.resource_mut::<Government>().demobilise_weekly = *weekly_share;
            log(world, "demobilisation", "", *weekly_share, id);
        }
        Action::BreakMakhnovistAlliance => set_policy(world, &Policy::MakhnovistAlliance(false), id),
        Action::AttemptOnLeader { leader, fatality, recovery_weeks } => {
            attempt_on_leader(world, leader, *fatality, *recovery_weeks, id)
        }
        war_action => apply_war_action(world, war_action, id),
    }
}

/// Applies an action of war and peace: treaties, fronts, foreign forces, control of regions.
fn apply_war_action(world: &mut World, action: &Action, id: &str) {
    match action {
        Action::SignTreaty { name, cede, to, leave_government, strands_legion } => {
            sign_treaty(world, name, cede, *to, leave_government, *strands_legion, id)
        }
        Action::LegionRevolt { front, strength, position } => {
            if !world.resource::<Government>().legion_stranded {
                log(world, "decision_skipped", "", 0.0, &format!("{id}: the Legion was not stranded"));
                return;
            }
            log(world, "legion_revolt", "", *strength, id);
            open_front(world, front, *strength, 0.0, *position, id);
        }
        Action::OpenFront { front, external, white_soldiers, position } => {
            open_front(world, front, *external, *white_soldiers, *position, id);
        }
        Action::WhiteRising { front, external, position } => white_rising(world, front, *external, *position, id),
        Action::SetExternalForces { front, external } => {
            if let Some(f) = front_index(world, front) {
                world.resource_mut::<War>().fronts[f].external = *external;
                log(world, "foreign_forces", "", *external, &format!("{front} ({id})"));
            }
        }
        Action::CloseFront { front, to } => close_front(world, front, *to, id),
        Action::Armistice { front, to, name } => {
            if let Some(f) = front_index(world, front) {
                let enemy = world.resource::<War>().fronts[f].enemy;
                log(world, &format!("armistice_{}", enemy.key()), "", 0.0, &format!("{name} ({id})"));
                // Ground the enemy holds beyond its base returns to the Soviets (Yudenich's army
                // was interned in Estonia; it did not hand Petrograd to it).
                let (regions, base) = {
                    let fr = &world.resource::<War>().fronts[f];
                    (fr.regions.clone(), fr.base.floor() as usize)
                };
                let holder = crate::systems::war::holder(enemy);
                for &r in regions.iter().skip(base) {
                    if world.resource::<Control>().controller[r as usize] == holder {
                        set_control(world, r as usize, Controller::Soviet, id);
                    }
                }
                let base = world.resource::<War>().fronts[f].base;
                world.resource_mut::<War>().fronts[f].position = base;
                close_front(world, front, *to, id);
            }
        }
        Action::CentralPowersCollapse { regions } => {
            log(world, "central_powers_collapse", "", 0.0, id);
            for h in regions {
                if let Some(r) = region_index(world, &h.region)
                    && world.resource::<Control>().controller[r] == Controller::CentralPowers
                {
                    set_control(world, r, h.to, id);
                }
            }
            let mut war = world.resource_mut::<War>();
            for f in war.fronts.iter_mut().filter(|f| f.enemy == scenario::Enemy::CentralPowers) {
                f.active = false;
                f.external = 0.0;
            }
        }
        Action::SetControl { region, controller } => {
            if let Some(r) = region_index(world, region) {
                set_control(world, r, *controller, id);
            }
        }
        other => unreachable!("not an action of war: {other:?}"),
    }
}

/// An attempt on a leader's life. Whether it kills is drawn once per run (the bullet's
/// contingency): from the leaders' own random stream, so no other draw moves it.
fn attempt_on_leader(world: &mut World, id: &str, fatality: f64, recovery_weeks: u32, why: &str) {
    let leaders = &world.resource::<Leaders>().entities;
    let Some(index) = leaders.iter().position(|(l, _)| l == id) else { return };
    let entity = leaders[index].1;
    let clock = world.resource::<Clock>().clone();
    let mut rng = stream_rng(clock.seed, clock.tick, Stream::Leaders, index as u32);
    let killed = rand::RngExt::random::<f64>(&mut rng) < fatality;
    let back = clock.date.add_days(7 * recovery_weeks as i32);
    if let Some(mut leader) = world.get_mut::<Leader>(entity) {
        if !leader.alive {
            return;
        }
        if killed {
            leader.alive = false;
        } else {
            leader.away_until = Some(back);
        }
    }
    log(world, "attempt_on_leader", "", fatality, &format!("{id} ({why})"));
    let outcome = if killed { "leader_killed" } else { "leader_wounded" };
    log(world, outcome, "", 0.0, id);
}

fn leave_government(world: &mut World, party: Party, detail: &str) {
    if world.resource::<Government>().governs(party) {
        world.resource_mut::<Government>().coalition.retain(|x| *x != party);
        log(world, "coalition_changed", "", 0.0, detail);
    }
}

fn party_size(world: &mut World, share: f64, kind: &str, id: &str) {
    let change = world.resource::<Government>().party_members * share;
    world.resource_mut::<Government>().party_members += change;
    log(world, kind, "", change.abs(), id);
}

fn adopt_tax_in_kind(world: &mut World, id: &str) {
    if world.resource::<Government>().policy.procurement == Procurement::TaxInKind {
        return;
    }
    log(world, "tax_in_kind_adopted", "", 0.0, id);
    set_policy(world, &Policy::Procurement(Procurement::TaxInKind), id);
    set_policy(world, &Policy::BagTrade(scenario::Tolerance::Tolerated), id);
}

/// The Constituent Assembly is elected from the agents' party preferences.
fn assembly_election(world: &mut World, left_sr_own_lists: bool) {
    let votes = tally_votes(world, false);
    let total: f64 = votes.iter().sum();
    let share = |p: Party| votes[p.index()] / total;
    let left = share(Party::LeftSr);
    let (sr, left_sr) = if left_sr_own_lists { (share(Party::Sr), left) } else { (share(Party::Sr) + left, 0.0) };
    let other = share(Party::Other) + share(Party::Anarchist);
    let mut assembly = [0.0; Party::COUNT];
    for (party, value) in [
        (Party::Sr, sr),
        (Party::Bolshevik, share(Party::Bolshevik)),
        (Party::Kadet, share(Party::Kadet)),
        (Party::Menshevik, share(Party::Menshevik)),
        (Party::LeftSr, left_sr),
        (Party::Other, other),
    ] {
        assembly[party.index()] = value;
        log(world, "constituent_assembly_election", "", value, &format!("ca_share_{}", party.key()));
    }
    world.resource_mut::<Government>().assembly = Some(assembly);
}

/// The Assembly meets: the largest list leads and takes partners from the socialist lists
/// until the coalition holds a majority.
fn convene_assembly(world: &mut World, id: &str) {
    let Some(assembly) = world.resource::<Government>().assembly else { return };
    let mut order: Vec<Party> = Party::ALL.iter().copied().filter(|p| *p != Party::Other).collect();
    order.sort_by(|a, b| assembly[b.index()].total_cmp(&assembly[a.index()]));
    let mut coalition = vec![order[0]];
    let mut seats = assembly[order[0].index()];
    for p in [Party::Menshevik, Party::LeftSr, Party::Sr, Party::Bolshevik] {
        if seats > 0.5 {
            break;
        }
        if !coalition.contains(&p) && assembly[p.index()] > 0.0 {
            coalition.push(p);
            seats += assembly[p.index()];
        }
    }
    log(world, "constituent_assembly_convened", "", seats, id);
    world.resource_mut::<Government>().assembly_governs = true;
    change_coalition(world, coalition, "the Constituent Assembly forms the government");
}

fn sign_treaty(
    world: &mut World,
    name: &str,
    cede: &[String],
    to: Controller,
    leave: &[Party],
    strands_legion: bool,
    id: &str,
) {
    log(world, "treaty_signed", "", cede.len() as f64, name);
    set_policy(world, &Policy::Peace(scenario::PeaceStatus::SeparatePeace), id);
    for region in cede {
        if let Some(r) = region_index(world, region) {
            set_control(world, r, to, name);
        }
    }
    // The Central Powers' front closes: the ceded land is theirs by treaty.
    for front in world.resource_mut::<War>().fronts.iter_mut() {
        if front.enemy == scenario::Enemy::CentralPowers {
            front.active = false;
        }
    }
    for p in leave {
        leave_government(world, *p, &format!("{} leaves over {name}", p.key()));
    }
    if strands_legion {
        world.resource_mut::<Government>().legion_stranded = true;
    }
}

fn close_front(world: &mut World, front: &str, to: Controller, id: &str) {
    let Some(f) = front_index(world, front) else { return };
    // The enemy's base goes to `to` as well (Estonia at Tartu), whoever holds it now.
    let (regions, held) = {
        let war = world.resource::<War>();
        let fr = &war.fronts[f];
        (fr.regions.clone(), fr.position.max(fr.base).floor() as usize)
    };
    world.resource_mut::<War>().fronts[f].active = false;
    world.resource_mut::<War>().fronts[f].external = 0.0;
    for &r in regions.iter().take(held) {
        set_control(world, r as usize, to, id);
    }
    log(world, "front_closed", "", 0.0, &format!("{front} ({id})"));
}

fn open_front(world: &mut World, front: &str, external: f64, white_soldiers: f64, position: f64, why: &str) {
    let Some(f) = front_index(world, front) else { return };
    let regions = {
        let holders = world.resource::<Control>().controller.clone();
        let mut war = world.resource_mut::<War>();
        let fr = &mut war.fronts[f];
        if !fr.active {
            fr.base = position.floor();
            fr.furthest = 0.0;
            fr.weeks_thrown_back = 0.0;
            let base = (fr.base as usize).min(fr.regions.len());
            fr.base_holders = fr.regions[..base].iter().map(|r| holders[*r as usize]).collect();
        }
        fr.active = true;
        fr.external += external;
        fr.position = fr.position.max(position).min(fr.regions.len() as f64);
        fr.regions.clone()
    };
    let held = world.resource::<War>().fronts[f].position.floor() as usize;
    let enemy = world.resource::<War>().fronts[f].enemy;
    let to = match enemy {
        scenario::Enemy::White => Controller::White,
        scenario::Enemy::CentralPowers => Controller::CentralPowers,
        scenario::Enemy::Poland => Controller::National,
    };
    for &r in regions.iter().take(held) {
        set_control(world, r as usize, to, why);
    }
    if white_soldiers > 0.0 {
        crate::systems::war::enlist_whites(world, f, white_soldiers);
    }
    log(world, "front_opened", "", external + white_soldiers, &format!("{front} ({why})"));
}

/// A White army rises where its organisers find discontent: it takes the first `position`
/// regions of the front and raises `war.rising_share` of the people active there.
fn white_rising(world: &mut World, front: &str, external: f64, position: f64, why: &str) {
    let Some(f) = front_index(world, front) else { return };
    let regions: Vec<usize> = world.resource::<War>().fronts[f]
        .regions
        .iter()
        .take((position.floor() as usize).max(1))
        .map(|r| *r as usize)
        .collect();
    let (active, _) = active_people(world, &regions);
    let raised = world.resource::<Coefficients>().war.rising_share * active;
    log(world, "white_rising", "", raised, &format!("{front} ({why})"));
    open_front(world, front, external, raised, position, why);
}

/// Sets the weather of the new harvest year at the start of each agricultural year.
pub fn weather(
    clock: Res<Clock>,
    env: Res<crate::environment::Environment>,
    coefficients: Res<Coefficients>,
    mut control: ResMut<Control>,
) {
    let (m, d) = coefficients.agriculture.harvest;
    if !clock.date.week_contains(m, d) {
        return;
    }
    let year = clock.date.year();
    let mut rng = stream_rng(clock.seed, clock.tick, Stream::Events, 0);
    let a = &coefficients.agriculture;
    let common = a.weather_common_spread * crate::rng::normal(&mut rng);
    for r in 0..control.weather.len() {
        let noise = 1.0 + common + a.weather_spread * crate::rng::normal(&mut rng);
        control.weather[r] = (env.weather(r as u16, year) * noise).max(0.0);
    }
}
