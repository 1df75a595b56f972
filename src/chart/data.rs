//! Reading run, ensemble, comparison and history folders (INTERFACE.md formats).
//!
//! Reading is tolerant: columns are found by name, extra columns are ignored, a missing metric
//! is simply absent, empty or `NA` cells are missing values (NaN). What cannot be charted
//! without (a `date` column, an unreadable date) is an error naming the file and line.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use super::ChartError;
use super::date::Date;

/// The parts of `manifest.json` the charts use; missing fields get defaults from the folder name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Manifest {
    pub scenario: String,
    pub title: String,
    pub seed: Option<u64>,
    pub version: String,
    pub runs: Option<usize>,
    /// For a comparison: the scenarios, baseline first.
    pub scenarios: Vec<ScenarioRef>,
}

/// One scenario of a comparison manifest.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScenarioRef {
    pub name: String,
    pub title: String,
    pub dir: String,
}

impl Manifest {
    /// Reads `dir/manifest.json`; without one, the folder name stands for the scenario.
    pub fn load(dir: &Path) -> Result<Manifest, ChartError> {
        let path = dir.join("manifest.json");
        let folder = dir.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let mut m = Manifest { scenario: folder, ..Manifest::default() };
        if path.is_file() {
            let text = fs::read_to_string(&path).map_err(|source| ChartError::Io { path: path.clone(), source })?;
            let v: serde_json::Value =
                serde_json::from_str(&text).map_err(|source| ChartError::Json { path: path.clone(), source })?;
            if let Some(s) = str_field(&v, "scenario") {
                m.scenario = s;
            }
            m.title = str_field(&v, "title").unwrap_or_default();
            m.version = str_field(&v, "version").unwrap_or_default();
            m.seed = u64_field(&v, "seed");
            m.runs = u64_field(&v, "runs").map(|r| r as usize);
            if let Some(list) = v.get("scenarios").and_then(|s| s.as_array()) {
                for s in list {
                    let (name, title, dir) = match s {
                        serde_json::Value::String(name) => (name.clone(), String::new(), name.clone()),
                        _ => {
                            let name = str_field(s, "name").unwrap_or_default();
                            let dir = str_field(s, "dir").unwrap_or_else(|| name.clone());
                            (name, str_field(s, "title").unwrap_or_default(), dir)
                        }
                    };
                    m.scenarios.push(ScenarioRef { name, title, dir });
                }
            }
        }
        if m.title.is_empty() {
            m.title = super::labels::readable(&m.scenario);
        }
        Ok(m)
    }

    /// "revsim 0.1.0 · 200 runs · seed 1917" (parts that are unknown are left out).
    pub fn source_line(&self, runs: Option<usize>, per_scenario: bool) -> String {
        let mut parts = vec![if self.version.is_empty() {
            "revsim".to_string()
        } else {
            format!("revsim {}", self.version.trim_start_matches("revsim").trim())
        }];
        if let Some(n) = runs.or(self.runs) {
            let each = if per_scenario { " per scenario" } else { "" };
            parts.push(format!("{n} run{}{each}", if n == 1 { "" } else { "s" }));
        }
        if let Some(seed) = self.seed {
            parts.push(format!("seed {seed}"));
        }
        parts.join(" · ")
    }
}

