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

use crate::commands::{CommandError, manifest};
use crate::metrics::METRICS;
use crate::output::{self, csv_field, fmt_num};
use crate::run::{RunOutput, simulate};
use crate::scenario::{self, Resolved};
use rand::{RngExt, SeedableRng};
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The seed of run `k` of an ensemble with master seed `master`.
pub fn run_seed(master: u64, k: usize) -> u64 {
    master.wrapping_add(k as u64)
}

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
    /// Draw the charts when done (`None`: no charts).
    pub charts: Option<crate::chart::ChartOptions>,
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
            charts: None,
        }
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
}

impl EnsembleReport {
    pub fn summary(&self) -> String {
        let shares: Vec<String> = self
            .end_states
            .iter()
            .map(|(s, n)| format!("{s} {:.0}%", 100.0 * *n as f64 / (self.runs - self.failed.len()).max(1) as f64))
            .collect();
        let mut text = format!(
            "revsim: {} — {} runs ({} failed) in {:.1} s\nend states: {}\nfiles: {}/runs.csv, timeseries.csv, events.csv, summary.csv, manifest.json, charts/\n",
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
}

/// Columns of `runs.csv` after `run,seed,status`.
fn runs_header() -> String {
    let finals: Vec<String> = METRICS.iter().map(|m| format!("final_{m}")).collect();
    format!("run,seed,status,{},kronstadt,kronstadt_mutiny_date,tax_in_kind_date,end_state,message\n", finals.join(","))
}

fn runs_row(k: usize, seed: u64, result: &Result<RunOutput, String>) -> String {
    match result {
        Ok(out) => {
            let last = out.rows.last().map(|r| r.2.clone()).unwrap_or_default();
            let finals: Vec<String> = last.iter().map(|v| fmt_num(*v)).collect();
            let first = |kind: &str| out.events.iter().find(|e| e.kind == kind).map(|e| e.date.to_string());
            let kronstadt = out.kronstadt.key();
            format!(
                "{k},{seed},ok,{},{kronstadt},{},{},{},\n",
                finals.join(","),
                first("kronstadt_mutiny").unwrap_or_default(),
                first("tax_in_kind_adopted").unwrap_or_default(),
                out.end_state.key()
            )
        }
        Err(message) => {
            let empty = vec![""; METRICS.len() + 4];
            format!("{k},{seed},failed,{},{}\n", empty.join(","), csv_field(message))
        }
    }
}

#[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug, Clone)]
struct Progress {
    scenario: String,
    scenario_sha256: String,
    runs: usize,
    seed: u64,
    scale: u32,
    done: usize,
    /// Byte lengths of runs.csv, timeseries.csv, events.csv after run `done - 1`.
    lengths: [u64; 3],
}

const FILES: [&str; 3] = ["runs.csv", "timeseries.csv", "events.csv"];

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> CommandError + '_ {
    move |source| CommandError::Output(output::OutputError::Io { path: path.display().to_string(), source })
}

fn partial_dir(target: &Path) -> PathBuf {
    let parent = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or_else(|| Path::new("."));
    let name = target.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "ensemble".into());
    parent.join(format!(".{name}.partial"))
}

/// `revsim ensemble`: N seeded runs in parallel, written as they finish.
pub fn ensemble(opts: &EnsembleOptions) -> Result<EnsembleReport, CommandError> {
    let resolved = scenario::load(&opts.scenario)?;
    let dir = opts.out.clone().unwrap_or_else(|| crate::commands::default_out(&resolved));
    ensemble_resolved(&resolved, &dir, opts)
}

