//! Mechanism 5: war — demobilisation of the old army, volunteering and conscription,
//! desertion to the greens, White recruitment, and the weekly resolution of each front.
//!
//! Sources: seed 004 L324-332 (the old army goes home and radicalises the villages); G4
//! (desertion and the greens); G10-G11 (the Whites' land policy costs them their rear: the
//! Reds as the lesser evil); G14 (Makhnovist partisans weaken Denikin); L2849-2851 (without
//! foreign aid the Whites "probably would have lost much quicker"). Fronts: strength ×
//! morale × supply on each side decides attrition and whether regions change hands
//! (MODEL.md §6.5).

use crate::environment::Environment;
use crate::model::*;
use crate::scenario::{Controller, Enemy, Party, PeaceStatus, WhiteLandPolicy};
use crate::systems::{Coefficients, whole_people};
use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;

/// Weekly chance that a Red soldier deserts.
pub fn desertion_chance(
    params: &crate::scenario::Params,
    hunger: f64,
    harvest: bool,
    support: f64,
    defeat: f64,
) -> f64 {
    let w = &params.war;
    let chance = w.desertion_base
        + w.desertion_hunger * hunger.max(0.0)
        + if harvest { w.desertion_harvest } else { 0.0 }
        + w.desertion_support * (1.0 - support).max(0.0)
        + w.desertion_defeat * defeat.max(0.0);
    (chance * params.mechanisms.desertion).clamp(0.0, 1.0)
}

/// How far a front moves in a week (regions; positive = the enemy advances). The Central
/// Powers' armies, moving by rail against next to no resistance, move at `occupation_speed`;
/// the civil war's fronts (Whites, Poland) at `front_speed`.
pub fn front_movement(params: &crate::scenario::Params, enemy: Enemy, enemy_power: f64, red_power: f64) -> f64 {
    let ratio = enemy_power.max(1.0) / red_power.max(1.0);
    let speed = if enemy == Enemy::CentralPowers { params.war.occupation_speed } else { params.war.front_speed };
    speed * ratio.ln().clamp(-2.0, 2.0)
}

/// The enemy's fortune of war on each front for the campaign that contains `tick`: a draw
/// exp(spread × N(0,1)) per run, front and campaign, the same for any number of threads.
pub fn fortunes(params: &crate::scenario::Params, seed: u64, tick: u32, fronts: usize) -> Vec<f64> {
    let w = &params.war;
    let campaign = (tick as f64 / w.campaign_weeks.max(1.0)).floor() as u32;
    (0..fronts)
        .map(|i| {
            let mut rng = crate::rng::stream_rng(seed, campaign, Stream::War, 1 + i as u32);
            (w.battle_spread * crate::rng::normal(&mut rng)).exp()
        })
        .collect()
}

/// White combat power: soldiers and foreign troops, times Allied supply, less what the
/// Makhnovists' raids on the rear cost.
pub fn white_power(
    params: &crate::scenario::Params,
    white_soldiers: f64,
    external: f64,
    aid: f64,
    makhnovists: f64,
) -> f64 {
    let w = &params.war;
    let raid = 1.0 + w.makhno_raid * params.mechanisms.makhnovist_raids * makhnovists / white_soldiers.max(1.0);
    (white_soldiers * w.white_combat_share + external * w.external_quality) * aid / raid
}

/// Turns peasants of the regions an enemy front holds into White soldiers (used when a
/// front opens with an organised White army).
pub fn enlist_whites(world: &mut World, front: usize, people: f64) {
    let regions: Vec<u16> = world.resource::<War>().fronts[front].regions.clone();
    let held = world.resource::<War>().fronts[front].position.ceil() as usize;
    let geography = world.resource::<Geography>().clone();
    let mut enlisted = 0.0;
    let mut query = world.query::<&mut Person>();
    let candidates: Vec<u16> = regions.iter().take(held.max(1)).copied().collect();
    for mut person in query.iter_mut(world) {
        if enlisted >= people {
            break;
        }
        let region = geography.districts[person.district as usize].region;
        if person.role == Role::Peasant && person.status == Status::Quiet && candidates.contains(&region) {
            person.role = Role::Soldier;
            person.army = Army::White;
            person.front = front as u8;
            enlisted += person.weight as f64;
        }
    }
}

