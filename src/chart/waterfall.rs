//! Waterfall chart of an attribution (`revsim attribute`): the base's value, one floating bar
//! per factor from where the previous one ended (its Shapley value, with its 95% interval as a
//! whisker at its end), and the value with all factors applied.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::ChartError;
use super::axis::NumAxis;
use super::frame::{Frame, LegendItem, OrDraw, Plot, Swatch, frame, hline, text, text_size, wrap};
use super::labels::metric_info;
use super::style::{AXIS, Dash, GRID, Kind, MUTED, TEXT, Theme, Units};

/// `v` with three significant digits, "−" for minus, and "+" when `signed` and positive.
pub fn sig(v: f64, signed: bool) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let magnitude = if v == 0.0 { 0 } else { v.abs().log10().floor() as i32 };
    let decimals = (2 - magnitude).clamp(0, 6) as usize;
    let text = format!("{:.*}", decimals, v);
    let text = if text.trim_start_matches('-').chars().all(|c| c == '0' || c == '.') { "0".to_string() } else { text };
    let plus = if signed && v > 0.0 && text != "0" { "+" } else { "" };
    match text.strip_prefix('-') {
        Some(rest) => format!("−{rest}"),
        None => format!("{plus}{text}"),
    }
}

/// What a waterfall shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Waterfall {
    /// File name without extension.
    pub name: String,
    pub title: String,
    pub subtitle: String,
    pub metric: String,
    pub baseline: f64,
    pub all: f64,
    /// (factor, Shapley value, low, high), in the order drawn.
    pub bars: Vec<(String, f64, f64, f64)>,
    pub source: String,
}

impl Waterfall {
    /// Where each factor's bar starts: the base plus the factors before it.
    fn starts(&self) -> Vec<f64> {
        let mut at = self.baseline;
        self.bars
            .iter()
            .map(|b| {
                let start = at;
                at += b.1;
                start
            })
            .collect()
    }

    /// The axis: every bar end and whisker, down to zero when the values are all positive
    /// and zero is not far below them.
    fn axis(&self, kind: Kind) -> NumAxis {
        let mut values = vec![self.baseline, self.all];
        for (s, b) in self.starts().iter().zip(&self.bars) {
            values.extend([*s, s + b.1, s + b.2, s + b.3].into_iter().filter(|v| v.is_finite()));
        }
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let lo = if lo > 0.0 && lo < 0.5 * hi { 0.0 } else { lo };
        let pad = 0.06 * (hi - lo).max(1e-9);
        let lo = if lo == 0.0 { 0.0 } else { lo - pad };
        NumAxis::for_data(lo, hi + pad, kind, 6)
    }
}

fn axis_title(info: &super::labels::MetricInfo) -> String {
    if info.unit.is_empty() { info.short.clone() } else { format!("{} ({})", info.short, info.unit) }
}

/// A vertical interval at `x` from `y0` to `y1`, with caps `cap` wide on each side.
fn whisker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    u: Units,
    (x, y0, y1): (i32, i32, i32),
    cap: i32,
) -> Result<(), ChartError> {
    let style = TEXT.stroke_width(u.u(1.2));
    area.draw(&PathElement::new(vec![(x, y0), (x, y1)], style)).d()?;
    for y in [y0, y1] {
        area.draw(&PathElement::new(vec![(x - cap, y), (x + cap, y)], style)).d()?;
    }
    Ok(())
}

pub(crate) struct WaterfallChart<'a> {
    pub w: &'a Waterfall,
    pub theme: Theme,
}