fn str_field(v: &serde_json::Value, key: &str) -> Option<String> {
    match v.get(key)? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn u64_field(v: &serde_json::Value, key: &str) -> Option<u64> {
    match v.get(key)? {
        serde_json::Value::Number(n) => n.as_u64().or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64)),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A CSV file read whole: header names and rows, with the line number of each row.
struct Table {
    path: PathBuf,
    headers: Vec<String>,
    rows: Vec<(u64, csv::StringRecord)>,
}

impl Table {
    fn read(path: &Path) -> Result<Table, ChartError> {
        Table::read_where(path, None)
    }

    /// The rows whose `column` holds one of `values` (`None`: every row), read as a stream so
    /// that only those rows are held.
    fn read_where(path: &Path, keep: Option<(&str, &[&str])>) -> Result<Table, ChartError> {
        let csv_err = |source| ChartError::Csv { path: path.to_path_buf(), source };
        let mut rdr =
            csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_path(path).map_err(|e| {
                match e.kind() {
                    csv::ErrorKind::Io(_) => match fs::metadata(path) {
                        Err(source) => ChartError::Io { path: path.to_path_buf(), source },
                        Ok(_) => csv_err(e),
                    },
                    _ => csv_err(e),
                }
            })?;
        let headers =
            rdr.headers().map_err(csv_err)?.iter().map(|h| h.trim_start_matches('\u{feff}').to_string()).collect();
        let headers: Vec<String> = headers;
        let kept = keep.and_then(|(name, values)| Some((headers.iter().position(|h| h == name)?, values)));
        let mut rows = Vec::new();
        for rec in rdr.records() {
            let rec = rec.map_err(csv_err)?;
            if rec.iter().all(str::is_empty)
                || kept.is_some_and(|(c, values)| !values.contains(&rec.get(c).unwrap_or("")))
            {
                continue;
            }
            let line = rec.position().map(|p| p.line()).unwrap_or(0);
            rows.push((line, rec));
        }
        Ok(Table { path: path.to_path_buf(), headers, rows })
    }

    fn col(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    fn need(&self, name: &str) -> Result<usize, ChartError> {
        self.col(name).ok_or_else(|| ChartError::Parse {
            path: self.path.clone(),
            line: 1,
            message: format!("no `{name}` column (header: {})", self.headers.join(",")),
        })
    }

    fn date(&self, line: u64, rec: &csv::StringRecord, col: usize) -> Result<Date, ChartError> {
        let s = rec.get(col).unwrap_or("");
        Date::parse(s).ok_or_else(|| ChartError::Parse {
            path: self.path.clone(),
            line,
            message: format!("`{s}` is not a date (YYYY-MM-DD)"),
        })
    }
}

/// A cell as a number; empty, `NA`, `nan` or unreadable cells are NaN.
fn num(rec: &csv::StringRecord, col: Option<usize>) -> f64 {
    col.and_then(|c| rec.get(c)).and_then(|s| s.parse::<f64>().ok()).unwrap_or(f64::NAN)
}

fn text(rec: &csv::StringRecord, col: Option<usize>) -> String {
    col.and_then(|c| rec.get(c)).unwrap_or("").to_string()
}

fn int(rec: &csv::StringRecord, col: Option<usize>) -> Option<u64> {
    col.and_then(|c| rec.get(c)).and_then(|s| s.parse::<u64>().ok())
}

const NOT_METRICS: [&str; 4] = ["run", "tick", "date", "seed"];

/// The `timeseries.csv` of one run: one row per tick.
#[derive(Clone, Debug, Default)]
pub struct Series {
    pub dates: Vec<Date>,
    /// Metric names in file order.
    pub metrics: Vec<String>,
    /// `values[i]` is the column of `metrics[i]`.
    pub values: Vec<Vec<f64>>,
}

impl Series {
    /// The column of `metric`, if the file has it.
    pub fn get(&self, metric: &str) -> Option<&[f64]> {
        self.metrics.iter().position(|m| m == metric).map(|i| self.values[i].as_slice())
    }

    pub fn read(path: &Path) -> Result<Series, ChartError> {
        let t = Table::read(path)?;
        let dc = t.need("date")?;
        let cols: Vec<(usize, &String)> =
            t.headers.iter().enumerate().filter(|(_, h)| !NOT_METRICS.contains(&h.as_str())).collect();
        let mut s = Series {
            metrics: cols.iter().map(|(_, h)| (*h).clone()).collect(),
            values: vec![Vec::with_capacity(t.rows.len()); cols.len()],
            dates: Vec::with_capacity(t.rows.len()),
        };
        for (line, rec) in &t.rows {
            s.dates.push(t.date(*line, rec, dc)?);
            for (k, (c, _)) in cols.iter().enumerate() {
                s.values[k].push(num(rec, Some(*c)));
            }
        }
        s.drop_empty();
        Ok(s)
    }

    /// Drops columns with no number at all (text columns, or metrics never recorded).
    fn drop_empty(&mut self) {
        let keep: Vec<bool> = self.values.iter().map(|v| v.iter().any(|x| x.is_finite())).collect();
        let mut i = 0;
        self.metrics.retain(|_| {
            i += 1;
            keep[i - 1]
        });
        let mut i = 0;
        self.values.retain(|_| {
            i += 1;
            keep[i - 1]
        });
    }
}

/// Across-run statistics of one metric at one date (a row of `summary.csv`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quantiles {
    pub date: Date,
    pub mean: f64,
    pub sd: f64,
    pub p05: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p95: f64,
}

/// `summary.csv`: per metric, the across-run statistics by date.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// Metric names in order of first appearance.
    pub metrics: Vec<String>,
    pub by_metric: HashMap<String, Vec<Quantiles>>,
}

