//! The summaries the store derives with the records (per session: findings by status, the
//! highest 序号, checklists, tickets; the ledger tally) always say what a scan of the records
//! says: after edits, deletions, a finding moved to another session, a 序号 lowered, and ops
//! merged from another replica in any order; and the ledger made from the tally is the ledger
//! made from the findings, for every kind of filter.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use redb::ReadableDatabase;
use tiyan::domain::finding::field as ff;
use tiyan::domain::ledger::{self, LedgerFilter, SessionIndex};
use tiyan::domain::session::field as sf;
use tiyan::domain::{Change, EntityId, EntityKind, Finding, FindingStatus, Session, Value};
use tiyan::store::check::{Mismatch, Problem};
use tiyan::store::codec;
use tiyan::store::tables::{self, meta_key};
use tiyan::store::{SCHEMA_VERSION, SessionTally, Store};

/// Thursday 2026-11-26 10:30 UTC.
const NOW: i64 = 1_795_689_000_000;

fn set(kind: EntityKind, entity: EntityId, field: &str, value: Value) -> Change {
    Change::set(kind, entity, field, value)
}

fn demo_store(dir: &tempfile::TempDir, name: &str, seed: u64) -> Store {
    let mut store = Store::open(&dir.path().join(name).join("tiyan.redb")).unwrap();
    tiyan::demo::fill_at(&mut store, 6, 9, seed, NOW).unwrap();
    store
}

/// Every finding record, deleted ones too, with its session as stored.
fn every_finding(store: &Store) -> Vec<Finding> {
    store
        .all_records()
        .unwrap()
        .iter()
        .filter(|r| r.kind == EntityKind::Finding)
        .cloned()
        .map(Finding::from_record)
        .collect()
}

/// What the summaries must say, by reading every record.
fn scanned(store: &Store, session: EntityId) -> (SessionTally, i64) {
    let findings: Vec<Finding> = every_finding(store).into_iter().filter(|f| f.session_id == session).collect();
    let mut tally = SessionTally::default();
    for f in findings.iter().filter(|f| !f.deleted) {
        let i = FindingStatus::ALL.iter().position(|s| *s == f.status).unwrap();
        tally.findings_by_status[i] += 1;
    }
    tally.checklists = store.checklists_of(session).unwrap().len() as u32;
    tally.tickets = store.tickets_of(session).unwrap().len() as u32;
    // Records with a conflict: the session itself, its findings, checklists and tickets.
    let own = store.session(session).unwrap().is_some_and(|s| !s.deleted && !s.conflicts.is_empty());
    tally.conflicts = u32::from(own)
        + findings.iter().filter(|f| !f.deleted && !f.conflicts.is_empty()).count() as u32
        + store.checklists_of(session).unwrap().iter().filter(|c| !c.conflicts.is_empty()).count() as u32
        + store.tickets_of(session).unwrap().iter().filter(|t| !t.conflicts.is_empty()).count() as u32;
    (tally, findings.iter().map(|f| f.seq).max().unwrap_or(0))
}

fn assert_summaries_match_a_scan(store: &Store) {
    let sessions: Vec<EntityId> =
        store.all_records().unwrap().iter().filter(|r| r.kind == EntityKind::Session).map(|r| r.id).collect();
    let listed: BTreeMap<EntityId, (usize, i64)> =
        store.sessions().unwrap().into_iter().map(|s| (s.session.id, (s.findings, s.max_seq))).collect();
    for id in sessions {
        let (tally, max_seq) = scanned(store, id);
        assert_eq!(store.session_tally(id).unwrap(), tally, "session {id}");
        if let Some(&(findings, listed_max)) = listed.get(&id) {
            assert_eq!((findings, listed_max), (tally.findings(), max_seq), "the list's figures for {id}");
        }
    }
    assert!(store.check().unwrap().is_sound(), "{:?}", store.check().unwrap());
}

