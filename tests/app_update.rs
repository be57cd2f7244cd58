//! The core, without a terminal: messages in, state and effects out.

mod app_fixtures;

use app_fixtures::*;
use ratatui::crossterm::event::KeyCode;
use tiyan::app::state::ConfirmAction;
use tiyan::app::{Effect, Msg, Overlay, SaveStatus, Screen, update};
use tiyan::domain::Value;
use tiyan::i18n::Lang;
use tiyan::store::{StoreEvent, StoreRequest};
use tiyan::term::signals::Signal;

fn field<'a>(changes: &'a [tiyan::domain::Change], name: &str) -> Option<&'a Value> {
    changes.iter().find(|c| c.field == name).map(|c| &c.value)
}

#[test]
fn a_finding_costs_one_key_the_text_and_enter() {
    let mut s = state_with_sessions(Lang::Zh, (80, 24));
    let session = s.sessions[0].session.id;
    update(&mut s, ch('c'));
    assert!(matches!(s.overlays.last(), Some(Overlay::Capture(_))));
    type_text(&mut s, "叫号屏不显示window号");
    let reqs = requests(update(&mut s, key(KeyCode::Enter)));
    assert!(s.overlays.is_empty(), "capture closes and returns where we were");
    assert_eq!(s.screen, Screen::Sessions);
    let [StoreRequest::Apply { req, changes }] = reqs.as_slice() else { panic!("one Apply, got {reqs:?}") };
    assert_eq!(field(changes, "description"), Some(&Value::text("叫号屏不显示window号")));
    assert_eq!(field(changes, "session"), Some(&Value::Ref(session)));
    assert_eq!(field(changes, "seq"), Some(&Value::Int(4)), "next 序号 after the session's 3");
    assert_eq!(field(changes, "status"), Some(&Value::text("found")));
    let id = changes[0].entity;
    assert_eq!(s.save_status.get(&id), Some(&SaveStatus::Saving));

    // Shown as saved only once the store acknowledges, and the lists are reloaded.
    let reqs = requests(update(&mut s, Msg::Store(StoreEvent::Saved { req: *req })));
    assert_eq!(s.save_status.get(&id), Some(&SaveStatus::Saved));
    assert!(reqs.iter().any(|r| matches!(r, StoreRequest::LoadSessions)));
}

#[test]
fn capture_in_a_session_attaches_to_that_session() {
    let mut s = state_with_sessions(Lang::Zh, (80, 24));
    update(&mut s, ch('j'));
    let second = s.sessions[1].session.id;
    let reqs = requests(update(&mut s, key(KeyCode::Enter)));
    assert_eq!(s.screen, Screen::Findings { session: second });
    assert!(matches!(
        reqs.as_slice(),
        [StoreRequest::LoadFindings { session }, StoreRequest::LoadChecklists { session: s2 }]
            if *session == second && *s2 == second
    ));
    update(&mut s, ch('c'));
    type_text(&mut s, "材料清单与窗口要求不一致");
    let reqs = requests(update(&mut s, key(KeyCode::Enter)));
    let [StoreRequest::Apply { changes, .. }] = reqs.as_slice() else { panic!() };
    assert_eq!(field(changes, "session"), Some(&Value::Ref(second)));
    assert_eq!(s.screen, Screen::Findings { session: second });
}

#[test]
fn esc_with_typed_text_asks_once_before_discarding() {
    let mut s = state_with_sessions(Lang::Zh, (80, 24));
    update(&mut s, ch('c'));
    type_text(&mut s, "态度生硬");
    update(&mut s, key(KeyCode::Esc));
    assert!(matches!(s.overlays.last(), Some(Overlay::Confirm(c)) if c.action == ConfirmAction::DiscardOverlay));
    update(&mut s, ch('n'));
    match s.overlays.last() {
        Some(Overlay::Capture(c)) => assert_eq!(c.input.text(), "态度生硬", "'no' keeps the text"),
        _ => panic!("capture line should still be open"),
    }
    update(&mut s, key(KeyCode::Esc));
    let effects = update(&mut s, ch('y'));
    assert!(effects.is_empty() && s.overlays.is_empty(), "discarded, nothing saved");
    // Esc on an empty line just closes.
    update(&mut s, ch('c'));
    update(&mut s, key(KeyCode::Esc));
    assert!(s.overlays.is_empty());
}

