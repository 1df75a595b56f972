//! A comparison's headline chart: how the runs turn out in each scenario (how the Kronstadt
//! rising ends, how the runs end, whether a key event happens), as stacked shares of runs with
//! the 95% interval of the share that moved most, and a caption in words.
//!
//! The outcomes shown are chosen from the comparison's own effects (`comparison.csv`, the
//! `share:` statistics): those whose difference lies furthest beyond its interval come first.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::data::{ComparisonData, Effect, RunRow};
use super::endstates::wilson;
use super::events::percent;
use super::frame::{Frame, LegendItem, OrDraw, Plot, Swatch, fit, frame, legend, note_below, text, text_size};
use super::labels;
use super::style::{GRID, MUTED, TEXT, Theme, Units};
use super::{ChartError, Source};

/// One category of an outcome: its key, label, the subject of the caption's sentence and the
/// `comparison.csv` statistic that measures its share (if any).
struct Category {
    key: &'static str,
    sentence: &'static str,
    effect: (&'static str, &'static str),
}

/// An outcome: categories that add up to all runs.
struct Outcome {
    title: &'static str,
    /// The outcome in a list: "how the runs end".
    noun: &'static str,
    categories: &'static [Category],
    of_run: fn(&RunRow) -> &str,
}

const fn cat(key: &'static str, sentence: &'static str, metric: &'static str, stat: &'static str) -> Category {
    Category { key, sentence, effect: (metric, stat) }
}

const KRONSTADT: &[Category] = &[
    cat("holds", "The fortress holds", "events", "share:kronstadt_holds"),
    cat("suppressed", "The rising is stormed", "events", "share:kronstadt_suppressed"),
    cat("negotiated", "The government negotiates", "events", "share:kronstadt_negotiated"),
    cat("mutiny", "The rising is unresolved at the end", "", ""),
    cat("none", "There is no rising", "", ""),
];

const END_STATES: &[Category] = &[
    cat("soviet_democracy", "Runs end in a soviet democracy", "end_state", "share:soviet_democracy"),
    cat("one_party_state", "Runs end in a one-party state", "end_state", "share:one_party_state"),
    cat("white_victory", "Runs end in a White victory", "end_state", "share:white_victory"),
    cat("fragmentation", "Runs end in fragmentation", "end_state", "share:fragmentation"),
];

const TAX: &[Category] = &[
    cat("tax_in_kind_adopted", "The tax in kind is adopted", "events", "share:tax_in_kind_adopted"),
    cat("", "No tax in kind is adopted", "", ""),
];

const TREATY: &[Category] = &[
    cat("treaty_signed", "Brest-Litovsk is signed", "events", "share:treaty_signed"),
    cat("", "Brest-Litovsk is not signed", "", ""),
];

const OUTCOMES: [Outcome; 4] = [
    Outcome {
        title: "How the Kronstadt rising ends",
        noun: "how the Kronstadt rising ends",
        categories: KRONSTADT,
        of_run: |r| r.kronstadt.as_str(),
    },
    Outcome {
        title: "How the runs end",
        noun: "how the runs end",
        categories: END_STATES,
        of_run: |r| r.end_state.as_str(),
    },
    Outcome {
        title: "Is the tax in kind adopted?",
        noun: "whether the tax in kind is adopted",
        categories: TAX,
        of_run: |r| r.tax.as_str(),
    },
    Outcome {
        title: "Is the Treaty of Brest-Litovsk signed?",
        noun: "whether Brest-Litovsk is signed",
        categories: TREATY,
        of_run: |r| r.treaty.as_str(),
    },
];

fn category_label(o: &Outcome, key: &str) -> String {
    match (o.title, key) {
        (_, "") => "No".into(),
        ("How the Kronstadt rising ends", k) => labels::kronstadt(k).unwrap_or(k).to_string(),
        ("How the runs end", k) => labels::end_state(k).unwrap_or(k).to_string(),
        _ => "Yes".into(),
    }
}

