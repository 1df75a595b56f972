//! Command-line definitions and help texts.

use clap::{Args, Parser, Subcommand};
use revsim::limits;
use std::path::PathBuf;

/// Parsers that refuse negative, zero and absurd numbers with a message that says why.
mod parse {
    use super::limits;

    fn whole<T: std::str::FromStr>(text: &str, what: &str) -> Result<T, String> {
        let t = text.trim();
        if t.starts_with('-') {
            return Err(format!("{what} must be positive"));
        }
        t.parse::<T>().map_err(|_| format!("`{t}` is not a whole number that {what} can take"))
    }

    pub fn seed(text: &str) -> Result<u64, String> {
        whole(text, "the seed")
    }

    pub fn runs(text: &str) -> Result<usize, String> {
        let n: u64 = whole(text, "the number of runs")?;
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        limits::check_runs(n).map(|_| n)
    }

    pub fn jobs(text: &str) -> Result<usize, String> {
        whole(text, "the number of jobs")
    }

    pub fn passes(text: &str) -> Result<usize, String> {
        let n: usize = whole(text, "the number of passes")?;
        if (1..=100).contains(&n) { Ok(n) } else { Err("--passes must lie in 1-100".into()) }
    }

    pub fn scale(text: &str) -> Result<u32, String> {
        let n: u64 = whole(text, "the scale")?;
        limits::check_scale(u32::try_from(n).unwrap_or(u32::MAX)).map(|_| n as u32)
    }

    fn side(text: &str, what: &str, min: u32) -> Result<u32, String> {
        let n: u64 = whole(text, what)?;
        if (u64::from(min)..=u64::from(limits::MAX_CHART_SIDE)).contains(&n) {
            Ok(n as u32)
        } else {
            Err(format!(
                "{what} must lie in {min}-{} pixels (the PNG backend cannot draw larger images)",
                limits::MAX_CHART_SIDE
            ))
        }
    }

    pub fn width(text: &str) -> Result<u32, String> {
        side(text, "the width", limits::MIN_CHART_WIDTH)
    }

    pub fn height(text: &str) -> Result<u32, String> {
        side(text, "the height", limits::MIN_CHART_HEIGHT)
    }

    pub fn chart_scale(text: &str) -> Result<f64, String> {
        let (lo, hi) = limits::CHART_SCALE;
        let v: f64 = text.trim().parse().map_err(|_| format!("`{text}` is not a number"))?;
        if v <= 0.0 {
            return Err("the chart scale must be positive".into());
        }
        if (lo..=hi).contains(&v) {
            Ok(v)
        } else {
            Err(format!("the chart scale must lie in {lo}-{hi} (larger text no longer fits the panels)"))
        }
    }
}

#[derive(Parser, Debug)]
#[command(
    name = "revsim",
    version,
    about = "Agent-based simulation of the Russian Revolution and Civil War (1917-1922)",
    long_about = "revsim runs the history of 1917-1922 as an agent-based model (peasants, workers, \
soldiers, parties, soviets) and lets you change one decision or accident to see what follows.\n\n\
Start with:\n  revsim run scenarios/baseline.ron --seed 1\n\n\
Dates are Gregorian (new style), YYYY-MM-DD. Files land in output/<scenario> by default."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// How charts are drawn.
#[derive(Args, Debug, Clone)]
pub struct ChartArgs {
    /// Also write PNG charts (SVG is always written).
    #[arg(long)]
    pub png: bool,
    /// PNG width in pixels (200-10000).
    #[arg(long, default_value_t = 1600, value_parser = parse::width, allow_negative_numbers = true)]
    pub width: u32,
    /// PNG height in pixels (150-10000).
    #[arg(long, default_value_t = 1000, value_parser = parse::height, allow_negative_numbers = true)]
    pub height: u32,
    /// Multiplies text sizes, line widths and margins of the charts (0.25-3).
    #[arg(long, default_value_t = 1.0, value_parser = parse::chart_scale, allow_negative_numbers = true)]
    pub chart_scale: f64,
    /// Draw no charts.
    #[arg(long)]
    pub no_charts: bool,
}

