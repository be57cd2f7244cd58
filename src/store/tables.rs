//! The redb tables. Values are raw bytes we decode ourselves (see `codec`), so a bad value is a
//! `StoreError::Decode`, never a panic inside redb. Public so tests and tools can read and
//! write the raw file.
//!
//! `ops` is the truth; `records`, `children`, `superseded`, `heads` and the summaries
//! (`session_summary`, `session_seqs`, `ledger_tally`) and `attachment_ops` are derived from it and can be rebuilt
//! by replaying the op log (that is what a schema migration does).

use redb::TableDefinition;

/// Key → value bytes: see the `meta_key` constants.
pub const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
/// (replica as u128, seq) → op bytes.
pub const OPS: TableDefinition<(u128, u64), &[u8]> = TableDefinition::new("ops");
/// (EntityKind::code, entity id) → record bytes.
pub const RECORDS: TableDefinition<(u8, u128), &[u8]> = TableDefinition::new("records");
/// (session id, finding id): the findings whose shown `session` field names that session.
pub const CHILDREN: TableDefinition<(u128, u128), ()> = TableDefinition::new("children");
/// (replica as u128, seq) of every op some stored op supersedes. An op that arrives after one
/// that superseded it (imports come in any order) must not become live again.
pub const SUPERSEDED: TableDefinition<(u128, u64), ()> = TableDefinition::new("superseded");

/// replica as u128 → (highest contiguous seq held, ops held): one row per replica whose ops
/// the log holds. Kept in the transaction that adds the ops, so the version vector and the
/// size of an export are read without scanning the log (see `heads`).
pub const HEADS: TableDefinition<u128, (u64, u64)> = TableDefinition::new("heads");

/// session id → its tally (`summary::SessionTally` in an envelope): findings not deleted by
/// status, checklists and tickets not removed. What the session list shows without reading a
/// finding (see `summary`).
pub const SESSION_SUMMARY: TableDefinition<u128, &[u8]> = TableDefinition::new("session_summary");
/// (session id, 序号, finding id) of every finding filed under a session, deleted ones too:
/// the highest 序号 of a session (the next one is one more) is the last key of its range.
pub const SESSION_SEQS: TableDefinition<(u128, i64, u128), ()> = TableDefinition::new("session_seqs");
/// (session id, unit trimmed, status index in `FindingStatus::ALL`, deadline as days since
/// 0001-01-01 or None, fixed on the spot) → how many findings (not deleted) share them: every
/// figure of the ledger, for any filter and any "today", without reading a finding.
pub const LEDGER_TALLY: TableDefinition<(u128, &str, u8, Option<i32>, bool), u64> =
    TableDefinition::new("ledger_tally");

/// (replica as u128, seq) of every op that attaches a file → (the record it sets, the file's
/// BLAKE3): the files an export of a range of the log must carry (see `attachments`).
pub const ATTACHMENT_OPS: TableDefinition<(u128, u64), (u128, [u8; 32])> = TableDefinition::new("attachment_ops");

pub mod meta_key {
    /// u32, 4 bytes little-endian: fixed forever so every version can read it.
    pub const SCHEMA_VERSION: &str = "schema_version";
    pub const REPLICA: &str = "replica";
    pub const HLC: &str = "hlc";
    pub const NEXT_SEQ: &str = "next_seq";
    pub const INSPECTOR: &str = "inspector";
    pub const DEVICE_KEYS: &str = "device_keys";
    pub const OFFICE: &str = "office";
    pub const KIOSK_PIN: &str = "kiosk_pin";
}

/// Table names as `StoreError::Decode` reports them.
pub mod name {
    pub const META: &str = "meta";
    pub const OPS: &str = "ops";
    pub const RECORDS: &str = "records";
    pub const HEADS: &str = "heads";
    pub const SESSION_SUMMARY: &str = "session_summary";
    pub const SESSION_SEQS: &str = "session_seqs";
    pub const LEDGER_TALLY: &str = "ledger_tally";
}