/// What the armies need to know this week.
pub struct ArmyWeek<'a> {
    params: &'a crate::scenario::Params,
    district_region: &'a [u16],
    soviet: Vec<bool>,
    /// The White front recruiting in each White-held region, if any.
    white_front: Vec<Option<u8>>,
    makhnovist_base: Vec<bool>,
    conscription: f64,
    /// Weekly chance a deserter at home goes back (0 without the commissions).
    deserter_return: f64,
    volunteering: f64,
    conscription_policy: bool,
    defeat: f64,
    red_loss: f64,
    hunger: f64,
    harvest_months: bool,
    white_rate: f64,
    demobilise: f64,
    white_losses: &'a [f64],
    front_open: Vec<bool>,
    streams: AgentStreams,
}

impl<'a> ArmyWeek<'a> {
    pub fn new(
        now: &crate::systems::Now<'a>,
        government: &Government,
        census: &Census,
        economy: &Economy,
        war: &'a War,
    ) -> ArmyWeek<'a> {
        let crate::systems::Now { clock, params, geography, control } = *now;
        let w = &params.war;
        let policy = &government.policy;
        let conscription = if policy.conscription {
            w.conscription * policy.mobilisation * (1.0 - census.red_army / w.red_army_ceiling).max(0.0)
        } else {
            0.0
        };
        let white_front = (0..geography.regions.len())
            .map(|r| {
                let held = control.controller[r] == Controller::White;
                let front = war
                    .fronts
                    .iter()
                    .position(|f| f.active && f.enemy == Enemy::White && f.regions.contains(&(r as u16)));
                front.filter(|_| held).map(|f| f as u8)
            })
            .collect();
        let penalty = if policy.white_land == WhiteLandPolicy::RestoreToLandlords {
            1.0 - w.land_restoration_penalty
        } else {
            1.0
        };
        let month = clock.date.month();
        ArmyWeek {
            params,
            district_region: &geography.district_region,
            soviet: (0..geography.regions.len()).map(|r| control.soviet(r as u16)).collect(),
            white_front,
            makhnovist_base: geography.regions.iter().map(|r| r.makhnovist_base).collect(),
            conscription,
            deserter_return: if policy.desertion_commissions { w.deserter_return } else { 0.0 },
            volunteering: if policy.conscription { 0.0 } else { w.volunteering },
            conscription_policy: policy.conscription,
            defeat: war.red_defeat.iter().sum(),
            red_loss: war.red_loss_rate.iter().sum(),
            hunger: 1.0 - economy.army_food.min(1.0),
            harvest_months: (7..=9).contains(&month),
            white_rate: w.white_conscription * (1.0 - census.white_armies / w.white_army_ceiling).max(0.0) * penalty,
            demobilise: government.demobilise_weekly,
            white_losses: &war.white_loss_rate,
            front_open: war.fronts.iter().map(|f| f.active).collect(),
            streams: AgentStreams::new(clock.seed, clock.tick, Stream::War),
        }
    }
}

/// The armies' week, summed: deaths, desertion, emigration and call-ups, and the soldiers
/// counted after it (for the fronts).
#[derive(Clone, Debug, Default)]
pub struct ArmySums {
    /// Combat deaths and emigration by home region.
    pub people: Vec<PeopleLedger>,
    pub deserters: f64,
    /// Deserters caught or returned this week.
    pub returned: f64,
    /// People called up from each district this week.
    pub conscripted: Vec<f64>,
    pub makhnovists: f64,
    /// Red soldiers (not jailed) and their support summed; White soldiers per front.
    pub red_total: f64,
    pub red_support: f64,
    pub white: Vec<f64>,
}

impl ArmySums {
    pub fn new(regions: usize, districts: usize, fronts: usize) -> ArmySums {
        ArmySums {
            people: vec![PeopleLedger::default(); regions],
            conscripted: vec![0.0; districts],
            white: vec![0.0; fronts],
            ..Default::default()
        }
    }
}

impl crate::agents::Partial for ArmySums {
    fn merge(&mut self, o: ArmySums) {
        for (a, b) in self.people.iter_mut().zip(&o.people) {
            a.add(b);
        }
        self.deserters += o.deserters;
        self.returned += o.returned;
        crate::agents::add_into(&mut self.conscripted, &o.conscripted);
        self.makhnovists += o.makhnovists;
        self.red_total += o.red_total;
        self.red_support += o.red_support;
        crate::agents::add_into(&mut self.white, &o.white);
    }
}

