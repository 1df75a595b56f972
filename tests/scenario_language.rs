//! The scenario language: inheritance, changes, and errors that never panic.

use rand::{RngExt, SeedableRng};
use revsim::scenario::{self, ScenarioError};
use std::path::PathBuf;

fn baseline_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.ron")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("revsim-lang-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_cycle_of_extends_is_refused_with_the_chain() {
    let dir = scratch("cycle");
    std::fs::write(dir.join("a.ron"), "Scenario(name: \"a\", title: \"A\", extends: \"b.ron\")").unwrap();
    std::fs::write(dir.join("b.ron"), "Scenario(name: \"b\", title: \"B\", extends: \"a.ron\")").unwrap();
    let err = scenario::load(&dir.join("a.ron")).unwrap_err();
    assert!(matches!(err, ScenarioError::Cycle { .. }), "{err}");
    let text = err.to_string();
    assert!(text.contains("a.ron") && text.contains("b.ron") && text.contains('→'), "{text}");
    // The binary says so with exit code 2 and writes nothing.
    let out = dir.join("out");
    let result = std::process::Command::new(env!("CARGO_BIN_EXE_revsim"))
        .args(["run", dir.join("a.ron").to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(2));
    assert!(!out.exists());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_chain_of_counterfactuals_applies_every_change_in_order() {
    let dir = scratch("chain");
    let base = baseline_path();
    std::fs::write(
        dir.join("one.ron"),
        format!(
            "Scenario(name: \"one\", title: \"One\", extends: \"{}\", changes: [SetParameter(\"war.conscription\", 0.002)])",
            base.display()
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("two.ron"),
        "Scenario(name: \"two\", title: \"Two\", extends: \"one.ron\", changes: [RemoveEvent(\"terror_eased\"), SetParameter(\"war.conscription\", 0.003)])",
    )
    .unwrap();
    let r = scenario::load(&dir.join("two.ron")).unwrap();
    assert_eq!(r.scenario.name, "two");
    assert_eq!(r.params().war.conscription, 0.003, "the later change wins");
    assert!(!r.scenario.events.iter().any(|e| e.id == "terror_eased"));
    assert_eq!(r.applied.len(), 3);
    assert_eq!(r.files.len(), 3);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn semantic_errors_are_reported_together() {
    let dir = scratch("many");
    std::fs::write(
        dir.join("bad.ron"),
        format!(
            "Scenario(name: \"bad\", title: \"Bad\", extends: \"{}\", changes: [\
             RemoveEvent(\"brest_litovks\"), SetParameter(\"war.conscriptoin\", 0.1), ScaleMechanism(\"desertion\", 1.5)])",
            baseline_path().display()
        ),
    )
    .unwrap();
    let text = scenario::load(&dir.join("bad.ron")).unwrap_err().to_string();
    assert!(text.contains("did you mean `brest_litovsk`"), "{text}");
    assert!(text.contains("did you mean `war.conscription`"), "{text}");
    assert!(text.contains("outside 0-1"), "{text}");
    assert_eq!(text.lines().count(), 3, "{text}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn random_edits_of_a_valid_file_never_panic_the_loader() {
    let text = std::fs::read_to_string(baseline_path()).unwrap();
    let dir = scratch("fuzz");
    let path = dir.join("edited.ron");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1917);
    let tokens: Vec<&str> = text.split_inclusive([' ', ',', '(', ')', '[', ']', ':']).collect();
    let mut refused = 0;
    for round in 0..200 {
        let edited = if round % 2 == 0 {
            // Delete a few characters somewhere.
            let mut chars: Vec<char> = text.chars().collect();
            for _ in 0..rng.random_range(1..4) {
                let i = rng.random_range(0..chars.len());
                let n = rng.random_range(1..6).min(chars.len() - i);
                chars.drain(i..i + n);
            }
            chars.into_iter().collect::<String>()
        } else {
            // Swap two tokens.
            let mut t = tokens.clone();
            let (i, j) = (rng.random_range(0..t.len()), rng.random_range(0..t.len()));
            t.swap(i, j);
            t.concat()
        };
        std::fs::write(&path, &edited).unwrap();
        let result = std::panic::catch_unwind(|| scenario::load(&path));
        let outcome = result.unwrap_or_else(|_| panic!("round {round}: the loader panicked"));
        if let Err(e) = outcome {
            refused += 1;
            assert!(!e.to_string().is_empty());
        }
    }
    assert!(refused > 100, "most random edits are caught ({refused} of 200)");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn every_parameter_of_the_baseline_says_where_it_comes_from() {
    let table = revsim::commands::parameter_table(&baseline_path()).unwrap();
    // The table's rows (the count of free coefficients follows the table).
    let rows: Vec<&str> = table.lines().skip(2).filter(|l| l.starts_with('|')).collect();
    assert!(rows.len() > 150, "{} parameters", rows.len());
    for row in rows {
        let source = row.split('|').nth(3).unwrap().trim();
        assert!(!source.is_empty(), "no source for {row}");
        let bare = source.contains("calibrated") && !source.contains("calibrated on");
        assert!(!bare, "a calibrated parameter must name its targets (`calibrated on: ...`): {row}");
    }
}
