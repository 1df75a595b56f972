//! `revsim sweep`: runs of one scenario over a design of coefficient values, written as a
//! BehaviorSpace-style table (one row per run: run number, seed, every swept coefficient's
//! value, the outcomes) with charts of an outcome against each coefficient.
//!
//! Coefficients are set by their dotted names exactly as a scenario's `SetParameter` change
//! sets them (`revsim explain --params` lists the names). Designs: `grid` takes `--points`
//! evenly spaced values of each coefficient (LOW and HIGH included) and every combination of
//! them; `lhs` takes `--points` points of a Latin hypercube drawn from the master seed (each
//! coefficient's range cut into `--points` equal strata, one value in each, the strata paired
//! at random). Every point is run `--runs` times on the same seeds (repetition r uses seed
//! SEED + r), so that two points differ only by their coefficients: common random numbers, as
//! in a comparison. Run number = point × runs + repetition.

pub mod chart;

pub use chart::{DEFAULT_OUTCOMES, SweepTable, draw_charts, read_table};

use crate::commands::CommandError;
use crate::ensemble::run_seed;
use crate::metrics::METRICS;
use crate::output::{self, csv_field, fmt_num};
use crate::run::{RunOutput, simulate};
use crate::scenario::{self, Change, Resolved};
use rand::{RngExt, SeedableRng};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The table's file name in a sweep folder.
pub const TABLE: &str = "sweep.csv";

/// Most points a grid may have (`--points` to the power of the number of coefficients).
pub const MAX_POINTS: usize = 100_000;

/// A coefficient and the range it is swept over.
#[derive(Clone, Debug, PartialEq)]
pub struct Range {
    pub name: String,
    pub low: f64,
    pub high: f64,
}

impl std::str::FromStr for Range {
    type Err = String;
    /// `NAME=LOW:HIGH`.
    fn from_str(text: &str) -> Result<Range, String> {
        let (name, spec) = text.split_once('=').ok_or_else(|| format!("`{text}`: write NAME=LOW:HIGH"))?;
        let (low, high) = spec.split_once(':').ok_or_else(|| format!("`{spec}`: write LOW:HIGH"))?;
        let number = |s: &str| s.trim().parse::<f64>().ok().filter(|v| v.is_finite());
        let (Some(low), Some(high)) = (number(low), number(high)) else {
            return Err(format!("`{spec}`: LOW and HIGH must be numbers"));
        };
        if low > high {
            return Err(format!("`{spec}`: LOW is above HIGH"));
        }
        Ok(Range { name: name.trim().to_string(), low, high })
    }
}

/// How the points are placed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Design {
    Grid,
    Lhs,
}

impl std::str::FromStr for Design {
    type Err = String;
    fn from_str(text: &str) -> Result<Design, String> {
        match text {
            "grid" => Ok(Design::Grid),
            "lhs" => Ok(Design::Lhs),
            _ => Err(format!("`{text}`: the designs are grid and lhs")),
        }
    }
}

impl Design {
    pub fn key(self) -> &'static str {
        match self {
            Design::Grid => "grid",
            Design::Lhs => "lhs",
        }
    }
}

/// The points of a design: one value per coefficient each. Grid: `points` values of each
/// (LOW alone when `points` is 1), every combination, the last coefficient varying fastest.
/// Latin hypercube: `points` points from the seeded generator.
pub fn design_points(ranges: &[Range], design: Design, points: usize, seed: u64) -> Vec<Vec<f64>> {
    let at = |r: &Range, i: usize| {
        if points <= 1 { r.low } else { r.low + (r.high - r.low) * i as f64 / (points - 1) as f64 }
    };
    match design {
        Design::Grid => {
            let total = points.checked_pow(ranges.len() as u32).unwrap_or(usize::MAX);
            (0..total)
                .map(|mut k| {
                    let mut values = vec![0.0; ranges.len()];
                    for (j, r) in ranges.iter().enumerate().rev() {
                        values[j] = at(r, k % points);
                        k /= points;
                    }
                    values
                })
                .collect()
        }
        Design::Lhs => {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            let mut out = vec![vec![0.0; ranges.len()]; points];
            for (j, r) in ranges.iter().enumerate() {
                let mut strata: Vec<usize> = (0..points).collect();
                for i in (1..points).rev() {
                    strata.swap(i, rng.random_range(0..=i));
                }
                for (i, stratum) in strata.into_iter().enumerate() {
                    let u: f64 = rng.random_range(0.0..1.0);
                    out[i][j] = r.low + (r.high - r.low) * (stratum as f64 + u) / points as f64;
                }
            }
            out
        }
    }
}

