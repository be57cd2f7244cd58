//! The store thread: owns the `Store` so the UI never waits on the disk. Requests are handled
//! strictly in order; each `Apply` is its own durable transaction, acknowledged only after its
//! commit returns. Shutdown handles everything queued before it (flush on close), closes the
//! store (lock and pid file released), then reports `Closed`.
//!
//! A sync goes through here too, so the TUI can import and export while it holds the profile:
//! `Import` and `ExportSince` answer with `Progress` every `PROGRESS_STEP` ops written or read
//! when there are at least `PROGRESS_MIN`, then `Imported` / `Exported` (or `SyncFailed`). Requests queued
//! behind a long import wait for it: one transaction at a time.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender};

use super::sync::{
    BundleImport, ExportError, ExportRequest, Exported, ImportEntry, ImportOptions, Peer, PeerError, Planned, Trust,
};
use super::{ImportReport, Store, StoreError};
use crate::bundle::format::Card;
use crate::domain::{Change, Checklist, EntityId, Finding, Op, ReplicaId, SessionSummary, Ticket};

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum StoreRequest {
    /// Save these changes; answered with `Saved { req }` or `SaveFailed { req, .. }`.
    Apply {
        req: u64,
        changes: Vec<Change>,
    },
    LoadSessions,
    LoadFindings {
        session: EntityId,
    },
    LoadChecklists {
        session: EntityId,
    },
    LoadTickets {
        session: EntityId,
    },
    /// Every session's tickets, for statistics across sessions.
    LoadAllTickets,
    /// The ledger's compact rows (`domain::ledger_index`); answered with `Ledger`.
    LoadLedger,
    /// These findings (deleted or not) whole, or without their history (`whole: false`);
    /// answered with `FindingsById`. For the rows on screen and the reminder letter.
    LoadFindingsById {
        req: u64,
        ids: Vec<EntityId>,
        whole: bool,
    },
    /// Save the profile's inspector name; answered with `Inspector`.
    SetInspector {
        name: String,
    },
    /// Keep unsaved text durably beside the store (see `app::draft`); not answered.
    SaveDraft {
        bytes: Vec<u8>,
    },
    /// Nothing is unsaved any more: remove the draft file; not answered.
    ClearDraft,
    /// Import ops from a bundle or another replica; answered with `Progress`, then
    /// `Imported { req, report }` (a refused batch is in the report) or `SyncFailed`.
    Import {
        req: u64,
        ops: Vec<Op>,
    },
    /// Every op a peer lacks, given its version vector (highest contiguous seq per replica;
    /// absent = none); answered with `Progress`, then `Exported { req, ops }` or `SyncFailed`.
    ExportSince {
        req: u64,
        vector: BTreeMap<ReplicaId, u64>,
    },
    /// The sync screen looks at a directory (a stick): what an export would carry, office cards
    /// not trusted yet, a dry run of each bundle there, and the imports log; answered with
    /// `SyncLooked`.
    SyncLook {
        dir: PathBuf,
    },
    /// Write bundles (`Store::export`); answered with `Progress`, then `SyncExported`.
    SyncExport {
        req: u64,
        request: ExportRequest,
    },
    /// Import bundle files, one transaction each (`Store::import_bundle`); the files in
    /// `trust_new` may trust their sender. Answered with `Progress`, then `SyncImported`.
    SyncImport {
        req: u64,
        files: Vec<PathBuf>,
        trust_new: Vec<PathBuf>,
    },
    /// The directory the last bundle was written to (the sync screen offers it again);
    /// and the sticks mounted now (read off the UI thread); answered with `SyncPlaces`.
    SyncPlaces,
    /// Which device wrote what: this profile's replica and the trusted devices' names by
    /// replica, for a conflict's values; answered with `Devices`.
    LoadDevices,
    /// Everything a session's documents are made of (its 体验报告, its 整改清单); answered with
    /// `ReportData { req, .. }`.
    LoadReportData {
        req: u64,
        session: EntityId,
    },
    /// The findings `filter` passes, whole, and the sessions (the 整改台账 and the 督查提醒函
    /// of the ledger screen); answered with `LedgerData { req, .. }`.
    LoadLedgerData {
        req: u64,
        filter: crate::domain::ledger::LedgerFilter,
        /// The user's zone (walks are dated in it), and today in it.
        zone: crate::domain::zone::Zone,
        today: chrono::NaiveDate,
    },
    /// Read, check and attach the file at `path` to a session or finding, by the profile's
    /// inspector; answered with `Attached { req, .. }`.
    Attach {
        req: u64,
        kind: crate::domain::EntityKind,
        owner: EntityId,
        path: PathBuf,
        cap: u64,
    },
    /// Complete a typed path from its directory (read here, off the UI thread); answered with
    /// `PathCompleted`.
    CompletePath {
        text: String,
    },
    /// The kiosk entry a receipt code names; answered with `KioskFound`.
    KioskLookup {
        req: u64,
        code: String,
    },
    /// The officers 在任 on the roster, as the kiosk offers them (id, number, name: nothing
    /// else of theirs); answered with `KioskOfficers`.
    KioskOfficers {
        req: u64,
    },
    /// An officer's PIN at the kiosk (a wrong one is recorded); answered with
    /// `KioskOfficerPin`.
    KioskOfficerPin {
        req: u64,
        officer: EntityId,
        pin: String,
    },
    /// The roster of 体验官 (the office's screen); answered with `Officers`.
    LoadOfficers,
    /// Sets an officer's PIN (hashed here, off the UI thread); answered with `Saved { req }`
    /// or `SaveFailed`.
    SetOfficerPin {
        req: u64,
        officer: EntityId,
        pin: String,
    },
    /// The wait of the queue ticket numbered `number` (taken today); answered with
    /// `KioskTicket`.
    KioskTicket {
        req: u64,
        number: String,
        now: crate::domain::Stamp,
    },
    /// Whether `pin` is the kiosk's admin PIN (a slow hash: here, not on the UI thread);
    /// answered with `KioskPin`.
    KioskCheckPin {
        req: u64,
        pin: String,
    },
    /// Trust a card found on a stick; answered with `SyncTrusted`.
    SyncTrust {
        card: Card,
        from: String,
    },
    Shutdown,
}

