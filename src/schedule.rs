//! The order of the systems each tick, in one place (MODEL.md §6).

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
            agriculture::agriculture,
            procurement::procurement,
            cities::cities,
            war::armies,
            war::fronts,
            repression::repression,
            loyalty::loyalty,
            activation::activation,
            kronstadt::kronstadt,
            soviets::soviets,
            party::party_state,
            demography::demography,
            metrics::metrics,
        )
            .chain(),
    );
    schedule
}

/// Run once before the first tick: the starting aggregates the first tick reads.
pub fn initial() -> Schedule {
    let mut schedule = Schedule::default();
    schedule.set_executor(SingleThreadedExecutor::new());
    schedule.add_systems(metrics::metrics);
    schedule
}
