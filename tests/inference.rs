//! Tests of the inference commands: priors in the scenario file, `revsim sensitivity`, the
//! label check, and `revsim compare --posterior`.

use revsim::inference::Runner;
use std::path::PathBuf;
use std::process::Command;

fn revsim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_revsim"))
}

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("revsim-inference-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Read only when the Red Army keeps military democracy, which the baseline abolishes.
const UNREAD: &str = "war.military_democracy_combat";

#[test]
fn every_calibrated_coefficient_of_the_baseline_has_a_prior() {
    let text = std::fs::read_to_string(repo("scenarios/baseline.ron")).unwrap();
    let lines = revsim::scenario::priors::param_lines(&text);
    let unlabelled: Vec<&str> = lines
        .iter()
        .filter(|p| p.comment.contains("calibrated") && !p.comment.starts_with("prior"))
        .map(|p| p.key.as_str())
        .collect();
    assert!(unlabelled.is_empty(), "calibrated without a prior: {unlabelled:?}");
    let base = revsim::scenario::load(&repo("scenarios/baseline.ron")).unwrap();
    let priors = revsim::scenario::priors(&base).unwrap();
    assert!(priors.len() > 100, "{} free coefficients", priors.len());
    assert!(priors.iter().all(|p| p.low <= p.high && !p.reason.is_empty()));
}

#[test]
fn a_prior_that_does_not_hold_its_value_is_refused_with_its_position() {
    let dir = scratch("prior");
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(repo("scenarios/baseline.ron")).unwrap();
    let line = text.lines().position(|l| l.trim_start().starts_with("conscription: ")).unwrap() + 1;
    let value = text.lines().nth(line - 1).unwrap().trim_start().split(',').next().unwrap().to_string();
    let broken = text.replacen(&format!("{value}, "), "conscription: 0.0030, ", 1);
    assert_ne!(broken, text);
    let path = dir.join("baseline.ron");
    std::fs::write(&path, broken).unwrap();
    let out = revsim().args(["validate", path.to_str().unwrap()]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&format!("baseline.ron:{line}:")), "{stderr}");
    assert!(stderr.contains("does not contain its value 0.003"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

fn csv_rows(path: &std::path::Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines().skip(1).map(|l| l.split(',').map(str::to_string).collect()).collect()
}

#[test]
fn sensitivity_gives_an_unread_coefficient_exactly_zero_effect() {
    let out = scratch("sensitivity");
    let run = |dir: &std::path::Path| {
        let result = revsim()
            .args(["sensitivity", repo("scenarios/baseline.ron").to_str().unwrap()])
            .arg(repo("scenarios/kronstadt_early_thaw.ron"))
            .args(["--param", UNREAD, "--param", "war.conscription", "--metric", "share:kronstadt_holds"])
            .args(["--metric", "red_army", "--trajectories", "2", "--runs", "1", "--scale", "20000", "--out"])
            .arg(dir)
            .output()
            .unwrap();
        assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    };
    run(&out);
    let rows = csv_rows(&out.join("sensitivity.csv"));
    // The loss, every target of data/history/targets.csv, 2 effects, for 2 coefficients.
    let targets = std::fs::read_to_string(repo("data/history/targets.csv")).unwrap().lines().count() - 1;
    assert_eq!(rows.len(), 2 * (1 + targets + 2));
    for r in rows.iter().filter(|r| r[1] == UNREAD) {
        assert_eq!((r[4].as_str(), r[5].as_str(), r[6].as_str()), ("0", "0", "0"), "{r:?}");
    }
    let conscription_loss = rows.iter().find(|r| r[0] == "loss" && r[1] == "war.conscription").unwrap();
    assert!(conscription_loss[5].parse::<f64>().unwrap() > 0.0, "{conscription_loss:?}");
    assert!(rows.iter().any(|r| r[0] == "effect:red_army"));
    assert!(out.join("charts/tornado-loss.svg").is_file() && out.join("charts/tornado-effect-red_army.svg").is_file());
    assert!(std::fs::read_to_string(out.join("sensitivity.md")).unwrap().contains("war.conscription"));
    // Same seed, same bytes.
    let again = scratch("sensitivity-again");
    run(&again);
    assert_eq!(
        std::fs::read(out.join("sensitivity.csv")).unwrap(),
        std::fs::read(again.join("sensitivity.csv")).unwrap()
    );
    std::fs::remove_dir_all(&out).unwrap();
    std::fs::remove_dir_all(&again).unwrap();
}

#[test]
fn the_label_check_finds_no_move_from_an_unread_coefficient_and_moves_from_a_read_one() {
    let base = revsim::scenario::load(&repo("scenarios/baseline.ron")).unwrap();
    let targets = revsim::history::load_targets(&repo("data/history/targets.csv")).unwrap();
    let priors = revsim::scenario::priors(&base).unwrap();
    let runner = Runner { runs: 3, seed: 1917, scale: 20000, jobs: 2 };
    let prior = |name: &str| priors.iter().find(|p| p.name == name).unwrap().clone();
    let unread = revsim::inference::labels::check_one(&base, &prior(UNREAD), &targets, &runner).unwrap();
    // Its label was corrected after the check: it names no target now.
    assert!(unread.named.is_empty(), "{:?}", unread.named);
    assert!(unread.changes.iter().all(|c| c.1 == 0.0 && c.2 == 0.0 && c.3 == 0.0 && !c.4), "{:?}", unread.changes);
    assert!(!unread.passes());
    let read = revsim::inference::labels::check_one(&base, &prior("war.conscription"), &targets, &runner).unwrap();
    assert!(read.moved("red_army_1919_02"), "{:?}", read.changes);
}

#[test]
fn compare_with_a_posterior_of_the_baselines_own_values_changes_no_effect() {
    let out = scratch("posterior");
    std::fs::create_dir_all(&out).unwrap();
    // Two draws, both the baseline's values: every run is the plain comparison's run.
    let posterior = out.join("posterior.csv");
    let base = revsim::scenario::load(&repo("scenarios/baseline.ron")).unwrap();
    let params = base.scenario.params.as_ref().expect("the baseline has its parameters");
    let (assault, conscription) = (params.kronstadt.assault_success, params.war.conscription);
    std::fs::write(
        &posterior,
        format!(
            "draw,loss,kronstadt.assault_success,war.conscription\n0,,{assault},{conscription}\n1,0.5,{assault},{conscription}\n"
        ),
    )
    .unwrap();
    let compare = |dir: &str, extra: &[&str]| {
        let result = revsim()
            .args(["compare", repo("scenarios/baseline.ron").to_str().unwrap()])
            .arg(repo("scenarios/kronstadt_early_thaw.ron"))
            .args(["--runs", "4", "--scale", "20000", "--quiet", "--no-charts", "--out"])
            .arg(out.join(dir))
            .args(extra)
            .output()
            .unwrap();
        assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
        csv_rows(&out.join(dir).join("comparison.csv"))
    };
    let plain = compare("plain", &[]);
    let with = compare("with", &["--posterior", posterior.to_str().unwrap()]);
    assert_eq!(plain.len(), with.len());
    for (p, w) in plain.iter().zip(&with) {
        assert_eq!(p[..], w[..8]);
        assert_eq!(w.len(), 12);
        // The mean effect lies among the draws' own effects.
        let n = |i: usize| w[i].parse::<f64>().unwrap();
        assert!(n(8) <= n(5) + 1e-6 && n(5) <= n(9) + 1e-6, "{w:?}");
        assert!(w[11] == "yes" || w[11] == "no");
    }
    let header = std::fs::read_to_string(out.join("with/comparison.csv")).unwrap();
    assert!(header.starts_with(
        "metric,scenario,statistic,baseline,alternative,difference,ci_low,ci_high,param_low,param_high,sign_share,robust\n"
    ));
    // A name that is not a parameter is refused before any run.
    std::fs::write(&posterior, "draw,loss,kronstadt.assault_sucess\n0,,0.3\n").unwrap();
    let result = revsim()
        .args(["compare", repo("scenarios/baseline.ron").to_str().unwrap()])
        .arg(repo("scenarios/kronstadt_early_thaw.ron"))
        .args(["--runs", "2", "--scale", "20000", "--posterior", posterior.to_str().unwrap(), "--out"])
        .arg(out.join("bad"))
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(2));
    assert!(!out.join("bad").exists());
    std::fs::remove_dir_all(&out).unwrap();
}
