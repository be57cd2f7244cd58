//! Reading: each query is one read transaction over the derived tables (never the op log,
//! except the `ops` queries meant for sync).

use std::collections::{BTreeMap, HashSet};

use redb::{ReadOnlyTable, ReadableDatabase, ReadableTable, ReadableTableMetadata};

use super::apply::load_record;
use super::codec;
use super::error::StoreError;
use super::heads::{self, Head};
use super::summary::{self, SessionTally};
use super::tables;
use chrono::NaiveDate;

use crate::domain::ledger::TallyRow;
use crate::domain::numbering::rank_seqs;
use crate::domain::{Checklist, EntityId, EntityKind, Finding, Op, Record, ReplicaId, Session, SessionSummary, Ticket};

pub(super) type Records = ReadOnlyTable<(u8, u128), &'static [u8]>;
type Children = ReadOnlyTable<(u128, u128), ()>;

/// What a (possibly shortened) id typed by a person resolves to.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Lookup {
    Found(EntityId),
    NotFound,
    /// More than one id starts with the text: up to `MAX_CANDIDATES` of them, and how many.
    Ambiguous {
        candidates: Vec<EntityId>,
        total: usize,
    },
}

pub const MAX_CANDIDATES: usize = 8;

fn records_of_kind(records: &Records, kind: EntityKind) -> Result<Vec<Record>, StoreError> {
    let code = kind.code();
    let mut out = Vec::new();
    for entry in records.range((code, 0u128)..=(code, u128::MAX))? {
        let (key, value) = entry?;
        out.push(codec::decode_record(value.value(), key.value())?);
    }
    Ok(out)
}

/// The findings filed under `session` (deleted ones included), their 序号 ranked.
pub(super) fn children_of(
    records: &Records,
    children: &Children,
    session: EntityId,
) -> Result<Vec<Finding>, StoreError> {
    let mut out = Vec::new();
    for entry in children.range((session, 0u128)..=(session, u128::MAX))? {
        let (key, _) = entry?;
        let (_, finding_id) = key.value();
        if let Some(record) = load_record(records, EntityKind::Finding, finding_id)? {
            out.push(Finding::from_record(record));
        }
    }
    rank_seqs(&mut out);
    Ok(out)
}

/// By 序号 as shown (`3`, `3'`, `4`), then id.
pub(super) fn by_seq_then_id(findings: &mut [Finding]) {
    findings.sort_by_key(|f| (f.seq, f.seq_rank, f.id));
}

/// Sessions not deleted, newest first, with their figures from the summaries: no finding is
/// read.
pub(super) fn sessions(db: &dyn ReadableDatabase) -> Result<Vec<SessionSummary>, StoreError> {
    let txn = db.begin_read()?;
    let records = txn.open_table(tables::RECORDS)?;
    let tallies = txn.open_table(tables::SESSION_SUMMARY)?;
    let seqs = txn.open_table(tables::SESSION_SEQS)?;
    let code = EntityKind::Session.code();
    let mut out = Vec::new();
    // ULIDs grow with creation time: walking backwards gives newest first.
    for entry in records.range((code, 0u128)..=(code, u128::MAX))?.rev() {
        let (key, value) = entry?;
        let session = Session::from_record(&codec::decode_record(value.value(), key.value())?);
        if session.deleted {
            continue;
        }
        let tally = summary::get(&tallies, session.id)?;
        // Deleted findings still hold their 序号, so numbers are never handed out twice.
        let max_seq = summary::max_seq(&seqs, session.id)?;
        let (findings, conflicts) = (tally.findings(), tally.conflicts as usize);
        out.push(SessionSummary { session, findings, max_seq, conflicts });
    }
    Ok(out)
}

/// One session's figures (zeros for a session with nothing filed under it, or none at all).
pub(super) fn session_tally(db: &dyn ReadableDatabase, session: EntityId) -> Result<SessionTally, StoreError> {
    let txn = db.begin_read()?;
    summary::get(&txn.open_table(tables::SESSION_SUMMARY)?, session)
}

