//! The answer, in words: what a comparison changed (with intervals), how an ensemble's runs
//! end and when their key events happen, what one run did, what a sweep's coefficients move.

use super::html::{esc, human, table};
use super::{Kind, figure};
use crate::chart::{self, ComparisonData, EnsembleData, ForestRow, RunData};
use crate::commands::CommandError;
use std::fmt::Write as _;
use std::path::Path;

fn chart_err(e: chart::ChartError) -> CommandError {
    CommandError::Input(e.to_string())
}

/// The answer section's content for a folder of `kind`.
pub fn answer(kind: Kind, dir: &Path) -> Result<String, CommandError> {
    match kind {
        Kind::Comparison => Ok(comparison(&ComparisonData::load(dir).map_err(chart_err)?, dir)),
        Kind::Ensemble => Ok(ensemble(&EnsembleData::load(dir).map_err(chart_err)?)),
        Kind::Run => Ok(run(&RunData::load(dir).map_err(chart_err)?, dir)),
        Kind::History => {
            Ok("<p>The answer is the fit to history below: each target, the historical range and the model's.</p>\n"
                .into())
        }
        Kind::Sweep => super::sweep::answer(dir),
    }
}

/// "+12%" / "−3.4 points": a difference on the forest plot's axis, with `digits` decimals.
fn signed(v: f64, points: bool, digits: usize) -> String {
    let unit = if points { " points" } else { "%" };
    format!("{}{:.*}{unit}", if v > 0.0 { "+" } else { "" }, digits, v).replace('-', "−")
}

/// Decimals that show an interval `width` wide to two significant digits (none from 10 up).
fn decimals(width: f64) -> usize {
    if width.is_nan() || width <= 0.0 {
        1
    } else if width >= 10.0 {
        0
    } else {
        ((1.0 - width.log10().floor()) as usize).min(4)
    }
}

fn is_clear(r: &ForestRow) -> bool {
    r.lo.is_finite() && r.hi.is_finite() && (r.lo > 0.0 || r.hi < 0.0)
}

fn effect_sentence(r: &ForestRow) -> String {
    if !r.x.is_finite() {
        return format!("{}: {} (no relative change: the baseline is zero)", r.label, r.note);
    }
    let what = if r.points { "difference" } else { "change" };
    let d = decimals(r.hi - r.lo);
    format!(
        "{}: {} — a {what} of {} (95% interval {} to {})",
        r.label,
        r.note,
        signed(r.x, r.points, d),
        signed(r.lo, r.points, d),
        signed(r.hi, r.points, d)
    )
}

fn comparison(c: &ComparisonData, dir: &Path) -> String {
    let rows = chart::forest_rows(c);
    let runs = c.n_runs().map(|n| format!("{n} runs of each scenario on the same seeds")).unwrap_or_default();
    let mut out = String::new();
    let base = c.scenarios.first().map(|s| s.title.clone()).unwrap_or_default();
    for (i, s) in c.scenarios.iter().enumerate().skip(1) {
        let mine: Vec<&ForestRow> = rows.iter().filter(|r| r.scenario == i).collect();
        let (clear, unclear): (Vec<&ForestRow>, Vec<&ForestRow>) = mine.iter().partition(|r| is_clear(r));
        let _ = writeln!(
            out,
            "<h3>{} against {}</h3>\n<p class=\"lead\">Over {}, {} of the {} statistics below moved by more than chance \
             would explain (their 95% interval excludes zero); {} did not.</p>",
            esc(&s.title),
            esc(&base),
            esc(&runs),
            clear.len(),
            mine.len(),
            unclear.len()
        );
        let list = |rows: &[&ForestRow], class: &str| -> String {
            let items: String =
                rows.iter().map(|r| format!("<li class=\"{class}\">{}</li>\n", esc(&effect_sentence(r)))).collect();
            format!("<ul class=\"effects\">\n{items}</ul>\n")
        };
        if !clear.is_empty() {
            out.push_str(&list(&clear, "clear"));
        }
        if !unclear.is_empty() {
            let _ = writeln!(
                out,
                "<details><summary>The {} statistics whose intervals include zero</summary>\n{}</details>",
                unclear.len(),
                list(&unclear, "")
            );
        }
    }
    out.push_str(&figure(&dir.join("charts/effects.svg")));
    let cells: Vec<Vec<String>> = c
        .effects
        .iter()
        .map(|e| {
            let n = |v: f64| crate::output::fmt_num(v);
            vec![
                e.metric.clone(),
                e.scenario.clone(),
                e.statistic.clone(),
                n(e.baseline),
                n(e.alternative),
                n(e.difference),
                n(e.ci_low),
                n(e.ci_high),
            ]
        })
        .collect();
    let headers = ["metric", "scenario", "statistic", "baseline", "alternative", "difference", "ci_low", "ci_high"];
    let _ = writeln!(
        out,
        "<details><summary>Every row of comparison.csv ({})</summary>\n{}</details>",
        cells.len(),
        table(&headers, &cells, true, |_| String::new())
    );
    out
}

