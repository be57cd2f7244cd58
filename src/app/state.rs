//! The whole state of the TUI as plain data: the context it runs in, the screen and the
//! overlays on it, each screen's data (a struct of its own, defined beside the screen's keys:
//! `SessionsView`, `SessionPageView`, `LedgerView` …) and the bookkeeping of saves.
//!
//! Only the core changes it: `update` for every message, and the TUI's runner through core
//! functions at start-up (the inspector's name, a restored draft) and for draft checkpoints.
//! The UI reads it, and what the core computes from it (the frame's rows, the help's lines,
//! the status line's message), and draws.

use std::collections::HashMap;
use std::sync::Arc;

use super::board::BoardView;
use super::checklist::ChecklistView;
use super::finding_view::FindingView;
use super::form::FormState;
use super::ledger::LedgerView;
use super::session_page::SessionPageView;
use super::sessions::SessionsView;
use super::stats::StatsView;
pub use crate::checklist::TemplateChoice;
use crate::clock::Clock;
use crate::config::WaitRules;
use crate::domain::{
    Answer, AnswerKind, Checklist, EntityId, EntityKind, Finding, FindingLink, FindingStatus, Item, SessionSummary,
    Stamp, Ticket,
};
use crate::edit::TextInput;
use crate::i18n::{Lang, Strings};
use crate::keymap::{Keymap, Layer};
use crate::term::caps::Caps;

/// Settings that do not change while running.
pub struct Context {
    pub keymap: Keymap,
    pub lang: Lang,
    pub caps: Caps,
    pub profile: String,
    /// A broken config or keymap file was ignored: said once on the first frame.
    pub startup_notice: Option<String>,
    /// The checklist templates on offer, shipped and user ones, broken ones included.
    pub templates: Vec<TemplateChoice>,
    /// Where "now" comes from for timers (injected by tests).
    pub clock: Arc<dyn Clock>,
    /// Wait thresholds: the default and per service item.
    pub waits: WaitRules,
    /// Where new entity ids come from (seeded in tests and replays).
    pub ids: Arc<dyn crate::domain::ids::IdSource>,
    /// The user's time zone: every date and clock time shown, and "today".
    pub zone: crate::domain::zone::Zone,
    /// The holiday calendar deadlines are counted on (the user's holidays.toml, or shipped).
    pub calendar: Arc<crate::domain::workdays::Calendar>,
    /// The largest photo or scan `A` attaches, in bytes (`[attachments] max_file_mib`).
    pub attach_cap: u64,
}

impl Context {
    pub fn strings(&self) -> &'static Strings {
        Strings::get(self.lang)
    }

    /// A new entity id, made now by the context's clock.
    pub fn new_id(&self) -> crate::domain::EntityId {
        self.ids.next_id(self.clock.now().wall_ms)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Sessions,
    /// A session's page: its checklists and findings.
    SessionPage {
        session: EntityId,
    },
    Checklist {
        session: EntityId,
        checklist: EntityId,
    },
    /// 排队计时: a session's queue board.
    Board {
        session: EntityId,
    },
    /// 事项办理全过程: a session's stage stopwatch.
    Walk {
        session: EntityId,
    },
    /// Wait statistics across every session, by window or by service item.
    WaitStats,
    /// The kiosk entries' ratings (好差评).
    Ratings,
    /// The roster of 体验官.
    Officers,
    /// One finding: its 六明确, deadline and history. `from_ledger` says where Back goes.
    Finding {
        session: EntityId,
        finding: EntityId,
        from_ledger: bool,
    },
    /// 整改台账: every finding across sessions.
    Ledger,
    /// 督查提醒函: the ledger's overdue findings by unit, as plain text.
    Reminders,
    /// 同步: bundles to and from a USB stick.
    Sync,
}

impl Screen {
    /// The keymap layer of this screen's keys.
    pub fn layer(self) -> Layer {
        match self {
            Screen::Sessions => Layer::Sessions,
            Screen::SessionPage { .. } => Layer::SessionPage,
            Screen::Checklist { .. } => Layer::Checklist,
            Screen::Board { .. } => Layer::Board,
            Screen::Walk { .. } => Layer::Walk,
            Screen::WaitStats | Screen::Ratings => Layer::Stats,
            Screen::Officers => Layer::Officers,
            Screen::Finding { .. } => Layer::Finding,
            Screen::Ledger => Layer::Ledger,
            Screen::Reminders => Layer::Reminders,
            Screen::Sync => Layer::Sync,
        }
    }
}

/// Which list on a session's page has the cursor (the page's, its checklist pane's and
/// the screens that open the page all set it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Pane {
    Checklists,
    #[default]
    Findings,
}

