//! The store on real redb files in temporary directories.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use proptest::prelude::*;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use redb::{ReadableDatabase, ReadableTable};
use tiyan::domain::finding::field as ff;
use tiyan::domain::op::entity_id_string;
use tiyan::domain::session::field as sf;
use tiyan::domain::{Change, EntityId, EntityKind, Hlc, Op, OpId, OpPayload, Record, ReplicaId, Value};
use tiyan::store::codec::{self, MetaValue};
use tiyan::store::tables::{self, meta_key};
use tiyan::store::thread::{self, StoreEvent, StoreRequest};
use tiyan::store::{Lookup, SCHEMA_VERSION, Store, StoreError};

fn store_path(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("profile").join("store.redb")
}

/// A ULID with a chosen creation time, so "newest first" does not depend on the real clock.
fn id_at(ms: u64, random: u128) -> EntityId {
    ulid::Ulid::from_parts(ms, random).0
}

fn set(kind: EntityKind, entity: EntityId, field: &str, value: Value) -> Change {
    Change::set(kind, entity, field, value)
}

fn new_session(store: &mut Store, id: EntityId, item: &str) {
    store
        .apply(&[
            set(EntityKind::Session, id, sf::ITEM, Value::text(item)),
            set(EntityKind::Session, id, sf::PLACE, Value::text("市政务服务中心")),
            set(EntityKind::Session, id, sf::INSPECTORS, Value::TextList(vec!["王芳".into(), "李明".into()])),
        ])
        .unwrap();
}

fn new_finding(store: &mut Store, id: EntityId, session: EntityId, seq: i64, description: &str) {
    store
        .apply(&[
            set(EntityKind::Finding, id, ff::SESSION, Value::Ref(session)),
            set(EntityKind::Finding, id, ff::SEQ, Value::Int(seq)),
            set(EntityKind::Finding, id, ff::DESCRIPTION, Value::text(description)),
        ])
        .unwrap();
}

/// Opens the file with redb directly (the store must be closed) and runs `f` in one write
/// transaction.
fn with_raw_write(path: &Path, f: impl FnOnce(&redb::WriteTransaction)) {
    let db = redb::Database::create(path).unwrap();
    let txn = db.begin_write().unwrap();
    f(&txn);
    txn.commit().unwrap();
}

fn raw_schema_version(path: &Path) -> u32 {
    let db = redb::Database::create(path).unwrap();
    let txn = db.begin_read().unwrap();
    let meta = txn.open_table(tables::META).unwrap();
    let bytes = meta.get(meta_key::SCHEMA_VERSION).unwrap().unwrap();
    codec::decode_schema_version(bytes.value()).unwrap()
}

#[test]
fn create_then_reopen_keeps_data_and_replica() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(&dir);
    let sid = id_at(1_000, 1);
    let replica = {
        let mut store = Store::open(&path).unwrap();
        new_session(&mut store, sid, "不动产登记");
        store.replica_id()
    };
    let store = Store::open(&path).unwrap();
    assert_eq!(store.replica_id(), replica);
    assert_eq!(store.op_count().unwrap(), 3);
    let session = store.session(sid).unwrap().unwrap();
    assert_eq!(session.item, "不动产登记");
}

#[test]
fn session_and_findings_materialize_with_their_fields() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&store_path(&dir)).unwrap();
    let sid = id_at(1_000, 1);
    let fid = id_at(2_000, 2);
    new_session(&mut store, sid, "社保卡补办");
    new_finding(&mut store, fid, sid, 1, "叫号屏不显示窗口号");
    let deadline = chrono::NaiveDate::from_ymd_opt(2025, 3, 31).unwrap();
    store
        .apply(&[
            set(EntityKind::Finding, fid, ff::TAGS, Value::TextList(vec!["叫号".into()])),
            set(EntityKind::Finding, fid, ff::DEADLINE, Value::date(deadline)),
            set(EntityKind::Finding, fid, ff::STATUS, Value::text("confirmed")),
        ])
        .unwrap();

    let session = store.session(sid).unwrap().unwrap();
    assert_eq!(session.place, "市政务服务中心");
    assert_eq!(session.inspectors, vec!["王芳", "李明"]);
    assert!(session.conflicts.is_empty());

    let findings = store.findings_of(sid).unwrap();
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    assert_eq!((f.id, f.session_id, f.seq), (fid, sid, 1));
    assert_eq!(f.description, "叫号屏不显示窗口号");
    assert_eq!(f.tags, vec!["叫号"]);
    assert_eq!(f.deadline, Some(deadline));
    assert_eq!(f.status, tiyan::domain::FindingStatus::Confirmed);
    assert_eq!(store.all_findings().unwrap(), findings);
}

#[test]
fn apply_returns_contiguous_op_ids_and_empty_slice_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&store_path(&dir)).unwrap();
    let sid = id_at(1_000, 1);
    let ids = store
        .apply(&[
            set(EntityKind::Session, sid, sf::ITEM, Value::text("a")),
            set(EntityKind::Session, sid, sf::THEME, Value::text("b")),
        ])
        .unwrap();
    let replica = store.replica_id();
    assert_eq!(ids, vec![OpId { replica, seq: 1 }, OpId { replica, seq: 2 }]);
    assert_eq!(store.apply(&[]).unwrap(), vec![]);
    assert_eq!(store.op_count().unwrap(), 2);
    let next = store.apply(&[set(EntityKind::Session, sid, sf::ITEM, Value::text("c"))]).unwrap();
    assert_eq!(next, vec![OpId { replica, seq: 3 }]);
}

#[test]
fn editing_a_field_twice_leaves_one_live_value_and_both_ops() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&store_path(&dir)).unwrap();
    let sid = id_at(1_000, 1);
    let first = store.apply(&[set(EntityKind::Session, sid, sf::ITEM, Value::text("旧"))]).unwrap();
    let second = store.apply(&[set(EntityKind::Session, sid, sf::ITEM, Value::text("新"))]).unwrap();

    let record = store.record(EntityKind::Session, sid).unwrap().unwrap();
    assert_eq!(record.live_ops(sf::ITEM), second);
    assert_eq!(record.get(sf::ITEM), &Value::text("新"));
    assert!(record.conflicts().is_empty());

    let ops = store.all_ops().unwrap();
    assert_eq!(ops.len(), 2);
    let OpPayload::Set { supersedes, .. } = &ops[1].payload;
    assert_eq!(supersedes, &first);
    let OpPayload::Set { supersedes, .. } = &ops[0].payload;
    assert!(supersedes.is_empty());
}

