//! Realistic Chinese demo data from the seed vocabularies: sessions spread over the last
//! weeks, a checklist each (answered, with findings from the failed items), findings taken
//! through real status moves (confirmed, assigned with a unit, measure and deadline, rectified,
//! closed off by a second inspector; some fixed on the spot, some overdue), queue tickets and
//! the inspector's own walk of the service (stage marks). The same seed and moment ([`fill_at`])
//! make the same records, ids included.

mod queue;
mod rectify;
mod walk;

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

use crate::domain::finding::field as ff;
use crate::domain::session::field as sf;
use crate::domain::zone::Zone;
use crate::domain::{Answer, AnswerKind, Change, Checklist, EntityKind, Finding, FindingStatus, Template, Value};
use crate::store::{Store, StoreError};
use crate::vocab::{Coded, find, vocab};

pub struct DemoCounts {
    pub sessions: usize,
    pub findings: usize,
    pub checklists: usize,
    pub tickets: usize,
}

/// Add `sessions` sessions with `findings_per_session` findings each, written whole sessions
/// at a time in transactions of about `BATCH_CHANGES` changes (a session and its findings
/// always land together).
pub fn fill(
    store: &mut Store,
    sessions: usize,
    findings_per_session: usize,
    seed: u64,
) -> Result<DemoCounts, StoreError> {
    fill_at(store, sessions, findings_per_session, seed, chrono::Utc::now().timestamp_millis())
}

/// Changes written per transaction, at least: a commit per session was a tenth of the time
/// the 100,000-finding demo took.
const BATCH_CHANGES: usize = 20_000;

/// Walks begin in office hours, local time, on working days (Monday to Friday).
const OPENS_MIN: i64 = 9 * 60;
/// The last start of a walk: it still ends before the hall closes.
const LAST_START_MIN: i64 = 15 * 60;
const CLOSES_MIN: i64 = 17 * 60 + 30;

/// A local moment on `day` at `minutes` past midnight, as Unix ms (see [`Zone::ms_of`] for
/// daylight-saving gaps).
fn local_ms(day: chrono::NaiveDate, minutes: i64) -> i64 {
    let naive = day.and_hms_opt(0, 0, 0).unwrap_or_default() + chrono::Duration::minutes(minutes);
    Zone::local().ms_of(&naive)
}

/// The working day at or before `day`.
fn working_day(mut day: chrono::NaiveDate) -> chrono::NaiveDate {
    use chrono::Datelike;
    while day.weekday().number_from_monday() > 5 {
        day = day.pred_opt().unwrap_or(day);
    }
    day
}

