//! A store ready for bundles: the version vector, ops_since by range, checked imports, the
//! store thread's sync requests, and 序号 when two replicas capture in one session.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use proptest::prelude::*;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use redb::ReadableDatabase;
use tiyan::domain::finding::field as ff;
use tiyan::domain::numbering::renumber_changes;
use tiyan::domain::op::entity_id_string;
use tiyan::domain::session::field as sf;
use tiyan::domain::validate::Problem;
use tiyan::domain::{Change, EntityId, EntityKind, Finding, Hlc, Op, OpId, OpPayload, ReplicaId, Value};
use tiyan::store::codec;
use tiyan::store::tables::{self, meta_key};
use tiyan::store::thread::{self, StoreEvent, StoreRequest};
use tiyan::store::{
    FutureStamps, Gap, Head, ImportReport, MAX_AHEAD_MS, PROGRESS_MIN, ReturnedOwn, Store, StoreError, wall_clock_ms,
};

const BIN: &str = env!("CARGO_BIN_EXE_tiyan");

fn path_in(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    dir.path().join(name).join("tiyan.redb")
}

fn open(dir: &tempfile::TempDir, name: &str) -> Store {
    Store::open(&path_in(dir, name)).unwrap()
}

fn id_at(ms: u64, random: u128) -> EntityId {
    ulid::Ulid::from_parts(ms, random).0
}

fn set(kind: EntityKind, entity: EntityId, field: &str, value: Value) -> Change {
    Change::set(kind, entity, field, value)
}

fn seqs(ops: &[Op]) -> Vec<u64> {
    ops.iter().map(|op| op.id.seq).collect()
}

/// Runs `f` in one write transaction on the closed store's file, with redb directly.
fn with_raw_write(path: &Path, f: impl FnOnce(&redb::WriteTransaction)) {
    let db = redb::Database::create(path).unwrap();
    let txn = db.begin_write().unwrap();
    f(&txn);
    txn.commit().unwrap();
}

/// Everything an import may change, read through the store.
fn state(store: &Store) -> impl PartialEq + std::fmt::Debug + use<> {
    (store.all_ops().unwrap(), store.all_records().unwrap(), store.heads().unwrap(), store.sessions().unwrap())
}

// ---- the version vector ----

#[test]
fn the_version_vector_is_the_contiguous_head_and_waits_for_a_gap_to_fill() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = open(&dir, "a");
    let sid = id_at(1_000, 1);
    for i in 0..10 {
        a.apply(&[set(EntityKind::Session, sid, sf::ITEM, Value::text(format!("第{i}版")))]).unwrap();
    }
    let ra = a.replica_id();
    assert_eq!(a.version_vector().unwrap(), BTreeMap::from([(ra, 10)]));
    let ops = a.all_ops().unwrap();

    let path_b = path_in(&dir, "b");
    let mut b = Store::open(&path_b).unwrap();
    assert!(b.version_vector().unwrap().is_empty());
    // Bundles arrive out of order: seqs 7..=10 first.
    let report = b.import(&ops[6..]).unwrap();
    assert_eq!(report.new, 4);
    assert_eq!(report.gaps, vec![Gap { replica: ra, from: 1, to: 6 }]);
    assert!(b.version_vector().unwrap().is_empty(), "seq 1 is not held: nothing contiguous");
    assert_eq!(b.heads().unwrap()[&ra], Head { contiguous: 0, held: 4 });

    let report = b.import(&ops[..3]).unwrap();
    assert_eq!(report.gaps, vec![Gap { replica: ra, from: 4, to: 6 }]);
    assert_eq!(b.version_vector().unwrap(), BTreeMap::from([(ra, 3)]));

    // What b says it holds, a answers: the gap and everything above it (repeats are harmless).
    let missing = a.ops_since(&b.version_vector().unwrap()).unwrap();
    assert_eq!(seqs(&missing), (4..=10).collect::<Vec<_>>());
    let report = b.import(&missing).unwrap();
    assert_eq!((report.new, report.duplicates, report.gaps.clone()), (3, 4, vec![]));
    assert_eq!(b.heads().unwrap()[&ra], Head { contiguous: 10, held: 10 });

    // b's own ops join its vector; the vector survives a reopen and agrees with a replay.
    b.apply(&[set(EntityKind::Session, sid, sf::THEME, Value::text("市场准入"))]).unwrap();
    let rb = b.replica_id();
    let expected = BTreeMap::from([(ra, 10), (rb, 1)]);
    assert_eq!(b.version_vector().unwrap(), expected);
    drop(b);
    let b = Store::open_read_only(&path_b).unwrap();
    assert_eq!(b.version_vector().unwrap(), expected);
    assert!(b.check().unwrap().is_sound());
    assert_eq!(b.session(sid).unwrap().unwrap().item, "第9版");
}