#[test]
fn children_index_gives_counts_and_max_seq_and_follows_a_move() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&store_path(&dir)).unwrap();
    let (s1, s2) = (id_at(1_000, 1), id_at(2_000, 2));
    new_session(&mut store, s1, "一");
    new_session(&mut store, s2, "二");
    let (f1, f2, f3) = (id_at(3_000, 3), id_at(3_000, 4), id_at(3_000, 5));
    new_finding(&mut store, f1, s1, 1, "a");
    new_finding(&mut store, f2, s1, 2, "b");
    new_finding(&mut store, f3, s1, 7, "c");

    let summary = |store: &Store, id| store.sessions().unwrap().into_iter().find(|s| s.session.id == id).unwrap();
    assert_eq!((summary(&store, s1).findings, summary(&store, s1).max_seq), (3, 7));
    assert_eq!((summary(&store, s2).findings, summary(&store, s2).max_seq), (0, 0));

    store.apply(&[set(EntityKind::Finding, f3, ff::SESSION, Value::Ref(s2))]).unwrap();
    assert_eq!((summary(&store, s1).findings, summary(&store, s1).max_seq), (2, 2));
    assert_eq!((summary(&store, s2).findings, summary(&store, s2).max_seq), (1, 7));
    assert_eq!(store.findings_of(s2).unwrap().iter().map(|f| f.id).collect::<Vec<_>>(), vec![f3]);

    // findings_of orders by 序号, then id.
    store.apply(&[set(EntityKind::Finding, f1, ff::SEQ, Value::Int(9))]).unwrap();
    let order: Vec<_> = store.findings_of(s1).unwrap().iter().map(|f| f.id).collect();
    assert_eq!(order, vec![f2, f1]);
}

#[test]
fn sessions_are_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&store_path(&dir)).unwrap();
    let (old, mid, new) = (id_at(1_000, 9), id_at(2_000, 1), id_at(3_000, 5));
    new_session(&mut store, mid, "中");
    new_session(&mut store, new, "新");
    new_session(&mut store, old, "旧");
    let order: Vec<_> = store.sessions().unwrap().iter().map(|s| s.session.id).collect();
    assert_eq!(order, vec![new, mid, old]);
}

#[test]
fn deleted_sessions_and_findings_are_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&store_path(&dir)).unwrap();
    let (s1, s2) = (id_at(1_000, 1), id_at(2_000, 2));
    new_session(&mut store, s1, "留");
    new_session(&mut store, s2, "删");
    let (f1, f2) = (id_at(3_000, 1), id_at(3_000, 2));
    new_finding(&mut store, f1, s1, 1, "留");
    new_finding(&mut store, f2, s1, 2, "删");
    store
        .apply(&[
            set(EntityKind::Session, s2, sf::DELETED, Value::Bool(true)),
            set(EntityKind::Finding, f2, ff::DELETED, Value::Bool(true)),
        ])
        .unwrap();

    let sessions = store.sessions().unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].session.id, s1);
    // The count leaves out the deleted finding; its 序号 stays taken.
    assert_eq!((sessions[0].findings, sessions[0].max_seq), (1, 2));
    assert_eq!(store.findings_of(s1).unwrap().iter().map(|f| f.id).collect::<Vec<_>>(), vec![f1]);
    assert_eq!(store.all_findings().unwrap().len(), 1);
    // Still there, marked deleted: nothing is dropped.
    assert!(store.session(s2).unwrap().unwrap().deleted);
}

#[test]
fn the_clock_moves_forward_even_when_the_wall_clock_is_behind() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(&dir);
    let sid = id_at(1_000, 1);
    let change = || vec![set(EntityKind::Session, sid, sf::ITEM, Value::text("x"))];
    {
        let mut store = Store::open(&path).unwrap();
        store.apply_at(&change(), 5_000).unwrap();
        store.apply_at(&change(), 5_000).unwrap();
        store.apply_at(&change(), 4_000).unwrap();
    }
    // The last stamp survives a reopen.
    let mut store = Store::open(&path).unwrap();
    store.apply_at(&change(), 1_000).unwrap();
    store.apply_at(&change(), 9_000).unwrap();
    let stamps: Vec<Hlc> = store.all_ops().unwrap().iter().map(|op| op.hlc).collect();
    assert_eq!(
        stamps,
        vec![
            Hlc { wall_ms: 5_000, counter: 0 },
            Hlc { wall_ms: 5_000, counter: 1 },
            Hlc { wall_ms: 5_000, counter: 2 },
            Hlc { wall_ms: 5_000, counter: 3 },
            Hlc { wall_ms: 9_000, counter: 0 },
        ]
    );
}

#[test]
fn several_changes_in_one_apply_get_increasing_stamps() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&store_path(&dir)).unwrap();
    let sid = id_at(1_000, 1);
    store
        .apply_at(
            &[
                set(EntityKind::Session, sid, sf::ITEM, Value::text("a")),
                set(EntityKind::Session, sid, sf::ITEM, Value::text("b")),
            ],
            7,
        )
        .unwrap();
    let ops = store.all_ops().unwrap();
    assert!(ops[0].hlc < ops[1].hlc);
    // The second change of the same field in one slice supersedes the first.
    let record = store.record(EntityKind::Session, sid).unwrap().unwrap();
    assert_eq!(record.get(sf::ITEM), &Value::text("b"));
    assert_eq!(record.live_ops(sf::ITEM), vec![ops[1].id]);
}

#[test]
fn importing_twice_or_in_reverse_gives_the_same_records() {
    let dir = tempfile::tempdir().unwrap();
    let mut source = Store::open(&dir.path().join("a/store.redb")).unwrap();
    let sid = id_at(1_000, 1);
    new_session(&mut source, sid, "一");
    source.apply(&[set(EntityKind::Session, sid, sf::ITEM, Value::text("二"))]).unwrap();
    source.apply(&[set(EntityKind::Session, sid, sf::ITEM, Value::text("三"))]).unwrap();
    let ops = source.all_ops().unwrap();

    let mut forward = Store::open(&dir.path().join("b/store.redb")).unwrap();
    assert_eq!(forward.apply_ops(&ops).unwrap(), ops.len());
    assert_eq!(forward.apply_ops(&ops).unwrap(), 0);
    let mut reversed = Store::open(&dir.path().join("c/store.redb")).unwrap();
    let mut backwards = ops.clone();
    backwards.reverse();
    assert_eq!(reversed.apply_ops(&backwards).unwrap(), ops.len());

    let expected = source.all_records().unwrap();
    assert_eq!(forward.all_records().unwrap(), expected);
    assert_eq!(reversed.all_records().unwrap(), expected);
    // The superseded "一" and "二" did not come back to life in reverse order.
    assert_eq!(reversed.session(sid).unwrap().unwrap().item, "三");
    assert_eq!(forward.op_count().unwrap(), ops.len() as u64);
}

