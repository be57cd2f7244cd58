//! update() through the rectification loop by keys: the move picker, the forms each move asks
//! for, refusals, the inspector's name, a finding's page and the ledger — against a real store.

use crate::app_fixtures::live::Live;
use crate::app_fixtures::*;
use ratatui::crossterm::event::KeyCode;
use tiyan::app::form::new_finding_fields;
use tiyan::app::{Overlay, Screen};
use tiyan::domain::finding::field as ff;
use tiyan::domain::session::field as sf;
use tiyan::domain::{Change, EntityId, EntityKind, FindingStatus, Value};
use tiyan::i18n::Lang;

struct Loop {
    app: Live,
    session: EntityId,
    findings: Vec<EntityId>,
}

/// A session with findings (description, deadline) in a real store, its page open.
fn session_with(findings: &[(&str, Option<&str>)], inspector: &str) -> Loop {
    pin_timezone();
    let mut app = Live::new(Lang::Zh, (80, 24), inspector);
    // Ids made at T0, so the dates they carry are the same on every run.
    let session = id(T0, 900);
    let set = |f: &str, v: Value| Change::set(EntityKind::Session, session, f, v);
    let mut changes = vec![set(sf::ITEM, Value::text("企业开办")), set(sf::STATUS, Value::text("open"))];
    let mut ids = Vec::new();
    for (i, (text, deadline)) in findings.iter().enumerate() {
        let id = id(T0, 901 + i as u128);
        let fset = |f: &str, v: Value| Change::set(EntityKind::Finding, id, f, v);
        changes.extend(new_finding_fields(session, i as i64 + 1).into_iter().map(|(f, v)| fset(f, v)));
        changes.push(fset(ff::DESCRIPTION, Value::text(*text)));
        if let Some(d) = deadline {
            changes.push(fset(ff::DEADLINE, Value::date(chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap())));
        }
        ids.push(id);
    }
    app.seed(&changes);
    app.press(key(KeyCode::Enter));
    assert_eq!(app.state.screen, Screen::SessionPage { session });
    Loop { app, session, findings: ids }
}

impl Loop {
    fn status(&self, i: usize) -> FindingStatus {
        let f = self.app.store.all_findings().unwrap().into_iter().find(|f| f.id == self.findings[i]).unwrap();
        f.status
    }
    fn finding(&self, i: usize) -> tiyan::domain::Finding {
        self.app.store.all_findings().unwrap().into_iter().find(|f| f.id == self.findings[i]).unwrap()
    }
    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.app.press(ch(c));
        }
    }
    fn form_error(&self) -> Option<String> {
        match self.app.state.overlays.last() {
            Some(Overlay::Form(f)) => f.error.as_ref().map(|e| e.1.clone()),
            _ => None,
        }
    }
    fn screen(&self) -> String {
        text(&render(&self.app.state))
    }
}

#[test]
fn the_picker_offers_only_the_moves_allowed_from_here() {
    let mut l = session_with(&[("窗口无人值守", None)], "张三");
    l.app.press(ch('m'));
    let screen = l.screen();
    assert!(
        screen.contains("1 已核查") && screen.contains("2 不成立") && screen.contains("3 已整改（立行立改）"),
        "{screen}"
    );
    assert!(!screen.contains("已销号"), "{screen}");
    insta::assert_snapshot!("move_picker_80x24", screen);
    l.app.press(key(KeyCode::Esc));
    assert!(l.app.state.overlays.is_empty());
}