/// One agent's week in (or out of) the armies: soldiers join, desert, go home, fight and die;
/// civilians are called up. Then the soldier is counted for the fronts.
#[inline]
pub fn serve(week: &ArmyWeek, person: &mut Person, mind: &Mind, sums: &mut ArmySums) {
    if person.alive() && person.status != Status::Jailed {
        let mut rng = week.streams.agent(person.id);
        match (person.role, person.army) {
            (Role::Soldier, Army::Old) => old_soldier(week, person, mind, &mut rng),
            (Role::Soldier, Army::Red) => red_soldier(week, person, mind, &mut rng, sums),
            (Role::Soldier, Army::White) => white_soldier(week, person, mind, &mut rng, sums),
            (Role::Peasant | Role::Worker, _) if person.status == Status::Quiet => {
                civilian(week, person, mind, &mut rng, sums)
            }
            _ => {}
        }
    }
    if person.role != Role::Soldier || !person.alive() || person.status == Status::Jailed {
        return;
    }
    match person.army {
        Army::Red => {
            sums.red_total += person.weight as f64;
            sums.red_support += person.weight as f64 * mind.support as f64;
        }
        Army::White if (person.front as usize) < sums.white.len() => {
            sums.white[person.front as usize] += person.weight as f64
        }
        _ => {}
    }
}

fn old_soldier(week: &ArmyWeek, person: &mut Person, mind: &Mind, rng: &mut AgentRng) {
    let region = week.district_region[person.district as usize] as usize;
    if rng.uniform() < week.params.war.demobilisation {
        go_home(person);
    } else if week.soviet[region] && rng.uniform() < week.volunteering * mind.support as f64 {
        person.army = Army::Red;
    }
}

/// Combat deaths among an agent's people; true when none is left.
fn combat_deaths(week: &ArmyWeek, person: &mut Person, rate: f64, rng: &mut AgentRng, sums: &mut ArmySums) -> bool {
    let dead = whole_people(rng, person.weight, rate);
    if dead > 0 {
        person.weight -= dead;
        let home = week.district_region[person.home as usize] as usize;
        sums.people[home].deaths[Cause::Combat as usize] += dead as u64;
        if person.weight == 0 {
            person.status = Status::Dead;
            return true;
        }
    }
    false
}

fn red_soldier(week: &ArmyWeek, person: &mut Person, mind: &Mind, rng: &mut AgentRng, sums: &mut ArmySums) {
    let w = &week.params.war;
    if combat_deaths(week, person, week.red_loss, rng, sums) {
        return;
    }
    let chance = desertion_chance(week.params, week.hunger, week.harvest_months, mind.support as f64, week.defeat);
    if rng.uniform() < chance {
        sums.deserters += person.weight as f64;
        if rng.uniform() < w.green_share * mind.grievance as f64 {
            person.role = person.origin;
            person.army = Army::None;
            person.status = Status::Green;
            person.district = person.home;
        } else {
            go_home(person);
        }
        person.deserter = true;
    } else if rng.uniform() < week.demobilise {
        go_home(person);
    }
}

fn white_soldier(week: &ArmyWeek, person: &mut Person, mind: &Mind, rng: &mut AgentRng, sums: &mut ArmySums) {
    let w = &week.params.war;
    let front = person.front as usize;
    let loss = week.white_losses.get(front).copied().unwrap_or(0.0);
    if combat_deaths(week, person, loss, rng, sums) {
        return;
    }
    let front_open = week.front_open.get(front).copied().unwrap_or(false);
    if !front_open {
        if rng.uniform() < w.white_emigration {
            sums.people[week.district_region[person.home as usize] as usize].emigrated += person.weight as u64;
            person.status = Status::Emigrated;
        } else {
            go_home(person);
        }
    } else if rng.uniform() < w.white_desertion * (1.0 + mind.support as f64) {
        go_home(person);
    }
}