#[test]
fn the_summaries_follow_edits_deletions_moves_and_merges() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = demo_store(&dir, "a", 5);
    assert_summaries_match_a_scan(&store);

    let sessions: Vec<Session> = store.sessions().unwrap().into_iter().map(|s| s.session).collect();
    let (s0, s1, s2) = (sessions[0].id, sessions[1].id, sessions[2].id);
    let of = |store: &Store, s| store.findings_of(s).unwrap();
    let f0 = of(&store, s0);
    let highest = f0.iter().max_by_key(|f| f.seq).unwrap().clone();
    let mut changes = vec![
        // A deleted finding keeps its number taken.
        set(EntityKind::Finding, highest.id, ff::DELETED, Value::Bool(true)),
        // A finding moves to another session, another's 序号 is lowered, another is closed.
        set(EntityKind::Finding, f0[0].id, ff::SESSION, Value::Ref(s1)),
        set(EntityKind::Finding, f0[1].id, ff::SEQ, Value::Int(1)),
        set(EntityKind::Finding, f0[2].id, ff::STATUS, Value::text("closed")),
        set(EntityKind::Finding, f0[2].id, ff::UNIT, Value::text("  县医保局 ")),
        set(EntityKind::Session, s2, sf::DELETED, Value::Bool(true)),
    ];
    if let Some(t) = store.tickets_of(s1).unwrap().first() {
        changes.push(set(EntityKind::Ticket, t.id, tiyan::domain::ticket::field::DELETED, Value::Bool(true)));
    }
    if let Some(c) = store.checklists_of(s1).unwrap().first() {
        changes.push(set(EntityKind::Checklist, c.id, tiyan::domain::checklist::field::DELETED, Value::Bool(true)));
    }
    store.apply(&changes).unwrap();
    assert_summaries_match_a_scan(&store);
    assert_eq!(store.sessions().unwrap().iter().find(|s| s.session.id == s0).unwrap().max_seq, highest.seq);

    // Another inspector's device: its own walks, and an edit of ours made concurrently.
    let mut other = demo_store(&dir, "b", 6);
    other.import(&store.all_ops().unwrap()).unwrap();
    let mine = of(&store, s1)[0].id;
    other.apply(&[set(EntityKind::Finding, mine, ff::STATUS, Value::text("not-a-problem"))]).unwrap();
    store.apply(&[set(EntityKind::Finding, mine, ff::STATUS, Value::text("confirmed"))]).unwrap();
    // Every op of the other, newest first: each arrives before the ones it follows.
    let mut theirs = other.all_ops().unwrap();
    theirs.reverse();
    for chunk in theirs.chunks(97) {
        store.import(chunk).unwrap();
    }
    other.import(&store.all_ops().unwrap()).unwrap();
    assert_summaries_match_a_scan(&store);
    assert_summaries_match_a_scan(&other);
    for s in store.sessions().unwrap() {
        assert_eq!(store.session_tally(s.session.id).unwrap(), other.session_tally(s.session.id).unwrap());
    }
    assert_eq!(store.ledger_tally().unwrap(), other.ledger_tally().unwrap(), "both replicas tally alike");
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn the_ledger_from_the_tally_is_the_ledger_from_the_findings() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("p").join("tiyan.redb")).unwrap();
    tiyan::demo::fill_at(&mut store, 30, 12, 43, NOW).unwrap();
    let all: Vec<Session> = store.sessions().unwrap().into_iter().map(|s| s.session).collect();
    // A deleted walk, whose findings the ledger leaves out.
    store.apply(&[set(EntityKind::Session, all[3].id, sf::DELETED, Value::Bool(true))]).unwrap();
    let with_deleted: Vec<Session> = store
        .all_records()
        .unwrap()
        .iter()
        .filter(|r| r.kind == EntityKind::Session)
        .map(Session::from_record)
        .collect();
    let findings = store.all_findings().unwrap();
    let rows = store.ledger_tally().unwrap();
    let theme = all[0].theme.clone();
    let unit = findings.iter().find(|f| !f.unit.is_empty()).unwrap().unit.clone();
    let filters = [
        LedgerFilter::default(),
        LedgerFilter { overdue: true, ..Default::default() },
        LedgerFilter { statuses: vec![FindingStatus::Assigned, FindingStatus::Closed], ..Default::default() },
        LedgerFilter { unit: Some(unit), ..Default::default() },
        LedgerFilter { unit: Some(String::new()), ..Default::default() },
        LedgerFilter { session: Some(all[1].id), ..Default::default() },
        LedgerFilter { theme: Some(theme), ..Default::default() },
        LedgerFilter { from: Some(day("2026-10-20")), to: Some(day("2026-11-10")), ..Default::default() },
        LedgerFilter { from: Some(day("2026-11-01")), overdue: true, ..Default::default() },
    ];
    // The walks as the commands and the TUI give them (live ones), and all of them.
    let live: Vec<Session> = store.sessions().unwrap().into_iter().map(|s| s.session).collect();
    for sessions in [&live, &with_deleted] {
        let index = SessionIndex::new(sessions.iter());
        for today in [day("2026-11-26"), day("2026-12-20")] {
            for filter in &filters {
                let expected = (
                    ledger::counts(&index, &findings, filter, today),
                    ledger::by_unit(&findings, &index, filter, today),
                );
                assert_eq!(ledger::from_tally(&rows, &index, filter, today), expected, "{filter:?} on {today}");
            }
        }
    }
}

