//! Does the history a run tells depend on how many people an agent stands for? Runs the
//! baseline at 5,000, 1,000 and 100 people per agent on the same seeds and prints, for each
//! scale, the medians of key metrics and event dates. `cargo bench --bench scales`;
//! `REVSIM_SCALE_RUNS` sets the seeds per scale (default 6), `REVSIM_SCALES` the scales
//! (default "5000 1000 100").

use revsim::date::Date;
use revsim::metrics::column;
use revsim::run::{RunOutput, simulate_threads};

fn at(out: &RunOutput, col: usize, date: &str) -> f64 {
    let date: Date = date.parse().expect("a date");
    out.rows.iter().rev().find(|(_, d, _)| *d <= date).map_or(f64::NAN, |(_, _, v)| v[col])
}

fn first(out: &RunOutput, kind: &str) -> Option<Date> {
    out.events.iter().find(|e| e.kind == kind).map(|e| e.date)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.retain(|x| x.is_finite());
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn median_date(dates: Vec<Option<Date>>) -> String {
    let n = dates.len();
    let mut d: Vec<Date> = dates.into_iter().flatten().collect();
    if d.is_empty() {
        return format!("never (0/{n})");
    }
    d.sort();
    format!("{} ({}/{n})", d[d.len() / 2], d.len())
}

fn main() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.ron");
    let resolved = revsim::scenario::load(&path).expect("baseline loads");
    if !std::env::args().any(|a| a == "--bench") {
        // `cargo test --benches`: one coarse run.
        let out = simulate_threads(&resolved, 1, 50_000, 1).expect("run");
        assert!(out.rows.len() > 260);
        return;
    }
    let runs: u64 = std::env::var("REVSIM_SCALE_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(6);
    let scales: Vec<u32> = std::env::var("REVSIM_SCALES")
        .unwrap_or_else(|_| "5000 1000 100".into())
        .split_whitespace()
        .filter_map(|s| s.parse().ok())
        .collect();
    println!(
        "scale | Red Army Oct 1920 (M) | Petrograd Aug 1920 (k) | uprisings 1918 | famine deaths 1922 (M) | \
         Kronstadt mutiny (median, runs) | tax in kind (median, runs)"
    );
    for scale in scales {
        let outs: Vec<RunOutput> =
            (1..=runs).map(|seed| simulate_threads(&resolved, seed, scale, 2).expect("run")).collect();
        let m = |col: usize, date: &str, unit: f64| median(outs.iter().map(|o| at(o, col, date) / unit).collect());
        println!(
            "{scale} | {:.2} | {:.0} | {:.0} | {:.2} | {} | {}",
            m(column("red_army"), "1920-10-15", 1e6),
            m(column("petrograd_population"), "1920-08-15", 1e3),
            m(column("uprisings_cum"), "1918-12-31", 1.0),
            m(column("famine_deaths_cum"), "1922-12-31", 1e6),
            median_date(outs.iter().map(|o| first(o, "kronstadt_mutiny")).collect()),
            median_date(outs.iter().map(|o| first(o, "tax_in_kind_adopted")).collect()),
        );
    }
}