fn civilian(week: &ArmyWeek, person: &mut Person, mind: &Mind, rng: &mut AgentRng, sums: &mut ArmySums) {
    let w = &week.params.war;
    let region = week.district_region[person.district as usize] as usize;
    if week.soviet[region] {
        if person.deserter && week.deserter_return > 0.0 && rng.uniform() < week.deserter_return {
            sums.returned += person.weight as f64;
            enlist_red(person, sums);
            return;
        }
        let eligible = if person.role == Role::Worker && !week.conscription_policy {
            w.volunteering_workers * mind.support as f64
        } else {
            0.0
        };
        let chance = week.conscription + eligible;
        if chance > 0.0 && rng.uniform() < chance {
            enlist_red(person, sums);
        }
    } else if person.role == Role::Peasant
        && let Some(front) = week.white_front[region]
        && rng.uniform() < week.white_rate
    {
        person.role = Role::Soldier;
        person.army = Army::White;
        person.front = front;
        sums.conscripted[person.district as usize] += person.weight as f64;
    }
    if person.role == Role::Peasant && mind.party == Party::Anarchist && week.makhnovist_base[region] {
        sums.makhnovists += person.weight as f64;
    }
}

/// A civilian joins the Red Army (called up, or a deserter caught or back): counted among the
/// district's call-ups, and no longer sought as a deserter.
fn enlist_red(person: &mut Person, sums: &mut ArmySums) {
    person.role = Role::Soldier;
    person.army = Army::Red;
    person.deserter = false;
    sums.conscripted[person.district as usize] += person.weight as f64;
}

/// Enters the armies' week: the ledger, the districts' call-up shares, the Makhnovists.
pub fn book(
    params: &crate::scenario::Params,
    sums: &ArmySums,
    districts: &mut Districts,
    war: &mut War,
    ledger: &mut Ledger,
) {
    for (a, b) in ledger.people.iter_mut().zip(&sums.people) {
        a.add(b);
    }
    ledger.deserters += sums.deserters;
    ledger.deserters_returned += sums.returned;
    for (d, c) in districts.conscripted.iter_mut().enumerate() {
        *c = sums.conscripted[d] / districts.population[d].max(1.0);
    }
    war.makhnovists = sums.makhnovists * params.war.makhno_recruitment;
}

fn go_home(person: &mut Person) {
    person.role = person.origin;
    person.army = Army::None;
    person.front = u8::MAX;
    person.district = person.home;
    person.status = Status::Quiet;
}

/// What the fronts read and change each week.
#[derive(SystemParam)]
pub struct FrontState<'w> {
    clock: Res<'w, Clock>,
    params: Res<'w, Coefficients>,
    geography: Res<'w, Geography>,
    env: Res<'w, Environment>,
    government: Res<'w, Government>,
    economy: Res<'w, Economy>,
    soldiers: Res<'w, Soldiers>,
    districts: Res<'w, Districts>,
    control: ResMut<'w, Control>,
    war: ResMut<'w, War>,
    log: ResMut<'w, EventLog>,
}

