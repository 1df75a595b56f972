//! The four visits to the agents each week. Each mechanism's per-agent step lives in its own
//! file; a pass runs the steps that may share a visit, in MODEL.md's order, and books their
//! partial sums when every agent has been visited:
//!
//! 1. **land**: agriculture, then procurement (each household on its own);
//! 2. **people**: the towns' households eat or leave, the armies call up and lose men (and the
//!    soldiers are counted for the fronts), the Cheka releases and arrests;
//! 3. **minds**: loyalty, then activation (each agent's grievance is its own);
//! 4. **lives**: deaths and births, then the census.
//!
//! Between the passes run the systems that work on aggregates: the towns' supply and industry
//! and the Cheka's deployment before the second, the fronts after it; Kronstadt, the soviets and
//! the party-state after the third; the metrics after the fourth.

use crate::agents::{AllAgents, Partial};
use crate::environment::Environment;
use crate::model::*;
use crate::systems::activation::{self, ActivationSums, ActivationWeek};
use crate::systems::agriculture::{self, AgricultureWeek, FarmSums};
use crate::systems::cities::{self, TownWeek};
use crate::systems::demography::{self, DemographySums, DemographyWeek};
use crate::systems::loyalty::{self, LoyaltyInputs, LoyaltySums, LoyaltyWeek};
use crate::systems::market;
use crate::systems::metrics::{self as census, CensusSums};
use crate::systems::procurement::{self, ProcurementSums, ProcurementWeek};
use crate::systems::repression::{self, RepressionSums, RepressionWeek};
use crate::systems::war::{self, ArmySums, ArmyWeek};
use crate::systems::{Coefficients, Now};
use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;

impl<A: Partial, B: Partial> Partial for (A, B) {
    fn merge(&mut self, other: (A, B)) {
        self.0.merge(other.0);
        self.1.merge(other.1);
    }
}

impl<A: Partial> Partial for Option<A> {
    fn merge(&mut self, other: Option<A>) {
        if let (Some(a), Some(b)) = (self.as_mut(), other) {
            a.merge(b);
        }
    }
}

/// The state every pass reads.
#[derive(SystemParam)]
pub struct Common<'w> {
    clock: Res<'w, Clock>,
    params: Res<'w, Coefficients>,
    geography: Res<'w, Geography>,
    control: Res<'w, Control>,
}

impl Common<'_> {
    fn now(&self) -> Now<'_> {
        Now { clock: &self.clock, params: &self.params, geography: &self.geography, control: &self.control }
    }
}

/// Pass 1: agriculture and procurement.
pub fn land(
    common: Common,
    government: Res<Government>,
    mut districts: ResMut<Districts>,
    mut economy: ResMut<Economy>,
    mut ledger: ResMut<Ledger>,
    mut agents: AllAgents,
) {
    let now = common.now();
    let n = districts.population.len();
    let terms = market::terms(now.params, &government.policy, &economy);
    let farm_week = AgricultureWeek::new(now.clock, now.params, now.geography, &now.control.weather, terms);
    let week = ProcurementWeek::new(&now, &government, &districts, &economy);
    let (farm, procured) = agents.pass(
        || (FarmSums::default(), ProcurementSums::new(n)),
        |sums, chunk| {
            for i in 0..chunk.len() {
                agriculture::farm(&farm_week, &chunk.person[i], &mut chunk.household[i], &mut sums.0);
                procurement::procure(&week, &chunk.person[i], &mut chunk.household[i], &chunk.mind[i], &mut sums.1);
            }
        },
    );
    agriculture::book(&farm_week, &farm, &mut economy, &mut ledger);
    procurement::book(&procured, &mut districts, &mut economy, &mut ledger);
}

/// What the towns' supply and the Cheka's deployment change.
#[derive(SystemParam)]
pub struct SupplyState<'w> {
    government: ResMut<'w, Government>,
    districts: ResMut<'w, Districts>,
    economy: ResMut<'w, Economy>,
    deployment: ResMut<'w, Deployment>,
}

/// The aggregates before pass 2: the towns' supply and industry, the Cheka's deployment.
pub fn supply_and_deploy(
    common: Common,
    env: Res<Environment>,
    census: Res<Census>,
    war: Res<War>,
    state: SupplyState,
) {
    let SupplyState { mut government, mut districts, mut economy, mut deployment } = state;
    let now = common.now();
    market::money(&now, &mut economy);
    cities::supply(&now, &census, &env, &mut economy);
    market::clear(&now, &census, &env, &government.policy, &mut economy);
    cities::industry(&now, &census, &government, &war, &mut economy);
    deployment.arrest_chance = repression::deploy(&now, &census, &mut government, &mut districts);
}

/// The state pass 2 changes besides the agents.
#[derive(SystemParam)]
pub struct PeopleState<'w> {
    government: Res<'w, Government>,
    census: Res<'w, Census>,
    economy: Res<'w, Economy>,
    deployment: Res<'w, Deployment>,
    war: ResMut<'w, War>,
    districts: ResMut<'w, Districts>,
    unrest: ResMut<'w, Unrest>,
    ledger: ResMut<'w, Ledger>,
    soldiers: ResMut<'w, Soldiers>,
}