#[test]
fn confirm_then_assign_asks_for_the_six_clarities_and_points_at_what_is_missing() {
    let mut l = session_with(&[("窗口无人值守", None)], "张三");
    l.app.press(ch('m'));
    l.app.press(ch('1'));
    assert!(l.screen().contains("改为已核查，经办人：张三"), "{}", l.screen());
    l.app.press(ctrl('s'));
    assert_eq!(l.status(0), FindingStatus::Confirmed);
    assert_eq!(l.app.state.notice.as_deref(), Some("问题 1 已改为 已核查"));

    // 已核查 → 已定责: the unit, deadline and measure are required.
    l.app.press(ch('m'));
    l.app.press(key(KeyCode::Enter));
    l.app.press(ctrl('s'));
    assert_eq!(l.form_error().as_deref(), Some("责任单位不能为空"));
    assert_eq!(l.status(0), FindingStatus::Confirmed, "nothing written");
    l.type_text("县医保局");
    l.app.press(key(KeyCode::Tab));
    l.type_text("2026/12/1");
    l.app.press(ctrl('s'));
    assert_eq!(l.form_error().as_deref(), Some("细化整改措施不能为空"));
    l.type_text("增设医保窗口引导员");
    l.app.press(key(KeyCode::Tab));
    l.type_text("排队不超过20分钟");
    l.app.press(ctrl('s'));
    let f = l.finding(0);
    assert_eq!(f.status, FindingStatus::Assigned);
    assert_eq!(
        (f.unit.as_str(), f.measure.as_str(), f.target.as_str()),
        ("县医保局", "增设医保窗口引导员", "排队不超过20分钟")
    );
    assert_eq!(f.deadline, chrono::NaiveDate::from_ymd_opt(2026, 12, 1));
    let who: Vec<(&str, &str, &str)> =
        f.moves.iter().map(|m| (m.by.as_str(), m.from.as_str(), m.to.as_str())).collect();
    assert_eq!(who, vec![("张三", "found", "confirmed"), ("张三", "confirmed", "assigned")]);
}

#[test]
fn rectified_needs_evidence_and_close_off_needs_another_person() {
    let mut l = session_with(&[("自助机无法打印", None)], "张三");
    // 立行立改: found straight to rectified, evidence required.
    l.app.press(ch('m'));
    l.app.press(ch('3'));
    l.app.press(ctrl('s'));
    assert_eq!(l.form_error().as_deref(), Some("整改佐证不能为空"));
    l.type_text("当场更换打印纸");
    l.app.press(ctrl('s'));
    assert_eq!(l.status(0), FindingStatus::Rectified);
    assert_eq!(l.finding(0).rectified_by, "张三");

    l.app.press(ch('m'));
    l.app.press(ch('1'));
    l.app.press(ctrl('s'));
    let error = l.form_error().unwrap();
    assert!(error.contains("张三 标记了此问题已整改"), "{error}");
    assert_eq!(l.status(0), FindingStatus::Rectified);
    l.app.press(key(KeyCode::Esc));

    // Someone else takes the keyboard: `i` on the session list changes who is acting.
    l.app.press(key(KeyCode::Esc));
    l.app.press(ch('i'));
    l.app.press(ctrl('u'));
    l.type_text("李四");
    l.app.press(key(KeyCode::Enter));
    assert_eq!(l.app.state.inspector, "李四");
    assert_eq!(l.app.store.inspector().unwrap().as_deref(), Some("李四"));
    l.app.press(key(KeyCode::Enter));
    l.app.press(ch('m'));
    l.app.press(ch('1'));
    l.app.press(ctrl('s'));
    let f = l.finding(0);
    assert_eq!((f.status, f.closed_by.as_str()), (FindingStatus::Closed, "李四"));
    assert_eq!(f.closed_on, chrono::NaiveDate::from_ymd_opt(2026, 11, 26));
}

#[test]
fn not_a_problem_needs_a_reason_and_is_final() {
    let mut l = session_with(&[("大厅温度偏高", None)], "张三");
    l.app.press(ch('m'));
    l.app.press(ch('2'));
    l.app.press(ctrl('s'));
    assert_eq!(l.form_error().as_deref(), Some("不成立理由不能为空"));
    l.type_text("经核查空调正常，测量为24度");
    l.app.press(ctrl('s'));
    assert_eq!(l.status(0), FindingStatus::NotAProblem);
    l.app.press(ch('m'));
    assert!(l.app.state.overlays.is_empty());
    assert_eq!(l.app.state.notice.as_deref(), Some("「不成立」是最终状态，不能再改"));
}

#[test]
fn without_a_name_a_move_asks_for_it_first() {
    let mut l = session_with(&[("窗口无人值守", None)], "");
    l.app.press(ch('m'));
    assert!(matches!(l.app.state.overlays.last(), Some(Overlay::Capture(_))));
    assert!(l.screen().contains("你的姓名"), "{}", l.screen());
    l.type_text("王建国");
    l.app.press(key(KeyCode::Enter));
    assert_eq!(l.app.store.inspector().unwrap().as_deref(), Some("王建国"));
    assert_eq!(l.app.state.notice.as_deref(), Some("经办人已设为 王建国"));
    l.app.press(ch('m'));
    assert!(matches!(l.app.state.overlays.last(), Some(Overlay::MovePicker { .. })));
}