#[test]
fn importing_advances_the_clock_past_what_it_saw() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Store::open(&dir.path().join("a/store.redb")).unwrap();
    let mut b = Store::open(&dir.path().join("b/store.redb")).unwrap();
    let sid = id_at(1_000, 1);
    a.apply_at(&[set(EntityKind::Session, sid, sf::ITEM, Value::text("a"))], 50_000).unwrap();
    b.apply_ops(&a.all_ops().unwrap()).unwrap();
    b.apply_at(&[set(EntityKind::Session, sid, sf::ITEM, Value::text("b"))], 10).unwrap();
    let mine = b.ops_since(&BTreeMap::from([(a.replica_id(), u64::MAX)])).unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].hlc, Hlc { wall_ms: 50_000, counter: 1 });
    // Written after seeing a's op, b's op supersedes it: no conflict.
    assert!(b.record(EntityKind::Session, sid).unwrap().unwrap().conflicts().is_empty());
}

#[test]
fn our_own_ops_coming_back_do_not_get_their_ids_reused() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(&dir);
    let sid = id_at(1_000, 1);
    let mut store = Store::open(&path).unwrap();
    let replica = store.replica_id();
    let foreign_made = Op {
        id: OpId { replica, seq: 40 },
        hlc: Hlc { wall_ms: 3, counter: 0 },
        payload: OpPayload::Set {
            entity: sid,
            kind: EntityKind::Session,
            field: sf::THEME.into(),
            value: Value::text("回来"),
            supersedes: vec![],
        },
    };
    assert_eq!(store.apply_ops(&[foreign_made]).unwrap(), 1);
    let ids = store.apply(&[set(EntityKind::Session, sid, sf::ITEM, Value::text("x"))]).unwrap();
    assert_eq!(ids, vec![OpId { replica, seq: 41 }]);
}

#[test]
fn concurrent_edits_conflict_until_an_op_supersedes_both() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Store::open(&dir.path().join("a/store.redb")).unwrap();
    let mut b = Store::open(&dir.path().join("b/store.redb")).unwrap();
    let sid = id_at(1_000, 1);
    a.apply_at(&[set(EntityKind::Session, sid, sf::ITEM, Value::text("原"))], 100).unwrap();
    b.apply_ops(&a.all_ops().unwrap()).unwrap();

    // Same stamp on both sides: the replica id breaks the tie.
    let a_op = a.apply_at(&[set(EntityKind::Session, sid, sf::ITEM, Value::text("甲"))], 200).unwrap()[0];
    let b_op = b.apply_at(&[set(EntityKind::Session, sid, sf::ITEM, Value::text("乙"))], 200).unwrap()[0];
    a.apply_ops(&b.all_ops().unwrap()).unwrap();
    b.apply_ops(&a.all_ops().unwrap()).unwrap();

    let expected_winner = if (a_op.replica, a_op.seq) > (b_op.replica, b_op.seq) { "甲" } else { "乙" };
    for store in [&a, &b] {
        let record = store.record(EntityKind::Session, sid).unwrap().unwrap();
        assert_eq!(record.conflicts(), vec![sf::ITEM]);
        let mut live = record.live_ops(sf::ITEM);
        live.sort();
        let mut both = vec![a_op, b_op];
        both.sort();
        assert_eq!(live, both);
        let session = store.session(sid).unwrap().unwrap();
        assert_eq!(session.item, expected_winner);
        assert_eq!(session.conflicts, vec![sf::ITEM.to_string()]);
    }
    assert_eq!(a.all_records().unwrap(), b.all_records().unwrap());

    // Resolving on a: the new op supersedes both live values.
    let resolved = a.apply(&[set(EntityKind::Session, sid, sf::ITEM, Value::text("定"))]).unwrap();
    let resolving = a.all_ops().unwrap().into_iter().find(|op| op.id == resolved[0]).unwrap();
    let OpPayload::Set { supersedes, .. } = &resolving.payload;
    assert_eq!(supersedes.len(), 2);
    b.apply_ops(&a.all_ops().unwrap()).unwrap();
    for store in [&a, &b] {
        let record = store.record(EntityKind::Session, sid).unwrap().unwrap();
        assert!(record.conflicts().is_empty());
        assert_eq!(record.live_ops(sf::ITEM), resolved);
        assert_eq!(record.get(sf::ITEM), &Value::text("定"));
    }
}

#[test]
fn an_op_arriving_after_its_replacement_stays_dead() {
    let dir = tempfile::tempdir().unwrap();
    let mut source = Store::open(&dir.path().join("a/store.redb")).unwrap();
    let fid = id_at(1_000, 1);
    let (s1, s2) = (id_at(500, 1), id_at(600, 2));
    source.apply(&[set(EntityKind::Finding, fid, ff::SESSION, Value::Ref(s1))]).unwrap();
    source.apply(&[set(EntityKind::Finding, fid, ff::SESSION, Value::Ref(s2))]).unwrap();
    let ops = source.all_ops().unwrap();

    let mut late = Store::open(&dir.path().join("b/store.redb")).unwrap();
    late.apply_ops(&ops[1..]).unwrap();
    late.apply_ops(&ops[..1]).unwrap();
    let record = late.record(EntityKind::Finding, fid).unwrap().unwrap();
    assert_eq!(record.live_ops(ff::SESSION), vec![ops[1].id]);
    // The children index follows the live value only.
    assert!(late.findings_of(s1).unwrap().is_empty());
    assert_eq!(late.findings_of(s2).unwrap().len(), 1);
}