impl ChartArgs {
    pub fn options(&self) -> Option<revsim::chart::ChartOptions> {
        (!self.no_charts).then_some(revsim::chart::ChartOptions {
            png: self.png,
            width: self.width,
            height: self.height,
            scale: self.chart_scale,
        })
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run one scenario with one seed and write a run folder.
    #[command(after_help = "Examples:\n  revsim run scenarios/baseline.ron --seed 1\n  \
revsim run scenarios/baseline.ron --seed 7 --scale 500 --out output/fine --force\n\n\
Writes timeseries.csv (one row per week, every metric), events.csv, manifest.json and \
scenario.resolved.ron. An existing non-empty --out folder is an error unless --force.")]
    Run {
        /// The scenario file (RON).
        scenario: PathBuf,
        /// Master seed: the same seed gives byte-identical CSV files.
        #[arg(long, default_value_t = 1917, value_parser = parse::seed, allow_negative_numbers = true)]
        seed: u64,
        /// People per agent (1 = one agent per person-household cohort of one).
        #[arg(long, default_value_t = 1000, value_parser = parse::scale, allow_negative_numbers = true)]
        scale: u32,
        /// Output folder (default: output/<scenario name>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace an existing output folder.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        charts: ChartArgs,
    },
    /// Run a scenario many times with derived seeds, in parallel, and summarise.
    #[command(after_help = "Examples:\n  revsim ensemble scenarios/baseline.ron --runs 50\n  \
revsim ensemble scenarios/no_brest_litovsk.ron --runs 500 --jobs 2 --seed 7 --out output/nb\n  \
revsim ensemble scenarios/baseline.ron --runs 500 --resume   # finish an interrupted ensemble\n\n\
Run k (from 0) uses seed SEED + k, so `revsim run --seed <that>` reproduces it. Files are the same \
whatever --jobs is. Writes runs.csv, timeseries.csv, events.csv, summary.csv, manifest.json.")]
    Ensemble {
        /// The scenario file (RON).
        scenario: PathBuf,
        /// Number of runs.
        #[arg(long, default_value_t = 50, value_parser = parse::runs, allow_negative_numbers = true)]
        runs: usize,
        /// Master seed (run k uses seed + k).
        #[arg(long, default_value_t = 1917, value_parser = parse::seed, allow_negative_numbers = true)]
        seed: u64,
        /// Runs at once (default, or 0: the number of cores).
        #[arg(long, value_parser = parse::jobs, allow_negative_numbers = true)]
        jobs: Option<usize>,
        /// People per agent.
        #[arg(long, default_value_t = 1000, value_parser = parse::scale, allow_negative_numbers = true)]
        scale: u32,
        /// Output folder (default: output/<scenario name>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace an existing output folder (or an interrupted one).
        #[arg(long)]
        force: bool,
        /// Finish an interrupted ensemble with the same settings.
        #[arg(long)]
        resume: bool,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
        /// Test-only: make run K fail.
        #[arg(long, hide = true)]
        fail_run: Option<usize>,
        /// Test-only: stop as Ctrl-C does once run K is written.
        #[arg(long, hide = true)]
        interrupt_after: Option<usize>,
        #[command(flatten)]
        charts: ChartArgs,
    },
    /// Run several scenarios on the same seeds and compare them with confidence intervals.
    #[command(
        after_help = "Examples:\n  revsim compare scenarios/baseline.ron scenarios/kronstadt_early_thaw.ron --runs 50\n  \
revsim compare scenarios/baseline.ron scenarios/no_brest_litovsk.ron scenarios/no_red_terror.ron --runs 200\n  \
revsim compare scenarios/baseline.ron scenarios/no_red_terror.ron --runs 200 --resume   # after Ctrl-C\n\n\
The first scenario is the baseline. Writes one ensemble folder per scenario and comparison.csv: for key \
metrics at 1918-07-01, 1919-07-01, 1920-07-01, 1921-07-01 and the end, the mean of each, the mean paired \
difference (alternative − baseline, same seeds) and a bootstrap 95% interval; and the share of runs with \
key events and end states. At the end it prints the finding in words: each share and final value \
whose interval excludes zero, and a warning when the intervals rest on fewer than 20 runs."
    )]
    Compare {
        /// The baseline, then one or more alternatives (RON files).
        #[arg(required = true, num_args = 2..)]
        scenarios: Vec<PathBuf>,
        /// Runs per scenario.
        #[arg(long, default_value_t = 50, value_parser = parse::runs, allow_negative_numbers = true)]
        runs: usize,
        /// Master seed, shared by every scenario (run k uses seed + k in each).
        #[arg(long, default_value_t = 1917, value_parser = parse::seed, allow_negative_numbers = true)]
        seed: u64,
        /// Runs at once (default, or 0: the number of cores).
        #[arg(long, value_parser = parse::jobs, allow_negative_numbers = true)]
        jobs: Option<usize>,
        /// People per agent.
        #[arg(long, default_value_t = 1000, value_parser = parse::scale, allow_negative_numbers = true)]
        scale: u32,
        /// Output folder (default: output/compare-<names>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace an existing output folder (or an interrupted comparison).
        #[arg(long)]
        force: bool,
        /// Finish an interrupted comparison (Ctrl-C, a killed process) with the same settings.
        #[arg(long)]
        resume: bool,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
        /// Test-only: stop as Ctrl-C does once run K of a scenario is written.
        #[arg(long, hide = true)]
        interrupt_after: Option<usize>,
        #[command(flatten)]
        charts: ChartArgs,
    },
    /// Score the baseline against the historical record: a table, a score and charts.
    #[command(after_help = "Examples:\n  revsim history --runs 50\n  \
