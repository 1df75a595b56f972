//! Output files: CSV tables, the manifest, and atomic writes.
//!
//! A run folder is written into a temporary sibling folder and renamed into place when
//! complete, so a reader never sees half a folder, and an existing folder is replaced only
//! with `--force`.

mod guard;
mod manifest;

pub use guard::{MAX_NAME_BYTES, absolute, check_out_dir, is_revsim_folder};
pub use manifest::{default_out, manifest};

use crate::metrics::METRICS;
use crate::model::LoggedEvent;
use crate::run::RunOutput;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Why output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{0} exists and is not empty: choose another --out, or add --force to replace it")]
    Exists(String),
    /// A folder that must not be written or replaced: exit code 2, nothing written.
    #[error("{0}")]
    Refused(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io { path: path.display().to_string(), source }
}

/// Formats a number for CSV: whole numbers without decimals, others with up to six.
pub fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        let text = format!("{v:.6}");
        let text = text.trim_end_matches('0');
        text.trim_end_matches('.').to_string()
    }
}

/// Quotes a CSV field when it needs it.
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_string() }
}

/// `timeseries.csv` of a run; with `run = Some(k)`, the ensemble's long format.
pub fn timeseries_csv(out: &RunOutput, run: Option<usize>, header: bool) -> String {
    let mut text = String::new();
    if header {
        if run.is_some() {
            text.push_str("run,");
        }
        text.push_str("tick,date,");
        text.push_str(&METRICS.join(","));
        text.push('\n');
    }
    for (tick, date, values) in &out.rows {
        if let Some(k) = run {
            let _ = write!(text, "{k},");
        }
        let _ = write!(text, "{tick},{date}");
        for v in values {
            text.push(',');
            text.push_str(&fmt_num(*v));
        }
        text.push('\n');
    }
    text
}

/// `events.csv` of a run; with `run = Some(k)`, the ensemble's long format.
pub fn events_csv(events: &[LoggedEvent], run: Option<usize>, header: bool) -> String {
    let mut text = String::new();
    if header {
        if run.is_some() {
            text.push_str("run,");
        }
        text.push_str("tick,date,kind,region,district,value,detail\n");
    }
    for e in events {
        if let Some(k) = run {
            let _ = write!(text, "{k},");
        }
        let _ = writeln!(
            text,
            "{},{},{},{},{},{},{}",
            e.tick,
            e.date,
            csv_field(&e.kind),
            csv_field(&e.region),
            csv_field(&e.district),
            fmt_num(e.value),
            csv_field(&e.detail)
        );
    }
    text
}

/// Writes a file atomically: a temporary file in the same folder, then a rename.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), OutputError> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp).map_err(io(&tmp))?;
        f.write_all(contents).map_err(io(&tmp))?;
        f.sync_all().map_err(io(&tmp))?;
    }
    std::fs::rename(&tmp, path).map_err(io(path))
}

/// A folder being written: files go to a temporary sibling, renamed into place on `commit`.
/// Dropped without `commit` (an error, a panic), it removes the temporary sibling.
pub struct StagedDir {
    pub target: PathBuf,
    pub staging: PathBuf,
    committed: bool,
}

impl Drop for StagedDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

impl StagedDir {
    pub fn new(target: &Path) -> Result<StagedDir, OutputError> {
        let parent = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or_else(|| Path::new("."));
        std::fs::create_dir_all(parent).map_err(io(parent))?;
        let name = target.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "run".into());
        let staging = parent.join(format!(".{name}.partial-{}", std::process::id()));
        if staging.exists() {
            std::fs::remove_dir_all(&staging).map_err(io(&staging))?;
        }
        std::fs::create_dir_all(&staging).map_err(io(&staging))?;
        Ok(StagedDir { target: target.to_path_buf(), staging, committed: false })
    }

    pub fn path(&self, file: &str) -> PathBuf {
        self.staging.join(file)
    }

    /// Moves the finished folder into place (replacing an old one, which `--force` allowed).
    pub fn commit(mut self) -> Result<PathBuf, OutputError> {
        replace_dir(&self.staging, &self.target)?;
        self.committed = true;
        Ok(self.target.clone())
    }
}

/// Moves a finished folder `from` to `to`, replacing what `to` held (checked before the work
/// by [`check_out_dir`]: empty, or written by revsim).
pub fn replace_dir(from: &Path, to: &Path) -> Result<(), OutputError> {
    if to.exists() {
        if !is_revsim_folder(to) && std::fs::read_dir(to).map(|mut d| d.next().is_some()).unwrap_or(true) {
            return Err(OutputError::Refused(format!("{}: was filled by something else during the run", to.display())));
        }
        std::fs::remove_dir_all(to).map_err(io(to))?;
    }
    if let Some(parent) = to.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    std::fs::rename(from, to).map_err(io(to))
}

/// SHA-256 of a file, hex.
pub fn sha256_file(path: &Path) -> String {
    use sha2::{Digest, Sha256};
    match std::fs::read(path) {
        Ok(bytes) => Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect(),
        Err(_) => String::from("unreadable"),
    }
}

/// The current time as ISO 8601 UTC.
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let days = (secs / 86_400) as i32;
    let epoch = crate::date::Date::from_ymd(1970, 1, 1).expect("valid date");
    let rest = secs % 86_400;
    format!("{}T{:02}:{:02}:{:02}Z", epoch.add_days(days), rest / 3600, rest % 3600 / 60, rest % 60)
}

/// Facts about the build that the manifest records.
pub fn build_info() -> serde_json::Value {
    serde_json::json!({
        "revsim": env!("CARGO_PKG_VERSION"),
        "git_commit": option_env!("REVSIM_GIT_COMMIT").unwrap_or("unknown"),
        "crates": {
            "bevy_ecs": option_env!("REVSIM_DEP_BEVY_ECS").unwrap_or("unknown"),
            "rand": option_env!("REVSIM_DEP_RAND").unwrap_or("unknown"),
            "rand_chacha": option_env!("REVSIM_DEP_RAND_CHACHA").unwrap_or("unknown"),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_plainly() {
        assert_eq!(fmt_num(2_420_000.0), "2420000");
        assert_eq!(fmt_num(0.25), "0.25");
        assert_eq!(fmt_num(1.0 / 3.0), "0.333333");
        assert_eq!(fmt_num(-0.5), "-0.5");
    }

    #[test]
    fn fields_with_commas_are_quoted() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("plain"), "plain");
    }

    #[test]
    fn occupied_folder_is_refused_without_force_and_a_foreign_one_even_with_force() {
        let dir = std::env::temp_dir().join(format!("revsim-out-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("x"), "1").unwrap();
        assert!(matches!(check_out_dir(&dir, false), Err(OutputError::Exists(_))));
        assert!(matches!(check_out_dir(&dir, true), Err(OutputError::Refused(_))));
        std::fs::write(dir.join("manifest.json"), r#"{"scenario": "x", "version": "0.1.0"}"#).unwrap();
        assert!(check_out_dir(&dir, true).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_staged_folder_dropped_before_commit_leaves_nothing() {
        let target = std::env::temp_dir().join(format!("revsim-staged-{}", std::process::id()));
        let staging = {
            let staged = StagedDir::new(&target).unwrap();
            write_atomic(&staged.path("a.csv"), b"1").unwrap();
            staged.staging.clone()
        };
        assert!(!staging.exists() && !target.exists());
    }
}