#[test]
fn a_corrupt_record_is_a_decode_error_naming_table_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(&dir);
    let (good, bad) = (id_at(1_000, 1), id_at(2_000, 2));
    {
        let mut store = Store::open(&path).unwrap();
        new_session(&mut store, good, "好");
        new_session(&mut store, bad, "坏");
    }
    with_raw_write(&path, |txn| {
        let mut records = txn.open_table(tables::RECORDS).unwrap();
        records.insert((EntityKind::Session.code(), bad), [0xffu8, 0xff, 0x07].as_slice()).unwrap();
    });
    let store = Store::open(&path).unwrap();
    let err = store.sessions().unwrap_err();
    let StoreError::Decode { table, key, .. } = &err else { panic!("expected Decode, got {err:?}") };
    assert_eq!(*table, "records");
    assert!(key.contains(&entity_id_string(bad)), "key {key}");
    assert!(err.to_string().contains(&entity_id_string(bad)));
    assert!(matches!(store.session(bad), Err(StoreError::Decode { .. })));
    assert_eq!(store.session(good).unwrap().unwrap().item, "好");
}

#[test]
fn trailing_bytes_after_a_record_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(&dir);
    let sid = id_at(1_000, 1);
    {
        let mut store = Store::open(&path).unwrap();
        new_session(&mut store, sid, "多");
    }
    with_raw_write(&path, |txn| {
        let mut records = txn.open_table(tables::RECORDS).unwrap();
        let key = (EntityKind::Session.code(), sid);
        let mut bytes = records.get(key).unwrap().unwrap().value().to_vec();
        bytes.push(0);
        records.insert(key, bytes.as_slice()).unwrap();
    });
    let store = Store::open(&path).unwrap();
    let err = store.record(EntityKind::Session, sid).unwrap_err();
    assert!(matches!(&err, StoreError::Decode { detail, .. } if detail.contains("trailing")), "{err:?}");
}

#[test]
fn a_second_open_is_refused_with_our_pid_until_the_first_closes() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(&dir);
    let first = Store::open(&path).unwrap();
    let pid_file = tiyan::store::pid_file_path(&path);
    assert!(pid_file.exists());
    match Store::open(&path) {
        Err(StoreError::AlreadyOpen { path: p, pid }) => {
            assert_eq!(p, path);
            assert_eq!(pid, Some(std::process::id()));
        }
        other => panic!("expected AlreadyOpen, got {other:?}"),
    }
    // The refused open left the pid file alone.
    assert!(pid_file.exists());
    drop(first);
    assert!(!pid_file.exists());
    assert!(Store::open(&path).is_ok());
}

#[test]
fn a_newer_schema_is_refused_and_the_file_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(&dir);
    {
        let mut store = Store::open(&path).unwrap();
        new_session(&mut store, id_at(1_000, 1), "新");
    }
    with_raw_write(&path, |txn| {
        let mut meta = txn.open_table(tables::META).unwrap();
        meta.insert(meta_key::SCHEMA_VERSION, codec::encode_schema_version(SCHEMA_VERSION + 1).as_slice()).unwrap();
    });
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert_eq!(err, StoreError::NewerSchema { found: SCHEMA_VERSION + 1, supported: SCHEMA_VERSION });
    // (assert! rather than assert_eq!: a failure would print the whole file)
    assert!(std::fs::read(&path).unwrap() == before, "the refused open changed the file");
    assert!(!tiyan::store::pid_file_path(&path).exists());
}

fn raw_op(replica: ReplicaId, seq: u64, wall_ms: u64, change: Change, supersedes: Vec<OpId>) -> Op {
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

#[test]
fn a_version_0_store_is_migrated_by_replaying_its_ops() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(&dir);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let replica = ReplicaId::from_u128(7);
    let other = ReplicaId::from_u128(9);
    let (sid, fid) = (id_at(1_000, 1), id_at(2_000, 2));
    let first = raw_op(replica, 1, 10, set(EntityKind::Session, sid, sf::ITEM, Value::text("旧")), vec![]);
    let ops = [
        first.clone(),
        raw_op(replica, 2, 20, set(EntityKind::Session, sid, sf::ITEM, Value::text("新")), vec![first.id]),
        raw_op(other, 1, 30, set(EntityKind::Finding, fid, ff::SESSION, Value::Ref(sid)), vec![]),
        raw_op(other, 2, 31, set(EntityKind::Finding, fid, ff::SEQ, Value::Int(1)), vec![]),
    ];
    with_raw_write(&path, |txn| {
        let mut meta = txn.open_table(tables::META).unwrap();
        meta.insert(meta_key::SCHEMA_VERSION, codec::encode_schema_version(0).as_slice()).unwrap();
        meta.insert(meta_key::REPLICA, codec::encode_meta(MetaValue::Replica(replica)).unwrap().as_slice()).unwrap();
        let mut table = txn.open_table(tables::OPS).unwrap();
        // Written out of replay order on purpose, as the first schemas wrote ops.
        for op in ops.iter().rev() {
            let bytes = codec::encode_op_v1(op).unwrap();
            table.insert((op.id.replica.as_u128(), op.id.seq), bytes.as_slice()).unwrap();
        }
    });

    {
        let mut store = Store::open(&path).unwrap();
        assert_eq!(store.replica_id(), replica);
        let sessions = store.sessions().unwrap();
        assert_eq!(sessions.len(), 1);
        assert_eq!(sessions[0].session.item, "新");
        assert_eq!((sessions[0].findings, sessions[0].max_seq), (1, 1));
        // The clock and seq continue after the log.
        let ids = store.apply_at(&[set(EntityKind::Session, sid, sf::THEME, Value::text("t"))], 0).unwrap();
        assert_eq!(ids, vec![OpId { replica, seq: 3 }]);
        let new_op = store.all_ops().unwrap().into_iter().find(|op| op.id == ids[0]).unwrap();
        assert_eq!(new_op.hlc, Hlc { wall_ms: 31, counter: 1 });
    }
    assert_eq!(raw_schema_version(&path), SCHEMA_VERSION);
}

