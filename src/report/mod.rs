//! `revsim report DIR`: one self-contained HTML page for a run, ensemble, comparison, history
//! or sweep folder, for readers who will not open CSV files.
//!
//! The page tells, in order: the question (each scenario's title, divergence, description,
//! what its sources expect, and the sources), the answer (key effects with their intervals in
//! words, and the forest plot), the fit to history when the folder holds `history.csv`, every
//! chart of the folder inline, the exact command that rebuilds each run, and the manifests.
//!
//! Self-contained: charts are the folder's SVG files re-written inline ([`svg::inline`]), the
//! style and the one script (sortable tables) are in the page, and its content-security policy
//! forbids every request. It reads the same with JavaScript off and on paper. Everything taken
//! from a file is HTML-escaped. The same folder gives the same bytes.
//!
//! Data flow: the folder's files → this page; nothing is run. If the folder has no charts
//! (it was made with `--no-charts`), they are drawn first, as `revsim chart DIR` would.

mod answer;
pub mod html;
mod svg;
mod sweep;

use crate::chart::{self, FolderKind};
use crate::commands::CommandError;
use html::{esc, table};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// What a folder holds, for the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Run,
    Ensemble,
    Comparison,
    History,
    Sweep,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::Run => "run",
            Kind::Ensemble => "ensemble",
            Kind::Comparison => "comparison",
            Kind::History => "history check",
            Kind::Sweep => "sweep",
        }
    }
}

/// The kind of folder `dir` is, judged by its files.
pub fn kind_of(dir: &Path) -> Option<Kind> {
    if dir.join(crate::sweep::TABLE).is_file() {
        return Some(Kind::Sweep);
    }
    match chart::detect(dir) {
        Some(FolderKind::Run) => Some(Kind::Run),
        Some(FolderKind::Ensemble) => Some(Kind::Ensemble),
        Some(FolderKind::Comparison) => Some(Kind::Comparison),
        None => dir.join("history.csv").is_file().then_some(Kind::History),
    }
}

fn input_err(path: &Path) -> impl Fn(String) -> CommandError + '_ {
    move |e| CommandError::Input(format!("{}: {e}", path.display()))
}

/// Writes `DIR/report.html` (atomically) and returns its path.
pub fn write(dir: &Path) -> Result<PathBuf, CommandError> {
    let text = render(dir)?;
    let path = dir.join("report.html");
    crate::output::write_atomic(&path, text.as_bytes())?;
    Ok(path)
}

/// The report of `dir` as one HTML page.
pub fn render(dir: &Path) -> Result<String, CommandError> {
    let kind = kind_of(dir).ok_or_else(|| {
        CommandError::Input(format!(
            "{}: not a run, ensemble, comparison, history or sweep folder (none of timeseries.csv, runs.csv, \
             summary.csv, comparison.csv, history.csv, {})",
            dir.display(),
            crate::sweep::TABLE
        ))
    })?;
    ensure_charts(dir, kind)?;
    let manifest = read_json(&dir.join("manifest.json"));
    let scenarios = scenario_folders(dir, kind)?;
    let title = page_title(kind, &manifest, &scenarios);
    let mut body = format!(
        "<header>\n<h1>{}</h1>\n<p class=\"meta\">{}</p>\n</header>\n",
        esc(&title),
        meta_line(kind, &manifest, dir)
    );
    let history = if dir.join("history.csv").is_file() { "<a href=\"#history\">History</a>" } else { "" };
    let _ = writeln!(
        body,
        "<nav class=\"noprint\"><a href=\"#question\">The question</a><a href=\"#answer\">The answer</a>{history}\
         <a href=\"#charts\">Charts</a><a href=\"#rebuild\">Rebuild</a><a href=\"#manifest\">Manifests</a></nav>"
    );
    body.push_str(&question(kind, dir, &scenarios, &manifest));
    body.push_str("<section id=\"answer\">\n<h2>The answer</h2>\n");
    body.push_str(&answer::answer(kind, dir)?);
    body.push_str("</section>\n");
    body.push_str(&history_section(dir, &scenarios)?);
    body.push_str(&charts_section(dir, kind, &scenarios));
    body.push_str(&rebuild_section(dir, kind, &manifest, &scenarios)?);
    body.push_str(&manifest_section(dir, &scenarios));
    Ok(html::page(&title, &body))
}

