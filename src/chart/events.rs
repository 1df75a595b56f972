//! Key events: marks on the time charts, and a timeline chart of when they happen.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::{DateAxis, NumAxis};
use super::data::{EventStat, event_stats};
use super::date::Date;
use super::frame::{Frame, LegendItem, OrDraw, Plot, Swatch, fit, frame, text, text_size};
use super::labels;
use super::style::{AXIS, GRID, MUTED, TEXT, Theme, Units};
use super::{ChartError, Source};

/// The events marked on time charts (kinds of `events.csv`).
pub const KEY_EVENTS: [&str; 4] = ["treaty_signed", "red_terror_declared", "kronstadt_mutiny", "tax_in_kind_adopted"];

/// The rows of the events chart: the key events and how the Kronstadt rising ends.
const TIMELINE: [&str; 6] = [
    "treaty_signed",
    "red_terror_declared",
    "kronstadt_mutiny",
    "kronstadt_suppressed",
    "kronstadt_holds",
    "tax_in_kind_adopted",
];

fn label_of(kind: &str) -> String {
    labels::any(kind)
}

/// A vertical event mark: a date, an optional spread (p05–p95) and a short label.
#[derive(Clone, Debug)]
pub(crate) struct Mark {
    pub label: String,
    pub date: Date,
    pub span: Option<(Date, Date)>,
}

/// "in 80% of runs" (rounded to 5 points below 40 runs: the runs cannot tell finer).
pub(crate) fn share_words(share: f64, runs: usize) -> String {
    format!("in {} of runs", percent(share, runs))
}

/// A share as a percentage rounded to what `runs` runs can tell.
pub(crate) fn percent(share: f64, runs: usize) -> String {
    let step = if runs >= 400 {
        1.0
    } else if runs >= 40 {
        2.0
    } else {
        5.0
    };
    let p = ((share * 100.0 / step).round() * step).clamp(0.0, 100.0);
    if runs > 0 && share > 0.0 && p == 0.0 {
        return format!("<{step:.0}%");
    }
    format!("{p:.0}%")
}

/// The key events of a run (first occurrence) or an ensemble (median date, p05–p95 spread).
pub(crate) fn marks_for(src: &Source) -> Vec<Mark> {
    match src {
        Source::Run(r) => event_stats(&r.events, &KEY_EVENTS, 1)
            .into_iter()
            .map(|s| Mark { label: label_of(&s.kind), date: s.median, span: None })
            .collect(),
        Source::Ensemble(e) => event_stats(&e.events, &KEY_EVENTS, e.n_runs())
            .into_iter()
            .map(|s| {
                let label = if s.share < 0.995 {
                    format!("{} ({})", label_of(&s.kind), share_words(s.share, e.n_runs()))
                } else {
                    label_of(&s.kind)
                };
                Mark { label, date: s.median, span: Some((s.p05, s.p95)) }
            })
            .collect(),
        Source::Comparison(_) => Vec::new(),
    }
}

/// One row of the timeline: an event in one scenario.
struct Row {
    /// Label on the left (event name), empty for the further scenarios of the same event.
    label: String,
    color: RGBColor,
    stat: EventStat,
    /// Runs in the ensemble (1 for a run).
    runs: usize,
    /// A gap above this row (a new event).
    group_start: bool,
}

/// The timeline of key events.
pub(crate) struct EventsChart {
    title: String,
    subtitle: String,
    source: String,
    legend: Vec<LegendItem>,
    range: (Date, Date),
    rows: Vec<Row>,
}

fn row(label: String, color: RGBColor, stat: EventStat, runs: usize, group_start: bool) -> Row {
    Row { label, color, stat, runs, group_start }
}

