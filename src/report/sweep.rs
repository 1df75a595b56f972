//! The sweep parts of a report: the coefficients swept, what each moves, and the command that
//! rebuilds each run.

use super::html::{esc, human, table};
use super::shell_word;
use crate::commands::CommandError;
use crate::sweep::{self, read_table};
use std::fmt::Write as _;
use std::path::Path;

/// The swept coefficients and the design, for the question.
pub fn describe(_dir: &Path, m: &serde_json::Value) -> String {
    let n = |k: &str| m.get(k).and_then(|v| v.as_u64()).unwrap_or(0);
    let design = match m.get("design").and_then(|d| d.as_str()) {
        Some("lhs") => "A Latin hypercube",
        _ => "A grid",
    };
    let mut out = format!(
        "<p class=\"lead\">How much do these coefficients matter? {design} of {} points, each run {} times on the same \
         seeds (so that two points differ only by their coefficients).</p>\n",
        n("points"),
        n("runs_per_point")
    );
    let rows: Vec<Vec<String>> = m
        .get("params")
        .and_then(|p| p.as_array())
        .map(|a| {
            a.iter()
                .map(|p| {
                    let f = |k: &str| p.get(k).and_then(|v| v.as_f64()).map(|v| v.to_string()).unwrap_or_default();
                    vec![
                        p.get("name").and_then(|v| v.as_str()).unwrap_or("").to_string(),
                        f("low"),
                        f("high"),
                        f("scenario_value"),
                    ]
                })
                .collect()
        })
        .unwrap_or_default();
    out.push_str(&table(&["coefficient", "low", "high", "value in the scenario"], &rows, false, |_| String::new()));
    out
}

/// What each coefficient moves: for each charted outcome, its median at the lowest and the
/// highest value of each coefficient; the charts; and the table.
pub fn answer(dir: &Path) -> Result<String, CommandError> {
    let t = read_table(dir)?;
    let mut out = String::from("<ul class=\"effects\">\n");
    for outcome in sweep::chart::outcomes_of(dir) {
        let ys = t.numbers(&format!("final_{outcome}"));
        let share = outcome.ends_with("_share") || outcome.starts_with("congress_share_");
        let label = crate::chart::metric_info(&outcome).label;
        for param in &t.params {
            let g = sweep::chart::groups(&t.numbers(param), &ys);
            let (Some(first), Some(last)) = (g.first(), g.last()) else { continue };
            let line = format!(
                "{label} at the end: median {} (90% of runs {} to {}) with {param} = {}; median {} ({} to {}) with {param} = {}",
                human(first.q[2], share),
                human(first.q[0], share),
                human(first.q[4], share),
                crate::output::fmt_num(first.x),
                human(last.q[2], share),
                human(last.q[0], share),
                human(last.q[4], share),
                crate::output::fmt_num(last.x),
            );
            let _ = writeln!(out, "<li>{}</li>", esc(&line));
        }
    }
    out.push_str("</ul>\n");
    let mut headers: Vec<String> = vec!["run".into(), "seed".into(), "point".into()];
    headers.extend(t.params.iter().cloned());
    headers.push("status".into());
    headers.extend(sweep::chart::outcomes_of(dir).iter().map(|o| format!("final_{o}")));
    headers.push("end_state".into());
    let rows: Vec<Vec<String>> =
        (0..t.rows.len()).map(|i| headers.iter().map(|h| t.text(i, h).to_string()).collect()).collect();
    let names: Vec<&str> = headers.iter().map(String::as_str).collect();
    let _ = writeln!(
        out,
        "<details><summary>The table ({} runs; every outcome is in {})</summary>\n{}</details>",
        rows.len(),
        sweep::TABLE,
        table(&names, &rows, true, |_| String::new())
    );
    Ok(out)
}

/// The command that rebuilds each run of the sweep alone: a one-point sweep at its values.
pub fn rebuild(dir: &Path, m: &serde_json::Value) -> Result<String, CommandError> {
    let t = read_table(dir)?;
    let scenario = m
        .get("input_files")
        .and_then(|f| f.as_array())
        .and_then(|f| f.first())
        .and_then(|f| f.get("path"))
        .and_then(|p| p.as_str())
        .unwrap_or("SCENARIO.ron");
    let scale = m.get("scale").and_then(|v| v.as_u64()).map(|s| format!(" --scale {s}")).unwrap_or_default();
    let rows: Vec<Vec<String>> = (0..t.rows.len())
        .map(|i| {
            let params: String = t
                .params
                .iter()
                .map(|p| format!(" --param {}", shell_word(&format!("{p}={v}:{v}", v = t.text(i, p)))))
                .collect();
            let command = format!(
                "revsim sweep {}{params} --points 1 --runs 1 --seed {}{scale}",
                shell_word(scenario),
                t.text(i, "seed")
            );
            vec![t.text(i, "run").to_string(), t.text(i, "seed").to_string(), t.text(i, "status").to_string(), command]
        })
        .collect();
    Ok(format!(
        "<details><summary>Each of the {} runs (a one-point sweep at its values and seed)</summary>\n{}</details>\n",
        rows.len(),
        table(&["run", "seed", "status", "command"], &rows, true, |_| String::new())
    ))
}
