//! Fonts, colours, number formats and the names and units of the metrics.

use plotters::prelude::*;
use plotters::style::{FontDesc, FontFamily, FontStyle};

/// The font family every chart uses. The embedded DejaVu Sans is registered under this name (and
/// under "sans-serif"); SVG viewers get the same list, Verdana having DejaVu's metrics.
pub(crate) const FAMILY: &str = "DejaVu Sans, Verdana, sans-serif";

pub(crate) const TEXT: RGBColor = RGBColor(0x22, 0x22, 0x22);
pub(crate) const MUTED: RGBColor = RGBColor(0x66, 0x66, 0x66);
pub(crate) const GRID: RGBColor = RGBColor(0xe3, 0xe3, 0xe3);
pub(crate) const AXIS: RGBColor = RGBColor(0x88, 0x88, 0x88);
pub(crate) const EVENT: RGBColor = RGBColor(0x55, 0x55, 0x55);

/// Okabe–Ito colours, in the order given to scenarios (yellow left out: too light on white).
pub(crate) const PALETTE: [RGBColor; 7] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0x00, 0x00, 0x00), // black
];

/// Greys for print, dark to light, each a step apart when printed in black ink only.
pub(crate) const GREYS: [RGBColor; 6] = [
    RGBColor(0x00, 0x00, 0x00),
    RGBColor(0x55, 0x55, 0x55),
    RGBColor(0x88, 0x88, 0x88),
    RGBColor(0x22, 0x22, 0x22),
    RGBColor(0x70, 0x70, 0x70),
    RGBColor(0x44, 0x44, 0x44),
];

/// Line styles given to scenarios in turn, so that lines differ without colour too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dash {
    Solid,
    Dashed,
    Dotted,
    LongDashed,
}

/// Point markers on the lines of the print style.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Marker {
    Circle,
    Square,
    Triangle,
    Diamond,
    Cross,
    Plus,
}

/// How charts look: `Screen` (the default: Okabe–Ito colours, safe for colour-blind readers)
/// or `Print` (grey-scale safe: greys, distinct dashes and markers, larger text for a column of
/// a printed page).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ChartStyle {
    #[default]
    Screen,
    Print,
}

/// The colours, dashes and markers of a style.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Theme {
    pub print: bool,
}

impl Theme {
    pub fn of(style: ChartStyle) -> Theme {
        Theme { print: style == ChartStyle::Print }
    }

    /// The colour of scenario `i`.
    pub fn color(self, i: usize) -> RGBColor {
        if self.print { GREYS[i % GREYS.len()] } else { PALETTE[i % PALETTE.len()] }
    }

    /// The dash of scenario `i`.
    pub fn dash(self, i: usize) -> Dash {
        if self.print {
            [Dash::Solid, Dash::Dashed, Dash::Dotted, Dash::LongDashed, Dash::Dashed, Dash::Dotted][i % 6]
        } else {
            [Dash::Solid, Dash::Dashed, Dash::Dotted][i % 3]
        }
    }

    /// The marker of scenario `i` (print only, when there is more than one line).
    pub fn marker(self, i: usize) -> Option<Marker> {
        let all = [Marker::Circle, Marker::Square, Marker::Triangle, Marker::Diamond, Marker::Cross, Marker::Plus];
        self.print.then_some(all[i % all.len()])
    }

    /// The accent used for "yes" (inside, significant): a colour on screen, black in print.
    pub fn good(self) -> RGBColor {
        if self.print { GREYS[0] } else { PALETTE[2] }
    }

    /// The accent for "no": vermillion on screen, mid grey in print.
    pub fn bad(self) -> RGBColor {
        if self.print { GREYS[2] } else { PALETTE[1] }
    }
}

/// All text sizes are multiplied by this: tick labels come out at about 10 px in an 800 px
/// wide SVG, legible when the chart is shown at a column's width.
pub(crate) const FONT_SCALE: f64 = 1.15;

/// Size unit: every length is given for an 800×500 canvas and multiplied by this.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Units(pub f64);

impl Units {
    pub fn f(self, v: f64) -> f64 {
        v * self.0
    }
    pub fn i(self, v: f64) -> i32 {
        (v * self.0).round() as i32
    }
    pub fn u(self, v: f64) -> u32 {
        (v * self.0).round().max(1.0) as u32
    }
    /// Text of `size` (scaled by [`FONT_SCALE`]).
    pub fn font(self, size: f64) -> TextStyle<'static> {
        FontDesc::new(FontFamily::Name(FAMILY), self.f(size * FONT_SCALE), FontStyle::Normal).color(&TEXT)
    }
    pub fn bold(self, size: f64) -> TextStyle<'static> {
        FontDesc::new(FontFamily::Name(FAMILY), self.f(size * FONT_SCALE), FontStyle::Bold).color(&TEXT)
    }
}

