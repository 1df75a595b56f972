//! The `revsim` binary: parse the command line, call the library, map errors to exit codes.

use clap::Parser;
use revsim::commands::{self, CommandError, RunOptions};
use revsim::ensemble::{self, EnsembleOptions};

mod cli;

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

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
        jobs: jobs(args.jobs),
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

/// `revsim attribute`: the attribution, and its headline printed.
fn attribute(args: cli::AttributeArgs, command_line: String) -> Result<(), CommandError> {
    use revsim::attribute::{AttributeOptions, DEFAULT_METRICS, MetricSpec};
    let metrics = if args.metrics.is_empty() {
        DEFAULT_METRICS
            .iter()
            .map(|m| m.parse::<MetricSpec>())
            .collect::<Result<_, _>>()
            .map_err(CommandError::Input)?
    } else {
        args.metrics
    };
    let opts = AttributeOptions {
        base: args.base,
        factors: args.factors,
        metrics,
        runs: args.runs,
        seed: args.seed,
        scale: args.scale,
        jobs: jobs(args.jobs),
        orders: args.orders,
        out: args.out,
        force: args.force,
        quiet: args.quiet,
        command_line,
        charts: args.charts.options(),
    };
    let a = revsim::attribute::attribute(&opts)?;
    print!("{}", revsim::attribute::tables::headline_md(&a));
    eprintln!(
        "revsim attribute: {} distinct worlds × {} seeds in {:.1} s\nfiles: {}/attribution.csv, interactions.csv, subsets.csv, headline.md, manifest.json, charts/",
        a.worlds,
        opts.runs,
        a.wall_seconds,
        a.dir.display()
    );
    Ok(())
}

/// `--jobs`: absent or 0 means one run per core.
fn jobs(asked: Option<usize>) -> usize {
    match asked {
        Some(n) if n > 0 => n,
        _ => std::thread::available_parallelism().map_or(1, |n| n.get()),
    }
}

fn ensemble_command(opts: EnsembleOptions, html: bool) -> Result<(), CommandError> {
    let runs = opts.runs;
    let report = ensemble::ensemble(&opts)?;
    eprint!("{}{}", report.summary(), report.headline());
    if report.failed.is_empty() {
        write_report(html && opts.shard.is_none(), &report.dir)
    } else {
        Err(CommandError::Run { seed: opts.seed, message: format!("{} of {runs} runs failed", report.failed.len()) })
    }
}

fn compare_command(opts: ensemble::CompareOptions, html: bool) -> Result<(), CommandError> {
    let (dir, reports, rows) = ensemble::compare(&opts)?;
    for r in &reports {
        eprint!("{}", r.summary());
    }
    if let Some(shard) = opts.ensemble.shard {
        eprintln!("shard {shard} of the comparison: {} (put the shards together with `revsim merge`)", dir.display());
        return Ok(());
    }
    eprintln!("comparison: {}/comparison.csv\n", dir.display());
    eprint!("{}", ensemble::headline::comparison(&rows));
    write_report(html, &dir)
}

fn history_command(opts: commands::HistoryOptions, html: bool) -> Result<(), CommandError> {
    let (dir, outcomes, runs) = commands::history(&opts)?;
    print!("{}", revsim::history::history_md(&outcomes, runs));
    eprintln!("{}\nfiles: {}/history.csv, history.md", revsim::history::score_line(&outcomes), dir.display());
    write_report(html, &dir)
}

fn calibrate_command(opts: revsim::calibrate::CalibrateOptions) -> Result<(), CommandError> {
    let (best, loss, score) = revsim::calibrate::calibrate(&opts, |line| eprintln!("{line}"))?;
    println!("best values (loss {loss:.4}; {score}):");
    for (name, value) in best {
        println!("  {name} = {value}");
    }
    Ok(())
}

