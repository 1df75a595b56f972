//! Metrics over time: one metric for a run, an ensemble or several scenarios (with key events
//! marked), and the dashboard of small multiples.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::{DateAxis, NumAxis};
use super::data::{ComparisonData, Quantiles};
use super::date::Date;
use super::events::{Mark, marks_for};
use super::frame::{
    Frame, LegendItem, OrDraw, Plot, Swatch, dash_pattern, fit, frame, legend_extra, text, text_size, vline_dashed,
};
use super::labels::metric_info;
use super::style::{AXIS, Dash, EVENT, GRID, Kind, MUTED, Marker, Theme, Units};
use super::{ChartError, Source, describe_runs};

/// One line, with optional shaded bands (lower, upper) behind it, in a tint of its colour.
#[derive(Clone, Debug)]
pub(crate) struct Line {
    pub color: RGBColor,
    pub dash: Dash,
    pub marker: Option<Marker>,
    /// Line width relative to the panel's: earlier scenarios are drawn wider, so that lines
    /// that coincide all stay visible.
    pub width: f64,
    pub points: Vec<(Date, f64)>,
    pub band50: Vec<(Date, f64, f64)>,
    pub band90: Vec<(Date, f64, f64)>,
    pub alpha50: f64,
    pub alpha90: f64,
}

impl Line {
    fn plain(color: RGBColor, dash: Dash, points: Vec<(Date, f64)>) -> Line {
        Line {
            color,
            dash,
            marker: None,
            width: 1.0,
            points,
            band50: Vec::new(),
            band90: Vec::new(),
            alpha50: 0.0,
            alpha90: 0.0,
        }
    }

    /// The median of the quantiles, with the bands asked for.
    fn from_quantiles(color: RGBColor, dash: Dash, q: &[Quantiles], alpha50: f64, alpha90: f64) -> Line {
        let mid = |q: &Quantiles| if q.p50.is_finite() { q.p50 } else { q.mean };
        Line {
            points: q.iter().map(|q| (q.date, mid(q))).collect(),
            band50: if alpha50 > 0.0 { q.iter().map(|q| (q.date, q.p25, q.p75)).collect() } else { Vec::new() },
            band90: if alpha90 > 0.0 { q.iter().map(|q| (q.date, q.p05, q.p95)).collect() } else { Vec::new() },
            alpha50,
            alpha90,
            ..Line::plain(color, dash, Vec::new())
        }
    }

    fn dates(&self) -> impl Iterator<Item = Date> + '_ {
        self.points.iter().map(|p| p.0)
    }

    fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.points
            .iter()
            .map(|p| p.1)
            .chain(self.band50.iter().flat_map(|b| [b.1, b.2]))
            .chain(self.band90.iter().flat_map(|b| [b.1, b.2]))
            .filter(|v| v.is_finite())
    }
}

/// One plot of lines against dates.
#[derive(Clone, Debug)]
pub(crate) struct Panel {
    pub lines: Vec<Line>,
    pub marks: Vec<Mark>,
    pub kind: Kind,
    pub y_desc: String,
    pub compact: bool,
}

impl Panel {
    fn date_range(&self) -> Option<(Date, Date)> {
        let mut it = self.lines.iter().flat_map(Line::dates);
        let first = it.next()?;
        Some(it.fold((first, first), |(lo, hi), d| (lo.min(d), hi.max(d))))
    }

    fn value_range(&self) -> (f64, f64) {
        self.lines
            .iter()
            .flat_map(Line::values)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)))
    }
}