#[cfg(unix)]
#[test]
fn the_profile_dir_is_0700_and_the_file_0600() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(&dir);
    let _store = Store::open(&path).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn ids_resolve_from_a_unique_prefix_in_any_case() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&store_path(&dir)).unwrap();
    let (a, b, c) = (id_at(1_000, 1), id_at(1_000, 2), id_at(9_000_000, 3));
    for id in [a, b, c] {
        new_session(&mut store, id, "x");
    }
    let text = |id| entity_id_string(id);
    assert_eq!(store.lookup_prefix(EntityKind::Session, &text(a)).unwrap(), Lookup::Found(a));
    let shared = &text(a)[..20];
    assert_eq!(&text(b)[..20], shared);
    match store.lookup_prefix(EntityKind::Session, shared).unwrap() {
        Lookup::Ambiguous { candidates, total } => {
            assert_eq!(total, 2);
            assert_eq!(candidates, vec![a, b]);
        }
        other => panic!("expected Ambiguous, got {other:?}"),
    }
    let c_prefix = text(c)[..10].to_lowercase();
    assert_eq!(store.lookup_prefix(EntityKind::Session, &c_prefix).unwrap(), Lookup::Found(c));
    assert_eq!(store.lookup_prefix(EntityKind::Finding, &text(a)).unwrap(), Lookup::NotFound);
    assert_eq!(store.lookup_prefix(EntityKind::Session, "").unwrap(), Lookup::NotFound);
    assert_eq!(store.lookup_prefix(EntityKind::Session, "01!").unwrap(), Lookup::NotFound);
    assert_eq!(store.lookup_prefix(EntityKind::Session, "Z").unwrap(), Lookup::NotFound);
    assert_eq!(store.find_by_prefix(EntityKind::Session, &c_prefix).unwrap(), Some(c));
    assert_eq!(store.find_by_prefix(EntityKind::Session, shared).unwrap(), None);
}

#[test]
fn ops_since_returns_what_a_peer_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&store_path(&dir)).unwrap();
    let sid = id_at(1_000, 1);
    new_session(&mut store, sid, "x");
    let me = store.replica_id();
    assert_eq!(store.ops_since(&BTreeMap::new()).unwrap().len(), 3);
    let rest = store.ops_since(&BTreeMap::from([(me, 2)])).unwrap();
    assert_eq!(rest.iter().map(|op| op.id.seq).collect::<Vec<_>>(), vec![3]);
}

fn collect_until_closed(events: &crossbeam_channel::Receiver<StoreEvent>) -> Vec<StoreEvent> {
    let mut out = Vec::new();
    while let Ok(event) = events.recv_timeout(Duration::from_secs(30)) {
        let closed = event == StoreEvent::Closed;
        out.push(event);
        if closed {
            break;
        }
    }
    out
}

#[test]
fn the_store_thread_acknowledges_after_commit_and_flushes_on_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(&dir);
    let sid = id_at(1_000, 1);
    let (tx, rx) = crossbeam_channel::unbounded();
    let handle = thread::spawn(Store::open(&path).unwrap(), move |e| {
        let _ = tx.send(e);
    });
    assert!(handle.send(StoreRequest::Apply {
        req: 1,
        changes: vec![set(EntityKind::Session, sid, sf::ITEM, Value::text("线程"))],
    }));
    assert_eq!(rx.recv_timeout(Duration::from_secs(30)).unwrap(), StoreEvent::Saved { req: 1 });
    assert!(handle.send(StoreRequest::LoadSessions));
    match rx.recv_timeout(Duration::from_secs(30)).unwrap() {
        StoreEvent::Sessions(s) => assert_eq!(s[0].session.item, "线程"),
        other => panic!("expected Sessions, got {other:?}"),
    }

    // Queue many saves, then shut down at once: all are committed before Closed.
    let sender = handle.sender();
    for req in 2..=21 {
        let fid = id_at(2_000, req as u128);
        sender
            .send(StoreRequest::Apply {
                req,
                changes: vec![
                    set(EntityKind::Finding, fid, ff::SESSION, Value::Ref(sid)),
                    set(EntityKind::Finding, fid, ff::SEQ, Value::Int(req as i64)),
                ],
            })
            .unwrap();
    }
    sender.send(StoreRequest::LoadFindings { session: sid }).unwrap();
    drop(sender);
    handle.shutdown();

    let events = collect_until_closed(&rx);
    let saved: Vec<u64> = events
        .iter()
        .filter_map(|e| match e {
            StoreEvent::Saved { req } => Some(*req),
            _ => None,
        })
        .collect();
    assert_eq!(saved, (2..=21).collect::<Vec<_>>());
    assert!(matches!(&events[20], StoreEvent::Findings { findings, .. } if findings.len() == 20));
    assert_eq!(events.last(), Some(&StoreEvent::Closed));
    // Closed means closed: the file opens again at once, with everything in it.
    let store = Store::open(&path).unwrap();
    assert_eq!(store.findings_of(sid).unwrap().len(), 20);
}

#[test]
fn a_failed_save_is_reported_with_its_request_number() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(&dir);
    let sid = id_at(1_000, 1);
    {
        let mut store = Store::open(&path).unwrap();
        new_session(&mut store, sid, "x");
    }
    // A corrupt record makes the next save of that entity fail to decode it.
    with_raw_write(&path, |txn| {
        let mut records = txn.open_table(tables::RECORDS).unwrap();
        records.insert((EntityKind::Session.code(), sid), [9u8].as_slice()).unwrap();
    });
    let (tx, rx) = crossbeam_channel::unbounded();
    let handle = thread::spawn(Store::open(&path).unwrap(), move |e| {
        let _ = tx.send(e);
    });
    handle
        .send(StoreRequest::Apply { req: 5, changes: vec![set(EntityKind::Session, sid, sf::ITEM, Value::text("y"))] });
    handle.send(StoreRequest::LoadSessions);
    handle.shutdown();
    let events = collect_until_closed(&rx);
    assert!(
        matches!(&events[0], StoreEvent::SaveFailed { req: 5, error } if error.to_string().contains(&entity_id_string(sid)))
    );
    assert!(matches!(&events[1], StoreEvent::LoadFailed(e) if e.to_string().contains("records")));
    // The failed transaction wrote nothing.
    assert_eq!(Store::open(&path).unwrap().op_count().unwrap(), 3);
}

// ---- convergence under any order of import ----

#[derive(Clone, Debug)]
enum Step {
    Edit { replica: usize, target: usize, field: usize, value: u8, now_ms: u64 },
    Sync,
}

const SESSIONS: [EntityId; 2] = [0x0100, 0x0200];
const FINDINGS: [EntityId; 2] = [0x0300, 0x0400];

