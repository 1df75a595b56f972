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
    /// PNG width in pixels, 200-10000 [default: 1600; 1200 with --style print].
    #[arg(long, value_parser = parse::width, allow_negative_numbers = true)]
    pub width: Option<u32>,
    /// PNG height in pixels, 150-10000 [default: 1000; 800 with --style print].
    #[arg(long, value_parser = parse::height, allow_negative_numbers = true)]
    pub height: Option<u32>,
    /// Multiplies text sizes, line widths and margins of the charts (0.25-3).
    #[arg(long, default_value_t = 1.0, value_parser = parse::chart_scale, allow_negative_numbers = true)]
    pub chart_scale: f64,
    /// Chart style: `screen` (colour-blind-safe colours) or `print` (grey-scale safe, with
    /// dashes and markers, larger text, sized for a column of a printed page).
    #[arg(long, value_enum, default_value_t = ChartStyleArg::Screen)]
    pub style: ChartStyleArg,
    /// Draw no charts.
    #[arg(long)]
    pub no_charts: bool,
}

/// The values of `--style`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartStyleArg {
    Screen,
    Print,
}

impl ChartArgs {
    pub fn options(&self) -> Option<revsim::chart::ChartOptions> {
        use revsim::chart::{ChartOptions, ChartStyle};
        let (style, (w, h)) = match self.style {
            ChartStyleArg::Screen => (ChartStyle::Screen, (1600, 1000)),
            ChartStyleArg::Print => (ChartStyle::Print, ChartOptions::PRINT_SIZE),
        };
        (!self.no_charts).then_some(ChartOptions {
            png: self.png,
            width: self.width.unwrap_or(w),
            height: self.height.unwrap_or(h),
            scale: self.chart_scale,
            style,
        })
    }
}

