//! Charts of revsim output folders: runs, ensembles, comparisons and history checks.
//!
//! [`draw_folder`] finds out what a folder holds (from which files exist) and draws every chart
//! that applies into `DIR/charts/`, as SVG (800×500 by default) and, when asked, PNG (1600×1000).
//! The chart functions ([`metric_chart`], [`dashboard_chart`], [`events_chart`],
//! [`end_states_chart`], [`effects_chart`], [`history_chart`]) take parsed data, so that they can
//! be used and tested on their own.
//!
//! Text is drawn with DejaVu Sans, embedded in the binary (Latin, Cyrillic and Greek): nothing
//! depends on the fonts installed. SVG text names "DejaVu Sans, Verdana, sans-serif", so a
//! viewer without DejaVu falls back to a font of similar width.
//!
//! Sizes: `width`×`height` is the PNG size in pixels; the SVG is half that (800×500 by default),
//! so both look alike. Text, lines and margins scale with the canvas, times `scale`. Charts with
//! one row per item (events, effects, history) and the dashboard grow taller when they need to.

mod axis;
mod data;
mod date;
mod endstates;
mod events;
mod forest;
mod frame;
mod history;
pub mod labels;
mod outcomes;
mod series;
mod style;
#[cfg(test)]
mod tests;
mod tornado;
mod waterfall;

use std::path::{Path, PathBuf};
use std::sync::Once;

pub use data::{
    ComparisonData, Effect, EnsembleData, Event, EventStat, FolderKind, HistoryRow, Manifest, Quantiles, RunData,
    RunRow, ScenarioData, ScenarioRef, Series, Summary, detect, event_stats, read_events, read_history,
};
pub use date::Date;
pub use endstates::{EndStateShares, end_state_shares, states_of, wilson};
pub use events::KEY_EVENTS;
pub use forest::{ForestRow, forest_rows};
pub use labels::{MetricInfo, metric_info};
pub use series::DASHBOARD_METRICS;
pub use style::ChartStyle;
use style::Theme;
pub use tornado::tornado_chart;
pub use waterfall::{Waterfall, sig};

/// What to draw and at what size.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartOptions {
    /// Also write PNG files (SVG is always written).
    pub png: bool,
    /// PNG width in pixels (the SVG is half as wide).
    pub width: u32,
    /// PNG height in pixels (the SVG is half as high).
    pub height: u32,
    /// Multiplies text sizes, line widths and margins (1.0 = designed size).
    pub scale: f64,
    /// Screen (colour) or print (grey-scale safe, larger text).
    pub style: ChartStyle,
}

impl Default for ChartOptions {
    fn default() -> Self {
        ChartOptions { png: false, width: 1600, height: 1000, scale: 1.0, style: ChartStyle::Screen }
    }
}

impl ChartOptions {
    /// PNG size for a column of a printed page: 4 × 2.67 inches at 300 dpi.
    pub const PRINT_SIZE: (u32, u32) = (1200, 800);

    fn theme(&self) -> Theme {
        Theme::of(self.style)
    }
}

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}: {source}", path.display())]
    Csv { path: PathBuf, source: csv::Error },
    #[error("{}: {source}", path.display())]
    Json { path: PathBuf, source: serde_json::Error },
    #[error("{}:{line}: {message}", path.display())]
    Parse { path: PathBuf, line: u64, message: String },
    #[error("drawing failed: {0}")]
    Draw(String),
    #[error(
        "{}: not a run, ensemble, comparison or history folder (none of timeseries.csv, summary.csv, runs.csv, comparison.csv, history.csv)",
        .0.display()
    )]
    NotAFolder(PathBuf),
}

static FONTS: Once = Once::new();

