//! The stage stopwatch of a walk (事项办理全过程): one key marks the next stage at the moment
//! it is pressed, then its name is picked from the list or typed; pause and resume; stop; undo
//! the last mark within 30 s.
//! Marks are stored on the session, so its page and the report can tell the whole course.

use ratatui::crossterm::event::KeyEvent;

use super::clock_watch::check_clock;
use super::common::{global_key, save};
use super::effect::Effect;
use super::nav::{Pick, pick_key};
use super::state::{CapturePurpose, CaptureState, Overlay, Screen, State};
use crate::domain::stamp::UNDO_SECS;
use crate::domain::walk::{Mark, STAGE_NAMES, Walk};
use crate::domain::{EntityId, Session, Stamp};
use crate::keymap::{Action, Layer};
use crate::store::StoreRequest;

fn session_of(state: &State, session: EntityId) -> Option<Session> {
    state.session_summary(session).map(|s| s.session.clone())
}

pub(super) fn screen_key(state: &mut State, key: KeyEvent, session: EntityId) -> Vec<Effect> {
    let Some(action) = state.ctx.keymap.lookup(Layer::Walk, &key) else {
        return global_key(state, &key, false);
    };
    let mut effects = check_clock(state);
    let Some(s) = session_of(state, session) else { return effects };
    let walk = &s.walk;
    effects.extend(match action {
        Action::Back => {
            state.screen = Screen::SessionPage { session };
            vec![Effect::Store(StoreRequest::LoadFindings { session })]
        }
        // The key marks the moment; naming the stage may take a while.
        Action::MarkStage => {
            let at = state.now();
            state.overlays.push(Overlay::StagePicker { session, cursor: suggested_stage(walk), at });
            vec![]
        }
        Action::PauseResume if walk.allows(Mark::Pause) => mark(state, &s, Mark::Pause, ""),
        Action::PauseResume if walk.allows(Mark::Resume) => mark(state, &s, Mark::Resume, ""),
        Action::StopWalk if walk.allows(Mark::Stop) => mark(state, &s, Mark::Stop, ""),
        Action::PauseResume | Action::StopWalk => {
            state.notice = Some(state.t("walk.not_running").to_string());
            vec![]
        }
        Action::Undo => match walk.undoable(&state.now(), UNDO_SECS) {
            Some(n) => {
                state.notice = Some(state.t("walk.undone").to_string());
                let change = listed_walk(state, session).map(|w| w.undo(session, n));
                save(state, session, change.into_iter().collect(), None)
            }
            None => {
                state.notice = Some(state.t("board.undo_too_late").to_string());
                vec![]
            }
        },
        _ => vec![],
    });
    effects
}

/// Records the mark (stamped now) on the listed session too, so the next key builds on it.
fn mark(state: &mut State, s: &Session, mark: Mark, detail: &str) -> Vec<Effect> {
    let now = state.now();
    mark_at(state, s, mark, detail, now)
}

fn mark_at(state: &mut State, s: &Session, mark: Mark, detail: &str, at: Stamp) -> Vec<Effect> {
    let change = listed_walk(state, s.id).map(|w| w.mark(s.id, mark, at, detail));
    save(state, s.id, change.into_iter().collect(), None)
}

fn listed_walk(state: &mut State, session: EntityId) -> Option<&mut Walk> {
    state.sessions.list.iter_mut().find(|x| x.session.id == session).map(|x| &mut x.session.walk)
}

/// The stage that usually follows the last one marked (the list is in walking order).
fn suggested_stage(walk: &Walk) -> usize {
    let last = walk.marks.iter().rev().find(|(_, m, _)| *m == Mark::Stage).map(|(_, _, e)| e.detail.as_str());
    match last.and_then(|name| STAGE_NAMES.iter().position(|n| *n == name)) {
        Some(i) => (i + 1).min(STAGE_NAMES.len() - 1),
        None => 0,
    }
}

/// The pick list: arrows or j/k and Enter, or the digit shown before a name; the last row
/// opens a line to type a name. Fixed keys, like the other pick lists.
pub(super) fn picker_key(state: &mut State, key: &KeyEvent) -> Vec<Effect> {
    let Some(Overlay::StagePicker { session, cursor, at }) = state.overlays.last_mut() else { return vec![] };
    let (session, at) = (*session, *at);
    let row = match pick_key(cursor, STAGE_NAMES.len() + 1, key) {
        Pick::Moved => return vec![],
        Pick::Other => return global_key(state, key, false),
        Pick::Cancel => {
            state.overlays.pop();
            return vec![];
        }
        Pick::Chosen(row) => row,
    };
    state.overlays.pop();
    match STAGE_NAMES.get(row) {
        Some(name) => submit_stage(state, session, name, at),
        None => {
            state.overlays.push(Overlay::Capture(CaptureState::new(session, CapturePurpose::Stage { at }, "")));
            vec![]
        }
    }
}

/// Marks the next stage, named `name` (picked or typed), as begun `at` (when its key was
/// pressed).
pub(super) fn submit_stage(state: &mut State, session: EntityId, name: &str, at: Stamp) -> Vec<Effect> {
    let name = name.trim();
    let Some(s) = session_of(state, session).filter(|_| !name.is_empty()) else { return vec![] };
    mark_at(state, &s, Mark::Stage, name, at)
}