/// An ensemble of an already resolved scenario into `dir`.
pub fn ensemble_resolved(
    resolved: &Resolved,
    dir: &Path,
    opts: &EnsembleOptions,
) -> Result<EnsembleReport, CommandError> {
    if opts.runs == 0 {
        return Err(CommandError::Input("--runs must be at least 1".into()));
    }
    if opts.scale == 0 {
        return Err(CommandError::Input("--scale must be at least 1 person per agent".into()));
    }
    if !opts.resume {
        output::check_out_dir(dir, opts.force)?;
    }
    let partial = partial_dir(dir);
    let progress_path = partial.join("progress.json");
    let sha = resolved.files.first().map(|f| output::sha256_file(f)).unwrap_or_default();
    let fresh = Progress {
        scenario: resolved.scenario.name.clone(),
        scenario_sha256: sha,
        runs: opts.runs,
        seed: opts.seed,
        scale: opts.scale,
        done: 0,
        lengths: [0; 3],
    };
    let mut progress = if opts.resume {
        let text = std::fs::read_to_string(&progress_path).map_err(|_| {
            CommandError::Input(format!("nothing to resume: {} has no interrupted ensemble", partial.display()))
        })?;
        let saved: Progress = serde_json::from_str(&text)
            .map_err(|e| CommandError::Input(format!("{}: unreadable progress: {e}", progress_path.display())))?;
        if (Progress { done: 0, lengths: [0; 3], ..saved.clone() }) != fresh {
            return Err(CommandError::Input(format!(
                "{}: the interrupted ensemble had other settings (scenario, runs, seed or scale); use --force to start over",
                partial.display()
            )));
        }
        for (file, len) in FILES.iter().zip(saved.lengths) {
            let path = partial.join(file);
            let f = std::fs::OpenOptions::new().write(true).open(&path).map_err(io_err(&path))?;
            f.set_len(len).map_err(io_err(&path))?;
        }
        saved
    } else {
        if partial.exists() {
            if !opts.force {
                return Err(CommandError::Input(format!(
                    "{} holds an interrupted ensemble: add --resume to finish it, or --force to start over",
                    partial.display()
                )));
            }
            std::fs::remove_dir_all(&partial).map_err(io_err(&partial))?;
        }
        std::fs::create_dir_all(&partial).map_err(io_err(&partial))?;
        let mut header = format!("run,tick,date,{}\n", METRICS.join(","));
        let headers = [
            runs_header(),
            std::mem::take(&mut header),
            "run,tick,date,kind,region,district,value,detail\n".to_string(),
        ];
        let mut p = fresh.clone();
        for (i, (file, text)) in FILES.iter().zip(headers).enumerate() {
            let path = partial.join(file);
            std::fs::write(&path, &text).map_err(io_err(&path))?;
            p.lengths[i] = text.len() as u64;
        }
        output::write_atomic(&progress_path, serde_json::to_string(&p).unwrap_or_default().as_bytes())?;
        p
    };
    let started = output::now_utc();
    let clock = std::time::Instant::now();
    let bar = progress_bar(opts, progress.done);
    let mut files: Vec<std::fs::File> = FILES
        .iter()
        .map(|f| {
            let path = partial.join(f);
            std::fs::OpenOptions::new().append(true).open(&path).map_err(io_err(&path))
        })
        .collect::<Result<_, _>>()?;
    let next = AtomicUsize::new(progress.done);
    let jobs = opts.jobs.max(1);
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Result<RunOutput, String>)>();
    let mut write_error = None;
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let tx = tx.clone();
            let next = &next;
            scope.spawn(move || {
                loop {
                    let k = next.fetch_add(1, Ordering::SeqCst);
                    if k >= opts.runs {
                        break;
                    }
                    let seed = run_seed(opts.seed, k);
                    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        if opts.fail_run == Some(k) {
                            panic!("test-only failure of run {k} (--fail-run)");
                        }
                        simulate(resolved, seed, opts.scale)
                    }))
                    .unwrap_or_else(|panic| {
                        let text = panic
                            .downcast_ref::<String>()
                            .cloned()
                            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                            .unwrap_or_else(|| "panic".into());
                        Err(format!("panicked: {text}"))
                    });
                    if tx.send((k, result)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut pending: BTreeMap<usize, Result<RunOutput, String>> = BTreeMap::new();
        for (k, result) in rx {
            pending.insert(k, result);
            while let Some(result) = pending.remove(&progress.done) {
                let k = progress.done;
                let texts = [
                    runs_row(k, run_seed(opts.seed, k), &result),
                    result.as_ref().map(|o| output::timeseries_csv(o, Some(k), false)).unwrap_or_default(),
                    result.as_ref().map(|o| output::events_csv(&o.events, Some(k), false)).unwrap_or_default(),
                ];
                for (i, text) in texts.iter().enumerate() {
                    if let Err(e) = files[i].write_all(text.as_bytes()).and_then(|_| files[i].flush()) {
                        write_error.get_or_insert((partial.join(FILES[i]), e));
                    }
                    progress.lengths[i] += text.len() as u64;
                }
                progress.done += 1;
                let text = serde_json::to_string(&progress).unwrap_or_default();
                if let Err(e) = output::write_atomic(&progress_path, text.as_bytes()) {
                    write_error.get_or_insert((progress_path.clone(), std::io::Error::other(e.to_string())));
                }
                if let Some(bar) = &bar {
                    bar.inc(1);
                }
            }
        }
    });
    if let Some((path, source)) = write_error {
        return Err(CommandError::Output(output::OutputError::Io { path: path.display().to_string(), source }));
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    drop(files);
    let wall = clock.elapsed().as_secs_f64();
    // Summaries from the files, so a resumed ensemble summarises every run.
    let summary = summarise(&partial.join("timeseries.csv"))?;
    output::write_atomic(&partial.join("summary.csv"), summary.as_bytes())?;
    let (failed, end_states) = read_runs(&partial.join("runs.csv"))?;
    output::write_atomic(&partial.join("scenario.resolved.ron"), resolved.to_ron().as_bytes())?;
    let extra = serde_json::json!({
        "seed": opts.seed,
        "seed_rule": "run k (from 0) uses seed + k",
        "runs": opts.runs,
        "failed_runs": failed.len(),
        "scale": opts.scale,
        "jobs": jobs,
        "end_states": end_states.iter().map(|(s, n)| (s.clone(), serde_json::json!(n))).collect::<serde_json::Map<_, _>>(),
    });
    let text = manifest(resolved, &opts.command_line, extra, &started, wall);
    output::write_atomic(&partial.join("manifest.json"), text.as_bytes())?;
    std::fs::remove_file(&progress_path).map_err(io_err(&progress_path))?;
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(io_err(dir))?;
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io_err(parent))?;
    }
    std::fs::rename(&partial, dir).map_err(io_err(dir))?;
    if let Some(charts) = &opts.charts {
        crate::chart::draw_folder(dir, charts).map_err(|e| CommandError::Chart(e.to_string()))?;
    }
    Ok(EnsembleReport {
        dir: dir.to_path_buf(),
        title: resolved.scenario.title.clone(),
        runs: opts.runs,
        failed,
        end_states,
        wall_seconds: wall,
    })
}