#[test]
fn ops_since_reads_only_the_ranges_a_peer_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = open(&dir, "a");
    let sid = id_at(1_000, 1);
    for i in 0..8 {
        a.apply(&[set(EntityKind::Session, sid, sf::PLACE, Value::text(format!("{i}号厅")))]).unwrap();
    }
    let ra = a.replica_id();
    let path_b = path_in(&dir, "b");
    let rb = {
        let mut b = Store::open(&path_b).unwrap();
        b.import(&a.all_ops().unwrap()).unwrap();
        b.apply(&[set(EntityKind::Session, sid, sf::WINDOW, Value::text("3号窗口"))]).unwrap();
        b.apply(&[set(EntityKind::Session, sid, sf::WINDOW, Value::text("5号窗口"))]).unwrap();
        b.replica_id()
    };
    // Damage an op below what the peer holds: a read of the whole log fails on it, a read of
    // the ranges above the peer's seqs never touches it.
    with_raw_write(&path_b, |txn| {
        let mut ops = txn.open_table(tables::OPS).unwrap();
        ops.insert((ra.as_u128(), 2), [0xffu8, 0x01].as_slice()).unwrap();
    });
    let b = Store::open(&path_b).unwrap();
    assert!(matches!(b.all_ops(), Err(StoreError::Decode { .. })));
    assert!(matches!(b.ops_since(&BTreeMap::new()), Err(StoreError::Decode { .. })));

    let since = b.ops_since(&BTreeMap::from([(ra, 5)])).unwrap();
    let ids: Vec<(ReplicaId, u64)> = since.iter().map(|op| (op.id.replica, op.id.seq)).collect();
    let mut expected: Vec<(ReplicaId, u64)> = (6..=8).map(|s| (ra, s)).chain((1..=2).map(|s| (rb, s))).collect();
    expected.sort();
    assert_eq!(ids, expected, "by (replica, seq), every op above the peer's seq");

    // A replica the peer holds everything of, or one we never saw, gives nothing.
    let unknown = ReplicaId::from_u128(42);
    let since = b.ops_since(&BTreeMap::from([(ra, u64::MAX), (rb, 1), (unknown, 3)])).unwrap();
    assert_eq!(since.iter().map(|op| (op.id.replica, op.id.seq)).collect::<Vec<_>>(), vec![(rb, 2)]);
    // A peer ahead of us on a replica gets what we hold above its seq (none here).
    assert!(b.ops_since(&BTreeMap::from([(ra, 20), (rb, 2)])).unwrap().is_empty());
}

// ---- imports are checked before they touch the tables ----

fn op(replica: ReplicaId, seq: u64, wall_ms: u64, change: Change, supersedes: Vec<OpId>) -> Op {
    Op {
        id: OpId { replica, seq },
        hlc: Hlc { wall_ms, counter: 0 },
        payload: OpPayload::Set {
            entity: change.entity,
            kind: change.kind,
            field: change.field,
            value: change.value,
            supersedes,
        },
    }
}

/// A store holding a session and a finding of its own and a few ops of another replica.
fn store_with_history(dir: &tempfile::TempDir) -> (Store, EntityId) {
    let mut store = open(dir, "receiver");
    let sid = id_at(1_000, 1);
    store.apply(&[set(EntityKind::Session, sid, sf::ITEM, Value::text("企业开办"))]).unwrap();
    let fid = id_at(1_001, 2);
    store
        .apply(&[
            set(EntityKind::Finding, fid, ff::SESSION, Value::Ref(sid)),
            set(EntityKind::Finding, fid, ff::SEQ, Value::Int(1)),
            set(EntityKind::Finding, fid, ff::DESCRIPTION, Value::text("叫号屏不显示窗口号")),
        ])
        .unwrap();
    let other = ReplicaId::from_u128(0xabc);
    let theirs = vec![
        op(other, 1, 2_000, set(EntityKind::Session, sid, sf::PLACE, Value::text("市民中心")), vec![]),
        op(other, 2, 2_001, set(EntityKind::Session, sid, sf::WINDOW, Value::text("8号窗口")), vec![]),
    ];
    assert_eq!(store.import(&theirs).unwrap().new, 2);
    (store, sid)
}

