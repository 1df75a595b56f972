//! The baseline against the historical record (`data/history/targets.csv`).
//!
//! Two verdicts, the strict one first. A target is **inside** when the ensemble median lies
//! inside the historians' own range `[low, high]`; an `event_date` target is inside when at
//! least 90% of runs have the event inside its window `[date_from, date_to]` (a run in which
//! it never happens is outside).
//!
//! The tolerant verdict: **met** when the median lies inside `[low, high]` widened by 25% of
//! `central` on each side, **close** within 50%, and **missed** otherwise
//! (shared/history/README.md). For `event_date` targets the window is widened by 25% and 50% of
//! its length; a run in which the event never happens counts as missing it.

use crate::date::Date;
use crate::error::CommandError;
use crate::output::fmt_num;
use crate::stats::quantile;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// One historical target.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct Target {
    pub id: String,
    pub metric: String,
    pub kind: String,
    pub date_from: String,
    pub date_to: String,
    /// Numbers, or for `event_date` targets the central date (the window is date_from-date_to).
    pub low: String,
    pub central: String,
    pub high: String,
    pub unit: String,
    pub source: String,
}

/// How the model did on a target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Met,
    Close,
    Missed,
}

impl Verdict {
    pub fn key(self) -> &'static str {
        match self {
            Verdict::Met => "met",
            Verdict::Close => "close",
            Verdict::Missed => "missed",
        }
    }
}

/// The rule of shared/history/README.md.
pub fn judge(median: f64, low: f64, central: f64, high: f64) -> Verdict {
    if median.is_nan() {
        return Verdict::Missed;
    }
    let widen = |share: f64| (low - share * central.abs(), high + share * central.abs());
    let (lo, hi) = widen(0.25);
    if (lo..=hi).contains(&median) {
        return Verdict::Met;
    }
    let (lo, hi) = widen(0.5);
    if (lo..=hi).contains(&median) { Verdict::Close } else { Verdict::Missed }
}

/// One row of `history.csv`.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub target: Target,
    pub low: f64,
    pub central: f64,
    pub high: f64,
    pub p05: f64,
    pub median: f64,
    pub p95: f64,
    pub verdict: Verdict,
    /// The value of each run, sorted (for `event_date` targets: the day, infinite when the
    /// event never happens).
    pub values: Vec<f64>,
}

/// Share of runs an `event_date` target needs inside its window to count as inside.
pub const EVENT_RUNS_INSIDE: f64 = 0.9;

impl Outcome {
    /// Share of runs whose value lies inside the historians' range.
    pub fn share_inside(&self) -> f64 {
        let inside = self.values.iter().filter(|v| (self.low..=self.high).contains(*v)).count();
        inside as f64 / self.values.len().max(1) as f64
    }

    /// Share of runs in which the event happens (`event_date` targets only).
    pub fn share_happened(&self) -> Option<f64> {
        (self.target.kind == "event_date")
            .then(|| self.values.iter().filter(|v| v.is_finite()).count() as f64 / self.values.len().max(1) as f64)
    }

    /// The strict verdict: the median inside the historians' own range (an `event_date`
    /// target: at least 90% of runs inside its window).
    pub fn inside(&self) -> bool {
        if self.target.kind == "event_date" {
            !self.values.is_empty() && self.share_inside() >= EVENT_RUNS_INSIDE
        } else {
            (self.low..=self.high).contains(&self.median)
        }
    }
}

/// The kinds of target a targets file may hold.
pub const TARGET_KINDS: &[&str] = &["at", "delta", "mean", "event", "event_date"];

