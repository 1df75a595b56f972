//! Sharded ensembles and comparisons: the shards merged give the unsharded command's files byte
//! for byte; `revsim merge` refuses a missing shard, a doubled shard, a shard of another plan and
//! a shard of another revsim commit, writing nothing; `revsim plan` prints scripts the shell reads.
//! (tests/cluster/slurm_e2e.sh, run by .ci/run, does the same through a real SLURM.)

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn revsim() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_revsim"));
    for var in ["SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN", "JOB_COMPLETION_INDEX"] {
        c.env_remove(var);
    }
    c
}

fn scenario(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name).display().to_string()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("revsim-cluster-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// People per agent: what is tested is how shards are split and merged, byte for byte, which
/// does not depend on the scale, so the coarsest the other CLI tests use.
const SCALE: &str = "20000";

fn compare(runs: &str, seed: &str, extra: &[&str], out: &Path) -> Output {
    let base = [scenario("baseline.ron"), scenario("kronstadt_early_thaw.ron")];
    revsim()
        .arg("compare")
        .args(&base)
        .args(["--runs", runs, "--scale", SCALE, "--seed", seed, "--quiet", "--out"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

fn merge(shards: &[&PathBuf], out: &Path) -> Output {
    revsim().arg("merge").args(shards).arg("--out").arg(out).output().unwrap()
}

fn ok(o: Output) -> Output {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

/// Every file under `dir`, by its path inside it.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else {
                out.insert(path.strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// A manifest without what differs by nature between two executions of one plan.
fn steady(bytes: &[u8]) -> serde_json::Value {
    let mut m: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    for key in ["started", "finished", "wall_seconds", "command_line", "jobs", "merged_from"] {
        m.as_object_mut().unwrap().remove(key);
    }
    m
}

/// The same files, byte for byte, but for the manifests' times, command line, jobs and shards.
fn assert_same_folder(unsharded: &Path, merged: &Path) {
    let (a, b) = (files(unsharded), files(merged));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    assert!(
        a.keys().any(|k| k.ends_with("summary.csv")) && a.keys().any(|k| k.extension().is_some_and(|e| e == "svg"))
    );
    for (path, bytes) in &a {
        if path.ends_with("manifest.json") {
            assert_eq!(steady(bytes), steady(&b[path]), "{}", path.display());
        } else {
            assert!(*bytes == b[path], "{} differs", path.display());
        }
    }
}

/// Exit 2, the message, and nothing at `out` nor a hidden staging folder beside it.
fn refused(o: Output, out: &Path, message: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(message), "expected `{message}` in: {err}");
    assert!(!out.exists(), "{} was written", out.display());
    let name = out.file_name().unwrap().to_string_lossy().to_string();
    let beside: Vec<_> = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(&name))
        .collect();
    assert!(beside.is_empty(), "left behind: {beside:?}");
}

#[test]
fn a_comparison_in_three_shards_merges_to_the_unsharded_bytes_and_wrong_sets_are_refused() {
    let dir = scratch("compare");
    // Six runs: two per shard, interleaved (0, 3 | 1, 4 | 2, 5).
    ok(compare("6", "21", &[], &dir.join("full")));
    let shards: Vec<PathBuf> = (0..3).map(|i| dir.join(format!("s{i}"))).collect();
    for (i, s) in shards.iter().enumerate() {
        ok(compare("6", "21", &["--shard", &format!("{i}/3")], s));
    }
    // Given in any order.
    ok(merge(&[&shards[2], &shards[0], &shards[1]], &dir.join("merged")));
    assert_same_folder(&dir.join("full"), &dir.join("merged"));

    refused(
        merge(&[&shards[0], &shards[1]], &dir.join("m1")),
        &dir.join("m1"),
        "shard 2/3 is missing (its runs 2, 5 are in none",
    );
    refused(
        merge(&[&shards[0], &shards[1], &shards[1], &shards[2]], &dir.join("m2")),
        &dir.join("m2"),
        "shard 1/3 is given twice",
    );
    let other = dir.join("other0");
    ok(compare("3", "21", &["--shard", "0/3"], &other));
    refused(
        merge(&[&other, &shards[1], &shards[2]], &dir.join("m3")),
        &dir.join("m3"),
        "not shards of one plan: --runs 3 against 6",
    );
    // A shard made by another revsim: its manifest names another commit.
    let foreign = dir.join("foreign");
    std::fs::rename(&shards[0], &foreign).unwrap();
    let path = foreign.join("manifest.json");
    let mut m: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    m["plan"]["commit"] = serde_json::json!("0123456789abcdef");
    std::fs::write(&path, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    refused(merge(&[&foreign, &shards[1], &shards[2]], &dir.join("m4")), &dir.join("m4"), "a different revsim commit");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn ensemble_shards_from_slurm_and_kubernetes_environments_merge_to_the_unsharded_bytes() {
    let dir = scratch("ensemble");
    let ensemble = |out: &Path| {
        let mut c = revsim();
        c.args(["ensemble", &scenario("baseline.ron"), "--runs", "5", "--scale", SCALE, "--seed", "3", "--quiet"]);
        c.arg("--out").arg(out);
        c
    };
    ok(ensemble(&dir.join("full")).output().unwrap());
    // Shard 0 as task 0 of a SLURM array of two, shard 1 as index 1 of a Kubernetes indexed job.
    let slurm = [("SLURM_ARRAY_TASK_ID", "0"), ("SLURM_ARRAY_TASK_COUNT", "2")];
    ok(ensemble(&dir.join("a")).args(["--shard", "auto"]).envs(slurm).output().unwrap());
    ok(ensemble(&dir.join("b")).args(["--shard", "auto/2"]).env("JOB_COMPLETION_INDEX", "1").output().unwrap());
    let runs = std::fs::read_to_string(dir.join("b/runs.csv")).unwrap();
    let numbers: Vec<&str> = runs.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(numbers, ["1", "3"], "shard 1/2 holds runs 1 and 3");
    ok(merge(&[&dir.join("a"), &dir.join("b")], &dir.join("merged")));
    assert_same_folder(&dir.join("full"), &dir.join("merged"));
    // Outside a scheduler, `auto` says what is missing and writes nothing.
    refused(
        ensemble(&dir.join("c")).args(["--shard", "auto"]).output().unwrap(),
        &dir.join("c"),
        "SLURM_ARRAY_TASK_ID is not set",
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn plans_are_scripts_the_shell_reads_with_the_array_the_dependency_and_the_job_log() {
    let dir = scratch("plan");
    let command = ["compare", &scenario("baseline.ron"), &scenario("kronstadt_early_thaw.ron"), "--runs", "60"];
    for (emit, wanted) in [
        ("slurm", &["#SBATCH --array=0-3", "--shard auto", "--dependency=afterok:", "merge \"$SHARDS\"/shard-*"][..]),
        ("parallel", &["--joblog", "--resume-failed", "--shard {}/4", "::: $(seq 0 3)"][..]),
    ] {
        let o = ok(revsim()
            .args(["plan", "--emit", emit, "--shards", "4"])
            .args(command)
            .args(["--png"])
            .output()
            .unwrap());
        let script = String::from_utf8(o.stdout).unwrap();
        for w in wanted {
            assert!(script.contains(w), "{emit}: no `{w}` in\n{script}");
        }
        assert!(script.contains("--out output/compare-baseline-vs-kronstadt_early_thaw --force --png"), "{script}");
        let path = dir.join(format!("{emit}.sh"));
        std::fs::write(&path, &script).unwrap();
        let syntax = Command::new("bash").arg("-n").arg(&path).output().unwrap();
        assert!(syntax.status.success(), "{emit}: {}", String::from_utf8_lossy(&syntax.stderr));
    }
    let o = revsim()
        .args(["plan", "--emit", "slurm", "--shards", "2", "run"])
        .arg(scenario("baseline.ron"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}
