//! A session's page: its checklists and its findings, in two panes (Tab switches). Keys on the
//! findings create, edit, open, move and delete them; the checklist pane's own keys are in
//! `checklist`; the board and the stopwatch open from here.

use ratatui::crossterm::event::KeyEvent;

use super::common::{ask, global_key};
use super::effect::Effect;
use super::form::FormState;
use super::layout::page;
use super::nav::move_cursor;
use super::state::{ConfirmAction, Overlay, Pane, Screen, State};
use super::{checklist, deleted, finish, goto, rectify};
use crate::domain::{Checklist, EntityId, Finding};
use crate::keymap::{Action, Layer};
use crate::store::StoreRequest;

/// A session's page: its findings and its checklists, each list kept with the session it
/// belongs to (a list of another session is never shown) and its cursor.
#[derive(Default)]
pub struct SessionPageView {
    /// Findings of the session on screen (or of the last one opened).
    pub findings: Vec<Finding>,
    pub findings_session: Option<EntityId>,
    pub finding_cursor: usize,
    /// Where the findings' view starts (kept by drawing: see [`super::nav::ViewTop`]).
    pub finding_top: super::nav::ViewTop,
    /// Checklists of the session on screen (or of the last one opened).
    pub checklists: Vec<Checklist>,
    pub checklists_session: Option<EntityId>,
    pub checklist_cursor: usize,
    /// Which list has the cursor.
    pub pane: Pane,
}

/// A key on a session's page: the page's own keys, then the checklist pane's when it has
/// the cursor, then the findings'.
pub(super) fn screen_key(state: &mut State, key: KeyEvent, session: EntityId) -> Vec<Effect> {
    let Some(action) = state.ctx.keymap.lookup(Layer::SessionPage, &key) else {
        return global_key(state, &key, false);
    };
    match action {
        Action::Documents => return super::documents::open(state, super::document_job::Target::Session(session)),
        Action::Attach => return super::attachments::open(state, crate::domain::EntityKind::Session, session),
        Action::SwitchPane => {
            state.page.pane = match state.page.pane {
                Pane::Findings => Pane::Checklists,
                Pane::Checklists => Pane::Findings,
            };
            return vec![];
        }
        Action::AddChecklist => {
            state.overlays.push(Overlay::TemplatePicker { session, cursor: 0 });
            return vec![];
        }
        Action::OpenBoard => return goto::board(state, session),
        Action::OpenWalk => return goto::walk(state, session),
        Action::Undo => return deleted::restore_deleted(state, Some(session)),
        _ => {}
    }
    if state.page.pane == Pane::Checklists {
        if let Some(effects) = checklist::pane_key(state, action) {
            return effects;
        }
        // No finding is highlighted here, so nothing acts on one: say where they are.
        if action == Action::MoveStatus {
            let key = state.key_for(Layer::SessionPage, Action::SwitchPane).unwrap_or_default();
            state.notice = Some(state.ctx.strings().tf("findings.pane_is_checklists", &[("key", &key)]));
            return vec![];
        }
    }
    let len = state.findings_of(session).len();
    if let Some(c) = move_cursor(state.page.finding_cursor, len, page(state), action) {
        state.page.finding_cursor = c;
        return vec![];
    }
    let selected = state.selected_finding().cloned();
    match (action, selected) {
        (Action::Back, _) => {
            state.screen = Screen::Sessions;
            vec![Effect::Store(StoreRequest::LoadSessions)]
        }
        (Action::New, _) => {
            state.overlays.push(Overlay::Form(Box::new(FormState::new_finding(session, state.ctx.lang))));
            vec![]
        }
        (Action::Edit, Some(f)) => {
            state.overlays.push(Overlay::Form(Box::new(FormState::edit_finding(&f, state.ctx.lang))));
            vec![]
        }
        (Action::Open, Some(f)) => goto::finding(state, session, f.id, false),
        (Action::MoveStatus, Some(f)) => rectify::open_moves(state, f.id),
        (Action::Delete, Some(f)) => {
            ask(state, "confirm.delete_finding", &[("seq", &f.seq.to_string())], ConfirmAction::DeleteFinding(f.id));
            vec![]
        }
        (Action::EditSession, _) => {
            if let Some(s) = state.session_summary(session).map(|s| s.session.clone()) {
                state.overlays.push(Overlay::Form(Box::new(FormState::edit_session(&s, state.ctx.lang))));
            }
            vec![]
        }
        (Action::Finish, _) => match state.session_summary(session).map(|s| s.session.clone()) {
            Some(s) => finish::toggle_finished(state, &s),
            None => vec![],
        },
        _ => vec![],
    }
}