#[test]
fn a_failed_commit_brings_the_text_back() {
    let mut s = state_with_sessions(Lang::Zh, (80, 24));
    update(&mut s, ch('c'));
    type_text(&mut s, "自助机故障无人处理");
    let reqs = requests(update(&mut s, key(KeyCode::Enter)));
    let [StoreRequest::Apply { req, changes }] = reqs.as_slice() else { panic!() };
    let id = changes[0].entity;
    let error = tiyan::store::StoreError::NoSpace("No space left on device".into());
    update(&mut s, Msg::Store(StoreEvent::SaveFailed { req: *req, error }));
    // Said in Chinese, with what to do; the OS's English text is not shown.
    assert!(
        matches!(s.save_status.get(&id), Some(SaveStatus::Failed(e)) if e.contains("磁盘空间已满") && e.contains("腾出空间"))
    );
    match s.overlays.last() {
        Some(Overlay::Capture(c)) => assert_eq!(c.input.text(), "自助机故障无人处理"),
        _ => panic!("the capture line comes back with its text"),
    }
    assert!(s.notice.as_deref().is_some_and(|n| n.contains("磁盘空间已满") && !n.contains("No space")));
}

#[test]
fn capture_without_any_session_says_so() {
    let mut s = tiyan::app::State::new(context(Lang::Zh), (80, 24));
    update(&mut s, Msg::Store(StoreEvent::Sessions(vec![])));
    let effects = update(&mut s, ch('c'));
    assert!(effects.is_empty() && s.overlays.is_empty());
    assert!(s.notice.is_some());
}

#[test]
fn new_session_form_saves_typed_and_picked_fields() {
    let mut s = state_with_sessions(Lang::Zh, (80, 24));
    update(&mut s, ch('n'));
    let Some(Overlay::Form(_)) = s.overlays.last() else { panic!("form opens") };
    type_text(&mut s, "婚姻登记");
    update(&mut s, key(KeyCode::Tab));
    // The mode field was prefilled from the newest session; replace it by picking.
    update(&mut s, ctrl('u'));
    type_text(&mut s, "亲身");
    update(&mut s, ctrl('p'));
    update(&mut s, key(KeyCode::Enter));
    let reqs = requests(update(&mut s, ctrl('s')));
    let [StoreRequest::Apply { changes, .. }] = reqs.as_slice() else { panic!("{reqs:?}") };
    assert_eq!(field(changes, "item"), Some(&Value::text("婚姻登记")));
    let mode = field(changes, "mode").expect("mode").as_text().to_string();
    assert!(!mode.is_empty() && mode.is_ascii(), "picked mode stored as its code, got {mode}");
    assert_eq!(field(changes, "status"), Some(&Value::text("open")));
    assert_eq!(field(changes, "inspectors"), Some(&Value::TextList(vec!["王建国".into(), "李秀英".into()])));
    assert!(s.overlays.is_empty());
}

#[test]
fn a_form_with_errors_names_the_field_and_saves_nothing() {
    let mut s = findings_screen(Lang::Zh, (80, 24));
    update(&mut s, ch('n'));
    assert!(requests(update(&mut s, ctrl('s'))).is_empty(), "empty description refused");
    let Some(Overlay::Form(f)) = s.overlays.last() else { panic!() };
    assert_eq!(f.error.as_ref().map(|e| e.0), Some(0));
    type_text(&mut s, "窗口人员离岗");
    for _ in 0..6 {
        update(&mut s, key(KeyCode::Tab));
    }
    type_text(&mut s, "2026-02-30");
    assert!(requests(update(&mut s, ctrl('s'))).is_empty(), "impossible date refused");
    let Some(Overlay::Form(f)) = s.overlays.last() else { panic!() };
    assert_eq!(f.error.as_ref().map(|e| e.0), Some(6), "the deadline field is named");
    update(&mut s, ctrl('u'));
    type_text(&mut s, "2026/12/31");
    let reqs = requests(update(&mut s, ctrl('s')));
    let [StoreRequest::Apply { changes, .. }] = reqs.as_slice() else { panic!() };
    assert_eq!(field(changes, "seq"), Some(&Value::Int(4)));
    assert_eq!(field(changes, "deadline"), Some(&Value::date(chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap())));
}

#[test]
fn editing_writes_only_the_changed_fields() {
    let mut s = findings_screen(Lang::Zh, (80, 24));
    update(&mut s, ch('j'));
    update(&mut s, ch('e'));
    update(&mut s, key(KeyCode::End));
    type_text(&mut s, "，需补充");
    let reqs = requests(update(&mut s, ctrl('s')));
    let [StoreRequest::Apply { changes, .. }] = reqs.as_slice() else { panic!() };
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].field, "description");
    assert_eq!(changes[0].value, Value::text("窗口要求重复提交营业执照复印件，办事指南未列明，需补充"));
}

