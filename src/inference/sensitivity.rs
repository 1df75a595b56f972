//! `revsim sensitivity`: which free coefficients matter, by Morris's elementary effects over
//! their priors, for the history loss, each target's mean, and (given an alternative scenario)
//! the counterfactual's effect on chosen quantities (paired: the same coefficients and seeds in
//! both scenarios).

use super::evaluate::{Quantity, Runner, loss, run_each, target_values, with_values};
use super::morris::{self, Stat};
use crate::error::CommandError;
use crate::history::Target;
use crate::output::{self, fmt_num};
use crate::scenario::{self, Resolved};
use std::path::{Path, PathBuf};

/// A coefficient moved over a range (its prior, or one given on the command line).
#[derive(Clone, Debug, PartialEq)]
pub struct Factor {
    pub name: String,
    pub low: f64,
    pub high: f64,
}

impl Factor {
    pub fn at(&self, x: f64) -> f64 {
        self.low + x * (self.high - self.low)
    }
}

/// `NAME` (its prior in the scenario file) or `NAME=LOW:HIGH`.
#[derive(Clone, Debug, PartialEq)]
pub struct FactorArg {
    pub name: String,
    pub range: Option<(f64, f64)>,
}

impl std::str::FromStr for FactorArg {
    type Err = String;
    fn from_str(text: &str) -> Result<FactorArg, String> {
        if text.contains('=') {
            let r: crate::sweep::Range = text.parse()?;
            return Ok(FactorArg { name: r.name, range: Some((r.low, r.high)) });
        }
        Ok(FactorArg { name: text.trim().to_string(), range: None })
    }
}

/// The factors asked for: each named one with its prior (or its given range), or with `all`
/// every coefficient with a prior.
pub fn factors(base: &Resolved, asked: &[FactorArg], all: bool) -> Result<Vec<Factor>, CommandError> {
    let priors = scenario::priors(base).map_err(CommandError::Input)?;
    if all {
        return Ok(priors.iter().map(|p| Factor { name: p.name.clone(), low: p.low, high: p.high }).collect());
    }
    if asked.is_empty() {
        return Err(CommandError::Input("give --param NAME (repeat) or --all-calibrated".into()));
    }
    let names = base.params().names();
    let mut out: Vec<Factor> = Vec::new();
    for a in asked {
        if !names.iter().any(|(n, _)| *n == a.name) {
            let near = scenario::did_you_mean(&a.name, names.iter().map(|(n, _)| n.as_str()))
                .map(|n| format!(" (did you mean `{n}`?)"))
                .unwrap_or_default();
            return Err(CommandError::Input(format!("--param: no parameter named `{}`{near}", a.name)));
        }
        if out.iter().any(|f| f.name == a.name) {
            return Err(CommandError::Input(format!("--param {} is given twice", a.name)));
        }
        let (low, high) = match a.range {
            Some(r) => r,
            None => priors.iter().find(|p| p.name == a.name).map(|p| (p.low, p.high)).ok_or_else(|| {
                CommandError::Input(format!(
                    "`{}` has no prior in the scenario file: give its range, --param {}=LOW:HIGH",
                    a.name, a.name
                ))
            })?,
        };
        out.push(Factor { name: a.name.clone(), low, high });
    }
    Ok(out)
}

/// Options of `revsim sensitivity`.
#[derive(Clone, Debug)]
pub struct SensitivityOptions {
    pub scenario: PathBuf,
    pub alt: Option<PathBuf>,
    pub targets: PathBuf,
    pub params: Vec<FactorArg>,
    pub all_calibrated: bool,
    pub metrics: Vec<Quantity>,
    pub trajectories: usize,
    pub runner: Runner,
    pub out: Option<PathBuf>,
    pub force: bool,
    pub command_line: String,
    pub charts: Option<crate::chart::ChartOptions>,
}

/// What a sensitivity analysis found: per output (loss, targets, effects) and factor.
#[derive(Clone, Debug)]
pub struct SensitivityReport {
    pub dir: PathBuf,
    pub factors: Vec<Factor>,
    pub outputs: Vec<String>,
    pub stats: Vec<Vec<Stat>>,
    pub runs: usize,
    pub wall_seconds: f64,
}