/// Whether to write the HTML report too.
#[derive(Args, Debug, Clone)]
pub struct ReportArgs {
    /// Also write report.html: one self-contained page with the question, the answer, the charts
    /// and the commands that rebuild every run (the same as `revsim report DIR` afterwards).
    #[arg(long)]
    pub report: bool,
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
        /// Threads for the passes over the agents (default: the number of cores). The output is
        /// byte for byte the same for any number of threads.
        #[arg(long)]
        threads: Option<usize>,
        #[command(flatten)]
        charts: ChartArgs,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Run a scenario many times with derived seeds, in parallel, and summarise.
    #[command(after_help = "Examples:\n  revsim ensemble scenarios/baseline.ron --runs 50\n  \
revsim ensemble scenarios/no_brest_litovsk.ron --runs 500 --jobs 2 --seed 7 --out output/nb\n  \
revsim ensemble scenarios/baseline.ron --runs 500 --resume   # finish an interrupted ensemble\n  \
revsim ensemble scenarios/baseline.ron --runs 500 --shard 0/4 --out shards/0   # a quarter; see `revsim merge`\n\n\
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
        /// Run only shard I of N (I from 0: run k belongs to shard k mod N) into a shard folder for
        /// `revsim merge`; `auto` reads a SLURM job array's task, `auto/N` a Kubernetes indexed
        /// job's (JOB_COMPLETION_INDEX).
        #[arg(long, value_name = "I/N|auto|auto/N")]
        shard: Option<revsim::ensemble::ShardSpec>,
        /// Test-only: make run K fail.
        #[arg(long, hide = true)]
        fail_run: Option<usize>,
        /// Test-only: stop as Ctrl-C does once run K is written.
        #[arg(long, hide = true)]
        interrupt_after: Option<usize>,
        #[command(flatten)]
        charts: ChartArgs,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Run several scenarios on the same seeds and compare them with confidence intervals.
    #[command(
        after_help = "Examples:\n  revsim compare scenarios/baseline.ron scenarios/kronstadt_early_thaw.ron --runs 50\n  \
revsim compare scenarios/baseline.ron scenarios/no_brest_litovsk.ron scenarios/no_red_terror.ron --runs 200\n  \
revsim compare scenarios/baseline.ron scenarios/no_red_terror.ron --runs 200 --resume   # after Ctrl-C\n  \
revsim compare scenarios/baseline.ron scenarios/no_red_terror.ron --runs 200 --shard auto --out s/$SLURM_ARRAY_TASK_ID\n\n\
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
        /// Run only shard I of N (I from 0: run k belongs to shard k mod N) into a shard folder for
        /// `revsim merge`; `auto` reads a SLURM job array's task, `auto/N` a Kubernetes indexed
        /// job's (JOB_COMPLETION_INDEX).
        #[arg(long, value_name = "I/N|auto|auto/N")]
        shard: Option<revsim::ensemble::ShardSpec>,
        /// Test-only: stop as Ctrl-C does once run K of a scenario is written.
        #[arg(long, hide = true)]
        interrupt_after: Option<usize>,
        /// A posterior file (CSV: draw,loss,NAME,…; one coefficient vector per row): run k of every
        /// scenario uses vector k mod n, so comparison.csv also gives each effect's interval across the
        /// vectors (param_low, param_high), the share of vectors that keep its sign, and `robust` when
        /// that share is at least 90%. Example: --posterior data/posterior.csv --runs 200
        #[arg(long)]
        posterior: Option<PathBuf>,
        #[command(flatten)]
        charts: ChartArgs,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Put the shards of an ensemble or comparison together: the folder the unsharded command writes.
    #[command(after_help = "Examples:\n  revsim ensemble scenarios/baseline.ron --runs 12 --shard 0/2 --out s0\n  \
revsim ensemble scenarios/baseline.ron --runs 12 --shard 1/2 --out s1\n  \
revsim merge s0 s1 --out output/baseline   # = revsim ensemble scenarios/baseline.ron --runs 12\n\n\
Checks that the shards share one plan (command, scenario files by SHA-256, runs, seed, scale, revsim \
version and commit) and together hold every run exactly once, then writes runs.csv, timeseries.csv, \
events.csv, summary.csv (and comparison.csv, history.csv) and charts byte for byte as the unsharded \
command would; the manifest also lists the shards. A missing, doubled or foreign shard is refused \
(exit 2) and nothing is written. Give the unsharded command's chart options here (--png, --style).")]
    Merge {
        /// The shard folders, in any order.
        #[arg(required = true)]
        shards: Vec<PathBuf>,
        /// The merged folder.
        #[arg(long)]
        out: PathBuf,
        /// Replace an existing output folder.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        charts: ChartArgs,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Print a job script that runs an ensemble or comparison as shards on a scheduler, then merges.
    #[command(after_help = "Examples:\n  revsim plan --emit slurm --shards 20 compare scenarios/baseline.ron \\\n    \
scenarios/kronstadt_early_thaw.ron --runs 1000 --out output/thaw > thaw.sh && bash thaw.sh\n  \
revsim plan --emit parallel --shards 4 ensemble scenarios/baseline.ron --runs 200 > run.sh && bash run.sh\n\n\
slurm: an sbatch job array (one task per shard, `--shard auto`) and a merge job that starts when \
every task succeeded (--dependency=afterok); CPUs, memory and time per task come from revsim's measured \
costs with room. parallel: a GNU parallel line with --joblog and --resume-failed (run it again to \
redo only the failed shards), then the merge. Shards go to OUT.shards/shard-I. See docs/CLUSTER.md.")]
    Plan {
        /// The scheduler: slurm or parallel.
        #[arg(long)]
        emit: revsim::ensemble::plan::Emit,
        /// Shards (SLURM array tasks, or parallel jobs).
        #[arg(long)]
        shards: usize,
        /// The revsim binary the script calls (default: this one).
        #[arg(long)]
        revsim: Option<PathBuf>,
        /// The command to shard: `ensemble …` or `compare …`, as you would run it unsharded.
        #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true, value_name = "COMMAND")]
        command: Vec<String>,
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
        #[command(flatten)]
        report: ReportArgs,
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
revsim explain --metrics    # the metrics with their units (docs/METRICS.md)\n  \
revsim explain --decisions scenarios/baseline.ron --from output/history/ensemble   # inputs and decisions, with the ensemble's dates")]
    Explain {
        /// The scenario file (RON).
        #[arg(required_unless_present_any = ["language", "metrics"])]
        scenario: Option<PathBuf>,
        /// Print the inventory of the scenario's events and decision rules: which are inputs and
        /// which the model decides, with each rule's conditions and historical date.
        #[arg(long, conflicts_with_all = ["params", "metrics", "language"])]
        decisions: bool,
        /// With --decisions: an ensemble folder (its events.csv) whose runs date each decision
        /// (median and 5-95% range).
        #[arg(long, requires = "decisions")]
        from: Option<PathBuf>,
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
revsim chart output/compare-baseline-vs-kronstadt_early_thaw --png --width 1200 --height 750\n  \
revsim chart output/compare-baseline-vs-kronstadt_early_thaw --png --style print   # grey, for a printed column\n\n\
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
    /// Run Epstein's civil-violence model (2002) on revsim's activation rule (docs/EPSTEIN.md).
    #[command(after_help = "Examples:\n  revsim epstein --seed 1\n  \
revsim epstein --cop-density 0.04 --legitimacy 0.82 --max-jail 30 --steps 1000   # the paper's Run 1\n  \
revsim epstein --arrest round --steps 600 --out output/epstein-mesa --force     # Mesa's example\n\n\
Writes counts.csv (step,active,quiet,jailed: citizens after each step) and counts.svg. Defaults are \
Mesa 3.3.1's example (40×40, densities 0.7 and 0.074, vision 7, L 0.8, k 2.3, T 0.1, Jmax 1000), \
with the paper's ⌊C/A⌋. An existing non-empty --out folder is an error unless --force.")]
    Epstein(Box<EpsteinArgs>),
    /// Run a scenario over a design of coefficient values: a table of every run and charts.
    #[command(
        after_help = "Examples:\n  revsim sweep scenarios/baseline.ron --param war.conscription=0.0006:0.0014 --points 5 --runs 10\n  \
revsim sweep scenarios/baseline.ron --param repression.backlash=0:4 --param war.desertion_base=0.001:0.004 \\\n    \
--design lhs --points 40 --runs 5 --outcome red_army --outcome uprisings_cum --report\n\n\
Coefficients are named as in `revsim explain --params SCENARIO` and set as a scenario's SetParameter \
would set them. --design grid takes --points evenly spaced values of each coefficient (LOW and HIGH \
included; one point: LOW) and every combination; --design lhs takes --points points of a Latin \
hypercube drawn from --seed. Every point is run --runs times on the same seeds (repetition r uses \
seed SEED + r). Writes sweep.csv (one row per run: run, seed, point, each coefficient, status, the \
final value of every metric, key event dates, end state), manifest.json, scenario.resolved.ron and \
charts/sweep--<coefficient>--<outcome>.svg (median, 50% and 90% bands, every run as a dot)."
    )]
    Sweep(SweepArgs),
    /// Write one self-contained HTML page for a run, ensemble, comparison, history or sweep folder.
    #[command(after_help = "Examples:\n  revsim report output/compare-baseline-vs-kronstadt_early_thaw\n  \
revsim report output/history\n\n\
Writes DIR/report.html: the question (each scenario's title, divergence, description and sources), the \
answer (key effects with their 95% intervals in words, and the forest plot), the fit to history, every \
chart of the folder inline, the command that rebuilds each run, and the manifests. The page makes no \
request (no fonts, scripts or images from anywhere), prints cleanly and reads with JavaScript off. \
A folder without charts gets them drawn first, as `revsim chart DIR` would.")]
    Report {
        /// A run, ensemble, comparison, history or sweep folder.
        dir: PathBuf,
    },
    /// Split the difference several changes make together into each change's part (Shapley values).
    #[command(
        after_help = "Examples:\n  revsim attribute scenarios/baseline.ron scenarios/soviet_elections_honoured_1918.ron \\\n    \
scenarios/civil_war_not_centralising.ron scenarios/no_red_terror.ron --runs 20 --scale 2000 \\\n    \
--metric soviet_democracy_index@1919-01-01 --metric centralization@1921-01-01 --metric party_pluralism\n  \
revsim attribute scenarios/baseline.ron scenarios/no_red_terror.ron scenarios/no_faction_ban_1921.ron --runs 50 --png\n\n\
Each FACTOR is a scenario file on the same base whose changes are one cause. BASE is run with every subset \
of the factors' changes applied (2^k subsets up to 8 factors; above that, --orders orders of the factors \
drawn from --seed), every subset on the same seeds (run r uses seed SEED + r). For each --metric (NAME \
at the end of the run, or NAME@YYYY-MM-DD at the last week on or before that date; default: \
soviet_democracy_index, centralization and party_pluralism at the end) it reports each factor's Shapley \
value (its average contribution over every order of adding the factors; they sum to the difference \
between BASE and all factors applied), the interaction of each pair (the Shapley interaction index and \
the simple 2×2 interaction f(ij) − f(i) − f(j) + f(base)), and 95% bootstrap intervals over seeds. Two \
factors that change the same thing differently are refused; the very same change in two factors is made \
once. Writes attribution.csv, interactions.csv, subsets.csv, headline.md, manifest.json and \
charts/waterfall--METRIC--DATE.svg (and .png with --png), and prints the headline."
    )]
    Attribute(AttributeArgs),
    /// Which free coefficients matter: Morris elementary effects over their priors.
    #[command(
        after_help = "Examples:\n  revsim sensitivity scenarios/baseline.ron --all-calibrated --trajectories 4 --runs 4 --scale 5000\n  \
revsim sensitivity scenarios/baseline.ron scenarios/kronstadt_early_thaw.ron \\\n    \
--param kronstadt.assault_success --param kronstadt.spread --param war.conscription=0.0006:0.002 \\\n    \
--metric share:kronstadt_holds --metric famine_deaths_cum --trajectories 6 --runs 8\n\n\
Each --param moves over its prior (`prior LOW..HIGH (reason)` beside its value in the scenario file) or \
over NAME=LOW:HIGH. R trajectories of p + 1 points each (4 levels, one coefficient moved by 2/3 of its \
prior per step, drawn from --seed); every point runs --runs seeds (SEED + k, the same at every point). \
Outputs: the history loss (as revsim calibrate scores it), each target's mean over the runs and, given \
ALT, the effect ALT − SCENARIO (paired: the same coefficients and seeds) on each --metric (a metric's \
final value, or share:EVENT). Writes sensitivity.csv (output, param, low, high, mu, mu_star, sigma), \
sensitivity.md, manifest.json and charts/tornado-*.svg (and .png with --png)."
    )]
    Sensitivity(revsim_args::SensitivityArgs),
    /// Check the "calibrated on" labels: move each free coefficient across its prior.
    #[command(
        after_help = "Examples:\n  revsim labels --runs 8 --scale 5000   # every free coefficient, report in docs/LABELS.md\n  \
revsim labels --param war.military_democracy_combat --param war.conscription --runs 6 --out /tmp/labels.md\n\n\
Each coefficient is set to the low end of its prior, then the high end, on the same seeds; a target \
moves when the paired change of its per-run value has a bootstrap 95% interval that excludes zero. A \
label passes when every target it names moves. Exit code 0 whatever the verdicts; the report lists them."
    )]
    Labels(revsim_args::LabelsArgs),
    /// Calibrate by ABC rejection: draw coefficient vectors from the priors, keep the best.
    #[command(
        after_help = "Examples:\n  revsim abc --param kronstadt.assault_success --param kronstadt.spread --draws 40 --accept 8 --runs 4\n  \
revsim abc --all-calibrated --draws 400 --accept 20 --runs 4 --hold-out 6 --out output/abc-holdout\n\n\
Vectors are drawn from the priors (a Latin hypercube from --seed), each run --runs times on the same \
seeds, and scored by the history loss (as revsim calibrate scores); the --accept best are kept. Writes \
OUT/posterior.csv (draw,loss, one column per coefficient: the input of revsim compare --posterior) and \
OUT/abc.md (the tolerance, every target's fit with the accepted vectors, each coefficient's accepted \
range). --hold-out K leaves K targets (drawn from --seed) out of the loss and reports how many of them \
land inside the historians' range anyway."
    )]
    Abc(revsim_args::AbcArgs),
}

