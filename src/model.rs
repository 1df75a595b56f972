//! Components and resources: the plain data the systems read and write.
//!
//! Person-agents are entities with three value-typed components ([`Person`], [`Household`],
//! [`Mind`]); a change of role or state is a change of value, never of archetype. Everything
//! collective (regions, districts, soviets, the government, the fronts) lives in dense
//! vectors inside resources, indexed by region or district number.

use crate::date::Date;
use crate::scenario::{
    Controller, ElectionPolicy, Enemy, FactoryManagement, KronstadtResponse, Legality, Party, PeaceStatus, Platform,
    Procurement, Tolerance, WhiteLandPolicy,
};
use bevy_ecs::prelude::*;

/// What a person-agent does for a living.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Peasant,
    Worker,
    Soldier,
}

/// What a person-agent is doing now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Quiet,
    /// Active in protest or rebellion: peasants rise, workers strike, soldiers mutiny.
    Active,
    /// In a green (peasant) army.
    Green,
    Jailed,
    Dead,
    Emigrated,
}

/// Which army a soldier serves in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Army {
    None,
    /// The old imperial army, demobilising over the winter of 1917-18.
    Old,
    Red,
    White,
    /// The Kronstadt garrison (sailors and soldiers of the fortress).
    Kronstadt,
}

/// Who an agent is and where.
#[derive(Component, Clone, Copy, Debug)]
pub struct Person {
    /// Stable agent number: the order of spawning, and the key of the random streams.
    pub id: u32,
    pub role: Role,
    /// The role the agent had before service (peasant or worker); returns to it on leaving.
    pub origin: Role,
    pub status: Status,
    pub army: Army,
    /// The district the agent lives in (soldiers: their home district).
    pub district: u16,
    /// The village district the agent (or a worker's family) comes from.
    pub home: u16,
    /// Real people this agent stands for.
    pub weight: u32,
    /// Front the soldier serves on (index into `War::fronts`), or `u8::MAX`.
    pub front: u8,
    /// Tick at which a jailed agent is released.
    pub jailed_until: u32,
    /// Workers: whether the family still has ties to a village (seed 004 E7).
    pub village_ties: bool,
    /// Workers: employed in industry (factory or mine) rather than other town work.
    pub industrial: bool,
    /// Went home from the Red Army without leave: the commissions against desertion look for
    /// this agent (cleared on return or call-up).
    pub deserter: bool,
}

impl Person {
    pub fn alive(&self) -> bool {
        !matches!(self.status, Status::Dead | Status::Emigrated)
    }
}

/// A household's farm and food (peasants; for others only `food_ratio` is used).
#[derive(Component, Clone, Copy, Debug, Default)]
pub struct Household {
    /// Arable land, in area units (one unit fed one rural person before the war).
    pub land: f32,
    /// Area sown for the coming harvest (area units).
    pub sown: f32,
    /// Grain the household holds openly (poods).
    pub grain: f64,
    /// Grain hidden from requisition (poods).
    pub hidden: f64,
    /// Share of the harvest the household expects the state to take (0-1), from experience.
    pub expected_take: f32,
    /// This agricultural year's harvest (poods).
    pub harvest_year: f32,
    /// What authorities took from it this agricultural year (poods).
    pub taken_year: f32,
    /// Food eaten / food needed last week (0-1).
    pub food_ratio: f32,
}

/// Attitudes (MODEL.md §6.7).
#[derive(Component, Clone, Copy, Debug)]
pub struct Mind {
    /// Legitimacy L: support for the Soviet government (0-1).
    pub support: f32,
    /// Hardship H: losses felt, a moving average (0-1).
    pub hardship: f32,
    /// Grievance G = H × (1 − L).
    pub grievance: f32,
    /// Risk aversion R (0-1), fixed; kept in 256 steps (see [`Mind::risk_aversion`]).
    risk_aversion: u8,
    /// How hard the same losses hit this household (0-2, mean 1), fixed: Epstein's
    /// heterogeneous perceived hardship, so that a district does not rise as one. Kept in 256
    /// steps (see [`Mind::exposure`]).
    exposure: u8,
    /// The party the agent would vote for.
    pub party: Party,
}

