//! How runs end: the share of runs in each end state, per scenario, with Wilson intervals.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::ChartError;
use super::axis::NumAxis;
use super::data::RunRow;
use super::frame::{Frame, LegendItem, OrDraw, Plot, Swatch, fit, frame, note_below, text, text_size};
use super::labels::{END_STATES, end_state, readable};
use super::style::{AXIS, GRID, Kind, MUTED, TEXT, Theme, Units};

/// The 95% Wilson score interval of `k` successes in `n` trials.
pub fn wilson(k: usize, n: usize) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (k, n) = (k as f64, n as f64);
    let z = 1.959_963_984_540_054_f64;
    let p = k / n;
    let denom = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / denom;
    let half = z / denom * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// Share of runs per end state for one scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct EndStateShares {
    pub title: String,
    /// Runs with an end state.
    pub n: usize,
    /// (end state, runs, share, ci_low, ci_high), in the order of `states`.
    pub shares: Vec<(String, usize, f64, f64, f64)>,
}

/// Counts end states of `runs` (runs without one, i.e. failed, are left out) over `states`.
pub fn end_state_shares(title: &str, runs: &[RunRow], states: &[String]) -> EndStateShares {
    let done: Vec<&RunRow> = runs.iter().filter(|r| !r.end_state.is_empty()).collect();
    let n = done.len();
    let shares = states
        .iter()
        .map(|s| {
            let k = done.iter().filter(|r| &r.end_state == s).count();
            let (lo, hi) = wilson(k, n);
            (s.clone(), k, if n > 0 { k as f64 / n as f64 } else { 0.0 }, lo, hi)
        })
        .collect();
    EndStateShares { title: title.to_string(), n, shares }
}

/// The end states to show: the four of the interface, then any others found, in order.
pub fn states_of<'a>(runs: impl Iterator<Item = &'a RunRow>) -> Vec<String> {
    let mut states: Vec<String> = END_STATES.iter().map(|s| s.0.to_string()).collect();
    for r in runs {
        if !r.end_state.is_empty() && !states.contains(&r.end_state) {
            states.push(r.end_state.clone());
        }
    }
    states
}

fn state_label(s: &str) -> String {
    end_state(s).map(str::to_string).unwrap_or_else(|| readable(s))
}

/// The rules of the end states, in one paragraph for the chart's note.
pub(crate) fn rules_note() -> String {
    let rules: Vec<String> = END_STATES.iter().map(|(_, title, rule)| format!("{title}: {rule}.")).collect();
    format!("At the end of the run: {}", rules.join(" "))
}

pub(crate) struct EndStatesChart {
    pub subtitle: String,
    pub source: String,
    pub scenarios: Vec<EndStateShares>,
    pub theme: Theme,
}