fn progress_bar(opts: &EnsembleOptions, done: usize) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if opts.quiet || !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(opts.runs as u64);
    bar.set_position(done as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {per_sec}  {elapsed} elapsed, {eta} left")
    {
        bar.set_style(style);
    }
    Some(bar)
}

/// Failed runs with their messages.
pub type Failures = Vec<(usize, String)>;
/// Runs per end state.
pub type EndStateCounts = Vec<(String, usize)>;

/// (failed runs with messages, end-state counts) from `runs.csv`.
pub fn read_runs(path: &Path) -> Result<(Failures, EndStateCounts), CommandError> {
    let mut reader =
        csv::Reader::from_path(path).map_err(|e| CommandError::Input(format!("{}: {e}", path.display())))?;
    let headers = reader.headers().map_err(|e| CommandError::Input(e.to_string()))?.clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (status, state, message) = (col("status"), col("end_state"), col("message"));
    let mut failed = Vec::new();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| CommandError::Input(e.to_string()))?;
        let get = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("").to_string();
        let run: usize = record.get(0).and_then(|r| r.parse().ok()).unwrap_or(0);
        if get(status) == "ok" {
            *counts.entry(get(state)).or_default() += 1;
        } else {
            failed.push((run, get(message)));
        }
    }
    Ok((failed, counts.into_iter().collect()))
}

/// Quantile by linear interpolation between order statistics (R's type 7).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// `summary.csv` from an ensemble's long `timeseries.csv`.
pub fn summarise(timeseries: &Path) -> Result<String, CommandError> {
    let mut reader = csv::Reader::from_path(timeseries)
        .map_err(|e| CommandError::Input(format!("{}: {e}", timeseries.display())))?;
    // values[tick][metric] = one value per run
    let mut values: Vec<Vec<Vec<f64>>> = Vec::new();
    let mut dates: Vec<String> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| CommandError::Input(e.to_string()))?;
        let tick: usize = record.get(1).and_then(|t| t.parse().ok()).unwrap_or(0);
        while values.len() <= tick {
            values.push(vec![Vec::new(); METRICS.len()]);
            dates.push(String::new());
        }
        dates[tick] = record.get(2).unwrap_or("").to_string();
        for m in 0..METRICS.len() {
            let v: f64 = record.get(3 + m).and_then(|v| v.parse().ok()).unwrap_or(f64::NAN);
            values[tick][m].push(v);
        }
    }
    let mut text = String::from("tick,date,metric,mean,sd,p05,p25,p50,p75,p95\n");
    for (tick, per_metric) in values.iter_mut().enumerate() {
        for (m, runs) in per_metric.iter_mut().enumerate() {
            if runs.is_empty() {
                continue;
            }
            runs.sort_by(f64::total_cmp);
            let n = runs.len() as f64;
            let mean = runs.iter().sum::<f64>() / n;
            let sd = if runs.len() > 1 {
                (runs.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
            } else {
                0.0
            };
            let q = |p: f64| fmt_num(quantile(runs, p));
            text.push_str(&format!(
                "{tick},{},{},{},{},{},{},{},{},{}\n",
                dates[tick],
                METRICS[m],
                fmt_num(mean),
                fmt_num(sd),
                q(0.05),
                q(0.25),
                q(0.5),
                q(0.75),
                q(0.95)
            ));
        }
    }
    Ok(text)
}

