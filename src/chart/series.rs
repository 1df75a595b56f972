//! Metrics over time: one metric for a run, an ensemble or several scenarios (with key events
//! marked), and the dashboard of small multiples.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::{DateAxis, NumAxis};
use super::data::Quantiles;
use super::date::Date;
use super::events::marks_for;
use super::frame::{Frame, LegendItem, OrDraw, Plot, Swatch, dash_pattern, fit, frame, text, text_size, vline_dashed};
use super::style::{AXIS, Dash, EVENT, GRID, Kind, MUTED, Units, dash, metric_info, palette};
use super::{ChartError, Source, describe_runs};

/// One line, with optional shaded bands (lower, upper) behind it.
#[derive(Clone, Debug)]
pub(crate) struct Line {
    pub color: RGBColor,
    pub dash: Dash,
    pub points: Vec<(Date, f64)>,
    pub band50: Vec<(Date, f64, f64)>,
    pub band90: Vec<(Date, f64, f64)>,
    pub alpha50: f64,
    pub alpha90: f64,
}

impl Line {
    fn plain(color: RGBColor, dash: Dash, points: Vec<(Date, f64)>) -> Line {
        Line { color, dash, points, band50: Vec::new(), band90: Vec::new(), alpha50: 0.0, alpha90: 0.0 }
    }