/// The arguments of `revsim attribute`.
#[derive(Args, Debug)]
pub struct AttributeArgs {
    /// The base scenario (RON).
    pub base: PathBuf,
    /// The factors: scenario files extending the same base, each one cause.
    #[arg(required = true)]
    pub factors: Vec<PathBuf>,
    /// NAME or NAME@YYYY-MM-DD (repeat for several) [default: soviet_democracy_index,
    /// centralization and party_pluralism at the end].
    #[arg(long = "metric")]
    pub metrics: Vec<revsim::attribute::MetricSpec>,
    /// Runs (seeds) per subset, the same seeds in every subset.
    #[arg(long, default_value_t = 20, value_parser = parse::runs, allow_negative_numbers = true)]
    pub runs: usize,
    /// Master seed (run r of every subset uses seed + r; the bootstrap and sampled orders use it too).
    #[arg(long, default_value_t = 1917, value_parser = parse::seed, allow_negative_numbers = true)]
    pub seed: u64,
    /// People per agent.
    #[arg(long, default_value_t = 1000, value_parser = parse::scale, allow_negative_numbers = true)]
    pub scale: u32,
    /// Runs at once (default, or 0: the number of cores).
    #[arg(long, value_parser = parse::jobs, allow_negative_numbers = true)]
    pub jobs: Option<usize>,
    /// Orders of the factors sampled when there are more than 8.
    #[arg(long, default_value_t = revsim::attribute::DEFAULT_ORDERS)]
    pub orders: usize,
    /// Output folder (default: output/attribute-<base name>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace an existing output folder.
    #[arg(long)]
    pub force: bool,
    /// No progress lines.
    #[arg(long)]
    pub quiet: bool,
    #[command(flatten)]
    pub charts: ChartArgs,
}

