//! Importing ops that come from elsewhere (a bundle, another replica): checked before they
//! touch the tables, written in one durable transaction, reported.
//!
//! A batch is taken whole or not at all:
//! 1. Every op is checked on its own (`domain::validate::check_op`: id, entity id, field known
//!    for its kind, value kind allowed for the field, what it supersedes) and for size. One
//!    failure and the batch is refused before a transaction begins.
//! 2. In the write transaction, before anything is written, each op is checked against the
//!    store and the batch: an id already held (or earlier in the batch) must be the same op
//!    (else `IdClash`: a copied profile or tampering); an entity must not be known as another
//!    kind. Every problem is found (the report keeps the first `MAX_SHOWN`); any one, and the
//!    transaction is aborted having written nothing.
//! 3. Only then are the new ops appended and materialized, the heads moved and the clock and
//!    next seq kept, and the transaction committed.
//!
//! An op of our own replica that we do not hold is suspicious: every op this store wrote is
//! in its log, so it was written by this profile somewhere else. That is what happens when a
//! profile is restored from an older copy and its later ops come back in a bundle (the only
//! way to recover them), and also when a copy of the profile is used on another device. It
//! is accepted, reported in `returned_own` (how many, lowest and highest seq) so a person can
//! tell which, and the next seq moves past it so no id is used twice here. A copy that keeps
//! writing is caught by `IdClash` as soon as both have written the same seq.
//!
//! Stamps more than `MAX_AHEAD_MS` ahead of our wall clock (a device whose clock is wrong)
//! are imported and flagged in the report, but do not move our clock: our next stamps stay
//! near the real time. Such an op wins conflicts on its fields until someone edits them;
//! the flag is what lets a person see why.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::BuildHasherDefault;

use redb::{Database, ReadableTable};

use super::apply;
use super::codec;
use super::error::StoreError;
use super::heads;
use super::meta;
use crate::domain::ledger::IdHasher;
use crate::domain::validate::{self, Problem, kind_name};
use crate::domain::{EntityId, EntityKind, Op, OpId, OpPayload, ReplicaId};

/// How far ahead of our wall clock a stamp may be before it is flagged: a day.
pub const MAX_AHEAD_MS: u64 = 24 * 60 * 60 * 1000;

/// The largest op a batch may carry, encoded (a bundle frames each op within this).
pub const MAX_OP_BYTES: usize = 1 << 20;

/// The first refusals kept in full; the rest are counted.
pub const MAX_SHOWN: usize = 50;

/// Gaps listed per replica.
const MAX_GAPS: usize = 10;

/// Progress is reported for batches of at least this many ops, every `PROGRESS_STEP`.
pub const PROGRESS_MIN: usize = 2_000;
pub const PROGRESS_STEP: usize = 1_000;

/// One op that made the batch be refused.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Refusal {
    /// Its place in the batch.
    pub index: usize,
    pub op: OpId,
    pub kind: EntityKind,
    pub entity: EntityId,
    /// The field it sets, when the problem is the field or its value.
    pub field: Option<String>,
    pub problem: Problem,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "op {} of the batch ({}:{}, {} {}",
            self.index + 1,
            self.op.replica,
            self.op.seq,
            kind_name(self.kind),
            crate::domain::op::entity_id_string(self.entity)
        )?;
        if let Some(field) = &self.field {
            write!(f, ", field `{}`", field.escape_debug())?;
        }
        write!(f, "): {}", self.problem)
    }
}

/// Ops of one replica stamped more than a day ahead of our clock.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct FutureStamps {
    pub replica: ReplicaId,
    pub ops: usize,
    /// The first such op of the batch.
    pub first: OpId,
    /// The furthest stamp, Unix ms.
    pub latest_wall_ms: u64,
    /// How far that is ahead of our clock at import.
    pub ahead_ms: u64,
}

/// Seqs of a replica still missing after the import, below the highest held.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Gap {
    pub replica: ReplicaId,
    pub from: u64,
    pub to: u64,
}

/// Ops of our own replica that came back from elsewhere.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ReturnedOwn {
    pub ops: usize,
    pub lowest: u64,
    pub highest: u64,
}