#[test]
fn a_batch_with_one_bad_op_is_refused_whole_naming_the_op_and_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, sid) = store_with_history(&dir);
    let mine = store.replica_id();
    let sender = ReplicaId::from_u128(0xdef);
    let good = |seq: u64| {
        let change = set(EntityKind::Session, sid, sf::THEME, Value::text(format!("主题{seq}")));
        op(sender, seq, 3_000 + seq, change, vec![])
    };
    let held = store.all_ops().unwrap();
    let mut clashing = held[0].clone();
    let OpPayload::Set { value, .. } = &mut clashing.payload;
    *value = Value::text("被改过");

    type Expected = Box<dyn Fn(&Problem) -> bool>;
    let cases: Vec<(&str, Op, Option<&str>, Expected)> = vec![
        (
            "unknown field",
            op(sender, 4, 3_004, set(EntityKind::Session, sid, "walker", Value::text("x")), vec![]),
            Some("walker"),
            Box::new(|p| *p == Problem::UnknownField),
        ),
        (
            "wrong value kind",
            op(sender, 4, 3_004, set(EntityKind::Finding, id_at(5, 5), ff::SEQ, Value::text("3")), vec![]),
            Some(ff::SEQ),
            Box::new(|p| matches!(p, Problem::WrongValue { .. })),
        ),
        (
            "entity 0",
            op(sender, 4, 3_004, set(EntityKind::Session, 0, sf::ITEM, Value::text("x")), vec![]),
            None,
            Box::new(|p| *p == Problem::ZeroEntity),
        ),
        (
            "seq 0",
            op(sender, 0, 3_004, set(EntityKind::Session, sid, sf::ITEM, Value::text("x")), vec![]),
            None,
            Box::new(|p| *p == Problem::BadOpId),
        ),
        (
            "supersedes a later op of its own replica",
            op(
                sender,
                4,
                3_004,
                set(EntityKind::Session, sid, sf::ITEM, Value::text("x")),
                vec![OpId { replica: sender, seq: 9 }],
            ),
            None,
            Box::new(|p| matches!(p, Problem::BadSupersedes(_))),
        ),
        (
            "a date outside the calendar",
            op(sender, 4, 3_004, set(EntityKind::Finding, id_at(5, 5), ff::DEADLINE, Value::Date(i32::MIN)), vec![]),
            Some(ff::DEADLINE),
            Box::new(|p| matches!(p, Problem::BadDate(_))),
        ),
        (
            "too large",
            op(sender, 4, 3_004, set(EntityKind::Session, sid, sf::ITEM, Value::text("长".repeat(400_000))), vec![]),
            None,
            Box::new(|p| matches!(p, Problem::TooLarge { .. })),
        ),
        // Found only against the store, after the good ops before it were written: the
        // transaction is aborted.
        (
            "a session's id used for a finding",
            op(sender, 4, 3_004, set(EntityKind::Finding, sid, ff::DESCRIPTION, Value::text("x")), vec![]),
            None,
            Box::new(|p| *p == Problem::KindClash { existing: EntityKind::Session }),
        ),
        ("an id held with other content", clashing, None, Box::new(|p| *p == Problem::IdClash)),
    ];
    for (what, bad, field, is_expected) in cases {
        let before = state(&store);
        let batch = vec![good(1), good(2), good(3), bad.clone()];
        let report = store.import(&batch).unwrap();
        assert!(report.is_refused(), "{what}: {report:?}");
        assert_eq!((report.new, report.refused_count), (0, 1), "{what}: {report:?}");
        let refusal = &report.refused[0];
        assert_eq!((refusal.index, refusal.op), (3, bad.id), "{what}");
        assert_eq!(refusal.field.as_deref(), field, "{what}");
        assert!(is_expected(&refusal.problem), "{what}: {:?}", refusal.problem);
        if let Some(field) = field {
            assert!(refusal.to_string().contains(&format!("field `{field}`")), "{what}: {refusal}");
        }
        assert_eq!(state(&store), before, "{what}: the store is as it was");
        // apply_ops says the same as an error.
        let err = store.apply_ops(&batch).unwrap_err();
        assert!(err.to_string().contains("import refused"), "{what}: {err}");
    }
    // Our clock and next seq did not move either: the next op of ours is seq 5.
    let ids = store.apply(&[set(EntityKind::Session, sid, sf::MODE, Value::text("accompany"))]).unwrap();
    assert_eq!(ids, vec![OpId { replica: mine, seq: 5 }]);
    assert!(store.check().unwrap().is_sound());
}