fn key_events(events: &[chart::Event], n_runs: usize) -> String {
    let kinds: Vec<&str> = chart::KEY_EVENTS.to_vec();
    let stats = chart::event_stats(events, &kinds, n_runs);
    if stats.is_empty() {
        return "<p>None of the key events happens.</p>\n".into();
    }
    let mut out = String::from("<ul class=\"effects\">\n");
    for s in stats {
        let label = chart::labels::event(&s.kind).unwrap_or(s.kind.as_str());
        let line = if n_runs <= 1 {
            format!("{label}: {}", s.median.long())
        } else {
            format!(
                "{label}: in {} of {n_runs} runs ({}), median date {}, 90% of them between {} and {}",
                s.n,
                human(s.share, true),
                s.median.long(),
                s.p05.long(),
                s.p95.long()
            )
        };
        let _ = writeln!(out, "<li>{}</li>", esc(&line));
    }
    out.push_str("</ul>\n");
    out
}

fn is_share(metric: &str) -> bool {
    metric.ends_with("_share") || metric.starts_with("congress_share_")
}

fn ensemble(e: &EnsembleData) -> String {
    let states = chart::states_of(e.runs.iter());
    let shares = chart::end_state_shares(&e.manifest.title, &e.runs, &states);
    let mut out = format!("<h3>How the {} runs end</h3>\n<ul class=\"effects\">\n", shares.n);
    for (state, k, share, lo, hi) in shares.shares.iter().filter(|s| s.1 > 0) {
        let label = chart::labels::end_state(state).unwrap_or(state.as_str());
        let _ = writeln!(
            out,
            "<li>{}</li>",
            esc(&format!(
                "{label}: {k} of {} runs ({}; 95% interval {} to {})",
                shares.n,
                human(*share, true),
                human(*lo, true),
                human(*hi, true)
            ))
        );
    }
    out.push_str("</ul>\n<h3>When the key events happen</h3>\n");
    out.push_str(&key_events(&e.events, e.n_runs()));
    out.push_str("<h3>Where the key indicators end</h3>\n");
    let rows: Vec<Vec<String>> = crate::ensemble::KEY_METRICS
        .iter()
        .filter_map(|m| {
            let q = e.summary.get(m)?.last()?;
            let share = is_share(m);
            Some(vec![
                chart::metric_info(m).label,
                human(q.p50, share),
                format!("{} – {}", human(q.p05, share), human(q.p95, share)),
            ])
        })
        .collect();
    out.push_str(&table(&["indicator", "median at the end", "90% of runs"], &rows, false, |_| String::new()));
    out
}

fn run(r: &RunData, dir: &Path) -> String {
    let manifest = super::read_json(&dir.join("manifest.json"));
    let mut out = String::new();
    if let Some(state) = super::str_of(&manifest, "end_state") {
        let label = chart::labels::end_state(state).unwrap_or(state);
        let _ = writeln!(out, "<p class=\"lead\">This run ends in: <b>{}</b>.</p>", esc(label));
    }
    out.push_str("<h3>When the key events happen</h3>\n");
    out.push_str(&key_events(&r.events, 1));
    out.push_str("<h3>Where the key indicators end</h3>\n");
    let rows: Vec<Vec<String>> = crate::ensemble::KEY_METRICS
        .iter()
        .filter_map(|m| {
            let v = *r.series.get(m)?.last()?;
            Some(vec![chart::metric_info(m).label, human(v, is_share(m))])
        })
        .collect();
    out.push_str(&table(&["indicator", "at the end"], &rows, false, |_| String::new()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effects_are_written_to_the_precision_of_their_interval() {
        assert_eq!(decimals(28.0), 0);
        assert_eq!(decimals(0.2), 2);
        assert_eq!(decimals(0.0), 1);
        let row = ForestRow {
            label: "Share of runs: kronstadt holds".into(),
            scenario: 1,
            x: 40.0,
            lo: 26.0,
            hi: 54.0,
            note: "30% → 70%".into(),
            points: true,
            group_start: true,
            plo: f64::NAN,
            phi: f64::NAN,
            robust: None,
        };
        assert!(is_clear(&row));
        assert_eq!(
            effect_sentence(&row),
            "Share of runs: kronstadt holds: 30% → 70% — a difference of +40 points (95% interval +26 points to +54 points)"
        );
        let small = ForestRow { x: -0.03, lo: -0.1, hi: 0.04, points: false, ..row };
        assert!(!is_clear(&small));
        assert!(effect_sentence(&small).ends_with("a change of −0.03% (95% interval −0.10% to +0.04%)"));
    }
}