/// What an import did.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct ImportReport {
    /// Ops in the batch.
    pub received: usize,
    /// Ops written (0 when refused).
    pub new: usize,
    /// Ops already held, identical (also repeats within the batch).
    pub duplicates: usize,
    /// Why the batch was refused: the first `MAX_SHOWN` problems. Empty when it was taken.
    pub refused: Vec<Refusal>,
    /// Every problem found, shown or not.
    pub refused_count: usize,
    /// Ops stamped more than a day ahead, per replica (imported, the clock not moved).
    pub future: Vec<FutureStamps>,
    /// Ops of our own replica we did not hold (see the module doc).
    pub returned_own: Option<ReturnedOwn>,
    /// Seqs still missing of the replicas this batch brought ops of.
    pub gaps: Vec<Gap>,
    /// Fields that had one value and now have several (a 冲突 to resolve).
    pub conflicts_opened: usize,
    /// Per `EntityKind::code` - 1 (session, finding, checklist, ticket): records made.
    pub records_new: [usize; 4],
    /// Likewise: records that existed and changed.
    pub records_changed: [usize; 4],
}

impl ImportReport {
    pub fn is_refused(&self) -> bool {
        self.refused_count > 0
    }

    fn refuse(&mut self, refusal: Refusal) {
        self.refused_count += 1;
        if self.refused.len() < MAX_SHOWN {
            self.refused.push(refusal);
        }
    }
}

fn refusal(index: usize, op: &Op, field: Option<String>, problem: Problem) -> Refusal {
    let OpPayload::Set { entity, kind, .. } = &op.payload;
    Refusal { index, op: op.id, kind: *kind, entity: *entity, field, problem }
}

/// An entity a batch brings ops for.
#[derive(Clone, Copy)]
struct Entity {
    /// Its kind as the store knows it (else as the batch's first op of it says).
    kind: EntityKind,
    /// It was a record before the batch.
    existed: bool,
    /// An op of the batch was written for it.
    written: bool,
}

const KINDS: [EntityKind; 5] =
    [EntityKind::Session, EntityKind::Finding, EntityKind::Checklist, EntityKind::Ticket, EntityKind::Officer];

/// Rows written with an import, in its transaction, once its ops passed (a bundle's log
/// entry and its sender's receipt). Given the report so far.
pub(super) type AlsoWrite<'a> = &'a mut dyn FnMut(&redb::WriteTransaction, &ImportReport) -> Result<(), StoreError>;

/// The next ops of a batch, in order; None when there are no more. An `Err` (the ops cannot be
/// read) ends the import having written nothing.
pub(super) type Chunks<'a> = &'a mut dyn FnMut() -> Result<Option<Vec<Op>>, ChunkError>;

/// Why the ops of a batch could not be read, at the op (from 0) where it happened.
#[derive(Debug)]
pub(super) struct ChunkError {
    pub index: usize,
    pub detail: String,
}

/// What `import_chunks` came to: the report, or the ops could not be read (nothing written).
pub(super) enum Imported {
    Report(ImportReport),
    Unreadable(ChunkError),
}

