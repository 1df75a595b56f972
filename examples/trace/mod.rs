//! What the trace examples share: their arguments (scenario, seed, last date, weeks between
//! lines) and the run that prints one line every few weeks.

use revsim::model::Clock;
use std::path::Path;

/// Runs the scenario named on the command line at the default scale, printing `line(world)`
/// every few weeks until the last date (`default_until` unless given).
pub fn run(name: &str, default_until: &str, line: impl Fn(&bevy_ecs::world::World, &Clock) -> String) {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: {name} SCENARIO [SEED] [UNTIL] [EVERY]");
        std::process::exit(2);
    };
    let resolved = revsim::scenario::load(Path::new(path)).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(2)
    });
    let arg = |i: usize, default: &str| args.get(i).cloned().unwrap_or_else(|| default.to_string());
    let seed: u64 = arg(2, "1").parse().expect("SEED is a number");
    let until: revsim::date::Date = arg(3, default_until).parse().expect("UNTIL is a date, YYYY-MM-DD");
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