/// Every row of the ledger tally, by session (see `summary`).
pub(super) fn ledger_tally(db: &dyn ReadableDatabase) -> Result<Vec<TallyRow>, StoreError> {
    let txn = db.begin_read()?;
    let tally = txn.open_table(tables::LEDGER_TALLY)?;
    let mut out = Vec::new();
    for entry in tally.iter()? {
        let (key, count) = entry?;
        let (session, unit, status, deadline, on_the_spot) = key.value();
        let bad = |detail: String| StoreError::Decode {
            table: tables::name::LEDGER_TALLY,
            key: format!("session {} unit {unit:?}", crate::domain::op::entity_id_string(session)),
            detail,
        };
        let status = summary::status_of_index(status).ok_or_else(|| bad(format!("no status {status}")))?;
        let deadline = match deadline {
            Some(days) => {
                Some(NaiveDate::from_num_days_from_ce_opt(days).ok_or_else(|| bad(format!("no date {days}")))?)
            }
            None => None,
        };
        out.push(TallyRow {
            session,
            unit: unit.to_string(),
            status,
            deadline,
            on_the_spot,
            count: count.value() as usize,
        });
    }
    Ok(out)
}

pub(super) fn findings_of(db: &dyn ReadableDatabase, session: EntityId) -> Result<Vec<Finding>, StoreError> {
    let txn = db.begin_read()?;
    let records = txn.open_table(tables::RECORDS)?;
    let children = txn.open_table(tables::CHILDREN)?;
    let mut findings = children_of(&records, &children, session)?;
    findings.retain(|f| !f.deleted);
    by_seq_then_id(&mut findings);
    Ok(findings)
}

/// The records of `kind` filed under `session`, each read with `read`.
fn children_of_kind<T>(
    db: &dyn ReadableDatabase,
    session: EntityId,
    kind: EntityKind,
    read: impl Fn(&Record) -> Option<T>,
) -> Result<Vec<T>, StoreError> {
    let txn = db.begin_read()?;
    let records = txn.open_table(tables::RECORDS)?;
    let children = txn.open_table(tables::CHILDREN)?;
    let mut out = Vec::new();
    for entry in children.range((session, 0u128)..=(session, u128::MAX))? {
        let (key, _) = entry?;
        if let Some(record) = load_record(&records, kind, key.value().1)? {
            out.extend(read(&record));
        }
    }
    Ok(out)
}

/// The checklists attached to `session` and not removed, oldest first. One whose pinned
/// template cannot be read is skipped rather than failing the whole session.
pub(super) fn checklists_of(db: &dyn ReadableDatabase, session: EntityId) -> Result<Vec<Checklist>, StoreError> {
    children_of_kind(db, session, EntityKind::Checklist, |r| Checklist::from_record(r).filter(|c| !c.deleted))
}

/// The tickets of `session` not removed, in the order taken.
pub(super) fn tickets_of(db: &dyn ReadableDatabase, session: EntityId) -> Result<Vec<Ticket>, StoreError> {
    let mut out =
        children_of_kind(db, session, EntityKind::Ticket, |r| Some(Ticket::from_record(r)).filter(|t| !t.deleted))?;
    by_taking(&mut out);
    Ok(out)
}

fn by_taking(tickets: &mut [Ticket]) {
    tickets.sort_by_key(|t| (t.taken().map(|s| s.wall_ms), t.id));
}

/// Every ticket not removed, of sessions not deleted, by session then in the order taken.
pub(super) fn all_tickets(db: &dyn ReadableDatabase) -> Result<Vec<Ticket>, StoreError> {
    let txn = db.begin_read()?;
    let records = txn.open_table(tables::RECORDS)?;
    let live_sessions = live_session_ids(&records)?;
    let mut tickets: Vec<Ticket> = records_of_kind(&records, EntityKind::Ticket)?
        .iter()
        .map(Ticket::from_record)
        .filter(|t| !t.deleted && live_sessions.contains(&t.session_id))
        .collect();
    by_taking(&mut tickets);
    tickets.sort_by_key(|t| t.session_id);
    Ok(tickets)
}