impl Mind {
    /// A new mind with no hardship yet. The fixed traits are kept to 1/255 of their range,
    /// far finer than anything they are compared with, so that a household-scale run fits
    /// in memory (8 bytes an agent fewer).
    pub fn new(support: f64, risk_aversion: f64, exposure: f64, party: Party) -> Mind {
        let step = |x: f64| (x.clamp(0.0, 1.0) * 255.0).round() as u8;
        Mind {
            support: support as f32,
            hardship: 0.0,
            grievance: 0.0,
            risk_aversion: step(risk_aversion),
            exposure: step(exposure / 2.0),
            party,
        }
    }

    /// Risk aversion R (0-1).
    pub fn risk_aversion(&self) -> f64 {
        f64::from(self.risk_aversion) / 255.0
    }

    /// Exposure to hardship (0-2, mean 1).
    pub fn exposure(&self) -> f64 {
        2.0 * f64::from(self.exposure) / 255.0
    }
}

/// The clock and the run's seed.
#[derive(Resource, Clone, Debug)]
pub struct Clock {
    pub tick: u32,
    pub date: Date,
    pub start: Date,
    pub end: Date,
    pub seed: u64,
    pub scale: u32,
}

pub use crate::rng::{AgentRng, AgentStreams, Stream, stream_rng};

/// The fixed geography: regions and districts.
#[derive(Resource, Clone, Debug)]
pub struct Geography {
    pub regions: Vec<Region>,
    pub districts: Vec<District>,
    /// The region of each district (the same as `districts[d].region`, packed for the
    /// per-agent loops).
    pub district_region: Vec<u16>,
}

#[derive(Clone, Debug)]
pub struct Region {
    pub id: String,
    pub name: String,
    pub urban_share: f64,
    pub industry_share: f64,
    pub coal_share: f64,
    pub grain_per_rural_person: f64,
    pub other_food_share: f64,
    pub national_vote: f64,
    pub makhnovist_base: bool,
    pub rural_districts: Vec<u16>,
    pub urban_districts: Vec<u16>,
}

/// A district (uezd scale): the neighbourhood of the rebellion mechanism.
#[derive(Clone, Debug)]
pub struct District {
    pub region: u16,
    pub urban: bool,
    /// Index into `CITY_IDS` for Petrograd and Moscow districts.
    pub city: Option<u8>,
    /// The Kronstadt fortress district.
    pub kronstadt: bool,
}

/// Cities reported on their own.
pub const CITY_IDS: [&str; 2] = ["petrograd", "moscow"];

/// Who holds each region, and this year's weather.
#[derive(Resource, Clone, Debug)]
pub struct Control {
    pub controller: Vec<Controller>,
    /// Harvest multiplier of each region for the current harvest year.
    pub weather: Vec<f64>,
    /// Weeks each region has been contested.
    pub contested_weeks: Vec<u32>,
}

impl Control {
    pub fn soviet(&self, region: u16) -> bool {
        self.controller[region as usize] == Controller::Soviet
    }
}

/// Per-district aggregates, recomputed each tick by the systems that own them.
#[derive(Resource, Clone, Debug, Default)]
pub struct Districts {
    /// Living people (present in the district).
    pub population: Vec<f64>,
    /// People active in rebellion or strike, last tick.
    pub active: Vec<f64>,
    /// Repressive force present (Cheka and punitive troops), people.
    pub police: Vec<f64>,
    /// Repression felt: arrests and executions per head, decaying memory.
    pub repression: Vec<f64>,
    /// Share of grain taken from the district's households this week.
    pub take_share: Vec<f64>,
    /// Mean support for the government, last tick.
    pub support: Vec<f64>,
    /// Whether a district uprising is in progress, and for how long.
    pub uprising_weeks: Vec<u32>,
    /// Conscription drawn from the district this tick, share of population.
    pub conscripted: Vec<f64>,
    /// Deaths this tick per head (hunger, disease, violence).
    pub deaths: Vec<f64>,
}

