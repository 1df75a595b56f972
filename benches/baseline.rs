//! Throughput of the baseline at the default scale (1,000 people per agent): ticks per
//! second and agent-ticks per second of one run, and runs per second of an ensemble with 1
//! and 2 jobs. Run with `cargo bench --bench baseline`; `REVSIM_BENCH_RUNS` sets the number of
//! timed runs (default 4).

use revsim::ensemble::{EnsembleOptions, ensemble_resolved};
use revsim::run::simulate;
use std::time::Instant;

fn main() {
    // `cargo test --benches` runs this without --bench: one quick pass at a coarse scale.
    let quick = !std::env::args().any(|a| a == "--bench");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.ron");
    let resolved = revsim::scenario::load(&path).expect("baseline loads");
    let runs: usize = std::env::var("REVSIM_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(4);
    let (runs, scale) = if quick { (2, 50_000) } else { (runs, 1000) };
    let mut times = Vec::new();
    let (mut ticks, mut agents) = (0, 0);
    for seed in 1..=runs as u64 {
        let start = Instant::now();
        let out = simulate(&resolved, seed, scale).expect("run succeeds");
        times.push(start.elapsed().as_secs_f64());
        ticks = out.rows.len();
        agents = out.agents;
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!(
        "one run, scale {scale}: {agents} agents, {ticks} ticks; median of {runs} runs {median:.2} s; \
         {:.0} ticks/s; {:.2e} agent-ticks/s",
        ticks as f64 / median,
        (ticks * agents) as f64 / median
    );
    for jobs in [1, 2] {
        let dir = std::env::temp_dir().join(format!("revsim-bench-{}-{jobs}", std::process::id()));
        let opts = EnsembleOptions {
            scenario: path.clone(),
            runs,
            seed: 1917,
            jobs,
            scale,
            out: None,
            force: true,
            resume: false,
            quiet: true,
            command_line: "bench".into(),
            fail_run: None,
            interrupt_after: None,
            charts: None,
        };
        let start = Instant::now();
        ensemble_resolved(&resolved, &dir, &opts).expect("ensemble succeeds");
        let wall = start.elapsed().as_secs_f64();
        let _ = std::fs::remove_dir_all(&dir);
        println!(
            "ensemble of {runs} runs, {jobs} job(s): {wall:.1} s, {:.3} runs/s; 1,000 runs would take {:.1} min",
            runs as f64 / wall,
            1000.0 * wall / runs as f64 / 60.0
        );
    }
}
