//! Tests of `revsim attribute`: Shapley values that add up, a factor that changes nothing, exact
//! duplicates, conflicting factors, and the files.

use revsim::attribute::{AttributeOptions, MetricSpec, attribute};
use std::path::{Path, PathBuf};
use std::process::Command;

fn revsim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_revsim"))
}

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("revsim-attribute-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines().skip(1).map(|l| l.split(',').map(str::to_string).collect()).collect()
}

#[test]
fn three_factors_on_the_baseline_add_up_to_the_whole_difference() {
    let out = scratch("three");
    let metrics = ["soviet_democracy_index@1919-01-01", "centralization@1921-01-01", "party_pluralism"];
    let opts = AttributeOptions {
        base: repo("scenarios/baseline.ron"),
        factors: ["soviet_elections_honoured_1918", "civil_war_not_centralising", "no_red_terror"]
            .map(|f| repo(&format!("scenarios/{f}.ron")))
            .to_vec(),
        metrics: metrics.iter().map(|m| m.parse::<MetricSpec>().unwrap()).collect(),
        runs: 2,
        seed: 5,
        scale: 20000,
        jobs: 2,
        orders: 10,
        out: Some(out.clone()),
        force: false,
        quiet: true,
        command_line: "test".into(),
        charts: Some(revsim::chart::ChartOptions { png: true, ..Default::default() }),
    };
    let a = attribute(&opts).unwrap();
    assert_eq!(a.metrics.len(), 3);
    for m in &a.metrics {
        let sum: f64 = m.terms.shapley.iter().sum();
        let total = m.all - m.baseline;
        assert!((sum - total).abs() <= 1e-12 * (1.0 + total.abs()), "{}: {sum} vs {total}", m.spec.name);
        assert!(m.terms.shapley.iter().zip(&m.low.shapley).zip(&m.high.shapley).all(|((v, l), h)| l <= v && v <= h));
    }
    // Honouring the soviet elections of 1918 raises soviet democracy on 1 January 1919.
    assert!(a.metrics[0].terms.shapley[0] > 0.0 && a.metrics[0].low.shapley[0] > 0.0);
    for file in ["attribution.csv", "interactions.csv", "subsets.csv", "headline.md", "manifest.json"] {
        assert!(out.join(file).is_file(), "{file}");
    }
    for stem in ["soviet_democracy_index--1919-01-01", "centralization--1921-01-01", "party_pluralism--end"] {
        for ext in ["svg", "png"] {
            assert!(out.join(format!("charts/waterfall--{stem}.{ext}")).is_file(), "{stem}.{ext}");
        }
    }
    let rows = csv_rows(&out.join("attribution.csv"));
    assert_eq!(rows.len(), 9);
    assert_eq!(&rows[0][..3], &["soviet_democracy_index", "1919-01-01", "soviet_elections_honoured_1918"]);
    assert_eq!(csv_rows(&out.join("interactions.csv")).len(), 9);
    assert_eq!(csv_rows(&out.join("subsets.csv")).len(), 24);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["distinct_worlds"], 8);
    assert_eq!(manifest["seeds_used"], 2);
    // Without --force the folder is kept.
    assert!(matches!(attribute(&opts), Err(revsim::commands::CommandError::Output(_))));
    std::fs::remove_dir_all(&out).unwrap();
}

fn duplicates(out: &Path) -> std::process::Output {
    revsim()
        .arg("attribute")
        .arg(repo("scenarios/baseline.ron"))
        .arg(repo("scenarios/no_red_terror.ron"))
        .arg(repo("tests/fixtures/attribute/no_red_terror_copy.ron"))
        .arg(repo("tests/fixtures/attribute/average_weather_1919.ron"))
        .args(["--runs", "2", "--scale", "20000", "--seed", "3", "--quiet", "--no-charts"])
        .args(["--metric", "executions_cum", "--metric", "centralization@1919-06-01", "--out"])
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn duplicates_split_their_effect_and_a_factor_that_changes_nothing_gets_zero() {
    let out = scratch("duplicates");
    let result = duplicates(&out);
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    let rows = csv_rows(&out.join("attribution.csv"));
    for metric in ["executions_cum", "centralization"] {
        let of = |factor: &str| rows.iter().find(|r| r[0] == metric && r[2] == factor).unwrap().clone();
        let (a, b, none) = (of("no_red_terror"), of("no_red_terror_copy"), of("average_weather_1919"));
        assert_eq!(a[3..7], b[3..7], "{metric}: duplicates split equally");
        assert_eq!(a[6], "0.5", "{metric}: half each");
        assert_eq!(&none[3..6], &["0", "0", "0"], "{metric}: the factor that changes nothing gets zero");
        assert!(a[3].starts_with('-'), "{metric}: no Red Terror lowers it");
    }
    // The headline is printed and written; same seed, same bytes.
    let headline = std::fs::read_to_string(out.join("headline.md")).unwrap();
    assert_eq!(String::from_utf8_lossy(&result.stdout), headline);
    assert!(headline.contains("`no_red_terror` −") && headline.contains("50%"), "{headline}");
    let again = scratch("duplicates-again");
    assert!(duplicates(&again).status.success());
    for file in ["attribution.csv", "interactions.csv", "subsets.csv", "headline.md"] {
        assert_eq!(std::fs::read(out.join(file)).unwrap(), std::fs::read(again.join(file)).unwrap(), "{file}");
    }
    // An existing folder is refused without --force.
    assert_eq!(duplicates(&out).status.code(), Some(2));
    std::fs::remove_dir_all(&out).unwrap();
    std::fs::remove_dir_all(&again).unwrap();
}

#[test]
fn conflicting_factors_are_refused_with_both_names() {
    let out = scratch("conflict");
    let result = revsim()
        .arg("attribute")
        .arg(repo("scenarios/baseline.ron"))
        .arg(repo("scenarios/civil_war_not_centralising.ron"))
        .arg(repo("tests/fixtures/attribute/war_half_centralising.ron"))
        .args(["--runs", "2", "--scale", "20000", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&result.stderr);
    for part in ["civil_war_not_centralising.ron", "war_half_centralising.ron", "mechanisms.war_centralization"] {
        assert!(stderr.contains(part), "{part} in: {stderr}");
    }
    assert!(!out.exists(), "nothing written");
}

#[test]
fn bad_metrics_and_dates_are_refused() {
    let out = scratch("bad");
    for (metric, says) in
        [("centralisation", "did you mean `centralization`"), ("centralization@1930-01-01", "outside")]
    {
        let result = revsim()
            .arg("attribute")
            .arg(repo("scenarios/baseline.ron"))
            .arg(repo("scenarios/no_red_terror.ron"))
            .args(["--metric", metric, "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(result.status.code(), Some(2), "{metric}");
        assert!(String::from_utf8_lossy(&result.stderr).contains(says), "{metric}");
        assert!(!out.exists());
    }
}