/// One outcome as drawn: per scenario, runs per category (key category first).
pub(crate) struct Block {
    title: String,
    labels: Vec<String>,
    /// Categories in drawing order; index 0 is the one that moved most.
    order: Vec<usize>,
    /// counts[scenario][category] (categories in the outcome's order).
    counts: Vec<Vec<usize>>,
}

impl Block {
    fn n(&self, s: usize) -> usize {
        self.counts[s].iter().sum()
    }
}

/// The headline chart of a comparison.
pub(crate) struct OutcomesChart {
    title: String,
    caption: String,
    /// The outcomes that did not move, in words.
    note: String,
    source: String,
    scenarios: Vec<String>,
    blocks: Vec<Block>,
    theme: Theme,
}

/// How far an effect lies beyond its interval: |difference| / half-width.
fn strength(e: &Effect) -> f64 {
    let half = (e.ci_high - e.ci_low).abs() / 2.0;
    let d = e.difference.abs();
    if !d.is_finite() || !half.is_finite() {
        0.0
    } else if half > 0.0 {
        d / half
    } else if d > 0.0 {
        f64::INFINITY
    } else {
        0.0
    }
}

/// The strongest effect of an outcome's categories: (category, effect).
fn strongest<'a>(c: &'a ComparisonData, o: &Outcome) -> Option<(usize, &'a Effect)> {
    let mut best: Option<(usize, &Effect)> = None;
    for (k, cat) in o.categories.iter().enumerate() {
        for e in c.effects.iter().filter(|e| (e.metric.as_str(), e.statistic.as_str()) == cat.effect) {
            if best.is_none_or(|(_, b)| strength(e) > strength(b)) {
                best = Some((k, e));
            }
        }
    }
    best
}

/// The caption in words: "The fortress holds in 70% of runs with “Early thaw”, 30% in
/// “Baseline” (+40 points; 95% interval +26 to +54)."
fn caption(c: &ComparisonData, o: &Outcome, k: usize, e: &Effect) -> String {
    let runs = c.n_runs().unwrap_or(0);
    let pts = |v: f64| {
        let r = (v * 100.0).round();
        if r > 0.0 { format!("+{r:.0}") } else { format!("{r:.0}").replace('-', "−") }
    };
    let base = c.scenarios.first().map(|s| s.title.clone()).unwrap_or_else(|| "the baseline".into());
    format!(
        "{} in {} of runs with “{}”, {} with “{}” ({} points; 95% interval {} to {}).",
        o.categories[k].sentence,
        percent(e.alternative, runs),
        c.title_of(&e.scenario),
        percent(e.baseline, runs),
        base,
        pts(e.difference),
        pts(e.ci_low),
        pts(e.ci_high)
    )
}

fn block(c: &ComparisonData, o: &Outcome, key: usize) -> Block {
    let counts: Vec<Vec<usize>> = c
        .scenarios
        .iter()
        .map(|s| {
            let done: Vec<&RunRow> = s.ensemble.runs.iter().filter(|r| !r.end_state.is_empty()).collect();
            o.categories.iter().map(|cat| done.iter().filter(|r| (o.of_run)(r) == cat.key).count()).collect()
        })
        .collect();
    let mut order: Vec<usize> = vec![key];
    order.extend((0..o.categories.len()).filter(|k| *k != key));
    let labels = o.categories.iter().map(|cat| category_label(o, cat.key)).collect();
    Block { title: o.title.to_string(), labels, order, counts }
}

