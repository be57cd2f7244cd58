//! Every finding read a session at a time on several threads (`Store::each_session_findings`)
//! comes back as one thread reading in turn would give it: sessions oldest first, each one's
//! findings by 序号, nothing deleted; with more sessions than are read ahead at once. A
//! refusal by the taker stops it, and a panic while making is a panic, not "damaged".

use tiyan::domain::finding::field as ff;
use tiyan::domain::session::field as sf;
use tiyan::domain::{Change, EntityId, EntityKind, Finding, Value};
use tiyan::store::Store;

/// Thursday 2026-11-26 10:30 UTC.
const NOW: i64 = 1_795_689_000_000;

fn store(dir: &tempfile::TempDir) -> Store {
    let mut store = Store::open(&dir.path().join("p").join("tiyan.redb")).unwrap();
    tiyan::demo::fill_at(&mut store, 40, 4, 11, NOW).unwrap();
    store
}

/// What the findings must be: sessions oldest first, each one's findings as `findings_of`
/// gives them, the deleted left out.
fn one_by_one(store: &Store) -> Vec<Vec<EntityId>> {
    let mut sessions: Vec<EntityId> = store.sessions().unwrap().into_iter().map(|s| s.session.id).collect();
    sessions.reverse();
    sessions
        .into_iter()
        .map(|s| store.findings_of(s).unwrap().into_iter().filter(|f| !f.deleted).map(|f| f.id).collect())
        .collect()
}

fn ids(findings: Vec<Finding>) -> Vec<EntityId> {
    findings.into_iter().map(|f| f.id).collect()
}

#[test]
fn sessions_come_in_order_each_whole_and_without_the_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store(&dir);
    let sessions = store.sessions().unwrap();
    assert_eq!(sessions.len(), 40);
    // One session deleted, one finding of another deleted.
    let gone = sessions[7].session.id;
    let other = sessions[20].session.id;
    let finding = store.findings_of(other).unwrap()[1].id;
    store
        .apply(&[
            Change::set(EntityKind::Session, gone, sf::DELETED, Value::Bool(true)),
            Change::set(EntityKind::Finding, finding, ff::DELETED, Value::Bool(true)),
        ])
        .unwrap();
    let expected = one_by_one(&store);
    assert_eq!(expected.len(), 39);
    assert!(expected.iter().flatten().all(|id| *id != finding));

    let mut got = Vec::new();
    let take = |batch: Vec<EntityId>| -> Result<(), ()> {
        got.push(batch);
        Ok(())
    };
    store.each_session_findings(ids, take).unwrap().unwrap();
    // Sessions left empty by the filter still come, in their place.
    assert_eq!(got, expected);
    assert_eq!(store.all_findings().unwrap().into_iter().map(|f| f.id).collect::<Vec<_>>(), expected.concat());
}

#[test]
fn a_refusal_by_the_taker_stops_the_reading_and_is_returned() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir);
    let mut taken = 0;
    let take = |_: Vec<EntityId>| -> Result<(), &str> {
        taken += 1;
        if taken == 3 { Err("the pipe is closed") } else { Ok(()) }
    };
    assert_eq!(store.each_session_findings(ids, take).unwrap(), Err("the pipe is closed"));
    assert_eq!(taken, 3);
}

#[test]
fn a_panic_while_making_is_a_panic_not_damage() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir);
    let seen = std::sync::atomic::AtomicUsize::new(0);
    let make = |findings: Vec<Finding>| {
        if seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 25 {
            panic!("a bug of ours");
        }
        findings.len()
    };
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        store.each_session_findings(make, |_| Ok::<(), ()>(()))
    }));
    let panic = outcome.expect_err("the panic reaches the caller");
    assert_eq!(panic.downcast_ref::<&str>(), Some(&"a bug of ours"));
}
