//! Realistic Chinese demo data from the seed vocabularies: sessions spread over the last
//! weeks, findings with units, measures, deadlines and statuses. Deterministic for a seed.

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

use crate::assets::{Coded, find, vocab};
use crate::domain::finding::field as ff;
use crate::domain::session::field as sf;
use crate::domain::{Change, EntityKind, FindingStatus, Value};
use crate::store::{Store, StoreError};

const DAY_MS: i64 = 86_400_000;

pub struct DemoCounts {
    pub sessions: usize,
    pub findings: usize,
}

/// Add `sessions` sessions with `findings_per_session` findings each; one transaction per
/// session (the session and its findings land together).
pub fn fill(
    store: &mut Store,
    sessions: usize,
    findings_per_session: usize,
    seed: u64,
) -> Result<DemoCounts, StoreError> {
    let mut rng = StdRng::seed_from_u64(seed);
    let now = chrono::Utc::now().timestamp_millis();
    let mut counts = DemoCounts { sessions: 0, findings: 0 };
    // Oldest first, so the newest session is the last one written.
    let mut starts: Vec<i64> =
        (0..sessions).map(|_| now - rng.random_range(0..60 * DAY_MS) - rng.random_range(0..DAY_MS)).collect();
    starts.sort_unstable();
    for (n, start) in starts.into_iter().enumerate() {
        let mut changes = session_changes(&mut rng, start, n + 1 == sessions);
        let session_id = changes[0].entity;
        for seq in 1..=findings_per_session {
            let at = start + (seq as i64) * rng.random_range(60_000..600_000);
            changes.extend(finding_changes(&mut rng, session_id, seq as i64, at.min(now)));
        }
        store.apply(&changes)?;
        counts.sessions += 1;
        counts.findings += findings_per_session;
    }
    Ok(counts)
}

fn id_at(rng: &mut StdRng, ms: i64) -> u128 {
    ulid::Ulid::from_parts(ms.max(0) as u64, rng.random::<u128>()).0
}

fn pick<'a, T>(rng: &mut StdRng, xs: &'a [T]) -> Option<&'a T> {
    xs.choose(rng)
}

fn session_changes(rng: &mut StdRng, start: i64, newest: bool) -> Vec<Change> {
    let v = vocab();
    let id = id_at(rng, start);
    let set = |field: &str, value: Value| Change::set(EntityKind::Session, id, field, value);
    let mut out = vec![set(sf::STATUS, Value::text(if newest { "open" } else { "finished" }))];
    if let Some(item) = pick(rng, &v.items) {
        out.push(set(sf::ITEM, Value::text(&item.zh)));
        out.push(set(sf::THEME, Value::text(&item.theme)));
    }
    if let Some(m) = pick(rng, &v.modes) {
        out.push(set(sf::MODE, Value::text(m.code())));
    }
    if let Some(c) = pick(rng, &v.channels) {
        out.push(set(sf::CHANNEL, Value::text(c.code())));
    }
    if let Some(p) = pick(rng, &v.places) {
        out.push(set(sf::PLACE, Value::text(&p.zh)));
    }
    if let Some(w) = pick(rng, &v.windows) {
        out.push(set(sf::WINDOW, Value::text(&w.zh)));
    }
    let team = rng.random_range(1..=2).min(v.demo.inspectors.len());
    let names: Vec<String> = v.demo.inspectors.choose_multiple(rng, team).map(|i| i.zh.clone()).collect();
    out.push(set(sf::INSPECTORS, Value::TextList(names)));
    if !newest {
        out.push(set(sf::FINISHED_AT, Value::Timestamp(start + rng.random_range(1..4) * 3_600_000)));
    }
    out
}

fn finding_changes(rng: &mut StdRng, session: u128, seq: i64, at: i64) -> Vec<Change> {
    let v = vocab();
    let id = id_at(rng, at);
    let set = |field: &str, value: Value| Change::set(EntityKind::Finding, id, field, value);
    let mut out = vec![set(ff::SESSION, Value::Ref(session)), set(ff::SEQ, Value::Int(seq))];
    let Some(f) = pick(rng, &v.demo.findings) else { return out };
    out.push(set(ff::DESCRIPTION, Value::text(&f.text)));
    out.push(set(ff::CATEGORY, Value::text(&f.category)));
    let tag = find(&v.tags, &f.tag).map(|t| t.zh.clone()).unwrap_or_else(|| f.tag.clone());
    out.push(set(ff::TAGS, Value::TextList(vec![tag])));
    let severity = f.severity.clone().or_else(|| pick(rng, &v.severities).map(|s| s.code.clone()));
    if let Some(s) = severity {
        out.push(set(ff::SEVERITY, Value::text(s)));
    }
    let unit = f.unit.as_deref().and_then(|u| find(&v.units, u)).or_else(|| pick(rng, &v.units));
    if let Some(u) = unit {
        out.push(set(ff::UNIT, Value::text(&u.zh)));
    }
    let measures: Vec<_> = v.demo.measures.iter().filter(|m| m.tag == f.tag).collect();
    let measure =
        measures.choose(rng).map(|m| m.text.clone()).or_else(|| pick(rng, &v.demo.measures).map(|m| m.text.clone()));
    if let Some(m) = measure {
        out.push(set(ff::MEASURE, Value::text(m)));
    }
    let deadline =
        chrono::DateTime::from_timestamp_millis(at + rng.random_range(5..30) * DAY_MS).map(|d| d.date_naive());
    if let Some(d) = deadline {
        out.push(set(ff::DEADLINE, Value::date(d)));
    }
    let status = *[
        FindingStatus::Found,
        FindingStatus::Found,
        FindingStatus::Confirmed,
        FindingStatus::Assigned,
        FindingStatus::Rectifying,
        FindingStatus::Rectified,
        FindingStatus::Closed,
    ]
    .choose(rng)
    .unwrap_or(&FindingStatus::Found);
    out.push(set(ff::STATUS, Value::text(status.code())));
    if matches!(status, FindingStatus::Rectifying | FindingStatus::Rectified | FindingStatus::Closed) {
        if let Some(p) = pick(rng, &v.demo.progress) {
            out.push(set(ff::PROGRESS, Value::text(p)));
        }
    }
    if rng.random_bool(0.3) {
        if let Some(n) = pick(rng, &v.demo.notes) {
            out.push(set(ff::NOTE, Value::text(n)));
        }
    }
    out
}