/// What the sync screen learns about a directory.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SyncLook {
    pub dir: PathBuf,
    /// What an export there would write, or why it cannot.
    pub plan: Result<Vec<Planned>, ExportError>,
    /// Office (or inspector) cards in the directory this profile does not trust yet.
    pub untrusted_cards: Vec<Card>,
    /// A dry run of each bundle in the directory.
    pub bundles: Vec<BundleImport>,
    /// Every bundle imported so far, oldest first.
    pub imports: Vec<ImportEntry>,
    /// This device's card.
    pub own: Option<Card>,
    /// The first card file in the directory (named in "trust it first" messages).
    pub card_file: Option<PathBuf>,
    /// Bundles in the directory this profile wrote itself (waiting to be carried away).
    pub written_here: Vec<PathBuf>,
}

/// A session as its documents need it, read in one go.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ReportData {
    pub session: crate::domain::Session,
    /// Not deleted, by 序号.
    pub findings: Vec<Finding>,
    pub checklists: Vec<Checklist>,
    pub tickets: Vec<Ticket>,
    /// The office's name, when this profile is an office's ("" otherwise).
    pub office: String,
    /// Where the profile keeps its attachments (the report's photos are read from there).
    pub files_dir: PathBuf,
}

/// A finding as the ledger's documents need it: its history, conflicts and the texts they do
/// not show left out (the history is most of a finding: a 台账 of 100,000 held 320 MB with it).
fn for_documents(mut f: Finding) -> Finding {
    f.moves = Vec::new();
    f.conflicts = Vec::new();
    f.conflict_values = Vec::new();
    f.tags = Vec::new();
    f.progress = String::new();
    // The 成果清单 shows what was done about the findings closed off.
    if f.status != crate::domain::FindingStatus::Closed {
        f.evidence = String::new();
    }
    f.attachments = Vec::new();
    f.target = String::new();
    f.standard = String::new();
    f.note = String::new();
    f
}

