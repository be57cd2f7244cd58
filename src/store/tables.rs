//! The redb tables. Values are raw bytes we decode ourselves (see `codec`), so a bad value is a
//! `StoreError::Decode`, never a panic inside redb. Public so tests and tools can read and
//! write the raw file.
//!
//! `ops` is the truth; `records`, `children`, `superseded` and `heads` are derived from it and
//! can be rebuilt by replaying the op log (that is what a schema migration does).

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

pub mod meta_key {
    /// u32, 4 bytes little-endian: fixed forever so every version can read it.
    pub const SCHEMA_VERSION: &str = "schema_version";
    pub const REPLICA: &str = "replica";
    pub const HLC: &str = "hlc";
    pub const NEXT_SEQ: &str = "next_seq";
    pub const INSPECTOR: &str = "inspector";
}

/// Table names as `StoreError::Decode` reports them.
pub mod name {
    pub const META: &str = "meta";
    pub const OPS: &str = "ops";
    pub const RECORDS: &str = "records";
    pub const HEADS: &str = "heads";
}