impl Summary {
    pub fn get(&self, metric: &str) -> Option<&[Quantiles]> {
        self.by_metric.get(metric).map(Vec::as_slice).filter(|q| !q.is_empty())
    }

    pub fn read(path: &Path) -> Result<Summary, ChartError> {
        let t = Table::read(path)?;
        let dc = t.need("date")?;
        let mc = t.need("metric")?;
        let c = |n: &str| t.col(n);
        let (mean, sd, p05, p25, p50, p75, p95) =
            (c("mean"), c("sd"), c("p05"), c("p25"), c("p50"), c("p75"), c("p95"));
        let mut s = Summary::default();
        for (line, rec) in &t.rows {
            let metric = text(rec, Some(mc));
            let q = Quantiles {
                date: t.date(*line, rec, dc)?,
                mean: num(rec, mean),
                sd: num(rec, sd),
                p05: num(rec, p05),
                p25: num(rec, p25),
                p50: num(rec, p50),
                p75: num(rec, p75),
                p95: num(rec, p95),
            };
            s.push(metric, q);
        }
        s.finish();
        Ok(s)
    }

    fn push(&mut self, metric: String, q: Quantiles) {
        if !self.by_metric.contains_key(&metric) {
            self.metrics.push(metric.clone());
        }
        self.by_metric.entry(metric).or_default().push(q);
    }

    fn finish(&mut self) {
        for v in self.by_metric.values_mut() {
            v.sort_by_key(|q| q.date);
        }
        let by = &self.by_metric;
        self.metrics.retain(|m| by[m].iter().any(|q| q.p50.is_finite() || q.mean.is_finite()));
    }

    /// The statistics computed from a long `timeseries.csv` (`run,tick,date,<metric>...`), for
    /// an ensemble folder without `summary.csv`.
    pub fn from_long(path: &Path) -> Result<Summary, ChartError> {
        let t = Table::read(path)?;
        let dc = t.need("date")?;
        let cols: Vec<(usize, String)> = t
            .headers
            .iter()
            .enumerate()
            .filter(|(_, h)| !NOT_METRICS.contains(&h.as_str()))
            .map(|(i, h)| (i, h.clone()))
            .collect();
        let mut by_date: BTreeMap<Date, Vec<Vec<f64>>> = BTreeMap::new();
        for (line, rec) in &t.rows {
            let d = t.date(*line, rec, dc)?;
            let slot = by_date.entry(d).or_insert_with(|| vec![Vec::new(); cols.len()]);
            for (k, (c, _)) in cols.iter().enumerate() {
                let x = num(rec, Some(*c));
                if x.is_finite() {
                    slot[k].push(x);
                }
            }
        }
        let mut s = Summary::default();
        for (k, (_, name)) in cols.iter().enumerate() {
            for (date, vals) in &by_date {
                let mut v = vals[k].clone();
                if v.is_empty() {
                    continue;
                }
                v.sort_by(f64::total_cmp);
                let n = v.len() as f64;
                let mean = v.iter().sum::<f64>() / n;
                let sd = if v.len() > 1 {
                    (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
                } else {
                    0.0
                };
                let q = |p| crate::stats::quantile(&v, p);
                s.push(
                    name.clone(),
                    Quantiles {
                        date: *date,
                        mean,
                        sd,
                        p05: q(0.05),
                        p25: q(0.25),
                        p50: q(0.5),
                        p75: q(0.75),
                        p95: q(0.95),
                    },
                );
            }
        }
        s.finish();
        Ok(s)
    }
}

/// A row of `events.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// The run (ensemble files only).
    pub run: Option<u64>,
    pub date: Date,
    pub kind: String,
    pub region: String,
    pub value: f64,
    pub detail: String,
}

