//! Schema versions: initialize a new file, refuse a newer one untouched, migrate an older one.
//!
//! The op log is the truth and its encoding only grows (envelope variants are appended; old
//! ones stay readable and are never rewritten, see `codec`), so the generic migration
//! rebuilds every derived table by replaying the whole log, then writes the new version — all
//! in one durable transaction: a crash leaves the old version and old tables, and the next
//! open simply migrates again.

use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableError};

use super::apply::{self, WriteTables};
use super::codec;
use super::error::StoreError;
use super::heads;
use super::meta;
use super::tables;
use crate::domain::{Op, ReplicaId};

/// The schema this build reads and writes. Raise it (and add a step to `migrate` if the
/// generic rebuild is not enough) whenever the derived tables or their encodings change.
/// 1: sessions and findings. 2: checklists (a new entity kind: a version-1 build could not
/// decode their ops, so it must refuse the file rather than fail on them). 3: queue tickets
/// and timed events (a new kind and a new value variant, for the same reason). 4: finding
/// status moves (a new value variant) and the profile's inspector name in `meta`. 5: the
/// `heads` table (version vectors; a version-4 build would add ops without moving it). 6: the
/// summaries (`session_summary`, `session_seqs`, `ledger_tally`; an older build would change
/// records without them). 7: records and new ops in V2, fields by number (see `codec`; an
/// older build could not read them). 8: each session's tally counts its records with a
/// conflict (a V2 tally; an older build would not keep the count). 9: the 体验官 roster (a
/// new entity kind) and `attachment_ops` (the files an export must carry; an older build
/// would add ops without it).
pub const SCHEMA_VERSION: u32 = 9;

/// What the file says before we change anything.
struct Found {
    version: Option<u32>,
    has_ops: bool,
}

