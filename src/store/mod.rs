//! The store: one redb file per profile holding the op log and the records derived from it
//! (ENGINEERING.md, "Data").
//!
//! - `ops` is the truth: every change is an op, never overwritten or dropped.
//! - `records`, `children` (findings per session), `superseded` and `heads` (per replica, the
//!   highest contiguous seq held: the version vector) are derived from the ops in the same
//!   durable transaction, so the UI reads records, not the log, and a sync reads the vector
//!   and only the ranges of the log a peer lacks (`ops_since`).
//! - Ops from elsewhere come in through `import`: checked against `domain::validate` and the
//!   store before they touch the tables, taken whole or refused whole, reported.
//! - Values are postcard in version-tagged envelopes (`codec`); a bad value is a
//!   `StoreError::Decode` naming table and key.
//! - The schema version lives in `meta`; older files are migrated by replaying the log
//!   (`migrate`), newer ones are refused untouched.
//! - redb's file lock keeps a profile to one process; `lock` turns a refusal into
//!   `StoreError::AlreadyOpen` with the holder's pid.
//!
//! The UI talks to a `Store` only through the store thread (`thread`), so it never waits on disk.

mod apply;
pub mod attachments;
mod backend;
pub mod check;
pub mod codec;
mod create;
mod draft_file;
mod error;
mod finding_batches;
mod heads;
mod import;
pub mod kiosk;
mod ledger_rows;
mod ledger_scan;
mod lock;
mod meta;
mod migrate;
mod query;
mod read_through;
mod record_decode;
mod summary;
pub mod sync;
pub mod tables;
pub mod thread;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use redb::{Database, ReadOnlyDatabase, ReadableDatabase};

pub use backend::Faults;
pub use draft_file::{DRAFT_FILE_NAME, draft_path, fallback_draft_path};
pub use error::StoreError;
pub use heads::Head;
pub use import::{
    FutureStamps, Gap, ImportReport, MAX_AHEAD_MS, MAX_OP_BYTES, MAX_SHOWN as MAX_REFUSALS_SHOWN, PROGRESS_MIN,
    PROGRESS_STEP, Refusal, ReturnedOwn,
};
pub use lock::{PID_FILE_NAME, pid_file_path};
pub use migrate::SCHEMA_VERSION;
pub use query::{Lookup, MAX_CANDIDATES};
pub use summary::SessionTally;
pub use thread::{StoreEvent, StoreHandle, StoreRequest};

use crate::domain::{
    Change, Checklist, EntityId, EntityKind, Finding, Op, OpId, Record, ReplicaId, Session, SessionSummary, Ticket,
};

/// An open profile store. Dropping it closes the database, then removes the pid file.
#[derive(Debug)]
pub struct Store {
    // Field order is drop order: release redb's lock before the pid file goes.
    db: Handle,
    _pid_file: Option<lock::PidFile>,
    replica: ReplicaId,
    path: PathBuf,
    /// The test switch the file was opened with, kept for reopening after an I/O error.
    faults: Option<Arc<Faults>>,
    /// The size of redb's page cache it was opened with, kept for reopening.
    cache_bytes: usize,
    /// This open made the file (a new profile).
    created: bool,
}

enum Handle {
    Writable(Database),
    ReadOnly(ReadOnlyDatabase),
    /// Closed after an I/O error (redb refuses every later write until reopened); the next
    /// write reopens it.
    Closed,
}

/// Closing redb commits its allocator state, reading pages it has not verified: on a damaged
/// file that can panic, and a panic in a drop is not one a caller can contain. Closed here,
/// contained; the file is left as it is.
impl Drop for Store {
    fn drop(&mut self) {
        let db = std::mem::replace(&mut self.db, Handle::Closed);
        let _ = crate::crash::contain(move || drop(db));
    }
}

impl std::fmt::Debug for Handle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Handle::Writable(_) => "Writable",
            Handle::ReadOnly(_) => "ReadOnly",
            Handle::Closed => "Closed",
        })
    }
}

/// Unix milliseconds now (0 if the clock is before 1970; the HLC then still moves forward).
pub fn wall_clock_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