/// What kind of quantity a metric is: decides the number format and the axis floor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Counts of people or events: large numbers as "1.2 M", "350 k".
    Count,
    /// Shares 0–1, shown as percentages.
    Share,
    /// Indexes and ratios, shown as plain numbers.
    Number,
    /// A relative change as a fraction (0.05 = +5%), shown as a signed percentage.
    Change,
    /// A change of a share as a fraction (0.05 = +5 points), shown as signed points.
    Points,
}

/// A number format shared by the ticks of one axis.
#[derive(Clone, Copy, Debug)]
pub(crate) struct NumFmt {
    div: f64,
    suffix: &'static str,
    decimals: usize,
    /// Positive values get a "+" (changes).
    signed: bool,
}

impl NumFmt {
    /// The format for ticks `step` apart on an axis reaching `max_abs`.
    pub fn for_axis(max_abs: f64, step: f64, kind: Kind) -> NumFmt {
        let (div, suffix) = match kind {
            Kind::Share | Kind::Change => (0.01, "%"),
            Kind::Points => (0.01, ""),
            _ if max_abs >= 1e9 => (1e9, " bn"),
            _ if max_abs >= 1e6 => (1e6, " M"),
            _ if max_abs >= 1e4 => (1e3, " k"),
            _ => (1.0, ""),
        };
        let s = (step / div).abs();
        let decimals = (0..4).find(|&d| {
            let x = s * 10f64.powi(d as i32);
            (x - x.round()).abs() < 1e-6 * x.max(1.0)
        });
        NumFmt { div, suffix, decimals: decimals.unwrap_or(4), signed: matches!(kind, Kind::Change | Kind::Points) }
    }

    pub fn fmt(&self, v: f64) -> String {
        let x = v / self.div;
        if x.abs() < 0.5 * 10f64.powi(-(self.decimals as i32)) {
            return if self.suffix == "%" { "0%".into() } else { "0".into() };
        }
        let plus = if self.signed && x > 0.0 { "+" } else { "" };
        minus(format!("{plus}{:.*}{}", self.decimals, x, self.suffix))
    }
}

fn minus(s: String) -> String {
    match s.strip_prefix('-') {
        Some(rest) => format!("−{rest}"),
        None => s,
    }
}

/// A value written for a reader with three significant digits: "1.2 M", "350 k", "0.45".
pub(crate) fn human(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let a = v.abs();
    let (x, suffix) = if a >= 1e9 {
        (v / 1e9, " bn")
    } else if a >= 1e6 {
        (v / 1e6, " M")
    } else if a >= 1e4 {
        (v / 1e3, " k")
    } else {
        (v, "")
    };
    minus(format!("{}{suffix}", sig3(x)))
}

/// `v` rounded to a multiple of `step` (what the runs can tell: the half-width of an interval,
/// to one significant digit), in the format of its kind: "3.9 M", "45%", "0.0088".
pub(crate) fn rounded(v: f64, step: f64, kind: Kind) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    if !(step.is_finite() && step > 0.0) {
        return human_kind(v, kind);
    }
    let (div, suffix) = match kind {
        Kind::Share | Kind::Change => (0.01, "%"),
        Kind::Points => (0.01, " points"),
        _ if v.abs() >= 1e6 => (1e6, " M"),
        _ if v.abs() >= 1e4 => (1e3, " k"),
        _ => (1.0, ""),
    };
    let unit = 10f64.powf((step / div).log10().floor());
    let x = (v / div / unit).round() * unit;
    let decimals = (-unit.log10().round()).max(0.0) as usize;
    minus(format!("{x:.decimals$}{suffix}"))
}

/// A value of the given kind: shares as percentages, others as [`human`].
pub(crate) fn human_kind(v: f64, kind: Kind) -> String {
    match kind {
        Kind::Share if v.is_finite() => format!("{}%", minus(sig3(v * 100.0))),
        _ => human(v),
    }
}

fn sig3(x: f64) -> String {
    let a = x.abs();
    let decimals = if a >= 100.0 || a == 0.0 {
        0
    } else if a >= 10.0 {
        1
    } else if a >= 1.0 {
        2
    } else {
        ((-a.log10()).floor() as usize + 3).min(6)
    };
    let s = format!("{x:.decimals$}");
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
}

/// Nice tick values covering `lo..=hi` with about `target` intervals: (ticks, step).
pub(crate) fn nice_ticks(lo: f64, hi: f64, target: usize) -> (Vec<f64>, f64) {
    let span = (hi - lo).abs().max(f64::EPSILON * hi.abs().max(1.0));
    let raw = span / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    // The candidate step whose number of intervals is closest to the target.
    let n = target.max(1) as f64;
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .min_by(|a, b| ((span / a) - n).abs().total_cmp(&((span / b) - n).abs()))
        .unwrap_or(mag);
    let first = (lo / step - 1e-9).ceil();
    let last = (hi / step + 1e-9).floor();
    let ticks = (first as i64..=last as i64).map(|k| k as f64 * step).collect();
    (ticks, step)
}

