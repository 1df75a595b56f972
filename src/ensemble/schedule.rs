//! Scheduling and resume: runs handed to workers in order, written in order as they finish,
//! with a `progress.json` that records how far the files are complete, so an interrupted
//! ensemble (Ctrl-C, a killed process) can be finished by `--resume` with the same bytes.

use super::EnsembleOptions;
use super::tables::{runs_header, runs_row};
use crate::error::CommandError;
use crate::metrics::METRICS;
use crate::output;
use crate::run::{RunOutput, simulate};
use crate::scenario::Resolved;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// The seed of run `k` of an ensemble with master seed `master` (checked not to overflow by
/// `limits::check_seeds` before any run starts).
pub fn run_seed(master: u64, k: usize) -> u64 {
    master.wrapping_add(k as u64)
}

#[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug, Clone)]
pub(super) struct Progress {
    scenario: String,
    scenario_sha256: String,
    runs: usize,
    seed: u64,
    scale: u32,
    #[serde(default)]
    shard: Option<super::Shard>,
    /// Runs of this process written so far (all runs, or this shard's).
    pub(super) done: usize,
    /// Byte lengths of runs.csv, timeseries.csv, events.csv after run `done - 1`.
    lengths: [u64; 3],
}

pub(super) const FILES: [&str; 3] = ["runs.csv", "timeseries.csv", "events.csv"];

pub(super) fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> CommandError + '_ {
    move |source| CommandError::Output(output::OutputError::Io { path: path.display().to_string(), source })
}

/// The hidden sibling in which an ensemble is built: `.NAME.partial`.
pub fn partial_dir(target: &Path) -> PathBuf {
    let parent = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or_else(|| Path::new("."));
    let name = target.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "ensemble".into());
    parent.join(format!(".{name}.partial"))
}

/// The settings an interrupted ensemble must share with the command that resumes it.
fn fresh(resolved: &Resolved, opts: &EnsembleOptions) -> Progress {
    Progress {
        scenario: resolved.scenario.name.clone(),
        scenario_sha256: resolved.files.first().map(|f| output::sha256_file(f)).unwrap_or_default(),
        runs: opts.runs,
        seed: opts.seed,
        scale: opts.scale,
        shard: opts.shard,
        done: 0,
        lengths: [0; 3],
    }
}

/// Reads the progress of an interrupted ensemble and cuts its files back to the last
/// complete run.
fn resume(partial: &Path, expected: &Progress) -> Result<Progress, CommandError> {
    let progress_path = partial.join("progress.json");
    let text = std::fs::read_to_string(&progress_path).map_err(|_| {
        CommandError::Input(format!("nothing to resume: {} has no interrupted ensemble", partial.display()))
    })?;
    let saved: Progress = serde_json::from_str(&text)
        .map_err(|e| CommandError::Input(format!("{}: unreadable progress: {e}", progress_path.display())))?;
    if (Progress { done: 0, lengths: [0; 3], ..saved.clone() }) != *expected {
        return Err(CommandError::Input(format!(
            "{}: the interrupted ensemble had other settings (scenario, runs, seed, scale or shard); use --force to start over",
            partial.display()
        )));
    }
    for (file, len) in FILES.iter().zip(saved.lengths) {
        let path = partial.join(file);
        let f = std::fs::OpenOptions::new().write(true).open(&path).map_err(io_err(&path))?;
        f.set_len(len).map_err(io_err(&path))?;
    }
    Ok(saved)
}

/// Starts the files of a new ensemble in `partial` (replacing an interrupted one with `force`).
fn start(partial: &Path, mut p: Progress, force: bool) -> Result<Progress, CommandError> {
    if partial.exists() {
        if !force {
            return Err(CommandError::Input(format!(
                "{} holds an interrupted ensemble: add --resume to finish it, or --force to start over",
                partial.display()
            )));
        }
        std::fs::remove_dir_all(partial).map_err(io_err(partial))?;
    }
    std::fs::create_dir_all(partial).map_err(io_err(partial))?;
    let headers = [
        runs_header(),
        format!("run,tick,date,{}\n", METRICS.join(",")),
        "run,tick,date,kind,region,district,value,detail\n".to_string(),
    ];
    for (i, (file, text)) in FILES.iter().zip(headers).enumerate() {
        let path = partial.join(file);
        std::fs::write(&path, &text).map_err(io_err(&path))?;
        p.lengths[i] = text.len() as u64;
    }
    output::write_atomic(&partial.join("progress.json"), serde_json::to_string(&p).unwrap_or_default().as_bytes())?;
    Ok(p)
}