impl Store {
    /// Opens the store at `path` for writing, creating it (directory 0700, file 0600) when
    /// there is no file, migrating an older one. A file that is there but is not a whole store
    /// is `StoreError::Damaged`, never initialized over.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Store::open_writable(path, None, lock::WRITABLE_CACHE_BYTES)
    }

    /// `open` for the TUI: the same, with a smaller page cache (`lock::SCREENS_CACHE_BYTES`).
    pub fn open_for_screens(path: &Path) -> Result<Store, StoreError> {
        Store::open_writable(path, None, lock::SCREENS_CACHE_BYTES)
    }

    /// Opens an existing store for writing; `StoreError::NoProfile` when there is no file (a
    /// command that changes a record needs one: a typo in --home must not make a profile).
    pub fn open_existing(path: &Path) -> Result<Store, StoreError> {
        if std::fs::symlink_metadata(path).is_err() {
            return Err(StoreError::NoProfile { path: path.to_path_buf() });
        }
        Store::open_writable(path, None, lock::WRITABLE_CACHE_BYTES)
    }

    /// `open` with the fault switch of `backend` armed by a test.
    #[doc(hidden)]
    pub fn open_with_faults(path: &Path, faults: Arc<Faults>) -> Result<Store, StoreError> {
        Store::open_writable(path, Some(faults), lock::WRITABLE_CACHE_BYTES)
    }

    /// Opens an existing store for reading only: nothing is created, no byte of the file
    /// changes, no free space is needed. `StoreError::NoProfile` when there is no file. A file
    /// that redb must repair first (after a crash) or migrate is opened for writing instead,
    /// once; writes through a read-only store fail with `StoreError::ReadOnly`.
    pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        contained(path, || {
            if std::fs::symlink_metadata(path).is_err() {
                return Err(StoreError::NoProfile { path: path.to_path_buf() });
            }
            lock::check_existing(path)?;
            let db = match lock::open_read_only(path)? {
                lock::ReadOnly::Open(db) => db,
                lock::ReadOnly::NeedsRepair => {
                    return Store::open_writable(path, None, lock::WRITABLE_CACHE_BYTES);
                }
            };
            let Some(replica) = migrate::current(&db)? else {
                drop(db);
                return Store::open_writable(path, None, lock::WRITABLE_CACHE_BYTES);
            };
            Ok(Store {
                db: Handle::ReadOnly(db),
                _pid_file: None,
                replica,
                path: path.to_path_buf(),
                faults: None,
                cache_bytes: lock::WRITABLE_CACHE_BYTES,
                created: false,
            })
        })
    }

    fn open_writable(path: &Path, faults: Option<Arc<Faults>>, cache_bytes: usize) -> Result<Store, StoreError> {
        contained(path, || {
            let created = match std::fs::symlink_metadata(path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => create::create_store(path)?,
                _ => false,
            };
            lock::check_existing(path)?;
            // A newer schema is refused through a read-only handle, so not one byte changes.
            if let Ok(lock::ReadOnly::Open(read_only)) = lock::open_read_only(path) {
                migrate::refuse_newer(&read_only)?;
            }
            let mut db = lock::open_writable(path, faults.clone(), cache_bytes)?;
            let replica = migrate::prepare(&mut db)?;
            sync::ensure_device_keys(&db)?;
            let pid_file = lock::PidFile::write(path);
            Ok(Store {
                db: Handle::Writable(db),
                _pid_file: pid_file,
                replica,
                path: path.to_path_buf(),
                faults,
                cache_bytes,
                created,
            })
        })
    }

    /// Whether this open created the store (the profile is new).
    pub fn was_created(&self) -> bool {
        self.created
    }

    /// Whether writes are possible through this handle.
    pub fn is_writable(&self) -> bool {
        !matches!(self.db, Handle::ReadOnly(_))
    }

    fn reader(&self) -> Result<&dyn ReadableDatabase, StoreError> {
        match &self.db {
            Handle::Writable(db) => Ok(db),
            Handle::ReadOnly(db) => Ok(db),
            Handle::Closed => Err(closed()),
        }
    }

    fn writer(&mut self) -> Result<&Database, StoreError> {
        if matches!(self.db, Handle::Closed) {
            self.reopen()?;
        }
        match &self.db {
            Handle::Writable(db) => Ok(db),
            Handle::ReadOnly(_) => Err(StoreError::ReadOnly),
            Handle::Closed => Err(closed()),
        }
    }

    /// Runs a read; a panic inside redb (a damaged page) becomes `Damaged`.
    fn read<T>(&self, f: impl FnOnce(&dyn ReadableDatabase) -> Result<T, StoreError>) -> Result<T, StoreError> {
        contained(&self.path, || f(self.reader()?))
    }

    /// Closes the database and opens it again: redb refuses every write after an I/O error
    /// until then. Left closed if the reopen fails (e.g. the disk is still full); the next
    /// write tries again.
    pub fn reopen(&mut self) -> Result<(), StoreError> {
        if matches!(self.db, Handle::ReadOnly(_)) {
            return Ok(());
        }
        self.db = Handle::Closed;
        let path = self.path.clone();
        let faults = self.faults.clone();
        let cache_bytes = self.cache_bytes;
        let db = contained(&path, || lock::open_writable(&path, faults, cache_bytes))?;
        self.db = Handle::Writable(db);
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This store's replica id, made once when the file was created.
    pub fn replica_id(&self) -> ReplicaId {
        self.replica
    }

    /// Stamps and saves `changes` in one durable transaction, in order; returns their op ids.
    /// An empty slice writes nothing.
    pub fn apply(&mut self, changes: &[Change]) -> Result<Vec<OpId>, StoreError> {
        self.apply_at(changes, wall_clock_ms())
    }

    /// `apply` with the wall clock given, so tests can set it behind or ahead.
    ///
    /// After an I/O error (a full disk) the database is closed and reopened, and the log is
    /// read again: a commit whose data reached the file before a later step failed is there
    /// after the reopen (which itself commits durably), and is answered as saved, so a retry
    /// cannot save it twice; otherwise the error is returned and nothing of it was written.
    pub fn apply_at(&mut self, changes: &[Change], now_ms: u64) -> Result<Vec<OpId>, StoreError> {
        let replica = self.replica;
        self.writer()?; // reopens a store closed by an earlier failure
        let seq_before = self.read(query::next_seq)?;
        let result = self.write(|db| apply::apply_changes(db, replica, changes, now_ms));
        match result {
            Err(e) if e.is_io() => {
                if matches!(self.db, Handle::Writable(_))
                    && self.read(query::next_seq).ok() == Some(seq_before + changes.len() as u64)
                {
                    return Ok((seq_before..seq_before + changes.len() as u64)
                        .map(|seq| OpId { replica, seq })
                        .collect());
                }
                Err(e)
            }
            other => other,
        }
    }

    /// Runs a write transaction; a panic inside redb becomes `Damaged`, and after an I/O
    /// error the database is reopened (left closed if that fails too).
    fn write<T>(&mut self, f: impl FnOnce(&Database) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let path = self.path.clone();
        let db = self.writer()?;
        let result = contained(&path, || f(db));
        if matches!(&result, Err(e) if e.is_io()) {
            let _ = self.reopen();
        }
        result
    }

    /// Imports ops from other replicas (or our own, back from a bundle) in one durable
    /// transaction, in any order and with repeats: checked first, taken whole or refused whole
    /// (see the `import` module doc). A refused batch is in the report, not an error; errors
    /// are the disk's or the file's.
    pub fn import(&mut self, ops: &[Op]) -> Result<ImportReport, StoreError> {
        self.import_at(ops, wall_clock_ms(), &mut |_, _| {})
    }

    /// `import` with our wall clock given (tests set it) and `progress(done, total)` called
    /// while writing, every `PROGRESS_STEP` new ops when there are at least `PROGRESS_MIN`.
    pub fn import_at(
        &mut self,
        ops: &[Op],
        now_ms: u64,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<ImportReport, StoreError> {
        let replica = self.replica;
        self.write(|db| import::import(db, replica, ops, now_ms, progress))
    }

    /// `import`, answering how many ops were new; a refused batch is
    /// `StoreError::Db("import refused: …")` naming the first problem.
    pub fn apply_ops(&mut self, ops: &[Op]) -> Result<usize, StoreError> {
        let report = self.import(ops)?;
        match report.refused.first() {
            Some(first) => Err(StoreError::Db(format!("import refused: {first}"))),
            None => Ok(report.new),
        }
    }

    /// Sessions not deleted, newest first, with their finding counts and highest 序号.
    pub fn sessions(&self) -> Result<Vec<SessionSummary>, StoreError> {
        self.read(query::sessions)
    }

    /// A session's figures from the summaries: findings not deleted by status, checklists and
    /// tickets (zeros when nothing is filed under it).
    pub fn session_tally(&self, session: EntityId) -> Result<SessionTally, StoreError> {
        self.read(|db| query::session_tally(db, session))
    }

    /// The ledger tally: per session, unit, status, deadline and "fixed on the spot", how many
    /// findings not deleted (see `domain::ledger::from_tally`). Reads no finding.
    pub fn ledger_tally(&self) -> Result<Vec<crate::domain::ledger::TallyRow>, StoreError> {
        self.read(query::ledger_tally)
    }

    pub fn session(&self, id: EntityId) -> Result<Option<Session>, StoreError> {
        Ok(self.record(EntityKind::Session, id)?.map(|r| Session::from_record(&r)))
    }

    /// The findings of one session not deleted, by 序号 then id.
    pub fn findings_of(&self, session: EntityId) -> Result<Vec<Finding>, StoreError> {
        self.read(|db| query::findings_of(db, session))
    }

    /// The checklists attached to a session, oldest first.
    pub fn checklists_of(&self, session: EntityId) -> Result<Vec<Checklist>, StoreError> {
        self.read(|db| query::checklists_of(db, session))
    }

    pub fn tickets_of(&self, session: EntityId) -> Result<Vec<Ticket>, StoreError> {
        self.read(|db| query::tickets_of(db, session))
    }

    pub fn all_tickets(&self) -> Result<Vec<Ticket>, StoreError> {
        self.read(query::all_tickets)
    }

    /// One finding (deleted or not), its 序号 ranked among its session's findings.
    pub fn finding(&self, id: EntityId) -> Result<Option<Finding>, StoreError> {
        self.read(|db| query::finding(db, id))
    }

    /// Every finding not deleted, of sessions not deleted, by session then 序号.
    pub fn all_findings(&self) -> Result<Vec<Finding>, StoreError> {
        let mut all = Vec::new();
        let keep = |findings: Vec<Finding>| -> Result<(), StoreError> {
            all.extend(findings);
            Ok(())
        };
        self.each_session_findings(|findings| findings, keep)??;
        Ok(all)
    }

    /// `all_findings` a session at a time, for output that streams (see `finding_batches`):
    /// each session's findings made into what `make` makes on a reading thread, then given to
    /// `take` in order. A read's error is the outer one; `take`'s stops it and is the inner.
    pub fn each_session_findings<T: Send, E>(
        &self,
        make: impl Fn(Vec<Finding>) -> T + Sync,
        take: impl FnMut(T) -> Result<(), E>,
    ) -> Result<Result<(), E>, StoreError> {
        // Not `read`: a panic of `make` or `take` is ours, not damage; `each` contains its reads.
        finding_batches::each(self.reader().map_err(|e| e.at(&self.path))?, &self.path, make, take)
    }

    /// The ledger's rows: every finding not deleted of the sessions not deleted, each read for
    /// the fields the ledger filters, sorts and counts by (see `ledger_rows`); and with
    /// `ids`, those findings whole (`whole: false`: without their history).
    pub fn ledger_rows(&self) -> Result<crate::domain::ledger_index::LedgerRows, StoreError> {
        self.read(ledger_rows::ledger_rows)
    }

    pub fn findings_by_id(&self, ids: &[EntityId], whole: bool) -> Result<Vec<Finding>, StoreError> {
        self.read(|db| ledger_rows::findings_by_id(db, ids, whole))
    }

    /// The profile's inspector name (who is acting in status moves); None until one is given.
    pub fn inspector(&self) -> Result<Option<String>, StoreError> {
        self.read(|db| {
            let txn = db.begin_read()?;
            let meta = txn.open_table(tables::META)?;
            meta::inspector(&meta)
        })
    }

    /// Saves the inspector name durably. It is this profile's setting, not an op: it is not
    /// carried in bundles.
    pub fn set_inspector(&mut self, name: &str) -> Result<(), StoreError> {
        self.write(|db| {
            let txn = apply::begin_durable(db)?;
            {
                let mut meta = txn.open_table(tables::META)?;
                meta::set_inspector(&mut meta, name.trim())?;
            }
            txn.commit()?;
            Ok(())
        })
    }

    pub fn record(&self, kind: EntityKind, id: EntityId) -> Result<Option<Record>, StoreError> {
        self.read(|db| query::record(db, kind, id))
    }

    /// Every materialized record (deleted ones too), by kind then id.
    pub fn all_records(&self) -> Result<Vec<Record>, StoreError> {
        self.read(query::all_records)
    }

    /// Resolves a full ULID or a unique prefix of one (any case) among records of `kind`;
    /// `None` when nothing or more than one record matches (see `lookup_prefix` to tell which).
    pub fn find_by_prefix(&self, kind: EntityKind, id_text: &str) -> Result<Option<EntityId>, StoreError> {
        Ok(match self.lookup_prefix(kind, id_text)? {
            Lookup::Found(id) => Some(id),
            Lookup::NotFound | Lookup::Ambiguous { .. } => None,
        })
    }

    /// Like `find_by_prefix`, telling "no match" from "several" (with some candidates).
    pub fn lookup_prefix(&self, kind: EntityKind, id_text: &str) -> Result<Lookup, StoreError> {
        self.read(|db| query::find_by_prefix(db, kind, id_text))
    }

    /// The whole op log, by (replica, seq).
    pub fn all_ops(&self) -> Result<Vec<Op>, StoreError> {
        self.read(query::all_ops)
    }

    /// The ops with a seq above `known[replica]` (every op of a replica not in `known`), by
    /// (replica, seq). Reads only those ranges of the log.
    pub fn ops_since(&self, known: &BTreeMap<ReplicaId, u64>) -> Result<Vec<Op>, StoreError> {
        self.ops_since_with_progress(known, &mut |_, _| {})
    }

    /// `ops_since` with `progress(done, total)` called every `PROGRESS_STEP` ops of an export
    /// of at least `PROGRESS_MIN`.
    pub fn ops_since_with_progress(
        &self,
        known: &BTreeMap<ReplicaId, u64>,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Vec<Op>, StoreError> {
        self.read(|db| query::ops_since(db, known, progress))
    }

    /// Per replica, the highest seq up to which this store holds every op (replicas of which
    /// it does not hold seq 1 are left out: absent means 0). What a peer is told so it can
    /// send `ops_since` it.
    pub fn version_vector(&self) -> Result<BTreeMap<ReplicaId, u64>, StoreError> {
        Ok(self.heads()?.into_iter().filter(|(_, h)| h.contiguous > 0).map(|(r, h)| (r, h.contiguous)).collect())
    }

    /// Per replica whose ops the log holds: the contiguous head and how many are held (more
    /// than the head means ops above a gap).
    pub fn heads(&self) -> Result<BTreeMap<ReplicaId, Head>, StoreError> {
        self.read(query::heads)
    }

    /// Keeps unsaved text (the app's draft bytes) durably beside the store.
    pub fn save_draft(&self, bytes: &[u8]) -> Result<(), StoreError> {
        draft_file::save(&self.path, bytes)
    }

    /// The draft the last run left, if any.
    pub fn draft(&self) -> Result<Option<Vec<u8>>, StoreError> {
        draft_file::load(&self.path)
    }

    pub fn clear_draft(&self) -> Result<(), StoreError> {
        draft_file::clear(&self.path)
    }

    /// A full look at the store, changing nothing: every value decoded, the op log replayed
    /// and compared with the derived tables (see `check`).
    pub fn check(&self) -> Result<check::Report, StoreError> {
        let replica = self.replica;
        self.read(|db| check::run(db, replica, &self.path))
    }

    pub fn op_count(&self) -> Result<u64, StoreError> {
        self.read(query::op_count)
    }
}

fn closed() -> StoreError {
    StoreError::Io("the store is closed after a failed write; it reopens on the next save".into())
}

/// Runs `f`; a panic inside it (redb on a damaged page) becomes `Damaged` for the file at
/// `path`, and errors made inside redb calls get the path filled in.
fn contained<T>(path: &Path, f: impl FnOnce() -> Result<T, StoreError>) -> Result<T, StoreError> {
    match crate::crash::contain(f) {
        Ok(result) => result.map_err(|e| e.at(path)),
        Err(detail) => Err(StoreError::Damaged { path: path.to_path_buf(), detail }),
    }
}
