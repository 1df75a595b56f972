//! Behaviour tests of the whole model: accounting, determinism, and the branches the
//! scenario must be able to play out (MODEL.md §6: Brest-Litovsk, Kronstadt and the thaw).
//!
//! The baseline's runs on seeds 1-5 are made once and shared by the tests that compare with them;
//! the other runs stop once the last week a test reads has run (`simulate_until`, which the first
//! test proves gives a full run's bytes for the weeks it covers).

use revsim::date::Date;
use revsim::inference::evaluate::parallel;
use revsim::model::{Clock, Kronstadt, KronstadtState};
use revsim::output::{events_csv, timeseries_csv};
use revsim::run::{RunOutput, check_accounting, simulate, simulate_until, simulate_with};
use revsim::scenario::{self, Change, EnvironmentChange, Resolved};
use std::path::PathBuf;
use std::sync::OnceLock;

/// People per agent in these tests: coarse enough to be quick, fine enough for the shape.
const TEST_SCALE: u32 = 5000;
/// The seeds of the shared baseline runs.
const SEEDS: std::ops::RangeInclusive<u64> = 1..=5;

/// The baseline's whole runs on `SEEDS`, made once (on two threads) for every test of this file.
fn baseline_runs() -> &'static [RunOutput] {
    static RUNS: OnceLock<Vec<RunOutput>> = OnceLock::new();
    RUNS.get_or_init(|| {
        let resolved = baseline();
        let seeds: Vec<u64> = SEEDS.collect();
        parallel(seeds.len(), 2, |k| simulate(&resolved, seeds[k], TEST_SCALE).expect("the run succeeds"))
    })
}

/// The shared baseline run of one seed.
fn base(seed: u64) -> &'static RunOutput {
    baseline_runs().iter().find(|o| o.seed == seed).expect("a seed of the shared runs")
}

/// A run that stops once the week of `on` (or the first after it) has run.
fn run_to(resolved: &Resolved, seed: u64, on: &str) -> RunOutput {
    let on: Date = on.parse().unwrap();
    simulate_until(resolved, seed, TEST_SCALE, |world| world.resource::<Clock>().date >= on).expect("the run succeeds")
}

fn baseline() -> Resolved {
    scenario::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.ron")).expect("baseline loads")
}

fn with(changes: &[Change]) -> Resolved {
    let mut resolved = baseline();
    for c in changes {
        scenario::apply_change(&mut resolved.scenario, c).expect("change applies");
    }
    resolved
}

fn first(out: &RunOutput, kind: &str) -> Option<String> {
    out.events.iter().find(|e| e.kind == kind).map(|e| e.date.to_string())
}