/// Options of `revsim epstein`.
#[derive(Args, Debug)]
pub struct EpsteinArgs {
    /// Grid width (cells; a torus).
    #[arg(long, default_value_t = 40)]
    pub width: usize,
    /// Grid height (cells).
    #[arg(long, default_value_t = 40)]
    pub height: usize,
    /// Share of cells holding a citizen at the start.
    #[arg(long, default_value_t = 0.7)]
    pub citizen_density: f64,
    /// Share of cells holding a cop at the start.
    #[arg(long, default_value_t = 0.074)]
    pub cop_density: f64,
    /// Vision radius v, in cells, of citizens and cops.
    #[arg(long, default_value_t = 7)]
    pub vision: usize,
    /// Which cells are in vision: von-neumann (|dx| + |dy| ≤ v, the paper's and Mesa's) or moore (the square).
    #[arg(long, value_enum, default_value_t = Shape::VonNeumann)]
    pub shape: Shape,
    /// The regime's legitimacy L; grievance is H × (1 − L).
    #[arg(long, default_value_t = 0.8)]
    pub legitimacy: f64,
    /// k in the arrest estimate P = 1 − exp(−k × C/A made whole).
    #[arg(long, default_value_t = 2.3)]
    pub k: f64,
    /// T: a citizen is active when G − R × P > T.
    #[arg(long, default_value_t = 0.1)]
    pub threshold: f64,
    /// Jmax: jail terms are uniform in 0..=Jmax steps.
    #[arg(long, default_value_t = 1000)]
    pub max_jail: u32,
    /// How C/A is made whole: floor (the paper's ⌊C/A⌋, revsim's rule) or round (Mesa's example).
    #[arg(long, value_enum, default_value_t = Arrest::Floor)]
    pub arrest: Arrest,
    /// Steps to run.
    #[arg(long, default_value_t = 500)]
    pub steps: usize,
    /// Seed: the same seed gives byte-identical files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output folder.
    #[arg(long, default_value = "output/epstein")]
    pub out: PathBuf,
    /// Replace an existing output folder.
    #[arg(long)]
    pub force: bool,
    /// Write no chart.
    #[arg(long)]
    pub no_charts: bool,
}