/// Pass 2: the towns' households, the armies, the Cheka's arrests.
pub fn people(common: Common, state: PeopleState, mut agents: AllAgents) {
    let PeopleState {
        government,
        census,
        economy,
        deployment,
        mut war,
        mut districts,
        mut unrest,
        mut ledger,
        mut soldiers,
    } = state;
    let now = common.now();
    let (regions, n, fronts) = (now.geography.regions.len(), districts.population.len(), war.fronts.len());
    let ((moves, armies), arrests) = {
        let towns = TownWeek::new(&now, &economy);
        let army = ArmyWeek::new(&now, &government, &census, &economy, &war);
        let cheka = RepressionWeek::new(&now, &government, &deployment.arrest_chance);
        agents.pass(
            || {
                (
                    (vec![PeopleLedger::default(); regions], ArmySums::new(regions, n, fronts)),
                    RepressionSums::new(regions, n),
                )
            },
            |((moves, armies), arrests), chunk| {
                for i in 0..chunk.len() {
                    let person = &mut chunk.person[i];
                    cities::town_household(&towns, person, &mut chunk.household[i], moves);
                    war::serve(&army, person, &chunk.mind[i], armies);
                    repression::police(&cheka, person, arrests);
                }
            },
        )
    };
    for (a, b) in ledger.people.iter_mut().zip(&moves) {
        a.add(b);
    }
    war::book(now.params, &armies, &mut districts, &mut war, &mut ledger);
    *soldiers = Soldiers { red_total: armies.red_total, red_support: armies.red_support, white: armies.white };
    repression::book(now.params, &arrests, &mut districts, &mut unrest, &mut ledger);
}

impl Partial for Vec<PeopleLedger> {
    fn merge(&mut self, other: Vec<PeopleLedger>) {
        for (a, b) in self.iter_mut().zip(&other) {
            a.add(b);
        }
    }
}

/// The state pass 3 reads besides the agents.
#[derive(SystemParam)]
pub struct MindState<'w> {
    government: Res<'w, Government>,
    war: Res<'w, War>,
    soviets: Res<'w, Soviets>,
    kronstadt: Res<'w, Kronstadt>,
    census: Res<'w, Census>,
    districts: ResMut<'w, Districts>,
    unrest: ResMut<'w, Unrest>,
    ledger: ResMut<'w, Ledger>,
    log: ResMut<'w, EventLog>,
}

/// Pass 3: loyalty, then activation.
pub fn minds(common: Common, state: MindState, mut agents: AllAgents) {
    let MindState { government, war, soviets, kronstadt, census, mut districts, mut unrest, mut ledger, mut log } =
        state;
    let now = common.now();
    let (regions, n) = (now.geography.regions.len(), districts.population.len());
    let (loyal, active) = {
        let inputs = LoyaltyInputs {
            districts: &districts,
            government: &government,
            war: &war,
            soviets: &soviets,
            kronstadt: &kronstadt,
        };
        let feel = LoyaltyWeek::new(&now, inputs);
        let act = ActivationWeek::new(&now, &districts, &unrest, &census, government.policy.military_democracy);
        agents.pass(
            || (LoyaltySums::new(n), ActivationSums::new(regions, n)),
            |(loyal, active), chunk| {
                for i in 0..chunk.len() {
                    let person = &mut chunk.person[i];
                    loyalty::feel(&feel, person, &chunk.household[i], &mut chunk.mind[i], loyal);
                    activation::act(&act, person, &chunk.mind[i], active);
                }
            },
        )
    };
    loyalty::book(loyal, &mut districts, &mut unrest);
    activation::uprisings(&now, active, (&mut districts, &mut unrest, &mut ledger, &mut log));
}

/// Pass 4: deaths and births, then the census.
pub fn lives(
    common: Common,
    mut census: ResMut<Census>,
    mut districts: ResMut<Districts>,
    mut unrest: ResMut<Unrest>,
    mut ledger: ResMut<Ledger>,
    mut log: ResMut<EventLog>,
    mut agents: AllAgents,
) {
    let now = common.now();
    let (regions, n) = (now.geography.regions.len(), districts.population.len());
    let (deaths, counted) = {
        let week = DemographyWeek::new(&now, &unrest, &census);
        agents.pass(
            || (DemographySums::new(regions, n), CensusSums::new(regions, n)),
            |(deaths, counted), chunk| {
                for i in 0..chunk.len() {
                    demography::live(&week, &mut chunk.person[i], &chunk.household[i], deaths);
                    census::count(now.geography, &chunk.person[i], &chunk.mind[i], counted);
                }
            },
        )
    };
    demography::book(&now, &deaths, (&mut districts, &mut unrest, &mut ledger, &mut log));
    counted.book(&mut census, &mut districts);
}

/// The census alone, before the first tick.
pub fn first_census(
    common: Common,
    mut census: ResMut<Census>,
    mut districts: ResMut<Districts>,
    mut agents: AllAgents,
) {
    let now = common.now();
    let (regions, n) = (now.geography.regions.len(), districts.population.len());
    let counted = agents.pass(
        || CensusSums::new(regions, n),
        |counted, chunk| {
            for i in 0..chunk.len() {
                census::count(now.geography, &chunk.person[i], &chunk.mind[i], counted);
            }
        },
    );
    counted.book(&mut census, &mut districts);
}