/// Draws the charts of a folder that has none (made with `--no-charts`).
fn ensure_charts(dir: &Path, kind: Kind) -> Result<(), CommandError> {
    if !svg_files(&dir.join("charts")).is_empty() {
        return Ok(());
    }
    let opts = chart::ChartOptions::default();
    let drawn = match kind {
        Kind::Sweep => return crate::sweep::draw_charts(dir, &opts).map(|_| ()),
        _ => chart::draw_folder(dir, &opts),
    };
    drawn.map_err(|e| CommandError::Chart(e.to_string()))?;
    let sub = dir.join("ensemble");
    if kind == Kind::History && sub.is_dir() && svg_files(&sub.join("charts")).is_empty() {
        chart::draw_folder(&sub, &opts).map_err(|e| CommandError::Chart(e.to_string()))?;
    }
    Ok(())
}

fn read_json(path: &Path) -> serde_json::Value {
    std::fs::read_to_string(path).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or(serde_json::Value::Null)
}

fn str_of<'a>(v: &'a serde_json::Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(|x| x.as_str())
}

/// The head of `scenario.resolved.ron`: read leniently (unknown fields ignored), so that a
/// folder made by another revsim version still reports.
#[derive(serde::Deserialize, Default, Clone, Debug)]
#[serde(rename = "Scenario")]
struct Scenario {
    #[serde(default)]
    name: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    sources: Vec<String>,
    #[serde(default)]
    divergence: Option<String>,
    #[serde(default)]
    expected: String,
}

/// One scenario of the folder: its ensemble or run folder, its head and its manifest.
struct ScenarioFolder {
    dir: PathBuf,
    head: Scenario,
    manifest: serde_json::Value,
}

fn scenario_folders(dir: &Path, kind: Kind) -> Result<Vec<ScenarioFolder>, CommandError> {
    let dirs: Vec<PathBuf> = match kind {
        Kind::Run | Kind::Ensemble | Kind::Sweep => vec![dir.to_path_buf()],
        Kind::Comparison => {
            let c = chart::ComparisonData::load(dir).map_err(|e| CommandError::Input(e.to_string()))?;
            c.scenarios.iter().map(|s| s.ensemble.dir.clone()).collect()
        }
        Kind::History => {
            let from = str_of(&read_json(&dir.join("manifest.json")), "ensemble").map(PathBuf::from);
            let own = dir.join("ensemble");
            let sub = if own.is_dir() { Some(own) } else { from.filter(|p| p.is_dir()) };
            sub.into_iter().collect()
        }
    };
    Ok(dirs
        .into_iter()
        .map(|d| {
            let manifest = read_json(&d.join("manifest.json"));
            let head = std::fs::read_to_string(d.join("scenario.resolved.ron"))
                .ok()
                .and_then(|t| ron::from_str::<Scenario>(&t).ok())
                .unwrap_or_else(|| Scenario {
                    name: str_of(&manifest, "scenario").unwrap_or("").to_string(),
                    title: str_of(&manifest, "title").unwrap_or("").to_string(),
                    ..Scenario::default()
                });
            ScenarioFolder { dir: d, head, manifest }
        })
        .collect())
}

fn page_title(kind: Kind, manifest: &serde_json::Value, scenarios: &[ScenarioFolder]) -> String {
    let title = |s: &ScenarioFolder| if s.head.title.is_empty() { s.head.name.clone() } else { s.head.title.clone() };
    match kind {
        Kind::Comparison if scenarios.len() >= 2 => {
            let alts: Vec<String> = scenarios[1..].iter().map(title).collect();
            format!("{} — against {}", alts.join("; "), title(&scenarios[0]))
        }
        Kind::History => "The model against the historical record".to_string(),
        Kind::Sweep => format!("Sweep: {}", scenarios.first().map(title).unwrap_or_default()),
        _ => scenarios.first().map(title).or_else(|| str_of(manifest, "title").map(str::to_string)).unwrap_or_default(),
    }
}

