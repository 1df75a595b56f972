//! The order of the systems each tick, in one place (MODEL.md §6). The four passes over the
//! agents and what runs between them are described in `systems::passes`.

use crate::systems::*;
use bevy_ecs::prelude::*;
use bevy_ecs::schedule::SingleThreadedExecutor;

/// The weekly schedule: every mechanism, in MODEL.md's order.
pub fn weekly() -> Schedule {
    let mut schedule = Schedule::default();
    schedule.set_executor(SingleThreadedExecutor::new());
    schedule.add_systems(
        (
            events::events_and_rules,
            events::weather,
            passes::land,
            passes::supply_and_deploy,
            passes::people,
            war::fronts,
            passes::minds,
            kronstadt::kronstadt,
            soviets::soviets,
            party::party_state,
            passes::lives,
            metrics::metrics,
        )
            .chain(),
    );
    schedule
}

/// Run once before the first tick: the starting census and metrics the first tick reads.
pub fn initial() -> Schedule {
    let mut schedule = Schedule::default();
    schedule.set_executor(SingleThreadedExecutor::new());
    schedule.add_systems((passes::first_census, metrics::metrics).chain());
    schedule
}
