//! Building the `World` from a resolved scenario: regions, districts, agents, institutions.

use crate::metrics::Metrics;
use crate::model::*;
use crate::scenario::{Legality, Party, Resolved};
use crate::systems::events::{Environment, Plan};
use bevy_ecs::prelude::*;
use rand::RngExt;

/// Splits `total` people into `n` integer weights that add up exactly.
fn split_weights(total: u64, n: u64) -> impl Iterator<Item = u32> {
    let base = total / n.max(1);
    let rest = total % n.max(1);
    (0..n).map(move |i| (base + u64::from(i < rest)) as u32)
}

/// Samples an index from unnormalised weights.
fn sample(rng: &mut impl RngExt, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut x = rng.random::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

/// A normal draw (Box-Muller) for initial spreads.
pub fn normal(rng: &mut impl RngExt) -> f64 {
    let u1: f64 = rng.random::<f64>().max(1e-12);
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

struct Spawner<'a> {
    world: &'a mut World,
    next_id: u32,
    rng: rand_chacha::ChaCha8Rng,
    batch: Vec<(Person, Household, Mind)>,
}

impl Spawner<'_> {
    fn push(&mut self, person: Person, household: Household, mind: Mind) {
        self.batch.push((Person { id: self.next_id, ..person }, household, mind));
        self.next_id += 1;
    }
    fn flush(&mut self) {
        self.world.spawn_batch(std::mem::take(&mut self.batch));
    }
}

