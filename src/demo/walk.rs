//! A demo walk of the service by the inspector: the usual stages with plausible times, the
//! wait the longest. In the newest session the walk is still under way.

use rand::Rng;
use rand::rngs::StdRng;

use crate::domain::walk::{Mark, Walk};
use crate::domain::{Change, Stamp};

/// Stage names and (shortest, longest) minutes.
const STAGES: [(&str, f64, f64); 7] = [
    ("咨询", 1.0, 6.0),
    ("取号", 0.2, 1.0),
    ("等候叫号", 5.0, 40.0),
    ("提交材料", 2.0, 10.0),
    ("受理", 2.0, 12.0),
    ("领取证件", 1.0, 5.0),
    ("评价", 0.3, 2.0),
];

pub fn walk_changes(rng: &mut StdRng, session: u128, start: i64, now: i64) -> Vec<Change> {
    let run: u64 = rng.random();
    let stamp = |ms: i64| Stamp { wall_ms: ms, run, mono_ms: ms - start };
    let mut walk = Walk::default();
    let mut at = start + rng.random_range(0..120_000);
    let mut out = Vec::new();
    for (name, shortest, longest) in STAGES {
        if at > now {
            return out;
        }
        out.push(walk.mark(session, Mark::Stage, stamp(at), name));
        at += (rng.random_range(shortest..longest) * 60_000.0) as i64;
    }
    if at <= now {
        out.push(walk.mark(session, Mark::Stop, stamp(at), ""));
    }
    out
}
