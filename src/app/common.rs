//! The helpers every screen and overlay calls back into: sending a change to the store
//! (`save`), asking before acting (`ask`), the keys of [global] (`global_key`, with quitting),
//! the editing keys of a text field (`edit_key`), and how a finding is named and numbered.
//! They sit below the screens, so no screen imports the dispatcher or another screen's keys.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::draft;
use super::effect::Effect;
use super::state::{CaptureState, Confirm, ConfirmAction, Overlay, Pending, SaveMark, SaveStatus, State};
use crate::domain::finding::field as ff;
use crate::domain::{Change, EntityId, Value};
use crate::edit::TextInput;
use crate::keymap::{Action, Keymap, Layer};
use crate::store::StoreRequest;

/// Ends the run: the main loop flushes pending writes and restores the terminal.
pub(super) fn quit(state: &mut State) -> Vec<Effect> {
    state.quitting = true;
    // Quitting on purpose drops unsaved text (the user was asked): no draft is left behind.
    let mut effects = if state.ended_by.is_none() { draft::discard_quietly(state) } else { vec![] };
    effects.push(Effect::Quit);
    effects
}

/// The character a key types, if it types one (no Ctrl or Alt held).
fn is_printable(key: &KeyEvent) -> Option<char> {
    match key.code {
        KeyCode::Char(c) if !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => Some(c),
        _ => None,
    }
}

/// Keys of [global]. `typing` is true in a text field, where printable keys were text already.
pub(super) fn global_key(state: &mut State, key: &KeyEvent, typing: bool) -> Vec<Effect> {
    if typing && is_printable(key).is_some() {
        return vec![];
    }
    match state.ctx.keymap.lookup(Layer::Global, key) {
        Some(Action::Quit) => {
            if overlay_has_unsaved_text(state) {
                ask(state, "confirm.quit_discard", &[], ConfirmAction::Quit);
                vec![]
            } else {
                quit(state)
            }
        }
        Some(Action::Help) => {
            if matches!(state.overlays.last(), Some(Overlay::Help { .. })) {
                state.overlays.pop();
            } else {
                state.overlays.push(Overlay::Help { scroll: 0 });
            }
            vec![]
        }
        Some(Action::Capture) if state.overlays.is_empty() => {
            open_capture(state);
            vec![]
        }
        _ => vec![],
    }
}

/// Whether a capture line or form holds text that quitting would lose.
fn overlay_has_unsaved_text(state: &State) -> bool {
    state.overlays.iter().any(|o| match o {
        Overlay::Capture(c) => c.has_changes(),
        Overlay::Form(f) => f.has_changes(),
        _ => false,
    })
}

/// The quick capture line, for the session open or selected.
fn open_capture(state: &mut State) {
    match state.current_session() {
        Some(session) => state.overlays.push(Overlay::Capture(CaptureState::finding(session))),
        None => state.notice = Some(state.t("capture.no_session").to_string()),
    }
}

/// Asks before `action`: a confirm dialog with the question `key` (and its `args`).
pub(super) fn ask(state: &mut State, key: &str, args: &[(&str, &str)], action: ConfirmAction) {
    let question = state.ctx.strings().tf(key, args);
    state.overlays.push(Overlay::Confirm(Confirm { question, action }));
}

/// Send one user change to the store as one durable transaction. `reopen` is the overlay to
/// bring back with its text if the commit fails, so nothing typed is lost.
pub(super) fn save(state: &mut State, entity: EntityId, changes: Vec<Change>, reopen: Option<Overlay>) -> Vec<Effect> {
    if changes.is_empty() {
        return vec![];
    }
    let req = state.next_req;
    state.next_req += 1;
    let kind = changes[0].kind;
    let value_of = |field: &str| changes.iter().find(|c| c.field == field).map(|c| &c.value);
    let new_finding = match (value_of(ff::SESSION), value_of(ff::SEQ)) {
        (Some(Value::Ref(session)), Some(Value::Int(seq))) => Some((*session, *seq)),
        _ => None,
    };
    let created = !state.is_listed(entity);
    state.pending.insert(
        req,
        Pending { entity, kind, new_finding, reopen, created, open_when_listed: false, item_cursor_back: None },
    );
    state.save_status.insert(entity, SaveStatus::Saving);
    state.save_mark = Some(SaveMark { entity, label: None });
    vec![Effect::Store(StoreRequest::Apply { req, changes })]
}

/// [`save`], naming the record for the status line wherever the user lands (a finding
/// captured from the session list is not on screen: 已保存：问题 3「…」).
pub(super) fn save_labelled(
    state: &mut State,
    entity: EntityId,
    changes: Vec<Change>,
    reopen: Option<Overlay>,
    label: String,
) -> Vec<Effect> {
    let effects = save(state, entity, changes, reopen);
    if let Some(mark) = state.save_mark.as_mut().filter(|m| m.entity == entity) {
        mark.label = Some(label);
    }
    effects
}

/// 问题 3「窗口无人…」: a finding as the status line names it.
pub(super) fn finding_label(state: &State, seq: i64, text: &str) -> String {
    let text = crate::text::truncate(text.lines().next().unwrap_or(""), 20).into_owned();
    state.ctx.strings().tf("status.record_finding", &[("seq", &seq.to_string()), ("text", &text)])
}

/// The 序号 a new finding of `session` takes: one after the highest known, counting the
/// ones still on their way to the store.
pub(super) fn next_seq(state: &State, session: EntityId) -> i64 {
    let from_summary = state.session_summary(session).map(|s| s.max_seq).unwrap_or(0);
    let from_list = state.findings_of(session).iter().map(|f| f.seq).max().unwrap_or(0);
    // Captures still in flight have not reached either number yet.
    let in_flight = state.pending.values().filter_map(|p| p.new_finding).filter(|(s, _)| *s == session);
    in_flight.map(|(_, seq)| seq).fold(from_summary.max(from_list), i64::max) + 1
}

/// Editing keys shared by the capture line, the form's fields and the pick list's query, by
/// the [editor] layer; a printable key is typed.
pub(super) fn edit_key(keymap: &Keymap, input: &mut TextInput, key: &KeyEvent) -> EditOutcome {
    if let Some(action) = keymap.lookup(Layer::Editor, key) {
        let moved = match action {
            Action::Left => {
                input.left();
                true
            }
            Action::Right => {
                input.right();
                true
            }
            Action::Up => input.up(),
            Action::Down => input.down(),
            Action::Home => {
                input.home();
                true
            }
            Action::End => {
                input.end();
                true
            }
            Action::WordLeft => {
                input.word_left();
                true
            }
            Action::WordRight => {
                input.word_right();
                true
            }
            Action::Backspace => {
                input.backspace();
                true
            }
            Action::DeleteChar => {
                input.delete();
                true
            }
            Action::DeleteWord => {
                input.delete_word_back();
                true
            }
            Action::DeleteToStart => {
                input.delete_to_start();
                true
            }
            Action::DeleteToEnd => {
                input.delete_to_end();
                true
            }
            Action::Newline => input.newline(),
            _ => true,
        };
        return if moved { EditOutcome::Done } else { EditOutcome::Unused(action) };
    }
    if let Some(c) = is_printable(key) {
        input.insert_char(c);
        return EditOutcome::Done;
    }
    EditOutcome::NotEditing
}

/// What [`edit_key`] did with a key.
pub(super) enum EditOutcome {
    Done,
    /// An editor action that did nothing here (up at the first row, newline in a single line).
    Unused(Action),
    /// Not an editing key: the caller tries it elsewhere (as a global key).
    NotEditing,
}
