//! Mechanism 11: demography — deaths from hunger and from the epidemics that follow hunger,
//! births, and the famine's declaration. Combat deaths and executions are counted where they
//! happen (war, repression, Kronstadt); every death is entered in the ledger by cause, so the
//! population at any tick equals the start plus births minus deaths and emigration.

use crate::model::*;
use crate::systems::whole_people;

/// Weekly chance of dying of hunger at a given food ratio.
pub fn hunger_death_chance(params: &crate::scenario::Params, food_ratio: f64) -> f64 {
    params.demography.hunger_mortality * (1.0 - food_ratio).clamp(0.0, 1.0).powi(2)
}

/// Share of the men of fathering age who are under arms (0-1): births fall in proportion, as
/// they did when the Great War took the men (A. B. Zubov, ed., *Istoriya Rossii. XX vek*, 2009:
/// ≈ 6 M fewer births in 1914–17 with ≈ 15 M mobilised).
pub fn men_away(params: &crate::scenario::Params, census: &Census) -> f64 {
    let men = params.demography.men_share * census.total;
    if men <= 0.0 { 0.0 } else { (under_arms(census) / men).clamp(0.0, 1.0) }
}

/// People in the Red and White armies.
fn under_arms(census: &Census) -> f64 {
    census.red_army + census.white_armies
}

/// Weekly births per person in a household at a food ratio (the men under arms already out):
/// in proportion to the food ratio (an assumption with no source; an exponent of 3 instead of 1
/// moved the 1922 population by 0.2 points, so it is not a coefficient).
pub fn birth_chance(weekly: f64, food_ratio: f64) -> f64 {
    weekly * food_ratio.clamp(0.0, 1.0)
}

/// What deaths and births depend on this week.
pub struct DemographyWeek<'a> {
    params: &'a crate::scenario::Params,
    district_region: &'a [u16],
    /// Weekly chance of dying of disease in each region (from last week's hunger there).
    disease: Vec<f64>,
    /// Weekly births per person with enough to eat, after the men under arms are taken out.
    birth: f64,
    /// Weekly ordinary deaths per civilian.
    ordinary: f64,
    streams: AgentStreams,
}

impl<'a> DemographyWeek<'a> {
    pub fn new(now: &crate::systems::Now<'a>, unrest: &Unrest, census: &Census) -> DemographyWeek<'a> {
        let crate::systems::Now { clock, params, geography, .. } = *now;
        let d = &params.demography;
        let armed = under_arms(census) / census.total.max(1.0);
        DemographyWeek {
            params,
            district_region: &geography.district_region,
            disease: unrest.hunger.iter().map(|h| d.disease_mortality * h + d.epidemic_mortality * armed).collect(),
            birth: d.birth_rate / 52.0 * (1.0 - men_away(params, census)),
            ordinary: d.ordinary_mortality / 52.0,
            streams: AgentStreams::new(clock.seed, clock.tick, Stream::Demography),
        }
    }
}

/// Deaths and births of the week, summed.
#[derive(Clone, Debug, Default)]
pub struct DemographySums {
    /// Deaths by hunger and disease, and births, by home region.
    pub people: Vec<PeopleLedger>,
    /// Deaths in each district (people).
    pub deaths: Vec<f64>,
    /// Food shortfall × people, and people, by region.
    pub hunger: Vec<f64>,
    pub living: Vec<f64>,
}

impl DemographySums {
    pub fn new(regions: usize, districts: usize) -> DemographySums {
        DemographySums {
            people: vec![PeopleLedger::default(); regions],
            deaths: vec![0.0; districts],
            hunger: vec![0.0; regions],
            living: vec![0.0; regions],
        }
    }
}

impl crate::agents::Partial for DemographySums {
    fn merge(&mut self, o: DemographySums) {
        for (a, b) in self.people.iter_mut().zip(&o.people) {
            a.add(b);
        }
        crate::agents::add_into(&mut self.deaths, &o.deaths);
        crate::agents::add_into(&mut self.hunger, &o.hunger);
        crate::agents::add_into(&mut self.living, &o.living);
    }
}

/// One agent's week of deaths (hunger, then disease) and births.
#[inline]
pub fn live(week: &DemographyWeek, person: &mut Person, household: &Household, sums: &mut DemographySums) {
    if !person.alive() {
        return;
    }
    let mut rng = week.streams.agent(person.id);
    let d = person.district as usize;
    let region = week.district_region[d] as usize;
    let home = week.district_region[person.home as usize] as usize;
    let food = if person.role == Role::Soldier { 1.0 } else { f64::from(household.food_ratio) };
    let shortfall = (1.0 - food).clamp(0.0, 1.0);
    let hungry = whole_people(&mut rng, person.weight, hunger_death_chance(week.params, food));
    let sick = whole_people(&mut rng, person.weight - hungry, week.disease[region]);
    // Soldiers' ordinary deaths and their children are left out: young men die little of
    // ordinary causes, and their families are counted at home (the births of the men away are
    // the ones `men_away` removes).
    let (ordinary, born) = if person.role == Role::Soldier {
        (0, 0)
    } else {
        let ordinary = whole_people(&mut rng, person.weight - hungry - sick, week.ordinary);
        (ordinary, whole_people(&mut rng, person.weight, birth_chance(week.birth, food)))
    };
    let ledger = &mut sums.people[home];
    ledger.deaths[Cause::Hunger as usize] += hungry as u64;
    ledger.deaths[Cause::Disease as usize] += sick as u64;
    ledger.deaths[Cause::Ordinary as usize] += ordinary as u64;
    ledger.births += born as u64;
    person.weight = person.weight - hungry - sick - ordinary + born;
    sums.deaths[d] += (hungry + sick) as f64;
    if person.weight == 0 {
        person.status = Status::Dead;
    }
    sums.hunger[region] += shortfall * person.weight as f64;
    sums.living[region] += person.weight as f64;
}

/// Enters the week's deaths and births, the districts' death rates and the regions' hunger,
/// and declares famine where the mean food ratio falls below the threshold.
pub fn book(
    now: &crate::systems::Now,
    sums: &DemographySums,
    state: (&mut Districts, &mut Unrest, &mut Ledger, &mut EventLog),
) {
    let crate::systems::Now { clock, params, geography, control } = *now;
    let (districts, unrest, ledger, log) = state;
    for (a, b) in ledger.people.iter_mut().zip(&sums.people) {
        a.add(b);
    }
    for d in 0..districts.deaths.len() {
        districts.deaths[d] = sums.deaths[d] / districts.population[d].max(1.0);
    }
    for r in 0..geography.regions.len() {
        unrest.hunger[r] = sums.hunger[r] / sums.living[r].max(1.0);
        let starving = 1.0 - unrest.hunger[r] < params.demography.famine_threshold;
        if starving && !unrest.famine[r] && control.soviet(r as u16) {
            unrest.famine[r] = true;
            log.push(
                clock,
                "famine_declared",
                &geography.regions[r].id,
                unrest.hunger[r],
                "mean food ratio below the famine threshold",
            );
        } else if !starving {
            unrest.famine[r] = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunger_kills_more_the_less_there_is_to_eat() {
        let params = crate::testing::params();
        assert_eq!(hunger_death_chance(&params, 1.0), 0.0);
        assert!(hunger_death_chance(&params, 0.3) > hunger_death_chance(&params, 0.7));
    }
}
