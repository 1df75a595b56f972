//! The sweep table read back, and its charts: an outcome against one coefficient, the median
//! of the runs at each value with bands of 50% and 90% of the runs, and every run as a dot.
//!
//! Values are grouped by the coefficient's value when there are at most [`MAX_GROUPS`]
//! distinct values (a grid), otherwise into [`BINS`] bins of equal counts (a Latin hypercube),
//! placed at the mean value of their runs.

use super::TABLE;
use crate::chart::ChartOptions;
use crate::commands::CommandError;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

pub const MAX_GROUPS: usize = 12;
pub const BINS: usize = 10;

/// `sweep.csv` read whole.
#[derive(Clone, Debug)]
pub struct SweepTable {
    pub headers: Vec<String>,
    /// The swept coefficients, in column order.
    pub params: Vec<String>,
    pub rows: Vec<csv::StringRecord>,
}

impl SweepTable {
    pub fn col(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// A column as numbers (NaN where empty or not a number).
    pub fn numbers(&self, name: &str) -> Vec<f64> {
        let c = self.col(name);
        self.rows.iter().map(|r| c.and_then(|c| r.get(c)).and_then(|v| v.parse().ok()).unwrap_or(f64::NAN)).collect()
    }

    pub fn text(&self, row: usize, name: &str) -> &str {
        self.col(name).and_then(|c| self.rows[row].get(c)).unwrap_or("")
    }
}

/// Reads `DIR/sweep.csv`.
pub fn read_table(dir: &Path) -> Result<SweepTable, CommandError> {
    let path = dir.join(TABLE);
    let err = |e: csv::Error| CommandError::Input(format!("{}: {e}", path.display()));
    let mut reader = csv::Reader::from_path(&path).map_err(err)?;
    let headers: Vec<String> = reader.headers().map_err(err)?.iter().map(str::to_string).collect();
    let (Some(point), Some(status)) =
        (headers.iter().position(|h| h == "point"), headers.iter().position(|h| h == "status"))
    else {
        return Err(CommandError::Input(format!(
            "{}: not a sweep table (no `point` and `status` columns)",
            path.display()
        )));
    };
    let params = headers[point + 1..status.max(point + 1)].to_vec();
    let rows = reader.records().collect::<Result<Vec<_>, _>>().map_err(err)?;
    Ok(SweepTable { headers, params, rows })
}

/// One group of runs: the coefficient's value, and the outcome's 5/25/50/75/95% quantiles.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub x: f64,
    pub q: [f64; 5],
    pub n: usize,
}

/// The groups of (coefficient, outcome) pairs, in order of the coefficient.
pub fn groups(xs: &[f64], ys: &[f64]) -> Vec<Group> {
    let mut pairs: Vec<(f64, f64)> =
        xs.iter().zip(ys).map(|(x, y)| (*x, *y)).filter(|(x, y)| x.is_finite() && y.is_finite()).collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut distinct: Vec<f64> = pairs.iter().map(|p| p.0).collect();
    distinct.dedup();
    let chunks: Vec<Vec<(f64, f64)>> = if distinct.len() <= MAX_GROUPS {
        distinct.iter().map(|x| pairs.iter().filter(|p| p.0 == *x).copied().collect()).collect()
    } else {
        let n = pairs.len();
        (0..BINS).map(|b| pairs[b * n / BINS..(b + 1) * n / BINS].to_vec()).filter(|c| !c.is_empty()).collect()
    };
    chunks
        .into_iter()
        .map(|c| {
            let mut y: Vec<f64> = c.iter().map(|p| p.1).collect();
            y.sort_by(f64::total_cmp);
            let q = [0.05, 0.25, 0.5, 0.75, 0.95].map(|p| crate::stats::quantile(&y, p));
            Group { x: c.iter().map(|p| p.0).sum::<f64>() / c.len() as f64, q, n: c.len() }
        })
        .collect()
}

