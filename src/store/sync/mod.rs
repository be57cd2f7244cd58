//! The store's side of sync bundles (issue 14; `../shared/research-sync.md`): the device's
//! keys and role, the peers it trusts with the receipts they sent, and the logs of bundles
//! written, imported and quarantined. `export` chooses the ops a recipient lacks and writes the
//! file; `import` reads one, checks it and takes it in one durable transaction.

mod export;
mod import;
pub mod records;

use redb::{Database, ReadableDatabase, ReadableTable};

use super::{Store, StoreError, apply, meta, tables};
use crate::bundle::format::{Card, Role};
use crate::bundle::identity::{self, DeviceKeys};
pub use export::{ExportError, ExportRequest, Exported, Planned, Recipient, untrusted_cards};
pub use import::{BundleImport, ImportOptions, Refused};
pub use records::{ExportEntry, ImportEntry, Peer, QuarantineEntry, Trust};

/// Gives a store made before device keys existed its keys, once, on a writable open.
pub(super) fn ensure_device_keys(db: &Database) -> Result<(), StoreError> {
    {
        let txn = db.begin_read()?;
        if meta::device_keys(&txn.open_table(tables::META)?)?.is_some() {
            return Ok(());
        }
    }
    let txn = apply::begin_durable(db)?;
    {
        let mut t = txn.open_table(tables::META)?;
        if meta::device_keys(&t)?.is_none() {
            let (signing, age) = DeviceKeys::generate().to_parts();
            meta::set_device_keys(&mut t, signing, age)?;
        }
    }
    txn.commit()?;
    Ok(())
}

/// Why a peer cannot be found, trusted or revoked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PeerError {
    Store(StoreError),
    /// No trusted peer has this fingerprint.
    NotFound(String),
    /// More than one peer starts with it: these.
    Ambiguous(Vec<String>),
    /// The card is this profile's own.
    Own,
}

impl From<StoreError> for PeerError {
    fn from(e: StoreError) -> Self {
        PeerError::Store(e)
    }
}

fn now_ms() -> i64 {
    super::wall_clock_ms() as i64
}

impl Store {
    /// This device's secret keys.
    pub fn device_keys(&self) -> Result<DeviceKeys, StoreError> {
        self.read(|db| {
            let txn = db.begin_read()?;
            let (signing, age) =
                meta::device_keys(&txn.open_table(tables::META)?)?.ok_or_else(|| StoreError::Decode {
                    table: tables::name::META,
                    key: tables::meta_key::DEVICE_KEYS.into(),
                    detail: "missing (the profile was never opened for writing by this version)".into(),
                })?;
            DeviceKeys::from_parts(signing, &age).map_err(|detail| StoreError::Decode {
                table: tables::name::META,
                key: tables::meta_key::DEVICE_KEYS.into(),
                detail,
            })
        })
    }

    /// The office's name when this profile is a supervision office's.
    pub fn office_name(&self) -> Result<Option<String>, StoreError> {
        self.read(|db| meta::office(&db.begin_read()?.open_table(tables::META)?))
    }

    /// Makes this profile an office's, under `name` (again: renames it).
    pub fn set_office(&mut self, name: &str) -> Result<(), StoreError> {
        self.write(|db| {
            let txn = apply::begin_durable(db)?;
            meta::set_office(&mut txn.open_table(tables::META)?, name.trim())?;
            txn.commit()?;
            Ok(())
        })
    }

    /// This profile's card: its name (the office's, else the inspector's, else the profile
    /// directory's), role and public keys.
    pub fn own_card(&self) -> Result<(Card, DeviceKeys), StoreError> {
        let keys = self.device_keys()?;
        let (name, role) = match self.office_name()? {
            Some(office) => (office, Role::Office),
            None => {
                let name = self.inspector()?.unwrap_or_else(|| self.profile_name());
                (name, Role::Inspector)
            }
        };
        Ok((keys.card(&name, role), keys))
    }

    fn profile_name(&self) -> String {
        self.path.parent().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    }

    /// Every peer, trusted or revoked, by signing key.
    pub fn peers(&self) -> Result<Vec<Peer>, StoreError> {
        self.read(|db| records::all(&db.begin_read()?, records::PEERS, "sync_peers"))
    }

    /// Trusts `card` (again: its name and recipient are updated and a revocation lifted).
    pub fn trust(&mut self, card: &Card, how: Trust) -> Result<Peer, PeerError> {
        if card.signing_key == self.device_keys()?.public_key() {
            return Err(PeerError::Own);
        }
        let card = card.clone();
        Ok(self.write(|db| {
            let txn = apply::begin_durable(db)?;
            let peer = trust_in(&txn, &card, how)?;
            txn.commit()?;
            Ok(peer)
        })?)
    }

    /// Revokes the peer `fingerprint` names: its bundles are refused from now on and nothing
    /// is encrypted to it. Its ops already imported stay.
    pub fn revoke(&mut self, fingerprint: &str) -> Result<Peer, PeerError> {
        let mut peer = self.peer_by_fingerprint(fingerprint)?;
        if peer.revoked_ms.is_none() {
            peer.revoked_ms = Some(now_ms());
        }
        let stored = peer.clone();
        self.write(|db| {
            let txn = apply::begin_durable(db)?;
            put_peer(&txn, stored)?;
            txn.commit()?;
            Ok(())
        })?;
        Ok(peer)
    }