/// `--shape` values.
#[derive(clap::ValueEnum, Debug, Clone, Copy)]
pub enum Shape {
    VonNeumann,
    Moore,
}

/// `--arrest` values.
#[derive(clap::ValueEnum, Debug, Clone, Copy)]
pub enum Arrest {
    Floor,
    Round,
}

impl EpsteinArgs {
    pub fn options(&self) -> revsim::reference::EpsteinOptions {
        use revsim::reference::epstein::{Config, Rounding, Vision};
        let config = Config {
            width: self.width,
            height: self.height,
            citizen_density: self.citizen_density,
            cop_density: self.cop_density,
            vision: self.vision,
            legitimacy: self.legitimacy,
            k: self.k,
            threshold: self.threshold,
            max_jail: self.max_jail,
            shape: match self.shape {
                Shape::VonNeumann => Vision::VonNeumann,
                Shape::Moore => Vision::Moore,
            },
            rounding: match self.arrest {
                Arrest::Floor => Rounding::Floor,
                Arrest::Round => Rounding::Round,
            },
            seed: self.seed,
        };
        revsim::reference::EpsteinOptions {
            config,
            steps: self.steps,
            out: self.out.clone(),
            force: self.force,
            chart: !self.no_charts,
        }
    }
}

/// The arguments of `revsim sweep`.
#[derive(Args, Debug)]
pub struct SweepArgs {
    /// The scenario file (RON).
    pub scenario: PathBuf,
    /// NAME=LOW:HIGH, a coefficient and its range (repeat for several).
    #[arg(long = "param", required = true)]
    pub params: Vec<revsim::sweep::Range>,
    /// How points are placed: grid or lhs (Latin hypercube).
    #[arg(long, default_value = "grid")]
    pub design: revsim::sweep::Design,
    /// Grid: values per coefficient; lhs: points in all.
    #[arg(long, default_value_t = 5)]
    pub points: usize,
    /// Runs per point (the same seeds at every point).
    #[arg(long, default_value_t = 10)]
    pub runs: usize,
    /// A metric to chart against each coefficient (repeat; the table has every metric).
    #[arg(long = "outcome", default_values_t = revsim::sweep::DEFAULT_OUTCOMES.map(String::from))]
    pub outcomes: Vec<String>,
    /// Master seed (repetition r uses seed + r; the Latin hypercube is drawn from it).
    #[arg(long, default_value_t = 1917)]
    pub seed: u64,
    /// Runs at once (default: the number of cores).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// People per agent.
    #[arg(long, default_value_t = 1000)]
    pub scale: u32,
    /// Output folder (default: output/sweep-<scenario name>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace an existing output folder.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub charts: ChartArgs,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// The arguments of the inference commands (`sensitivity`, `labels`).
pub mod revsim_args {
    use super::parse;
    use clap::Args;
    use std::path::PathBuf;

