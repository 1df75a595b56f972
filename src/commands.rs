//! The commands behind the binary: each takes parsed arguments and returns a typed result.

use crate::output::{self, StagedDir};
use crate::run::{RunOutput, simulate_threads};
use crate::scenario::{self, Resolved};
use std::path::{Path, PathBuf};

pub use crate::error::CommandError;
pub use crate::output::{default_out, manifest};

/// Options of `revsim run`.
#[derive(Clone, Debug)]
pub struct RunOptions {
    pub scenario: PathBuf,
    pub seed: u64,
    pub scale: u32,
    pub out: Option<PathBuf>,
    pub force: bool,
    /// Threads for the passes over the agents (the output does not depend on it).
    pub threads: usize,
    pub command_line: String,
    pub charts: Option<crate::chart::ChartOptions>,
}

/// What `revsim run` did.
pub struct RunReport {
    pub dir: PathBuf,
    pub output: RunOutput,
    pub resolved: Resolved,
    pub wall_seconds: f64,
}

/// `revsim run`: one seeded run, written to a run folder.
pub fn run(opts: &RunOptions) -> Result<RunReport, CommandError> {
    let resolved = scenario::load(&opts.scenario)?;
    let dir = opts.out.clone().unwrap_or_else(|| default_out(&resolved));
    crate::limits::check_request(&resolved, opts.scale, opts.seed, 1, 1).map_err(CommandError::Input)?;
    output::check_out_dir(&dir, opts.force)?;
    let started = output::now_utc();
    let clock = std::time::Instant::now();
    let out = simulate_threads(&resolved, opts.seed, opts.scale, opts.threads.max(1))
        .map_err(|message| CommandError::Run { seed: opts.seed, message })?;
    let wall = clock.elapsed().as_secs_f64();
    if crate::interrupt::requested() {
        return Err(CommandError::Interrupted("nothing was written".into()));
    }
    let staged = StagedDir::new(&dir)?;
    output::write_atomic(&staged.path("timeseries.csv"), output::timeseries_csv(&out, None, true).as_bytes())?;
    output::write_atomic(&staged.path("events.csv"), output::events_csv(&out.events, None, true).as_bytes())?;
    output::write_atomic(&staged.path("scenario.resolved.ron"), resolved.to_ron().as_bytes())?;
    let extra = serde_json::json!({
        "seed": opts.seed,
        "scale": opts.scale,
        "agents": out.agents,
        "runs": 1,
        "end_state": out.end_state.key(),
    });
    let text = manifest(&resolved, &opts.command_line, extra, &started, wall);
    output::write_atomic(&staged.path("manifest.json"), text.as_bytes())?;
    let dir = staged.commit()?;
    if let Some(charts) = &opts.charts {
        crate::chart::draw_folder(&dir, charts).map_err(|e| CommandError::Chart(e.to_string()))?;
    }
    Ok(RunReport { dir, output: out, resolved, wall_seconds: wall })
}

/// A short account of a run for the terminal.
pub fn summary(report: &RunReport) -> String {
    let out = &report.output;
    let m = |name: &str| -> Vec<f64> {
        let i = crate::metrics::index(name).expect("known metric");
        out.rows.iter().map(|(_, _, v)| v[i]).collect()
    };
    let at = |name: &str, date: &str| -> f64 {
        let date: crate::date::Date = date.parse().expect("valid date");
        let i = crate::metrics::index(name).expect("known metric");
        out.rows.iter().rev().find(|(_, d, _)| *d <= date).map_or(f64::NAN, |(_, _, v)| v[i])
    };
    let first =
        |kind: &str| out.events.iter().find(|e| e.kind == kind).map_or("never".to_string(), |e| e.date.to_string());
    let red_peak = m("red_army").into_iter().fold(0.0, f64::max);
    let last = |name: &str| *m(name).last().unwrap_or(&f64::NAN);
    let procured = |from: &str, to: &str| at("grain_procured_cum_mpoods", to) - at("grain_procured_cum_mpoods", from);
    let kronstadt = out.kronstadt.label();
    format!(
        "revsim: {} (seed {}, {} agents of {} people) in {:.1} s\n\
         end state: {}\n\
         Red Army: {:.2} M in May 1918, {:.2} M at its peak\n\
         Petrograd: {:.2} M at the end of 1918, {:.2} M at the end of 1920\n\
         grain procured (M poods): 1918/19 {:.0}, 1919/20 {:.0}, 1920/21 {:.0}\n\
         district uprisings started: {:.0} in all ({:.0} in 1918)\n\
         Kronstadt: mutiny {}, {}; tax in kind: {}\n\
         soviet democracy index at the end: {:.2}; party pluralism {:.2}\n\
         files: {}/timeseries.csv, events.csv, manifest.json, scenario.resolved.ron, charts/\n",
        report.resolved.scenario.title,
        out.seed,
        out.agents,
        out.scale,
        report.wall_seconds,
        out.end_state.key(),
        at("red_army", "1918-05-10") / 1e6,
        red_peak / 1e6,
        at("petrograd_population", "1918-12-31") / 1e6,
        at("petrograd_population", "1920-12-31") / 1e6,
        procured("1918-07-31", "1919-07-31"),
        procured("1919-07-31", "1920-07-31"),
        procured("1920-07-31", "1921-07-31"),
        last("uprisings_cum"),
        at("uprisings_cum", "1918-12-31") - at("uprisings_cum", "1917-12-31"),
        first("kronstadt_mutiny"),
        kronstadt,
        first("tax_in_kind_adopted"),
        last("soviet_democracy_index"),
        last("party_pluralism"),
        report.dir.display(),
    )
}