/// Resolves each active front for the week and hands regions over as the line moves.
pub fn fronts(state: FrontState) {
    let FrontState {
        clock,
        params,
        geography,
        env,
        government,
        economy,
        soldiers,
        districts,
        mut control,
        mut war,
        mut log,
    } = state;
    let w = &params.war;
    let nf = war.fronts.len();
    let white = &soldiers.white;
    let (red_total, red_support) = (soldiers.red_total, soldiers.red_support);
    let red_morale = 1.0 + w.morale_support * (red_support / red_total.max(1.0) - 0.5);
    let red_supply = 1.0 - w.supply_food * (1.0 - economy.army_food.min(1.0));
    // Elected officers and soldiers' committees: less discipline in battle (seed 004 L2176-2181).
    let discipline = if government.policy.military_democracy { w.military_democracy_combat } else { 1.0 };
    let red_field = red_total * (1.0 - w.red_rear_share) * w.red_combat_share * red_morale * red_supply * discipline;
    let fighting: Vec<bool> = war
        .fronts
        .iter()
        .map(|f| f.active && !(f.enemy == Enemy::CentralPowers && government.policy.peace != PeaceStatus::AtWar))
        .collect();
    let mut enemy_power = enemy_powers(&params, &geography, &env, &clock, &government, &war, white);
    for (i, fortune) in fortunes(&params, clock.seed, clock.tick, nf).into_iter().enumerate() {
        war.fronts[i].fortune = fortune;
        enemy_power[i] *= fortune;
    }
    let shares = red_shares(w, &enemy_power, &fighting, &mut war.red_share);
    for t in war.white_threat.iter_mut() {
        *t = 0.0;
    }
    let mut red_deaths = 0.0;
    for i in 0..nf {
        war.red_defeat[i] = 0.0;
        war.white_loss_rate[i] = 0.0;
        war.fronts[i].white_soldiers = white[i];
        if !fighting[i] {
            continue;
        }
        let red_power = red_field * shares[i];
        let enemy = enemy_power[i];
        let delta = front_movement(&params, war.fronts[i].enemy, enemy, red_power);
        let len = war.fronts[i].regions.len() as f64;
        let old = war.fronts[i].position;
        let new = (old + delta).clamp(0.0, occupied_limit(&war.fronts[i], &control).unwrap_or(len));
        let ratio = enemy.max(1.0) / red_power.max(1.0);
        let red_losses = w.attrition * red_power * ratio.min(3.0) / (red_morale * red_supply).max(0.1);
        let enemy_people = white[i] * w.white_combat_share + war.fronts[i].external * w.external_quality;
        let enemy_losses = w.attrition * enemy_people * (1.0 / ratio).min(3.0);
        red_deaths += w.death_share * red_losses;
        let white_part = white[i] * w.white_combat_share / enemy_people.max(1.0);
        war.white_loss_rate[i] = w.death_share * enemy_losses * white_part / white[i].max(1.0);
        let foreign = w.death_share * enemy_losses * (1.0 - white_part);
        war.fronts[i].external = (war.fronts[i].external - foreign).max(0.0);
        war.foreign_deaths += foreign;
        war.red_defeat[i] = delta.max(0.0);
        track_line(&mut war.fronts[i], new);
        war.fronts[i].red_soldiers = red_power;
        war.fronts[i].red_power = red_power;
        war.fronts[i].enemy_power = enemy;
        let enemy_controller = holder(war.fronts[i].enemy);
        let regions = war.fronts[i].regions.clone();
        let id = war.fronts[i].id.clone();
        let mut map = Handover { clock: &clock, geography: &geography, control: &mut control, log: &mut log };
        map.line_moved(&regions, &war.fronts[i].base_holders, old, new, enemy_controller, &id);
        if war.fronts[i].enemy == Enemy::White {
            let next = (new.floor() as usize).min(regions.len() - 1);
            for &r in regions.iter().take(new.floor() as usize).chain(&regions[next..(next + 1).min(regions.len())]) {
                war.white_threat[r as usize] = 1.0;
            }
        }
        let strength = white[i] + war.fronts[i].external;
        // Whether the enemy's army breaks up is a matter of its strength, not of a campaign's luck.
        let beaten = new < 1.0 && enemy / war.fronts[i].fortune < w.front_collapse * red_power;
        if strength < 1.0 || beaten {
            war.fronts[i].active = false;
            war.fronts[i].position = 0.0;
            map.collapse(&regions, &war.fronts[i].base_holders, enemy_controller, strength, &id);
        }
    }
    war.red_loss_rate = vec![red_deaths / red_total.max(1.0)];
    contested_regions(
        &params,
        &war,
        &mut Handover { clock: &clock, geography: &geography, control: &mut control, log: &mut log },
    );
    white_progress(&clock, &geography, &districts, &control, &mut war, &mut log);
}

/// How the Reds share out their field army among the fronts this week. They aim at the main
/// threat: a front's weight is its enemy's power raised to `war.front_focus` (2 is Lanchester's
/// square law), as the party named one "main front" at a time: "All to the Eastern Front" (April
/// 1919), "Everything for the struggle against Denikin!" (July 1919). But divisions move between
/// fronts by rail over weeks: each week the army on a front (`red_share`, kept between weeks)
/// closes `war.redeploy` of the gap to that aim, and a front that opens starts with none. So a
/// White army that grows or opens a front gains ground before the Reds' reinforcements arrive,
/// as Kolchak did in the spring of 1919 and Denikin in the summer, while the Reds' divisions were
/// still on the other front. Returns each front's share of the field army (summing to 1 over
/// the fronts being fought, when any has an army).
fn red_shares(
    w: &crate::scenario::WarParams,
    enemy_power: &[f64],
    fighting: &[bool],
    red_share: &mut [f64],
) -> Vec<f64> {
    let weight = |i: usize| if fighting[i] { enemy_power[i].max(0.0).powf(w.front_focus) } else { 0.0 };
    let total: f64 = (0..red_share.len()).map(weight).sum();
    for (i, share) in red_share.iter_mut().enumerate() {
        let aim = if total > 0.0 { weight(i) / total } else { 0.0 };
        *share = if fighting[i] { redeploy(*share, aim, w.redeploy) } else { 0.0 };
    }
    let sum: f64 = red_share.iter().sum();
    red_share.iter().map(|s| if sum > 0.0 { s / sum } else { 0.0 }).collect()
}