fn with_raw_write(path: &Path, f: impl FnOnce(&redb::WriteTransaction)) {
    let db = redb::Database::create(path).unwrap();
    let txn = db.begin_write().unwrap();
    f(&txn);
    txn.commit().unwrap();
}

#[test]
fn check_names_summaries_that_do_not_follow_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(&dir, "p", 8);
    let path = store.path().to_path_buf();
    let session = store.sessions().unwrap()[0].session.id;
    drop(store);
    with_raw_write(&path, |txn| {
        let mut summary = txn.open_table(tables::SESSION_SUMMARY).unwrap();
        let wrong = SessionTally { checklists: 40, ..Default::default() };
        summary.insert(session, codec::encode_summary(&wrong).unwrap().as_slice()).unwrap();
        let mut seqs = txn.open_table(tables::SESSION_SEQS).unwrap();
        seqs.insert((session, 999, 7u128), ()).unwrap();
        let mut tally = txn.open_table(tables::LEDGER_TALLY).unwrap();
        tally.insert((session, "无此单位", 0u8, None, false), 3).unwrap();
    });
    let report = Store::open_read_only(&path).unwrap().check().unwrap();
    let derived: Vec<(&str, Mismatch)> = report
        .problems
        .iter()
        .filter_map(|p| match p {
            Problem::Derived { table, what, .. } => Some((*table, *what)),
            _ => None,
        })
        .collect();
    assert!(derived.contains(&(tables::name::SESSION_SUMMARY, Mismatch::Differs)), "{report:?}");
    assert!(derived.contains(&(tables::name::SESSION_SEQS, Mismatch::Extra)), "{report:?}");
    assert!(derived.contains(&(tables::name::LEDGER_TALLY, Mismatch::Extra)), "{report:?}");
}

#[test]
fn a_store_of_the_previous_schema_gets_its_summaries_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(&dir, "p", 9);
    let path = store.path().to_path_buf();
    let before: Vec<(EntityId, usize, i64)> =
        store.sessions().unwrap().iter().map(|s| (s.session.id, s.findings, s.max_seq)).collect();
    let tally = store.ledger_tally().unwrap();
    drop(store);
    // As a version-5 build left it: no summary tables.
    with_raw_write(&path, |txn| {
        txn.delete_table(tables::SESSION_SUMMARY).unwrap();
        txn.delete_table(tables::SESSION_SEQS).unwrap();
        txn.delete_table(tables::LEDGER_TALLY).unwrap();
        let mut meta = txn.open_table(tables::META).unwrap();
        meta.insert(meta_key::SCHEMA_VERSION, codec::encode_schema_version(5).as_slice()).unwrap();
    });
    let store = Store::open(&path).unwrap();
    let after: Vec<(EntityId, usize, i64)> =
        store.sessions().unwrap().iter().map(|s| (s.session.id, s.findings, s.max_seq)).collect();
    assert_eq!(after, before);
    assert_eq!(store.ledger_tally().unwrap(), tally);
    assert!(store.check().unwrap().is_sound());
    drop(store);
    let db = redb::ReadOnlyDatabase::open(&path).unwrap();
    let txn = db.begin_read().unwrap();
    let meta = txn.open_table(tables::META).unwrap();
    let version = codec::decode_schema_version(meta.get(meta_key::SCHEMA_VERSION).unwrap().unwrap().value()).unwrap();
    assert_eq!(version, SCHEMA_VERSION);
}