/// Reads `events.csv`; a missing file is no events.
pub fn read_events(path: &Path) -> Result<Vec<Event>, ChartError> {
    read_events_of(path, None)
}

/// The kinds of event that the charts and the report read from an ensemble: the key events,
/// the events timeline and the outcomes of each run. An ensemble's other events (over a
/// thousand a run) are not held in memory.
pub const CHARTED_EVENTS: [&str; 6] = [
    "treaty_signed",
    "red_terror_declared",
    "kronstadt_mutiny",
    "kronstadt_suppressed",
    "kronstadt_holds",
    "tax_in_kind_adopted",
];

/// The events of `events.csv`, only those of `kinds` when given.
pub fn read_events_of(path: &Path, kinds: Option<&[&str]>) -> Result<Vec<Event>, ChartError> {
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let t = Table::read_where(path, kinds.map(|k| ("kind", k)))?;
    let dc = t.need("date")?;
    let (rc, kc, gc, vc, xc) = (t.col("run"), t.col("kind"), t.col("region"), t.col("value"), t.col("detail"));
    let mut out = Vec::with_capacity(t.rows.len());
    for (line, rec) in &t.rows {
        out.push(Event {
            run: int(rec, rc),
            date: t.date(*line, rec, dc)?,
            kind: text(rec, kc),
            region: text(rec, gc),
            value: num(rec, vc),
            detail: text(rec, xc),
        });
    }
    Ok(out)
}

/// A row of `runs.csv` (only what the charts use).
#[derive(Clone, Debug, PartialEq)]
pub struct RunRow {
    pub run: u64,
    pub seed: Option<u64>,
    pub status: String,
    /// Empty for a run that failed.
    pub end_state: String,
    /// How the Kronstadt rising ended: `holds`, `suppressed` or `none` (from the `kronstadt`
    /// column, else from the events).
    pub kronstadt: String,
    /// `tax_in_kind_adopted` if the run adopted it, else empty.
    pub tax: String,
    /// `treaty_signed` if the run signed Brest-Litovsk, else empty.
    pub treaty: String,
}

pub fn read_runs(path: &Path) -> Result<Vec<RunRow>, ChartError> {
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let t = Table::read(path)?;
    let (rc, sc, stc, ec, kc) = (t.col("run"), t.col("seed"), t.col("status"), t.col("end_state"), t.col("kronstadt"));
    Ok(t.rows
        .iter()
        .enumerate()
        .map(|(i, (_, rec))| RunRow {
            run: int(rec, rc).unwrap_or(i as u64),
            seed: int(rec, sc),
            status: text(rec, stc),
            end_state: text(rec, ec),
            kronstadt: text(rec, kc),
            tax: String::new(),
            treaty: String::new(),
        })
        .collect())
}

/// Fills the outcomes of each run that its events tell: the Kronstadt result (when `runs.csv`
/// has no `kronstadt` column), the tax in kind and the treaty.
fn outcomes_from_events(runs: &mut [RunRow], events: &[Event]) {
    for r in runs {
        let happened = |kind: &str| events.iter().any(|e| e.run == Some(r.run) && e.kind == kind);
        if r.kronstadt.is_empty() && !r.end_state.is_empty() {
            r.kronstadt = if happened("kronstadt_suppressed") {
                "suppressed"
            } else if happened("kronstadt_holds") {
                "holds"
            } else {
                "none"
            }
            .into();
        }
        if r.kronstadt == "no rising" {
            r.kronstadt = "none".into();
        }
        for (kind, slot) in [("tax_in_kind_adopted", &mut r.tax), ("treaty_signed", &mut r.treaty)] {
            if happened(kind) {
                *slot = kind.into();
            }
        }
    }
}

