//! The tables of an ensemble folder: `runs.csv` rows, reading them back, and `summary.csv`.

use crate::error::CommandError;
use crate::metrics::METRICS;
use crate::output::{csv_field, fmt_num};
use crate::run::RunOutput;
use crate::stats::quantile;
use std::collections::BTreeMap;
use std::path::Path;

/// The header of `runs.csv`.
pub fn runs_header() -> String {
    let finals: Vec<String> = METRICS.iter().map(|m| format!("final_{m}")).collect();
    format!("run,seed,status,{},kronstadt,kronstadt_mutiny_date,tax_in_kind_date,end_state,message\n", finals.join(","))
}

/// One row of `runs.csv`.
pub fn runs_row(k: usize, seed: u64, result: &Result<RunOutput, String>) -> String {
    match result {
        Ok(out) => {
            let last = out.rows.last().map(|r| r.2.clone()).unwrap_or_default();
            let finals: Vec<String> = last.iter().map(|v| fmt_num(*v)).collect();
            let first = |kind: &str| out.events.iter().find(|e| e.kind == kind).map(|e| e.date.to_string());
            let kronstadt = out.kronstadt.key();
            format!(
                "{k},{seed},ok,{},{kronstadt},{},{},{},\n",
                finals.join(","),
                first("kronstadt_mutiny").unwrap_or_default(),
                first("tax_in_kind_adopted").unwrap_or_default(),
                out.end_state.key()
            )
        }
        Err(message) => {
            let empty = vec![""; METRICS.len() + 4];
            format!("{k},{seed},failed,{},{}\n", empty.join(","), csv_field(message))
        }
    }
}

/// Failed runs with their messages.
pub type Failures = Vec<(usize, String)>;
/// Runs per end state.
pub type EndStateCounts = Vec<(String, usize)>;

/// (failed runs with messages, end-state counts) from `runs.csv`.
pub fn read_runs(path: &Path) -> Result<(Failures, EndStateCounts), CommandError> {
    let mut reader =
        csv::Reader::from_path(path).map_err(|e| CommandError::Input(format!("{}: {e}", path.display())))?;
    let headers = reader.headers().map_err(|e| CommandError::Input(e.to_string()))?.clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (status, state, message) = (col("status"), col("end_state"), col("message"));
    let mut failed = Vec::new();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| CommandError::Input(e.to_string()))?;
        let get = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("").to_string();
        let run: usize = record.get(0).and_then(|r| r.parse().ok()).unwrap_or(0);
        if get(status) == "ok" {
            *counts.entry(get(state)).or_default() += 1;
        } else {
            failed.push((run, get(message)));
        }
    }
    Ok((failed, counts.into_iter().collect()))
}

/// Bytes of values [`summarise`] holds at once. A larger ensemble's values are first copied,
/// tick by tick, into a scratch file beside `timeseries.csv` and summarised one tick at a time,
/// so memory stays bounded whatever the number of runs (the quantiles stay exact).
pub const SUMMARY_BUDGET: usize = 16 << 20;

fn input_err(path: &Path) -> impl Fn(csv::Error) -> CommandError + '_ {
    move |e| CommandError::Input(format!("{}: {e}", path.display()))
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> CommandError + '_ {
    move |source| CommandError::Output(crate::output::OutputError::Io { path: path.display().to_string(), source })
}

fn field<T: std::str::FromStr>(record: &csv::ByteRecord, i: usize) -> Option<T> {
    std::str::from_utf8(record.get(i)?).ok()?.parse().ok()
}

/// The metrics of one row of `timeseries.csv`.
fn row_values(record: &csv::ByteRecord) -> impl Iterator<Item = f64> + '_ {
    (0..METRICS.len()).map(|m| field(record, 3 + m).unwrap_or(f64::NAN))
}

/// The rows of each tick and its date, from one pass over `timeseries.csv`.
fn ticks(timeseries: &Path) -> Result<(Vec<usize>, Vec<String>), CommandError> {
    let mut reader = csv::Reader::from_path(timeseries).map_err(input_err(timeseries))?;
    let (mut rows, mut dates) = (Vec::new(), Vec::new());
    let mut record = csv::ByteRecord::new();
    while reader.read_byte_record(&mut record).map_err(input_err(timeseries))? {
        let tick: usize = field(&record, 1).unwrap_or(0);
        if rows.len() <= tick {
            rows.resize(tick + 1, 0);
            dates.resize(tick + 1, String::new());
        }
        rows[tick] += 1;
        dates[tick] = String::from_utf8_lossy(record.get(2).unwrap_or_default()).into_owned();
    }
    Ok((rows, dates))
}

/// Every tick's values, `values[tick][metric]` with one value per run, read at once.
fn in_memory(timeseries: &Path, ticks: usize) -> Result<Vec<Vec<Vec<f64>>>, CommandError> {
    let mut reader = csv::Reader::from_path(timeseries).map_err(input_err(timeseries))?;
    let mut values = vec![vec![Vec::new(); METRICS.len()]; ticks];
    let mut record = csv::ByteRecord::new();
    while reader.read_byte_record(&mut record).map_err(input_err(timeseries))? {
        let tick: usize = field(&record, 1).unwrap_or(0);
        for (runs, v) in values[tick].iter_mut().zip(row_values(&record)) {
            runs.push(v);
        }
    }
    Ok(values)
}

