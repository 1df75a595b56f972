//! History targets against the model: per target, the historians' range and central estimate
//! (and, outlined, the range widened by the tolerance) above the model's middle 90% of runs and
//! median, with the strict verdict (median inside the historians' own range) first and the
//! tolerant one beside it. Each row has its own scale, since targets are in different units.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::ChartError;
use super::axis::NumAxis;
use super::data::{HistoryRow, Manifest};
use super::date::Date;
use super::events::percent;
use super::frame::{Frame, LegendItem, OrDraw, Plot, Swatch, fit, frame, text, text_size};
use super::labels::{self, metric_info};
use super::style::{GRID, Kind, MUTED, TEXT, Theme, Units};

const HIST: RGBColor = RGBColor(0x9a, 0x9a, 0x9a);

/// The tolerance of the tolerant verdict: the range widened by this share of the central value
/// (of the window's length for event dates).
const TOLERANCE: f64 = 0.25;

pub(crate) struct HistoryChart {
    pub subtitle: String,
    pub source: String,
    pub rows: Vec<HistoryRow>,
    pub theme: Theme,
    /// Runs in the ensemble, for rounding shares.
    pub runs: usize,
}

pub(crate) fn history_chart(rows: &[HistoryRow], manifest: &Manifest, theme: Theme) -> HistoryChart {
    let inside = rows.iter().filter(|r| r.is_inside()).count();
    let met = rows.iter().filter(|r| r.verdict == "met").count();
    let who = if manifest.title.is_empty() { String::new() } else { format!("{}: ", manifest.title) };
    HistoryChart {
        subtitle: format!(
            "{who}{inside} of {} targets inside the historians' own ranges (the median; for an event's date, \
             at least 90% of runs in the window) · with the range widened by 25% of the central value, {met} met",
            rows.len()
        ),
        source: manifest.source_line(None, false),
        rows: rows.to_vec(),
        theme,
        runs: manifest.runs.unwrap_or(0),
    }
}

const ROW: f64 = 50.0;

/// The row's title in words: the target's title, else its metric and date.
fn row_title(r: &HistoryRow) -> String {
    if let Some(t) = labels::target(&r.target) {
        return t.to_string();
    }
    let what = labels::any(labels::target_metric(&r.metric));
    match r.date {
        Some(d) => format!("{what}, {}", d.long()),
        None => what,
    }
}

/// The unit and the date or window of a row: "million poods · 1 Aug 1918 – 31 Jul 1919"; for
/// an event's date, the share of runs in which it never happens.
fn row_sub(r: &HistoryRow, runs: usize) -> String {
    let unit = if r.dates { String::new() } else { metric_info(labels::target_metric(&r.metric)).unit };
    let when = match (r.window, r.date) {
        (Some((a, b)), _) if r.dates => format!("{} – {}", a.month_year(), b.month_year()),
        (Some((a, b)), _) => format!("{} – {}", a.long(), b.long()),
        (None, Some(d)) => d.long(),
        (None, None) => String::new(),
    };
    // An event's date: the share of runs in the window decides; say it, and how many never.
    let never = match (r.dates, r.runs_inside.is_finite(), r.runs_with_event.is_finite()) {
        (true, true, true) => format!(
            "{} of runs inside, {} never",
            percent(r.runs_inside, runs.max(1)),
            percent(1.0 - r.runs_with_event, runs.max(1))
        ),
        _ => String::new(),
    };
    [unit, when, never].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · ")
}

impl Plot for HistoryChart {
    fn name(&self) -> String {
        "history".into()
    }

