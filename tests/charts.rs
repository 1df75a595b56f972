//! Charts from the binary: drawn with no fonts installed, and redrawn identically from CSV.

use std::path::PathBuf;
use std::process::Command;

fn revsim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_revsim"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("revsim-charts-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn charts_render_with_no_fonts_on_the_machine_and_redraw_identically() {
    let out = scratch("nofonts");
    let empty = scratch("empty-fonts");
    std::fs::create_dir_all(&empty).unwrap();
    let fonts_conf = empty.join("fonts.conf");
    std::fs::write(&fonts_conf, "<?xml version=\"1.0\"?><fontconfig></fontconfig>").unwrap();
    let baseline = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.ron");
    let result = revsim()
        .args([
            "run",
            baseline.to_str().unwrap(),
            "--scale",
            "20000",
            "--png",
            "--width",
            "800",
            "--height",
            "500",
            "--out",
        ])
        .arg(&out)
        .env("FONTCONFIG_FILE", &fonts_conf)
        .env("XDG_DATA_HOME", &empty)
        .env("HOME", &empty)
        .output()
        .unwrap();
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    let png = out.join("charts/red_army.png");
    let image = image::open(&png).unwrap().to_rgb8();
    assert_eq!(image.dimensions(), (800, 500));
    // The title sits in the top band: some of its pixels are dark.
    let dark = (0..image.width())
        .flat_map(|x| (0..image.height() / 10).map(move |y| (x, y)))
        .filter(|&(x, y)| image.get_pixel(x, y).0.iter().all(|c| *c < 100))
        .count();
    assert!(dark > 50, "the title was drawn ({dark} dark pixels)");
    let svg = std::fs::read_to_string(out.join("charts/dashboard.svg")).unwrap();
    assert!(roxmltree::Document::parse(&svg).is_ok(), "well-formed SVG");
    // Redraw from the CSV files alone.
    let before: Vec<(String, Vec<u8>)> = std::fs::read_dir(out.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "svg"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    assert!(before.len() > 40);
    std::fs::remove_dir_all(out.join("charts")).unwrap();
    let redraw = revsim().arg("chart").arg(&out).args(["--png", "--width", "800", "--height", "500"]).output().unwrap();
    assert!(redraw.status.success(), "{}", String::from_utf8_lossy(&redraw.stderr));
    for (name, bytes) in before {
        let again = std::fs::read(out.join("charts").join(&name)).unwrap();
        assert!(again == bytes, "{name} differs when redrawn from the CSV files");
    }
    std::fs::remove_dir_all(out).unwrap();
    std::fs::remove_dir_all(empty).unwrap();
}

/// The values of column `name` of a CSV file.
fn column(path: &std::path::Path, name: &str) -> Vec<String> {
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let i = rdr.headers().unwrap().iter().position(|h| h == name).unwrap_or_else(|| panic!("{name} in {path:?}"));
    rdr.records().map(|r| r.unwrap().get(i).unwrap().to_string()).collect()
}

#[test]
fn every_id_a_comparison_writes_has_a_label_and_no_chart_prints_one() {
    use revsim::chart::labels;
    let out = scratch("labels");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let result = revsim()
        .current_dir(&root)
        .args(["compare", "scenarios/baseline.ron", "scenarios/kronstadt_early_thaw.ron", "--runs", "2"])
        .args(["--scale", "20000", "--quiet", "--style", "print", "--png", "--width", "600", "--height", "400"])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    let base = out.join("baseline");
    let mut missing = Vec::new();
    let header = std::fs::read_to_string(base.join("timeseries.csv")).unwrap();
    for m in header.lines().next().unwrap().split(',').skip(3) {
        labels::metric(m).is_none().then(|| missing.push(format!("metric {m}")));
    }
    for k in column(&base.join("events.csv"), "kind") {
        labels::event(&k).is_none().then(|| missing.push(format!("event {k}")));
    }
    for s in column(&base.join("runs.csv"), "end_state") {
        labels::end_state(&s).is_none().then(|| missing.push(format!("end state {s}")));
    }
    for s in column(&base.join("runs.csv"), "kronstadt") {
        labels::kronstadt(&s).is_none().then(|| missing.push(format!("Kronstadt outcome {s}")));
    }
    let cmp = out.join("comparison.csv");
    for (m, s) in column(&cmp, "metric").into_iter().zip(column(&cmp, "statistic")) {
        let id = s.strip_prefix("share:").map(str::to_string).unwrap_or(m);
        labels::known(&id).then_some(()).is_none().then(|| missing.push(format!("comparison {id}")));
    }
    for t in column(&out.join("history.csv"), "target") {
        labels::target(&t).is_none().then(|| missing.push(format!("target {t}")));
    }
    missing.sort();
    missing.dedup();
    assert!(missing.is_empty(), "no label in src/chart/labels.rs for: {missing:?}");
    // No chart prints an id: ids have underscores, titles never.
    for dir in [out.join("charts"), base.join("charts")] {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "svg") {
                let svg = std::fs::read_to_string(&p).unwrap();
                let doc = roxmltree::Document::parse(&svg).unwrap();
                for t in doc.descendants().filter(|n| n.has_tag_name("text")).filter_map(|n| n.text()) {
                    assert!(!t.contains('_'), "{}: {t:?}", p.display());
                }
            }
        }
    }
    // Print style: the column size asked for, grey-scale only.
    let png = image::open(out.join("charts/compare_red_army.png")).unwrap().to_rgb8();
    assert_eq!(png.dimensions().0, 600);
    let coloured = png.pixels().filter(|p| p.0.iter().max().unwrap() - p.0.iter().min().unwrap() > 16).count();
    assert_eq!(coloured, 0, "print charts are grey");
    std::fs::remove_dir_all(out).unwrap();
}