    /// The one peer whose fingerprint is or starts with `typed`.
    pub fn peer_by_fingerprint(&self, typed: &str) -> Result<Peer, PeerError> {
        let mut found: Vec<Peer> =
            self.peers()?.into_iter().filter(|p| identity::fingerprint_matches(typed, &p.card.signing_key)).collect();
        match found.len() {
            0 => Err(PeerError::NotFound(typed.to_string())),
            1 => Ok(found.remove(0)),
            _ => Err(PeerError::Ambiguous(found.iter().map(|p| identity::fingerprint(&p.card.signing_key)).collect())),
        }
    }

    /// Every bundle imported, oldest first.
    pub fn imports(&self) -> Result<Vec<ImportEntry>, StoreError> {
        let mut all: Vec<ImportEntry> =
            self.read(|db| records::all(&db.begin_read()?, records::IMPORTS, "sync_imports"))?;
        all.sort_by_key(|e| (e.imported_ms, e.bundle_id));
        Ok(all)
    }

    /// Every bundle written, oldest first.
    pub fn exports(&self) -> Result<Vec<ExportEntry>, StoreError> {
        let mut all: Vec<ExportEntry> =
            self.read(|db| records::all(&db.begin_read()?, records::EXPORTS, "sync_exports"))?;
        all.sort_by_key(|e| (e.exported_ms, e.bundle_id));
        Ok(all)
    }

    /// Every bundle quarantined, oldest first.
    pub fn quarantined(&self) -> Result<Vec<QuarantineEntry>, StoreError> {
        let mut all: Vec<QuarantineEntry> =
            self.read(|db| records::all(&db.begin_read()?, records::QUARANTINE, "sync_quarantine"))?;
        all.sort_by_key(|e| e.when_ms);
        Ok(all)
    }

    /// Per replica, the seq up to which this profile holds every op of it meant for it, from
    /// the filtered bundles it took (see `BundleBody::covers`).
    pub fn coverage(&self) -> Result<std::collections::BTreeMap<[u8; 16], u64>, StoreError> {
        self.read(|db| {
            let txn = db.begin_read()?;
            let t = match txn.open_table(records::COVERAGE) {
                Ok(t) => t,
                Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Default::default()),
                Err(e) => return Err(e.into()),
            };
            let mut out = std::collections::BTreeMap::new();
            for entry in t.iter()? {
                let (k, v) = entry?;
                out.insert(k.value(), v.value());
            }
            Ok(out)
        })
    }

    /// What this profile tells a peer it holds (the receipt in its bundles): per replica, the
    /// contiguous head, or further where a filtered bundle covered it.
    pub fn receipt_vector(&self) -> Result<Vec<([u8; 16], u64)>, StoreError> {
        let mut vector: std::collections::BTreeMap<[u8; 16], u64> =
            self.version_vector()?.into_iter().map(|(r, seq)| (r.as_u128().to_be_bytes(), seq)).collect();
        for (r, seq) in self.coverage()? {
            let slot = vector.entry(r).or_default();
            *slot = (*slot).max(seq);
        }
        Ok(vector.into_iter().collect())
    }

    /// A BLAKE3 over the op log and the records, in key order: two stores with the same
    /// digest hold the same ops and show the same records.
    pub fn digest(&self) -> Result<[u8; 32], StoreError> {
        self.read(|db| {
            let txn = db.begin_read()?;
            let mut hasher = blake3::Hasher::new();
            for entry in txn.open_table(tables::OPS)?.iter()? {
                let (key, value) = entry?;
                let (replica, seq) = key.value();
                hasher.update(&replica.to_be_bytes()).update(&seq.to_be_bytes());
                hasher.update(&(value.value().len() as u64).to_le_bytes()).update(value.value());
            }
            for entry in txn.open_table(tables::RECORDS)?.iter()? {
                let (key, value) = entry?;
                let (kind, id) = key.value();
                let record = super::codec::decode_record(value.value(), (kind, id))?;
                // The record as read, not its bytes: V1 and V2 encodings of one record agree.
                let text = format!("{kind}:{id}:{:?}", record.fields);
                hasher.update(&(text.len() as u64).to_le_bytes()).update(text.as_bytes());
            }
            Ok(*hasher.finalize().as_bytes())
        })
    }
}

fn put_peer(txn: &redb::WriteTransaction, peer: Peer) -> Result<(), StoreError> {
    let key = peer.card.signing_key;
    txn.open_table(records::PEERS)?.insert(key, records::encode(peer)?.as_slice())?;
    Ok(())
}

fn get_peer(txn: &redb::WriteTransaction, key: [u8; 32]) -> Result<Option<Peer>, StoreError> {
    let t = txn.open_table(records::PEERS)?;
    let value = t.get(key)?;
    value.map(|v| records::decode(v.value(), "sync_peers")).transpose()
}

/// Trusts `card` inside `txn`: a new peer, or the known one with its card updated and any
/// revocation lifted.
fn trust_in(txn: &redb::WriteTransaction, card: &Card, how: Trust) -> Result<Peer, StoreError> {
    let peer = match get_peer(txn, card.signing_key)? {
        Some(mut known) => {
            known.card = card.clone();
            known.revoked_ms = None;
            known
        }
        None => Peer {
            card: card.clone(),
            trusted_ms: now_ms(),
            how,
            revoked_ms: None,
            replica: None,
            receipt: Vec::new(),
            last_bundle_ms: None,
        },
    };
    put_peer(txn, peer.clone())?;
    Ok(peer)
}
