//! Checklists in the store, on real redb files: pinning, one op per answer, merging answers
//! from two inspectors, removal, and the store thread's answer.

use std::path::PathBuf;

use tiyan::checklist::parse_template;
use tiyan::domain::checklist::field as cf;
use tiyan::domain::finding::field as ff;
use tiyan::domain::session::field as sf;
use tiyan::domain::{Answer, Change, Checklist, EntityId, EntityKind, Template, Value};
use tiyan::store::Store;
use tiyan::store::thread::{self, StoreEvent, StoreRequest};

fn fixture() -> Template {
    let text = std::fs::read_to_string("tests/fixtures/templates/valid.toml").unwrap();
    parse_template("valid.toml", &text).unwrap()
}

fn open(dir: &tempfile::TempDir, name: &str) -> Store {
    Store::open(&dir.path().join(name).join("store.redb")).unwrap()
}

fn path(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    dir.path().join(name).join("store.redb")
}

fn new_session(store: &mut Store) -> EntityId {
    let id = tiyan::domain::op::new_entity_id();
    store.apply(&[Change::set(EntityKind::Session, id, sf::ITEM, Value::text("企业开办"))]).unwrap();
    id
}

fn attach(store: &mut Store, session: EntityId, template: &Template) -> EntityId {
    let (id, changes) = Checklist::attach(tiyan::domain::op::new_entity_id(), session, template);
    store.apply(&changes).unwrap();
    id
}

#[test]
fn answers_and_notes_survive_a_reopen_one_op_each() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir, "a");
    let session = new_session(&mut store);
    let template = fixture();
    let id = attach(&mut store, session, &template);
    let before = store.op_count().unwrap();
    store.apply(&[Checklist::answer_change(id, "sat-steps", Some(&Answer::Fail))]).unwrap();
    store.apply(&[Checklist::answer_change(id, "sat-score", Some(&Answer::Score(4)))]).unwrap();
    store.apply(&[Checklist::answer_change(id, "conv-documents", Some(&Answer::Count(7)))]).unwrap();
    store.apply(&[Checklist::note_change(id, "conv-documents", "窗口要求复印件两份")]).unwrap();
    assert_eq!(store.op_count().unwrap(), before + 4);
    drop(store);

    let store = Store::open(&path(&dir, "a")).unwrap();
    let checklists = store.checklists_of(session).unwrap();
    assert_eq!(checklists.len(), 1);
    let c = &checklists[0];
    assert_eq!(c.template, template);
    assert_eq!(c.answer("sat-steps"), Some(&Answer::Fail));
    assert_eq!(c.answer("sat-score"), Some(&Answer::Score(4)));
    assert_eq!(c.answer("conv-documents"), Some(&Answer::Count(7)));
    assert_eq!(c.answer("conv-one-window"), None);
    assert_eq!(c.notes.get("conv-documents").map(String::as_str), Some("窗口要求复印件两份"));
    let r = c.result();
    assert_eq!((r.overall.answered, r.overall.total), (3, template.item_count()));
    assert_eq!(r.overall.pass_rate(), Some(0.0));
    assert_eq!(r.dimensions[0].average_score(), Some(4.0));
}

#[test]
fn a_pinned_template_does_not_change_when_the_file_does() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir, "a");
    let session = new_session(&mut store);
    let old = fixture();
    let old_id = attach(&mut store, session, &old);
    let mut newer = old.clone();
    newer.version += 1;
    newer.dimensions[0].items[0].text = "办理环节是否少于三个".into();
    let new_id = attach(&mut store, session, &newer);

    let checklists = store.checklists_of(session).unwrap();
    let find = |id| checklists.iter().find(|c| c.id == id).unwrap();
    assert_eq!(find(old_id).template, old);
    assert_eq!(find(new_id).template.dimensions[0].items[0].text, "办理环节是否少于三个");
}