#[test]
fn clashes_within_one_batch_are_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir, "b");
    let sender = ReplicaId::from_u128(0xdef);
    let entity = id_at(9_000, 9);
    let first = op(sender, 1, 1, set(EntityKind::Session, entity, sf::ITEM, Value::text("甲")), vec![]);
    let mut changed = first.clone();
    let OpPayload::Set { value, .. } = &mut changed.payload;
    *value = Value::text("乙");
    let other_kind = op(sender, 2, 2, set(EntityKind::Finding, entity, ff::DESCRIPTION, Value::text("丙")), vec![]);
    let report = store.import(&[first.clone(), first, changed, other_kind]).unwrap();
    let found: Vec<(usize, Problem)> = report.refused.iter().map(|r| (r.index, r.problem.clone())).collect();
    assert_eq!(found, vec![(2, Problem::IdClash), (3, Problem::KindClash { existing: EntityKind::Session })]);
    assert_eq!((report.new, report.duplicates), (0, 1));
    assert!(store.all_ops().unwrap().is_empty() && store.heads().unwrap().is_empty());
}

#[test]
fn every_problem_of_a_refused_batch_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, sid) = store_with_history(&dir);
    let sender = ReplicaId::from_u128(0xdef);
    let batch: Vec<Op> = (1..=60)
        .map(|seq| op(sender, seq, 3_000, set(EntityKind::Session, sid, &format!("field{seq}"), Value::Null), vec![]))
        .collect();
    let report = store.import(&batch).unwrap();
    assert_eq!((report.refused_count, report.refused.len()), (60, tiyan::store::MAX_REFUSALS_SHOWN));
    assert_eq!(report.refused[1].field.as_deref(), Some("field2"));
}

#[test]
fn repeats_within_a_batch_and_across_batches_are_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = open(&dir, "a");
    let sid = id_at(1_000, 1);
    a.apply(&[
        set(EntityKind::Session, sid, sf::ITEM, Value::text("医保报销")),
        set(EntityKind::Session, sid, sf::PLACE, Value::text("二楼")),
    ])
    .unwrap();
    let ops = a.all_ops().unwrap();
    let mut b = open(&dir, "b");
    let twice: Vec<Op> = ops.iter().chain(ops.iter()).cloned().collect();
    let report = b.import(&twice).unwrap();
    assert_eq!((report.received, report.new, report.duplicates), (4, 2, 2));
    let again = b.import(&ops).unwrap();
    assert_eq!(again, ImportReport { received: 2, duplicates: 2, ..ImportReport::default() });
    assert_eq!(b.import(&[]).unwrap(), ImportReport::default());
}

#[test]
fn a_stamp_more_than_a_day_ahead_is_flagged_and_does_not_drag_our_clock() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir, "b");
    let now = wall_clock_ms();
    let sid = id_at(now, 1);
    let wrong_clock = ReplicaId::from_u128(0x5eed);
    let two_days = 2 * 24 * 60 * 60 * 1000;
    let ahead = |seq, wall_ms, field: &str| {
        op(wrong_clock, seq, wall_ms, set(EntityKind::Session, sid, field, Value::text("未来")), vec![])
    };
    let report = store
        .import_at(
            &[
                ahead(1, now + two_days, sf::ITEM),
                ahead(2, now + two_days + 5, sf::PLACE),
                ahead(3, now + 1_000, sf::THEME),
            ],
            now,
            &mut |_, _| {},
        )
        .unwrap();
    assert_eq!(report.new, 3, "imported all the same");
    assert_eq!(
        report.future,
        vec![FutureStamps {
            replica: wrong_clock,
            ops: 2,
            first: OpId { replica: wrong_clock, seq: 1 },
            latest_wall_ms: now + two_days + 5,
            ahead_ms: two_days + 5,
        }]
    );
    assert!(two_days > MAX_AHEAD_MS);
    // Our next stamp follows the op a second ahead (within a day), not the ones two days ahead.
    let ids = store.apply_at(&[set(EntityKind::Session, sid, sf::WINDOW, Value::text("1号"))], now).unwrap();
    let mine = store.all_ops().unwrap().into_iter().find(|op| op.id == ids[0]).unwrap();
    assert_eq!(mine.hlc, Hlc { wall_ms: now + 1_000, counter: 1 });
    // Editing a field whose live value is from the future still replaces it: the new op
    // supersedes it by id, whatever the stamps say.
    store.apply_at(&[set(EntityKind::Session, sid, sf::ITEM, Value::text("现在"))], now).unwrap();
    assert_eq!(store.session(sid).unwrap().unwrap().item, "现在");
    assert!(store.check().unwrap().is_sound(), "{:?}", store.check().unwrap());
}

