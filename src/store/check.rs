//! `tiyan check`: a full look at a store, changing nothing. Every op and every derived record
//! is read and decoded, the op log is replayed into a store in memory through the very code
//! that writes (`apply`), and what it derives (records, indexes, heads and the summaries) is
//! compared with what the file holds. Each
//! problem names its table and key. A page redb cannot read (its panics are contained) is
//! "damaged" as in any other read.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use redb::backends::InMemoryBackend;
use redb::{Database, ReadableDatabase, ReadableTable, StorageBackend};

use super::error::StoreError;
use super::summary::SessionTally;
use super::{apply, codec, meta, migrate, tables};
use crate::domain::op::entity_id_string;
use crate::domain::{Op, Record};

/// The first problems kept in full; the rest are counted.
const MAX_SHOWN: usize = 50;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// A value that does not decode: table, key, why.
    Unreadable { table: &'static str, key: String, detail: String },
    /// A derived entry that the op log does not give (or gives differently, or is missing).
    Derived { table: &'static str, key: String, what: Mismatch },
    /// `meta` is behind the op log: `stored` there, while the log needs at least `needed`.
    MetaBehind { key: &'static str, stored: String, needed: String },
    /// Pages whose checksums do not match (redb's own integrity check, on a copy in memory).
    Pages,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mismatch {
    /// In the file, not in the replay.
    Extra,
    /// In the replay, not in the file.
    Missing,
    /// In both, not the same.
    Differs,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub schema_version: u32,
    pub ops: u64,
    pub records: u64,
    /// The first `MAX_SHOWN` problems.
    pub problems: Vec<Problem>,
    /// All problems, shown or not.
    pub problem_count: usize,
}

impl Report {
    pub fn is_sound(&self) -> bool {
        self.problem_count == 0
    }

    fn add(&mut self, problem: Problem) {
        self.problem_count += 1;
        if self.problems.len() < MAX_SHOWN {
            self.problems.push(problem);
        }
    }
}

/// What the file holds, decoded where it could be.
#[derive(Default)]
struct Contents {
    ops: Vec<Op>,
    records: BTreeMap<(u8, u128), Record>,
    children: BTreeSet<(u128, u128)>,
    superseded: BTreeSet<(u128, u64)>,
    heads: BTreeMap<u128, (u64, u64)>,
    summaries: BTreeMap<u128, SessionTally>,
    seqs: BTreeSet<(u128, i64, u128)>,
    tally: BTreeMap<(u128, String, u8, Option<i32>, bool), u64>,
}

pub(super) fn run(
    db: &dyn ReadableDatabase,
    replica: crate::domain::ReplicaId,
    path: &Path,
) -> Result<Report, StoreError> {
    let mut report = Report::default();
    // redb may panic on a page it cannot make sense of: that, too, is a page that fails.
    if !crate::crash::contain(|| pages_sound(path)).unwrap_or(Ok(false))? {
        report.add(Problem::Pages);
    }
    let file = read_contents(db, &mut report)?;
    report.ops = file.ops.len() as u64;
    report.records = file.records.len() as u64;
    check_meta(db, replica, &file.ops, &mut report)?;
    let replay = replay(&file.ops)?;
    compare(tables::name::RECORDS, &file.records, &replay.records, codec::record_key_text, &mut report);
    compare_sets("children", &file.children, &replay.children, |(s, f)| format!("{s:032x}/{f:032x}"), &mut report);
    compare_sets("superseded", &file.superseded, &replay.superseded, codec::op_key_text, &mut report);
    compare(tables::name::HEADS, &file.heads, &replay.heads, |r| format!("replica {r:032x}"), &mut report);
    let session = |id: u128| format!("session {}", entity_id_string(id));
    compare(tables::name::SESSION_SUMMARY, &file.summaries, &replay.summaries, session, &mut report);
    let seq_text = |(s, seq, f): (u128, i64, u128)| {
        format!("session {} 序号 {seq} finding {}", entity_id_string(s), entity_id_string(f))
    };
    compare_sets(tables::name::SESSION_SEQS, &file.seqs, &replay.seqs, seq_text, &mut report);
    compare_owned(tables::name::LEDGER_TALLY, &file.tally, &replay.tally, tally_text, &mut report);
    Ok(report)
}

fn read_contents(db: &dyn ReadableDatabase, report: &mut Report) -> Result<Contents, StoreError> {
    let txn = db.begin_read()?;
    let mut out = Contents::default();
    for entry in txn.open_table(tables::OPS)?.iter()? {
        let (key, value) = entry?;
        match codec::decode_op(value.value(), key.value()) {
            Ok(op) => out.ops.push(op),
            Err(e) => report.add(unreadable(tables::name::OPS, codec::op_key_text(key.value()), e)),
        }
    }
    for entry in txn.open_table(tables::RECORDS)?.iter()? {
        let (key, value) = entry?;
        match codec::decode_record(value.value(), key.value()) {
            Ok(record) => {
                out.records.insert(key.value(), record);
            }
            Err(e) => report.add(unreadable(tables::name::RECORDS, codec::record_key_text(key.value()), e)),
        }
    }
    for entry in txn.open_table(tables::CHILDREN)?.iter()? {
        out.children.insert(entry?.0.value());
    }
    for entry in txn.open_table(tables::SUPERSEDED)?.iter()? {
        out.superseded.insert(entry?.0.value());
    }
    for entry in txn.open_table(tables::HEADS)?.iter()? {
        let (key, value) = entry?;
        out.heads.insert(key.value(), value.value());
    }
    for entry in txn.open_table(tables::SESSION_SUMMARY)?.iter()? {
        let (key, value) = entry?;
        match codec::decode_summary(value.value(), key.value()) {
            Ok(tally) => {
                out.summaries.insert(key.value(), tally);
            }
            Err(e) => report.add(unreadable(
                tables::name::SESSION_SUMMARY,
                format!("session {}", entity_id_string(key.value())),
                e,
            )),
        }
    }
    for entry in txn.open_table(tables::SESSION_SEQS)?.iter()? {
        out.seqs.insert(entry?.0.value());
    }
    for entry in txn.open_table(tables::LEDGER_TALLY)?.iter()? {
        let (key, value) = entry?;
        let (session, unit, status, deadline, spot) = key.value();
        out.tally.insert((session, unit.to_string(), status, deadline, spot), value.value());
    }
    Ok(out)
}

fn unreadable(table: &'static str, key: String, e: StoreError) -> Problem {
    let detail = match e {
        StoreError::Decode { detail, .. } => detail,
        other => other.to_string(),
    };
    Problem::Unreadable { table, key, detail }
}

fn check_meta(
    db: &dyn ReadableDatabase,
    replica: crate::domain::ReplicaId,
    ops: &[Op],
    report: &mut Report,
) -> Result<(), StoreError> {
    let txn = db.begin_read()?;
    let t = txn.open_table(tables::META)?;
    report.schema_version = meta::schema_version(&t)?.unwrap_or(0);
    let next_seq = meta::next_seq(&t)?;
    let own_max = ops.iter().filter(|op| op.id.replica == replica).map(|op| op.id.seq).max();
    // A next seq at or below an op of ours would give a new op an id already used.
    if let Some(max) = own_max.filter(|max| *max >= next_seq) {
        report.add(Problem::MetaBehind {
            key: tables::meta_key::NEXT_SEQ,
            stored: next_seq.to_string(),
            needed: (max + 1).to_string(),
        });
    }
    // Our clock must be ahead of every op we stamped. Imported stamps may be ahead of it: one
    // more than a day ahead of the wall clock at import does not move it (see `import`), and
    // whether a stamp was that far ahead then cannot be told now.
    let hlc = meta::hlc(&t)?;
    let log_max = ops.iter().filter(|op| op.id.replica == replica).map(|op| op.hlc).max().unwrap_or_default();
    if log_max > hlc {
        let text = |h: crate::domain::Hlc| format!("{}.{}", h.wall_ms, h.counter);
        report.add(Problem::MetaBehind { key: tables::meta_key::HLC, stored: text(hlc), needed: text(log_max) });
    }
    Ok(())
}

/// redb's own integrity check (every page's checksum) on a copy of the file in memory: the
/// check repairs and commits, which must not happen to the file itself. Costs the file's size
/// in memory, once, for an explicit check.
fn pages_sound(path: &Path) -> Result<bool, StoreError> {
    let bytes = std::fs::read(path)?;
    let backend = InMemoryBackend::new();
    backend.set_len(bytes.len() as u64)?;
    backend.write(0, &bytes)?;
    drop(bytes);
    let verified = Database::builder().create_with_backend(backend).and_then(|mut db| db.check_integrity());
    match verified.map_err(StoreError::from) {
        Ok(sound) => Ok(sound),
        Err(StoreError::Damaged { .. }) => Ok(false),
        Err(other) => Err(other),
    }
}

/// The op log replayed into a store in memory, by the code that writes.
fn replay(ops: &[Op]) -> Result<Contents, StoreError> {
    let mut db = Database::builder().create_with_backend(InMemoryBackend::new())?;
    let replica = migrate::prepare(&mut db)?;
    apply::import_ops(&db, replica, ops)?;
    let mut report = Report::default();
    let replayed = read_contents(&db, &mut report)?;
    Ok(replayed)
}

fn compare<K: Ord + Copy, V: PartialEq>(
    table: &'static str,
    file: &BTreeMap<K, V>,
    replay: &BTreeMap<K, V>,
    key_text: impl Fn(K) -> String,
    report: &mut Report,
) {
    for (key, value) in file {
        match replay.get(key) {
            None => report.add(Problem::Derived { table, key: key_text(*key), what: Mismatch::Extra }),
            Some(v) if v != value => {
                report.add(Problem::Derived { table, key: key_text(*key), what: Mismatch::Differs })
            }
            Some(_) => {}
        }
    }
    for key in replay.keys().filter(|k| !file.contains_key(k)) {
        report.add(Problem::Derived { table, key: key_text(*key), what: Mismatch::Missing });
    }
}

/// `compare` for keys that are not `Copy`.
fn compare_owned<K: Ord + Clone, V: PartialEq>(
    table: &'static str,
    file: &BTreeMap<K, V>,
    replay: &BTreeMap<K, V>,
    key_text: impl Fn(&K) -> String,
    report: &mut Report,
) {
    for (key, value) in file {
        match replay.get(key) {
            None => report.add(Problem::Derived { table, key: key_text(key), what: Mismatch::Extra }),
            Some(v) if v != value => {
                report.add(Problem::Derived { table, key: key_text(key), what: Mismatch::Differs })
            }
            Some(_) => {}
        }
    }
    for key in replay.keys().filter(|k| !file.contains_key(k)) {
        report.add(Problem::Derived { table, key: key_text(key), what: Mismatch::Missing });
    }
}

fn tally_text((session, unit, status, deadline, spot): &(u128, String, u8, Option<i32>, bool)) -> String {
    format!(
        "session {} unit {unit:?} status {status} deadline {deadline:?} on the spot {spot}",
        entity_id_string(*session)
    )
}

fn compare_sets<K: Ord + Copy>(
    table: &'static str,
    file: &BTreeSet<K>,
    replay: &BTreeSet<K>,
    key_text: impl Fn(K) -> String,
    report: &mut Report,
) {
    for key in file.difference(replay) {
        report.add(Problem::Derived { table, key: key_text(*key), what: Mismatch::Extra });
    }
    for key in replay.difference(file) {
        report.add(Problem::Derived { table, key: key_text(*key), what: Mismatch::Missing });
    }
}