/// Splits points at missing values into drawable runs.
fn segments<T: Copy>(pts: &[T], ok: impl Fn(&T) -> bool) -> Vec<Vec<T>> {
    let mut out = vec![Vec::new()];
    for p in pts {
        if ok(p) {
            if let Some(s) = out.last_mut() {
                s.push(*p);
            }
        } else if !out.last().is_some_and(Vec::is_empty) {
            out.push(Vec::new());
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

/// Where an event's label goes: its row above the plot, its left edge and the side of its line.
struct Placed {
    row: usize,
    left: i32,
    label: String,
    date: Date,
}

/// Places the labels of `marks` in rows above the plot, each beside its line (to the right,
/// or to the left near the right edge), so that no two overlap.
fn place_labels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    u: Units,
    marks: &[&Mark],
    x_of: impl Fn(Date) -> i32,
    aw: i32,
) -> (Vec<Placed>, usize) {
    let style = u.font(10.0).color(&EVENT);
    let gap = u.i(4.0);
    let mut placed = Vec::new();
    let mut rows: Vec<Vec<(i32, i32)>> = Vec::new();
    for m in marks {
        let x = x_of(m.date);
        let label = fit(area, &m.label, &style, u.i(170.0));
        let tw = text_size(area, &label, &style).0;
        let left = if x + gap + tw <= aw { x + gap } else { (x - gap - tw).max(0) };
        // Row `k` is free if the label and its line clear every label already there.
        let (lo, hi) = (left.min(x) - u.i(4.0), (left + tw).max(x) + u.i(4.0));
        let row = rows.iter().position(|r| r.iter().all(|(a, b)| hi < *a || lo > *b)).unwrap_or(rows.len());
        if row == rows.len() {
            rows.push(Vec::new());
        }
        rows[row].push((lo, hi));
        placed.push(Placed { row, left, label, date: m.date });
    }
    (placed, rows.len())
}

/// The y axis of a panel and the width of its labels.
fn y_axis<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, u: Units, p: &Panel, ah: i32) -> (NumAxis, i32, i32) {
    let tick_style = u.font(if p.compact { 10.0 } else { 11.0 }).color(&MUTED);
    let (vlo, vhi) = p.value_range();
    let target = if p.compact { 3 } else { ((ah as f64 / u.f(60.0)).round() as usize).clamp(3, 8) };
    let yaxis = NumAxis::for_data(vlo, vhi, p.kind, target);
    let label_w = yaxis.ticks().iter().map(|t| text_size(area, &yaxis.label(*t), &tick_style).0).max().unwrap_or(0);
    let desc_style = u.font(11.0).color(&MUTED);
    let desc_h = if p.y_desc.is_empty() || p.compact { 0 } else { text_size(area, "Ag", &desc_style).1 + u.i(8.0) };
    (yaxis, label_w + u.i(8.0) + desc_h, desc_h)
}

/// Draws a panel into `area`: axes, grid, bands, lines, and event marks with labels above the
/// plot, each beside its line.
pub(crate) fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    u: Units,
    p: &Panel,
) -> Result<(), ChartError> {
    let Some((d0, d1)) = p.date_range() else {
        return Ok(());
    };
    let (aw, ah) = area.dim_in_pixel();
    let (aw, ah) = (aw as i32, ah as i32);
    let tick_style = u.font(if p.compact { 10.0 } else { 11.0 }).color(&MUTED);
    let (yaxis, yl, desc_h) = y_axis(area, u, p, ah);
    let right = u.i(if p.compact { 8.0 } else { 10.0 });
    let plot_w = (aw - yl - right).max(10);
    let max_x = (plot_w as f64 / u.f(if p.compact { 38.0 } else { 62.0 })).floor().max(2.0) as usize;
    let xaxis = DateAxis::new(d0, d1, max_x);
    let xl = text_size(area, "1918", &tick_style).1 + u.i(10.0);
    let mut marks: Vec<&Mark> = p.marks.iter().filter(|m| m.date >= d0 && m.date <= d1 && !p.compact).collect();
    marks.sort_by_key(|m| m.date);
    let (placed, n_rows) = place_labels(area, u, &marks, |d| yl + xaxis.pixel(d, (0, plot_w)), aw);
    let row_h = u.i(16.0);
    let top = u.i(if p.compact { 6.0 } else { 8.0 }) + n_rows as i32 * row_h;
    let mut chart = ChartBuilder::on(area)
        .margin_top(top)
        .margin_right(right)
        .x_label_area_size(xl)
        .y_label_area_size(yl)
        .build_cartesian_2d(xaxis.clone(), yaxis.clone())
        .d()?;
    let mut mesh = chart.configure_mesh();
    mesh.x_labels(xaxis.ticks().len())
        .y_labels(yaxis.ticks().len())
        .max_light_lines(0)
        .bold_line_style(GRID.stroke_width(u.u(1.0)))
        .axis_style(AXIS.stroke_width(u.u(1.0)))
        .set_all_tick_mark_size(u.i(3.0))
        .label_style(tick_style.clone())
        .axis_desc_style(u.font(11.0).color(&MUTED));
    if desc_h > 0 {
        mesh.y_desc(p.y_desc.clone());
    }
    mesh.draw().d()?;
    let (ylo, yhi) = (yaxis.lo(), yaxis.hi());
    for m in &marks {
        if let Some((a, b)) = m.span.filter(|(a, b)| b > a) {
            let (a, b) = (a.max(d0), b.min(d1));
            chart.draw_series(std::iter::once(Rectangle::new([(a, ylo), (b, yhi)], EVENT.mix(0.09).filled()))).d()?;
        }
    }
    draw_lines(&mut chart, u, p)?;
    let base = area.get_base_pixel();
    let pix = |d: Date, v: f64| {
        let (x, y) = chart.backend_coord(&(d, v));
        (x - base.0, y - base.1)
    };
    let (plot_top, plot_bottom) = (pix(d0, yhi).1, pix(d0, ylo).1);
    draw_labels(area, u, &placed, |d| pix(d, ylo).0, (plot_top, plot_bottom))
}

