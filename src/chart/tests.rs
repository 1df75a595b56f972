//! Tests of the chart module on small fixture folders that the tests write into temporary
//! folders (nothing is read from the repository).

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use super::*;

/// A fresh empty folder under the system temp dir, unique to the test, removed when dropped.
struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn temp_dir(name: &str) -> TempDir {
    let dir = std::env::temp_dir().join(format!("revsim-chart-test-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}

const START: &str = "1917-11-07";
const TICKS: usize = 270; // weekly to the end of 1922

const METRICS: [&str; 12] = [
    "red_army",
    "white_armies",
    "petrograd_population",
    "grain_procured_cum_mpoods",
    "urban_food_ratio",
    "uprisings_cum",
    "soviet_democracy_index",
    "party_members",
    "industrial_output_index",
    "territory_soviet_share",
    "support_peasants",
    "famine_deaths_cum",
];

fn date_of(tick: usize) -> Date {
    Date::from_days(Date::parse(START).unwrap().days() + 7 * tick as i32)
}

fn bump(t: f64, centre: f64, width: f64) -> f64 {
    (-((t - centre) / width).powi(2)).exp()
}

/// A plausible value of `metric` at time `t` (0–1 over the period); `alt` shifts the scenario.
fn shape(metric: &str, t: f64, alt: f64) -> f64 {
    match metric {
        "red_army" => 300_000.0 + 5_200_000.0 * bump(t, 0.55 - 0.05 * alt, 0.25),
        "white_armies" => 650_000.0 * bump(t, 0.32, 0.12) * (1.0 - 0.3 * alt),
        "petrograd_population" => 2_400_000.0 - 1_650_000.0 * (t * 2.0).min(1.0) + 150_000.0 * t * alt,
        "grain_procured_cum_mpoods" => 620.0 * t * t * (1.0 - 0.4 * alt),
        "urban_food_ratio" => 0.85 - 0.45 * bump(t, 0.5, 0.2) + 0.1 * alt * t,
        "uprisings_cum" => (260.0 * t.powf(1.5) * (1.0 - 0.5 * alt)).round(),
        "soviet_democracy_index" => 0.7 - 0.6 * t.sqrt() + 0.25 * alt * t,
        "party_members" => 300_000.0 + 450_000.0 * t,
        "industrial_output_index" => 0.7 - 0.5 * bump(t, 0.6, 0.3) + 0.1 * alt,
        "territory_soviet_share" => 0.45 + 0.45 * t,
        "support_peasants" => 0.6 - 0.3 * t + 0.1 * alt,
        "famine_deaths_cum" => 5_000_000.0 * bump(t, 1.0, 0.3) * (1.0 - 0.5 * alt),
        _ => 0.0,
    }
}

fn manifest(dir: &Path, json: &str) {
    fs::write(dir.join("manifest.json"), json).unwrap();
}

/// A run folder: `timeseries.csv`, `events.csv`, `manifest.json`.
fn write_run(dir: &Path, title: &str) {
    let mut ts = format!("tick,date,{}\n", METRICS.join(","));
    for k in 0..TICKS {
        let t = k as f64 / (TICKS - 1) as f64;
        let vals: Vec<String> = METRICS.iter().map(|m| format!("{}", shape(m, t, 0.0))).collect();
        writeln!(ts, "{k},{},{}", date_of(k), vals.join(",")).unwrap();
    }
    fs::write(dir.join("timeseries.csv"), ts).unwrap();
    fs::write(
        dir.join("events.csv"),
        "tick,date,kind,region,district,value,detail\n\
         17,1918-03-03,treaty_signed,,,,brest_litovsk\n\
         43,1918-09-05,red_terror_declared,,,,\n\
         50,1918-10-20,uprising_started,volga,samara,1,\n\
         173,1921-03-01,kronstadt_mutiny,petrograd,kronstadt,,\n\
         175,1921-03-15,tax_in_kind_adopted,,,,\"10th party congress, NEP\"\n",
    )
    .unwrap();
    manifest(dir, &format!(r#"{{"scenario":"baseline","title":"{title}","seed":1917,"version":"0.1.0"}}"#));
}

/// An ensemble folder of `runs` runs: `summary.csv`, `runs.csv`, `events.csv`, `manifest.json`.
fn write_ensemble(dir: &Path, name: &str, title: &str, runs: usize, alt: f64) {
    fs::create_dir_all(dir).unwrap();
    let mut s = String::from("tick,date,metric,mean,sd,p05,p25,p50,p75,p95\n");
    for m in METRICS {
        for k in 0..TICKS {
            let t = k as f64 / (TICKS - 1) as f64;
            let mid = shape(m, t, alt);
            let sd = (mid.abs() * 0.12 * t).max(1e-9);
            let q = |z: f64| mid + z * sd;
            writeln!(
                s,
                "{k},{},{m},{mid},{sd},{},{},{mid},{},{}",
                date_of(k),
                q(-1.645),
                q(-0.674),
                q(0.674),
                q(1.645)
            )
            .unwrap();
        }
    }
    fs::write(dir.join("summary.csv"), s).unwrap();
    let states = ["one_party_state", "one_party_state", "soviet_democracy", "fragmentation", "one_party_state"];
    let mut r = String::from("run,seed,status,final_red_army,kronstadt,end_state\n");
    let mut ev = String::from("run,tick,date,kind,region,district,value,detail\n");
    for i in 0..runs {
        let state = if alt > 0.0 && i % 3 == 0 { "soviet_democracy" } else { states[i % states.len()] };
        let kronstadt = if i % 5 == 0 {
            "none"
        } else if alt > 0.0 && i % 2 == 0 {
            "holds"
        } else {
            "suppressed"
        };
        writeln!(r, "{i},{},ok,{},{kronstadt},{state}", 1917 + i, 1_000_000 + i * 1000).unwrap();
        let jitter = (i as i32 * 7) % 40 - 20;
        let on = |d: &str| Date::from_days(Date::parse(d).unwrap().days() + jitter);
        writeln!(ev, "{i},17,{},treaty_signed,,,,", on("1918-03-03")).unwrap();
        writeln!(ev, "{i},43,{},red_terror_declared,,,,", on("1918-09-05")).unwrap();
        if i % 5 != 0 {
            let k = if alt > 0.0 { "1921-02-10" } else { "1921-03-01" };
            writeln!(ev, "{i},173,{},kronstadt_mutiny,petrograd,kronstadt,,", on(k)).unwrap();
        }
        let tax = if alt > 0.0 { "1920-11-01" } else { "1921-03-15" };
        writeln!(ev, "{i},175,{},tax_in_kind_adopted,,,,", on(tax)).unwrap();
    }
    fs::write(dir.join("runs.csv"), r).unwrap();
    fs::write(dir.join("events.csv"), ev).unwrap();
    manifest(dir, &format!(r#"{{"scenario":"{name}","title":"{title}","runs":{runs},"seed":1917,"version":"0.1.0"}}"#));
}

const ALT_TITLE: &str = "Кронштадт: ранняя оттепель";

/// A comparison folder: two ensembles, `comparison.csv`, `manifest.json`.
fn write_comparison(dir: &Path) {
    write_ensemble(&dir.join("baseline"), "baseline", "Baseline", 20, 0.0);
    write_ensemble(&dir.join("kronstadt_early_thaw"), "kronstadt_early_thaw", ALT_TITLE, 20, 1.0);
    fs::write(
        dir.join("comparison.csv"),
        "metric,scenario,statistic,baseline,alternative,difference,ci_low,ci_high\n\
         red_army,kronstadt_early_thaw,median@1921-03-31,3900000,3500000,-400000,-650000,-150000\n\
         petrograd_population,kronstadt_early_thaw,final,750000,900000,150000,-20000,320000\n\
         soviet_democracy_index,kronstadt_early_thaw,final,0.1,0.35,0.25,0.12,0.38\n\
         uprisings_cum,kronstadt_early_thaw,final,260,130,-130,-180,-80\n\
         events,kronstadt_early_thaw,share:kronstadt_holds,0.05,0.45,0.40,0.22,0.58\n\
         end_state,kronstadt_early_thaw,share:soviet_democracy,0.2,0.33,0.13,-0.05,0.31\n\
         white_armies,kronstadt_early_thaw,final,0,0,0,0,0\n",
    )
    .unwrap();
    manifest(
        dir,
        &format!(
            r#"{{"scenarios":[{{"name":"baseline","title":"Baseline","dir":"baseline"}},
                {{"name":"kronstadt_early_thaw","title":"{ALT_TITLE}","dir":"kronstadt_early_thaw"}}],
                "runs":20,"seed":1917,"version":"0.1.0"}}"#
        ),
    );
}

fn write_history(dir: &Path) {
    fs::write(
        dir.join("history.csv"),
        "target,metric,date,low,central,high,model_p05,model_median,model_p95,verdict\n\
         Petrograd shrinks,petrograd_population,1920-08-28,700000,720000,800000,650000,760000,880000,met\n\
         Red Army peak,red_army,1920-10-01,5000000,5300000,5500000,3900000,4600000,5100000,close\n\
         Grain procured 1920/21,grain_procured_cum_mpoods,1921-06-30,300,367,400,150,210,260,missed\n\
         Soviet share of the CA vote,territory_soviet_share,1917-12-01,0.22,0.24,0.26,0.2,0.25,0.31,met\n",
    )
    .unwrap();
    manifest(dir, r#"{"scenario":"baseline","title":"Baseline","runs":20,"seed":1917,"version":"0.1.0"}"#);
}

fn png_opts() -> ChartOptions {
    ChartOptions { png: true, width: 800, height: 500, ..ChartOptions::default() }
}

/// Asserts that an SVG file is well-formed XML and contains `needle` as text.
fn check_svg(path: &Path, needle: &str) {
    let s = fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&s).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let texts: String = doc.descendants().filter(|n| n.has_tag_name("text")).filter_map(|n| n.text()).collect();
    assert!(texts.contains(needle), "{} lacks {needle:?}", path.display());
}

/// Decodes a PNG; returns (width, height, dark pixels in the title band).
fn check_png(path: &Path) -> (u32, u32, usize) {
    let img = image::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).to_rgb8();
    let (w, h) = img.dimensions();
    // The title sits in the top 9% of the canvas, from the left margin.
    let band = (h as f64 * 0.09) as u32;
    let dark = (0..band)
        .flat_map(|y| (0..w / 2).map(move |x| (x, y)))
        .filter(|&(x, y)| img.get_pixel(x, y).0.iter().all(|&c| c < 120))
        .count();
    (w, h, dark)
}

#[test]
fn run_folder_draws_every_chart_type() {
    let dir = temp_dir("run");
    write_run(&dir, "Baseline: the revolution as it happened");
    assert_eq!(detect(&dir), Some(FolderKind::Run));
    let files = draw_folder(&dir, &ChartOptions::default()).unwrap();
    let names: Vec<String> = files.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    for want in ["dashboard.svg", "red_army.svg", "support_peasants.svg", "events.svg"] {
        assert!(names.iter().any(|n| n == want), "{want} missing from {names:?}");
    }
    assert!(!names.iter().any(|n| n.starts_with("end_states")), "a single run has no end-state distribution");
    assert_eq!(names.len(), 1 + METRICS.len() + 1);
    check_svg(&dir.join("charts/red_army.svg"), "Red Army");
    check_svg(&dir.join("charts/red_army.svg"), "Kronstadt mutiny");
    check_svg(&dir.join("charts/dashboard.svg"), "Key indicators");
    check_svg(&dir.join("charts/events.svg"), "Brest-Litovsk");
    // Large numbers are written for readers.
    check_svg(&dir.join("charts/red_army.svg"), " M");
    assert!(files.iter().all(|p| p.starts_with(dir.join("charts"))));
    // No temporary file is left behind.
    let left: Vec<_> = fs::read_dir(dir.join("charts"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn ensemble_folder_draws_bands_events_and_end_states() {
    let dir = temp_dir("ensemble");
    write_ensemble(&dir, "baseline", "Baseline", 20, 0.0);
    assert_eq!(detect(&dir), Some(FolderKind::Ensemble));
    let files = draw_folder(&dir, &png_opts()).unwrap();
    let has = |n: &str| files.iter().any(|p| p.ends_with(n));
    for n in [
        "charts/red_army.svg",
        "charts/red_army.png",
        "charts/dashboard.png",
        "charts/end_states.svg",
        "charts/events.svg",
    ] {
        assert!(has(n), "{n} missing");
    }
    check_svg(&dir.join("charts/red_army.svg"), "Middle 50% of runs");
    // 4 of 5 runs have the mutiny: the label says so.
    check_svg(&dir.join("charts/red_army.svg"), "Kronstadt mutiny (in 80% of runs)");
    check_svg(&dir.join("charts/end_states.svg"), "One-party state");
    check_svg(&dir.join("charts/end_states.svg"), "revsim 0.1.0 · 20 runs · seed 1917");
    // The bands are drawn as shaded polygons.
    let svg = fs::read_to_string(dir.join("charts/red_army.svg")).unwrap();
    assert!(svg.matches("<polygon").count() >= 2, "no bands");
}

#[test]
fn comparison_folder_draws_overlays_effects_and_cyrillic_titles() {
    let dir = temp_dir("comparison");
    write_comparison(&dir);
    assert_eq!(detect(&dir), Some(FolderKind::Comparison));
    let files = draw_folder(&dir, &png_opts()).unwrap();
    let has = |n: &str| files.iter().any(|p| p.ends_with(n));
    for n in [
        "charts/compare_red_army.svg",
        "charts/compare_red_army.png",
        "charts/dashboard.svg",
        "charts/end_states.svg",
        "charts/effects.svg",
        "charts/outcomes.svg",
        "charts/events.svg",
        "baseline/charts/red_army.svg",
        "kronstadt_early_thaw/charts/dashboard.svg",
    ] {
        assert!(has(n), "{n} missing");
    }
    // Scenarios are named by their titles, Cyrillic included.
    check_svg(&dir.join("charts/compare_red_army.svg"), ALT_TITLE);
    check_svg(&dir.join("charts/end_states.svg"), ALT_TITLE);
    check_svg(&dir.join("charts/effects.svg"), "change in % of the baseline value");
    check_svg(&dir.join("charts/effects.svg"), "change in percentage points");
    check_svg(&dir.join("charts/effects.svg"), "3.9 M → 3.5 M");
    let (w, h, dark) = check_png(&dir.join("charts/compare_red_army.png"));
    assert_eq!((w, h), (800, 500));
    assert!(dark > 200, "title not drawn ({dark} dark pixels)");
}

#[test]
fn cyrillic_title_renders_in_png() {
    let dir = temp_dir("cyrillic");
    write_run(&dir, "Кронштадт");
    let data = RunData::load(&dir).unwrap();
    assert_eq!(data.manifest.title, "Кронштадт");
    let charts = dir.join("charts");
    let files = dashboard_chart(&charts, &png_opts(), &Source::Run(&data)).unwrap();
    assert_eq!(files.len(), 2);
    check_svg(&files[0], "Кронштадт · one run");
    // The subtitle (Cyrillic) is drawn: dark pixels where it goes, below the title.
    let img = image::open(&files[1]).unwrap().to_rgb8();
    let (w, h) = img.dimensions();
    assert_eq!((w, h), (800, 600), "the dashboard is 4:3");
    let grey =
        (30..48).flat_map(|y| (14..120).map(move |x| (x, y))).filter(|&(x, y)| img.get_pixel(x, y).0[0] < 200).count();
    assert!(grey > 50, "no subtitle text drawn ({grey})");
}

#[test]
fn png_has_requested_size_and_scale() {
    let dir = temp_dir("size");
    write_run(&dir, "Baseline");
    let data = RunData::load(&dir).unwrap();
    let src = Source::Run(&data);
    let opts = ChartOptions { png: true, width: 1200, height: 700, scale: 1.3, ..ChartOptions::default() };
    let files = metric_chart(&dir.join("charts"), &opts, &src, "red_army").unwrap();
    assert_eq!(files.len(), 2);
    let (w, h, dark) = check_png(&files[1]);
    assert_eq!((w, h), (1200, 700));
    assert!(dark > 300, "title not drawn ({dark} dark pixels)");
    let svg = fs::read_to_string(&files[0]).unwrap();
    assert!(svg.contains(r#"width="600" height="350""#), "SVG is half the PNG size");
    // Default: 1600×1000.
    let files = metric_chart(&dir.join("charts"), &png_opts_default(), &src, "party_members").unwrap();
    assert_eq!(check_png(&files[1]).0, 1600);
}

fn png_opts_default() -> ChartOptions {
    ChartOptions { png: true, ..ChartOptions::default() }
}

#[test]
fn history_chart_renders_each_target() {
    let dir = temp_dir("history");
    write_history(&dir);
    let files = draw_folder(&dir, &png_opts()).unwrap();
    assert_eq!(files.len(), 2);
    assert!(files[0].ends_with("charts/history.svg"));
    // Titles in words: a target the table does not know is named by its metric and date.
    check_svg(&files[0], "Red Army (ration strength), 1 Oct 1920");
    check_svg(&files[0], "people · 1 Oct 1920");
    check_svg(&files[0], "tolerant: missed");
    // The strict count leads: medians inside the historians' own ranges.
    check_svg(&files[0], "2 of 4 targets inside the historians' own ranges");
    let (w, h, dark) = check_png(&files[1]);
    assert_eq!((w, h), (800, 500));
    assert!(dark > 200);
}

#[test]
fn many_rows_make_taller_charts_not_overlaps() {
    let dir = temp_dir("tall");
    let mut rows = Vec::new();
    for i in 0..20 {
        rows.push(HistoryRow {
            target: format!("Target {i}"),
            metric: "red_army".into(),
            date: Date::parse("1920-01-01"),
            low: 1e6,
            central: 1.5e6,
            high: 2e6,
            model_p05: 1.2e6,
            model_median: 1.6e6,
            model_p95: 2.4e6,
            verdict: "close".into(),
            inside: Some(false),
            runs_inside: 0.3,
            runs_with_event: f64::NAN,
            window: None,
            dates: false,
        });
    }
    let files = history_chart(&dir, &png_opts(), &rows, &Manifest::default()).unwrap();
    let (w, h, _) = check_png(&files[1]);
    assert_eq!(w, 800);
    assert!(h > 900, "20 rows need room: {h}");
}

#[test]
fn draw_folder_is_reproducible() {
    let dir = temp_dir("repro");
    write_comparison(&dir);
    let a = draw_folder(&dir, &png_opts()).unwrap();
    let bytes_a: Vec<Vec<u8>> = a.iter().map(|p| fs::read(p).unwrap()).collect();
    let b = draw_folder(&dir, &png_opts()).unwrap();
    assert_eq!(a, b);
    for (p, before) in b.iter().zip(&bytes_a) {
        assert_eq!(&fs::read(p).unwrap(), before, "{} changed", p.display());
    }
}

#[test]
fn missing_metrics_and_files_are_tolerated() {
    let dir = temp_dir("sparse");
    fs::write(
        dir.join("timeseries.csv"),
        "tick,date,red_army,notes\n0,1917-11-07,300000,a\n1,1917-11-14,,b\n2,1917-11-21,320000,c\n",
    )
    .unwrap();
    let files = draw_folder(&dir, &ChartOptions::default()).unwrap();
    let names: Vec<_> = files.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    // The text column is not a metric; the dashboard has its one panel; no events, no chart.
    assert_eq!(names, ["dashboard.svg", "red_army.svg"]);
    // A metric that is not there draws nothing.
    let data = RunData::load(&dir).unwrap();
    assert!(metric_chart(&dir, &ChartOptions::default(), &Source::Run(&data), "white_armies").unwrap().is_empty());
    // The folder name stands in for a missing manifest.
    assert!(data.manifest.title.starts_with("Revsim-chart-test"), "{}", data.manifest.title);
    // Not an output folder at all.
    let empty = temp_dir("empty");
    assert!(matches!(draw_folder(&empty, &ChartOptions::default()), Err(ChartError::NotAFolder(_))));
}

#[test]
fn bad_dates_are_reported_with_file_and_line() {
    let dir = temp_dir("baddate");
    fs::write(dir.join("timeseries.csv"), "tick,date,red_army\n0,1917-11-07,1\n1,1917-13-01,2\n").unwrap();
    let err = draw_folder(&dir, &ChartOptions::default()).unwrap_err().to_string();
    assert!(err.contains("timeseries.csv:3") && err.contains("1917-13-01"), "{err}");
}

#[test]
fn summary_is_computed_from_long_timeseries_when_missing() {
    let dir = temp_dir("long");
    let mut ts = String::from("run,tick,date,red_army\n");
    for run in 0..5 {
        for k in 0..3 {
            writeln!(ts, "{run},{k},{},{}", date_of(k), 100 * (run + 1) + k).unwrap();
        }
    }
    fs::write(dir.join("timeseries.csv"), ts).unwrap();
    assert_eq!(detect(&dir), Some(FolderKind::Ensemble));
    let e = EnsembleData::load(&dir).unwrap();
    let q = e.summary.get("red_army").unwrap();
    assert_eq!(q.len(), 3);
    assert_eq!(q[0].p50, 300.0);
    assert_eq!(q[0].p25, 200.0);
    assert!((q[2].p05 - 122.0).abs() < 1e-9, "{}", q[2].p05);
    assert_eq!(e.n_runs(), 1, "no runs.csv, manifest or events: one run is assumed");
}

#[test]
fn event_stats_summarize_first_occurrences() {
    let ev = |run, d: &str, kind: &str| Event {
        run: Some(run),
        date: Date::parse(d).unwrap(),
        kind: kind.into(),
        region: String::new(),
        value: f64::NAN,
        detail: String::new(),
    };
    let events = vec![
        ev(0, "1921-03-01", "kronstadt_mutiny"),
        ev(0, "1921-03-20", "kronstadt_mutiny"),
        ev(1, "1921-03-11", "kronstadt_mutiny"),
        ev(2, "1921-03-05", "kronstadt_mutiny"),
    ];
    let s = event_stats(&events, &["kronstadt_mutiny", "treaty_signed"], 4);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].n, 3);
    assert_eq!(s[0].share, 0.75);
    assert_eq!(s[0].median, Date::parse("1921-03-05").unwrap());
    assert!(s[0].p05 >= Date::parse("1921-03-01").unwrap() && s[0].p95 <= Date::parse("1921-03-11").unwrap());
}

#[test]
fn forest_rows_put_units_on_the_right_axes() {
    let dir = temp_dir("forest");
    write_comparison(&dir);
    let c = ComparisonData::load(&dir).unwrap();
    assert_eq!(c.scenarios.len(), 2);
    assert_eq!(c.scenarios[1].title, ALT_TITLE);
    let rows = forest_rows(&c);
    assert_eq!(rows.len(), 7);
    let red = rows.iter().find(|r| r.label.starts_with("Red Army")).unwrap();
    assert!(!red.points);
    assert!((red.x - (-400_000.0 / 3_900_000.0)).abs() < 1e-9);
    assert_eq!(red.label, "Red Army, median, 31 Mar 1921");
    assert!(red.clear(), "the interval excludes zero: drawn filled");
    let holds = rows.iter().find(|r| r.label == "Kronstadt holds, share of runs").unwrap();
    assert!(holds.points);
    assert!((holds.x - 0.40).abs() < 1e-9);
    assert_eq!(holds.note, "5% → 45%");
    // The interval includes zero: hollow.
    let petrograd = rows.iter().find(|r| r.label.starts_with("Petrograd")).unwrap();
    assert!(!petrograd.clear());
    assert!(petrograd.label.ends_with("at the end, 3 Jan 1923"), "{}", petrograd.label);
    // A zero baseline has no relative change.
    let white = rows.iter().find(|r| r.label.starts_with("White")).unwrap();
    assert!(white.x.is_nan());
}

#[test]
fn comparison_without_manifest_finds_baseline_from_comparison_csv() {
    let dir = temp_dir("nomanifest");
    write_comparison(&dir);
    fs::remove_file(dir.join("manifest.json")).unwrap();
    let c = ComparisonData::load(&dir).unwrap();
    let names: Vec<&str> = c.scenarios.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["baseline", "kronstadt_early_thaw"]);
    assert_eq!(c.scenarios[1].title, ALT_TITLE, "title from the ensemble's own manifest");
}

#[test]
fn register_fonts_is_idempotent() {
    register_fonts();
    register_fonts();
    let dir = temp_dir("fonts");
    write_history(&dir);
    let rows = read_history(&dir.join("history.csv")).unwrap();
    let files = history_chart(&dir, &png_opts(), &rows, &Manifest::default()).unwrap();
    assert!(check_png(&files[1]).2 > 200);
}

/// Renders a gallery of PNGs for a person to look at: `cargo test gallery -- --ignored`, then
/// open `$TMPDIR/revsim-chart-gallery/`.
#[test]
#[ignore]
fn gallery() {
    let root = std::env::temp_dir().join("revsim-chart-gallery");
    let _ = fs::remove_dir_all(&root);
    let opts = ChartOptions { png: true, ..ChartOptions::default() };
    let run = root.join("run");
    fs::create_dir_all(&run).unwrap();
    write_run(&run, "Baseline: the revolution as it happened");
    draw_folder(&run, &opts).unwrap();
    let cmp = root.join("compare");
    fs::create_dir_all(&cmp).unwrap();
    write_comparison(&cmp);
    write_history(&cmp);
    let files = draw_folder(&cmp, &opts).unwrap();
    assert!(!files.is_empty());
    // Six scenarios with long titles, on screen and in print.
    for (name, style) in [("compare6", ChartStyle::Screen), ("compare6print", ChartStyle::Print)] {
        let dir = root.join(name);
        fs::create_dir_all(&dir).unwrap();
        write_comparison_of(&dir, 6);
        draw_folder(&dir, &ChartOptions { style, ..opts.clone() }).unwrap();
    }
}

/// A long scenario title, as an essayist might write one.
fn long_title(i: usize) -> String {
    format!("Scenario {i}: the Gulf of Finland thaws early in March 1921 and the fortress cannot be stormed")
}

/// A comparison of `n` scenarios (the baseline and `n - 1` alternatives) with long titles, and
/// the history table beside it.
fn write_comparison_of(dir: &Path, n: usize) {
    let mut refs = Vec::new();
    let mut csv = String::from("metric,scenario,statistic,baseline,alternative,difference,ci_low,ci_high\n");
    for i in 0..n {
        let name = if i == 0 { "baseline".to_string() } else { format!("alt{i}") };
        let title = long_title(i);
        write_ensemble(&dir.join(&name), &name, &title, 20, i as f64 / n as f64);
        refs.push(format!(r#"{{"name":"{name}","title":"{title}","dir":"{name}"}}"#));
        if i > 0 {
            let d = i as f64 * 0.08;
            writeln!(csv, "red_army,{name},median@1921-03-31,3900000,3500000,-400000,-650000,-150000").unwrap();
            writeln!(csv, "petrograd_population,{name},final,750000,900000,150000,-20000,320000").unwrap();
            writeln!(csv, "soviet_democracy_index,{name},final,0.1,0.35,0.25,0.12,0.38").unwrap();
            writeln!(csv, "uprisings_cum,{name},final,260,130,-130,-180,-80").unwrap();
            writeln!(csv, "events,{name},share:kronstadt_holds,0.05,{},{d},{},{}", 0.05 + d, d - 0.1, d + 0.1).unwrap();
            writeln!(csv, "end_state,{name},share:soviet_democracy,0.2,0.33,0.13,0.02,0.31").unwrap();
            writeln!(csv, "white_armies,{name},final,0,0,0,0,0").unwrap();
        }
    }
    fs::write(dir.join("comparison.csv"), csv).unwrap();
    manifest(dir, &format!(r#"{{"scenarios":[{}],"runs":20,"seed":1917,"version":"0.1.0"}}"#, refs.join(",")));
    write_history(dir);
}

/// A text element of an SVG and its box, estimated from the embedded font's metrics.
#[derive(Debug)]
struct TextBox {
    text: String,
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

/// The boxes of every text of an SVG, and the canvas size (of its viewBox).
fn text_boxes(svg: &str) -> (Vec<TextBox>, (f64, f64)) {
    use plotters::style::{FontDesc, FontFamily, FontStyle};
    register_fonts();
    let doc = roxmltree::Document::parse(svg).unwrap();
    let root = doc.root_element();
    let vb: Vec<f64> = root.attribute("viewBox").unwrap().split(' ').map(|v| v.parse().unwrap()).collect();
    let mut out = Vec::new();
    for n in doc.descendants().filter(|n| n.has_tag_name("text")) {
        let text = n.text().unwrap_or("").trim().to_string();
        if text.is_empty() {
            continue;
        }
        let num = |a: &str| n.attribute(a).unwrap_or("0").parse::<f64>().unwrap();
        let (x, y, size) = (num("x"), num("y"), num("font-size"));
        let style = if n.attribute("font-weight") == Some("bold") { FontStyle::Bold } else { FontStyle::Normal };
        let w = FontDesc::new(FontFamily::Name("DejaVu Sans, Verdana, sans-serif"), size, style)
            .box_size(&text)
            .map(|(w, _)| f64::from(w))
            .unwrap();
        // The baseline from the vertical anchor; DejaVu's ascent ≈ 0.76 em, descent ≈ 0.24 em,
        // x-height ≈ 0.55 em.
        let dy = match n.attribute("dy") {
            Some("0.76em") => 0.76 * size,
            Some("0.5ex") => 0.275 * size,
            Some("-0.5ex") => -0.275 * size,
            _ => 0.0,
        };
        let along = match n.attribute("text-anchor") {
            Some("middle") => (-w / 2.0, w / 2.0),
            Some("end") => (-w, 0.0),
            _ => (0.0, w),
        };
        let across = (dy - 0.76 * size, dy + 0.22 * size);
        let b = if n.attribute("transform").is_some_and(|t| t.starts_with("rotate(270")) {
            // Rotated a quarter turn anticlockwise: the text runs upwards.
            TextBox { text, x0: x + across.0, x1: x + across.1, y0: y - along.1, y1: y - along.0 }
        } else {
            TextBox { text, x0: x + along.0, x1: x + along.1, y0: y + across.0, y1: y + across.1 }
        };
        out.push(b);
    }
    (out, (vb[2], vb[3]))
}

/// The overlaps between text boxes (more than a pixel each way) and the texts off the canvas.
fn layout_faults(svg: &str) -> Vec<String> {
    let (boxes, (w, h)) = text_boxes(svg);
    let mut faults = Vec::new();
    for b in &boxes {
        if b.x0 < -0.5 || b.y0 < -0.5 || b.x1 > w + 0.5 || b.y1 > h + 0.5 {
            faults.push(format!("{:?} leaves the {w}×{h} canvas", b.text));
        }
    }
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let ox = a.x1.min(b.x1) - a.x0.max(b.x0);
            let oy = a.y1.min(b.y1) - a.y0.max(b.y0);
            if ox > 1.0 && oy > 1.0 {
                faults.push(format!("{:?} overlaps {:?}", a.text, b.text));
            }
        }
    }
    faults
}

fn svgs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "svg"))
        .collect();
    v.sort();
    v
}

#[test]
fn the_overlap_check_finds_overlaps() {
    let svg = r#"<svg width="100" height="50" viewBox="0 0 200 100" xmlns="http://www.w3.org/2000/svg">
        <text x="10" y="10" dy="0.76em" font-size="20">Kronstadt</text>
        <text x="40" y="15" dy="0.76em" font-size="20">mutiny</text>
        <text x="190" y="60" dy="0.76em" font-size="20">off</text></svg>"#;
    let faults = layout_faults(svg);
    assert!(faults.iter().any(|f| f.contains("overlaps")), "{faults:?}");
    assert!(faults.iter().any(|f| f.contains("\"off\" leaves")), "{faults:?}");
}

#[test]
fn no_text_overlaps_or_leaves_the_canvas_with_two_to_six_long_titled_scenarios() {
    for (n, style) in [(2, ChartStyle::Screen), (6, ChartStyle::Screen), (6, ChartStyle::Print)] {
        let dir = temp_dir(&format!("layout{n}{style:?}"));
        write_comparison_of(&dir, n);
        let opts = ChartOptions { style, ..ChartOptions::default() };
        draw_folder(&dir, &opts).unwrap();
        let mut names = Vec::new();
        let mut faults = Vec::new();
        for charts in [dir.join("charts"), dir.join("baseline/charts")] {
            for svg in svgs(&charts) {
                names.push(svg.file_name().unwrap().to_string_lossy().into_owned());
                for f in layout_faults(&fs::read_to_string(&svg).unwrap()) {
                    faults.push(format!("{}: {f}", svg.display()));
                }
            }
        }
        for kind in
            ["dashboard", "events", "end_states", "effects", "outcomes", "history", "compare_red_army", "red_army"]
        {
            assert!(names.iter().any(|n| n == &format!("{kind}.svg")), "{kind} not drawn: {names:?}");
        }
        assert!(faults.is_empty(), "{n} scenarios, {style:?}:\n{}", faults.join("\n"));
    }
}

#[test]
fn charts_print_no_raw_ids() {
    let dir = temp_dir("rawids");
    write_comparison_of(&dir, 3);
    write_run(&dir.join("baseline"), "Baseline");
    draw_folder(&dir, &ChartOptions::default()).unwrap();
    draw_folder(&dir.join("baseline"), &ChartOptions::default()).unwrap();
    for charts in [dir.join("charts"), dir.join("baseline/charts")] {
        for svg in svgs(&charts) {
            let (boxes, _) = text_boxes(&fs::read_to_string(&svg).unwrap());
            for b in boxes {
                // Every id has an underscore or is lower-case; no title does either.
                assert!(!b.text.contains('_'), "{}: raw id {:?}", svg.display(), b.text);
                for id in ["kronstadt holds", "one party state", "event:k", "event:t", "ca share", "Ca share"] {
                    assert!(!b.text.contains(id), "{}: {:?}", svg.display(), b.text);
                }
            }
        }
    }
}

#[test]
fn shares_and_relative_changes_are_printed_as_percentages() {
    let dir = temp_dir("percent");
    write_comparison(&dir);
    draw_folder(&dir, &ChartOptions::default()).unwrap();
    let ticks = |file: &str| -> Vec<String> {
        let (boxes, _) = text_boxes(&fs::read_to_string(dir.join("charts").join(file)).unwrap());
        boxes.into_iter().map(|b| b.text).collect()
    };
    // A share's axis: 0%–100%.
    let share = ticks("compare_territory_soviet_share.svg");
    assert!(share.iter().any(|t| t == "40%") && share.iter().any(|t| t == "100%"), "{share:?}");
    // The effects' relative axis: signed percentages, never bare fractions.
    let effects = ticks("effects.svg");
    let signed_percent =
        |t: &str| t.ends_with('%') && (t.starts_with('+') || t.starts_with('−') || t == "0%") && t.len() <= 8;
    assert!(effects.iter().filter(|t| signed_percent(t)).count() >= 3, "{effects:?}");
    assert!(!effects.iter().any(|t| t == "0.4" || t == "−0.4"), "{effects:?}");
}

#[test]
fn each_scenario_has_its_band_in_a_tint_of_its_own_colour() {
    let dir = temp_dir("bands");
    write_comparison_of(&dir, 4);
    draw_folder(&dir, &ChartOptions::default()).unwrap();
    let svg = fs::read_to_string(dir.join("charts/compare_red_army.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let bands: Vec<(String, f64)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("polygon"))
        .map(|n| (n.attribute("fill").unwrap().to_string(), n.attribute("opacity").unwrap().parse().unwrap()))
        .collect();
    let lines: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .filter_map(|n| n.attribute("stroke").map(str::to_string))
        .collect();
    let mut band_colours: Vec<&str> = bands.iter().map(|b| b.0.as_str()).collect();
    band_colours.sort_unstable();
    band_colours.dedup();
    assert_eq!(band_colours.len(), 4, "one band colour per scenario: {band_colours:?}");
    // Each scenario's colour is used by the same number of band polygons (no colour reused for
    // another scenario's band).
    let per_colour: Vec<usize> = band_colours.iter().map(|c| bands.iter().filter(|b| b.0 == *c).count()).collect();
    assert!(per_colour.iter().all(|n| *n == per_colour[0]), "bands per colour: {per_colour:?}");
    for (fill, opacity) in &bands {
        assert!(lines.contains(fill), "band {fill} is not the colour of a line ({lines:?})");
        assert!(*opacity < 0.5, "a band is a light tint ({opacity})");
    }
}

#[test]
fn the_headline_chart_shows_the_outcome_that_moved_with_a_caption_in_words() {
    let dir = temp_dir("outcomes");
    write_comparison(&dir);
    draw_folder(&dir, &ChartOptions::default()).unwrap();
    let (boxes, _) = text_boxes(&fs::read_to_string(dir.join("charts/outcomes.svg")).unwrap());
    let words: Vec<String> = boxes.into_iter().map(|b| b.text).collect();
    let all = words.join(" ");
    for want in ["How the Kronstadt rising ends", "Fortress held", "Stormed", "95% interval of “Fortress held”"] {
        assert!(words.iter().any(|w| w == want), "{want} missing from {words:?}");
    }
    // comparison.csv: kronstadt_holds 5% → 45%, +40 points (+22 to +58).
    let caption = "The fortress holds in 45% of runs with “Кронштадт: ранняя оттепель”, 5% with “Baseline” \
                   (+40 points; 95% interval +22 to +58).";
    assert!(all.contains(caption), "{all}");
    // The bars: 8 of 20 runs held in the alternative (every even run not a multiple of 5).
    assert!(words.iter().any(|w| w == "40%"), "{words:?}");
}
