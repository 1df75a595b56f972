//! Mechanism 8: activation — rebellion, strikes and mutiny by Epstein's rule, district
//! uprisings, regional risings, strike waves and green armies.
//!
//! Epstein (2002), "Modeling civil violence", PNAS 99: an agent turns active when
//! G − R × P > T, with P = 1 − exp(−k × ⌊C / A⌋) its estimate of arrest, C the repressive
//! force in its neighbourhood and A the active agents there (itself included). Here the
//! neighbourhood is the district, as the Cheka counted uprisings by uezd (MODEL.md §3; seed
//! 004 L2347-2349: 245 uprisings in 1918, "most of these were provoked by the grain
//! requisitions"). Uprisings that grow join into regional risings (Tambov 1920-21, West
//! Siberia 1921).

use crate::model::*;
use crate::systems::Coefficients;
use bevy_ecs::prelude::*;
use rand::RngExt;

/// Epstein's estimated arrest probability.
pub fn arrest_probability(params: &crate::scenario::Params, police: f64, active: f64) -> f64 {
    let a = &params.activation;
    epstein_arrest(a.k, (a.police_power * police / active.max(1.0)).floor())
}

/// P = 1 − exp(−k × ratio) for a cops-to-actives ratio already made whole (Epstein: ⌊C/A⌋);
/// zero below one. Shared with the reference model (`crate::reference::epstein`).
pub fn epstein_arrest(k: f64, whole_ratio: f64) -> f64 {
    if whole_ratio < 1.0 { 0.0 } else { 1.0 - (-k * whole_ratio).exp() }
}

/// Epstein's rule: active when G − R × P > T. Shared with the reference model.
pub fn rebels(grievance: f64, risk_aversion: f64, arrest: f64, threshold: f64) -> bool {
    grievance - risk_aversion * arrest > threshold
}

/// Whether an agent turns (or stays) active. `disciplined`: a soldier under officers'
/// discipline (no military democracy) needs more grievance to act.
pub fn is_active(
    params: &crate::scenario::Params,
    grievance: f64,
    risk_aversion: f64,
    arrest: f64,
    disciplined: bool,
) -> bool {
    let a = &params.activation;
    let threshold = if disciplined { a.threshold * a.soldier_threshold } else { a.threshold };
    rebels(grievance, risk_aversion, arrest, threshold)
}