/// Imports `ops` as the module doc says. `now_ms` is our wall clock; `progress(done, total)`
/// is called while writing, every `PROGRESS_STEP` new ops when there are at least
/// `PROGRESS_MIN` (checking, and a batch of duplicates, are quick).
pub(super) fn import(
    db: &Database,
    replica: ReplicaId,
    ops: &[Op],
    now_ms: u64,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ImportReport, StoreError> {
    if ops.is_empty() {
        return Ok(ImportReport::default());
    }
    let mut whole = Some(ops.to_vec());
    let mut next = || Ok(whole.take());
    match import_chunks(db, replica, ops.len(), &mut next, now_ms, progress, None, true)? {
        Imported::Report(report) => Ok(report),
        Imported::Unreadable(e) => Err(StoreError::Db(e.detail)),
    }
}

/// `import` of a batch read a chunk at a time (a bundle's ops are decoded as they are taken,
/// so a big one is never held decoded whole), in one transaction: each chunk is checked on its
/// own, then against the store (which holds the chunks before it) and written while nothing
/// was refused; once anything is, the rest is only checked, and nothing is committed. `total`
/// is the batch's size, for progress. `also` is written in the same transaction when the batch
/// is taken (even when every op was held already); it is committed only when `commit` (a dry
/// run reports what would happen and aborts).
#[allow(clippy::too_many_arguments)]
pub(super) fn import_chunks(
    db: &Database,
    replica: ReplicaId,
    total: usize,
    next: Chunks<'_>,
    now_ms: u64,
    progress: &mut dyn FnMut(usize, usize),
    mut also: Option<AlsoWrite<'_>>,
    commit: bool,
) -> Result<Imported, StoreError> {
    let mut report = ImportReport { received: 0, ..ImportReport::default() };
    let report_progress = total >= PROGRESS_MIN;
    let txn = apply::begin_durable(db)?;
    let mut added: BTreeMap<ReplicaId, u64> = BTreeMap::new();
    let mut future: BTreeMap<ReplicaId, FutureStamps> = BTreeMap::new();
    // Every entity the batch brings ops for, by the id's bytes (a hundred thousand take half the
    // room of `u128` keys): its kind as the store knows it, and what the batch does to it.
    let mut kinds: HashMap<[u8; 16], Entity, BuildHasherDefault<IdHasher>> = HashMap::default();
    let mut written = 0usize;
    // Per replica, a seq above which the store holds none of its ops: an op above it is new
    // without looking it up (most of a bundle's ops, in a store that lacks them).
    let mut none_above: HashMap<ReplicaId, u64> = HashMap::new();
    {
        let mut b = apply::Batch::open(&txn)?;
        let hlc_before = meta::hlc(&b.t.meta)?;
        let mut hlc = hlc_before;
        let next_seq_before = meta::next_seq(&b.t.meta)?;
        let mut next_seq = next_seq_before;
        let horizon = now_ms.saturating_add(MAX_AHEAD_MS);
        let mut offset = 0usize;
        loop {
            let chunk = match next() {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(e) => {
                    drop(b);
                    txn.abort()?;
                    return Ok(Imported::Unreadable(e));
                }
            };
            report.received += chunk.len();
            // 1. Each op on its own.
            let mut encoded = Vec::with_capacity(chunk.len());
            for (i, op) in chunk.iter().enumerate() {
                if let Err(fault) = validate::check_op(op) {
                    report.refuse(refusal(offset + i, op, fault.field, fault.problem));
                    encoded.push(Vec::new());
                    continue;
                }
                let bytes = codec::encode_op(op)?;
                if bytes.len() > MAX_OP_BYTES {
                    let problem = Problem::TooLarge { bytes: bytes.len(), limit: MAX_OP_BYTES };
                    report.refuse(refusal(offset + i, op, None, problem));
                }
                encoded.push(bytes);
            }
            // 2. Against the store (earlier chunks included) and the chunk.
            let mut first_in_chunk: HashMap<OpId, usize> = HashMap::new();
            let mut fresh: Vec<usize> = Vec::new();
            for (i, (op, bytes)) in chunk.iter().zip(&encoded).enumerate() {
                if bytes.is_empty() {
                    continue;
                }
                let key = (op.id.replica.as_u128(), op.id.seq);
                let above = match none_above.get(&op.id.replica) {
                    Some(above) => *above,
                    None => {
                        let head = heads::get(&b.t.heads, key.0)?;
                        // Ops held above the contiguous head: where they are is not known here.
                        let above = if head.held == head.contiguous { head.contiguous } else { u64::MAX };
                        *none_above.entry(op.id.replica).or_insert(above)
                    }
                };
                let same = if let Some(&first) = first_in_chunk.get(&op.id) {
                    Some(chunk[first] == *op)
                } else if op.id.seq > above {
                    None
                } else if let Some(stored) = b.t.ops.get(key)? {
                    Some(stored.value() == bytes.as_slice() || codec::decode_op(stored.value(), key)? == *op)
                } else {
                    None
                };
                match same {
                    Some(true) => report.duplicates += 1,
                    Some(false) => report.refuse(refusal(offset + i, op, None, Problem::IdClash)),
                    None => {
                        first_in_chunk.insert(op.id, i);
                        let OpPayload::Set { entity, kind, .. } = &op.payload;
                        let known = match kinds.get(&entity.to_be_bytes()) {
                            Some(e) => e.kind,
                            None => {
                                // Looked up when first met, before any op of the batch is
                                // written for it: whether it existed before the batch.
                                let mut known = Entity { kind: *kind, existed: false, written: false };
                                for k in std::iter::once(*kind).chain(KINDS.into_iter().filter(|k| k != kind)) {
                                    if b.t.records.get((k.code(), *entity))?.is_some() {
                                        known = Entity { kind: k, existed: true, written: false };
                                        break;
                                    }
                                }
                                kinds.insert(entity.to_be_bytes(), known);
                                known.kind
                            }
                        };
                        if known != *kind {
                            report.refuse(refusal(offset + i, op, None, Problem::KindClash { existing: known }));
                        }
                        fresh.push(i);
                    }
                }
            }
            offset += chunk.len();
            if report.is_refused() {
                // Only checked from here on: nothing of the batch will be kept.
                continue;
            }
            // 3. Write the chunk's new ops.
            for &i in &fresh {
                if report_progress && written > 0 && written % PROGRESS_STEP == 0 {
                    progress(written, total);
                }
                written += 1;
                let op = &chunk[i];
                b.t.ops.insert((op.id.replica.as_u128(), op.id.seq), encoded[i].as_slice())?;
                if let Some(above) = none_above.get_mut(&op.id.replica) {
                    *above = (*above).max(op.id.seq);
                }
                b.materialize(op)?;
                let OpPayload::Set { entity, .. } = &op.payload;
                if let Some(e) = kinds.get_mut(&entity.to_be_bytes()) {
                    e.written = true;
                }
                *added.entry(op.id.replica).or_default() += 1;
                if op.hlc.wall_ms > horizon {
                    let ahead_ms = op.hlc.wall_ms - now_ms;
                    let entry = future.entry(op.id.replica).or_insert(FutureStamps {
                        replica: op.id.replica,
                        ops: 0,
                        first: op.id,
                        latest_wall_ms: op.hlc.wall_ms,
                        ahead_ms,
                    });
                    entry.ops += 1;
                    if op.hlc.wall_ms > entry.latest_wall_ms {
                        entry.latest_wall_ms = op.hlc.wall_ms;
                        entry.ahead_ms = ahead_ms;
                    }
                } else {
                    hlc = hlc.max(op.hlc);
                }
                if op.id.replica == replica {
                    let seq = op.id.seq;
                    let own = report.returned_own.get_or_insert(ReturnedOwn { ops: 0, lowest: seq, highest: seq });
                    own.ops += 1;
                    own.lowest = own.lowest.min(seq);
                    own.highest = own.highest.max(seq);
                    next_seq = next_seq.max(seq.saturating_add(1));
                }
            }
        }
        if report.is_refused() || (written == 0 && (also.is_none() || !commit)) {
            drop(b);
            txn.abort()?;
            return Ok(Imported::Report(report));
        }
        b.flush()?;
        report.conflicts_opened = b.effect.conflicts_opened;
        for e in kinds.values().filter(|e| e.written) {
            let slot = usize::from(e.kind.code()).saturating_sub(1).min(3);
            if e.existed { report.records_changed[slot] += 1 } else { report.records_new[slot] += 1 }
        }
        if report_progress {
            progress(written, total);
        }
        let t = &mut b.t;
        for (r, n) in &added {
            heads::note_added(&mut t.heads, &t.ops, *r, *n)?;
            let head = heads::get(&t.heads, r.as_u128())?;
            for (from, to) in heads::gaps(&t.ops, *r, head, MAX_GAPS)? {
                report.gaps.push(Gap { replica: *r, from, to });
            }
        }
        if hlc != hlc_before {
            meta::set_hlc(&mut t.meta, hlc)?;
        }
        if next_seq != next_seq_before {
            meta::set_next_seq(&mut t.meta, next_seq)?;
        }
    }
    report.new = written;
    report.future = future.into_values().collect();
    if let Some(also) = also.as_mut() {
        also(&txn, &report)?;
    }
    if commit {
        txn.commit()?;
    } else {
        txn.abort()?;
    }
    Ok(Imported::Report(report))
}
