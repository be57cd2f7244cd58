//! `tiyan check`: a full look at a store, changing nothing. Every op and every derived record
//! is read and decoded, the op log is replayed, a chunk at a time, into a store of its own (a
//! temporary file) through the very code that writes (`apply`), and what it derives (records,
//! indexes, heads and the summaries) is compared with what the file holds, table by table,
//! both walked in key order together. Memory stays small at any size: 70 MB at 100,000
//! findings (3.5 GB when the file, the log and both sides' records were held). Each
//! problem names its table and key. A page redb cannot read (its panics are contained) is
//! "damaged" as in any other read.

use std::path::Path;

use redb::{Database, ReadableDatabase, ReadableTable};

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

/// Ops read and replayed at a time.
const CHUNK: usize = 8192;

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
    let replay = replay_store()?;
    let txn = db.begin_read()?;
    let own = replay_ops(&txn, replica, &replay, &mut report)?;
    check_meta(&txn, own, &mut report)?;
    let again = replay.begin_read()?;
    compare_tables(&txn, &again, &mut report)?;
    Ok(report)
}

/// The replay's store: a file in the temporary directory, unlinked as soon as redb holds it
/// open, so nothing is left behind however the check ends (a kill included). The op log of
/// 100,000 findings replays into a few hundred MB, which memory need not hold.
fn replay_store() -> Result<Database, StoreError> {
    let name = format!("tiyan-check-{}-{}.redb", std::process::id(), crate::domain::op::new_entity_id());
    let path = std::env::temp_dir().join(name);
    let made = Database::builder().set_cache_size(super::lock::WRITABLE_CACHE_BYTES).create(&path);
    let _ = std::fs::remove_file(&path);
    let mut db = made?;
    migrate::prepare(&mut db)?;
    Ok(db)
}

/// The highest seq and stamp of this store's own ops in the log.
#[derive(Default)]
struct Own {
    seq: Option<u64>,
    hlc: crate::domain::Hlc,
}

/// Every op decoded (the ones that do not, reported), and replayed into `into` a chunk at a
/// time through the code that writes: records come out the same in any order (see `apply`).
fn replay_ops(
    txn: &redb::ReadTransaction,
    replica: crate::domain::ReplicaId,
    into: &Database,
    report: &mut Report,
) -> Result<Own, StoreError> {
    let into_replica = current_replica(into)?;
    let mut own = Own::default();
    let mut chunk: Vec<Op> = Vec::with_capacity(CHUNK);
    for entry in txn.open_table(tables::OPS)?.iter()? {
        let (key, value) = entry?;
        match codec::decode_op(value.value(), key.value()) {
            Ok(op) => {
                report.ops += 1;
                if op.id.replica == replica {
                    own.seq = own.seq.max(Some(op.id.seq));
                    own.hlc = own.hlc.max(op.hlc);
                }
                chunk.push(op);
            }
            Err(e) => report.add(unreadable(tables::name::OPS, codec::op_key_text(key.value()), e)),
        }
        if chunk.len() == CHUNK {
            apply::import_ops(into, into_replica, &chunk)?;
            chunk.clear();
        }
    }
    apply::import_ops(into, into_replica, &chunk)?;
    Ok(own)
}

fn current_replica(db: &Database) -> Result<crate::domain::ReplicaId, StoreError> {
    let txn = db.begin_read()?;
    let meta = txn.open_table(tables::META)?;
    meta::replica(&meta)?.ok_or_else(|| StoreError::Db("the replay's store has no replica".into()))
}

fn unreadable(table: &'static str, key: String, e: StoreError) -> Problem {
    let detail = match e {
        StoreError::Decode { detail, .. } => detail,
        other => other.to_string(),
    };
    Problem::Unreadable { table, key, detail }
}

