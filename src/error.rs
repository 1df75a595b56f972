//! The error every command returns, with the exit code it maps to.
//!
//! It lives below the commands, ensembles and history scoring so that each of them can
//! return it without importing the others.

use crate::output;
use crate::scenario;

/// A command's failure, with the exit code it maps to.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// Bad input: exit code 2, nothing written.
    #[error(transparent)]
    Scenario(#[from] scenario::ScenarioError),
    #[error(transparent)]
    Output(#[from] output::OutputError),
    #[error("{0}")]
    Input(String),
    /// A run failed: exit code 1.
    #[error("run with seed {seed} failed: {message}")]
    Run { seed: u64, message: String },
    /// The data files are written, but a chart could not be drawn: exit code 1.
    #[error("the files are written, but the charts failed: {0} (redraw them with `revsim chart DIR`)")]
    Chart(String),
    /// Ctrl-C: the work done so far is kept where the message says; exit code 130.
    #[error("interrupted: {0}")]
    Interrupted(String),
}

impl CommandError {
    pub fn exit_code(&self) -> i32 {
        match self {
            CommandError::Run { .. } | CommandError::Chart(_) => 1,
            CommandError::Output(output::OutputError::Io { .. }) => 1,
            CommandError::Interrupted(_) => 130,
            _ => 2,
        }
    }
}
