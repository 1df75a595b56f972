//! History targets against the model: per target, the historical range and central estimate
//! above the model's 90% range and median, coloured by verdict. Each row has its own scale,
//! since targets are in different units.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::ChartError;
use super::axis::NumAxis;
use super::data::{HistoryRow, Manifest};
use super::frame::{Frame, LegendItem, OrDraw, Plot, Swatch, fit, frame, text, text_size};
use super::style::{GRID, Kind, MUTED, TEXT, Units, metric_info};

const MET: RGBColor = RGBColor(0x00, 0x9E, 0x73);
const CLOSE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
const MISSED: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
const HIST: RGBColor = RGBColor(0x9a, 0x9a, 0x9a);

pub(crate) fn verdict_color(v: &str) -> RGBColor {
    match v {
        "met" => MET,
        "close" => CLOSE,
        "missed" => MISSED,
        _ => MUTED,
    }
}

pub(crate) struct HistoryChart {
    pub subtitle: String,
    pub source: String,
    pub rows: Vec<HistoryRow>,
}

pub(crate) fn history_chart(rows: &[HistoryRow], manifest: &Manifest) -> HistoryChart {
    let met = rows.iter().filter(|r| r.verdict == "met").count();
    let close = rows.iter().filter(|r| r.verdict == "close").count();
    let who = if manifest.title.is_empty() { String::new() } else { format!("{}: ", manifest.title) };
    HistoryChart {
        subtitle: format!("{who}{met} of {} targets met, {close} close", rows.len()),
        source: manifest.source_line(None, false),
        rows: rows.to_vec(),
    }
}

const ROW: f64 = 50.0;

impl Plot for HistoryChart {
    fn name(&self) -> String {
        "history".into()
    }

    fn height(&self, _width: u32, height: u32, u: Units) -> u32 {
        let need = u.f(150.0 + ROW * self.rows.len() as f64);
        height.max(need.ceil() as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, u: Units) -> Result<(), ChartError> {
        let legend = vec![
            LegendItem::new("History: range, | central", Swatch::Band { color: HIST, alpha: 0.8 }),
            LegendItem::new("Model: 90% of runs, ● median", Swatch::Range { color: MUTED, alpha: 0.45 }),
            LegendItem::new("met", Swatch::Square(MET)),
            LegendItem::new("close", Swatch::Square(CLOSE)),
            LegendItem::new("missed", Swatch::Square(MISSED)),
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
        let max_label = aw * 2 / 5;
        let label_w = self
            .rows
            .iter()
            .flat_map(|r| [text_size(&area, &r.target, &name_style).0, text_size(&area, &row_sub(r), &sub_style).0])
            .max()
            .unwrap_or(0)
            .min(max_label);
        let verdict_w =
            ["missed", "close", "met"].iter().map(|v| text_size(&area, v, &verdict_style).0).max().unwrap_or(0);
        let x0 = label_w + u.i(24.0);
        let x1 = aw - verdict_w - u.i(24.0);
        let n = self.rows.len().max(1) as i32;
        let row_h = (ah / n).min(u.i(ROW * 1.3));
        for (i, r) in self.rows.iter().enumerate() {
            let top = i as i32 * row_h;
            if i > 0 {
                area.draw(&PathElement::new(vec![(0, top), (aw, top)], GRID.stroke_width(u.u(1.0)))).d()?;
            }
            let mid = top + row_h / 2;
            let name = fit(&area, &r.target, &name_style, label_w);
            text(&area, &name, (0, mid - u.i(1.0)), &name_style, HPos::Left, VPos::Bottom)?;
            let sub = fit(&area, &row_sub(r), &sub_style, label_w);
            text(&area, &sub, (0, mid + u.i(2.0)), &sub_style, HPos::Left, VPos::Top)?;
            let color = verdict_color(&r.verdict);
            let verdict = if r.verdict.is_empty() { "–" } else { r.verdict.as_str() };
            text(&area, verdict, (aw, mid), &verdict_style.color(&color), HPos::Right, VPos::Center)?;
            self.row_plot(&area, u, r, (x0, x1), top, row_h, color)?;
        }
        Ok(())
    }
}

fn row_sub(r: &HistoryRow) -> String {
    let metric = if r.metric.is_empty() { String::new() } else { metric_info(&r.metric).label };
    match (metric.is_empty(), r.date) {
        (false, Some(d)) => format!("{metric} · {}", d.long()),
        (false, None) => metric,
        (true, Some(d)) => d.long(),
        (true, None) => String::new(),
    }
}

impl HistoryChart {
    #[allow(clippy::too_many_arguments)]
    fn row_plot<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        u: Units,
        r: &HistoryRow,
        (x0, x1): (i32, i32),
        top: i32,
        row_h: i32,
        color: RGBColor,
    ) -> Result<(), ChartError> {
        let kind = if r.metric.is_empty() { Kind::Number } else { metric_info(&r.metric).kind };
        let vals: Vec<f64> = [r.low, r.central, r.high, r.model_p05, r.model_median, r.model_p95]
            .into_iter()
            .filter(|v| v.is_finite())
            .collect();
        let tick_style = u.font(9.5).color(&MUTED);
        if vals.is_empty() {
            text(area, "no data", ((x0 + x1) / 2, top + row_h / 2), &tick_style, HPos::Center, VPos::Center)?;
            return Ok(());
        }
        let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let pad = if hi > lo { (hi - lo) * 0.08 } else { (hi.abs() * 0.1).max(1e-9) };
        let axis = NumAxis::exact(lo - pad, hi + pad, kind, 4);
        let px = |v: f64| axis.pixel(v, (x0, x1));
        let s = f64::from(row_h) / u.f(ROW);
        let y_hist = top + (f64::from(u.i(13.0)) * s) as i32;
        let y_model = top + (f64::from(u.i(25.0)) * s) as i32;
        let y_ticks = top + (f64::from(u.i(34.0)) * s) as i32;
        let hh = u.i(3.5);
        for t in axis.ticks() {
            let x = px(*t);
            area.draw(&PathElement::new(
                vec![(x, y_hist - u.i(7.0)), (x, y_model + u.i(6.0))],
                GRID.stroke_width(u.u(1.0)),
            ))
            .d()?;
            let label =
                if r.dates { super::date::Date::from_days(t.round() as i32).month_year() } else { axis.label(*t) };
            text(area, &label, (x, y_ticks), &tick_style, HPos::Center, VPos::Top)?;
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
        if r.model_p05.is_finite() && r.model_p95.is_finite() {
            let (a, b) = (px(r.model_p05), px(r.model_p95));
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