    /// Seeds, scale and jobs of the runs behind every point.
    #[derive(Args, Debug)]
    pub struct RunnerArgs {
        /// Runs (seeds) per point.
        #[arg(long, default_value_t = 4, value_parser = parse::runs, allow_negative_numbers = true)]
        pub runs: usize,
        /// Master seed (run k uses seed + k at every point; the design is drawn from it).
        #[arg(long, default_value_t = 1917, value_parser = parse::seed, allow_negative_numbers = true)]
        pub seed: u64,
        /// People per agent (coarser than the default, for speed).
        #[arg(long, default_value_t = 5000, value_parser = parse::scale, allow_negative_numbers = true)]
        pub scale: u32,
        /// Runs at once (default, or 0: the number of cores).
        #[arg(long, value_parser = parse::jobs, allow_negative_numbers = true)]
        pub jobs: Option<usize>,
    }

    impl RunnerArgs {
        pub fn runner(&self, jobs: usize) -> revsim::inference::Runner {
            revsim::inference::Runner { runs: self.runs, seed: self.seed, scale: self.scale, jobs }
        }
    }

    /// The arguments of `revsim sensitivity`.
    #[derive(Args, Debug)]
    pub struct SensitivityArgs {
        /// The scenario (RON).
        pub scenario: PathBuf,
        /// An alternative scenario: the effect ALT − SCENARIO on each --metric is analysed too.
        pub alt: Option<PathBuf>,
        /// NAME (moved over its prior) or NAME=LOW:HIGH (repeat).
        #[arg(long = "param")]
        pub params: Vec<revsim::inference::FactorArg>,
        /// Every coefficient with a prior in the scenario file.
        #[arg(long, conflicts_with = "params")]
        pub all_calibrated: bool,
        /// With ALT: a metric (its final value) or share:EVENT whose effect is analysed (repeat).
        #[arg(long = "metric")]
        pub metrics: Vec<revsim::inference::Quantity>,
        /// Trajectories (each costs p + 1 points).
        #[arg(long, default_value_t = 4)]
        pub trajectories: usize,
        #[command(flatten)]
        pub runner: RunnerArgs,
        /// The historical targets (CSV).
        #[arg(long, default_value = "data/history/targets.csv")]
        pub targets: PathBuf,
        /// Output folder (default: output/sensitivity-<scenario name>).
        #[arg(long)]
        pub out: Option<PathBuf>,
        /// Replace an existing output folder.
        #[arg(long)]
        pub force: bool,
        #[command(flatten)]
        pub charts: super::ChartArgs,
    }