#[test]
fn reopening_from_closed_asks_why_and_keeps_the_history() {
    let mut l = session_with(&[("材料清单过时", None)], "张三");
    l.app.press(ch('m'));
    l.app.press(ch('3'));
    l.type_text("已更新清单");
    l.app.press(ctrl('s'));
    l.app.state.inspector = "李四".into();
    l.app.press(ch('m'));
    l.app.press(ch('1'));
    l.app.press(ctrl('s'));
    assert_eq!(l.status(0), FindingStatus::Closed);
    l.app.press(ch('m'));
    let screen = l.screen();
    assert!(screen.contains("1 重新打开（回到已核查）"), "{screen}");
    l.app.press(ch('1'));
    l.app.press(ctrl('s'));
    assert_eq!(l.form_error().as_deref(), Some("重新打开原因不能为空"));
    l.type_text("复查发现仍是旧版");
    l.app.press(ctrl('s'));
    let f = l.finding(0);
    assert_eq!((f.status, f.closed_by.as_str()), (FindingStatus::Confirmed, ""));
    assert_eq!(f.moves.len(), 3);
    assert!(f.moves[2].reopen && f.moves[2].note == "复查发现仍是旧版");
}

#[test]
fn a_findings_page_shows_the_six_clarities_and_the_timeline() {
    let mut l = session_with(&[("窗口无人值守，群众等候超过30分钟", Some("2026-11-24"))], "张三");
    l.app.press(ch('m'));
    l.app.press(ch('1'));
    l.type_text("现场核实属实");
    l.app.press(ctrl('s'));
    l.app.clock.advance(90 * 60_000);
    l.app.press(key(KeyCode::Enter));
    let id = l.findings[0];
    assert_eq!(l.app.state.screen, Screen::Finding { session: l.session, finding: id, from_ledger: false });
    let screen = l.screen();
    assert!(screen.contains("逾期2天"), "{screen}");
    assert!(screen.contains("待核查 -> 已核查") && screen.contains("说明：现场核实属实"), "{screen}");
    insta::assert_snapshot!("finding_page_80x24", screen);
    l.app.press(key(KeyCode::Esc));
    assert_eq!(l.app.state.screen, Screen::SessionPage { session: l.session });
}

#[test]
fn the_ledger_lists_every_session_by_deadline_and_jumps_to_a_session() {
    let mut l = session_with(
        &[("没有deadline的问题", None), ("逾期的问题", Some("2026-11-16")), ("快到期的问题", Some("2026-11-28"))],
        "张三",
    );
    l.app.press(key(KeyCode::Esc));
    l.app.press(ch('l'));
    assert_eq!(l.app.state.screen, Screen::Ledger);
    let order: Vec<&str> = (0..l.app.state.ledger.rows.len())
        .map(|r| l.app.state.ledger.finding(r).unwrap().description.as_str())
        .collect();
    assert_eq!(order, vec!["逾期的问题", "快到期的问题", "没有deadline的问题"]);
    let screen = l.screen();
    assert!(screen.contains("逾期10天") && screen.contains("2天后到期"), "{screen}");
    l.app.press(key(KeyCode::Down));
    l.app.press(key(KeyCode::Enter));
    assert_eq!(l.app.state.screen, Screen::Finding { session: l.session, finding: l.findings[2], from_ledger: true });
    l.app.press(key(KeyCode::Esc));
    assert_eq!(l.app.state.screen, Screen::Ledger);
    assert_eq!(l.app.state.ledger.cursor, 1);
    l.app.press(ch('o'));
    assert_eq!(l.app.state.screen, Screen::SessionPage { session: l.session });
    assert_eq!(l.app.state.selected_finding().map(|f| f.id), Some(l.findings[2]));
}

/// Findings seeded with a status, unit and deadline straight away (no history needed here).
fn hall(rows: &[(&str, FindingStatus, &str, Option<&str>)]) -> Loop {
    pin_timezone();
    let mut app = Live::new(Lang::Zh, (80, 24), "张三");
    let session = id(T0, 800);
    let set = |f: &str, v: Value| Change::set(EntityKind::Session, session, f, v);
    let mut changes = vec![set(sf::ITEM, Value::text("企业开办")), set(sf::STATUS, Value::text("open"))];
    let mut ids = Vec::new();
    for (i, (text, status, unit, deadline)) in rows.iter().enumerate() {
        let fid = id(T0, 801 + i as u128);
        let fset = |f: &str, v: Value| Change::set(EntityKind::Finding, fid, f, v);
        changes.extend(new_finding_fields(session, i as i64 + 1).into_iter().map(|(f, v)| fset(f, v)));
        changes.push(fset(ff::DESCRIPTION, Value::text(*text)));
        changes.push(fset(ff::STATUS, Value::text(status.code())));
        changes.push(fset(ff::UNIT, Value::text(*unit)));
        changes.push(fset(ff::MEASURE, Value::text("增设引导员")));
        if let Some(d) = deadline {
            changes.push(fset(ff::DEADLINE, Value::date(chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap())));
        }
        ids.push(fid);
    }
    app.seed(&changes);
    Loop { app, session, findings: ids }
}