pub(crate) fn outcomes_chart(c: &ComparisonData, t: Theme) -> Option<OutcomesChart> {
    if c.scenarios.len() < 2 || c.scenarios.iter().all(|s| s.ensemble.runs.is_empty()) {
        return None;
    }
    let mut ranked: Vec<(f64, &Outcome, usize, &Effect)> =
        OUTCOMES.iter().filter_map(|o| strongest(c, o).map(|(k, e)| (strength(e), o, k, e))).collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    let moved: Vec<_> = ranked.iter().filter(|r| r.0 > 1.0).take(3).collect();
    let still: Vec<String> = ranked.iter().filter(|r| r.0 <= 1.0).map(|r| r.1.noun.to_string()).collect();
    let note = if still.is_empty() || moved.is_empty() {
        String::new()
    } else {
        format!("Not changed (every difference inside its 95% interval): {}.", still.join(", "))
    };
    let (title, caption, blocks) = if let Some(top) = moved.first() {
        let blocks = moved.iter().map(|(_, o, k, _)| block(c, o, *k)).collect();
        ("What the counterfactual changes".to_string(), caption(c, top.1, top.2, top.3), blocks)
    } else {
        let blocks = OUTCOMES[..2].iter().map(|o| block(c, o, 0)).collect();
        let caption = "No outcome differs between the scenarios beyond its 95% interval.".to_string();
        ("The outcomes do not differ".to_string(), caption, blocks)
    };
    Some(OutcomesChart {
        title,
        caption,
        note,
        source: Source::Comparison(c).source_line(),
        scenarios: c.scenarios.iter().map(|s| s.title.clone()).collect(),
        blocks,
        theme: t,
    })
}

/// Colours of the categories of a block, in category order.
fn category_colors(t: Theme, n: usize) -> Vec<RGBColor> {
    // Okabe-Ito (colour-blind safe): green, vermillion, sky blue, reddish purple, then grey; no
    // two categories of a block share a colour up to five.
    let screen = [
        RGBColor(0x00, 0x9E, 0x73),
        RGBColor(0xD5, 0x5E, 0x00),
        RGBColor(0x56, 0xB4, 0xE9),
        RGBColor(0xCC, 0x79, 0xA7),
        RGBColor(0xBB, 0xBB, 0xBB),
    ];
    let print = [
        RGBColor(0x33, 0x33, 0x33),
        RGBColor(0x99, 0x99, 0x99),
        RGBColor(0x66, 0x66, 0x66),
        RGBColor(0xBB, 0xBB, 0xBB),
        RGBColor(0xDD, 0xDD, 0xDD),
    ];
    let set = if t.print { print } else { screen };
    (0..n).map(|i| set[i % set.len()]).collect()
}

const ROW: f64 = 26.0;
const HEAD: f64 = 46.0;
const AXIS_H: f64 = 22.0;

impl OutcomesChart {
    fn block_units(&self, b: &Block) -> f64 {
        HEAD + ROW * b.counts.len() as f64 + AXIS_H
    }
}

impl Plot for OutcomesChart {
    fn name(&self) -> String {
        "outcomes".into()
    }

    /// As tall as the blocks need (at least 40% of the width), whatever height was asked.
    fn height(&self, width: u32, _height: u32, u: Units) -> u32 {
        let body: f64 = self.blocks.iter().map(|b| self.block_units(b) + 10.0).sum();
        let note = if self.note.is_empty() { 0.0 } else { 30.0 };
        (u.f(125.0 + body + note).ceil() as u32).max(width * 2 / 5)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, u: Units) -> Result<(), ChartError> {
        let f = Frame { title: &self.title, subtitle: &self.caption, source: &self.source, legend: &[] };
        let mut area = frame(root, u, &f)?;
        if !self.note.is_empty() {
            area = note_below(&area, u, &self.note, 2)?;
        }
        let (aw, _) = area.dim_in_pixel();
        let name_style = u.font(11.5).color(&TEXT);
        let label_w = self
            .scenarios
            .iter()
            .map(|s| text_size(&area, s, &name_style).0)
            .max()
            .unwrap_or(0)
            .min(aw as i32 * 3 / 10);
        let mut y = 0;
        for b in &self.blocks {
            y = self.draw_block(&area, u, b, y, label_w)?;
            y += u.i(10.0);
        }
        Ok(())
    }
}

