//! Epstein (2002), "Modeling civil violence: an agent-based computational approach", PNAS 99
//! suppl. 3, Model I, replicated on revsim's activation rule (src/reference/epstein.rs). Each test
//! names the figure it reproduces; the model runs the paper's Run 1 parameters as NetLogo's
//! Rebellion model ships them (40×40 torus, citizen density 0.7, cop density 0.04, vision 7
//! north-south-east-west, T 0.1, k 2.3, Jmax 30) with the paper's ⌊C/A⌋. Every test takes well
//! under a second in release mode. docs/EPSTEIN.md discusses the results.

use revsim::reference::bursts;
use revsim::reference::epstein::{Config, Model, Rounding, Vision};
use std::process::Command;

/// More than this many active citizens (of about 1,120) is an outburst.
const OUTBURST: u32 = 50;

fn run1(seed: u64, legitimacy: f64) -> Config {
    Config {
        cop_density: 0.04,
        legitimacy,
        max_jail: 30,
        rounding: Rounding::Floor,
        shape: Vision::VonNeumann,
        ..Config::mesa(seed)
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Fig. 3 (Run 1, "punctuated equilibrium", L = 0.82): long quiet spells broken by short
/// outbursts. Five seeds of 1,000 steps; in each: at least 10 outbursts, most of them over within
/// 10 steps, the median quiet spell between them at least 10 steps, calm (≤ 50 active) in at least
/// 3 steps of 4, and a peak above 150 active. Measured: 28-41 outbursts, calm in 86-89% of steps,
/// peaks 253-367.
#[test]
fn fig3_run1_punctuated_equilibrium() {
    for seed in 1..=5 {
        let mut model = Model::new(run1(seed, 0.82)).unwrap();
        let active: Vec<u32> = (0..1000).map(|_| model.step().active).collect();
        let b = bursts(&active, OUTBURST);
        assert!(b.len() >= 10, "seed {seed}: {} outbursts", b.len());
        let lengths = b.iter().map(|&(_, len)| len as f64).collect();
        assert!(median(lengths) <= 10.0, "seed {seed}: outbursts last long: {b:?}");
        let gaps = b.windows(2).map(|w| (w[1].0 - w[0].0 - w[0].1) as f64).collect();
        assert!(median(gaps) >= 10.0, "seed {seed}: quiet spells short: {b:?}");
        let calm = active.iter().filter(|&&a| a <= OUTBURST).count();
        assert!(calm >= 750, "seed {seed}: calm in only {calm} of 1000 steps");
        assert!(*active.iter().max().unwrap() > 150, "seed {seed}: no large outburst");
    }
}

/// Runs 800 steps with L from 0.89 falling to 0.70 after step 100, either at once or linearly
/// over 500 steps, and returns the peak active count after step 100.
fn peak_after_fall(seed: u64, gradual: bool) -> u32 {
    let (from, to) = (0.89, 0.70);
    let mut model = Model::new(run1(seed, from)).unwrap();
    let mut peak = 0;
    for t in 0..800 {
        let legitimacy = match t {
            ..100 => from,
            100..600 if gradual => from + (to - from) * (t - 100) as f64 / 500.0,
            _ => to,
        };
        model.set_legitimacy(legitimacy);
        let active = model.step().active;
        if t >= 100 {
            peak = peak.max(active);
        }
    }
    peak
}

/// Figs. 9 and 10 (legitimacy): the same fall of L (0.89 → 0.70) gives a larger outburst when it
/// comes at once than when it comes in small steps, because under the gradual fall cops jail the
/// few who turn active before they can embolden others. Ten seeds, paired: the abrupt peak beats
/// the gradual one in every seed and by half again at the median. Measured (seeds 1-5): 604-654
/// against 210-408.
#[test]
fn figs9_10_abrupt_fall_of_legitimacy_gives_a_larger_peak_than_gradual() {
    let mut ratios = Vec::new();
    for seed in 1..=10 {
        let (abrupt, gradual) = (peak_after_fall(seed, false), peak_after_fall(seed, true));
        assert!(abrupt > gradual, "seed {seed}: abrupt peak {abrupt}, gradual {gradual}");
        ratios.push(abrupt as f64 / gradual.max(1) as f64);
    }
    assert!(median(ratios.clone()) >= 1.5, "abrupt/gradual peak ratios {ratios:?}");
}

/// Mean active count over 500 steps after the cops are cut to `keep` of their number at step 200.
fn active_after_cut(seed: u64, keep: f64) -> f64 {
    let mut model = Model::new(run1(seed, 0.82)).unwrap();
    let mut sum = 0u64;
    for t in 0..700 {
        if t == 200 {
            let cops = model.cops();
            model.remove_cops((cops as f64 * keep).round() as u32);
        }
        let active = model.step().active;
        if t >= 200 {
            sum += active as u64;
        }
    }
    sum as f64 / 500.0
}

/// Fig. 11 (cop reductions): fewer cops, more rebellion. Ten seeds of Run 1 with the cops cut at
/// step 200 to 50% and to 25%: in every seed the mean active count over the next 500 steps rises
/// with each cut, and at 25% it is at least 5 times the uncut run. Measured (seeds 1-5): about
/// 22, 61 and 243 active on average.
#[test]
fn fig11_cutting_the_cops_increases_rebellion() {
    for seed in 1..=10 {
        let [all, half, quarter] = [1.0, 0.5, 0.25].map(|keep| active_after_cut(seed, keep));
        assert!(all < half && half < quarter, "seed {seed}: {all:.1}, {half:.1}, {quarter:.1}");
        assert!(quarter >= 5.0 * all, "seed {seed}: {all:.1} → {quarter:.1}");
    }
}

/// The reference model and revsim's district mechanism share Epstein's rule: the functions the
/// model calls are the ones `systems::activation` calls, and they give the paper's numbers.
#[test]
fn the_shared_rule_gives_the_papers_numbers() {
    use revsim::systems::activation::{epstein_arrest, rebels};
    assert_eq!(epstein_arrest(2.3, 0.0), 0.0);
    assert!((epstein_arrest(2.3, 1.0) - 0.8997).abs() < 1e-4, "one cop per active: P ≈ 0.9");
    assert!(rebels(0.5 * (1.0 - 0.8), 0.0, 0.9, 0.09));
    assert!(!rebels(0.5 * (1.0 - 0.8), 0.2, 0.9, 0.09));
}

fn revsim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_revsim"))
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("revsim-epstein-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn the_command_writes_counts_and_chart_the_same_for_the_same_seed() {
    let (a, b) = (scratch("a"), scratch("b"));
    for out in [&a, &b] {
        let run =
            revsim().args(["epstein", "--steps", "50", "--seed", "3", "--arrest", "round", "--out"]).arg(out).output();
        let run = run.unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    }
    let csv = std::fs::read_to_string(a.join("counts.csv")).unwrap();
    assert_eq!(csv.lines().next(), Some("step,active,quiet,jailed"));
    assert_eq!(csv.lines().count(), 51);
    assert_eq!(csv, std::fs::read_to_string(b.join("counts.csv")).unwrap());
    assert!(std::fs::read_to_string(a.join("counts.svg")).unwrap().contains("<svg"));
    let again = revsim().args(["epstein", "--steps", "5", "--out"]).arg(&a).output().unwrap();
    assert_eq!(again.status.code(), Some(2), "an existing folder needs --force");
    assert_eq!(csv, std::fs::read_to_string(a.join("counts.csv")).unwrap(), "and is left alone");
    let forced = revsim().args(["epstein", "--steps", "5", "--force", "--no-charts", "--out"]).arg(&a).output();
    assert!(forced.unwrap().status.success());
    assert_eq!(std::fs::read_to_string(a.join("counts.csv")).unwrap().lines().count(), 6);
    assert!(!a.join("counts.svg").exists());
    for dir in [a, b] {
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[test]
fn the_command_refuses_bad_parameters_and_writes_nothing() {
    let out = scratch("bad");
    for args in [&["--width", "10"][..], &["--citizen-density", "0.95"], &["--steps", "0"], &["--legitimacy", "2"]] {
        let run = revsim().arg("epstein").args(args).arg("--out").arg(&out).output().unwrap();
        assert_eq!(run.status.code(), Some(2), "{args:?}");
        assert!(!String::from_utf8_lossy(&run.stderr).is_empty());
        assert!(!out.exists(), "{args:?} wrote {}", out.display());
    }
}