fn validate_command(scenarios: &[std::path::PathBuf]) -> Result<(), CommandError> {
    let mut failed = false;
    for path in scenarios {
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

fn explain_command(
    scenario: Option<std::path::PathBuf>,
    params: bool,
    language: bool,
    metrics: bool,
    decisions: Option<Option<std::path::PathBuf>>,
) -> Result<(), CommandError> {
    let text = match (scenario, params) {
        (Some(path), _) if let Some(from) = &decisions => revsim::inventory::inventory(&path, from.as_deref())?,
        _ if language => revsim::scenario::language::reference(),
        _ if metrics => revsim::metrics::markdown(),
        (Some(path), true) => commands::parameter_table(&path)?,
        (Some(path), false) => commands::explain(&path)?,
        (None, _) => {
            return Err(CommandError::Input("explain needs a scenario file (or --language, --metrics)".into()));
        }
    };
    print!("{text}");
    Ok(())
}

/// `--shard`, with `auto` read from the scheduler's environment.
fn resolve_shard(spec: Option<ensemble::ShardSpec>) -> Result<Option<ensemble::Shard>, CommandError> {
    spec.map(|s| s.resolve(|name| std::env::var(name).ok())).transpose().map_err(CommandError::Input)
}

/// `revsim plan`: the command to shard is parsed as revsim would parse it, then the script printed.
fn plan_command(
    emit: ensemble::plan::Emit,
    shards: usize,
    revsim: Option<std::path::PathBuf>,
    words: Vec<String>,
) -> Result<(), CommandError> {
    let parsed = cli::Cli::try_parse_from(std::iter::once("revsim".to_string()).chain(words.iter().cloned()))
        .map_err(|e| CommandError::Input(format!("the command to plan: {e}")))?;
    let (scenarios, runs, scale, j, out, shard) = match parsed.command {
        cli::Command::Ensemble { scenario, runs, scale, jobs, out, shard, .. } => {
            (vec![scenario], runs, scale, jobs, out, shard)
        }
        cli::Command::Compare { scenarios, runs, scale, jobs, out, shard, .. } => {
            (scenarios, runs, scale, jobs, out, shard)
        }
        _ => return Err(CommandError::Input("revsim plan shards `ensemble …` or `compare …`".into())),
    };
    if shard.is_some() {
        return Err(CommandError::Input("the command to plan has --shard: the plan adds it to each task".into()));
    }
    let this = std::env::current_exe().map_err(|e| CommandError::Input(e.to_string()))?;
    let revsim = revsim.unwrap_or(this);
    let jobs = j.filter(|n| *n > 0).unwrap_or(1);
    let req = ensemble::plan::PlanRequest { words, scenarios, runs, scale, jobs, out, shards, revsim };
    print!("{}", ensemble::plan::emit(&req, emit)?);
    Ok(())
}

fn dispatch(command: cli::Command, command_line: String) -> Result<(), CommandError> {
    use cli::Command as C;
    match command {
        C::Run { scenario, seed, scale, out, force, threads, charts, report: html } => {
            let threads = threads.unwrap_or_else(cores);
            let opts =
                RunOptions { scenario, seed, scale, out, force, threads, command_line, charts: charts.options() };
            commands::run(&opts).and_then(|report| {
                eprint!("{}", commands::summary(&report));
                write_report(html.report, &report.dir)
            })
        }
        C::Ensemble {
            scenario,
            runs,
            seed,
            jobs: j,
            scale,
            out,
            force,
            resume,
            quiet,
            shard,
            fail_run,
            interrupt_after,
            charts,
            report: html,
        } => {
            let base = EnsembleOptions::new(scenario, runs, seed, jobs(j), scale, command_line);
            let (charts, shard) = (charts.options(), resolve_shard(shard)?);
            let opts = EnsembleOptions { out, force, resume, quiet, fail_run, interrupt_after, charts, shard, ..base };
            ensemble_command(opts, html.report)
        }
        C::Compare {
            scenarios,
            runs,
            seed,
            jobs: j,
            scale,
            out,
            force,
            resume,
            quiet,
            shard,
            interrupt_after,
            posterior,
            charts,
            report: html,
        } => {
            let base = EnsembleOptions::new(scenarios[0].clone(), runs, seed, jobs(j), scale, command_line);
            let (charts, shard) = (charts.options(), resolve_shard(shard)?);
            let ensemble = EnsembleOptions { force, resume, quiet, interrupt_after, charts, shard, ..base };
            compare_command(ensemble::CompareOptions { scenarios, ensemble, out, posterior }, html.report)
        }
        C::History { runs, from, scenario, targets, seed, jobs: j, scale, out, force, quiet, charts, report: html } => {
            let base = EnsembleOptions::new(scenario.clone(), runs, seed, jobs(j), scale, command_line);
            let ensemble = EnsembleOptions { force, quiet, charts: charts.options(), ..base };
            history_command(commands::HistoryOptions { scenario, targets, from, ensemble, out }, html.report)
        }
        C::Calibrate { params, passes, runs, scenario, targets, seed, jobs: j, scale, resume } => {
            let base = EnsembleOptions::new(scenario.clone(), runs, seed, jobs(j), scale, command_line);
            let ensemble = EnsembleOptions { force: true, quiet: true, ..base };
            calibrate_command(revsim::calibrate::CalibrateOptions {
                scenario,
                targets,
                grids: params,
                passes,
                resume,
                ensemble,
            })
        }
        C::Chart { dir, charts } => {
            let opts = charts.options().unwrap_or_default();
            revsim::chart::draw_folder(&dir, &opts)
                .map(|files| eprintln!("{} charts written to {}/charts/", files.len(), dir.display()))
                .map_err(|e| CommandError::Input(e.to_string()))
        }
        C::List { dir } => commands::list(&dir).map(|text| print!("{text}")),
        C::Explain { scenario, params, language, metrics, decisions, from } => {
            explain_command(scenario, params, language, metrics, decisions.then_some(from))
        }
        C::Validate { scenarios } => validate_command(&scenarios),
        C::Epstein(args) => epstein(&args),
        C::Sweep(args) => sweep(args, command_line),
        C::Attribute(args) => attribute(args, command_line),
        C::Merge { shards, out, force, charts, report: html } => {
            let opts = ensemble::merge::MergeOptions { shards, out, force, command_line, charts: charts.options() };
            let report = ensemble::merge::merge(&opts)?;
            eprint!("{}", report.text);
            write_report(html.report, &report.dir)
        }
        C::Plan { emit, shards, revsim, command } => plan_command(emit, shards, revsim, command),
        C::Sensitivity(args) => sensitivity_command(args, command_line),
        C::Labels(args) => labels_command(args, command_line),
        C::Abc(args) => abc_command(args, command_line),
        C::Report { dir } => revsim::report::write(&dir).map(|path| eprintln!("report: {}", path.display())),
    }
}

fn sensitivity_command(a: cli::revsim_args::SensitivityArgs, command_line: String) -> Result<(), CommandError> {
    let opts = revsim::inference::SensitivityOptions {
        runner: a.runner.runner(jobs(a.runner.jobs)),
        scenario: a.scenario,
        alt: a.alt,
        targets: a.targets,
        params: a.params,
        all_calibrated: a.all_calibrated,
        metrics: a.metrics,
        trajectories: a.trajectories,
        out: a.out,
        force: a.force,
        command_line,
        charts: a.charts.options(),
    };
    let r = revsim::inference::sensitivity(&opts)?;
    eprintln!(
        "revsim: {} runs in {:.1} s\nfiles: {}/sensitivity.csv, sensitivity.md, charts/",
        r.runs,
        r.wall_seconds,
        r.dir.display()
    );
    Ok(())
}

fn labels_command(a: cli::revsim_args::LabelsArgs, command_line: String) -> Result<(), CommandError> {
    let opts = revsim::inference::labels::LabelOptions {
        runner: a.runner.runner(jobs(a.runner.jobs)),
        scenario: a.scenario,
        targets: a.targets,
        params: a.params,
        out: a.out,
        command_line,
    };
    let checks = revsim::inference::labels::check_labels(&opts, |line| eprintln!("{line}"))?;
    let passing = checks.iter().filter(|c| c.passes()).count();
    eprintln!("{passing} of {} labels pass; report: {}", checks.len(), opts.out.display());
    Ok(())
}

fn abc_command(a: cli::revsim_args::AbcArgs, command_line: String) -> Result<(), CommandError> {
    let opts = revsim::inference::abc::AbcOptions {
        runner: a.runner.runner(jobs(a.runner.jobs)),
        scenario: a.scenario,
        targets: a.targets,
        params: a.params,
        all_calibrated: a.all_calibrated,
        draws: a.draws,
        accept: a.accept,
        hold_out: a.hold_out,
        out: a.out,
        force: a.force,
        command_line,
    };
    let r = revsim::inference::abc::abc(&opts, |line| eprintln!("{line}"))?;
    let held: Vec<&(String, bool)> = r.fit.iter().filter(|(id, _)| r.held_out.contains(id)).collect();
    let inside = r.fit.iter().filter(|(id, i)| *i && !r.held_out.contains(id)).count();
    eprintln!(
        "accepted {} vectors (tolerance {:.4}); {inside} of {} calibration targets inside",
        r.posterior.draws.len(),
        r.tolerance,
        r.fit.len() - held.len()
    );
    if !held.is_empty() {
        eprintln!("held out: {} of {} inside", held.iter().filter(|h| h.1).count(), held.len());
    }
    eprintln!("files: {}/posterior.csv, abc.md", r.dir.display());
    Ok(())
}

fn main() {
    let args = cli::Cli::parse();
    let command_line = std::env::args().collect::<Vec<_>>().join(" ");
    revsim::interrupt::install();
    if let Err(e) = dispatch(args.command, command_line) {
        eprintln!("error: {e}");
        std::process::exit(e.exit_code());
    }
}
