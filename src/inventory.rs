//! The inventory of a scenario's events and decision rules (MODEL.md, "Inputs and decisions"):
//! which are inputs to the model (exogenous events, and decisions still taken on their
//! historical date) and which the model's actors decide by rule, with each rule's conditions,
//! its historical date and, given an ensemble, the dates its runs took.

use crate::error::CommandError;
use crate::history::{date_text, day};
use crate::scenario::{self, Event, Rule};
use crate::stats::quantile;
use std::collections::BTreeMap;
use std::path::Path;

/// Per run, the dates each rule fired and the events whose decision was skipped.
#[derive(Default)]
struct Taken {
    runs: usize,
    fired: BTreeMap<String, Vec<f64>>,
    skipped: BTreeMap<String, usize>,
}

fn read_taken(dir: &Path) -> Result<Taken, CommandError> {
    let path = dir.join("events.csv");
    let err = |e: csv::Error| CommandError::Input(format!("{}: {e}", path.display()));
    let mut reader = csv::Reader::from_path(&path).map_err(err)?;
    let mut taken = Taken::default();
    let mut runs = std::collections::BTreeSet::new();
    for record in reader.records() {
        let r = record.map_err(err)?;
        let (run, date, kind, detail) =
            (r.get(0).unwrap_or(""), r.get(2).unwrap_or(""), r.get(3), r.get(7).unwrap_or(""));
        runs.insert(run.to_string());
        match kind {
            Some("rule_fired") => {
                let day = day(date).unwrap_or(f64::NAN);
                taken.fired.entry(detail.to_string()).or_default().push(day);
            }
            Some("decision_skipped") => {
                let id = detail.split(':').next().unwrap_or("").to_string();
                *taken.skipped.entry(id).or_default() += 1;
            }
            _ => {}
        }
    }
    taken.runs = runs.len();
    Ok(taken)
}

fn conditions(rule: &Rule) -> String {
    let text = ron::to_string(&rule.when).unwrap_or_default();
    let window = match (rule.not_before, rule.not_after) {
        (None, None) => String::new(),
        (from, to) => format!(
            "; window {} to {}",
            from.map(|d| d.to_string()).unwrap_or_default(),
            to.map(|d| d.to_string()).unwrap_or_default()
        ),
    };
    format!("`{}`{window}", text.replace('|', "\\|"))
}

fn event_row(e: &Event, taken: Option<&Taken>) -> String {
    let kind = if e.by.is_some() { "decision kept at its date (input)" } else { "exogenous (input)" };
    let when = if e.when.is_empty() {
        "—".to_string()
    } else {
        format!("needs `{}`", ron::to_string(&e.when).unwrap_or_default().replace('|', "\\|"))
    };
    let model = match taken {
        Some(t) if t.skipped.get(&e.id).is_some_and(|n| *n > 0) => {
            format!("{} (not taken in {} of {} runs)", e.date, t.skipped[&e.id], t.runs)
        }
        _ => e.date.to_string(),
    };
    format!("| `{}` | {kind} | {when} | {} | {model} |", e.id, e.date)
}

fn rule_row(r: &Rule, taken: Option<&Taken>) -> String {
    let historical = r.historical.map(|d| d.to_string()).unwrap_or_else(|| "—".into());
    let model = match taken {
        None => "(no ensemble given)".to_string(),
        Some(t) => {
            let mut days = t.fired.get(&r.id).cloned().unwrap_or_default();
            days.sort_by(f64::total_cmp);
            if days.is_empty() {
                format!("never (0 of {} runs)", t.runs)
            } else {
                let range = format!("{} – {}", date_text(quantile(&days, 0.05)), date_text(quantile(&days, 0.95)));
                format!("{} ({range}; in {} of {} runs)", date_text(quantile(&days, 0.5)), days.len(), t.runs)
            }
        }
    };
    format!("| `{}` | decided by rule | {} | {historical} | {model} |", r.id, conditions(r))
}

/// The inventory as a Markdown table: every event, then every rule.
pub fn inventory(path: &Path, ensemble: Option<&Path>) -> Result<String, CommandError> {
    let resolved = scenario::load(path)?;
    let s = &resolved.scenario;
    let taken = ensemble.map(read_taken).transpose()?;
    let runs = taken.as_ref().map(|t| format!("median (5–95%) of {} runs", t.runs)).unwrap_or("date".into());
    let mut text = format!(
        "| event or rule | kind | conditions | historical date | in the model: {runs} |\n|---|---|---|---|---|\n"
    );
    let mut events = s.events.clone();
    events.sort_by_key(|e| e.date);
    for e in &events {
        text.push_str(&event_row(e, taken.as_ref()));
        text.push('\n');
    }
    for r in &s.rules {
        text.push_str(&rule_row(r, taken.as_ref()));
        text.push('\n');
    }
    let rules = s.rules.len();
    let dated = events.iter().filter(|e| e.by.is_some()).count();
    text.push_str(&format!(
        "\n{rules} decisions by rule, {dated} decisions kept at their dates, {} exogenous events.\n",
        events.len() - dated
    ));
    Ok(text)
}