/// One week of moving troops: `rate` of the gap between where they are and where they should be.
pub fn redeploy(share: f64, aim: f64, rate: f64) -> f64 {
    share + rate.clamp(0.0, 1.0) * (aim - share)
}

/// How far a White front may advance: not into the regions the Central Powers occupy. The
/// Don Army took German arms and kept to the Don, and the Volunteer Army to the Kuban, while the
/// Germans held Ukraine; the Hetman's Ukraine fell to the Directory and the Reds after the
/// Germans left (December 1918, 004 L1046-1047), Denikin took it in the summer of 1919.
fn occupied_limit(front: &Front, control: &Control) -> Option<f64> {
    if front.enemy != Enemy::White {
        return None;
    }
    let from = front.position.floor() as usize;
    (from..front.regions.len())
        .find(|k| control.controller[front.regions[*k] as usize] == Controller::CentralPowers)
        .map(|k| k as f64)
}

/// Who holds the regions an enemy takes.
pub fn holder(enemy: Enemy) -> Controller {
    match enemy {
        Enemy::White => Controller::White,
        Enemy::CentralPowers => Controller::CentralPowers,
        Enemy::Poland => Controller::National,
    }
}

/// Moves a front's line and counts the weeks its enemy has been thrown back to its base after
/// advancing beyond it (for `FrontThrownBack`).
fn track_line(front: &mut Front, new: f64) {
    // Measurement thresholds in regions, not model coefficients: an advance counts from a tenth
    // of a region beyond the base, and "back at the base" within a twentieth of one.
    const ADVANCED: f64 = 0.1;
    const AT_BASE: f64 = 0.05;
    front.position = new;
    front.furthest = front.furthest.max(new);
    let thrown_back = front.furthest >= front.base + ADVANCED && new < front.base + AT_BASE;
    front.weeks_thrown_back = if thrown_back { front.weeks_thrown_back + 1.0 } else { 0.0 };
}

/// The Whites' furthest advance and their defeat, as outcomes of the run: the week they held
/// the most people is logged (`white_furthest_advance`, dated that week) once they have lost
/// half of it; `whites_defeated` is logged the first week no White front is left in the field
/// after they had held ground.
fn white_progress(
    clock: &Clock,
    geography: &Geography,
    districts: &Districts,
    control: &Control,
    war: &mut War,
    log: &mut EventLog,
) {
    let held: f64 = (0..districts.population.len())
        .filter(|d| control.controller[geography.district_region[*d] as usize] == Controller::White)
        .map(|d| districts.population[d])
        .sum();
    if held > war.white_peak {
        war.white_peak = held;
        war.white_peak_date = Some(clock.date);
    }
    // A measurement threshold, not a model coefficient: the advance is over once half of the
    // most the Whites held is lost.
    const LOST_SHARE: f64 = 0.5;
    if war.white_peak > 0.0 && held < LOST_SHARE * war.white_peak && !log.happened("white_furthest_advance") {
        let on_day = log.on_day.take();
        log.on_day = war.white_peak_date;
        let detail = format!("the Whites held {:.0} people; now {held:.0}", war.white_peak);
        log.push(clock, "white_furthest_advance", "", war.white_peak, &detail);
        log.on_day = on_day;
    }
    let in_field = war.fronts.iter().any(|f| f.active && f.enemy == Enemy::White);
    if war.white_peak > 0.0 && !in_field && !log.happened("whites_defeated") {
        log.push(clock, "whites_defeated", "", war.white_peak, "no White front is left in the field");
    }
}

