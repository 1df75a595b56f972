//! Mechanism 12: the census and the metrics — the week's people counted once, after deaths
//! and births, into [`Census`] (which the next week's systems read), and the metrics of
//! INTERFACE.md computed from it by the table in `crate::metrics`.

use crate::metrics::{Metrics, Sources};
use crate::model::*;
use crate::scenario::Party;
use crate::systems::{Coefficients, soviets::effective_parties};
use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;

/// A census's partial sums (one chunk of agents): the census and the people in each district.
#[derive(Clone, Debug, Default)]
pub struct CensusSums {
    pub census: Census,
    pub by_district: Vec<f64>,
}

impl CensusSums {
    pub fn new(regions: usize, districts: usize) -> CensusSums {
        let census = Census {
            workers_by_region: vec![0.0; regions],
            workforce_by_region: vec![0.0; regions],
            ..Default::default()
        };
        CensusSums { census, by_district: vec![0.0; districts] }
    }

    /// The week's census, and the people present in each district.
    pub fn book(self, census: &mut Census, districts: &mut Districts) {
        *census = self.census;
        districts.population = self.by_district;
    }
}

impl crate::agents::Partial for CensusSums {
    fn merge(&mut self, other: CensusSums) {
        crate::agents::add_into(&mut self.by_district, &other.by_district);
        let (a, b) = (&mut self.census, other.census);
        a.total += b.total;
        a.urban += b.urban;
        crate::agents::add_into(&mut a.cities, &b.cities);
        a.industrial_workers += b.industrial_workers;
        a.strikers += b.strikers;
        crate::agents::add_into(&mut a.workers_by_region, &b.workers_by_region);
        crate::agents::add_into(&mut a.workforce_by_region, &b.workforce_by_region);
        a.red_army += b.red_army;
        a.white_armies += b.white_armies;
        a.greens += b.greens;
        a.rebels += b.rebels;
        for (x, y) in a.support.iter_mut().zip(b.support) {
            x.0 += y.0;
            x.1 += y.1;
        }
        crate::agents::add_into(&mut a.parties, &b.parties);
    }
}

/// Counts one agent.
#[inline]
pub fn count(geography: &Geography, person: &Person, mind: &Mind, sums: &mut CensusSums) {
    if !person.alive() {
        return;
    }
    let w = person.weight as f64;
    let d = person.district as usize;
    sums.by_district[d] += w;
    let c = &mut sums.census;
    let dist = &geography.districts[d];
    c.total += w;
    c.parties[mind.party.index()] += w;
    let role = match person.role {
        Role::Peasant => 0,
        Role::Worker => 1,
        Role::Soldier => 2,
    };
    c.support[role].0 += w * mind.support as f64;
    c.support[role].1 += w;
    let jailed = person.status == Status::Jailed;
    match person.role {
        Role::Worker => {
            if dist.urban {
                c.urban += w;
            }
            if let Some(city) = dist.city {
                c.cities[city as usize] += w;
            }
            if !jailed {
                c.workers_by_region[dist.region as usize] += w;
            }
            if person.industrial && !jailed {
                c.industrial_workers += w;
            }
            if person.industrial && person.status == Status::Quiet {
                c.workforce_by_region[dist.region as usize] += w;
            }
            if person.industrial && person.status == Status::Active {
                c.strikers += w;
            }
        }
        Role::Soldier => match person.army {
            Army::Red if !jailed => c.red_army += w,
            Army::White => c.white_armies += w,
            _ => {}
        },
        Role::Peasant => {}
    }
    match person.status {
        Status::Green => c.greens += w,
        Status::Active if !(person.role == Role::Worker && person.industrial) => c.rebels += w,
        _ => {}
    }
}

/// What the metrics are computed from.
#[derive(SystemParam)]
pub struct MetricState<'w> {
    params: Res<'w, Coefficients>,
    geography: Res<'w, Geography>,
    control: Res<'w, Control>,
    government: Res<'w, Government>,
    economy: Res<'w, Economy>,
    soviets: Res<'w, Soviets>,
    ledger: Res<'w, Ledger>,
    census: Res<'w, Census>,
    districts: Res<'w, Districts>,
}

