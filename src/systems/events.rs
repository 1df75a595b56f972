//! Mechanism 1: scheduled events and decision rules (MODEL.md §5, §6.1).
//!
//! A policy's value comes from, in this order: a scheduled event of the scenario (an
//! exogenous decision at its historical date), a decision rule whose trigger has fired (an
//! endogenous decision, evaluated on last tick's metrics), or the platform of the party that
//! leads the government. An event or rule marked `by: Some(party)` is that party's decision
//! and happens only while that party leads the government: once elections or the
//! Constituent Assembly hand power to another coalition, its platform rules instead.

use crate::date::Date;
use crate::metrics::Metrics;
use crate::model::*;
use crate::scenario::{self, Action, Condition, Controller, Legality, Party, Policy, Procurement, RegionSpec};
use crate::systems::Coefficients;
use bevy_ecs::prelude::*;

/// The scenario's events in date order, and its decision rules.
#[derive(Resource, Clone, Debug)]
pub struct Plan {
    pub events: Vec<scenario::Event>,
    pub next: usize,
    pub rules: Vec<scenario::Rule>,
    pub fired: Vec<bool>,
}

impl Plan {
    pub fn new(events: &[scenario::Event], rules: &[scenario::Rule]) -> Plan {
        let mut events = events.to_vec();
        events.sort_by_key(|e| e.date);
        Plan { events, next: 0, rules: rules.to_vec(), fired: vec![false; rules.len()] }
    }
}

/// Exogenous inputs, indexed for the systems.
#[derive(Resource, Clone, Debug)]
pub struct Environment {
    /// (region, year, factor)
    weather: Vec<(u16, i32, f64)>,
    ice_breakup: Vec<Date>,
    freeze_day: i32,
    /// (front, from, to, supply)
    aid: Vec<(usize, Date, Date, f64)>,
    /// (from, to, share of deliveries that arrive)
    transport: Vec<(Date, Date, f64)>,
}

impl Environment {
    pub fn new(env: &scenario::Environment, regions: &[RegionSpec], fronts: &[scenario::FrontSpec]) -> Environment {
        let region = |id: &str| regions.iter().position(|r| r.id == id).unwrap_or(0) as u16;
        let front = |id: &str| fronts.iter().position(|f| f.id == id).unwrap_or(0);
        Environment {
            weather: env.weather.iter().map(|w| (region(&w.region), w.year, w.factor)).collect(),
            ice_breakup: env.gulf_of_finland_ice_breakup.clone(),
            freeze_day: env.gulf_of_finland_freeze_day,
            aid: env.allied_aid.iter().map(|a| (front(&a.front), a.from, a.to, a.supply)).collect(),
            transport: env.transport_crises.iter().map(|t| (t.from, t.to, t.deliveries)).collect(),
        }
    }

    /// The scheduled weather factor of a region for a harvest year (1 if none).
    pub fn weather(&self, region: u16, year: i32) -> f64 {
        self.weather.iter().find(|(r, y, _)| *r == region && *y == year).map_or(1.0, |(_, _, f)| *f)
    }

    /// Whether the Gulf of Finland is frozen on this date.
    pub fn ice_holds(&self, date: Date) -> bool {
        let year = date.year();
        let breakup = self.ice_breakup.iter().find(|d| d.year() == year);
        let before_breakup = breakup.is_some_and(|b| date < *b);
        let after_freeze = date.day_of_year() >= self.freeze_day;
        before_breakup || after_freeze
    }

    /// Share of the grain sent to the towns that arrives on this date (1 = no crisis).
    pub fn transport(&self, date: Date) -> f64 {
        self.transport.iter().filter(|(from, to, _)| date >= *from && date <= *to).map(|t| t.2).fold(1.0, f64::min)
    }

    /// Allied supply multiplier on a front on this date (1 = no aid).
    pub fn aid(&self, front: usize, date: Date) -> f64 {
        self.aid
            .iter()
            .filter(|(f, from, to, _)| *f == front && date >= *from && date <= *to)
            .map(|(_, _, _, s)| *s)
            .fold(1.0, f64::max)
    }
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
            plan.next += 1;
            due.push((e.id, e.action, e.by));
        }
    }
    for (id, action, by) in due {
        if let Some(party) = by
            && world.resource::<Government>().leader() != Some(party)
        {
            let clock = world.resource::<Clock>().clone();
            let detail = format!("{id}: not taken, {} does not lead the government", party.key());
            world.resource_mut::<EventLog>().push(&clock, "decision_skipped", "", 0.0, &detail);
            continue;
        }
        apply_action(world, &action, &id);
    }
    // Decision rules, on last tick's metrics.
    let clock = world.resource::<Clock>().clone();
    let rules = world.resource::<Plan>().rules.clone();
    for (i, rule) in rules.iter().enumerate() {
        if world.resource::<Plan>().fired[i] || clock.date < rule.not_before {
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
        let holds = rule.when.iter().all(|c| condition_holds(world, c));
        if holds {
            world.resource_mut::<Plan>().fired[i] = true;
            apply_action(world, &rule.action, &rule.id);
        }
    }
}

