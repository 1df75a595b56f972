//! The `revsim` binary: parse the command line, call the library, map errors to exit codes.

use clap::Parser;
use revsim::commands::{self, CommandError, RunOptions};

mod cli;

fn main() {
    let args = cli::Cli::parse();
    let command_line = std::env::args().collect::<Vec<_>>().join(" ");
    let result: Result<(), CommandError> = match args.command {
        cli::Command::Run { scenario, seed, scale, out, force } => {
            let opts = RunOptions { scenario, seed, scale, out, force, command_line };
            commands::run(&opts).map(|report| eprint!("{}", commands::summary(&report)))
        }
        cli::Command::Validate { scenarios } => {
            let mut failed = false;
            for path in &scenarios {
                match revsim::scenario::load(path) {
                    Ok(r) => eprintln!("ok: {} ({})", path.display(), r.scenario.title),
                    Err(e) => {
                        eprintln!("error: {e}");
                        failed = true;
                    }
                }
            }
            if failed { Err(CommandError::Input("some scenario files are not valid".into())) } else { Ok(()) }
        }
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(e.exit_code());
    }
}
