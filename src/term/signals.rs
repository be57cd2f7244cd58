//! SIGHUP (SSH dropped), SIGTERM and SIGINT become messages, so the main loop flushes the
//! store and exits on its own instead of dying mid-write or spinning on a dead TTY.

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    Hangup,
    Terminate,
    Interrupt,
}

/// Spawn the signal thread; `deliver` is called once per signal received.
pub fn spawn(deliver: impl Fn(Signal) + Send + 'static) -> std::io::Result<()> {
    let mut signals = Signals::new([SIGHUP, SIGTERM, SIGINT])?;
    std::thread::Builder::new().name("signals".into()).spawn(move || {
        for sig in signals.forever() {
            let s = match sig {
                SIGHUP => Signal::Hangup,
                SIGTERM => Signal::Terminate,
                _ => Signal::Interrupt,
            };
            deliver(s);
        }
    })?;
    Ok(())
}
