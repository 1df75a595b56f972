//! The check of the "calibrated on" labels: each free coefficient is set to the low end of its
//! prior, then to the high end, on the same seeds; a target it names moves when the paired
//! difference of the target's per-run values (high − low) has a bootstrap 95% interval that
//! excludes zero. A label passes when every target it names moves.

use super::evaluate::{Runner, run_each, target_values, with_values};
use crate::ensemble::paired_difference;
use crate::error::CommandError;
use crate::history::Target;
use crate::output::fmt_num;
use crate::scenario::{self, Prior, Resolved};
use std::path::PathBuf;

/// Options of `revsim labels`.
#[derive(Clone, Debug)]
pub struct LabelOptions {
    pub scenario: PathBuf,
    pub targets: PathBuf,
    /// The coefficients to check (all those with a prior when empty).
    pub params: Vec<String>,
    pub runner: Runner,
    /// The Markdown report.
    pub out: PathBuf,
    pub command_line: String,
}

/// What moving one coefficient across its prior did to the targets.
#[derive(Clone, Debug)]
pub struct LabelCheck {
    pub prior: Prior,
    /// The targets its label names.
    pub named: Vec<String>,
    /// Every target: (id, mean paired change high − low, its 95% interval, moved).
    pub changes: Vec<(String, f64, f64, f64, bool)>,
}

impl LabelCheck {
    pub fn moved(&self, id: &str) -> bool {
        self.changes.iter().any(|c| c.0 == id && c.4)
    }

    /// Named targets that did not move.
    pub fn failing(&self) -> Vec<&str> {
        self.named.iter().filter(|n| !self.moved(n)).map(String::as_str).collect()
    }

    /// Passes when it names targets and every one of them moves.
    pub fn passes(&self) -> bool {
        !self.named.is_empty() && self.failing().is_empty()
    }
}

/// The target ids a comment names after "calibrated on", in order (none without it).
pub fn named_targets(comment: &str, targets: &[Target]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let Some(at) = comment.find("calibrated on") else { return out };
    for word in comment[at..].split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        if targets.iter().any(|t| t.id == word) && !out.iter().any(|o| o == word) {
            out.push(word.to_string());
        }
    }
    out
}

/// Moves one coefficient to both ends of its prior and measures every target's change.
pub fn check_one(
    base: &Resolved,
    prior: &Prior,
    targets: &[Target],
    runner: &Runner,
) -> Result<LabelCheck, CommandError> {
    let low = with_values(base, &[(prior.name.clone(), prior.low)])?;
    let high = with_values(base, &[(prior.name.clone(), prior.high)])?;
    let outs = run_each(&[&low, &high], runner)?;
    let per_run = |i: usize| -> Vec<Vec<f64>> { outs[i].iter().map(|o| target_values(o, targets)).collect() };
    let (lo, hi) = (per_run(0), per_run(1));
    let changes = targets
        .iter()
        .enumerate()
        .map(|(t, target)| {
            let pairs: Vec<(f64, f64)> =
                lo.iter().zip(&hi).map(|(l, h)| (l[t], h[t])).filter(|(l, h)| l.is_finite() && h.is_finite()).collect();
            let (l, h): (Vec<f64>, Vec<f64>) = pairs.into_iter().unzip();
            let (mean, ci_lo, ci_hi) = paired_difference(&l, &h, runner.seed);
            let moved = ci_lo > 0.0 || ci_hi < 0.0;
            (target.id.clone(), mean, ci_lo, ci_hi, moved)
        })
        .collect();
    Ok(LabelCheck { prior: prior.clone(), named: named_targets(&prior.comment, targets), changes })
}

/// `revsim labels`: every asked coefficient checked, the report written; returns the checks.
pub fn check_labels(opts: &LabelOptions, mut log: impl FnMut(&str)) -> Result<Vec<LabelCheck>, CommandError> {
    let base = scenario::load(&opts.scenario)?;
    let targets = crate::history::load_targets(&opts.targets)?;
    let r = &opts.runner;
    crate::limits::check_request(&base, r.scale, r.seed, r.runs, r.jobs).map_err(CommandError::Input)?;
    let priors = scenario::priors(&base).map_err(CommandError::Input)?;
    let chosen: Vec<&Prior> = if opts.params.is_empty() {
        priors.iter().collect()
    } else {
        opts.params
            .iter()
            .map(|n| {
                priors.iter().find(|p| p.name == *n).ok_or_else(|| {
                    CommandError::Input(format!(
                        "`{n}` has no prior in {}: only free coefficients have labels",
                        opts.scenario.display()
                    ))
                })
            })
            .collect::<Result<_, _>>()?
    };
    let mut checks = Vec::new();
    for (i, p) in chosen.iter().enumerate() {
        let c = check_one(&base, p, &targets, r)?;
        let verdict = if c.passes() { "passes".to_string() } else { format!("fails ({})", c.failing().join(", ")) };
        log(&format!("[{}/{}] {}: {verdict}", i + 1, chosen.len(), p.name));
        checks.push(c);
    }
    crate::output::write_atomic(&opts.out, report(&checks, opts).as_bytes())?;
    Ok(checks)
}

/// The Markdown report: a summary, then one row per coefficient.
pub fn report(checks: &[LabelCheck], opts: &LabelOptions) -> String {
    let passing = checks.iter().filter(|c| c.passes()).count();
    let unlabelled = checks.iter().filter(|c| c.named.is_empty()).count();
    let r = &opts.runner;
    let mut text = format!(
        "# Do the \"calibrated on\" labels hold?\n\nGenerated by `{}`.\n\nEach free coefficient is set to the low end of \
         its prior, then to the high end, with every other coefficient at its value, on the same {} seeds ({} + k) at \
         scale {}. A target moves when the mean paired change of its per-run value (high − low) has a bootstrap 95% \
         interval that excludes zero (an event's date counts the end of the run when the event never happens). A \
         label passes when every target it names moves.\n\n**{passing} of {} labels pass**; {unlabelled} \
         coefficients name no target.\n\n\
         | coefficient | prior | named targets | did not move | also moves | verdict |\n|---|---|---|---|---|---|\n",
        opts.command_line,
        r.runs,
        r.seed,
        r.scale,
        checks.len()
    );
    for c in checks {
        let also: Vec<&str> =
            c.changes.iter().filter(|x| x.4 && !c.named.contains(&x.0)).map(|x| x.0.as_str()).collect();
        let verdict = if c.named.is_empty() {
            "no label"
        } else if c.passes() {
            "passes"
        } else {
            "fails"
        };
        text.push_str(&format!(
            "| `{}` | {}..{} | {} | {} | {} | {verdict} |\n",
            c.prior.name,
            fmt_num(c.prior.low),
            fmt_num(c.prior.high),
            c.named.join(", "),
            c.failing().join(", "),
            also.join(", ")
        ));
    }
    text
}
