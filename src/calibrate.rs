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

use crate::commands::CommandError;
use crate::ensemble::{EnsembleOptions, ensemble_resolved};
use crate::history::{Outcome, Target, score};
use crate::scenario::{self, Change, Resolved};
use std::path::Path;

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
    pub ensemble: EnsembleOptions,
}

fn evaluate(
    resolved: &Resolved,
    targets: &[Target],
    opts: &EnsembleOptions,
    dir: &Path,
) -> Result<(f64, Vec<Outcome>), CommandError> {
    let e = EnsembleOptions { force: true, resume: false, quiet: true, charts: None, ..opts.clone() };
    ensemble_resolved(resolved, dir, &e)?;
    let outcomes = score(dir, targets)?;
    let loss = outcomes.iter().map(target_loss).sum();
    Ok((loss, outcomes))
}

/// The best values found, their loss, and how each target fared with them.
pub type Calibrated = (Vec<(String, f64)>, f64, Vec<Outcome>);

/// Runs the search; returns the best values, the loss and the outcomes, and a log.
pub fn calibrate(opts: &CalibrateOptions, mut log: impl FnMut(&str)) -> Result<Calibrated, CommandError> {
    let base = scenario::load(&opts.scenario)?;
    let targets = crate::history::load_targets(&opts.targets)?;
    let names = base.params().names();
    let mut best: Vec<(String, f64)> = Vec::new();
    for g in &opts.grids {
        let current = names.iter().find(|(n, _)| *n == g.name).ok_or_else(|| {
            CommandError::Input(format!("no parameter named `{}`; `revsim explain` lists parameter names", g.name))
        })?;
        best.push((g.name.clone(), current.1));
    }
    let work = std::env::temp_dir().join(format!("revsim-calibrate-{}", std::process::id()));
    let with = |values: &[(String, f64)]| -> Result<Resolved, CommandError> {
        let mut r = base.clone();
        for (name, v) in values {
            scenario::apply_change(&mut r.scenario, &Change::SetParameter(name.clone(), *v))
                .map_err(CommandError::Input)?;
        }
        Ok(r)
    };
    let (mut best_loss, mut best_outcomes) = evaluate(&with(&best)?, &targets, &opts.ensemble, &work)?;
    log(&format!("start: loss {best_loss:.4} ({})", crate::history::score_line(&best_outcomes)));
    for pass in 1..=opts.passes {
        for (i, g) in opts.grids.iter().enumerate() {
            for v in &g.values {
                if (*v - best[i].1).abs() < 1e-15 {
                    continue;
                }
                let mut trial = best.clone();
                trial[i].1 = *v;
                let (loss, outcomes) = evaluate(&with(&trial)?, &targets, &opts.ensemble, &work)?;
                log(&format!("pass {pass}: {} = {v} → loss {loss:.4}", g.name));
                if loss < best_loss {
                    best_loss = loss;
                    best = trial;
                    best_outcomes = outcomes;
                }
            }
            log(&format!("pass {pass}: best {} = {} (loss {best_loss:.4})", g.name, best[i].1));
        }
    }
    let _ = std::fs::remove_dir_all(&work);
    Ok((best, best_loss, best_outcomes))
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
