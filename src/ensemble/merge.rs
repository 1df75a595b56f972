//! `revsim merge`: the shards of one ensemble or comparison put back together. It checks that
//! the shards share one plan and together hold every run exactly once, then streams their rows
//! back into run order and ends through the same code as the unsharded command (summaries,
//! paired differences, history, manifest, charts), so the files are the same byte for byte.
//! Anything wrong is refused before a file is written; the folder is built in a hidden sibling
//! that is removed on an error.

use super::shard::{Plan, PlanScenario, Shard, unsharded_command};
use super::{CompareOptions, EnsembleOptions, schedule::FILES};
use crate::error::CommandError;
use crate::output::{self, StagedDir};
use crate::scenario::Resolved;
use std::io::{BufRead, BufReader, Read, Seek, Write};
use std::path::{Path, PathBuf};

/// Options of `revsim merge`.
#[derive(Clone, Debug)]
pub struct MergeOptions {
    pub shards: Vec<PathBuf>,
    pub out: PathBuf,
    pub force: bool,
    pub command_line: String,
    pub charts: Option<crate::chart::ChartOptions>,
}

/// What a merge did, for the terminal.
#[derive(Clone, Debug)]
pub struct MergeReport {
    pub dir: PathBuf,
    pub text: String,
}

/// A shard folder, as its manifest describes it.
struct ShardFolder {
    dir: PathBuf,
    shard: Shard,
    plan: Plan,
    jobs: usize,
    command_line: String,
}

fn refuse(text: String) -> CommandError {
    CommandError::Input(format!("{text}; nothing was written"))
}

fn read_shard(dir: &Path) -> Result<ShardFolder, CommandError> {
    let path = dir.join("manifest.json");
    let text =
        std::fs::read_to_string(&path).map_err(|e| refuse(format!("{}: not a shard folder ({e})", path.display())))?;
    let m: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| refuse(format!("{}: unreadable manifest: {e}", path.display())))?;
    let not_shard = || {
        refuse(format!(
            "{}: not a shard folder (its manifest names no shard and plan; shards are written by \
             `revsim ensemble|compare … --shard I/N`)",
            dir.display()
        ))
    };
    let shard: Shard =
        serde_json::from_value(m.get("shard").cloned().ok_or_else(not_shard)?).map_err(|_| not_shard())?;
    let plan: Plan = serde_json::from_value(m.get("plan").cloned().ok_or_else(not_shard)?).map_err(|_| not_shard())?;
    Ok(ShardFolder {
        dir: dir.to_path_buf(),
        shard,
        plan,
        jobs: m.get("jobs").and_then(|j| j.as_u64()).unwrap_or(1) as usize,
        command_line: m.get("command_line").and_then(|c| c.as_str()).unwrap_or("").to_string(),
    })
}

/// Refuses shards of different plans, a shard given twice and a missing shard; returns the
/// shards in shard order.
fn check_set(mut shards: Vec<ShardFolder>) -> Result<Vec<ShardFolder>, CommandError> {
    let first = &shards[0];
    for s in &shards[1..] {
        if let Some(what) = first.plan.difference(&s.plan) {
            return Err(refuse(format!(
                "{} and {} are not shards of one plan: {what}",
                first.dir.display(),
                s.dir.display()
            )));
        }
        if s.shard.count != first.shard.count {
            return Err(refuse(format!(
                "{} is shard {} but {} is shard {}: not one plan (the number of shards differs)",
                first.dir.display(),
                first.shard,
                s.dir.display(),
                s.shard
            )));
        }
    }
    shards.sort_by_key(|s| s.shard.index);
    for pair in shards.windows(2) {
        if pair[0].shard.index == pair[1].shard.index {
            return Err(refuse(format!(
                "shard {} is given twice: {} and {}",
                pair[0].shard,
                pair[0].dir.display(),
                pair[1].dir.display()
            )));
        }
    }
    let count = shards[0].shard.count;
    if let Some(index) = (0..count).find(|i| shards.iter().all(|s| s.shard.index != *i)) {
        let missing = Shard { index, count };
        let runs: Vec<String> =
            (0..missing.len(shards[0].plan.runs).min(6)).map(|p| missing.run(p).to_string()).collect();
        return Err(refuse(format!(
            "shard {missing} is missing (its runs {}{} are in none of the folders given)",
            runs.join(", "),
            if missing.len(shards[0].plan.runs) > 6 { ", …" } else { "" }
        )));
    }
    Ok(shards)
}

