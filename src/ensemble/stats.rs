//! Comparison statistics: per-run key values of an ensemble folder, paired differences between
//! scenarios on the same seeds, and their bootstrap intervals (`comparison.csv`).

use crate::error::CommandError;
use crate::output::{csv_field, fmt_num};
use crate::stats::quantile;
use rand::{RngExt, SeedableRng};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The metrics a comparison reports by default, and the dates it reports them at.
pub const KEY_METRICS: &[&str] = &[
    "red_army",
    "white_armies",
    "territory_soviet_share",
    "petrograd_population",
    "grain_procured_cum_mpoods",
    "urban_food_ratio",
    "uprisings_cum",
    "famine_deaths_cum",
    "violent_deaths_cum",
    "executions_cum",
    "soviet_democracy_index",
    "party_pluralism",
    "congress_share_left_sr",
    "centralization",
    "support_peasants",
];
pub const KEY_DATES: &[&str] = &["1918-07-01", "1919-07-01", "1920-07-01", "1921-07-01"];
/// Events whose share of runs a comparison reports.
pub const KEY_EVENTS: &[&str] =
    &["kronstadt_mutiny", "kronstadt_holds", "kronstadt_suppressed", "tax_in_kind_adopted", "treaty_signed"];
/// End states whose share of runs a comparison reports.
pub const END_STATES: &[&str] = &["soviet_democracy", "one_party_state", "white_victory", "fragmentation"];
/// Bootstrap resamples for the confidence intervals.
pub const BOOTSTRAP: usize = 2000;

/// Statistic → run → value.
type PerRun = BTreeMap<String, BTreeMap<usize, f64>>;

fn reader(path: &Path) -> Result<csv::Reader<std::fs::File>, CommandError> {
    csv::Reader::from_path(path).map_err(|e| CommandError::Input(format!("{}: {e}", path.display())))
}

fn csv_err(e: csv::Error) -> CommandError {
    CommandError::Input(e.to_string())
}

/// Key metrics on each key date (the last row on or before it) and at the end.
fn metric_statistics(dir: &Path, stats: &mut PerRun) -> Result<(), CommandError> {
    let mut reader = reader(&dir.join("timeseries.csv"))?;
    let headers = reader.headers().map_err(csv_err)?.clone();
    let cols: Vec<(usize, &str)> =
        KEY_METRICS.iter().filter_map(|m| headers.iter().position(|h| h == *m).map(|i| (i, *m))).collect();
    for record in reader.records() {
        let record = record.map_err(csv_err)?;
        let run: usize = record.get(0).and_then(|r| r.parse().ok()).unwrap_or(0);
        let date = record.get(2).unwrap_or("");
        for (i, m) in &cols {
            let v: f64 = record.get(*i).and_then(|v| v.parse().ok()).unwrap_or(f64::NAN);
            for d in KEY_DATES {
                if date <= *d {
                    stats.entry(format!("{m}|mean@{d}")).or_default().insert(run, v);
                }
            }
            stats.entry(format!("{m}|final")).or_default().insert(run, v);
        }
    }
    Ok(())
}

/// Per-run values of the key statistics of one ensemble folder: statistic → value per run.
fn run_statistics(dir: &Path) -> Result<PerRun, CommandError> {
    let mut stats = PerRun::new();
    metric_statistics(dir, &mut stats)?;
    // (run, end state) of the runs that finished.
    let mut runs = reader(&dir.join("runs.csv"))?;
    let headers = runs.headers().map_err(csv_err)?.clone();
    let state_col = headers.iter().position(|h| h == "end_state");
    let mut ok: Vec<(usize, String)> = Vec::new();
    for record in runs.records() {
        let record = record.map_err(csv_err)?;
        if record.get(2) == Some("ok")
            && let Some(run) = record.get(0).and_then(|r| r.parse().ok())
        {
            ok.push((run, state_col.and_then(|i| record.get(i)).unwrap_or("").to_string()));
        }
    }
    for e in KEY_EVENTS {
        let entry = stats.entry(format!("events|share:{e}")).or_default();
        ok.iter().for_each(|(k, _)| {
            entry.insert(*k, 0.0);
        });
    }
    for record in reader(&dir.join("events.csv"))?.records() {
        let record = record.map_err(csv_err)?;
        let run: usize = record.get(0).and_then(|r| r.parse().ok()).unwrap_or(0);
        let kind = record.get(3).unwrap_or("");
        if KEY_EVENTS.contains(&kind) {
            stats.entry(format!("events|share:{kind}")).or_default().insert(run, 1.0);
        }
    }
    for (run, state) in &ok {
        for s in END_STATES {
            stats.entry(format!("end_state|share:{s}")).or_default().insert(*run, f64::from(u8::from(state == s)));
        }
    }
    Ok(stats)
}