#[test]
fn the_ledger_filters_groups_by_unit_and_prints_the_reminder_letter() {
    use FindingStatus::*;
    let mut l = hall(&[
        ("医保窗口排队超过一小时", Rectifying, "县医保局", Some("2026-11-16")),
        ("营业执照自助机故障", Assigned, "县市场监管局", Some("2026-11-28")),
        ("医保报销材料清单过时", Closed, "县医保局", Some("2026-11-01")),
    ]);
    l.app.press(ch('l'));
    let shown = |l: &Loop| -> Vec<String> {
        (0..l.app.state.ledger.rows.len()).map(|r| l.app.state.ledger.finding(r).unwrap().description.clone()).collect()
    };
    assert_eq!(shown(&l).len(), 3);
    let screen = l.screen();
    assert!(
        screen.contains("走流程 1 次，发现问题 3 个，立行立改 0 个，逾期 1 个，已销号 1 个，销号率 33%"),
        "{screen}"
    );
    insta::assert_snapshot!("ledger_80x24", screen);

    // The filter form: two statuses typed in Chinese and a unit.
    l.app.press(ch('/'));
    l.type_text("整改中、已定责");
    l.app.press(key(KeyCode::Tab));
    l.type_text("县医保局");
    l.app.press(ctrl('s'));
    assert_eq!(shown(&l), vec!["医保窗口排队超过一小时"]);
    assert!(l.screen().contains("筛选：状态：整改中、已定责  责任单位：县医保局"), "{}", l.screen());
    l.app.press(ch('x'));
    assert_eq!(shown(&l).len(), 3);
    l.app.press(ch('!'));
    assert_eq!(shown(&l), vec!["医保窗口排队超过一小时"]);
    l.app.press(ch('!'));

    // A bad filter names the field and keeps the form.
    l.app.press(ch('/'));
    l.type_text("完成");
    l.app.press(key(KeyCode::Tab));
    l.app.press(key(KeyCode::Tab));
    l.app.press(key(KeyCode::Tab));
    l.app.press(key(KeyCode::Tab));
    l.type_text("2026-11-30");
    l.app.press(key(KeyCode::Tab));
    l.type_text("2026-11-01");
    l.app.press(ctrl('s'));
    assert!(l.form_error().unwrap().starts_with("完成：不是问题状态"), "{:?}", l.form_error());
    for _ in 0.."完成".chars().count() {
        l.app.press(key(KeyCode::Backspace));
    }
    l.app.press(ctrl('s'));
    assert_eq!(l.form_error().as_deref(), Some("体验日期的开始 2026-11-30 晚于结束 2026-11-01"));
    l.app.press(key(KeyCode::Esc));
    l.app.press(ch('y'));
    assert!(l.app.state.overlays.is_empty());

    // By unit: the one with an overdue finding first; Enter lists its findings.
    l.app.press(ch('b'));
    let screen = l.screen();
    insta::assert_snapshot!("ledger_by_unit_80x24", screen);
    // A unit is highlighted, no finding: m and o act on nothing and say what to do.
    l.app.press(ch('m'));
    assert!(l.app.state.overlays.is_empty(), "no move picker for a finding nobody can see");
    assert!(l.app.state.notice.as_deref().is_some_and(|n| n.contains("先按 Enter")), "{:?}", l.app.state.notice);
    l.app.press(ch('o'));
    assert_eq!(l.app.state.screen, Screen::Ledger);
    l.app.press(key(KeyCode::Enter));
    assert!(!l.app.state.ledger.by_unit);
    assert_eq!(shown(&l), vec!["医保报销材料清单过时", "医保窗口排队超过一小时"]);

    l.app.press(ch('x'));
    l.app.press(ch('r'));
    assert_eq!(l.app.state.screen, Screen::Reminders);
    let screen = l.screen();
    assert!(screen.contains("县医保局（逾期 1 项）") && !screen.contains("县市场监管局"), "{screen}");
    insta::assert_snapshot!("reminders_80x24", screen);
    l.app.press(key(KeyCode::Esc));
    assert_eq!(l.app.state.screen, Screen::Ledger);
}

