//! Runs revsim's reference Epstein model in Mesa's example configuration, for the cross-check and
//! the timing in benches/mesa/run.sh. Same interface as benches/mesa/mesa_epstein.py:
//!
//!   cargo run --release --example epstein -- counts CONFIG SIZE STEPS SEED...
//!       one row per seed and step: seed,step,active,quiet,jailed
//!   cargo run --release --example epstein -- timing CONFIG SIZE STEPS SEED...
//!       one row per seed: seed,size,agents,steps,seconds,cpu_seconds (steps only, after one
//!       warm-up step; CPU time of this thread from /proc, where there is one)
//!
//! CONFIG `mesa` is `Config::mesa` (Mesa 3.3.1's defaults: von Neumann vision 7, `round`) on a
//! SIZE×SIZE torus; `run1` also sets the paper's Run 1 values (cop density 0.04, L 0.82, Jmax 30).
//! Set EPSTEIN_ARREST=floor for the paper's ⌊C/A⌋.

use revsim::reference::epstein::{Config, Model, Rounding};
use std::io::Write;
use std::time::Instant;

const USAGE: &str = "usage: epstein counts|timing mesa|run1 SIZE STEPS SEED...";

fn fail(message: &str) -> ! {
    eprintln!("{message}\n{USAGE}");
    std::process::exit(2)
}

fn config(name: &str, size: usize, seed: u64) -> Config {
    let rounding = match std::env::var("EPSTEIN_ARREST").as_deref() {
        Ok("floor") => Rounding::Floor,
        _ => Rounding::Round,
    };
    let mesa = Config { width: size, height: size, rounding, ..Config::mesa(seed) };
    match name {
        "mesa" => mesa,
        "run1" => Config { cop_density: 0.04, legitimacy: 0.82, max_jail: 30, ..mesa },
        _ => fail(&format!("unknown configuration {name}")),
    }
}

/// CPU time of this thread in seconds (Linux), or NaN.
fn cpu_seconds() -> f64 {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    text.split_whitespace().next().and_then(|ns| ns.parse::<f64>().ok()).map_or(f64::NAN, |ns| ns * 1e-9)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 5 {
        fail("too few arguments");
    }
    let number = |s: &String| s.parse::<u64>().unwrap_or_else(|_| fail(&format!("not a whole number: {s}")));
    let (size, steps) = (number(&args[2]) as usize, number(&args[3]) as usize);
    let seeds: Vec<u64> = args[4..].iter().map(number).collect();
    let model = |seed| Model::new(config(&args[1], size, seed)).unwrap_or_else(|e| fail(&e));
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
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
            writeln!(out, "seed,size,agents,steps,seconds,cpu_seconds").unwrap();
            for seed in seeds {
                let mut m = model(seed);
                m.step();
                let mut kept = Vec::with_capacity(steps);
                let (start, cpu) = (Instant::now(), cpu_seconds());
                for _ in 0..steps {
                    kept.push(m.step());
                }
                let (seconds, cpu) = (start.elapsed().as_secs_f64(), cpu_seconds() - cpu);
                std::hint::black_box(&kept);
                let agents = m.citizens() + m.cops();
                writeln!(out, "{seed},{size},{agents},{steps},{seconds:.6},{cpu:.6}").unwrap();
            }
        }
        _ => fail("the mode is counts or timing"),
    }
}
