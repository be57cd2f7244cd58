//! Render snapshots of checklists in Chinese at 80x24 and 40x12: the checklist screen, the
//! session page with results, the add-checklist list, and the answer entry's cursor.

use crate::app_fixtures::*;
use ratatui::crossterm::event::KeyCode;
use tiyan::app::{Msg, State, TemplateChoice, update};
use tiyan::domain::{Answer, Checklist};
use tiyan::i18n::Lang;
use tiyan::store::StoreEvent;

fn answered(session: u128) -> Checklist {
    let mut c = checklist(
        session,
        &[
            ("sat-steps", Answer::Fail),
            ("sat-score", Answer::Score(4)),
            ("conv-documents", Answer::Count(7)),
            ("conv-one-window", Answer::Yes),
        ],
    );
    c.notes.insert("sat-steps".into(), "指南写三个环节，实际五个".into());
    c
}

/// A checklist open on its failed item, with a finding made from that item.
fn screen(lang: Lang, size: (u16, u16)) -> State {
    let session = id(T0, 0);
    let c = answered(session);
    let mut findings = findings(session);
    findings[0].check = Some((c.id, "sat-steps".into()));
    let mut s = checklist_screen(lang, size, c);
    update(&mut s, Msg::Store(StoreEvent::Findings { session, findings }));
    s.checklist.item_cursor = 0;
    s
}

#[test]
fn checklist_80x24() {
    pin_timezone();
    insta::assert_snapshot!(text(&render(&screen(Lang::Zh, (80, 24)))));
}

#[test]
fn checklist_40x12() {
    pin_timezone();
    insta::assert_snapshot!(text(&render(&screen(Lang::Zh, (40, 12)))));
}

#[test]
fn checklist_english_80x24() {
    pin_timezone();
    insta::assert_snapshot!(text(&render(&screen(Lang::En, (80, 24)))));
}

#[test]
fn session_page_with_results_80x24() {
    pin_timezone();
    let mut s = screen(Lang::Zh, (80, 24));
    update(&mut s, key(KeyCode::Esc));
    insta::assert_snapshot!(text(&render(&s)));
    // On the findings list, the selected finding says which item it came from.
    update(&mut s, key(KeyCode::Tab));
    let screen = text(&render(&s));
    assert!(screen.contains("来自检查表：大厅基本情况 / 办理环节是否精简"), "{screen}");
}

#[test]
fn add_checklist_list_with_a_broken_file_80x24() {
    pin_timezone();
    let mut s = findings_screen(Lang::Zh, (80, 24));
    s.ctx.templates.push(TemplateChoice {
        label: "mine.toml".into(),
        template: Err("12:8: unknown answer kind \"scale\"".into()),
    });
    update(&mut s, tiyan::app::Msg::Key(ratatui::crossterm::event::KeyEvent::from(KeyCode::Char('a'))));
    insta::assert_snapshot!(text(&render(&s)));
}

#[test]
fn count_entry_cursor_sits_after_the_digits_40x12() {
    pin_timezone();
    let mut s = screen(Lang::Zh, (40, 12));
    s.checklist.item_cursor = 2;
    update(&mut s, key(KeyCode::Backspace));
    update(&mut s, ch('1'));
    update(&mut s, ch('5'));
    let mut t = render(&s);
    insta::assert_snapshot!(text(&t));
    let pos = t.get_cursor_position().unwrap();
    // Inside the entry's border, after "15".
    assert_eq!((pos.x, pos.y), (3, 9));
}
