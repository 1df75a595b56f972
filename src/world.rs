//! Building the `World` from a resolved scenario: regions, districts, agents, institutions.
//!
//! The people are planned first as groups (a district's civilians, its soldiers of the old
//! army, its Red Guards, the Kronstadt garrison) with the number of agents each gets, and then
//! spawned in one batch of known size, so that the agents' table is allocated once: at
//! household scale (32 million agents) there is no second copy and no growth by doubling.

use crate::environment::Environment;
use crate::metrics::Metrics;
use crate::model::*;
use crate::scenario::{Legality, Party, Resolved, Scenario};
use crate::systems::events::Plan;
use bevy_ecs::prelude::*;
use rand::RngExt;

pub use crate::rng::normal;

/// Small groups are represented at no more than this many people per agent, whatever the
/// run's scale: the Kronstadt garrison (≈ 15,000 people) is 150 agents at any scale, so that
/// its mutiny does not hang on whether one of three agents turns active.
pub const SMALL_GROUP_SCALE: u32 = 100;

/// Splits `total` people into `n` integer weights that add up exactly.
fn split_weight(total: u64, n: u64, i: u64) -> u32 {
    let n = n.max(1);
    (total / n + u64::from(i < total % n)) as u32
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

/// The number of agents for a group of people at a scale.
fn agents_for(people: u64, scale: u32) -> u64 {
    (people as f64 / scale as f64).round().max(1.0) as u64
}

/// Districts shared among regions by population; towns first, then villages, then the fortress.
fn geography(s: &Scenario, districts_total: u32) -> Geography {
    let total_pop: f64 = s.regions.iter().map(|r| r.population).sum();
    let mut regions = Vec::new();
    let mut districts = Vec::new();
    for (ri, r) in s.regions.iter().enumerate() {
        let n = ((r.population / total_pop * districts_total as f64).round() as usize).max(2);
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
            let city = if i < n_city { city_index } else { None };
            districts.push(District { region: ri as u16, urban, city, kronstadt: false });
            if urban { region.urban_districts.push(d) } else { region.rural_districts.push(d) }
        }
        if r.fortress {
            let d = districts.len() as u16;
            districts.push(District { region: ri as u16, urban: true, city: None, kronstadt: true });
            region.urban_districts.push(d);
        }
        regions.push(region);
    }
    let district_region = districts.iter().map(|d| d.region).collect();
    Geography { regions, districts, district_region }
}

/// One group of people to spawn as agents of equal weight (±1).
#[derive(Clone, Debug)]
struct Group {
    region: usize,
    district: u16,
    role: Role,
    army: Army,
    people: u64,
    agents: u64,
}

