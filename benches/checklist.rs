//! Checklist figures: (1) parsing and validating every shipped template (what each start
//! does), and (2) one answer's save, from the key to the store thread's acknowledgement of
//! the durable commit, through the real path on the largest shipped template.

mod support;

use std::time::Instant;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tiyan::app::{Effect, Msg, State, update};
use tiyan::checklist::{Catalog, SHIPPED};
use tiyan::domain::{AnswerKind, Checklist};
use tiyan::store::{StoreEvent, StoreRequest};

const PARSES: usize = 1000;
const ANSWERS: usize = 1000;

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// Feeds store events to `update` until `done` holds, sending the effects it asks for.
fn pump(
    state: &mut State,
    handle: &tiyan::store::thread::StoreHandle,
    rx: &crossbeam_channel::Receiver<StoreEvent>,
    done: impl Fn(&State, &StoreEvent) -> bool,
) {
    loop {
        let ev = rx.recv().expect("store event");
        if let StoreEvent::SaveFailed { error, .. } = &ev {
            panic!("save failed: {error}");
        }
        let finished = done(state, &ev);
        for effect in update(state, Msg::Store(ev)) {
            if let Effect::Store(req) = effect {
                handle.send(req);
            }
        }
        if finished {
            return;
        }
    }
}

fn main() {
    let mut parses = Vec::with_capacity(PARSES);
    let mut items = 0;
    for _ in 0..PARSES {
        let t0 = Instant::now();
        let catalog = Catalog::load(SHIPPED, None);
        parses.push(t0.elapsed());
        items = catalog.usable().iter().map(|t| t.item_count()).sum();
    }
    support::report(&format!("parse + validate {} shipped templates ({items} items)", SHIPPED.len()), &mut parses);

    let (_tmp, mut store, session) = support::store_with_session();
    let catalog = Catalog::load(SHIPPED, None);
    let largest = catalog.usable().into_iter().max_by_key(|t| t.item_count()).expect("a template").clone();
    let (checklist, attach) = Checklist::attach(tiyan::domain::op::new_entity_id(), session, &largest);
    store.apply(&attach).expect("attach");

    let (tx, rx) = crossbeam_channel::unbounded();
    let handle = tiyan::store::thread::spawn(store, move |ev| {
        let _ = tx.send(ev);
    });
    let mut state = State::new(support::context(), (100, 30));
    handle.send(StoreRequest::LoadSessions);
    pump(&mut state, &handle, &rx, |_, ev| matches!(ev, StoreEvent::Sessions(_)));
    for effect in update(&mut state, key(KeyCode::Enter)) {
        if let Effect::Store(req) = effect {
            handle.send(req);
        }
    }
    pump(&mut state, &handle, &rx, |_, ev| matches!(ev, StoreEvent::Checklists { .. }));
    update(&mut state, key(KeyCode::Tab));
    update(&mut state, key(KeyCode::Enter));
    assert!(state.open_checklist().is_some_and(|c| c.id == checklist), "checklist open");

    // Walk the items again and again, answering each with the key of its kind; counts and
    // free text open an entry first, so they are stepped over.
    let kinds: Vec<AnswerKind> = largest.items().map(|(_, i)| i.kind).collect();
    let mut samples = Vec::with_capacity(ANSWERS);
    let mut round = 0;
    while samples.len() < ANSWERS {
        update(&mut state, key(KeyCode::Home));
        for kind in &kinds {
            // Alternate rounds so every answer changes the stored value.
            let answer = match (kind, round % 2) {
                (AnswerKind::PassFail | AnswerKind::YesNo, 0) => 'y',
                (AnswerKind::PassFail | AnswerKind::YesNo, _) => 'n',
                (AnswerKind::Score, 0) => '4',
                (AnswerKind::Score, _) => '2',
                (AnswerKind::Count | AnswerKind::Text, _) => {
                    update(&mut state, key(KeyCode::Down));
                    continue;
                }
            };
            let t0 = Instant::now();
            for effect in update(&mut state, key(KeyCode::Char(answer))) {
                if let Effect::Store(req) = effect {
                    handle.send(req);
                }
            }
            pump(&mut state, &handle, &rx, |_, ev| matches!(ev, StoreEvent::Saved { .. }));
            samples.push(t0.elapsed());
            // Let the reload land so the next answer sees the screen as the user would.
            pump(&mut state, &handle, &rx, |_, ev| matches!(ev, StoreEvent::Checklists { .. }));
            // A fail or a no keeps the cursor on its item (for a finding): move on by hand.
            if answer == 'n' {
                update(&mut state, key(KeyCode::Down));
            }
        }
        round += 1;
    }
    handle.shutdown();
    support::report(
        &format!("one answer on a {}-item checklist (key → acknowledged durable commit)", largest.item_count()),
        &mut samples,
    );
}