/// White (and foreign) combat power on each front this week.
fn enemy_powers(
    params: &crate::scenario::Params,
    geography: &Geography,
    env: &Environment,
    clock: &Clock,
    government: &Government,
    war: &War,
    white: &[f64],
) -> Vec<f64> {
    let w = &params.war;
    let allied = government.policy.makhnovist_alliance;
    war.fronts
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let raids = if f.enemy == Enemy::White
                && f.regions.iter().any(|r| geography.regions[*r as usize].makhnovist_base)
            {
                war.makhnovists * if allied { 1.0 } else { w.makhno_unallied }
            } else {
                0.0
            };
            white_power(params, white[i], f.external, env.aid(i, clock.date), raids)
        })
        .collect()
}

/// Hands regions over as lines move, and logs it.
struct Handover<'a> {
    clock: &'a Clock,
    geography: &'a Geography,
    control: &'a mut Control,
    log: &'a mut EventLog,
}

impl Handover<'_> {
    fn to(&mut self, region: u16, to: Controller, why: &str) {
        hand_over(self.clock, self.geography, self.control, self.log, region, to, why);
    }

    /// The regions the line crossed this week change hands; a retreating enemy gives back only
    /// what it held (not what another has taken since, such as the Central Powers' occupation),
    /// and its base to whoever held it before the front opened (`base_holders`).
    fn line_moved(
        &mut self,
        regions: &[u16],
        base_holders: &[Controller],
        old: f64,
        new: f64,
        enemy: Controller,
        id: &str,
    ) {
        for (k, &r) in regions.iter().enumerate() {
            let held_before = (k as f64) < old.floor();
            let held_now = (k as f64) < new.floor();
            let holder = self.control.controller[r as usize];
            if held_now && !held_before {
                self.to(r, enemy, id);
            } else if held_before && !held_now && holder == enemy {
                self.to(r, returns_to(base_holders, k), id);
            }
        }
    }

    /// A beaten front: its regions return to the Soviets, its base to whoever held it before.
    fn collapse(&mut self, regions: &[u16], base_holders: &[Controller], enemy: Controller, strength: f64, id: &str) {
        for (k, &r) in regions.iter().enumerate() {
            if self.control.controller[r as usize] == enemy {
                self.to(r, returns_to(base_holders, k), id);
            }
        }
        let clock = self.clock;
        self.log.push(clock, "front_closed", "", strength, &format!("{id}: the enemy's front collapsed"));
    }
}

/// Who gets region `k` of a front back from its enemy: the base's holder before the front
/// opened, beyond the base the Soviets.
fn returns_to(base_holders: &[Controller], k: usize) -> Controller {
    base_holders.get(k).copied().unwrap_or(Controller::Soviet)
}

/// Contested regions with no enemy front go to the Reds after a while.
fn contested_regions(params: &crate::scenario::Params, war: &War, map: &mut Handover) {
    for r in 0..map.control.controller.len() {
        if map.control.controller[r] != Controller::Contested {
            continue;
        }
        map.control.contested_weeks[r] += 1;
        let claimed = war.fronts.iter().any(|f| {
            f.active && f.regions.iter().position(|x| *x as usize == r).is_some_and(|k| (k as f64) < f.position.ceil())
        });
        if !claimed && map.control.contested_weeks[r] as f64 >= params.war.contested_takeover {
            map.to(r as u16, Controller::Soviet, "contested");
        }
    }
}

