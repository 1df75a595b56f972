//! Calendar dates as day numbers, and the month/year ticks of a date axis.

use std::fmt;

/// A calendar date (proleptic Gregorian), stored as days since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i32);

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

impl Date {
    /// The date `y-m-d`, or `None` if it does not exist.
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Option<Date> {
        if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
            return None;
        }
        // Howard Hinnant's days_from_civil.
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy as i32;
        Some(Date(era * 146_097 + doe - 719_468))
    }

    /// Parses an ISO date `YYYY-MM-DD` (a time part after `T` or a space is ignored).
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let s = s.split(['T', ' ']).next()?;
        let mut it = s.splitn(3, '-');
        let y = it.next()?.parse().ok()?;
        let m = it.next()?.parse().ok()?;
        let d = it.next()?.parse().ok()?;
        Date::from_ymd(y, m, d)
    }

    /// Days since 1970-01-01.
    pub fn days(self) -> i32 {
        self.0
    }

    /// The date `days` after 1970-01-01.
    pub fn from_days(days: i32) -> Date {
        Date(days)
    }

    /// (year, month 1–12, day 1–31).
    pub fn ymd(self) -> (i32, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = yoe + era * 400 + i32::from(m <= 2);
        (y, m, d)
    }

    /// Short month name and year, e.g. "Mar 1921".
    pub fn month_year(self) -> String {
        let (y, m, _) = self.ymd();
        format!("{} {y}", MONTHS[(m - 1) as usize])
    }

    /// Day, short month and year, e.g. "7 Mar 1921".
    pub fn long(self) -> String {
        let (y, m, d) = self.ymd();
        format!("{d} {} {y}", MONTHS[(m - 1) as usize])
    }

    /// The first day of this date's month.
    fn month_start(self) -> Date {
        let (y, m, _) = self.ymd();
        Date::from_ymd(y, m, 1).unwrap_or(self)
    }

    /// The first day of the month `n` months after this date's month.
    fn add_months(self, n: u32) -> Date {
        let (y, m, _) = self.ymd();
        let idx = y * 12 + (m as i32 - 1) + n as i32;
        Date::from_ymd(idx.div_euclid(12), idx.rem_euclid(12) as u32 + 1, 1).unwrap_or(self)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Ticks of a date axis: first days of months, `step` months apart (aligned on January).
pub(crate) struct DateTicks {
    pub ticks: Vec<Date>,
    pub labels: Vec<String>,
}

const STEPS: [u32; 9] = [1, 2, 3, 4, 6, 12, 24, 60, 120];

/// Month-aligned ticks between `lo` and `hi`, at most `max` of them (at least one step is always used).
pub(crate) fn date_ticks(lo: Date, hi: Date, max: usize) -> DateTicks {
    let max = max.max(2);
    let mut chosen = (12, Vec::new());
    for &step in &STEPS {
        let ticks = ticks_with_step(lo, hi, step);
        chosen = (step, ticks);
        if chosen.1.len() <= max {
            break;
        }
    }
    let (step, ticks) = chosen;
    let labels = ticks
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let (y, m, _) = d.ymd();
            if m == 1 || step >= 12 {
                y.to_string()
            } else if i == 0 {
                d.month_year()
            } else {
                MONTHS[(m - 1) as usize].to_string()
            }
        })
        .collect();
    DateTicks { ticks, labels }
}

fn ticks_with_step(lo: Date, hi: Date, step: u32) -> Vec<Date> {
    let mut out = Vec::new();
    let mut d = lo.month_start();
    if d < lo {
        d = d.add_months(1);
    }
    // Align on January (and on multiples of `step / 12` years for multi-year steps).
    loop {
        let (y, m, _) = d.ymd();
        let aligned = if step >= 12 { m == 1 && y.rem_euclid((step / 12) as i32) == 0 } else { (m - 1) % step == 0 };
        if aligned || d > hi {
            break;
        }
        d = d.add_months(1);
    }
    while d <= hi {
        out.push(d);
        d = d.add_months(step);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_dates() {
        for s in ["1917-11-07", "1921-03-17", "1920-02-29", "1970-01-01", "1899-12-31"] {
            let d = Date::parse(s).unwrap();
            assert_eq!(d.to_string(), s);
        }
        assert_eq!(Date::parse("1970-01-02").unwrap().days(), 1);
        assert!(Date::parse("1921-02-29").is_none());
        assert!(Date::parse("not a date").is_none());
        assert_eq!(Date::parse("1921-03-07").unwrap().long(), "7 Mar 1921");
    }

    #[test]
    fn ticks_are_month_aligned_and_bounded() {
        let lo = Date::parse("1917-11-07").unwrap();
        let hi = Date::parse("1922-12-30").unwrap();
        let t = date_ticks(lo, hi, 12);
        assert!(t.ticks.len() <= 12 && t.ticks.len() >= 5, "{:?}", t.labels);
        assert_eq!(t.labels[0], "1918");
        assert!(t.ticks.iter().all(|d| d.ymd().2 == 1 && *d >= lo && *d <= hi));
        let few = date_ticks(lo, hi, 4);
        assert_eq!(few.labels, ["1918", "1920", "1922"]);
        let short = date_ticks(lo, Date::parse("1918-06-01").unwrap(), 8);
        assert_eq!(short.labels[0], "Dec 1917");
    }
}