/// The outcomes a sweep folder charts: its manifest's list, else three key ones.
pub fn outcomes_of(dir: &Path) -> Vec<String> {
    let manifest: serde_json::Value = std::fs::read_to_string(dir.join("manifest.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    let listed: Vec<String> = manifest
        .get("outcomes")
        .and_then(|o| o.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    if listed.is_empty() { DEFAULT_OUTCOMES.iter().map(|s| s.to_string()).collect() } else { listed }
}

/// Outcomes charted when none are named.
pub const DEFAULT_OUTCOMES: [&str; 3] = ["soviet_democracy_index", "famine_deaths_cum", "uprisings_cum"];

/// The chart file's name (without extension) for an outcome against a coefficient.
pub fn chart_name(param: &str, outcome: &str) -> String {
    format!("sweep--{param}--{outcome}")
}

/// Draws every outcome against every coefficient into `DIR/charts/`; returns the files.
pub fn draw_charts(dir: &Path, opts: &ChartOptions) -> Result<Vec<PathBuf>, CommandError> {
    crate::chart::register_fonts();
    let table = read_table(dir)?;
    let charts = dir.join("charts");
    let mut out = Vec::new();
    for outcome in outcomes_of(dir) {
        let ys = table.numbers(&format!("final_{outcome}"));
        for param in &table.params {
            let xs = table.numbers(param);
            let plot = Plot { param, outcome: &outcome, groups: groups(&xs, &ys), xs: &xs, ys: &ys };
            let name = chart_name(param, &outcome);
            let mut svg = String::new();
            let (w, h) = (opts.width.div_ceil(2).max(400), opts.height.div_ceil(2).max(250));
            plot.draw(SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area()).map_err(CommandError::Chart)?;
            let path = charts.join(format!("{name}.svg"));
            output_file(&path, svg.as_bytes())?;
            out.push(path);
            if opts.png {
                let path = charts.join(format!("{name}.png"));
                let tmp = charts.join(format!(".{name}.tmp.png"));
                plot.draw(BitMapBackend::new(&tmp, (opts.width.max(400), opts.height.max(250))).into_drawing_area())
                    .map_err(CommandError::Chart)?;
                std::fs::rename(&tmp, &path).map_err(|e| CommandError::Chart(format!("{}: {e}", path.display())))?;
                out.push(path);
            }
        }
    }
    Ok(out)
}

fn output_file(path: &Path, bytes: &[u8]) -> Result<(), CommandError> {
    crate::output::write_atomic(path, bytes).map_err(|e| CommandError::Chart(e.to_string()))
}

struct Plot<'a> {
    param: &'a str,
    outcome: &'a str,
    groups: Vec<Group>,
    xs: &'a [f64],
    ys: &'a [f64],
}

/// An axis label: 2.4 M, 385 k, 0.25, 12 (in the unit of the axis's largest value, to the
/// precision its span needs).
fn tick(v: f64, (lo, hi): (f64, f64)) -> String {
    let span = hi - lo;
    let (div, suffix) = if lo.abs().max(hi.abs()) >= 1e6 {
        (1e6, " M")
    } else if lo.abs().max(hi.abs()) >= 1e4 {
        (1e3, " k")
    } else {
        (1.0, "")
    };
    let step = span / div / 10.0;
    let decimals = if step >= 1.0 { 0 } else { (-step.log10()).ceil() as usize };
    format!("{:.*}{suffix}", decimals.min(6), v / div)
}

const BLUE: RGBColor = RGBColor(0, 114, 178);
const GREY: RGBColor = RGBColor(90, 90, 90);

fn span(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) =
        values.filter(|v| v.is_finite()).fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let pad = if hi > lo { (hi - lo) * 0.05 } else { lo.abs().max(1.0) * 0.05 };
    (lo - pad, hi + pad)
}

impl Plot<'_> {
    fn draw<DB: DrawingBackend>(&self, root: DrawingArea<DB, plotters::coord::Shift>) -> Result<(), String> {
        let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        let s = f64::from(root.dim_in_pixel().0) / 800.0;
        let font = |size: f64| ("sans-serif", size * s).into_font();
        root.fill(&WHITE).map_err(e)?;
        let info = crate::chart::metric_info(self.outcome);
        let n: usize = self.groups.iter().map(|g| g.n).sum();
        let title = format!("{} at the end, against {}", info.label, self.param);
        let (x0, x1) = span(self.xs.iter().copied());
        let (y0, y1) = span(self.ys.iter().copied());
        let mut chart = ChartBuilder::on(&root)
            .caption(title, font(20.0).style(FontStyle::Bold))
            .margin((14.0 * s) as u32)
            .x_label_area_size((48.0 * s) as u32)
            .y_label_area_size((70.0 * s) as u32)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(e)?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(225, 225, 225))
            .x_label_formatter(&|v| tick(*v, (x0, x1)))
            .y_label_formatter(&|v| tick(*v, (y0, y1)))
            .x_desc(self.param)
            .y_desc(info.unit.as_str())
            .label_style(font(12.0))
            .axis_desc_style(font(13.0))
            .draw()
            .map_err(e)?;
        for (lo, hi, alpha) in [(0, 4, 0.12), (1, 3, 0.22)] {
            let mut band: Vec<(f64, f64)> = self.groups.iter().map(|g| (g.x, g.q[hi])).collect();
            band.extend(self.groups.iter().rev().map(|g| (g.x, g.q[lo])));
            chart.draw_series(std::iter::once(Polygon::new(band, BLUE.mix(alpha).filled()))).map_err(e)?;
        }
        let dots = self.xs.iter().zip(self.ys).filter(|(x, y)| x.is_finite() && y.is_finite());
        chart
            .draw_series(dots.map(|(x, y)| Circle::new((*x, *y), (2.0 * s) as i32, GREY.mix(0.45).filled())))
            .map_err(e)?;
        let median: Vec<(f64, f64)> = self.groups.iter().map(|g| (g.x, g.q[2])).collect();
        chart.draw_series(LineSeries::new(median.clone(), BLUE.stroke_width((2.5 * s) as u32))).map_err(e)?;
        chart.draw_series(median.iter().map(|p| Circle::new(*p, (3.5 * s) as i32, BLUE.filled()))).map_err(e)?;
        let note =
            format!("{n} runs · line: median at each value · shaded: middle 50% and 90% of runs · dots: single runs");
        root.draw_text(&note, &font(11.0).color(&GREY), (10, root.dim_in_pixel().1 as i32 - (16.0 * s) as i32))
            .map_err(e)?;
        root.present().map_err(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grid_groups_by_value_and_many_values_fall_into_bins() {
        let xs = [1.0, 1.0, 2.0, 2.0, 3.0, 3.0];
        let ys = [10.0, 20.0, 30.0, 40.0, 50.0, f64::NAN];
        let g = groups(&xs, &ys);
        assert_eq!(g.len(), 3);
        assert_eq!((g[0].x, g[0].q[2], g[0].n), (1.0, 15.0, 2));
        assert_eq!((g[2].x, g[2].q[2], g[2].n), (3.0, 50.0, 1));
        let xs: Vec<f64> = (0..100).map(f64::from).collect();
        let g = groups(&xs, &xs);
        assert_eq!(g.len(), BINS);
        assert!(g.windows(2).all(|w| w[0].x < w[1].x && w[0].q[2] < w[1].q[2]));
    }
}
