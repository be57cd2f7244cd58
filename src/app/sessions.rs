//! 体验活动: the list of sessions, newest first. Keys open, create, edit, finish and delete a
//! session (and bring the last deleted back); the ledger, the statistics and the inspector's
//! name are reached from here.

use ratatui::crossterm::event::KeyEvent;

use super::common::{ask, global_key};
use super::effect::Effect;
use super::form::FormState;
use super::layout::page;
use super::nav::move_cursor;
use super::state::{ConfirmAction, Overlay, State};
use super::{deleted, finish, goto, rectify};
use crate::domain::SessionSummary;
use crate::keymap::{Action, Layer};

/// The session list as last loaded, and its cursor.
#[derive(Default)]
pub struct SessionsView {
    /// Every live session, newest first, with its counts.
    pub list: Vec<SessionSummary>,
    /// Whether the list has come from the store yet (until then the screen says so).
    pub loaded: bool,
    pub cursor: usize,
    /// Where the list's view starts (kept by drawing: see [`super::nav::ViewTop`]).
    pub top: super::nav::ViewTop,
}

/// A key on the session list.
pub(super) fn screen_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(action) = state.ctx.keymap.lookup(Layer::Sessions, &key) else {
        return global_key(state, &key, false);
    };
    if let Some(c) = move_cursor(state.sessions.cursor, state.sessions.list.len(), page(state), action) {
        state.sessions.cursor = c;
        return vec![];
    }
    let selected = state.selected_session().map(|s| s.session.clone());
    match (action, selected) {
        (Action::New, _) => {
            let last = state.sessions.list.first().map(|s| &s.session);
            let form = FormState::new_session(state.ctx.lang, last, &state.inspector);
            state.overlays.push(Overlay::Form(Box::new(form)));
            vec![]
        }
        (Action::Open, Some(s)) => goto::session_page(state, s.id),
        (Action::Edit, Some(s)) => {
            state.overlays.push(Overlay::Form(Box::new(FormState::edit_session(&s, state.ctx.lang))));
            vec![]
        }
        (Action::Finish, Some(s)) => finish::toggle_finished(state, &s),
        (Action::WaitStats, _) => goto::stats(state),
        (Action::Ratings, _) => super::ratings::open(state),
        (Action::OpenOfficers, _) => super::officers::open(state),
        (Action::OpenLedger, _) => goto::ledger(state),
        (Action::SetInspector, _) => {
            rectify::ask_inspector(state);
            vec![]
        }
        (Action::Delete, Some(s)) => {
            ask(state, "confirm.delete_session", &[("item", &s.item)], ConfirmAction::DeleteSession(s.id));
            vec![]
        }
        (Action::Undo, _) => deleted::restore_deleted(state, None),
        (Action::OpenSync, _) => super::sync::open(state),
        _ => vec![],
    }
}
