//! Ensembles and comparisons: many seeded runs in parallel, summary statistics, and paired
//! differences between scenarios with bootstrap confidence intervals.
//!
//! Seeds: run `k` (counted from 0) of an ensemble with master seed `S` uses seed `S + k`, so
//! `revsim run SCENARIO --seed <S + k>` reproduces it byte for byte. A comparison runs every
//! scenario on the same seeds (common random numbers): before its divergence a
//! counterfactual's run `k` is identical to the baseline's run `k`.
//!
//! Robustness: runs are handed to workers in order and written in order as they finish, so
//! memory stays bounded and the files are the same whatever `--jobs` is. The folder is built
//! in a sibling `.NAME.partial` folder with a `progress.json` that records how far the files
//! are complete; `--resume` truncates them to that point and goes on, so an interrupted
//! ensemble ends with the same bytes as an uninterrupted one. A failed run (error or panic)
//! is recorded in `runs.csv` with its message; the others go on.
//!
//! The parts: [`schedule`] (workers, progress file, resume), [`tables`] (`runs.csv`,
//! `summary.csv`), [`stats`] (paired differences, `comparison.csv`), [`headline`] (the
//! finding in words), [`compare`] (several scenarios on the same seeds).

mod compare;
pub mod headline;
pub mod merge;
pub mod plan;
mod progress;
pub mod schedule;
pub mod shard;
pub mod stats;
pub mod tables;

pub use compare::{CompareOptions, compare};
pub use schedule::{partial_dir, run_seed};
pub use shard::{Plan, Shard, ShardSpec};
pub use stats::{
    BOOTSTRAP, DrawSpread, KEY_DATES, KEY_EVENTS, KEY_METRICS, ROBUST_SHARE, comparison_csv, paired_difference,
};
pub use tables::{EndStateCounts, Failures, read_runs, summarise};

use crate::error::CommandError;
use crate::output;
use crate::scenario::{self, Resolved};
use std::path::{Path, PathBuf};

/// Options of `revsim ensemble`.
#[derive(Clone, Debug)]
pub struct EnsembleOptions {
    pub scenario: PathBuf,
    pub runs: usize,
    pub seed: u64,
    pub jobs: usize,
    pub scale: u32,
    pub out: Option<PathBuf>,
    pub force: bool,
    pub resume: bool,
    pub quiet: bool,
    pub command_line: String,
    /// Test-only: make this run fail.
    pub fail_run: Option<usize>,
    /// Test-only: stop as Ctrl-C does once this run is written.
    pub interrupt_after: Option<usize>,
    /// Draw the charts when done (`None`: no charts).
    pub charts: Option<crate::chart::ChartOptions>,
    /// Run only this shard's runs and write a shard folder for `revsim merge`.
    pub shard: Option<Shard>,
    /// One scenario per coefficient vector of a posterior: run k runs `draws[k mod n]` instead
    /// of the scenario (`compare --posterior`).
    pub draws: Option<std::sync::Arc<Vec<Resolved>>>,
}

impl EnsembleOptions {
    /// An ensemble with the usual defaults: no output folder chosen, nothing forced or resumed,
    /// a progress bar on a terminal, no charts.
    pub fn new(scenario: PathBuf, runs: usize, seed: u64, jobs: usize, scale: u32, command_line: String) -> Self {
        EnsembleOptions {
            scenario,
            runs,
            seed,
            jobs,
            scale,
            out: None,
            force: false,
            resume: false,
            quiet: false,
            command_line,
            fail_run: None,
            interrupt_after: None,
            charts: None,
            shard: None,
            draws: None,
        }
    }

    /// How many runs this process runs: all, or its shard's.
    pub fn planned(&self) -> usize {
        self.shard.map_or(self.runs, |s| s.len(self.runs))
    }

    /// The run number of the `position`-th run this process runs.
    pub fn run_at(&self, position: usize) -> usize {
        self.shard.map_or(position, |s| s.run(position))
    }
}

