//! update() on checklists: attaching, answering by single keys, changing an answer, counts
//! and text through the entry, notes, next unanswered, and a failed item → a linked finding.

use crate::app_fixtures::*;
use ratatui::crossterm::event::KeyCode;
use tiyan::app::{Msg, Overlay, Pane, Screen, update};
use tiyan::domain::checklist::field as cf;
use tiyan::domain::finding::field as ff;
use tiyan::domain::{Answer, Change, EntityKind, Value};
use tiyan::i18n::Lang;
use tiyan::store::{StoreEvent, StoreRequest};

fn answer_of(changes: &[Change], item: &str) -> Option<Value> {
    changes.iter().find(|c| c.field == cf::answer(item)).map(|c| c.value.clone())
}

#[test]
fn adding_a_checklist_pins_the_template_and_opens_it() {
    let mut s = findings_screen(Lang::Zh, (80, 24));
    let session = s.sessions.list[0].session.id;
    update(&mut s, ch('a'));
    assert!(matches!(s.overlays.last(), Some(Overlay::TemplatePicker { .. })));
    update(&mut s, key(KeyCode::Down));
    let chosen = s.ctx.templates[1].template.clone().unwrap();
    let changes = applied(update(&mut s, key(KeyCode::Enter)));
    assert!(s.overlays.is_empty());
    let id = changes[0].entity;
    assert_eq!(s.screen, Screen::Checklist { session, checklist: id });
    assert!(changes.iter().all(|c| c.kind == EntityKind::Checklist && c.entity == id));
    let pinned = changes.iter().find(|c| c.field == cf::TEMPLATE).unwrap();
    let back: tiyan::domain::Template = serde_json::from_str(pinned.value.as_text()).unwrap();
    assert_eq!(back, chosen);
    assert!(changes.iter().any(|c| c.field == cf::SESSION && c.value == Value::Ref(session)));
}

#[test]
fn a_broken_template_cannot_be_picked() {
    let mut s = findings_screen(Lang::Zh, (80, 24));
    s.ctx.templates.insert(
        0,
        tiyan::app::TemplateChoice { label: "bad.toml".into(), template: Err("3:7: unknown answer kind".into()) },
    );
    update(&mut s, ch('a'));
    let effects = update(&mut s, key(KeyCode::Enter));
    assert!(requests(effects).is_empty());
    assert!(matches!(s.screen, Screen::SessionPage { .. }));
    assert!(s.notice.as_deref().unwrap().contains("3:7: unknown answer kind"));
}

#[test]
fn single_keys_answer_and_move_on_one_change_each() {
    let mut s = checklist_screen(Lang::Zh, (80, 24), checklist(id(T0, 0), &[]));
    assert!(matches!(s.screen, Screen::Checklist { .. }));
    assert_eq!(s.checklist.item_cursor, 0);
    let changes = applied(update(&mut s, ch('n')));
    assert_eq!(changes.len(), 1);
    assert_eq!(answer_of(&changes, "sat-steps"), Some(Value::text("fail")));
    assert_eq!(s.checklist.item_cursor, 0, "a failure stays put, ready for a finding");
    assert!(s.notice.as_deref().unwrap().contains('f'), "{:?}", s.notice);
    update(&mut s, key(KeyCode::Down));
    let changes = applied(update(&mut s, ch('4')));
    assert_eq!(answer_of(&changes, "sat-score"), Some(Value::text("score:4")));
    assert_eq!(s.checklist.item_cursor, 2, "any other answer moves on");
    // Item 3 is yes/no: y is yes.
    update(&mut s, key(KeyCode::Down));
    let changes = applied(update(&mut s, ch('y')));
    assert_eq!(answer_of(&changes, "conv-one-window"), Some(Value::text("yes")));
}