#[test]
fn our_own_ops_coming_back_are_taken_and_reported_and_a_copy_writing_the_same_seq_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = path_in(&dir, "laptop");
    let backup = dir.path().join("backup.redb");
    let sid = id_at(1_000, 1);
    let edit = |store: &mut Store, text: &str| {
        store.apply(&[set(EntityKind::Session, sid, sf::ITEM, Value::text(text))]).unwrap()[0]
    };
    let exported = {
        let mut store = Store::open(&path).unwrap();
        for n in 1..=3 {
            edit(&mut store, &format!("备份前{n}"));
        }
        drop(store);
        std::fs::copy(&path, &backup).unwrap();
        let mut store = Store::open(&path).unwrap();
        for n in 4..=8 {
            edit(&mut store, &format!("备份后{n}"));
        }
        store.all_ops().unwrap()
    };
    // The laptop's disk dies; the profile comes back from the older copy, its later ops from
    // the bundle it had exported.
    std::fs::copy(&backup, &path).unwrap();
    let mut store = Store::open(&path).unwrap();
    let report = store.import(&exported).unwrap();
    assert_eq!((report.new, report.duplicates), (5, 3));
    assert_eq!(report.returned_own, Some(ReturnedOwn { ops: 5, lowest: 4, highest: 8 }));
    assert_eq!(store.session(sid).unwrap().unwrap().item, "备份后8");
    let me = store.replica_id();
    assert_eq!(edit(&mut store, "恢复后"), OpId { replica: me, seq: 9 }, "no id used twice");
    drop(store);

    // Someone copies the profile to a second device and both keep writing: the same seq with
    // other content is refused.
    let copy = path_in(&dir, "copy");
    std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
    std::fs::copy(&path, &copy).unwrap();
    let mut original = Store::open(&path).unwrap();
    let mut twin = Store::open(&copy).unwrap();
    assert_eq!(edit(&mut original, "原机"), edit(&mut twin, "副本"));
    let before = state(&original);
    let report = original.import(&twin.all_ops().unwrap()).unwrap();
    assert_eq!(
        report.refused.iter().map(|r| (r.op.seq, r.problem.clone())).collect::<Vec<_>>(),
        vec![(10, Problem::IdClash)]
    );
    assert_eq!(state(&original), before);
}

// ---- the store thread imports and exports, with progress ----

fn many_findings(store: &mut Store, session: EntityId, n: u64) {
    let mut changes = vec![set(EntityKind::Session, session, sf::ITEM, Value::text("不动产登记"))];
    for i in 1..=n {
        let fid = id_at(2_000 + i, u128::from(i));
        changes.push(set(EntityKind::Finding, fid, ff::SESSION, Value::Ref(session)));
        changes.push(set(EntityKind::Finding, fid, ff::SEQ, Value::Int(i as i64)));
    }
    store.apply(&changes).unwrap();
}

fn events_until_closed(rx: &crossbeam_channel::Receiver<StoreEvent>) -> Vec<StoreEvent> {
    let mut out = Vec::new();
    while let Ok(event) = rx.recv_timeout(Duration::from_secs(120)) {
        let closed = event == StoreEvent::Closed;
        out.push(event);
        if closed {
            break;
        }
    }
    out
}

fn progress_of(events: &[StoreEvent], of: u64) -> Vec<(usize, usize)> {
    events
        .iter()
        .filter_map(|e| match e {
            StoreEvent::Progress { req, done, total } if *req == of => Some((*done, *total)),
            _ => None,
        })
        .collect()
}

