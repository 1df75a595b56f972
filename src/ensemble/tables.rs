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

/// Bytes of values [`summarise`] holds at once. A larger ensemble is summarised a block of
/// ticks at a time, reading `timeseries.csv` once per block, so memory stays bounded whatever
/// the number of runs (the quantiles stay exact).
pub const SUMMARY_BUDGET: usize = 160 << 20;

fn input_err(path: &Path) -> impl Fn(csv::Error) -> CommandError + '_ {
    move |e| CommandError::Input(format!("{}: {e}", path.display()))
}

fn field<T: std::str::FromStr>(record: &csv::ByteRecord, i: usize) -> Option<T> {
    std::str::from_utf8(record.get(i)?).ok()?.parse().ok()
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

/// The values of ticks `from..to`: `values[tick - from][metric]`, one value per run.
fn block(timeseries: &Path, from: usize, to: usize) -> Result<Vec<Vec<Vec<f64>>>, CommandError> {
    let mut reader = csv::Reader::from_path(timeseries).map_err(input_err(timeseries))?;
    let mut values = vec![vec![Vec::new(); METRICS.len()]; to - from];
    let mut record = csv::ByteRecord::new();
    while reader.read_byte_record(&mut record).map_err(input_err(timeseries))? {
        let tick: usize = field(&record, 1).unwrap_or(0);
        if (from..to).contains(&tick) {
            for (m, runs) in values[tick - from].iter_mut().enumerate() {
                runs.push(field(&record, 3 + m).unwrap_or(f64::NAN));
            }
        }
    }
    Ok(values)
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

/// `summary.csv` from an ensemble's long `timeseries.csv`, a block of ticks at a time (at most
/// [`SUMMARY_BUDGET`] bytes of values in memory).
pub fn summarise(timeseries: &Path) -> Result<String, CommandError> {
    summarise_within(timeseries, SUMMARY_BUDGET)
}

/// [`summarise`] with a given budget of bytes (a test makes it small to check that the blocks
/// give the same file).
pub fn summarise_within(timeseries: &Path, budget: usize) -> Result<String, CommandError> {
    let (rows, dates) = ticks(timeseries)?;
    let per_tick = rows.iter().max().copied().unwrap_or(0).max(1) * METRICS.len() * std::mem::size_of::<f64>();
    let step = (budget / per_tick).max(1);
    let mut text = String::from("tick,date,metric,mean,sd,p05,p25,p50,p75,p95\n");
    for from in (0..rows.len()).step_by(step) {
        let to = (from + step).min(rows.len());
        for (i, per_metric) in block(timeseries, from, to)?.iter_mut().enumerate() {
            summary_rows(&mut text, from + i, &dates[from + i], per_metric);
        }
    }
    Ok(text)
}
