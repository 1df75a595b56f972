//! Mechanism 5: war — demobilisation of the old army, volunteering and conscription,
//! desertion to the greens, White recruitment, and the weekly resolution of each front.
//!
//! Sources: seed 004 L324-332 (the old army goes home and radicalises the villages); G4
//! (desertion and the greens); G10-G11 (the Whites' land policy costs them their rear: the
//! Reds as the lesser evil); G14 (Makhnovist partisans weaken Denikin); L2849-2851 (without
//! foreign aid the Whites "probably would have lost much quicker"). Fronts: strength ×
//! morale × supply on each side decides attrition and whether regions change hands
//! (MODEL.md §6.5).

use crate::metrics::Metrics;
use crate::model::*;
use crate::scenario::{Controller, Enemy, Party, PeaceStatus, WhiteLandPolicy};
use crate::systems::{Coefficients, events::Environment, whole_people};
use bevy_ecs::prelude::*;
use rand::RngExt;

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

/// How far a front moves in a week (regions; positive = the enemy advances).
pub fn front_movement(params: &crate::scenario::Params, enemy_power: f64, red_power: f64) -> f64 {
    let ratio = enemy_power.max(1.0) / red_power.max(1.0);
    params.war.front_speed * ratio.ln().clamp(-2.0, 2.0)
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

/// Soldiers join, desert, go home, fight and die.
#[allow(clippy::too_many_arguments)]
pub fn armies(
    clock: Res<Clock>,
    params: Res<Coefficients>,
    geography: Res<Geography>,
    control: Res<Control>,
    government: Res<Government>,
    economy: Res<Economy>,
    metrics: Res<Metrics>,
    mut war: ResMut<War>,
    mut districts: ResMut<Districts>,
    mut ledger: ResMut<Ledger>,
    mut agents: Query<(&mut Person, &Mind)>,
) {
    let w = &params.war;
    let month = clock.date.month();
    let harvest_months = (7..=9).contains(&month);
    let red_army = metrics.get("red_army");
    let conscription = if government.policy.conscription {
        w.conscription * government.policy.mobilisation * (1.0 - red_army / w.red_army_ceiling).max(0.0)
    } else {
        0.0
    };
    let volunteering = if government.policy.conscription { 0.0 } else { w.volunteering };
    let defeat: f64 = war.red_defeat.iter().sum();
    let red_loss = war.red_loss_rate.iter().sum::<f64>();
    let hunger = 1.0 - economy.army_food.min(1.0);
    let white_front_of = |region: u16, war: &War| {
        war.fronts.iter().position(|f| f.active && f.enemy == Enemy::White && f.regions.contains(&region))
    };
    let white_rate = w.white_conscription
        * (1.0 - metrics.get("white_armies") / w.white_army_ceiling).max(0.0)
        * if government.policy.white_land == WhiteLandPolicy::RestoreToLandlords {
            1.0 - w.land_restoration_penalty
        } else {
            1.0
        };
    let mut rng = BlockRng::new(&clock, Stream::War);
    let mut makhnovists = 0.0;
    for c in districts.conscripted.iter_mut() {
        *c = 0.0;
    }
    let demobilise = government.demobilise_weekly;
    let white_losses = war.white_loss_rate.clone();
    for (mut person, mind) in agents.iter_mut() {
        if !person.alive() || person.status == Status::Jailed {
            continue;
        }
        let rng = rng.for_agent(person.id);
        let region = geography.districts[person.district as usize].region;
        match (person.role, person.army) {
            (Role::Soldier, Army::Old) => {
                if rng.random::<f64>() < w.demobilisation {
                    go_home(&mut person);
                } else if control.soviet(region) && rng.random::<f64>() < volunteering * mind.support as f64 {
                    person.army = Army::Red;
                }
            }
            (Role::Soldier, Army::Red) => {
                let dead = whole_people(rng, person.weight, red_loss);
                if dead > 0 {
                    person.weight -= dead;
                    ledger.death(geography.districts[person.home as usize].region, Cause::Combat, dead);
                    if person.weight == 0 {
                        person.status = Status::Dead;
                        continue;
                    }
                }
                let chance = desertion_chance(&params, hunger, harvest_months, mind.support as f64, defeat);
                if rng.random::<f64>() < chance {
                    ledger.deserters += person.weight as f64;
                    if rng.random::<f64>() < w.green_share * mind.grievance as f64 {
                        person.role = person.origin;
                        person.army = Army::None;
                        person.status = Status::Green;
                        person.district = person.home;
                    } else {
                        go_home(&mut person);
                    }
                } else if rng.random::<f64>() < demobilise {
                    go_home(&mut person);
                }
            }
            (Role::Soldier, Army::White) => {
                let front = person.front as usize;
                let loss = white_losses.get(front).copied().unwrap_or(0.0);
                let dead = whole_people(rng, person.weight, loss);
                if dead > 0 {
                    person.weight -= dead;
                    ledger.death(geography.districts[person.home as usize].region, Cause::Combat, dead);
                    if person.weight == 0 {
                        person.status = Status::Dead;
                        continue;
                    }
                }
                let front_open = war.fronts.get(front).is_some_and(|f| f.active);
                if !front_open {
                    if rng.random::<f64>() < w.white_emigration {
                        ledger.people[geography.districts[person.home as usize].region as usize].emigrated +=
                            person.weight as u64;
                        person.status = Status::Emigrated;
                    } else {
                        go_home(&mut person);
                    }
                } else if rng.random::<f64>() < w.white_desertion * (1.0 + mind.support as f64) {
                    go_home(&mut person);
                }
            }
            (Role::Peasant | Role::Worker, _) if person.status == Status::Quiet => {
                if control.soviet(region) {
                    let eligible = if person.role == Role::Worker && !government.policy.conscription {
                        w.volunteering_workers * mind.support as f64
                    } else {
                        0.0
                    };
                    if rng.random::<f64>() < conscription + eligible {
                        person.role = Role::Soldier;
                        person.army = Army::Red;
                        districts.conscripted[person.district as usize] += person.weight as f64;
                    }
                } else if control.controller[region as usize] == Controller::White
                    && person.role == Role::Peasant
                    && let Some(front) = white_front_of(region, &war)
                    && rng.random::<f64>() < white_rate
                {
                    person.role = Role::Soldier;
                    person.army = Army::White;
                    person.front = front as u8;
                    districts.conscripted[person.district as usize] += person.weight as f64;
                }
                if person.role == Role::Peasant
                    && mind.party == Party::Anarchist
                    && geography.regions[region as usize].makhnovist_base
                {
                    makhnovists += person.weight as f64;
                }
            }
            _ => {}
        }
    }
    for d in 0..districts.conscripted.len() {
        let pop = districts.population[d].max(1.0);
        districts.conscripted[d] /= pop;
    }
    war.makhnovists = makhnovists * w.makhno_recruitment;
}

fn go_home(person: &mut Person) {
    person.role = person.origin;
    person.army = Army::None;
    person.front = u8::MAX;
    person.district = person.home;
    person.status = Status::Quiet;
}

/// Resolves each active front for the week and hands regions over as the line moves.
#[allow(clippy::too_many_arguments)]
pub fn fronts(
    clock: Res<Clock>,
    params: Res<Coefficients>,
    geography: Res<Geography>,
    env: Res<Environment>,
    government: Res<Government>,
    economy: Res<Economy>,
    mut control: ResMut<Control>,
    mut war: ResMut<War>,
    mut log: ResMut<EventLog>,
    agents: Query<(&Person, &Mind)>,
) {
    let w = &params.war;
    let nf = war.fronts.len();
    let mut white = vec![0.0; nf];
    let (mut red_total, mut red_support) = (0.0, 0.0);
    for (person, mind) in agents.iter() {
        if person.role != Role::Soldier || !person.alive() || person.status == Status::Jailed {
            continue;
        }
        match person.army {
            Army::Red => {
                red_total += person.weight as f64;
                red_support += person.weight as f64 * mind.support as f64;
            }
            Army::White if (person.front as usize) < nf => white[person.front as usize] += person.weight as f64,
            _ => {}
        }
    }
    let red_morale = 1.0 + w.morale_support * (red_support / red_total.max(1.0) - 0.5);
    let red_supply = 1.0 - w.supply_food * (1.0 - economy.army_food.min(1.0));
    // Elected officers and soldiers' committees: less discipline in battle (seed 004 L2176-2181).
    let discipline = if government.policy.military_democracy { w.military_democracy_combat } else { 1.0 };
    let red_field = red_total * (1.0 - w.red_rear_share) * w.red_combat_share * red_morale * red_supply * discipline;
    let makhnovists = war.makhnovists;
    let allied_makhno = government.policy.makhnovist_alliance;
    let fighting: Vec<bool> = war
        .fronts
        .iter()
        .map(|f| f.active && !(f.enemy == Enemy::CentralPowers && government.policy.peace != PeaceStatus::AtWar))
        .collect();
    let enemy_power: Vec<f64> = (0..nf)
        .map(|i| {
            let f = &war.fronts[i];
            let raids = if f.enemy == Enemy::White
                && f.regions.iter().any(|r| geography.regions[*r as usize].makhnovist_base)
            {
                makhnovists * if allied_makhno { 1.0 } else { w.makhno_unallied }
            } else {
                0.0
            };
            white_power(&params, white[i], f.external, env.aid(i, clock.date), raids)
        })
        .collect();
    // The Reds concentrate on the main threat (a front's weight is its power raised to
    // `war.front_focus`; 2 is Lanchester's square law), as the party named one "main front" at a
    // time: "All to the Eastern Front" (April 1919), "Everything for the struggle against
    // Denikin!" (July 1919).
    let focus = |power: f64| power.max(0.0).powf(w.front_focus);
    let focus_total: f64 = (0..nf).filter(|i| fighting[*i]).map(|i| focus(enemy_power[i])).sum();
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
        let share = if focus_total > 0.0 { focus(enemy_power[i]) / focus_total } else { 0.0 };
        let red_power = red_field * share;
        let enemy = enemy_power[i];
        let delta = front_movement(&params, enemy, red_power);
        let len = war.fronts[i].regions.len() as f64;
        let old = war.fronts[i].position;
        let new = (old + delta).clamp(0.0, len);
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
        war.fronts[i].position = new;
        war.fronts[i].red_soldiers = red_power;
        war.fronts[i].red_power = red_power;
        war.fronts[i].enemy_power = enemy;
        let enemy_controller = match war.fronts[i].enemy {
            Enemy::White => Controller::White,
            Enemy::CentralPowers => Controller::CentralPowers,
            Enemy::Poland => Controller::National,
        };
        let regions = war.fronts[i].regions.clone();
        for (k, &r) in regions.iter().enumerate() {
            let held_before = (k as f64) < old.floor();
            let held_now = (k as f64) < new.floor();
            if held_now && !held_before {
                hand_over(&clock, &geography, &mut control, &mut log, r, enemy_controller, &war.fronts[i].id);
            } else if held_before && !held_now {
                hand_over(&clock, &geography, &mut control, &mut log, r, Controller::Soviet, &war.fronts[i].id);
            }
        }
        if war.fronts[i].enemy == Enemy::White {
            let next = (new.floor() as usize).min(regions.len() - 1);
            for &r in &regions[next..(next + 1).min(regions.len())] {
                war.white_threat[r as usize] = 1.0;
            }
            for &r in regions.iter().take(new.floor() as usize) {
                war.white_threat[r as usize] = 1.0;
            }
        }
        let strength = white[i] + war.fronts[i].external;
        let beaten = new < 1.0 && enemy < w.front_collapse * red_power;
        if strength < 1.0 || beaten {
            war.fronts[i].active = false;
            war.fronts[i].position = 0.0;
            for &r in &regions {
                if control.controller[r as usize] == enemy_controller {
                    hand_over(&clock, &geography, &mut control, &mut log, r, Controller::Soviet, &war.fronts[i].id);
                }
            }
            log.push(
                &clock,
                "front_closed",
                "",
                strength,
                &format!("{}: the enemy's front collapsed", war.fronts[i].id),
            );
        }
    }
    war.red_loss_rate = vec![red_deaths / red_total.max(1.0)];
    // Contested regions with no enemy front go to the Reds after a while.
    for r in 0..control.controller.len() {
        if control.controller[r] != Controller::Contested {
            continue;
        }
        control.contested_weeks[r] += 1;
        let claimed = war.fronts.iter().any(|f| {
            f.active && f.regions.iter().position(|x| *x as usize == r).is_some_and(|k| (k as f64) < f.position.ceil())
        });
        if !claimed && control.contested_weeks[r] as f64 >= w.contested_takeover {
            hand_over(&clock, &geography, &mut control, &mut log, r as u16, Controller::Soviet, "contested");
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
        assert!(front_movement(&params, 2000.0, 1000.0) > 0.0);
        assert!(front_movement(&params, 1000.0, 2000.0) < 0.0);
        assert_eq!(front_movement(&params, 1000.0, 1000.0), 0.0);
    }

    #[test]
    fn allied_aid_strengthens_and_makhnovists_weaken_the_whites() {
        let params = crate::testing::params();
        let base = white_power(&params, 100_000.0, 0.0, 1.0, 0.0);
        assert!(white_power(&params, 100_000.0, 0.0, 1.5, 0.0) > base);
        assert!(white_power(&params, 100_000.0, 0.0, 1.0, 30_000.0) < base);
    }
}
