//! What a request costs before it starts: memory, time and disk of runs and ensembles, and
//! the bounds on numbers that would otherwise overflow, loop or exhaust the machine.
//!
//! The per-agent costs are measured constants of the engine. When the engine changes, measure
//! them again (`/usr/bin/time -f %M revsim run scenarios/baseline.ron --scale S` at two scales:
//! the slope is the bytes per agent) and change them here: every check reads them from here.

use crate::scenario::Resolved;

/// Peak resident memory per agent of one run, in bytes. Measured 2026-11-30 with the engine of
/// issue 9 (`cargo bench --bench baseline`, release build): 54 MB at 162,979 agents (`--scale
/// 1000`) and 449 MB at 1,628,722 agents (`--scale 100`): a slope of 289 bytes per agent (the
/// engine before it: 271).
pub const BYTES_PER_AGENT: u64 = 289;
/// Memory of a run that does not grow with agents (the program, the scenario, the tables).
pub const BYTES_PER_RUN_FIXED: u64 = 8 << 20;
/// Wall time per agent and weekly tick on one idle core, in nanoseconds (73-82 ns with the
/// engine of issue 9, `cargo bench --bench baseline`; 100-112 ns at commit a98c4b8). Used only
/// for the estimates printed before a large ensemble.
pub const NS_PER_AGENT_TICK: u64 = 82;
/// Bytes that one run adds to an ensemble's `timeseries.csv` and `events.csv` (measured:
/// 235 kB per run at `--scale 20000`; the files grow with weeks and districts, not agents).
pub const DISK_BYTES_PER_RUN: u64 = 240_000;
/// The coarsest scale: at more people per agent, small groups (a region's soldiers, the
/// fortress garrison) are one agent each and the agent count no longer means anything.
pub const MAX_SCALE: u32 = 100_000;
/// The most runs an ensemble or comparison accepts (about 5 days of computing on two cores
/// at the default scale, and 24 GB of CSV): beyond this, split the work into several ensembles.
pub const MAX_RUNS: usize = 100_000;
/// Ensembles that will take longer than this print their time and disk estimate first.
pub const ANNOUNCE_SECONDS: f64 = 60.0;
/// Largest PNG side. The bitmap backend (plotters 0.3) indexes pixels with 32-bit signed
/// integers: a canvas of width × height ≥ 2^31 pixels panics (65535 wide panicked; charts may be
/// taller than asked). 10,000 keeps every chart under that with room, and under 300 MB per image.
pub const MAX_CHART_SIDE: u32 = 10_000;
/// Smallest PNG width and height (the charts' own minimum).
pub const MIN_CHART_WIDTH: u32 = 200;
pub const MIN_CHART_HEIGHT: u32 = 150;
/// Range of `--chart-scale`: at 3.25 and above, text outgrows the panels and the polygon fill
/// of plotters never finishes (measured: 3.0 draws a comparison in 4 s, 3.25 and 4 run forever).
pub const CHART_SCALE: (f64, f64) = (0.25, 3.0);

/// People in the scenario's world at the start.
pub fn population(resolved: &Resolved) -> f64 {
    resolved.scenario.regions.iter().map(|r| r.population.max(0.0)).sum()
}

/// Agents a run will have: one per `scale` people, and at least one for each of the three
/// groups (civilians, soldiers, guards) of each district.
pub fn agents(resolved: &Resolved, scale: u32) -> u64 {
    let groups = 3 * u64::from(resolved.params().population.districts) + 1;
    (population(resolved) / f64::from(scale.max(1))).ceil() as u64 + groups
}

/// Weekly ticks from start to end.
pub fn ticks(resolved: &Resolved) -> u64 {
    (resolved.end().days_since(resolved.start()).max(0) as u64).div_ceil(7) + 1
}

/// Peak memory of `jobs` runs at once.
pub fn memory(resolved: &Resolved, scale: u32, jobs: usize) -> u64 {
    (agents(resolved, scale) * BYTES_PER_AGENT + BYTES_PER_RUN_FIXED).saturating_mul(jobs as u64)
}

/// Available memory from `/proc/meminfo` (`MemAvailable`), in bytes; `None` elsewhere.
pub fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// A size in readable units.
pub fn bytes(n: u64) -> String {
    let n = n as f64;
    if n >= 1e9 { format!("{:.1} GB", n / 1e9) } else { format!("{:.0} MB", (n / 1e6).max(1.0)) }
}

/// A duration in readable units.
pub fn duration(seconds: f64) -> String {
    if seconds >= 2.0 * 86_400.0 {
        format!("{:.1} days", seconds / 86_400.0)
    } else if seconds >= 2.0 * 3600.0 {
        format!("{:.1} hours", seconds / 3600.0)
    } else if seconds >= 120.0 {
        format!("{:.0} minutes", seconds / 60.0)
    } else {
        format!("{seconds:.0} s")
    }
}

