//! `update(&mut State, Msg) -> Vec<Effect>`: the only place state changes. This is the
//! dispatcher: each message goes to the module that owns it (a key to the top overlay or the
//! screen, a store answer to `store_events`); the screens and overlays live in files of their
//! own and call back only into the helpers below them (`common`, `goto`, `finish`, `deleted`),
//! never into this file.
//!
//! Keys resolve through the keymap by layer: the top overlay's layer first (dialog, help,
//! capture, form → editor), then the screen's layer, then [global]. In a text field printable
//! keys are text first, so only non-printable global keys (ctrl-c, f1) reach [global] there.
//! Nothing is shown as saved until the store thread acknowledges the commit; lists are
//! reloaded from the store after each acknowledgement, so the screen always shows what is on
//! disk. What the status line says about a save is tied to that save (`State::save_mark`): a
//! key that moves the user on without saving drops it, so "saved" never stands beside
//! something it is not about, and a save made from elsewhere names its record.

use ratatui::crossterm::event::{KeyEvent, KeyEventKind};

use super::common::quit;
use super::effect::Effect;
use super::form::FormState;
use super::msg::Msg;
use super::state::{Overlay, Screen, State};
use super::{
    board, capture, checklist, clock_watch, dialog, draft, finding_view, form_keys, help, ledger, rectify,
    session_page, sessions, stats, store_events, walk,
};
use crate::edit::TextInput;
use crate::keymap::Layer;

pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) if key.kind == KeyEventKind::Release => vec![],
        Msg::Key(key) => {
            // The save mark belongs to the record it is about: moving on (another record or
            // screen, a form or line opened or closed) drops it, unless this key saved.
            let before = (state.screen, state.focused_record(), state.overlays.len(), state.next_req);
            let effects = on_key(state, key);
            let after = (state.screen, state.focused_record(), state.overlays.len(), state.next_req);
            if before.3 == after.3 && before != after {
                state.save_mark = None;
            }
            effects
        }
        Msg::Paste(text) => {
            if let Some(input) = focused_input(state) {
                input.insert_str(&text);
            }
            // Pasted into the pick list's query: rank again, as typing does.
            if let Some(Overlay::Form(form)) = state.overlays.last_mut() {
                if let Some(picker) = form.picker.as_mut() {
                    picker.refilter();
                }
            }
            vec![]
        }
        Msg::Resize(w, h) => {
            state.size = (w, h);
            ledger::resized(state);
            vec![]
        }
        Msg::Store(ev) => store_events::on_store(state, ev),
        // The terminal went away (SSH dropped, SIGTERM): keep what was typed, then end.
        Msg::Signal(signal) => ended_by(state, signal),
        Msg::InputClosed(_) => ended_by(state, crate::term::signals::Signal::Hangup),
        // A timer on screen turned over a second; the frame is drawn after this.
        Msg::Tick => clock_watch::check_clock(state),
        Msg::FileWritten { result, .. } => {
            state.notice = Some(match result {
                Ok(path) => state.ctx.strings().tf("file.written", &[("path", &path.display().to_string())]),
                Err(error) => state.ctx.strings().tf("file.not_written", &[("error", &error)]),
            });
            vec![]
        }
    }
}

/// Ended by a signal or a closed terminal: the unsaved text is written as a draft first.
fn ended_by(state: &mut State, signal: crate::term::signals::Signal) -> Vec<Effect> {
    state.ended_by = Some(signal);
    let mut effects = draft::checkpoint(state, true);
    effects.extend(quit(state));
    effects
}

/// The text input that has the caret: the entry line, the pick list's query while it is
/// open, else the form's focused field.
fn focused_input(state: &mut State) -> Option<&mut TextInput> {
    match state.overlays.last_mut()? {
        Overlay::Capture(c) => Some(&mut c.input),
        Overlay::Form(f) => {
            let FormState { picker, fields, focus, .. } = &mut **f;
            match picker {
                Some(picker) => Some(&mut picker.query),
                None => fields.get_mut(*focus).map(|field| &mut field.input),
            }
        }
        _ => None,
    }
}

/// A key goes to the top overlay, else to the screen. Pick lists keep fixed keys; the other
/// overlays resolve theirs in their keymap layer (`State::layer`).
fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    // A notice is read once; the next key clears it (a new one may be set below).
    state.notice = None;
    match state.overlays.last() {
        None => screen_key(state, key),
        Some(Overlay::TemplatePicker { .. }) => checklist::picker_key(state, &key),
        Some(Overlay::DocumentPicker { .. }) => super::documents::picker_key(state, &key),
        Some(Overlay::StagePicker { .. }) => walk::picker_key(state, &key),
        Some(Overlay::MovePicker { .. }) => rectify::picker_key(state, &key),
        Some(Overlay::ResolvePicker { .. }) => super::conflicts::picker_key(state, &key),
        Some(Overlay::AttachmentPicker { .. }) => super::attachments::picker_key(state, &key),
        Some(_) => match state.layer() {
            Some(Layer::Dialog) => dialog::key(state, &key),
            Some(Layer::Help) => help::key(state, &key),
            Some(Layer::Capture) => capture::key(state, key),
            _ => form_keys::key(state, key),
        },
    }
}

/// A key with no overlay open: the screen's.
fn screen_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    match state.screen {
        Screen::Sessions => sessions::screen_key(state, key),
        Screen::SessionPage { session } => session_page::screen_key(state, key, session),
        Screen::Checklist { session, .. } => checklist::screen_key(state, key, session),
        Screen::Board { session } => board::screen_key(state, key, session),
        Screen::Walk { session } => walk::screen_key(state, key, session),
        Screen::WaitStats => stats::screen_key(state, key),
        Screen::Ratings => super::ratings::screen_key(state, key),
        Screen::Officers => super::officers::screen_key(state, key),
        Screen::Finding { session, finding, from_ledger } => {
            finding_view::screen_key(state, key, session, finding, from_ledger)
        }
        Screen::Ledger => ledger::screen_key(state, key),
        Screen::Reminders => ledger::reminders_key(state, key),
        Screen::Sync => super::sync::screen_key(state, key),
    }
}