/// The event lines, from the plot's bottom to the top of their label, and the labels on white.
fn draw_labels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    u: Units,
    placed: &[Placed],
    x_of: impl Fn(Date) -> i32,
    (plot_top, plot_bottom): (i32, i32),
) -> Result<(), ChartError> {
    let style = u.font(10.0).color(&EVENT);
    let row_h = u.i(16.0);
    let th = text_size(area, "Ag", &style).1;
    let label_bottom = |row: usize| plot_top - u.i(3.0) - row as i32 * row_h;
    for p in placed {
        vline_dashed(area, u, x_of(p.date), label_bottom(p.row) - th, plot_bottom, EVENT)?;
    }
    // Labels last, on white, so that the lines of higher labels do not cross them.
    for p in placed {
        let tw = text_size(area, &p.label, &style).0;
        let y = label_bottom(p.row);
        let bg = Rectangle::new([(p.left - u.i(3.0), y - th - u.i(1.0)), (p.left + tw + u.i(1.0), y)], WHITE.filled());
        area.draw(&bg).d()?;
        text(area, &p.label, (p.left, y - u.i(1.0)), &style, HPos::Left, VPos::Bottom)?;
    }
    Ok(())
}

type Cartesian<'a, DB> = ChartContext<'a, DB, Cartesian2d<DateAxis, NumAxis>>;

/// Bands (each a tint of its line's colour), then lines, then markers.
fn draw_lines<DB: DrawingBackend>(chart: &mut Cartesian<'_, DB>, u: Units, p: &Panel) -> Result<(), ChartError> {
    for line in &p.lines {
        for (band, alpha) in [(&line.band90, line.alpha90), (&line.band50, line.alpha50)] {
            for seg in segments(band, |b| b.1.is_finite() && b.2.is_finite()) {
                let pts: Vec<(Date, f64)> =
                    seg.iter().map(|b| (b.0, b.2)).chain(seg.iter().rev().map(|b| (b.0, b.1))).collect();
                chart.draw_series(std::iter::once(Polygon::new(pts, line.color.mix(alpha).filled()))).d()?;
            }
        }
    }
    let lw = if p.compact { 1.6 } else { 2.2 };
    let n = p.lines.len();
    for (i, line) in p.lines.iter().enumerate() {
        let w = lw * line.width;
        let style = line.color.stroke_width(u.u(w));
        for seg in segments(&line.points, |p| p.1.is_finite()) {
            match line.dash {
                Dash::Solid => chart.draw_series(LineSeries::new(seg, style)).d()?,
                d => {
                    let (on, off) = dash_pattern(u, d, w);
                    chart.draw_series(DashedLineSeries::new(seg, on, off, style)).d()?
                }
            };
        }
        if let Some(marker) = line.marker {
            let every = (line.points.len() / 7).max(1);
            let offset = every * i / n.max(1);
            let pts = line.points.iter().skip(offset).step_by(every).filter(|p| p.1.is_finite());
            let size = u.i(if p.compact { 3.0 } else { 4.0 });
            let pixels: Vec<(i32, i32)> = pts.map(|pt| chart.backend_coord(pt)).collect();
            let area = chart.plotting_area().strip_coord_spec();
            let base = area.get_base_pixel();
            for (x, y) in pixels {
                super::frame::marker(&area, u, marker, (x - base.0, y - base.1), size, line.color)?;
            }
        }
    }
    Ok(())
}

