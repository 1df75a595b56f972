//! Ctrl-C: the first press asks the work to stop at the next run boundary, so that an
//! ensemble's files stay consistent and `--resume` can finish it; a second press quits at once.

use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the handler (once; later calls do nothing). The binary calls this; the library
/// works without it.
pub fn install() {
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            eprintln!("\nrevsim: interrupted twice, quitting now");
            std::process::exit(130);
        }
        eprintln!("\nrevsim: interrupted; finishing the runs in hand (Ctrl-C again to quit at once)");
    });
}

/// Whether Ctrl-C was pressed.
pub fn requested() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}
