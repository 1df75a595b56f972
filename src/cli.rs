//! Command-line definitions and help texts.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

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
        #[arg(long, default_value_t = 1917)]
        seed: u64,
        /// People per agent (1 = one agent per person-household cohort of one).
        #[arg(long, default_value_t = 1000)]
        scale: u32,
        /// Output folder (default: output/<scenario name>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace an existing output folder.
        #[arg(long)]
        force: bool,
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