/// Every district's civilians, soldiers of the old army and Red Guards, and the garrison.
fn plan_groups(s: &Scenario, params: &crate::scenario::Params, geography: &Geography, scale: u32) -> Vec<Group> {
    let pop = &params.population;
    let total_pop: f64 = s.regions.iter().map(|r| r.population).sum();
    let army_share = pop.old_army / total_pop;
    let guards_share = pop.red_guards / total_pop;
    let mut groups = Vec::new();
    for (ri, r) in s.regions.iter().enumerate() {
        let region = &geography.regions[ri];
        let urban_pop = r.population * r.urban_share;
        let rural_pop = r.population - urban_pop;
        let city_pop = r.city.as_ref().map_or(0.0, |c| c.population);
        let is_plain = |d: &u16| {
            let d = &geography.districts[*d as usize];
            d.city.is_none() && !d.kronstadt
        };
        let n_city = region.urban_districts.iter().filter(|d| geography.districts[**d as usize].city.is_some()).count();
        let n_plain = region.urban_districts.iter().filter(|d| is_plain(d)).count();
        let mut district_people: Vec<(u16, f64)> = Vec::new();
        for &d in &region.urban_districts {
            let dist = &geography.districts[d as usize];
            let people = if dist.kronstadt {
                0.0
            } else if dist.city.is_some() {
                city_pop / n_city as f64
            } else if n_plain == 0 {
                0.0
            } else {
                (urban_pop - city_pop).max(0.0) / n_plain as f64
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
            for (role, army, people) in [
                (civil_role, Army::None, civilians),
                (Role::Soldier, Army::Old, soldiers),
                (Role::Soldier, Army::Red, guards),
            ] {
                let total = people.max(0.0).round() as u64;
                if total > 0 {
                    let agents = agents_for(total, scale);
                    groups.push(Group { region: ri, district: d, role, army, people: total, agents });
                }
            }
        }
        if r.fortress {
            let fortress = *region.urban_districts.last().expect("fortress district");
            let total = pop.kronstadt_garrison.round() as u64;
            let agents = agents_for(total, scale.min(SMALL_GROUP_SCALE));
            groups.push(Group {
                region: ri,
                district: fortress,
                role: Role::Soldier,
                army: Army::Kronstadt,
                people: total,
                agents,
            });
        }
    }
    groups
}

/// Makes the planned agents one by one, in order, from the build's random stream; records the
/// starting people and grain in the ledger and the garrison's agent numbers.
struct Births<'a> {
    s: &'a Scenario,
    params: &'a crate::scenario::Params,
    geography: &'a Geography,
    groups: Vec<Group>,
    rural_all: Vec<u16>,
    group: usize,
    within: u64,
    next_id: u32,
    remaining: usize,
    rng: rand_chacha::ChaCha8Rng,
    ledger: &'a mut Ledger,
    garrison: &'a mut Garrison,
}

impl Births<'_> {
    fn role_index(role: Role) -> usize {
        match role {
            Role::Peasant => 0,
            Role::Worker => 1,
            Role::Soldier => 2,
        }
    }

    /// A person of an ordinary group (civilians, the old army, the Red Guards).
    fn ordinary(&mut self, g: &Group, weight: u32) -> (Person, Household, Mind) {
        let pop = &self.params.population;
        let r = &self.s.regions[g.region];
        let region = &self.geography.regions[g.region];
        let urban = self.geography.districts[g.district as usize].urban;
        let rng = &mut self.rng;
        let home_village = |rng: &mut rand_chacha::ChaCha8Rng| {
            region.rural_districts[rng.random_range(0..region.rural_districts.len())]
        };
        let origin = match (g.role, g.army) {
            (Role::Soldier, Army::Old) if rng.random::<f64>() < pop.old_army_worker_share => Role::Worker,
            (Role::Soldier, Army::Old) => Role::Peasant,
            (Role::Soldier, _) => Role::Worker,
            (role, _) => role,
        };
        let d = g.district;
        let home = if origin == Role::Peasant && urban { home_village(rng) } else { d };
        let home = if g.role == Role::Soldier && origin == Role::Peasant && !urban { d } else { home };
        let role_index = Self::role_index(g.role);
        let support = (pop.initial_support[role_index] + pop.support_spread * normal(rng)).clamp(0.0, 1.0);
        let shares = match g.role {
            Role::Peasant => pop.peasant_parties,
            Role::Worker => pop.worker_parties,
            Role::Soldier => pop.soldier_parties,
        };
        let mut weights: Vec<f64> = shares.iter().map(|x| x * (1.0 - r.national_vote)).collect();
        weights.push(r.national_vote);
        let party = Party::from_index(sample(rng, &weights));
        let village_ties = rng.random::<f64>() < pop.village_ties_share;
        let urban_pop = r.population * r.urban_share;
        let industrial_share = (pop.industrial_workers * r.industry_share / urban_pop.max(1.0)).min(1.0);
        let industrial = g.role == Role::Worker && rng.random::<f64>() < industrial_share;
        let risk_aversion = rng.random::<f64>();
        let exposure = 2.0 * rng.random::<f64>();
        let worker_home = if g.role == Role::Worker { home_village(rng) } else { home };
        let mut household = Household { food_ratio: 1.0, ..Default::default() };
        if origin == Role::Peasant {
            let land = weight as f64;
            household.land = land as f32;
            household.sown = (land * self.params.agriculture.winter_crop_share) as f32;
            if g.role == Role::Peasant {
                household.grain = land * r.grain_per_rural_person * pop.initial_grain_share;
                self.ledger.grain.start_stock += household.grain;
            }
        }
        self.ledger.people[g.region].start += weight as u64;
        let person = Person {
            id: self.next_id,
            role: g.role,
            origin,
            status: Status::Quiet,
            army: g.army,
            district: if g.role == Role::Soldier { home } else { d },
            home: worker_home,
            weight,
            front: u8::MAX,
            jailed_until: 0,
            village_ties,
            industrial,
            deserter: false,
        };
        (person, household, Mind::new(support, risk_aversion, exposure, party))
    }

    /// A sailor or soldier of the Kronstadt garrison: they came from villages all over the
    /// empire (MODEL §6, Kronstadt).
    fn sailor(&mut self, g: &Group, weight: u32) -> (Person, Household, Mind) {
        let pop = &self.params.population;
        let rng = &mut self.rng;
        let support = (pop.initial_support[2] + pop.support_spread * normal(rng)).clamp(0.0, 1.0);
        let mut weights: Vec<f64> = pop.soldier_parties.to_vec();
        weights.push(0.0);
        let party = Party::from_index(sample(rng, &weights));
        let risk_aversion = rng.random::<f64>();
        let exposure = 2.0 * rng.random::<f64>();
        let home = self.rural_all[rng.random_range(0..self.rural_all.len())];
        self.ledger.people[self.geography.district_region[home as usize] as usize].start += weight as u64;
        self.garrison.agents.push(self.next_id);
        let person = Person {
            id: self.next_id,
            role: Role::Soldier,
            origin: Role::Peasant,
            status: Status::Quiet,
            army: Army::Kronstadt,
            district: g.district,
            home,
            weight,
            front: u8::MAX,
            jailed_until: 0,
            village_ties: true,
            industrial: false,
            deserter: false,
        };
        let household = Household { food_ratio: 1.0, ..Default::default() };
        (person, household, Mind::new(support, risk_aversion, exposure, party))
    }
}

