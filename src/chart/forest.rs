//! Forest plot of `comparison.csv`: each difference from the baseline with its confidence interval.
//!
//! Differences of metrics in different units cannot share an axis, so rows are put on one of two
//! axes: levels (people, counts, indexes) as a change in % of the baseline value, shares and
//! `share:` statistics as a change in percentage points. The baseline → alternative values, in
//! their own units, are written on the right.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::NumAxis;
use super::data::{ComparisonData, Effect};
use super::date::Date;
use super::events::percent;
use super::frame::{Frame, LegendItem, OrDraw, Plot, Swatch, fit, frame, text, text_size};
use super::labels::{self, metric_info};
use super::style::{AXIS, GRID, Kind, MUTED, TEXT, Theme, Units, rounded};
use super::{ChartError, Source};

/// A row of the forest plot.
#[derive(Clone, Debug, PartialEq)]
pub struct ForestRow {
    pub label: String,
    /// Index of the scenario in the comparison (for its colour).
    pub scenario: usize,
    /// Difference and interval on the row's axis, as fractions: of the baseline value (levels)
    /// or of all runs (shares, drawn as percentage points); NaN if there is no such value (a
    /// baseline of zero).
    pub x: f64,
    pub lo: f64,
    pub hi: f64,
    /// "baseline → alternative" in the metric's units, rounded to what the runs can tell.
    pub note: String,
    /// True for the percentage-point axis.
    pub points: bool,
    /// First row of a new metric/statistic.
    pub group_start: bool,
    /// With a posterior: the interval across its draws on the same axis (NaN otherwise), and
    /// whether the sign holds in at least 90% of them.
    pub plo: f64,
    pub phi: f64,
    pub robust: Option<bool>,
}

impl ForestRow {
    /// Drawn filled only when the interval excludes zero and the change is not trivial (at
    /// least 1% of the baseline, or 1 point of the runs).
    pub fn clear(&self) -> bool {
        let excludes_zero = self.lo.is_finite() && self.hi.is_finite() && (self.lo > 0.0 || self.hi < 0.0);
        excludes_zero && self.x.abs() >= TRIVIAL
    }
}

/// Changes under 1% (or 1 point) are drawn hollow, whatever their interval.
const TRIVIAL: f64 = 0.01;

/// "Kronstadt holds, share of runs", "Red Army, median, 31 Mar 1921".
fn row_label(e: &Effect, end: Option<Date>) -> String {
    match e.statistic.strip_prefix("share:") {
        Some(what) if e.metric == "end_state" => format!("Ending in: {}, share of runs", labels::any(what)),
        Some(what) => format!("{}, share of runs", labels::any(what)),
        None => format!("{}, {}", metric_info(&e.metric).short, labels::statistic(&e.statistic, end)),
    }
}

