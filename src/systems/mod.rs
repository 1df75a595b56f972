//! The mechanisms of MODEL.md §6, one file each. Each system's doc comment names its
//! mechanism and its source; its coefficients come from [`Coefficients`].

use bevy_ecs::prelude::*;

pub mod activation;
pub mod agriculture;
pub mod cities;
pub mod demography;
pub mod events;
pub mod kronstadt;
pub mod loyalty;
pub mod market;
pub mod metrics;
pub mod party;
pub mod procurement;
pub mod repression;
pub mod soviets;
pub mod war;

pub mod passes;

/// What most systems read: the clock, the parameters, the map and who holds it.
#[derive(Clone, Copy)]
pub struct Now<'a> {
    pub clock: &'a crate::model::Clock,
    pub params: &'a crate::scenario::Params,
    pub geography: &'a crate::model::Geography,
    pub control: &'a crate::model::Control,
}

/// The scenario's parameters, as a resource.
#[derive(Resource, Clone, Debug)]
pub struct Coefficients(pub crate::scenario::Params);

impl std::ops::Deref for Coefficients {
    type Target = crate::scenario::Params;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

/// Rounds `people × probability` to whole people with a random remainder, so that expected
/// values are exact and every person stays whole.
pub fn whole_people(rng: &mut impl rand::RngExt, people: u32, probability: f64) -> u32 {
    let expected = people as f64 * probability.clamp(0.0, 1.0);
    if expected <= 0.0 {
        return 0;
    }
    // `expected` is positive and at most `people`: truncation is the floor.
    let whole = expected as u32;
    let extra = u32::from(rng.random::<f64>() < expected - whole as f64);
    (whole + extra).min(people)
}

/// Whether the date's month lies in the inclusive month window (which may wrap past December).
pub fn in_months(month: u32, window: (u32, u32)) -> bool {
    if window.0 <= window.1 { (window.0..=window.1).contains(&month) } else { month >= window.0 || month <= window.1 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn whole_people_is_unbiased_and_bounded() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let total: u32 = (0..10_000).map(|_| whole_people(&mut rng, 10, 0.25)).sum();
        assert!((total as f64 / 10_000.0 - 2.5).abs() < 0.05);
        assert_eq!(whole_people(&mut rng, 7, 1.5), 7);
    }

    #[test]
    fn month_windows_wrap() {
        assert!(in_months(1, (8, 3)));
        assert!(in_months(8, (8, 3)));
        assert!(!in_months(5, (8, 3)));
        assert!(in_months(5, (4, 6)));
    }
}