/// The soviets over Soviet territory: the democracy index and the delegates' party shares.
fn soviet_record(state: &MetricState) -> (f64, [f64; Party::COUNT]) {
    let (mut democratic, mut weighted) = (0.0, 0.0);
    let mut delegates = [0.0; Party::COUNT];
    for (d, soviet) in state.soviets.district.iter().enumerate() {
        if !state.control.soviet(state.geography.district_region[d]) {
            continue;
        }
        let people = state.districts.population[d];
        weighted += people;
        if soviet.status == SovietStatus::Functioning {
            democratic += people * soviet.autonomy;
        }
        for (i, s) in soviet.shares.iter().enumerate() {
            delegates[i] += people * s;
        }
    }
    (if weighted > 0.0 { democratic / weighted } else { 0.0 }, delegates)
}

fn ratio(a: f64, b: f64) -> f64 {
    a / b.max(1.0)
}

/// The week's aggregates of the metric table, from the census and the state's records.
fn sources(state: &MetricState) -> Sources {
    let c = &*state.census;
    let e = &*state.economy;
    let ledger = &*state.ledger;
    let g = &*state.government;
    let params = &*state.params;
    let population_soviet: f64 = (0..state.districts.population.len())
        .filter(|d| state.control.soviet(state.geography.district_region[*d]))
        .map(|d| state.districts.population[d])
        .sum();
    let (soviet_democracy, delegates) = soviet_record(state);
    let deaths = |causes: [Cause; 2]| causes.iter().map(|k| ledger.deaths_by(*k)).sum::<u64>() as f64;
    let food_in = e.state_to_cities + e.bag_to_cities;
    let weight = params.cities.agriculture_weight;
    let agriculture = e.last_harvest / e.base_harvest.max(1.0);
    let cheka_target = params.repression.cheka_per_capita * population_soviet;
    let vote = |p: Party| ratio(c.parties[p.index()], c.total);
    let support = |role: usize| ratio(c.support[role].0, c.support[role].1);
    Sources {
        population_total: c.total,
        population_soviet,
        urban: c.urban,
        petrograd: c.cities[0],
        moscow: c.cities[1],
        industrial_workers: c.industrial_workers,
        strikers: c.strikers,
        famine_deaths: deaths([Cause::Hunger, Cause::Disease]),
        violent_deaths: deaths([Cause::Combat, Cause::Execution]),
        population_start: ledger.people.iter().map(|l| l.start).sum::<u64>() as f64,
        births: ledger.people.iter().map(|l| l.births).sum::<u64>() as f64,
        ordinary_deaths: ledger.deaths_by(Cause::Ordinary) as f64,
        last_harvest: e.last_harvest,
        sown_index: ratio(e.last_sown, e.base_sown),
        procured: ledger.grain_procured_soviet,
        bag_share: if food_in > 0.0 { e.bag_to_cities / food_in } else { 0.0 },
        urban_food_ratio: e.urban_food_ratio,
        money_stock: e.money_stock,
        price_level: e.price_level,
        real_wage: e.real_wage,
        free_price: e.free_price * e.price_level,
        fixed_price: e.fixed_price,
        bag_seized: e.bag_seized,
        industrial_output: e.industrial_output,
        gdp: (weight * agriculture + (1.0 - weight) * e.industrial_output) * ratio(e.base_population, c.total),
        red_army: c.red_army,
        white_armies: c.white_armies,
        deserters: ledger.deserters,
        deserters_returned: ledger.deserters_returned,
        greens: c.greens,
        rebels: c.rebels,
        uprisings_started: ledger.uprisings as f64,
        uprisings_active: state.districts.uprising_weeks.iter().filter(|w| **w > 0).count() as f64,
        party_members: g.party_members,
        cheka: g.cheka,
        arrests: ledger.arrests,
        executions: ledger.executions,
        repression_index: (g.policy.terror * g.cheka / cheka_target.max(1.0)).clamp(0.0, 1.0),
        soviet_democracy,
        pluralism: effective_parties(&delegates),
        congress_bolshevik: state.soviets.congress[Party::Bolshevik.index()],
        congress_left_sr: state.soviets.congress[Party::LeftSr.index()],
        centralization: g.centralization,
        worker_control: g.worker_control,
        support_peasants: support(0),
        support_workers: support(1),
        support_soldiers: support(2),
        vote_bolshevik: vote(Party::Bolshevik),
        vote_left_sr: vote(Party::LeftSr),
        vote_sr: vote(Party::Sr),
        vote_menshevik: vote(Party::Menshevik),
        vote_anarchist: vote(Party::Anarchist),
        vote_kadet: vote(Party::Kadet),
    }
}

/// Computes this week's metrics from the census and the state.
pub fn metrics(state: MetricState, mut metrics: ResMut<Metrics>) {
    *metrics = Metrics::compute(&sources(&state));
}
