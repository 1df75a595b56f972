//! `revsim attribute`: how much of the difference between a base and several changes made
//! together each change accounts for (docs/QUESTIONS.md).
//!
//! Each factor is a scenario file whose `changes` are one cause. The base is run with every
//! subset of the factors' changes applied ([`factors::compose`]), all on the same seeds, and for
//! each metric asked for, the difference between the base and all factors applied is split
//! into one Shapley value per factor, with pairwise interaction terms and bootstrap intervals
//! over seeds ([`shapley`]). Subsets that make the same world (a factor that duplicates another,
//! or changes nothing) are run once.
//!
//! The parts: [`factors`] (loading, conflicts, composing), [`runs`] (the runs), [`shapley`]
//! (the arithmetic), [`tables`] (the CSV files and the headline in words).

pub mod factors;
pub mod runs;
pub mod shapley;
pub mod tables;

use crate::date::Date;
use crate::error::CommandError;
use crate::output::{self, StagedDir};
use crate::scenario::{self, Resolved};
use shapley::{Design, Mask, Terms};
use std::path::{Path, PathBuf};

/// A metric and where it is read: `NAME` (at the end of the run) or `NAME@YYYY-MM-DD` (the last
/// week on or before that date).
#[derive(Clone, Debug, PartialEq)]
pub struct MetricSpec {
    pub name: String,
    pub column: usize,
    pub date: Option<Date>,
}

impl MetricSpec {
    /// The date as written in the files: the date, or `end`.
    pub fn date_label(&self) -> String {
        self.date.map_or("end".into(), |d| d.to_string())
    }
}

impl std::str::FromStr for MetricSpec {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let (name, date) = match text.split_once('@') {
            Some((n, d)) => (n.trim(), Some(d.trim())),
            None => (text.trim(), None),
        };
        let column = crate::metrics::index(name).ok_or_else(|| {
            let near = scenario::did_you_mean(name, crate::metrics::METRICS.iter().copied())
                .map(|n| format!(" (did you mean `{n}`?)"))
                .unwrap_or_default();
            format!("no metric `{name}`{near}; `revsim explain --metrics` lists them")
        })?;
        let date = date.map(|d| d.parse::<Date>().map_err(|e| format!("`{d}` in --metric {text}: {e}"))).transpose()?;
        Ok(MetricSpec { name: name.to_string(), column, date })
    }
}

/// The metrics attributed when none is named: the three the question turns on, at the end.
pub const DEFAULT_METRICS: [&str; 3] = ["soviet_democracy_index", "centralization", "party_pluralism"];
/// Orders drawn when there are more than [`shapley::MAX_EXACT`] factors, by default.
pub const DEFAULT_ORDERS: usize = 200;

/// Options of `revsim attribute`.
#[derive(Clone, Debug)]
pub struct AttributeOptions {
    pub base: PathBuf,
    pub factors: Vec<PathBuf>,
    pub metrics: Vec<MetricSpec>,
    pub runs: usize,
    pub seed: u64,
    pub scale: u32,
    pub jobs: usize,
    /// Orders sampled above [`shapley::MAX_EXACT`] factors.
    pub orders: usize,
    pub out: Option<PathBuf>,
    pub force: bool,
    pub quiet: bool,
    pub command_line: String,
    pub charts: Option<crate::chart::ChartOptions>,
}

/// The attribution of one metric.
#[derive(Clone, Debug)]
pub struct MetricResult {
    pub spec: MetricSpec,
    /// Mean over seeds of the base and of all factors applied.
    pub baseline: f64,
    pub all: f64,
    /// The terms of the mean, and the bootstrap 95% bounds of each.
    pub terms: Terms,
    pub low: Terms,
    pub high: Terms,
    /// The mean of each subset run, ascending by mask.
    pub subsets: Vec<(Mask, f64)>,
}

/// What `revsim attribute` found.
#[derive(Clone, Debug)]
pub struct Attribution {
    pub dir: PathBuf,
    pub base: String,
    /// (name, title) per factor.
    pub factors: Vec<(String, String)>,
    pub design: Design,
    pub metrics: Vec<MetricResult>,
    /// Seeds whose runs all finished (the others are left out of every subset).
    pub seeds_used: usize,
    pub failed: Vec<(u64, String)>,
    /// Distinct worlds run (subsets making the same world run once).
    pub worlds: usize,
    pub wall_seconds: f64,
}

