//! `revsim compare`: an ensemble of each scenario on the same seeds, the paired differences,
//! and the finding in words. Built in a hidden `.NAME.partial` folder that `--resume` finishes.

use super::stats::{Difference, differences};
use super::{EnsembleOptions, EnsembleReport, check, ensemble_resolved, partial_dir, read_runs};
use crate::error::CommandError;
use crate::inference::posterior::Posterior;
use crate::output;
use crate::scenario::{self, Resolved};
use std::path::{Path, PathBuf};

/// Options of `revsim compare`.
#[derive(Clone, Debug)]
pub struct CompareOptions {
    pub scenarios: Vec<PathBuf>,
    pub ensemble: EnsembleOptions,
    pub out: Option<PathBuf>,
    /// A posterior file: run k of every scenario uses its vector k mod n.
    pub posterior: Option<PathBuf>,
}

/// The scenarios, refused when two share a name (their folders would collide).
pub(super) fn load_all(paths: &[PathBuf]) -> Result<Vec<Resolved>, CommandError> {
    let resolved: Vec<Resolved> = paths.iter().map(|p| scenario::load(p)).collect::<Result<_, _>>()?;
    for (i, a) in resolved.iter().enumerate() {
        if let Some(j) = resolved[..i].iter().position(|b| b.scenario.name == a.scenario.name) {
            return Err(CommandError::Input(format!(
                "{} and {} are both named `{}`: compare needs scenarios with different names (change `name:` in one)",
                paths[j].display(),
                paths[i].display(),
                a.scenario.name
            )));
        }
    }
    Ok(resolved)
}

/// The staging folder: new (replacing an interrupted one with `--force`) or, with `--resume`,
/// the interrupted one.
fn open_staging(dir: &Path, e: &EnsembleOptions) -> Result<PathBuf, CommandError> {
    let staging = partial_dir(dir);
    let io = |source| CommandError::Output(output::OutputError::Io { path: staging.display().to_string(), source });
    if e.resume {
        if !staging.is_dir() {
            return Err(CommandError::Input(format!(
                "nothing to resume: {} has no interrupted comparison",
                staging.display()
            )));
        }
        return Ok(staging);
    }
    if staging.exists() {
        if !e.force {
            return Err(CommandError::Input(format!(
                "{} holds an interrupted comparison: add --resume to finish it, or --force to start over",
                staging.display()
            )));
        }
        std::fs::remove_dir_all(&staging).map_err(io)?;
    }
    std::fs::create_dir_all(&staging).map_err(io)?;
    Ok(staging)
}

/// One scenario's ensemble inside the staging folder, or its report if a resumed comparison
/// finished it before.
fn one(
    r: &Resolved,
    sub: &Path,
    opts: &CompareOptions,
    draws: Option<&Posterior>,
) -> Result<EnsembleReport, CommandError> {
    if output::is_revsim_folder(sub) {
        let (failed, end_states) = read_runs(&sub.join("runs.csv"))?;
        let title = r.scenario.title.clone();
        return Ok(EnsembleReport {
            dir: sub.into(),
            title,
            runs: opts.ensemble.planned(),
            failed,
            end_states,
            wall_seconds: 0.0,
            shard: opts.ensemble.shard,
        });
    }
    let resume = opts.ensemble.resume && partial_dir(sub).join("progress.json").is_file();
    let draws = draws.map(|p| p.scenarios(r).map(std::sync::Arc::new)).transpose()?;
    let e = EnsembleOptions { resume, force: true, charts: None, draws, ..opts.ensemble.clone() };
    ensemble_resolved(r, sub, &e)
}

/// `revsim compare`: the folder, each scenario's report, and the paired differences.
pub fn compare(opts: &CompareOptions) -> Result<(PathBuf, Vec<EnsembleReport>, Vec<Difference>), CommandError> {
    let resolved = load_all(&opts.scenarios)?;
    let names: Vec<String> = resolved.iter().map(|r| r.scenario.name.clone()).collect();
    let dir =
        opts.out.clone().unwrap_or_else(|| PathBuf::from("output").join(format!("compare-{}", names.join("-vs-"))));
    for r in &resolved {
        check(r, &dir, &opts.ensemble)?;
    }
    if opts.posterior.is_some() && opts.ensemble.shard.is_some() {
        return Err(CommandError::Input(
            "--posterior cannot be sharded yet: the shard's plan does not record the posterior file, so              `revsim merge` could not check it; run the comparison with --posterior unsharded"
                .into(),
        ));
    }
    let posterior = opts.posterior.as_ref().map(|p| Posterior::read(p, &resolved[0])).transpose()?;
    let staging = open_staging(&dir, &opts.ensemble)?;
    let mut reports = Vec::new();
    let mut dirs = Vec::new();
    for r in &resolved {
        let sub = staging.join(&r.scenario.name);
        let mut report = one(r, &sub, opts, posterior.as_ref()).map_err(|e| match e {
            CommandError::Interrupted(_) => CommandError::Interrupted(format!(
                "the finished runs are kept in {}; run the same command with --resume to finish",
                staging.display()
            )),
            other => other,
        })?;
        report.dir = dir.join(&r.scenario.name);
        dirs.push((r.scenario.name.clone(), sub));
        reports.push(report);
    }
    if opts.ensemble.shard.is_some() {
        write_manifest(&staging, &resolved, opts, None)?;
        output::replace_dir(&staging, &dir)?;
        return Ok((dir, reports, Vec::new()));
    }
    let rows = conclude(&staging, &dir, &resolved, &dirs, opts, None)?;
    Ok((dir, reports, rows))
}