impl Plot for EndStatesChart {
    fn name(&self) -> String {
        "end_states".into()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, u: Units) -> Result<(), ChartError> {
        let legend: Vec<LegendItem> = if self.scenarios.len() > 1 {
            self.scenarios
                .iter()
                .enumerate()
                .map(|(i, s)| LegendItem::new(s.title.clone(), Swatch::Square(self.theme.color(i))))
                .collect()
        } else {
            Vec::new()
        };
        let f = Frame { title: "How the runs end", subtitle: &self.subtitle, source: &self.source, legend: &legend };
        let area = frame(root, u, &f)?;
        // The rules of the end states, under the bars.
        let area = note_below(&area, u, &rules_note(), 4)?;
        let Some(first) = self.scenarios.first() else { return Ok(()) };
        let states: Vec<&String> = first.shares.iter().map(|s| &s.0).collect();
        let ncat = states.len();
        let nsc = self.scenarios.len();
        let top = self.scenarios.iter().flat_map(|s| s.shares.iter().map(|x| x.4)).fold(0.0, f64::max);
        let yaxis = NumAxis::for_data(0.0, (top * 1.08).min(1.0), Kind::Share, 5);
        let tick_style = u.font(11.0).color(&MUTED);
        let cat_style = u.font(12.0).color(&TEXT);
        let val_style = u.font(10.0).color(&TEXT);
        let desc_style = u.font(11.0).color(&MUTED);
        let label_w =
            yaxis.ticks().iter().map(|t| text_size(&area, &yaxis.label(*t), &tick_style).0).max().unwrap_or(0);
        let yl = label_w + u.i(8.0) + text_size(&area, "Ag", &desc_style).1 + u.i(8.0);
        let xl = text_size(&area, "Ag", &cat_style).1 * 2 + u.i(14.0);
        let mut chart = ChartBuilder::on(&area)
            .margin_top(u.i(14.0))
            .margin_right(u.i(10.0))
            .x_label_area_size(xl)
            .y_label_area_size(yl)
            .build_cartesian_2d(NumAxis::bare(0.0, ncat as f64), yaxis.clone())
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
            .label_style(tick_style.clone())
            .axis_desc_style(desc_style)
            .y_desc("share of runs")
            .draw()
            .d()?;
        let base = area.get_base_pixel();
        let px = |x: f64, y: f64| {
            let (a, b) = chart.backend_coord(&(x, y));
            (a - base.0, b - base.1)
        };
        let group_w = px(1.0, 0.0).0 - px(0.0, 0.0).0;
        let inner = 0.72;
        let bar = inner / nsc as f64;
        let bar_px = (f64::from(group_w) * bar) as i32;
        for (c, state) in states.iter().enumerate() {
            let (cx, cy) = px(c as f64 + 0.5, 0.0);
            let lines = super::frame::wrap(&area, &state_label(state), &cat_style, group_w - u.i(6.0), 2);
            for (i, l) in lines.iter().enumerate() {
                let y = cy + u.i(7.0) + i as i32 * u.i(15.0);
                text(&area, l, (cx, y), &cat_style, HPos::Center, VPos::Top)?;
            }
            for (s, sc) in self.scenarios.iter().enumerate() {
                let Some(&(_, _, share, lo, hi)) = sc.shares.get(c) else { continue };
                let color = self.theme.color(if nsc > 1 { s } else { 0 });
                let x0 = c as f64 + (1.0 - inner) / 2.0 + s as f64 * bar;
                let (l, b) = px(x0 + bar * 0.08, 0.0);
                let (r, t) = px(x0 + bar * 0.92, share);
                area.draw(&Rectangle::new([(l, t.min(b - 1)), (r, b)], color.mix(0.85).filled())).d()?;
                let xm = (l + r) / 2;
                let (_, ylo) = px(0.0, lo);
                let (_, yhi) = px(0.0, hi);
                let whisk = TEXT.stroke_width(u.u(1.2));
                let cap = (bar_px / 6).clamp(u.i(2.0), u.i(6.0));
                area.draw(&PathElement::new(vec![(xm, ylo), (xm, yhi)], whisk)).d()?;
                area.draw(&PathElement::new(vec![(xm - cap, yhi), (xm + cap, yhi)], whisk)).d()?;
                area.draw(&PathElement::new(vec![(xm - cap, ylo), (xm + cap, ylo)], whisk)).d()?;
                let v = super::events::percent(share, sc.n);
                if text_size(&area, &v, &val_style).0 <= bar_px + u.i(4.0) {
                    text(&area, &v, (xm, yhi - u.i(3.0)), &val_style, HPos::Center, VPos::Bottom)?;
                }
            }
        }
        if self.scenarios.iter().all(|s| s.n == 0) {
            let (cx, cy) = px(ncat as f64 / 2.0, yaxis.hi() / 2.0);
            let msg = fit(&area, "no run reached an end state", &cat_style, group_w * ncat as i32);
            text(&area, &msg, (cx, cy), &cat_style, HPos::Center, VPos::Center)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_known_values() {
        // 50 of 100: 0.404–0.596 (Wilson, z = 1.96).
        let (lo, hi) = wilson(50, 100);
        assert!((lo - 0.4038).abs() < 1e-3 && (hi - 0.5962).abs() < 1e-3, "{lo} {hi}");
        // 0 of 20: the upper bound stays above zero.
        let (lo, hi) = wilson(0, 20);
        assert_eq!(lo, 0.0);
        assert!((hi - 0.1611).abs() < 1e-3, "{hi}");
        assert_eq!(wilson(0, 0), (0.0, 1.0));
    }
}