/// Options of `revsim sweep`.
#[derive(Clone, Debug)]
pub struct SweepOptions {
    pub scenario: PathBuf,
    pub ranges: Vec<Range>,
    pub design: Design,
    pub points: usize,
    pub runs: usize,
    pub seed: u64,
    pub jobs: usize,
    pub scale: u32,
    pub out: Option<PathBuf>,
    pub force: bool,
    /// The outcomes charted against each coefficient (metric names; the table has them all).
    pub outcomes: Vec<String>,
    pub command_line: String,
    pub charts: Option<crate::chart::ChartOptions>,
}

/// What a sweep did.
#[derive(Clone, Debug)]
pub struct SweepReport {
    pub dir: PathBuf,
    pub points: usize,
    pub runs: usize,
    pub failed: usize,
    pub wall_seconds: f64,
}

/// The scenario with the point's values set; returns it and the values as set (an integer
/// coefficient takes the nearest whole value).
fn at_point(base: &Resolved, ranges: &[Range], values: &[f64]) -> Result<(Resolved, Vec<f64>), CommandError> {
    let mut r = base.clone();
    for (range, v) in ranges.iter().zip(values) {
        let set = |s: &mut scenario::Scenario, v: f64| {
            scenario::apply_change(s, &Change::SetParameter(range.name.clone(), v))
        };
        if set(&mut r.scenario, *v).is_err() {
            set(&mut r.scenario, v.round()).map_err(|e| CommandError::Input(format!("--param {}: {e}", range.name)))?;
        }
    }
    let problems = scenario::validate(&r.scenario);
    if !problems.is_empty() {
        return Err(CommandError::Input(format!(
            "a point of the sweep makes an invalid scenario: {}",
            problems.join("; ")
        )));
    }
    let names = r.params().names();
    let set: Vec<f64> =
        ranges.iter().map(|range| names.iter().find(|(n, _)| *n == range.name).map_or(f64::NAN, |(_, v)| *v)).collect();
    Ok((r, set))
}

fn check(opts: &SweepOptions, base: &Resolved) -> Result<(), CommandError> {
    let bad = |m: String| Err(CommandError::Input(m));
    if opts.ranges.is_empty() {
        return bad("give at least one --param NAME=LOW:HIGH".into());
    }
    if opts.points == 0 || opts.runs == 0 || opts.scale == 0 {
        return bad("--points, --runs and --scale must be at least 1".into());
    }
    let total = opts.points.checked_pow(opts.ranges.len() as u32).unwrap_or(usize::MAX);
    if opts.design == Design::Grid && total > MAX_POINTS {
        return bad(format!(
            "a grid of {} values of {} coefficients is over {MAX_POINTS} points: use --design lhs",
            opts.points,
            opts.ranges.len()
        ));
    }
    let names = base.params().names();
    for (i, r) in opts.ranges.iter().enumerate() {
        if !names.iter().any(|(n, _)| *n == r.name) {
            let near = scenario::did_you_mean(&r.name, names.iter().map(|(n, _)| n.as_str()));
            let near = near.map(|n| format!(" (did you mean `{n}`?)")).unwrap_or_default();
            return bad(format!(
                "no parameter named `{}`{near}; `revsim explain --params SCENARIO` lists them",
                r.name
            ));
        }
        if opts.ranges[..i].iter().any(|o| o.name == r.name) {
            return bad(format!("--param {} is given twice", r.name));
        }
    }
    for o in &opts.outcomes {
        if !METRICS.contains(&o.as_str()) {
            let near = scenario::did_you_mean(o, METRICS.iter().copied())
                .map(|n| format!(" (did you mean `{n}`?)"))
                .unwrap_or_default();
            return bad(format!("--outcome: no metric `{o}`{near}"));
        }
    }
    Ok(())
}