    /// The arguments of `revsim abc`.
    #[derive(Args, Debug)]
    pub struct AbcArgs {
        /// The scenario to calibrate (RON).
        #[arg(long, default_value = "scenarios/baseline.ron")]
        pub scenario: PathBuf,
        /// NAME (drawn from its prior) or NAME=LOW:HIGH (repeat).
        #[arg(long = "param")]
        pub params: Vec<revsim::inference::FactorArg>,
        /// Every coefficient with a prior in the scenario file.
        #[arg(long, conflicts_with = "params")]
        pub all_calibrated: bool,
        /// Vectors drawn from the priors.
        #[arg(long, default_value_t = 40)]
        pub draws: usize,
        /// Vectors kept (the smallest losses).
        #[arg(long, default_value_t = 8)]
        pub accept: usize,
        /// Targets left out of the loss, to measure the fit out of sample.
        #[arg(long, default_value_t = 0)]
        pub hold_out: usize,
        #[command(flatten)]
        pub runner: RunnerArgs,
        /// The historical targets (CSV).
        #[arg(long, default_value = "data/history/targets.csv")]
        pub targets: PathBuf,
        /// Output folder.
        #[arg(long, default_value = "output/abc")]
        pub out: PathBuf,
        /// Replace an existing output folder.
        #[arg(long)]
        pub force: bool,
    }

    /// The arguments of `revsim labels`.
    #[derive(Args, Debug)]
    pub struct LabelsArgs {
        /// The scenario whose labels are checked (RON).
        #[arg(long, default_value = "scenarios/baseline.ron")]
        pub scenario: PathBuf,
        /// Check only these coefficients (repeat; default: every one with a prior).
        #[arg(long = "param")]
        pub params: Vec<String>,
        #[command(flatten)]
        pub runner: RunnerArgs,
        /// The historical targets (CSV).
        #[arg(long, default_value = "data/history/targets.csv")]
        pub targets: PathBuf,
        /// The Markdown report.
        #[arg(long, default_value = "docs/LABELS.md")]
        pub out: PathBuf,
    }
}