fn meta_line(kind: Kind, m: &serde_json::Value, dir: &Path) -> String {
    let mut parts = vec![format!("revsim {}", esc(str_of(m, "version").unwrap_or("")))];
    let number = |key: &str| m.get(key).and_then(|v| v.as_u64());
    if let Some(n) = number("runs") {
        parts.push(format!(
            "{n} run{}{}",
            if n == 1 { "" } else { "s" },
            if kind == Kind::Comparison { " per scenario" } else { "" }
        ));
    }
    if let Some(s) = number("seed") {
        parts.push(format!("seed {s}"));
    }
    if let Some(s) = number("scale") {
        parts.push(format!("{s} people per agent"));
    }
    if let Some(f) = str_of(m, "finished") {
        parts.push(format!("finished {}", esc(f)));
    }
    format!("A {} · folder <code>{}</code> · {}", kind.noun(), esc(&dir.display().to_string()), parts.join(" · "))
}

fn question(kind: Kind, dir: &Path, scenarios: &[ScenarioFolder], manifest: &serde_json::Value) -> String {
    let mut out = String::from("<section id=\"question\">\n<h2>The question</h2>\n");
    if kind == Kind::Comparison {
        out.push_str(
            "<p class=\"lead\">What changes when history is changed as below? Each scenario was run on the same \
             seeds, so that before its divergence an alternative's run is the baseline's run, and the difference \
             of each pair of runs is the effect of the change.</p>\n",
        );
    }
    if kind == Kind::Sweep {
        out.push_str(&sweep::describe(dir, manifest));
    }
    let base_sources: Vec<String> = scenarios.first().map(|s| s.head.sources.clone()).unwrap_or_default();
    for (i, s) in scenarios.iter().enumerate() {
        let own: Vec<&String> = s.head.sources.iter().filter(|src| i == 0 || !base_sources.contains(src)).collect();
        let role = match (kind, i) {
            (Kind::Comparison, 0) => "The baseline: ",
            (Kind::Comparison, _) => "The alternative: ",
            _ => "",
        };
        let _ = writeln!(out, "<h3>{role}{}</h3>", esc(&s.head.title));
        let mut facts = vec![format!("scenario <code>{}</code>", esc(&s.head.name))];
        facts.push(match &s.head.divergence {
            Some(d) => format!("diverges from its base on {}", esc(d)),
            None => "a base scenario: history as encoded".into(),
        });
        let _ = writeln!(out, "<p class=\"meta\">{}</p>", facts.join(" · "));
        if !s.head.description.is_empty() {
            let _ = writeln!(out, "<p>{}</p>", esc(&s.head.description));
        }
        if !s.head.expected.is_empty() {
            let _ = writeln!(out, "<p><b>What the sources expect:</b> {}</p>", esc(&s.head.expected));
        }
        if !own.is_empty() {
            out.push_str("<p><b>Sources:</b></p>\n<ul>\n");
            for src in own {
                let _ = writeln!(out, "<li>{}</li>", esc(src));
            }
            out.push_str("</ul>\n");
        }
        if let Some(text) = explained(&s.manifest) {
            let _ = writeln!(
                out,
                "<details><summary>What the scenario file changes (<code>revsim explain</code>)</summary><pre>{}</pre></details>",
                esc(&text)
            );
        }
    }
    if scenarios.is_empty() && kind == Kind::History {
        out.push_str("<p>How close does the model come to what happened? Each target is a historical range with its source.</p>\n");
    }
    out.push_str("</section>\n");
    out
}

/// `revsim explain` of the scenario file the manifest names, if the file is still there and
/// unchanged (same SHA-256).
fn explained(manifest: &serde_json::Value) -> Option<String> {
    let first = manifest.get("input_files")?.as_array()?.first()?;
    let path = PathBuf::from(str_of(first, "path")?);
    (crate::output::sha256_file(&path) == str_of(first, "sha256")?).then(|| crate::commands::explain(&path).ok())?
}

