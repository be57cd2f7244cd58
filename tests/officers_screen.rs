//! The roster's screen in the office's TUI, through `update()` with a real store: `o` opens it,
//! `n` adds an officer through its form (a bad kind is refused at its field), `p` sets a PIN
//! typed unseen (never written to a draft), `d` dismisses; the store holds each change.

use std::collections::VecDeque;

use ratatui::crossterm::event::KeyCode;
use tiyan::app::{Effect, Msg, Overlay, State, update};
use tiyan::domain::officer::OfficerStatus;
use tiyan::i18n::Lang;
use tiyan::store::{Store, thread};

use crate::app_fixtures::{ch, context, ctrl, key, render, text};

/// Runs `msgs` and every answer of the store they lead to.
fn run(state: &mut State, store: &mut Store, msgs: Vec<Msg>) {
    let mut queue: VecDeque<Msg> = msgs.into();
    while let Some(msg) = queue.pop_front() {
        for effect in update(state, msg) {
            if let Effect::Store(req) = effect
                && let Some(answer) = thread::answer(store, req)
            {
                queue.push_front(Msg::Store(answer));
            }
        }
    }
}

fn typed(s: &str) -> Vec<Msg> {
    s.chars().map(ch).collect()
}

#[test]
fn the_roster_screen_adds_sets_a_pin_and_dismisses() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("p").join("tiyan.redb")).unwrap();
    store.set_inspector("王建国").unwrap();
    let mut state = State::new(context(Lang::Zh), (80, 24));
    tiyan::app::rectify::first_start(&mut state, Some("王建国".into()));
    let listed = thread::answer(&mut store, tiyan::store::StoreRequest::LoadSessions).unwrap();
    run(&mut state, &mut store, vec![Msg::Store(listed)]);
    run(&mut state, &mut store, vec![ch('o')]);
    assert!(text(&render(&state)).contains("名册中还没有体验官"));

    // A new officer; a kind not on the list is refused at its field.
    let mut keys = vec![ch('n')];
    keys.extend(typed("TY001"));
    keys.push(key(KeyCode::Tab));
    keys.extend(typed("李娜"));
    keys.push(key(KeyCode::Tab));
    keys.extend(typed("厨师"));
    keys.push(key(KeyCode::Tab));
    keys.push(key(KeyCode::Tab));
    keys.extend(typed("13812345678"));
    keys.push(ctrl('s'));
    run(&mut state, &mut store, keys);
    assert!(text(&render(&state)).contains("类别只能是"), "{}", text(&render(&state)));
    // The refusal put the cursor on the field it names.
    let mut keys = vec![ctrl('u')];
    keys.extend(typed("企业代表"));
    keys.push(ctrl('s'));
    run(&mut state, &mut store, keys);
    let officers = store.officers().unwrap();
    assert_eq!(officers.len(), 1, "{}", text(&render(&state)));
    assert_eq!(officers[0].name, "李娜");
    assert_eq!(officers[0].phone, "13812345678");
    let screen = text(&render(&state));
    assert!(screen.contains("138****5678") && !screen.contains("13812345678"), "masked in the list:\n{screen}");

    // A PIN: stars on screen, never in a draft, hashed in the store.
    run(&mut state, &mut store, vec![ch('p')]);
    run(&mut state, &mut store, typed("2468"));
    let screen = text(&render(&state));
    assert!(screen.contains("****") && !screen.contains("2468"), "{screen}");
    assert!(tiyan::app::draft::take(&state).is_none(), "a PIN is never drafted");
    run(&mut state, &mut store, vec![key(KeyCode::Enter)]);
    assert!(text(&render(&state)).contains("已为 李娜 设置 PIN"));
    let o = store.officers().unwrap().remove(0);
    assert!(!o.pin.is_empty() && !o.pin.iter().any(|p| p.contains("2468")));
    assert_eq!(store.check_officer_pin(o.id, "2468", 0).unwrap(), tiyan::store::kiosk::OfficerPin::Right);

    // Dismissed, asked first.
    run(&mut state, &mut store, vec![ch('d')]);
    assert!(matches!(state.overlays.last(), Some(Overlay::Confirm(_))));
    run(&mut state, &mut store, vec![ch('y')]);
    assert_eq!(store.officers().unwrap()[0].status, OfficerStatus::Dismissed);
    assert!(text(&render(&state)).contains("解聘"));
}
