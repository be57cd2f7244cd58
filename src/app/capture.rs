//! The capture line: a quick finding typed at the bottom of any screen, or a line another
//! screen opens (an answer, a note, a transfer's window, a stage name, the inspector's name).
//! Enter hands the text to whoever asked for it.

use ratatui::crossterm::event::KeyEvent;

use super::common::{EditOutcome, ask, edit_key, finding_label, global_key, next_seq, save_labelled};
use super::effect::Effect;
use super::form::new_finding_fields;
use super::state::{CapturePurpose, ConfirmAction, Overlay, State};
use super::{board, checklist, rectify, walk};
use crate::domain::finding::field as ff;
use crate::domain::{Change, EntityKind, Value};
use crate::keymap::{Action, Layer};

/// A key while the capture line is on top: Enter hands the text on, Esc leaves (asking
/// before dropping typed text), editing keys edit.
pub(super) fn key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    match state.ctx.keymap.lookup(Layer::Capture, &key) {
        // Enter right after Tab: the line is taken once the completion is in.
        Some(Action::Submit) if state.completing.is_some() => {
            state.submit_on_completion = true;
            return vec![];
        }
        Some(Action::Submit) => return submit_capture(state),
        // Tab completes where a path is typed; elsewhere it is nothing.
        Some(Action::Complete) => {
            return match state.overlays.last() {
                Some(Overlay::Capture(c)) if c.purpose.takes_a_path() => {
                    let text = c.input.text().to_string();
                    state.completing = Some(text.clone());
                    super::attachments::complete(&text)
                }
                _ => vec![],
            };
        }
        Some(Action::Cancel) => {
            state.completing = None;
            state.submit_on_completion = false;
            let has_text = matches!(state.overlays.last(), Some(Overlay::Capture(c)) if c.has_changes());
            if has_text {
                ask(state, "capture.discard", &[], ConfirmAction::DiscardOverlay);
            } else {
                state.overlays.pop();
            }
            return vec![];
        }
        _ => {}
    }
    let Some(Overlay::Capture(c)) = state.overlays.last_mut() else { return vec![] };
    match edit_key(&state.ctx.keymap, &mut c.input, &key) {
        EditOutcome::Done | EditOutcome::Unused(_) => vec![],
        EditOutcome::NotEditing => global_key(state, &key, true),
    }
}

/// Enter: a quick finding is saved here, with the next 序号; any other line goes to the
/// screen that opened it.
pub(super) fn submit_capture(state: &mut State) -> Vec<Effect> {
    let Some(Overlay::Capture(c)) = state.overlays.pop() else { return vec![] };
    let link = match &c.purpose {
        CapturePurpose::Finding { link } => link,
        CapturePurpose::Transfer { ticket } => return board::submit_transfer(state, *ticket, c.input.text()),
        CapturePurpose::Stage { at } => return walk::submit_stage(state, c.session, c.input.text(), *at),
        CapturePurpose::Inspector => return rectify::submit_inspector(state, c.input.text()),
        CapturePurpose::SyncPath => return super::sync::submit_path(state, c.input.text()),
        CapturePurpose::OfficerPin { officer, name } => {
            return super::officers::submit_pin(state, *officer, name, c.input.text().trim());
        }
        CapturePurpose::AttachPath { kind, owner } => {
            return super::attachments::submit_path(state, *kind, *owner, c.input.text());
        }
        CapturePurpose::Answer { .. } | CapturePurpose::Note { .. } => return checklist::submit_entry(state, c),
    };
    let text = c.input.text().trim().to_string();
    if text.is_empty() {
        return vec![];
    }
    let id = state.ctx.new_id();
    let seq = next_seq(state, c.session);
    let mut changes: Vec<Change> = new_finding_fields(c.session, seq)
        .into_iter()
        .map(|(f, v)| Change::set(EntityKind::Finding, id, f, v))
        .collect();
    let label = finding_label(state, seq, &text);
    changes.push(Change::set(EntityKind::Finding, id, ff::DESCRIPTION, Value::text(text)));
    if let Some(link) = link {
        changes.extend(link.changes(id));
    }
    let from_item = matches!(link, Some(crate::domain::FindingLink::Check { .. }));
    let effects = save_labelled(state, id, changes, Some(Overlay::Capture(c)), label);
    // The item it came from is dealt with: the next key answers the next item, never this
    // failed one again.
    if from_item {
        checklist::advance(state);
    }
    effects
}
