//! The app against a real store in a temp dir, answered synchronously with the store thread's
//! own answers (`store::thread::answer`), and a clock the test moves.

use std::sync::Arc;

use tiyan::app::{Effect, Msg, State, update};
use tiyan::clock::ManualClock;
use tiyan::domain::Change;
use tiyan::i18n::Lang;
use tiyan::store::{Store, StoreRequest};

pub struct Live {
    pub state: State,
    pub store: Store,
    pub clock: Arc<ManualClock>,
    _dir: tempfile::TempDir,
}

impl Live {
    /// An empty store, the session list loaded, the clock at T0, acting as `inspector`.
    pub fn new(lang: Lang, size: (u16, u16), inspector: &str) -> Live {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.redb")).unwrap();
        let clock = Arc::new(ManualClock::new(1, super::T0 as i64));
        let mut state = State::new(super::context_with_clock(lang, clock.clone()), size);
        state.inspector = inspector.to_string();
        Live { state, store, clock, _dir: dir }
    }

    /// Saves changes straight to the store (fixture data), then reloads the session list.
    pub fn seed(&mut self, changes: &[Change]) {
        self.store.apply(changes).unwrap();
        self.answer(vec![Effect::Store(StoreRequest::LoadSessions)]);
    }

    /// Feeds a message and answers every store request it causes, to the end; returns the
    /// changes written.
    pub fn press(&mut self, msg: Msg) -> Vec<Change> {
        let effects = update(&mut self.state, msg);
        self.answer(effects)
    }

    pub fn answer(&mut self, effects: Vec<Effect>) -> Vec<Change> {
        answer(&mut self.state, &mut self.store, effects)
    }
}

/// Answers every store request among `effects` and those the answers cause, in order.
pub fn answer(state: &mut State, store: &mut Store, effects: Vec<Effect>) -> Vec<Change> {
    let mut applied = Vec::new();
    let mut queue = effects;
    while !queue.is_empty() {
        let mut next = Vec::new();
        for effect in queue {
            let Effect::Store(req) = effect else { continue };
            if let StoreRequest::Apply { changes, .. } = &req {
                applied.extend(changes.iter().cloned());
            }
            let Some(event) = tiyan::store::thread::answer(store, req) else { continue };
            next.extend(update(state, Msg::Store(event)));
        }
        queue = next;
    }
    applied
}