/// [`fill`] as if it were `now` (Unix ms): the tests' way to a given day.
pub fn fill_at(
    store: &mut Store,
    sessions: usize,
    findings_per_session: usize,
    seed: u64,
    now: i64,
) -> Result<DemoCounts, StoreError> {
    use chrono::{Datelike, Timelike};
    let mut rng = StdRng::seed_from_u64(seed);
    // Checklists and tickets get their ids from a stream of their own, so the same seed and
    // moment make the same store byte for byte, and the main stream (what is drawn for the
    // sessions, answers and findings) is the same as before their ids were drawn.
    let mut ids = StdRng::seed_from_u64(seed ^ IDS_SALT);
    let local_now = Zone::local().at(now);
    let today = local_now.date_naive();
    let minute_now = i64::from(local_now.hour() * 60 + local_now.minute());
    // The newest walk is under way when the hall is open now; else it was the last one on the
    // latest working day, over like the others.
    let open_now = today.weekday().number_from_monday() <= 5 && (OPENS_MIN + 70..CLOSES_MIN).contains(&minute_now);
    let mut counts = DemoCounts { sessions: 0, findings: 0, checklists: 0, tickets: 0 };
    let templates: Vec<Template> = crate::checklist::SHIPPED
        .iter()
        .filter_map(|(name, text)| crate::checklist::parse_template(name, text).ok())
        .collect();
    // Oldest first, so the newest session is the last one written. Each on a working day of
    // the last two months, starting between opening time and mid-afternoon.
    let mut starts: Vec<i64> = (0..sessions)
        .map(|_| {
            let back = rng.random_range(1..60);
            let day = working_day(today - chrono::Duration::days(back));
            local_ms(day, rng.random_range(OPENS_MIN..=LAST_START_MIN))
        })
        .collect();
    starts.sort_unstable();
    let latest_day = working_day(if open_now { today } else { today - chrono::Duration::days(1) });
    let mut pending: Vec<Change> = Vec::new();
    for (n, start) in starts.into_iter().enumerate() {
        let newest = n + 1 == sessions;
        // The newest walk: under way when the hall is open (it began within the hour, its queue
        // still moving), else the last one of the latest working day.
        let live = newest && open_now;
        let start = match (newest, open_now) {
            (true, true) => now - rng.random_range(40..70) * 60_000,
            (true, false) => local_ms(latest_day, rng.random_range(13 * 60..=LAST_START_MIN)).max(start),
            _ => start,
        };
        let newest = live;
        let mut changes = session_changes(&mut rng, start, newest);
        let session_id = changes[0].entity;
        let text_of = |field: &str| {
            changes.iter().find(|c| c.field == field).map(|c| c.value.as_text().to_string()).unwrap_or_default()
        };
        let windows = [text_of(sf::WINDOW), format!("{}号窗口", rng.random_range(1..9))];
        let people: Vec<String> =
            changes.iter().find(|c| c.field == sf::INSPECTORS).map(|c| c.value.as_list().to_vec()).unwrap_or_default();
        let tickets = queue::ticket_changes(&mut rng, &mut ids, session_id, &windows, &text_of(sf::ITEM), start, now);
        counts.tickets += tickets.iter().filter(|c| c.field == crate::domain::ticket::field::SESSION).count();
        changes.extend(tickets);
        changes.extend(walk::walk_changes(&mut rng, session_id, start, now));
        let mut failed = Vec::new();
        if let Some(template) = pick(&mut rng, &templates) {
            let (checklist, attach) = Checklist::attach(id_at(&mut ids, start), session_id, template);
            changes.extend(attach);
            let (answers, fails) = answer_changes(&mut rng, checklist, template, if newest { 0.5 } else { 1.0 });
            changes.extend(answers);
            failed = fails;
            counts.checklists += 1;
        }
        for seq in 1..=findings_per_session {
            let at = (start + (seq as i64) * rng.random_range(60_000..600_000)).min(now);
            let mut finding = finding_changes(&mut rng, session_id, seq as i64, at, now, &people);
            // The first findings come from the checklist's failed items, as they would.
            if let Some((checklist, item, text)) = failed.get(seq - 1) {
                let id = finding[0].entity;
                for c in finding.iter_mut().filter(|c| c.field == ff::DESCRIPTION) {
                    c.value = Value::text(text);
                }
                finding.push(Change::set(EntityKind::Finding, id, ff::CHECKLIST, Value::Ref(*checklist)));
                finding.push(Change::set(EntityKind::Finding, id, ff::CHECK_ITEM, Value::text(item)));
            }
            changes.extend(finding);
        }
        pending.extend(changes);
        if pending.len() >= BATCH_CHANGES {
            store.apply(&pending)?;
            pending.clear();
        }
        counts.sessions += 1;
        counts.findings += findings_per_session;
    }
    store.apply(&pending)?;
    Ok(counts)
}

/// Mixed into the seed for the stream [`fill_at`] draws checklist and ticket ids from.
const IDS_SALT: u64 = 0x0001_d50f_de70;

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
    // A walk's modes: the kiosk's own (群众评价, 体验官体验) are its entries', not walks'.
    let kiosk = [crate::domain::kiosk::MODE_CITIZEN, crate::domain::kiosk::MODE_OFFICER];
    let walks: Vec<_> = v.modes.iter().filter(|m| !kiosk.contains(&m.code())).cloned().collect();
    if let Some(m) = pick(rng, &walks) {
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
        out.push(set(sf::FINISHED_AT, Value::Timestamp(start + rng.random_range(60..150) * 60_000)));
    }
    out
}

