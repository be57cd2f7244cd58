//! Keys of the form overlay: moving between fields, editing the focused one, opening its pick
//! list, saving (a new or edited session, finding or ticket; a status move and the ledger's
//! filter hand over to their own modules) and leaving.

use ratatui::crossterm::event::KeyEvent;

use super::common::{EditOutcome, ask, edit_key, global_key, next_seq, save, save_labelled};
use super::effect::Effect;
use super::form::{FormKind, FormState};
use super::layout::form_columns;
use super::state::{ConfirmAction, Overlay, State};
use super::{ledger, picker_keys, rectify};
use crate::domain::session::field as sf;
use crate::keymap::{Action, Layer};

/// A key while a form is on top (its pick list, when open, takes the key first).
pub(super) fn key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let keymap = &state.ctx.keymap;
    let (size, strings) = (state.size, state.ctx.strings());
    let Some(Overlay::Form(form)) = state.overlays.last_mut() else { return vec![] };
    if form.picker.is_some() {
        return picker_keys::key(state, &key);
    }
    // Rows move as the user sees them: the width the screen gives the field, from the size.
    let width = form_columns(size, form, strings).input_width;
    form.focused().input.set_wrap_width(width);
    match keymap.lookup(Layer::Form, &key) {
        Some(Action::NextField) => form_focus(form, 1),
        Some(Action::PrevField) => form_focus(form, -1),
        Some(Action::Save) => return save_form(state),
        Some(Action::Cancel) => {
            if form.has_changes() {
                ask(state, "confirm.discard_form", &[], ConfirmAction::DiscardOverlay);
            } else {
                state.overlays.pop();
            }
        }
        Some(Action::Pick) => picker_keys::open(state),
        _ => {
            form.error = None;
            let multiline = form.focused().input.is_multiline();
            match edit_key(keymap, &mut form.focused().input, &key) {
                EditOutcome::Done => {}
                // Enter in a one-line field moves on; arrows past a field's edge move between fields.
                EditOutcome::Unused(Action::Newline) if !multiline => form_focus(form, 1),
                EditOutcome::Unused(Action::Down) => form_focus(form, 1),
                EditOutcome::Unused(Action::Up) => form_focus(form, -1),
                EditOutcome::Unused(_) => {}
                EditOutcome::NotEditing => return global_key(state, &key, true),
            }
        }
    }
    vec![]
}

/// Focus the field `delta` away, wrapping round.
fn form_focus(form: &mut FormState, delta: isize) {
    let n = form.fields.len() as isize;
    form.focus = (form.focus as isize + delta).rem_euclid(n) as usize;
}

/// Ctrl-S: the form's fields checked and saved as one change; a bad field keeps the form
/// open with the reason beside it, and a deadline in the past is asked about first.
pub(super) fn save_form(state: &mut State) -> Vec<Effect> {
    let strings = state.ctx.strings();
    let Some(Overlay::Form(form)) = state.overlays.last() else { return vec![] };
    let seq = match form.kind {
        FormKind::Finding { session, .. } => next_seq(state, session),
        FormKind::Move { .. } => return rectify::submit(state),
        FormKind::LedgerFilter => return ledger::submit_filter(state),
        FormKind::Officer { editing } => return save_officer(state, editing),
        FormKind::Session { .. } | FormKind::Ticket { .. } => 0,
    };
    match form.to_changes(strings, seq, state.today(), &state.ctx.calendar, state.ctx.new_id()) {
        Err((field, message)) => {
            if let Some(Overlay::Form(form)) = state.overlays.last_mut() {
                form.focus = field;
                form.error = Some((field, message));
            }
            vec![]
        }
        Ok((id, mut changes)) => {
            if let Some(d) = form.past_deadline(&changes, state.today()) {
                let date = d.format("%Y-%m-%d").to_string();
                ask(state, "confirm.past_deadline", &[("date", &date)], ConfirmAction::SavePastDeadline);
                return vec![];
            }
            let new_session = matches!(form.kind, FormKind::Session { editing: None });
            let overlay = state.overlays.pop();
            if changes.is_empty() {
                return vec![];
            }
            // A unit, measure or deadline changed by hand goes into the finding's history too:
            // a deadline that moves silently would hide an overdue case.
            if let Some(f) = state.finding(id) {
                let at_ms = state.now().wall_ms;
                let entry = state.ctx.new_id();
                changes.extend(crate::domain::rectify::edit_entry(f, &state.inspector, at_ms, &changes, entry));
            }
            if !new_session {
                return save(state, id, changes, overlay);
            }
            // A new walk is made to be walked: its page opens once it is saved and listed.
            let item = changes.iter().find(|c| c.field == sf::ITEM).map(|c| c.value.as_text().to_string());
            let label = state.ctx.strings().tf("status.record_session", &[("item", &item.unwrap_or_default())]);
            let effects = save_labelled(state, id, changes, overlay, label);
            let req = state.next_req - 1;
            if let Some(p) = state.pending.get_mut(&req) {
                p.open_when_listed = true;
            }
            effects
        }
    }
}

/// Ctrl-S on an officer's form: the roster's own values (codes, dates), saved as one change.
fn save_officer(state: &mut State, editing: Option<crate::domain::EntityId>) -> Vec<Effect> {
    let id = editing.unwrap_or_else(|| state.ctx.new_id());
    let Some(Overlay::Form(form)) = state.overlays.last() else { return vec![] };
    match super::officers::changes(state, form, id) {
        Err((field, message)) => {
            if let Some(Overlay::Form(form)) = state.overlays.last_mut() {
                form.focus = field;
                form.error = Some((field, message));
            }
            vec![]
        }
        Ok(changes) => {
            let overlay = state.overlays.pop();
            save(state, id, changes, overlay)
        }
    }
}