/// The checks before any run: the numbers, the metrics' dates, the folder.
fn check(base: &Resolved, dir: &Path, opts: &AttributeOptions) -> Result<(), CommandError> {
    crate::limits::check_request(base, opts.scale, opts.seed, opts.runs, opts.jobs).map_err(CommandError::Input)?;
    let k = opts.factors.len();
    if !(1..=shapley::MAX_FACTORS).contains(&k) {
        return Err(CommandError::Input(format!("attribute takes 1 to {} factors, not {k}", shapley::MAX_FACTORS)));
    }
    if opts.metrics.is_empty() {
        return Err(CommandError::Input("name at least one --metric".into()));
    }
    for m in &opts.metrics {
        if let Some(d) = m.date.filter(|d| *d < base.start() || *d > base.end()) {
            return Err(CommandError::Input(format!(
                "--metric {}@{d}: the date is outside the scenario, {} to {}",
                m.name,
                base.start(),
                base.end()
            )));
        }
    }
    output::check_out_dir(dir, opts.force)?;
    Ok(())
}

/// Each subset's world, run once per distinct world: (the worlds, the world of each subset).
fn worlds(
    base: &Resolved,
    fs: &[factors::Factor],
    masks: &[Mask],
) -> Result<(Vec<Resolved>, Vec<usize>), CommandError> {
    let mut worlds: Vec<Resolved> = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    let mut of = Vec::with_capacity(masks.len());
    for &mask in masks {
        let w = factors::compose(base, fs, mask)?;
        let text = w.to_ron();
        match texts.iter().position(|t| *t == text) {
            Some(i) => of.push(i),
            None => {
                of.push(worlds.len());
                texts.push(text);
                worlds.push(w);
            }
        }
    }
    Ok((worlds, of))
}

/// The attribution of metric `m` from the runs of the seeds in `ok`.
fn attribute_metric(
    design: &Design,
    masks: &[Mask],
    value: impl Fn(usize, usize) -> f64,
    ok: &[usize],
    spec: &MetricSpec,
    seed: u64,
) -> MetricResult {
    let at = |mask: Mask| masks.binary_search(&mask).expect("every subset the design uses is run");
    let n = ok.len() as f64;
    let means: Vec<f64> = (0..masks.len()).map(|i| ok.iter().map(|&r| value(i, r)).sum::<f64>() / n).collect();
    let terms = design.terms(|mask| means[at(mask)]);
    let per_seed: Vec<Vec<f64>> = ok.iter().map(|&r| design.terms(|mask| value(at(mask), r)).flat()).collect();
    let bounds: Vec<(f64, f64)> = (0..per_seed.first().map_or(0, Vec::len))
        .map(|c| {
            let column: Vec<f64> = per_seed.iter().map(|row| row[c]).collect();
            if column.iter().any(|v| v.is_nan()) {
                (f64::NAN, f64::NAN)
            } else {
                shapley::interval(&column, crate::ensemble::BOOTSTRAP, seed)
            }
        })
        .collect();
    let k = design.k();
    let all = masks.len() - 1;
    MetricResult {
        spec: spec.clone(),
        baseline: means[0],
        all: means[all],
        low: Terms::from_flat(&bounds.iter().map(|b| b.0).collect::<Vec<_>>(), k),
        high: Terms::from_flat(&bounds.iter().map(|b| b.1).collect::<Vec<_>>(), k),
        terms,
        subsets: masks.iter().copied().zip(means).collect(),
    }
}