impl OutcomesChart {
    /// Draws one block from `y`; returns the y below it.
    fn draw_block<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        u: Units,
        b: &Block,
        y: i32,
        label_w: i32,
    ) -> Result<i32, ChartError> {
        let (aw, _) = area.dim_in_pixel();
        let aw = aw as i32;
        let colors = category_colors(self.theme, b.labels.len());
        text(area, &fit(area, &b.title, &u.bold(12.5), aw), (0, y), &u.bold(12.5), HPos::Left, VPos::Top)?;
        let key = &b.labels[b.order[0]];
        let mut items: Vec<LegendItem> =
            b.order.iter().map(|&k| LegendItem::new(b.labels[k].clone(), Swatch::Square(colors[k]))).collect();
        items.push(LegendItem::new(format!("95% interval of “{key}”"), Swatch::Whisker));
        let mut y = legend(area, u, &items, 0, y + u.i(20.0), aw)? + u.i(4.0);
        let (x0, x1) = (label_w + u.i(12.0), aw - u.i(16.0));
        let px = |share: f64| x0 + (f64::from(x1 - x0) * share).round() as i32;
        let row = u.i(ROW);
        let tick_style = u.font(10.0).color(&MUTED);
        let bottom = y + row * self.scenarios.len() as i32;
        for k in 0..=4 {
            let x = px(f64::from(k) / 4.0);
            area.draw(&PathElement::new(vec![(x, y - u.i(2.0)), (x, bottom + u.i(3.0))], GRID.stroke_width(u.u(1.0))))
                .d()?;
            text(area, &format!("{}%", k * 25), (x, bottom + u.i(5.0)), &tick_style, HPos::Center, VPos::Top)?;
        }
        for (s, title) in self.scenarios.iter().enumerate() {
            let cy = y + row / 2;
            let name_style = u.font(11.5).color(&TEXT);
            text(area, &fit(area, title, &name_style, label_w), (label_w, cy), &name_style, HPos::Right, VPos::Center)?;
            self.draw_bar(area, u, b, s, (cy, row), &px)?;
            y += row;
        }
        Ok(y + u.i(AXIS_H))
    }

    /// One scenario's stacked bar, the share of each category written inside when it fits, and
    /// the whisker of the first category's interval.
    fn draw_bar<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        u: Units,
        b: &Block,
        s: usize,
        (cy, row): (i32, i32),
        px: &dyn Fn(f64) -> i32,
    ) -> Result<(), ChartError> {
        let colors = category_colors(self.theme, b.labels.len());
        let n = b.n(s);
        if n == 0 {
            let st = u.font(10.0).color(&MUTED);
            return text(area, "no finished runs", (px(0.0), cy), &st, HPos::Left, VPos::Center);
        }
        let hh = row * 3 / 10;
        let val_style = u.font(10.0);
        let mut acc = 0.0;
        for &k in &b.order {
            let share = b.counts[s][k] as f64 / n as f64;
            let (a, z) = (px(acc), px(acc + share));
            acc += share;
            if z <= a {
                continue;
            }
            area.draw(&Rectangle::new([(a, cy - hh), (z, cy + hh)], colors[k].filled())).d()?;
            area.draw(&Rectangle::new([(a, cy - hh), (z, cy + hh)], WHITE.stroke_width(u.u(1.0)))).d()?;
            let v = percent(share, n);
            let dark =
                f64::from(colors[k].0) * 0.3 + f64::from(colors[k].1) * 0.59 + f64::from(colors[k].2) * 0.11 > 150.0;
            let st = val_style.color(if dark { &TEXT } else { &WHITE });
            if text_size(area, &v, &st).0 + u.i(6.0) <= z - a {
                text(area, &v, ((a + z) / 2, cy), &st, HPos::Center, VPos::Center)?;
            }
        }
        let (lo, hi) = wilson(b.counts[s][b.order[0]], n);
        let (xa, xb) = (px(lo), px(hi));
        // Below the bar, so that it does not cut the numbers, with caps reaching up through it.
        let st = TEXT.stroke_width(u.u(1.6));
        let wy = cy + hh + u.i(3.0);
        area.draw(&PathElement::new(vec![(xa, wy), (xb, wy)], st)).d()?;
        area.draw(&PathElement::new(vec![(xa, cy + hh - u.i(3.0)), (xa, wy)], st)).d()?;
        area.draw(&PathElement::new(vec![(xb, cy + hh - u.i(3.0)), (xb, wy)], st)).d()
    }
}