/// The scenarios of the plan, loaded again from their files and refused if a file changed.
fn load_scenarios(plan: &Plan) -> Result<Vec<Resolved>, CommandError> {
    let mut out = Vec::new();
    for s in &plan.scenarios {
        let path = PathBuf::from(&s.files.first().map(|f| f.0.clone()).unwrap_or_default());
        let resolved = crate::scenario::load(&path)
            .map_err(|e| refuse(format!("the plan's scenario {} cannot be read again: {e}", path.display())))?;
        if PlanScenario::of(&resolved) != *s {
            return Err(refuse(format!(
                "{} (or a file it extends) changed since the shards ran (SHA-256 differs from the shards' manifest)",
                path.display()
            )));
        }
        out.push(resolved);
    }
    Ok(out)
}

/// The rows of one file of one shard, read in order, each copied byte for byte.
struct Rows {
    path: PathBuf,
    csv: csv::Reader<std::fs::File>,
    raw: BufReader<std::fs::File>,
    record: csv::ByteRecord,
    /// The run and start offset of the next row not yet copied.
    next: Option<(usize, u64)>,
    end: u64,
}

impl Rows {
    fn open(path: &Path) -> Result<(Rows, Vec<u8>), CommandError> {
        let io = |e: std::io::Error| refuse(format!("{}: {e}", path.display()));
        let mut csv = csv::Reader::from_path(path).map_err(|e| refuse(format!("{}: {e}", path.display())))?;
        let end = std::fs::metadata(path).map_err(io)?.len();
        let mut raw = BufReader::new(std::fs::File::open(path).map_err(io)?);
        let mut header = Vec::new();
        raw.read_until(b'\n', &mut header).map_err(io)?;
        csv.headers().map_err(|e| refuse(format!("{}: {e}", path.display())))?;
        let mut rows = Rows { path: path.to_path_buf(), csv, raw, record: csv::ByteRecord::new(), next: None, end };
        rows.advance()?;
        if let Some((_, start)) = rows.next {
            rows.raw.seek(std::io::SeekFrom::Start(start)).map_err(io)?;
        }
        Ok((rows, header))
    }

    fn advance(&mut self) -> Result<(), CommandError> {
        let more =
            self.csv.read_byte_record(&mut self.record).map_err(|e| refuse(format!("{}: {e}", self.path.display())))?;
        self.next = if more {
            let run = std::str::from_utf8(self.record.get(0).unwrap_or_default()).ok().and_then(|r| r.parse().ok());
            let Some(run) = run else {
                return Err(refuse(format!("{}: a row without a run number", self.path.display())));
            };
            Some((run, self.record.position().map_or(0, |p| p.byte())))
        } else {
            None
        };
        Ok(())
    }

    /// Copies every row of run `k` that comes next, returning how many.
    fn copy_run(&mut self, k: usize, out: &mut impl Write, out_path: &Path) -> Result<usize, CommandError> {
        let mut copied = 0;
        while let Some((_, start)) = self.next.filter(|(run, _)| *run == k) {
            self.advance()?;
            let end = self.next.map_or(self.end, |(_, s)| s);
            let mut row = (&mut self.raw).take(end - start);
            std::io::copy(&mut row, out).map_err(|e| refuse(format!("{}: {e}", out_path.display())))?;
            copied += 1;
        }
        Ok(copied)
    }
}

