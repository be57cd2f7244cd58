//! One finding's page: what it is, its 六明确 and deadline, and its history. Reached from a
//! session's page or from the ledger; Back returns there.

use ratatui::crossterm::event::KeyEvent;

use super::common::global_key;
use super::effect::Effect;
use super::form::FormState;
use super::layout::page;
use super::nav::scroll;
use super::state::{Overlay, State};
use super::{goto, rectify};
use crate::domain::EntityId;
use crate::keymap::{Action, Layer};
use crate::store::StoreRequest;

/// A finding's page (the finding is the session page's or the ledger's copy).
#[derive(Default)]
pub struct FindingView {
    /// How far the page is scrolled.
    pub scroll: u16,
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
    if scroll(&mut state.finding_view.scroll, page, action) {
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
        Action::GotoSession => return goto::session_page_at(state, session, Some(finding)),
        Action::Resolve => return super::conflicts::open(state, finding),
        Action::Attach => return super::attachments::open(state, crate::domain::EntityKind::Finding, finding),
        Action::Back if from_ledger => {
            let mut effects = goto::back_to_ledger(state);
            effects.extend(super::ledger::fetch(state, false));
            return effects;
        }
        Action::Back => return goto::session_page_at(state, session, Some(finding)),
        _ => {}
    }
    vec![]
}

/// The request that refreshes what the page shows after a change.
pub fn reload(from_ledger: bool, session: EntityId) -> StoreRequest {
    if from_ledger { StoreRequest::LoadLedger } else { StoreRequest::LoadFindings { session } }
}