/// A run folder.
#[derive(Clone, Debug)]
pub struct RunData {
    pub dir: PathBuf,
    pub manifest: Manifest,
    pub series: Series,
    pub events: Vec<Event>,
}

impl RunData {
    pub fn load(dir: &Path) -> Result<RunData, ChartError> {
        Ok(RunData {
            dir: dir.to_path_buf(),
            manifest: Manifest::load(dir)?,
            series: Series::read(&dir.join("timeseries.csv"))?,
            events: read_events(&dir.join("events.csv"))?,
        })
    }
}

/// An ensemble folder.
#[derive(Clone, Debug)]
pub struct EnsembleData {
    pub dir: PathBuf,
    pub manifest: Manifest,
    pub summary: Summary,
    pub runs: Vec<RunRow>,
    pub events: Vec<Event>,
}

impl EnsembleData {
    pub fn load(dir: &Path) -> Result<EnsembleData, ChartError> {
        let summary_path = dir.join("summary.csv");
        let long_path = dir.join("timeseries.csv");
        let summary = if summary_path.is_file() {
            Summary::read(&summary_path)?
        } else if long_path.is_file() {
            Summary::from_long(&long_path)?
        } else {
            Summary::default()
        };
        let mut runs = read_runs(&dir.join("runs.csv"))?;
        // With runs.csv, the runs are counted from it, and only the charted events are needed.
        let kinds = (!runs.is_empty()).then_some(&CHARTED_EVENTS[..]);
        let events = read_events_of(&dir.join("events.csv"), kinds)?;
        outcomes_from_events(&mut runs, &events);
        Ok(EnsembleData { dir: dir.to_path_buf(), manifest: Manifest::load(dir)?, summary, runs, events })
    }

    /// The number of runs: rows of `runs.csv`, else the manifest's count, else the runs seen in events.
    pub fn n_runs(&self) -> usize {
        if !self.runs.is_empty() {
            return self.runs.len();
        }
        if let Some(n) = self.manifest.runs {
            return n;
        }
        let mut runs: Vec<u64> = self.events.iter().filter_map(|e| e.run).collect();
        runs.sort_unstable();
        runs.dedup();
        runs.len().max(1)
    }
}

/// A row of `comparison.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct Effect {
    pub metric: String,
    pub scenario: String,
    pub statistic: String,
    pub baseline: f64,
    pub alternative: f64,
    pub difference: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    /// With a posterior: the interval across its draws (NaN otherwise) and whether the sign
    /// holds in at least 90% of them.
    pub param_low: f64,
    pub param_high: f64,
    pub robust: Option<bool>,
}

pub fn read_effects(path: &Path) -> Result<Vec<Effect>, ChartError> {
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let t = Table::read(path)?;
    let c = |n: &str| t.col(n);
    Ok(t.rows
        .iter()
        .map(|(_, rec)| Effect {
            metric: text(rec, c("metric")),
            scenario: text(rec, c("scenario")),
            statistic: text(rec, c("statistic")),
            baseline: num(rec, c("baseline")),
            alternative: num(rec, c("alternative")),
            difference: num(rec, c("difference")),
            ci_low: num(rec, c("ci_low")),
            ci_high: num(rec, c("ci_high")),
            param_low: num(rec, c("param_low")),
            param_high: num(rec, c("param_high")),
            robust: c("robust").and_then(|i| rec.get(i)).and_then(|v| match v {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            }),
        })
        .collect())
}

/// One scenario of a comparison: its name, title and ensemble.
#[derive(Clone, Debug)]
pub struct ScenarioData {
    pub name: String,
    pub title: String,
    pub ensemble: EnsembleData,
}

/// A comparison folder: the scenarios (baseline first) and `comparison.csv`.
#[derive(Clone, Debug)]
pub struct ComparisonData {
    pub dir: PathBuf,
    pub manifest: Manifest,
    pub scenarios: Vec<ScenarioData>,
    pub effects: Vec<Effect>,
}