fn edit_change(target: usize, field: usize, value: u8) -> Change {
    if target < 2 {
        let field = [sf::ITEM, sf::DELETED][field % 2];
        let value = if field == sf::DELETED { Value::Bool(value % 2 == 0) } else { Value::text(format!("v{value}")) };
        set(EntityKind::Session, SESSIONS[target], field, value)
    } else {
        let field = [ff::SESSION, ff::SEQ, ff::DELETED][field % 3];
        let value = match field {
            ff::SESSION => Value::Ref(SESSIONS[value as usize % 2]),
            ff::SEQ => Value::Int(value as i64),
            _ => Value::Bool(value % 2 == 0),
        };
        set(EntityKind::Finding, FINDINGS[target - 2], field, value)
    }
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0..2usize, 0..4usize, 0..3usize, any::<u8>(), 0..4u64)
            .prop_map(|(replica, target, field, value, now_ms)| Step::Edit { replica, target, field, value, now_ms }),
        1 => Just(Step::Sync),
    ]
}

fn views(store: &Store) -> (Vec<Record>, Vec<tiyan::domain::SessionSummary>, Vec<Vec<tiyan::domain::Finding>>) {
    let findings = SESSIONS.iter().map(|s| store.findings_of(*s).unwrap()).collect();
    (store.all_records().unwrap(), store.sessions().unwrap(), findings)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn any_import_order_and_duplication_converges(
        steps in proptest::collection::vec(step(), 1..16),
        shuffle_seed in any::<u64>(),
        chunk in 1..5usize,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut replicas = [
            Store::open(&dir.path().join("a/s.redb")).unwrap(),
            Store::open(&dir.path().join("b/s.redb")).unwrap(),
        ];
        for s in &steps {
            match s {
                Step::Edit { replica, target, field, value, now_ms } => {
                    replicas[*replica].apply_at(&[edit_change(*target, *field, *value)], *now_ms).unwrap();
                }
                Step::Sync => {
                    let (a, b) = (replicas[0].all_ops().unwrap(), replicas[1].all_ops().unwrap());
                    replicas[0].apply_ops(&b).unwrap();
                    replicas[1].apply_ops(&a).unwrap();
                }
            }
        }
        let mut union = replicas[0].all_ops().unwrap();
        union.extend(replicas[1].all_ops().unwrap());

        let mut sorted = union.clone();
        sorted.sort_by_key(|op| (op.hlc, op.id.replica, op.id.seq));
        sorted.dedup();
        let mut replayed = Store::open(&dir.path().join("sorted/s.redb")).unwrap();
        for op in &sorted {
            replayed.apply_ops(std::slice::from_ref(op)).unwrap();
        }

        let mut shuffled = union.clone();
        let mut rng = rand::rngs::StdRng::seed_from_u64(shuffle_seed);
        shuffled.shuffle(&mut rng);
        let mut scrambled = Store::open(&dir.path().join("shuffled/s.redb")).unwrap();
        for part in shuffled.chunks(chunk) {
            scrambled.apply_ops(part).unwrap();
        }
        // A repeated import changes nothing.
        prop_assert_eq!(scrambled.apply_ops(&union).unwrap(), 0);

        let expected = views(&replayed);
        prop_assert_eq!(&views(&scrambled), &expected);
        // Both replicas after a full exchange agree too.
        let (a, b) = (replicas[0].all_ops().unwrap(), replicas[1].all_ops().unwrap());
        replicas[0].apply_ops(&b).unwrap();
        replicas[1].apply_ops(&a).unwrap();
        prop_assert_eq!(&views(&replicas[0]), &expected);
        prop_assert_eq!(&views(&replicas[1]), &expected);
    }
}

#[test]
fn a_damaged_file_is_an_error_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(&dir);
    {
        let mut store = Store::open(&path).unwrap();
        for i in 0..40 {
            new_session(&mut store, id_at(1_000 + i, 1), "损坏测试");
        }
    }
    let good = std::fs::read(&path).unwrap();
    // Damage one stretch of every page in turn (some pages are free, so some opens succeed).
    let mut errors = 0;
    for offset in (0..good.len()).step_by(4096).flat_map(|page| [page, page + 64, page + 600]) {
        let mut bad = good.clone();
        let end = (offset + 64).min(bad.len());
        bad[offset..end].iter_mut().for_each(|b| *b ^= 0x5a);
        std::fs::write(&path, &bad).unwrap();
        if Store::open(&path).and_then(|s| s.sessions()).is_err() {
            errors += 1;
        }
    }
    assert!(errors > 0);
    std::fs::write(&path, "不是数据库").unwrap();
    assert!(matches!(Store::open(&path), Err(StoreError::Damaged { .. })));
    assert_eq!(std::fs::read(&path).unwrap(), "不是数据库".as_bytes(), "the damaged file is kept as it was");
}

// ---- a store file is whole or absent; damage is reported, never re-initialized ----

#[test]
fn an_empty_or_zeroed_store_file_is_damage_and_is_kept_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(&dir);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    // What a creation killed mid-way used to leave: nothing, or redb's 1 MiB of zeros.
    for content in [Vec::new(), vec![0u8; 1 << 20]] {
        std::fs::write(&path, &content).unwrap();
        for result in [Store::open(&path), Store::open_read_only(&path), Store::open_existing(&path)] {
            match result {
                Err(e @ StoreError::Damaged { .. }) => {
                    assert!(e.to_string().contains(&path.display().to_string()), "{e}");
                    assert!(e.to_string().contains("the file is kept"), "{e}");
                }
                other => panic!("a {}-byte file: {other:?}", content.len()),
            }
        }
        assert_eq!(std::fs::read(&path).unwrap(), content, "never re-initialized");
    }
}

#[test]
fn a_store_cut_after_its_first_page_is_damage_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(&dir);
    {
        let mut store = Store::open(&path).unwrap();
        for i in 0..20 {
            new_session(&mut store, id_at(1_000 + i, 1), "截断测试");
        }
    }
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[4096..].iter_mut().for_each(|b| *b = 0);
    std::fs::write(&path, &bytes).unwrap();
    let read = Store::open_read_only(&path).and_then(|s| s.sessions());
    assert!(matches!(read, Err(StoreError::Damaged { .. })), "{read:?}");
    assert!(matches!(Store::open(&path), Err(StoreError::Damaged { .. })));
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

#[test]
fn a_new_store_is_made_whole_under_another_name_and_moved_into_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(&dir);
    let store = Store::open(&path).unwrap();
    assert!(store.was_created());
    drop(store);
    let names: Vec<String> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, vec!["store.redb".to_string()], "no temporary file, no pid file left");
    let again = Store::open(&path).unwrap();
    assert!(!again.was_created());
}

