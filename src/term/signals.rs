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

impl Signal {
    /// The signal's number: a run it ends exits with 128 + this, as shells expect.
    pub fn number(self) -> i32 {
        match self {
            Signal::Hangup => SIGHUP,
            Signal::Terminate => SIGTERM,
            Signal::Interrupt => SIGINT,
        }
    }

    /// The exit status of a run this signal ended.
    pub fn exit_status(self) -> u8 {
        u8::try_from(128 + self.number()).unwrap_or(u8::MAX)
    }
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
