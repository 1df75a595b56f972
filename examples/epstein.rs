//! Runs revsim's reference Epstein model in Mesa's example configuration, for the cross-check and
//! the timing in benches/mesa/run.sh. Same interface as benches/mesa/mesa_epstein.py:
//!
//!   cargo run --release --example epstein -- counts SIZE STEPS SEED...
//!       one row per seed and step: seed,step,active,quiet,jailed
//!   cargo run --release --example epstein -- timing SIZE STEPS SEED...
//!       one row per seed: seed,size,agents,steps,seconds (steps only, after one warm-up step)
//!
//! The configuration is `Config::mesa` (Mesa 3.3.1's defaults: von Neumann vision 7, `round`) on a
//! SIZE×SIZE torus. Set EPSTEIN_ARREST=floor for the paper's ⌊C/A⌋.

use revsim::reference::epstein::{Config, Model, Rounding};
use std::io::Write;
use std::time::Instant;

fn config(size: usize, seed: u64) -> Config {
    let rounding = match std::env::var("EPSTEIN_ARREST").as_deref() {
        Ok("floor") => Rounding::Floor,
        _ => Rounding::Round,
    };
    Config { width: size, height: size, rounding, ..Config::mesa(seed) }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: epstein counts|timing SIZE STEPS SEED...";
    if args.len() < 4 {
        eprintln!("{usage}");
        std::process::exit(2);
    }
    let number = |s: &String| {
        s.parse::<u64>().unwrap_or_else(|_| {
            eprintln!("not a whole number: {s}\n{usage}");
            std::process::exit(2)
        })
    };
    let (size, steps) = (number(&args[1]) as usize, number(&args[2]) as usize);
    let seeds: Vec<u64> = args[3..].iter().map(number).collect();
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    let model = |seed| {
        Model::new(config(size, seed)).unwrap_or_else(|e| {
            eprintln!("{e}");
            std::process::exit(2)
        })
    };
    match args[0].as_str() {
        "counts" => {
            writeln!(out, "seed,step,active,quiet,jailed").unwrap();
            for seed in seeds {
                let mut m = model(seed);
                for step in 1..=steps {
                    let c = m.step();
                    writeln!(out, "{seed},{step},{},{},{}", c.active, c.quiet, c.jailed).unwrap();
                }
            }
        }
        "timing" => {
            writeln!(out, "seed,size,agents,steps,seconds").unwrap();
            for seed in seeds {
                let mut m = model(seed);
                m.step();
                let mut kept = Vec::with_capacity(steps);
                let start = Instant::now();
                for _ in 0..steps {
                    kept.push(m.step());
                }
                let seconds = start.elapsed().as_secs_f64();
                std::hint::black_box(&kept);
                writeln!(out, "{seed},{size},{},{steps},{seconds:.6}", m.citizens() + m.cops()).unwrap();
            }
        }
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    }
}