/// Modal layers drawn over the screen; at most one at a time, in a stack so a confirm
/// dialog can sit above the capture line it asks about.
pub enum Overlay {
    Form(Box<FormState>),
    Capture(CaptureState),
    Help {
        scroll: u16,
    },
    Confirm(Confirm),
    /// The documents of a session to write (`documents::CHOICES`).
    DocumentPicker {
        target: super::document_job::Target,
        cursor: usize,
    },
    /// The templates to attach to a session.
    TemplatePicker {
        session: EntityId,
        cursor: usize,
    },
    /// The stage names to mark the next stage of a walk with; the last entry types one.
    /// `at` is when the mark key was pressed: the stage begins then, not when it is named.
    StagePicker {
        session: EntityId,
        cursor: usize,
        at: Stamp,
    },
    /// The values of a finding's or checklist's conflicting field, to keep one (a new op over
    /// them all).
    ResolvePicker {
        kind: crate::domain::EntityKind,
        entity: EntityId,
        field: String,
        cursor: usize,
    },
    /// A session's or finding's attachments, to remove one, and a last line to add one.
    AttachmentPicker {
        kind: EntityKind,
        owner: EntityId,
        cursor: usize,
    },
    /// The status moves allowed for a finding from where it stands.
    MovePicker {
        finding: EntityId,
        choices: Vec<MoveChoice>,
        cursor: usize,
    },
}

impl Overlay {
    /// The keymap layer of this overlay's keys; none for the short pick lists, which keep
    /// fixed keys (arrows, digits, Enter, Esc).
    pub fn layer(&self) -> Option<Layer> {
        match self {
            Overlay::Form(_) => Some(Layer::Form),
            Overlay::Capture(_) => Some(Layer::Capture),
            Overlay::Help { .. } => Some(Layer::Help),
            Overlay::Confirm(_) => Some(Layer::Dialog),
            Overlay::TemplatePicker { .. }
            | Overlay::DocumentPicker { .. }
            | Overlay::StagePicker { .. }
            | Overlay::MovePicker { .. }
            | Overlay::AttachmentPicker { .. }
            | Overlay::ResolvePicker { .. } => None,
        }
    }
}

/// One line of the move picker: a forward move, or reopening (to the status given).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MoveChoice {
    pub to: FindingStatus,
    pub reopen: bool,
}

/// A one-line entry at the bottom: a quick finding, or a checklist answer or note.
pub struct CaptureState {
    pub session: EntityId,
    pub input: TextInput,
    pub purpose: CapturePurpose,
    /// Why the last Enter was refused (a count that is not a number …).
    pub error: Option<String>,
    /// The text it opened with: Esc asks before dropping only what the user changed.
    pub initial: String,
}

impl CaptureState {
    pub fn finding(session: EntityId) -> CaptureState {
        CaptureState::new(session, CapturePurpose::Finding { link: None }, "")
    }

    /// An entry prefilled with `text`, the caret at its end.
    pub fn new(session: EntityId, purpose: CapturePurpose, text: &str) -> CaptureState {
        let mut input = TextInput::single();
        input.set_text(text);
        CaptureState { session, input, purpose, error: None, initial: text.to_string() }
    }