impl Districts {
    pub fn new(n: usize) -> Districts {
        Districts {
            population: vec![0.0; n],
            active: vec![0.0; n],
            police: vec![0.0; n],
            repression: vec![0.0; n],
            take_share: vec![0.0; n],
            support: vec![0.5; n],
            uprising_weeks: vec![0; n],
            conscripted: vec![0.0; n],
            deaths: vec![0.0; n],
        }
    }
}

/// What a soviet is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SovietStatus {
    Functioning,
    Packed,
    /// Replaced by an appointed revolutionary committee.
    Dispersed,
}

#[derive(Clone, Debug)]
pub struct Soviet {
    /// Delegate shares by party.
    pub shares: [f64; Party::COUNT],
    pub status: SovietStatus,
    /// Autonomy from the party-state (0-1).
    pub autonomy: f64,
    pub last_election: u32,
}

/// District soviets and the national Congress.
#[derive(Resource, Clone, Debug)]
pub struct Soviets {
    pub district: Vec<Soviet>,
    pub congress: [f64; Party::COUNT],
    pub congresses_held: u32,
}

/// The current value of every policy of the governing coalition (MODEL.md §5).
#[derive(Clone, Debug, PartialEq)]
pub struct Policies {
    pub peace: PeaceStatus,
    pub procurement: Procurement,
    pub bag_trade: Tolerance,
    pub soviet_elections: ElectionPolicy,
    pub terror: f64,
    pub factory: FactoryManagement,
    pub conscription: bool,
    /// Share of the conscription rate called up (0-1).
    pub mobilisation: f64,
    pub military_democracy: bool,
    pub factions: Tolerance,
    pub kronstadt_response: KronstadtResponse,
    pub makhnovist_alliance: bool,
    pub white_land: WhiteLandPolicy,
    pub food_army: f64,
    /// Commissions against desertion search the villages and offer amnesty weeks.
    pub desertion_commissions: bool,
}

impl Policies {
    /// Applies a party's platform (when it comes to lead the government).
    pub fn apply_platform(&mut self, p: &Platform) {
        self.peace = p.peace;
        self.procurement = p.procurement;
        self.bag_trade = p.bag_trade;
        self.soviet_elections = p.soviet_elections;
        self.terror = p.terror;
        self.factory = p.factory;
        self.military_democracy = p.military_democracy;
        self.factions = p.factions;
        self.kronstadt_response = p.kronstadt_response;
        self.makhnovist_alliance = p.makhnovist_alliance;
    }
}

/// The government and the party-state.
#[derive(Resource, Clone, Debug)]
pub struct Government {
    /// Parties in government, senior partner first.
    pub coalition: Vec<Party>,
    pub policy: Policies,
    pub legality: [Legality; Party::COUNT],
    pub platforms: Vec<(Party, Platform)>,
    pub party_members: f64,
    pub cheka: f64,
    pub centralization: f64,
    pub worker_control: f64,
    pub legion_stranded: bool,
    pub demobilise_weekly: f64,
    /// The Constituent Assembly's vote shares, once elected.
    pub assembly: Option<[f64; Party::COUNT]>,
    /// The Assembly, not the Congress of Soviets, makes and unmakes governments.
    pub assembly_governs: bool,
    /// When the tax in kind replaced the earlier regime (it is levied on the harvests gathered
    /// from then on); `None` before, or when the run began under it.
    pub tax_since: Option<crate::date::Date>,
}

impl Government {
    pub fn leader(&self) -> Option<Party> {
        self.coalition.first().copied()
    }

    pub fn governs(&self, party: Party) -> bool {
        self.coalition.contains(&party)
    }