/// The keys (metric, statistic) of the plot, in file order; a metric with a value at the end
/// shows that one (its dated means stay in comparison.csv).
fn keys(c: &ComparisonData) -> Vec<(&str, &str)> {
    let has_final = |metric: &str| c.effects.iter().any(|e| e.metric == metric && e.statistic == "final");
    let mut keys: Vec<(&str, &str)> = Vec::new();
    for e in &c.effects {
        if e.statistic.starts_with("mean@") && has_final(&e.metric) {
            continue;
        }
        let k = (e.metric.as_str(), e.statistic.as_str());
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys
}

fn forest_row(e: &Effect, points_axis: bool, scenario: usize, (end, runs): (Option<Date>, usize)) -> ForestRow {
    let kind = if points_axis { Kind::Share } else { metric_info(&e.metric).kind };
    let (x, lo, hi, plo, phi) = if points_axis {
        (e.difference, e.ci_low, e.ci_high, e.param_low, e.param_high)
    } else if e.baseline.is_finite() && e.baseline.abs() > 1e-12 {
        let b = e.baseline.abs();
        (e.difference / b, e.ci_low / b, e.ci_high / b, e.param_low / b, e.param_high / b)
    } else {
        (f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN)
    };
    // What the runs can tell: a quarter of the interval's width, and never finer than three
    // significant digits.
    let step = ((e.ci_high - e.ci_low).abs() / 4.0).max(5e-4 * e.baseline.abs().max(e.alternative.abs()));
    let mut note = if e.statistic.starts_with("share:") && runs > 0 {
        // A share of runs: as fine as the number of runs can tell.
        format!("{} → {}", percent(e.baseline, runs), percent(e.alternative, runs))
    } else {
        format!("{} → {}", rounded(e.baseline, step, kind), rounded(e.alternative, step, kind))
    };
    match e.robust {
        Some(true) => note.push_str(" · robust"),
        Some(false) if e.difference != 0.0 => note.push_str(" · not robust"),
        _ => {}
    }
    let label = row_label(e, end);
    ForestRow { label, scenario, x, lo, hi, note, points: points_axis, group_start: false, plo, phi, robust: e.robust }
}

/// The rows of the forest plot, in file order grouped by metric and statistic.
pub fn forest_rows(c: &ComparisonData) -> Vec<ForestRow> {
    let scen = |name: &str| c.scenarios.iter().position(|s| s.name == name).unwrap_or(1);
    let end = Source::Comparison(c).date_range().map(|r| r.1);
    let runs = c.n_runs().unwrap_or(0);
    let keys = keys(c);
    let mut out = Vec::new();
    for points_axis in [false, true] {
        for (metric, stat) in &keys {
            let mut effects: Vec<&Effect> =
                c.effects.iter().filter(|e| e.metric == *metric && e.statistic == *stat).collect();
            effects.sort_by_key(|e| scen(&e.scenario));
            let mut first = true;
            for e in effects {
                let share = e.statistic.starts_with("share:") || metric_info(&e.metric).kind == Kind::Share;
                if share != points_axis {
                    continue;
                }
                let mut row = forest_row(e, points_axis, scen(&e.scenario), (end, runs));
                row.group_start = first;
                first = false;
                out.push(row);
            }
        }
    }
    out
}

pub(crate) struct ForestChart {
    subtitle: String,
    source: String,
    legend: Vec<LegendItem>,
    rows: Vec<ForestRow>,
    theme: Theme,
}

pub(crate) fn forest_chart(c: &ComparisonData, t: Theme) -> Option<ForestChart> {
    let rows = forest_rows(c);
    if rows.is_empty() {
        return None;
    }
    let base = c.scenarios.first().map(|s| s.title.clone()).unwrap_or_else(|| "the baseline".into());
    let mut used: Vec<usize> = rows.iter().map(|r| r.scenario).collect();
    used.sort_unstable();
    used.dedup();
    let legend = used
        .iter()
        .map(|&i| {
            let title = c.scenarios.get(i).map(|s| s.title.clone()).unwrap_or_else(|| format!("scenario {i}"));
            LegendItem::new(title, Swatch::Range { color: t.color(i), alpha: 1.0 })
        })
        .collect();
    let posterior =
        if rows.iter().any(|r| r.plo.is_finite()) { "; pale bar: across the posterior's vectors" } else { "" };
    Some(ForestChart {
        subtitle: format!(
            "Difference from “{base}” (mean of paired runs), whiskers: 95% interval over the seeds; hollow: the \
             interval includes zero, or the change is under 1% (1 point){posterior}"
        ),
        source: Source::Comparison(c).source_line(),
        legend,
        rows,
        theme: t,
    })
}

const ROW: f64 = 21.0;
const AXIS_H: f64 = 44.0;

impl Plot for ForestChart {
    fn name(&self) -> String {
        "effects".into()
    }

    fn height(&self, _width: u32, height: u32, u: Units) -> u32 {
        let sections = [false, true].iter().filter(|p| self.rows.iter().any(|r| r.points == **p)).count();
        let need = u.f(120.0
            + 18.0 * self.legend.len() as f64
            + sections as f64 * (AXIS_H + 16.0)
            + ROW * self.rows.len() as f64);
        height.max(need.ceil() as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, u: Units) -> Result<(), ChartError> {
        let f = Frame {
            title: "Effects of the counterfactuals",
            subtitle: &self.subtitle,
            source: &self.source,
            legend: &self.legend,
        };
        let area = frame(root, u, &f)?;
        let (aw, ah) = area.dim_in_pixel();
        let (aw, ah) = (aw as i32, ah as i32);
        let label_style = u.font(11.0).color(&TEXT);
        let note_style = u.font(10.5).color(&MUTED);
        let max_label = aw * 2 / 5;
        let label_w =
            self.rows.iter().map(|r| text_size(&area, &r.label, &label_style).0).max().unwrap_or(0).min(max_label);
        let note_w = self.rows.iter().map(|r| text_size(&area, &r.note, &note_style).0).max().unwrap_or(0).min(aw / 4);
        let sections: Vec<bool> =
            [false, true].into_iter().filter(|p| self.rows.iter().any(|r| r.points == *p)).collect();
        let total_units: f64 = sections.len() as f64 * (AXIS_H + 16.0) + ROW * self.rows.len() as f64;
        let scale = f64::from(ah) / u.f(total_units);
        let mut rest = area.clone();
        for (k, &points) in sections.iter().enumerate() {
            let rows: Vec<&ForestRow> = self.rows.iter().filter(|r| r.points == points).collect();
            let h = (u.f((AXIS_H + 16.0) + ROW * rows.len() as f64) * scale) as i32;
            let (sec, lower) =
                if k + 1 < sections.len() { rest.split_vertically(h) } else { (rest.clone(), rest.clone()) };
            self.section(&sec, u, &rows, points, (label_w, note_w))?;
            rest = lower;
        }
        Ok(())
    }
}

/// The x axis of a section: its data with zero in view, and a readable ±1% when nothing moves.
fn section_axis(rows: &[&ForestRow], points: bool) -> NumAxis {
    let (lo, hi) = rows
        .iter()
        .flat_map(|r| [r.lo, r.hi, r.x, r.plo, r.phi])
        .filter(|v| v.is_finite())
        .fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
    let (lo, hi) = if hi - lo < 1e-9 { (-0.01, 0.01) } else { (lo, hi) };
    let pad = (hi - lo) * 0.05;
    let kind = if points { Kind::Points } else { Kind::Change };
    NumAxis::for_data(lo - pad, hi + pad, kind, 6)
}

impl ForestChart {
    fn section<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        u: Units,
        rows: &[&ForestRow],
        points: bool,
        (label_w, note_w): (i32, i32),
    ) -> Result<(), ChartError> {
        let tick_style = u.font(10.5).color(&MUTED);
        let desc_style = u.font(11.0).color(&MUTED);
        let xaxis = section_axis(rows, points);
        let n = rows.len() as f64;
        let xl = text_size(area, "Ag", &tick_style).1 + text_size(area, "Ag", &desc_style).1 + u.i(16.0);
        let mut chart = ChartBuilder::on(area)
            .margin_top(u.i(8.0))
            .margin_right(note_w + u.i(14.0))
            .x_label_area_size(xl)
            .y_label_area_size(label_w + u.i(12.0))
            .build_cartesian_2d(xaxis.clone(), NumAxis::bare(0.0, n))
            .d()?;
        let desc = if points { "change in percentage points" } else { "change in % of the baseline value" };
        let base = area.get_base_pixel();
        let px = |x: f64, y: f64| {
            let (a, b) = chart.backend_coord(&(x, y));
            (a - base.0, b - base.1)
        };
        let row_y: Vec<(i32, i32, i32)> = (0..rows.len())
            .map(|i| (px(0.0, n - i as f64).1, px(0.0, n - i as f64 - 0.5).1, px(0.0, n - i as f64 - 1.0).1))
            .collect();
        let (zx, ybottom) = px(0.0, 0.0);
        let (plot_right, ytop) = px(xaxis.hi(), n);
        let plot_left = px(xaxis.lo(), 0.0).0;
        shade_groups(area, u, rows, &row_y)?;
        chart
            .configure_mesh()
            .x_labels(xaxis.ticks().len())
            .y_labels(0)
            .disable_y_mesh()
            .max_light_lines(0)
            .bold_line_style(GRID.stroke_width(u.u(1.0)))
            .axis_style(AXIS.stroke_width(u.u(1.0)))
            .set_all_tick_mark_size(u.i(3.0))
            .label_style(tick_style)
            .axis_desc_style(desc_style)
            .x_desc(desc)
            .draw()
            .d()?;
        area.draw(&PathElement::new(vec![(zx, ytop), (zx, ybottom)], TEXT.stroke_width(u.u(1.2)))).d()?;
        let x_of = |v: f64| xaxis.pixel(v, (plot_left, plot_right));
        for (i, r) in rows.iter().enumerate() {
            let cy = row_y[i].1;
            let single = rows.iter().filter(|q| q.label == r.label).count() == 1;
            self.draw_row(area, u, r, (r.group_start || single, cy), (label_w, note_w, plot_right, zx), &x_of)?;
        }
        Ok(())
    }

    /// One row: its label (first of a group), note, whisker and point.
    fn draw_row<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        u: Units,
        r: &ForestRow,
        (labelled, cy): (bool, i32),
        (label_w, note_w, plot_right, zx): (i32, i32, i32, i32),
        x_of: &dyn Fn(f64) -> i32,
    ) -> Result<(), ChartError> {
        let label_style = u.font(11.0).color(&TEXT);
        let note_style = u.font(10.5).color(&MUTED);
        if labelled {
            text(
                area,
                &fit(area, &r.label, &label_style, label_w),
                (label_w, cy),
                &label_style,
                HPos::Right,
                VPos::Center,
            )?;
        }
        let note = fit(area, &r.note, &note_style, note_w);
        text(area, &note, (plot_right + u.i(12.0), cy), &note_style, HPos::Left, VPos::Center)?;
        let color = self.theme.color(r.scenario);
        if r.plo.is_finite() && r.phi.is_finite() {
            let band = color.mix(0.3).stroke_width(u.u(7.0));
            area.draw(&PathElement::new(vec![(x_of(r.plo), cy), (x_of(r.phi), cy)], band)).d()?;
        }
        if !r.x.is_finite() {
            let s = u.font(10.0).color(&MUTED);
            let msg = fit(area, "baseline is zero: no relative change", &s, (plot_right - zx - u.i(8.0)).max(0));
            return text(area, &msg, (zx + u.i(6.0), cy), &s, HPos::Left, VPos::Center);
        }
        if r.lo.is_finite() && r.hi.is_finite() {
            let (x0, x1) = (x_of(r.lo), x_of(r.hi));
            let st = color.stroke_width(u.u(1.8));
            let cap = u.i(4.0);
            area.draw(&PathElement::new(vec![(x0, cy), (x1, cy)], st)).d()?;
            area.draw(&PathElement::new(vec![(x0, cy - cap), (x0, cy + cap)], st)).d()?;
            area.draw(&PathElement::new(vec![(x1, cy - cap), (x1, cy + cap)], st)).d()?;
        }
        let xm = x_of(r.x);
        let fill = if r.clear() { color.filled() } else { WHITE.filled() };
        area.draw(&Circle::new((xm, cy), u.i(4.5), fill)).d()?;
        area.draw(&Circle::new((xm, cy), u.i(4.5), color.stroke_width(u.u(1.8)))).d()
    }
}

/// Light bands behind alternate metrics, so that a row reads across to its note.
fn shade_groups<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    u: Units,
    rows: &[&ForestRow],
    row_y: &[(i32, i32, i32)],
) -> Result<(), ChartError> {
    let (aw, _) = area.dim_in_pixel();
    let mut shade = false;
    for (r, (y0, _, y1)) in rows.iter().zip(row_y) {
        if r.group_start {
            shade = !shade;
        }
        if shade {
            let _ = u;
            area.draw(&Rectangle::new([(0, *y0), (aw as i32, *y1)], RGBColor(0xf4, 0xf4, 0xf4).filled())).d()?;
        }
    }
    Ok(())
}