#[test]
fn every_person_and_every_pood_is_accounted_for_each_tick() {
    let mut ticks = 0;
    simulate_with(&baseline(), 3, TEST_SCALE, |world| {
        ticks += 1;
        check_accounting(world)
    })
    .expect("accounting holds on every tick");
    assert!(ticks > 260, "the whole window was run ({ticks} ticks)");
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_does_not() {
    // Seed 1 run again against the shared run of seed 1 (made on another thread, maybe at the
    // same time as other runs), and against seed 2.
    let (a, c) = (base(1), base(2));
    let b = simulate(&baseline(), 1, TEST_SCALE).unwrap();
    assert_eq!(timeseries_csv(a, None, true), timeseries_csv(&b, None, true));
    assert_eq!(events_csv(&a.events, None, true), events_csv(&b.events, None, true));
    assert_ne!(timeseries_csv(a, None, true), timeseries_csv(c, None, true));
    assert_ne!(events_csv(&a.events, None, true), events_csv(&c.events, None, true));
}

#[test]
fn a_run_stopped_early_is_the_whole_runs_first_weeks_byte_for_byte() {
    // What lets the tests stop their runs at the last week they read: nothing in the model
    // looks ahead to the end of the window.
    let whole = base(3);
    for on in ["1918-06-30", "1921-03-05"] {
        let early = run_to(&baseline(), 3, on);
        let weeks = early.rows.len();
        assert!(weeks > 10 && weeks < whole.rows.len(), "stopped early ({weeks} weeks)");
        assert!(early.rows[weeks - 2].1 < on.parse().unwrap() && early.rows[weeks - 1].1 >= on.parse().unwrap());
        let mut cut = whole.clone();
        cut.rows.truncate(weeks);
        cut.events.truncate(early.events.len());
        assert_eq!(timeseries_csv(&early, None, true), timeseries_csv(&cut, None, true), "to {on}");
        assert_eq!(events_csv(&early.events, None, true), events_csv(&cut.events, None, true), "to {on}");
        // And no event of the weeks it ran is missing.
        let last = early.rows[weeks - 1].0;
        assert!(whole.events.get(early.events.len()).is_none_or(|e| e.tick > last), "to {on}");
    }
}

#[test]
fn one_thread_and_two_give_the_same_bytes() {
    // The passes over the agents split them into chunks fixed by the number of agents, and
    // every agent draws from its own stream: the thread count cannot change a byte. At scale
    // 5,000 there are 8 chunks of 4,096 agents, so two threads really do split the work.
    let resolved = baseline();
    let one = revsim::run::simulate_threads(&resolved, 7, TEST_SCALE, 1).unwrap();
    let two = revsim::run::simulate_threads(&resolved, 7, TEST_SCALE, 2).unwrap();
    assert!(one.agents > 4 * 4096, "{} agents: more than one chunk for each thread", one.agents);
    assert_eq!(timeseries_csv(&one, None, true), timeseries_csv(&two, None, true));
    assert_eq!(events_csv(&one.events, None, true), events_csv(&two.events, None, true));
}

#[test]
fn without_the_treaty_nothing_is_ceded_and_the_left_srs_stay() {
    // The removed treaty's own entries cannot be logged; what is tested is the guard that
    // strands the Legion only under the treaty (events.rs), and the positive control.
    // The revolt is a dated event (25 May 1918): the run need not go past 1918.
    let out = run_to(&with(&[Change::RemoveEvent("brest_litovsk".into())]), 2, "1918-12-31");
    assert!(first(&out, "legion_revolt").is_none(), "the Legion is not stranded, so it does not revolt");
    // With the treaty, all three happen.
    let base = base(2);
    // The offensive took the ceded regions before the treaty (Faustschlag's pace); the treaty
    // keeps them with the Central Powers.
    assert!(first(base, "treaty_signed").is_some());
    for region in ["baltic", "west", "ukraine"] {
        assert!(
            base.events.iter().any(|e| e.kind == "region_control_changed"
                && e.region == region
                && e.detail.contains("→ central_powers")
                && e.date <= "1918-03-06".parse().unwrap()),
            "{region} held by the Central Powers by the treaty"
        );
    }
    assert!(base.events.iter().any(|e| e.kind == "coalition_changed" && e.detail.starts_with("left_sr leaves")));
    assert!(first(base, "legion_revolt").is_some());
}

/// The baseline with the 1921 ice break-up moved, and the garrison made to rise at the end of
/// the week of 1 March 1921 (whatever it did before), so the test is about the ice and the
/// assault. The run stops once the fortress's fate is settled (stormed or holding: no other
/// state follows), since only that is read. Returns the run and the day the garrison was made
/// to rise: what the test reads is logged after it (a rising of the garrison's own may have been
/// stormed in that very week: since 1 December 2026 it rises on 23 February on seed 2 and is
/// stormed on 2 March).
fn forced_rising(breakup: &str, seed: u64) -> (RunOutput, revsim::date::Date) {
    let resolved = with(&[
        Change::SetEnvironment(EnvironmentChange {
            gulf_of_finland_ice_breakup: Some(breakup.parse().unwrap()),
            transport_crises: None,
        }),
        Change::SetParameter("kronstadt.assault_success".into(), 1.0),
    ]);
    let rising: revsim::date::Date = "1921-03-01".parse().unwrap();
    let mut forced = None;
    let out = simulate_until(&resolved, seed, TEST_SCALE, |world| {
        let (tick, date) = {
            let clock = world.resource::<Clock>();
            (clock.tick, clock.date)
        };
        if date >= rising && forced.is_none() {
            world.resource_mut::<Kronstadt>().state = KronstadtState::Mutiny { since: tick };
            forced = Some(date);
        }
        forced.is_some()
            && matches!(world.resource::<Kronstadt>().state, KronstadtState::Suppressed | KronstadtState::Holds)
    })
    .unwrap();
    (out, forced.expect("the run reached March 1921"))
}

/// Whether an event of this kind was logged after the day the garrison was made to rise.
fn after_rising((out, forced): &(RunOutput, revsim::date::Date), kind: &str) -> bool {
    out.events.iter().any(|e| e.kind == kind && e.date > *forced)
}

#[test]
fn with_the_ice_gone_before_the_assault_the_assault_fails() {
    for seed in 1..=3 {
        let out = forced_rising("1921-03-05", seed);
        assert!(!after_rising(&out, "kronstadt_suppressed"), "seed {seed}: no assault can cross open water");
        assert!(after_rising(&out, "kronstadt_holds"), "seed {seed}: the fortress holds");
    }
}

#[test]
fn while_the_ice_holds_a_strong_assault_takes_the_fortress() {
    for seed in 1..=3 {
        let out = forced_rising("1921-04-30", seed);
        assert!(after_rising(&out, "kronstadt_suppressed"), "seed {seed}: stormed across the ice");
        assert!(!after_rising(&out, "kronstadt_holds"), "seed {seed}");
    }
}

#[test]
fn the_constituent_assembly_vote_is_logged_for_every_list() {
    let out = base(1);
    let rows: Vec<_> = out.events.iter().filter(|e| e.kind == "constituent_assembly_election").collect();
    let lists: Vec<&str> = rows.iter().map(|e| e.detail.as_str()).collect();
    for list in [
        "ca_share_sr",
        "ca_share_bolshevik",
        "ca_share_kadet",
        "ca_share_menshevik",
        "ca_share_left_sr",
        "ca_share_other",
    ] {
        assert!(lists.contains(&list), "{list} missing");
    }
    let total: f64 = rows.iter().map(|e| e.value).sum();
    assert!((total - 1.0).abs() < 1e-9, "shares of valid votes add up to 1 ({total})");
    let sr = rows.iter().find(|e| e.detail == "ca_share_sr").unwrap().value;
    let bolshevik = rows.iter().find(|e| e.detail == "ca_share_bolshevik").unwrap().value;
    assert!(sr > bolshevik, "the SRs won the Assembly vote");
}

#[test]
fn heavier_requisition_means_less_sowing_by_1920() {
    let sown = |out: &RunOutput| {
        let i = revsim::metrics::index("sown_area_index").unwrap();
        out.rows.iter().rev().find(|(_, d, _)| d.to_string().as_str() <= "1920-07-01").unwrap().2[i]
    };
    // On five paired seeds, every one (measured before: 10 of 10 seeds, by 0.010-0.044): a
    // change with no effect on sowing passes with probability ≤ 2^-5.
    let heavier = with(&[Change::SetParameter("procurement.requisition_take".into(), 0.06)]);
    for seed in SEEDS {
        let heavy = run_to(&heavier, seed, "1920-07-01");
        assert!(sown(&heavy) < sown(base(seed)), "seed {seed}: {} !< {}", sown(&heavy), sown(base(seed)));
    }
}

#[test]
fn the_commissions_against_desertion_bring_deserters_back_and_the_army_grows() {
    let at = |out: &RunOutput, metric: &str, date: &str| {
        let i = revsim::metrics::index(metric).unwrap();
        out.rows.iter().rev().find(|(_, d, _)| d.to_string().as_str() <= date).unwrap().2[i]
    };
    let without = with(&[Change::RemoveRule("desertion_commissions".into())]);
    // Paired seeds: the runs are identical until the commissions start (winter 1918-19), so a
    // change without effect could not pass; after that the draws differ, and a change whose
    // effect on the army were noise would pass on all five seeds with probability 2^-5 ≈ 3%
    // (it fails ≥ 97% of the time). Measured (20 runs, default scale): 155 k returned by June
    // 1919, the army of February 1920 3.3 M.
    for seed in SEEDS {
        let base = base(seed);
        let none = simulate(&without, seed, TEST_SCALE).unwrap();
        assert_eq!(at(&none, "deserters_returned_cum", "1922-12-31"), 0.0, "seed {seed}: nobody returns without them");
        // The commissions come with the general mobilisation, which since 1 December 2026 waits
        // until the spring of 1919 on some seeds (seed 2 here): returns by the end of 1919.
        assert!(at(base, "deserters_returned_cum", "1919-12-31") > 0.0, "seed {seed}: returns by the end of 1919");
        let (army, smaller) = (at(base, "red_army", "1920-02-28"), at(&none, "red_army", "1920-02-28"));
        assert!(army > smaller, "seed {seed}: army with the commissions {army} !> {smaller} without");
    }
}