#[test]
fn checklists_do_not_count_as_findings_and_removal_hides_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir, "a");
    let session = new_session(&mut store);
    let id = attach(&mut store, session, &fixture());
    let finding = tiyan::domain::op::new_entity_id();
    store
        .apply(&[
            Change::set(EntityKind::Finding, finding, ff::SESSION, Value::Ref(session)),
            Change::set(EntityKind::Finding, finding, ff::SEQ, Value::Int(1)),
            Change::set(EntityKind::Finding, finding, ff::DESCRIPTION, Value::text("办理环节过多")),
            Change::set(EntityKind::Finding, finding, ff::CHECKLIST, Value::Ref(id)),
            Change::set(EntityKind::Finding, finding, ff::CHECK_ITEM, Value::text("sat-steps")),
        ])
        .unwrap();
    let summary = &store.sessions().unwrap()[0];
    assert_eq!((summary.findings, summary.max_seq), (1, 1));
    let findings = store.findings_of(session).unwrap();
    assert_eq!(findings.len(), 1, "the checklist is not read as a finding");
    assert_eq!(findings[0].check, Some((id, "sat-steps".to_string())));

    store.apply(&[Change::set(EntityKind::Checklist, id, cf::DELETED, Value::Bool(true))]).unwrap();
    assert!(store.checklists_of(session).unwrap().is_empty());
    assert_eq!(store.findings_of(session).unwrap().len(), 1, "its findings stay");
}

#[test]
fn two_inspectors_answering_different_items_merge_without_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = open(&dir, "a");
    let mut b = open(&dir, "b");
    let session = new_session(&mut a);
    let id = attach(&mut a, session, &fixture());
    b.apply_ops(&a.all_ops().unwrap()).unwrap();

    a.apply(&[Checklist::answer_change(id, "sat-steps", Some(&Answer::Pass))]).unwrap();
    b.apply(&[Checklist::answer_change(id, "conv-one-window", Some(&Answer::No))]).unwrap();
    // Both answer the same item differently: that one is a conflict, shown until resolved.
    a.apply_at(&[Checklist::answer_change(id, "sat-score", Some(&Answer::Score(2)))], 9_000_000_000_000).unwrap();
    b.apply_at(&[Checklist::answer_change(id, "sat-score", Some(&Answer::Score(5)))], 9_000_000_000_000).unwrap();
    a.apply_ops(&b.all_ops().unwrap()).unwrap();
    b.apply_ops(&a.all_ops().unwrap()).unwrap();

    for store in [&a, &b] {
        let c = &store.checklists_of(session).unwrap()[0];
        assert_eq!(c.answer("sat-steps"), Some(&Answer::Pass));
        assert_eq!(c.answer("conv-one-window"), Some(&Answer::No));
        assert!(matches!(c.answer("sat-score"), Some(Answer::Score(2 | 5))));
        assert_eq!(c.conflicts, vec![cf::answer("sat-score")]);
        // Each value with the device that wrote it, for the pick list.
        let values = &c.conflict_values[0];
        assert_eq!(values.field, cf::answer("sat-score"));
        let mut held: Vec<(String, tiyan::domain::ReplicaId)> =
            values.values.iter().map(|v| (v.value.as_text().to_string(), v.replica)).collect();
        held.sort();
        let mut expected = vec![("score:2".to_string(), a.replica_id()), ("score:5".to_string(), b.replica_id())];
        expected.sort();
        assert_eq!(held, expected);
    }
    assert_eq!(a.checklists_of(session).unwrap(), b.checklists_of(session).unwrap());
}

#[test]
fn a_checklist_whose_template_cannot_be_read_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir, "a");
    let session = new_session(&mut store);
    let good = attach(&mut store, session, &fixture());
    let bad = tiyan::domain::op::new_entity_id();
    store
        .apply(&[
            Change::set(EntityKind::Checklist, bad, cf::SESSION, Value::Ref(session)),
            Change::set(EntityKind::Checklist, bad, cf::TEMPLATE, Value::text("{not json")),
        ])
        .unwrap();
    let ids: Vec<EntityId> = store.checklists_of(session).unwrap().iter().map(|c| c.id).collect();
    assert_eq!(ids, vec![good]);
}

#[test]
fn the_store_thread_answers_a_checklist_load() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir, "a");
    let session = new_session(&mut store);
    let id = attach(&mut store, session, &fixture());
    let (tx, rx) = crossbeam_channel::unbounded();
    let handle = thread::spawn(store, move |ev| {
        let _ = tx.send(ev);
    });
    handle.send(StoreRequest::Apply {
        req: 1,
        changes: vec![Checklist::answer_change(id, "sat-steps", Some(&Answer::NotApplicable))],
    });
    handle.send(StoreRequest::LoadChecklists { session });
    handle.shutdown();
    let events: Vec<StoreEvent> = rx.iter().collect();
    assert_eq!(events[0], StoreEvent::Saved { req: 1 });
    let StoreEvent::Checklists { session: s, checklists } = &events[1] else { panic!("{:?}", events[1]) };
    assert_eq!(*s, session);
    assert_eq!(checklists[0].answer("sat-steps"), Some(&Answer::NotApplicable));
}
