#![allow(clippy::needless_range_loop)] // per-district state lives in parallel dense vectors
//! revsim: an agent-based simulation of the Russian Revolution and Civil War (1917-1922).
//!
//! Data flow: scenario file → [`scenario::load`] (resolved scenario) → [`world::build`]
//! (the bevy_ecs `World`) → [`schedule::weekly`] tick by tick → [`metrics`] → CSV
//! ([`output`]). The public API: [`scenario::load`], [`run::simulate`], [`commands::run`].

pub mod agents;
pub mod attribute;
pub mod calibrate;
pub mod chart;
pub mod commands;
pub mod date;
pub mod ensemble;
pub mod environment;
pub mod error;
pub mod history;
pub mod inference;
pub mod interrupt;
pub mod inventory;
pub mod limits;
pub mod metrics;
pub mod model;
pub mod output;
pub mod reference;
pub mod report;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod schedule;
pub mod stats;
pub mod sweep;
pub mod systems;
pub mod world;

#[cfg(test)]
pub(crate) mod testing {
    //! Shared fixtures for unit tests: the baseline's parameters.
    use std::path::PathBuf;

    pub fn baseline_path() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.ron")
    }

    pub fn params() -> crate::scenario::Params {
        crate::scenario::load(&baseline_path()).expect("baseline loads").params().clone()
    }
}