/// The share of runs with each key event and end state of one ensemble folder, as
/// (`share:NAME`, share).
pub fn shares(dir: &Path) -> Result<Vec<(String, f64)>, CommandError> {
    Ok(run_statistics(dir)?
        .into_iter()
        .filter_map(|(key, runs)| {
            let statistic = key.split_once('|')?.1.to_string();
            let share = runs.values().sum::<f64>() / runs.len().max(1) as f64;
            statistic.starts_with("share:").then_some((statistic, share))
        })
        .collect())
}

/// Mean of paired differences and its bootstrap 95% interval.
pub fn paired_difference(base: &[f64], alt: &[f64], seed: u64) -> (f64, f64, f64) {
    let diffs: Vec<f64> = base.iter().zip(alt).map(|(b, a)| a - b).collect();
    if diffs.is_empty() {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    let n = diffs.len();
    let mean = diffs.iter().sum::<f64>() / n as f64;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut means: Vec<f64> =
        (0..BOOTSTRAP).map(|_| (0..n).map(|_| diffs[rng.random_range(0..n)]).sum::<f64>() / n as f64).collect();
    means.sort_by(f64::total_cmp);
    (mean, quantile(&means, 0.025), quantile(&means, 0.975))
}

/// One row of `comparison.csv`, as numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct Difference {
    pub metric: String,
    pub scenario: String,
    pub statistic: String,
    pub baseline: f64,
    pub alternative: f64,
    pub difference: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    /// Runs that finished in both scenarios.
    pub pairs: usize,
    /// With a posterior (`compare --posterior`): the spread of the effect across its draws.
    pub draws: Option<DrawSpread>,
}

/// How an effect varies across the coefficient vectors of a posterior: run k used draw
/// k mod n, and a draw's effect is the mean paired difference over its runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DrawSpread {
    /// 2.5% and 97.5% quantiles of the draws' effects: an interval that carries the
    /// coefficients' uncertainty (and the seeds' noise of each draw's runs).
    pub low: f64,
    pub high: f64,
    /// Share of draws whose effect has the sign of the mean effect (0 when the mean is 0).
    pub sign_share: f64,
    pub draws: usize,
}

/// Share of draws an effect's sign must hold in to be called robust.
pub const ROBUST_SHARE: f64 = 0.9;

impl DrawSpread {
    /// The spread of paired differences `diffs[i]` of runs `runs[i]` over `n` draws, around
    /// the mean effect `mean`.
    pub fn of(runs: &[usize], diffs: &[f64], n: usize, mean: f64) -> DrawSpread {
        let mut per_draw = vec![(0.0, 0usize); n.max(1)];
        for (k, d) in runs.iter().zip(diffs) {
            let slot = &mut per_draw[k % n.max(1)];
            (slot.0, slot.1) = (slot.0 + d, slot.1 + 1);
        }
        let mut effects: Vec<f64> = per_draw.iter().filter(|d| d.1 > 0).map(|(s, c)| s / *c as f64).collect();
        effects.sort_by(f64::total_cmp);
        let same = effects.iter().filter(|e| **e * mean > 0.0).count();
        DrawSpread {
            low: quantile(&effects, 0.025),
            high: quantile(&effects, 0.975),
            sign_share: same as f64 / effects.len().max(1) as f64,
            draws: effects.len(),
        }
    }

    /// The sign holds in at least 90% of the draws.
    pub fn robust(&self) -> bool {
        self.sign_share >= ROBUST_SHARE
    }
}

/// The paired differences of ensemble folders run on the same seeds (first = baseline).
pub fn differences(dirs: &[(String, PathBuf)], seed: u64) -> Result<Vec<Difference>, CommandError> {
    let mut rows = Vec::new();
    let base = run_statistics(&dirs[0].1)?;
    for (name, dir) in &dirs[1..] {
        let alt = run_statistics(dir)?;
        for (key, base_runs) in &base {
            let Some(alt_runs) = alt.get(key) else { continue };
            let (metric, statistic) = key.split_once('|').unwrap_or((key, ""));
            let pairs: Vec<(f64, f64)> =
                base_runs.iter().filter_map(|(k, b)| alt_runs.get(k).map(|a| (*b, *a))).collect();
            let b: Vec<f64> = pairs.iter().map(|p| p.0).collect();
            let a: Vec<f64> = pairs.iter().map(|p| p.1).collect();
            let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
            let (difference, ci_low, ci_high) = paired_difference(&b, &a, seed);
            rows.push(Difference {
                metric: metric.to_string(),
                scenario: name.clone(),
                statistic: statistic.to_string(),
                baseline: mean(&b),
                alternative: mean(&a),
                difference,
                ci_low,
                ci_high,
                pairs: pairs.len(),
                draws: None,
            });
        }
    }
    Ok(rows)
}