    pub fn platform(&self, party: Party) -> Option<&Platform> {
        self.platforms.iter().find(|(p, _)| *p == party).map(|(_, pl)| pl)
    }
}

/// One front of the war.
#[derive(Clone, Debug)]
pub struct Front {
    pub id: String,
    pub enemy: Enemy,
    pub regions: Vec<u16>,
    pub active: bool,
    /// Regions the enemy holds, counted from the start of `regions` (fractional: the front
    /// line inside a region).
    pub position: f64,
    /// Foreign troops on the enemy side (Czech Legion, Allied landings, German or Polish
    /// armies), people.
    pub external: f64,
    /// White soldiers serving on this front (agents), people, counted each tick.
    pub white_soldiers: f64,
    /// Red soldiers on this front, people, counted each tick.
    pub red_soldiers: f64,
    /// Red combat power last tick and enemy combat power last tick.
    pub red_power: f64,
    pub enemy_power: f64,
    /// Weeks in a row the enemy has been losing ground (for morale).
    pub momentum: f64,
    /// The enemy's fortune of war this campaign: a multiplier on its power, drawn per run.
    pub fortune: f64,
    /// The whole regions the enemy held when the front opened (its base: Estonia for
    /// Yudenich, none for Poland), the furthest line it reached since, and the weeks in a row
    /// it has been thrown back to its base after advancing beyond it.
    pub base: f64,
    pub furthest: f64,
    pub weeks_thrown_back: f64,
    /// Who held each region of the base before the front opened (Estonia's own government for
    /// Yudenich): an enemy thrown back or beaten gives its base back to them, not to the Soviets.
    pub base_holders: Vec<Controller>,
}

/// The war: fronts and the state of the armies.
#[derive(Resource, Clone, Debug, Default)]
pub struct War {
    pub fronts: Vec<Front>,
    /// Makhnovist partisans (people).
    pub makhnovists: f64,
    /// Red losses this tick per Red soldier on each front (a death rate applied to agents).
    pub red_loss_rate: Vec<f64>,
    /// White losses this tick per White soldier on each front.
    pub white_loss_rate: Vec<f64>,
    /// Combat deaths among foreign troops (not part of the simulated population).
    pub foreign_deaths: f64,
    /// Whether a White army is within reach of each region (the White threat rallies).
    pub white_threat: Vec<f64>,
    /// Defeats this tick per front (ground lost by the Reds), for desertion.
    pub red_defeat: Vec<f64>,
    /// The most people the Whites have held so far, and the week they held it (their
    /// furthest advance, logged once they have lost half of it).
    pub white_peak: f64,
    pub white_peak_date: Option<crate::date::Date>,
    /// The Reds' field army on each front, as a share before normalisation: it follows each
    /// front's threat with a lag (`war.redeploy`), and a new front starts with none.
    pub red_share: Vec<f64>,
}

/// Food and the urban economy.
#[derive(Resource, Clone, Debug, Default)]
pub struct Economy {
    /// Grain held by the Soviet state (poods).
    pub state_stock: f64,
    /// Grain delivered to Soviet cities this week by the state and by bag traders (poods).
    pub state_to_cities: f64,
    pub bag_to_cities: f64,
    /// Bag-trade grain bought this week, waiting to reach the cities (poods).
    pub bag_in_transit: f64,
    /// Food need of Soviet cities this week (poods).
    pub urban_need: f64,
    /// Grain reaching the Red Army / its ration, this week.
    pub army_food: f64,
    /// Food reaching Soviet cities / their need, this week.
    pub urban_food_ratio: f64,
    /// Food ratio of the towns of each region this week.
    pub city_food: Vec<f64>,
    /// Grain need of the towns of each region this week (poods).
    pub town_need: Vec<f64>,
    /// Paper money in circulation (million rubles), the price level (1913 = 1) and the price
    /// level of the first week.
    pub money_stock: f64,
    pub price_level: f64,
    pub base_price_level: f64,
    /// Money wages over the price level, against the first week's.
    pub real_wage: f64,
    /// The state's fixed grain price (rubles per pood).
    pub fixed_price: f64,
    /// Free grain prices in real terms (1913 rubles per pood): in the towns of each region,
    /// their mean over the grain sold this week, and what the peasants get in the villages.
    pub town_price: Vec<f64>,
    pub free_price: f64,
    pub village_price: f64,
    /// Bag-trade grain seized at the checkpoints since the start (poods).
    pub bag_seized: f64,
    pub industrial_output: f64,
    pub fuel: f64,
    /// Manufactured goods available to peasants, index 1913 = 1.
    pub goods: f64,
    /// Grain harvested in the last harvest (poods) and the area sown at the last sowing.
    pub last_harvest: f64,
    pub last_sown: f64,
    pub base_sown: f64,
    /// Industrial workers at the start (people), the denominator of the output index.
    pub base_industrial: f64,
    /// A pre-war harvest (poods) and the population at the start, for the GDP index.
    pub base_harvest: f64,
    pub base_population: f64,
}

