//! Calendar dates (Gregorian, new style) as a day count, with ISO `YYYY-MM-DD` text.
//!
//! Russia switched from the Julian calendar on 1/14 February 1918; every date in revsim is
//! Gregorian. Sources that use the old style must be converted (add 13 days) when encoded.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// Days in one tick of the simulation.
pub const DAYS_PER_TICK: i32 = 7;

/// A Gregorian calendar date, stored as days since 1 January 1900.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i32);

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(year) => 29,
        _ => 28,
    }
}

fn days_in_year(year: i32) -> i32 {
    if is_leap(year) { 366 } else { 365 }
}

impl Date {
    /// 1 January 1900, day 0 of the count.
    pub const EPOCH: Date = Date(0);

    /// Builds a date, or `None` if the day does not exist.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1800..=2200).contains(&year) || !(1..=12).contains(&month) || day == 0 {
            return None;
        }
        if day > days_in_month(year, month) {
            return None;
        }
        let mut days = 0;
        if year >= 1900 {
            for y in 1900..year {
                days += days_in_year(y);
            }
        } else {
            for y in year..1900 {
                days -= days_in_year(y);
            }
        }
        for m in 1..month {
            days += days_in_month(year, m) as i32;
        }
        days += day as i32 - 1;
        Some(Date(days))
    }

    /// Year, month (1-12) and day (1-31).
    pub fn ymd(self) -> (i32, u32, u32) {
        let mut days = self.0;
        let mut year = 1900;
        while days < 0 {
            year -= 1;
            days += days_in_year(year);
        }
        while days >= days_in_year(year) {
            days -= days_in_year(year);
            year += 1;
        }
        let mut month = 1;
        while days >= days_in_month(year, month) as i32 {
            days -= days_in_month(year, month) as i32;
            month += 1;
        }
        (year, month, days as u32 + 1)
    }

    pub fn year(self) -> i32 {
        self.ymd().0
    }

    pub fn month(self) -> u32 {
        self.ymd().1
    }

    pub fn add_days(self, days: i32) -> Date {
        Date(self.0 + days)
    }

    /// Days from `other` to `self` (positive when `self` is later).
    pub fn days_since(self, other: Date) -> i32 {
        self.0 - other.0
    }

    /// Day of the year, 0-based (1 January = 0).
    pub fn day_of_year(self) -> i32 {
        let (y, _, _) = self.ymd();
        self.0 - Date::from_ymd(y, 1, 1).map_or(0, |d| d.0)
    }

    /// Whether the half-open week `[self, self + 7 days)` contains the month-day `month/day`.
    pub fn week_contains(self, month: u32, day: u32) -> bool {
        let (y, _, _) = self.ymd();
        [y, y + 1].iter().any(|&year| {
            Date::from_ymd(year, month, day.min(days_in_month(year, month)))
                .is_some_and(|d| d >= self && d < self.add_days(DAYS_PER_TICK))
        })
    }

    /// The start of the agricultural year (1 August) that contains this date.
    pub fn agricultural_year(self) -> i32 {
        let (y, m, _) = self.ymd();
        if m >= 8 { y } else { y - 1 }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// Why a text is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a date: write it as YYYY-MM-DD (Gregorian, new style), e.g. 1918-03-03")]
pub struct DateError(pub String);

impl FromStr for Date {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Date, DateError> {
        let err = || DateError(s.to_string());
        let parts: Vec<&str> = s.split('-').collect();
        if parts.len() != 3 || parts[0].len() != 4 || parts[1].len() != 2 || parts[2].len() != 2 {
            return Err(err());
        }
        let y = parts[0].parse().map_err(|_| err())?;
        let m = parts[1].parse().map_err(|_| err())?;
        let d = parts[2].parse().map_err(|_| err())?;
        Date::from_ymd(y, m, d).ok_or_else(err)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_iso_text() {
        for text in ["1917-11-07", "1918-02-14", "1920-02-29", "1923-01-01", "1899-12-31"] {
            let date: Date = text.parse().unwrap();
            assert_eq!(date.to_string(), text);
        }
    }

    #[test]
    fn refuses_impossible_dates() {
        assert!("1918-02-29".parse::<Date>().is_err());
        assert!("1918-13-01".parse::<Date>().is_err());
        assert!("18-03-03".parse::<Date>().is_err());
    }

    #[test]
    fn counts_days_across_years() {
        let a: Date = "1917-11-07".parse().unwrap();
        let b: Date = "1923-01-01".parse().unwrap();
        assert_eq!(b.days_since(a), 1881);
        assert_eq!(a.add_days(1881), b);
    }

    #[test]
    fn agricultural_year_starts_in_august() {
        assert_eq!("1919-07-31".parse::<Date>().unwrap().agricultural_year(), 1918);
        assert_eq!("1919-08-01".parse::<Date>().unwrap().agricultural_year(), 1919);
    }

    #[test]
    fn week_contains_month_day() {
        let d: Date = "1918-04-17".parse().unwrap();
        assert!(d.week_contains(4, 20));
        assert!(!d.week_contains(4, 24));
    }
}