// ---- reading writes nothing and needs no free space ----

#[test]
fn reading_creates_nothing_where_there_is_no_profile() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("does").join("not").join("exist").join("tiyan.redb");
    assert!(matches!(Store::open_read_only(&path), Err(StoreError::NoProfile { .. })));
    assert!(matches!(Store::open_existing(&path), Err(StoreError::NoProfile { .. })));
    assert!(!dir.path().join("does").exists(), "no directory was made");
}

#[test]
fn a_read_only_open_changes_no_byte_and_writes_no_pid_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(&dir);
    let sid = id_at(1_000, 1);
    {
        let mut store = Store::open(&path).unwrap();
        new_session(&mut store, sid, "只读");
        new_finding(&mut store, id_at(1_001, 2), sid, 1, "读取不写入");
    }
    let before = std::fs::read(&path).unwrap();
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    {
        let mut store = Store::open_read_only(&path).unwrap();
        assert!(!store.is_writable());
        assert_eq!(store.sessions().unwrap().len(), 1);
        assert_eq!(store.all_findings().unwrap().len(), 1);
        assert!(!tiyan::store::pid_file_path(&path).exists());
        let refused = store.apply(&[set(EntityKind::Session, sid, sf::ITEM, Value::text("改"))]);
        assert_eq!(refused, Err(StoreError::ReadOnly));
        // Two readers at once are fine.
        let other = Store::open_read_only(&path).unwrap();
        assert_eq!(other.op_count().unwrap(), store.op_count().unwrap());
    }
    assert_eq!(std::fs::read(&path).unwrap(), before, "not one byte changed");
    assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), modified);
}

#[test]
fn a_read_only_open_waits_for_no_writer_it_is_refused_while_one_holds_the_profile() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(&dir);
    let _writer = Store::open(&path).unwrap();
    assert!(matches!(Store::open_read_only(&path), Err(StoreError::AlreadyOpen { .. })));
}

// ---- after an I/O error the store reopens; nothing acknowledged is lost ----

/// Saves finding `n` of session `sid`; Ok when the store acknowledged it.
fn save_finding(store: &mut Store, sid: EntityId, n: u64) -> Result<(), StoreError> {
    let id = id_at(2_000 + n, u128::from(n));
    store
        .apply(&[
            set(EntityKind::Finding, id, ff::SESSION, Value::Ref(sid)),
            set(EntityKind::Finding, id, ff::SEQ, Value::Int(n as i64)),
            set(EntityKind::Finding, id, ff::DESCRIPTION, Value::text(format!("磁盘满时的问题 {n}"))),
        ])
        .map(|_| ())
}

fn descriptions(store: &Store, sid: EntityId) -> Vec<String> {
    store.findings_of(sid).unwrap().into_iter().map(|f| f.description).collect()
}

#[test]
fn a_failed_write_or_sync_is_not_acknowledged_and_the_retry_lands() {
    // Fail the k-th write (or sync) of one save, for every k a save makes, then heal.
    let mut failures = BTreeMap::new();
    for (kind, k) in (0..12).map(|k| ("write", k)).chain((0..4).map(|k| ("sync", k))) {
        let dir = tempfile::tempdir().unwrap();
        let path = store_path(&dir);
        let faults = tiyan::store::Faults::new();
        let sid = id_at(1_000, 1);
        let mut acknowledged = Vec::new();
        {
            let mut store = Store::open_with_faults(&path, faults.clone()).unwrap();
            new_session(&mut store, sid, "磁盘已满");
            for n in 1..=3 {
                save_finding(&mut store, sid, n).unwrap();
                acknowledged.push(format!("磁盘满时的问题 {n}"));
            }
            match kind {
                "write" => faults.fail_writes_after(k),
                _ => faults.fail_syncs_after(k),
            }
            let failed = save_finding(&mut store, sid, 4);
            *failures.entry(kind).or_insert(0) += usize::from(failed.is_err());
            // Still full: another try fails as well, and says so in the same words.
            let again = save_finding(&mut store, sid, 4);
            if let Err(e) = &failed {
                assert!(matches!(e, StoreError::NoSpace(_)), "{kind} {k}: {e:?}");
                assert!(again.is_err() || k > 0, "{kind} {k}: the disk is still full");
            } else {
                acknowledged.push("磁盘满时的问题 4".into());
            }
            faults.heal();
            // Space is freed: the retry lands in the same process, without a restart.
            let retry = save_finding(&mut store, sid, 4);
            assert!(retry.is_ok(), "{kind} {k}: the retry after freeing space: {retry:?}");
            if failed.is_err() {
                acknowledged.push("磁盘满时的问题 4".into());
            }
            save_finding(&mut store, sid, 5).unwrap();
            acknowledged.push("磁盘满时的问题 5".into());
            assert_eq!(descriptions(&store, sid), acknowledged, "{kind} {k}: as the user was told");
        }
        // And on disk, after closing: everything acknowledged, nothing twice.
        let store = Store::open(&path).unwrap();
        assert_eq!(descriptions(&store, sid), acknowledged, "{kind} {k}: after reopening");
    }
    assert!(failures["write"] > 0 && failures["sync"] > 0, "the faults were hit: {failures:?}");
}

#[test]
fn the_store_thread_answers_a_full_disk_in_words_and_saves_after_space_is_freed() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(&dir);
    let faults = tiyan::store::Faults::new();
    let sid = id_at(1_000, 1);
    let mut store = Store::open_with_faults(&path, faults.clone()).unwrap();
    new_session(&mut store, sid, "线程");
    let (tx, rx) = crossbeam_channel::unbounded();
    let handle = thread::spawn(store, move |e| {
        let _ = tx.send(e);
    });
    let finding = |n: i64| {
        let id = id_at(3_000, n as u128);
        vec![
            set(EntityKind::Finding, id, ff::SESSION, Value::Ref(sid)),
            set(EntityKind::Finding, id, ff::SEQ, Value::Int(n)),
            set(EntityKind::Finding, id, ff::DESCRIPTION, Value::text("重试")),
        ]
    };
    faults.fail_writes_after(0);
    handle.send(StoreRequest::Apply { req: 1, changes: finding(1) });
    let first = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    let StoreEvent::SaveFailed { req: 1, error } = first else { panic!("{first:?}") };
    let zh = tiyan::i18n::Strings::get(tiyan::i18n::Lang::Zh);
    assert!(error.localized(zh).contains("磁盘空间已满"), "{error:?}");
    faults.heal();
    handle.send(StoreRequest::Apply { req: 2, changes: finding(1) });
    handle.send(StoreRequest::LoadFindings { session: sid });
    handle.shutdown();
    let events = collect_until_closed(&rx);
    assert_eq!(events[0], StoreEvent::Saved { req: 2 });
    assert!(matches!(&events[1], StoreEvent::Findings { findings, .. } if findings.len() == 1));
}