/// The rows and subtitle of a source's timeline.
fn timeline_rows(src: &Source, t: Theme) -> (Vec<Row>, Vec<LegendItem>, String) {
    let mut rows = Vec::new();
    let mut legend = Vec::new();
    let spread = "dot: median date; bar: middle 90% of the dates, over the runs in which it happens";
    let subtitle = match src {
        Source::Run(r) => {
            for s in event_stats(&r.events, &TIMELINE, 1) {
                rows.push(row(label_of(&s.kind), t.color(0), s, 1, true));
            }
            format!("{} · one run: the date of each event", r.manifest.title)
        }
        Source::Ensemble(e) => {
            let n = e.n_runs();
            for s in event_stats(&e.events, &TIMELINE, n) {
                rows.push(row(label_of(&s.kind), t.color(0), s, n, true));
            }
            format!("{} · {n} runs · {spread}", e.manifest.title)
        }
        Source::Comparison(c) => {
            let per: Vec<Vec<EventStat>> =
                c.scenarios.iter().map(|s| event_stats(&s.ensemble.events, &TIMELINE, s.ensemble.n_runs())).collect();
            for kind in TIMELINE {
                let mut first = true;
                for (i, stats) in per.iter().enumerate() {
                    if let Some(s) = stats.iter().find(|s| s.kind == kind) {
                        let label = if first { label_of(kind) } else { String::new() };
                        rows.push(row(label, t.color(i), s.clone(), c.scenarios[i].ensemble.n_runs(), first));
                        first = false;
                    }
                }
            }
            for (i, s) in c.scenarios.iter().enumerate() {
                legend.push(LegendItem::new(s.title.clone(), Swatch::Range { color: t.color(i), alpha: 0.35 }));
            }
            let runs = c.n_runs().map(|n| format!("{n} runs each · ")).unwrap_or_default();
            format!("{runs}{spread}")
        }
    };
    (rows, legend, subtitle)
}

pub(crate) fn events_chart(src: &Source, t: Theme) -> Option<EventsChart> {
    let (rows, legend, subtitle) = timeline_rows(src, t);
    if rows.is_empty() {
        return None;
    }
    // The axis spans the events (not the whole run), with margins.
    let (mut lo, mut hi) = (rows[0].stat.p05, rows[0].stat.p95);
    for r in &rows {
        lo = lo.min(r.stat.p05);
        hi = hi.max(r.stat.p95);
    }
    // More room on the right, where the notes go.
    let span = hi.days() - lo.days();
    let (lo, hi) = (Date::from_days(lo.days() - (span / 10).max(45)), Date::from_days(hi.days() + (span / 4).max(90)));
    Some(EventsChart {
        title: "When the key events happen".into(),
        subtitle,
        source: src.source_line(),
        legend,
        range: (lo, hi),
        rows,
    })
}

impl EventsChart {
    fn row_units(&self) -> f64 {
        self.rows.iter().map(|r| if r.group_start { 30.0 } else { 22.0 }).sum()
    }

    /// Row centres in axis units, top to bottom.
    fn centres(&self) -> Vec<f64> {
        let mut y = self.row_units();
        self.rows
            .iter()
            .map(|r| {
                y -= if r.group_start { 30.0 } else { 22.0 };
                y + 11.0
            })
            .collect()
    }
}

/// "13 Mar 1921 · in 80% of runs" (the share only when not every run has the event).
fn note(r: &Row) -> String {
    let s = &r.stat;
    if r.runs <= 1 || s.share >= 0.995 {
        s.median.long()
    } else {
        format!("{} · {}", s.median.long(), share_words(s.share, r.runs))
    }
}

impl Plot for EventsChart {
    fn name(&self) -> String {
        "events".into()
    }