/// Axis limits for data in `lo..=hi`: zero is kept in view for counts and shares when the data
/// come near it, and the ends are rounded out to ticks.
pub(crate) fn axis_limits(lo: f64, hi: f64, kind: Kind, target: usize) -> (f64, f64) {
    let (mut lo, mut hi) = if lo.is_finite() && hi.is_finite() { (lo, hi) } else { (0.0, 1.0) };
    // Zero is drawn where the data come near it; an axis from zero would flatten a line that
    // moves far from it (a population of 130–165 M).
    if lo >= 0.0 && lo < 0.5 * hi {
        lo = 0.0;
    }
    if hi <= lo {
        let pad = if hi == 0.0 { 1.0 } else { hi.abs() * 0.1 };
        hi = lo + pad;
        if kind != Kind::Share {
            lo -= pad;
        }
    }
    let (_, step) = nice_ticks(lo, hi, target);
    let lo2 = (lo / step + 1e-9).floor() * step;
    let mut hi2 = (hi / step - 1e-9).ceil() * step;
    // A line on the top edge pokes above it by half its width: keep a little headroom.
    if hi2 - hi < 0.015 * (hi2 - lo2) && hi > 0.0 {
        hi2 += step;
    }
    // Shares cannot leave 0–100 %.
    if kind == Kind::Share {
        return (lo2.max(0.0), hi2.min(1.0).max(hi));
    }
    (lo2, hi2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_large_numbers_for_readers() {
        assert_eq!(human(1_234_567.0), "1.23 M");
        assert_eq!(human(350_000.0), "350 k");
        assert_eq!(human(12_500.0), "12.5 k");
        assert_eq!(human(0.45), "0.45");
        assert_eq!(human(-2_000_000.0), "−2 M");
        assert_eq!(human_kind(0.456, Kind::Share), "45.6%");
        let f = NumFmt::for_axis(5e6, 5e5, Kind::Count);
        assert_eq!(f.fmt(1.5e6), "1.5 M");
        assert_eq!(f.fmt(0.0), "0");
        let f = NumFmt::for_axis(400_000.0, 100_000.0, Kind::Count);
        assert_eq!(f.fmt(300_000.0), "300 k");
        let f = NumFmt::for_axis(1.0, 0.2, Kind::Share);
        assert_eq!(f.fmt(0.4), "40%");
        let f = NumFmt::for_axis(1.2, 0.25, Kind::Number);
        assert_eq!(f.fmt(0.75), "0.75");
        let f = NumFmt::for_axis(0.006, 0.002, Kind::Change);
        assert_eq!((f.fmt(-0.004), f.fmt(0.006)), ("−0.4%".to_string(), "+0.6%".to_string()));
    }

    #[test]
    fn rounds_to_what_the_runs_can_tell() {
        assert_eq!(rounded(0.00876, 0.00004, Kind::Number), "0.00876");
        assert_eq!(rounded(0.00876, 0.0004, Kind::Number), "0.0088");
        assert_eq!(rounded(3_912_345.0, 60_000.0, Kind::Count), "3.91 M");
        assert_eq!(rounded(0.304, 0.12, Kind::Share), "30%");
        assert_eq!(rounded(754_321.0, 25_000.0, Kind::Count), "750 k");
    }

    #[test]
    fn ticks_are_nice() {
        let (t, s) = nice_ticks(0.0, 5_300_000.0, 5);
        assert_eq!(s, 1e6);
        assert_eq!(t.len(), 6);
        let (lo, hi) = axis_limits(120.0, 980.0, Kind::Count, 5);
        assert_eq!((lo, hi), (0.0, 1000.0));
        let (lo, hi) = axis_limits(0.8, 1.1, Kind::Number, 5);
        assert!(lo > 0.5 && lo <= 0.8 && (1.1..1.3).contains(&hi), "{lo} {hi}");
        assert_eq!(axis_limits(0.1, 0.93, Kind::Share, 5), (0.0, 1.0));
    }

    #[test]
    fn knows_units_of_interface_metrics() {
        use super::super::labels::metric_info;
        assert_eq!(metric_info("red_army").kind, Kind::Count);
        assert_eq!(metric_info("territory_soviet_share").kind, Kind::Share);
        assert_eq!(metric_info("grain_procured_cum_mpoods").unit, "million poods, cumulative");
        assert_eq!(metric_info("brand_new_metric").label, "Brand new metric");
    }
}
