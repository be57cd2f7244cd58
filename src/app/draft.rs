//! Drafts: typed text that survives the terminal going away.
//!
//! Whatever the user has typed and not saved (the capture line, a form) is taken as a `Draft`:
//! where they were, and each overlay's text by field. It is written durably by the store
//! thread, beside the store, when a signal or a closed terminal ends the program (SIGHUP from
//! a dropped SSH link, SIGTERM), and as a checkpoint every couple of seconds while text is
//! unsaved, so even a SIGKILL or a power cut loses at most the last moments of typing. It is
//! removed once nothing is unsaved. On the next start of the profile `resume` puts it back:
//! the screen and the overlays come back with the text, and Esc discards it as any typed text.
//!
//! The draft has its own serialized shape (JSON, versioned by its field names), independent of
//! the app's types, so a later version still reads an older draft or ignores it whole.

use serde::{Deserialize, Serialize};

use super::effect::Effect;
use super::form::FormKind;
use super::state::{CapturePurpose, Overlay, Screen, State};
use crate::domain::{AnswerKind, EntityId, FindingLink, Stamp};
use crate::store::StoreRequest;

/// A checkpoint at most this often while text is unsaved.
const CHECKPOINT_MS: i64 = 2_000;

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    /// The screen the text was typed on, so it comes back in the same place.
    pub place: Place,
    pub overlays: Vec<DraftOverlay>,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Sessions,
    Session(EntityId),
    Checklist { session: EntityId, checklist: EntityId },
    Board(EntityId),
    Walk(EntityId),
    Finding { session: EntityId, finding: EntityId, from_ledger: bool },
    Ledger,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub enum DraftOverlay {
    Capture { session: EntityId, purpose: Purpose, text: String, initial: String },
    Form { kind: Kind, title: Option<String>, focus: usize, fields: Vec<DraftField> },
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct DraftField {
    /// The stored field name (`description`, `unit` …): fields are matched by it.
    pub name: String,
    pub original: String,
    pub text: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub enum Purpose {
    Finding {
        check: Option<(EntityId, String)>,
        ticket: Option<EntityId>,
    },
    Answer {
        checklist: EntityId,
        item: String,
        kind: AnswerKind,
    },
    Note {
        checklist: EntityId,
        item: String,
    },
    Transfer {
        ticket: EntityId,
    },
    /// A stage name being typed; the stage began at `at` (its key), not when it is named.
    Stage {
        at: Stamp,
    },
    Inspector,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Session {
        editing: Option<EntityId>,
    },
    Finding {
        session: EntityId,
        editing: Option<EntityId>,
    },
    Ticket {
        editing: EntityId,
    },
    /// A status move; `to` is the status code of the CLI and JSON.
    Move {
        finding: EntityId,
        to: String,
        reopen: bool,
    },
}

/// What the app knows of the draft file: what it holds (None: there is none), and when it
/// was written.
#[derive(Default, Debug)]
pub struct DraftKeeper {
    on_disk: Option<Draft>,
    written_ms: Option<i64>,
}

impl DraftKeeper {
    /// `draft` is what the file holds (it was just read back): nothing is written again until
    /// the text changes.
    pub(super) fn read_back(&mut self, draft: Draft) {
        self.on_disk = Some(draft);
    }
}

/// The unsaved text on screen, if any.
pub fn take(state: &State) -> Option<Draft> {
    let overlays: Vec<DraftOverlay> = state.overlays.iter().filter_map(overlay_draft).collect();
    if overlays.is_empty() {
        return None;
    }
    Some(Draft { place: place(state.screen), overlays })
}

fn place(screen: Screen) -> Place {
    match screen {
        Screen::SessionPage { session } => Place::Session(session),
        Screen::Checklist { session, checklist } => Place::Checklist { session, checklist },
        Screen::Board { session } => Place::Board(session),
        Screen::Walk { session } => Place::Walk(session),
        Screen::Finding { session, finding, from_ledger } => Place::Finding { session, finding, from_ledger },
        Screen::Ledger | Screen::Reminders => Place::Ledger,
        Screen::Sessions | Screen::WaitStats | Screen::Ratings | Screen::Officers | Screen::Sync => Place::Sessions,
    }
}

fn overlay_draft(overlay: &Overlay) -> Option<DraftOverlay> {
    match overlay {
        // The name question comes back by itself on the next start of a nameless profile.
        Overlay::Capture(c) if c.purpose == CapturePurpose::Inspector => None,
        // A typed directory is not worth keeping across a crash.
        Overlay::Capture(c) if c.purpose.takes_a_path() => None,
        // A PIN is never written to a draft.
        Overlay::Capture(c) if matches!(c.purpose, CapturePurpose::OfficerPin { .. }) => None,
        Overlay::Capture(c) if c.has_changes() => Some(DraftOverlay::Capture {
            session: c.session,
            purpose: purpose_draft(&c.purpose),
            text: c.input.text().to_string(),
            initial: c.initial.clone(),
        }),
        Overlay::Form(f) if f.has_changes() => {
            let kind = match f.kind {
                FormKind::Session { editing } => Kind::Session { editing },
                FormKind::Finding { session, editing } => Kind::Finding { session, editing },
                FormKind::Ticket { editing } => Kind::Ticket { editing },
                FormKind::Move { finding, to, reopen } => Kind::Move { finding, to: to.code().to_string(), reopen },
                // A filter is a view, not work to keep.
                FormKind::LedgerFilter | FormKind::Officer { .. } => return None,
            };
            let fields = f
                .fields
                .iter()
                .map(|field| DraftField {
                    name: field.name.to_string(),
                    original: field.original.clone(),
                    text: field.input.text().to_string(),
                })
                .collect();
            Some(DraftOverlay::Form { kind, title: f.title.clone(), focus: f.focus, fields })
        }
        _ => None,
    }
}

fn purpose_draft(p: &CapturePurpose) -> Purpose {
    match p {
        CapturePurpose::Finding { link } => match link {
            Some(FindingLink::Check { checklist, item }) => {
                Purpose::Finding { check: Some((*checklist, item.clone())), ticket: None }
            }
            Some(FindingLink::Ticket(t)) => Purpose::Finding { check: None, ticket: Some(*t) },
            None => Purpose::Finding { check: None, ticket: None },
        },
        CapturePurpose::Answer { checklist, item, kind } => {
            Purpose::Answer { checklist: *checklist, item: item.clone(), kind: *kind }
        }
        CapturePurpose::Note { checklist, item } => Purpose::Note { checklist: *checklist, item: item.clone() },
        CapturePurpose::Transfer { ticket } => Purpose::Transfer { ticket: *ticket },
        CapturePurpose::Stage { at } => Purpose::Stage { at: *at },
        CapturePurpose::Inspector
        | CapturePurpose::SyncPath
        | CapturePurpose::AttachPath { .. }
        | CapturePurpose::OfficerPin { .. } => Purpose::Inspector,
    }
}

/// The draft file's bytes.
pub fn to_bytes(draft: &Draft) -> Vec<u8> {
    serde_json::to_vec_pretty(draft).unwrap_or_default()
}

pub fn from_bytes(bytes: &[u8]) -> Result<Draft, String> {
    serde_json::from_slice(bytes).map_err(|e| e.to_string())
}

/// After every message: write a checkpoint when the unsaved text changed and the last one is
/// old enough (or `now` is forced: the program is ending), remove the file once nothing is
/// unsaved.
pub fn checkpoint(state: &mut State, force: bool) -> Vec<Effect> {
    let current = take(state);
    if current == state.drafts.on_disk {
        return vec![];
    }
    // The monotonic clock: setting the system clock neither stops nor floods checkpoints.
    let now = state.now().mono_ms;
    match current {
        None => {
            state.drafts.on_disk = None;
            vec![Effect::Store(StoreRequest::ClearDraft)]
        }
        Some(draft) if force || state.drafts.written_ms.is_none_or(|t| now - t >= CHECKPOINT_MS) => {
            state.drafts.written_ms = Some(now);
            let bytes = to_bytes(&draft);
            state.drafts.on_disk = Some(draft);
            vec![Effect::Store(StoreRequest::SaveDraft { bytes })]
        }
        Some(_) => vec![],
    }
}

/// Whether unsaved text waits for its checkpoint (the loop then wakes each second).
pub fn pending(state: &State) -> bool {
    state.overlays.iter().any(|o| overlay_draft(o).is_some()) && take(state) != state.drafts.on_disk
}

/// A deliberate quit: a checkpoint on disk is removed (nothing when there is none).
pub fn discard_quietly(state: &mut State) -> Vec<Effect> {
    if state.drafts.on_disk.is_some() {
        state.drafts.on_disk = None;
        vec![Effect::Store(StoreRequest::ClearDraft)]
    } else {
        vec![]
    }
}