fn history_section(dir: &Path, scenarios: &[ScenarioFolder]) -> Result<String, CommandError> {
    let path = dir.join("history.csv");
    if !path.is_file() {
        return Ok(String::new());
    }
    let rows = chart::read_history(&path).map_err(|e| input_err(&path)(e.to_string()))?;
    let count = |v: &str| rows.iter().filter(|r| r.verdict == v).count();
    let whose = scenarios.first().map(|s| s.head.title.clone()).unwrap_or_else(|| "the model".into());
    let mut out = format!(
        "<section id=\"history\">\n<h2>The fit to history</h2>\n<p>{} against {} historical targets: {} met, {} close, {} missed. \
         A target is met when the median of the runs lies in the historical range widened by 25% of its central value, \
         close within 50%.</p>\n",
        esc(&whose),
        rows.len(),
        count("met"),
        count("close"),
        count("missed")
    );
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let f = |v: f64| {
                if r.dates { chart::Date::from_days(v.round() as i32).to_string() } else { html::human(v, false) }
            };
            vec![
                r.target.clone(),
                r.metric.clone(),
                r.date.map(|d| d.to_string()).unwrap_or_default(),
                format!("{} – {} – {}", f(r.low), f(r.central), f(r.high)),
                f(r.model_median),
                format!("{} – {}", f(r.model_p05), f(r.model_p95)),
                r.verdict.clone(),
            ]
        })
        .collect();
    let headers =
        ["target", "metric", "date", "history: low – central – high", "model median", "model 5%–95%", "verdict"];
    out.push_str(&table(&headers, &cells, true, |i| rows[i].verdict.clone()));
    out.push_str("</section>\n");
    Ok(out)
}

fn svg_files(charts: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(charts)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "svg")).collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// A chart's caption from its file name: `compare_red_army` → "Red Army (all scenarios)".
fn caption(stem: &str) -> String {
    match stem {
        "dashboard" => "Key indicators at a glance".into(),
        "effects" => "Effects of the change, with 95% intervals (forest plot)".into(),
        "end_states" => "How the runs end".into(),
        "events" => "When the key events happen".into(),
        "history" => "The model against each historical range".into(),
        _ if stem.starts_with("sweep--") => {
            let parts: Vec<&str> = stem.split("--").collect();
            let outcome = parts.get(2).map_or(String::new(), |o| chart::metric_info(o).label);
            format!("{outcome} at the end, against {}", parts.get(1).unwrap_or(&""))
        }
        _ => match stem.strip_prefix("compare_") {
            Some(m) => format!("{} (all scenarios)", chart::metric_info(m).label),
            None if crate::metrics::METRICS.contains(&stem) => chart::metric_info(stem).label,
            None => stem.replace('_', " "),
        },
    }
}

/// A chart file as an inline figure (empty if it is not a readable SVG).
pub(crate) fn figure(path: &Path) -> String {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let label = caption(&stem);
    match std::fs::read_to_string(path).ok().and_then(|t| svg::inline(&t, &label)) {
        Some(svg) => format!(
            "<figure>\n{svg}\n<figcaption>{} · <code>{}</code></figcaption>\n</figure>\n",
            esc(&label),
            esc(&path.display().to_string())
        ),
        None => String::new(),
    }
}

const LEADING: [&str; 5] = ["dashboard", "effects", "end_states", "events", "history"];

fn charts_of(dir: &Path, heading: &str, open_leading: bool) -> String {
    // The forest plot is in the answer already.
    let mut files = svg_files(&dir.join("charts"));
    files.retain(|p| !(open_leading && p.file_stem().is_some_and(|s| s == "effects")));
    if files.is_empty() {
        return String::new();
    }
    let stem = |p: &PathBuf| p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let leading = |s: &str| LEADING.contains(&s) || s.starts_with("sweep--");
    let (mut lead, rest): (Vec<&PathBuf>, Vec<&PathBuf>) = files.iter().partition(|p| leading(&stem(p)));
    lead.sort_by_key(|p| (LEADING.iter().position(|l| *l == stem(p)), stem(p)));
    let mut out = String::new();
    let lead_html: String = lead.iter().map(|p| figure(p)).collect();
    let rest_html: String = rest.iter().map(|p| figure(p)).collect();
    if open_leading {
        let _ = writeln!(out, "<h3>{}</h3>\n{lead_html}", esc(heading));
        if !rest.is_empty() {
            let _ = writeln!(
                out,
                "<details><summary>Every metric over time ({} charts)</summary>\n<div class=\"grid\">\n{rest_html}</div>\n</details>",
                rest.len()
            );
        }
    } else {
        let _ = writeln!(
            out,
            "<details><summary>{} ({} charts)</summary>\n{lead_html}<div class=\"grid\">\n{rest_html}</div>\n</details>",
            esc(heading),
            files.len()
        );
    }
    out
}