#[allow(clippy::too_many_arguments)]
pub fn activation(
    clock: Res<Clock>,
    params: Res<Coefficients>,
    geography: Res<Geography>,
    control: Res<Control>,
    metrics: Res<crate::metrics::Metrics>,
    government: Res<Government>,
    mut districts: ResMut<Districts>,
    mut unrest: ResMut<Unrest>,
    mut ledger: ResMut<Ledger>,
    mut log: ResMut<EventLog>,
    mut agents: Query<(&mut Person, &Mind)>,
) {
    let a = &params.activation;
    let n = districts.population.len();
    let nr = geography.regions.len();
    let mut active = vec![0.0; n];
    let mut rural_active = vec![0.0; n];
    let mut strikers = vec![0.0; nr];
    let mut workers = vec![0.0; nr];
    let greens = metrics.get("green_insurgents");
    let rear = metrics.get("red_army") * params.war.red_rear_share;
    let suppression = a.green_suppression * rear / greens.max(1.0);
    let mut rng = BlockRng::new(&clock, Stream::Activation);
    for (mut person, mind) in agents.iter_mut() {
        if !person.alive() {
            continue;
        }
        let d = person.district as usize;
        let region = geography.districts[d].region as usize;
        let rng = rng.for_agent(person.id);
        match person.status {
            Status::Quiet | Status::Active => {
                let mut police = districts.police[d];
                if geography.districts[d].kronstadt {
                    police += params.kronstadt.loyal_force;
                }
                let own = if person.status == Status::Active { 0.0 } else { person.weight as f64 };
                let arrest = arrest_probability(&params, police, districts.active[d] + own);
                let disciplined = person.role == Role::Soldier && !government.policy.military_democracy;
                let now_active =
                    is_active(&params, mind.grievance as f64, mind.risk_aversion as f64, arrest, disciplined);
                person.status = if now_active { Status::Active } else { Status::Quiet };
                if now_active
                    && person.role == Role::Peasant
                    && unrest.rising[region]
                    && rng.random::<f64>() < a.green_join
                {
                    person.status = Status::Green;
                }
            }
            Status::Green if rng.random::<f64>() < a.green_return + suppression => {
                person.status = Status::Quiet;
                person.district = person.home;
            }
            _ => {}
        }
        if person.role == Role::Worker && person.industrial && person.status != Status::Jailed {
            workers[region] += person.weight as f64;
        }
        if person.status == Status::Active {
            active[d] += person.weight as f64;
            match person.role {
                Role::Peasant => rural_active[d] += person.weight as f64,
                Role::Worker if person.industrial => strikers[region] += person.weight as f64,
                Role::Worker => {}
                Role::Soldier => {}
            }
        }
    }
    districts.active = active;
    // District uprisings (in the villages) and regional risings.
    let mut uprisings_in_region = vec![0u32; nr];
    for d in 0..n {
        let dist = &geography.districts[d];
        if dist.urban {
            continue;
        }
        let share = rural_active[d] / districts.population[d].max(1.0);
        if districts.uprising_weeks[d] == 0 {
            if share > a.uprising_start {
                districts.uprising_weeks[d] = 1;
                ledger.uprisings += 1;
                let region = &geography.regions[dist.region as usize].id;
                let detail = format!("{:.0}% of the district active", share * 100.0);
                log.push_district(&clock, "uprising_started", region, d, rural_active[d], &detail);
            }
        } else if share < a.uprising_end {
            districts.uprising_weeks[d] = 0;
        } else {
            districts.uprising_weeks[d] += 1;
        }
        if districts.uprising_weeks[d] > 0 {
            uprisings_in_region[dist.region as usize] += 1;
        }
    }
    for r in 0..nr {
        let id = &geography.regions[r].id;
        if !unrest.rising[r] && uprisings_in_region[r] >= a.regional_rising && control.soviet(r as u16) {
            unrest.rising[r] = true;
            log.push(&clock, "regional_rising", id, uprisings_in_region[r] as f64, "district uprisings joined");
        } else if unrest.rising[r] && uprisings_in_region[r] == 0 {
            unrest.rising[r] = false;
        }
        unrest.strike_share[r] = strikers[r] / workers[r].max(1.0);
        if !unrest.strike_wave[r] && unrest.strike_share[r] > a.strike_wave {
            unrest.strike_wave[r] = true;
            log.push(&clock, "strike_wave", id, strikers[r], "share of workers on strike above the threshold");
        } else if unrest.strike_wave[r] && unrest.strike_share[r] < a.strike_wave {
            unrest.strike_wave[r] = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_police_per_rebel_deters() {
        let params = crate::testing::params();
        let few = arrest_probability(&params, 100.0, 10_000.0);
        let many = arrest_probability(&params, 10_000.0, 10_000.0);
        assert!(many > few);
        assert_eq!(arrest_probability(&params, 0.0, 10_000.0), 0.0);
    }

    #[test]
    fn grievance_activates_and_risk_aversion_restrains() {
        let params = crate::testing::params();
        let t = params.activation.threshold;
        assert!(is_active(&params, t + 0.2, 0.5, 0.0, false));
        assert!(!is_active(&params, t - 0.05, 0.5, 0.0, false));
        assert!(!is_active(&params, t + 0.2, 1.0, 0.9, false));
    }

    #[test]
    fn discipline_restrains_soldiers_and_military_democracy_lifts_it() {
        let params = crate::testing::params();
        let g = params.activation.threshold * (1.0 + params.activation.soldier_threshold) / 2.0;
        assert!(params.activation.soldier_threshold > 1.0);
        assert!(is_active(&params, g, 0.0, 0.0, false), "a soldier with elected officers acts");
        assert!(!is_active(&params, g, 0.0, 0.0, true), "a disciplined soldier does not");
    }
}