/// Builds the world of a run: every entity and resource, ready for the first tick.
pub fn build(resolved: &Resolved, seed: u64, scale: u32) -> World {
    let s = &resolved.scenario;
    let p = resolved.params();
    let pop = &p.population;
    let scale = scale.max(1);
    let mut world = World::new();
    let clock = Clock { tick: 0, date: resolved.start(), start: resolved.start(), end: resolved.end(), seed, scale };

    // Geography: districts shared among regions by population.
    let total_pop: f64 = s.regions.iter().map(|r| r.population).sum();
    let mut regions = Vec::new();
    let mut districts = Vec::new();
    for (ri, r) in s.regions.iter().enumerate() {
        let n = ((r.population / total_pop * pop.districts as f64).round() as usize).max(2);
        let n_urban = ((n as f64 * r.urban_share).round() as usize).clamp(1, n - 1);
        let urban_pop = r.population * r.urban_share;
        let n_city = r
            .city
            .as_ref()
            .map_or(0, |c| ((c.population / urban_pop * n_urban as f64).round() as usize).clamp(1, n_urban));
        let city_index = r.city.as_ref().and_then(|c| CITY_IDS.iter().position(|id| *id == c.id)).map(|i| i as u8);
        let mut region = Region {
            id: r.id.clone(),
            name: r.name.clone(),
            urban_share: r.urban_share,
            industry_share: r.industry_share,
            coal_share: r.coal_share,
            grain_per_rural_person: r.grain_per_rural_person,
            other_food_share: r.other_food_share,
            national_vote: r.national_vote,
            makhnovist_base: r.makhnovist_base,
            rural_districts: Vec::new(),
            urban_districts: Vec::new(),
        };
        for i in 0..n {
            let urban = i < n_urban;
            let d = districts.len() as u16;
            districts.push(District {
                region: ri as u16,
                urban,
                city: if i < n_city { city_index } else { None },
                kronstadt: false,
            });
            if urban { region.urban_districts.push(d) } else { region.rural_districts.push(d) }
        }
        if r.fortress {
            let d = districts.len() as u16;
            districts.push(District { region: ri as u16, urban: true, city: None, kronstadt: true });
            region.urban_districts.push(d);
        }
        regions.push(region);
    }
    let geography = Geography { regions, districts };

    // People: every district's civilians, the old army, the Red Guards, the garrison.
    let mut spawner =
        Spawner { world: &mut world, next_id: 0, rng: stream_rng(seed, 0, Stream::Build, 0), batch: Vec::new() };
    let mut ledger = Ledger { people: vec![PeopleLedger::default(); s.regions.len()], ..Default::default() };
    let army_share = pop.old_army / total_pop;
    let guards_share = pop.red_guards / total_pop;
    let kronstadt_people = pop.kronstadt_garrison;
    let party_shares = |role: Role| match role {
        Role::Peasant => pop.peasant_parties,
        Role::Worker => pop.worker_parties,
        Role::Soldier => pop.soldier_parties,
    };
    let mut grain_start = 0.0;
    let rural_all: Vec<u16> = geography.regions.iter().flat_map(|r| r.rural_districts.iter().copied()).collect();
    for (ri, r) in s.regions.iter().enumerate() {
        let region = &geography.regions[ri];
        let urban_pop = r.population * r.urban_share;
        let rural_pop = r.population - urban_pop;
        let city_pop = r.city.as_ref().map_or(0.0, |c| c.population);
        let n_city = geography.regions[ri]
            .urban_districts
            .iter()
            .filter(|d| geography.districts[**d as usize].city.is_some())
            .count();
        let plain_urban: Vec<u16> = region
            .urban_districts
            .iter()
            .copied()
            .filter(|d| {
                let d = &geography.districts[*d as usize];
                d.city.is_none() && !d.kronstadt
            })
            .collect();
        let industrial_here = pop.industrial_workers * r.industry_share;
        let industrial_share = (industrial_here / urban_pop.max(1.0)).min(1.0);
        let mut district_people: Vec<(u16, f64)> = Vec::new();
        for &d in &region.urban_districts {
            let dist = &geography.districts[d as usize];
            let people = if dist.kronstadt {
                0.0
            } else if dist.city.is_some() {
                city_pop / n_city as f64
            } else if plain_urban.is_empty() {
                0.0
            } else {
                (urban_pop - city_pop).max(0.0) / plain_urban.len() as f64
            };
            district_people.push((d, people));
        }
        for &d in &region.rural_districts {
            district_people.push((d, rural_pop / region.rural_districts.len() as f64));
        }
        for (d, people) in district_people {
            let urban = geography.districts[d as usize].urban;
            let civil_role = if urban { Role::Worker } else { Role::Peasant };
            let soldiers = people * army_share;
            let guards = if urban { people * guards_share * (1.0 / r.urban_share).min(4.0) } else { 0.0 };
            let civilians = people - soldiers - guards;
            let home_village = |rng: &mut rand_chacha::ChaCha8Rng| {
                region.rural_districts[rng.random_range(0..region.rural_districts.len())]
            };
            for (role, army, people) in [
                (civil_role, Army::None, civilians),
                (Role::Soldier, Army::Old, soldiers),
                (Role::Soldier, Army::Red, guards),
            ] {
                let total = people.max(0.0).round() as u64;
                let n = (total as f64 / scale as f64).round().max(1.0) as u64;
                if total == 0 {
                    continue;
                }
                for weight in split_weights(total, n) {
                    let rng = &mut spawner.rng;
                    let origin = match (role, army) {
                        (Role::Soldier, Army::Old) if rng.random::<f64>() < pop.old_army_worker_share => Role::Worker,
                        (Role::Soldier, Army::Old) => Role::Peasant,
                        (Role::Soldier, _) => Role::Worker,
                        (r, _) => r,
                    };
                    let home = if origin == Role::Peasant && urban { home_village(rng) } else { d };
                    let home = if role == Role::Soldier && origin == Role::Peasant && !urban { d } else { home };
                    let role_index = match role {
                        Role::Peasant => 0,
                        Role::Worker => 1,
                        Role::Soldier => 2,
                    };
                    let support = (pop.initial_support[role_index] + pop.support_spread * normal(rng)).clamp(0.0, 1.0);
                    let shares = party_shares(role);
                    let mut weights: Vec<f64> = shares.iter().map(|x| x * (1.0 - r.national_vote)).collect();
                    weights.push(r.national_vote);
                    let party = Party::from_index(sample(rng, &weights));
                    let village_ties = rng.random::<f64>() < pop.village_ties_share;
                    let industrial = role == Role::Worker && rng.random::<f64>() < industrial_share;
                    let risk_aversion = rng.random::<f64>() as f32;
                    let exposure = 2.0 * rng.random::<f64>() as f32;
                    let worker_home = if role == Role::Worker { home_village(rng) } else { home };
                    let mut household = Household { food_ratio: 1.0, ..Default::default() };
                    if origin == Role::Peasant {
                        let land = weight as f64;
                        household.land = land;
                        household.sown = land * p.agriculture.winter_crop_share;
                        if role == Role::Peasant {
                            household.grain = land * r.grain_per_rural_person * pop.initial_grain_share;
                            grain_start += household.grain;
                        }
                    }
                    ledger.people[ri].start += weight as u64;
                    spawner.push(
                        Person {
                            id: 0,
                            role,
                            origin,
                            status: Status::Quiet,
                            army,
                            district: if role == Role::Soldier { home } else { d },
                            home: worker_home,
                            weight,
                            front: u8::MAX,
                            jailed_until: 0,
                            village_ties,
                            industrial,
                        },
                        household,
                        Mind { support: support as f32, hardship: 0.0, grievance: 0.0, risk_aversion, exposure, party },
                    );
                }
            }
        }
        if r.fortress {
            let fortress = *region.urban_districts.last().expect("fortress district");
            let total = kronstadt_people.round() as u64;
            let n = (total as f64 / scale as f64).round().max(1.0) as u64;
            for weight in split_weights(total, n) {
                let rng = &mut spawner.rng;
                let support = (pop.initial_support[2] + pop.support_spread * normal(rng)).clamp(0.0, 1.0);
                let mut weights: Vec<f64> = pop.soldier_parties.to_vec();
                weights.push(0.0);
                let party = Party::from_index(sample(rng, &weights));
                let risk_aversion = rng.random::<f64>() as f32;
                let exposure = 2.0 * rng.random::<f64>() as f32;
                // The sailors came from villages all over the empire (MODEL §6, Kronstadt).
                let sailor_home = rural_all[rng.random_range(0..rural_all.len())];
                ledger.people[geography.districts[sailor_home as usize].region as usize].start += weight as u64;
                spawner.push(
                    Person {
                        id: 0,
                        role: Role::Soldier,
                        origin: Role::Peasant,
                        status: Status::Quiet,
                        army: Army::Kronstadt,
                        district: fortress,
                        home: sailor_home,
                        weight,
                        front: u8::MAX,
                        jailed_until: 0,
                        village_ties: true,
                        industrial: false,
                    },
                    Household { food_ratio: 1.0, ..Default::default() },
                    Mind { support: support as f32, hardship: 0.0, grievance: 0.0, risk_aversion, exposure, party },
                );
            }
        }
        spawner.flush();
    }
    ledger.grain.start_stock = grain_start;

    // Institutions.
    let mut legality = [Legality::Legal; Party::COUNT];
    for spec in &s.parties {
        legality[spec.party.index()] = spec.legality;
    }
    let platforms: Vec<_> = s.parties.iter().map(|p| (p.party, p.platform.clone())).collect();
    let leader = s.coalition[0];
    let leader_platform = &platforms.iter().find(|(p, _)| *p == leader).expect("validated").1;
    let policy = Policies {
        peace: leader_platform.peace,
        procurement: leader_platform.procurement,
        bag_trade: leader_platform.bag_trade,
        soviet_elections: leader_platform.soviet_elections,
        terror: leader_platform.terror,
        factory: leader_platform.factory,
        conscription: false,
        mobilisation: 1.0,
        military_democracy: leader_platform.military_democracy,
        factions: leader_platform.factions,
        kronstadt_response: leader_platform.kronstadt_response,
        makhnovist_alliance: leader_platform.makhnovist_alliance,
        white_land: crate::scenario::WhiteLandPolicy::RestoreToLandlords,
        food_army: 0.0,
    };
    let government = Government {
        coalition: s.coalition.clone(),
        policy,
        legality,
        platforms,
        party_members: pop.party_members,
        cheka: pop.cheka,
        centralization: pop.centralization,
        worker_control: pop.worker_control,
        legion_stranded: false,
        demobilise_weekly: 0.0,
        assembly: None,
        assembly_governs: false,
    };
    let n_districts = geography.districts.len();
    let soviets = Soviets {
        district: (0..n_districts)
            .map(|_| Soviet {
                shares: [0.0; Party::COUNT],
                status: SovietStatus::Functioning,
                autonomy: 1.0 - pop.centralization,
                last_election: 0,
            })
            .collect(),
        congress: [0.0; Party::COUNT],
        congresses_held: 0,
    };
    let war = War {
        fronts: s
            .fronts
            .iter()
            .map(|f| Front {
                id: f.id.clone(),
                enemy: f.enemy,
                regions: f
                    .regions
                    .iter()
                    .map(|r| s.regions.iter().position(|x| &x.id == r).expect("validated") as u16)
                    .collect(),
                active: false,
                position: 0.0,
                external: 0.0,
                white_soldiers: 0.0,
                red_soldiers: 0.0,
                red_power: 0.0,
                enemy_power: 0.0,
                momentum: 0.0,
            })
            .collect(),
        red_loss_rate: vec![0.0; s.fronts.len()],
        white_loss_rate: vec![0.0; s.fronts.len()],
        white_threat: vec![0.0; s.regions.len()],
        red_defeat: vec![0.0; s.fronts.len()],
        ..Default::default()
    };
    let control = Control {
        controller: s.regions.iter().map(|r| r.controller).collect(),
        weather: vec![1.0; s.regions.len()],
        contested_weeks: vec![0; s.regions.len()],
    };
    let base_sown: f64 = s.regions.iter().map(|r| r.population * (1.0 - r.urban_share) * (1.0 - army_share)).sum();
    let economy = Economy {
        state_stock: pop.state_grain_stock,
        urban_food_ratio: 1.0,
        city_food: vec![1.0; s.regions.len()],
        industrial_output: 1.0,
        fuel: 1.0,
        goods: 1.0,
        last_harvest: s.regions.iter().map(|r| r.population * (1.0 - r.urban_share) * r.grain_per_rural_person).sum(),
        last_sown: base_sown,
        base_sown,
        base_industrial: pop.industrial_workers,
        base_harvest: s.regions.iter().map(|r| r.population * (1.0 - r.urban_share) * r.grain_per_rural_person).sum(),
        base_population: total_pop,
        ..Default::default()
    };
    world.insert_resource(clock);
    world.insert_resource(crate::systems::Coefficients(p.clone()));
    world.insert_resource(Environment::new(resolved.environment(), &s.regions, &s.fronts));
    world.insert_resource(Plan::new(&s.events, &s.rules));
    world.insert_resource(Districts::new(n_districts));
    world.insert_resource(Unrest::new(s.regions.len(), n_districts));
    world.insert_resource(geography);
    world.insert_resource(control);
    world.insert_resource(soviets);
    world.insert_resource(government);
    world.insert_resource(war);
    world.insert_resource(economy);
    world.insert_resource(Kronstadt {
        state: KronstadtState::Loyal,
        petrograd_signal: 0.0,
        petrograd_habit: 0.0,
        petrograd_arrest_tick: None,
        holds_weeks: 0,
    });
    world.insert_resource(ledger);
    world.insert_resource(EventLog::default());
    world.insert_resource(Metrics::default());
    world
}