#[test]
fn the_store_thread_imports_and_exports_with_progress_while_it_holds_the_profile() {
    let dir = tempfile::tempdir().unwrap();
    let mut source = open(&dir, "a");
    let sid = id_at(1_000, 1);
    many_findings(&mut source, sid, 1_500);
    let ops = source.all_ops().unwrap();
    assert!(ops.len() >= PROGRESS_MIN);

    let path_b = path_in(&dir, "b");
    let (tx, rx) = crossbeam_channel::unbounded();
    let handle = thread::spawn(Store::open(&path_b).unwrap(), move |e| {
        let _ = tx.send(e);
    });
    handle.send(StoreRequest::Import { req: 7, ops: ops.clone() });
    handle.send(StoreRequest::LoadFindings { session: sid });
    handle.send(StoreRequest::ExportSince { req: 8, vector: BTreeMap::new() });
    handle.send(StoreRequest::ExportSince { req: 9, vector: source.version_vector().unwrap() });
    handle.send(StoreRequest::Import { req: 10, ops: ops[..10].to_vec() });
    handle.shutdown();
    let events = events_until_closed(&rx);

    for req in [7, 8] {
        let steps = progress_of(&events, req);
        assert!(steps.len() >= 2, "req {req}: {steps:?}");
        assert!(steps.windows(2).all(|w| w[0].0 < w[1].0), "req {req}: done only grows: {steps:?}");
        assert!(steps.iter().all(|(_, total)| *total == ops.len()), "req {req}: {steps:?}");
        assert_eq!(steps.last().map(|s| s.0), Some(ops.len()), "req {req}");
    }
    assert!(progress_of(&events, 9).is_empty() && progress_of(&events, 10).is_empty(), "small ones are quiet");
    let finals: Vec<&StoreEvent> = events.iter().filter(|e| !matches!(e, StoreEvent::Progress { .. })).collect();
    assert!(matches!(finals[0], StoreEvent::Imported { req: 7, report } if report.new == ops.len()), "{:?}", finals[0]);
    assert!(matches!(finals[1], StoreEvent::Findings { findings, .. } if findings.len() == 1_500));
    assert!(matches!(finals[2], StoreEvent::Exported { req: 8, ops: out } if *out == ops));
    assert!(matches!(finals[3], StoreEvent::Exported { req: 9, ops: out } if out.is_empty()));
    assert!(
        matches!(finals[4], StoreEvent::Imported { req: 10, report } if report.new == 0 && report.duplicates == 10)
    );
    assert_eq!(finals[5], &StoreEvent::Closed);

    // Synchronously, `answer` gives the same final answer and drops the progress.
    let mut store = Store::open(&path_b).unwrap();
    let answered = thread::answer(&mut store, StoreRequest::ExportSince { req: 11, vector: BTreeMap::new() });
    assert!(matches!(answered, Some(StoreEvent::Exported { req: 11, ops: out }) if out.len() == ops.len()));
}

#[test]
fn an_import_the_disk_refuses_is_answered_and_writes_nothing_and_the_retry_lands() {
    let dir = tempfile::tempdir().unwrap();
    let mut source = open(&dir, "a");
    let sid = id_at(1_000, 1);
    many_findings(&mut source, sid, 20);
    let ops = source.all_ops().unwrap();

    let faults = tiyan::store::Faults::new();
    let store = Store::open_with_faults(&path_in(&dir, "b"), faults.clone()).unwrap();
    let (tx, rx) = crossbeam_channel::unbounded();
    let handle = thread::spawn(store, move |e| {
        let _ = tx.send(e);
    });
    faults.fail_writes_after(0);
    handle.send(StoreRequest::Import { req: 1, ops: ops.clone() });
    let first = rx.recv_timeout(Duration::from_secs(30)).unwrap();
    assert!(matches!(&first, StoreEvent::SyncFailed { req: 1, error } if error.is_io()), "{first:?}");
    faults.heal();
    handle.send(StoreRequest::Import { req: 2, ops: ops.clone() });
    handle.shutdown();
    let events = events_until_closed(&rx);
    assert!(matches!(&events[0], StoreEvent::Imported { req: 2, report } if report.new == ops.len()), "{events:?}");
}

// ---- 序号 when two replicas capture in one session ----

/// Captures a finding as the app does: the next 序号 this replica sees in the session.
fn capture(store: &mut Store, session: EntityId, id: EntityId, text: &str, now_ms: u64) {
    let max_seq = store.sessions().unwrap().into_iter().find(|s| s.session.id == session).unwrap().max_seq;
    store
        .apply_at(
            &[
                set(EntityKind::Finding, id, ff::SESSION, Value::Ref(session)),
                set(EntityKind::Finding, id, ff::SEQ, Value::Int(max_seq + 1)),
                set(EntityKind::Finding, id, ff::DESCRIPTION, Value::text(text)),
            ],
            now_ms,
        )
        .unwrap();
}

fn labels(store: &Store, session: EntityId) -> Vec<(EntityId, String)> {
    store.findings_of(session).unwrap().iter().map(|f| (f.id, f.seq_label())).collect()
}

fn assert_unique_and_true_to_the_number(findings: &[Finding]) {
    let shown: BTreeSet<String> = findings.iter().map(Finding::seq_label).collect();
    assert_eq!(shown.len(), findings.len(), "unique on screen: {shown:?}");
    for f in findings {
        assert_eq!(f.seq_label().trim_end_matches('\''), f.seq.to_string(), "the number itself never changes");
    }
}

