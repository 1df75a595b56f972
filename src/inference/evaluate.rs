//! Running a scenario with some coefficients set, on fixed seeds, and reading what the
//! inference needs from the runs: each target's value per run, the history loss, a metric.

use crate::calibrate::target_loss;
use crate::error::CommandError;
use crate::history::{Target, score_runs};
use crate::run::{RunOutput, simulate};
use crate::scenario::{self, Change, Resolved};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Seeds, scale and threads of the runs behind every evaluation: run `k` uses seed `seed + k`
/// whatever the coefficients (common random numbers), so that two coefficient vectors differ
/// only by their coefficients.
#[derive(Clone, Copy, Debug)]
pub struct Runner {
    pub runs: usize,
    pub seed: u64,
    pub scale: u32,
    pub jobs: usize,
}

/// Whether a scenario's own changes set a coefficient (then it keeps the scenario's value: a
/// counterfactual that sets a coefficient is about that coefficient).
fn set_by_scenario(r: &Resolved, name: &str) -> bool {
    r.applied.iter().any(|(_, c)| match c {
        Change::SetParameter(n, _) => n == name,
        Change::ScaleMechanism(n, _) => name == format!("mechanisms.{n}"),
        _ => false,
    })
}

/// The scenario with `values` set by name (a count takes the nearest whole value); the
/// coefficients the scenario's own changes set are left as it sets them.
pub fn with_values(base: &Resolved, values: &[(String, f64)]) -> Result<Resolved, CommandError> {
    let mut r = base.clone();
    for (name, v) in values.iter().filter(|(n, _)| !set_by_scenario(base, n)) {
        let set =
            |s: &mut scenario::Scenario, v: f64| scenario::apply_change(s, &Change::SetParameter(name.clone(), v));
        if set(&mut r.scenario, *v).is_err() {
            set(&mut r.scenario, v.round()).map_err(|e| CommandError::Input(format!("`{name}` = {v}: {e}")))?;
        }
    }
    let problems = scenario::validate(&r.scenario);
    if !problems.is_empty() {
        return Err(CommandError::Input(format!("the coefficients make an invalid scenario: {}", problems.join("; "))));
    }
    Ok(r)
}

/// `f(0)`, …, `f(n - 1)` on `jobs` threads, in order.
pub fn parallel<T: Send>(n: usize, jobs: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let mut out: Vec<Option<T>> = (0..n).map(|_| None).collect();
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::channel();
        for _ in 0..jobs.clamp(1, n.max(1)) {
            let (tx, next, f) = (tx.clone(), &next, &f);
            scope.spawn(move || {
                loop {
                    let k = next.fetch_add(1, Ordering::SeqCst);
                    if k >= n || crate::interrupt::requested() || tx.send((k, f(k))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for (k, v) in rx {
            out[k] = Some(v);
        }
    });
    out.into_iter().flatten().collect()
}

/// The runs of each scenario on the runner's seeds (scenario-major: every run of the first,
/// then of the second); an error if any run fails or Ctrl-C stops them.
pub fn run_each(scenarios: &[&Resolved], runner: &Runner) -> Result<Vec<Vec<RunOutput>>, CommandError> {
    let n = runner.runs;
    let results = parallel(scenarios.len() * n, runner.jobs, |i| {
        let seed = crate::ensemble::run_seed(runner.seed, i % n);
        simulate(scenarios[i / n], seed, runner.scale).map_err(|message| CommandError::Run { seed, message })
    });
    if results.len() < scenarios.len() * n {
        return Err(CommandError::Interrupted("nothing was written".into()));
    }
    let mut out: Vec<Vec<RunOutput>> = scenarios.iter().map(|_| Vec::with_capacity(n)).collect();
    for (i, r) in results.into_iter().enumerate() {
        out[i / n].push(r?);
    }
    Ok(out)
}

/// The history loss of some runs (as `revsim calibrate` scores an ensemble).
pub fn loss(outputs: &[RunOutput], targets: &[Target]) -> f64 {
    let refs: Vec<&RunOutput> = outputs.iter().collect();
    score_runs(&refs, targets).iter().map(target_loss).sum()
}

/// Each target's value in one run (an event's date as a day count, the end of the run when it
/// never happens).
pub fn target_values(out: &RunOutput, targets: &[Target]) -> Vec<f64> {
    let end = out.rows.last().map(|(_, d, _)| d.days_since(epoch()) as f64).unwrap_or(f64::NAN);
    score_runs(&[out], targets)
        .iter()
        .map(|o| o.values.first().map_or(f64::NAN, |v| if v.is_infinite() { end + 1.0 } else { *v }))
        .collect()
}

fn epoch() -> crate::date::Date {
    crate::date::Date::from_ymd(1900, 1, 1).expect("a valid date")
}

/// A quantity of one run that a comparison reports: a metric's final value, or for
/// `share:EVENT` 1 when the event happens and 0 when not.
#[derive(Clone, Debug, PartialEq)]
pub enum Quantity {
    Final(String, usize),
    Share(String),
}

impl std::str::FromStr for Quantity {
    type Err = String;
    fn from_str(text: &str) -> Result<Quantity, String> {
        if let Some(kind) = text.strip_prefix("share:") {
            return Ok(Quantity::Share(kind.to_string()));
        }
        crate::metrics::index(text).map(|i| Quantity::Final(text.to_string(), i)).ok_or_else(|| {
            let near = scenario::did_you_mean(text, crate::metrics::METRICS.iter().copied())
                .map(|n| format!(" (did you mean `{n}`?)"))
                .unwrap_or_default();
            format!("--metric: no metric `{text}`{near}; give a metric name or share:EVENT (share:kronstadt_holds)")
        })
    }
}

impl Quantity {
    pub fn name(&self) -> String {
        match self {
            Quantity::Final(name, _) => name.clone(),
            Quantity::Share(kind) => format!("share:{kind}"),
        }
    }

    pub fn of(&self, out: &RunOutput) -> f64 {
        match self {
            Quantity::Final(_, i) => out.rows.last().map_or(f64::NAN, |r| r.2[*i]),
            Quantity::Share(kind) => f64::from(u8::from(out.events.iter().any(|e| e.kind == *kind))),
        }
    }

    /// Mean over paired runs of `alt - base`.
    pub fn effect(&self, base: &[RunOutput], alt: &[RunOutput]) -> f64 {
        let n = base.len().min(alt.len()).max(1) as f64;
        base.iter().zip(alt).map(|(b, a)| self.of(a) - self.of(b)).sum::<f64>() / n
    }
}
