//! Tests of the `revsim` binary: the files it writes, and how it refuses bad input.

use std::path::{Path, PathBuf};
use std::process::Command;

fn revsim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_revsim"))
}

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("revsim-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn run_writes_the_four_files_with_every_metric() {
    let out = scratch("run");
    let status = revsim()
        .args(["run", repo("scenarios/baseline.ron").to_str().unwrap(), "--seed", "1", "--scale", "20000", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    for file in ["timeseries.csv", "events.csv", "manifest.json", "scenario.resolved.ron"] {
        assert!(out.join(file).exists(), "{file}");
    }
    let text = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    assert_eq!(&header[..2], &["tick", "date"]);
    assert_eq!(&header[2..], revsim::metrics::METRICS);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["seed"], 1);
    assert_eq!(manifest["scenario"], "baseline");
    assert!(manifest["input_files"][0]["sha256"].as_str().unwrap().len() == 64);
    // The resolved scenario loads again.
    std::fs::copy(out.join("scenario.resolved.ron"), out.join("again.ron")).unwrap();
    // … as the scenario that was run, not merely as a file that parses.
    let again = revsim::scenario::load(&out.join("again.ron")).expect("the resolved scenario loads");
    let original = revsim::scenario::load(&repo("scenarios/baseline.ron")).unwrap();
    assert!(again.to_ron() == original.to_ron(), "the resolved file is not the scenario that was run");
    let stderr = String::from_utf8_lossy(&status.stderr);
    assert!(stderr.contains("end state"), "a summary on stderr: {stderr}");
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn an_existing_folder_is_not_overwritten_without_force() {
    let out = scratch("exists");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("keep.txt"), "precious").unwrap();
    let result = revsim()
        .args(["run", repo("scenarios/baseline.ron").to_str().unwrap(), "--scale", "20000", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&result.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(out.join("keep.txt")).unwrap(), "precious");
    assert!(!out.join("timeseries.csv").exists());
    std::fs::remove_dir_all(&out).unwrap();
}

fn broken(name: &str, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(repo("scenarios/baseline.ron")).unwrap();
    assert!(text.contains(from), "fixture text `{from}` is in the baseline");
    let dir = scratch(name);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("broken.ron");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path
}

fn refused(path: &Path) -> String {
    let out_dir = path.parent().unwrap().join("out");
    let result = revsim().args(["run", path.to_str().unwrap(), "--out"]).arg(&out_dir).output().unwrap();
    assert_eq!(result.status.code(), Some(2));
    assert!(!out_dir.exists(), "nothing written");
    String::from_utf8_lossy(&result.stderr).to_string()
}

#[test]
fn a_field_typo_gives_its_position_and_a_suggestion() {
    let path = broken("typo", "urban_share: 0.85", "urbn_share: 0.85");
    let message = refused(&path);
    assert!(message.contains("broken.ron:"), "{message}");
    assert!(message.contains("did you mean `urban_share`"), "{message}");
    let line_col = message.split("broken.ron:").nth(1).unwrap();
    assert!(line_col.split(':').next().unwrap().parse::<u32>().is_ok(), "{message}");
}

#[test]
fn an_unknown_variant_lists_the_valid_names() {
    let path = broken("variant", "controller: soviet, city", "controller: sovet, city");
    let message = refused(&path);
    assert!(message.contains("did you mean `soviet`"), "{message}");
    assert!(message.contains("central_powers"), "{message}");
}

#[test]
fn a_date_outside_the_window_and_a_share_above_one_are_refused() {
    let path = broken("date", "date: \"1918-03-03\"", "date: \"1925-03-03\"");
    assert!(refused(&path).contains("outside the scenario's window"));
    let path = broken("share", "urban_share: 0.85", "urban_share: 1.5");
    assert!(refused(&path).contains("must lie in 0-1"));
}

#[test]
fn validate_accepts_the_baseline() {
    let result = revsim().args(["validate", repo("scenarios/baseline.ron").to_str().unwrap()]).output().unwrap();
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
}

#[test]
fn the_committed_parameter_table_is_the_baselines() {
    // docs/PARAMETERS.md is generated; a parameter or comment changed in the baseline must be
    // regenerated there too, or a historian reads stale numbers.
    let table = revsim::commands::parameter_table(&repo("scenarios/baseline.ron")).expect("the table");
    let committed = std::fs::read_to_string(repo("docs/PARAMETERS.md")).expect("docs/PARAMETERS.md");
    let body = committed.split_once("\n\n| parameter").map(|(_, rest)| format!("| parameter{rest}"));
    assert_eq!(
        body.as_deref(),
        Some(table.as_str()),
        "docs/PARAMETERS.md is stale: regenerate it with `revsim explain --params scenarios/baseline.ron`"
    );
}

#[test]
fn explain_decisions_tables_the_rules_and_refuses_a_missing_ensemble() {
    let out = revsim().args(["explain", "--decisions"]).arg(repo("scenarios/baseline.ron")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let row = text.lines().find(|l| l.starts_with("| `razverstka` |")).expect("the razverstka's row");
    assert!(row.contains("decided by rule") && row.contains("1919-01-11"), "{row}");
    let dated = text.lines().find(|l| l.starts_with("| `congress_3` |")).expect("a congress");
    assert!(dated.contains("exogenous (input)"), "{dated}");
    assert!(text.contains("decisions by rule"), "{text}");
    let missing = revsim()
        .args(["explain", "--decisions"])
        .arg(repo("scenarios/baseline.ron"))
        .args(["--from", "/nonexistent/ensemble"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2), "{}", String::from_utf8_lossy(&missing.stderr));
}
