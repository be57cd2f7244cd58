//! Writing: stamping changes into ops, importing other replicas' ops, and deriving records.
//!
//! Every write is one `Durability::Immediate` transaction that appends to the op log and
//! updates the derived tables together, so what the UI reads never runs ahead of or behind the
//! log. `Batch::materialize` is the one place an op changes a record; local changes, imports
//! and the migration replay all go through it, and `Batch::flush` writes what they changed.
//!
//! Imports arrive in any order and may repeat. Two rules make every order converge to the
//! same records: an op already in the log is skipped (ids are unique), and an op that some
//! stored op supersedes is never made live. The second needs the `superseded` table: when an
//! old op arrives after the op that replaced it, the record alone cannot tell (the replacing
//! op only removed what was live at the time), and scanning the log per op would be slow.
//! So a field's live set is always "ops present minus ops superseded by ops present", sorted
//! by (hlc, replica, seq) — the same whatever the order of arrival.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use redb::{Database, Durability, ReadableTable, Table, WriteTransaction};

use super::codec;
use super::error::StoreError;
use super::heads;
use super::meta;
use super::summary;
use super::tables;
use crate::domain::attachment;
use crate::domain::checklist::field as checklist_field;
use crate::domain::finding::field as finding_field;
use crate::domain::ledger::IdHasher;
use crate::domain::{Change, EntityId, EntityKind, Op, OpId, OpPayload, Record, ReplicaId};

/// The tables one write transaction touches.
pub(super) struct WriteTables<'t> {
    pub meta: Table<'t, &'static str, &'static [u8]>,
    pub ops: Table<'t, (u128, u64), &'static [u8]>,
    pub records: Table<'t, (u8, u128), &'static [u8]>,
    pub children: Table<'t, (u128, u128), ()>,
    pub superseded: Table<'t, (u128, u64), ()>,
    pub heads: heads::HeadsTable<'t>,
    pub session_summary: Table<'t, u128, &'static [u8]>,
    pub session_seqs: Table<'t, (u128, i64, u128), ()>,
    pub ledger_tally: Table<'t, (u128, &'static str, u8, Option<i32>, bool), u64>,
    pub attachment_ops: Table<'t, (u128, u64), (u128, [u8; 32])>,
}

impl<'t> WriteTables<'t> {
    /// Opens (and on first use creates) every table.
    pub fn open(txn: &'t WriteTransaction) -> Result<WriteTables<'t>, StoreError> {
        Ok(WriteTables {
            meta: txn.open_table(tables::META)?,
            ops: txn.open_table(tables::OPS)?,
            records: txn.open_table(tables::RECORDS)?,
            children: txn.open_table(tables::CHILDREN)?,
            superseded: txn.open_table(tables::SUPERSEDED)?,
            heads: txn.open_table(tables::HEADS)?,
            session_summary: txn.open_table(tables::SESSION_SUMMARY)?,
            session_seqs: txn.open_table(tables::SESSION_SEQS)?,
            ledger_tally: txn.open_table(tables::LEDGER_TALLY)?,
            attachment_ops: txn.open_table(tables::ATTACHMENT_OPS)?,
        })
    }
}

/// A write transaction whose commit is on disk when `commit` returns.
pub(super) fn begin_durable(db: &Database) -> Result<WriteTransaction, StoreError> {
    let mut txn = db.begin_write()?;
    txn.set_durability(Durability::Immediate)?;
    Ok(txn)
}

fn op_key(id: OpId) -> (u128, u64) {
    (id.replica.as_u128(), id.seq)
}

pub(super) fn load_record(
    records: &impl ReadableTable<(u8, u128), &'static [u8]>,
    kind: EntityKind,
    id: EntityId,
) -> Result<Option<Record>, StoreError> {
    let key = (kind.code(), id);
    match records.get(key)? {
        Some(bytes) => Ok(Some(codec::decode_record(bytes.value(), key)?)),
        None => Ok(None),
    }
}

/// The session a finding, checklist or ticket is filed under, as shown (the winning value of
/// its `session` field). They share the `children` index; a lookup by kind tells them apart.
fn session_of(record: &Record) -> Option<EntityId> {
    match record.kind {
        EntityKind::Finding => record.get(finding_field::SESSION).as_ref_id(),
        EntityKind::Checklist => record.get(checklist_field::SESSION).as_ref_id(),
        EntityKind::Ticket => record.get(crate::domain::ticket::field::SESSION).as_ref_id(),
        EntityKind::Session | EntityKind::Officer => None,
    }
}

/// The records one write transaction touches, held decoded until `flush` writes each once:
/// a demo session or an import brings many ops per record, and decoding and re-encoding a
/// record for every op was most of the time a write took (and left the pages it rewrote as
/// garbage in the file). Bounded: past `MAX_CACHED` records the cache is written out and
/// emptied, and later ops read the records back from the (uncommitted) table.
pub(super) struct Batch<'t> {
    pub t: WriteTables<'t>,
    cache: HashMap<(u8, EntityId), Cached, BuildHasherDefault<IdHasher>>,
    deltas: summary::Deltas,
    /// The conflicts the written records opened, for an import's report.
    pub effect: BatchEffect,
}