/// The table's header: run, seed, point, the coefficients, status, then the outcomes.
fn header(ranges: &[Range]) -> String {
    let names: Vec<String> = ranges.iter().map(|r| csv_field(&r.name)).collect();
    let finals: Vec<String> = METRICS.iter().map(|m| format!("final_{m}")).collect();
    format!(
        "run,seed,point,{},status,{},kronstadt,kronstadt_mutiny_date,tax_in_kind_date,end_state,message\n",
        names.join(","),
        finals.join(",")
    )
}

fn row(run: usize, seed: u64, point: usize, values: &[f64], result: &Result<RunOutput, String>) -> String {
    let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
    let head = format!("{run},{seed},{point},{}", values.join(","));
    match result {
        Ok(out) => {
            let last = out.rows.last().map(|r| r.2.clone()).unwrap_or_default();
            let finals: Vec<String> = last.iter().map(|v| fmt_num(*v)).collect();
            let first = |kind: &str| out.events.iter().find(|e| e.kind == kind).map(|e| e.date.to_string());
            let kronstadt = if first("kronstadt_suppressed").is_some() {
                "suppressed"
            } else if first("kronstadt_holds").is_some() {
                "holds"
            } else {
                "none"
            };
            format!(
                "{head},ok,{},{kronstadt},{},{},{},\n",
                finals.join(","),
                first("kronstadt_mutiny").unwrap_or_default(),
                first("tax_in_kind_adopted").unwrap_or_default(),
                out.end_state.key()
            )
        }
        Err(message) => format!("{head},failed,{},{}\n", vec![""; METRICS.len() + 4].join(","), csv_field(message)),
    }
}

/// Runs every (point, repetition) on `jobs` threads; returns the table rows in run order.
fn run_all(points: &[(Resolved, Vec<f64>)], opts: &SweepOptions) -> Vec<String> {
    let total = points.len() * opts.runs;
    let next = AtomicUsize::new(0);
    let mut rows = vec![String::new(); total];
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::channel();
        for _ in 0..opts.jobs.clamp(1, total) {
            let tx = tx.clone();
            let next = &next;
            scope.spawn(move || {
                loop {
                    let k = next.fetch_add(1, Ordering::SeqCst);
                    if k >= total {
                        break;
                    }
                    let (point, rep) = (k / opts.runs, k % opts.runs);
                    let seed = run_seed(opts.seed, rep);
                    let (resolved, values) = &points[point];
                    let result =
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| simulate(resolved, seed, opts.scale)))
                            .unwrap_or_else(|panic| {
                                let text = panic
                                    .downcast_ref::<String>()
                                    .cloned()
                                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()));
                                Err(format!("panicked: {}", text.unwrap_or_else(|| "panic".into())))
                            });
                    if tx.send((k, row(k, seed, point, values, &result))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for (k, text) in rx {
            rows[k] = text;
        }
    });
    rows
}

