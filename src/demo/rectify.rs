//! Demo findings reach their status through real moves (`rectify::changes`), so each has a
//! history: who confirmed, assigned, rectified and closed it, and when. Some are fixed on the
//! spot (立行立改), many assigned ones run past their deadlines, and close-off is always by a
//! second inspector, as the rules demand.

use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

use crate::domain::finding::field as ff;
use crate::domain::op::new_entity_id;
use crate::domain::rectify::{self, Assignment, MoveRequest, same_person};
use crate::domain::zone::Zone;
use crate::domain::{Change, Finding, FindingStatus};

/// The demo's day of an instant: in the local zone, as the demo's walks are placed.
fn local_date(ms: i64) -> chrono::NaiveDate {
    Zone::local().date(ms)
}

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// What a demo finding is assigned with, when it gets that far.
pub(super) struct Duty<'a> {
    pub unit: &'a str,
    pub measure: &'a str,
    pub owner: &'a str,
}

/// The moves of one finding recorded at `at`, none later than `now`: a road picked at random,
/// walked until it ends or reaches the present. `people` are the walk's inspectors (the first
/// acts); `others` are every demo inspector, from whom a second person closes off.
pub(super) fn moves(
    rng: &mut StdRng,
    mut f: Finding,
    duty: &Duty<'_>,
    people: &[String],
    others: &[String],
    at: i64,
    now: i64,
) -> Vec<Change> {
    use FindingStatus::*;
    let who = people.first().cloned().unwrap_or_else(|| "督查科".into());
    let roll: f64 = rng.random();
    let (road, on_the_spot): (&[FindingStatus], bool) = match roll {
        r if r < 0.22 => (&[], false),
        r if r < 0.28 => (&[NotAProblem], false),
        r if r < 0.38 => (&[Confirmed], false),
        r if r < 0.50 => (&[Confirmed, Assigned], false),
        r if r < 0.66 => (&[Confirmed, Assigned, Rectifying], false),
        r if r < 0.76 => (&[Confirmed, Assigned, Rectifying, Rectified], false),
        r if r < 0.90 => (&[Confirmed, Assigned, Rectifying, Rectified, Closed], false),
        r if r < 0.96 => (&[Rectified], true),
        _ => (&[Rectified, Closed], true),
    };
    let mut out = Vec::new();
    let mut t = at;
    for &to in road {
        t += match to {
            Rectified if on_the_spot => rng.random_range(5..30) * 60_000,
            Confirmed | NotAProblem => rng.random_range(2..48) * HOUR_MS,
            Assigned => rng.random_range(1..4) * DAY_MS,
            Rectifying => rng.random_range(0..3) * DAY_MS + HOUR_MS,
            Rectified => rng.random_range(3..20) * DAY_MS,
            _ => rng.random_range(1..6) * DAY_MS,
        };
        if t > now {
            break;
        }
        let mut req = MoveRequest::new(to, &who);
        match to {
            NotAProblem => req.note = "经核查，窗口已按规定一次性告知，不属于问题".into(),
            Assigned => {
                req.assignment = Assignment {
                    unit: duty.unit.into(),
                    deadline: Some(local_date(t) + chrono::Days::new(rng.random_range(5..30))),
                    measure: duty.measure.into(),
                    owner: duty.owner.into(),
                    ..Default::default()
                }
            }
            Rectified if on_the_spot => req.evidence = "立行立改，当场整改到位".into(),
            Rectified => req.evidence = "已完成整改，经回访群众满意".into(),
            Closed => {
                let closers: Vec<&String> = others.iter().filter(|o| !same_person(o, &f.rectified_by)).collect();
                req.by = closers.choose(rng).map(|s| s.to_string()).unwrap_or_else(|| "督查科".into());
                req.note = "对账销号".into();
            }
            _ => {}
        }
        // The road is made of allowed moves with what each needs: a refusal is a bug here.
        let Ok(changes) = rectify::changes(&f, &req, t, local_date(t), new_entity_id()) else { break };
        follow(&mut f, &changes);
        out.extend(changes);
    }
    // Now and then a closed finding is reopened on a return visit.
    if f.status == Closed && rng.random_bool(0.15) {
        t += rng.random_range(3..10) * DAY_MS;
        let mut req = MoveRequest::new(Rectifying, &who);
        req.reopen = true;
        req.note = "回访发现问题反弹，重新整改".into();
        if t <= now {
            if let Ok(changes) = rectify::changes(&f, &req, t, local_date(t), new_entity_id()) {
                out.extend(changes);
            }
        }
    }
    out
}

/// Keeps the in-memory finding in step with the changes, as far as the rules look at it.
fn follow(f: &mut Finding, changes: &[Change]) {
    for c in changes {
        match c.field.as_str() {
            ff::STATUS => f.status = FindingStatus::parse(c.value.as_text()).unwrap_or(f.status),
            ff::UNIT => f.unit = c.value.as_text().to_string(),
            ff::RECTIFIED_BY => f.rectified_by = c.value.as_text().to_string(),
            _ => {}
        }
    }
}