#[test]
fn two_replicas_capturing_in_one_session_show_the_same_unique_numbers_after_merging_in_any_order() {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let path_a = home.path().join("甲").join("tiyan.redb");
    let mut a = Store::open(&path_a).unwrap();
    let mut b = open(&dir, "乙");
    let t = 1_750_000_000_000;
    let sid = id_at(t, 1);
    a.apply_at(&[set(EntityKind::Session, sid, sf::ITEM, Value::text("企业开办"))], t).unwrap();
    b.import(&a.all_ops().unwrap()).unwrap();

    // Both walk the same session on their own devices.
    let (a1, a2) = (id_at(t + 10, 11), id_at(t + 20, 12));
    let (b1, b2, b3) = (id_at(t + 15, 21), id_at(t + 25, 22), id_at(t + 35, 23));
    capture(&mut a, sid, a1, "甲：叫号屏不亮", t + 10);
    capture(&mut b, sid, b1, "乙：材料清单过期", t + 15);
    capture(&mut a, sid, a2, "甲：窗口无人", t + 20);
    capture(&mut b, sid, b2, "乙：等候超过一小时", t + 25);
    capture(&mut b, sid, b3, "乙：自助机故障", t + 35);
    assert_eq!(labels(&a, sid), vec![(a1, "1".into()), (a2, "2".into())]);

    // a takes b's ops twice; b takes a's backwards, one at a time, then all again.
    let (ops_a, ops_b) = (a.all_ops().unwrap(), b.all_ops().unwrap());
    a.import(&ops_b).unwrap();
    a.import(&ops_b).unwrap();
    for op in ops_a.iter().rev() {
        b.import(std::slice::from_ref(op)).unwrap();
    }
    b.import(&ops_a).unwrap();

    let expected = vec![
        (a1, "1".to_string()),
        (b1, "1'".to_string()),
        (a2, "2".to_string()),
        (b2, "2'".to_string()),
        (b3, "3".to_string()),
    ];
    assert_eq!(labels(&a, sid), expected, "the earlier capture of each number keeps it bare");
    assert_eq!(labels(&b, sid), expected, "the same on both replicas");
    assert_unique_and_true_to_the_number(&a.findings_of(sid).unwrap());
    assert_eq!(b.finding(b1).unwrap().unwrap().seq_label(), "1'");
    assert_eq!(a.all_findings().unwrap().iter().map(|f| (f.id, f.seq_label())).collect::<Vec<_>>(), expected);
    // The next capture takes a number nobody holds.
    assert_eq!(a.sessions().unwrap()[0].max_seq, 3);

    // The list command shows the labels too; JSON keeps `seq` a number.
    drop(a);
    let out = std::process::Command::new(BIN)
        .args(["--home", home.path().to_str().unwrap(), "--profile", "甲", "list", "findings", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows: Vec<(String, i64, String)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (f["id"].as_str().unwrap().into(), f["seq"].as_i64().unwrap(), f["seq_label"].as_str().unwrap().into())
        })
        .collect();
    assert_eq!(rows[1], (entity_id_string(b1), 1, "1'".to_string()));
    let mut a = Store::open(&path_a).unwrap();

    // Someone makes the numbers plain with an op; it travels like any other.
    let renumber = renumber_changes(&a.findings_of(sid).unwrap());
    assert_eq!(renumber.len(), 2);
    a.apply(&renumber).unwrap();
    b.import(&a.ops_since(&b.version_vector().unwrap()).unwrap()).unwrap();
    let plain =
        vec![(a1, "1".to_string()), (a2, "2".to_string()), (b3, "3".to_string()), (b1, "4".into()), (b2, "5".into())];
    assert_eq!(labels(&a, sid), plain);
    assert_eq!(labels(&b, sid), plain);
}

