//! `revsim sweep`: the table, its determinism, its charts, and a coefficient the model cannot
//! read leaving every outcome unchanged.

use std::path::{Path, PathBuf};
use std::process::Command;

fn revsim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_revsim"))
}

fn repo(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path).display().to_string()
}

/// People per agent: what these tests assert (a coefficient read or not, the same bytes whatever
/// the jobs) does not depend on the scale; the control that a read coefficient moves the
/// outcomes still holds at this one.
const SCALE: &str = "20000";

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("revsim-sweep-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn ok(cmd: &mut Command) {
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// A row of `sweep.csv`: (point, seed, coefficient cells, outcome cells from `status` on).
type Row = (String, String, Vec<String>, Vec<String>);

/// The header and rows of `sweep.csv`.
fn table(dir: &Path) -> (Vec<String>, Vec<Row>) {
    let text = std::fs::read_to_string(dir.join("sweep.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(str::to_string).collect();
    let status = header.iter().position(|h| h == "status").unwrap();
    let rows = lines
        .map(|l| {
            let cells: Vec<String> = l.split(',').map(str::to_string).collect();
            (cells[2].clone(), cells[1].clone(), cells[3..status].to_vec(), cells[status..].to_vec())
        })
        .collect();
    (header, rows)
}

fn sweep(scenario: &str, out: &Path, extra: &[&str]) {
    ok(revsim()
        .args([
            "sweep",
            scenario,
            "--param",
            "repression.backlash=0:4",
            "--points",
            "2",
            "--runs",
            "2",
            "--scale",
            SCALE,
        ])
        .args(extra)
        .arg("--out")
        .arg(out));
}

#[test]
fn a_coefficient_the_model_cannot_read_leaves_every_outcome_unchanged_and_one_it_reads_does_not() {
    // With the backlash mechanism switched off (multiplier 0, MODEL.md §7), the backlash
    // coefficient is multiplied by zero wherever it is used: the model cannot read it.
    let work = scratch("unread");
    std::fs::create_dir_all(&work).unwrap();
    let off = work.join("no_backlash.ron");
    let text = format!(
        "Scenario(name: \"no_backlash\", extends: \"{}\", title: \"No backlash\", changes: [ScaleMechanism(\"repression_backlash\", 0.0)])",
        repo("scenarios/baseline.ron")
    );
    std::fs::write(&off, text).unwrap();
    let (unread, read) = (work.join("unread"), work.join("read"));
    sweep(off.to_str().unwrap(), &unread, &[]);
    sweep(&repo("scenarios/baseline.ron"), &read, &[]);
    let (header, rows) = table(&unread);
    assert_eq!(&header[..4], &["run", "seed", "point", "repression.backlash"]);
    assert_eq!(rows.len(), 4, "2 points × 2 runs");
    let values: Vec<&str> = rows.iter().map(|r| r.2[0].as_str()).collect();
    assert_eq!(values, ["0", "0", "4", "4"]);
    assert!(rows.iter().all(|r| r.3[0] == "ok"));
    for seed in ["1917", "1918"] {
        let outcomes: Vec<&Vec<String>> = rows.iter().filter(|r| r.1 == seed).map(|r| &r.3).collect();
        assert_eq!(outcomes.len(), 2);
        assert!(
            outcomes.iter().all(|o| *o == outcomes[0]),
            "seed {seed}: the outcomes moved with a coefficient nobody reads"
        );
    }
    // The same sweep with the mechanism on: the coefficient moves the outcomes.
    let (_, rows) = table(&read);
    let differ = ["1917", "1918"].iter().any(|seed| {
        let outcomes: Vec<&Vec<String>> = rows.iter().filter(|r| r.1 == *seed).map(|r| &r.3).collect();
        outcomes.iter().any(|o| *o != outcomes[0])
    });
    assert!(differ, "the backlash coefficient, read, changes nothing: the check above could not fail");
    for outcome in ["soviet_democracy_index", "famine_deaths_cum", "uprisings_cum"] {
        let chart = read.join(format!("charts/sweep--repression.backlash--{outcome}.svg"));
        assert!(std::fs::read_to_string(&chart).is_ok_and(|t| t.contains("<svg")), "{}", chart.display());
    }
    std::fs::remove_dir_all(&work).unwrap();
}

#[test]
fn a_latin_hypercube_sweep_gives_the_same_bytes_whatever_jobs_and_each_run_can_be_rebuilt() {
    let work = scratch("lhs");
    let (one, two) = (work.join("one"), work.join("two"));
    let args =
        ["--param", "war.conscription=0.0006:0.0014", "--design", "lhs", "--points", "3", "--runs", "1", "--report"];
    let base = repo("scenarios/baseline.ron");
    ok(revsim().args(["sweep", &base, "--scale", SCALE, "--jobs", "1", "--out"]).arg(&one).args(args));
    ok(revsim().args(["sweep", &base, "--scale", SCALE, "--jobs", "2", "--out"]).arg(&two).args(args));
    let bytes = |d: &Path| std::fs::read(d.join("sweep.csv")).unwrap();
    assert!(bytes(&one) == bytes(&two), "sweep.csv differs between --jobs 1 and --jobs 2");
    let (header, rows) = table(&one);
    assert_eq!(&header[..6], &["run", "seed", "point", "war.conscription", "status", "final_population_total"]);
    // One value in each third of the range.
    let mut strata: Vec<usize> =
        rows.iter().map(|r| ((r.2[0].parse::<f64>().unwrap() - 0.0006) / 0.0008 * 3.0) as usize).collect();
    strata.sort_unstable();
    assert_eq!(strata, [0, 1, 2]);
    // The report's command for run 2 rebuilds its row.
    let html = std::fs::read_to_string(one.join("report.html")).unwrap();
    let value = &rows[2].2[0];
    let command = format!(
        "revsim sweep {base} --param war.conscription={value}:{value} --points 1 --runs 1 --seed 1917 --scale {SCALE}"
    );
    assert!(html.contains(&command), "missing: {command}");
    let again = work.join("again");
    ok(revsim()
        .args(["sweep", &base, "--param", &format!("war.conscription={value}:{value}"), "--points", "1", "--runs", "1"])
        .args(["--seed", "1917", "--scale", SCALE, "--no-charts", "--out"])
        .arg(&again));
    assert_eq!(table(&again).1[0].3, rows[2].3, "the rebuilt run differs");
    std::fs::remove_dir_all(&work).unwrap();
}

#[test]
fn bad_sweeps_are_refused_with_exit_2_and_nothing_written() {
    let out = scratch("bad");
    let base = repo("scenarios/baseline.ron");
    let cases: [(&[&str], &str); 4] = [
        (&["--param", "war.conscriptio=0:1"], "did you mean `war.conscription`"),
        (&["--param", "war.conscription=2:1"], "LOW is above HIGH"),
        (&["--param", "war.conscription=0:1", "--outcome", "red_arm"], "did you mean `red_army`"),
        (&["--param", "war.conscription=0:1", "--points", "0"], "at least 1"),
    ];
    for (args, message) in cases {
        let result = revsim().args(["sweep", &base, "--scale", "5000", "--out"]).arg(&out).args(args).output().unwrap();
        assert_eq!(result.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(!out.exists(), "{args:?} wrote {}", out.display());
    }
}
