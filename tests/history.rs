//! The baseline's fit to history must not fall: a regression test on a few seeds.

use revsim::ensemble::{EnsembleOptions, ensemble_resolved};
use revsim::history::{Verdict, load_targets, score};
use std::path::PathBuf;

/// Targets met (of 23) on 6 seeds at 5,000 people per agent: 22 when the threshold was set (19);
/// raise it when calibration improves, never lower it without saying why in the commit.
const MIN_MET: usize = 19;
/// No target may be missed by more than a factor of two (issue 6).
const MAX_FACTOR: f64 = 2.0;

#[test]
fn the_baseline_keeps_its_fit_to_history() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("scenarios/baseline.ron");
    let resolved = revsim::scenario::load(&path).unwrap();
    let dir = std::env::temp_dir().join(format!("revsim-history-{}", std::process::id()));
    let opts = EnsembleOptions {
        scenario: path,
        runs: 6,
        seed: 1917,
        jobs: 2,
        scale: 5000,
        out: None,
        force: true,
        resume: false,
        quiet: true,
        command_line: "test".into(),
        fail_run: None,
        interrupt_after: None,
        charts: None,
        shard: None,
        draws: None,
    };
    ensemble_resolved(&resolved, &dir, &opts).unwrap();
    let targets = load_targets(&root.join("data/history/targets.csv")).unwrap();
    let outcomes = score(&dir, &targets).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let met = outcomes.iter().filter(|o| o.verdict == Verdict::Met).count();
    let report: Vec<String> =
        outcomes.iter().map(|o| format!("{} {} (median {})", o.target.id, o.verdict.key(), o.median)).collect();
    assert!(met >= MIN_MET, "{met} targets met, fewer than {MIN_MET}:\n{}", report.join("\n"));
    for o in &outcomes {
        if o.target.kind == "event_date" || !o.median.is_finite() || o.central <= 0.0 {
            continue;
        }
        let factor = (o.median / o.central).max(o.central / o.median.max(1e-12));
        assert!(factor <= MAX_FACTOR, "{} is off by a factor of {factor:.2}", o.target.id);
    }
}