// ---- tiyan check: every value read, the op log replayed against the records ----

#[test]
fn check_finds_a_sound_store_sound_and_names_what_is_damaged_or_inconsistent() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(&dir);
    let (s1, s2) = (id_at(1_000, 1), id_at(1_001, 2));
    {
        let mut store = Store::open(&path).unwrap();
        new_session(&mut store, s1, "企业开办");
        new_session(&mut store, s2, "医保报销");
        new_finding(&mut store, id_at(1_002, 3), s1, 1, "排队过长");
    }
    let report = Store::open_read_only(&path).unwrap().check().unwrap();
    assert!(report.is_sound(), "{report:?}");
    assert_eq!((report.ops, report.records), (9, 3));

    // One record that does not decode, one that decodes but says what the log does not, one
    // missing altogether.
    with_raw_write(&path, |txn| {
        let mut records = txn.open_table(tables::RECORDS).unwrap();
        records.insert((EntityKind::Session.code(), s1), [7u8, 7, 7].as_slice()).unwrap();
        let mut other = Record::new(s2, EntityKind::Session);
        other.fields.clear();
        let bytes = codec::encode_record(&other).unwrap();
        records.insert((EntityKind::Session.code(), s2), bytes.as_slice()).unwrap();
        records.remove((EntityKind::Finding.code(), id_at(1_002, 3))).unwrap();
    });
    let before = std::fs::read(&path).unwrap();
    let report = Store::open_read_only(&path).unwrap().check().unwrap();
    assert!(!report.is_sound());
    use tiyan::store::check::{Mismatch, Problem};
    let keyed = |p: &Problem| match p {
        Problem::Unreadable { table, key, .. } => format!("{table} {key} unreadable"),
        Problem::Derived { table, key, what } => format!("{table} {key} {what:?}"),
        Problem::MetaBehind { key, .. } => format!("meta {key}"),
        Problem::Pages => "pages".to_string(),
    };
    let seen: Vec<String> = report.problems.iter().map(keyed).collect();
    let name = |kind: &str, id: EntityId| format!("{kind} {}", entity_id_string(id));
    assert!(seen.contains(&format!("records {} unreadable", name("session", s1))), "{seen:?}");
    assert!(seen.contains(&format!("records {} {:?}", name("session", s2), Mismatch::Differs)), "{seen:?}");
    assert!(
        seen.contains(&format!("records {} {:?}", name("finding", id_at(1_002, 3)), Mismatch::Missing)),
        "{seen:?}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before, "checking changed nothing");
}

#[test]
fn check_verifies_every_page_checksum_and_reading_commands_do_not() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(&dir);
    {
        let mut store = Store::open(&path).unwrap();
        for i in 0..40 {
            new_session(&mut store, id_at(1_000 + i, 1), "校验和");
        }
    }
    let good = std::fs::read(&path).unwrap();
    let mut caught_by_pages_only = 0;
    for page in 1..good.len() / 4096 {
        let mut bad = good.clone();
        bad[page * 4096 + 300..page * 4096 + 308].iter_mut().for_each(|b| *b ^= 0x10);
        std::fs::write(&path, &bad).unwrap();
        let Ok(store) = Store::open_read_only(&path) else { continue };
        let reads_fine = store.sessions().is_ok();
        match store.check() {
            Ok(report) if report.problems.contains(&tiyan::store::check::Problem::Pages) => {
                caught_by_pages_only += usize::from(reads_fine);
            }
            Ok(report) => assert!(report.is_sound() || !report.problems.is_empty()),
            Err(e) => assert!(matches!(e, StoreError::Damaged { .. }), "{e:?}"),
        }
        assert_eq!(std::fs::read(&path).unwrap(), bad, "the check changed nothing");
    }
    assert!(caught_by_pages_only > 0, "some damage only the checksums see");
}

/// A migration rebuilds the derived tables in one transaction, so the old ones' pages become
/// free space inside the file; it is given back once the migration is done, so the file ends
/// no longer than it was (without that, it grows by about its size).
#[test]
fn a_migration_gives_back_the_space_it_freed() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(&dir);
    {
        let mut store = Store::open(&path).unwrap();
        tiyan::demo::fill_at(&mut store, 30, 10, 3, 1_795_689_000_000).unwrap();
    }
    let before_sessions = Store::open_read_only(&path).unwrap().sessions().unwrap();
    with_raw_write(&path, |txn| {
        let mut meta = txn.open_table(tables::META).unwrap();
        meta.insert(meta_key::SCHEMA_VERSION, codec::encode_schema_version(SCHEMA_VERSION - 1).as_slice()).unwrap();
    });
    let length = || std::fs::metadata(&path).unwrap().len();
    let before = length();
    drop(Store::open(&path).unwrap());
    assert_eq!(raw_schema_version(&path), SCHEMA_VERSION);
    assert!(length() <= before, "{} bytes after the migration, {before} before", length());
    let store = Store::open_read_only(&path).unwrap();
    assert_eq!(store.sessions().unwrap(), before_sessions);
    assert!(store.check().unwrap().is_sound());
}

/// The TUI's open (a smaller page cache) is the same store: what it writes, after a reopen
/// and through the commands' open, reads the same.
#[test]
fn the_screens_open_writes_and_reopens_the_same_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(&dir);
    let mut store = Store::open_for_screens(&path).unwrap();
    assert!(store.was_created());
    tiyan::demo::fill(&mut store, 3, 4, 1).unwrap();
    let written = store.all_findings().unwrap();
    assert_eq!(written.len(), 12);
    store.reopen().unwrap();
    let (session, id) = (id_at(1_000, 1), id_at(1_000, 2));
    new_session(&mut store, session, "企业开办");
    new_finding(&mut store, id, session, 1, "叫号屏不显示窗口号");
    let after = store.all_findings().unwrap();
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.all_findings().unwrap(), after);
    assert_eq!(after.len(), written.len() + 1);
}