/// Reads a targets file; an error (exit code 2) when a row is unreadable, names an unknown
/// kind or metric, or when the file holds no target at all.
pub fn load_targets(path: &Path) -> Result<Vec<Target>, CommandError> {
    let shown = path.display();
    let mut reader = csv::Reader::from_path(path).map_err(|e| CommandError::Input(format!("{shown}: {e}")))?;
    let targets = reader
        .deserialize()
        .collect::<Result<Vec<Target>, _>>()
        .map_err(|e| CommandError::Input(format!("{shown}: {e}")))?;
    for (i, t) in targets.iter().enumerate() {
        let row = i + 2;
        if !TARGET_KINDS.contains(&t.kind.as_str()) {
            return Err(CommandError::Input(format!(
                "{shown}:{row}: target `{}` has kind `{}`; the kinds are {}",
                t.id,
                t.kind,
                TARGET_KINDS.join(", ")
            )));
        }
        if matches!(t.kind.as_str(), "at" | "delta" | "mean") && !crate::metrics::METRICS.contains(&t.metric.as_str()) {
            return Err(CommandError::Input(format!("{shown}:{row}: target `{}`: no metric `{}`", t.id, t.metric)));
        }
        if t.kind == "event_date" && !(t.metric.starts_with("event:") || t.metric.starts_with("rule:")) {
            return Err(CommandError::Input(format!(
                "{shown}:{row}: target `{}`: an event_date target's metric is `event:KIND` or `rule:RULE_ID`, not `{}`",
                t.id, t.metric
            )));
        }
    }
    if targets.is_empty() {
        return Err(CommandError::Input(format!(
            "{shown}: no target in the file (expected a header id,metric,kind,date_from,date_to,low,central,high,unit,source and one row per target)"
        )));
    }
    Ok(targets)
}

fn number(text: &str) -> f64 {
    text.trim().parse().unwrap_or(f64::NAN)
}

/// A date's text as days since [`Date::EPOCH`] (for quantiles of dates).
pub(crate) fn day(text: &str) -> Option<f64> {
    text.parse::<Date>().ok().map(|d| d.days_since(Date::EPOCH) as f64)
}

/// Days since [`Date::EPOCH`] as a date's text.
pub(crate) fn date_text(days: f64) -> String {
    Date::EPOCH.add_days(days.round() as i32).to_string()
}

/// Metric → run → (date, value) rows in order.
type Series = BTreeMap<String, BTreeMap<usize, Vec<(String, f64)>>>;

/// An event of an ensemble: (run, kind, detail, date, value).
type EnsembleEvent = (usize, String, String, String, f64);

/// The targets' metrics per run from `timeseries.csv`, and the runs seen.
fn read_series(ensemble: &Path, targets: &[Target]) -> Result<(Series, BTreeSet<usize>), CommandError> {
    let err = |e: csv::Error| CommandError::Input(format!("{}: {e}", ensemble.display()));
    let mut series = Series::new();
    let wanted: Vec<&str> = targets.iter().map(|t| t.metric.as_str()).collect();
    let mut reader = csv::Reader::from_path(ensemble.join("timeseries.csv")).map_err(err)?;
    let headers = reader.headers().map_err(err)?.clone();
    let cols: Vec<(usize, String)> =
        headers.iter().enumerate().filter(|(_, h)| wanted.contains(h)).map(|(i, h)| (i, h.to_string())).collect();
    let mut runs = BTreeSet::new();
    for record in reader.records() {
        let record = record.map_err(err)?;
        let run: usize = record.get(0).and_then(|r| r.parse().ok()).unwrap_or(0);
        runs.insert(run);
        let date = record.get(2).unwrap_or("").to_string();
        for (i, name) in &cols {
            let v: f64 = record.get(*i).and_then(|v| v.parse().ok()).unwrap_or(f64::NAN);
            series.entry(name.clone()).or_default().entry(run).or_default().push((date.clone(), v));
        }
    }
    Ok((series, runs))
}

