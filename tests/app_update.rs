//! The core, without a terminal: messages in, state and effects out.

use crate::app_fixtures::*;
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
    let session = s.sessions.list[0].session.id;
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
    let second = s.sessions.list[1].session.id;
    let reqs = requests(update(&mut s, key(KeyCode::Enter)));
    assert_eq!(s.screen, Screen::SessionPage { session: second });
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
    assert_eq!(s.screen, Screen::SessionPage { session: second });
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
    let lines = tiyan::app::help::lines(&s, 70);
    assert!(lines.iter().any(|(l, _)| l.contains('n') && l.contains("新建")), "{lines:?}");
    update(&mut s, key(KeyCode::Esc));
    assert!(s.overlays.is_empty());
}

#[test]
fn finishing_and_reopening_a_session() {
    let mut s = state_with_sessions(Lang::Zh, (80, 24));
    // Its tickets are looked at first: none run, so it is finished at once.
    let reqs = requests(update(&mut s, ch('f')));
    let [StoreRequest::LoadTickets { session }] = reqs.as_slice() else { panic!("{reqs:?}") };
    let session = *session;
    let reqs = requests(update(&mut s, Msg::Store(StoreEvent::Tickets { session, tickets: vec![] })));
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
    assert_eq!(s.sessions.cursor, 2);
    update(&mut s, ch('g'));
    assert_eq!(s.sessions.cursor, 0);
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
    let session = s.sessions.list[0].session.id;
    update(&mut s, ch('f'));
    let reqs = requests(update(&mut s, Msg::Store(StoreEvent::Tickets { session, tickets: vec![] })));
    assert!(matches!(reqs.as_slice(), [StoreRequest::Apply { .. }]), "{reqs:?}");
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
    let session = s.sessions.list[0].session.id;
    update(&mut s, ch('c'));
    type_text(&mut s, "窗口无人");
    let reqs = requests(update(&mut s, key(KeyCode::Enter)));
    let [StoreRequest::Apply { req, .. }] = reqs.as_slice() else { panic!() };
    let reqs = requests(update(&mut s, Msg::Store(StoreEvent::Saved { req: *req })));
    assert!(matches!(reqs.as_slice(), [StoreRequest::LoadFindings { session: x }] if *x == session), "{reqs:?}");
    let mut list = findings(session);
    list.push(finding(session, 4, "窗口无人"));
    update(&mut s, Msg::Store(StoreEvent::Findings { session, findings: list }));
    assert_eq!((s.sessions.list[0].findings, s.sessions.list[0].max_seq), (4, 4), "summary derived from the findings");
    // Going back refreshes the session list from the store.
    let reqs = requests(update(&mut s, key(KeyCode::Esc)));
    assert!(matches!(reqs.as_slice(), [StoreRequest::LoadSessions]));
}

/// The status line (the screen's last row).
fn status_line(s: &tiyan::app::State) -> String {
    text(&render(s)).lines().last().unwrap_or_default().to_string()
}

/// Sends what is on the capture line and acknowledges it as the store would.
fn capture_and_save(s: &mut tiyan::app::State, text: &str) -> u128 {
    update(s, ch('c'));
    type_text(s, text);
    let reqs = requests(update(s, key(KeyCode::Enter)));
    let [StoreRequest::Apply { req, changes }] = reqs.as_slice() else { panic!("{reqs:?}") };
    update(s, Msg::Store(StoreEvent::Saved { req: *req }));
    changes[0].entity
}

#[test]
fn a_quick_capture_from_the_session_list_says_what_was_saved_there() {
    let mut s = state_with_sessions(Lang::Zh, (80, 24));
    update(&mut s, ch('c'));
    type_text(&mut s, "叫号屏不显示窗口号");
    let reqs = requests(update(&mut s, key(KeyCode::Enter)));
    let [StoreRequest::Apply { req, .. }] = reqs.as_slice() else { panic!() };
    assert!(status_line(&s).starts_with("正在保存：问题 4「叫号屏不显示窗口号」"), "{}", status_line(&s));
    update(&mut s, Msg::Store(StoreEvent::Saved { req: *req }));
    assert!(status_line(&s).starts_with("已保存：问题 4「叫号屏不显示窗口号」"), "{}", status_line(&s));
    // Moving on drops it.
    update(&mut s, ch('j'));
    assert!(!status_line(&s).contains("已保存"), "{}", status_line(&s));
}

#[test]
fn the_saved_mark_belongs_to_its_record_and_goes_when_the_user_moves_on() {
    let mut s = findings_screen(Lang::Zh, (80, 24));
    let session = s.sessions.list[0].session.id;
    let id = capture_and_save(&mut s, "窗口无人");
    let mut list = findings(session);
    list.push(finding(session, 4, "窗口无人"));
    list[3].id = id;
    update(&mut s, Msg::Store(StoreEvent::Findings { session, findings: list }));
    assert_eq!(s.selected_finding().map(|f| f.id), Some(id), "the new finding is selected");
    assert!(status_line(&s).starts_with("已保存 "), "on the record itself: no name needed");
    // An empty editor has saved nothing.
    update(&mut s, ch('n'));
    assert!(!status_line(&s).contains("已保存"), "{}", status_line(&s));
    // Nor does a form refused for a missing field.
    update(&mut s, ctrl('s'));
    let Some(Overlay::Form(f)) = s.overlays.last() else { panic!() };
    assert!(f.error.is_some());
    assert!(!text(&render(&s)).contains("已保存"), "{}", text(&render(&s)));
    update(&mut s, key(KeyCode::Esc));
    // Another record under the cursor is not the one saved.
    capture_and_save(&mut s, "无等候提示");
    update(&mut s, ch('G'));
    update(&mut s, ch('g'));
    assert!(!status_line(&s).contains("已保存"), "{}", status_line(&s));
}

