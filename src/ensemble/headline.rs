//! The finding in words, printed at the end of `compare` and `ensemble`: the event and
//! end-state shares that differ and the key effects, each with its 95% interval.

use super::stats::Difference;
use crate::history::readable;

/// Fewer paired runs than this, and the intervals are flagged as rough.
pub const MIN_PAIRS: usize = 20;
/// The key effects named in the headline, at most.
const MAX_EFFECTS: usize = 4;

/// What an event or end state means, in words (a share follows).
fn share_phrase(statistic: &str) -> Option<&'static str> {
    Some(match statistic.split_once(':')?.1 {
        "kronstadt_mutiny" => "Kronstadt rises",
        "kronstadt_holds" => "the fortress holds",
        "kronstadt_suppressed" => "the Kronstadt rising is suppressed",
        "tax_in_kind_adopted" => "the tax in kind is adopted",
        "treaty_signed" => "a peace treaty with the Central Powers is signed",
        "soviet_democracy" => "the war ends in a soviet democracy",
        "one_party_state" => "the war ends in a one-party state",
        "white_victory" => "the war ends in a White victory",
        "fragmentation" => "the country fragments",
        _ => return None,
    })
}

fn excludes_zero(d: &Difference) -> bool {
    d.ci_low.is_finite() && d.ci_high.is_finite() && (d.ci_low > 0.0 || d.ci_high < 0.0)
}

fn signed(v: f64, text: String) -> String {
    if v > 0.0 { format!("+{text}") } else { text }
}

fn points(v: f64) -> String {
    signed(v, format!("{:.0}", 100.0 * v))
}

/// The sentence for a share that differs.
fn share_line(d: &Difference) -> Option<String> {
    Some(format!(
        "{} in {:.0}% of runs (baseline {:.0}%): {} points, 95% interval {} to {}",
        share_phrase(&d.statistic)?,
        100.0 * d.alternative,
        100.0 * d.baseline,
        points(d.difference),
        points(d.ci_low),
        points(d.ci_high)
    ))
}

/// The sentence for a metric's final value that differs.
fn effect_line(d: &Difference) -> String {
    let v = |x: f64| signed(x, readable(x));
    format!(
        "{} at the end: {} (baseline {}): {}, 95% interval {} to {}",
        d.metric.replace('_', " "),
        readable(d.alternative),
        readable(d.baseline),
        v(d.difference),
        v(d.ci_low),
        v(d.ci_high)
    )
}

/// The headline of a comparison, one paragraph per alternative.
pub fn comparison(rows: &[Difference]) -> String {
    let mut text = String::new();
    let mut scenarios: Vec<&str> = rows.iter().map(|r| r.scenario.as_str()).collect();
    scenarios.dedup();
    for scenario in scenarios {
        let mine: Vec<&Difference> = rows.iter().filter(|r| r.scenario == scenario).collect();
        text.push_str(&format!("{scenario} against the baseline (same seeds):\n"));
        let mut lines: Vec<String> = mine
            .iter()
            .filter(|d| d.statistic.starts_with("share:") && excludes_zero(d))
            .filter_map(|d| share_line(d))
            .collect();
        let mut effects: Vec<&&Difference> =
            mine.iter().filter(|d| d.statistic == "final" && excludes_zero(d)).collect();
        // The largest effects relative to the baseline's value first.
        let relative = |d: &Difference| (d.difference / d.baseline.abs().max(1e-9)).abs();
        effects.sort_by(|a, b| relative(b).total_cmp(&relative(a)));
        lines.extend(effects.iter().take(MAX_EFFECTS).map(|d| effect_line(d)));
        if lines.is_empty() {
            lines.push("no key share or final value differs: every 95% interval includes zero".into());
        }
        for line in lines {
            text.push_str(&format!("  {line}\n"));
        }
        if let Some(pairs) = mine.iter().map(|d| d.pairs).min().filter(|n| *n < MIN_PAIRS) {
            text.push_str(&format!(
                "  warning: these intervals rest on {pairs} paired runs; below {MIN_PAIRS} they are rough \
                 (use --runs {MIN_PAIRS} or more)\n"
            ));
        }
    }
    text
}

/// The shares of key events and end states of one ensemble, in words (those that happen).
pub fn ensemble(shares: &[(String, f64)]) -> String {
    let parts: Vec<String> = shares
        .iter()
        .filter(|(_, share)| *share > 0.0)
        .filter_map(|(statistic, share)| Some(format!("{} in {:.0}% of runs", share_phrase(statistic)?, 100.0 * share)))
        .collect();
    if parts.is_empty() { String::new() } else { format!("in words: {}\n", parts.join("; ")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(statistic: &str, metric: &str, b: f64, a: f64, lo: f64, hi: f64, pairs: usize) -> Difference {
        Difference {
            metric: metric.into(),
            scenario: "thaw".into(),
            statistic: statistic.into(),
            baseline: b,
            alternative: a,
            difference: a - b,
            ci_low: lo,
            ci_high: hi,
            draws: None,
            pairs,
        }
    }

    #[test]
    fn a_share_that_differs_is_told_in_words_with_its_interval() {
        let rows = [
            row("share:kronstadt_holds", "events", 0.3, 0.7, 0.26, 0.54, 50),
            row("share:kronstadt_mutiny", "events", 1.0, 1.0, 0.0, 0.0, 50),
        ];
        let text = comparison(&rows);
        assert!(
            text.contains("the fortress holds in 70% of runs (baseline 30%): +40 points, 95% interval +26 to +54"),
            "{text}"
        );
        assert!(!text.contains("Kronstadt rises"), "{text}");
        assert!(!text.contains("warning"), "{text}");
    }

    #[test]
    fn few_pairs_are_flagged_and_no_effect_is_said_plainly() {
        let text = comparison(&[row("final", "red_army", 5e6, 5.1e6, -1e5, 3e5, 4)]);
        assert!(text.contains("every 95% interval includes zero"), "{text}");
        assert!(text.contains("rest on 4 paired runs"), "{text}");
    }
}