fn check_meta(txn: &redb::ReadTransaction, own: Own, report: &mut Report) -> Result<(), StoreError> {
    let t = txn.open_table(tables::META)?;
    report.schema_version = meta::schema_version(&t)?.unwrap_or(0);
    let next_seq = meta::next_seq(&t)?;
    // A next seq at or below an op of ours would give a new op an id already used.
    if let Some(max) = own.seq.filter(|max| *max >= next_seq) {
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
    if own.hlc > hlc {
        let text = |h: crate::domain::Hlc| format!("{}.{}", h.wall_ms, h.counter);
        report.add(Problem::MetaBehind { key: tables::meta_key::HLC, stored: text(hlc), needed: text(own.hlc) });
    }
    Ok(())
}

/// redb's own integrity check (every page's checksum) on the file read through a layer that
/// keeps writes in memory: the check repairs and commits, which must not happen to the file.
fn pages_sound(path: &Path) -> Result<bool, StoreError> {
    let backend = super::read_through::ReadThrough::open(path)?;
    let verified = Database::builder()
        .set_cache_size(super::lock::READ_ONLY_CACHE_BYTES)
        .create_with_backend(backend)
        .and_then(|mut db| db.check_integrity());
    match verified.map_err(StoreError::from) {
        Ok(sound) => Ok(sound),
        Err(StoreError::Damaged { .. }) => Ok(false),
        Err(other) => Err(other),
    }
}

/// Entries of one table, in key order: a key and what is compared, or a value that does not
/// decode (reported by the file's side, and then left out).
type Entries<'a, K, V> = Box<dyn Iterator<Item = Result<(K, Result<V, StoreError>), StoreError>> + 'a>;

/// Each derived table of the file against the replay's, both walked in key order together:
/// nothing is held but the entry at hand.
fn compare_tables(
    file: &redb::ReadTransaction,
    replay: &redb::ReadTransaction,
    report: &mut Report,
) -> Result<(), StoreError> {
    let records = |txn: &redb::ReadTransaction| -> Result<Entries<'static, (u8, u128), Record>, StoreError> {
        let iter = txn.open_table(tables::RECORDS)?.range::<(u8, u128)>(..)?;
        Ok(Box::new(iter.map(|e| {
            let (k, v) = e?;
            Ok((k.value(), codec::decode_record(v.value(), k.value())))
        })))
    };
    // The file's records that decode, counted on the way past.
    let decoded = std::cell::Cell::new(0);
    let file_records = records(file)?.inspect(|e| {
        if matches!(e, Ok((_, Ok(_)))) {
            decoded.set(decoded.get() + 1);
        }
    });
    let record_text = |k: &(u8, u128)| codec::record_key_text(*k);
    merge_into(report, tables::name::RECORDS, Box::new(file_records), records(replay)?, record_text)?;
    report.records = decoded.get();

    let keys = |txn: &redb::ReadTransaction, def| -> Result<Entries<'static, (u128, u128), ()>, StoreError> {
        let iter = txn.open_table::<(u128, u128), ()>(def)?.range::<(u128, u128)>(..)?;
        Ok(Box::new(iter.map(|e| Ok((e?.0.value(), Ok(()))))))
    };
    let child_text = |(s, f): &(u128, u128)| format!("{s:032x}/{f:032x}");
    merge_into(report, "children", keys(file, tables::CHILDREN)?, keys(replay, tables::CHILDREN)?, child_text)?;

    let superseded = |txn: &redb::ReadTransaction| -> Result<Entries<'static, (u128, u64), ()>, StoreError> {
        let iter = txn.open_table(tables::SUPERSEDED)?.range::<(u128, u64)>(..)?;
        Ok(Box::new(iter.map(|e| Ok((e?.0.value(), Ok(()))))))
    };
    let op_text = |k: &(u128, u64)| codec::op_key_text(*k);
    merge_into(report, "superseded", superseded(file)?, superseded(replay)?, op_text)?;

    let heads = |txn: &redb::ReadTransaction| -> Result<Entries<'static, u128, (u64, u64)>, StoreError> {
        let iter = txn.open_table(tables::HEADS)?.range::<u128>(..)?;
        Ok(Box::new(iter.map(|e| {
            let (k, v) = e?;
            Ok((k.value(), Ok(v.value())))
        })))
    };
    let replica_text = |r: &u128| format!("replica {r:032x}");
    merge_into(report, tables::name::HEADS, heads(file)?, heads(replay)?, replica_text)?;

    let summaries = |txn: &redb::ReadTransaction| -> Result<Entries<'static, u128, SessionTally>, StoreError> {
        let iter = txn.open_table(tables::SESSION_SUMMARY)?.range::<u128>(..)?;
        Ok(Box::new(iter.map(|e| {
            let (k, v) = e?;
            Ok((k.value(), codec::decode_summary(v.value(), k.value())))
        })))
    };
    let session_text = |id: &u128| format!("session {}", entity_id_string(*id));
    merge_into(report, tables::name::SESSION_SUMMARY, summaries(file)?, summaries(replay)?, session_text)?;

    let seqs = |txn: &redb::ReadTransaction| -> Result<Entries<'static, (u128, i64, u128), ()>, StoreError> {
        let iter = txn.open_table(tables::SESSION_SEQS)?.range::<(u128, i64, u128)>(..)?;
        Ok(Box::new(iter.map(|e| Ok((e?.0.value(), Ok(()))))))
    };
    let seq_text = |(s, seq, f): &(u128, i64, u128)| {
        format!("session {} 序号 {seq} finding {}", entity_id_string(*s), entity_id_string(*f))
    };
    merge_into(report, tables::name::SESSION_SEQS, seqs(file)?, seqs(replay)?, seq_text)?;

    let tally = |txn: &redb::ReadTransaction| -> Result<Entries<'static, TallyKey, u64>, StoreError> {
        let iter = txn.open_table(tables::LEDGER_TALLY)?.range::<(u128, &str, u8, Option<i32>, bool)>(..)?;
        Ok(Box::new(iter.map(|e| {
            let (k, v) = e?;
            let (session, unit, status, deadline, spot) = k.value();
            Ok(((session, unit.to_string(), status, deadline, spot), Ok(v.value())))
        })))
    };
    merge_into(report, tables::name::LEDGER_TALLY, tally(file)?, tally(replay)?, tally_text)?;
    Ok(())
}

