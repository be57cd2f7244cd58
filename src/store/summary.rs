//! Summaries derived in the same transaction as the ops (ENGINEERING.md, "Scale"): what the
//! session list and the ledger show, kept up to date as records change, so neither reads a
//! finding.
//!
//! - `session_summary`: per session, its findings not deleted by status, and its checklists
//!   and tickets not removed.
//! - `session_seqs`: (session, 序号, finding) for every finding filed under a session, deleted
//!   ones too (their numbers stay taken): the highest 序号 is the last key of the session's range.
//! - `ledger_tally`: per session, unit, status, deadline and "fixed on the spot", how many
//!   findings (not deleted). The ledger's counts and its table by unit are sums over these
//!   rows for any filter and any "today" (`domain::ledger::from_tally`). Kept per session,
//!   not per ISO week: the week of a walk depends on the zone it is seen in, and the session
//!   gives it in any zone (and the theme, and whether it was deleted).
//!
//! Each record touched by a transaction is reduced to its `Facts` when it is first read and
//! again when it is written (`apply::Batch::flush`); the difference is applied to the tables.
//! So the summaries follow the records whatever order ops arrive in, and a migration builds
//! them by the same replay that builds the records. `check` compares them with a replay.

use std::collections::HashMap;

use redb::{ReadableTable, Table};
use serde::{Deserialize, Serialize};

use super::codec;
use super::error::StoreError;
use crate::domain::ledger::fixes_on_the_spot;
use crate::domain::{EntityId, EntityKind, FindingStatus, Record, Value};

/// A session's figures, as `session_summary` holds them.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct SessionTally {
    /// Findings not deleted, by status in `FindingStatus::ALL` order.
    pub findings_by_status: [u32; 7],
    /// Checklists attached and not removed.
    pub checklists: u32,
    /// Queue tickets not removed.
    pub tickets: u32,
    /// Records of the session (itself, its findings, checklists and tickets, not deleted)
    /// with a field of several values after a merge (冲突).
    pub conflicts: u32,
}

impl SessionTally {
    /// Findings not deleted.
    pub fn findings(&self) -> usize {
        self.findings_by_status.iter().map(|n| *n as usize).sum()
    }

    /// Findings not deleted that stand at `status`.
    pub fn with_status(&self, status: FindingStatus) -> usize {
        self.findings_by_status[status_index(status) as usize] as usize
    }

    fn add(&mut self, slot: Slot, n: i64) {
        let count = match slot {
            Slot::Status(i) => &mut self.findings_by_status[i as usize],
            Slot::Checklist => &mut self.checklists,
            Slot::Ticket => &mut self.tickets,
            Slot::Conflict => &mut self.conflicts,
        };
        *count = (i64::from(*count) + n).clamp(0, i64::from(u32::MAX)) as u32;
    }
}

/// Where a record counts in its session's tally.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Slot {
    Status(u8),
    Checklist,
    Ticket,
    /// A record with a conflict.
    Conflict,
}

pub(super) fn status_index(status: FindingStatus) -> u8 {
    FindingStatus::ALL.iter().position(|s| *s == status).unwrap_or(0) as u8
}

pub(super) fn status_of_index(index: u8) -> Option<FindingStatus> {
    FindingStatus::ALL.get(index as usize).copied()
}

/// A `ledger_tally` key, owned.
pub(super) type TallyKey = (EntityId, String, u8, Option<i32>, bool);

/// What one record contributes to the summaries.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub(super) struct Facts {
    /// The session it is filed under and where it counts there (None when deleted).
    counted: Option<(EntityId, Slot)>,
    /// A finding's (session, 序号), deleted or not.
    seq: Option<(EntityId, i64)>,
    /// A finding's ledger key, when it is not deleted.
    ledger: Option<TallyKey>,
    /// The session it counts under as a record with a conflict (None: no conflict, or deleted).
    conflicted: Option<EntityId>,
}

impl Facts {
    pub fn of(record: &Record) -> Facts {
        let mut facts = Facts::counts_of(record);
        if record.fields.values().any(|f| f.is_conflict()) {
            facts.conflicted = match record.kind {
                EntityKind::Session if !record.get(crate::domain::session::field::DELETED).as_bool() => Some(record.id),
                EntityKind::Session => None,
                _ => facts.counted.map(|(session, _)| session),
            };
        }
        facts
    }

    fn counts_of(record: &Record) -> Facts {
        match record.kind {
            EntityKind::Session | EntityKind::Officer => Facts::default(),
            EntityKind::Finding => {
                // What `Finding::from_record` would say of these fields, without making the
                // whole finding (this runs twice for every finding a transaction writes).
                use crate::domain::finding::field;
                let Some(session) = record.get(field::SESSION).as_ref_id() else {
                    return Facts::default();
                };
                let seq = Some((session, record.get(field::SEQ).as_int().unwrap_or(0)));
                if record.get(field::DELETED).as_bool() {
                    return Facts { counted: None, seq, ledger: None, conflicted: None };
                }
                let status = FindingStatus::parse(record.get(field::STATUS).as_text()).unwrap_or(FindingStatus::Found);
                let status = status_index(status);
                let deadline = record.get(field::DEADLINE).as_date().map(|d| chrono::Datelike::num_days_from_ce(&d));
                let unit = record.get(field::UNIT).as_text().trim().to_string();
                let ledger = Some((session, unit, status, deadline, first_move_fixes_on_the_spot(record)));
                Facts { counted: Some((session, Slot::Status(status))), seq, ledger, conflicted: None }
            }
            EntityKind::Checklist | EntityKind::Ticket => {
                let (session_field, deleted_field, slot) = match record.kind {
                    EntityKind::Checklist => {
                        use crate::domain::checklist::field;
                        (field::SESSION, field::DELETED, Slot::Checklist)
                    }
                    _ => {
                        use crate::domain::ticket::field;
                        (field::SESSION, field::DELETED, Slot::Ticket)
                    }
                };
                let session = record.get(session_field).as_ref_id();
                let deleted = record.get(deleted_field).as_bool();
                Facts {
                    counted: session.filter(|_| !deleted).map(|s| (s, slot)),
                    seq: None,
                    ledger: None,
                    conflicted: None,
                }
            }
        }
    }
}

