//! Progress of an ensemble on stderr: a bar on a terminal; elsewhere (a log file, CI) a plain
//! line every few seconds, so that a long job is never silent.

use super::EnsembleOptions;
use std::time::{Duration, Instant};

/// Seconds between progress lines when stderr is not a terminal.
pub const LINE_EVERY: Duration = Duration::from_secs(5);

pub(super) enum Meter {
    Quiet,
    Bar(indicatif::ProgressBar),
    Lines { start: Instant, last: Instant, first_done: usize, runs: usize },
}

impl Meter {
    pub(super) fn new(opts: &EnsembleOptions, done: usize) -> Meter {
        use std::io::IsTerminal;
        if opts.quiet {
            return Meter::Quiet;
        }
        if !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() {
            let now = Instant::now();
            return Meter::Lines { start: now, last: now, first_done: done, runs: opts.planned() };
        }
        let bar = indicatif::ProgressBar::new(opts.planned() as u64);
        bar.set_position(done as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} runs  {per_sec}  {elapsed} elapsed, {eta} left",
        ) {
            bar.set_style(style);
        }
        Meter::Bar(bar)
    }

    /// `done` runs are written.
    pub(super) fn tick(&mut self, done: usize) {
        match self {
            Meter::Quiet => {}
            Meter::Bar(bar) => bar.set_position(done as u64),
            Meter::Lines { start, last, first_done, runs } => {
                if last.elapsed() < LINE_EVERY {
                    return;
                }
                *last = Instant::now();
                let elapsed = start.elapsed().as_secs_f64();
                let rate = (done - *first_done) as f64 / elapsed.max(1e-9);
                let left = (*runs - done) as f64 / rate.max(1e-9);
                eprintln!(
                    "revsim: {done} of {runs} runs done, {} elapsed, about {} left",
                    crate::limits::duration(elapsed),
                    crate::limits::duration(left)
                );
            }
        }
    }

    pub(super) fn finish(self) {
        if let Meter::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}