fn charts_section(dir: &Path, kind: Kind, scenarios: &[ScenarioFolder]) -> String {
    let mut out = String::from("<section id=\"charts\">\n<h2>The charts</h2>\n");
    out.push_str(&charts_of(dir, "This folder", true));
    if matches!(kind, Kind::Comparison | Kind::History) {
        for s in scenarios.iter().filter(|s| s.dir != dir) {
            out.push_str(&charts_of(&s.dir, &format!("Charts of the ensemble: {}", s.head.title), false));
        }
    }
    out.push_str("</section>\n");
    out
}

/// `text` quoted for a POSIX shell when it needs it.
pub(crate) fn shell_word(text: &str) -> String {
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c)) {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

fn rebuild_section(
    dir: &Path,
    kind: Kind,
    manifest: &serde_json::Value,
    scenarios: &[ScenarioFolder],
) -> Result<String, CommandError> {
    let mut out = String::from("<section id=\"rebuild\">\n<h2>How to rebuild every number</h2>\n");
    match str_of(manifest, "command_line") {
        Some(line) => {
            let _ = writeln!(out, "<p>This folder was made by:</p>\n<pre>{}</pre>", esc(line));
        }
        None => out.push_str("<p>The manifest does not record the command that made this folder.</p>\n"),
    }
    out.push_str(
        "<p>The same binary, scenario files, seed and scale give byte-identical CSV files. Each run alone \
         (<code>revsim</code> stands for the binary, run from the folder the command above was run in):</p>\n",
    );
    if kind == Kind::Sweep {
        out.push_str(&sweep::rebuild(dir, manifest)?);
    }
    for s in scenarios {
        out.push_str(&run_commands(s, kind == Kind::Run)?);
    }
    out.push_str("</section>\n");
    Ok(out)
}

/// The `revsim run` command of each run of an ensemble (or of the one run of a run folder).
fn run_commands(s: &ScenarioFolder, single: bool) -> Result<String, CommandError> {
    let m = &s.manifest;
    let scenario = m
        .get("input_files")
        .and_then(|f| f.as_array())
        .and_then(|f| f.first())
        .and_then(|f| str_of(f, "path"))
        .unwrap_or("SCENARIO.ron");
    let scale = m.get("scale").and_then(|v| v.as_u64()).map(|s| format!(" --scale {s}")).unwrap_or_default();
    let command = |seed: u64| format!("revsim run {} --seed {seed}{scale}", shell_word(scenario));
    if single {
        let seed = m.get("seed").and_then(|v| v.as_u64()).unwrap_or(0);
        return Ok(format!("<pre>{}</pre>\n", esc(&command(seed))));
    }
    let path = s.dir.join("runs.csv");
    if !path.is_file() {
        return Ok(String::new());
    }
    let mut reader = csv::Reader::from_path(&path).map_err(|e| input_err(&path)(e.to_string()))?;
    let headers = reader.headers().map_err(|e| input_err(&path)(e.to_string()))?.clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let rows: Vec<Vec<String>> = reader
        .records()
        .filter_map(Result::ok)
        .map(|r| {
            let get = |name: &str| col(name).and_then(|c| r.get(c)).unwrap_or("").to_string();
            let seed = get("seed");
            let rebuild = seed.parse().map(command).unwrap_or_default();
            vec![get("run"), seed, get("status"), get("end_state"), rebuild]
        })
        .collect();
    let runs = &rows;
    Ok(format!(
        "<details><summary>{}: {} runs</summary>\n{}</details>\n",
        esc(&s.head.title),
        runs.len(),
        table(&["run", "seed", "status", "end state", "command"], &rows, true, |_| String::new())
    ))
}

fn manifest_section(dir: &Path, scenarios: &[ScenarioFolder]) -> String {
    let mut out = String::from("<section id=\"manifest\">\n<h2>The manifests</h2>\n");
    let mut dirs = vec![dir.to_path_buf()];
    dirs.extend(scenarios.iter().map(|s| s.dir.clone()).filter(|d| d != dir));
    for d in dirs {
        let path = d.join("manifest.json");
        if let Ok(text) = std::fs::read_to_string(&path) {
            let _ = writeln!(
                out,
                "<details><summary><code>{}</code></summary><pre>{}</pre></details>",
                esc(&path.display().to_string()),
                esc(&text)
            );
        }
    }
    out.push_str("</section>\n");
    out
}