/// The ledger's findings as its documents need them.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct LedgerData {
    /// Every session not deleted.
    pub sessions: Vec<crate::domain::Session>,
    /// The findings the filter passes, not deleted.
    pub findings: Vec<Finding>,
    pub office: String,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum StoreEvent {
    Saved {
        req: u64,
    },
    SaveFailed {
        req: u64,
        error: StoreError,
    },
    Sessions(Vec<SessionSummary>),
    Findings {
        session: EntityId,
        findings: Vec<Finding>,
    },
    Checklists {
        session: EntityId,
        checklists: Vec<Checklist>,
    },
    Tickets {
        session: EntityId,
        tickets: Vec<Ticket>,
    },
    AllTickets(Vec<Ticket>),
    Ledger(crate::domain::ledger_index::LedgerRows),
    FindingsById {
        req: u64,
        findings: Vec<Finding>,
    },
    /// The inspector name saved, or why not.
    Inspector(Result<String, StoreError>),
    LoadFailed(StoreError),
    /// A draft was written or removed (nothing to show; keeps the request/answer rhythm).
    DraftKept,
    /// A draft could be written neither beside the store nor in the private folder.
    DraftFailed(StoreError),
    /// How far an `Import` or `ExportSince` has come: ops done of `total`.
    Progress {
        req: u64,
        done: usize,
        total: usize,
    },
    Imported {
        req: u64,
        report: ImportReport,
    },
    Exported {
        req: u64,
        ops: Vec<Op>,
    },
    /// An import or export the disk or the file did not allow (nothing of an import written).
    SyncFailed {
        req: u64,
        error: StoreError,
    },
    SyncLooked(Box<SyncLook>),
    SyncExported {
        req: u64,
        result: Result<Vec<Exported>, ExportError>,
    },
    SyncImported {
        req: u64,
        results: Result<Vec<BundleImport>, StoreError>,
    },
    SyncTrusted(Result<Peer, PeerError>),
    SyncPlaces {
        mounts: Vec<crate::bundle::stick::Mount>,
        last_dir: Option<PathBuf>,
    },
    Devices {
        own: ReplicaId,
        names: Vec<(ReplicaId, String)>,
    },
    ReportData {
        req: u64,
        result: Result<Box<ReportData>, StoreError>,
    },
    LedgerData {
        req: u64,
        result: Result<Box<LedgerData>, StoreError>,
    },
    Attached {
        req: u64,
        result: Result<Vec<crate::domain::Attachment>, super::attachments::AttachError>,
    },
    KioskFound {
        req: u64,
        result: Result<Option<Box<super::kiosk::Receipt>>, StoreError>,
    },
    KioskPin {
        req: u64,
        right: bool,
    },
    KioskOfficers {
        req: u64,
        roster: Vec<(EntityId, String, String)>,
    },
    KioskTicket {
        req: u64,
        result: Result<Option<(EntityId, i64)>, StoreError>,
    },
    Officers(Vec<crate::domain::officer::Officer>),
    KioskOfficerPin {
        req: u64,
        result: Result<super::kiosk::OfficerPin, StoreError>,
    },
    PathCompleted {
        asked: String,
        completion: crate::files::Completion,
    },
    /// The store is closed: every request before `Shutdown` was handled.
    Closed,
}

pub struct StoreHandle {
    sender: Sender<StoreRequest>,
    join: Option<JoinHandle<()>>,
}

/// Starts the thread that owns `store`; `on_event` runs on that thread for every answer.
pub fn spawn(store: Store, on_event: impl Fn(StoreEvent) + Send + 'static) -> StoreHandle {
    let (sender, receiver) = crossbeam_channel::unbounded();
    let join =
        std::thread::Builder::new().name("tiyan-store".to_string()).spawn(move || run(store, receiver, on_event));
    // Without a thread, requests go nowhere: `send` then reports false (receiver dropped).
    StoreHandle { sender, join: join.ok() }
}

