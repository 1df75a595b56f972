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
use super::frame::{Frame, LegendItem, OrDraw, Plot, Swatch, fit, frame, text, text_size};
use super::style::{AXIS, GRID, Kind, MUTED, TEXT, Units, human_kind, metric_info, palette, readable};
use super::{ChartError, Source};

/// A row of the forest plot.
#[derive(Clone, Debug, PartialEq)]
pub struct ForestRow {
    pub label: String,
    /// Index of the scenario in the comparison (for its colour).
    pub scenario: usize,
    /// Difference and interval on the row's axis (% of baseline or percentage points); NaN if
    /// there is no such value (a baseline of zero).
    pub x: f64,
    pub lo: f64,
    pub hi: f64,
    /// "baseline → alternative" in the metric's units.
    pub note: String,
    /// True for the percentage-point axis.
    pub points: bool,
    /// First row of a new metric/statistic.
    pub group_start: bool,
}

/// "median@1921-03-31" → "median, 31 Mar 1921"; "final" → "at the end".
fn statistic_label(stat: &str) -> String {
    if stat == "final" {
        return "at the end".into();
    }
    if let Some((what, when)) = stat.split_once('@') {
        let when = Date::parse(when).map(|d| d.long()).unwrap_or_else(|| when.to_string());
        return format!("{what}, {when}");
    }
    stat.to_string()
}