#[test]
fn enter_does_not_delete_and_a_deleted_session_comes_back_with_u() {
    let mut s = state_with_sessions(Lang::Zh, (80, 24));
    let first = s.sessions.list[0].session.id;
    update(&mut s, ch('d'));
    let Some(Overlay::Confirm(_)) = s.overlays.last() else { panic!("asks") };
    assert!(text(&render(&s)).contains("Enter 否"), "{}", text(&render(&s)));
    assert!(requests(update(&mut s, key(KeyCode::Enter))).is_empty(), "Enter is No");
    assert!(s.overlays.is_empty());
    update(&mut s, ch('d'));
    let reqs = requests(update(&mut s, ch('y')));
    let [StoreRequest::Apply { req, changes }] = reqs.as_slice() else { panic!() };
    assert_eq!(field(changes, "deleted"), Some(&Value::Bool(true)));
    update(&mut s, Msg::Store(StoreEvent::Saved { req: *req }));
    assert_eq!(s.notice.as_deref(), Some("已删除体验活动「企业开办」，按 u 撤销"));
    update(&mut s, Msg::Store(StoreEvent::Sessions(sessions()[1..].to_vec())));
    // u: deleted = false through a new op; the record is listed and selected again.
    let reqs = requests(update(&mut s, ch('u')));
    let [StoreRequest::Apply { req, changes }] = reqs.as_slice() else { panic!("{reqs:?}") };
    assert_eq!((changes[0].entity, field(changes, "deleted")), (first, Some(&Value::Bool(false))));
    assert!(s.notice.as_deref().unwrap().contains("已恢复"));
    update(&mut s, Msg::Store(StoreEvent::Saved { req: *req }));
    update(&mut s, Msg::Store(StoreEvent::Sessions(sessions())));
    assert_eq!(s.selected_session().map(|x| x.session.id), Some(first));
    assert!(requests(update(&mut s, ch('u'))).is_empty(), "nothing more to bring back");
    // The key is in help.
    update(&mut s, ch('?'));
    let lines = tiyan::app::help::lines(&s, 70);
    assert!(lines.iter().any(|(l, _)| l.starts_with('u') && l.contains("恢复")), "{lines:?}");
}

#[test]
fn a_deleted_finding_comes_back_with_u_on_its_page() {
    let mut s = findings_screen(Lang::Zh, (80, 24));
    let second = s.page.findings[1].id;
    update(&mut s, ch('j'));
    update(&mut s, ch('d'));
    update(&mut s, ch('y'));
    assert!(s.notice.as_deref().unwrap().contains("问题 2"), "{:?}", s.notice);
    let reqs = requests(update(&mut s, ch('u')));
    let [StoreRequest::Apply { changes, .. }] = reqs.as_slice() else { panic!("{reqs:?}") };
    assert_eq!((changes[0].entity, field(changes, "deleted")), (second, Some(&Value::Bool(false))));
}

#[test]
fn a_new_session_starts_with_the_profiles_inspector_and_opens_once_saved() {
    let mut s = state_with_sessions(Lang::Zh, (80, 24));
    // Who walked the last session with the inspector walks with them again.
    s.inspector = "李秀英".into();
    update(&mut s, ch('n'));
    let Some(Overlay::Form(f)) = s.overlays.last() else { panic!() };
    assert_eq!(f.fields.iter().find(|f| f.name == "inspectors").unwrap().input.text(), "李秀英、王建国");
    update(&mut s, key(KeyCode::Esc));
    // Someone else's last walk is not theirs.
    s.inspector = "赵六".into();
    update(&mut s, ch('n'));
    let Some(Overlay::Form(f)) = s.overlays.last() else { panic!() };
    assert_eq!(f.fields.iter().find(|f| f.name == "inspectors").unwrap().input.text(), "赵六");
    type_text(&mut s, "出生一件事");
    let reqs = requests(update(&mut s, ctrl('s')));
    let [StoreRequest::Apply { req, changes }] = reqs.as_slice() else { panic!() };
    let new_id = changes[0].entity;
    update(&mut s, Msg::Store(StoreEvent::Saved { req: *req }));
    let mut list = sessions();
    let mut fresh = session(0, "出生一件事", 0);
    fresh.session.id = new_id;
    list.insert(0, fresh);
    let reqs = requests(update(&mut s, Msg::Store(StoreEvent::Sessions(list))));
    assert_eq!(s.screen, Screen::SessionPage { session: new_id }, "the user lands inside it");
    assert!(reqs.iter().any(|r| matches!(r, StoreRequest::LoadFindings { session } if *session == new_id)));
    update(&mut s, Msg::Store(StoreEvent::Findings { session: new_id, findings: vec![] }));
    let screen = text(&render(&s));
    assert!(screen.contains("已保存：体验活动「出生一件事」"), "{screen}");
    assert!(screen.contains("按 c 一句话记下") && screen.contains("按 n 填写"), "the empty page says how: {screen}");
}