    /// Typed text that Esc would lose.
    pub fn has_changes(&self) -> bool {
        let text = self.input.text().trim();
        !text.is_empty() && text != self.initial.trim()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CapturePurpose {
    /// A new finding; `link` is the checklist item or ticket it comes from.
    Finding {
        link: Option<FindingLink>,
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
    /// The window a ticket is sent to.
    Transfer {
        ticket: EntityId,
    },
    /// A stage name typed rather than picked; the stage begins `at` (the mark key's moment).
    Stage {
        at: Stamp,
    },
    /// The profile's inspector name: who is acting in status moves.
    Inspector,
    /// A directory for the sync screen.
    SyncPath,
    /// A new PIN for an officer: typed unseen.
    OfficerPin {
        officer: EntityId,
        name: String,
    },
    /// A file to attach to a session or finding (Tab completes it).
    AttachPath {
        kind: EntityKind,
        owner: EntityId,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachPending {
    pub req: u64,
    pub kind: EntityKind,
    pub owner: EntityId,
    pub text: String,
}

impl CapturePurpose {
    /// Lines where a path is typed: Tab completes them from the disk.
    pub fn takes_a_path(&self) -> bool {
        matches!(self, CapturePurpose::SyncPath | CapturePurpose::AttachPath { .. })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfirmAction {
    /// Dismiss an officer (解聘).
    RetireOfficer(EntityId),
    /// Remove an attachment from its session or finding.
    Detach {
        kind: EntityKind,
        owner: EntityId,
        attachment: EntityId,
    },
    DeleteSession(EntityId),
    DeleteFinding(EntityId),
    RemoveChecklist(EntityId),
    DeleteTicket(EntityId),
    /// Change the answer of a checklist item that has findings made from it.
    ChangeAnswer {
        checklist: EntityId,
        item: String,
        answer: Option<Answer>,
    },
    /// Finish a session whose stopwatch or queue tickets are still running: stop them at now.
    FinishSession(EntityId),
    /// Save the form beneath although its deadline is in the past.
    SavePastDeadline,
    /// Drop the overlay beneath (capture line or form) and its typed text.
    DiscardOverlay,
    /// Quit although a capture line or form holds unsaved text.
    Quit,
    /// Trust a card found on a stick (the sync screen asks before exporting).
    TrustCard(Box<crate::bundle::format::Card>),
    /// Import the bundles found, trusting the sender with this fingerprint (asked by name and
    /// fingerprint; other senders not trusted yet are asked about in turn).
    ImportTrusting(String),
}

pub struct Confirm {
    pub question: String,
    pub action: ConfirmAction,
}

/// The save the status line speaks of: set by every change sent to the store, shown until the
/// user moves on (another record, another screen, a form or line opened), so a mark never
/// stays beside something it is not about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaveMark {
    pub entity: EntityId,
    /// What was saved, for when the user has landed somewhere the record is not the one
    /// selected: 问题 3「窗口无人」.
    pub label: Option<String>,
}

/// A record deleted in this run, which `u` can bring back (deleting is a field; undoing sets
/// it back through a new op).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deleted {
    pub kind: EntityKind,
    pub id: EntityId,
    /// The session a deleted finding belongs to (None for a session).
    pub session: Option<EntityId>,
    /// How the record is named in the status line: 「企业开办」, 问题 3.
    pub label: String,
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
    /// A record not listed yet: the cursor goes to it once it is. A change to a listed record
    /// leaves the cursor where the user has moved it since.
    pub created: bool,
    /// A new session from the form: its page opens once it is listed.
    pub open_when_listed: bool,
    /// A checklist answer moved the cursor on to the next item: where it was, to go back to
    /// if the answer is not saved (else the retry would answer the next item).
    pub item_cursor_back: Option<usize>,
}

pub struct State {
    pub ctx: Context,
    pub screen: Screen,
    pub overlays: Vec<Overlay>,
    /// 体验活动: the session list.
    pub sessions: SessionsView,
    /// A session's page: its findings and checklists (of the last session opened).
    pub page: SessionPageView,
    /// The checklist screen.
    pub checklist: ChecklistView,
    /// 排队计时: the queue board (the tickets of the last session whose board was shown).
    pub board: BoardView,
    /// The wait statistics across sessions.
    pub stats: StatsView,
    pub ratings: super::ratings::RatingsView,
    pub officers: super::officers::OfficersView,
    /// A PIN being set for an officer: its request and the officer's name, said once saved.
    pub pin_pending: Option<(u64, String)>,
    /// One finding's page.
    pub finding_view: FindingView,
    /// 整改台账: every finding across sessions, its filter and cursor.
    pub ledger: LedgerView,
    /// 同步: the sync screen.
    pub sync: super::sync::SyncView,
    /// Who wrote a conflict's values: this profile's replica and trusted devices' names.
    pub devices: super::conflicts::Devices,
    /// The clock's wall-minus-monotonic offset when last looked at, to notice jumps.
    pub clock_offset: Option<(u64, i64)>,
    pub pending: HashMap<u64, Pending>,
    /// Save status per record.
    pub save_status: HashMap<EntityId, SaveStatus>,
    /// The save the status line shows (see [`SaveMark`]).
    pub save_mark: Option<SaveMark>,
    /// Records deleted in this run, the last one first to come back with `u`.
    pub deleted: Vec<Deleted>,
    /// A session to open once the session list holds it (a new one just saved).
    pub open_after_load: Option<EntityId>,
    /// `f` on a session whose tickets are not loaded: decide once they are.
    pub finish_after_tickets: Option<EntityId>,
    /// A record just saved, to select once the reloaded list contains it.
    pub select_after_load: Option<EntityId>,
    pub next_req: u64,
    /// A document asked for (`p` on a session's page): its request and choice, while its data
    /// is read.
    pub document_pending: Option<(u64, super::document_job::Choice)>,
    /// A file being attached (`A`): its request, where it goes and the path as typed (the line
    /// comes back with it when the file is refused).
    pub attach_pending: Option<AttachPending>,
    /// A path line's text sent to be completed (Tab), and whether Enter came before the
    /// answer: then the line is taken once completed, as the person meant it.
    pub completing: Option<String>,
    pub submit_on_completion: bool,
    /// A one-line message for the status line (errors, hints).
    pub notice: Option<String>,
    pub size: (u16, u16),
    pub quitting: bool,
    /// The profile's inspector name (who is acting); empty until given.
    pub inspector: String,
    /// Unsaved text kept on disk as a draft (see `app::draft`).
    pub drafts: super::draft::DraftKeeper,
    /// The signal that ended the run (the exit status is 128 + its number).
    pub ended_by: Option<crate::term::signals::Signal>,
}

impl State {
    pub fn new(ctx: Context, size: (u16, u16)) -> State {
        let notice = ctx.startup_notice.clone();
        State {
            ctx,
            screen: Screen::Sessions,
            overlays: Vec::new(),
            sessions: SessionsView::default(),
            page: SessionPageView::default(),
            checklist: ChecklistView::default(),
            board: BoardView::default(),
            stats: StatsView::default(),
            ratings: Default::default(),
            officers: Default::default(),
            pin_pending: None,
            finding_view: FindingView::default(),
            ledger: Default::default(),
            sync: Default::default(),
            devices: Default::default(),
            clock_offset: None,
            pending: HashMap::new(),
            save_status: HashMap::new(),
            save_mark: None,
            deleted: Vec::new(),
            open_after_load: None,
            finish_after_tickets: None,
            select_after_load: None,
            next_req: 1,
            document_pending: None,
            attach_pending: None,
            completing: None,
            submit_on_completion: false,
            notice,
            size,
            quitting: false,
            inspector: String::new(),
            drafts: Default::default(),
            ended_by: None,
        }
    }

    pub fn t(&self, key: &str) -> &'static str {
        self.ctx.strings().t(key)
    }

    /// The keymap layer keys resolve in (before [global]) with `top` as the top overlay: its
    /// layer, or the screen's when there is none; none over a pick list. The one mapping from
    /// where the user is to a layer: key handling, the status line's hints and the help use it.
    pub fn layer_under(&self, top: Option<&Overlay>) -> Option<Layer> {
        match top {
            Some(overlay) => overlay.layer(),
            None => Some(self.screen.layer()),
        }
    }

    /// The layer keys resolve in now (see [`State::layer_under`]).
    pub fn layer(&self) -> Option<Layer> {
        self.layer_under(self.overlays.last())
    }

    /// The first key bound to `action` in `layer`, as a person reads it ("Enter", "PgUp").
    pub fn key_for(&self, layer: Layer, action: crate::keymap::Action) -> Option<String> {
        self.ctx.keymap.keys_for(layer, action).first().map(|k| k.label(self.ctx.strings()))
    }

    pub fn selected_session(&self) -> Option<&SessionSummary> {
        self.sessions.list.get(self.sessions.cursor)
    }

    pub fn session_summary(&self, id: EntityId) -> Option<&SessionSummary> {
        self.sessions.list.iter().find(|s| s.session.id == id)
    }

    /// The findings on screen, when they belong to `session`.
    pub fn findings_of(&self, session: EntityId) -> &[Finding] {
        if self.page.findings_session == Some(session) { &self.page.findings } else { &[] }
    }

    /// The finding highlighted on screen; none on a session's page while its checklists have
    /// the cursor (nothing may act on a finding that is not visibly selected).
    pub fn selected_finding(&self) -> Option<&Finding> {
        match self.screen {
            Screen::SessionPage { .. } if self.page.pane == Pane::Checklists => None,
            Screen::SessionPage { session } => self.findings_of(session).get(self.page.finding_cursor),
            Screen::Finding { finding, .. } => self.finding(finding),
            Screen::Ledger => self.ledger.selected(),
            _ => None,
        }
    }

    /// A finding loaded for a session's page or for the ledger: the ledger's copy on the
    /// ledger's screens, the page's elsewhere (neither is left stale after a change).
    pub fn finding(&self, id: EntityId) -> Option<&Finding> {
        let in_page = || self.page.findings.iter().find(|f| f.id == id);
        let in_ledger = || self.ledger.details.get(&id);
        if self.ledger_shown() { in_ledger().or_else(in_page) } else { in_page().or_else(in_ledger) }
    }

    /// Whether the ledger, its reminder letter, or a finding opened from it is on screen.
    pub fn ledger_shown(&self) -> bool {
        matches!(self.screen, Screen::Ledger | Screen::Reminders | Screen::Finding { from_ledger: true, .. })
    }

    /// Today in the local zone, by the injected clock (deadlines and overdue).
    pub fn today(&self) -> chrono::NaiveDate {
        self.ctx.zone.date(self.now().wall_ms)
    }

    /// The checklists on screen, when they belong to `session`.
    pub fn checklists_of(&self, session: EntityId) -> &[Checklist] {
        if self.page.checklists_session == Some(session) { &self.page.checklists } else { &[] }
    }

    pub fn selected_checklist(&self) -> Option<&Checklist> {
        match self.screen {
            Screen::SessionPage { session } => self.checklists_of(session).get(self.page.checklist_cursor),
            _ => None,
        }
    }

    /// The checklist open on a checklist screen, once loaded.
    pub fn open_checklist(&self) -> Option<&Checklist> {
        match self.screen {
            Screen::Checklist { session, checklist } => self.checklists_of(session).iter().find(|c| c.id == checklist),
            _ => None,
        }
    }

    /// The item under the cursor on a checklist screen.
    pub fn selected_item(&self) -> Option<(&Checklist, &Item)> {
        let checklist = self.open_checklist()?;
        let (_, item) = checklist.items().get(self.checklist.item_cursor).copied()?;
        Some((checklist, item))
    }

    /// Whether `id` is among the records loaded for the screens.
    pub fn is_listed(&self, id: EntityId) -> bool {
        self.sessions.list.iter().any(|s| s.session.id == id)
            || self.page.findings.iter().any(|f| f.id == id)
            || self.page.checklists.iter().any(|c| c.id == id)
            || self.board.tickets.iter().any(|t| t.id == id)
            || self.ledger.index.rows.iter().any(|r| r.id == id)
    }

    /// The tickets on screen, when they belong to `session`.
    pub fn tickets_of(&self, session: EntityId) -> &[Ticket] {
        if self.board.session == Some(session) { &self.board.tickets } else { &[] }
    }

    pub fn selected_ticket(&self) -> Option<&Ticket> {
        match self.screen {
            Screen::Board { session } => self.tickets_of(session).get(self.board.cursor),
            _ => None,
        }
    }

    pub fn now(&self) -> Stamp {
        self.ctx.clock.now()
    }

    /// Whether a timer on screen is running, so the next whole second must be drawn.
    pub fn is_ticking(&self) -> bool {
        match self.screen {
            Screen::Board { session } => self.tickets_of(session).iter().any(|t| t.state().is_open()),
            Screen::Walk { session } => self.session_summary(session).is_some_and(|s| s.session.walk.is_live()),
            _ => false,
        }
    }

    /// The findings made from one checklist item.
    pub fn findings_of_item(&self, checklist: EntityId, item: &str) -> Vec<&Finding> {
        self.page
            .findings
            .iter()
            .filter(|f| f.check.as_ref().is_some_and(|(c, i)| *c == checklist && i == item))
            .collect()
    }

    /// The record whose save status the status line shows.
    pub fn focused_record(&self) -> Option<EntityId> {
        match self.screen {
            Screen::Sessions => self.selected_session().map(|s| s.session.id),
            Screen::SessionPage { .. } if self.page.pane == Pane::Checklists => self.selected_checklist().map(|c| c.id),
            Screen::SessionPage { .. } => self.selected_finding().map(|f| f.id),
            Screen::Checklist { checklist, .. } => Some(checklist),
            Screen::Board { .. } => self.selected_ticket().map(|t| t.id),
            Screen::Walk { session } => Some(session),
            Screen::Finding { finding, .. } => Some(finding),
            Screen::Ledger => self.ledger.selected_row().map(|r| r.id),
            Screen::WaitStats | Screen::Ratings | Screen::Officers | Screen::Reminders | Screen::Sync => None,
        }
    }

    /// The session whose screen is showing (its page, a checklist, its board, its stopwatch).
    pub fn open_session(&self) -> Option<EntityId> {
        match self.screen {
            Screen::SessionPage { session }
            | Screen::Checklist { session, .. }
            | Screen::Board { session }
            | Screen::Walk { session }
            | Screen::Finding { session, from_ledger: false, .. } => Some(session),
            Screen::Sessions
            | Screen::WaitStats
            | Screen::Ratings
            | Screen::Officers
            | Screen::Ledger
            | Screen::Reminders
            | Screen::Sync => None,
            Screen::Finding { from_ledger: true, .. } => None,
        }
    }

    /// The session a quick capture attaches to: the one open, else the one selected.
    pub fn current_session(&self) -> Option<EntityId> {
        self.open_session().or_else(|| self.selected_session().map(|s| s.session.id))
    }
}
