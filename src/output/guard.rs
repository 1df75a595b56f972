//! Checks of an output folder before any work starts, so that no run is wasted on a path that
//! cannot be written and no folder that revsim did not write is ever replaced.
//!
//! `--force` replaces only a folder that holds a revsim manifest (or an empty one), and never
//! the current folder, one of its ancestors, the home folder, or a folder holding `.git`.

use super::OutputError;
use std::path::{Path, PathBuf};

/// The longest folder name accepted: the file system's 255 bytes less the room that the
/// hidden staging sibling (`.NAME.partial-PID`) needs.
pub const MAX_NAME_BYTES: usize = 200;

fn refuse(dir: &Path, why: impl std::fmt::Display) -> OutputError {
    OutputError::Refused(format!("{}: {why}", dir.display()))
}

/// The absolute form of `path` with `.` and `..` resolved lexically (the path need not exist).
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/")).join(path)
    };
    let mut out = PathBuf::new();
    for part in joined.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Whether `dir` holds a `manifest.json` that revsim wrote (a JSON object with its `version`
/// and a `scenario` or `scenarios` entry).
pub fn is_revsim_folder(dir: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(dir.join("manifest.json")) else { return false };
    let Ok(serde_json::Value::Object(m)) = serde_json::from_str::<serde_json::Value>(&text) else { return false };
    m.contains_key("version") && (m.contains_key("scenario") || m.contains_key("scenarios"))
}

fn is_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir).map(|mut d| d.next().is_none()).unwrap_or(false)
}

/// Folders that are never an output folder, whatever the options: the current folder and its
/// ancestors, the home folder, the root.
fn protected(abs: &Path) -> Option<&'static str> {
    let cwd = std::env::current_dir().map(|c| absolute(&c)).unwrap_or_default();
    let canonical = abs.canonicalize().unwrap_or_else(|_| abs.to_path_buf());
    let home = std::env::var_os("HOME").map(|h| absolute(Path::new(&h)));
    if abs.parent().is_none() {
        Some("the root folder is never an output folder")
    } else if cwd.starts_with(abs) || cwd.starts_with(&canonical) {
        Some("the current folder (or one that holds it) is never an output folder; choose a new sub-folder")
    } else if home.as_deref().is_some_and(|h| h == abs || h == canonical) {
        Some("the home folder is never an output folder; choose a new sub-folder")
    } else {
        None
    }
}

/// Checks the name of each part of the path and that the nearest existing ancestor is a
/// folder in which revsim can create files (it creates and removes a probe folder).
fn check_writable(dir: &Path, abs: &Path) -> Result<(), OutputError> {
    for part in abs.components() {
        let len = part.as_os_str().len();
        if len > MAX_NAME_BYTES {
            return Err(refuse(dir, format!("a folder name of {len} bytes is too long (at most {MAX_NAME_BYTES})")));
        }
    }
    let mut existing = abs.parent().map(Path::to_path_buf);
    while let Some(p) = existing.clone() {
        if p.exists() || p.is_symlink() {
            break;
        }
        existing = p.parent().map(Path::to_path_buf);
    }
    let Some(existing) = existing else { return Ok(()) };
    if !existing.is_dir() {
        return Err(refuse(dir, format!("{} is a file, not a folder", existing.display())));
    }
    let probe = existing.join(format!(".revsim-probe-{}", std::process::id()));
    std::fs::create_dir(&probe)
        .and_then(|_| std::fs::remove_dir(&probe))
        .map_err(|e| refuse(dir, format!("cannot create files in {}: {e}", existing.display())))
}

/// Checks an output folder before any work: refuses a path that cannot be written, a
/// protected folder, an existing non-empty folder without `--force`, and with `--force` a
/// folder that revsim did not write.
pub fn check_out_dir(dir: &Path, force: bool) -> Result<(), OutputError> {
    let abs = absolute(dir);
    if let Some(why) = protected(&abs) {
        return Err(refuse(dir, why));
    }
    if abs.is_file() {
        return Err(refuse(dir, "is a file, not a folder"));
    }
    check_writable(dir, &abs)?;
    if !abs.exists() || is_empty_dir(&abs) {
        return Ok(());
    }
    if !force {
        return Err(OutputError::Exists(dir.display().to_string()));
    }
    if abs.join(".git").exists() {
        return Err(refuse(dir, "holds .git: --force never replaces a repository"));
    }
    if !is_revsim_folder(&abs) {
        return Err(refuse(
            dir,
            "holds files that revsim did not write (no revsim manifest.json): --force replaces only \
             revsim's own output folders; choose another --out",
        ));
    }
    Ok(())
}
