//! `revsim report` and `--report`: one self-contained HTML file, escaped, deterministic, that
//! headless Chromium renders without a single request leaving the file.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn revsim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_revsim"))
}

fn repo(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path).display().to_string()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("revsim-report-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A small comparison with `--report`, made once for the tests of this file.
fn comparison() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let out = scratch("compare");
        ok(revsim()
            .args(["compare", &repo("scenarios/baseline.ron"), &repo("scenarios/kronstadt_early_thaw.ron")])
            .args(["--runs", "2", "--scale", "5000", "--quiet", "--report", "--out"])
            .arg(&out));
        out
    })
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The tags and attributes by which an HTML page can make a request.
const REQUESTS: [&str; 12] = [
    "http:", "https:", "src=", "href=\"/", "href=\"h", "<link", "<img", "<iframe", "url(", "@import", "srcset",
    "<object",
];

#[test]
fn the_report_of_a_comparison_holds_the_question_the_answer_every_chart_and_the_commands() {
    let dir = comparison();
    let html = read(&dir.join("report.html"));
    for bad in REQUESTS {
        assert!(!html.contains(bad), "the page could make a request: `{bad}`");
    }
    assert!(html.contains("default-src 'none'"), "a policy forbids every request");
    assert_eq!(html.matches("<script").count(), 1, "one script, the page's own");
    // The question: both scenarios, with the alternative's divergence and sources.
    for text in
        ["History as it happened", "Kronstadt: an early thaw", "diverges from its base on 1921-03-05", "L861-863"]
    {
        assert!(html.contains(text), "missing: {text}");
    }
    // The answer: effects in words with intervals, and the forest plot. Its count ("Over 2 runs
    // …, N of the M statistics below moved …; K did not") agrees with the effects it lists: the N
    // as clear effects, the K folded away, N + K = M (the template's words alone prove nothing).
    let lead = html
        .split("<p class=\"lead\">Over ")
        .nth(1)
        .and_then(|rest| rest.split("</p>").next())
        .expect("the answer's count");
    let numbers: Vec<usize> =
        lead.split_whitespace().filter_map(|w| w.trim_end_matches([',', ';', '.']).parse().ok()).collect();
    let [runs, clear, all, unclear] = numbers[..] else { panic!("the count's numbers: {lead}") };
    assert_eq!(runs, 2, "{lead}");
    assert!(all > 0 && clear + unclear == all, "{lead}");
    assert_eq!(html.matches("<li class=\"clear\">").count(), clear, "{lead}");
    assert_eq!(html.matches("<li class=\"\">").count(), unclear, "{lead}");
    assert!(html.contains("Effects of the counterfactuals"));
    // Every chart of the folder and of each ensemble is inline.
    let mut charts = Vec::new();
    for sub in ["", "baseline", "kronstadt_early_thaw"] {
        for entry in std::fs::read_dir(dir.join(sub).join("charts")).unwrap() {
            charts.push(entry.unwrap().path());
        }
    }
    assert!(charts.len() > 100, "{} charts", charts.len());
    for chart in &charts {
        assert!(
            html.contains(&format!("<code>{}</code></figcaption>", chart.display())),
            "{} not inline",
            chart.display()
        );
    }
    assert_eq!(html.matches("<svg").count(), charts.len());
    // The history fit, and the exact command of each run.
    assert!(html.contains("The fit to history") && html.contains("red_army_1918_05"));
    let manifest: serde_json::Value = serde_json::from_str(&read(&dir.join("manifest.json"))).unwrap();
    let line = manifest["command_line"].as_str().unwrap();
    assert!(html.contains(line), "the command line of the comparison");
    for seed in [1917, 1918] {
        let run = format!("revsim run {} --seed {seed} --scale 5000", repo("scenarios/kronstadt_early_thaw.ron"));
        assert!(html.contains(&run), "missing: {run}");
    }
}

#[test]
fn the_same_folder_gives_the_same_bytes() {
    let dir = comparison();
    let first = read(&dir.join("report.html"));
    ok(revsim().arg("report").arg(dir));
    assert!(first == read(&dir.join("report.html")), "report.html changed on a second `revsim report`");
}

#[test]
fn text_and_charts_from_files_cannot_inject_markup() {
    let out = scratch("inject");
    ok(revsim().args(["run", &repo("scenarios/baseline.ron"), "--seed", "3", "--scale", "5000", "--out"]).arg(&out));
    let path = out.join("manifest.json");
    let mut m: serde_json::Value = serde_json::from_str(&read(&path)).unwrap();
    m["command_line"] = serde_json::json!("revsim run </pre><script>alert('x')</script>");
    std::fs::write(&path, serde_json::to_string(&m).unwrap()).unwrap();
    let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert('y')"><script>alert('z')</script><text x="1" y="1">&lt;b&gt;</text><image href="https://example.org/a.png"/></svg>"#;
    std::fs::write(out.join("charts/zz_planted.svg"), svg).unwrap();
    ok(revsim().arg("report").arg(&out));
    let html = read(&out.join("report.html"));
    assert_eq!(html.matches("<script").count(), 1, "a planted script reached the page");
    assert!(!html.contains("example.org") && !html.contains("onload") && !html.contains("alert('"));
    assert!(html.contains("&lt;/pre&gt;&lt;script&gt;alert(&#39;x&#39;)"), "the planted command line shows as text");
    assert!(html.contains("<text x=\"1\" y=\"1\">&lt;b&gt;</text>"), "the chart's text is kept, escaped");
    assert!(html.contains("This run ends in"));
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn a_folder_that_is_no_output_is_refused_and_nothing_is_written() {
    let out = scratch("empty");
    std::fs::create_dir_all(&out).unwrap();
    let result = revsim().arg("report").arg(&out).output().unwrap();
    assert_eq!(result.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&result.stderr).contains("not a run, ensemble, comparison, history or sweep folder")
    );
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
    std::fs::remove_dir_all(&out).unwrap();
}