#[test]
fn a_key_that_does_not_fit_the_item_says_what_it_takes_and_saves_nothing() {
    let mut s = checklist_screen(Lang::Zh, (80, 24), checklist(id(T0, 0), &[]));
    let effects = update(&mut s, ch('3'));
    assert!(requests(effects).is_empty());
    assert_eq!(s.checklist.item_cursor, 0);
    assert!(s.notice.as_deref().unwrap().contains("通过"), "{:?}", s.notice);
    update(&mut s, key(KeyCode::Down));
    assert!(requests(update(&mut s, ch('y'))).is_empty(), "a score item takes digits");
    // Digits no binding takes still say what the item takes rather than nothing.
    s.notice = None;
    assert!(requests(update(&mut s, ch('7'))).is_empty());
    assert!(s.notice.as_deref().unwrap().contains("1-5"), "{:?}", s.notice);
}

#[test]
fn changing_an_answer_writes_the_new_one_and_clearing_writes_null() {
    let session = id(T0, 0);
    let mut s = checklist_screen(Lang::Zh, (80, 24), checklist(session, &[("sat-steps", Answer::Pass)]));
    // Opened on the first unanswered item; go back up to the answered one.
    assert_eq!(s.checklist.item_cursor, 1);
    update(&mut s, key(KeyCode::Up));
    let changes = applied(update(&mut s, ch('n')));
    assert_eq!(answer_of(&changes, "sat-steps"), Some(Value::text("fail")));
    update(&mut s, key(KeyCode::Up));
    let changes = applied(update(&mut s, key(KeyCode::Backspace)));
    assert_eq!(answer_of(&changes, "sat-steps"), Some(Value::Null));
}

#[test]
fn a_digit_on_a_count_item_opens_the_number_entry() {
    let mut s = checklist_screen(Lang::Zh, (80, 24), checklist(id(T0, 0), &[]));
    update(&mut s, key(KeyCode::Down));
    update(&mut s, key(KeyCode::Down));
    assert!(requests(update(&mut s, ch('1'))).is_empty());
    assert!(matches!(s.overlays.last(), Some(Overlay::Capture(_))));
    update(&mut s, ch('2'));
    let changes = applied(update(&mut s, key(KeyCode::Enter)));
    assert_eq!(answer_of(&changes, "conv-documents"), Some(Value::text("count:12")));
    assert!(s.overlays.is_empty());
    assert_eq!(s.checklist.item_cursor, 3);
}

#[test]
fn a_bad_count_keeps_the_entry_open_with_the_reason() {
    let mut s = checklist_screen(Lang::Zh, (80, 24), checklist(id(T0, 0), &[]));
    s.checklist.item_cursor = 2;
    update(&mut s, key(KeyCode::Enter));
    type_text(&mut s, "十二");
    let effects = update(&mut s, key(KeyCode::Enter));
    assert!(requests(effects).is_empty());
    let Some(Overlay::Capture(c)) = s.overlays.last() else { panic!("entry closed") };
    assert_eq!(c.input.text(), "十二", "the text stays");
    assert!(c.error.is_some());
}

#[test]
fn text_answers_and_notes_go_through_the_entry() {
    let mut s = checklist_screen(Lang::Zh, (80, 24), checklist(id(T0, 0), &[]));
    s.checklist.item_cursor = 4;
    update(&mut s, key(KeyCode::Enter));
    type_text(&mut s, "叫号屏不显示窗口号");
    let changes = applied(update(&mut s, key(KeyCode::Enter)));
    assert_eq!(answer_of(&changes, "conv-notes"), Some(Value::text("text:叫号屏不显示窗口号")));
    s.checklist.item_cursor = 0;
    update(&mut s, ch('m'));
    type_text(&mut s, "指南写三个环节");
    let changes = applied(update(&mut s, key(KeyCode::Enter)));
    assert_eq!(changes[0].field, cf::note("sat-steps"));
    assert_eq!(changes[0].value, Value::text("指南写三个环节"));
    assert_eq!(s.checklist.item_cursor, 0, "a note does not move the cursor");
}