    fn height(&self, _width: u32, height: u32, u: Units) -> u32 {
        let need = u.f(170.0 + ROW * self.rows.len() as f64);
        height.max(need.ceil() as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, u: Units) -> Result<(), ChartError> {
        let t = self.theme;
        let legend = vec![
            LegendItem::new("Historians' range, | central estimate", Swatch::Band { color: HIST, alpha: 0.8 }),
            LegendItem::new("Range widened by the tolerance", Swatch::Outline(HIST)),
            LegendItem::new("Model: middle 90% of runs, ● median", Swatch::Range { color: MUTED, alpha: 0.45 }),
            LegendItem::new("inside", Swatch::Square(t.good())),
            LegendItem::new("outside", Swatch::Square(t.bad())),
        ];
        let f = Frame {
            title: "The model against history",
            subtitle: &self.subtitle,
            source: &self.source,
            legend: &legend,
        };
        let area = frame(root, u, &f)?;
        let (aw, ah) = area.dim_in_pixel();
        let (aw, ah) = (aw as i32, ah as i32);
        let name_style = u.bold(11.5);
        let sub_style = u.font(10.0).color(&MUTED);
        let verdict_style = u.bold(11.0);
        let label_w = self
            .rows
            .iter()
            .flat_map(|r| {
                [text_size(&area, &row_title(r), &name_style).0, text_size(&area, &row_sub(r, self.runs), &sub_style).0]
            })
            .max()
            .unwrap_or(0)
            .min(aw * 2 / 5);
        let verdict_w = ["outside", "tolerant: missed"]
            .iter()
            .map(|v| text_size(&area, v, &verdict_style).0.max(text_size(&area, v, &sub_style).0))
            .max()
            .unwrap_or(0);
        let (x0, x1) = (label_w + u.i(24.0), aw - verdict_w - u.i(24.0));
        let row_h = (ah / self.rows.len().max(1) as i32).min(u.i(ROW * 1.3));
        for (i, r) in self.rows.iter().enumerate() {
            let top = i as i32 * row_h;
            if i > 0 {
                area.draw(&PathElement::new(vec![(0, top), (aw, top)], GRID.stroke_width(u.u(1.0)))).d()?;
            }
            let mid = top + row_h / 2;
            text(
                &area,
                &fit(&area, &row_title(r), &name_style, label_w),
                (0, mid - u.i(1.0)),
                &name_style,
                HPos::Left,
                VPos::Bottom,
            )?;
            text(
                &area,
                &fit(&area, &row_sub(r, self.runs), &sub_style, label_w),
                (0, mid + u.i(2.0)),
                &sub_style,
                HPos::Left,
                VPos::Top,
            )?;
            let color = if r.is_inside() { t.good() } else { t.bad() };
            let verdict = if r.is_inside() { "inside" } else { "outside" };
            text(&area, verdict, (aw, mid - u.i(1.0)), &verdict_style.color(&color), HPos::Right, VPos::Bottom)?;
            if !r.verdict.is_empty() {
                text(
                    &area,
                    &format!("tolerant: {}", r.verdict),
                    (aw, mid + u.i(2.0)),
                    &sub_style,
                    HPos::Right,
                    VPos::Top,
                )?;
            }
            self.row_plot(&area, u, r, (x0, x1, top, row_h), color)?;
        }
        Ok(())
    }
}

/// The widened range of the tolerant verdict.
fn widened(r: &HistoryRow) -> (f64, f64) {
    let w = if r.dates { (r.high - r.low) * TOLERANCE } else { r.central.abs() * TOLERANCE };
    (r.low - w, r.high + w)
}

impl HistoryChart {
    /// The row's axis; its pixel mapping; and the model's upper end (the axis end when the
    /// event never happens in the top 5% of runs).
    fn row_axis(r: &HistoryRow) -> Option<NumAxis> {
        let (wl, wh) = widened(r);
        let vals: Vec<f64> = [r.low, r.central, r.high, r.model_p05, r.model_median, r.model_p95, wl, wh]
            .into_iter()
            .filter(|v| v.is_finite())
            .collect();
        if vals.is_empty() {
            return None;
        }
        let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let pad = if hi > lo { (hi - lo) * 0.08 } else { (hi.abs() * 0.1).max(1e-9) };
        let kind = if r.dates { Kind::Number } else { metric_info(labels::target_metric(&r.metric)).kind };
        Some(NumAxis::exact(lo - pad, hi + pad, kind, 4))
    }

