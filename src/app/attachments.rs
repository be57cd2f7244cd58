//! `A` on a session's page or a finding's: its photos and scans (附件). With none yet, a path
//! line opens at once (Tab completes it); with some, a pick list shows them, Enter or `d` on
//! one asks to remove it, and its last line adds another. The store thread reads, checks and
//! keeps the file (`StoreRequest::Attach`), and the directory Tab looks in is read there too.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::common::{ask, global_key, save};
use super::effect::Effect;
use super::nav::{Pick, pick_key};
use super::state::{AttachPending, CapturePurpose, CaptureState, ConfirmAction, Overlay, State};
use crate::domain::{Attachment, Change, EntityId, EntityKind, Value, attachment};
use crate::files::{Completion, size_text};
use crate::store::StoreRequest;
use crate::store::attachments::AttachError;

/// The attachments of a session or finding as loaded for the screen.
pub fn of(state: &State, kind: EntityKind, owner: EntityId) -> &[Attachment] {
    match kind {
        EntityKind::Session => state.session_summary(owner).map_or(&[], |s| &s.session.attachments),
        EntityKind::Finding => state.finding(owner).map_or(&[], |f| &f.attachments),
        _ => &[],
    }
}

/// One attachment as lists show it: name, type and size.
pub fn line(a: &Attachment) -> String {
    format!("{} ({} {})", crate::text::sanitize(&a.name), a.file_type.label(), size_text(a.size))
}

pub fn open(state: &mut State, kind: EntityKind, owner: EntityId) -> Vec<Effect> {
    if of(state, kind, owner).is_empty() {
        return ask_path(state, kind, owner);
    }
    state.overlays.push(Overlay::AttachmentPicker { kind, owner, cursor: 0 });
    vec![]
}

fn ask_path(state: &mut State, kind: EntityKind, owner: EntityId) -> Vec<Effect> {
    let session = state.current_session().unwrap_or(0);
    let purpose = CapturePurpose::AttachPath { kind, owner };
    state.overlays.push(Overlay::Capture(CaptureState::new(session, purpose, "")));
    vec![]
}

/// The pick list's lines: each attachment, then "add one".
pub fn picker_lines(state: &State, kind: EntityKind, owner: EntityId) -> Vec<String> {
    let mut lines: Vec<String> =
        of(state, kind, owner).iter().enumerate().map(|(i, a)| format!("{} {}", i + 1, line(a))).collect();
    lines.push(format!("+ {}", state.t("attach.add")));
    lines
}

pub fn picker_key(state: &mut State, key: &KeyEvent) -> Vec<Effect> {
    let Some(&Overlay::AttachmentPicker { kind, owner, cursor }) = state.overlays.last() else { return vec![] };
    let list = of(state, kind, owner).to_vec();
    let mut at = cursor;
    let remove = matches!(key.code, KeyCode::Char('d') | KeyCode::Delete);
    let picked = if remove { Pick::Chosen(at) } else { pick_key(&mut at, list.len() + 1, key) };
    if let Some(Overlay::AttachmentPicker { cursor, .. }) = state.overlays.last_mut() {
        *cursor = at;
    }
    let i = match picked {
        Pick::Moved => return vec![],
        Pick::Other => return global_key(state, key, false),
        Pick::Cancel => {
            state.overlays.pop();
            return vec![];
        }
        Pick::Chosen(i) => i,
    };
    match list.get(i) {
        Some(a) => {
            let name = line(a);
            ask(
                state,
                "attach.confirm_remove",
                &[("name", &name)],
                ConfirmAction::Detach { kind, owner, attachment: a.id },
            );
            vec![]
        }
        None if remove => vec![],
        None => {
            state.overlays.pop();
            ask_path(state, kind, owner)
        }
    }
}

/// Yes to removing: one op, saved as any change (the file stays in the profile).
pub fn detach(state: &mut State, kind: EntityKind, owner: EntityId, attachment: EntityId) -> Vec<Effect> {
    if let Some(Overlay::AttachmentPicker { .. }) = state.overlays.last() {
        state.overlays.pop();
    }
    let change = Change::set(kind, owner, &attachment::field_name(attachment), Value::Null);
    save(state, owner, vec![change], None)
}

/// Enter on the path line: the store thread reads and keeps the file.
pub fn submit_path(state: &mut State, kind: EntityKind, owner: EntityId, text: &str) -> Vec<Effect> {
    let text = text.trim();
    if text.is_empty() {
        return vec![];
    }
    let path = std::path::PathBuf::from(text);
    let req = state.next_req;
    state.next_req += 1;
    state.attach_pending = Some(AttachPending { req, kind, owner, text: text.to_string() });
    state.notice = Some(state.ctx.strings().tf("attach.adding", &[("path", &crate::text::sanitize(text))]));
    vec![Effect::Store(StoreRequest::Attach { req, kind, owner, path, cap: state.ctx.attach_cap })]
}

/// Tab on the path line: asks the store thread to look in the typed directory.
pub fn complete(text: &str) -> Vec<Effect> {
    vec![Effect::Store(StoreRequest::CompletePath { text: text.to_string() })]
}

/// The completion, if the line still says what was completed; names that still fit are shown
/// in the status line.
pub fn completed(state: &mut State, asked: &str, completion: Completion) -> Vec<Effect> {
    if state.completing.as_deref() == Some(asked) {
        state.completing = None;
    }
    let Some(Overlay::Capture(c)) = state.overlays.last_mut() else { return vec![] };
    if c.input.text() != asked {
        return vec![];
    }
    c.input.set_text(&completion.text);
    state.notice = match completion.candidates.len() {
        0 => None,
        _ => Some(crate::text::sanitize(&completion.candidates.join("  ")).into_owned()),
    };
    vec![]
}

/// The store's answer to `Attach`: said in the status line, and the page shows it. A refused
/// file brings its line back with the reason, the path still typed.
pub fn attached(state: &mut State, req: u64, result: Result<Vec<Attachment>, AttachError>) -> Vec<Effect> {
    let Some(pending) = state.attach_pending.take_if(|p| p.req == req) else { return vec![] };
    let s = state.ctx.strings();
    match result {
        Ok(list) => {
            let names: Vec<String> = list.iter().map(line).collect();
            state.notice = Some(s.tf("attach.added", &[("name", &names.join("、"))]));
            super::reload::reload(state, pending.kind)
        }
        Err(e) => {
            state.notice = None;
            let session = state.current_session().unwrap_or(0);
            let purpose = CapturePurpose::AttachPath { kind: pending.kind, owner: pending.owner };
            let mut line = CaptureState::new(session, purpose, &pending.text);
            line.error = Some(e.reason(s));
            state.overlays.push(Overlay::Capture(line));
            vec![]
        }
    }
}
