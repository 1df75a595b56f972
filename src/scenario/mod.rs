//! Scenario files: loading, inheritance (`extends`), changes, and validation.
//!
//! Data flow: a RON file → [`Scenario`] (as written) → [`load`] resolves the chain of bases
//! and applies each counterfactual's changes in order → [`Resolved`] (a complete base
//! scenario, validated), which is what the world is built from and what
//! `scenario.resolved.ron` records.

mod params;
mod schema;

pub use params::*;
pub use schema::*;

use crate::date::Date;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// A problem with a scenario file. Each carries the file and, where it has one, the position.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("{path}: cannot read the file: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}:{col}: {message}")]
    Parse { path: String, line: usize, col: usize, message: String },
    #[error("{path}: `extends` makes a cycle: {chain}")]
    Cycle { path: String, chain: String },
    #[error("{}", .errors.join("\n"))]
    Invalid { errors: Vec<String> },
}

/// A scenario with its base chain resolved and its changes applied: a complete world.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub scenario: Scenario,
    /// The files read, base last (for the manifest's hashes).
    pub files: Vec<PathBuf>,
    /// Each counterfactual's own changes, in the order applied (for `explain`).
    pub applied: Vec<(String, Change)>,
    /// The sources the scenario itself cites (the base's are in `scenario.sources` too).
    pub own_sources: Vec<String>,
}

impl Resolved {
    pub fn params(&self) -> &Params {
        self.scenario.params.as_ref().expect("validated scenario has params")
    }
    pub fn environment(&self) -> &Environment {
        self.scenario.environment.as_ref().expect("validated scenario has an environment")
    }
    pub fn start(&self) -> Date {
        self.scenario.start.expect("validated scenario has a start")
    }
    pub fn end(&self) -> Date {
        self.scenario.end.expect("validated scenario has an end")
    }
    /// The scenario exactly as run, in RON.
    pub fn to_ron(&self) -> String {
        let config = ron::ser::PrettyConfig::new().depth_limit(6).struct_names(true);
        ron::ser::to_string_pretty(&self.scenario, config).unwrap_or_default()
    }
}

