//! The confirm dialog: yes carries out the action it asked about, no closes it.

use ratatui::crossterm::event::KeyEvent;

use super::common::{global_key, quit};
use super::effect::Effect;
use super::state::{ConfirmAction, Overlay, State};
use super::{board, checklist, deleted, finish, form_keys};
use crate::keymap::{Action, Layer};

/// A key while the dialog is on top.
pub(super) fn key(state: &mut State, key: &KeyEvent) -> Vec<Effect> {
    match state.ctx.keymap.lookup(Layer::Dialog, key) {
        Some(Action::Yes) => confirm_yes(state),
        Some(Action::No) => {
            state.overlays.pop();
            vec![]
        }
        _ => global_key(state, key, false),
    }
}

/// Yes: the dialog closes and what it asked about is done.
fn confirm_yes(state: &mut State) -> Vec<Effect> {
    let Some(Overlay::Confirm(confirm)) = state.overlays.pop() else { return vec![] };
    match confirm.action {
        ConfirmAction::DiscardOverlay => {
            state.overlays.pop();
            vec![]
        }
        ConfirmAction::Quit => quit(state),
        ConfirmAction::DeleteSession(id) => deleted::delete_session(state, id),
        ConfirmAction::DeleteFinding(id) => deleted::delete_finding(state, id),
        ConfirmAction::RetireOfficer(id) => super::officers::retire(state, id),
        ConfirmAction::Detach { kind, owner, attachment } => super::attachments::detach(state, kind, owner, attachment),
        ConfirmAction::RemoveChecklist(id) => checklist::remove(state, id),
        ConfirmAction::DeleteTicket(id) => board::delete(state, id),
        ConfirmAction::ChangeAnswer { checklist, item, answer } => {
            checklist::change_answer(state, checklist, &item, answer)
        }
        ConfirmAction::FinishSession(id) => finish::finish_stopping_timers(state, id),
        ConfirmAction::TrustCard(card) => super::sync::trust_card(state, *card),
        ConfirmAction::ImportTrusting(fp) => super::sync::import_trusting(state, fp),
        ConfirmAction::SavePastDeadline => {
            if let Some(Overlay::Form(form)) = state.overlays.last_mut() {
                form.past_deadline_ok = true;
            }
            form_keys::save_form(state)
        }
    }
}