#[test]
fn a_deadline_in_working_days_is_counted_and_past_the_holiday_list_says_so() {
    let mut l = session_with(&[("窗口无人值守", None), ("叫号屏故障", None)], "张三");
    for (i, typed) in [(0, "3个工作日"), (1, "30个工作日")] {
        l.app.state.page.finding_cursor = i;
        l.app.press(ch('m'));
        l.app.press(ch('1'));
        l.app.press(ctrl('s'));
        l.app.press(ch('m'));
        l.app.press(key(KeyCode::Enter));
        l.type_text("县医保局");
        l.app.press(key(KeyCode::Tab));
        l.type_text(typed);
        l.app.press(key(KeyCode::Tab));
        l.type_text("修复");
        l.app.press(ctrl('s'));
    }
    // From Thursday 2026-11-26: Fri 27, Mon 30, Tue 1 December.
    assert_eq!(l.finding(0).deadline, chrono::NaiveDate::from_ymd_opt(2026, 12, 1));
    // 30 working days run into 2027, whose holidays are not listed yet: weekends only.
    assert_eq!(l.finding(1).deadline, chrono::NaiveDate::from_ymd_opt(2027, 1, 7));
    let notice = l.app.state.notice.clone().unwrap_or_default();
    assert!(notice.contains("2026年以后的节假日未列入，只跳过周末"), "{notice}");
}

#[test]
fn a_move_from_the_ledger_after_visiting_the_session_acts_on_the_fresh_copy() {
    use FindingStatus::*;
    let mut l = hall(&[("医保窗口排队超过一小时", Assigned, "县医保局", Some("2026-11-16"))]);
    l.app.press(ch('l'));
    l.app.press(ch('o'));
    assert_eq!(l.app.state.screen, Screen::SessionPage { session: l.session });
    l.app.press(key(KeyCode::Esc));
    l.app.press(ch('l'));
    l.app.press(ch('m'));
    l.app.press(ch('1'));
    l.app.press(ctrl('s'));
    assert_eq!(l.status(0), Rectifying);
    // Both copies were reloaded: the picker starts from 整改中, not from the page's old 已定责.
    l.app.press(ch('m'));
    assert!(l.screen().contains("问题 1：整改中"), "{}", l.screen());
    l.app.press(key(KeyCode::Esc));
    l.app.press(ch('o'));
    assert_eq!(l.app.state.selected_finding().map(|f| f.status), Some(Rectifying));
    assert_eq!(l.finding(0).moves.len(), 1);
}

#[test]
fn a_deadline_changed_by_hand_is_in_the_history() {
    use FindingStatus::*;
    let mut l = hall(&[("医保窗口排队超过一小时", Assigned, "县医保局", Some("2026-11-16"))]);
    l.app.press(key(KeyCode::Enter));
    l.app.press(key(KeyCode::Enter));
    assert!(matches!(l.app.state.screen, Screen::Finding { .. }));
    l.app.press(ch('e'));
    // The editor's fields: description, category, tags, severity, unit, measure, deadline.
    for _ in 0..6 {
        l.app.press(key(KeyCode::Tab));
    }
    l.app.press(ctrl('u'));
    l.type_text("2026-12-10");
    l.app.press(ctrl('s'));
    let f = l.finding(0);
    assert_eq!(f.deadline, chrono::NaiveDate::from_ymd_opt(2026, 12, 10));
    let edit = f.moves.last().expect("an entry for the edit");
    assert!(edit.is_edit() && edit.by == "张三", "{edit:?}");
    assert_eq!(edit.details, vec![("deadline".to_string(), "2026-12-10".to_string())]);
    assert!(l.screen().contains("张三  修改六明确"), "{}", l.screen());
    assert!(!tiyan::domain::ledger::fixed_on_the_spot(&f));
}