/// Options of `revsim compare`.
#[derive(Clone, Debug)]
pub struct CompareOptions {
    pub scenarios: Vec<PathBuf>,
    pub ensemble: EnsembleOptions,
    pub out: Option<PathBuf>,
}

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
/// Bootstrap resamples for the confidence intervals.
pub const BOOTSTRAP: usize = 2000;

/// Per-run values of the key statistics of one ensemble folder: statistic → value per run.
fn run_statistics(dir: &Path) -> Result<BTreeMap<String, BTreeMap<usize, f64>>, CommandError> {
    let mut stats: BTreeMap<String, BTreeMap<usize, f64>> = BTreeMap::new();
    let path = dir.join("timeseries.csv");
    let mut reader =
        csv::Reader::from_path(&path).map_err(|e| CommandError::Input(format!("{}: {e}", path.display())))?;
    let headers = reader.headers().map_err(|e| CommandError::Input(e.to_string()))?.clone();
    let cols: Vec<(usize, &str)> =
        KEY_METRICS.iter().filter_map(|m| headers.iter().position(|h| h == *m).map(|i| (i, *m))).collect();
    for record in reader.records() {
        let record = record.map_err(|e| CommandError::Input(e.to_string()))?;
        let run: usize = record.get(0).and_then(|r| r.parse().ok()).unwrap_or(0);
        let date = record.get(2).unwrap_or("");
        for (i, m) in &cols {
            let v: f64 = record.get(*i).and_then(|v| v.parse().ok()).unwrap_or(f64::NAN);
            // The value on a date is the last row on or before it; "end" is the last row.
            for d in KEY_DATES {
                if date <= *d {
                    stats.entry(format!("{m}|mean@{d}")).or_default().insert(run, v);
                }
            }
            stats.entry(format!("{m}|final")).or_default().insert(run, v);
        }
    }
    let path = dir.join("events.csv");
    let mut reader =
        csv::Reader::from_path(&path).map_err(|e| CommandError::Input(format!("{}: {e}", path.display())))?;
    let runs_ok: Vec<usize> = {
        let mut r = csv::Reader::from_path(dir.join("runs.csv")).map_err(|e| CommandError::Input(e.to_string()))?;
        r.records()
            .filter_map(|x| x.ok())
            .filter(|x| x.get(2) == Some("ok"))
            .filter_map(|x| x.get(0)?.parse().ok())
            .collect()
    };
    for e in KEY_EVENTS {
        let entry = stats.entry(format!("events|share:{e}")).or_default();
        for k in &runs_ok {
            entry.insert(*k, 0.0);
        }
    }
    for record in reader.records() {
        let record = record.map_err(|e| CommandError::Input(e.to_string()))?;
        let run: usize = record.get(0).and_then(|r| r.parse().ok()).unwrap_or(0);
        let kind = record.get(3).unwrap_or("");
        if KEY_EVENTS.contains(&kind) {
            stats.entry(format!("events|share:{kind}")).or_default().insert(run, 1.0);
        }
    }
    let mut r = csv::Reader::from_path(dir.join("runs.csv")).map_err(|e| CommandError::Input(e.to_string()))?;
    let headers = r.headers().map_err(|e| CommandError::Input(e.to_string()))?.clone();
    let state_col = headers.iter().position(|h| h == "end_state");
    for record in r.records().filter_map(|x| x.ok()) {
        if record.get(2) != Some("ok") {
            continue;
        }
        let run: usize = record.get(0).and_then(|r| r.parse().ok()).unwrap_or(0);
        let state = state_col.and_then(|i| record.get(i)).unwrap_or("");
        for s in ["soviet_democracy", "one_party_state", "white_victory", "fragmentation"] {
            stats.entry(format!("end_state|share:{s}")).or_default().insert(run, f64::from(u8::from(state == s)));
        }
    }
    Ok(stats)
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

/// `comparison.csv` from ensemble folders run on the same seeds (first = baseline).
pub fn comparison_csv(dirs: &[(String, PathBuf)], seed: u64) -> Result<String, CommandError> {
    let mut text = String::from("metric,scenario,statistic,baseline,alternative,difference,ci_low,ci_high\n");
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
            let (diff, lo, hi) = paired_difference(&b, &a, seed);
            text.push_str(&format!(
                "{},{},{},{},{},{},{},{}\n",
                metric,
                csv_field(name),
                statistic,
                fmt_num(mean(&b)),
                fmt_num(mean(&a)),
                fmt_num(diff),
                fmt_num(lo),
                fmt_num(hi)
            ));
        }
    }
    Ok(text)
}

