//! The engine's speed on the baseline, in the figures the README reports:
//!
//! - wall time of one run at the default scale (1,000 people per agent) on one thread and on two;
//! - ns per agent and tick, and peak memory per agent, at 10,000 / 1,000 / 100 people per agent
//!   (and 10 and 5, household scale, with `REVSIM_BENCH_HOUSEHOLDS=1`), each in a process of its
//!   own so that its peak memory is its own;
//! - runs per second of an ensemble with 1 and 2 jobs;
//! - with `REVSIM_BENCH_OLD=PATH` (a `revsim` binary built from an earlier commit, see
//!   `benches/old_engine.sh`), the earlier engine and this one timed alternately on the same run.
//!
//! `cargo bench --bench baseline`; `REVSIM_BENCH_RUNS` sets the timed runs per figure (default 3).

use revsim::ensemble::{EnsembleOptions, ensemble_resolved};
use revsim::run::simulate_threads;
use std::process::Command;
use std::time::Instant;

fn baseline_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.ron")
}

/// Peak resident memory of this process (kB), from /proc.
fn peak_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Child mode: one run; prints `seconds agents ticks peak_kb`.
fn child(scale: u32, threads: usize) {
    let resolved = revsim::scenario::load(&baseline_path()).expect("baseline loads");
    let start = Instant::now();
    let out = simulate_threads(&resolved, 1, scale, threads).expect("run succeeds");
    println!("{} {} {} {}", start.elapsed().as_secs_f64(), out.agents, out.rows.len(), peak_kb());
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Runs a child process and parses its line.
fn measure(scale: u32, threads: usize) -> (f64, usize, usize, u64) {
    let exe = std::env::current_exe().expect("the bench's own path");
    let out = Command::new(exe)
        .args(["--child", &scale.to_string(), &threads.to_string()])
        .output()
        .expect("the bench runs itself");
    let text = String::from_utf8_lossy(&out.stdout);
    let f: Vec<&str> = text.split_whitespace().collect();
    assert!(f.len() == 4, "child at scale {scale} failed: {}", String::from_utf8_lossy(&out.stderr));
    (f[0].parse().unwrap(), f[1].parse().unwrap(), f[2].parse().unwrap(), f[3].parse().unwrap())
}

fn one_run(runs: usize) {
    for threads in [1, 2] {
        let times: Vec<f64> = (0..runs).map(|_| measure(1000, threads).0).collect();
        println!("one run, scale 1000, {threads} thread(s): median of {runs} {:.3} s", median(times));
    }
}

fn scaling(runs: usize) {
    let mut scales = vec![10_000, 1000, 100];
    if std::env::var("REVSIM_BENCH_HOUSEHOLDS").is_ok() {
        scales.extend([10, 5]);
    }
    for scale in scales {
        let n = if scale < 100 { 1 } else { runs };
        let results: Vec<_> = (0..n).map(|_| measure(scale, 2)).collect();
        let (_, agents, ticks, peak) = results[0];
        let wall = median(results.iter().map(|r| r.0).collect());
        let ns = wall * 1e9 / (agents as f64 * ticks as f64) * 2.0;
        println!(
            "scale {scale}: {agents} agents, {ticks} ticks, 2 threads: {wall:.2} s; {ns:.1} ns per agent-tick \
             (thread-time); peak memory {:.0} MB, {:.0} bytes per agent",
            peak as f64 / 1024.0,
            peak as f64 * 1024.0 / agents as f64
        );
    }
}

fn ensembles(runs: usize) {
    let path = baseline_path();
    let resolved = revsim::scenario::load(&path).expect("baseline loads");
    let runs = runs.max(4);
    for jobs in [1, 2] {
        let dir = std::env::temp_dir().join(format!("revsim-bench-{}-{jobs}", std::process::id()));
        let opts = EnsembleOptions {
            force: true,
            quiet: true,
            ..EnsembleOptions::new(path.clone(), runs, 1917, jobs, 1000, "bench".into())
        };
        let start = Instant::now();
        ensemble_resolved(&resolved, &dir, &opts).expect("ensemble succeeds");
        let wall = start.elapsed().as_secs_f64();
        let _ = std::fs::remove_dir_all(&dir);
        println!(
            "ensemble of {runs} runs, {jobs} job(s): {wall:.1} s, {:.2} runs/s; 1,000 runs would take {:.1} min",
            runs as f64 / wall,
            1000.0 * wall / runs as f64 / 60.0
        );
    }
}

/// The earlier engine and this one, alternately, on `revsim run` of the baseline, seed 1.
fn against_old(old: &str, runs: usize) {
    let new = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/revsim");
    let time = |bin: &std::path::Path, extra: &[&str]| {
        let out = std::env::temp_dir().join(format!("revsim-bench-old-{}", std::process::id()));
        let start = Instant::now();
        let status = Command::new(bin)
            .args(["run", baseline_path().to_str().unwrap(), "--seed", "1", "--force", "--out"])
            .arg(&out)
            .args(extra)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .expect("revsim runs");
        assert!(status.success(), "{} failed", bin.display());
        let _ = std::fs::remove_dir_all(&out);
        start.elapsed().as_secs_f64()
    };
    let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        a.push(time(std::path::Path::new(old), &[]));
        b.push(time(&new, &["--threads", "1"]));
        c.push(time(&new, &["--threads", "2"]));
    }
    let (a, b, c) = (median(a), median(b), median(c));
    println!(
        "revsim run (charts and files included), alternately: earlier engine {a:.2} s; this engine {b:.2} s on \
         one thread ({:.1}x), {c:.2} s on two ({:.1}x)",
        a / b,
        a / c
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        child(args[i + 1].parse().unwrap(), args[i + 2].parse().unwrap());
        return;
    }
    // `cargo test --benches` runs this without --bench: one quick run at a coarse scale.
    if !args.iter().any(|a| a == "--bench") {
        let (seconds, agents, ticks, _) = measure(50_000, 2);
        assert!(agents > 0 && ticks > 260 && seconds > 0.0);
        return;
    }
    let runs: usize = std::env::var("REVSIM_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(3);
    one_run(runs);
    scaling(runs);
    ensembles(runs);
    if let Ok(old) = std::env::var("REVSIM_BENCH_OLD") {
        against_old(&old, runs);
    }
}
