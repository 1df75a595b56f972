//! Semantic checks of a resolved scenario: every name known, every date in the window,
//! every share in 0-1, and a name that can safely become a folder name.

use super::changes::unknown;
use super::{Action, Condition, Party, Policy, Scenario};
use crate::date::Date;
use std::collections::HashSet;

/// Whether `name` is an identifier: letters, digits, `_` and `-` (it becomes a folder name).
pub fn is_identifier(name: &str) -> bool {
    !name.is_empty() && name.len() <= 100 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The message for a name that is not an identifier.
pub fn name_error(name: &str) -> String {
    format!(
        "the name `{name}` must be an identifier of 1-100 letters, digits, `_` or `-` \
         (it becomes the output folder's name)"
    )
}

fn check_share(errors: &mut Vec<String>, what: &str, v: f64) {
    if !(0.0..=1.0).contains(&v) || v.is_nan() {
        errors.push(format!("{what} is {v}, but a share must lie in 0-1"));
    }
}

/// The names and the window that the checks look things up in.
struct Known<'a> {
    regions: Vec<&'a str>,
    fronts: Vec<&'a str>,
    leaders: Vec<&'a str>,
    start: Date,
    end: Date,
}

impl Known<'_> {
    fn region(&self, errors: &mut Vec<String>, what: &str, id: &str) {
        if !self.regions.contains(&id) {
            errors.push(format!("{what}: {}", unknown("region", id, &self.regions)));
        }
    }
    fn front(&self, errors: &mut Vec<String>, what: &str, id: &str) {
        if !self.fronts.contains(&id) {
            errors.push(format!("{what}: {}", unknown("front", id, &self.fronts)));
        }
    }
    fn leader(&self, errors: &mut Vec<String>, what: &str, id: &str) {
        if !self.leaders.contains(&id) {
            errors.push(format!("{what}: {}", unknown("leader", id, &self.leaders)));
        }
    }
    fn date(&self, errors: &mut Vec<String>, what: &str, d: Date) {
        if d < self.start || d > self.end {
            errors
                .push(format!("{what}: the date {d} is outside the scenario's window {} to {}", self.start, self.end));
        }
    }
}

/// Semantic checks of a resolved scenario: every name known, every date in the window,
/// every share in 0-1.
pub fn validate(s: &Scenario) -> Vec<String> {
    let mut errors = Vec::new();
    if !is_identifier(&s.name) {
        errors.push(name_error(&s.name));
    }
    let (Some(start), Some(end)) = (s.start, s.end) else {
        errors.push("the scenario has no `start` and `end`".into());
        return errors;
    };
    if end <= start {
        errors.push(format!("`end` ({end}) must come after `start` ({start})"));
    }
    let known = Known {
        regions: s.regions.iter().map(|r| r.id.as_str()).collect(),
        fronts: s.fronts.iter().map(|f| f.id.as_str()).collect(),
        leaders: s.leaders.iter().map(|l| l.id.as_str()).collect(),
        start,
        end,
    };
    if let Some(d) = s.divergence {
        known.date(&mut errors, "divergence", d);
    }
    check_world(&mut errors, s, &known);
    check_events_and_rules(&mut errors, s, &known);
    check_environment(&mut errors, s, &known);
    check_params(&mut errors, s);
    errors
}

fn check_world(errors: &mut Vec<String>, s: &Scenario, known: &Known) {
    if known.regions.is_empty() {
        errors.push("the scenario has no regions".into());
    }
    let mut seen = HashSet::new();
    for r in &s.regions {
        if !seen.insert(r.id.as_str()) {
            errors.push(format!("region `{}` is listed twice", r.id));
        }
        for (what, v) in [
            ("urban_share", r.urban_share),
            ("industry_share", r.industry_share),
            ("coal_share", r.coal_share),
            ("other_food_share", r.other_food_share),
            ("national_vote", r.national_vote),
        ] {
            check_share(errors, &format!("region `{}`: {what}", r.id), v);
        }
        if r.population <= 0.0 || r.population.is_nan() {
            errors.push(format!("region `{}`: population must be positive", r.id));
        }
    }
    for f in &s.fronts {
        for r in &f.regions {
            known.region(errors, &format!("front `{}`", f.id), r);
        }
    }
    let parties: HashSet<Party> = s.parties.iter().map(|p| p.party).collect();
    for p in Party::ALL {
        if !parties.contains(&p) && p != Party::Other {
            errors.push(format!("party `{}` has no entry in `parties`", p.key()));
        }
    }
    if s.coalition.is_empty() {
        errors.push("`coalition` must name at least one governing party".into());
    }
}

fn check_events_and_rules(errors: &mut Vec<String>, s: &Scenario, known: &Known) {
    let mut ids = HashSet::new();
    for e in &s.events {
        if !ids.insert(e.id.as_str()) {
            errors.push(format!("event `{}` is listed twice", e.id));
        }
        known.date(errors, &format!("event `{}`", e.id), e.date);
        check_action(errors, &format!("event `{}`", e.id), &e.action, known);
        check_conditions(errors, &format!("event `{}`", e.id), &e.when, known);
    }
    let mut rule_ids = HashSet::new();
    for r in &s.rules {
        let what = format!("decision rule `{}`", r.id);
        if !rule_ids.insert(r.id.as_str()) {
            errors.push(format!("{what} is listed twice"));
        }
        if let Some(d) = r.not_before {
            known.date(errors, &what, d);
        }
        if let Some(d) = r.not_after {
            known.date(errors, &what, d);
        }
        check_conditions(errors, &what, &r.when, known);
        check_action(errors, &what, &r.action, known);
    }
}