/// Writes `runs.csv`, `timeseries.csv` and `events.csv` of `runs` runs into `into`, each run's
/// rows taken from its shard's folder (`folders[k mod N]`), refusing a run that is missing,
/// doubled, or out of place.
fn concatenate(folders: &[PathBuf], runs: usize, into: &Path) -> Result<(), CommandError> {
    std::fs::create_dir_all(into).map_err(|e| refuse(format!("{}: {e}", into.display())))?;
    for file in FILES {
        let mut readers = Vec::new();
        let mut header = None;
        for folder in folders {
            let (rows, h) = Rows::open(&folder.join(file))?;
            if header.as_ref().is_some_and(|first| *first != h) {
                return Err(refuse(format!("{}: other columns than the first shard's", rows.path.display())));
            }
            header = Some(h);
            readers.push(rows);
        }
        let out_path = into.join(file);
        let io = |e: std::io::Error| refuse(format!("{}: {e}", out_path.display()));
        let mut out = std::io::BufWriter::new(std::fs::File::create(&out_path).map_err(io)?);
        out.write_all(&header.unwrap_or_default()).map_err(io)?;
        for k in 0..runs {
            let rows = &mut readers[k % folders.len()];
            let copied = rows.copy_run(k, &mut out, &out_path)?;
            if file == "runs.csv" && copied != 1 {
                let what = if copied == 0 { "has no row" } else { "has several rows" };
                return Err(refuse(format!("{}: {what} for run {k}", rows.path.display())));
            }
        }
        if let Some(rows) = readers.iter().find(|r| r.next.is_some()) {
            let run = rows.next.map_or(0, |(k, _)| k);
            return Err(refuse(format!(
                "{}: a row of run {run}, which is not this shard's or not in run order",
                rows.path.display()
            )));
        }
        out.into_inner().map_err(|e| io(e.into_error()))?.sync_all().map_err(io)?;
    }
    Ok(())
}

/// `revsim merge`: the checked shards, merged into `opts.out`.
pub fn merge(opts: &MergeOptions) -> Result<MergeReport, CommandError> {
    if opts.shards.is_empty() {
        return Err(refuse("merge needs the shard folders".into()));
    }
    let shards = check_set(opts.shards.iter().map(|d| read_shard(d)).collect::<Result<_, _>>()?)?;
    output::check_out_dir(&opts.out, opts.force)?;
    let plan = shards[0].plan.clone();
    let resolved = load_scenarios(&plan)?;
    let out_text = opts.out.display().to_string();
    let mut e = EnsembleOptions::new(
        PathBuf::from(&plan.scenarios[0].files[0].0),
        plan.runs,
        plan.seed,
        shards[0].jobs,
        plan.scale,
        unsharded_command(&shards[0].command_line, &out_text),
    );
    e.charts = opts.charts.clone();
    let merged_from = serde_json::json!(opts.shards.iter().map(|d| d.display().to_string()).collect::<Vec<_>>());
    let folders: Vec<PathBuf> = shards.iter().map(|s| s.dir.clone()).collect();
    let started = output::now_utc();
    let clock = std::time::Instant::now();
    let staged = StagedDir::new(&opts.out)?;
    let text = if plan.command == "compare" {
        let mut dirs = Vec::new();
        for r in &resolved {
            let name = r.scenario.name.clone();
            let sub = staged.staging.join(&name);
            let mine: Vec<PathBuf> = folders.iter().map(|f| f.join(&name)).collect();
            concatenate(&mine, plan.runs, &sub)?;
            super::conclude(r, &sub, &e, &started, clock.elapsed().as_secs_f64(), Some(merged_from.clone()))?;
            dirs.push((name, sub));
        }
        let scenarios = plan.scenarios.iter().map(|s| PathBuf::from(&s.files[0].0)).collect();
        // A sharded comparison never has a posterior (compare refuses the two together).
        let c = CompareOptions { scenarios, ensemble: e, out: Some(opts.out.clone()), posterior: None };
        let rows = super::compare::conclude(&staged.staging, &opts.out, &resolved, &dirs, &c, Some(merged_from))?;
        format!("comparison: {}/comparison.csv\n\n{}", opts.out.display(), super::headline::comparison(&rows))
    } else {
        concatenate(&folders, plan.runs, &staged.staging)?;
        let r = &resolved[0];
        super::conclude(r, &staged.staging, &e, &started, clock.elapsed().as_secs_f64(), Some(merged_from))?;
        output::replace_dir(&staged.staging, &opts.out)?;
        if let Some(charts) = &e.charts {
            crate::chart::draw_folder(&opts.out, charts).map_err(|e| CommandError::Chart(e.to_string()))?;
        }
        super::stats::shares(&opts.out).map(|s| super::headline::ensemble(&s)).unwrap_or_default()
    };
    drop(staged);
    let head = format!(
        "revsim merge: {} shards of `{}` ({} runs{}) into {}\n",
        shards.len(),
        plan.command,
        plan.runs,
        if plan.command == "compare" { " per scenario" } else { "" },
        opts.out.display()
    );
    Ok(MergeReport { dir: opts.out.clone(), text: head + &text })
}