/// The outputs at one point of the cube: loss, each target's mean over the runs, each effect.
fn outputs_at(
    (base, alt): (&Resolved, Option<&Resolved>),
    factors: &[Factor],
    x: &[f64],
    (targets, metrics, runner): (&[Target], &[Quantity], &Runner),
) -> Result<Vec<f64>, CommandError> {
    let values: Vec<(String, f64)> = factors.iter().zip(x).map(|(f, x)| (f.name.clone(), f.at(*x))).collect();
    let b = with_values(base, &values)?;
    let a = alt.map(|a| with_values(a, &values)).transpose()?;
    let scenarios: Vec<&Resolved> = std::iter::once(&b).chain(a.as_ref()).collect();
    let outs = run_each(&scenarios, runner)?;
    let mut y = vec![loss(&outs[0], targets)];
    let per_run: Vec<Vec<f64>> = outs[0].iter().map(|o| target_values(o, targets)).collect();
    for t in 0..targets.len() {
        let v: Vec<f64> = per_run.iter().map(|r| r[t]).filter(|v| v.is_finite()).collect();
        y.push(if v.is_empty() { f64::NAN } else { v.iter().sum::<f64>() / v.len() as f64 });
    }
    if let Some(alt_runs) = outs.get(1) {
        y.extend(metrics.iter().map(|m| m.effect(&outs[0], alt_runs)));
    }
    Ok(y)
}

/// `revsim sensitivity`: the design, its runs, and the folder with the table, the Markdown and
/// the tornado charts.
pub fn sensitivity(opts: &SensitivityOptions) -> Result<SensitivityReport, CommandError> {
    let base = scenario::load(&opts.scenario)?;
    let alt = opts.alt.as_ref().map(|p| scenario::load(p)).transpose()?;
    let targets = crate::history::load_targets(&opts.targets)?;
    let factors = factors(&base, &opts.params, opts.all_calibrated)?;
    let r = &opts.runner;
    if opts.trajectories == 0 || r.runs == 0 {
        return Err(CommandError::Input("--trajectories and --runs must be at least 1".into()));
    }
    if alt.is_none() && !opts.metrics.is_empty() {
        return Err(CommandError::Input("--metric needs an alternative scenario (revsim sensitivity BASE ALT)".into()));
    }
    crate::limits::check_request(&base, r.scale, r.seed, r.runs, r.jobs).map_err(CommandError::Input)?;
    let dir =
        opts.out.clone().unwrap_or_else(|| Path::new("output").join(format!("sensitivity-{}", base.scenario.name)));
    output::check_out_dir(&dir, opts.force)?;
    let started = output::now_utc();
    let clock = std::time::Instant::now();
    let design = morris::trajectories(factors.len(), opts.trajectories, r.seed);
    let mut ys = Vec::new();
    for t in &design {
        let ctx = (targets.as_slice(), opts.metrics.as_slice(), r);
        ys.push(
            t.points
                .iter()
                .map(|x| outputs_at((&base, alt.as_ref()), &factors, x, ctx))
                .collect::<Result<Vec<_>, _>>()?,
        );
    }
    let mut outputs = vec!["loss".to_string()];
    outputs.extend(targets.iter().map(|t| format!("target:{}", t.id)));
    outputs.extend(opts.metrics.iter().map(|m| format!("effect:{}", m.name())));
    let stats = morris::effects(&design, &ys, factors.len(), outputs.len());
    let wall = clock.elapsed().as_secs_f64();
    let runs = design.len() * (factors.len() + 1) * r.runs * if alt.is_some() { 2 } else { 1 };
    let report = SensitivityReport { dir: dir.clone(), factors, outputs, stats, runs, wall_seconds: wall };
    let staged = output::StagedDir::new(&dir)?;
    output::write_atomic(&staged.path("sensitivity.csv"), sensitivity_csv(&report).as_bytes())?;
    let title = alt
        .as_ref()
        .map_or(base.scenario.title.clone(), |a| format!("{} against {}", a.scenario.title, base.scenario.title));
    output::write_atomic(&staged.path("sensitivity.md"), sensitivity_md(&report, &title, opts).as_bytes())?;
    let extra = serde_json::json!({
        "kind": "sensitivity",
        "method": "Morris elementary effects, trajectory design, 4 levels, delta 2/3",
        "alternative": alt.as_ref().map(|a| a.scenario.name.clone()),
        "trajectories": opts.trajectories,
        "runs_per_point": r.runs,
        "runs": runs,
        "seed": r.seed,
        "seed_rule": "every point runs seeds seed + k for k < runs_per_point (common random numbers); the design is drawn from seed",
        "scale": r.scale,
        "factors": report.factors.iter().map(|f| serde_json::json!({"name": f.name, "low": f.low, "high": f.high})).collect::<Vec<_>>(),
    });
    let text = crate::commands::manifest(&base, &opts.command_line, extra, &started, wall);
    output::write_atomic(&staged.path("manifest.json"), text.as_bytes())?;
    let dir = staged.commit()?;
    if let Some(charts) = &opts.charts {
        draw(&dir, charts, &report, &title)?;
    }
    Ok(SensitivityReport { dir, ..report })
}