/// Levenshtein distance, for "did you mean".
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(row[j + 1] + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// The closest name to `found` among `names`, if it is close enough to be a typo.
pub fn did_you_mean<'a>(found: &str, names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    names
        .into_iter()
        .map(|n| (edit_distance(found, n), n))
        .filter(|(d, n)| *d <= 2.max(n.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

fn describe_ron_error(code: &ron::Error) -> String {
    let hint = |found: &str, expected: &[&str]| {
        let mut text = format!("valid names: {}", expected.join(", "));
        if let Some(near) = did_you_mean(found, expected.iter().copied()) {
            text = format!("did you mean `{near}`? {text}");
        }
        text
    };
    match code {
        ron::Error::NoSuchStructField { expected, found, outer } => format!(
            "unknown field `{found}`{}; {}",
            outer.as_ref().map(|o| format!(" in `{o}`")).unwrap_or_default(),
            hint(found, expected)
        ),
        ron::Error::NoSuchEnumVariant { expected, found, outer } => format!(
            "unknown variant `{found}`{}; {}",
            outer.as_ref().map(|o| format!(" of `{o}`")).unwrap_or_default(),
            hint(found, expected)
        ),
        other => other.to_string(),
    }
}

/// Parses one file as written, without resolving its base.
pub fn parse_file(path: &Path) -> Result<Scenario, ScenarioError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Read { path: shown.clone(), source })?;
    parse_str(&text, &shown)
}

/// Parses scenario text; `path` is only used in messages.
pub fn parse_str(text: &str, path: &str) -> Result<Scenario, ScenarioError> {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str::<Scenario>(text)
        .map_err(|e| ScenarioError::Parse {
            path: path.to_string(),
            line: e.span.start.line,
            col: e.span.start.col,
            message: describe_ron_error(&e.code),
        })
}

/// Loads a scenario file, resolves its `extends` chain, applies the changes, and validates.
pub fn load(path: &Path) -> Result<Resolved, ScenarioError> {
    let mut chain: Vec<(PathBuf, Scenario)> = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut current = path.to_path_buf();
    loop {
        let canonical = current.canonicalize().unwrap_or_else(|_| current.clone());
        if seen.contains(&canonical) {
            let mut names: Vec<String> = chain.iter().map(|(p, _)| p.display().to_string()).collect();
            names.push(current.display().to_string());
            return Err(ScenarioError::Cycle { path: path.display().to_string(), chain: names.join(" → ") });
        }
        seen.push(canonical);
        let scenario = parse_file(&current)?;
        let next = scenario.extends.as_ref().map(|base| current.parent().unwrap_or_else(|| Path::new(".")).join(base));
        chain.push((current.clone(), scenario));
        match next {
            Some(base) => current = base,
            None => break,
        }
    }
    let files: Vec<PathBuf> = chain.iter().map(|(p, _)| p.clone()).collect();
    let (base_path, mut resolved) = chain.pop().expect("at least one file");
    let mut applied = Vec::new();
    let mut own_sources = resolved.sources.clone();
    let mut errors = Vec::new();
    let base_shown = base_path.display().to_string();
    if resolved.params.is_none() || resolved.environment.is_none() || resolved.start.is_none() {
        errors.push(format!(
            "{base_shown}: a scenario without `extends` must give the whole world (start, end, \
             regions, parties, fronts, params, environment, events, rules)"
        ));
    }
    while let Some((file, child)) = chain.pop() {
        let shown = file.display().to_string();
        for change in &child.changes {
            if let Err(e) = apply_change(&mut resolved, change) {
                errors.push(format!("{shown}: {e}"));
            }
            applied.push((child.name.clone(), change.clone()));
        }
        resolved.name = child.name;
        resolved.title = child.title;
        resolved.description = child.description;
        own_sources = child.sources.clone();
        resolved.sources.extend(child.sources);
        resolved.divergence = child.divergence.or(resolved.divergence);
        resolved.expected = child.expected;
    }
    resolved.extends = None;
    resolved.changes.clear();
    if errors.is_empty() {
        errors.extend(validate(&resolved).into_iter().map(|e| format!("{}: {e}", path.display())));
    }
    if !errors.is_empty() {
        return Err(ScenarioError::Invalid { errors });
    }
    Ok(Resolved { scenario: resolved, files, applied, own_sources })
}

fn event_ids(s: &Scenario) -> Vec<&str> {
    s.events.iter().map(|e| e.id.as_str()).collect()
}

fn unknown(what: &str, found: &str, names: &[&str]) -> String {
    let near =
        did_you_mean(found, names.iter().copied()).map(|n| format!(" (did you mean `{n}`?)")).unwrap_or_default();
    format!("no {what} `{found}`{near}; known: {}", names.join(", "))
}

/// Applies one change to a resolved base.
pub fn apply_change(s: &mut Scenario, change: &Change) -> Result<(), String> {
    let find_event = |s: &Scenario, id: &str| {
        s.events.iter().position(|e| e.id == id).ok_or_else(|| unknown("event", id, &event_ids(s)))
    };
    let find_rule = |s: &Scenario, id: &str| {
        let ids: Vec<&str> = s.rules.iter().map(|r| r.id.as_str()).collect();
        s.rules.iter().position(|r| r.id == id).ok_or_else(|| unknown("decision rule", id, &ids))
    };
    match change {
        Change::AddEvent(e) => {
            if s.events.iter().any(|x| x.id == e.id) {
                return Err(format!("an event `{}` exists already (use ReplaceEvent)", e.id));
            }
            s.events.push(e.clone());
        }
        Change::RemoveEvent(id) => {
            let i = find_event(s, id)?;
            s.events.remove(i);
        }
        Change::MoveEvent(id, date) => {
            let i = find_event(s, id)?;
            s.events[i].date = *date;
        }
        Change::ReplaceEvent(e) => {
            let i = find_event(s, &e.id)?;
            s.events[i] = e.clone();
        }
        Change::AddRule(r) => {
            if s.rules.iter().any(|x| x.id == r.id) {
                return Err(format!("a decision rule `{}` exists already (use ReplaceRule)", r.id));
            }
            s.rules.push(r.clone());
        }
        Change::RemoveRule(id) => {
            let i = find_rule(s, id)?;
            s.rules.remove(i);
        }
        Change::ReplaceRule(r) => {
            let i = find_rule(s, &r.id)?;
            s.rules[i] = r.clone();
        }
        Change::SetRuleTrigger(id, when) => {
            let i = find_rule(s, id)?;
            s.rules[i].when = when.clone();
        }
        Change::SetPolicy(date, policy) => {
            let mut n = s.events.len();
            let id = loop {
                let id = format!("set_policy_{n}");
                if !s.events.iter().any(|e| e.id == id) {
                    break id;
                }
                n += 1;
            };
            s.events.push(Event {
                id,
                date: *date,
                action: Action::SetPolicy(policy.clone()),
                by: None,
                source: "counterfactual".into(),
            });
        }
        Change::SetPlatform(party, platform) => {
            let spec = s
                .parties
                .iter_mut()
                .find(|p| p.party == *party)
                .ok_or_else(|| format!("no party `{}` in the scenario", party.key()))?;
            spec.platform = platform.clone();
        }
        Change::SetParameter(name, value) => {
            let params = s.params.as_mut().ok_or("the base has no params")?;
            if let Err(e) = params.set_by_name(name, *value) {
                let names = params.names();
                let list: Vec<&str> = names.iter().map(|(n, _)| n.as_str()).collect();
                return Err(match did_you_mean(name, list.iter().copied()) {
                    Some(near) => format!("{e} (did you mean `{near}`?)"),
                    None => format!("{e}; `revsim explain` lists the parameter names"),
                });
            }
        }
        Change::ScaleMechanism(name, factor) => {
            if !(0.0..=1.0).contains(factor) {
                return Err(format!("mechanism `{name}`: the multiplier {factor} is outside 0-1"));
            }
            let params = s.params.as_mut().ok_or("the base has no params")?;
            params.set_by_name(&format!("mechanisms.{name}"), *factor).map_err(|_| {
                let names: Vec<String> = params
                    .names()
                    .into_iter()
                    .filter_map(|(n, _)| n.strip_prefix("mechanisms.").map(str::to_string))
                    .collect();
                let list: Vec<&str> = names.iter().map(String::as_str).collect();
                unknown("mechanism", name, &list)
            })?;
        }
        Change::SetEnvironment(env) => {
            let e = s.environment.as_mut().ok_or("the base has no environment")?;
            if let Some(date) = env.gulf_of_finland_ice_breakup {
                let year = date.year();
                match e.gulf_of_finland_ice_breakup.iter_mut().find(|d| d.year() == year) {
                    Some(d) => *d = date,
                    None => e.gulf_of_finland_ice_breakup.push(date),
                }
            }
        }
        Change::SetWeather(w) => {
            let e = s.environment.as_mut().ok_or("the base has no environment")?;
            e.weather.retain(|x| !(x.region == w.region && x.year == w.year));
            e.weather.push(w.clone());
        }
        Change::AddAlliedAid(a) => {
            s.environment.as_mut().ok_or("the base has no environment")?.allied_aid.push(a.clone());
        }
        Change::RemoveAlliedAid(front) => {
            let e = s.environment.as_mut().ok_or("the base has no environment")?;
            let before = e.allied_aid.len();
            e.allied_aid.retain(|a| &a.front != front);
            if e.allied_aid.len() == before {
                return Err(format!("no Allied aid on front `{front}` to remove"));
            }
        }
    }
    Ok(())
}

fn check_share(errors: &mut Vec<String>, what: &str, v: f64) {
    if !(0.0..=1.0).contains(&v) || v.is_nan() {
        errors.push(format!("{what} is {v}, but a share must lie in 0-1"));
    }
}

/// Semantic checks of a resolved scenario: every name known, every date in the window,
/// every share in 0-1.
pub fn validate(s: &Scenario) -> Vec<String> {
    let mut errors = Vec::new();
    let (Some(start), Some(end)) = (s.start, s.end) else {
        return vec!["the scenario has no `start` and `end`".into()];
    };
    if end <= start {
        errors.push(format!("`end` ({end}) must come after `start` ({start})"));
    }
    let regions: Vec<&str> = s.regions.iter().map(|r| r.id.as_str()).collect();
    let fronts: Vec<&str> = s.fronts.iter().map(|f| f.id.as_str()).collect();
    if regions.is_empty() {
        errors.push("the scenario has no regions".into());
    }
    let check_region = |errors: &mut Vec<String>, what: &str, id: &str| {
        if !regions.contains(&id) {
            errors.push(format!("{what}: {}", unknown("region", id, &regions)));
        }
    };
    let check_front = |errors: &mut Vec<String>, what: &str, id: &str| {
        if !fronts.contains(&id) {
            errors.push(format!("{what}: {}", unknown("front", id, &fronts)));
        }
    };
    let check_date = |errors: &mut Vec<String>, what: &str, d: Date| {
        if d < start || d > end {
            errors.push(format!("{what}: the date {d} is outside the scenario's window {start} to {end}"));
        }
    };
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
            check_share(&mut errors, &format!("region `{}`: {what}", r.id), v);
        }
        if r.population <= 0.0 {
            errors.push(format!("region `{}`: population must be positive", r.id));
        }
    }
    for f in &s.fronts {
        for r in &f.regions {
            check_region(&mut errors, &format!("front `{}`", f.id), r);
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
    let mut ids = HashSet::new();
    for e in &s.events {
        if !ids.insert(e.id.as_str()) {
            errors.push(format!("event `{}` is listed twice", e.id));
        }
        check_date(&mut errors, &format!("event `{}`", e.id), e.date);
        check_action(&mut errors, &format!("event `{}`", e.id), &e.action, &check_region, &check_front);
    }
    let metric_names = crate::metrics::METRICS;
    let mut rule_ids = HashSet::new();
    for r in &s.rules {
        let what = format!("decision rule `{}`", r.id);
        if !rule_ids.insert(r.id.as_str()) {
            errors.push(format!("{what} is listed twice"));
        }
        check_date(&mut errors, &what, r.not_before);
        if let Some(d) = r.not_after {
            check_date(&mut errors, &what, d);
        }
        for c in &r.when {
            if let Condition::Above(m, _) | Condition::Below(m, _) = c
                && !metric_names.contains(&m.as_str())
            {
                errors.push(format!("{what}: {}", unknown("metric", m, metric_names)));
            }
        }
        check_action(&mut errors, &what, &r.action, &check_region, &check_front);
    }
    if let Some(env) = &s.environment {
        for w in &env.weather {
            check_region(&mut errors, "weather", &w.region);
            if w.factor < 0.0 {
                errors.push(format!("weather for `{}` {}: factor must not be negative", w.region, w.year));
            }
        }
        for t in &env.transport_crises {
            check_date(&mut errors, "transport crisis", t.from);
            check_share(&mut errors, "transport crisis: deliveries", t.deliveries);
        }
        for a in &env.allied_aid {
            check_front(&mut errors, "allied_aid", &a.front);
            check_date(&mut errors, &format!("allied_aid on `{}`", a.front), a.from);
        }
        for d in &env.gulf_of_finland_ice_breakup {
            let (y, _, _) = d.ymd();
            if y < start.year() || y > end.year() + 1 {
                errors.push(format!("gulf_of_finland_ice_breakup {d} is outside the scenario's years"));
            }
        }
    }
    if let Some(p) = &s.params {
        for (name, v) in p.names() {
            if name.starts_with("mechanisms.") {
                check_share(&mut errors, &format!("parameter `{name}`"), v);
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
            check_share(&mut errors, &format!("parameter `{what}`"), v);
        }
        for (i, v) in p.population.initial_support.iter().enumerate() {
            check_share(&mut errors, &format!("parameter `population.initial_support.{i}`"), *v);
        }
    }
    errors
}

fn check_policy(errors: &mut Vec<String>, what: &str, p: &Policy) {
    match p {
        Policy::Terror(v) => check_share(errors, &format!("{what}: Terror"), *v),
        Policy::Mobilisation(v) => check_share(errors, &format!("{what}: Mobilisation"), *v),
        Policy::FoodArmy(v) if *v < 0.0 => errors.push(format!("{what}: FoodArmy must not be negative")),
        _ => {}
    }
}

fn check_action(
    errors: &mut Vec<String>,
    what: &str,
    a: &Action,
    check_region: &dyn Fn(&mut Vec<String>, &str, &str),
    check_front: &dyn Fn(&mut Vec<String>, &str, &str),
) {
    match a {
        Action::SetPolicy(p) => check_policy(errors, what, p),
        Action::SetPolicies(ps) => ps.iter().for_each(|p| check_policy(errors, what, p)),
        Action::SignTreaty { cede, .. } => cede.iter().for_each(|r| check_region(errors, what, r)),
        Action::LegionRevolt { front, .. }
        | Action::OpenFront { front, .. }
        | Action::SetExternalForces { front, .. }
        | Action::CloseFront { front, .. } => check_front(errors, what, front),
        Action::CentralPowersCollapse { regions } => regions.iter().for_each(|h| check_region(errors, what, &h.region)),
        Action::SetControl { region, .. } => check_region(errors, what, region),
        Action::DeclareRedTerror { terror } => check_share(errors, &format!("{what}: terror"), *terror),
        Action::PartyPurge { share } | Action::PartyRecruitment { share } => {
            check_share(errors, &format!("{what}: share"), *share)
        }
        Action::Demobilise { weekly_share } => check_share(errors, &format!("{what}: weekly_share"), *weekly_share),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_names() {
        assert_eq!(did_you_mean("ukriane", ["ukraine", "urals", "volga"]), Some("ukraine"));
        assert_eq!(did_you_mean("zzzzzz", ["ukraine", "urals"]), None);
    }

    #[test]
    fn unknown_field_reports_position_and_names() {
        let err = parse_str("Scenario(name: \"x\", title: \"t\", titel: \"y\")", "x.ron").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("x.ron:1:"), "{text}");
        assert!(text.contains("did you mean `title`"), "{text}");
    }
}