fn inspect(db: &dyn ReadableDatabase) -> Result<Found, StoreError> {
    let txn = db.begin_read()?;
    let version = match txn.open_table(tables::META) {
        Ok(t) => meta::schema_version(&t)?,
        Err(TableError::TableDoesNotExist(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let has_ops = match txn.open_table(tables::OPS) {
        Ok(t) => !t.is_empty()?,
        Err(TableError::TableDoesNotExist(_)) => false,
        Err(e) => return Err(e.into()),
    };
    Ok(Found { version, has_ops })
}

fn refuse(version: Option<u32>) -> Result<(), StoreError> {
    match version {
        Some(v) if v > SCHEMA_VERSION => Err(StoreError::NewerSchema { found: v, supported: SCHEMA_VERSION }),
        _ => Ok(()),
    }
}

/// Refuses a file of a newer schema before it is opened for writing (which alone would
/// change its bytes). `db` is a read-only handle.
pub(super) fn refuse_newer(db: &dyn ReadableDatabase) -> Result<(), StoreError> {
    refuse(inspect(db)?.version)
}

/// The replica id of a store already at `SCHEMA_VERSION`, read without writing; None when
/// the file must be initialized or migrated first (a writable open does that). A newer file
/// is refused.
pub(super) fn current(db: &dyn ReadableDatabase) -> Result<Option<ReplicaId>, StoreError> {
    let found = inspect(db)?;
    refuse(found.version)?;
    if found.version != Some(SCHEMA_VERSION) {
        return Ok(None);
    }
    let txn = db.begin_read()?;
    let t = txn.open_table(tables::META)?;
    meta::replica(&t)
}

/// Brings the file to `SCHEMA_VERSION` and returns its replica id. A newer file is refused
/// before any write transaction starts.
pub(super) fn prepare(db: &mut Database) -> Result<ReplicaId, StoreError> {
    let found = inspect(db)?;
    // Checked again: the read-only look may have been skipped (new or crashed file).
    refuse(found.version)?;
    match found.version {
        Some(v) if v == SCHEMA_VERSION => current_replica(db),
        None if !found.has_ops => initialize(db),
        // No version but ops: written before versions were recorded; treat as version 0.
        older => {
            let replica = migrate(db, older.unwrap_or(0))?;
            // The derived tables were rebuilt in one transaction: the old ones' pages are free
            // space the file keeps (a 100,000-finding store doubled, to 1.1 GB). Once, after
            // the migration, they are given back; a compaction that cannot finish leaves the
            // file as it was, whole and migrated.
            let _ = db.compact();
            Ok(replica)
        }
    }
}

fn current_replica(db: &Database) -> Result<ReplicaId, StoreError> {
    let txn = db.begin_read()?;
    let t = txn.open_table(tables::META)?;
    meta::replica(&t)?.ok_or_else(|| StoreError::Decode {
        table: tables::name::META,
        key: tables::meta_key::REPLICA.to_string(),
        detail: "missing from a store of the current schema".to_string(),
    })
}

fn initialize(db: &Database) -> Result<ReplicaId, StoreError> {
    let replica = ReplicaId::random();
    let txn = apply::begin_durable(db)?;
    {
        let mut t = WriteTables::open(&txn)?;
        meta::set_schema_version(&mut t.meta, SCHEMA_VERSION)?;
        meta::set_replica(&mut t.meta, replica)?;
        meta::set_hlc(&mut t.meta, Default::default())?;
        meta::set_next_seq(&mut t.meta, meta::FIRST_SEQ)?;
        let (signing, age) = crate::bundle::identity::DeviceKeys::generate().to_parts();
        meta::set_device_keys(&mut t.meta, signing, age)?;
    }
    txn.commit()?;
    Ok(replica)
}

/// Ops read from the log at a time while rebuilding.
const REPLAY_CHUNK: usize = 8192;

/// Rebuilds the derived tables from the op log and records `SCHEMA_VERSION`.
///
/// The log is read in key order, a chunk at a time, and each chunk materialized: records come
/// out the same whatever order their ops are applied in (see `apply`), so nothing needs the
/// whole log in memory or sorted.
fn migrate(db: &Database, from: u32) -> Result<ReplicaId, StoreError> {
    debug_assert!(from < SCHEMA_VERSION);
    let txn = apply::begin_durable(db)?;
    txn.delete_table(tables::RECORDS)?;
    txn.delete_table(tables::CHILDREN)?;
    txn.delete_table(tables::SUPERSEDED)?;
    txn.delete_table(tables::HEADS)?;
    txn.delete_table(tables::SESSION_SUMMARY)?;
    txn.delete_table(tables::SESSION_SEQS)?;
    txn.delete_table(tables::LEDGER_TALLY)?;
    txn.delete_table(tables::ATTACHMENT_OPS)?;
    let replica;
    {
        let mut b = apply::Batch::open(&txn)?;
        replica = match meta::replica(&b.t.meta)? {
            Some(r) => r,
            None => {
                let r = ReplicaId::random();
                meta::set_replica(&mut b.t.meta, r)?;
                r
            }
        };
        // The clock and seq must stay ahead of everything in the log, whatever meta said; but
        // not of a stamp far ahead of our wall clock (see `import`).
        let horizon = super::wall_clock_ms().saturating_add(super::import::MAX_AHEAD_MS);
        let mut hlc = meta::hlc(&b.t.meta)?;
        let mut next_seq = meta::next_seq(&b.t.meta)?;
        let mut after: Option<(u128, u64)> = None;
        loop {
            let mut chunk: Vec<Op> = Vec::with_capacity(REPLAY_CHUNK);
            {
                let range = match after {
                    None => b.t.ops.iter()?,
                    Some(key) => b.t.ops.range((std::ops::Bound::Excluded(key), std::ops::Bound::Unbounded))?,
                };
                for entry in range.take(REPLAY_CHUNK) {
                    let (key, value) = entry?;
                    chunk.push(codec::decode_op(value.value(), key.value())?);
                    after = Some(key.value());
                }
            }
            for op in &chunk {
                b.materialize(op)?;
                if op.hlc.wall_ms <= horizon {
                    hlc = hlc.max(op.hlc);
                }
                if op.id.replica == replica {
                    next_seq = next_seq.max(op.id.seq.saturating_add(1));
                }
            }
            if chunk.len() < REPLAY_CHUNK {
                break;
            }
        }
        b.flush()?;
        let t = &mut b.t;
        heads::rebuild(&mut t.heads, &t.ops)?;
        meta::set_hlc(&mut t.meta, hlc)?;
        meta::set_next_seq(&mut t.meta, next_seq)?;
        meta::set_schema_version(&mut t.meta, SCHEMA_VERSION)?;
    }
    txn.commit()?;
    Ok(replica)
}