type TallyKey = (u128, String, u8, Option<i32>, bool);

fn tally_text((session, unit, status, deadline, spot): &TallyKey) -> String {
    format!(
        "session {} unit {unit:?} status {status} deadline {deadline:?} on the spot {spot}",
        entity_id_string(*session)
    )
}

fn merge_into<K: Ord, V: PartialEq>(
    report: &mut Report,
    table: &'static str,
    mut file: Entries<'_, K, V>,
    mut replay: Entries<'_, K, V>,
    key_text: impl Fn(&K) -> String,
) -> Result<(), StoreError> {
    let mut problems = Vec::new();
    merge(table, file.as_mut(), replay.as_mut(), key_text, &mut problems)?;
    for p in problems {
        report.add(p);
    }
    Ok(())
}

/// The file's entries against the replay's, both in key order: an entry only in the file is
/// extra, only in the replay missing, in both but not equal differs. A file's value that does
/// not decode is unreadable (and then counts as absent).
fn merge<K: Ord, V: PartialEq>(
    table: &'static str,
    file: &mut dyn Iterator<Item = Result<(K, Result<V, StoreError>), StoreError>>,
    replay: &mut dyn Iterator<Item = Result<(K, Result<V, StoreError>), StoreError>>,
    key_text: impl Fn(&K) -> String,
    problems: &mut Vec<Problem>,
) -> Result<(), StoreError> {
    let mut next_file = || -> Result<Option<(K, V)>, StoreError> {
        loop {
            match file.next().transpose()? {
                None => return Ok(None),
                Some((key, Ok(value))) => return Ok(Some((key, value))),
                Some((key, Err(e))) => problems.push(unreadable(table, key_text(&key), e)),
            }
        }
    };
    // The replay wrote what it holds: a value of its that does not decode is our own bug.
    let mut next_replay = || -> Result<Option<(K, V)>, StoreError> {
        replay.next().transpose()?.map(|(k, v)| v.map(|v| (k, v))).transpose()
    };
    let (mut f, mut r) = (next_file()?, next_replay()?);
    let mut found = Vec::new();
    loop {
        match (f.take(), r.take()) {
            (None, None) => break,
            (Some(a), None) => {
                found.push((a.0, Mismatch::Extra));
                f = next_file()?;
            }
            (None, Some(b)) => {
                found.push((b.0, Mismatch::Missing));
                r = next_replay()?;
            }
            (Some(a), Some(b)) => match a.0.cmp(&b.0) {
                std::cmp::Ordering::Less => {
                    found.push((a.0, Mismatch::Extra));
                    (f, r) = (next_file()?, Some(b));
                }
                std::cmp::Ordering::Greater => {
                    found.push((b.0, Mismatch::Missing));
                    (f, r) = (Some(a), next_replay()?);
                }
                std::cmp::Ordering::Equal => {
                    if a.1 != b.1 {
                        found.push((a.0, Mismatch::Differs));
                    }
                    (f, r) = (next_file()?, next_replay()?);
                }
            },
        }
    }
    problems.extend(found.into_iter().map(|(key, what)| Problem::Derived { table, key: key_text(&key), what }));
    Ok(())
}