/// Fills each difference's spread across the `n` draws of a posterior (run k used draw
/// k mod n) from the same ensemble folders.
pub fn with_draws(dirs: &[(String, PathBuf)], n: usize, rows: &mut [Difference]) -> Result<(), CommandError> {
    let base = run_statistics(&dirs[0].1)?;
    for (name, dir) in &dirs[1..] {
        let alt = run_statistics(dir)?;
        for row in rows.iter_mut().filter(|r| r.scenario == *name) {
            let key = format!("{}|{}", row.metric, row.statistic);
            let (Some(b), Some(a)) = (base.get(&key), alt.get(&key)) else { continue };
            let (runs, diffs): (Vec<usize>, Vec<f64>) =
                b.iter().filter_map(|(k, bv)| a.get(k).map(|av| (*k, av - bv))).unzip();
            row.draws = Some(DrawSpread::of(&runs, &diffs, n, row.difference));
        }
    }
    Ok(())
}

/// `comparison.csv` from the differences; with a posterior, four more columns: the interval
/// across the draws, the share of draws that keep the sign, and whether that share is ≥ 90%.
pub fn comparison_csv(rows: &[Difference]) -> String {
    let posterior = rows.iter().any(|r| r.draws.is_some());
    let mut text = String::from("metric,scenario,statistic,baseline,alternative,difference,ci_low,ci_high");
    text.push_str(if posterior { ",param_low,param_high,sign_share,robust\n" } else { "\n" });
    for r in rows {
        text.push_str(&format!(
            "{},{},{},{},{},{},{},{}",
            r.metric,
            csv_field(&r.scenario),
            r.statistic,
            fmt_num(r.baseline),
            fmt_num(r.alternative),
            fmt_num(r.difference),
            fmt_num(r.ci_low),
            fmt_num(r.ci_high)
        ));
        match (&r.draws, posterior) {
            (Some(d), _) => text.push_str(&format!(
                ",{},{},{},{}\n",
                fmt_num(d.low),
                fmt_num(d.high),
                fmt_num(d.sign_share),
                if d.robust() { "yes" } else { "no" }
            )),
            (None, true) => text.push_str(",,,,\n"),
            (None, false) => text.push('\n'),
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_effect_whose_sign_flips_across_draws_is_not_robust() {
        // 4 draws, 3 runs each (run k used draw k mod 4): draws 0 and 2 raise the value, 1 and
        // 3 lower it, so the mean is positive but its sign holds in half the draws only.
        let runs: Vec<usize> = (0..12).collect();
        let diffs: Vec<f64> = runs.iter().map(|k| if k % 2 == 0 { 3.0 } else { -1.0 }).collect();
        let mean = diffs.iter().sum::<f64>() / 12.0;
        let s = DrawSpread::of(&runs, &diffs, 4, mean);
        assert_eq!((s.draws, s.sign_share, s.robust()), (4, 0.5, false));
        assert!(s.low < 0.0 && s.high > 0.0);
        // The same sign in every draw: robust, and the interval spans the draws' effects.
        let diffs: Vec<f64> = runs.iter().map(|k| 1.0 + (k % 4) as f64).collect();
        let s = DrawSpread::of(&runs, &diffs, 4, 2.5);
        assert_eq!((s.sign_share, s.robust()), (1.0, true));
        assert!((1.0..=1.1).contains(&s.low) && (3.9..=4.0).contains(&s.high), "{s:?}");
    }

    #[test]
    fn identical_runs_give_a_zero_interval() {
        let (d, lo, hi) = paired_difference(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0], 1);
        assert_eq!((d, lo, hi), (0.0, 0.0, 0.0));
    }

    #[test]
    fn a_clear_shift_excludes_zero() {
        let base: Vec<f64> = (0..40).map(|i| i as f64).collect();
        let alt: Vec<f64> = base.iter().map(|b| b + 5.0 + (b % 3.0)).collect();
        let (d, lo, hi) = paired_difference(&base, &alt, 7);
        assert!(lo > 0.0 && hi > lo && (lo..=hi).contains(&d));
    }
}