/// Conflicts a batch opened: fields that had one live value or none and now have several.
#[derive(Clone, Copy, Default, Debug)]
pub struct BatchEffect {
    pub conflicts_opened: usize,
}

/// A record as this transaction changed it, with what it was derived into before.
struct Cached {
    record: Record,
    /// The session it was filed under when loaded (its `children` entry).
    session_before: Option<EntityId>,
    /// What it contributed to the summaries when loaded.
    facts_before: summary::Facts,
    /// Its fields with more than one live value when loaded.
    conflicts_before: usize,
    dirty: bool,
}

/// Records held decoded before the cache is written out (a few MB: a demo finding decoded is
/// about 4 KB). 4,096 held 24 MB through an import of the demo, for no time gained.
const MAX_CACHED: usize = 1024;

impl<'t> Batch<'t> {
    pub fn open(txn: &'t WriteTransaction) -> Result<Batch<'t>, StoreError> {
        Ok(Batch {
            t: WriteTables::open(txn)?,
            cache: HashMap::default(),
            deltas: summary::Deltas::default(),
            effect: BatchEffect::default(),
        })
    }

    fn cached(&mut self, kind: EntityKind, id: EntityId) -> Result<&mut Cached, StoreError> {
        use std::collections::hash_map::Entry;
        if self.cache.len() >= MAX_CACHED && !self.cache.contains_key(&(kind.code(), id)) {
            self.flush()?;
        }
        Ok(match self.cache.entry((kind.code(), id)) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => {
                let loaded = load_record(&self.t.records, kind, id)?;
                let record = loaded.unwrap_or_else(|| Record::new(id, kind));
                let session_before = session_of(&record);
                let facts_before = summary::Facts::of(&record);
                let conflicts_before = conflict_count(&record);
                e.insert(Cached { record, session_before, facts_before, conflicts_before, dirty: false })
            }
        })
    }

    /// The live ops of a field as this transaction sees it.
    pub fn live_ops(&mut self, kind: EntityKind, id: EntityId, field: &str) -> Result<Vec<OpId>, StoreError> {
        Ok(self.cached(kind, id)?.record.live_ops(field))
    }

    /// Applies one op (already in the log) to its record, held until `flush`.
    pub fn materialize(&mut self, op: &Op) -> Result<(), StoreError> {
        self.materialize_op(op, false)
    }

    /// `materialize` for an op this store has just stamped: no stored op can supersede it yet,
    /// so that is not looked up.
    fn materialize_new(&mut self, op: &Op) -> Result<(), StoreError> {
        self.materialize_op(op, true)
    }

    fn materialize_op(&mut self, op: &Op, new: bool) -> Result<(), StoreError> {
        let OpPayload::Set { entity, kind, field, value, supersedes } = &op.payload;
        for old in supersedes {
            self.t.superseded.insert(op_key(*old), ())?;
        }
        if field.starts_with(attachment::FIELD_PREFIX)
            && let Some(hash) = attachment::hash_of(field, value)
        {
            self.t.attachment_ops.insert(op_key(op.id), (*entity, hash))?;
        }
        let already_superseded = !new && self.t.superseded.get(op_key(op.id))?.is_some();
        let cached = self.cached(*kind, *entity)?;
        let fields = &mut cached.record.fields;
        // Most ops set a field the record already has: no copy of its name then.
        if !fields.contains_key(field.as_str()) {
            fields.insert(field.clone().into(), Default::default());
        }
        let state = fields.get_mut(field.as_str()).ok_or_else(|| StoreError::Db(format!("field {field} not made")))?;
        if already_superseded {
            // Still retire what it replaced; it just never shows itself.
            state.live.retain(|l| !supersedes.contains(&l.op));
        } else {
            state.apply(op.id, op.hlc, value.clone(), supersedes);
        }
        cached.dirty = true;
        Ok(())
    }