/// One metric over time (`<metric>` for runs and ensembles, `compare_<metric>` for comparisons).
pub(crate) struct MetricChart {
    pub name: String,
    pub title: String,
    pub subtitle: String,
    pub source: String,
    pub legend: Vec<LegendItem>,
    pub panel: Panel,
}

impl Plot for MetricChart {
    fn name(&self) -> String {
        self.name.clone()
    }

    /// Taller by the legend's extra rows, so that a long legend does not squeeze the plot.
    fn height(&self, width: u32, height: u32, u: Units) -> u32 {
        height + legend_extra(&self.legend, width, u)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, u: Units) -> Result<(), ChartError> {
        let f = Frame { title: &self.title, subtitle: &self.subtitle, source: &self.source, legend: &self.legend };
        let area = frame(root, u, &f)?;
        draw_panel(&area, u, &self.panel)
    }
}

const ALPHA50: f64 = 0.28;
const ALPHA90: f64 = 0.13;
const ALPHA_CMP: f64 = 0.14;

/// The lines of `metric` in a source, with a legend and a description of what is drawn.
fn lines_for(src: &Source, metric: &str, t: Theme) -> Option<(Vec<Line>, Vec<LegendItem>)> {
    match src {
        Source::Run(r) => {
            let v = r.series.get(metric)?;
            let pts: Vec<(Date, f64)> = r.series.dates.iter().copied().zip(v.iter().copied()).collect();
            Some((vec![Line::plain(t.color(0), Dash::Solid, pts)], Vec::new()))
        }
        Source::Ensemble(e) => {
            let q = e.summary.get(metric)?;
            let c = t.color(0);
            let legend = vec![
                LegendItem::new("Median run", Swatch::Line { color: c, dash: Dash::Solid, band: 0.0, marker: None }),
                LegendItem::new("Middle 50% of runs", Swatch::Band { color: c, alpha: ALPHA50 + ALPHA90 }),
                LegendItem::new("Middle 90% of runs", Swatch::Band { color: c, alpha: ALPHA90 }),
            ];
            Some((vec![Line::from_quantiles(c, Dash::Solid, q, ALPHA50, ALPHA90)], legend))
        }
        Source::Comparison(c) => {
            let mut lines = Vec::new();
            let mut legend = Vec::new();
            let n = c.scenarios.len();
            for (i, s) in c.scenarios.iter().enumerate() {
                let Some(q) = s.ensemble.summary.get(metric) else { continue };
                let (color, dash, marker) = (t.color(i), t.dash(i), t.marker(i));
                let mut line = Line::from_quantiles(color, dash, q, ALPHA_CMP, 0.0);
                line.marker = marker;
                // On screen, earlier lines are wider, so that coinciding lines all show; in
                // print the markers tell them apart.
                if !t.print {
                    line.width = (1.0 + 0.25 * (n - 1 - i) as f64).min(2.0);
                }
                lines.push(line);
                legend.push(LegendItem::new(s.title.clone(), Swatch::Line { color, dash, band: ALPHA_CMP, marker }));
            }
            (!lines.is_empty()).then_some((lines, legend))
        }
    }
}

/// A metric name made safe as a file name (letters, digits, `_` and `-` kept).
fn file_stem(metric: &str) -> String {
    metric.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}