/// What an ensemble did.
#[derive(Clone, Debug)]
pub struct EnsembleReport {
    pub dir: PathBuf,
    pub title: String,
    pub runs: usize,
    pub failed: Vec<(usize, String)>,
    pub end_states: Vec<(String, usize)>,
    pub wall_seconds: f64,
    /// The shard, when only a shard's runs were run.
    pub shard: Option<Shard>,
}

impl EnsembleReport {
    pub fn summary(&self) -> String {
        let ok = (self.runs - self.failed.len()).max(1) as f64;
        let shares: Vec<String> =
            self.end_states.iter().map(|(s, n)| format!("{s} {:.0}%", 100.0 * *n as f64 / ok)).collect();
        let files = match self.shard {
            None => "summary.csv, manifest.json, charts/".to_string(),
            Some(s) => format!("manifest.json (shard {s}: put the shards together with `revsim merge`)"),
        };
        let mut text = format!(
            "revsim: {} — {} runs ({} failed) in {:.1} s\nend states: {}\nfiles: {}/runs.csv, timeseries.csv, events.csv, {files}\n",
            self.title,
            self.runs,
            self.failed.len(),
            self.wall_seconds,
            shares.join(", "),
            self.dir.display()
        );
        for (k, message) in &self.failed {
            text.push_str(&format!("run {k} failed: {message}\n"));
        }
        text
    }

    /// The shares of key events and end states, in words (read from the folder's files).
    pub fn headline(&self) -> String {
        if self.shard.is_some() {
            return String::new();
        }
        stats::shares(&self.dir).map(|s| headline::ensemble(&s)).unwrap_or_default()
    }
}

/// `revsim ensemble`: N seeded runs in parallel, written as they finish.
pub fn ensemble(opts: &EnsembleOptions) -> Result<EnsembleReport, CommandError> {
    let resolved = scenario::load(&opts.scenario)?;
    let dir = opts.out.clone().unwrap_or_else(|| output::default_out(&resolved));
    ensemble_resolved(&resolved, &dir, opts)
}

/// Every check of an ensemble request before any work: the numbers, the memory, the folder.
pub fn check(resolved: &Resolved, dir: &Path, opts: &EnsembleOptions) -> Result<(), CommandError> {
    crate::limits::check_request(resolved, opts.scale, opts.seed, opts.runs, opts.jobs).map_err(CommandError::Input)?;
    output::check_out_dir(dir, opts.force || opts.resume)?;
    Ok(())
}

/// Prints the time and disk an ensemble will take, when it is long.
fn announce(resolved: &Resolved, opts: &EnsembleOptions) {
    let (seconds, disk) = crate::limits::estimate(resolved, opts.scale, opts.runs, opts.jobs);
    if !opts.quiet && seconds >= crate::limits::ANNOUNCE_SECONDS {
        eprintln!(
            "revsim: {} runs of {} agents: about {} on this machine and {} of files (Ctrl-C stops; --resume goes on)",
            opts.runs,
            crate::limits::agents(resolved, opts.scale),
            crate::limits::duration(seconds),
            crate::limits::bytes(disk)
        );
    }
}

/// An ensemble of an already resolved scenario into `dir`.
pub fn ensemble_resolved(
    resolved: &Resolved,
    dir: &Path,
    opts: &EnsembleOptions,
) -> Result<EnsembleReport, CommandError> {
    check(resolved, dir, opts)?;
    announce(resolved, opts);
    let partial = partial_dir(dir);
    let mut progress = schedule::open(resolved, &partial, opts)?;
    let started = output::now_utc();
    let clock = std::time::Instant::now();
    schedule::run_all(resolved, opts, &partial, &mut progress)?;
    let wall = clock.elapsed().as_secs_f64();
    let (failed, end_states) = finish(resolved, &partial, opts, &started, wall)?;
    output::replace_dir(&partial, dir)?;
    if let Some(charts) = opts.charts.as_ref().filter(|_| opts.shard.is_none()) {
        crate::chart::draw_folder(dir, charts).map_err(|e| CommandError::Chart(e.to_string()))?;
    }
    Ok(EnsembleReport {
        dir: dir.to_path_buf(),
        title: resolved.scenario.title.clone(),
        runs: opts.planned(),
        failed,
        end_states,
        wall_seconds: wall,
        shard: opts.shard,
    })
}

