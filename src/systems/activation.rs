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

/// Epstein's estimated arrest probability.
pub fn arrest_probability(params: &crate::scenario::Params, police: f64, active: f64) -> f64 {
    let a = &params.activation;
    let ratio = a.police_power * police / active.max(1.0);
    // ⌊ratio⌋ for a positive ratio, without a call to libm's floor in the per-agent loop.
    let whole = if ratio < 9.0e15 { (ratio as u64) as f64 } else { ratio.floor() };
    epstein_arrest(a.k, whole)
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

/// What activation needs to know this week.
pub struct ActivationWeek<'a> {
    params: &'a crate::scenario::Params,
    geography: &'a Geography,
    /// Repressive force present in each district (with the loyal force at Kronstadt), and the
    /// people active there last week.
    police: Vec<f64>,
    active: &'a [f64],
    rising: &'a [bool],
    military_democracy: bool,
    /// Weekly chance that a green returns home (the Red rear's suppression included).
    green_return: f64,
    streams: AgentStreams,
}

impl<'a> ActivationWeek<'a> {
    pub fn new(
        now: &crate::systems::Now<'a>,
        districts: &'a Districts,
        unrest: &'a Unrest,
        census: &Census,
        military_democracy: bool,
    ) -> ActivationWeek<'a> {
        let crate::systems::Now { clock, params, geography, .. } = *now;
        let a = &params.activation;
        let rear = census.red_army * params.war.red_rear_share;
        let suppression = a.green_suppression * rear / census.greens.max(1.0);
        let police = geography
            .districts
            .iter()
            .enumerate()
            .map(|(d, dist)| districts.police[d] + if dist.kronstadt { params.kronstadt.loyal_force } else { 0.0 })
            .collect();
        ActivationWeek {
            params,
            geography,
            police,
            active: &districts.active,
            rising: &unrest.rising,
            military_democracy,
            green_return: a.green_return + suppression,
            streams: AgentStreams::new(clock.seed, clock.tick, Stream::Activation),
        }
    }
}

/// The active people of the week, by district and region.
#[derive(Clone, Debug, Default)]
pub struct ActivationSums {
    pub active: Vec<f64>,
    pub rural_active: Vec<f64>,
    pub strikers: Vec<f64>,
    pub workers: Vec<f64>,
}

impl ActivationSums {
    pub fn new(regions: usize, districts: usize) -> ActivationSums {
        ActivationSums {
            active: vec![0.0; districts],
            rural_active: vec![0.0; districts],
            strikers: vec![0.0; regions],
            workers: vec![0.0; regions],
        }
    }
}

impl crate::agents::Partial for ActivationSums {
    fn merge(&mut self, o: ActivationSums) {
        crate::agents::add_into(&mut self.active, &o.active);
        crate::agents::add_into(&mut self.rural_active, &o.rural_active);
        crate::agents::add_into(&mut self.strikers, &o.strikers);
        crate::agents::add_into(&mut self.workers, &o.workers);
    }
}

/// Epstein's rule for one agent: it turns active, stays quiet, or joins or leaves the greens.
#[inline]
pub fn act(week: &ActivationWeek, person: &mut Person, mind: &Mind, sums: &mut ActivationSums) {
    if !person.alive() {
        return;
    }
    let a = &week.params.activation;
    let d = person.district as usize;
    let region = week.geography.district_region[d] as usize;
    match person.status {
        Status::Quiet | Status::Active => {
            let own = if person.status == Status::Active { 0.0 } else { person.weight as f64 };
            let arrest = arrest_probability(week.params, week.police[d], week.active[d] + own);
            let disciplined = person.role == Role::Soldier && !week.military_democracy;
            let now_active = is_active(week.params, mind.grievance as f64, mind.risk_aversion(), arrest, disciplined);
            person.status = if now_active { Status::Active } else { Status::Quiet };
            if now_active
                && person.role == Role::Peasant
                && week.rising[region]
                && week.streams.agent(person.id).uniform() < a.green_join
            {
                person.status = Status::Green;
            }
        }
        Status::Green if week.streams.agent(person.id).uniform() < week.green_return => {
            person.status = Status::Quiet;
            person.district = person.home;
        }
        _ => {}
    }
    let w = person.weight as f64;
    if person.role == Role::Worker && person.industrial && person.status != Status::Jailed {
        sums.workers[region] += w;
    }
    if person.status == Status::Active {
        sums.active[d] += w;
        match person.role {
            Role::Peasant => sums.rural_active[d] += w,
            Role::Worker if person.industrial => sums.strikers[region] += w,
            Role::Worker | Role::Soldier => {}
        }
    }
}

/// District uprisings (in the villages), regional risings and strike waves, from the week's
/// active people.
pub fn uprisings(
    now: &crate::systems::Now,
    sums: ActivationSums,
    state: (&mut Districts, &mut Unrest, &mut Ledger, &mut EventLog),
) {
    let crate::systems::Now { clock, params, geography, control } = *now;
    let (districts, unrest, ledger, log) = state;
    let a = &params.activation;
    let n = districts.population.len();
    let nr = geography.regions.len();
    districts.active = sums.active;
    let mut uprisings_in_region = vec![0u32; nr];
    for d in 0..n {
        let dist = &geography.districts[d];
        if dist.urban {
            continue;
        }
        let share = sums.rural_active[d] / districts.population[d].max(1.0);
        if districts.uprising_weeks[d] == 0 {
            if share > a.uprising_start {
                districts.uprising_weeks[d] = 1;
                ledger.uprisings += 1;
                let region = &geography.regions[dist.region as usize].id;
                let detail = format!("{:.0}% of the district active", share * 100.0);
                log.push_district(clock, "uprising_started", region, d, sums.rural_active[d], &detail);
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
            log.push(clock, "regional_rising", id, uprisings_in_region[r] as f64, "district uprisings joined");
        } else if unrest.rising[r] && uprisings_in_region[r] == 0 {
            unrest.rising[r] = false;
        }
        unrest.strike_share[r] = sums.strikers[r] / sums.workers[r].max(1.0);
        if !unrest.strike_wave[r] && unrest.strike_share[r] > a.strike_wave {
            unrest.strike_wave[r] = true;
            log.push(clock, "strike_wave", id, sums.strikers[r], "share of workers on strike above the threshold");
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
