//! Scenario files: loading, inheritance (`extends`), changes, and validation.
//!
//! Data flow: a RON file → [`Scenario`] (as written) → [`load`] resolves the chain of bases
//! and applies each counterfactual's changes in order → [`Resolved`] (a complete base
//! scenario, validated), which is what the world is built from and what
//! `scenario.resolved.ron` records.

mod changes;
pub mod language;
mod params;
pub mod priors;
mod schema;
mod validate;

pub use changes::apply_change;
pub use validate::{is_identifier, validate};

pub use params::*;
pub use priors::{Prior, priors};
pub use schema::*;

use crate::date::Date;
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
    // Editors on Windows save UTF-8 with a byte-order mark; it is not part of the text.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
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

/// Line and column (from 1) of the first `field:` in a file, for messages about a field whose
/// value the parser accepted but the checks did not; (1, 1) if not found.
pub fn field_position(path: &Path, field: &str) -> (usize, usize) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(field)
            && rest.trim_start().starts_with(':')
        {
            return (i + 1, line.chars().count() - trimmed.chars().count() + 1);
        }
    }
    (1, 1)
}

fn at_field(path: &Path, field: &str, message: String) -> ScenarioError {
    let (line, col) = field_position(path, field);
    ScenarioError::Parse { path: path.display().to_string(), line, col, message }
}

/// The files of a scenario's `extends` chain, the scenario first and its base last, parsed.
fn read_chain(path: &Path) -> Result<Vec<(PathBuf, Scenario)>, ScenarioError> {
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
        if let Some((referrer, _)) = chain.last().filter(|_| !current.is_file()) {
            let message = format!("`extends` names {}, which is not a readable file", current.display());
            return Err(at_field(referrer, "extends", message));
        }
        let scenario = parse_file(&current)?;
        if !is_identifier(&scenario.name) {
            return Err(at_field(&current, "name", validate::name_error(&scenario.name)));
        }
        let next = scenario.extends.as_ref().map(|base| current.parent().unwrap_or_else(|| Path::new(".")).join(base));
        chain.push((current.clone(), scenario));
        match next {
            Some(base) => current = base,
            None => return Ok(chain),
        }
    }
}

/// The base file's priors must be well formed and hold the base's own values (a
/// counterfactual may then set a value outside them).
fn check_priors(path: &Path, base: &Scenario) -> Result<(), ScenarioError> {
    let Some(params) = &base.params else { return Ok(()) };
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Read { path: shown.clone(), source })?;
    priors::read(&text, &params.names()).map(|_| ()).map_err(|(line, col, message)| ScenarioError::Parse {
        path: shown,
        line,
        col,
        message,
    })
}

/// Loads a scenario file, resolves its `extends` chain, applies the changes, and validates.
pub fn load(path: &Path) -> Result<Resolved, ScenarioError> {
    let mut chain = read_chain(path)?;
    let files: Vec<PathBuf> = chain.iter().map(|(p, _)| p.clone()).collect();
    let (base_path, mut resolved) = chain.pop().expect("at least one file");
    check_priors(&base_path, &resolved)?;
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
    let mut divergence_file = base_path.clone();
    while let Some((file, child)) = chain.pop() {
        let shown = file.display().to_string();
        for change in &child.changes {
            if let Err(e) = apply_change(&mut resolved, change) {
                errors.push(format!("{shown}: {e}"));
            }
            applied.push((child.name.clone(), change.clone()));
        }
        if child.divergence.is_some() {
            divergence_file = file.clone();
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
    if let (Some(d), Some(start), Some(end)) = (resolved.divergence, resolved.start, resolved.end)
        && (d < start || d > end)
    {
        let message = format!("the divergence {d} is outside the scenario's dates, {start} to {end}");
        return Err(at_field(&divergence_file, "divergence", message));
    }
    if errors.is_empty() {
        errors.extend(validate(&resolved).into_iter().map(|e| format!("{}: {e}", path.display())));
    }
    if !errors.is_empty() {
        return Err(ScenarioError::Invalid { errors });
    }
    Ok(Resolved { scenario: resolved, files, applied, own_sources })
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