/// The subtitle of a comparison's time charts.
fn comparison_subtitle(c: &ComparisonData) -> String {
    match c.n_runs() {
        Some(n) => format!("Lines: median of {n} runs each; shaded: middle 50% of runs, in the colour of each line"),
        None => "Lines: median run; shaded: middle 50% of runs, in the colour of each line".into(),
    }
}

/// The chart of one metric, or `None` if the source lacks it.
pub(crate) fn metric_chart(src: &Source, metric: &str, t: Theme) -> Option<MetricChart> {
    let (lines, mut legend) = lines_for(src, metric, t)?;
    let info = metric_info(metric);
    let (name, subtitle, marks) = match src {
        Source::Run(r) => (file_stem(metric), format!("{} · one run", r.manifest.title), marks_for(src)),
        Source::Ensemble(e) => (
            file_stem(metric),
            format!("{} · {}", e.manifest.title, describe_runs(e.n_runs(), "median and spread of")),
            marks_for(src),
        ),
        Source::Comparison(c) => (format!("compare_{}", file_stem(metric)), comparison_subtitle(c), Vec::new()),
    };
    if !marks.is_empty() && matches!(src, Source::Ensemble(_)) {
        legend.push(LegendItem::new("Key event: median date; grey: middle 90% of its dates", Swatch::Event));
    }
    Some(MetricChart {
        name,
        title: info.label.clone(),
        subtitle,
        source: src.source_line(),
        legend,
        panel: Panel { lines, marks, kind: info.kind, y_desc: info.unit.clone(), compact: false },
    })
}

/// The metrics of the dashboard of a run or ensemble, in reading order.
pub const DASHBOARD_METRICS: [&str; 12] = [
    "red_army",
    "white_armies",
    "petrograd_population",
    "grain_procured_cum_mpoods",
    "urban_food_ratio",
    "bag_trade_share",
    "free_fixed_price_ratio",
    "money_real_value_m",
    "uprisings_cum",
    "soviet_democracy_index",
    "party_members",
    "industrial_output_index",
];

/// Small multiples of the key metrics.
pub(crate) struct Dashboard {
    pub title: String,
    pub subtitle: String,
    pub source: String,
    pub legend: Vec<LegendItem>,
    pub panels: Vec<(String, Panel)>,
}

/// How clearly the scenarios differ on `metric`: the largest |difference| / half-width of its
/// 95% interval over the statistics of `comparison.csv` (above 1: the interval excludes zero).
/// Changes under 1% of the baseline value count as none, however narrow their interval.
pub(crate) fn separation(c: &ComparisonData, metric: &str) -> f64 {
    c.effects
        .iter()
        .filter(|e| e.metric == metric && !e.statistic.starts_with("share:"))
        .filter(|e| e.difference.is_finite() && e.ci_low.is_finite() && e.ci_high.is_finite())
        .filter(|e| e.difference.abs() >= 0.01 * e.baseline.abs())
        .map(|e| {
            let half = (e.ci_high - e.ci_low).abs() / 2.0;
            let d = e.difference.abs();
            if half > 0.0 {
                d / half
            } else if d > 0.0 {
                f64::INFINITY
            } else {
                0.0
            }
        })
        .fold(0.0, f64::max)
}

/// The dashboard's metrics for a comparison: the indicators of `comparison.csv` on which the
/// scenarios differ most (at most nine, at least four when as many exist), with the number that
/// differ beyond their interval; the default set when none does.
fn comparison_panels(c: &ComparisonData, present: &dyn Fn(&str) -> bool) -> (Vec<String>, usize) {
    let mut scored: Vec<(String, f64)> = Vec::new();
    for e in &c.effects {
        if present(&e.metric) && !scored.iter().any(|s| s.0 == e.metric) {
            scored.push((e.metric.clone(), separation(c, &e.metric)));
        }
    }
    scored.sort_by(|a, b| b.1.total_cmp(&a.1));
    let differ = scored.iter().filter(|s| s.1 > 1.0).count();
    if differ == 0 {
        return (DASHBOARD_METRICS.iter().map(|m| m.to_string()).collect(), 0);
    }
    let n = differ.clamp(4, 9).min(scored.len());
    (scored.into_iter().take(n).map(|s| s.0).collect(), differ)
}

