//! Calibration: a deterministic coordinate search over named parameters, scored against the
//! historical targets.
//!
//! For each parameter in turn, every value of its grid is tried (the others held at their
//! current best), each with the same seeds; the value with the smallest loss is kept, and the
//! passes repeat. The loss of a target is how far the ensemble median lies outside the
//! historical range, as a share of the central value (for dates: of the window's length),
//! squared; the loss of a scenario is the sum over targets. Nothing is written to the
//! scenario: the command prints the best values, and the user records them in the file with
//! the targets they were tuned on.
//!
//! Every trial's loss is recorded in `output/.calibrate-NAME.partial/trials.json` as it is
//! found; `--resume` reuses them, so an interrupted calibration goes on where it stopped and
//! ends with the same result. The folder is removed when the search is done.

use crate::ensemble::{EnsembleOptions, ensemble_resolved};
use crate::error::CommandError;
use crate::history::{Outcome, Target, score};
use crate::scenario::{self, Change, Resolved};
use std::path::PathBuf;

/// A parameter and the values to try.
#[derive(Clone, Debug)]
pub struct Grid {
    pub name: String,
    pub values: Vec<f64>,
}

impl std::str::FromStr for Grid {
    type Err = String;
    /// `NAME=LOW:HIGH:STEPS` (evenly spaced) or `NAME=V1,V2,V3`.
    fn from_str(text: &str) -> Result<Grid, String> {
        let (name, spec) =
            text.split_once('=').ok_or_else(|| format!("`{text}`: write NAME=LOW:HIGH:STEPS or NAME=V1,V2"))?;
        let values: Vec<f64> = if spec.contains(':') {
            let parts: Vec<&str> = spec.split(':').collect();
            let [low, high, steps] = parts.as_slice() else {
                return Err(format!("`{spec}`: write LOW:HIGH:STEPS"));
            };
            let (low, high): (f64, f64) = (low.parse().map_err(|_| "bad LOW")?, high.parse().map_err(|_| "bad HIGH")?);
            let steps: usize = steps.parse().map_err(|_| "bad STEPS")?;
            if steps < 2 {
                return Err("STEPS must be at least 2".into());
            }
            (0..steps).map(|i| low + (high - low) * i as f64 / (steps - 1) as f64).collect()
        } else {
            spec.split(',')
                .map(|v| v.trim().parse::<f64>().map_err(|_| format!("`{v}` is not a number")))
                .collect::<Result<_, _>>()?
        };
        Ok(Grid { name: name.to_string(), values })
    }
}

/// How far one outcome is from its target (0 inside the range).
pub fn target_loss(o: &Outcome) -> f64 {
    let m = o.median;
    if !m.is_finite() {
        return 4.0;
    }
    let (scale, low, high) = if o.target.kind == "event_date" {
        ((o.high - o.low).max(1.0), o.low, o.high)
    } else {
        (o.central.abs().max(1e-9), o.low, o.high)
    };
    let outside = (low - m).max(m - high).max(0.0) / scale;
    outside.powi(2).min(4.0)
}

/// Options of `revsim calibrate`.
#[derive(Clone, Debug)]
pub struct CalibrateOptions {
    pub scenario: std::path::PathBuf,
    pub targets: std::path::PathBuf,
    pub grids: Vec<Grid>,
    pub passes: usize,
    /// Reuse the trials of an interrupted calibration of the same scenario.
    pub resume: bool,
    pub ensemble: EnsembleOptions,
}

/// A trial already scored: its values, its loss, and the score line of its outcomes.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
struct Trial {
    values: Vec<(String, f64)>,
    loss: f64,
    score: String,
}

/// The trials scored so far, kept in a file so that `--resume` can reuse them.
struct Trials {
    dir: PathBuf,
    done: Vec<Trial>,
    base: Resolved,
    targets: Vec<Target>,
    opts: EnsembleOptions,
}

impl Trials {
    /// The state folder of a calibration of `name`: new, or with `resume` the interrupted one.
    fn open(
        name: &str,
        resume: bool,
        base: Resolved,
        targets: Vec<Target>,
        opts: EnsembleOptions,
    ) -> Result<Trials, CommandError> {
        let dir = PathBuf::from("output").join(format!(".calibrate-{name}.partial"));
        let file = dir.join("trials.json");
        let done = if resume {
            let text = std::fs::read_to_string(&file).map_err(|_| {
                CommandError::Input(format!("nothing to resume: {} has no interrupted calibration", dir.display()))
            })?;
            serde_json::from_str(&text).map_err(|e| CommandError::Input(format!("{}: {e}", file.display())))?
        } else {
            if dir.exists() {
                std::fs::remove_dir_all(&dir).map_err(|e| CommandError::Input(format!("{}: {e}", dir.display())))?;
            }
            Vec::new()
        };
        std::fs::create_dir_all(&dir).map_err(|e| CommandError::Input(format!("{}: {e}", dir.display())))?;
        Ok(Trials { dir, done, base, targets, opts })
    }