/// Chromium, installed from Debian packages when missing (`apt-get update` once, then
/// `apt-get install -y chromium`).
fn chromium() -> PathBuf {
    let found = |name: &str| {
        std::env::var_os("PATH").and_then(|p| std::env::split_paths(&p).map(|d| d.join(name)).find(|f| f.is_file()))
    };
    if let Some(path) = found("chromium") {
        return path;
    }
    let apt = |args: &[&str]| Command::new("apt-get").args(args).env("DEBIAN_FRONTEND", "noninteractive").status();
    let installed = apt(&["update", "-qq"]).is_ok_and(|s| s.success())
        && apt(&["install", "-y", "-qq", "chromium"]).is_ok_and(|s| s.success());
    assert!(
        installed,
        "chromium is missing and `apt-get install -y chromium` failed (run the tests as root, or install it)"
    );
    found("chromium").expect("chromium on the PATH after installing it")
}

/// Chromium headless, isolated (a fresh profile, no background traffic), on `page`, with
/// `what` (`--screenshot=…` or `--dump-dom`); returns (stdout, stderr with console messages).
fn headless(page: &Path, profile: &Path, what: &[String]) -> (String, String) {
    let out = Command::new(chromium())
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"])
        .args(["--disable-background-networking", "--disable-component-update", "--disable-sync"])
        .args(["--disable-default-apps", "--disable-extensions", "--enable-logging=stderr", "--v=0"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--window-size=1200,1600")
        .args(what)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The URLs the page itself asked for, from a Chromium net log: the requests whose initiator is
/// an origin (a `file://` page's is `null`). Chromium's own background requests (time, updates,
/// accounts) have none ("not an origin") and are not the page's.
fn page_requests(netlog: &Path) -> Vec<String> {
    let log: serde_json::Value = serde_json::from_str(&read(netlog)).expect("the net log is JSON");
    let start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"].as_u64().expect("the event type is known");
    let events = log["events"].as_array().expect("events");
    events
        .iter()
        .filter(|e| e["type"].as_u64() == Some(start))
        .filter(|e| e["params"]["initiator"].as_str().is_some_and(|i| i != "not an origin"))
        .filter_map(|e| e["params"]["url"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn headless_chromium_renders_the_report_and_no_request_leaves_the_file() {
    let page = comparison().join("report.html");
    let work = scratch("chromium");
    std::fs::create_dir_all(&work).unwrap();
    let (shot, netlog) = (work.join("shot.png"), work.join("netlog.json"));
    let (_, stderr) = headless(
        &page,
        &work.join("profile-1"),
        &[
            format!("--screenshot={}", shot.display()),
            format!("--log-net-log={}", netlog.display()),
            "--net-log-capture-mode=Everything".into(),
        ],
    );
    // Nothing was refused by the page's policy (no request was even tried), and the network
    // log holds no request made by the page.
    assert!(!stderr.contains("Content Security Policy") && !stderr.contains("Refused to"), "{stderr}");
    assert_eq!(page_requests(&netlog), Vec::<String>::new(), "requests left the file");
    // The screenshot is a page, not a blank: many pixels are not white and there is colour.
    let image = image::open(&shot).unwrap().to_rgb8();
    let pixels = image.pixels().count();
    let inked = image.pixels().filter(|p| p.0.iter().any(|c| *c < 200)).count();
    assert!(inked * 50 > pixels, "only {inked} of {pixels} pixels are inked");
    let coloured = image.pixels().filter(|p| p.0.iter().max().unwrap() - p.0.iter().min().unwrap() > 60).count();
    assert!(coloured > 100, "no colour: {coloured} coloured pixels");
    // The page's own script runs under its policy (the sortable headers get their titles).
    let (dom, _) = headless(&page, &work.join("profile-2"), &["--dump-dom".into()]);
    assert!(dom.contains("sort by this column"), "the page's script did not run");
    // The net log does show a page's requests: a page that loads two things, seen by the same check.
    let control = work.join("control.html");
    let fetching = "<p>x</p><img src=\"http://127.0.0.1:9/x.png\"><link rel=\"stylesheet\" href=\"https://example.invalid/a.css\">";
    std::fs::write(&control, fetching).unwrap();
    let netlog = work.join("control-netlog.json");
    headless(&control, &work.join("profile-3"), &["--dump-dom".into(), format!("--log-net-log={}", netlog.display())]);
    assert_eq!(page_requests(&netlog).len(), 2, "the check sees a page's requests");
    std::fs::remove_dir_all(&work).unwrap();
}
