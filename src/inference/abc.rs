//! `revsim abc`: calibration as inference, by approximate Bayesian computation with rejection
//! (Pritchard et al. 1999; Beaumont, Zhang and Balding 2002). Coefficient vectors are drawn
//! from the priors (a Latin hypercube over the prior ranges, from the seed), each is run on the
//! same seeds, and scored by the history loss of `revsim calibrate` (the squared distance of each
//! target's median outside its range, as a share of its central value); the `--accept` vectors
//! with the smallest loss are kept: the tolerance ε is the largest loss accepted. They are the
//! posterior file, one vector per row with its loss.
//!
//! Out of sample: with `--hold-out K`, K targets (drawn from the seed) are left out of the loss,
//! and the report says how many of them the accepted vectors put inside the historians' range
//! (the median over every run of every accepted vector).

use super::evaluate::{Runner, run_each, with_values};
use super::posterior::Posterior;
use super::sensitivity::{Factor, FactorArg, factors};
use crate::calibrate::target_loss;
use crate::error::CommandError;
use crate::history::{Outcome, Target, score_runs};
use crate::output::{self, fmt_num};
use crate::scenario;
use rand::{RngExt, SeedableRng};
use std::path::PathBuf;

/// Options of `revsim abc`.
#[derive(Clone, Debug)]
pub struct AbcOptions {
    pub scenario: PathBuf,
    pub targets: PathBuf,
    pub params: Vec<FactorArg>,
    pub all_calibrated: bool,
    /// Vectors drawn from the priors, and how many of the best are kept.
    pub draws: usize,
    pub accept: usize,
    /// Targets left out of the loss (drawn from the seed).
    pub hold_out: usize,
    pub runner: Runner,
    pub out: PathBuf,
    pub force: bool,
    pub command_line: String,
}

/// What the rejection kept, and how the held-out targets fared.
#[derive(Clone, Debug)]
pub struct AbcReport {
    pub dir: PathBuf,
    pub posterior: Posterior,
    pub tolerance: f64,
    pub held_out: Vec<String>,
    /// (target, inside its range with the accepted vectors' runs pooled)
    pub fit: Vec<(String, bool)>,
}

/// The K targets left out, drawn from the seed (file order kept).
pub fn held_out(targets: &[Target], k: usize, seed: u64) -> Vec<String> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ 0x686f_6c64);
    let mut order: Vec<usize> = (0..targets.len()).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.random_range(0..=i));
    }
    let mut chosen: Vec<usize> = order.into_iter().take(k).collect();
    chosen.sort_unstable();
    chosen.into_iter().map(|i| targets[i].id.clone()).collect()
}

/// One vector: its loss on the calibration targets, and every target scored on its runs.
fn evaluate(
    base: &scenario::Resolved,
    values: &[(String, f64)],
    targets: &[Target],
    held: &[String],
    runner: &Runner,
) -> Result<(f64, Vec<crate::run::RunOutput>), CommandError> {
    let r = with_values(base, values)?;
    let outs = run_each(&[&r], runner)?.remove(0);
    let refs: Vec<&crate::run::RunOutput> = outs.iter().collect();
    let scored: Vec<Outcome> = score_runs(&refs, targets);
    let loss = scored.iter().filter(|o| !held.contains(&o.target.id)).map(target_loss).sum();
    Ok((loss, outs))
}

fn check(opts: &AbcOptions, targets: &[Target]) -> Result<(), CommandError> {
    let bad = |m: String| Err(CommandError::Input(m));
    if opts.draws == 0 || opts.accept == 0 || opts.accept > opts.draws {
        return bad(format!("--accept ({}) must lie in 1..=--draws ({})", opts.accept, opts.draws));
    }
    if opts.hold_out >= targets.len() {
        return bad(format!(
            "--hold-out {} leaves no target to calibrate on ({} targets)",
            opts.hold_out,
            targets.len()
        ));
    }
    Ok(())
}