    /// The loss and score line of the scenario with `values` set: from the record, or by
    /// running its ensemble (then recorded).
    fn evaluate(&mut self, values: &[(String, f64)]) -> Result<(f64, String), CommandError> {
        if let Some(t) = self.done.iter().find(|t| t.values == values) {
            return Ok((t.loss, t.score.clone()));
        }
        let mut r = self.base.clone();
        for (name, v) in values {
            scenario::apply_change(&mut r.scenario, &Change::SetParameter(name.clone(), *v))
                .map_err(CommandError::Input)?;
        }
        let dir = self.dir.join("ensemble");
        let e = EnsembleOptions { force: true, resume: false, quiet: true, charts: None, ..self.opts.clone() };
        ensemble_resolved(&r, &dir, &e).map_err(|e| match e {
            CommandError::Interrupted(_) => CommandError::Interrupted(format!(
                "{} trials are kept in {}; run the same command with --resume to go on",
                self.done.len(),
                self.dir.display()
            )),
            other => other,
        })?;
        let outcomes: Vec<Outcome> = score(&dir, &self.targets)?;
        let loss = outcomes.iter().map(target_loss).sum();
        let line = crate::history::score_line(&outcomes);
        self.done.push(Trial { values: values.to_vec(), loss, score: line.clone() });
        let text = serde_json::to_string_pretty(&self.done).unwrap_or_default();
        crate::output::write_atomic(&self.dir.join("trials.json"), text.as_bytes())?;
        Ok((loss, line))
    }
}

/// The best values found, their loss, and the score line of the targets with them.
pub type Calibrated = (Vec<(String, f64)>, f64, String);

/// The starting point: each parameter's value in the scenario, refused when unknown.
fn start(base: &Resolved, grids: &[Grid]) -> Result<Vec<(String, f64)>, CommandError> {
    let names = base.params().names();
    grids
        .iter()
        .map(|g| {
            let current = names.iter().find(|(n, _)| *n == g.name).ok_or_else(|| {
                CommandError::Input(format!("no parameter named `{}`; `revsim explain --params` lists them", g.name))
            })?;
            // Every trial value must be one the parameter can take (whole numbers for counts).
            let mut probe = base.scenario.clone();
            for v in &g.values {
                scenario::apply_change(&mut probe, &Change::SetParameter(g.name.clone(), *v))
                    .map_err(CommandError::Input)?;
            }
            Ok((g.name.clone(), current.1))
        })
        .collect()
}

/// Runs the search; returns the best values, the loss and the score line, and a log.
pub fn calibrate(opts: &CalibrateOptions, mut log: impl FnMut(&str)) -> Result<Calibrated, CommandError> {
    let base = scenario::load(&opts.scenario)?;
    let targets = crate::history::load_targets(&opts.targets)?;
    let e = &opts.ensemble;
    crate::limits::check_request(&base, e.scale, e.seed, e.runs, e.jobs).map_err(CommandError::Input)?;
    let mut best = start(&base, &opts.grids)?;
    let name = base.scenario.name.clone();
    let mut trials = Trials::open(&name, opts.resume, base, targets, e.clone())?;
    let (mut best_loss, mut best_score) = trials.evaluate(&best)?;
    log(&format!("start: loss {best_loss:.4} ({best_score})"));
    for pass in 1..=opts.passes {
        for (i, g) in opts.grids.iter().enumerate() {
            for v in &g.values {
                if (*v - best[i].1).abs() < 1e-15 {
                    continue;
                }
                let mut trial = best.clone();
                trial[i].1 = *v;
                let (loss, score) = trials.evaluate(&trial)?;
                log(&format!("pass {pass}: {} = {v} → loss {loss:.4}", g.name));
                if loss < best_loss {
                    (best_loss, best, best_score) = (loss, trial, score);
                }
            }
            log(&format!("pass {pass}: best {} = {} (loss {best_loss:.4})", g.name, best[i].1));
        }
    }
    let _ = std::fs::remove_dir_all(&trials.dir);
    Ok((best, best_loss, best_score))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grids_parse_ranges_and_lists() {
        let g: Grid = "war.conscription=0.001:0.002:3".parse().unwrap();
        assert_eq!(g.name, "war.conscription");
        assert_eq!(g.values, vec![0.001, 0.0015, 0.002]);
        let g: Grid = "a.b=1,2.5".parse().unwrap();
        assert_eq!(g.values, vec![1.0, 2.5]);
        assert!("a.b".parse::<Grid>().is_err());
        assert!("a.b=1:2:1".parse::<Grid>().is_err());
    }
}