/// Every finding not deleted, grouped by session (oldest session first), then by 序号.
fn live_session_ids(records: &Records) -> Result<HashSet<EntityId>, StoreError> {
    Ok(records_of_kind(records, EntityKind::Session)?
        .iter()
        .map(Session::from_record)
        .filter(|s| !s.deleted)
        .map(|s| s.id)
        .collect())
}

/// One finding, its 序号 ranked among its session's findings (deleted ones too).
pub(super) fn finding(db: &dyn ReadableDatabase, id: EntityId) -> Result<Option<Finding>, StoreError> {
    let txn = db.begin_read()?;
    let records = txn.open_table(tables::RECORDS)?;
    let Some(record) = load_record(&records, EntityKind::Finding, id)? else { return Ok(None) };
    let alone = Finding::from_record(record);
    let children = txn.open_table(tables::CHILDREN)?;
    let found = children_of(&records, &children, alone.session_id)?.into_iter().find(|f| f.id == id);
    // A finding filed under no session is alone with its number.
    Ok(Some(found.unwrap_or(alone)))
}

pub(super) fn all_records(db: &dyn ReadableDatabase) -> Result<Vec<Record>, StoreError> {
    let txn = db.begin_read()?;
    let records = txn.open_table(tables::RECORDS)?;
    let mut out = Vec::new();
    for entry in records.iter()? {
        let (key, value) = entry?;
        out.push(codec::decode_record(value.value(), key.value())?);
    }
    Ok(out)
}

pub(super) fn record(db: &dyn ReadableDatabase, kind: EntityKind, id: EntityId) -> Result<Option<Record>, StoreError> {
    let txn = db.begin_read()?;
    let records = txn.open_table(tables::RECORDS)?;
    load_record(&records, kind, id)
}

const CROCKFORD: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The lowest and highest ids whose ULID text starts with `prefix` (already upper case).
fn prefix_bounds(prefix: &str) -> Option<(u128, u128)> {
    if prefix.is_empty() || prefix.len() > 26 || !prefix.chars().all(|c| CROCKFORD.contains(c)) {
        return None;
    }
    let pad = 26 - prefix.len();
    let low = format!("{prefix}{}", "0".repeat(pad));
    let high = format!("{prefix}{}", "Z".repeat(pad));
    let low = ulid::Ulid::from_string(&low).ok()?.0;
    // A first character above 7 is beyond u128; the high bound then clamps to the maximum.
    let high = ulid::Ulid::from_string(&high).map(|u| u.0).unwrap_or(u128::MAX);
    Some((low, high))
}

/// The record of `kind` whose id starts with `id_text`. Deleted records do not count: a
/// prefix shared with a deleted finding still names the live one alone. A whole id names its
/// record even when deleted, so the caller can say it was deleted rather than "not found".
pub(super) fn find_by_prefix(db: &dyn ReadableDatabase, kind: EntityKind, id_text: &str) -> Result<Lookup, StoreError> {
    let prefix = id_text.trim().to_ascii_uppercase();
    let Some((low, high)) = prefix_bounds(&prefix) else {
        return Ok(Lookup::NotFound);
    };
    let whole_id = prefix.len() == 26;
    let txn = db.begin_read()?;
    let records = txn.open_table(tables::RECORDS)?;
    let code = kind.code();
    let mut candidates = Vec::new();
    let mut total = 0;
    for entry in records.range((code, low)..=(code, high))? {
        let (key, value) = entry?;
        // Every kind of record marks deletion in a field of this name.
        let deleted = codec::decode_record(value.value(), key.value())?.get("deleted").as_bool();
        if deleted && !whole_id {
            continue;
        }
        total += 1;
        if candidates.len() < MAX_CANDIDATES {
            candidates.push(key.value().1);
        }
    }
    Ok(match (total, candidates.first()) {
        (1, Some(id)) => Lookup::Found(*id),
        (0, _) | (_, None) => Lookup::NotFound,
        _ => Lookup::Ambiguous { candidates, total },
    })
}