impl ComparisonData {
    pub fn load(dir: &Path) -> Result<ComparisonData, ChartError> {
        let manifest = Manifest::load(dir)?;
        let effects = read_effects(&dir.join("comparison.csv"))?;
        let mut refs = manifest.scenarios.clone();
        if refs.is_empty() {
            // No list: every ensemble subfolder, the baseline being the one that comparison.csv
            // never names as an alternative.
            let alts: Vec<&str> = effects.iter().map(|e| e.scenario.as_str()).collect();
            let mut subs: Vec<String> = ensemble_subdirs(dir);
            subs.sort_by_key(|s| (alts.contains(&s.as_str()), s.clone()));
            refs = subs.into_iter().map(|s| ScenarioRef { name: s.clone(), title: String::new(), dir: s }).collect();
        }
        let mut scenarios = Vec::new();
        for r in refs {
            let sub = dir.join(&r.dir);
            if !sub.is_dir() {
                continue;
            }
            let ensemble = EnsembleData::load(&sub)?;
            let name = if r.name.is_empty() { ensemble.manifest.scenario.clone() } else { r.name };
            let title = if !r.title.is_empty() {
                r.title
            } else if !ensemble.manifest.title.is_empty() {
                ensemble.manifest.title.clone()
            } else {
                super::labels::readable(&name)
            };
            scenarios.push(ScenarioData { name, title, ensemble });
        }
        Ok(ComparisonData { dir: dir.to_path_buf(), manifest, scenarios, effects })
    }

    /// The title of a scenario by name (its name if unknown).
    pub fn title_of(&self, name: &str) -> String {
        self.scenarios.iter().find(|s| s.name == name).map(|s| s.title.clone()).unwrap_or_else(|| name.to_string())
    }

    /// Runs per scenario: the manifest's count, else the baseline's.
    pub fn n_runs(&self) -> Option<usize> {
        self.manifest.runs.or_else(|| self.scenarios.first().map(|s| s.ensemble.n_runs()))
    }
}

fn is_ensemble_dir(dir: &Path) -> bool {
    dir.join("summary.csv").is_file() || dir.join("runs.csv").is_file()
}

fn ensemble_subdirs(dir: &Path) -> Vec<String> {
    let Ok(rd) = fs::read_dir(dir) else { return Vec::new() };
    let mut out: Vec<String> = rd
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir() && is_ensemble_dir(&e.path()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

/// A row of `history.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryRow {
    pub target: String,
    pub metric: String,
    pub date: Option<Date>,
    pub low: f64,
    pub central: f64,
    pub high: f64,
    pub model_p05: f64,
    pub model_median: f64,
    pub model_p95: f64,
    /// The tolerant verdict: `met`, `close` or `missed`.
    pub verdict: String,
    /// The strict verdict: the median inside the historians' own range (event dates: 90% of
    /// runs inside the window); `None` in files written before it existed.
    pub inside: Option<bool>,
    /// Share of runs inside the historians' range (NaN if not in the file).
    pub runs_inside: f64,
    /// Share of runs in which the event happens (event dates only; NaN otherwise).
    pub runs_with_event: f64,
    /// The window `from/to` of the `date` column, if it is one.
    pub window: Option<(Date, Date)>,
    /// The values are dates (days since 1970), for targets on when an event happened.
    pub dates: bool,
}

impl HistoryRow {
    /// Inside by the strict rule: the file's column, else the median inside `[low, high]`.
    pub fn is_inside(&self) -> bool {
        self.inside.unwrap_or(self.model_median >= self.low && self.model_median <= self.high)
    }
}

/// A number, or a date as days since 1970 (with `true`).
fn num_or_date(rec: &csv::StringRecord, col: Option<usize>) -> (f64, bool) {
    let cell = col.and_then(|c| rec.get(c)).unwrap_or("");
    match cell.parse::<f64>() {
        Ok(v) => (v, false),
        Err(_) => Date::parse(cell).map_or((f64::NAN, false), |d| (f64::from(d.days()), true)),
    }
}

pub fn read_history(path: &Path) -> Result<Vec<HistoryRow>, ChartError> {
    let t = Table::read(path)?;
    let c = |n: &str| t.col(n);
    Ok(t.rows
        .iter()
        .map(|(_, rec)| {
            let cells: Vec<(f64, bool)> = ["low", "central", "high", "model_p05", "model_median", "model_p95"]
                .iter()
                .map(|n| num_or_date(rec, c(n)))
                .collect();
            HistoryRow {
                target: text(rec, c("target")),
                metric: text(rec, c("metric")),
                // A date window ("from/to") is shown by its values, not as one date.
                date: c("date").and_then(|i| rec.get(i)).and_then(Date::parse),
                low: cells[0].0,
                central: cells[1].0,
                high: cells[2].0,
                model_p05: cells[3].0,
                model_median: cells[4].0,
                model_p95: cells[5].0,
                verdict: text(rec, c("verdict")).to_lowercase(),
                inside: match text(rec, c("inside")).as_str() {
                    "yes" => Some(true),
                    "no" => Some(false),
                    _ => None,
                },
                runs_inside: num(rec, c("runs_inside")),
                runs_with_event: num(rec, c("runs_with_event")),
                window: c("date").and_then(|i| rec.get(i)).and_then(|d| {
                    let (a, b) = d.split_once('/')?;
                    Some((Date::parse(a)?, Date::parse(b)?))
                }),
                dates: cells.iter().any(|c| c.1),
            }
        })
        .collect())
}

/// What a folder holds, judged by which files exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FolderKind {
    Run,
    Ensemble,
    Comparison,
}