/// The rows of the forest plot, in file order grouped by metric and statistic.
pub fn forest_rows(c: &ComparisonData) -> Vec<ForestRow> {
    let scen = |name: &str| c.scenarios.iter().position(|s| s.name == name).unwrap_or(1);
    let mut keys: Vec<(&str, &str)> = Vec::new();
    // An essay's forest plot: a metric with a value at the end shows that one; its dated means
    // stay in comparison.csv.
    let has_final = |metric: &str| c.effects.iter().any(|e| e.metric == metric && e.statistic == "final");
    for e in &c.effects {
        if e.statistic.starts_with("mean@") && has_final(&e.metric) {
            continue;
        }
        let k = (e.metric.as_str(), e.statistic.as_str());
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    let mut out = Vec::new();
    for points_axis in [false, true] {
        for (metric, stat) in &keys {
            let mut effects: Vec<&Effect> =
                c.effects.iter().filter(|e| e.metric == *metric && e.statistic == *stat).collect();
            effects.sort_by_key(|e| scen(&e.scenario));
            let mut first = true;
            for e in effects {
                let share_stat = e.statistic.strip_prefix("share:");
                let info = metric_info(&e.metric);
                let kind = if share_stat.is_some() { Kind::Share } else { info.kind };
                if (kind == Kind::Share) != points_axis {
                    continue;
                }
                let label = match share_stat {
                    Some(what) => format!("Share of runs: {}", readable(what).to_lowercase()),
                    None => format!("{}, {}", info.label, statistic_label(&e.statistic)),
                };
                let (x, lo, hi) = if points_axis {
                    (e.difference * 100.0, e.ci_low * 100.0, e.ci_high * 100.0)
                } else if e.baseline.is_finite() && e.baseline.abs() > 1e-12 {
                    let b = e.baseline.abs() / 100.0;
                    (e.difference / b, e.ci_low / b, e.ci_high / b)
                } else {
                    (f64::NAN, f64::NAN, f64::NAN)
                };
                out.push(ForestRow {
                    label,
                    scenario: scen(&e.scenario),
                    x,
                    lo,
                    hi,
                    note: format!("{} → {}", human_kind(e.baseline, kind), human_kind(e.alternative, kind)),
                    points: points_axis,
                    group_start: first,
                });
                first = false;
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
}

pub(crate) fn forest_chart(c: &ComparisonData) -> Option<ForestChart> {
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
            let t = c.scenarios.get(i).map(|s| s.title.clone()).unwrap_or_else(|| format!("scenario {i}"));
            LegendItem::new(t, Swatch::Range { color: palette(i), alpha: 1.0 })
        })
        .collect();
    Some(ForestChart {
        subtitle: format!("Difference from {base}, with 95% confidence intervals; hollow: interval includes zero"),
        source: Source::Comparison(c).source_line(),
        legend,
        rows,
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
            self.section(&sec, u, &rows, points, label_w, note_w)?;
            rest = lower;
        }
        Ok(())
    }
}

impl ForestChart {
    fn section<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        u: Units,
        rows: &[&ForestRow],
        points: bool,
        label_w: i32,
        note_w: i32,
    ) -> Result<(), ChartError> {
        let label_style = u.font(11.0).color(&TEXT);
        let note_style = u.font(10.5).color(&MUTED);
        let tick_style = u.font(10.5).color(&MUTED);
        let desc_style = u.font(11.0).color(&MUTED);
        let (lo, hi) = rows
            .iter()
            .flat_map(|r| [r.lo, r.hi, r.x])
            .filter(|v| v.is_finite())
            .fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
        // With no difference at all, show a readable ±1 around zero rather than ticks of 0.
        let (lo, hi) = if hi - lo < 1e-9 { (-1.0, 1.0) } else { (lo, hi) };
        let pad = (hi - lo) * 0.05;
        let xaxis = NumAxis::for_data(lo - pad, hi + pad, Kind::Number, 6);
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
        let (aw, _) = area.dim_in_pixel();
        // Light bands behind alternate metrics (drawn before the grid), so that a row reads
        // across to its note.
        let mut shade = false;
        for (i, r) in rows.iter().enumerate() {
            if r.group_start {
                shade = !shade;
            }
            if shade {
                let y0 = chart.backend_coord(&(0.0, n - i as f64)).1 - base.1;
                let y1 = chart.backend_coord(&(0.0, n - i as f64 - 1.0)).1 - base.1;
                area.draw(&Rectangle::new([(0, y0), (aw as i32, y1)], RGBColor(0xf4, 0xf4, 0xf4).filled())).d()?;
            }
        }
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
        let px = |x: f64, y: f64| {
            let (a, b) = chart.backend_coord(&(x, y));
            (a - base.0, b - base.1)
        };
        let (zx, ybottom) = px(0.0, 0.0);
        let (_, ytop) = px(0.0, n);
        area.draw(&PathElement::new(vec![(zx, ytop), (zx, ybottom)], TEXT.stroke_width(u.u(1.2)))).d()?;
        let (plot_right, _) = px(xaxis.hi(), 0.0);
        for (i, r) in rows.iter().enumerate() {
            let (_, cy) = px(0.0, n - i as f64 - 0.5);
            let color = palette(r.scenario);
            if r.group_start || rows.iter().filter(|q| q.label == r.label).count() == 1 {
                let l = fit(area, &r.label, &label_style, label_w);
                text(area, &l, (label_w, cy), &label_style, HPos::Right, VPos::Center)?;
            }
            text(
                area,
                &fit(area, &r.note, &note_style, note_w),
                (plot_right + u.i(12.0), cy),
                &note_style,
                HPos::Left,
                VPos::Center,
            )?;
            if !r.x.is_finite() {
                let s = u.font(10.0).color(&MUTED);
                text(area, "baseline is zero: no relative change", (zx + u.i(6.0), cy), &s, HPos::Left, VPos::Center)?;
                continue;
            }
            if r.lo.is_finite() && r.hi.is_finite() {
                let (x0, _) = px(r.lo, 0.0);
                let (x1, _) = px(r.hi, 0.0);
                let st = color.stroke_width(u.u(1.8));
                let cap = u.i(4.0);
                area.draw(&PathElement::new(vec![(x0, cy), (x1, cy)], st)).d()?;
                area.draw(&PathElement::new(vec![(x0, cy - cap), (x0, cy + cap)], st)).d()?;
                area.draw(&PathElement::new(vec![(x1, cy - cap), (x1, cy + cap)], st)).d()?;
            }
            let (xm, _) = px(r.x, 0.0);
            let excludes_zero = r.lo.is_finite() && r.hi.is_finite() && (r.lo > 0.0 || r.hi < 0.0);
            let fill = if excludes_zero { color.filled() } else { WHITE.filled() };
            area.draw(&Circle::new((xm, cy), u.i(4.5), fill)).d()?;
            area.draw(&Circle::new((xm, cy), u.i(4.5), color.stroke_width(u.u(1.8)))).d()?;
        }
        Ok(())
    }
}