#[test]
fn esc_in_a_changed_form_asks_first() {
    let mut s = state_with_sessions(Lang::Zh, (80, 24));
    update(&mut s, ch('e'));
    update(&mut s, key(KeyCode::Esc));
    assert!(s.overlays.is_empty(), "unchanged form closes at once");
    update(&mut s, ch('e'));
    type_text(&mut s, "变更");
    update(&mut s, key(KeyCode::Esc));
    assert!(matches!(s.overlays.last(), Some(Overlay::Confirm(_))));
}

#[test]
fn quit_keys_and_signals_quit_and_flush() {
    let mut s = state_with_sessions(Lang::Zh, (80, 24));
    assert!(matches!(update(&mut s, ch('q')).as_slice(), [Effect::Quit]));
    let mut s = state_with_sessions(Lang::Zh, (80, 24));
    assert!(matches!(update(&mut s, ctrl('c')).as_slice(), [Effect::Quit]));
    let mut s = state_with_sessions(Lang::Zh, (80, 24));
    assert!(matches!(update(&mut s, Msg::Signal(Signal::Hangup)).as_slice(), [Effect::Quit]));
    let mut s = state_with_sessions(Lang::Zh, (80, 24));
    assert!(matches!(update(&mut s, Msg::InputClosed("eof".into())).as_slice(), [Effect::Quit]));
}

#[test]
fn q_is_text_while_typing_and_ctrl_c_asks_when_text_would_be_lost() {
    let mut s = state_with_sessions(Lang::Zh, (80, 24));
    update(&mut s, ch('c'));
    assert!(update(&mut s, ch('q')).is_empty());
    match s.overlays.last() {
        Some(Overlay::Capture(c)) => assert_eq!(c.input.text(), "q"),
        _ => panic!(),
    }
    assert!(update(&mut s, ctrl('c')).is_empty(), "asks first");
    assert!(matches!(update(&mut s, ch('y')).as_slice(), [Effect::Quit]));
}

#[test]
fn help_opens_and_closes_and_lists_the_screen_keys() {
    let mut s = state_with_sessions(Lang::Zh, (80, 24));
    update(&mut s, ch('?'));
    assert!(matches!(s.overlays.last(), Some(Overlay::Help { .. })));
    let lines = tiyan::ui::help::lines(&s, 70);
    assert!(lines.iter().any(|(l, _)| l.contains('n') && l.contains("新建")), "{lines:?}");
    update(&mut s, key(KeyCode::Esc));
    assert!(s.overlays.is_empty());
}

#[test]
fn finishing_and_reopening_a_session() {
    let mut s = state_with_sessions(Lang::Zh, (80, 24));
    let reqs = requests(update(&mut s, ch('f')));
    let [StoreRequest::Apply { changes, .. }] = reqs.as_slice() else { panic!() };
    assert_eq!(field(changes, "status"), Some(&Value::text("finished")));
    assert!(matches!(field(changes, "finished_at"), Some(Value::Timestamp(_))));
    update(&mut s, ch('j'));
    let reqs = requests(update(&mut s, ch('f')));
    let [StoreRequest::Apply { changes, .. }] = reqs.as_slice() else { panic!() };
    assert_eq!(field(changes, "status"), Some(&Value::text("open")));
}

#[test]
fn deleting_asks_then_marks_deleted() {
    let mut s = state_with_sessions(Lang::Zh, (80, 24));
    assert!(requests(update(&mut s, ch('d'))).is_empty());
    let reqs = requests(update(&mut s, ch('y')));
    let [StoreRequest::Apply { changes, .. }] = reqs.as_slice() else { panic!() };
    assert_eq!(field(changes, "deleted"), Some(&Value::Bool(true)));
}

#[test]
fn the_cursor_follows_a_new_record_after_reload() {
    let mut s = state_with_sessions(Lang::Zh, (80, 24));
    update(&mut s, ch('G'));
    assert_eq!(s.session_cursor, 2);
    update(&mut s, ch('g'));
    assert_eq!(s.session_cursor, 0);
    update(&mut s, ch('n'));
    type_text(&mut s, "出生一件事");
    let reqs = requests(update(&mut s, ctrl('s')));
    let [StoreRequest::Apply { req, changes }] = reqs.as_slice() else { panic!() };
    let new_id = changes[0].entity;
    update(&mut s, Msg::Store(StoreEvent::Saved { req: *req }));
    let mut list = sessions();
    let mut fresh = session(0, "出生一件事", 0);
    fresh.session.id = new_id;
    list.insert(1, fresh);
    update(&mut s, Msg::Store(StoreEvent::Sessions(list)));
    assert_eq!(s.selected_session().map(|x| x.session.id), Some(new_id));
}

