//! The store: one redb file per profile holding the op log and the records derived from it
//! (ENGINEERING.md, "Data").
//!
//! - `ops` is the truth: every change is an op, never overwritten or dropped.
//! - `records`, `children` (findings per session) and `superseded` are derived from the ops in
//!   the same durable transaction, so the UI reads records, not the log.
//! - Values are postcard in version-tagged envelopes (`codec`); a bad value is a
//!   `StoreError::Decode` naming table and key.
//! - The schema version lives in `meta`; older files are migrated by replaying the log
//!   (`migrate`), newer ones are refused untouched.
//! - redb's file lock keeps a profile to one process; `lock` turns a refusal into
//!   `StoreError::AlreadyOpen` with the holder's pid.
//!
//! The UI talks to a `Store` only through the store thread (`thread`), so it never waits on disk.

mod apply;
pub mod codec;
mod error;
mod lock;
mod meta;
mod migrate;
mod query;
pub mod tables;
pub mod thread;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use redb::{Database, ReadableDatabase};

pub use error::StoreError;
pub use lock::{PID_FILE_NAME, pid_file_path};
pub use migrate::SCHEMA_VERSION;
pub use query::{Lookup, MAX_CANDIDATES};
pub use thread::{StoreEvent, StoreHandle, StoreRequest};

use crate::domain::{
    Change, Checklist, EntityId, EntityKind, Finding, Op, OpId, Record, ReplicaId, Session, SessionSummary, Ticket,
};

/// An open profile store. Dropping it closes the database, then removes the pid file.
#[derive(Debug)]
pub struct Store {
    // Field order is drop order: release redb's lock before the pid file goes.
    db: Database,
    _pid_file: lock::PidFile,
    replica: ReplicaId,
    path: PathBuf,
}

/// Unix milliseconds now (0 if the clock is before 1970; the HLC then still moves forward).
pub fn wall_clock_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

impl Store {
    /// Opens the store at `path`, creating the directory (0700) and file (0600) if needed,
    /// initializing a new file, migrating an older one.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        // redb trusts page contents it has not verified and can panic on a file damaged
        // outside it (seen in the read-only look below). The writable open verifies every
        // checksum, but the look comes first; a panic there becomes an error, not a crash.
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| Store::open_unguarded(path))) {
            Ok(result) => result,
            Err(panic) => {
                let detail = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                Err(StoreError::Db(format!("the store file {} is damaged: {detail}", path.display())))
            }
        }
    }

    fn open_unguarded(path: &Path) -> Result<Store, StoreError> {
        lock::create_parent_dir(path)?;
        lock::create_file_if_missing(path)?;
        // A newer schema is refused through a read-only handle, so not one byte changes.
        if let Some(read_only) = lock::open_read_only(path)? {
            migrate::refuse_newer(&read_only)?;
        }
        let db = lock::open_database(path)?;
        let replica = migrate::prepare(&db)?;
        let pid_file = lock::PidFile::write(path)?;
        Ok(Store { db, _pid_file: pid_file, replica, path: path.to_path_buf() })
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
    pub fn apply_at(&mut self, changes: &[Change], now_ms: u64) -> Result<Vec<OpId>, StoreError> {
        apply::apply_changes(&self.db, self.replica, changes, now_ms)
    }

    /// Imports ops from other replicas (or back from a bundle) in one durable transaction, in
    /// any order and with repeats; returns how many were new. See `apply`'s module doc.
    pub fn apply_ops(&mut self, ops: &[Op]) -> Result<usize, StoreError> {
        apply::import_ops(&self.db, self.replica, ops)
    }

    /// Sessions not deleted, newest first, with their finding counts and highest 序号.
    pub fn sessions(&self) -> Result<Vec<SessionSummary>, StoreError> {
        query::sessions(&self.db)
    }

    pub fn session(&self, id: EntityId) -> Result<Option<Session>, StoreError> {
        Ok(self.record(EntityKind::Session, id)?.map(|r| Session::from_record(&r)))
    }

    /// The findings of one session not deleted, by 序号 then id.
    pub fn findings_of(&self, session: EntityId) -> Result<Vec<Finding>, StoreError> {
        query::findings_of(&self.db, session)
    }

    /// The checklists attached to a session, oldest first.
    pub fn checklists_of(&self, session: EntityId) -> Result<Vec<Checklist>, StoreError> {
        query::checklists_of(&self.db, session)
    }

    pub fn tickets_of(&self, session: EntityId) -> Result<Vec<Ticket>, StoreError> {
        query::tickets_of(&self.db, session)
    }

    pub fn all_tickets(&self) -> Result<Vec<Ticket>, StoreError> {
        query::all_tickets(&self.db)
    }

    /// Every finding not deleted, of sessions not deleted, by session then 序号.
    pub fn all_findings(&self) -> Result<Vec<Finding>, StoreError> {
        query::all_findings(&self.db)
    }

    /// The profile's inspector name (who is acting in status moves); None until one is given.
    pub fn inspector(&self) -> Result<Option<String>, StoreError> {
        let txn = self.db.begin_read()?;
        let meta = txn.open_table(tables::META)?;
        meta::inspector(&meta)
    }

    /// Saves the inspector name durably. It is this profile's setting, not an op: it is not
    /// carried in bundles.
    pub fn set_inspector(&mut self, name: &str) -> Result<(), StoreError> {
        let txn = apply::begin_durable(&self.db)?;
        {
            let mut meta = txn.open_table(tables::META)?;
            meta::set_inspector(&mut meta, name.trim())?;
        }
        txn.commit()?;
        Ok(())
    }

    pub fn record(&self, kind: EntityKind, id: EntityId) -> Result<Option<Record>, StoreError> {
        query::record(&self.db, kind, id)
    }

    /// Every materialized record (deleted ones too), by kind then id.
    pub fn all_records(&self) -> Result<Vec<Record>, StoreError> {
        query::all_records(&self.db)
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
        query::find_by_prefix(&self.db, kind, id_text)
    }

    /// The whole op log, by (replica, seq).
    pub fn all_ops(&self) -> Result<Vec<Op>, StoreError> {
        query::all_ops(&self.db)
    }

    /// The ops with a seq above `known[replica]` (every op of a replica not in `known`).
    pub fn ops_since(&self, known: &BTreeMap<ReplicaId, u64>) -> Result<Vec<Op>, StoreError> {
        query::ops_since(&self.db, known)
    }

    pub fn op_count(&self) -> Result<u64, StoreError> {
        query::op_count(&self.db)
    }
}
