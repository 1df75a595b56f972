//! Ensembles and comparisons: determinism across --jobs, resume after a kill, failed runs,
//! and confidence intervals that contain zero before a counterfactual diverges.

use std::path::PathBuf;
use std::process::Command;

fn revsim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_revsim"))
}

fn baseline() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.ron").display().to_string()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("revsim-ens-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

const SCALE: &str = "20000";
const CSV: [&str; 4] = ["runs.csv", "timeseries.csv", "events.csv", "summary.csv"];

fn ensemble(out: &PathBuf, extra: &[&str]) -> std::process::Output {
    revsim()
        .args(["ensemble", &baseline(), "--runs", "5", "--scale", SCALE, "--seed", "40", "--quiet", "--out"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

fn read(dir: &std::path::Path, file: &str) -> Vec<u8> {
    std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{}: {e}", dir.join(file).display()))
}

#[test]
fn files_are_identical_whatever_the_jobs_and_run_k_equals_a_single_run() {
    let one = scratch("jobs1");
    let two = scratch("jobs2");
    assert!(ensemble(&one, &["--jobs", "1"]).status.success());
    assert!(ensemble(&two, &["--jobs", "2"]).status.success());
    for f in CSV {
        assert_eq!(read(&one, f), read(&two, f), "{f}");
    }
    // Run 3 uses seed 40 + 3.
    let single = scratch("single");
    let status =
        revsim().args(["run", &baseline(), "--seed", "43", "--scale", SCALE, "--out"]).arg(&single).output().unwrap();
    assert!(status.status.success());
    let ensemble_rows: String = String::from_utf8(read(&one, "timeseries.csv"))
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("3,"))
        .map(|l| format!("{}\n", &l[2..]))
        .collect();
    let single_rows: String =
        String::from_utf8(read(&single, "timeseries.csv")).unwrap().lines().skip(1).map(|l| format!("{l}\n")).collect();
    assert_eq!(ensemble_rows, single_rows);
    for d in [one, two, single] {
        std::fs::remove_dir_all(d).unwrap();
    }
}

#[test]
fn an_interrupted_ensemble_resumes_to_the_same_bytes() {
    let whole = scratch("whole");
    assert!(ensemble(&whole, &["--jobs", "1"]).status.success());
    let cut = scratch("cut");
    let partial = cut.parent().unwrap().join(format!(".{}.partial", cut.file_name().unwrap().to_string_lossy()));
    let _ = std::fs::remove_dir_all(&partial);
    let mut child = revsim()
        .args([
            "ensemble",
            &baseline(),
            "--runs",
            "5",
            "--scale",
            SCALE,
            "--seed",
            "40",
            "--quiet",
            "--jobs",
            "1",
            "--out",
        ])
        .arg(&cut)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once at least one run is written but before the end.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let done = std::fs::read_to_string(partial.join("progress.json"))
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|v| v["done"].as_u64())
            .unwrap_or(0);
        if done >= 1 || std::time::Instant::now() > deadline {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    let _ = child.wait();
    // The kill lands within a poll (20 ms) of the first run written, with four runs to go: if
    // the ensemble had finished anyway, the resume below would not be tested, so that fails.
    assert!(!cut.exists(), "the ensemble finished before the kill landed: nothing was resumed");
    assert!(partial.exists(), "the interrupted ensemble left its partial folder");
    let resumed = ensemble(&cut, &["--jobs", "2", "--resume"]);
    assert!(resumed.status.success(), "{}", String::from_utf8_lossy(&resumed.stderr));
    for f in CSV {
        assert_eq!(read(&whole, f), read(&cut, f), "{f}");
    }
    std::fs::remove_dir_all(whole).unwrap();
    std::fs::remove_dir_all(cut).unwrap();
}

#[test]
fn a_failed_run_is_recorded_and_the_others_go_on() {
    let out = scratch("fail");
    let result = ensemble(&out, &["--jobs", "2", "--fail-run", "2"]);
    assert_eq!(result.status.code(), Some(1));
    let runs = String::from_utf8(read(&out, "runs.csv")).unwrap();
    let statuses: Vec<&str> = runs.lines().skip(1).map(|l| l.split(',').nth(2).unwrap()).collect();
    assert_eq!(statuses, ["ok", "ok", "failed", "ok", "ok"]);
    assert!(runs.lines().nth(3).unwrap().contains("test-only failure"));
    let series = String::from_utf8(read(&out, "timeseries.csv")).unwrap();
    assert!(!series.lines().any(|l| l.starts_with("2,")), "no rows of the failed run");
    assert!(series.lines().any(|l| l.starts_with("4,")), "the runs after it are intact");
    std::fs::remove_dir_all(out).unwrap();
}

#[test]
fn a_comparison_interval_contains_zero_before_the_divergence() {
    let dir = scratch("cmp");
    std::fs::create_dir_all(&dir).unwrap();
    let thaw = dir.join("thaw.ron");
    std::fs::write(
        &thaw,
        format!(
            "Scenario(name: \"thaw\", title: \"An early thaw\", extends: \"{}\", divergence: \"1921-03-05\",\n\
             changes: [SetEnvironment(EnvironmentChange(gulf_of_finland_ice_breakup: \"1921-03-05\"))])",
            baseline()
        ),
    )
    .unwrap();
    let out = dir.join("out");
    let result = revsim()
        .args(["compare", &baseline(), thaw.to_str().unwrap(), "--runs", "4", "--scale", SCALE, "--quiet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    assert!(out.join("baseline/runs.csv").exists() && out.join("thaw/runs.csv").exists());
    let text = String::from_utf8(read(&out, "comparison.csv")).unwrap();
    let row = text.lines().find(|l| l.starts_with("red_army,thaw,mean@1919-07-01")).expect("row for red_army");
    let cols: Vec<f64> = row.split(',').skip(3).map(|v| v.parse().unwrap()).collect();
    // Paired runs are identical before the divergence, so the difference and its interval are
    // exactly zero (unpaired seeds would give an interval around zero, and fail).
    assert_eq!((cols[0] - cols[1], cols[2], cols[3], cols[4]), (0.0, 0.0, 0.0, 0.0), "{row}");
    assert!(text.lines().any(|l| l.starts_with("events,thaw,share:kronstadt_holds,")));
    // The first scenario is the baseline: the comparison scores it against every historical target.
    let targets =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/history/targets.csv")).unwrap();
    let history = String::from_utf8(read(&out, "history.csv")).unwrap();
    assert_eq!(history.lines().count(), targets.lines().count(), "a header and one row per target");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn history_scores_every_target_of_a_small_ensemble() {
    let out = scratch("history");
    let result = revsim()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["history", "--runs", "3", "--scale", SCALE, "--quiet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    let targets =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/history/targets.csv")).unwrap();
    let ids: Vec<&str> = targets.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    let history = String::from_utf8(read(&out, "history.csv")).unwrap();
    assert_eq!(history.lines().count(), ids.len() + 1, "one row per target");
    for id in &ids {
        let row = history.lines().find(|l| l.starts_with(&format!("{id},"))).unwrap_or_else(|| panic!("{id}"));
        let verdict = row.rsplit(',').next().unwrap();
        assert!(["met", "close", "missed"].contains(&verdict), "{row}");
    }
    let md = String::from_utf8(read(&out, "history.md")).unwrap();
    assert!(md.contains("targets met"));
    assert!(String::from_utf8_lossy(&result.stderr).contains("targets met"));
    std::fs::remove_dir_all(out).unwrap();
}

#[test]
fn an_interrupted_comparison_resumes_to_the_same_bytes_and_prints_its_finding_in_words() {
    let root = std::env::temp_dir().join(format!("revsim-compare-resume-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let args = |out: &std::path::Path| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_revsim"));
        c.args(["compare", "--runs", "3", "--scale", "20000", "--seed", "5", "--no-charts", "--jobs", "2"])
            .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.ron"))
            .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/kronstadt_early_thaw.ron"))
            .arg("--out")
            .arg(out);
        c
    };
    let whole = args(&root.join("whole")).output().unwrap();
    assert!(whole.status.success(), "{}", String::from_utf8_lossy(&whole.stderr));
    let stderr = String::from_utf8_lossy(&whole.stderr);
    assert!(stderr.contains("kronstadt_early_thaw against the baseline (same seeds):"), "{stderr}");
    assert!(stderr.contains("rest on 3 paired runs"), "few runs are flagged: {stderr}");
    let cut = args(&root.join("cut")).arg("--interrupt-after").arg("0").output().unwrap();
    assert_eq!(cut.status.code(), Some(130), "{}", String::from_utf8_lossy(&cut.stderr));
    assert!(String::from_utf8_lossy(&cut.stderr).contains("--resume"));
    assert!(root.join(".cut.partial").is_dir() && !root.join("cut").exists(), "a resumable state, no folder yet");
    let resumed = args(&root.join("cut")).arg("--resume").output().unwrap();
    assert!(resumed.status.success(), "{}", String::from_utf8_lossy(&resumed.stderr));
    for file in ["comparison.csv", "baseline/timeseries.csv", "kronstadt_early_thaw/events.csv"] {
        let a = std::fs::read(root.join("whole").join(file)).unwrap();
        let b = std::fs::read(root.join("cut").join(file)).unwrap();
        assert!(a == b, "{file}: same bytes after the resume");
    }
    assert!(!root.join(".cut.partial").exists(), "no leftovers");
    std::fs::remove_dir_all(&root).unwrap();
}
