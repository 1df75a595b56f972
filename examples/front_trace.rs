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
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: front_trace SCENARIO [SEED] [UNTIL] [EVERY]");
        std::process::exit(2);
    };
    let resolved = revsim::scenario::load(Path::new(path)).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(2)
    });
    let arg = |i: usize, default: &str| args.get(i).cloned().unwrap_or_else(|| default.to_string());
    let seed: u64 = arg(2, "1").parse().expect("SEED is a number");
    let until: revsim::date::Date = arg(3, "1920-12-31").parse().expect("UNTIL is a date, YYYY-MM-DD");
    let every: u32 = arg(4, "4").parse::<u32>().expect("EVERY is a number of weeks").max(1);
    revsim::run::simulate_until(&resolved, seed, 1000, |world| {
        let clock = world.resource::<Clock>().clone();
        if clock.tick.is_multiple_of(every) {
            println!("{}", line(world, &clock));
        }
        clock.date >= until
    })
    .expect("the run succeeds");
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
    line + &format!(" held:{:.1}M", held / 1e6)
}