impl Iterator for Births<'_> {
    type Item = (Person, Household, Mind);

    fn next(&mut self) -> Option<Self::Item> {
        while self.group < self.groups.len() && self.within >= self.groups[self.group].agents {
            self.group += 1;
            self.within = 0;
        }
        let g = self.groups.get(self.group)?.clone();
        let weight = split_weight(g.people, g.agents, self.within);
        self.within += 1;
        let agent = if g.army == Army::Kronstadt { self.sailor(&g, weight) } else { self.ordinary(&g, weight) };
        self.next_id += 1;
        self.remaining -= 1;
        Some(agent)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl ExactSizeIterator for Births<'_> {}

/// The number of agents a scenario has at a scale, without building it.
pub fn agent_count(resolved: &Resolved, scale: u32) -> u64 {
    let s = &resolved.scenario;
    let params = resolved.params();
    let geography = geography(s, params.population.districts);
    plan_groups(s, params, &geography, scale.max(1)).iter().map(|g| g.agents).sum()
}

/// The government on the first day: the leading party's platform sets the policies.
fn government(s: &Scenario, pop: &crate::scenario::PopulationParams) -> Government {
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
        desertion_commissions: false,
    };
    Government {
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
        tax_since: None,
    }
}

fn war(s: &Scenario) -> War {
    let fronts = s
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
            fortune: 1.0,
            base: 0.0,
            furthest: 0.0,
            weeks_thrown_back: 0.0,
            base_holders: Vec::new(),
        })
        .collect();
    War {
        fronts,
        red_loss_rate: vec![0.0; s.fronts.len()],
        white_loss_rate: vec![0.0; s.fronts.len()],
        white_threat: vec![0.0; s.regions.len()],
        red_defeat: vec![0.0; s.fronts.len()],
        red_share: vec![0.0; s.fronts.len()],
        ..Default::default()
    }
}