#[test]
fn help_names_screens_and_keys_as_people_read_them_and_scrolls_to_the_end() {
    let mut s = findings_screen(Lang::Zh, (80, 24));
    update(&mut s, ch('?'));
    let lines = tiyan::app::help::lines(&s, 70);
    let all: Vec<&str> = lines.iter().map(|(l, _)| l.as_str()).collect();
    assert!(all.contains(&"本页按键：体验活动页（检查表与问题）"), "{all:?}");
    assert!(all.iter().any(|l| l.starts_with("Esc / h / 左箭头 ")), "{all:?}");
    assert!(all.iter().any(|l| l.starts_with("PgUp ")), "{all:?}");
    assert!(!all.iter().any(|l| l.contains('[') || l.contains("pageup") || l.starts_with("esc")), "{all:?}");
    assert!(text(&render(&s)).contains("下面还有"), "more lines below are announced");
    update(&mut s, ch('G'));
    let Some(Overlay::Help { scroll }) = s.overlays.last() else { panic!() };
    let end = *scroll;
    assert_eq!(end as usize, tiyan::app::help::max_scroll(&s));
    assert!(end > 0 && !text(&render(&s)).contains("下面还有"));
    update(&mut s, key(KeyCode::Up));
    let Some(Overlay::Help { scroll }) = s.overlays.last() else { panic!() };
    assert_eq!(*scroll, end - 1, "one key up from the end moves at once");
    update(&mut s, key(KeyCode::Home));
    let Some(Overlay::Help { scroll }) = s.overlays.last() else { panic!() };
    assert_eq!(*scroll, 0);
}

#[test]
fn no_control_character_enters_a_field_however_it_comes() {
    let mut s = state_with_sessions(Lang::Zh, (80, 24));
    update(&mut s, ch('c'));
    update(
        &mut s,
        Msg::Paste("县医保局\u{1b}]0;PWNED\u{7}\u{1b}[2J\u{85}窗口\u{2028}二\t三\u{9b}31m\u{202e}反".into()),
    );
    let Some(Overlay::Capture(c)) = s.overlays.last() else { panic!() };
    assert_eq!(c.input.text(), "县医保局]0;PWNED[2J 窗口 二 三31m反");
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, ch('y'));
    // The pick list's query takes a paste too (not the field under it), cleaned the same way.
    update(&mut s, ch('e'));
    update(&mut s, ctrl('p'));
    update(&mut s, Msg::Paste("\u{1b}[31m不动产\n".into()));
    let Some(Overlay::Form(f)) = s.overlays.last() else { panic!() };
    let picker = f.picker.as_ref().expect("picker open");
    assert_eq!(picker.query.text(), "[31m不动产 ");
    assert_eq!(f.fields[0].input.text(), "企业开办", "the field is untouched");
}

#[test]
fn up_in_a_multi_line_field_moves_by_the_rows_on_screen_without_a_frame_drawn() {
    // The core knows the field's width from the terminal size: no frame needs to be drawn first.
    let mut s = findings_screen(Lang::Zh, (80, 24));
    update(&mut s, ch('n'));
    let long = "群众反映窗口排队等候时间过长，叫号屏不显示窗口号，自助机故障无人处理，导办人员不在岗";
    type_text(&mut s, long);
    let Some(Overlay::Form(form)) = s.overlays.last() else { panic!() };
    let width = tiyan::app::layout::form_columns(s.size, form, s.ctx.strings()).input_width as usize;
    assert!(tiyan::text::width(long) > width, "the text wraps");
    update(&mut s, key(KeyCode::Up));
    let Some(Overlay::Form(form)) = s.overlays.last() else { panic!() };
    let input = &form.fields[0].input;
    let before = tiyan::text::width(&input.text()[..input.caret()]);
    assert_eq!(form.focus, 0, "still in the description: it has a row above");
    assert!(before < tiyan::text::width(long) && before + width >= tiyan::text::width(long), "one row up: {before}");
}

#[test]
fn a_file_written_or_not_is_said_in_the_status_line() {
    let mut s = state_with_sessions(Lang::Zh, (80, 24));
    let path = std::path::PathBuf::from("/media/u盘/体验报告.docx");
    assert!(update(&mut s, Msg::FileWritten { req: 1, result: Ok(path) }).is_empty());
    assert!(s.notice.as_deref().is_some_and(|n| n.contains("已写入") && n.contains("体验报告.docx")));
    update(&mut s, Msg::FileWritten { req: 2, result: Err("No space left on device".into()) });
    assert!(s.notice.as_deref().is_some_and(|n| n.contains("没有写成")));
}
