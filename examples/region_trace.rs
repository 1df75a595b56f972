//! Prints, every few weeks of one run, each region's mean support for the government, the share
//! of its people active in rebellion or on strike, and who holds it: the state the war's rules
//! (`Holds`, `ActiveShare`) read.
//!
//!     cargo run --release --example region_trace -- scenarios/baseline.ron 1 1919-12-31 4
//!
//! Arguments: scenario, seed (default 1), last date (default 1919-12-31), weeks between lines
//! (default 4). Each line: the date, then `region:support/active share/holder` per region.

use revsim::model::{Clock, Control, Districts, Geography};

mod trace;

fn main() {
    trace::run("region_trace", "1919-12-31", line);
}

fn line(world: &bevy_ecs::world::World, clock: &Clock) -> String {
    let geography = world.resource::<Geography>();
    let districts = world.resource::<Districts>();
    let control = world.resource::<Control>();
    let mut line = clock.date.to_string();
    for (r, region) in geography.regions.iter().enumerate() {
        let (mut support, mut people, mut active) = (0.0, 0.0, 0.0);
        for (d, _) in geography.district_region.iter().enumerate().filter(|(_, x)| **x as usize == r) {
            support += districts.support[d] * districts.population[d];
            people += districts.population[d];
            active += districts.active[d];
        }
        let people = f64::max(people, 1.0);
        line +=
            &format!(" {}:{:.2}/{:.3}/{}", region.id, support / people, active / people, control.controller[r].key());
    }
    line
}