/// `sensitivity.csv`: one row per output and factor.
pub fn sensitivity_csv(r: &SensitivityReport) -> String {
    let mut text = String::from("output,param,low,high,mu,mu_star,sigma\n");
    for (o, stats) in r.outputs.iter().zip(&r.stats) {
        for (f, s) in r.factors.iter().zip(stats) {
            text.push_str(&format!(
                "{o},{},{},{},{},{},{}\n",
                f.name,
                fmt_num(f.low),
                fmt_num(f.high),
                fmt_num(s.mu),
                fmt_num(s.mu_star),
                fmt_num(s.sigma)
            ));
        }
    }
    text
}

/// The factors of output `o`, most important first.
fn ranked(r: &SensitivityReport, o: usize) -> Vec<(&Factor, Stat)> {
    let mut v: Vec<(&Factor, Stat)> = r.factors.iter().zip(r.stats[o].iter().copied()).collect();
    v.sort_by(|a, b| b.1.mu_star.total_cmp(&a.1.mu_star).then_with(|| a.0.name.cmp(&b.0.name)));
    v
}

/// `sensitivity.md`: the loss and each effect ranked, then each target's three most important
/// coefficients.
pub fn sensitivity_md(r: &SensitivityReport, title: &str, opts: &SensitivityOptions) -> String {
    let mut text = format!(
        "# Sensitivity: {title}\n\nMorris elementary effects: {} trajectories over {} coefficients, each point run {} times \
         (seeds {} + k), scale {}; {} runs in all. μ: the mean change of the output when the coefficient moves across \
         its whole prior; μ*: the mean absolute change (its importance); σ: the spread of the changes (interactions, \
         non-linearity). A coefficient with μ* = 0 does not move the output at all.\n",
        opts.trajectories,
        r.factors.len(),
        opts.runner.runs,
        opts.runner.seed,
        opts.runner.scale,
        r.runs
    );
    for (o, name) in r.outputs.iter().enumerate().filter(|(_, n)| !n.starts_with("target:")) {
        let what = if name == "loss" { "the history loss".to_string() } else { format!("the {name}") };
        text.push_str(&format!("\n## {what}\n\n| coefficient | prior | μ | μ* | σ |\n|---|---|---|---|---|\n"));
        for (f, s) in ranked(r, o) {
            text.push_str(&format!(
                "| `{}` | {}..{} | {} | {} | {} |\n",
                f.name,
                fmt_num(f.low),
                fmt_num(f.high),
                fmt_num(s.mu),
                fmt_num(s.mu_star),
                fmt_num(s.sigma)
            ));
        }
    }
    text.push_str("\n## The targets (the mean over the runs): the three coefficients with the largest μ*\n\n");
    text.push_str("| target | coefficients (μ*) |\n|---|---|\n");
    for (o, name) in r.outputs.iter().enumerate().filter(|(_, n)| n.starts_with("target:")) {
        let top: Vec<String> =
            ranked(r, o).iter().take(3).map(|(f, s)| format!("`{}` ({})", f.name, fmt_num(s.mu_star))).collect();
        text.push_str(&format!("| {} | {} |\n", name.trim_start_matches("target:"), top.join(", ")));
    }
    text
}

/// A tornado chart for the loss and for each effect.
fn draw(
    dir: &Path,
    charts: &crate::chart::ChartOptions,
    r: &SensitivityReport,
    title: &str,
) -> Result<(), CommandError> {
    for (o, name) in r.outputs.iter().enumerate().filter(|(_, n)| !n.starts_with("target:")) {
        let bars: Vec<(String, f64, f64)> =
            ranked(r, o).iter().map(|(f, s)| (f.name.clone(), s.mu, s.mu_star)).collect();
        let file = format!("tornado-{}", name.replace(':', "-"));
        let what =
            if name == "loss" { "the history loss".to_string() } else { name.replace("effect:", "the effect on ") };
        let heading = format!("Which coefficients move {what}");
        let sub = format!("{title}: Morris μ* (bar) and μ (dot) over each coefficient's prior");
        crate::chart::tornado_chart(&dir.join("charts"), charts, &file, (&heading, &sub), &bars)
            .map_err(|e| CommandError::Chart(e.to_string()))?;
    }
    Ok(())
}