/// The events of `events.csv` that some target asks about.
fn read_events(ensemble: &Path, targets: &[Target]) -> Result<Vec<EnsembleEvent>, CommandError> {
    let err = |e: csv::Error| CommandError::Input(format!("{}: {e}", ensemble.display()));
    let mut events = Vec::new();
    let mut reader = csv::Reader::from_path(ensemble.join("events.csv")).map_err(err)?;
    for record in reader.records() {
        let record = record.map_err(err)?;
        let kind = record.get(3).unwrap_or("");
        let detail = record.get(7).unwrap_or("");
        if !targets.iter().any(|t| asks_about(t, kind, detail)) {
            continue;
        }
        events.push((
            record.get(0).and_then(|r| r.parse().ok()).unwrap_or(0),
            kind.to_string(),
            record.get(7).unwrap_or("").to_string(),
            record.get(2).unwrap_or("").to_string(),
            record.get(6).and_then(|v| v.parse().ok()).unwrap_or(f64::NAN),
        ));
    }
    Ok(events)
}

/// Whether a logged event dates an `event_date` target: `event:KIND` is the first event of
/// that kind, `rule:ID` the first firing of the decision rule ID (a `rule_fired` event).
fn dates(t: &Target, kind: &str, detail: &str) -> bool {
    match t.metric.split_once(':') {
        Some(("event", k)) => k == kind,
        Some(("rule", id)) => kind == "rule_fired" && id == detail,
        _ => false,
    }
}

/// Whether a target needs this event.
fn asks_about(t: &Target, kind: &str, detail: &str) -> bool {
    t.kind == "event" || (t.kind == "event_date" && dates(t, kind, detail))
}

/// The value of an `at`, `delta` or `mean` target in one run.
fn run_value(t: &Target, rows: &[(String, f64)]) -> Option<f64> {
    let at = |date: &str| rows.iter().rev().find(|(d, _)| d.as_str() <= date).map(|r| r.1);
    if t.kind == "at" {
        at(&t.date_from)
    } else if t.kind == "mean" {
        // The mean of the weeks between the two dates (a survey's months, not one week).
        let inside: Vec<f64> = rows
            .iter()
            .filter(|(d, _)| d.as_str() >= t.date_from.as_str() && d.as_str() <= t.date_to.as_str())
            .map(|r| r.1)
            .collect();
        (!inside.is_empty()).then(|| inside.iter().sum::<f64>() / inside.len() as f64)
    } else {
        // The increase between the two dates: from the last row before the first date to the
        // last row on or before the second.
        let before = rows.iter().rev().find(|(d, _)| d.as_str() < t.date_from.as_str()).map(|r| r.1);
        at(&t.date_to).map(|end| end - before.unwrap_or(0.0))
    }
}

/// The verdict of a target's median against its (low, central, high).
fn verdict(t: &Target, median: f64, low: f64, central: f64, high: f64) -> Verdict {
    if t.kind != "event_date" {
        return judge(median, low, central, high);
    }
    // Widen the window by a share of its length, not of a date's day count.
    let span = (high - low).max(1.0);
    let inside = |share: f64| median >= low - share * span && median <= high + share * span;
    if !median.is_finite() {
        Verdict::Missed
    } else if inside(0.25) {
        Verdict::Met
    } else if inside(0.5) {
        Verdict::Close
    } else {
        Verdict::Missed
    }
}

/// Scores one target: the per-run values, their quantiles and the verdict.
fn score_target(t: &Target, series: &Series, runs: &BTreeSet<usize>, events: &[EnsembleEvent]) -> Outcome {
    let mut values: Vec<f64> = Vec::new();
    let (mut low, mut central, mut high) = (number(&t.low), number(&t.central), number(&t.high));
    match t.kind.as_str() {
        "at" | "delta" | "mean" => {
            let per_run = series.get(&t.metric).into_iter().flat_map(|m| m.values());
            values.extend(per_run.filter_map(|rows| run_value(t, rows)));
        }
        "event" => {
            let first = |run: &usize| events.iter().find(|e| e.0 == *run && e.2 == t.metric).map(|e| e.4);
            values.extend(runs.iter().filter_map(first));
        }
        "event_date" => {
            let (from, to) = (day(&t.date_from).unwrap_or(f64::NAN), day(&t.date_to).unwrap_or(f64::NAN));
            (low, high) = (from, to);
            central = day(&t.central).unwrap_or((from + to) / 2.0);
            for run in runs {
                let first = events.iter().find(|e| e.0 == *run && dates(t, &e.1, &e.2)).and_then(|e| day(&e.3));
                values.push(first.unwrap_or(f64::INFINITY));
            }
        }
        _ => {}
    }
    values.sort_by(f64::total_cmp);
    let (p05, median, p95) = (quantile(&values, 0.05), quantile(&values, 0.5), quantile(&values, 0.95));
    let verdict = verdict(t, median, low, central, high);
    Outcome { target: t.clone(), low, central, high, p05, median, p95, verdict, values }
}