/// Ends a comparison whose scenario folders are complete in `staging`: `comparison.csv`, the
/// history table, the manifest, the move into place and the charts. The unsharded comparison
/// and `revsim merge` both end here; a merge names its shards in `merged_from`.
pub(super) fn conclude(
    staging: &Path,
    dir: &Path,
    resolved: &[Resolved],
    dirs: &[(String, PathBuf)],
    opts: &CompareOptions,
    merged_from: Option<serde_json::Value>,
) -> Result<Vec<Difference>, CommandError> {
    let mut rows = differences(dirs, opts.ensemble.seed)?;
    if let Some(path) = &opts.posterior {
        let posterior = Posterior::read(path, &resolved[0])?;
        super::stats::with_draws(dirs, posterior.draws.len(), &mut rows)?;
    }
    output::write_atomic(&staging.join("comparison.csv"), super::comparison_csv(&rows).as_bytes())?;
    write_history(staging, &resolved[0], &opts.scenarios[0], &dirs[0].1)?;
    write_manifest(staging, resolved, opts, merged_from)?;
    output::replace_dir(staging, dir)?;
    if let Some(charts) = &opts.ensemble.charts {
        crate::chart::draw_folder(dir, charts).map_err(|e| CommandError::Chart(e.to_string()))?;
    }
    Ok(rows)
}

/// When the first scenario is the baseline and the project's historical targets sit beside
/// its scenarios folder, score it too, so the comparison carries the history chart.
fn write_history(staging: &Path, first: &Resolved, path: &Path, ensemble: &Path) -> Result<(), CommandError> {
    let targets = path.parent().map(|d| d.join("../data/history/targets.csv"));
    if first.scenario.extends.is_none()
        && first.applied.is_empty()
        && let Some(targets) = targets.filter(|t| t.is_file())
    {
        let outcomes = crate::history::score(ensemble, &crate::history::load_targets(&targets)?)?;
        output::write_atomic(&staging.join("history.csv"), crate::history::history_csv(&outcomes).as_bytes())?;
    }
    Ok(())
}

/// The comparison's manifest; a shard's also names its shard and plan, a merge's its shards.
fn write_manifest(
    staging: &Path,
    resolved: &[Resolved],
    opts: &CompareOptions,
    merged_from: Option<serde_json::Value>,
) -> Result<(), CommandError> {
    let scenarios: Vec<serde_json::Value> = resolved
        .iter()
        .map(|r| serde_json::json!({"name": r.scenario.name, "title": r.scenario.title, "dir": r.scenario.name}))
        .collect();
    let mut m = serde_json::json!({
        "scenarios": scenarios,
        "runs": opts.ensemble.runs,
        "seed": opts.ensemble.seed,
        "scale": opts.ensemble.scale,
        "version": env!("CARGO_PKG_VERSION"),
        "command_line": opts.ensemble.command_line,
        "bootstrap_resamples": super::BOOTSTRAP,
        "posterior": opts.posterior.as_ref().map(|p| p.display().to_string()),
        "posterior_rule": opts.posterior.as_ref().map(|_| "run k of every scenario uses draw k mod n of the posterior file"),
        "finished": output::now_utc(),
    });
    let e = &opts.ensemble;
    if let Some(shard) = e.shard {
        let plan = super::Plan::new("compare", &resolved.iter().collect::<Vec<_>>(), e.runs, e.seed, e.scale);
        m["shard"] = serde_json::json!({"index": shard.index, "count": shard.count, "runs": e.planned()});
        m["plan"] = serde_json::to_value(&plan).unwrap_or_default();
    }
    if let Some(shards) = merged_from {
        m["merged_from"] = shards;
    }
    let text = serde_json::to_string_pretty(&m).unwrap_or_default() + "\n";
    output::write_atomic(&staging.join("manifest.json"), text.as_bytes())?;
    Ok(())
}
