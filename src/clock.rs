//! Where "now" comes from. The program takes one anchor when it starts (a random run id, the
//! monotonic `Instant` and the wall clock); every [`Stamp`] is measured from it. Tests inject a
//! [`ManualClock`] whose wall and monotonic readings they move independently, to play out
//! clock jumps and restarts.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::domain::Stamp;

pub trait Clock: Send + Sync {
    fn now(&self) -> Stamp;
    /// How long until the monotonic clock next reaches a whole second of this run: when a
    /// ticking timer next changes on screen.
    fn until_next_second(&self) -> Duration {
        let ms = self.now().mono_ms.rem_euclid(1000);
        Duration::from_millis((1000 - ms) as u64)
    }
}

pub struct SystemClock {
    run: u64,
    anchor: Instant,
}

impl SystemClock {
    pub fn start() -> SystemClock {
        SystemClock { run: rand::random(), anchor: Instant::now() }
    }
}

/// "Now" for a command that reads stored timers: a run of its own, so every open timer is
/// measured by wall clock from its stamps.
pub fn now_in_a_new_run() -> Stamp {
    SystemClock::start().now()
}

pub fn wall_ms_now() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Clock for SystemClock {
    fn now(&self) -> Stamp {
        Stamp { wall_ms: wall_ms_now(), run: self.run, mono_ms: self.anchor.elapsed().as_millis() as i64 }
    }
}

/// A clock that moves only when told: `advance` moves both readings, `jump_wall` only the
/// wall clock (as when someone sets the system time), `restart` begins a new run.
pub struct ManualClock {
    now: Mutex<Stamp>,
}

impl ManualClock {
    pub fn new(run: u64, wall_ms: i64) -> ManualClock {
        ManualClock { now: Mutex::new(Stamp { wall_ms, run, mono_ms: 0 }) }
    }

    fn with(&self, f: impl FnOnce(&mut Stamp)) {
        let mut now = self.now.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut now);
    }

    pub fn advance(&self, ms: i64) {
        self.with(|s| {
            s.wall_ms += ms;
            s.mono_ms += ms;
        });
    }

    pub fn jump_wall(&self, ms: i64) {
        self.with(|s| s.wall_ms += ms);
    }

    pub fn restart(&self, run: u64) {
        self.with(|s| {
            s.run = run;
            s.mono_ms = 0;
        });
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Stamp {
        *self.now.lock().unwrap_or_else(|e| e.into_inner())
    }
}
