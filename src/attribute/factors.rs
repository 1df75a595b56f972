//! Factors: scenario files whose changes are one cause each, checked to compose, and applied
//! in any combination to the base.
//!
//! A factor's changes are those its file (and any counterfactual between it and its base file)
//! makes, as `scenario::load` applies them; changes the BASE itself already makes are not
//! repeated. Two factors *conflict* when they change the same thing (the same event, decision
//! rule, parameter, policy, platform, weather or aid) differently; the same change in two
//! factors is no conflict and is applied once, so exact duplicates compose.

use super::shapley::Mask;
use crate::error::CommandError;
use crate::scenario::{self, Change, Policy, Resolved};
use std::path::{Path, PathBuf};

/// One cause: a scenario file's changes.
#[derive(Clone, Debug)]
pub struct Factor {
    pub name: String,
    pub title: String,
    pub path: PathBuf,
    pub changes: Vec<Change>,
    /// The files read (the factor first), for the manifest.
    pub files: Vec<PathBuf>,
}

/// The thing a change sets, in words ("event `red_terror`"): two factors conflict when they
/// set the same thing differently.
pub fn target(change: &Change) -> String {
    match change {
        Change::AddEvent(e) | Change::ReplaceEvent(e) => format!("event `{}`", e.id),
        Change::RemoveEvent(id) | Change::MoveEvent(id, _) => format!("event `{id}`"),
        Change::AddRule(r) | Change::ReplaceRule(r) => format!("decision rule `{}`", r.id),
        Change::RemoveRule(id) | Change::SetRuleTrigger(id, _) => format!("decision rule `{id}`"),
        Change::SetPolicy(_, Policy::PartyLegality(party, _)) => format!("the legality of party `{}`", party.key()),
        Change::SetPolicy(_, policy) => {
            let text = ron::to_string(policy).unwrap_or_default();
            format!("policy `{}`", text.split('(').next().unwrap_or(""))
        }
        Change::SetPlatform(party, _) => format!("the platform of `{}`", party.key()),
        Change::SetParameter(name, _) => format!("parameter `{name}`"),
        Change::ScaleMechanism(name, _) => format!("parameter `mechanisms.{name}`"),
        Change::SetEnvironment(env) => match env.gulf_of_finland_ice_breakup {
            Some(d) => format!("the ice break-up of {}", d.year()),
            None => "the environment".into(),
        },
        Change::SetWeather(w) => format!("the weather of `{}` in {}", w.region, w.year),
        Change::AddAlliedAid(a) => format!("Allied aid on `{}`", a.front),
        Change::RemoveAlliedAid(front) => format!("Allied aid on `{front}`"),
    }
}

fn input(message: String) -> CommandError {
    CommandError::Input(message)
}

fn same_file(a: &Path, b: &Path) -> bool {
    let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    canon(a) == canon(b)
}

/// Loads the factor files, refusing one on another base file, a repeated name, and two factors
/// that change the same thing differently (naming both files and the thing).
pub fn load(base: &Resolved, base_path: &Path, paths: &[PathBuf]) -> Result<Vec<Factor>, CommandError> {
    let base_root = base.files.last().cloned().unwrap_or_else(|| base_path.to_path_buf());
    let mut factors: Vec<Factor> = Vec::new();
    for path in paths {
        let r = scenario::load(path)?;
        let root = r.files.last().cloned().unwrap_or_else(|| path.clone());
        if !same_file(&root, &base_root) {
            return Err(input(format!(
                "{}: its base file is {}, not the base of {} ({}); a factor must extend the same base",
                path.display(),
                root.display(),
                base_path.display(),
                base_root.display()
            )));
        }
        if r.applied.is_empty() {
            return Err(input(format!("{}: is a base scenario, it has no changes to attribute", path.display())));
        }
        if r.scenario.name == base.scenario.name {
            return Err(input(format!("{}: is the base itself (`{}`)", path.display(), r.scenario.name)));
        }
        if let Some(other) = factors.iter().find(|f| f.name == r.scenario.name) {
            return Err(input(format!(
                "{} and {} are both named `{}`: give each factor its own name",
                other.path.display(),
                path.display(),
                r.scenario.name
            )));
        }
        // The BASE's own changes, when the factor extends it, are not the factor's.
        let own = r.applied.len() - common_prefix(&base.applied, &r.applied);
        let changes = r.applied[r.applied.len() - own..].iter().map(|(_, c)| c.clone()).collect();
        factors.push(Factor {
            name: r.scenario.name.clone(),
            title: r.scenario.title.clone(),
            path: path.clone(),
            changes,
            files: r.files.clone(),
        });
    }
    check_conflicts(&factors)?;
    Ok(factors)
}