/// `revsim attribute`: the runs, the files, the charts.
pub fn attribute(opts: &AttributeOptions) -> Result<Attribution, CommandError> {
    let base = scenario::load(&opts.base)?;
    let dir = opts.out.clone().unwrap_or_else(|| Path::new("output").join(format!("attribute-{}", base.scenario.name)));
    check(&base, &dir, opts)?;
    let fs = factors::load(&base, &opts.base, &opts.factors)?;
    let design = Design::new(fs.len(), opts.orders, opts.seed);
    let masks = design.subsets();
    let (worlds, world_of) = worlds(&base, &fs, &masks)?;
    let started = output::now_utc();
    let clock = std::time::Instant::now();
    if !opts.quiet {
        eprintln!(
            "revsim attribute: {} factors, {} subsets ({} distinct worlds) × {} seeds",
            fs.len(),
            masks.len(),
            worlds.len(),
            opts.runs
        );
    }
    let plan = runs::Plan {
        worlds: &worlds,
        metrics: &opts.metrics,
        runs: opts.runs,
        seed: opts.seed,
        scale: opts.scale,
        jobs: opts.jobs,
        quiet: opts.quiet,
    };
    let table = runs::run_all(&plan)?;
    let wall = clock.elapsed().as_secs_f64();
    let mut failed = Vec::new();
    let ok: Vec<usize> = (0..opts.runs)
        .filter(|&r| match table.iter().find_map(|w| w[r].as_ref().err()) {
            Some(message) => {
                failed.push((crate::ensemble::run_seed(opts.seed, r), message.clone()));
                false
            }
            None => true,
        })
        .collect();
    if ok.is_empty() {
        let (seed, message) = failed.first().cloned().unwrap_or_default();
        return Err(CommandError::Run { seed, message: format!("no seed ran in every subset: {message}") });
    }
    let metrics = (0..opts.metrics.len())
        .map(|m| {
            let value = |i: usize, r: usize| table[world_of[i]][r].as_ref().map_or(f64::NAN, |v| v[m]);
            attribute_metric(&design, &masks, value, &ok, &opts.metrics[m], opts.seed)
        })
        .collect();
    let result = Attribution {
        dir: dir.clone(),
        base: base.scenario.name.clone(),
        factors: fs.iter().map(|f| (f.name.clone(), f.title.clone())).collect(),
        design,
        metrics,
        seeds_used: ok.len(),
        failed,
        worlds: worlds.len(),
        wall_seconds: wall,
    };
    write(&result, &base, &fs, opts, &started)?;
    if let Some(charts) = &opts.charts {
        tables::draw_charts(&result, charts).map_err(|e| CommandError::Chart(e.to_string()))?;
    }
    Ok(result)
}

/// The folder: the tables, the headline, the manifest, written at once.
fn write(
    a: &Attribution,
    base: &Resolved,
    fs: &[factors::Factor],
    opts: &AttributeOptions,
    started: &str,
) -> Result<(), CommandError> {
    let staged = StagedDir::new(&a.dir)?;
    output::write_atomic(&staged.path("attribution.csv"), tables::attribution_csv(a).as_bytes())?;
    output::write_atomic(&staged.path("interactions.csv"), tables::interactions_csv(a).as_bytes())?;
    output::write_atomic(&staged.path("subsets.csv"), tables::subsets_csv(a).as_bytes())?;
    output::write_atomic(&staged.path("headline.md"), tables::headline_md(a).as_bytes())?;
    output::write_atomic(&staged.path("scenario.resolved.ron"), base.to_ron().as_bytes())?;
    let file = |p: &Path| serde_json::json!({"path": p.display().to_string(), "sha256": output::sha256_file(p)});
    let factor_list: Vec<serde_json::Value> = fs
        .iter()
        .map(|f| serde_json::json!({"name": f.name, "title": f.title, "file": file(&f.path), "changes": f.changes.len()}))
        .collect();
    let extra = serde_json::json!({
        "command": "attribute",
        "factors": factor_list,
        "metrics": opts.metrics.iter().map(|m| format!("{}@{}", m.name, m.date_label())).collect::<Vec<_>>(),
        "method": match a.design { Design::Exact { .. } => "exact Shapley values over every subset", Design::Sampled { .. } => "Shapley values estimated over sampled orders" },
        "subsets": a.metrics.first().map_or(0, |m| m.subsets.len()),
        "orders_sampled": match &a.design { Design::Sampled { orders, .. } => orders.len(), Design::Exact { .. } => 0 },
        "distinct_worlds": a.worlds,
        "seed": opts.seed,
        "seed_rule": "run r (from 0) of every subset uses seed + r",
        "runs": opts.runs,
        "seeds_used": a.seeds_used,
        "failed_runs": a.failed.iter().map(|(s, m)| serde_json::json!({"seed": s, "message": m})).collect::<Vec<_>>(),
        "scale": opts.scale,
        "bootstrap_resamples": crate::ensemble::BOOTSTRAP,
    });
    let text = output::manifest(base, &opts.command_line, extra, started, a.wall_seconds);
    output::write_atomic(&staged.path("manifest.json"), text.as_bytes())?;
    staged.commit()?;
    Ok(())
}