fn economy(s: &Scenario, pop: &crate::scenario::PopulationParams, grain_price: f64) -> Economy {
    let total_pop: f64 = s.regions.iter().map(|r| r.population).sum();
    let army_share = pop.old_army / total_pop;
    let base_sown: f64 = s.regions.iter().map(|r| r.population * (1.0 - r.urban_share) * (1.0 - army_share)).sum();
    let harvest: f64 = s.regions.iter().map(|r| r.population * (1.0 - r.urban_share) * r.grain_per_rural_person).sum();
    Economy {
        state_stock: pop.state_grain_stock,
        urban_food_ratio: 1.0,
        city_food: vec![1.0; s.regions.len()],
        town_need: vec![0.0; s.regions.len()],
        town_price: vec![grain_price; s.regions.len()],
        free_price: grain_price,
        village_price: grain_price,
        fixed_price: grain_price,
        industrial_output: 1.0,
        fuel: 1.0,
        goods: 1.0,
        last_harvest: harvest,
        last_sown: base_sown,
        base_sown,
        base_industrial: pop.industrial_workers,
        base_harvest: harvest,
        base_population: total_pop,
        ..Default::default()
    }
}

/// Spawns every person-agent in one batch; returns the ledger of starting people and grain,
/// and the garrison.
fn spawn_people(
    world: &mut World,
    s: &Scenario,
    params: &crate::scenario::Params,
    geography: &Geography,
    seed: u64,
    scale: u32,
) -> (Ledger, Garrison) {
    let groups = plan_groups(s, params, geography, scale);
    let total: u64 = groups.iter().map(|g| g.agents).sum();
    assert!(total < u32::MAX as u64, "agent numbers fit in 32 bits (checked before a run starts)");
    let mut ledger = Ledger { people: vec![PeopleLedger::default(); s.regions.len()], ..Default::default() };
    let mut garrison = Garrison::default();
    let births = Births {
        s,
        params,
        geography,
        groups,
        rural_all: geography.regions.iter().flat_map(|r| r.rural_districts.iter().copied()).collect(),
        group: 0,
        within: 0,
        next_id: 0,
        remaining: total as usize,
        rng: stream_rng(seed, 0, Stream::Build, 0),
        ledger: &mut ledger,
        garrison: &mut garrison,
    };
    world.spawn_batch(births).for_each(drop);
    (ledger, garrison)
}

/// Builds the world of a run: every entity and resource, ready for the first tick.
pub fn build(resolved: &Resolved, seed: u64, scale: u32, threads: usize) -> World {
    let s = &resolved.scenario;
    let p = resolved.params();
    let pop = &p.population;
    let scale = scale.max(1);
    let mut world = World::new();
    let clock = Clock { tick: 0, date: resolved.start(), start: resolved.start(), end: resolved.end(), seed, scale };
    let geography = geography(s, pop.districts);
    let (ledger, garrison) = spawn_people(&mut world, s, p, &geography, seed, scale);
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
    let control = Control {
        controller: s.regions.iter().map(|r| r.controller).collect(),
        weather: vec![1.0; s.regions.len()],
        contested_weeks: vec![0; s.regions.len()],
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
    world.insert_resource(government(s, pop));
    world.insert_resource(war(s));
    world.insert_resource(economy(s, pop, p.market.grain_price_1913));
    world.insert_resource(Kronstadt {
        state: KronstadtState::Loyal,
        petrograd_signal: 0.0,
        petrograd_habit: 0.0,
        petrograd_arrest_tick: None,
        holds_weeks: 0,
    });
    world.insert_resource(ledger);
    world.insert_resource(garrison);
    world.insert_resource(EventLog::default());
    world.insert_resource(Metrics::default());
    world.insert_resource(Census::default());
    world.insert_resource(Soldiers::default());
    world.insert_resource(Deployment::default());
    world.insert_resource(crate::agents::Workers::new(threads));
    let leaders = s
        .leaders
        .iter()
        .map(|l| {
            let leader = Leader { id: l.id.clone(), party: l.party, alive: true, away_until: None };
            (l.id.clone(), world.spawn(leader).id())
        })
        .collect();
    world.insert_resource(Leaders { entities: leaders });
    world
}