/// Every metric and leader a condition names is known; every policy and month is valid.
fn check_conditions(errors: &mut Vec<String>, what: &str, conditions: &[Condition], known: &Known) {
    let metric_names = crate::metrics::METRICS;
    for c in conditions.iter().flat_map(|c| c.flatten()) {
        match c {
            Condition::Above(m, _) | Condition::Below(m, _) | Condition::FellBelow(m, _)
                if !metric_names.contains(&m.as_str()) =>
            {
                errors.push(format!("{what}: {}", unknown("metric", m, metric_names)))
            }
            Condition::LeaderActive(id) => known.leader(errors, what, id),
            Condition::Holds(region, _) => known.region(errors, what, region),
            Condition::FrontThrownBack(front, weeks) => {
                known.front(errors, what, front);
                if weeks.is_nan() || *weeks < 0.0 {
                    errors.push(format!("{what}: FrontThrownBack weeks is {weeks}, but must not be negative"));
                }
            }
            Condition::ActiveShare(region, share) => {
                known.region(errors, what, region);
                check_share(errors, &format!("{what}: ActiveShare"), *share);
            }
            Condition::Uprisings(_, n) if n.is_nan() || *n < 0.0 => {
                errors.push(format!("{what}: Uprisings count is {n}, but must not be negative"))
            }
            Condition::PolicyIs(p) => check_policy(errors, what, p),
            Condition::Months(a, b) if !(1..=12).contains(a) || !(1..=12).contains(b) => {
                errors.push(format!("{what}: Months({a}, {b}) must name months 1-12"))
            }
            _ => {}
        }
    }
}

fn check_environment(errors: &mut Vec<String>, s: &Scenario, known: &Known) {
    let Some(env) = &s.environment else { return };
    for w in &env.weather {
        known.region(errors, "weather", &w.region);
        if w.factor < 0.0 {
            errors.push(format!("weather for `{}` {}: factor must not be negative", w.region, w.year));
        }
    }
    for t in &env.transport_crises {
        known.date(errors, "transport crisis", t.from);
        check_share(errors, "transport crisis: deliveries", t.deliveries);
    }
    for a in &env.allied_aid {
        known.front(errors, "allied_aid", &a.front);
        known.date(errors, &format!("allied_aid on `{}`", a.front), a.from);
    }
    for d in &env.gulf_of_finland_ice_breakup {
        let (y, _, _) = d.ymd();
        if y < known.start.year() || y > known.end.year() + 1 {
            errors.push(format!("gulf_of_finland_ice_breakup {d} is outside the scenario's years"));
        }
    }
}

fn check_params(errors: &mut Vec<String>, s: &Scenario) {
    let Some(p) = &s.params else { return };
    for (name, v) in p.names() {
        if name.starts_with("mechanisms.") {
            check_share(errors, &format!("parameter `{name}`"), v);
        }
        // Effects on support may be negative; every other parameter is a size or a rate.
        if v < 0.0 && !name.starts_with("loyalty.factory_effect") {
            errors.push(format!("parameter `{name}` is {v}: parameters are not negative"));
        }
    }
    for (what, v) in [
        ("population.village_ties_share", p.population.village_ties_share),
        ("population.old_army_worker_share", p.population.old_army_worker_share),
        ("population.worker_control", p.population.worker_control),
        ("population.centralization", p.population.centralization),
        ("population.initial_grain_share", p.population.initial_grain_share),
        ("procurement.tax_rate", p.procurement.tax_rate),
        ("procurement.suppression", p.procurement.suppression),
        ("activation.uprising_start", p.activation.uprising_start),
    ] {
        check_share(errors, &format!("parameter `{what}`"), v);
    }
    for (i, v) in p.population.initial_support.iter().enumerate() {
        check_share(errors, &format!("parameter `population.initial_support.{i}`"), *v);
    }
}

fn check_policy(errors: &mut Vec<String>, what: &str, p: &Policy) {
    match p {
        Policy::Terror(v) => check_share(errors, &format!("{what}: Terror"), *v),
        Policy::Mobilisation(v) => check_share(errors, &format!("{what}: Mobilisation"), *v),
        Policy::FoodArmy(v) if *v < 0.0 => errors.push(format!("{what}: FoodArmy must not be negative")),
        _ => {}
    }
}

fn check_action(errors: &mut Vec<String>, what: &str, a: &Action, known: &Known) {
    match a {
        Action::SetPolicy(p) => check_policy(errors, what, p),
        Action::SetPolicies(ps) => ps.iter().for_each(|p| check_policy(errors, what, p)),
        Action::SignTreaty { cede, .. } => cede.iter().for_each(|r| known.region(errors, what, r)),
        Action::LegionRevolt { front, .. }
        | Action::OpenFront { front, .. }
        | Action::WhiteRising { front, .. }
        | Action::SetExternalForces { front, .. }
        | Action::CloseFront { front, .. }
        | Action::Armistice { front, .. } => known.front(errors, what, front),
        Action::CentralPowersCollapse { regions } => regions.iter().for_each(|h| known.region(errors, what, &h.region)),
        Action::SetControl { region, .. } => known.region(errors, what, region),
        Action::DeclareRedTerror { terror } => check_share(errors, &format!("{what}: terror"), *terror),
        Action::PartyPurge { share } | Action::PartyRecruitment { share } => {
            check_share(errors, &format!("{what}: share"), *share)
        }
        Action::Demobilise { weekly_share } => check_share(errors, &format!("{what}: weekly_share"), *weekly_share),
        Action::AttemptOnLeader { leader, fatality, .. } => {
            known.leader(errors, what, leader);
            check_share(errors, &format!("{what}: fatality"), *fatality);
        }
        _ => {}
    }
}
