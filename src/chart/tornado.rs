//! The tornado chart of a sensitivity analysis: one row per coefficient, most important at the
//! top; the bar is Morris's μ* (the mean absolute change of the output across the prior), the
//! dot μ (the mean signed change), filled when the output rises with the coefficient.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::frame::{Frame, LegendItem, OrDraw, Plot, Swatch, fit, frame, render, text, text_size};
use super::style::{AXIS, GRID, MUTED, TEXT, Theme, Units};
use super::{ChartError, ChartOptions};
use std::path::{Path, PathBuf};

/// Most rows drawn (the rest are in sensitivity.md).
pub const MAX_ROWS: usize = 25;

struct Tornado {
    name: String,
    title: String,
    subtitle: String,
    /// (label, μ, μ*), most important first.
    bars: Vec<(String, f64, f64)>,
    legend: Vec<LegendItem>,
    theme: Theme,
}

/// Writes `dir/<name>.svg` (and `.png`): `bars` are (coefficient, μ, μ*), most important first.
pub fn tornado_chart(
    dir: &Path,
    opts: &ChartOptions,
    name: &str,
    (title, subtitle): (&str, &str),
    bars: &[(String, f64, f64)],
) -> Result<Vec<PathBuf>, ChartError> {
    super::register_fonts();
    let theme = opts.theme();
    let legend = vec![
        LegendItem::new("μ*: mean absolute change", Swatch::Square(theme.color(0))),
        LegendItem::new(
            "μ: mean change (filled: rises with the coefficient)",
            Swatch::Range { color: TEXT, alpha: 1.0 },
        ),
    ];
    let bars = bars.iter().take(MAX_ROWS).cloned().collect();
    let plot = Tornado { name: name.into(), title: title.into(), subtitle: subtitle.into(), bars, legend, theme };
    render(dir, opts, &plot)
}

const ROW: f64 = 20.0;

impl Plot for Tornado {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn height(&self, _width: u32, height: u32, u: Units) -> u32 {
        height.max(u.f(170.0 + ROW * self.bars.len() as f64).ceil() as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, u: Units) -> Result<(), ChartError> {
        let f =
            Frame { title: &self.title, subtitle: &self.subtitle, source: "revsim sensitivity", legend: &self.legend };
        let area = frame(root, u, &f)?;
        let (aw, _) = area.dim_in_pixel();
        let label_style = u.font(11.0).color(&TEXT);
        let label_w =
            self.bars.iter().map(|b| text_size(&area, &b.0, &label_style).0).max().unwrap_or(0).min(aw as i32 * 2 / 5);
        let lo = self.bars.iter().map(|b| b.1).fold(0.0f64, f64::min);
        let hi = self.bars.iter().flat_map(|b| [b.1, b.2]).fold(0.0f64, f64::max);
        let (lo, hi) = if hi - lo < 1e-12 { (-1.0, 1.0) } else { (lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)) };
        let n = self.bars.len() as f64;
        let mut chart = ChartBuilder::on(&area)
            .margin_top(u.i(8.0))
            .margin_right(u.i(16.0))
            .x_label_area_size(u.i(40.0))
            .y_label_area_size(label_w + u.i(12.0))
            .build_cartesian_2d(lo..hi, 0.0..n.max(1.0))
            .d()?;
        chart
            .configure_mesh()
            .y_labels(0)
            .disable_y_mesh()
            .max_light_lines(0)
            .bold_line_style(GRID.stroke_width(u.u(1.0)))
            .axis_style(AXIS.stroke_width(u.u(1.0)))
            .label_style(u.font(10.5).color(&MUTED))
            .axis_desc_style(u.font(11.0).color(&MUTED))
            .x_desc("change of the output across the coefficient's prior")
            .draw()
            .d()?;
        let color = self.theme.color(0);
        for (i, (label, mu, mu_star)) in self.bars.iter().enumerate() {
            let y = n - i as f64 - 0.5;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y - 0.32), (*mu_star, y + 0.32)],
                    color.mix(0.35).filled(),
                )))
                .d()?;
            let fill = if *mu > 0.0 { TEXT.filled() } else { WHITE.filled() };
            chart.draw_series(std::iter::once(Circle::new((*mu, y), u.i(3.5), fill))).d()?;
            chart.draw_series(std::iter::once(Circle::new((*mu, y), u.i(3.5), TEXT.stroke_width(u.u(1.2))))).d()?;
            let (_, py) = chart.backend_coord(&(0.0, y));
            let base = area.get_base_pixel();
            let shown = fit(&area, label, &label_style, label_w);
            text(&area, &shown, (label_w, py - base.1), &label_style, HPos::Right, VPos::Center)?;
        }
        Ok(())
    }
}