/// `revsim sweep`: the design's points, each run `runs` times, into a sweep folder.
pub fn sweep(opts: &SweepOptions) -> Result<SweepReport, CommandError> {
    let base = scenario::load(&opts.scenario)?;
    check(opts, &base)?;
    let values = design_points(&opts.ranges, opts.design, opts.points, opts.seed);
    let points: Vec<(Resolved, Vec<f64>)> =
        values.iter().map(|v| at_point(&base, &opts.ranges, v)).collect::<Result<_, _>>()?;
    let dir = opts.out.clone().unwrap_or_else(|| Path::new("output").join(format!("sweep-{}", base.scenario.name)));
    output::check_out_dir(&dir, opts.force)?;
    let started = output::now_utc();
    let clock = std::time::Instant::now();
    let rows = run_all(&points, opts);
    let wall = clock.elapsed().as_secs_f64();
    let failed = rows.iter().filter(|r| r.contains(",failed,")).count();
    let staged = output::StagedDir::new(&dir)?;
    let mut table = header(&opts.ranges);
    rows.iter().for_each(|r| table.push_str(r));
    output::write_atomic(&staged.path(TABLE), table.as_bytes())?;
    output::write_atomic(&staged.path("scenario.resolved.ron"), base.to_ron().as_bytes())?;
    let base_values = base.params().names();
    let params: Vec<serde_json::Value> = opts
        .ranges
        .iter()
        .map(|r| {
            let was = base_values.iter().find(|(n, _)| *n == r.name).map(|(_, v)| *v);
            serde_json::json!({"name": r.name, "low": r.low, "high": r.high, "scenario_value": was})
        })
        .collect();
    let extra = serde_json::json!({
        "kind": "sweep",
        "design": opts.design.key(),
        "points": points.len(),
        "runs_per_point": opts.runs,
        "runs": points.len() * opts.runs,
        "failed_runs": failed,
        "seed": opts.seed,
        "seed_rule": "run = point × runs_per_point + r; repetition r of every point uses seed + r",
        "scale": opts.scale,
        "params": params,
        "outcomes": opts.outcomes,
    });
    let text = crate::commands::manifest(&base, &opts.command_line, extra, &started, wall);
    output::write_atomic(&staged.path("manifest.json"), text.as_bytes())?;
    let dir = staged.commit()?;
    if let Some(charts) = &opts.charts {
        draw_charts(&dir, charts)?;
    }
    Ok(SweepReport { dir, points: points.len(), runs: points.len() * opts.runs, failed, wall_seconds: wall })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges() -> Vec<Range> {
        vec!["a.x=0:1".parse().unwrap(), "b.y=10:20".parse().unwrap()]
    }

    #[test]
    fn ranges_parse_and_bad_ones_are_refused() {
        assert_eq!(
            "war.conscription=0.001:0.002".parse::<Range>(),
            Ok(Range { name: "war.conscription".into(), low: 0.001, high: 0.002 })
        );
        for bad in ["war.conscription", "a=1", "a=x:2", "a=2:1", "a=1:inf"] {
            assert!(bad.parse::<Range>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_grid_takes_every_combination_ends_included() {
        let p = design_points(&ranges(), Design::Grid, 3, 1);
        assert_eq!(p.len(), 9);
        assert_eq!(p[0], vec![0.0, 10.0]);
        assert_eq!(p[1], vec![0.0, 15.0]);
        assert_eq!(p[8], vec![1.0, 20.0]);
        assert_eq!(design_points(&ranges(), Design::Grid, 1, 1), vec![vec![0.0, 10.0]]);
    }

    #[test]
    fn a_latin_hypercube_has_one_value_in_each_stratum_and_follows_the_seed() {
        let p = design_points(&ranges(), Design::Lhs, 8, 7);
        assert_eq!(p.len(), 8);
        for (j, r) in ranges().iter().enumerate() {
            let mut strata: Vec<usize> = p.iter().map(|v| ((v[j] - r.low) / (r.high - r.low) * 8.0) as usize).collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..8).collect::<Vec<_>>());
        }
        assert_eq!(p, design_points(&ranges(), Design::Lhs, 8, 7));
        assert_ne!(p, design_points(&ranges(), Design::Lhs, 8, 8));
    }
}