fn condition_holds(world: &World, condition: &Condition) -> bool {
    let metrics = world.resource::<Metrics>();
    let government = world.resource::<Government>();
    match condition {
        Condition::Above(m, v) => metrics.get(m) > *v,
        Condition::Below(m, v) => metrics.get(m) < *v,
        Condition::Happened(kind) => world.resource::<EventLog>().happened(kind),
        Condition::InGovernment(p) => government.governs(*p),
        Condition::NotInGovernment(p) => !government.governs(*p),
    }
}

fn log(world: &mut World, kind: &str, region: &str, value: f64, detail: &str) {
    let clock = world.resource::<Clock>().clone();
    world.resource_mut::<EventLog>().push(&clock, kind, region, value, detail);
}

fn region_index(world: &World, id: &str) -> Option<usize> {
    world.resource::<Geography>().regions.iter().position(|r| r.id == id)
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
        let mut g = world.resource_mut::<Government>();
        let pol = &mut g.policy;
        match policy {
            Policy::Peace(v) => pol.peace = *v,
            Policy::Procurement(v) => pol.procurement = *v,
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

/// Applies one action of an event or a rule.
pub fn apply_action(world: &mut World, action: &Action, id: &str) {
    match action {
        Action::SetPolicy(p) => set_policy(world, p, id),
        Action::SetPolicies(ps) => ps.iter().for_each(|p| set_policy(world, p, id)),
        Action::ConstituentAssemblyElection { left_sr_own_lists } => {
            let votes = tally_votes(world, false);
            let total: f64 = votes.iter().sum();
            let share = |p: Party| votes[p.index()] / total;
            let left = share(Party::LeftSr);
            let (sr, left_sr) =
                if *left_sr_own_lists { (share(Party::Sr), left) } else { (share(Party::Sr) + left, 0.0) };
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
        Action::DissolveConstituentAssembly => {
            log(world, "constituent_assembly_dissolved", "", 0.0, id);
        }
        Action::ConveneConstituentAssembly => {
            let Some(assembly) = world.resource::<Government>().assembly else { return };
            // The largest list leads; it takes partners from the socialist lists until the
            // coalition holds a majority of the Assembly.
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
        Action::CongressOfSoviets { number } => {
            crate::systems::soviets::convene_congress(world, *number);
        }
        Action::JoinGovernment(p) => {
            if world.resource::<Government>().legality[p.index()] != Legality::Banned
                && !world.resource::<Government>().governs(*p)
            {
                world.resource_mut::<Government>().coalition.push(*p);
                log(world, "coalition_changed", "", 0.0, &format!("{} joins ({id})", p.key()));
            }
        }
        Action::LeaveGovernment(p) => {
            if world.resource::<Government>().governs(*p) {
                world.resource_mut::<Government>().coalition.retain(|x| x != p);
                log(world, "coalition_changed", "", 0.0, &format!("{} leaves ({id})", p.key()));
            }
        }
        Action::PartyRising(p) => {
            log(world, "party_rising", "", 0.0, p.key());
            set_policy(world, &Policy::PartyLegality(*p, Legality::Banned), id);
        }
        Action::BanParty(p) => set_policy(world, &Policy::PartyLegality(*p, Legality::Banned), id),
        Action::SignTreaty { name, cede, to, leave_government, strands_legion } => {
            log(world, "treaty_signed", "", cede.len() as f64, name);
            set_policy(world, &Policy::Peace(scenario::PeaceStatus::SeparatePeace), id);
            for region in cede {
                if let Some(r) = region_index(world, region) {
                    set_control(world, r, *to, name);
                }
            }
            // The Central Powers' front closes: the ceded land is theirs by treaty.
            let fronts: Vec<usize> = world
                .resource::<War>()
                .fronts
                .iter()
                .enumerate()
                .filter(|(_, f)| f.enemy == scenario::Enemy::CentralPowers)
                .map(|(i, _)| i)
                .collect();
            for f in fronts {
                world.resource_mut::<War>().fronts[f].active = false;
            }
            for p in leave_government {
                if world.resource::<Government>().governs(*p) {
                    world.resource_mut::<Government>().coalition.retain(|x| x != p);
                    log(world, "coalition_changed", "", 0.0, &format!("{} leaves over {name}", p.key()));
                }
            }
            if *strands_legion {
                world.resource_mut::<Government>().legion_stranded = true;
            }
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
        Action::SetExternalForces { front, external } => {
            if let Some(f) = front_index(world, front) {
                world.resource_mut::<War>().fronts[f].external = *external;
                log(world, "foreign_forces", "", *external, &format!("{front} ({id})"));
            }
        }
        Action::CloseFront { front, to } => {
            if let Some(f) = front_index(world, front) {
                let (regions, held) = {
                    let war = world.resource::<War>();
                    let fr = &war.fronts[f];
                    (fr.regions.clone(), fr.position.floor() as usize)
                };
                world.resource_mut::<War>().fronts[f].active = false;
                world.resource_mut::<War>().fronts[f].external = 0.0;
                for &r in regions.iter().take(held) {
                    set_control(world, r as usize, *to, id);
                }
                log(world, "front_closed", "", 0.0, &format!("{front} ({id})"));
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
        Action::DeclareRedTerror { terror } => {
            log(world, "red_terror_declared", "", *terror, id);
            set_policy(world, &Policy::Terror(*terror), id);
        }
        Action::AdoptTaxInKind => {
            if world.resource::<Government>().policy.procurement == Procurement::TaxInKind {
                return;
            }
            log(world, "tax_in_kind_adopted", "", 0.0, id);
            set_policy(world, &Policy::Procurement(Procurement::TaxInKind), id);
            set_policy(world, &Policy::BagTrade(scenario::Tolerance::Tolerated), id);
        }
        Action::PartyPurge { share } => {
            let removed = world.resource::<Government>().party_members * share;
            world.resource_mut::<Government>().party_members -= removed;
            log(world, "party_purge", "", removed, id);
        }
        Action::PartyRecruitment { share } => {
            let added = world.resource::<Government>().party_members * share;
            world.resource_mut::<Government>().party_members += added;
            log(world, "party_recruitment", "", added, id);
        }
        Action::Demobilise { weekly_share } => {
            world.resource_mut::<Government>().demobilise_weekly = *weekly_share;
            log(world, "demobilisation", "", *weekly_share, id);
        }
        Action::BreakMakhnovistAlliance => {
            set_policy(world, &Policy::MakhnovistAlliance(false), id);
        }
    }
}

fn open_front(world: &mut World, front: &str, external: f64, white_soldiers: f64, position: f64, why: &str) {
    let Some(f) = front_index(world, front) else { return };
    let regions = {
        let mut war = world.resource_mut::<War>();
        let fr = &mut war.fronts[f];
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

/// Sets the weather of the new harvest year at the start of each agricultural year.
pub fn weather(
    clock: Res<Clock>,
    env: Res<Environment>,
    coefficients: Res<Coefficients>,
    mut control: ResMut<Control>,
) {
    let (m, d) = coefficients.agriculture.harvest;
    if !clock.date.week_contains(m, d) {
        return;
    }
    let year = clock.date.year();
    let mut rng = stream_rng(clock.seed, clock.tick, Stream::Events, 0);
    for r in 0..control.weather.len() {
        let noise = 1.0 + coefficients.agriculture.weather_spread * crate::world::normal(&mut rng);
        control.weather[r] = (env.weather(r as u16, year) * noise).max(0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(breakup: &str) -> Environment {
        Environment {
            weather: vec![(2, 1921, 0.3)],
            ice_breakup: vec![breakup.parse().unwrap()],
            freeze_day: 335,
            aid: vec![(1, "1919-01-01".parse().unwrap(), "1919-12-31".parse().unwrap(), 1.5)],
            transport: vec![("1921-01-20".parse().unwrap(), "1921-03-15".parse().unwrap(), 0.6)],
        }
    }

    #[test]
    fn ice_holds_until_breakup_and_after_freeze() {
        let e = env("1921-03-25");
        assert!(e.ice_holds("1921-03-10".parse().unwrap()));
        assert!(!e.ice_holds("1921-03-26".parse().unwrap()));
        assert!(!e.ice_holds("1921-07-01".parse().unwrap()));
        assert!(e.ice_holds("1921-12-20".parse().unwrap()));
    }

    #[test]
    fn weather_and_aid_lookups() {
        let e = env("1921-03-25");
        assert_eq!(e.weather(2, 1921), 0.3);
        assert_eq!(e.weather(2, 1920), 1.0);
        assert_eq!(e.aid(1, "1919-06-01".parse().unwrap()), 1.5);
        assert_eq!(e.aid(1, "1920-06-01".parse().unwrap()), 1.0);
        assert_eq!(e.aid(0, "1919-06-01".parse().unwrap()), 1.0);
        assert_eq!(e.transport("1921-02-01".parse().unwrap()), 0.6);
        assert_eq!(e.transport("1921-04-01".parse().unwrap()), 1.0);
    }
}