/// Scores an ensemble folder against the targets.
pub fn score(ensemble: &Path, targets: &[Target]) -> Result<Vec<Outcome>, CommandError> {
    let (series, runs) = read_series(ensemble, targets)?;
    let events = read_events(ensemble, targets)?;
    Ok(targets.iter().map(|t| score_target(t, &series, &runs, &events)).collect())
}

/// Scores runs held in memory (run k is `outputs[k]`) as [`score`] scores an ensemble folder.
pub fn score_runs(outputs: &[&crate::run::RunOutput], targets: &[Target]) -> Vec<Outcome> {
    let mut series = Series::new();
    let mut runs = BTreeSet::new();
    let mut events = Vec::new();
    for (k, out) in outputs.iter().enumerate() {
        runs.insert(k);
        for t in targets {
            if let Some(i) = crate::metrics::index(&t.metric) {
                let rows = out.rows.iter().map(|(_, d, v)| (d.to_string(), v[i])).collect();
                series.entry(t.metric.clone()).or_default().insert(k, rows);
            }
        }
        for e in &out.events {
            if targets.iter().any(|t| asks_about(t, &e.kind, &e.detail)) {
                events.push((k, e.kind.clone(), e.detail.clone(), e.date.to_string(), e.value));
            }
        }
    }
    targets.iter().map(|t| score_target(t, &series, &runs, &events)).collect()
}

fn shown(o: &Outcome, v: f64) -> String {
    if o.target.kind == "event_date" { if v.is_finite() { date_text(v) } else { "never".into() } } else { fmt_num(v) }
}

/// A number as a reader wants it in a table: 1.21 M, 312 k, 0.478.
pub fn readable(v: f64) -> String {
    let a = v.abs();
    if !v.is_finite() {
        "–".into()
    } else if a >= 1e6 {
        format!("{:.2} M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.0} k", v / 1e3)
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.3}")
    }
}

fn shown_md(o: &Outcome, v: f64) -> String {
    if o.target.kind == "event_date" { shown(o, v) } else { readable(v) }
}

/// `history.csv`.
pub fn history_csv(outcomes: &[Outcome]) -> String {
    let mut text = String::from(
        "target,metric,date,low,central,high,model_p05,model_median,model_p95,runs_inside,runs_with_event,inside,verdict\n",
    );
    for o in outcomes {
        let date = if o.target.date_to.is_empty() {
            o.target.date_from.clone()
        } else {
            format!("{}/{}", o.target.date_from, o.target.date_to)
        };
        text.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            o.target.id,
            o.target.metric,
            date,
            shown(o, o.low),
            shown(o, o.central),
            shown(o, o.high),
            shown(o, o.p05),
            shown(o, o.median),
            shown(o, o.p95),
            fmt_num(o.share_inside()),
            o.share_happened().map(fmt_num).unwrap_or_default(),
            if o.inside() { "yes" } else { "no" },
            o.verdict.key()
        ));
    }
    text
}

/// The one-line score, the strict count first.
pub fn score_line(outcomes: &[Outcome]) -> String {
    let count = |v: Verdict| outcomes.iter().filter(|o| o.verdict == v).count();
    format!(
        "{} of {} targets inside the historians' own ranges; with the tolerance, {} of {} targets met, {} close, \
         {} missed",
        outcomes.iter().filter(|o| o.inside()).count(),
        outcomes.len(),
        count(Verdict::Met),
        outcomes.len(),
        count(Verdict::Close),
        count(Verdict::Missed)
    )
}