/// The Kronstadt fortress and its garrison.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum KronstadtState {
    Loyal,
    Mutiny {
        since: u32,
    },
    Suppressed,
    Holds,
    /// The government negotiated: the demands decide what follows, no rising spreads.
    Negotiated,
}

#[derive(Resource, Clone, Debug)]
pub struct Kronstadt {
    pub state: KronstadtState,
    /// News of Petrograd strikes repressed: the sailors' grievance is multiplied by 1 + this.
    pub petrograd_signal: f64,
    /// The share of Petrograd's workers on strike the sailors are used to (a moving average).
    pub petrograd_habit: f64,
    /// The last week in which Petrograd strikers were arrested.
    pub petrograd_arrest_tick: Option<u32>,
    pub holds_weeks: u32,
}

/// Causes of death.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    Hunger = 0,
    Disease = 1,
    Combat = 2,
    Execution = 3,
    /// Deaths at the pre-war rate, which go on whatever happens (old age, infancy, illness).
    Ordinary = 4,
}

/// Every person accounted for, per region (by the agent's home region).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PeopleLedger {
    pub start: u64,
    pub births: u64,
    pub deaths: [u64; 5],
    pub emigrated: u64,
    pub moved_in: u64,
    pub moved_out: u64,
}

impl PeopleLedger {
    /// Adds another ledger's flows (partial sums of a pass over the agents).
    pub fn add(&mut self, o: &PeopleLedger) {
        self.start += o.start;
        self.births += o.births;
        for (a, b) in self.deaths.iter_mut().zip(o.deaths) {
            *a += b;
        }
        self.emigrated += o.emigrated;
        self.moved_in += o.moved_in;
        self.moved_out += o.moved_out;
    }

    /// Start + births − deaths − emigration + net migration.
    pub fn expected(&self) -> i64 {
        self.start as i64 + self.births as i64 - self.deaths.iter().sum::<u64>() as i64 - self.emigrated as i64
            + self.moved_in as i64
            - self.moved_out as i64
    }
}

/// Every pood of grain accounted for (whole territory, households).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GrainLedger {
    pub start_stock: f64,
    pub harvested: f64,
    pub eaten: f64,
    pub seed: f64,
    pub fodder: f64,
    pub procured_soviet: f64,
    pub procured_other: f64,
    pub traded: f64,
    pub spoiled: f64,
}

impl GrainLedger {
    /// What should remain in households (stored + hidden).
    pub fn expected_stock(&self) -> f64 {
        self.start_stock + self.harvested
            - self.eaten
            - self.seed
            - self.fodder
            - self.procured_soviet
            - self.procured_other
            - self.traded
            - self.spoiled
    }
}