fn finding_changes(rng: &mut StdRng, session: u128, seq: i64, at: i64, now: i64, people: &[String]) -> Vec<Change> {
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
    // The unit, measure and deadline are set when the finding is assigned, by its moves.
    let unit = f.unit.as_deref().and_then(|u| find(&v.units, u)).or_else(|| pick(rng, &v.units));
    let measures: Vec<_> = v.demo.measures.iter().filter(|m| m.tag == f.tag).collect();
    let measure =
        measures.choose(rng).map(|m| m.text.clone()).or_else(|| pick(rng, &v.demo.measures).map(|m| m.text.clone()));
    let owner = *["分管副局长", "窗口负责人", "科室负责人", ""].choose(rng).unwrap_or(&"");
    let duty = rectify::Duty {
        unit: unit.map(|u| u.zh.as_str()).unwrap_or("县政务服务中心"),
        measure: measure.as_deref().unwrap_or("限期整改到位"),
        owner,
    };
    let others: Vec<String> = v.demo.inspectors.iter().map(|i| i.zh.clone()).collect();
    let mut blank = Finding::blank(session);
    blank.id = id;
    let moves = rectify::moves(rng, blank, &duty, people, &others, at, now);
    let status = moves
        .iter()
        .rev()
        .find(|c| c.field == ff::STATUS)
        .and_then(|c| FindingStatus::parse(c.value.as_text()))
        .unwrap_or(FindingStatus::Found);
    out.extend(moves);
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

/// Answers for a `share` of the items (in order, as an inspector walks them): mostly passes,
/// some failures and 不适用, scores of 3 to 5, counts in the range their unit suggests.
/// Returns the changes and the failed items that have a suggested finding.
fn answer_changes(
    rng: &mut StdRng,
    checklist: u128,
    template: &Template,
    share: f64,
) -> (Vec<Change>, Vec<(u128, String, String)>) {
    let total = template.item_count();
    let answered = ((total as f64) * share).round() as usize;
    let mut changes = Vec::new();
    let mut failed = Vec::new();
    for (_, item) in template.items().take(answered) {
        let roll: f64 = rng.random();
        let answer = match item.kind {
            AnswerKind::PassFail if roll < 0.15 => Answer::Fail,
            AnswerKind::PassFail if roll < 0.22 => Answer::NotApplicable,
            AnswerKind::PassFail => Answer::Pass,
            AnswerKind::YesNo if roll < 0.2 => Answer::No,
            AnswerKind::YesNo => Answer::Yes,
            AnswerKind::Score => Answer::Score(*[3u8, 4, 4, 5, 5, 2].choose(rng).unwrap_or(&4)),
            AnswerKind::Count => Answer::Count(match item.unit.as_str() {
                "分钟" => rng.random_range(3..45),
                "份" => rng.random_range(1..9),
                "次" => rng.random_range(1..4),
                "天" => rng.random_range(1..20),
                "个" => rng.random_range(2..9),
                _ => rng.random_range(0..8),
            }),
            AnswerKind::Text if roll < 0.5 => continue,
            AnswerKind::Text => match pick(rng, &vocab().demo.notes) {
                Some(note) => Answer::Text(note.clone()),
                None => continue,
            },
        };
        if answer.is_negative() && !item.finding.is_empty() {
            failed.push((checklist, item.id.clone(), item.finding.clone()));
        }
        changes.push(Checklist::answer_change(checklist, &item.id, Some(&answer)));
        if rng.random_bool(0.1) {
            if let Some(note) = pick(rng, &vocab().demo.notes) {
                changes.push(Checklist::note_change(checklist, &item.id, note));
            }
        }
    }
    (changes, failed)
}

#[cfg(test)]
mod tests {
    use crate::domain::zone::Zone;
    use chrono::{Datelike, TimeZone, Timelike};

    /// Unix ms of a local time on 2026-11-26 (a Thursday) or the day given.
    fn local(day: u32, h: u32, m: u32) -> i64 {
        Zone::local().with_ymd_and_hms(2026, 11, day, h, m, 0).earliest().unwrap().timestamp_millis()
    }

    /// Every walk begins on a working day in office hours, whenever the demo is made; the
    /// newest is under way only while the hall is open.
    #[test]
    fn demo_walks_happen_in_office_hours() {
        for (now, open) in [(local(26, 0, 21), false), (local(26, 23, 15), false), (local(26, 11, 0), true)] {
            let dir = tempfile::tempdir().unwrap();
            let mut store = crate::store::Store::open(&dir.path().join("t.redb")).unwrap();
            super::fill_at(&mut store, 12, 2, 7, now).unwrap();
            let sessions = store.sessions().unwrap();
            assert_eq!(sessions.len(), 12);
            for s in &sessions {
                let at = Zone::local().at(s.session.created_ms);
                let minute = at.hour() * 60 + at.minute();
                assert!((9 * 60..=15 * 60).contains(&minute), "{at} (now {now})");
                assert!(at.weekday().number_from_monday() <= 5, "{at} is a weekend");
                assert!(s.session.created_ms <= now);
            }
            let live = sessions.iter().filter(|s| s.session.status == crate::domain::SessionStatus::Open).count();
            assert_eq!(live, usize::from(open), "now {now}");
        }
    }
}
