//! Mechanism 2: agriculture — sowing, harvest, eating, fodder and spoilage.
//!
//! Sources: seed 004 E4 (L2531-2535) "Peasants resisted by reducing the amount they
//! planted"; seed 002 L1065-1069: output rises only when there are consumer goods to buy.
//! Harvest = sown area × yield × the region's weather that year (the Volga drought of
//! 1920-21 is a scheduled weather input).

use crate::model::*;

/// Seed (poods) needed to sow one area unit in a region.
pub fn seed_per_area(params: &crate::scenario::Params, region: &Region) -> f64 {
    params.agriculture.seed_share * region.grain_per_rural_person
}

/// Grain a household needs for food and fodder per week (poods).
pub fn weekly_need(params: &crate::scenario::Params, region: &Region, people: f64) -> (f64, f64) {
    let a = &params.agriculture;
    (people * a.consumption_norm * (1.0 - region.other_food_share) / 52.0, people * a.fodder_per_person / 52.0)
}

/// What a pood of grain is worth to a peasant household, against 1913: the manufactured
/// goods there are to buy (1913 = 1), the real free price less the risk of selling, and the
/// real fixed price of what the state takes.
#[derive(Clone, Copy, Debug)]
pub struct Terms {
    pub goods: f64,
    pub free_price: f64,
    pub fixed_price: f64,
}

impl Terms {
    /// Terms of trade as before the war.
    pub const PRE_WAR: Terms = Terms { goods: 1.0, free_price: 1.0, fixed_price: 1.0 };
}

/// The share of its land a household decides to sow: less when it expects its surplus to be
/// taken, more when what it keeps buys more (the expected real return: the free price on
/// what it keeps, the fixed price on what it expects to surrender, times the goods to buy).
pub fn sowing_share(params: &crate::scenario::Params, expected_take: f64, terms: &Terms) -> f64 {
    let a = &params.agriculture;
    let take_effect = 1.0 - a.sowing_take_elasticity * params.mechanisms.requisition_sowing * expected_take;
    let price = (1.0 - expected_take) * terms.free_price + expected_take * terms.fixed_price;
    // The elasticity at the pre-war terms of trade (1 = 1913), as a straight line.
    let terms_effect = 1.0 + a.sowing_goods_elasticity * (terms.goods * price - 1.0);
    (take_effect * terms_effect).clamp(a.sowing_floor, 1.0)
}

/// Takes up to `amount` from the open stock, then from the hidden stock; returns what was taken.
pub fn draw(household: &mut Household, amount: f64) -> f64 {
    let from_open = amount.min(household.grain).max(0.0);
    household.grain -= from_open;
    let from_hidden = (amount - from_open).min(household.hidden).max(0.0);
    household.hidden -= from_hidden;
    from_open + from_hidden
}

/// Per-region constants of farming, hoisted out of the per-agent loop.
#[derive(Clone, Copy, Debug)]
pub struct RegionFarm {
    pub grain_per_person: f64,
    pub seed_per_area: f64,
    /// Food and fodder a person needs per week (poods).
    pub food_per_person: f64,
    pub fodder_per_person: f64,
    pub weather: f64,
}

/// What farming needs to know this week.
pub struct AgricultureWeek<'a> {
    params: &'a crate::scenario::Params,
    /// Region of each district.
    district_region: &'a [u16],
    regions: Vec<RegionFarm>,
    terms: Terms,
    pub spring: bool,
    pub winter: bool,
    pub harvest: bool,
    spoil_rate: f64,
    streams: AgentStreams,
}

impl<'a> AgricultureWeek<'a> {
    pub fn new(
        clock: &Clock,
        params: &'a crate::scenario::Params,
        geography: &'a Geography,
        weather: &[f64],
        terms: Terms,
    ) -> AgricultureWeek<'a> {
        let a = &params.agriculture;
        let regions = geography
            .regions
            .iter()
            .zip(weather)
            .map(|(region, w)| {
                let (food, fodder) = weekly_need(params, region, 1.0);
                RegionFarm {
                    grain_per_person: region.grain_per_rural_person,
                    seed_per_area: seed_per_area(params, region),
                    food_per_person: food,
                    fodder_per_person: fodder,
                    weather: *w,
                }
            })
            .collect();
        AgricultureWeek {
            params,
            district_region: &geography.district_region,
            regions,
            terms,
            spring: clock.date.week_contains(a.spring_sowing.0, a.spring_sowing.1),
            winter: clock.date.week_contains(a.winter_sowing.0, a.winter_sowing.1),
            harvest: clock.date.week_contains(a.harvest.0, a.harvest.1),
            spoil_rate: a.spoilage_per_year / 52.0,
            streams: AgentStreams::new(clock.seed, clock.tick, Stream::Agriculture),
        }
    }
}

/// Grain flows of the week (poods), summed over households.
#[derive(Clone, Debug, Default)]
pub struct FarmSums {
    pub harvested: f64,
    pub sown_spring: f64,
    pub sown_total: f64,
    pub eaten: f64,
    pub seed: f64,
    pub fodder: f64,
    pub spoiled: f64,
}