#[derive(Resource, Clone, Debug, Default)]
pub struct Ledger {
    pub people: Vec<PeopleLedger>,
    pub grain: GrainLedger,
    /// Cumulative counters for metrics (people).
    pub arrests: f64,
    pub executions: f64,
    pub deserters: f64,
    /// Deserters caught or returned to the Red Army (people).
    pub deserters_returned: f64,
    pub uprisings: u32,
    pub grain_procured_soviet: f64,
}

impl Ledger {
    pub fn death(&mut self, region: u16, cause: Cause, people: u32) {
        self.people[region as usize].deaths[cause as usize] += people as u64;
    }

    pub fn deaths_by(&self, cause: Cause) -> u64 {
        self.people.iter().map(|l| l.deaths[cause as usize]).sum()
    }
}

/// One row of `events.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct LoggedEvent {
    pub tick: u32,
    pub date: Date,
    pub kind: String,
    pub region: String,
    pub district: String,
    pub value: f64,
    pub detail: String,
}

/// The events log.
#[derive(Resource, Clone, Debug, Default)]
pub struct EventLog {
    pub rows: Vec<LoggedEvent>,
    /// The day a scheduled event happened, while its consequences are logged: a treaty signed
    /// on 3 March is logged on 3 March, not on the first day of the week that contains it.
    pub on_day: Option<Date>,
}

impl EventLog {
    pub fn push(&mut self, clock: &Clock, kind: &str, region: &str, value: f64, detail: &str) {
        self.rows.push(LoggedEvent {
            tick: clock.tick,
            date: self.on_day.unwrap_or(clock.date),
            kind: kind.to_string(),
            region: region.to_string(),
            district: String::new(),
            value,
            detail: detail.to_string(),
        });
    }

    /// An event in one district (named `<region>-<number>`).
    pub fn push_district(
        &mut self,
        clock: &Clock,
        kind: &str,
        region: &str,
        district: usize,
        value: f64,
        detail: &str,
    ) {
        self.rows.push(LoggedEvent {
            tick: clock.tick,
            date: self.on_day.unwrap_or(clock.date),
            kind: kind.to_string(),
            region: region.to_string(),
            district: format!("{region}-{district}"),
            value,
            detail: detail.to_string(),
        });
    }

    pub fn happened(&self, kind: &str) -> bool {
        self.rows.iter().any(|r| r.kind == kind)
    }

    /// The date an event of this kind was first logged.
    pub fn first(&self, kind: &str) -> Option<Date> {
        self.rows.iter().find(|r| r.kind == kind).map(|r| r.date)
    }
}

/// A person whose presence changes decisions (MODEL.md §6 Leaders): one entity each.
#[derive(Component, Clone, Debug)]
pub struct Leader {
    pub id: String,
    pub party: Party,
    pub alive: bool,
    /// Away from work (wounded or ill) until this date.
    pub away_until: Option<Date>,
}

impl Leader {
    /// Alive and at work on this date.
    pub fn active(&self, today: Date) -> bool {
        self.alive && self.away_until.is_none_or(|d| today >= d)
    }
}

/// The leader entities, in the scenario's order.
#[derive(Resource, Clone, Debug, Default)]
pub struct Leaders {
    pub entities: Vec<(String, Entity)>,
}

impl Leaders {
    pub fn get(&self, id: &str) -> Option<Entity> {
        self.entities.iter().find(|(l, _)| l == id).map(|(_, e)| *e)
    }

    /// Whether the leader `id` is alive and at work; an unknown leader is not.
    pub fn active(world: &World, id: &str) -> bool {
        let today = world.resource::<Clock>().date;
        let entity = world.resource::<Leaders>().get(id);
        entity.and_then(|e| world.get::<Leader>(e)).is_some_and(|l| l.active(today))
    }
}

