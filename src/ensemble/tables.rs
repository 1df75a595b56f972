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

/// `summary.csv` from an ensemble's long `timeseries.csv`.
pub fn summarise(timeseries: &Path) -> Result<String, CommandError> {
    let mut reader = csv::Reader::from_path(timeseries)
        .map_err(|e| CommandError::Input(format!("{}: {e}", timeseries.display())))?;
    // values[tick][metric] = one value per run
    let mut values: Vec<Vec<Vec<f64>>> = Vec::new();
    let mut dates: Vec<String> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| CommandError::Input(e.to_string()))?;
        let tick: usize = record.get(1).and_then(|t| t.parse().ok()).unwrap_or(0);
        while values.len() <= tick {
            values.push(vec![Vec::new(); METRICS.len()]);
            dates.push(String::new());
        }
        dates[tick] = record.get(2).unwrap_or("").to_string();
        for m in 0..METRICS.len() {
            let v: f64 = record.get(3 + m).and_then(|v| v.parse().ok()).unwrap_or(f64::NAN);
            values[tick][m].push(v);
        }
    }
    let mut text = String::from("tick,date,metric,mean,sd,p05,p25,p50,p75,p95\n");
    for (tick, per_metric) in values.iter_mut().enumerate() {
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
                "{tick},{},{},{},{},{},{},{},{},{}\n",
                dates[tick],
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
    Ok(text)
}