/// Ends an ensemble whose rows are complete in `partial`: the summaries and the manifest (or,
/// for a shard, the shard's manifest), then removes the progress file.
fn finish(
    resolved: &Resolved,
    partial: &Path,
    opts: &EnsembleOptions,
    started: &str,
    wall: f64,
) -> Result<(Failures, EndStateCounts), CommandError> {
    let counts = match opts.shard {
        None => conclude(resolved, partial, opts, started, wall, None)?,
        Some(shard) => {
            let counts = read_runs(&partial.join("runs.csv"))?;
            output::write_atomic(&partial.join("scenario.resolved.ron"), resolved.to_ron().as_bytes())?;
            let plan = Plan::new("ensemble", &[resolved], opts.runs, opts.seed, opts.scale);
            let mut extra = manifest_extra(opts, &counts);
            extra["shard"] = serde_json::json!({"index": shard.index, "count": shard.count, "runs": opts.planned()});
            extra["plan"] = serde_json::to_value(&plan).unwrap_or_default();
            let text = output::manifest(resolved, &opts.command_line, extra, started, wall);
            output::write_atomic(&partial.join("manifest.json"), text.as_bytes())?;
            counts
        }
    };
    let progress_path = partial.join("progress.json");
    std::fs::remove_file(&progress_path).map_err(schedule::io_err(&progress_path))?;
    Ok(counts)
}

/// The manifest entries of an ensemble beyond those of a run.
fn manifest_extra(opts: &EnsembleOptions, (failed, end_states): &(Failures, EndStateCounts)) -> serde_json::Value {
    serde_json::json!({
        "seed": opts.seed,
        "seed_rule": "run k (from 0) uses seed + k",
        "runs": opts.runs,
        "failed_runs": failed.len(),
        "scale": opts.scale,
        "jobs": opts.jobs.max(1),
        "end_states": end_states.iter().map(|(s, n)| (s.clone(), serde_json::json!(n))).collect::<serde_json::Map<_, _>>(),
    })
}

/// Writes `summary.csv`, `scenario.resolved.ron` and `manifest.json` of an ensemble whose
/// rows are complete in `dir` (read from the files, so a resumed or merged ensemble summarises
/// every run). The unsharded ensemble and `revsim merge` both end here; a merge names its
/// shards in `merged_from`.
fn conclude(
    resolved: &Resolved,
    dir: &Path,
    opts: &EnsembleOptions,
    started: &str,
    wall: f64,
    merged_from: Option<serde_json::Value>,
) -> Result<(Failures, EndStateCounts), CommandError> {
    let summary = summarise(&dir.join("timeseries.csv"))?;
    output::write_atomic(&dir.join("summary.csv"), summary.as_bytes())?;
    let counts = read_runs(&dir.join("runs.csv"))?;
    output::write_atomic(&dir.join("scenario.resolved.ron"), resolved.to_ron().as_bytes())?;
    let mut extra = manifest_extra(opts, &counts);
    if let Some(shards) = merged_from {
        extra["merged_from"] = shards;
    }
    let text = output::manifest(resolved, &opts.command_line, extra, started, wall);
    output::write_atomic(&dir.join("manifest.json"), text.as_bytes())?;
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_follow_the_documented_rule() {
        assert_eq!(run_seed(1917, 0), 1917);
        assert_eq!(run_seed(1917, 7), 1924);
    }
}