/// Unrest and voting tallies per region and district, recomputed each tick.
#[derive(Resource, Clone, Debug, Default)]
pub struct Unrest {
    /// A regional rising in progress, per region.
    pub rising: Vec<bool>,
    /// A strike wave in progress, per region.
    pub strike_wave: Vec<bool>,
    /// Share of each region's workers on strike.
    pub strike_share: Vec<f64>,
    /// Mean food shortfall of each region's people last tick (0-1).
    pub hunger: Vec<f64>,
    /// Famine declared, per region.
    pub famine: Vec<bool>,
    /// Vote tallies per district (franchise-weighted people per party).
    pub votes: Vec<[f64; Party::COUNT]>,
    /// Strikers arrested in the region this tick (people).
    pub strikers_arrested: Vec<f64>,
}

impl Unrest {
    pub fn new(regions: usize, districts: usize) -> Unrest {
        Unrest {
            rising: vec![false; regions],
            strike_wave: vec![false; regions],
            strike_share: vec![0.0; regions],
            hunger: vec![0.0; regions],
            famine: vec![false; regions],
            votes: vec![[0.0; Party::COUNT]; districts],
            strikers_arrested: vec![0.0; regions],
        }
    }
}

/// This week's aggregates of the person-agents, counted once at the end of each tick (after
/// deaths and births) and read by the next tick's systems and by the metrics. Every system that
/// needs to know how many soldiers, greens or workers there are reads a field here.
#[derive(Resource, Clone, Debug, Default)]
pub struct Census {
    /// Living people (those in each district are `Districts::population`).
    pub total: f64,
    /// Workers' families in towns, and in Petrograd and Moscow (`CITY_IDS` order).
    pub urban: f64,
    pub cities: [f64; CITY_IDS.len()],
    /// Industrial workers (not jailed), and those on strike.
    pub industrial_workers: f64,
    pub strikers: f64,
    /// Workers not in jail by the region they are in (the towns' food need), and the industrial
    /// workers at work (quiet) by region (the workforce).
    pub workers_by_region: Vec<f64>,
    pub workforce_by_region: Vec<f64>,
    /// Red soldiers not in jail; White soldiers; green insurgents; people active in rebellion
    /// other than strikers (greens not included).
    pub red_army: f64,
    pub white_armies: f64,
    pub greens: f64,
    pub rebels: f64,
    /// Support for the government: (weighted sum, people) for peasants, workers, soldiers.
    pub support: [(f64, f64); 3],
    /// People preferring each party.
    pub parties: [f64; crate::scenario::Party::COUNT],
}

/// Agent numbers of the Kronstadt garrison: a small group found by number, not searched for.
#[derive(Resource, Clone, Debug, Default)]
pub struct Garrison {
    pub agents: Vec<u32>,
}

/// The soldiers counted after this week's call-ups, desertions and losses, for the fronts.
#[derive(Resource, Clone, Debug, Default)]
pub struct Soldiers {
    /// Red soldiers not in jail (people) and their support summed (people × support).
    pub red_total: f64,
    pub red_support: f64,
    /// White soldiers on each front (people).
    pub white: Vec<f64>,
}

/// Where the Cheka stands this week: each district's chance of arrest for an active agent.
#[derive(Resource, Clone, Debug, Default)]
pub struct Deployment {
    pub arrest_chance: Vec<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Party;

    /// The per-agent components stay compact: a household-scale run (32.6 M agents) holds
    /// every byte here 32.6 million times.
    #[test]
    fn agent_components_are_compact() {
        assert_eq!(std::mem::size_of::<Person>(), 24);
        assert_eq!(std::mem::size_of::<Household>(), 40);
        assert_eq!(std::mem::size_of::<Mind>(), 16);
    }

    #[test]
    fn fixed_traits_keep_their_range_to_a_step() {
        let m = Mind::new(0.5, 0.3, 1.7, Party::Sr);
        assert!((m.risk_aversion() - 0.3).abs() <= 0.5 / 255.0);
        assert!((m.exposure() - 1.7).abs() <= 1.0 / 255.0);
        let edges = Mind::new(0.5, 1.0, 2.0, Party::Sr);
        assert_eq!((edges.risk_aversion(), edges.exposure()), (1.0, 2.0));
    }
}