    /// Writes every changed record, its index entries and the summaries, and empties the cache.
    pub fn flush(&mut self) -> Result<(), StoreError> {
        let mut entries: Vec<((u8, EntityId), Cached)> = self.cache.drain().filter(|(_, c)| c.dirty).collect();
        // In key order: redb's tree is written most cheaply that way.
        entries.sort_unstable_by_key(|(key, _)| *key);
        for ((code, id), cached) in entries {
            let session_after = session_of(&cached.record);
            if cached.session_before != session_after {
                if let Some(old) = cached.session_before {
                    self.t.children.remove((old, id))?;
                }
                if let Some(new) = session_after {
                    self.t.children.insert((new, id), ())?;
                }
            }
            self.effect.note(&cached);
            let facts_after = summary::Facts::of(&cached.record);
            self.deltas.change(&mut self.t.session_seqs, id, &cached.facts_before, &facts_after)?;
            let bytes = codec::encode_record(&cached.record)?;
            self.t.records.insert((code, id), bytes.as_slice())?;
        }
        self.deltas.write(&mut self.t.session_summary, &mut self.t.ledger_tally)?;
        Ok(())
    }
}

fn conflict_count(record: &Record) -> usize {
    record.fields.values().filter(|f| f.is_conflict()).count()
}

impl BatchEffect {
    fn note(&mut self, cached: &Cached) {
        let after = conflict_count(&cached.record);
        self.conflicts_opened += after.saturating_sub(cached.conflicts_before);
    }
}

fn append_op(t: &mut WriteTables<'_>, op: &Op) -> Result<(), StoreError> {
    let bytes = codec::encode_op(op)?;
    t.ops.insert(op_key(op.id), bytes.as_slice())?;
    Ok(())
}

/// Stamps each change into an op of ours, in one durable transaction.
pub(super) fn apply_changes(
    db: &Database,
    replica: ReplicaId,
    changes: &[Change],
    now_ms: u64,
) -> Result<Vec<OpId>, StoreError> {
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    let txn = begin_durable(db)?;
    let mut ids = Vec::with_capacity(changes.len());
    {
        let mut b = Batch::open(&txn)?;
        let mut hlc = meta::hlc(&b.t.meta)?;
        let mut seq = meta::next_seq(&b.t.meta)?;
        for change in changes {
            // A field written here without a rule in `domain::validate` would be refused by
            // every other replica's import: caught by the first test that writes it.
            debug_assert!(
                crate::domain::validate::check_change(change.kind, change.entity, &change.field, &change.value).is_ok(),
                "{:?}: the import rules refuse this change; add its field to domain::validate ({:?})",
                change,
                crate::domain::validate::check_change(change.kind, change.entity, &change.field, &change.value)
            );
            hlc = hlc.tick(now_ms);
            let id = OpId { replica, seq };
            seq += 1;
            let supersedes = b.live_ops(change.kind, change.entity, &change.field)?;
            let op = Op {
                id,
                hlc,
                payload: OpPayload::Set {
                    entity: change.entity,
                    kind: change.kind,
                    field: change.field.clone(),
                    value: change.value.clone(),
                    supersedes,
                },
            };
            append_op(&mut b.t, &op)?;
            b.materialize_new(&op)?;
            ids.push(id);
        }
        b.flush()?;
        meta::set_hlc(&mut b.t.meta, hlc)?;
        meta::set_next_seq(&mut b.t.meta, seq)?;
        heads::note_added(&mut b.t.heads, &b.t.ops, replica, ids.len() as u64)?;
    }
    txn.commit()?;
    Ok(ids)
}

/// Adds ops the store trusts (its own log replayed by `check`), skipping those already
/// stored, in one durable transaction; returns how many were new. Ops from elsewhere go
/// through `import`, which checks them first.
pub(super) fn import_ops(db: &Database, replica: ReplicaId, ops: &[Op]) -> Result<usize, StoreError> {
    if ops.is_empty() {
        return Ok(0);
    }
    let txn = begin_durable(db)?;
    let mut new = 0;
    {
        let mut b = Batch::open(&txn)?;
        let mut added: std::collections::BTreeMap<ReplicaId, u64> = Default::default();
        let mut hlc = meta::hlc(&b.t.meta)?;
        let mut next_seq = meta::next_seq(&b.t.meta)?;
        for op in ops {
            if b.t.ops.get(op_key(op.id))?.is_some() {
                continue;
            }
            append_op(&mut b.t, op)?;
            b.materialize(op)?;
            new += 1;
            *added.entry(op.id.replica).or_default() += 1;
            hlc = hlc.max(op.hlc);
            // Our own ops coming back (e.g. restored from a bundle) must not have their ids reused.
            if op.id.replica == replica {
                next_seq = next_seq.max(op.id.seq.saturating_add(1));
            }
        }
        b.flush()?;
        meta::set_hlc(&mut b.t.meta, hlc)?;
        meta::set_next_seq(&mut b.t.meta, next_seq)?;
        for (r, n) in added {
            heads::note_added(&mut b.t.heads, &b.t.ops, r, n)?;
        }
    }
    if new == 0 {
        txn.abort()?;
    } else {
        txn.commit()?;
    }
    Ok(new)
}