#[test]
fn paste_goes_into_the_focused_field_as_one_line() {
    let mut s = state_with_sessions(Lang::Zh, (80, 24));
    update(&mut s, ch('c'));
    update(&mut s, Msg::Paste("第一行\n第二行".into()));
    match s.overlays.last() {
        Some(Overlay::Capture(c)) => assert!(!c.input.text().contains('\n') && c.input.text().contains("第二行")),
        _ => panic!(),
    }
}

#[test]
fn coded_fields_refuse_text_outside_their_list() {
    let mut s = findings_screen(Lang::Zh, (80, 24));
    update(&mut s, ch('n'));
    type_text(&mut s, "大厅无饮水设施");
    update(&mut s, key(KeyCode::Tab));
    type_text(&mut s, "服务");
    assert!(requests(update(&mut s, ctrl('s'))).is_empty(), "category must come from the list");
    let Some(Overlay::Form(f)) = s.overlays.last() else { panic!() };
    assert_eq!(f.error.as_ref().map(|e| e.0), Some(1));
    update(&mut s, ctrl('u'));
    type_text(&mut s, "痛点");
    let reqs = requests(update(&mut s, ctrl('s')));
    let [StoreRequest::Apply { changes, .. }] = reqs.as_slice() else { panic!() };
    assert_eq!(field(changes, "category"), Some(&Value::text("pain")));
}

#[test]
fn the_pick_list_offers_everything_when_the_field_holds_a_whole_choice() {
    let mut s = state_with_sessions(Lang::Zh, (80, 24));
    update(&mut s, ch('e'));
    update(&mut s, key(KeyCode::Tab));
    update(&mut s, ctrl('p'));
    let Some(Overlay::Form(f)) = s.overlays.last() else { panic!() };
    let picker = f.picker.as_ref().expect("picker open");
    assert!(picker.matches() > 1, "all modes offered, not just the current one");
    assert_eq!(picker.selected(), Some("陪同办"), "the current choice is under the cursor");
}

#[test]
fn an_untouched_prefilled_form_closes_without_asking_and_notices_clear() {
    let mut s = state_with_sessions(Lang::Zh, (80, 24));
    update(&mut s, ch('n'));
    update(&mut s, key(KeyCode::Esc));
    assert!(s.overlays.is_empty(), "nothing typed: no question");
    s.notice = Some("旧消息".into());
    update(&mut s, ch('j'));
    assert_eq!(s.notice, None, "a notice is read once");
}

#[test]
fn captures_in_flight_take_consecutive_numbers_and_session_edits_take_none() {
    let mut s = findings_screen(Lang::Zh, (80, 24));
    // A session edit in flight must not use up a 序号.
    assert_eq!(requests(update(&mut s, ch('f'))).len(), 1);
    let mut seqs = Vec::new();
    for text in ["第一条", "第二条"] {
        update(&mut s, ch('c'));
        type_text(&mut s, text);
        let reqs = requests(update(&mut s, key(KeyCode::Enter)));
        let [StoreRequest::Apply { changes, .. }] = reqs.as_slice() else { panic!() };
        seqs.push(field(changes, "seq").cloned());
    }
    assert_eq!(seqs, [Some(Value::Int(4)), Some(Value::Int(5))]);
}

#[test]
fn a_saved_finding_reloads_its_session_only_and_the_counts_follow() {
    let mut s = findings_screen(Lang::Zh, (80, 24));
    let session = s.sessions[0].session.id;
    update(&mut s, ch('c'));
    type_text(&mut s, "窗口无人");
    let reqs = requests(update(&mut s, key(KeyCode::Enter)));
    let [StoreRequest::Apply { req, .. }] = reqs.as_slice() else { panic!() };
    let reqs = requests(update(&mut s, Msg::Store(StoreEvent::Saved { req: *req })));
    assert!(matches!(reqs.as_slice(), [StoreRequest::LoadFindings { session: x }] if *x == session), "{reqs:?}");
    let mut list = findings(session);
    list.push(finding(session, 4, "窗口无人"));
    update(&mut s, Msg::Store(StoreEvent::Findings { session, findings: list }));
    assert_eq!((s.sessions[0].findings, s.sessions[0].max_seq), (4, 4), "summary derived from the findings");
    // Going back refreshes the session list from the store.
    let reqs = requests(update(&mut s, key(KeyCode::Esc)));
    assert!(matches!(reqs.as_slice(), [StoreRequest::LoadSessions]));
}
