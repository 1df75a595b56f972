//! Key events: marks on the time charts, and a timeline chart of when they happen.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::{DateAxis, NumAxis};
use super::data::{EventStat, event_stats};
use super::date::Date;
use super::frame::{Frame, LegendItem, OrDraw, Plot, Swatch, fit, frame, text, text_size};
use super::series::Mark;
use super::style::{AXIS, GRID, MUTED, TEXT, Units, palette};
use super::{ChartError, Source};

/// The events marked on time charts: kind in `events.csv` and a short label.
pub const KEY_EVENTS: [(&str, &str); 4] = [
    ("treaty_signed", "Brest-Litovsk"),
    ("red_terror_declared", "Red Terror"),
    ("kronstadt_mutiny", "Kronstadt mutiny"),
    ("tax_in_kind_adopted", "Tax in kind"),
];

fn label_of(kind: &str) -> &str {
    KEY_EVENTS.iter().find(|k| k.0 == kind).map(|k| k.1).unwrap_or(kind)
}

fn kinds() -> Vec<&'static str> {
    KEY_EVENTS.iter().map(|k| k.0).collect()
}

/// The key events of a run (first occurrence) or an ensemble (median date, p05–p95 spread).
pub(crate) fn marks_for(src: &Source) -> Vec<Mark> {
    match src {
        Source::Run(r) => event_stats(&r.events, &kinds(), 1)
            .into_iter()
            .map(|s| Mark { label: label_of(&s.kind).to_string(), date: s.median, span: None })
            .collect(),
        Source::Ensemble(e) => event_stats(&e.events, &kinds(), e.n_runs())
            .into_iter()
            .map(|s| {
                let label = if s.share < 0.995 {
                    format!("{} ({:.0}%)", label_of(&s.kind), s.share * 100.0)
                } else {
                    label_of(&s.kind).to_string()
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

pub(crate) fn events_chart(src: &Source) -> Option<EventsChart> {
    let kinds = kinds();
    let mut rows = Vec::new();
    let mut legend = Vec::new();
    let subtitle;
    match src {
        Source::Run(r) => {
            for s in event_stats(&r.events, &kinds, 1) {
                rows.push(Row {
                    label: label_of(&s.kind).into(),
                    color: palette(0),
                    stat: s,
                    runs: 1,
                    group_start: true,
                });
            }
            subtitle = format!("{} · one run: date of first occurrence", r.manifest.title);
        }
        Source::Ensemble(e) => {
            let n = e.n_runs();
            for s in event_stats(&e.events, &kinds, n) {
                rows.push(Row {
                    label: label_of(&s.kind).into(),
                    color: palette(0),
                    stat: s,
                    runs: n,
                    group_start: true,
                });
            }
            subtitle = format!("{} · median date of first occurrence over {n} runs", e.manifest.title);
            legend.push(LegendItem::new(
                "Median date, bar: 90% of runs",
                Swatch::Range { color: palette(0), alpha: 0.35 },
            ));
        }
        Source::Comparison(c) => {
            let per: Vec<Vec<EventStat>> =
                c.scenarios.iter().map(|s| event_stats(&s.ensemble.events, &kinds, s.ensemble.n_runs())).collect();
            for kind in &kinds {
                let mut first = true;
                for (i, stats) in per.iter().enumerate() {
                    if let Some(s) = stats.iter().find(|s| s.kind == *kind) {
                        rows.push(Row {
                            label: if first { label_of(kind).into() } else { String::new() },
                            color: palette(i),
                            stat: s.clone(),
                            runs: c.scenarios[i].ensemble.n_runs(),
                            group_start: first,
                        });
                        first = false;
                    }
                }
            }
            for (i, s) in c.scenarios.iter().enumerate() {
                legend.push(LegendItem::new(s.title.clone(), Swatch::Range { color: palette(i), alpha: 0.35 }));
            }
            let runs = c.n_runs().map(|n| format!(" of {n} runs each")).unwrap_or_default();
            subtitle = format!("Median date of first occurrence{runs}; bars: 90% of runs");
        }
    }
    if rows.is_empty() {
        return None;
    }
    let (mut lo, mut hi) = src.date_range().unwrap_or((rows[0].stat.p05, rows[0].stat.p95));
    for r in &rows {
        lo = lo.min(r.stat.p05);
        hi = hi.max(r.stat.p95);
    }
    Some(EventsChart { title: "Key events".into(), subtitle, source: src.source_line(), legend, range: (lo, hi), rows })
}

impl EventsChart {
    fn row_units(&self) -> f64 {
        self.rows.iter().map(|r| if r.group_start { 30.0 } else { 22.0 }).sum()
    }
}

impl Plot for EventsChart {
    fn name(&self) -> String {
        "events".into()
    }

    fn height(&self, _width: u32, height: u32, u: Units) -> u32 {
        let need = u.f(110.0 + 18.0 * (self.legend.len() as f64 / 2.0).ceil() + 40.0 + self.row_units());
        height.max(need.ceil() as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, u: Units) -> Result<(), ChartError> {
        let f = Frame { title: &self.title, subtitle: &self.subtitle, source: &self.source, legend: &self.legend };
        let area = frame(root, u, &f)?;
        let (aw, ah) = area.dim_in_pixel();
        let label_style = u.font(12.0).color(&TEXT);
        let tick_style = u.font(11.0).color(&MUTED);
        let note_style = u.font(10.0).color(&MUTED);
        let max_label = (aw as i32) / 3;
        let yl = self.rows.iter().map(|r| text_size(&area, &r.label, &label_style).0).max().unwrap_or(0).min(max_label)
            + u.i(12.0);
        let xl = text_size(&area, "1918", &tick_style).1 + u.i(10.0);
        let plot_w = (aw as i32 - yl - u.i(10.0)).max(10);
        let xaxis = DateAxis::new(self.range.0, self.range.1, (plot_w as f64 / u.f(62.0)) as usize);
        // Rows as y positions: 0 at the bottom, the total at the top.
        let total = self.row_units();
        let yaxis = NumAxis::bare(0.0, total);
        let mut chart = ChartBuilder::on(&area)
            .margin_top(u.i(6.0))
            .margin_right(u.i(10.0))
            .x_label_area_size(xl)
            .y_label_area_size(yl)
            .build_cartesian_2d(xaxis.clone(), yaxis)
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
        let plot_right = chart.backend_coord(&(self.range.1, 0.0)).0 - base.0;
        let _ = ah;
        // Row centres, top to bottom, and the extent of each event's group of rows.
        let mut centres = Vec::with_capacity(self.rows.len());
        let mut y = total;
        for r in &self.rows {
            y -= if r.group_start { 30.0 } else { 22.0 };
            centres.push(y + 11.0);
        }
        let (aw, _) = area.dim_in_pixel();
        for (i, r) in self.rows.iter().enumerate() {
            if !r.group_start {
                continue;
            }
            let last =
                (i + 1..self.rows.len()).find(|j| self.rows[*j].group_start).map_or(self.rows.len() - 1, |j| j - 1);
            let mid = (centres[i] + centres[last]) / 2.0;
            let py = chart.backend_coord(&(self.range.0, mid)).1 - base.1;
            let l = fit(&area, &r.label, &label_style, max_label);
            text(&area, &l, (yl - u.i(10.0), py), &label_style, HPos::Right, VPos::Center)?;
            if i > 0 {
                let sep = chart.backend_coord(&(self.range.0, centres[i] + 15.0)).1 - base.1;
                area.draw(&PathElement::new(vec![(0, sep), (aw as i32, sep)], GRID.stroke_width(u.u(1.0)))).d()?;
            }
        }
        for (r, cy) in self.rows.iter().zip(centres) {
            let s = &r.stat;
            let (x0, py) = chart.backend_coord(&(s.p05, cy));
            let (x1, _) = chart.backend_coord(&(s.p95, cy));
            let (xm, _) = chart.backend_coord(&(s.median, cy));
            let (x0, x1, xm, py) = (x0 - base.0, x1 - base.0, xm - base.0, py - base.1);
            let hh = u.i(4.0);
            if x1 > x0 {
                area.draw(&Rectangle::new([(x0, py - hh), (x1.max(x0 + 1), py + hh)], r.color.mix(0.35).filled()))
                    .d()?;
            }
            area.draw(&Circle::new((xm, py), u.i(4.5), r.color.filled())).d()?;
            area.draw(&Circle::new((xm, py), u.i(4.5), WHITE.stroke_width(u.u(1.0)))).d()?;
            let note = if r.runs <= 1 {
                s.median.long()
            } else if s.share < 0.995 {
                format!("{} · {:.0}% of runs", s.median.month_year(), s.share * 100.0)
            } else {
                s.median.month_year()
            };
            let tw = text_size(&area, &note, &note_style).0;
            let right_end = x1.max(xm) + u.i(8.0);
            if right_end + tw <= plot_right {
                text(&area, &note, (right_end, py), &note_style, HPos::Left, VPos::Center)?;
            } else {
                text(&area, &note, (x0.min(xm) - u.i(8.0), py), &note_style, HPos::Right, VPos::Center)?;
            }
        }
        Ok(())
    }
}