/// Registers the embedded DejaVu Sans with plotters (safe to call any number of times).
pub fn register_fonts() {
    use plotters::style::{FontStyle, register_font};
    FONTS.call_once(|| {
        for family in [style::FAMILY, "sans-serif"] {
            let faces: [(FontStyle, &'static [u8]); 4] = [
                (FontStyle::Normal, dejavu::sans::regular()),
                (FontStyle::Bold, dejavu::sans::bold()),
                (FontStyle::Italic, dejavu::sans::oblique()),
                (FontStyle::Oblique, dejavu::sans::oblique()),
            ];
            for (style, bytes) in faces {
                // The embedded fonts are valid TrueType: this cannot fail.
                let ok = register_font(family, style, bytes).is_ok();
                debug_assert!(ok, "DejaVu Sans registers");
            }
        }
    });
}

/// Parsed data of one folder, borrowed by the chart functions.
#[derive(Clone, Copy, Debug)]
pub enum Source<'a> {
    Run(&'a RunData),
    Ensemble(&'a EnsembleData),
    Comparison(&'a ComparisonData),
}

impl Source<'_> {
    /// "revsim 0.1.0 · 200 runs · seed 1917".
    pub fn source_line(&self) -> String {
        match self {
            Source::Run(r) => r.manifest.source_line(Some(1), false),
            Source::Ensemble(e) => e.manifest.source_line(Some(e.n_runs()), false),
            Source::Comparison(c) => c.manifest.source_line(c.n_runs(), true),
        }
    }

    /// First and last date of the time series.
    pub fn date_range(&self) -> Option<(Date, Date)> {
        let dates: Vec<Date> = match self {
            Source::Run(r) => r.series.dates.clone(),
            Source::Ensemble(e) => summary_dates(e),
            Source::Comparison(c) => c.scenarios.iter().flat_map(|s| summary_dates(&s.ensemble)).collect(),
        };
        Some((*dates.iter().min()?, *dates.iter().max()?))
    }

    /// The metrics that have data, in file order.
    pub fn metrics(&self) -> Vec<String> {
        match self {
            Source::Run(r) => r.series.metrics.clone(),
            Source::Ensemble(e) => e.summary.metrics.clone(),
            Source::Comparison(c) => {
                let mut out: Vec<String> = Vec::new();
                for s in &c.scenarios {
                    for m in &s.ensemble.summary.metrics {
                        if !out.contains(m) {
                            out.push(m.clone());
                        }
                    }
                }
                out
            }
        }
    }
}

fn summary_dates(e: &EnsembleData) -> Vec<Date> {
    e.summary
        .metrics
        .first()
        .and_then(|m| e.summary.get(m))
        .map(|q| q.iter().map(|q| q.date).collect())
        .unwrap_or_default()
}

pub(crate) fn describe_runs(n: usize, what: &str) -> String {
    format!("{what} {n} run{}", if n == 1 { "" } else { "s" })
}

/// One metric over time: `<metric>` for a run (its line) or an ensemble (median, 50% and 90%
/// bands), with key events marked; `compare_<metric>` for a comparison (one line per scenario).
/// Nothing is written if the source lacks the metric.
pub fn metric_chart(
    charts: &Path,
    opts: &ChartOptions,
    src: &Source,
    metric: &str,
) -> Result<Vec<PathBuf>, ChartError> {
    register_fonts();
    match series::metric_chart(src, metric, opts.theme()) {
        Some(c) => frame::render(charts, opts, &c),
        None => Ok(Vec::new()),
    }
}

/// `dashboard`: small multiples of [`DASHBOARD_METRICS`] (those present).
pub fn dashboard_chart(charts: &Path, opts: &ChartOptions, src: &Source) -> Result<Vec<PathBuf>, ChartError> {
    register_fonts();
    match series::dashboard(src, opts.theme()) {
        Some(c) => frame::render(charts, opts, &c),
        None => Ok(Vec::new()),
    }
}

/// `events`: when the [`KEY_EVENTS`] happen and how the Kronstadt rising ends (run: the date;
/// ensemble: median date, middle 90% of dates and share of runs; comparison: the same per
/// scenario). Nothing is written if none happens.
pub fn events_chart(charts: &Path, opts: &ChartOptions, src: &Source) -> Result<Vec<PathBuf>, ChartError> {
    register_fonts();
    match events::events_chart(src, opts.theme()) {
        Some(c) => frame::render(charts, opts, &c),
        None => Ok(Vec::new()),
    }
}

/// `end_states`: the share of runs in each end state per scenario, with 95% Wilson intervals.
pub fn end_states_chart(
    charts: &Path,
    opts: &ChartOptions,
    scenarios: &[EndStateShares],
    subtitle: &str,
    source_line: &str,
) -> Result<Vec<PathBuf>, ChartError> {
    register_fonts();
    let c = endstates::EndStatesChart {
        subtitle: subtitle.to_string(),
        source: source_line.to_string(),
        scenarios: scenarios.to_vec(),
        theme: opts.theme(),
    };
    frame::render(charts, opts, &c)
}

/// The end-state shares of an ensemble or comparison, with the chart's subtitle.
pub fn end_states_of(src: &Source) -> Option<(Vec<EndStateShares>, String)> {
    let (list, subtitle): (Vec<(&str, &EnsembleData)>, String) = match src {
        Source::Run(_) => return None,
        Source::Ensemble(e) => {
            let n = e.runs.iter().filter(|r| !r.end_state.is_empty()).count();
            (
                vec![(e.manifest.title.as_str(), e)],
                format!("{} · {}; whiskers: 95% interval", e.manifest.title, describe_runs(n, "share of")),
            )
        }
        Source::Comparison(c) => {
            let runs = c.n_runs().map(|n| format!("{n} runs per scenario · ")).unwrap_or_default();
            (
                c.scenarios.iter().map(|s| (s.title.as_str(), &s.ensemble)).collect(),
                format!("{runs}share of runs ending in each state; whiskers: 95% interval"),
            )
        }
    };
    if list.iter().all(|(_, e)| e.runs.iter().all(|r| r.end_state.is_empty())) {
        return None;
    }
    let states = states_of(list.iter().flat_map(|(_, e)| e.runs.iter()));
    Some((list.iter().map(|(t, e)| end_state_shares(t, &e.runs, &states)).collect(), subtitle))
}

/// `effects`: forest plot of `comparison.csv`. Nothing is written if it has no rows.
pub fn effects_chart(charts: &Path, opts: &ChartOptions, cmp: &ComparisonData) -> Result<Vec<PathBuf>, ChartError> {
    register_fonts();
    match forest::forest_chart(cmp, opts.theme()) {
        Some(c) => frame::render(charts, opts, &c),
        None => Ok(Vec::new()),
    }
}

/// `outcomes`: the comparison's headline chart, the shares of runs in each outcome that moved
/// most (stacked, with the 95% interval of the share that moved, and a caption in words).
pub fn outcomes_chart(charts: &Path, opts: &ChartOptions, cmp: &ComparisonData) -> Result<Vec<PathBuf>, ChartError> {
    register_fonts();
    match outcomes::outcomes_chart(cmp, opts.theme()) {
        Some(c) => frame::render(charts, opts, &c),
        None => Ok(Vec::new()),
    }
}

/// `history`: each target of `history.csv`, the historical range against the model's.
pub fn history_chart(
    charts: &Path,
    opts: &ChartOptions,
    rows: &[HistoryRow],
    manifest: &Manifest,
) -> Result<Vec<PathBuf>, ChartError> {
    register_fonts();
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    frame::render(charts, opts, &history::history_chart(rows, manifest, opts.theme()))
}

/// `waterfall--METRIC--DATE`: an attribution's waterfall (`revsim attribute`).
pub fn waterfall_chart(charts: &Path, opts: &ChartOptions, w: &Waterfall) -> Result<Vec<PathBuf>, ChartError> {
    register_fonts();
    frame::render(charts, opts, &waterfall::WaterfallChart { w, theme: opts.theme() })
}

/// Every chart of a source into `charts`.
fn draw_source(charts: &Path, opts: &ChartOptions, src: &Source) -> Result<Vec<PathBuf>, ChartError> {
    let mut out = Vec::new();
    out.extend(dashboard_chart(charts, opts, src)?);
    for m in src.metrics() {
        out.extend(metric_chart(charts, opts, src, &m)?);
    }
    out.extend(events_chart(charts, opts, src)?);
    if let Some((shares, subtitle)) = end_states_of(src) {
        out.extend(end_states_chart(charts, opts, &shares, &subtitle, &src.source_line())?);
    }
    if let Source::Comparison(c) = src {
        out.extend(outcomes_chart(charts, opts, c)?);
        out.extend(effects_chart(charts, opts, c)?);
    }
    Ok(out)
}

/// Draws every chart that applies to the run, ensemble, comparison or history folder `dir` into
/// `dir/charts/` (for a comparison, also each scenario's ensemble charts into its own
/// `charts/`); returns the files written.
pub fn draw_folder(dir: &Path, opts: &ChartOptions) -> Result<Vec<PathBuf>, ChartError> {
    register_fonts();
    let kind = detect(dir);
    let history = dir.join("history.csv");
    if kind.is_none() && !history.is_file() {
        return Err(ChartError::NotAFolder(dir.to_path_buf()));
    }
    let charts = dir.join("charts");
    let mut out = Vec::new();
    match kind {
        Some(FolderKind::Run) => {
            let r = RunData::load(dir)?;
            out.extend(draw_source(&charts, opts, &Source::Run(&r))?);
        }
        Some(FolderKind::Ensemble) => {
            let e = EnsembleData::load(dir)?;
            out.extend(draw_source(&charts, opts, &Source::Ensemble(&e))?);
        }
        Some(FolderKind::Comparison) => {
            let c = ComparisonData::load(dir)?;
            out.extend(draw_source(&charts, opts, &Source::Comparison(&c))?);
            for s in &c.scenarios {
                out.extend(draw_source(&s.ensemble.dir.join("charts"), opts, &Source::Ensemble(&s.ensemble))?);
            }
        }
        None => {}
    }
    if history.is_file() {
        let rows = read_history(&history)?;
        // In a comparison, the history table scores the baseline: the chart names it.
        let mut manifest = Manifest::load(dir)?;
        if kind == Some(FolderKind::Comparison) {
            let base = ComparisonData::load(dir)?.scenarios.into_iter().next();
            if let Some(b) = base {
                manifest = Manifest { runs: manifest.runs.or(b.ensemble.manifest.runs), ..b.ensemble.manifest };
            }
        }
        out.extend(history_chart(&charts, opts, &rows, &manifest)?);
    }
    Ok(out)
}
