//! The manifest of a run or ensemble folder, and where a scenario's files go by default.

use crate::scenario::Resolved;
use std::path::{Path, PathBuf};

/// The manifest of a run or ensemble folder.
pub fn manifest(resolved: &Resolved, command_line: &str, extra: serde_json::Value, started: &str, wall: f64) -> String {
    let files: Vec<serde_json::Value> = resolved
        .files
        .iter()
        .map(|f| serde_json::json!({"path": f.display().to_string(), "sha256": super::sha256_file(f)}))
        .collect();
    let mut m = serde_json::json!({
        "scenario": resolved.scenario.name,
        "title": resolved.scenario.title,
        "version": env!("CARGO_PKG_VERSION"),
        "build": super::build_info(),
        "command_line": command_line,
        "input_files": files,
        "start_date": resolved.start().to_string(),
        "end_date": resolved.end().to_string(),
        "started": started,
        "finished": super::now_utc(),
        "wall_seconds": wall,
    });
    if let (Some(map), serde_json::Value::Object(more)) = (m.as_object_mut(), extra) {
        map.extend(more);
    }
    serde_json::to_string_pretty(&m).unwrap_or_default() + "\n"
}

/// The default output folder for a scenario: `output/<name>` (names are identifiers, checked
/// by `scenario::validate`, so this stays under `output/`).
pub fn default_out(resolved: &Resolved) -> PathBuf {
    Path::new("output").join(&resolved.scenario.name)
}
