//! The `revsim` binary: parse the command line, call the library, map errors to exit codes.

use clap::Parser;
use revsim::commands::{self, CommandError, RunOptions};
use revsim::ensemble::{self, EnsembleOptions};

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

mod cli;

/// `revsim epstein`: the reference model of docs/EPSTEIN.md.
fn epstein(args: &cli::EpsteinArgs) -> Result<(), CommandError> {
    let opts = args.options();
    let (dir, counts) = revsim::reference::command(&opts)?;
    eprint!("{}", revsim::reference::summary(&dir, &opts.config, &counts));
    Ok(())
}

/// Writes `DIR/report.html` when `--report` was given.
fn write_report(wanted: bool, dir: &std::path::Path) -> Result<(), CommandError> {
    if wanted {
        let path = revsim::report::write(dir)?;
        eprintln!("report: {}", path.display());
    }
    Ok(())
}

/// `revsim sweep`: the options from the arguments, the sweep, a summary and the report.
fn sweep(args: cli::SweepArgs, command_line: String) -> Result<(), CommandError> {
    let opts = revsim::sweep::SweepOptions {
        scenario: args.scenario,
        ranges: args.params,
        design: args.design,
        points: args.points,
        runs: args.runs,
        seed: args.seed,
        jobs: args.jobs.unwrap_or_else(cores),
        scale: args.scale,
        out: args.out,
        force: args.force,
        outcomes: args.outcomes,
        command_line,
        charts: args.charts.options(),
    };
    let r = revsim::sweep::sweep(&opts)?;
    eprintln!(
        "revsim sweep: {} points × {} runs ({} failed) in {:.1} s\nfiles: {}/sweep.csv, manifest.json, charts/",
        r.points,
        args.runs,
        r.failed,
        r.wall_seconds,
        r.dir.display()
    );
    if r.failed > 0 {
        let message = format!("{} of {} runs failed (see the message column of sweep.csv)", r.failed, r.runs);
        return Err(CommandError::Run { seed: args.seed, message });
    }
    write_report(args.report.report, &r.dir)
}

fn main() {
    let args = cli::Cli::parse();
    let command_line = std::env::args().collect::<Vec<_>>().join(" ");
    let result: Result<(), CommandError> = match args.command {
        cli::Command::Run { scenario, seed, scale, out, force, threads, charts, report: html } => {
            let threads = threads.unwrap_or_else(cores);
            let opts =
                RunOptions { scenario, seed, scale, out, force, threads, command_line, charts: charts.options() };
            commands::run(&opts).and_then(|report| {
                eprint!("{}", commands::summary(&report));
                write_report(html.report, &report.dir)
            })
        }
        cli::Command::Ensemble {
            scenario,
            runs,
            seed,
            jobs,
            scale,
            out,
            force,
            resume,
            quiet,
            fail_run,
            charts,
            report: html,
        } => {
            let opts = EnsembleOptions {
                scenario,
                runs,
                seed,
                jobs: jobs.unwrap_or_else(cores),
                scale,
                out,
                force,
                resume,
                quiet,
                command_line,
                fail_run,
                charts: charts.options(),
            };
            ensemble::ensemble(&opts).and_then(|report| {
                eprint!("{}", report.summary());
                if report.failed.is_empty() {
                    write_report(html.report, &report.dir)
                } else {
                    Err(CommandError::Run { seed, message: format!("{} of {} runs failed", report.failed.len(), runs) })
                }
            })
        }
        cli::Command::Compare { scenarios, runs, seed, jobs, scale, out, force, quiet, charts, report: html } => {
            let ensemble = EnsembleOptions {
                force,
                quiet,
                charts: charts.options(),
                ..EnsembleOptions::new(
                    scenarios[0].clone(),
                    runs,
                    seed,
                    jobs.unwrap_or_else(cores),
                    scale,
                    command_line,
                )
            };
            let opts = ensemble::CompareOptions { scenarios, ensemble, out };
            ensemble::compare(&opts).and_then(|(dir, reports)| {
                for r in &reports {
                    eprint!("{}", r.summary());
                }
                eprintln!("comparison: {}/comparison.csv", dir.display());
                write_report(html.report, &dir)
            })
        }
        cli::Command::History {
            runs,
            from,
            scenario,
            targets,
            seed,
            jobs,
            scale,
            out,
            force,
            quiet,
            charts,
            report: html,
        } => {
            let ensemble = EnsembleOptions {
                force,
                quiet,
                charts: charts.options(),
                ..EnsembleOptions::new(scenario.clone(), runs, seed, jobs.unwrap_or_else(cores), scale, command_line)
            };
            let opts = commands::HistoryOptions { scenario, targets, from, ensemble, out };
            commands::history(&opts).and_then(|(dir, outcomes, runs)| {
                print!("{}", revsim::history::history_md(&outcomes, runs));
                eprintln!(
                    "{}\nfiles: {}/history.csv, history.md",
                    revsim::history::score_line(&outcomes),
                    dir.display()
                );
                write_report(html.report, &dir)
            })
        }
        cli::Command::Calibrate { params, passes, runs, scenario, targets, seed, jobs, scale } => {
            let ensemble = EnsembleOptions {
                force: true,
                quiet: true,
                ..EnsembleOptions::new(scenario.clone(), runs, seed, jobs.unwrap_or_else(cores), scale, command_line)
            };
            let opts = revsim::calibrate::CalibrateOptions { scenario, targets, grids: params, passes, ensemble };
            revsim::calibrate::calibrate(&opts, |line| eprintln!("{line}")).map(|(best, loss, outcomes)| {
                println!("best values (loss {loss:.4}; {}):", revsim::history::score_line(&outcomes));
                for (name, value) in best {
                    println!("  {name} = {value}");
                }
            })
        }
        cli::Command::Chart { dir, charts } => {
            let opts = charts.options().unwrap_or_default();
            revsim::chart::draw_folder(&dir, &opts)
                .map(|files| eprintln!("{} charts written to {}/charts/", files.len(), dir.display()))
                .map_err(|e| CommandError::Input(e.to_string()))
        }
        cli::Command::Sweep(args) => sweep(args, command_line),
        cli::Command::Report { dir } => revsim::report::write(&dir).map(|path| eprintln!("report: {}", path.display())),
        cli::Command::List { dir } => commands::list(&dir).map(|text| print!("{text}")),
        cli::Command::Explain { scenario, params: true } => {
            commands::parameter_table(&scenario).map(|text| print!("{text}"))
        }
        cli::Command::Explain { scenario, params: false } => commands::explain(&scenario).map(|text| print!("{text}")),
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
        cli::Command::Epstein(args) => epstein(&args),
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(e.exit_code());
    }
}
