//! Demo queue tickets: arrivals every few minutes, waits with a long right tail (log-normal,
//! median about 9 minutes, a few past half an hour), some recalled, some who give up and
//! leave. In the newest session the day is still going, so some tickets are open and tick.

use rand::Rng;
use rand::rngs::StdRng;

use crate::domain::{Change, Stamp, Step, Ticket};

const MINUTE: f64 = 60_000.0;

/// A standard normal draw (Box-Muller).
fn normal(rng: &mut StdRng) -> f64 {
    let u1: f64 = rng.random_range(f64::EPSILON..1.0);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Minutes from a log-normal with this median and spread, in [min, max].
fn log_normal(rng: &mut StdRng, median: f64, sigma: f64, min: f64, max: f64) -> f64 {
    (median.ln() + sigma * normal(rng)).exp().clamp(min, max)
}

/// The tickets of one session that began at `start`; events after `now` have not happened.
/// Ticket ids are drawn from `ids`.
pub fn ticket_changes(
    rng: &mut StdRng,
    ids: &mut StdRng,
    session: u128,
    windows: &[String],
    item: &str,
    start: i64,
    now: i64,
) -> Vec<Change> {
    let run: u64 = rng.random();
    let stamp = |ms: f64| {
        let ms = ms as i64;
        Stamp { wall_ms: ms, run, mono_ms: ms - start }
    };
    let mut out = Vec::new();
    let mut taken = start as f64 + rng.random_range(0.0..5.0) * MINUTE;
    let first_number: u32 = rng.random_range(1..60);
    for k in 0..rng.random_range(8..=20u32) {
        if taken as i64 > now {
            break;
        }
        let window = &windows[rng.random_range(0..windows.len())];
        let number = format!("A{:03}", first_number + k);
        let id = super::id_at(ids, taken as i64);
        let (mut ticket, mut changes) = Ticket::new(id, session, &number, window, item, stamp(taken));
        let wait = log_normal(rng, 9.0, 0.75, 0.5, 75.0) * MINUTE;
        let mut steps: Vec<(Step, f64)> = Vec::new();
        if rng.random_bool(0.1) {
            steps.push((Step::Left, taken + wait * rng.random_range(0.5..1.0)));
        } else {
            if rng.random_bool(0.12) {
                steps.push((Step::Called, taken + wait - rng.random_range(2.0..6.0) * MINUTE));
                steps.push((Step::Recalled, taken + wait));
            } else {
                steps.push((Step::Called, taken + wait));
            }
            let serving = taken + wait + rng.random_range(0.3..2.0) * MINUTE;
            steps.push((Step::Serving, serving));
            steps.push((Step::Done, serving + log_normal(rng, 6.0, 0.5, 1.5, 40.0) * MINUTE));
        }
        for (step, at) in steps.into_iter().filter(|(_, at)| (*at as i64) <= now) {
            changes.push(ticket.step(step, stamp(at), ""));
        }
        out.extend(changes);
        taken += rng.random_range(1.0..6.0) * MINUTE;
    }
    out
}