/// `revsim compare`: an ensemble of each scenario on the same seeds, and the differences.
pub fn compare(opts: &CompareOptions) -> Result<(PathBuf, Vec<EnsembleReport>), CommandError> {
    let resolved: Vec<Resolved> = opts.scenarios.iter().map(|p| scenario::load(p)).collect::<Result<_, _>>()?;
    let mut names: Vec<String> = resolved.iter().map(|r| r.scenario.name.clone()).collect();
    names.dedup();
    if names.len() != resolved.len() {
        return Err(CommandError::Input("compare needs scenarios with different names".into()));
    }
    let dir =
        opts.out.clone().unwrap_or_else(|| PathBuf::from("output").join(format!("compare-{}", names.join("-vs-"))));
    output::check_out_dir(&dir, opts.ensemble.force)?;
    let staged = output::StagedDir::new(&dir)?;
    let mut reports = Vec::new();
    let mut dirs = Vec::new();
    for r in &resolved {
        let sub = staged.staging.join(&r.scenario.name);
        let e = EnsembleOptions { resume: false, force: true, charts: None, ..opts.ensemble.clone() };
        let mut report = ensemble_resolved(r, &sub, &e)?;
        report.dir = dir.join(&r.scenario.name);
        dirs.push((r.scenario.name.clone(), sub));
        reports.push(report);
    }
    let text = comparison_csv(&dirs, opts.ensemble.seed)?;
    output::write_atomic(&staged.path("comparison.csv"), text.as_bytes())?;
    // When the first scenario is the baseline and the project's historical targets sit beside
    // its scenarios folder, score it too, so the comparison carries the history chart.
    let targets = opts.scenarios[0].parent().map(|d| d.join("../data/history/targets.csv"));
    if resolved[0].scenario.extends.is_none()
        && resolved[0].applied.is_empty()
        && let Some(targets) = targets.filter(|t| t.is_file())
    {
        let outcomes = crate::history::score(&dirs[0].1, &crate::history::load_targets(&targets)?)?;
        output::write_atomic(&staged.path("history.csv"), crate::history::history_csv(&outcomes).as_bytes())?;
    }
    let scenarios: Vec<serde_json::Value> = resolved
        .iter()
        .map(|r| serde_json::json!({"name": r.scenario.name, "title": r.scenario.title, "dir": r.scenario.name}))
        .collect();
    let m = serde_json::json!({
        "scenarios": scenarios,
        "runs": opts.ensemble.runs,
        "seed": opts.ensemble.seed,
        "scale": opts.ensemble.scale,
        "version": env!("CARGO_PKG_VERSION"),
        "command_line": opts.ensemble.command_line,
        "bootstrap_resamples": BOOTSTRAP,
        "finished": output::now_utc(),
    });
    output::write_atomic(
        &staged.path("manifest.json"),
        (serde_json::to_string_pretty(&m).unwrap_or_default() + "\n").as_bytes(),
    )?;
    let dir = staged.commit()?;
    if let Some(charts) = &opts.ensemble.charts {
        crate::chart::draw_folder(&dir, charts).map_err(|e| CommandError::Chart(e.to_string()))?;
    }
    Ok((dir, reports))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert_eq!(quantile(&v, 0.25), 2.0);
        assert!((quantile(&v, 0.1) - 1.4).abs() < 1e-12);
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

    #[test]
    fn seeds_follow_the_documented_rule() {
        assert_eq!(run_seed(1917, 0), 1917);
        assert_eq!(run_seed(1917, 7), 1924);
    }
}