#[test]
fn close_off_asks_who_verified_it_so_a_shared_terminal_need_not_rename_its_profile() {
    let mut l = session_with(&[("自助机无法打印", None)], "张三");
    l.app.press(ch('m'));
    l.app.press(ch('3'));
    l.type_text("当场更换打印纸");
    l.app.press(ctrl('s'));
    assert_eq!(l.finding(0).rectified_by, "张三");
    l.app.press(ch('m'));
    l.app.press(ch('1'));
    let Some(Overlay::Form(form)) = l.app.state.overlays.last() else { panic!("no form") };
    assert_eq!((form.fields[0].label, form.fields[0].input.text()), ("field.verifier", "张三"), "prefilled");
    assert!(l.screen().contains("核验人"), "{}", l.screen());
    // The rule compares the verifier's name, and the refusal points at that field.
    l.app.press(ctrl('s'));
    let Some(Overlay::Form(form)) = l.app.state.overlays.last() else { panic!("form closed") };
    assert_eq!(form.focus, 0);
    assert!(l.form_error().unwrap().contains("张三 标记了此问题已整改"));
    l.app.press(ctrl('u'));
    l.type_text("李四");
    l.app.press(ctrl('s'));
    let f = l.finding(0);
    assert_eq!((f.status, f.closed_by.as_str()), (FindingStatus::Closed, "李四"));
    assert_eq!(f.moves.last().unwrap().by, "李四");
    assert_eq!(l.app.state.inspector, "张三", "the profile keeps its inspector");
    assert_eq!(l.app.store.inspector().unwrap(), None, "nothing renamed");
}

#[test]
fn a_deadline_in_the_past_is_saved_only_after_a_yes() {
    // Today is 2026-11-26.
    let mut l = session_with(&[("窗口无人值守", None)], "张三");
    l.app.press(ch('m'));
    l.app.press(ch('1'));
    l.app.press(ctrl('s'));
    l.app.press(ch('m'));
    l.app.press(key(KeyCode::Enter));
    l.type_text("县医保局");
    l.app.press(key(KeyCode::Tab));
    l.type_text("2026-11-20");
    l.app.press(key(KeyCode::Tab));
    l.type_text("增设医保窗口引导员");
    assert!(l.app.press(ctrl('s')).is_empty(), "asked, not saved");
    let Some(Overlay::Confirm(c)) = l.app.state.overlays.last() else { panic!("no question") };
    assert!(c.question.contains("2026-11-20"), "{}", c.question);
    // No (or Enter) goes back to the form with what was typed.
    l.app.press(key(KeyCode::Enter));
    assert!(matches!(l.app.state.overlays.last(), Some(Overlay::Form(_))));
    assert_eq!(l.status(0), FindingStatus::Confirmed);
    l.app.press(ctrl('s'));
    l.app.press(ch('y'));
    let f = l.finding(0);
    assert_eq!((f.status, f.deadline), (FindingStatus::Assigned, chrono::NaiveDate::from_ymd_opt(2026, 11, 20)));

    // The finding's editor asks the same; a deadline from today on does not ask.
    l.app.press(ch('e'));
    for _ in 0..6 {
        l.app.press(key(KeyCode::Tab));
    }
    l.app.press(ctrl('u'));
    l.type_text("2026-11-19");
    l.app.press(ctrl('s'));
    assert!(matches!(l.app.state.overlays.last(), Some(Overlay::Confirm(_))));
    l.app.press(ch('n'));
    l.app.press(ctrl('u'));
    l.type_text("2026-11-26");
    l.app.press(ctrl('s'));
    assert!(l.app.state.overlays.is_empty());
    assert_eq!(l.finding(0).deadline, chrono::NaiveDate::from_ymd_opt(2026, 11, 26));
}

/// Two findings of a walk holding the same 序号 (merged from two devices) read `1` and `1'`
/// in the ledger: the rank the rows know travels with the fetch of their text.
#[test]
fn a_shared_seq_is_told_apart_in_the_ledger() {
    let mut l =
        session_with(&[("叫号屏不显示窗口号", Some("2026-11-16")), ("导办人员不在岗", Some("2026-11-20"))], "张三");
    l.app.seed(&[Change::set(EntityKind::Finding, l.findings[1], ff::SEQ, Value::Int(1))]);
    l.app.press(key(KeyCode::Esc));
    l.app.press(ch('l'));
    let mut labels: Vec<String> =
        (0..l.app.state.ledger.rows.len()).map(|r| l.app.state.ledger.finding(r).unwrap().seq_label()).collect();
    labels.sort();
    assert_eq!(labels, vec!["1".to_string(), "1'".to_string()]);
    let screen = l.screen();
    assert!(screen.contains("1'"), "{screen}");
}