fn common_prefix(a: &[(String, Change)], b: &[(String, Change)]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// Refuses two factors that set the same thing differently.
pub fn check_conflicts(factors: &[Factor]) -> Result<(), CommandError> {
    for (i, a) in factors.iter().enumerate() {
        for b in &factors[i + 1..] {
            for ca in &a.changes {
                let thing = target(ca);
                if let Some(cb) = b.changes.iter().find(|cb| target(cb) == thing && *cb != ca) {
                    return Err(input(format!(
                        "{} ({}) and {} ({}) both change {thing}, differently: {} sets {}, {} sets {}; \
                         factors must change different things (or make the very same change)",
                        a.path.display(),
                        a.name,
                        b.path.display(),
                        b.name,
                        a.name,
                        ron::to_string(ca).unwrap_or_default(),
                        b.name,
                        ron::to_string(cb).unwrap_or_default()
                    )));
                }
            }
        }
    }
    Ok(())
}

/// The base with the changes of the factors in `mask` applied, in the factors' order (a change
/// already made by an earlier factor of the subset is made once), validated.
pub fn compose(base: &Resolved, factors: &[Factor], mask: Mask) -> Result<Resolved, CommandError> {
    let mut out = base.clone();
    let mut made: Vec<&Change> = Vec::new();
    let chosen: Vec<&Factor> = factors.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|p| p.1).collect();
    for f in &chosen {
        for change in &f.changes {
            if made.contains(&change) {
                continue;
            }
            scenario::apply_change(&mut out.scenario, change).map_err(|e| {
                let with: Vec<&str> = chosen.iter().map(|c| c.name.as_str()).collect();
                input(format!("{}: its change does not apply with {}: {e}", f.path.display(), with.join(" + ")))
            })?;
            made.push(change);
            out.applied.push((f.name.clone(), change.clone()));
        }
        out.files.extend(f.files.iter().take(1).cloned());
    }
    let errors = scenario::validate(&out.scenario);
    if !errors.is_empty() {
        let with: Vec<&str> = chosen.iter().map(|c| c.name.as_str()).collect();
        return Err(input(format!(
            "the base with {} is not a valid scenario: {}",
            with.join(" + "),
            errors.join("; ")
        )));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_to_the_same_thing_have_the_same_target() {
        let a = Change::ScaleMechanism("war_centralization".into(), 0.0);
        let b = Change::SetParameter("mechanisms.war_centralization".into(), 0.5);
        assert_eq!(target(&a), target(&b));
        assert_eq!(target(&Change::RemoveEvent("red_terror".into())), "event `red_terror`");
        assert_ne!(target(&a), target(&Change::RemoveEvent("red_terror".into())));
    }

    fn factor(name: &str, changes: Vec<Change>) -> Factor {
        Factor { name: name.into(), title: name.into(), path: format!("{name}.ron").into(), changes, files: vec![] }
    }

    #[test]
    fn the_same_change_twice_is_no_conflict_but_a_different_one_is() {
        let off = Change::ScaleMechanism("war_centralization".into(), 0.0);
        let half = Change::ScaleMechanism("war_centralization".into(), 0.5);
        assert!(check_conflicts(&[factor("a", vec![off.clone()]), factor("b", vec![off.clone()])]).is_ok());
        let err = check_conflicts(&[factor("a", vec![off]), factor("b", vec![half])]).unwrap_err().to_string();
        assert!(
            err.contains("a.ron") && err.contains("b.ron") && err.contains("mechanisms.war_centralization"),
            "{err}"
        );
    }
}
