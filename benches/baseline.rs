//! Throughput of the baseline at the default scale: ticks per second and agent-ticks per
//! second. Run with `cargo bench --bench baseline` (release build); set `REVSIM_BENCH_RUNS`
//! to change the number of timed runs (default 3).

use revsim::run::simulate;
use std::time::Instant;

fn main() {
    // `cargo test --benches` runs benches with --bench absent: do a single quick pass then.
    let quick = !std::env::args().any(|a| a == "--bench");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.ron");
    let resolved = revsim::scenario::load(&path).expect("baseline loads");
    let runs: u64 = std::env::var("REVSIM_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(3);
    let (runs, scale) = if quick { (1, 50_000) } else { (runs, 1000) };
    let mut times = Vec::new();
    let mut ticks = 0;
    let mut agents = 0;
    for seed in 1..=runs {
        let start = Instant::now();
        let out = simulate(&resolved, seed, scale).expect("run succeeds");
        times.push(start.elapsed().as_secs_f64());
        ticks = out.rows.len();
        agents = out.agents;
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!(
        "baseline, scale {scale}: {agents} agents, {ticks} ticks; median of {runs} runs {median:.2} s; \
         {:.0} ticks/s; {:.2e} agent-ticks/s",
        ticks as f64 / median,
        (ticks * agents) as f64 / median
    );
}