/// Refuses a scale outside 1..=MAX_SCALE.
pub fn check_scale(scale: u32) -> Result<(), String> {
    if scale == 0 {
        return Err("--scale must be at least 1 person per agent".into());
    }
    if scale > MAX_SCALE {
        return Err(format!(
            "--scale {scale} is coarser than {MAX_SCALE} people per agent: most groups would be one agent \
             each, and the run would mean nothing; use --scale {MAX_SCALE} or less"
        ));
    }
    Ok(())
}

/// Refuses `jobs` runs at `scale` that would not fit in `available` bytes of memory, naming the
/// smallest scale that fits.
pub fn check_memory(resolved: &Resolved, scale: u32, jobs: usize, available: u64) -> Result<(), String> {
    let need = memory(resolved, scale, jobs);
    // Leave a tenth for the system and the files being written.
    let room = available / 10 * 9;
    if need <= room {
        return Ok(());
    }
    let per_job = (room / jobs.max(1) as u64).saturating_sub(BYTES_PER_RUN_FIXED) as f64;
    let fits = (population(resolved) * BYTES_PER_AGENT as f64 / per_job.max(1.0)).ceil().max(1.0);
    let jobs_text = if jobs > 1 { format!(" with {jobs} runs at once (--jobs)") } else { String::new() };
    Err(format!(
        "--scale {scale} needs about {} of memory{jobs_text} ({} agents × {BYTES_PER_AGENT} bytes), \
         but {} is available; the smallest scale that fits is --scale {}{}",
        bytes(need),
        agents(resolved, scale),
        bytes(available),
        fits as u64,
        if jobs > 1 { ", or use fewer --jobs" } else { "" }
    ))
}

/// Refuses master seeds for which `seed + k` (run k) would overflow.
pub fn check_seeds(seed: u64, runs: usize) -> Result<(), String> {
    let last = runs.saturating_sub(1) as u64;
    if seed.checked_add(last).is_none() {
        return Err(format!(
            "--seed {seed} with {runs} runs: run k uses seed + k, which passes the largest seed \
             ({}); use --seed {} or less",
            u64::MAX,
            u64::MAX - last
        ));
    }
    Ok(())
}

/// Refuses run counts outside 1..=MAX_RUNS.
pub fn check_runs(runs: usize) -> Result<(), String> {
    if runs == 0 {
        return Err("--runs must be at least 1".into());
    }
    if runs > MAX_RUNS {
        return Err(format!(
            "--runs {runs} is more than {MAX_RUNS}; at the default scale that is about {} on two \
             cores and {} of files: run several ensembles with different --seed instead",
            duration(runs as f64 * 4.5 / 2.0),
            bytes(runs as u64 * DISK_BYTES_PER_RUN)
        ));
    }
    Ok(())
}

/// Estimated wall time (s) and disk (bytes) of `runs` runs on `jobs` cores.
pub fn estimate(resolved: &Resolved, scale: u32, runs: usize, jobs: usize) -> (f64, u64) {
    let per_run = agents(resolved, scale) as f64 * ticks(resolved) as f64 * NS_PER_AGENT_TICK as f64 * 1e-9;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()).min(jobs.max(1));
    (per_run * runs as f64 / cores as f64, runs as u64 * DISK_BYTES_PER_RUN)
}

/// Every check of a request of `runs` runs (1 for `revsim run`) before any work starts.
pub fn check_request(resolved: &Resolved, scale: u32, seed: u64, runs: usize, jobs: usize) -> Result<(), String> {
    check_scale(scale)?;
    check_runs(runs)?;
    check_seeds(seed, runs)?;
    if let Some(available) = available_memory() {
        check_memory(resolved, scale, jobs.min(runs), available)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn baseline() -> Resolved {
        crate::scenario::load(&crate::testing::baseline_path()).expect("baseline loads")
    }

    #[test]
    fn the_agent_estimate_matches_the_default_run() {
        // The default run has 162,844 agents.
        let n = agents(&baseline(), 1000) as f64;
        assert!((n - 162_844.0).abs() / 162_844.0 < 0.02, "{n}");
    }

    #[test]
    fn one_person_per_agent_does_not_fit_in_24_gigabytes_and_the_message_names_a_scale_that_does() {
        let r = baseline();
        let available = 24u64 << 30;
        let err = check_memory(&r, 1, 1, available).unwrap_err();
        let fits: u32 = err.rsplit("--scale ").next().unwrap().trim().parse().expect(&err);
        assert!(check_memory(&r, fits, 1, available).is_ok(), "{err}");
        assert!(check_memory(&r, fits - 1, 1, available).is_err(), "{err}");
    }

    #[test]
    fn the_last_seed_must_not_wrap() {
        assert!(check_seeds(u64::MAX, 1).is_ok());
        assert!(check_seeds(u64::MAX, 2).unwrap_err().contains(&format!("{}", u64::MAX - 1)));
        assert!(check_seeds(u64::MAX - 9, 10).is_ok());
    }

    #[test]
    fn absurd_run_counts_and_scales_are_refused() {
        assert!(check_runs(0).is_err());
        assert!(check_runs(MAX_RUNS).is_ok());
        assert!(check_runs(4_294_967_296).unwrap_err().contains("days"));
        assert!(check_scale(u32::MAX).is_err());
        assert!(check_scale(MAX_SCALE).is_ok());
    }
}
