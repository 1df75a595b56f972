//! The probes of issue 10, each shown to fail safely now: exit code 2, a clear message, and
//! nothing written or removed. Only refusals run here (no simulation), except where a test says.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn revsim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_revsim"))
}

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn baseline() -> String {
    repo("scenarios/baseline.ron").display().to_string()
}

/// A fresh folder holding a user's file `keep.txt`.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("revsim-safety-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("keep.txt"), "precious").unwrap();
    dir
}

/// The names in a folder, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    names.sort();
    names
}

fn refused(out: &Output, needle: &str) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "exit code 2: {stderr}");
    assert!(stderr.contains(needle), "the message says `{needle}`: {stderr}");
    stderr
}

#[test]
fn force_never_empties_the_current_folder_or_one_that_holds_it() {
    let dir = scratch("cwd");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    for out in [".", "..", "sub/.."] {
        let result = revsim()
            .current_dir(dir.join("sub"))
            .args(["run", &baseline(), "--scale", "20000", "--force", "--out", out])
            .output()
            .unwrap();
        refused(&result, "never an output folder");
    }
    assert_eq!(listing(&dir), ["keep.txt", "sub"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn force_never_replaces_a_folder_revsim_did_not_write_nor_a_repository() {
    let dir = scratch("essay");
    let result =
        revsim().args(["run", &baseline(), "--scale", "20000", "--force", "--out"]).arg(&dir).output().unwrap();
    refused(&result, "revsim did not write");
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    let result =
        revsim().args(["run", &baseline(), "--scale", "20000", "--force", "--out"]).arg(&dir).output().unwrap();
    refused(&result, ".git");
    assert_eq!(std::fs::read_to_string(dir.join("keep.txt")).unwrap(), "precious");
    let result = revsim()
        .env("HOME", &dir)
        .args(["run", &baseline(), "--scale", "20000", "--force", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    refused(&result, "home folder");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_users_files_next_to_an_output_folder_survive_force() {
    // This one runs: twice at --scale 20000 (about a second).
    let dir = scratch("beside");
    let out = dir.join("run");
    for _ in 0..2 {
        let result = revsim()
            .args(["run", &baseline(), "--scale", "20000", "--no-charts", "--force", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    }
    assert_eq!(std::fs::read_to_string(dir.join("keep.txt")).unwrap(), "precious");
    assert_eq!(listing(&dir), ["keep.txt", "run"], "no hidden staging folder is left");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A copy of a scenario with one text replaced, in a scratch folder next to a copy of the baseline.
fn edited(name: &str, file: &str, from: &str, to: &str) -> (PathBuf, PathBuf) {
    let dir = scratch(name);
    std::fs::copy(repo("scenarios/baseline.ron"), dir.join("baseline.ron")).unwrap();
    let text = std::fs::read_to_string(repo(file)).unwrap();
    assert!(text.contains(from), "fixture `{from}` is in {file}");
    let path = dir.join("edited.ron");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    (dir, path)
}

#[test]
fn scenario_names_that_are_not_identifiers_are_refused_with_their_position() {
    for bad in ["..", "", "../../x", "/tmp/x", "a b"] {
        let (dir, path) = edited(
            "name",
            "scenarios/kronstadt_early_thaw.ron",
            "name: \"kronstadt_early_thaw\"",
            &format!("name: \"{bad}\""),
        );
        let result = revsim().current_dir(&dir).args(["validate"]).arg(&path).output().unwrap();
        let stderr = refused(&result, "must be an identifier");
        assert!(stderr.contains("edited.ron:3:5:"), "file:line:col: {stderr}");
        let result =
            revsim().current_dir(&dir).args(["run", "--scale", "20000", "--force"]).arg(&path).output().unwrap();
        refused(&result, "must be an identifier");
        assert_eq!(listing(&dir), ["baseline.ron", "edited.ron", "keep.txt"], "nothing written");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn a_divergence_outside_the_scenarios_dates_is_an_error_with_its_position() {
    let (dir, path) = edited(
        "divergence",
        "scenarios/kronstadt_early_thaw.ron",
        "divergence: \"1921-03-05\"",
        "divergence: \"1931-03-05\"",
    );
    let result = revsim().args(["validate"]).arg(&path).output().unwrap();
    let stderr = refused(&result, "outside the scenario's dates");
    assert!(stderr.contains("edited.ron:6:5:"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_missing_base_names_the_file_that_refers_to_it() {
    let (dir, path) = edited(
        "extends",
        "scenarios/kronstadt_early_thaw.ron",
        "extends: \"baseline.ron\"",
        "extends: \"nowhere.ron\"",
    );
    let result = revsim().args(["validate"]).arg(&path).output().unwrap();
    let stderr = refused(&result, "nowhere.ron");
    assert!(stderr.contains("edited.ron:4:5: `extends` names"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let dir = scratch("bom");
    let text = std::fs::read_to_string(repo("scenarios/baseline.ron")).unwrap();
    std::fs::write(dir.join("baseline.ron"), format!("\u{feff}{text}")).unwrap();
    let result = revsim().args(["validate"]).arg(dir.join("baseline.ron")).output().unwrap();
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn whole_number_parameters_can_be_set_but_only_to_whole_numbers() {
    let from = "changes: [";
    let (dir, path) = edited(
        "whole",
        "scenarios/kronstadt_early_thaw.ron",
        from,
        "changes: [SetParameter(\"population.districts\", 400),",
    );
    let resolved = revsim::scenario::load(&path).expect("a count set to a whole number");
    assert_eq!(resolved.params().population.districts, 400);
    std::fs::remove_dir_all(&dir).unwrap();
    let (dir, path) = edited(
        "whole2",
        "scenarios/kronstadt_early_thaw.ron",
        from,
        "changes: [SetParameter(\"population.districts\", 400.5),",
    );
    let message = revsim::scenario::load(&path).unwrap_err().to_string();
    assert!(message.contains("is a whole number"), "{message}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn two_scenarios_with_the_same_name_are_named_by_compare() {
    let dir = scratch("same");
    std::fs::copy(repo("scenarios/baseline.ron"), dir.join("a.ron")).unwrap();
    std::fs::copy(repo("scenarios/baseline.ron"), dir.join("b.ron")).unwrap();
    let result = revsim()
        .args(["compare", "--scale", "20000", "--runs", "2", "--out"])
        .arg(dir.join("out"))
        .arg(dir.join("a.ron"))
        .arg(dir.join("b.ron"))
        .output()
        .unwrap();
    let stderr = refused(&result, "are both named `baseline`");
    assert!(stderr.contains("a.ron") && stderr.contains("b.ron"), "{stderr}");
    assert_eq!(listing(&dir), ["a.ron", "b.ron", "keep.txt"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_targets_file_without_a_valid_row_is_an_error() {
    let dir = scratch("targets");
    for (name, text) in [("garbage.csv", "\u{1}\u{2} not, a, targets file\n"), ("empty.csv", "")] {
        std::fs::write(dir.join(name), text).unwrap();
        let result = revsim()
            .args(["history", "--from", "/nonexistent", "--targets"])
            .arg(dir.join(name))
            .arg("--out")
            .arg(dir.join("out"))
            .output()
            .unwrap();
        refused(&result, name);
    }
    assert!(!dir.join("out").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn absurd_numbers_are_refused_before_anything_starts() {
    let dir = scratch("numbers");
    let out = dir.join("out").display().to_string();
    let cases: &[(&[&str], &str)] = &[
        (&["ensemble", "--runs", "4294967296"], "more than 100000"),
        (&["ensemble", "--runs", "2", "--seed", "18446744073709551615"], "use --seed 18446744073709551614"),
        (&["run", "--scale", "4294967295"], "coarser than 100000"),
        (&["run", "--scale", "0"], "at least 1"),
        (&["ensemble", "--runs", "-1"], "must be positive"),
        (&["run", "--seed", "-5"], "must be positive"),
        (&["ensemble", "--jobs", "-2"], "must be positive"),
        (&["run", "--width", "65536", "--height", "65536", "--png"], "200-10000"),
        (&["run", "--chart-scale", "5"], "0.25-3"),
        (&["run", "--chart-scale", "-1"], "must be positive"),
        // Far more memory than any machine: 64 runs at once of one person per agent.
        (&["ensemble", "--scale", "1", "--runs", "64", "--jobs", "64"], "the smallest scale that fits is --scale"),
    ];
    for (args, needle) in cases {
        let started = std::time::Instant::now();
        let result = revsim().args(*args).arg(baseline()).args(["--out", &out]).output().unwrap();
        refused(&result, needle);
        assert!(started.elapsed().as_secs_f64() < 5.0, "{args:?} refused at once");
    }
    let result = revsim().args(["chart"]).arg(&dir).args(["--width", "65536", "--png"]).output().unwrap();
    refused(&result, "200-10000");
    assert_eq!(listing(&dir), ["keep.txt"], "nothing written");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_output_path_that_cannot_be_written_is_refused_before_the_run() {
    let dir = scratch("paths");
    let long = "x".repeat(250);
    for (out, needle) in [
        ("/sys/revsim-x".to_string(), "cannot create files"),
        (dir.join("keep.txt/out").display().to_string(), "is a file"),
        (dir.join("keep.txt").display().to_string(), "is a file"),
        (dir.join(&long).display().to_string(), "too long"),
    ] {
        let started = std::time::Instant::now();
        let result = revsim().args(["run", &baseline(), "--scale", "1000", "--out", &out]).output().unwrap();
        refused(&result, needle);
        assert!(started.elapsed().as_secs_f64() < 2.0, "refused before the run ({out})");
    }
    assert_eq!(listing(&dir), ["keep.txt"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn jobs_zero_means_all_cores_and_help_says_so() {
    let help = revsim().args(["ensemble", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("or 0: the number of cores"));
    // And it does: the ensemble runs, and its manifest records one job per core.
    let out = std::env::temp_dir().join(format!("revsim-safety-{}-jobs0", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let result = revsim()
        .args(["ensemble", &baseline(), "--runs", "2", "--scale", "20000", "--jobs", "0", "--quiet", "--no-charts"])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert_eq!(manifest["jobs"], cores, "{manifest}");
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn whole_number_parameters_can_be_calibrated_and_only_an_interrupted_calibration_resumes() {
    // This one runs: three one-run ensembles at --scale 20000.
    let dir = scratch("calibrate");
    let calibrate = |extra: &[&str]| {
        revsim()
            .current_dir(&dir)
            .args(["calibrate", "--scenario", &baseline(), "--targets"])
            .arg(repo("data/history/targets.csv"))
            .args(["--runs", "1", "--scale", "20000", "--passes", "1", "--jobs", "1"])
            .args(extra)
            .output()
            .unwrap()
    };
    let result = calibrate(&["--param", "population.districts=400,450.5"]);
    refused(&result, "is a whole number");
    let result = calibrate(&["--param", "population.districts=400,500", "--resume"]);
    refused(&result, "nothing to resume");
    let result = calibrate(&["--param", "population.districts=400,500"]);
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    assert!(String::from_utf8_lossy(&result.stdout).contains("population.districts = "));
    assert!(listing(&dir.join("output")).is_empty(), "the trials' folder is removed when done");
    std::fs::remove_dir_all(&dir).unwrap();
}