impl Plot for WaterfallChart<'_> {
    fn name(&self) -> String {
        self.w.name.clone()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, u: Units) -> Result<(), ChartError> {
        let w = self.w;
        let (up, down) = (self.theme.good(), self.theme.bad());
        let legend = [
            LegendItem::new("raises the value", Swatch::Square(up)),
            LegendItem::new("lowers it", Swatch::Square(down)),
            LegendItem::new("95% interval", Swatch::Whisker),
        ];
        let f = Frame { title: &w.title, subtitle: &w.subtitle, source: &w.source, legend: &legend };
        let area = frame(root, u, &f)?;
        let info = metric_info(&w.metric);
        let yaxis = w.axis(info.kind);
        let tick_style = u.font(11.0).color(&MUTED);
        let cat_style = u.font(11.0).color(&TEXT);
        let val_style = u.font(10.0).color(&TEXT);
        let desc_style = u.font(11.0).color(&MUTED);
        let label_w =
            yaxis.ticks().iter().map(|t| text_size(&area, &yaxis.label(*t), &tick_style).0).max().unwrap_or(0);
        let yl = label_w + u.i(8.0) + text_size(&area, "Ag", &desc_style).1 + u.i(8.0);
        let xl = text_size(&area, "Ag", &cat_style).1 * 3 + u.i(16.0);
        let n = w.bars.len() + 2;
        let mut chart = ChartBuilder::on(&area)
            .margin_top(u.i(14.0))
            .margin_right(u.i(10.0))
            .x_label_area_size(xl)
            .y_label_area_size(yl)
            .build_cartesian_2d(NumAxis::bare(0.0, n as f64), yaxis.clone())
            .d()?;
        chart
            .configure_mesh()
            .x_labels(0)
            .y_labels(yaxis.ticks().len())
            .disable_x_mesh()
            .max_light_lines(0)
            .bold_line_style(GRID.stroke_width(u.u(1.0)))
            .axis_style(AXIS.stroke_width(u.u(1.0)))
            .set_all_tick_mark_size(u.i(3.0))
            .label_style(tick_style)
            .axis_desc_style(desc_style)
            .y_desc(axis_title(&info))
            .draw()
            .d()?;
        let base = area.get_base_pixel();
        let px = |x: f64, y: f64| {
            let (a, b) = chart.backend_coord(&(x, y.clamp(yaxis.lo(), yaxis.hi())));
            (a - base.0, b - base.1)
        };
        let slot_w = px(1.0, 0.0).0 - px(0.0, 0.0).0;
        let bar = |c: usize, from: f64, to: f64, color: RGBColor| -> Result<(i32, i32), ChartError> {
            let (l, b) = px(c as f64 + 0.18, from);
            let (r, t) = px(c as f64 + 0.82, to);
            let (top, bottom) = (t.min(b), t.max(b).max(t.min(b) + 1));
            area.draw(&Rectangle::new([(l, top), (r, bottom)], color.mix(0.85).filled())).d()?;
            Ok((l, r))
        };
        let label = |c: usize, name: &str| -> Result<(), ChartError> {
            let (cx, cy) = px(c as f64 + 0.5, yaxis.lo());
            let name = name.replace('_', " ");
            for (i, l) in wrap(&area, &name, &cat_style, slot_w - u.i(4.0), 3).iter().enumerate() {
                text(&area, l, (cx, cy + u.i(6.0) + i as i32 * u.i(14.0)), &cat_style, HPos::Center, VPos::Top)?;
            }
            Ok(())
        };
        let value = |c: usize, y: f64, s: String| -> Result<(), ChartError> {
            let (cx, cy) = px(c as f64 + 0.5, y);
            text(&area, &s, (cx, cy - u.i(3.0)), &val_style, HPos::Center, VPos::Bottom)
        };
        let shown =
            |v: f64| if info.kind == Kind::Share { format!("{}%", sig(100.0 * v, false)) } else { sig(v, false) };
        let points = |v: f64| format!("{} pts", sig(100.0 * v, true));
        let low = yaxis.lo().max(0.0).min(yaxis.hi());
        let neutral = MUTED;
        bar(0, low, w.baseline, neutral)?;
        label(0, "base")?;
        value(0, w.baseline, shown(w.baseline))?;
        for (c, (start, b)) in w.starts().into_iter().zip(&w.bars).enumerate() {
            let c = c + 1;
            let end = start + b.1;
            let (x0, x1) = (px(c as f64 - 0.18, start).0, px(c as f64 + 0.18, start).0);
            hline(&area, u, (x0, x1, px(0.0, start).1), AXIS, Dash::Dashed, 1.0)?;
            bar(c, start, end, if b.1 >= 0.0 { up } else { down })?;
            if b.2.is_finite() && b.3.is_finite() {
                let (xm, ylo) = px(c as f64 + 0.5, start + b.2);
                whisker(&area, u, (xm, ylo, px(0.0, start + b.3).1), (slot_w / 12).clamp(u.i(2.0), u.i(6.0)))?;
            }
            let top = [start, end, start + b.3].into_iter().filter(|v| v.is_finite()).fold(f64::MIN, f64::max);
            value(c, top, if info.kind == Kind::Share { points(b.1) } else { sig(b.1, true) })?;
            label(c, &b.0)?;
        }
        let last = n - 1;
        let end = w.baseline + w.bars.iter().map(|b| b.1).sum::<f64>();
        let (x0, x1) = (px(last as f64 - 0.18, end).0, px(last as f64 + 0.18, end).0);
        hline(&area, u, (x0, x1, px(0.0, end).1), AXIS, Dash::Dashed, 1.0)?;
        bar(last, low, w.all, neutral)?;
        label(last, "all factors")?;
        value(last, w.all, shown(w.all))?;
        Ok(())
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_words_keep_three_significant_digits() {
        assert_eq!(sig(0.123456, true), "+0.123");
        assert_eq!(sig(-12345.6, false), "−12346");
        assert_eq!(sig(0.0, true), "0");
        assert_eq!(sig(-0.0004, true), "−0.000400");
        assert_eq!(sig(f64::NAN, false), "–");
    }
}