/// Values grouped by tick in a scratch file: tick `t`'s rows (in file order) start at row
/// `start[t]`, each row its metrics as little-endian f64. Removed when dropped.
struct Scratch {
    path: std::path::PathBuf,
    file: std::fs::File,
    start: Vec<usize>,
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

const ROW_BYTES: usize = 8 * METRICS.len();

impl Scratch {
    fn write(timeseries: &Path, rows: &[usize]) -> Result<Scratch, CommandError> {
        use std::io::{Seek, SeekFrom, Write};
        let dir = timeseries.parent().unwrap_or_else(|| Path::new("."));
        let path = dir.join(format!(".summary-scratch-{}", std::process::id()));
        let file = std::fs::OpenOptions::new().create(true).truncate(true).read(true).write(true).open(&path);
        let mut scratch = Scratch { file: file.map_err(io_err(&path))?, path, start: Vec::with_capacity(rows.len()) };
        let mut next = 0;
        for n in rows {
            scratch.start.push(next);
            next += n;
        }
        let mut filled = scratch.start.clone();
        let mut reader = csv::Reader::from_path(timeseries).map_err(input_err(timeseries))?;
        let (mut record, mut bytes) = (csv::ByteRecord::new(), Vec::with_capacity(ROW_BYTES));
        while reader.read_byte_record(&mut record).map_err(input_err(timeseries))? {
            let tick: usize = field(&record, 1).unwrap_or(0);
            bytes.clear();
            row_values(&record).for_each(|v| bytes.extend_from_slice(&v.to_le_bytes()));
            let at = (filled[tick] * ROW_BYTES) as u64;
            filled[tick] += 1;
            let io = io_err(&scratch.path);
            scratch.file.seek(SeekFrom::Start(at)).and_then(|_| scratch.file.write_all(&bytes)).map_err(io)?;
        }
        Ok(scratch)
    }

    /// Tick `tick`'s values, one vector per metric.
    fn tick(&mut self, tick: usize, rows: usize) -> Result<Vec<Vec<f64>>, CommandError> {
        use std::io::{Read, Seek, SeekFrom};
        let mut bytes = vec![0u8; rows * ROW_BYTES];
        let at = (self.start[tick] * ROW_BYTES) as u64;
        let io = io_err(&self.path);
        self.file.seek(SeekFrom::Start(at)).and_then(|_| self.file.read_exact(&mut bytes)).map_err(io)?;
        let mut values = vec![Vec::with_capacity(rows); METRICS.len()];
        for (i, chunk) in bytes.chunks_exact(8).enumerate() {
            values[i % METRICS.len()].push(f64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        }
        Ok(values)
    }
}

/// The `summary.csv` rows of one tick's metrics.
fn summary_rows(text: &mut String, tick: usize, date: &str, per_metric: &mut [Vec<f64>]) {
    for (m, runs) in per_metric.iter_mut().enumerate() {
        if runs.is_empty() {
            continue;
        }
        runs.sort_by(f64::total_cmp);
        let n = runs.len() as f64;
        let mean = runs.iter().sum::<f64>() / n;
        let sd = if runs.len() > 1 {
            (runs.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
        } else {
            0.0
        };
        let q = |p: f64| fmt_num(quantile(runs, p));
        text.push_str(&format!(
            "{tick},{date},{},{},{},{},{},{},{},{}\n",
            METRICS[m],
            fmt_num(mean),
            fmt_num(sd),
            q(0.05),
            q(0.25),
            q(0.5),
            q(0.75),
            q(0.95)
        ));
    }
}

/// `summary.csv` from an ensemble's long `timeseries.csv`, holding at most about
/// [`SUMMARY_BUDGET`] bytes of values (more runs go through a scratch file, a tick at a time).
pub fn summarise(timeseries: &Path) -> Result<String, CommandError> {
    summarise_within(timeseries, SUMMARY_BUDGET)
}

/// [`summarise`] with a given budget of bytes (a test makes it small to check that both ways
/// give the same file).
pub fn summarise_within(timeseries: &Path, budget: usize) -> Result<String, CommandError> {
    let (rows, dates) = ticks(timeseries)?;
    let mut text = String::from("tick,date,metric,mean,sd,p05,p25,p50,p75,p95\n");
    if rows.iter().sum::<usize>() * ROW_BYTES <= budget {
        for (tick, per_metric) in in_memory(timeseries, rows.len())?.iter_mut().enumerate() {
            summary_rows(&mut text, tick, &dates[tick], per_metric);
        }
    } else {
        let mut scratch = Scratch::write(timeseries, &rows)?;
        for (tick, n) in rows.iter().enumerate() {
            summary_rows(&mut text, tick, &dates[tick], &mut scratch.tick(tick, *n)?);
        }
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scratch_file_gives_the_same_summary_as_memory_and_is_removed() {
        let dir = std::env::temp_dir().join(format!("revsim-summary-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("timeseries.csv");
        let mut text = format!("run,tick,date,{}\n", METRICS.join(","));
        for run in 0..7 {
            for tick in 0..5 {
                let values: Vec<String> =
                    (0..METRICS.len()).map(|m| fmt_num(((run * 31 + tick * 7 + m) % 13) as f64 / 3.0)).collect();
                text.push_str(&format!("{run},{tick},1918-01-0{},{}\n", tick + 1, values.join(",")));
            }
        }
        std::fs::write(&path, text).unwrap();
        let whole = summarise_within(&path, usize::MAX).unwrap();
        let scratch = summarise_within(&path, 1).unwrap();
        assert_eq!(whole, scratch);
        assert_eq!(whole.lines().count(), 1 + 5 * METRICS.len());
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "the scratch file is removed");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