    /// The median of the quantiles, with the bands asked for.
    fn from_quantiles(color: RGBColor, dash: Dash, q: &[Quantiles], alpha50: f64, alpha90: f64) -> Line {
        let mid = |q: &Quantiles| if q.p50.is_finite() { q.p50 } else { q.mean };
        Line {
            color,
            dash,
            points: q.iter().map(|q| (q.date, mid(q))).collect(),
            band50: if alpha50 > 0.0 { q.iter().map(|q| (q.date, q.p25, q.p75)).collect() } else { Vec::new() },
            band90: if alpha90 > 0.0 { q.iter().map(|q| (q.date, q.p05, q.p95)).collect() } else { Vec::new() },
            alpha50,
            alpha90,
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

/// A vertical event mark: a date, an optional spread (p05–p95) and a short label.
#[derive(Clone, Debug)]
pub(crate) struct Mark {
    pub label: String,
    pub date: Date,
    pub span: Option<(Date, Date)>,
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

/// Draws a panel into `area`: axes, grid, bands, lines, and event marks with labels above the plot.
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
    let tick_size = if p.compact { 10.0 } else { 11.0 };
    let tick_style = u.font(tick_size).color(&MUTED);
    let (vlo, vhi) = p.value_range();
    let target = if p.compact { 3 } else { ((ah as f64 / u.f(60.0)).round() as usize).clamp(3, 8) };
    let yaxis = NumAxis::for_data(vlo, vhi, p.kind, target);
    let label_w = yaxis.ticks().iter().map(|t| text_size(area, &yaxis.label(*t), &tick_style).0).max().unwrap_or(0);
    let desc_style = u.font(11.0).color(&MUTED);
    let desc_h = if p.y_desc.is_empty() || p.compact { 0 } else { text_size(area, "Ag", &desc_style).1 + u.i(8.0) };
    let yl = label_w + u.i(8.0) + desc_h;
    let right = u.i(if p.compact { 8.0 } else { 10.0 });
    let plot_w = (aw - yl - right).max(10);
    let max_x = (plot_w as f64 / u.f(if p.compact { 38.0 } else { 62.0 })).floor().max(2.0) as usize;
    let xaxis = DateAxis::new(d0, d1, max_x);
    let xl = text_size(area, "1918", &tick_style).1 + u.i(10.0);

    // Event labels: rows above the plot, placed so they do not overlap.
    let label_style = u.font(10.0).color(&EVENT);
    let row_h = u.i(16.0);
    let mut placed: Vec<(usize, i32, String, Date)> = Vec::new(); // (row, x, label, date)
    let mut row_ends: Vec<i32> = Vec::new();
    let mut marks: Vec<&Mark> = p.marks.iter().filter(|m| m.date >= d0 && m.date <= d1).collect();
    marks.sort_by_key(|m| m.date);
    for m in &marks {
        if p.compact {
            break;
        }
        let x = yl + xaxis.pixel(m.date, (0, plot_w));
        let label = fit(area, &m.label, &label_style, u.i(140.0));
        let tw = text_size(area, &label, &label_style).0;
        let left = (x - tw / 2).clamp(0, (aw - tw).max(0));
        let row = row_ends.iter().position(|end| left > *end + u.i(6.0)).unwrap_or(row_ends.len());
        if row == row_ends.len() {
            row_ends.push(0);
        }
        row_ends[row] = left + tw;
        placed.push((row, left, label, m.date));
    }
    let top = u.i(if p.compact { 6.0 } else { 8.0 }) + row_ends.len() as i32 * row_h;

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
        .axis_desc_style(desc_style.clone());
    if desc_h > 0 {
        mesh.y_desc(p.y_desc.clone());
    }
    mesh.draw().d()?;

    let (ylo, yhi) = (yaxis.lo(), yaxis.hi());
    for m in &marks {
        if let Some((a, b)) = m.span
            && b > a
        {
            let (a, b) = (a.max(d0), b.min(d1));
            chart.draw_series(std::iter::once(Rectangle::new([(a, ylo), (b, yhi)], EVENT.mix(0.09).filled()))).d()?;
        }
    }
    let lw = if p.compact { 1.6 } else { 2.2 };
    for line in &p.lines {
        for (band, alpha) in [(&line.band90, line.alpha90), (&line.band50, line.alpha50)] {
            for seg in segments(band, |b| b.1.is_finite() && b.2.is_finite()) {
                let pts: Vec<(Date, f64)> =
                    seg.iter().map(|b| (b.0, b.2)).chain(seg.iter().rev().map(|b| (b.0, b.1))).collect();
                chart.draw_series(std::iter::once(Polygon::new(pts, line.color.mix(alpha).filled()))).d()?;
            }
        }
    }
    for line in &p.lines {
        let style = line.color.stroke_width(u.u(lw));
        for seg in segments(&line.points, |p| p.1.is_finite()) {
            match line.dash {
                Dash::Solid => {
                    chart.draw_series(LineSeries::new(seg, style)).d()?;
                }
                d => {
                    let (on, off) = dash_pattern(u, d, lw);
                    chart.draw_series(DashedLineSeries::new(seg, on, off, style)).d()?;
                }
            }
        }
    }

    // Event lines run from the plot's bottom to their label.
    let base = area.get_base_pixel();
    let plot_top = chart.backend_coord(&(d0, yhi)).1 - base.1;
    let plot_bottom = chart.backend_coord(&(d0, ylo)).1 - base.1;
    let label_bottom = |row: usize| plot_top - u.i(3.0) - row as i32 * row_h;
    for (row, _, _, date) in &placed {
        let x = chart.backend_coord(&(*date, ylo)).0 - base.0;
        vline_dashed(area, u, x, label_bottom(*row) - u.i(2.0), plot_bottom, EVENT)?;
    }
    // Labels last, on white, so that the lines of higher labels do not cross them.
    for (row, left, label, _) in &placed {
        let (tw, th) = text_size(area, label, &label_style);
        let y = label_bottom(*row);
        area.draw(&Rectangle::new([(left - u.i(2.0), y - th - u.i(2.0)), (left + tw + u.i(2.0), y)], WHITE.filled()))
            .d()?;
        text(area, label, (*left, y - u.i(1.0)), &label_style, HPos::Left, VPos::Bottom)?;
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

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, u: Units) -> Result<(), ChartError> {
        let f = Frame { title: &self.title, subtitle: &self.subtitle, source: &self.source, legend: &self.legend };
        let area = frame(root, u, &f)?;
        draw_panel(&area, u, &self.panel)
    }
}

const ALPHA50: f64 = 0.28;
const ALPHA90: f64 = 0.13;
const ALPHA_CMP: f64 = 0.12;

/// The lines of `metric` in a source, with a legend and a description of what is drawn.
fn lines_for(src: &Source, metric: &str) -> Option<(Vec<Line>, Vec<LegendItem>)> {
    match src {
        Source::Run(r) => {
            let v = r.series.get(metric)?;
            let pts: Vec<(Date, f64)> = r.series.dates.iter().copied().zip(v.iter().copied()).collect();
            Some((vec![Line::plain(palette(0), Dash::Solid, pts)], Vec::new()))
        }
        Source::Ensemble(e) => {
            let q = e.summary.get(metric)?;
            let c = palette(0);
            let legend = vec![
                LegendItem::new("Median run", Swatch::Line { color: c, dash: Dash::Solid, band: 0.0 }),
                LegendItem::new("Middle 50% of runs", Swatch::Band { color: c, alpha: ALPHA50 + ALPHA90 }),
                LegendItem::new("90% of runs", Swatch::Band { color: c, alpha: ALPHA90 }),
            ];
            Some((vec![Line::from_quantiles(c, Dash::Solid, q, ALPHA50, ALPHA90)], legend))
        }
        Source::Comparison(c) => {
            let mut lines = Vec::new();
            let mut legend = Vec::new();
            for (i, s) in c.scenarios.iter().enumerate() {
                let Some(q) = s.ensemble.summary.get(metric) else { continue };
                lines.push(Line::from_quantiles(palette(i), dash(i), q, ALPHA_CMP, 0.0));
                legend.push(LegendItem::new(
                    s.title.clone(),
                    Swatch::Line { color: palette(i), dash: dash(i), band: ALPHA_CMP },
                ));
            }
            (!lines.is_empty()).then_some((lines, legend))
        }
    }
}

/// A metric name made safe as a file name (letters, digits, `_` and `-` kept).
fn file_stem(metric: &str) -> String {
    metric.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}

/// The chart of one metric, or `None` if the source lacks it.
pub(crate) fn metric_chart(src: &Source, metric: &str) -> Option<MetricChart> {
    let (lines, legend) = lines_for(src, metric)?;
    let info = metric_info(metric);
    let (name, subtitle, marks) = match src {
        Source::Run(r) => (file_stem(metric), format!("{} · one run", r.manifest.title), marks_for(src)),
        Source::Ensemble(e) => (
            file_stem(metric),
            format!("{} · {}", e.manifest.title, describe_runs(e.n_runs(), "median and spread of")),
            marks_for(src),
        ),
        Source::Comparison(c) => {
            let titles: Vec<&str> = c.scenarios.iter().map(|s| s.title.as_str()).collect();
            let runs =
                c.n_runs().map(|n| format!(" · medians of {n} runs each, shaded: middle 50%")).unwrap_or_default();
            (format!("compare_{}", file_stem(metric)), format!("{}{runs}", titles.join(" vs ")), Vec::new())
        }
    };
    let mut legend = legend;
    if !marks.is_empty() && matches!(src, Source::Ensemble(_)) {
        legend.push(LegendItem::new("Key event: median date, shaded 90% of runs", Swatch::Event));
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

/// The metrics of the dashboard, in reading order, with their short panel titles.
pub const DASHBOARD_METRICS: [(&str, &str); 9] = [
    ("red_army", "Red Army"),
    ("white_armies", "White armies"),
    ("petrograd_population", "Petrograd population"),
    ("grain_procured_cum_mpoods", "Grain procured (M poods, cum.)"),
    ("urban_food_ratio", "Urban food / need"),
    ("uprisings_cum", "Uprisings (cumulative)"),
    ("soviet_democracy_index", "Soviet democracy (0–1)"),
    ("party_members", "Party members"),
    ("industrial_output_index", "Industry (1913 = 1)"),
];

/// Small multiples of the key metrics.
pub(crate) struct Dashboard {
    pub title: String,
    pub subtitle: String,
    pub source: String,
    pub legend: Vec<LegendItem>,
    pub panels: Vec<(String, Panel)>,
}

pub(crate) fn dashboard(src: &Source) -> Option<Dashboard> {
    let mut panels = Vec::new();
    let mut legend = Vec::new();
    for (metric, short) in DASHBOARD_METRICS {
        let Some((lines, l)) = lines_for(src, metric) else { continue };
        if legend.is_empty() {
            legend = l;
        }
        let info = metric_info(metric);
        panels.push((
            short.to_string(),
            Panel { lines, marks: Vec::new(), kind: info.kind, y_desc: String::new(), compact: true },
        ));
    }
    if panels.is_empty() {
        return None;
    }
    let subtitle = match src {
        Source::Run(r) => format!("{} · one run", r.manifest.title),
        Source::Ensemble(e) => format!("{} · {}", e.manifest.title, describe_runs(e.n_runs(), "median and spread of")),
        Source::Comparison(c) => {
            let titles: Vec<&str> = c.scenarios.iter().map(|s| s.title.as_str()).collect();
            let runs = c.n_runs().map(|n| format!(" · medians of {n} runs each")).unwrap_or_default();
            format!("{}{runs}", titles.join(" vs "))
        }
    };
    let title = match src.date_range() {
        Some((a, b)) if a.ymd().0 != b.ymd().0 => format!("Key indicators, {}–{}", a.ymd().0, b.ymd().0),
        _ => "Key indicators".to_string(),
    };
    Some(Dashboard { title, subtitle, source: src.source_line(), legend, panels })
}

impl Plot for Dashboard {
    fn name(&self) -> String {
        "dashboard".into()
    }

    fn height(&self, width: u32, height: u32, _u: Units) -> u32 {
        height.max(width * 3 / 4)
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
