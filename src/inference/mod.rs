//! Inference about the model's free coefficients (issue 14): which ones matter
//! ([`sensitivity`]: Morris's elementary effects over their priors), whether the targets
//! each one is labelled as calibrated on really move with it ([`labels`]), and comparisons
//! that carry the coefficients' uncertainty ([`posterior`]: one coefficient vector per run,
//! drawn from a posterior file), and a posterior drawn by rejection ([`abc`]).
//!
//! The priors are in the scenario file beside each value (`scenario::priors`). Every
//! evaluation runs fixed seeds (run k: seed + k) whatever the coefficients, so that two
//! coefficient vectors differ only by their coefficients: a coefficient the model does not
//! read changes nothing, exactly.

pub mod abc;
pub mod evaluate;
pub mod labels;
pub mod morris;
pub mod posterior;
pub mod sensitivity;

pub use evaluate::{Quantity, Runner};
pub use sensitivity::{FactorArg, SensitivityOptions, SensitivityReport, sensitivity};