/// The kind of output folder `dir` is, if any (a folder may also hold `history.csv`).
pub fn detect(dir: &Path) -> Option<FolderKind> {
    if dir.join("comparison.csv").is_file() || ensemble_subdirs(dir).len() >= 2 {
        return Some(FolderKind::Comparison);
    }
    if let Ok(m) = Manifest::load(dir)
        && !m.scenarios.is_empty()
        && !ensemble_subdirs(dir).is_empty()
    {
        return Some(FolderKind::Comparison);
    }
    if is_ensemble_dir(dir) {
        return Some(FolderKind::Ensemble);
    }
    let ts = dir.join("timeseries.csv");
    if ts.is_file() {
        let has_run = Table::read_header(&ts).is_some_and(|h| h.iter().any(|c| c == "run"));
        return Some(if has_run { FolderKind::Ensemble } else { FolderKind::Run });
    }
    None
}

impl Table {
    fn read_header(path: &Path) -> Option<Vec<String>> {
        let mut rdr = csv::ReaderBuilder::new().trim(csv::Trim::All).from_path(path).ok()?;
        Some(rdr.headers().ok()?.iter().map(str::to_string).collect())
    }
}

/// Summary statistics of one key event across runs.
#[derive(Clone, Debug, PartialEq)]
pub struct EventStat {
    pub kind: String,
    /// Median date of the first occurrence, over the runs where it happened.
    pub median: Date,
    pub p05: Date,
    pub p95: Date,
    /// Share of runs in which it happened.
    pub share: f64,
    /// Runs in which it happened.
    pub n: usize,
}

/// For each of `kinds`, the first occurrence in each run, summarized across runs (`n_runs` runs in
/// all; events without a run number count as one run). Kinds that never happen are left out.
pub fn event_stats(events: &[Event], kinds: &[&str], n_runs: usize) -> Vec<EventStat> {
    let mut out = Vec::new();
    for kind in kinds {
        let mut first: BTreeMap<Option<u64>, Date> = BTreeMap::new();
        for e in events.iter().filter(|e| e.kind == *kind) {
            first.entry(e.run).and_modify(|d| *d = (*d).min(e.date)).or_insert(e.date);
        }
        if first.is_empty() {
            continue;
        }
        let mut days: Vec<f64> = first.values().map(|d| f64::from(d.days())).collect();
        days.sort_by(f64::total_cmp);
        let q = |p| Date::from_days(crate::stats::quantile(&days, p).round() as i32);
        let n = days.len();
        out.push(EventStat {
            kind: kind.to_string(),
            median: q(0.5),
            p05: q(0.05),
            p95: q(0.95),
            share: n as f64 / n_runs.max(n) as f64,
            n,
        });
    }
    out
}
