//! One finding's page: what it is, its 六明确 and deadline, and its history. Reached from a
//! session's page or from the ledger; Back returns there.

use ratatui::crossterm::event::KeyEvent;

use super::effect::Effect;
use super::form::FormState;
use super::layout::page;
use super::state::{Overlay, Screen, State};
use super::update::global_key;
use super::{ledger, rectify};
use crate::domain::EntityId;
use crate::keymap::{Action, Layer};
use crate::store::StoreRequest;

pub fn open(state: &mut State, session: EntityId, finding: EntityId, from_ledger: bool) -> Vec<Effect> {
    state.screen = Screen::Finding { session, finding, from_ledger };
    state.finding_scroll = 0;
    vec![]
}

pub fn screen_key(
    state: &mut State,
    key: KeyEvent,
    session: EntityId,
    finding: EntityId,
    from_ledger: bool,
) -> Vec<Effect> {
    let Some(action) = state.ctx.keymap.lookup(Layer::Finding, &key) else {
        return global_key(state, &key, false);
    };
    let page = page(state);
    if super::nav::scroll(&mut state.finding_scroll, page, action) {
        return vec![];
    }
    match action {
        Action::MoveStatus => return rectify::open_moves(state, finding),
        Action::Edit => {
            if let Some(f) = state.finding(finding) {
                let form = FormState::edit_finding(f, state.ctx.lang);
                state.overlays.push(Overlay::Form(Box::new(form)));
            }
        }
        Action::GotoSession => return super::update::open_session_at(state, session, Some(finding)),
        Action::Back if from_ledger => return ledger::back_to(state),
        Action::Back => return super::update::open_session_at(state, session, Some(finding)),
        _ => {}
    }
    vec![]
}

/// The request that refreshes what the page shows after a change.
pub fn reload(from_ledger: bool, session: EntityId) -> StoreRequest {
    if from_ledger { StoreRequest::LoadAllFindings } else { StoreRequest::LoadFindings { session } }
}
