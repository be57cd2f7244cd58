//! Moments as timers see them. A [`Stamp`] holds the wall clock and the monotonic time since
//! the anchor of the run that took it (an anchor is taken once per process start, with a
//! random run id). Two stamps of one run are compared by monotonic time, so changing the
//! system clock moves nothing; stamps of different runs (across a restart) by wall time.
//! Timers are stored stamps, never in-memory counters, so they run on through quit and crash.

use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Stamp {
    /// Unix milliseconds, as the system clock said.
    pub wall_ms: i64,
    /// The run (process start) that took it.
    pub run: u64,
    /// Milliseconds since that run's anchor, by the monotonic clock.
    pub mono_ms: i64,
}

/// How long after a step or mark the undo key still takes it back.
pub const UNDO_SECS: i64 = 30;

/// Changes of the system clock smaller than this are drift or scheduling, not a jump.
pub const CLOCK_JUMP_MS: i64 = 2_000;

impl Stamp {
    /// Milliseconds from `self` to `later`: monotonic within one run, wall across runs.
    pub fn until(&self, later: &Stamp) -> i64 {
        if self.run == later.run { later.mono_ms - self.mono_ms } else { later.wall_ms - self.wall_ms }
    }

    /// Where `self` falls on the monotonic time line of `now`'s run (ms since its anchor).
    /// A stamp of another run is placed by wall time, relative to `now`.
    fn position_in_run_of(&self, now: &Stamp) -> i64 {
        if self.run == now.run { self.mono_ms } else { now.mono_ms - (now.wall_ms - self.wall_ms) }
    }

    /// Whole seconds a live timer started at `self` shows at `now`. Both ends are floored to
    /// whole seconds of `now`'s run, so every timer on screen turns over at the same instant
    /// (one redraw a second, however many timers) at the cost of up to a second's rounding.
    pub fn live_secs(&self, now: &Stamp) -> i64 {
        (now.mono_ms.div_euclid(1000) - self.position_in_run_of(now).div_euclid(1000)).max(0)
    }

    /// How far the wall clock stands from the monotonic clock in this stamp's run; two
    /// stamps of one run whose offsets differ by more than [`CLOCK_JUMP_MS`] saw a jump.
    pub fn clock_offset(&self) -> i64 {
        self.wall_ms - self.mono_ms
    }
}

/// Whole seconds from `a` to `b`, floored, never negative.
pub fn secs_between(a: &Stamp, b: &Stamp) -> i64 {
    a.until(b).max(0) / 1000
}

/// One event of a timer: what happened (a code), when, and a detail (a stage name, the window
/// a ticket was transferred to …). Stored as one field value each, so events append as ops.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct TimedEvent {
    pub kind: String,
    pub stamp: Stamp,
    pub detail: String,
}

impl TimedEvent {
    pub fn new(kind: &str, stamp: Stamp, detail: &str) -> TimedEvent {
        TimedEvent { kind: kind.to_string(), stamp, detail: detail.to_string() }
    }
}

/// Event fields are `<prefix><n>` with n zero-padded, so they sort in the order written.
pub fn event_field(prefix: &str, n: usize) -> String {
    format!("{prefix}{n:04}")
}

/// The events under `prefix` in a record (`prefix0001` …) whose kind `parse` knows, in the
/// order written with their index, and the index the next event takes (undone events, set
/// to Null, and unknown kinds keep theirs).
pub fn read_events<K>(
    r: &super::record::Record,
    prefix: &str,
    parse: impl Fn(&str) -> Option<K>,
) -> (Vec<(usize, K, TimedEvent)>, usize) {
    let mut events = Vec::new();
    let mut next = 1;
    for (name, _) in r.fields_with_prefix(prefix) {
        let Some(n) = name.strip_prefix(prefix) else { break };
        let Ok(n) = n.parse::<usize>() else { continue };
        next = next.max(n + 1);
        if let Some(e) = r.get(name).as_event()
            && let Some(kind) = parse(&e.kind)
        {
            events.push((n, kind, e.clone()));
        }
    }
    (events, next)
}

/// Minutes, rounded half up, as reports state them.
pub fn round_minutes(secs: i64) -> i64 {
    (secs.max(0) + 30) / 60
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(run: u64, mono_ms: i64, wall_ms: i64) -> Stamp {
        Stamp { wall_ms, run, mono_ms }
    }

    #[test]
    fn one_run_uses_monotonic_time_whatever_the_wall_clock_did() {
        let a = at(1, 1_000, 1_000_000);
        // The wall clock was set back an hour in between.
        let b = at(1, 61_000, 1_000_000 - 3_600_000 + 60_000);
        assert_eq!(a.until(&b), 60_000);
        assert_eq!(secs_between(&a, &b), 60);
    }

    #[test]
    fn across_runs_wall_time_counts() {
        let before_crash = at(1, 500_000, 10_000_000);
        let after_restart = at(2, 2_000, 10_090_000);
        assert_eq!(before_crash.until(&after_restart), 90_000);
        assert_eq!(before_crash.live_secs(&after_restart), 90);
    }

    #[test]
    fn live_timers_turn_over_together_on_the_runs_whole_seconds() {
        let a = at(1, 400, 0);
        let b = at(1, 900, 0);
        let now = at(1, 1_000, 0);
        assert_eq!((a.live_secs(&now), b.live_secs(&now)), (1, 1));
        let now = at(1, 1_999, 0);
        assert_eq!((a.live_secs(&now), b.live_secs(&now)), (1, 1));
        assert_eq!(a.live_secs(&at(1, 2_000, 0)), 2);
    }

    #[test]
    fn texts() {
        assert_eq!(round_minutes(89), 1);
        assert_eq!(round_minutes(90), 2);
        assert_eq!(event_field("event/", 3), "event/0003");
    }
}