/// Hands a region to a new controller and logs `region_control_changed`.
pub fn hand_over(
    clock: &Clock,
    geography: &Geography,
    control: &mut Control,
    log: &mut EventLog,
    region: u16,
    to: Controller,
    why: &str,
) {
    let from = control.controller[region as usize];
    if from == to {
        return;
    }
    control.controller[region as usize] = to;
    control.contested_weeks[region as usize] = 0;
    let detail = format!("{} → {} ({why})", from.key(), to.key());
    log.push(clock, "region_control_changed", &geography.regions[region as usize].id, 0.0, &detail);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunger_defeat_and_harvest_raise_desertion() {
        let params = crate::testing::params();
        let calm = desertion_chance(&params, 0.0, false, 0.8, 0.0);
        assert!(desertion_chance(&params, 0.5, false, 0.8, 0.0) > calm);
        assert!(desertion_chance(&params, 0.0, true, 0.8, 0.0) > calm);
        assert!(desertion_chance(&params, 0.0, false, 0.2, 0.0) > calm);
        assert!(desertion_chance(&params, 0.0, false, 0.8, 0.1) > calm);
    }

    #[test]
    fn the_stronger_side_advances() {
        let params = crate::testing::params();
        assert!(front_movement(&params, Enemy::White, 2000.0, 1000.0) > 0.0);
        assert!(front_movement(&params, Enemy::White, 1000.0, 2000.0) < 0.0);
        assert_eq!(front_movement(&params, Enemy::White, 1000.0, 1000.0), 0.0);
    }

    #[test]
    fn the_central_powers_move_faster_than_a_civil_war_front() {
        let params = crate::testing::params();
        let german = front_movement(&params, Enemy::CentralPowers, 500_000.0, 50_000.0);
        let white = front_movement(&params, Enemy::White, 500_000.0, 50_000.0);
        assert!(german > white && white > 0.0);
        // Faustschlag's pace: three regions (the Baltic, the West, Ukraine) within two weeks.
        assert!(2.0 * german >= 3.0, "{german} regions a week");
    }

    #[test]
    fn the_fortune_of_war_is_drawn_per_seed_and_campaign_and_repeats() {
        let mut params = crate::testing::params();
        let a = fortunes(&params, 7, 30, 6);
        assert_eq!(a, fortunes(&params, 7, 30, 6), "same seed, same draw");
        assert_eq!(a, fortunes(&params, 7, 27, 6), "one draw for the weeks of a campaign");
        assert_ne!(a, fortunes(&params, 8, 30, 6), "another seed, another draw");
        assert_ne!(a, fortunes(&params, 7, 30 + params.war.campaign_weeks as u32, 6), "the next campaign");
        assert!(a.iter().all(|f| *f > 0.0) && a.windows(2).any(|w| w[0] != w[1]));
        params.war.battle_spread = 0.0;
        assert!(fortunes(&params, 7, 30, 6).iter().all(|f| *f == 1.0), "no spread, no luck");
    }

    #[test]
    fn the_reds_move_troops_toward_the_main_threat_a_share_of_the_gap_each_week() {
        assert!((redeploy(0.2, 0.6, 0.25) - 0.3).abs() < 1e-12, "a quarter of the gap of 0.4");
        assert_eq!(redeploy(0.2, 0.6, 1.0), 0.6, "rate 1: at once");
        assert_eq!(redeploy(0.2, 0.6, 0.0), 0.2, "rate 0: never");
        let mut params = crate::testing::params();
        params.war.redeploy = 0.2;
        params.war.front_focus = 2.0;
        // Two fronts fought since long ago, all troops on the first; a third opens.
        let mut held = vec![1.0, 0.0, 0.0];
        let fighting = [true, true, true];
        let power = [100.0, 100.0, 200.0];
        let first = red_shares(&params.war, &power, &fighting, &mut held);
        assert!((first.iter().sum::<f64>() - 1.0).abs() < 1e-12, "the shares sum to one: {first:?}");
        assert!(first[2] < 4.0 / 6.0 && first[2] > 0.0, "the new front gets some, not its due: {first:?}");
        assert!(first[0] > first[1], "the troops are still where they were: {first:?}");
        for _ in 0..60 {
            red_shares(&params.war, &power, &fighting, &mut held);
        }
        let settled = red_shares(&params.war, &power, &fighting, &mut held);
        for (got, due) in settled.iter().zip([1.0 / 6.0, 1.0 / 6.0, 4.0 / 6.0]) {
            assert!((got - due).abs() < 1e-6, "after a year each front has its due (square law): {settled:?}");
        }
        // A front no longer fought frees its troops at once.
        let after = red_shares(&params.war, &power, &[true, true, false], &mut held);
        assert_eq!(after[2], 0.0);
        assert!((after[0] + after[1] - 1.0).abs() < 1e-12);
    }

    #[test]
    fn allied_aid_strengthens_and_makhnovists_weaken_the_whites() {
        let params = crate::testing::params();
        let base = white_power(&params, 100_000.0, 0.0, 1.0, 0.0);
        assert!(white_power(&params, 100_000.0, 0.0, 1.5, 0.0) > base);
        assert!(white_power(&params, 100_000.0, 0.0, 1.0, 30_000.0) < base);
    }
}
