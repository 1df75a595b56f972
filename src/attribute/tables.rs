//! The files of an attribution: `attribution.csv`, `interactions.csv`, `subsets.csv`, the
//! headline in words (`headline.md`) and the waterfall charts.

use super::shapley::Mask;
use super::{Attribution, MetricResult};
use crate::chart::sig;
use crate::output::{csv_field, fmt_num};
use std::fmt::Write as _;
use std::path::PathBuf;

/// The share of the total difference, or NaN when there is no difference to share.
fn share(part: f64, total: f64) -> f64 {
    if total.abs() > 1e-12 * (1.0 + total.abs()) { part / total } else { f64::NAN }
}

fn num(v: f64) -> String {
    if v.is_finite() { fmt_num(v + 0.0) } else { String::new() }
}

/// `attribution.csv`: per metric and factor, the Shapley value, its 95% interval and its share
/// of the difference between the base and all factors applied (both given on each row).
pub fn attribution_csv(a: &Attribution) -> String {
    let mut text = String::from("metric,date,factor,shapley,low,high,share,baseline,all_factors\n");
    for m in &a.metrics {
        let t = &m.terms;
        for (i, (name, _)) in a.factors.iter().enumerate() {
            let _ = writeln!(
                text,
                "{},{},{},{},{},{},{},{},{}",
                m.spec.name,
                m.spec.date_label(),
                csv_field(name),
                num(t.shapley[i]),
                num(m.low.shapley[i]),
                num(m.high.shapley[i]),
                num(share(t.shapley[i], t.total)),
                num(m.baseline),
                num(m.all)
            );
        }
    }
    text
}

/// `interactions.csv`: per metric and pair, the Shapley interaction index (empty with sampled
/// orders) and the simple 2×2 interaction on the base, each with its 95% interval.
pub fn interactions_csv(a: &Attribution) -> String {
    let mut text = String::from(
        "metric,date,factor_a,factor_b,shapley_interaction,low,high,simple_interaction,simple_low,simple_high\n",
    );
    for m in &a.metrics {
        for (p, (i, j)) in a.design.pairs().into_iter().enumerate() {
            let _ = writeln!(
                text,
                "{},{},{},{},{},{},{},{},{},{}",
                m.spec.name,
                m.spec.date_label(),
                csv_field(&a.factors[i].0),
                csv_field(&a.factors[j].0),
                num(m.terms.interaction[p]),
                num(m.low.interaction[p]),
                num(m.high.interaction[p]),
                num(m.terms.simple[p]),
                num(m.low.simple[p]),
                num(m.high.simple[p])
            );
        }
    }
    text
}

/// The factors of a subset joined by `+`, or `base`.
fn subset_name(a: &Attribution, mask: Mask) -> String {
    let names: Vec<&str> =
        a.factors.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, f)| f.0.as_str()).collect();
    if names.is_empty() { "base".into() } else { names.join("+") }
}

/// `subsets.csv`: the mean of every subset run, per metric.
pub fn subsets_csv(a: &Attribution) -> String {
    let mut text = String::from("metric,date,subset,factors,mean\n");
    for m in &a.metrics {
        for (mask, mean) in &m.subsets {
            let _ = writeln!(
                text,
                "{},{},{},{},{}",
                m.spec.name,
                m.spec.date_label(),
                csv_field(&subset_name(a, *mask)),
                mask.count_ones(),
                num(*mean)
            );
        }
    }
    text
}

fn when(m: &MetricResult) -> String {
    m.spec.date.map_or("at the end".into(), |d| format!("on {d}"))
}