revsim history --from output/baseline   # score an existing ensemble folder\n\n\
Writes history.csv and history.md (and the ensemble it ran, under ensemble/). A target is met when the \
ensemble median lies in the historical range widened by 25% of the central value, close within 50%.")]
    History {
        /// Runs of the baseline ensemble (ignored with --from).
        #[arg(long, default_value_t = 50, value_parser = parse::runs, allow_negative_numbers = true)]
        runs: usize,
        /// Score an existing ensemble folder instead of running one.
        #[arg(long)]
        from: Option<PathBuf>,
        /// The scenario to score (RON).
        #[arg(long, default_value = "scenarios/baseline.ron")]
        scenario: PathBuf,
        /// The historical targets (CSV, with their sources).
        #[arg(long, default_value = "data/history/targets.csv")]
        targets: PathBuf,
        /// Master seed (run k uses seed + k).
        #[arg(long, default_value_t = 1917, value_parser = parse::seed, allow_negative_numbers = true)]
        seed: u64,
        /// Runs at once (default, or 0: the number of cores).
        #[arg(long, value_parser = parse::jobs, allow_negative_numbers = true)]
        jobs: Option<usize>,
        /// People per agent.
        #[arg(long, default_value_t = 1000, value_parser = parse::scale, allow_negative_numbers = true)]
        scale: u32,
        /// Output folder.
        #[arg(long, default_value = "output/history")]
        out: PathBuf,
        /// Replace an existing output folder.
        #[arg(long)]
        force: bool,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
        #[command(flatten)]
        charts: ChartArgs,
    },
    /// Tune parameters against the historical targets by a deterministic coordinate search.
    #[command(after_help = "Example:\n  revsim calibrate --runs 8 --scale 2000 \\\n    \