pub(crate) fn dashboard(src: &Source, t: Theme) -> Option<Dashboard> {
    let present = |m: &str| lines_for(src, m, t).is_some();
    let (metrics, differ) = match src {
        Source::Comparison(c) if !c.effects.is_empty() => comparison_panels(c, &present),
        _ => (DASHBOARD_METRICS.iter().map(|m| m.to_string()).collect(), usize::MAX),
    };
    let mut panels = Vec::new();
    let mut legend = Vec::new();
    for metric in &metrics {
        let Some((lines, l)) = lines_for(src, metric, t) else { continue };
        if legend.is_empty() {
            legend = l;
        }
        let info = metric_info(metric);
        let mut title = format!("{} · {}", info.short, info.unit);
        if let Source::Comparison(c) = src
            && differ > 0
            && differ != usize::MAX
            && separation(c, metric) <= 1.0
        {
            title = format!("{} (no clear difference)", info.short);
        }
        panels.push((title, Panel { lines, marks: Vec::new(), kind: info.kind, y_desc: String::new(), compact: true }));
    }
    if panels.is_empty() {
        return None;
    }
    let (title, subtitle) = dashboard_text(src, differ, panels.len());
    Some(Dashboard { title, subtitle, source: src.source_line(), legend, panels })
}

/// The dashboard's title and subtitle: for a comparison, what the panels were chosen for.
fn dashboard_text(src: &Source, differ: usize, shown: usize) -> (String, String) {
    let years = match src.date_range() {
        Some((a, b)) if a.ymd().0 != b.ymd().0 => format!(", {}–{}", a.ymd().0, b.ymd().0),
        _ => String::new(),
    };
    match src {
        Source::Run(r) => (format!("Key indicators{years}"), format!("{} · one run", r.manifest.title)),
        Source::Ensemble(e) => (
            format!("Key indicators{years}"),
            format!("{} · {}", e.manifest.title, describe_runs(e.n_runs(), "median and spread of")),
        ),
        Source::Comparison(c) => {
            let lines = comparison_subtitle(c);
            match differ {
                0 => (
                    "The scenarios do not differ on the key indicators".into(),
                    format!("Every difference lies inside its 95% interval or is under 1% · {lines}"),
                ),
                usize::MAX => (format!("Key indicators{years}"), lines),
                d => (
                    format!("Where the scenarios differ{years}"),
                    format!(
                        "{shown} indicators, ordered by how far the difference lies beyond its 95% interval \
                         ({d} clearly differ) · {lines}"
                    ),
                ),
            }
        }
    }
}

impl Plot for Dashboard {
    fn name(&self) -> String {
        "dashboard".into()
    }

    fn height(&self, width: u32, height: u32, u: Units) -> u32 {
        height.max(width * 3 / 4) + legend_extra(&self.legend, width, u)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, u: Units) -> Result<(), ChartError> {
        let f = Frame { title: &self.title, subtitle: &self.subtitle, source: &self.source, legend: &self.legend };
        let area = frame(root, u, &f)?;
        let n = self.panels.len();
        let cols = if n <= 4 { n.min(2) } else { 3 };
        let rows = n.div_ceil(cols);
        let cells = area.split_evenly((rows, cols));
        let title_style = u.bold(11.5);
        for ((short, panel), cell) in self.panels.iter().zip(cells.iter()) {
            let (cw, _) = cell.dim_in_pixel();
            let cell = cell.margin(u.i(4.0), u.i(6.0), u.i(2.0), u.i(8.0));
            let t = fit(&cell, short, &title_style, cw as i32 - u.i(12.0));
            text(&cell, &t, (u.i(2.0), 0), &title_style, HPos::Left, VPos::Top)?;
            let th = text_size(&cell, "Ag", &title_style).1 + u.i(2.0);
            let plot = cell.margin(th, 0, 0, 0);
            draw_panel(&plot, u, panel)?;
        }
        Ok(())
    }
}