#[test]
fn next_unanswered_skips_answered_items_and_wraps() {
    let answers = [("sat-score", Answer::Score(5)), ("conv-documents", Answer::Count(3))];
    let mut s = checklist_screen(Lang::Zh, (80, 24), checklist(id(T0, 0), &answers));
    assert_eq!(s.checklist.item_cursor, 0);
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(s.checklist.item_cursor, 3);
    update(&mut s, ch('u'));
    assert_eq!(s.checklist.item_cursor, 4);
    update(&mut s, ch('u'));
    assert_eq!(s.checklist.item_cursor, 0, "wraps round");
}

#[test]
fn a_failed_item_makes_a_prefilled_finding_linked_to_it() {
    let session = id(T0, 0);
    let c = checklist(session, &[("sat-steps", Answer::Fail)]);
    let checklist_id = c.id;
    let mut s = checklist_screen(Lang::Zh, (80, 24), c);
    s.checklist.item_cursor = 0;
    update(&mut s, ch('f'));
    let Some(Overlay::Capture(capture)) = s.overlays.last() else { panic!("no capture line") };
    assert_eq!(capture.input.text(), "办理环节过多", "the suggested finding text");
    type_text(&mut s, "（实际五个）");
    let changes = applied(update(&mut s, key(KeyCode::Enter)));
    let get = |f: &str| changes.iter().find(|c| c.field == f).map(|c| c.value.clone());
    assert_eq!(get(ff::DESCRIPTION), Some(Value::text("办理环节过多（实际五个）")));
    assert_eq!(get(ff::CHECKLIST), Some(Value::Ref(checklist_id)));
    assert_eq!(get(ff::CHECK_ITEM), Some(Value::text("sat-steps")));
    assert_eq!(get(ff::SEQ), Some(Value::Int(4)), "after the session's three findings");
    assert_eq!(get(ff::SESSION), Some(Value::Ref(session)));
}

#[test]
fn saves_on_a_checklist_reload_the_checklists_and_back_returns_to_its_pane() {
    let mut s = checklist_screen(Lang::Zh, (80, 24), checklist(id(T0, 0), &[]));
    let session = s.sessions.list[0].session.id;
    let effects = update(&mut s, ch('y'));
    let Some(StoreRequest::Apply { req, .. }) = requests(effects).into_iter().next() else { panic!() };
    let reloads = requests(update(&mut s, Msg::Store(StoreEvent::Saved { req })));
    assert_eq!(reloads, vec![StoreRequest::LoadChecklists { session }]);
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(s.screen, Screen::SessionPage { session });
    assert_eq!(s.page.pane, Pane::Checklists);
}

#[test]
fn removing_a_checklist_asks_first() {
    let mut s = findings_screen(Lang::Zh, (80, 24));
    let session = s.sessions.list[0].session.id;
    let c = checklist(session, &[]);
    let cid = c.id;
    update(&mut s, Msg::Store(StoreEvent::Checklists { session, checklists: vec![c] }));
    update(&mut s, key(KeyCode::Tab));
    assert!(requests(update(&mut s, ch('d'))).is_empty());
    let changes = applied(update(&mut s, ch('y')));
    assert_eq!(changes, vec![Change::set(EntityKind::Checklist, cid, cf::DELETED, Value::Bool(true))]);
}

#[test]
fn esc_on_an_untouched_prefilled_entry_closes_without_asking() {
    let session = id(T0, 0);
    let mut s = checklist_screen(Lang::Zh, (80, 24), checklist(session, &[("sat-steps", Answer::Fail)]));
    s.checklist.item_cursor = 0;
    update(&mut s, ch('f'));
    update(&mut s, key(KeyCode::Esc));
    assert!(s.overlays.is_empty(), "nothing typed, nothing to ask about");
    update(&mut s, ch('f'));
    type_text(&mut s, "，且无指引");
    update(&mut s, key(KeyCode::Esc));
    assert!(matches!(s.overlays.last(), Some(Overlay::Confirm(_))), "typed text is asked about");
}