    fn row_plot<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        u: Units,
        r: &HistoryRow,
        (x0, x1, top, row_h): (i32, i32, i32, i32),
        color: RGBColor,
    ) -> Result<(), ChartError> {
        let tick_style = u.font(9.5).color(&MUTED);
        let Some(axis) = Self::row_axis(r) else {
            return text(area, "no data", ((x0 + x1) / 2, top + row_h / 2), &tick_style, HPos::Center, VPos::Center);
        };
        let px = |v: f64| axis.pixel(v, (x0, x1));
        let s = f64::from(row_h) / u.f(ROW);
        let y_hist = top + (f64::from(u.i(13.0)) * s) as i32;
        let y_model = top + (f64::from(u.i(25.0)) * s) as i32;
        let y_ticks = top + (f64::from(u.i(34.0)) * s) as i32;
        let hh = u.i(3.5);
        let mut last_right = i32::MIN;
        for t in axis.ticks() {
            let x = px(*t);
            let line = vec![(x, y_hist - u.i(7.0)), (x, y_model + u.i(6.0))];
            area.draw(&PathElement::new(line, GRID.stroke_width(u.u(1.0)))).d()?;
            let label = if r.dates { Date::from_days(t.round() as i32).month_year() } else { axis.label(*t) };
            let w = text_size(area, &label, &tick_style).0;
            if x - w / 2 > last_right + u.i(6.0) {
                text(area, &label, (x, y_ticks), &tick_style, HPos::Center, VPos::Top)?;
                last_right = x + w / 2;
            }
        }
        let (wl, wh) = widened(r);
        if wl.is_finite() && wh.is_finite() {
            let rect = Rectangle::new(
                [(px(wl), y_hist - hh - u.i(2.0)), (px(wh), y_hist + hh + u.i(2.0))],
                HIST.stroke_width(u.u(1.0)),
            );
            area.draw(&rect).d()?;
        }
        if r.low.is_finite() && r.high.is_finite() {
            let (a, b) = (px(r.low), px(r.high));
            area.draw(&Rectangle::new([(a, y_hist - hh), (b.max(a + u.i(2.0)), y_hist + hh)], HIST.mix(0.8).filled()))
                .d()?;
        }
        if r.central.is_finite() {
            let x = px(r.central);
            area.draw(&PathElement::new(
                vec![(x, y_hist - u.i(7.0)), (x, y_hist + u.i(7.0))],
                TEXT.stroke_width(u.u(2.2)),
            ))
            .d()?;
        }
        self.model_marks(area, u, r, (px(axis.hi()), y_model), &px, color)
    }

    /// The model's band and median; for an event's date, the runs in which it never happens.
    fn model_marks<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        u: Units,
        r: &HistoryRow,
        (x_end, y_model): (i32, i32),
        px: &dyn Fn(f64) -> i32,
        color: RGBColor,
    ) -> Result<(), ChartError> {
        let hh = u.i(3.5);
        let never = r.dates && r.runs_with_event.is_finite() && r.runs_with_event < 0.995;
        // Runs without the event lie beyond every date: the band runs to the axis end.
        let p95 = if never && !r.model_p95.is_finite() {
            Some(x_end)
        } else {
            r.model_p95.is_finite().then(|| px(r.model_p95))
        };
        if let (true, Some(b)) = (r.model_p05.is_finite(), p95) {
            let a = px(r.model_p05);
            area.draw(&Rectangle::new(
                [(a, y_model - hh), (b.max(a + u.i(2.0)), y_model + hh)],
                color.mix(0.45).filled(),
            ))
            .d()?;
        }
        if r.model_median.is_finite() {
            let x = px(r.model_median);
            area.draw(&Circle::new((x, y_model), u.i(4.5), color.filled())).d()?;
            area.draw(&Circle::new((x, y_model), u.i(4.5), WHITE.stroke_width(u.u(1.0)))).d()?;
        }
        Ok(())
    }
}