    fn height(&self, _width: u32, height: u32, u: Units) -> u32 {
        let need = u.f(130.0 + 20.0 * (self.legend.len() as f64 / 2.0).ceil() + 40.0 + self.row_units());
        height.max(need.ceil() as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, u: Units) -> Result<(), ChartError> {
        let f = Frame { title: &self.title, subtitle: &self.subtitle, source: &self.source, legend: &self.legend };
        let area = frame(root, u, &f)?;
        let (aw, _) = area.dim_in_pixel();
        let label_style = u.font(12.0).color(&TEXT);
        let tick_style = u.font(11.0).color(&MUTED);
        let max_label = (aw as i32) / 4;
        let yl = self.rows.iter().map(|r| text_size(&area, &r.label, &label_style).0).max().unwrap_or(0).min(max_label)
            + u.i(12.0);
        let xl = text_size(&area, "1918", &tick_style).1 + u.i(10.0);
        let plot_w = (aw as i32 - yl - u.i(10.0)).max(10);
        let xaxis = DateAxis::new(self.range.0, self.range.1, (plot_w as f64 / u.f(62.0)) as usize);
        let total = self.row_units();
        let mut chart = ChartBuilder::on(&area)
            .margin_top(u.i(6.0))
            .margin_right(u.i(10.0))
            .x_label_area_size(xl)
            .y_label_area_size(yl)
            .build_cartesian_2d(xaxis.clone(), NumAxis::bare(0.0, total))
            .d()?;
        chart
            .configure_mesh()
            .x_labels(xaxis.ticks().len())
            .y_labels(0)
            .max_light_lines(0)
            .disable_y_mesh()
            .bold_line_style(GRID.stroke_width(u.u(1.0)))
            .axis_style(AXIS.stroke_width(u.u(1.0)))
            .set_all_tick_mark_size(u.i(3.0))
            .label_style(tick_style.clone())
            .draw()
            .d()?;
        let base = area.get_base_pixel();
        let px = |d: Date, y: f64| {
            let (a, b) = chart.backend_coord(&(d, y));
            (a - base.0, b - base.1)
        };
        let centres = self.centres();
        for (i, r) in self.rows.iter().enumerate().filter(|(_, r)| r.group_start) {
            let last =
                (i + 1..self.rows.len()).find(|j| self.rows[*j].group_start).map_or(self.rows.len() - 1, |j| j - 1);
            let py = px(self.range.0, (centres[i] + centres[last]) / 2.0).1;
            let l = fit(&area, &r.label, &label_style, max_label);
            text(&area, &l, (yl - u.i(10.0), py), &label_style, HPos::Right, VPos::Center)?;
            if i > 0 {
                let sep = px(self.range.0, centres[i] + 15.0).1;
                area.draw(&PathElement::new(vec![(0, sep), (aw as i32, sep)], GRID.stroke_width(u.u(1.0)))).d()?;
            }
        }
        let plot_right = px(self.range.1, 0.0).0;
        for (r, cy) in self.rows.iter().zip(centres) {
            let ((x0, py), (x1, _), (xm, _)) = (px(r.stat.p05, cy), px(r.stat.p95, cy), px(r.stat.median, cy));
            self.draw_row(&area, u, r, (x0, x1, xm, py), plot_right)?;
        }
        Ok(())
    }
}

impl EventsChart {
    /// One row: the bar of dates, the median dot and the note beside them.
    fn draw_row<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        u: Units,
        r: &Row,
        (x0, x1, xm, py): (i32, i32, i32, i32),
        plot_right: i32,
    ) -> Result<(), ChartError> {
        let note_style = u.font(10.0).color(&MUTED);
        let hh = u.i(4.0);
        if x1 > x0 {
            area.draw(&Rectangle::new([(x0, py - hh), (x1.max(x0 + 1), py + hh)], r.color.mix(0.35).filled())).d()?;
        }
        area.draw(&Circle::new((xm, py), u.i(4.5), r.color.filled())).d()?;
        area.draw(&Circle::new((xm, py), u.i(4.5), WHITE.stroke_width(u.u(1.0)))).d()?;
        let note = note(r);
        let tw = text_size(area, &note, &note_style).0;
        let right_end = x1.max(xm) + u.i(8.0);
        if right_end + tw <= plot_right {
            text(area, &note, (right_end, py), &note_style, HPos::Left, VPos::Center)
        } else {
            text(area, &note, (x0.min(xm) - u.i(8.0), py), &note_style, HPos::Right, VPos::Center)
        }
    }
}

#[cfg(test)]
mod charted {
    #[test]
    fn every_kind_the_charts_read_from_an_ensemble_is_kept_when_it_is_loaded() {
        for kind in super::KEY_EVENTS.iter().chain(&super::TIMELINE) {
            assert!(super::super::data::CHARTED_EVENTS.contains(kind), "{kind}");
        }
    }
}