fn run(mut store: Store, receiver: Receiver<StoreRequest>, on_event: impl Fn(StoreEvent)) {
    // Ends on Shutdown, or when every sender is gone (the queue is drained first either way).
    while let Ok(request) = receiver.recv() {
        let Some(event) = answer_with_progress(&mut store, request, &mut |e| on_event(e)) else { break };
        on_event(event);
    }
    drop(store);
    on_event(StoreEvent::Closed);
}

/// What the store thread answers to one request (None: `Shutdown`). Public so tests can drive
/// the app against a real store synchronously, with the very same answers. Progress of an
/// import or export is dropped; see `answer_with_progress`.
pub fn answer(store: &mut Store, request: StoreRequest) -> Option<StoreEvent> {
    answer_with_progress(store, request, &mut |_| {})
}

/// `answer`, passing `Progress` events to `progress` as they happen; the final answer is
/// returned. The one place requests are answered.
pub fn answer_with_progress(
    store: &mut Store,
    request: StoreRequest,
    progress: &mut dyn FnMut(StoreEvent),
) -> Option<StoreEvent> {
    Some(match request {
        StoreRequest::Apply { req, changes } => match store.apply(&changes) {
            Ok(_) => StoreEvent::Saved { req },
            Err(error) => StoreEvent::SaveFailed { req, error },
        },
        StoreRequest::LoadSessions => match store.sessions() {
            Ok(s) => StoreEvent::Sessions(s),
            Err(e) => StoreEvent::LoadFailed(e),
        },
        StoreRequest::LoadFindings { session } => match store.findings_of(session) {
            Ok(findings) => StoreEvent::Findings { session, findings },
            Err(e) => StoreEvent::LoadFailed(e),
        },
        StoreRequest::LoadChecklists { session } => match store.checklists_of(session) {
            Ok(checklists) => StoreEvent::Checklists { session, checklists },
            Err(e) => StoreEvent::LoadFailed(e),
        },
        StoreRequest::LoadTickets { session } => match store.tickets_of(session) {
            Ok(tickets) => StoreEvent::Tickets { session, tickets },
            Err(e) => StoreEvent::LoadFailed(e),
        },
        StoreRequest::LoadAllTickets => match store.all_tickets() {
            Ok(tickets) => StoreEvent::AllTickets(tickets),
            Err(e) => StoreEvent::LoadFailed(e),
        },
        StoreRequest::LoadLedger => match store.ledger_rows() {
            Ok(rows) => StoreEvent::Ledger(rows),
            Err(e) => StoreEvent::LoadFailed(e),
        },
        StoreRequest::LoadFindingsById { req, ids, whole } => match store.findings_by_id(&ids, whole) {
            Ok(findings) => StoreEvent::FindingsById { req, findings },
            Err(e) => StoreEvent::LoadFailed(e),
        },
        StoreRequest::SetInspector { name } => StoreEvent::Inspector(store.set_inspector(&name).map(|()| name)),
        // The text is still on screen, and a later checkpoint or the exit writes it again; a
        // draft that could be kept nowhere is said (see `draft_file`).
        StoreRequest::SaveDraft { bytes } => match store.save_draft(&bytes) {
            Ok(()) => StoreEvent::DraftKept,
            Err(e) => StoreEvent::DraftFailed(e),
        },
        StoreRequest::ClearDraft => {
            let _ = store.clear_draft();
            return Some(StoreEvent::DraftKept);
        }
        StoreRequest::Import { req, ops } => {
            let mut step = |done, total| progress(StoreEvent::Progress { req, done, total });
            match store.import_at(&ops, super::wall_clock_ms(), &mut step) {
                Ok(report) => StoreEvent::Imported { req, report },
                Err(error) => StoreEvent::SyncFailed { req, error },
            }
        }
        StoreRequest::ExportSince { req, vector } => {
            let mut step = |done, total| progress(StoreEvent::Progress { req, done, total });
            match store.ops_since_with_progress(&vector, &mut step) {
                Ok(ops) => StoreEvent::Exported { req, ops },
                Err(error) => StoreEvent::SyncFailed { req, error },
            }
        }
        StoreRequest::SyncLook { dir } => StoreEvent::SyncLooked(Box::new(look(store, dir))),
        StoreRequest::SyncExport { req, request } => {
            let mut step = |done, total| progress(StoreEvent::Progress { req, done, total });
            StoreEvent::SyncExported { req, result: store.export(&request, &mut step) }
        }
        StoreRequest::SyncImport { req, files, trust_new } => {
            let mut results = Vec::new();
            let mut failed = None;
            for file in files {
                let options = ImportOptions { dry_run: false, trust_new: trust_new.contains(&file) };
                let mut step = |done, total| progress(StoreEvent::Progress { req, done, total });
                match store.import_bundle(&file, options, &mut step) {
                    Ok(r) => results.push(r),
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                }
            }
            StoreEvent::SyncImported { req, results: failed.map_or(Ok(results), Err) }
        }
        StoreRequest::SyncPlaces => StoreEvent::SyncPlaces {
            mounts: crate::bundle::stick::removable_mounts(),
            last_dir: store
                .exports()
                .ok()
                .and_then(|all| all.last().and_then(|e| PathBuf::from(&e.path).parent().map(PathBuf::from))),
        },
        StoreRequest::Attach { req, kind, owner, path, cap } => {
            // `~/` is read here: the core reads nothing of the world but its context.
            let path = PathBuf::from(crate::files::expand_home(&path.to_string_lossy()));
            let result = super::attachments::load(&path, cap).and_then(|file| {
                let by = store.inspector()?.unwrap_or_default();
                store.attach(kind, owner, &[file], &by)
            });
            StoreEvent::Attached { req, result }
        }
        StoreRequest::KioskLookup { req, code } => {
            StoreEvent::KioskFound { req, result: store.kiosk_receipt(&code).map(|r| r.map(Box::new)) }
        }
        StoreRequest::LoadOfficers => StoreEvent::Officers(store.officers().unwrap_or_default()),
        StoreRequest::SetOfficerPin { req, officer, pin } => match store.set_officer_pin(officer, &pin) {
            Ok(()) => StoreEvent::Saved { req },
            Err(error) => StoreEvent::SaveFailed { req, error },
        },
        StoreRequest::KioskTicket { req, number, now } => {
            StoreEvent::KioskTicket { req, result: store.kiosk_ticket(&number, &now) }
        }
        StoreRequest::KioskOfficers { req } => {
            // Locked-out officers are listed: picking one says until when.
            let roster = store
                .officers()
                .unwrap_or_default()
                .into_iter()
                .filter(|o| o.status == crate::domain::officer::OfficerStatus::Active && !o.pin.is_empty())
                .map(|o| (o.id, o.number, o.name))
                .collect();
            StoreEvent::KioskOfficers { req, roster }
        }
        StoreRequest::KioskOfficerPin { req, officer, pin } => {
            let now = super::wall_clock_ms() as i64;
            StoreEvent::KioskOfficerPin { req, result: store.check_officer_pin(officer, &pin, now) }
        }
        StoreRequest::KioskCheckPin { req, pin } => {
            StoreEvent::KioskPin { req, right: store.check_kiosk_pin(&pin).unwrap_or(false) }
        }
        StoreRequest::CompletePath { text } => {
            StoreEvent::PathCompleted { completion: crate::files::complete_path(&text), asked: text }
        }
        StoreRequest::LoadReportData { req, session } => {
            let read = || -> Result<Box<ReportData>, StoreError> {
                let s = store.session(session)?.ok_or_else(|| StoreError::Db("no such session".into()))?;
                Ok(Box::new(ReportData {
                    session: s,
                    // Not deleted, by 序号.
                    findings: store.findings_of(session)?,
                    checklists: store.checklists_of(session)?,
                    tickets: store.tickets_of(session)?,
                    office: store.office_name().ok().flatten().unwrap_or_default(),
                    files_dir: store.attachments_dir(),
                }))
            };
            StoreEvent::ReportData { req, result: read() }
        }
        StoreRequest::LoadLedgerData { req, filter, zone, today } => {
            let read = || -> Result<Box<LedgerData>, StoreError> {
                use crate::domain::ledger::SessionIndex;
                let sessions: Vec<crate::domain::Session> =
                    store.sessions()?.into_iter().map(|s| s.session).filter(|s| !s.deleted).collect();
                let index = SessionIndex::in_zone(&sessions, zone);
                let mut findings = Vec::new();
                let keep = |fs: Vec<Finding>| -> Vec<Finding> {
                    fs.into_iter()
                        .filter(|f| {
                            let Some(walk) = index.get(f.session_id) else { return false };
                            !f.deleted && filter.matches_walk(f, || Some(walk), today, zone)
                        })
                        .map(for_documents)
                        .collect()
                };
                store.each_session_findings(keep, |fs| -> Result<(), StoreError> {
                    findings.extend(fs);
                    Ok(())
                })??;
                drop(index);
                let office = store.office_name().ok().flatten().unwrap_or_default();
                Ok(Box::new(LedgerData { sessions, findings, office }))
            };
            StoreEvent::LedgerData { req, result: read() }
        }
        StoreRequest::LoadDevices => match store.peers() {
            Ok(peers) => StoreEvent::Devices {
                own: store.replica_id(),
                names: peers
                    .into_iter()
                    .filter_map(|p| Some((ReplicaId::from_u128(u128::from_be_bytes(p.replica?)), p.card.name)))
                    .collect(),
            },
            Err(e) => StoreEvent::LoadFailed(e),
        },
        StoreRequest::SyncTrust { card, from } => StoreEvent::SyncTrusted(store.trust(&card, Trust::CardFile(from))),
        StoreRequest::Shutdown => return None,
    })
}