/// The whole op log, ordered by (replica, seq).
pub(super) fn all_ops(db: &dyn ReadableDatabase) -> Result<Vec<Op>, StoreError> {
    let txn = db.begin_read()?;
    let ops = txn.open_table(tables::OPS)?;
    let mut out = Vec::new();
    for entry in ops.iter()? {
        let (key, value) = entry?;
        out.push(codec::decode_op(value.value(), key.value())?);
    }
    Ok(out)
}

/// Per replica, what the log holds of it (see `heads`).
pub(super) fn heads(db: &dyn ReadableDatabase) -> Result<BTreeMap<ReplicaId, Head>, StoreError> {
    let txn = db.begin_read()?;
    let table = txn.open_table(tables::HEADS)?;
    heads::all(&table)
}

/// The ops a peer lacks, given the highest seq it holds per replica (absent = none), ordered
/// by (replica, seq). Reads only the range above the peer's seq of each replica we hold ops
/// of. `progress(done, total)` is called every `PROGRESS_STEP` ops of an export of at least
/// `PROGRESS_MIN`.
pub(super) fn ops_since(
    db: &dyn ReadableDatabase,
    known: &BTreeMap<ReplicaId, u64>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<Op>, StoreError> {
    use super::import::{PROGRESS_MIN, PROGRESS_STEP};
    let txn = db.begin_read()?;
    let ops = txn.open_table(tables::OPS)?;
    let held = heads::all(&txn.open_table(tables::HEADS)?)?;
    // How many there are, from the heads: every op above the peer's seq, when the peer is not
    // ahead of our contiguous head; otherwise counted from the keys of that range.
    let mut total = 0u64;
    for (replica, head) in &held {
        let after = known.get(replica).copied().unwrap_or(0);
        total += if after <= head.contiguous {
            head.held - after
        } else if after == u64::MAX {
            0
        } else {
            ops.range((replica.as_u128(), after + 1)..=(replica.as_u128(), u64::MAX))?.count() as u64
        };
    }
    let total = total as usize;
    let report = total >= PROGRESS_MIN;
    let mut out = Vec::with_capacity(total);
    for replica in held.keys() {
        let after = known.get(replica).copied().unwrap_or(0);
        if after == u64::MAX {
            continue;
        }
        let r = replica.as_u128();
        for entry in ops.range((r, after + 1)..=(r, u64::MAX))? {
            let (key, value) = entry?;
            out.push(codec::decode_op(value.value(), key.value())?);
            if report && out.len() % PROGRESS_STEP == 0 {
                progress(out.len(), total);
            }
        }
    }
    if report && out.len() % PROGRESS_STEP != 0 {
        progress(out.len(), total);
    }
    Ok(out)
}

pub(super) fn op_count(db: &dyn ReadableDatabase) -> Result<u64, StoreError> {
    let txn = db.begin_read()?;
    let ops = txn.open_table(tables::OPS)?;
    Ok(ops.len()?)
}

/// The seq this replica's next op will take (ops are numbered contiguously per replica).
pub(super) fn next_seq(db: &dyn ReadableDatabase) -> Result<u64, StoreError> {
    let txn = db.begin_read()?;
    let meta = txn.open_table(tables::META)?;
    super::meta::next_seq(&meta)
}

/// Every officer on the roster (retired ones too), by number.
pub(super) fn officers(db: &dyn ReadableDatabase) -> Result<Vec<crate::domain::officer::Officer>, StoreError> {
    let txn = db.begin_read()?;
    let records = txn.open_table(tables::RECORDS)?;
    let mut out: Vec<_> = records_of_kind(&records, EntityKind::Officer)?
        .iter()
        .map(crate::domain::officer::Officer::from_record)
        .collect();
    out.sort_by(|a, b| a.number.cmp(&b.number));
    Ok(out)
}
