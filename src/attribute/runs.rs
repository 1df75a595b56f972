//! The runs of an attribution: every distinct world (a subset of the factors applied to the
//! base) on the same seeds, in parallel, keeping only the values of the metrics asked for.

use super::MetricSpec;
use crate::error::CommandError;
use crate::run::simulate;
use crate::scenario::Resolved;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// What to run: each world on `runs` seeds (run `r` uses seed `seed + r`, in every world).
pub struct Plan<'a> {
    pub worlds: &'a [Resolved],
    pub metrics: &'a [MetricSpec],
    pub runs: usize,
    pub seed: u64,
    pub scale: u32,
    pub jobs: usize,
    pub quiet: bool,
}

/// One run's values of the metrics, or why it failed.
pub type Outcome = Result<Vec<f64>, String>;

/// The value of each metric in one run: at the last week on or before its date (the first
/// week if the date is earlier), or at the end.
fn values(out: &crate::run::RunOutput, metrics: &[MetricSpec]) -> Vec<f64> {
    metrics
        .iter()
        .map(|m| {
            let row = match m.date {
                Some(d) => out.rows.iter().rev().find(|(_, date, _)| *date <= d).or(out.rows.first()),
                None => out.rows.last(),
            };
            row.map_or(f64::NAN, |(_, _, v)| v[m.column])
        })
        .collect()
}

fn one(world: &Resolved, plan: &Plan, r: usize) -> Outcome {
    let seed = crate::ensemble::run_seed(plan.seed, r);
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| simulate(world, seed, plan.scale)))
        .unwrap_or_else(|_| Err("panicked".into()))
        .map(|out| values(&out, plan.metrics))
}

/// Runs every world on every seed: `[world][run]`. Ctrl-C stops it with nothing written.
pub fn run_all(plan: &Plan) -> Result<Vec<Vec<Outcome>>, CommandError> {
    let total = plan.worlds.len() * plan.runs;
    let next = AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Outcome)>();
    let mut table: Vec<Vec<Outcome>> = vec![Vec::new(); plan.worlds.len()];
    let mut slots: Vec<Option<Outcome>> = vec![None; total];
    std::thread::scope(|scope| {
        for _ in 0..plan.jobs.clamp(1, total.max(1)) {
            let (tx, next) = (tx.clone(), &next);
            scope.spawn(move || {
                loop {
                    let n = next.fetch_add(1, Ordering::SeqCst);
                    if n >= total || crate::interrupt::requested() {
                        break;
                    }
                    let (w, r) = (n / plan.runs, n % plan.runs);
                    if tx.send((n, one(&plan.worlds[w], plan, r))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let (start, mut last, mut done) = (Instant::now(), Instant::now(), 0);
        for (n, outcome) in rx {
            slots[n] = Some(outcome);
            done += 1;
            if !plan.quiet && last.elapsed() >= Duration::from_secs(5) {
                last = Instant::now();
                eprintln!("revsim attribute: {done}/{total} runs, {:.0} s", start.elapsed().as_secs_f64());
            }
        }
    });
    if crate::interrupt::requested() || slots.iter().any(Option::is_none) {
        return Err(CommandError::Interrupted("nothing was written".into()));
    }
    for (n, slot) in slots.into_iter().enumerate() {
        table[n / plan.runs].push(slot.expect("every slot is filled"));
    }
    Ok(table)
}