/// `ledger::fixed_on_the_spot` read off the record: its first move (by time, then name, as
/// `rectify::read_moves` orders them), hand edits aside.
fn first_move_fixes_on_the_spot(record: &Record) -> bool {
    use crate::domain::rectify::MOVE_PREFIX;
    let first = record
        .fields_with_prefix(MOVE_PREFIX)
        .filter_map(|(name, _)| match record.get(name) {
            Value::Move(m) if !m.is_edit() => Some((m.at_ms, name, m)),
            _ => None,
        })
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    first.is_some_and(|(_, _, m)| fixes_on_the_spot(m))
}

/// The changes to the summaries a transaction has made so far, applied by `write`.
#[derive(Default)]
pub(super) struct Deltas {
    tallies: HashMap<EntityId, HashMap<Slot, i64>>,
    ledger: HashMap<TallyKey, i64>,
}

impl Deltas {
    /// Records that `id` went from `before` to `after`; its `session_seqs` entries are moved
    /// at once.
    pub fn change(
        &mut self,
        seqs: &mut Table<'_, (u128, i64, u128), ()>,
        id: EntityId,
        before: &Facts,
        after: &Facts,
    ) -> Result<(), StoreError> {
        if before == after {
            return Ok(());
        }
        if before.seq != after.seq {
            if let Some((session, seq)) = before.seq {
                seqs.remove((session, seq, id))?;
            }
            if let Some((session, seq)) = after.seq {
                seqs.insert((session, seq, id), ())?;
            }
        }
        if before.counted != after.counted {
            for (facts, n) in [(before, -1), (after, 1)] {
                if let Some((session, slot)) = facts.counted {
                    *self.tallies.entry(session).or_default().entry(slot).or_default() += n;
                }
            }
        }
        if before.conflicted != after.conflicted {
            for (facts, n) in [(before, -1), (after, 1)] {
                if let Some(session) = facts.conflicted {
                    *self.tallies.entry(session).or_default().entry(Slot::Conflict).or_default() += n;
                }
            }
        }
        if before.ledger != after.ledger {
            for (facts, n) in [(before, -1), (after, 1)] {
                if let Some(key) = &facts.ledger {
                    *self.ledger.entry(key.clone()).or_default() += n;
                }
            }
        }
        Ok(())
    }

    /// Applies the changes to `session_summary` and `ledger_tally`, and forgets them.
    pub fn write(
        &mut self,
        summary: &mut Table<'_, u128, &'static [u8]>,
        tally: &mut Table<'_, (u128, &'static str, u8, Option<i32>, bool), u64>,
    ) -> Result<(), StoreError> {
        let mut sessions: Vec<(EntityId, HashMap<Slot, i64>)> = self.tallies.drain().collect();
        sessions.sort_unstable_by_key(|(id, _)| *id);
        for (session, slots) in sessions {
            if slots.values().all(|n| *n == 0) {
                continue;
            }
            let mut current = get(summary, session)?;
            for (slot, n) in slots {
                current.add(slot, n);
            }
            if current == SessionTally::default() {
                summary.remove(session)?;
            } else {
                let bytes = codec::encode_summary(&current)?;
                summary.insert(session, bytes.as_slice())?;
            }
        }
        let mut rows: Vec<(TallyKey, i64)> = self.ledger.drain().filter(|(_, n)| *n != 0).collect();
        rows.sort_unstable();
        for ((session, unit, status, deadline, spot), n) in rows {
            let key = (session, unit.as_str(), status, deadline, spot);
            let held = tally.get(key)?.map(|v| v.value()).unwrap_or(0);
            let count = (held as i64 + n).max(0) as u64;
            if count == 0 {
                tally.remove(key)?;
            } else {
                tally.insert(key, count)?;
            }
        }
        Ok(())
    }
}

/// A session's tally (zeros when it has none).
pub(super) fn get(
    summary: &impl ReadableTable<u128, &'static [u8]>,
    session: EntityId,
) -> Result<SessionTally, StoreError> {
    match summary.get(session)? {
        Some(bytes) => codec::decode_summary(bytes.value(), session),
        None => Ok(SessionTally::default()),
    }
}

/// The highest 序号 held in a session, deleted findings included (0 when there is none).
pub(super) fn max_seq(seqs: &impl ReadableTable<(u128, i64, u128), ()>, session: EntityId) -> Result<i64, StoreError> {
    let last = seqs.range((session, i64::MIN, 0u128)..=(session, i64::MAX, u128::MAX))?.next_back();
    match last {
        Some(entry) => Ok(entry?.0.value().1),
        None => Ok(0),
    }
}