/// `history.md`: a table a reader can put beside the charts.
pub fn history_md(outcomes: &[Outcome], runs: usize) -> String {
    let mut text = format!(
        "# The baseline against history\n\n{} — median of {runs} runs against the historical range \
         (inside: the median inside the historians' own range, or for an event's date at least 90% of runs \
         inside its window; met: inside the range widened by 25% of the central value; close: by 50%).\n\n\
         | target | metric | date | history (low – central – high) | model (p05 – median – p95) | runs inside | \
         inside | verdict (tolerant) |\n\
         |---|---|---|---|---|---|---|---|\n",
        score_line(outcomes)
    );
    for o in outcomes {
        let date = if o.target.date_to.is_empty() {
            o.target.date_from.clone()
        } else {
            format!("{} – {}", o.target.date_from, o.target.date_to)
        };
        text.push_str(&format!(
            "| {} | {} | {} | {} – {} – {} | {} – {} – {} | {:.0}% | {} | {} |\n",
            o.target.id,
            o.target.metric,
            date,
            shown_md(o, o.low),
            shown_md(o, o.central),
            shown_md(o, o.high),
            shown_md(o, o.p05),
            shown_md(o, o.median),
            shown_md(o, o.p95),
            o.share_inside() * 100.0,
            if o.inside() { "yes" } else { "no" },
            o.verdict.key()
        ));
    }
    text.push_str("\nSources of every figure: data/history/targets.csv (column `source`).\n");
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_widens_the_range_by_a_quarter_then_a_half_of_central() {
        // range 100-110, central 108: met within [73, 137], close within [46, 164]
        assert_eq!(judge(105.0, 100.0, 108.0, 110.0), Verdict::Met);
        assert_eq!(judge(75.0, 100.0, 108.0, 110.0), Verdict::Met);
        assert_eq!(judge(60.0, 100.0, 108.0, 110.0), Verdict::Close);
        assert_eq!(judge(160.0, 100.0, 108.0, 110.0), Verdict::Close);
        assert_eq!(judge(40.0, 100.0, 108.0, 110.0), Verdict::Missed);
        assert_eq!(judge(f64::NAN, 100.0, 108.0, 110.0), Verdict::Missed);
    }

    fn outcome(kind: &str, (low, median, high): (f64, f64, f64), values: Vec<f64>) -> Outcome {
        let target = Target {
            id: "t".into(),
            metric: "m".into(),
            kind: kind.into(),
            date_from: String::new(),
            date_to: String::new(),
            low: String::new(),
            central: String::new(),
            high: String::new(),
            unit: String::new(),
            source: String::new(),
        };
        let verdict = judge(median, low, (low + high) / 2.0, high);
        Outcome { target, low, central: (low + high) / 2.0, high, p05: 0.0, median, p95: 0.0, verdict, values }
    }

    #[test]
    fn the_strict_verdict_wants_the_median_inside_the_historians_own_range() {
        // Inside the tolerance but outside the range: met, not inside.
        let o = outcome("at", (200.0, 155.0, 255.0), vec![150.0, 155.0, 160.0]);
        assert_eq!((o.verdict, o.inside()), (Verdict::Met, false));
        let o = outcome("at", (200.0, 230.0, 255.0), vec![190.0, 230.0, 250.0]);
        assert!(o.inside());
        assert!((o.share_inside() - 2.0 / 3.0).abs() < 1e-12);
        // An event's date: 9 of 10 runs in the window is inside, 8 of 10 (one never) is not.
        let mut days: Vec<f64> = (0..9).map(|d| 10.0 + f64::from(d)).collect();
        days.push(100.0);
        assert!(outcome("event_date", (0.0, 14.0, 30.0), days.clone()).inside());
        days[8] = f64::INFINITY;
        let o = outcome("event_date", (0.0, 14.0, 30.0), days);
        assert!(!o.inside());
        assert_eq!(o.share_happened(), Some(0.9));
    }
}