/// `revsim abc`: draws, runs, keeps the best, writes `posterior.csv` and `abc.md` into `out`.
pub fn abc(opts: &AbcOptions, mut log: impl FnMut(&str)) -> Result<AbcReport, CommandError> {
    let base = scenario::load(&opts.scenario)?;
    let targets = crate::history::load_targets(&opts.targets)?;
    check(opts, &targets)?;
    let fs = factors(&base, &opts.params, opts.all_calibrated)?;
    let r = &opts.runner;
    crate::limits::check_request(&base, r.scale, r.seed, r.runs, r.jobs).map_err(CommandError::Input)?;
    output::check_out_dir(&opts.out, opts.force)?;
    let held = held_out(&targets, opts.hold_out, r.seed);
    let ranges: Vec<crate::sweep::Range> =
        fs.iter().map(|f| crate::sweep::Range { name: f.name.clone(), low: f.low, high: f.high }).collect();
    let points = crate::sweep::design_points(&ranges, crate::sweep::Design::Lhs, opts.draws, r.seed);
    let mut scored: Vec<(f64, Vec<f64>, Vec<crate::run::RunOutput>)> = Vec::new();
    for (i, x) in points.iter().enumerate() {
        let values: Vec<(String, f64)> = fs.iter().map(|f| f.name.clone()).zip(x.iter().copied()).collect();
        let (loss, outs) = evaluate(&base, &values, &targets, &held, r)?;
        log(&format!("draw {}/{}: loss {loss:.4}", i + 1, points.len()));
        scored.push((loss, x.clone(), outs));
        // Only the best `accept` keep their runs (memory stays bounded).
        scored.sort_by(|a, b| a.0.total_cmp(&b.0));
        scored.truncate(opts.accept);
    }
    let tolerance = scored.last().map_or(f64::NAN, |s| s.0);
    let all_runs: Vec<&crate::run::RunOutput> = scored.iter().flat_map(|s| s.2.iter()).collect();
    let pooled = score_runs(&all_runs, &targets);
    let fit: Vec<(String, bool)> = pooled.iter().map(|o| (o.target.id.clone(), o.inside())).collect();
    let posterior = Posterior {
        names: fs.iter().map(|f| f.name.clone()).collect(),
        draws: scored.iter().map(|s| (s.0, s.1.clone())).collect(),
    };
    let report = AbcReport { dir: opts.out.clone(), posterior, tolerance, held_out: held, fit };
    let staged = output::StagedDir::new(&opts.out)?;
    output::write_atomic(&staged.path("posterior.csv"), report.posterior.to_csv().as_bytes())?;
    output::write_atomic(&staged.path("abc.md"), abc_md(&report, &pooled, &fs, opts).as_bytes())?;
    let dir = staged.commit()?;
    Ok(AbcReport { dir, ..report })
}

/// A target's number as written in a table; an event's day count as its date.
fn shown(o: &Outcome, v: f64) -> String {
    match crate::date::Date::from_ymd(1900, 1, 1) {
        Some(epoch) if o.target.kind == "event_date" && v.is_finite() => epoch.add_days(v.round() as i32).to_string(),
        _ if o.target.kind == "event_date" => "never".into(),
        _ => fmt_num(v),
    }
}

/// `abc.md`: the settings, the tolerance, the fit of every target with the accepted vectors
/// (held-out ones marked), and each coefficient's accepted range against its prior.
fn abc_md(r: &AbcReport, pooled: &[Outcome], fs: &[Factor], opts: &AbcOptions) -> String {
    let inside = |held: bool| {
        let set: Vec<&(String, bool)> = r.fit.iter().filter(|(id, _)| r.held_out.contains(id) == held).collect();
        (set.iter().filter(|(_, i)| *i).count(), set.len())
    };
    let (cal_in, cal_n) = inside(false);
    let (held_in, held_n) = inside(true);
    let mut text = format!(
        "# Calibration by ABC rejection\n\nGenerated by `{}`.\n\n{} vectors drawn from the priors of {} coefficients \
         (a Latin hypercube, seed {}), each run {} times (seeds {} + k) at scale {}; the {} with the smallest history \
         loss kept (tolerance ε = {}).\n\nWith the accepted vectors' runs pooled: **{cal_in} of {cal_n} calibration \
         targets** inside the historians' range",
        opts.command_line,
        opts.draws,
        fs.len(),
        opts.runner.seed,
        opts.runner.runs,
        opts.runner.seed,
        opts.runner.scale,
        opts.accept,
        fmt_num(r.tolerance)
    );
    if held_n > 0 {
        text.push_str(&format!("; out of sample, **{held_in} of {held_n} held-out targets** inside"));
    }
    text.push_str(".\n\n| target | held out | model median | historians' range | inside |\n|---|---|---|---|---|\n");
    for o in pooled {
        let held = r.held_out.contains(&o.target.id);
        text.push_str(&format!(
            "| {} | {} | {} | {} – {} | {} |\n",
            o.target.id,
            if held { "yes" } else { "" },
            shown(o, o.median),
            shown(o, o.low),
            shown(o, o.high),
            if o.inside() { "yes" } else { "no" }
        ));
    }
    text.push_str("\n| coefficient | prior | accepted (min – max) |\n|---|---|---|\n");
    for (j, f) in fs.iter().enumerate() {
        let v: Vec<f64> = r.posterior.draws.iter().map(|d| d.1[j]).collect();
        let (lo, hi) = v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(*x), b.max(*x)));
        text.push_str(&format!(
            "| `{}` | {} – {} | {} – {} |\n",
            f.name,
            fmt_num(f.low),
            fmt_num(f.high),
            fmt_num(lo),
            fmt_num(hi)
        ));
    }
    text
}
