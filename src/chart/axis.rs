//! Axis coordinate types for plotters: a calendar axis with month/year ticks, and a numeric axis
//! with nice ticks and one number format for all its labels.

use std::ops::Range;

use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};

use super::date::{Date, date_ticks};
use super::style::{Kind, NumFmt, axis_limits, nice_ticks};

/// Keeps at most `max` of `ticks`, evenly (every k-th).
fn thin<T: Copy>(ticks: &[T], max: usize) -> Vec<T> {
    if max == 0 {
        return Vec::new();
    }
    let k = ticks.len().div_ceil(max).max(1);
    ticks.iter().step_by(k).copied().collect()
}

fn lerp(t: f64, limit: (i32, i32)) -> i32 {
    limit.0 + (f64::from(limit.1 - limit.0) * t).round() as i32
}

/// A date axis from `lo` to `hi` with month-aligned ticks.
#[derive(Clone, Debug)]
pub(crate) struct DateAxis {
    lo: Date,
    hi: Date,
    ticks: Vec<Date>,
    labels: Vec<String>,
}

impl DateAxis {
    pub fn new(lo: Date, hi: Date, max_ticks: usize) -> DateAxis {
        let hi = if hi <= lo { Date::from_days(lo.days() + 1) } else { hi };
        let t = date_ticks(lo, hi, max_ticks);
        DateAxis { lo, hi, ticks: t.ticks, labels: t.labels }
    }

    pub fn ticks(&self) -> &[Date] {
        &self.ticks
    }

    /// The pixel of `d` on a pixel range (the same mapping plotters uses).
    pub fn pixel(&self, d: Date, limit: (i32, i32)) -> i32 {
        self.map(&d, limit)
    }
}

impl Ranged for DateAxis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = Date;

    fn map(&self, v: &Date, limit: (i32, i32)) -> i32 {
        let span = f64::from((self.hi.days() - self.lo.days()).max(1));
        lerp(f64::from(v.days() - self.lo.days()) / span, limit)
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<Date> {
        thin(&self.ticks, hint.max_num_points())
    }

    fn range(&self) -> Range<Date> {
        self.lo..self.hi
    }
}

impl ValueFormatter<Date> for DateAxis {
    fn format_ext(&self, v: &Date) -> String {
        match self.ticks.iter().position(|t| t == v) {
            Some(i) => self.labels[i].clone(),
            None => v.month_year(),
        }
    }
}

/// A numeric axis with precomputed ticks and a shared label format.
#[derive(Clone, Debug)]
pub(crate) struct NumAxis {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
    fmt: NumFmt,
}

impl NumAxis {
    /// An axis covering data in `lo..=hi`, rounded out to about `target` nice ticks.
    pub fn for_data(lo: f64, hi: f64, kind: Kind, target: usize) -> NumAxis {
        let (lo, hi) = axis_limits(lo, hi, kind, target);
        NumAxis::exact(lo, hi, kind, target)
    }

    /// An axis from exactly `lo` to `hi`, with nice ticks inside.
    pub fn exact(lo: f64, hi: f64, kind: Kind, target: usize) -> NumAxis {
        let hi = if hi > lo { hi } else { lo + 1.0 };
        let (ticks, step) = nice_ticks(lo, hi, target);
        let fmt = NumFmt::for_axis(lo.abs().max(hi.abs()), step, kind);
        NumAxis { lo, hi, ticks, fmt }
    }

    /// An axis with no ticks (for categories placed by hand).
    pub fn bare(lo: f64, hi: f64) -> NumAxis {
        NumAxis { lo, hi, ticks: Vec::new(), fmt: NumFmt::for_axis(1.0, 1.0, Kind::Number) }
    }

    pub fn ticks(&self) -> &[f64] {
        &self.ticks
    }

    pub fn lo(&self) -> f64 {
        self.lo
    }

    pub fn hi(&self) -> f64 {
        self.hi
    }

    pub fn label(&self, v: f64) -> String {
        self.fmt.fmt(v)
    }

    /// The pixel of `v` on a pixel range.
    pub fn pixel(&self, v: f64, limit: (i32, i32)) -> i32 {
        self.map(&v, limit)
    }
}

impl Ranged for NumAxis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let t = (v - self.lo) / (self.hi - self.lo);
        lerp(if t.is_finite() { t.clamp(-1.0, 2.0) } else { 0.0 }, limit)
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        thin(&self.ticks, hint.max_num_points())
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

impl ValueFormatter<f64> for NumAxis {
    fn format_ext(&self, v: &f64) -> String {
        self.fmt.fmt(*v)
    }
}