/// One line per scenario of a folder: name, title, divergence, and what it expects.
pub fn list(dir: &Path) -> Result<String, CommandError> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| CommandError::Input(format!("{}: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    paths.sort();
    let mut text = String::new();
    let mut bad = Vec::new();
    for path in &paths {
        match scenario::load(path) {
            Ok(r) => {
                let s = &r.scenario;
                let divergence = s.divergence.map_or("(base)".to_string(), |d| d.to_string());
                let line = if s.expected.is_empty() { s.description.clone() } else { s.expected.clone() };
                let line: String = line.split(". ").next().unwrap_or("").chars().take(110).collect();
                text.push_str(&format!("{:<32} {:<11} {}\n{:<44} {}\n", s.name, divergence, s.title, "", line));
            }
            Err(e) => bad.push(format!("{}: {e}", path.display())),
        }
    }
    text.push_str(&format!("{} scenarios in {}\n", paths.len() - bad.len(), dir.display()));
    if !bad.is_empty() {
        return Err(CommandError::Input(format!("{text}invalid files:\n{}", bad.join("\n"))));
    }
    Ok(text)
}

/// The resolved scenario, and a readable list of what it changes relative to its base.
pub fn explain(path: &Path) -> Result<String, CommandError> {
    let r = scenario::load(path)?;
    let s = &r.scenario;
    let mut text = format!("{} — {}\n", s.name, s.title);
    if let Some(d) = s.divergence {
        text.push_str(&format!("diverges from its base on {d}\n"));
    }
    if !s.description.is_empty() {
        text.push_str(&format!("\n{}\n", s.description));
    }
    if !s.expected.is_empty() {
        text.push_str(&format!("\nexpected by the sources: {}\n", s.expected));
    }
    let chain: Vec<String> = r.files.iter().map(|f| f.display().to_string()).collect();
    text.push_str(&format!("\nfiles: {}\n", chain.join(" extends ")));
    if r.applied.is_empty() {
        text.push_str("\nthis is a base scenario: it changes nothing, it states history as encoded\n");
    } else {
        text.push_str("\nchanges, in the order applied:\n");
        for (who, change) in &r.applied {
            text.push_str(&format!("  [{who}] {}\n", describe_change(change)));
        }
    }
    text.push_str("\nsources:\n");
    for source in &r.own_sources {
        text.push_str(&format!("  - {source}\n"));
    }
    text.push_str("\nthe resolved scenario is written as scenario.resolved.ron by every run\n");
    Ok(text)
}

fn describe_change(change: &scenario::Change) -> String {
    use scenario::Change::*;
    let ron = |v: &dyn erased::Ron| v.ron();
    match change {
        AddEvent(e) => format!("adds event `{}` on {}: {}", e.id, e.date, ron(&e.action)),
        RemoveEvent(id) => format!("removes event `{id}`"),
        MoveEvent(id, d) => format!("moves event `{id}` to {d}"),
        ReplaceEvent(e) => format!("replaces event `{}`: on {} {}", e.id, e.date, ron(&e.action)),
        AddRule(r) => format!(
            "adds decision rule `{}`{}: when {} then {}",
            r.id,
            r.not_before.map(|d| format!(" (from {d})")).unwrap_or_default(),
            ron(&r.when),
            ron(&r.action)
        ),
        RemoveRule(id) => format!("removes decision rule `{id}`"),
        ReplaceRule(r) => format!("replaces decision rule `{}`: when {} then {}", r.id, ron(&r.when), ron(&r.action)),
        SetRuleTrigger(id, when) => format!("changes the trigger of rule `{id}` to {}", ron(when)),
        SetPolicy(d, p) => format!("sets policy {} from {d}", ron(p)),
        SetPlatform(party, p) => format!("sets the platform of {} to {}", party.key(), ron(p)),
        SetParameter(name, v) => format!("sets parameter `{name}` to {v}"),
        ScaleMechanism(name, v) => format!("scales mechanism `{name}` by {v}"),
        SetEnvironment(env) => match env.gulf_of_finland_ice_breakup {
            Some(d) => format!("sets the Gulf of Finland ice break-up to {d}"),
            None => "changes nothing in the environment".into(),
        },
        SetWeather(w) => format!("sets the weather of `{}` in {} to {}", w.region, w.year, w.factor),
        AddAlliedAid(a) => {
            format!("adds Allied aid on `{}` from {} to {} (supply ×{})", a.front, a.from, a.to, a.supply)
        }
        RemoveAlliedAid(front) => format!("removes Allied aid on `{front}`"),
    }
}

mod erased {
    /// Anything serialisable, written as compact RON for `explain`.
    pub trait Ron {
        fn ron(&self) -> String;
    }
    impl<T: serde::Serialize> Ron for T {
        fn ron(&self) -> String {
            ron::to_string(self).unwrap_or_default().replace('"', "")
        }
    }
}

/// Options of `revsim history`.
#[derive(Clone, Debug)]
pub struct HistoryOptions {
    pub scenario: PathBuf,
    pub targets: PathBuf,
    /// Read this ensemble folder instead of running one.
    pub from: Option<PathBuf>,
    pub ensemble: crate::ensemble::EnsembleOptions,
    pub out: PathBuf,
}

/// `revsim history`: the baseline ensemble scored against the historical targets.
pub fn history(opts: &HistoryOptions) -> Result<(PathBuf, Vec<crate::history::Outcome>, usize), CommandError> {
    let targets = crate::history::load_targets(&opts.targets)?;
    // With --from, the scenario only gives the title.
    let resolved = match &opts.from {
        Some(_) => scenario::load(&opts.scenario).ok(),
        None => {
            let resolved = scenario::load(&opts.scenario)?;
            crate::ensemble::check(&resolved, &opts.out, &opts.ensemble)?;
            Some(resolved)
        }
    };
    output::check_out_dir(&opts.out, opts.ensemble.force)?;
    let staged = StagedDir::new(&opts.out)?;
    let ensemble_dir = match (&opts.from, &resolved) {
        (Some(dir), _) => dir.clone(),
        (None, resolved) => {
            let resolved = resolved.as_ref().expect("loaded above when there is no --from");
            let sub = staged.staging.join("ensemble");
            let e =
                crate::ensemble::EnsembleOptions { force: true, resume: false, charts: None, ..opts.ensemble.clone() };
            crate::ensemble::ensemble_resolved(resolved, &sub, &e)?;
            sub
        }
    };
    let outcomes = crate::history::score(&ensemble_dir, &targets)?;
    let (_, end_states) = crate::ensemble::read_runs(&ensemble_dir.join("runs.csv"))?;
    let runs: usize = end_states.iter().map(|(_, n)| n).sum();
    output::write_atomic(&staged.path("history.csv"), crate::history::history_csv(&outcomes).as_bytes())?;
    output::write_atomic(&staged.path("history.md"), crate::history::history_md(&outcomes, runs).as_bytes())?;
    let m = serde_json::json!({
        "scenario": "history",
        "title": resolved.map(|r| r.scenario.title).unwrap_or_default(),
        "runs": runs,
        "seed": opts.ensemble.seed,
        "scale": opts.ensemble.scale,
        "version": env!("CARGO_PKG_VERSION"),
        "command_line": opts.ensemble.command_line,
        "ensemble": opts.from.as_ref().map_or("ensemble".to_string(), |d| d.display().to_string()),
        "finished": output::now_utc(),
    });
    output::write_atomic(
        &staged.path("manifest.json"),
        (serde_json::to_string_pretty(&m).unwrap_or_default() + "\n").as_bytes(),
    )?;
    let dir = staged.commit()?;
    if let Some(charts) = &opts.ensemble.charts {
        let draw = |d: &Path| crate::chart::draw_folder(d, charts).map_err(|e| CommandError::Chart(e.to_string()));
        draw(&dir)?;
        if opts.from.is_none() {
            draw(&dir.join("ensemble"))?;
        }
    }
    Ok((dir, outcomes, runs))
}

/// A Markdown table of every parameter of a base scenario: its name, value and the comment
/// beside it in the file (its prior, its source, or what it was calibrated on), then the number
/// of free coefficients (those with a prior: `scenario::priors`).
pub fn parameter_table(path: &Path) -> Result<String, CommandError> {
    let resolved = scenario::load(path)?;
    let text = std::fs::read_to_string(path).map_err(|e| CommandError::Input(format!("{}: {e}", path.display())))?;
    let comments = scenario::priors::param_lines(&text);
    let mut out = String::from("| parameter | value | source or calibration |\n|---|---|---|\n");
    for (name, value) in resolved.params().names() {
        // A tuple's or a series' elements (`name.0`, `name.2.1`) share their line's comment.
        let mut key = name.as_str();
        while let Some((k, _)) = key.rsplit_once('.').filter(|(_, last)| last.parse::<usize>().is_ok()) {
            key = k;
        }
        let comment = comments.iter().find(|p| p.key == key).map(|p| p.comment.as_str()).unwrap_or("");
        out.push_str(&format!("| `{name}` | {} | {} |\n", output::fmt_num(value), comment.replace('|', "/")));
    }
    let priors = scenario::priors(&resolved).map_err(CommandError::Input)?;
    let sourced = priors.iter().filter(|p| !p.reason.starts_with("no source")).count();
    out.push_str(&format!(
        "\n{} free coefficients (a prior in the file: `prior LOW..HIGH (reason)`), {sourced} of them with a sourced prior, \
         of {} parameters.\n",
        priors.len(),
        resolved.params().names().len()
    ));
    Ok(out)
}