#[test]
fn enter_on_an_empty_checklist_list_offers_the_templates() {
    let mut s = findings_screen(Lang::Zh, (80, 24));
    let session = s.sessions.list[0].session.id;
    update(&mut s, Msg::Store(StoreEvent::Checklists { session, checklists: vec![] }));
    update(&mut s, key(KeyCode::Tab));
    update(&mut s, key(KeyCode::Enter));
    assert!(matches!(s.overlays.last(), Some(Overlay::TemplatePicker { .. })), "not the finding editor");
    update(&mut s, ch('q'));
    assert!(s.overlays.is_empty() && !s.quitting, "q closes the list, not the program");
    assert!(requests(update(&mut s, ch('d'))).is_empty());
    assert!(s.overlays.is_empty(), "d on no checklist deletes no finding");
}

/// A session in a real store with the fixture checklist attached, its checklist open.
fn live_checklist() -> (crate::app_fixtures::live::Live, tiyan::domain::EntityId) {
    let mut l = crate::app_fixtures::live::Live::new(Lang::Zh, (80, 24), "张三");
    let session = id(T0, 500);
    let set = |f: &str, v: Value| Change::set(EntityKind::Session, session, f, v);
    l.seed(&[set("item", Value::text("不动产登记")), set("status", Value::text("open"))]);
    let (checklist, attach) =
        tiyan::domain::Checklist::attach(tiyan::domain::op::new_entity_id(), session, &fixture_template());
    l.seed(&attach);
    l.press(key(KeyCode::Enter));
    l.press(key(KeyCode::Tab));
    l.press(key(KeyCode::Enter));
    assert!(matches!(l.state.screen, Screen::Checklist { .. }));
    (l, checklist)
}

fn stored_answer(
    l: &crate::app_fixtures::live::Live,
    checklist: tiyan::domain::EntityId,
    item: &str,
) -> Option<Answer> {
    let c = l.store.checklists_of(l.state.sessions.list[0].session.id).unwrap();
    c.into_iter().find(|c| c.id == checklist).and_then(|c| c.answer(item).cloned())
}

#[test]
fn a_finding_made_from_a_failed_item_moves_on_so_the_next_key_answers_the_next_item() {
    let (mut l, checklist) = live_checklist();
    l.press(ch('n'));
    l.press(ch('f'));
    l.press(key(KeyCode::Enter));
    assert_eq!(l.state.checklist.item_cursor, 1, "on to the next item once the finding is made");
    // The next answer lands on the next item; the failure and its finding stand.
    l.press(ch('4'));
    assert_eq!(stored_answer(&l, checklist, "sat-steps"), Some(Answer::Fail));
    assert_eq!(stored_answer(&l, checklist, "sat-score"), Some(Answer::Score(4)));
}

#[test]
fn changing_the_answer_of_an_item_with_a_finding_asks_first() {
    let (mut l, checklist) = live_checklist();
    l.press(ch('n'));
    l.press(ch('f'));
    l.press(key(KeyCode::Enter));
    l.press(key(KeyCode::Up));
    assert!(l.press(ch('y')).is_empty(), "nothing written before the answer");
    let Some(Overlay::Confirm(c)) = l.state.overlays.last() else { panic!("no question") };
    assert!(
        c.question.contains("问题 1") && c.question.contains("不通过") && c.question.contains("通过"),
        "{}",
        c.question
    );
    // Enter is No: the failure stays, and so does the pass rate.
    l.press(key(KeyCode::Enter));
    assert_eq!(stored_answer(&l, checklist, "sat-steps"), Some(Answer::Fail));
    // Clearing asks too; y changes it.
    l.press(key(KeyCode::Backspace));
    assert!(matches!(l.state.overlays.last(), Some(Overlay::Confirm(_))));
    l.press(ch('n'));
    l.press(ch('y'));
    l.press(ch('y'));
    assert_eq!(stored_answer(&l, checklist, "sat-steps"), Some(Answer::Pass));
    // The same answer again asks nothing; an item without findings never asks.
    l.press(key(KeyCode::Up));
    l.press(ch('y'));
    assert!(l.state.overlays.is_empty());
}