/// The paragraph of one metric: the difference, each factor's part, the largest interaction.
fn paragraph(a: &Attribution, m: &MetricResult) -> String {
    let t = &m.terms;
    let label = crate::chart::metric_info(&m.spec.name).label;
    let mut text = format!(
        "**{label} {}** (`{}`): {} in the base, {} with all {} factors applied, a difference of {} \
         (95% interval {} to {}).",
        when(m),
        m.spec.name,
        sig(m.baseline, false),
        sig(m.all, false),
        a.factors.len(),
        sig(t.total, true),
        sig(m.low.total, true),
        sig(m.high.total, true)
    );
    let mut order: Vec<usize> = (0..a.factors.len()).collect();
    order.sort_by(|x, y| t.shapley[*y].abs().total_cmp(&t.shapley[*x].abs()).then(x.cmp(y)));
    let parts: Vec<String> = order
        .iter()
        .map(|&i| {
            let pct = share(t.shapley[i], t.total);
            let pct = if pct.is_finite() { format!("; {:.0}%", (100.0 * pct).round() + 0.0) } else { String::new() };
            format!(
                "`{}` {} ({} to {}{pct})",
                a.factors[i].0,
                sig(t.shapley[i], true),
                sig(m.low.shapley[i], true),
                sig(m.high.shapley[i], true)
            )
        })
        .collect();
    let _ = write!(text, " Of it, {}.", parts.join(", "));
    let pairs = a.design.pairs();
    if let Some(p) = (0..pairs.len()).max_by(|x, y| t.simple[*x].abs().total_cmp(&t.simple[*y].abs())) {
        let (i, j) = pairs[p];
        let _ = write!(
            text,
            " The largest interaction is between `{}` and `{}`: together they do {} beyond what each does alone \
             ({} to {}).",
            a.factors[i].0,
            a.factors[j].0,
            sig(t.simple[p], true),
            sig(m.low.simple[p], true),
            sig(m.high.simple[p], true)
        );
    }
    text
}

/// The headline in words, one paragraph per metric (`headline.md`; printed at the end).
pub fn headline_md(a: &Attribution) -> String {
    let method = match a.design {
        super::Design::Exact { .. } => "exact Shapley values over every subset of the factors",
        super::Design::Sampled { .. } => "Shapley values estimated over sampled orders of the factors",
    };
    let mut text = format!(
        "# Attribution: {} factors on `{}`\n\n{} seeds, the same in every subset; {method}; 95% bootstrap \
         intervals over seeds. Each factor's value is its average contribution over every order in which the \
         factors can be added; they sum to the difference.\n\n",
        a.factors.len(),
        a.base,
        a.seeds_used
    );
    for m in &a.metrics {
        text.push_str(&paragraph(a, m));
        text.push_str("\n\n");
    }
    if !a.failed.is_empty() {
        let _ = writeln!(text, "{} seeds left out because a run failed.\n", a.failed.len());
    }
    if a.seeds_used < 20 {
        text.push_str("With fewer than 20 seeds the intervals are rough.\n");
    }
    text
}

/// One waterfall chart per metric into `DIR/charts/`.
pub fn draw_charts(
    a: &Attribution,
    opts: &crate::chart::ChartOptions,
) -> Result<Vec<PathBuf>, crate::chart::ChartError> {
    let mut files = Vec::new();
    for m in &a.metrics {
        let label = crate::chart::metric_info(&m.spec.name).label;
        let w = crate::chart::Waterfall {
            name: format!("waterfall--{}--{}", m.spec.name, m.spec.date_label()),
            title: format!("{label} {}: what each factor accounts for", when(m)),
            subtitle: format!(
                "From the base ({}) to all factors applied; Shapley values with 95% intervals over {} seeds",
                a.base, a.seeds_used
            ),
            metric: m.spec.name.clone(),
            baseline: m.baseline,
            all: m.all,
            bars: (0..a.factors.len())
                .map(|i| (a.factors[i].0.clone(), m.terms.shapley[i], m.low.shapley[i], m.high.shapley[i]))
                .collect(),
            source: format!("revsim {} · attribute · {} seeds", env!("CARGO_PKG_VERSION"), a.seeds_used),
        };
        files.extend(crate::chart::waterfall_chart(&a.dir.join("charts"), opts, &w)?);
    }
    Ok(files)
}
