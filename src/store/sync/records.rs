//! The sync tables and what they hold. None is derived from the op log: they are this
//! profile's own memory of whom it trusts and what it sent and received, so a migration's
//! replay leaves them alone and `tiyan check` does not compare them.

use redb::{ReadTransaction, ReadableTable, TableDefinition, TableError};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::bundle::format::Card;
use crate::store::StoreError;

/// Signing key → `Peer`.
pub(super) const PEERS: TableDefinition<[u8; 32], &[u8]> = TableDefinition::new("sync_peers");
/// BLAKE3 of the bundle file → `ImportEntry`.
pub(super) const IMPORTS: TableDefinition<[u8; 32], &[u8]> = TableDefinition::new("sync_imports");
/// Bundle id → `ExportEntry`.
pub(super) const EXPORTS: TableDefinition<[u8; 16], &[u8]> = TableDefinition::new("sync_exports");
/// replica → the seq up to which this profile holds every op of it meant for it (from the
/// `covers` of filtered bundles: an office's return bundles). Its receipt claims that much.
pub(super) const COVERAGE: TableDefinition<[u8; 16], u64> = TableDefinition::new("sync_coverage");
/// BLAKE3 of the bundle file → `QuarantineEntry`.
pub(super) const QUARANTINE: TableDefinition<[u8; 32], &[u8]> = TableDefinition::new("sync_quarantine");

/// How a peer came to be trusted.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub enum Trust {
    /// From a card file (`tiyan peers trust FILE`, or the TUI on a stick holding one).
    CardFile(String),
    /// From the card inside a bundle, trusted when importing it (`--trust-new`, or asked).
    Bundle(String),
}

/// A device this profile knows: its card, how and when it was trusted, and what it holds.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct Peer {
    pub card: Card,
    pub trusted_ms: i64,
    pub how: Trust,
    pub revoked_ms: Option<i64>,
    /// Its profile's replica, learned from its first bundle.
    pub replica: Option<[u8; 16]>,
    /// Its version vector from the newest bundle it sent us, merged with older ones (per
    /// replica, the highest contiguous seq it holds): the receipt an export starts after.
    pub receipt: Vec<([u8; 16], u64)>,
    /// When its newest bundle imported here was written.
    pub last_bundle_ms: Option<i64>,
}

/// One bundle imported.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct ImportEntry {
    pub bundle_id: [u8; 16],
    pub hash: [u8; 32],
    pub file: String,
    pub sender: [u8; 32],
    pub sender_name: String,
    pub written_ms: i64,
    pub imported_ms: i64,
    pub ops_new: u64,
    pub ops_duplicate: u64,
    pub conflicts_opened: u64,
    pub gaps: u64,
    pub future_ops: u64,
}

/// One bundle written.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct ExportEntry {
    pub bundle_id: [u8; 16],
    pub hash: [u8; 32],
    pub path: String,
    pub bytes: u64,
    pub ops: u64,
    /// Signing keys of the devices it is encrypted to (none: not encrypted).
    pub recipients: Vec<[u8; 32]>,
    pub exported_ms: i64,
}

/// A bundle refused because it holds different bytes for an op we hold (a copied profile or
/// tampering): kept for a person to look at, nothing of it imported.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct QuarantineEntry {
    pub hash: [u8; 32],
    pub file: String,
    pub kept_as: String,
    pub sender: [u8; 32],
    pub sender_name: String,
    pub why: String,
    pub when_ms: i64,
}

/// Every sync value in a tagged envelope: a later version adds variants, never changes these.
#[derive(Serialize, Deserialize)]
pub(super) enum Envelope {
    PeerV1(Peer),
    ImportV1(ImportEntry),
    ExportV1(ExportEntry),
    QuarantineV1(QuarantineEntry),
}

pub(super) trait SyncValue: Sized {
    fn wrap(self) -> Envelope;
    fn unwrap(envelope: Envelope) -> Option<Self>;
}

macro_rules! sync_value {
    ($t:ty, $v:ident) => {
        impl SyncValue for $t {
            fn wrap(self) -> Envelope {
                Envelope::$v(self)
            }
            fn unwrap(envelope: Envelope) -> Option<Self> {
                match envelope {
                    Envelope::$v(v) => Some(v),
                    _ => None,
                }
            }
        }
    };
}
sync_value!(Peer, PeerV1);
sync_value!(ImportEntry, ImportV1);
sync_value!(ExportEntry, ExportV1);
sync_value!(QuarantineEntry, QuarantineV1);

pub(super) fn encode<T: SyncValue>(value: T) -> Result<Vec<u8>, StoreError> {
    postcard::to_allocvec(&value.wrap()).map_err(|e| StoreError::Db(format!("cannot encode a sync value: {e}")))
}

pub(super) fn decode<T: SyncValue>(bytes: &[u8], table: &'static str) -> Result<T, StoreError> {
    let decoded = decode_any::<Envelope>(bytes, table)?;
    T::unwrap(decoded).ok_or_else(|| StoreError::Decode {
        table,
        key: String::new(),
        detail: "a value of another kind".into(),
    })
}

fn decode_any<T: DeserializeOwned>(bytes: &[u8], table: &'static str) -> Result<T, StoreError> {
    match postcard::take_from_bytes::<T>(bytes) {
        Ok((v, [])) => Ok(v),
        Ok(_) => Err(StoreError::Decode { table, key: String::new(), detail: "trailing bytes".into() }),
        Err(e) => Err(StoreError::Decode { table, key: String::new(), detail: e.to_string() }),
    }
}

/// Every value of a sync table, in key order (none when the table was never written).
pub(super) fn all<K: redb::Key + 'static, T: SyncValue>(
    txn: &ReadTransaction,
    table: TableDefinition<K, &'static [u8]>,
    name: &'static str,
) -> Result<Vec<T>, StoreError> {
    let t = match txn.open_table(table) {
        Ok(t) => t,
        Err(TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    let mut out = Vec::new();
    for entry in t.iter()? {
        let (_, value) = entry?;
        out.push(decode(value.value(), name)?);
    }
    Ok(out)
}
