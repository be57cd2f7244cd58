//! The whole UI state as plain data. UI modules only read it; `update` alone changes it.

use std::collections::HashMap;

use crate::app::form::FormState;
use crate::domain::{EntityId, EntityKind, Finding, SessionSummary};
use crate::i18n::{Lang, Strings};
use crate::keymap::Keymap;
use crate::term::caps::Caps;
use crate::ui::input::TextInput;

/// Settings that do not change while running.
pub struct Context {
    pub keymap: Keymap,
    pub lang: Lang,
    pub caps: Caps,
    pub profile: String,
    /// A broken config or keymap file was ignored: said once on the first frame.
    pub startup_notice: Option<String>,
}

impl Context {
    pub fn strings(&self) -> &'static Strings {
        Strings::get(self.lang)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Sessions,
    Findings { session: EntityId },
}

/// Modal layers drawn over the screen; at most one at a time, in a stack so a confirm
/// dialog can sit above the capture line it asks about.
pub enum Overlay {
    Form(Box<FormState>),
    Capture(CaptureState),
    Help { scroll: u16 },
    Confirm(Confirm),
}

pub struct CaptureState {
    pub session: EntityId,
    pub input: TextInput,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfirmAction {
    DeleteSession(EntityId),
    DeleteFinding(EntityId),
    /// Drop the overlay beneath (capture line or form) and its typed text.
    DiscardOverlay,
    /// Quit although a capture line or form holds unsaved text.
    Quit,
}

pub struct Confirm {
    pub question: String,
    pub action: ConfirmAction,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveStatus {
    Saving,
    Saved,
    Failed(String),
}

/// A change sent to the store and not yet acknowledged.
pub struct Pending {
    pub entity: EntityId,
    pub kind: EntityKind,
    /// For a finding being created: its session and the 序号 it took, so the next capture
    /// takes the one after even before the store has answered.
    pub new_finding: Option<(EntityId, i64)>,
    /// The capture line or form the change came from, brought back if the commit fails.
    pub reopen: Option<Overlay>,
}

pub struct State {
    pub ctx: Context,
    pub screen: Screen,
    pub overlays: Vec<Overlay>,
    pub sessions: Vec<SessionSummary>,
    pub sessions_loaded: bool,
    pub session_cursor: usize,
    /// Findings of the session on screen (or of the last one opened).
    pub findings: Vec<Finding>,
    pub findings_session: Option<EntityId>,
    pub finding_cursor: usize,
    pub pending: HashMap<u64, Pending>,
    /// Save status per record; the focused record's is shown in the status line.
    pub save_status: HashMap<EntityId, SaveStatus>,
    /// A record just saved, to select once the reloaded list contains it.
    pub select_after_load: Option<EntityId>,
    pub next_req: u64,
    /// A one-line message for the status line (errors, hints).
    pub notice: Option<String>,
    pub size: (u16, u16),
    pub quitting: bool,
}

impl State {
    pub fn new(ctx: Context, size: (u16, u16)) -> State {
        let notice = ctx.startup_notice.clone();
        State {
            ctx,
            screen: Screen::Sessions,
            overlays: Vec::new(),
            sessions: Vec::new(),
            sessions_loaded: false,
            session_cursor: 0,
            findings: Vec::new(),
            findings_session: None,
            finding_cursor: 0,
            pending: HashMap::new(),
            save_status: HashMap::new(),
            select_after_load: None,
            next_req: 1,
            notice,
            size,
            quitting: false,
        }
    }

    pub fn t(&self, key: &str) -> &'static str {
        self.ctx.strings().t(key)
    }

    pub fn selected_session(&self) -> Option<&SessionSummary> {
        self.sessions.get(self.session_cursor)
    }

    pub fn session_summary(&self, id: EntityId) -> Option<&SessionSummary> {
        self.sessions.iter().find(|s| s.session.id == id)
    }

    /// The findings on screen, when they belong to `session`.
    pub fn findings_of(&self, session: EntityId) -> &[Finding] {
        if self.findings_session == Some(session) { &self.findings } else { &[] }
    }

    pub fn selected_finding(&self) -> Option<&Finding> {
        match self.screen {
            Screen::Findings { session } => self.findings_of(session).get(self.finding_cursor),
            Screen::Sessions => None,
        }
    }

    /// The record whose save status the status line shows.
    pub fn focused_record(&self) -> Option<EntityId> {
        match self.screen {
            Screen::Sessions => self.selected_session().map(|s| s.session.id),
            Screen::Findings { .. } => self.selected_finding().map(|f| f.id),
        }
    }

    /// The session a quick capture attaches to: the one open, else the one selected.
    pub fn current_session(&self) -> Option<EntityId> {
        match self.screen {
            Screen::Findings { session } => Some(session),
            Screen::Sessions => self.selected_session().map(|s| s.session.id),
        }
    }
}
