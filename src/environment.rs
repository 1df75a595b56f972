//! Exogenous inputs of a scenario, indexed for the systems: the weather, the ice in the Gulf of
//! Finland, Allied aid and the transport crises.

use crate::date::Date;
use crate::scenario::{self, RegionSpec};
use bevy_ecs::prelude::*;

/// Exogenous inputs, indexed for the systems.
#[derive(Resource, Clone, Debug)]
pub struct Environment {
    /// (region, year, factor)
    weather: Vec<(u16, i32, f64)>,
    ice_breakup: Vec<Date>,
    freeze_day: i32,
    /// (front, from, to, supply)
    aid: Vec<(usize, Date, Date, f64)>,
    /// (from, to, share of deliveries that arrive)
    transport: Vec<(Date, Date, f64)>,
}

impl Environment {
    pub fn new(env: &scenario::Environment, regions: &[RegionSpec], fronts: &[scenario::FrontSpec]) -> Environment {
        let region = |id: &str| regions.iter().position(|r| r.id == id).unwrap_or(0) as u16;
        let front = |id: &str| fronts.iter().position(|f| f.id == id).unwrap_or(0);
        Environment {
            weather: env.weather.iter().map(|w| (region(&w.region), w.year, w.factor)).collect(),
            ice_breakup: env.gulf_of_finland_ice_breakup.clone(),
            freeze_day: env.gulf_of_finland_freeze_day,
            aid: env.allied_aid.iter().map(|a| (front(&a.front), a.from, a.to, a.supply)).collect(),
            transport: env.transport_crises.iter().map(|t| (t.from, t.to, t.deliveries)).collect(),
        }
    }

    /// The scheduled weather factor of a region for a harvest year (1 if none).
    pub fn weather(&self, region: u16, year: i32) -> f64 {
        self.weather.iter().find(|(r, y, _)| *r == region && *y == year).map_or(1.0, |(_, _, f)| *f)
    }

    /// Whether the Gulf of Finland is frozen on this date.
    pub fn ice_holds(&self, date: Date) -> bool {
        let year = date.year();
        let breakup = self.ice_breakup.iter().find(|d| d.year() == year);
        let before_breakup = breakup.is_some_and(|b| date < *b);
        let after_freeze = date.day_of_year() >= self.freeze_day;
        before_breakup || after_freeze
    }

    /// Share of the grain sent to the towns that arrives on this date (1 = no crisis).
    pub fn transport(&self, date: Date) -> f64 {
        self.transport.iter().filter(|(from, to, _)| date >= *from && date <= *to).map(|t| t.2).fold(1.0, f64::min)
    }

    /// Allied supply multiplier on a front on this date (1 = no aid).
    pub fn aid(&self, front: usize, date: Date) -> f64 {
        self.aid
            .iter()
            .filter(|(f, from, to, _)| *f == front && date >= *from && date <= *to)
            .map(|(_, _, _, s)| *s)
            .fold(1.0, f64::max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(breakup: &str) -> Environment {
        Environment {
            weather: vec![(2, 1921, 0.3)],
            ice_breakup: vec![breakup.parse().unwrap()],
            freeze_day: 335,
            aid: vec![(1, "1919-01-01".parse().unwrap(), "1919-12-31".parse().unwrap(), 1.5)],
            transport: vec![("1921-01-20".parse().unwrap(), "1921-03-15".parse().unwrap(), 0.6)],
        }
    }

    #[test]
    fn ice_holds_until_breakup_and_after_freeze() {
        let e = env("1921-03-25");
        assert!(e.ice_holds("1921-03-10".parse().unwrap()));
        assert!(!e.ice_holds("1921-03-26".parse().unwrap()));
        assert!(!e.ice_holds("1921-07-01".parse().unwrap()));
        assert!(e.ice_holds("1921-12-20".parse().unwrap()));
    }

    #[test]
    fn weather_and_aid_lookups() {
        let e = env("1921-03-25");
        assert_eq!(e.weather(2, 1921), 0.3);
        assert_eq!(e.weather(2, 1920), 1.0);
        assert_eq!(e.aid(1, "1919-06-01".parse().unwrap()), 1.5);
        assert_eq!(e.aid(1, "1920-06-01".parse().unwrap()), 1.0);
        assert_eq!(e.aid(0, "1919-06-01".parse().unwrap()), 1.0);
        assert_eq!(e.transport("1921-02-01".parse().unwrap()), 0.6);
        assert_eq!(e.transport("1921-04-01".parse().unwrap()), 1.0);
    }
}
