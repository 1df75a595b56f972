//! Fuzzing, bounded for CI: random edits of every scenario file and random bytes through the
//! scenario loader, and random combinations of command-line options through the binary. No
//! case may panic or hang, and nothing may be written outside the chosen output folder.
//!
//! The number of cases is `REVSIM_FUZZ_CASES` (default: a few seconds' worth). The longer run
//! and its result are in README.md ("Fuzzing").

use rand::{Rng, RngExt, SeedableRng};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn cases(default: usize) -> usize {
    std::env::var("REVSIM_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// One random edit of a text: cut, duplicate, insert bytes, change a digit, swap a token.
fn mutate(text: &str, rng: &mut impl Rng) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    let n = bytes.len().max(1);
    let at = rng.random_range(0..n);
    let len = rng.random_range(0..64usize).min(n - at);
    match rng.random_range(0..6u8) {
        0 => {
            bytes.drain(at..at + len);
        }
        1 => {
            let piece = bytes[at..at + len].to_vec();
            bytes.splice(at..at, piece);
        }
        2 => {
            let junk: Vec<u8> = (0..rng.random_range(1..8)).map(|_| rng.random()).collect();
            bytes.splice(at..at, junk);
        }
        3 => {
            if let Some(i) = (at..n).find(|&i| bytes[i].is_ascii_digit()) {
                bytes[i] = b"0123456789-.e"[rng.random_range(0..13)];
            }
        }
        4 => {
            let tokens: &[&[u8]] = &[b"\"..\"", b"-1", b"1e308", b"NaN", b"\"\"", b"[]", b"(", b")", b"\"9999-99-99\""];
            bytes.splice(at..at + len, tokens[rng.random_range(0..tokens.len())].iter().copied());
        }
        _ => bytes.insert(at, 0xEF),
    }
    bytes
}

/// Every scenario file of the project, and the baseline's text.
fn scenario_files() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(repo("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().to_string(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    files.sort();
    files
}

#[test]
fn the_scenario_loader_survives_random_edits_and_random_bytes() {
    let dir = std::env::temp_dir().join(format!("revsim-fuzz-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(repo("scenarios/baseline.ron"), dir.join("baseline.ron")).unwrap();
    let files = scenario_files();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(10);
    let (mut panics, mut slow, mut loaded) = (0, 0, 0);
    let total = cases(300);
    for case in 0..total {
        let (name, text) = &files[case % files.len()];
        let bytes = if case % 10 == 9 {
            (0..rng.random_range(0..400)).map(|_| rng.random()).collect()
        } else {
            let mut b = mutate(text, &mut rng);
            for _ in 0..rng.random_range(0..3) {
                b = mutate(&String::from_utf8_lossy(&b), &mut rng);
            }
            b
        };
        let path = dir.join(format!("case-{name}"));
        std::fs::write(&path, &bytes).unwrap();
        let started = Instant::now();
        match std::panic::catch_unwind(|| revsim::scenario::load(&path)) {
            Ok(Ok(_)) => loaded += 1,
            Ok(Err(e)) => assert!(!e.to_string().is_empty()),
            Err(_) => {
                panics += 1;
                eprintln!("panic on case {case} ({name}): kept as {}", path.display());
                std::fs::copy(&path, dir.join(format!("panic-{case}.ron"))).unwrap();
            }
        }
        if started.elapsed() > Duration::from_secs(2) {
            slow += 1;
        }
    }
    eprintln!("{total} cases: {loaded} loaded, {panics} panics, {slow} over 2 s");
    assert_eq!((panics, slow), (0, 0));
    // Some mutants must get past the parser, or the fuzz never reaches semantic validation.
    assert!(loaded > 0, "no mutant loaded: the fuzz only exercised the parser");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Runs the binary with a time limit; `None` if it had to be killed.
fn run_bounded(args: &[String], cwd: &Path, limit: Duration) -> Option<std::process::Output> {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_revsim"))
        .args(args)
        .current_dir(cwd)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return Some(child.wait_with_output().unwrap());
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A random value for an option: often bad, sometimes good.
fn value(rng: &mut impl Rng, good: &[&str]) -> String {
    let bad = ["-1", "0", "-0", "1e9", "4294967296", "18446744073709551616", "abc", "", "NaN", "0.5", "65536"];
    if rng.random_bool(0.5) {
        good[rng.random_range(0..good.len())].to_string()
    } else {
        bad[rng.random_range(0..bad.len())].to_string()
    }
}

#[test]
fn random_command_lines_neither_panic_nor_hang_nor_write_outside_their_folder() {
    let dir = std::env::temp_dir().join(format!("revsim-fuzz-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(repo("scenarios/baseline.ron"), dir.join("baseline.ron")).unwrap();
    std::fs::copy(repo("scenarios/kronstadt_early_thaw.ron"), dir.join("thaw.ron")).unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    let (mut panics, mut hangs) = (0, 0);
    let total = cases(24);
    // The output folders chosen so far, where writing is allowed.
    let mut chosen: Vec<String> = vec!["out".into(), "output".into(), "charts".into()];
    for case in 0..total {
        let command = ["run", "ensemble", "compare", "validate", "chart", "explain", "list"][rng.random_range(0..7)];
        let mut args: Vec<String> = vec![command.into()];
        match command {
            "compare" => args.extend(["baseline.ron".into(), "thaw.ron".into()]),
            "chart" | "list" => args.push(if rng.random_bool(0.5) { "out".into() } else { ".".into() }),
            _ => args.push(["baseline.ron", "thaw.ron", "missing.ron"][rng.random_range(0..3)].into()),
        }
        let options: &[(&str, &[&str])] = &[
            ("--seed", &["1", "18446744073709551615"]),
            ("--scale", &["20000", "100000"]),
            ("--runs", &["1", "2"]),
            ("--jobs", &["1", "2"]),
            ("--width", &["200", "10000"]),
            ("--height", &["150", "300"]),
            ("--chart-scale", &["0.25", "3"]),
            ("--out", &["out", ".", "..", "/", "baseline.ron"]),
        ];
        for (name, good) in options {
            if rng.random_bool(0.4) {
                args.push((*name).into());
                args.push(value(&mut rng, good));
            }
        }
        for flag in ["--force", "--resume", "--quiet", "--no-charts", "--png"] {
            if rng.random_bool(0.25) {
                args.push(flag.into());
            }
        }
        if matches!(command, "run" | "ensemble" | "compare") && !args.iter().any(|a| a == "--scale") {
            // Keep the cases that do run short.
            args.extend(["--scale".into(), "20000".into()]);
        }
        if matches!(command, "ensemble" | "compare") && !args.iter().any(|a| a == "--runs") {
            args.extend(["--runs".into(), "2".into()]);
        }
        // The chosen output folder, where writing is allowed.
        chosen.extend(args.iter().position(|a| a == "--out").and_then(|i| args.get(i + 1)).cloned());
        match run_bounded(&args, &dir, Duration::from_secs(60)) {
            None => {
                hangs += 1;
                eprintln!("hang: revsim {}", args.join(" "));
            }
            Some(out) => {
                let stderr = String::from_utf8_lossy(&out.stderr);
                if out.status.code() == Some(101) || stderr.contains("panicked") {
                    panics += 1;
                    eprintln!("panic: revsim {}\n{stderr}", args.join(" "));
                }
            }
        }
        let mut names: Vec<String> =
            std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
        names.sort();
        names.retain(|n| !matches!(n.as_str(), "baseline.ron" | "thaw.ron") && !chosen.contains(n));
        assert!(names.is_empty(), "case {case} (revsim {}) left {names:?}", args.join(" "));
        let parent = listing_outside(&dir);
        assert!(parent.is_empty(), "case {case} wrote next to the folder: {parent:?}");
    }
    assert_eq!((panics, hangs), (0, 0));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Entries next to the fuzz folder that a case could have made (`..` as output).
fn listing_outside(dir: &Path) -> Vec<String> {
    let parent = dir.parent().unwrap();
    ["out", ".out.partial", "output"]
        .iter()
        .filter(|n| parent.join(n).exists() && !parent.join(n).is_symlink())
        .filter(|n| {
            std::fs::metadata(parent.join(n))
                .and_then(|m| m.modified())
                .is_ok_and(|t| t.elapsed().unwrap_or_default() < Duration::from_secs(120))
        })
        .map(|n| n.to_string())
        .collect()
}