impl crate::agents::Partial for FarmSums {
    fn merge(&mut self, o: FarmSums) {
        self.harvested += o.harvested;
        self.sown_spring += o.sown_spring;
        self.sown_total += o.sown_total;
        self.eaten += o.eaten;
        self.seed += o.seed;
        self.fodder += o.fodder;
        self.spoiled += o.spoiled;
    }
}

/// One household's week on the land: the harvest, sowing, eating, fodder and spoilage.
#[inline]
pub fn farm(week: &AgricultureWeek, person: &Person, household: &mut Household, sums: &mut FarmSums) {
    if person.origin != Role::Peasant {
        return;
    }
    let a = &week.params.agriculture;
    let farming = person.role == Role::Peasant && person.alive() && person.status != Status::Jailed;
    let region = &week.regions[week.district_region[person.home as usize] as usize];
    if week.harvest {
        let noise = 1.0 + a.yield_spread * crate::world::normal(&mut week.streams.agent(person.id));
        let crop = (f64::from(household.sown) * region.grain_per_person * region.weather * noise).max(0.0);
        if household.harvest_year > 0.0 {
            let last_take = (household.taken_year / household.harvest_year).min(1.0) as f64;
            let expected = f64::from(household.expected_take);
            household.expected_take =
                (a.expectation_memory * last_take + (1.0 - a.expectation_memory) * expected) as f32;
        }
        if farming {
            household.grain += crop;
            sums.harvested += crop;
        }
        household.harvest_year = crop as f32;
        household.taken_year = 0.0;
        household.sown = 0.0;
    }
    if !farming {
        return;
    }
    if week.spring || week.winter {
        let share = if week.winter { a.winter_crop_share } else { 1.0 - a.winter_crop_share };
        let planned =
            f64::from(household.land) * share * sowing_share(week.params, household.expected_take.into(), &week.terms);
        let available = household.grain + household.hidden;
        let area = planned.min(available / region.seed_per_area);
        sums.seed += draw(household, area * region.seed_per_area);
        household.sown += area as f32;
        if week.spring {
            sums.sown_spring += area;
            sums.sown_total += f64::from(household.sown);
        }
    }
    let people = person.weight as f64;
    let food_need = people * region.food_per_person;
    let ate = draw(household, food_need);
    sums.eaten += ate;
    household.food_ratio = if food_need > 0.0 { (ate / food_need) as f32 } else { 1.0 };
    sums.fodder += draw(household, people * region.fodder_per_person);
    let rot_open = household.grain * week.spoil_rate;
    let rot_hidden = household.hidden * week.spoil_rate;
    household.grain -= rot_open;
    household.hidden -= rot_hidden;
    sums.spoiled += rot_open + rot_hidden;
}

/// Enters the week's grain flows in the ledger and the economy.
pub fn book(week: &AgricultureWeek, sums: &FarmSums, economy: &mut Economy, ledger: &mut Ledger) {
    let g = &mut ledger.grain;
    g.harvested += sums.harvested;
    g.eaten += sums.eaten;
    g.seed += sums.seed;
    g.fodder += sums.fodder;
    g.spoiled += sums.spoiled;
    if week.harvest {
        economy.last_harvest = sums.harvested;
    }
    if week.spring && sums.sown_spring > 0.0 {
        economy.last_sown = sums.sown_total;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_expected_requisition_means_less_sowing() {
        let params = crate::testing::params();
        let calm = sowing_share(&params, 0.0, &Terms::PRE_WAR);
        let feared = sowing_share(&params, 0.4, &Terms::PRE_WAR);
        assert!(feared < calm, "{feared} !< {calm}");
    }

    #[test]
    fn goods_to_buy_and_a_better_price_mean_more_sowing() {
        let params = crate::testing::params();
        let poor = Terms { goods: 0.3, free_price: 1.0, fixed_price: 0.3 };
        assert!(sowing_share(&params, 0.2, &poor) < sowing_share(&params, 0.2, &Terms::PRE_WAR));
        let dearer = Terms { free_price: 2.0, ..poor };
        assert!(sowing_share(&params, 0.2, &dearer) > sowing_share(&params, 0.2, &poor));
        // A fixed price that has lost its value weighs on those who expect to surrender more.
        let fixed_up = Terms { fixed_price: 1.0, ..poor };
        assert!(sowing_share(&params, 0.4, &fixed_up) > sowing_share(&params, 0.4, &poor));
    }

    #[test]
    fn switching_the_mechanism_off_removes_the_sowing_response() {
        let mut params = crate::testing::params();
        params.mechanisms.requisition_sowing = 0.0;
        let flat = Terms { fixed_price: 1.0, ..Terms::PRE_WAR };
        assert_eq!(sowing_share(&params, 0.0, &flat), sowing_share(&params, 0.6, &flat));
    }

    #[test]
    fn draw_takes_open_grain_before_hidden() {
        let mut h = Household { grain: 5.0, hidden: 10.0, ..Default::default() };
        assert_eq!(draw(&mut h, 8.0), 8.0);
        assert_eq!((h.grain, h.hidden), (0.0, 7.0));
        assert_eq!(draw(&mut h, 100.0), 7.0);
    }
}