#[test]
fn deleting_the_first_of_two_equal_numbers_leaves_the_other_marked() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = open(&dir, "a");
    let mut b = open(&dir, "b");
    let sid = id_at(1_000, 1);
    a.apply_at(&[set(EntityKind::Session, sid, sf::ITEM, Value::text("婚姻登记"))], 1_000).unwrap();
    b.import(&a.all_ops().unwrap()).unwrap();
    let (fa, fb) = (id_at(2_000, 1), id_at(2_000, 2));
    capture(&mut a, sid, fa, "先", 2_000);
    capture(&mut b, sid, fb, "后", 3_000);
    b.import(&a.all_ops().unwrap()).unwrap();
    b.apply(&[set(EntityKind::Finding, fa, ff::DELETED, Value::Bool(true))]).unwrap();
    // What was shown as 1' stays 1': a person may have written it down.
    assert_eq!(labels(&b, sid), vec![(fb, "1'".to_string())]);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// Three replicas capture in one session and sync now and then; after every replica has
    /// every op (in a random order, with repeats), all show the same labels, each unique.
    #[test]
    fn captures_on_three_replicas_converge_to_the_same_unique_labels(
        steps in proptest::collection::vec((0..3usize, 0..4usize, 0..3usize), 1..14),
        shuffle_seed in any::<u64>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut replicas: Vec<Store> = (0..3).map(|i| open(&dir, &format!("r{i}"))).collect();
        let sid = id_at(1_000, 1);
        replicas[0].apply_at(&[set(EntityKind::Session, sid, sf::ITEM, Value::text("医保报销"))], 1_000).unwrap();
        let first = replicas[0].all_ops().unwrap();
        for r in &mut replicas[1..] {
            r.import(&first).unwrap();
        }
        let mut n = 0u64;
        for (who, what, to) in steps {
            if what < 3 {
                n += 1;
                capture(&mut replicas[who], sid, id_at(5_000 + n, u128::from(n)), "问题", 5_000 + n % 3);
            } else if who != to {
                let vector = replicas[to].version_vector().unwrap();
                let ops = replicas[who].ops_since(&vector).unwrap();
                let report = replicas[to].import(&ops).unwrap();
                prop_assert!(!report.is_refused());
            }
        }
        let mut all: Vec<Op> = replicas.iter().flat_map(|r| r.all_ops().unwrap()).collect();
        let mut rng = rand::rngs::StdRng::seed_from_u64(shuffle_seed);
        for r in &mut replicas {
            all.shuffle(&mut rng);
            for part in all.chunks(3) {
                prop_assert!(!r.import(part).unwrap().is_refused());
            }
        }
        let shown = labels(&replicas[0], sid);
        prop_assert_eq!(shown.len() as u64, n);
        assert_unique_and_true_to_the_number(&replicas[0].findings_of(sid).unwrap());
        for r in &replicas[1..] {
            prop_assert_eq!(&labels(r, sid), &shown);
            prop_assert_eq!(r.version_vector().unwrap(), replicas[0].version_vector().unwrap());
        }
    }
}

// ---- the heads table: migrated, checked ----

#[test]
fn a_version_4_store_gets_its_heads_from_the_log_and_check_compares_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = path_in(&dir, "old");
    let other = ReplicaId::from_u128(0xabc);
    let sid = id_at(1_000, 1);
    let (vector, heads) = {
        let mut store = Store::open(&path).unwrap();
        store.apply(&[set(EntityKind::Session, sid, sf::ITEM, Value::text("出行服务"))]).unwrap();
        // The other replica's seq 2 never arrived: its head stays at 1.
        let theirs: Vec<Op> = [1, 3]
            .into_iter()
            .map(|seq| {
                op(other, seq, 2_000 + seq, set(EntityKind::Session, sid, sf::WINDOW, Value::text("窗口")), vec![])
            })
            .collect();
        store.import(&theirs).unwrap();
        assert_eq!(store.heads().unwrap()[&other], Head { contiguous: 1, held: 2 });
        (store.version_vector().unwrap(), store.heads().unwrap())
    };
    with_raw_write(&path, |txn| {
        txn.delete_table(tables::HEADS).unwrap();
        let mut meta = txn.open_table(tables::META).unwrap();
        meta.insert(meta_key::SCHEMA_VERSION, codec::encode_schema_version(4).as_slice()).unwrap();
    });
    {
        let store = Store::open(&path).unwrap();
        assert_eq!(store.version_vector().unwrap(), vector);
        assert_eq!(store.heads().unwrap(), heads);
        assert!(store.check().unwrap().is_sound());
    }
    {
        let db = redb::Database::create(&path).unwrap();
        let txn = db.begin_read().unwrap();
        let meta = txn.open_table(tables::META).unwrap();
        let version = codec::decode_schema_version(meta.get(meta_key::SCHEMA_VERSION).unwrap().unwrap().value());
        assert_eq!(version.unwrap(), tiyan::store::SCHEMA_VERSION);
    }

    // A head that says more than the log holds is named by check.
    with_raw_write(&path, |txn| {
        let mut t = txn.open_table(tables::HEADS).unwrap();
        t.insert(other.as_u128(), (3, 3)).unwrap();
    });
    let report = Store::open_read_only(&path).unwrap().check().unwrap();
    assert!(
        report.problems.iter().any(|p| matches!(p, tiyan::store::check::Problem::Derived { table: "heads", .. })),
        "{report:?}"
    );
}
