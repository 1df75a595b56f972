//! Mechanism 12: metrics — the tick's state aggregated into the metrics of INTERFACE.md.

use crate::metrics::{Metrics, POODS_PER_TONNE};
use crate::model::*;
use crate::scenario::Party;
use crate::systems::{Coefficients, soviets::effective_parties};
use bevy_ecs::prelude::*;

#[allow(clippy::too_many_arguments)]
pub fn metrics(
    params: Res<Coefficients>,
    geography: Res<Geography>,
    control: Res<Control>,
    government: Res<Government>,
    economy: Res<Economy>,
    soviets: Res<Soviets>,
    ledger: Res<Ledger>,
    mut districts: ResMut<Districts>,
    mut metrics: ResMut<Metrics>,
    agents: Query<(&Person, &Mind)>,
) {
    let n = districts.population.len();
    let mut population = vec![0.0; n];
    let (mut total, mut urban, mut industrial, mut strikers) = (0.0, 0.0, 0.0, 0.0);
    let mut cities = [0.0; CITY_IDS.len()];
    let (mut red, mut white, mut green, mut rebels) = (0.0, 0.0, 0.0, 0.0);
    let mut support = [(0.0, 0.0); 3];
    let mut parties = [0.0; Party::COUNT];
    for (person, mind) in agents.iter() {
        if !person.alive() {
            continue;
        }
        let w = person.weight as f64;
        let dist = &geography.districts[person.district as usize];
        total += w;
        population[person.district as usize] += w;
        parties[mind.party.index()] += w;
        let role = match person.role {
            Role::Peasant => 0,
            Role::Worker => 1,
            Role::Soldier => 2,
        };
        support[role].0 += w * mind.support as f64;
        support[role].1 += w;
        match person.role {
            Role::Worker => {
                if dist.urban {
                    urban += w;
                }
                if let Some(c) = dist.city {
                    cities[c as usize] += w;
                }
                if person.industrial && person.status != Status::Jailed {
                    industrial += w;
                }
                if person.industrial && person.status == Status::Active {
                    strikers += w;
                }
            }
            Role::Soldier => match person.army {
                Army::Red if person.status != Status::Jailed => red += w,
                Army::White => white += w,
                _ => {}
            },
            Role::Peasant => {}
        }
        match person.status {
            Status::Green => green += w,
            Status::Active if !(person.role == Role::Worker && person.industrial) => rebels += w,
            _ => {}
        }
    }
    districts.population = population;
    let pop_soviet: f64 =
        (0..n).filter(|d| control.soviet(geography.districts[*d].region)).map(|d| districts.population[d]).sum();
    // Soviets: democracy index and pluralism over Soviet territory.
    let (mut democratic, mut weighted) = (0.0, 0.0);
    let mut delegates = [0.0; Party::COUNT];
    for (d, soviet) in soviets.district.iter().enumerate() {
        if !control.soviet(geography.districts[d].region) {
            continue;
        }
        let people = districts.population[d];
        weighted += people;
        if soviet.status == SovietStatus::Functioning {
            democratic += people * soviet.autonomy;
        }
        for (i, s) in soviet.shares.iter().enumerate() {
            delegates[i] += people * s;
        }
    }
    let harvest_mt = economy.last_harvest / POODS_PER_TONNE / 1e6;
    let food_in = economy.state_to_cities + economy.bag_to_cities;
    let target = params.repression.cheka_per_capita * pop_soviet;
    let share = |p: Party| parties[p.index()] / total.max(1.0);
    let m = &mut metrics;
    m.set("population_total", total);
    m.set("population_soviet", pop_soviet);
    m.set("territory_soviet_share", pop_soviet / total.max(1.0));
    m.set("urban_population", urban);
    m.set("petrograd_population", cities[0]);
    m.set("moscow_population", cities[1]);
    m.set("industrial_workers", industrial);
    m.set("strikers", strikers);
    m.set("famine_deaths_cum", (ledger.deaths_by(Cause::Hunger) + ledger.deaths_by(Cause::Disease)) as f64);
    m.set("violent_deaths_cum", (ledger.deaths_by(Cause::Combat) + ledger.deaths_by(Cause::Execution)) as f64);
    m.set("harvest_last_mt", harvest_mt);
    m.set("sown_area_index", economy.last_sown / economy.base_sown.max(1.0));
    m.set("grain_procured_cum_mpoods", ledger.grain_procured_soviet / 1e6);
    m.set("bag_trade_share", if food_in > 0.0 { economy.bag_to_cities / food_in } else { 0.0 });
    m.set("urban_food_ratio", economy.urban_food_ratio);
    m.set("industrial_output_index", economy.industrial_output);
    let agriculture_index = economy.last_harvest / economy.base_harvest.max(1.0);
    let per_head = economy.base_population / total.max(1.0);
    m.set(
        "gdp_index",
        (params.cities.agriculture_weight * agriculture_index
            + (1.0 - params.cities.agriculture_weight) * economy.industrial_output)
            * per_head,
    );
    m.set("red_army", red);
    m.set("white_armies", white);
    m.set("deserters_cum", ledger.deserters);
    m.set("green_insurgents", green);
    m.set("active_rebels", rebels + green);
    m.set("uprisings_cum", ledger.uprisings as f64);
    m.set("uprisings_active", districts.uprising_weeks.iter().filter(|w| **w > 0).count() as f64);
    m.set("party_members", government.party_members);
    m.set("cheka_size", government.cheka);
    m.set("arrests_cum", ledger.arrests);
    m.set("executions_cum", ledger.executions);
    m.set("repression_index", (government.policy.terror * government.cheka / target.max(1.0)).clamp(0.0, 1.0));
    m.set("soviet_democracy_index", if weighted > 0.0 { democratic / weighted } else { 0.0 });
    m.set("party_pluralism", effective_parties(&delegates));
    m.set("congress_share_bolshevik", soviets.congress[Party::Bolshevik.index()]);
    m.set("congress_share_left_sr", soviets.congress[Party::LeftSr.index()]);
    m.set("centralization", government.centralization);
    m.set("worker_control_share", government.worker_control);
    m.set("support_peasants", support[0].0 / support[0].1.max(1.0));
    m.set("support_workers", support[1].0 / support[1].1.max(1.0));
    m.set("support_soldiers", support[2].0 / support[2].1.max(1.0));
    m.set("support_bolshevik", share(Party::Bolshevik));
    m.set("support_left_sr", share(Party::LeftSr));
    m.set("support_sr", share(Party::Sr));
    m.set("support_menshevik", share(Party::Menshevik));
    m.set("support_anarchist", share(Party::Anarchist));
    m.set("support_kadet", share(Party::Kadet));
}