/// The progress of the ensemble to build in `partial`: a fresh start or, with `--resume`,
/// where the interrupted one stopped.
pub(super) fn open(resolved: &Resolved, partial: &Path, opts: &EnsembleOptions) -> Result<Progress, CommandError> {
    let expected = fresh(resolved, opts);
    if opts.resume { resume(partial, &expected) } else { start(partial, expected, opts.force) }
}

/// One run, with a panic turned into a failed run.
fn one_run(resolved: &Resolved, opts: &EnsembleOptions, k: usize) -> Result<RunOutput, String> {
    let seed = run_seed(opts.seed, k);
    let resolved = opts.draws.as_ref().filter(|d| !d.is_empty()).map_or(resolved, |d| &d[k % d.len()]);
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
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
    })
}

/// Appends run `k` to the open files and records the new lengths in `progress.json`.
fn append(
    files: &mut [std::fs::File],
    partial: &Path,
    progress: &mut Progress,
    opts: &EnsembleOptions,
    result: &Result<RunOutput, String>,
) -> Result<(), (PathBuf, std::io::Error)> {
    let k = opts.run_at(progress.done);
    let texts = [
        runs_row(k, run_seed(opts.seed, k), result),
        result.as_ref().map(|o| output::timeseries_csv(o, Some(k), false)).unwrap_or_default(),
        result.as_ref().map(|o| output::events_csv(&o.events, Some(k), false)).unwrap_or_default(),
    ];
    for (i, text) in texts.iter().enumerate() {
        files[i].write_all(text.as_bytes()).and_then(|_| files[i].flush()).map_err(|e| (partial.join(FILES[i]), e))?;
        progress.lengths[i] += text.len() as u64;
    }
    progress.done += 1;
    let path = partial.join("progress.json");
    output::write_atomic(&path, serde_json::to_string(&progress).unwrap_or_default().as_bytes())
        .map_err(|e| (path, std::io::Error::other(e.to_string())))
}

/// Runs every remaining run on `opts.jobs` workers and appends each, in order, to the files in
/// `partial`. On Ctrl-C, no new run starts; the runs that finished in order are kept.
pub(super) fn run_all(
    resolved: &Resolved,
    opts: &EnsembleOptions,
    partial: &Path,
    progress: &mut Progress,
) -> Result<(), CommandError> {
    let mut files: Vec<std::fs::File> = FILES
        .iter()
        .map(|f| {
            let path = partial.join(f);
            std::fs::OpenOptions::new().append(true).open(&path).map_err(io_err(&path))
        })
        .collect::<Result<_, _>>()?;
    let mut meter = super::progress::Meter::new(opts, progress.done);
    let next = AtomicUsize::new(progress.done);
    // Stops the workers after a write error or at the hidden `--interrupt-after` run.
    let stop = AtomicBool::new(false);
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Result<RunOutput, String>)>();
    let mut write_error = None;
    std::thread::scope(|scope| {
        for _ in 0..opts.jobs.max(1) {
            let (tx, next, stop) = (tx.clone(), &next, &stop);
            scope.spawn(move || {
                loop {
                    let position = next.fetch_add(1, Ordering::SeqCst);
                    if position >= opts.planned() || stop.load(Ordering::SeqCst) || crate::interrupt::requested() {
                        break;
                    }
                    if tx.send((position, one_run(resolved, opts, opts.run_at(position)))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut pending: BTreeMap<usize, Result<RunOutput, String>> = BTreeMap::new();
        for (k, result) in rx {
            pending.insert(k, result);
            // After a write error or the test-only interruption, nothing more is written.
            let halted = |done: usize, failed: bool| failed || opts.interrupt_after.is_some_and(|k| done > k);
            while !halted(progress.done, write_error.is_some())
                && let Some(result) = pending.remove(&progress.done)
            {
                if let Err(e) = append(&mut files, partial, progress, opts, &result) {
                    write_error = Some(e);
                }
                meter.tick(progress.done);
                if halted(progress.done, write_error.is_some()) {
                    stop.store(true, Ordering::SeqCst);
                }
            }
        }
    });
    meter.finish();
    if let Some((path, source)) = write_error {
        return Err(CommandError::Output(output::OutputError::Io { path: path.display().to_string(), source }));
    }
    if progress.done < opts.planned() {
        return Err(CommandError::Interrupted(format!(
            "{} of {} runs are kept in {}; run the same command with --resume to finish",
            progress.done,
            opts.planned(),
            partial.display()
        )));
    }
    Ok(())
}