#[test]
fn on_the_checklist_pane_nothing_acts_on_a_finding_and_the_hints_say_so() {
    let mut s = findings_screen(Lang::Zh, (80, 24));
    s.inspector = "张三".into();
    let session = s.sessions.list[0].session.id;
    update(&mut s, Msg::Store(StoreEvent::Checklists { session, checklists: vec![checklist(session, &[])] }));
    // Back from a checklist: its pane has the cursor, no finding is highlighted.
    update(&mut s, key(KeyCode::Tab));
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(s.page.pane, Pane::Checklists);
    assert_eq!(s.selected_finding(), None);
    assert!(requests(update(&mut s, ch('m'))).is_empty());
    assert!(s.overlays.is_empty(), "no move picker for a finding nobody sees selected");
    assert!(s.notice.as_deref().unwrap().contains("Tab"), "{:?}", s.notice);
    let bottom = |s: &tiyan::app::State| text(&render(s)).lines().last().unwrap().to_string();
    s.notice = None;
    let hints = bottom(&s);
    assert!(hints.contains("打开检查表") && !hints.contains("改状态"), "{hints}");
    update(&mut s, key(KeyCode::Tab));
    let hints = bottom(&s);
    assert!(hints.contains("改状态") && !hints.contains("打开检查表"), "{hints}");
    update(&mut s, ch('m'));
    assert!(matches!(s.overlays.last(), Some(Overlay::MovePicker { .. })));
    update(&mut s, key(KeyCode::Esc));
    // Leaving the session and opening it again starts on its findings.
    update(&mut s, key(KeyCode::Tab));
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.page.pane, Pane::Findings);
}

#[test]
fn the_keys_of_a_count_item_are_said_once() {
    let mut s = checklist_screen(Lang::Zh, (100, 24), checklist(id(T0, 0), &[]));
    s.checklist.item_cursor = 2;
    update(&mut s, ch('y'));
    let status = text(&render(&s)).lines().last().unwrap().to_string();
    assert!(status.starts_with("此项这样作答：0-9 输入数量"), "{status}");
    assert_eq!(status.matches("0-9 输入数量").count(), 1, "{status}");
}

/// An item answered differently on two devices: `r` lists both answers, each with who wrote
/// it and when, and keeping one writes it again (an op over both).
#[test]
fn r_on_a_conflicting_item_keeps_one_answer() {
    use tiyan::domain::finding::{ConflictField, ConflictValue};
    let mut c = checklist(id(T0, 0), &[("sat-score", Answer::Score(5))]);
    let field = cf::answer("sat-score");
    let device = |n: u128| tiyan::domain::ReplicaId::from_u128(n);
    c.conflicts = vec![field.clone()];
    c.conflict_values = vec![ConflictField {
        field: field.clone(),
        values: vec![
            ConflictValue { value: Value::text("score:2"), replica: device(1), wall_ms: T0 },
            ConflictValue { value: Value::text("score:5"), replica: device(2), wall_ms: T0 + 60_000 },
        ],
    }];
    let mut s = checklist_screen(Lang::Zh, (80, 24), c);
    // On another item: the checklist's first conflict is offered all the same.
    update(&mut s, key(KeyCode::Down));
    update(&mut s, ch('r'));
    let Some(Overlay::ResolvePicker { field: offered, .. }) = s.overlays.last() else { panic!("no pick list") };
    assert_eq!(offered, &field);
    let screen = text(&render(&s));
    for line in ["1 5分  (", "2 2分  ("] {
        assert!(screen.contains(line), "each answer with who and when:\n{screen}");
    }
    assert!(screen.contains("2026-11-26 09:30"), "{screen}");
    // The newest first: Down, Enter keeps the other.
    update(&mut s, key(KeyCode::Down));
    let changes = applied(update(&mut s, key(KeyCode::Enter)));
    assert!(s.overlays.is_empty());
    assert_eq!(answer_of(&changes, "sat-score"), Some(Value::text("score:2")));
}

#[test]
fn r_without_a_conflict_says_so() {
    let mut s = checklist_screen(Lang::Zh, (80, 24), checklist(id(T0, 0), &[]));
    let effects = update(&mut s, ch('r'));
    assert!(requests(effects).is_empty() && s.overlays.is_empty());
    assert!(s.notice.is_some());
}