fn look(store: &mut Store, dir: PathBuf) -> SyncLook {
    let request = ExportRequest { to: dir.clone(), ..ExportRequest::default() };
    let plan = store.plan_export(&request);
    let untrusted_cards = super::sync::untrusted_cards(store, &dir).unwrap_or_default();
    let dry = ImportOptions { dry_run: true, trust_new: true };
    let mut written_here = Vec::new();
    let mut bundles = Vec::new();
    for file in crate::bundle::stick::bundles_in(&dir).unwrap_or_default() {
        let Ok(result) = store.import_bundle(&file, dry, &mut |_, _| {}) else { continue };
        if result.written_here {
            written_here.push(file);
        } else {
            bundles.push(result);
        }
    }
    let imports = store.imports().unwrap_or_default();
    let own = store.own_card().ok().map(|(card, _)| card);
    let card_file = crate::bundle::stick::cards_in(&dir).unwrap_or_default().into_iter().next();
    SyncLook { dir, plan, untrusted_cards, bundles, imports, own, written_here, card_file }
}

impl StoreHandle {
    /// Queues a request; false if the store thread is gone.
    pub fn send(&self, request: StoreRequest) -> bool {
        self.sender.send(request).is_ok()
    }

    /// A sender for other threads (e.g. the signal thread asking for a flush and shutdown).
    pub fn sender(&self) -> Sender<StoreRequest> {
        self.sender.clone()
    }

    /// Handles every request queued so far, closes the store and waits for the thread.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(join) = self.join.take() {
            let _ = self.sender.send(StoreRequest::Shutdown);
            let _ = join.join();
        }
    }
}

impl Drop for StoreHandle {
    /// Dropping the handle flushes like `shutdown`: queued saves are never lost silently.
    fn drop(&mut self) {
        self.stop();
    }
}