--param war.conscription=0.0006:0.0014:5 --param procurement.requisition_take=0.005,0.01,0.015\n\n\
Each value is tried with the same seeds; the loss is the squared distance of each target's median \
outside its historical range, as a share of its central value, summed. Prints the best values; record \
them in the scenario with the targets they were tuned on. Whole-number parameters (counts) take \
whole values only. After Ctrl-C, the same command with --resume reuses the trials already scored.")]
    Calibrate {
        /// NAME=LOW:HIGH:STEPS or NAME=V1,V2,... (repeat for several parameters).
        #[arg(long = "param", required = true)]
        params: Vec<revsim::calibrate::Grid>,
        /// Sweeps over all the parameters (each pass starts from the previous best).
        #[arg(long, default_value_t = 2, value_parser = parse::passes, allow_negative_numbers = true)]
        passes: usize,
        /// Runs per trial value (the same seeds for every trial).
        #[arg(long, default_value_t = 8, value_parser = parse::runs, allow_negative_numbers = true)]
        runs: usize,
        /// The scenario to tune (RON).
        #[arg(long, default_value = "scenarios/baseline.ron")]
        scenario: PathBuf,
        /// The historical targets (CSV).
        #[arg(long, default_value = "data/history/targets.csv")]
        targets: PathBuf,
        /// Master seed (run k uses seed + k).
        #[arg(long, default_value_t = 1917, value_parser = parse::seed, allow_negative_numbers = true)]
        seed: u64,
        /// Runs at once (default, or 0: the number of cores).
        #[arg(long, value_parser = parse::jobs, allow_negative_numbers = true)]
        jobs: Option<usize>,
        /// People per agent (coarser than the default, for speed).
        #[arg(long, default_value_t = 2000, value_parser = parse::scale, allow_negative_numbers = true)]
        scale: u32,
        /// Reuse the trials of an interrupted calibration (kept in output/.calibrate-NAME.partial).
        #[arg(long)]
        resume: bool,
    },
    /// List the scenarios of a folder, one line each with their divergence.
    #[command(after_help = "Example:\n  revsim list\n  revsim list my_scenarios/")]
    List {
        /// The folder of scenario files.
        #[arg(default_value = "scenarios")]
        dir: PathBuf,
    },
    /// Show what a scenario changes relative to its base, and its sources; or the references.
    #[command(after_help = "Examples:\n  revsim explain scenarios/kronstadt_early_thaw.ron\n  \
revsim explain --params scenarios/baseline.ron   # every parameter, its value and its source\n  \
revsim explain --language   # the scenario language (docs/LANGUAGE.md)\n  \
revsim explain --metrics    # the metrics with their units (docs/METRICS.md)")]
    Explain {
        /// The scenario file (RON).
        #[arg(required_unless_present_any = ["language", "metrics"])]
        scenario: Option<PathBuf>,
        /// Print the reference of the scenario language (every change, its arguments, `extends`).
        #[arg(long, conflicts_with_all = ["params", "metrics"])]
        language: bool,
        /// Print the metrics of timeseries.csv with their units.
        #[arg(long, conflicts_with = "params")]
        metrics: bool,
        /// Print a table of every parameter with its value and source instead.
        #[arg(long)]
        params: bool,
    },
    /// Draw (again) the charts of a run, ensemble, comparison or history folder from its CSV files.
    #[command(after_help = "Examples:\n  revsim chart output/baseline\n  \
revsim chart output/compare-baseline-vs-kronstadt_early_thaw --png --width 1200 --height 750\n\n\
Charts go to DIR/charts/ (SVG, and PNG with --png). Fonts are embedded: nothing is needed on the machine.")]
    Chart {
        /// A run, ensemble, comparison or history folder.
        dir: PathBuf,
        #[command(flatten)]
        charts: ChartArgs,
    },
    /// Check scenario files and exit; nothing is run or written.
    #[command(after_help = "Examples:\n  revsim validate scenarios/*.ron\n\n\
Exit code 0 when every file is valid, 2 otherwise, with file:line:col for each error.")]
    Validate {
        /// Scenario files.
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
    },
}
