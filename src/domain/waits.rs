//! Wait statistics: the typical and the worst wait, as the supervisors ask for them (median,
//! 90th percentile, maximum), per session, window or service item.
//!
//! Method, as README states it:
//! - A ticket's wait is last call − taken, counted once the ticket has been called; tickets
//!   still waiting, and those that left before any call, have no wait yet and are left out.
//! - Percentiles are nearest-rank: the p-th percentile of n sorted waits is the one at rank
//!   ⌈p/100 × n⌉ (1-based). It is always a wait that happened, never an interpolation.
//!   The median is the 50th percentile by the same rule (the lower middle of an even count).
//! - Over the threshold: waits at or over the alert threshold of their service item, over all
//!   waits. Left: tickets that left unserved, over all tickets no longer waiting whose outcome
//!   was seen (a ticket whose timing ended with its session, 计时结束, had none).

use serde::Serialize;

use super::ticket::{Ticket, TicketState};

/// When a wait is long (warning) and too long (alert), in seconds.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
pub struct Thresholds {
    pub warning_secs: i64,
    pub alert_secs: i64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds { warning_secs: 20 * 60, alert_secs: 30 * 60 }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, PartialOrd, Ord)]
pub enum Level {
    Normal,
    Warning,
    Alert,
}

impl Thresholds {
    pub fn level(&self, wait_secs: i64) -> Level {
        if wait_secs >= self.alert_secs {
            Level::Alert
        } else if wait_secs >= self.warning_secs {
            Level::Warning
        } else {
            Level::Normal
        }
    }
}

/// The figures for one group of tickets. Field names are the JSON contract of `stats waits`.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct WaitStats {
    /// Tickets in the group, whatever their state.
    pub tickets: usize,
    /// Waits measured (tickets called).
    pub count: usize,
    pub median_secs: Option<i64>,
    pub p90_secs: Option<i64>,
    pub max_secs: Option<i64>,
    pub median_service_secs: Option<i64>,
    pub over_threshold_share: Option<f64>,
    pub over_warning_share: Option<f64>,
    pub left: usize,
    pub left_share: Option<f64>,
    /// Tickets not yet called.
    pub waiting: usize,
}

/// The nearest-rank `percent`-th percentile of ascending `sorted` values.
pub fn nearest_rank(sorted: &[i64], percent: u32) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len();
    // ⌈p × n / 100⌉ in integers, at least rank 1.
    let rank = (percent as usize * n).div_ceil(100).clamp(1, n);
    Some(sorted[rank - 1])
}

fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Statistics over `tickets` (deleted ones are the caller's to leave out); `thresholds` gives
/// each ticket's thresholds (they differ by service item).
pub fn wait_stats<'a>(
    tickets: impl IntoIterator<Item = &'a Ticket>,
    thresholds: &dyn Fn(&Ticket) -> Thresholds,
) -> WaitStats {
    let mut waits = Vec::new();
    let mut services = Vec::new();
    let (mut total, mut over, mut warned, mut left, mut waiting, mut ended) = (0, 0, 0, 0, 0, 0);
    for t in tickets {
        total += 1;
        match t.state() {
            TicketState::Waiting => waiting += 1,
            TicketState::Left => left += 1,
            TicketState::Ended => ended += 1,
            _ => {}
        }
        if let Some(w) = t.final_wait_secs() {
            waits.push(w);
            let level = thresholds(t).level(w);
            over += usize::from(level == Level::Alert);
            warned += usize::from(level >= Level::Warning);
        }
        services.extend(t.final_service_secs());
    }
    waits.sort_unstable();
    services.sort_unstable();
    WaitStats {
        tickets: total,
        count: waits.len(),
        median_secs: nearest_rank(&waits, 50),
        p90_secs: nearest_rank(&waits, 90),
        max_secs: waits.last().copied(),
        median_service_secs: nearest_rank(&services, 50),
        over_threshold_share: share(over, waits.len()),
        over_warning_share: share(warned, waits.len()),
        left,
        left_share: share(left, total - waiting - ended),
        waiting,
    }
}

/// A window named with its hall, so 8号窗口 of two halls are not counted as one.
pub fn window_label(place: &str, window: &str) -> String {
    match (place.trim(), window.trim()) {
        ("", w) => w.to_string(),
        (p, "") => p.to_string(),
        (p, w) => format!("{p} {w}"),
    }
}

/// Statistics per value of `key` (a window, a service item), in key order.
pub fn grouped<'a>(
    tickets: &[&'a Ticket],
    key: impl Fn(&Ticket) -> String,
    thresholds: &dyn Fn(&Ticket) -> Thresholds,
) -> Vec<(String, WaitStats)> {
    let mut groups: std::collections::BTreeMap<String, Vec<&'a Ticket>> = Default::default();
    for t in tickets {
        groups.entry(key(t)).or_default().push(t);
    }
    groups.into_iter().map(|(k, ts)| (k, wait_stats(ts, thresholds))).collect()
}

/// Counts of measured waits per bucket of `bucket_secs`; the last bucket takes everything
/// from its start up.
pub fn histogram<'a>(tickets: impl IntoIterator<Item = &'a Ticket>, bucket_secs: i64, buckets: usize) -> Vec<usize> {
    let mut counts = vec![0; buckets.max(1)];
    let last = counts.len() - 1;
    for w in tickets.into_iter().filter_map(Ticket::final_wait_secs) {
        counts[((w / bucket_secs.max(1)) as usize).min(last)] += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_by_hand() {
        let v = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
        assert_eq!(nearest_rank(&v, 50), Some(50));
        assert_eq!(nearest_rank(&v, 90), Some(90));
        assert_eq!(nearest_rank(&v, 91), Some(100));
        assert_eq!(nearest_rank(&[7], 90), Some(7));
        assert_eq!(nearest_rank(&[1, 2], 50), Some(1));
        assert_eq!(nearest_rank(&[1, 2, 3], 50), Some(2));
        assert_eq!(nearest_rank(&[], 50), None);
        assert_eq!(nearest_rank(&[5, 6], 0), Some(5));
    }
}
