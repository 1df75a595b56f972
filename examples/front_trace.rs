//! Prints, every few weeks of one run, each front's state: whether it is open, the line
//! (regions the enemy holds), the White soldiers and foreign troops on it, the enemy's and the
//! Reds' combat power, and the campaign's fortune; then the people the Whites hold.
//!
//!     cargo run --release --example front_trace -- scenarios/baseline.ron 1 1920-12-31 4
//!
//! Arguments: scenario, seed (default 1), last date (default 1920-12-31), weeks between lines
//! (default 4). Each line: the date, then `front:line/whites k/external k/enemy power k/red
//! power k` per open front, then `held` (millions of people under White control).

use revsim::model::{Clock, Control, Districts, Geography, War};
use revsim::scenario::Controller;

mod trace;

fn main() {
    trace::run("front_trace", "1920-12-31", line);
}

fn line(world: &bevy_ecs::world::World, clock: &Clock) -> String {
    let war = world.resource::<War>();
    let geography = world.resource::<Geography>();
    let districts = world.resource::<Districts>();
    let control = world.resource::<Control>();
    let mut line = clock.date.to_string();
    for f in war.fronts.iter().filter(|f| f.active) {
        let k = |x: f64| x / 1000.0;
        line += &format!(
            " {}:{:.2}/{:.0}/{:.0}/{:.0}/{:.0}",
            f.id,
            f.position,
            k(f.white_soldiers),
            k(f.external),
            k(f.enemy_power),
            k(f.red_power)
        );
    }
    let held: f64 = (0..districts.population.len())
        .filter(|d| control.controller[geography.district_region[*d] as usize] == Controller::White)
        .map(|d| districts.population[d])
        .sum();
    line + &format!(" held:{:.1}M", held.max(0.0) / 1e6)
}
