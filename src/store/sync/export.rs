//! Writing bundles: which ops go to whom, and the file on the stick.
//!
//! - An inspector writes one bundle, encrypted to every trusted office (or to the one device
//!   `--for` names), holding every op the recipients are not known to hold: above, per
//!   replica, the lowest receipt among them (a receipt is the version vector in the newest
//!   bundle a peer sent us). No receipt yet, or `--all`: everything.
//! - An office writes one bundle per trusted inspector device (or the one `--for` names), each
//!   encrypted to that device alone, holding what that device lacks among the ops on an
//!   entity the device's replica made or changed (its findings' verdicts and moves) and the
//!   office's own ops on entities no other replica made or changed: never another
//!   inspector's sessions or findings, nor the office's verdicts on them.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use redb::ReadableDatabase;

use super::records::{self, ExportEntry, Peer};
use super::{PeerError, now_ms};
use crate::bundle::format::{self, BundleBody, FramedOp, Role};
use crate::bundle::identity::{self, DeviceKeys};
use crate::bundle::stick;
use crate::domain::{EntityId, OpPayload, ReplicaId};
use crate::store::{Store, StoreError, apply, codec, heads, tables};

/// What `tiyan export` was asked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportRequest {
    pub to: PathBuf,
    /// Every op, whatever the receipts say.
    pub all: bool,
    /// The one device to write for (a fingerprint or its start).
    pub for_device: Option<String>,
    /// Write without encryption (still signed) when there is no one to encrypt to.
    pub unencrypted: bool,
}

/// Whom a bundle is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipient {
    pub name: String,
    pub fingerprint: String,
    pub role: Role,
}

/// What one bundle will carry, before it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    /// Empty: not encrypted.
    pub recipients: Vec<Recipient>,
    /// Whether it starts after a receipt (else: everything).
    pub since_receipt: bool,
    pub ops: usize,
    /// Entities the ops touch, per `EntityKind::code` - 1 (session, finding, checklist, ticket).
    pub entities: [usize; 4],
}

/// One bundle written and read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exported {
    pub plan: Planned,
    pub path: PathBuf,
    pub bytes: u64,
    pub bundle_id: String,
    /// BLAKE3 of the file, hex.
    pub hash: String,
}

/// Why an export wrote nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportError {
    Store(StoreError),
    Peer(PeerError),
    /// An inspector with no trusted office and no `--unencrypted`.
    NoOffice,
    /// An office with no trusted inspector device to write for.
    NoDevices,
    /// The device `--for` names is revoked.
    Revoked(String),
    /// The destination is not a directory we can use.
    Directory {
        path: PathBuf,
        detail: String,
    },
    /// A step of writing the file failed; nothing claiming to be whole was left.
    Write {
        path: PathBuf,
        step: String,
        detail: String,
    },
    Encode(String),
}

impl From<StoreError> for ExportError {
    fn from(e: StoreError) -> Self {
        ExportError::Store(e)
    }
}

impl From<PeerError> for ExportError {
    fn from(e: PeerError) -> Self {
        match e {
            PeerError::Store(e) => ExportError::Store(e),
            other => ExportError::Peer(other),
        }
    }
}

/// One bundle to write: to whom, after which receipt, and (an office's) for which device.
struct Job {
    recipients: Vec<Peer>,
    known: BTreeMap<ReplicaId, u64>,
    since_receipt: bool,
    /// An office's return bundle: the device's replica (None when it never sent one).
    device: Option<Option<ReplicaId>>,
}

fn receipt(peer: &Peer) -> BTreeMap<ReplicaId, u64> {
    peer.receipt.iter().map(|(r, seq)| (ReplicaId::from_u128(u128::from_be_bytes(*r)), *seq)).collect()
}

/// Per replica, the least any of `peers` holds (absent from one: nothing).
fn least_known(peers: &[Peer]) -> BTreeMap<ReplicaId, u64> {
    let mut iter = peers.iter().map(receipt);
    let Some(mut least) = iter.next() else { return BTreeMap::new() };
    for other in iter {
        least = least.into_iter().filter_map(|(r, seq)| other.get(&r).map(|o| (r, seq.min(*o)))).collect();
    }
    least
}

fn recipient(peer: &Peer) -> Recipient {
    Recipient {
        name: peer.card.name.clone(),
        fingerprint: identity::fingerprint(&peer.card.signing_key),
        role: peer.card.role,
    }
}

impl Store {
    fn export_jobs(&self, request: &ExportRequest) -> Result<Vec<Job>, ExportError> {
        let role = if self.office_name()?.is_some() { Role::Office } else { Role::Inspector };
        let trusted: Vec<Peer> = self.peers()?.into_iter().filter(|p| p.revoked_ms.is_none()).collect();
        let chosen: Vec<Peer> = match &request.for_device {
            Some(typed) => {
                let peer = self.peer_by_fingerprint(typed)?;
                if peer.revoked_ms.is_some() {
                    return Err(ExportError::Revoked(identity::fingerprint(&peer.card.signing_key)));
                }
                vec![peer]
            }
            None => {
                let wanted = match role {
                    Role::Inspector => Role::Office,
                    Role::Office => Role::Inspector,
                };
                trusted.into_iter().filter(|p| p.card.role == wanted).collect()
            }
        };
        let job = |recipients: Vec<Peer>, device| {
            let known = if request.all { BTreeMap::new() } else { least_known(&recipients) };
            let since_receipt = !known.is_empty();
            let recipients = if request.unencrypted { Vec::new() } else { recipients };
            Job { recipients, known, since_receipt, device }
        };
        match role {
            Role::Inspector => {
                if chosen.is_empty() && !request.unencrypted {
                    return Err(ExportError::NoOffice);
                }
                Ok(vec![job(chosen, None)])
            }
            Role::Office => {
                if chosen.is_empty() {
                    return Err(ExportError::NoDevices);
                }
                Ok(chosen
                    .into_iter()
                    .map(|peer| {
                        let device = Some(peer.replica.map(|r| ReplicaId::from_u128(u128::from_be_bytes(r))));
                        job(vec![peer], device)
                    })
                    .collect())
            }
        }
    }

    /// What `export` would write, without writing.
    pub fn plan_export(&self, request: &ExportRequest) -> Result<Vec<Planned>, ExportError> {
        let jobs = self.export_jobs(request)?;
        let mut out = Vec::new();
        for job in &jobs {
            out.push(self.read(|db| select(db, self.replica, job, &mut |_, _| {}))?.0);
        }
        Ok(out)
    }

    /// Writes the bundles `request` asks for into its directory (see the module doc), each
    /// read back and checked before it is reported and recorded. `progress(done, total)` while
    /// the ops are read.
    pub fn export(
        &mut self,
        request: &ExportRequest,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Vec<Exported>, ExportError> {
        let dir = &request.to;
        match std::fs::metadata(dir) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(ExportError::Directory { path: dir.clone(), detail: "not a directory".into() }),
            Err(e) => return Err(ExportError::Directory { path: dir.clone(), detail: e.to_string() }),
        }
        let jobs = self.export_jobs(request)?;
        let (card, keys) = self.own_card()?;
        let vector = self.receipt_vector()?;
        let mut done = Vec::new();
        for job in &jobs {
            let (plan, ops) = self.read(|db| select(db, self.replica, job, progress))?;
            let covers = self.read(|db| covers(db, job))?;
            let op_count = ops.len() as u64;
            let id = ulid::Ulid::new();
            let body = BundleBody {
                bundle_id: id.to_bytes(),
                written_ms: now_ms(),
                sender: card.clone(),
                sender_replica: self.replica.as_u128().to_be_bytes(),
                recipients: job.recipients.iter().map(|p| p.card.signing_key).collect(),
                version_vector: vector.clone(),
                covers,
                ops,
                blobs: Vec::new(),
            };
            let bytes = write_bytes(&body, &keys, &job.recipients)?;
            drop(body);
            let name = if job.recipients.is_empty() {
                format!("{id}.unencrypted.{}", stick::EXTENSION)
            } else {
                format!("{id}.{}", stick::EXTENSION)
            };
            let path = stick::write_new(dir, &name, &bytes).map_err(|f| ExportError::Write {
                path: dir.join(&name),
                step: f.step.to_string(),
                detail: f.error.to_string(),
            })?;
            let hash = *blake3::hash(&bytes).as_bytes();
            let entry = ExportEntry {
                bundle_id: id.to_bytes(),
                hash,
                path: path.to_string_lossy().into_owned(),
                bytes: bytes.len() as u64,
                ops: op_count,
                recipients: job.recipients.iter().map(|p| p.card.signing_key).collect(),
                exported_ms: now_ms(),
            };
            self.write(|db| {
                let txn = apply::begin_durable(db)?;
                txn.open_table(records::EXPORTS)?
                    .insert(entry.bundle_id, records::encode(entry.clone())?.as_slice())?;
                txn.commit()?;
                Ok(())
            })?;
            done.push(Exported {
                plan,
                path,
                bytes: bytes.len() as u64,
                bundle_id: id.to_string(),
                hash: identity::hex(&hash),
            });
        }
        Ok(done)
    }
}

fn write_bytes(body: &BundleBody, keys: &DeviceKeys, recipients: &[Peer]) -> Result<Vec<u8>, ExportError> {
    let mut age_recipients = Vec::new();
    for peer in recipients {
        let parsed = peer.card.age_recipient.parse::<age::x25519::Recipient>().map_err(|e| {
            ExportError::Encode(format!(
                "{}'s age recipient does not read: {e}",
                identity::fingerprint(&peer.card.signing_key)
            ))
        })?;
        age_recipients.push(parsed);
    }
    format::write(body, &keys.signing, &age_recipients).map_err(ExportError::Encode)
}

/// What a filtered bundle covers: per replica held, the contiguous head (every op of it up
/// to there was considered). Empty when nothing was left out.
fn covers(db: &dyn ReadableDatabase, job: &Job) -> Result<Vec<([u8; 16], u64)>, StoreError> {
    if job.device.is_none() {
        return Ok(Vec::new());
    }
    let txn = db.begin_read()?;
    let held = heads::all(&txn.open_table(tables::HEADS)?)?;
    Ok(held.iter().filter(|(_, h)| h.contiguous > 0).map(|(r, h)| (r.as_u128().to_be_bytes(), h.contiguous)).collect())
}

/// The ops `job` carries, as the log holds them, and its plan.
fn select(
    db: &dyn ReadableDatabase,
    own: ReplicaId,
    job: &Job,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(Planned, Vec<FramedOp>), StoreError> {
    let txn = db.begin_read()?;
    let ops = txn.open_table(tables::OPS)?;
    let held = heads::all(&txn.open_table(tables::HEADS)?)?;
    // An office's return bundle: the entities the device's replica made or changed.
    let device_entities: Option<HashSet<EntityId>> = match job.device {
        None => None,
        Some(None) => Some(HashSet::new()),
        Some(Some(device)) => {
            let mut set = HashSet::new();
            let r = device.as_u128();
            for entry in ops.range((r, 0)..=(r, u64::MAX))? {
                let (key, value) = entry?;
                let OpPayload::Set { entity, .. } = codec::decode_op(value.value(), key.value())?.payload;
                set.insert(entity);
            }
            Some(set)
        }
    };
    // The office's own ops on entities outside the device's go only when no other replica
    // made or changed them: never its verdicts on another inspector's findings.
    let foreign: HashSet<EntityId> = match (&device_entities, job.device) {
        (Some(wanted), Some(device)) => {
            let mut outside = HashSet::new();
            let after = job.known.get(&own).copied().unwrap_or(0);
            if after != u64::MAX {
                let r = own.as_u128();
                for entry in ops.range((r, after + 1)..=(r, u64::MAX))? {
                    let (key, value) = entry?;
                    let OpPayload::Set { entity, .. } = codec::decode_op(value.value(), key.value())?.payload;
                    if !wanted.contains(&entity) {
                        outside.insert(entity);
                    }
                }
            }
            touched_elsewhere(&ops, held.keys().filter(|r| **r != own && Some(**r) != device), outside)?
        }
        _ => HashSet::new(),
    };
    let total: usize = held
        .iter()
        .map(|(r, h)| h.held.saturating_sub(job.known.get(r).copied().unwrap_or(0).min(h.contiguous)) as usize)
        .sum();
    let mut out = Vec::new();
    let mut entities: [HashSet<EntityId>; 4] = Default::default();
    let mut read = 0usize;
    for replica in held.keys() {
        let after = job.known.get(replica).copied().unwrap_or(0);
        if after == u64::MAX {
            continue;
        }
        let r = replica.as_u128();
        for entry in ops.range((r, after + 1)..=(r, u64::MAX))? {
            let (key, value) = entry?;
            read += 1;
            if read % crate::store::PROGRESS_STEP == 0 {
                progress(read, total);
            }
            let (entity, kind) = codec::op_entity(value.value(), key.value())?;
            if let Some(wanted) = &device_entities
                && !wanted.contains(&entity)
                && (*replica != own || foreign.contains(&entity))
            {
                continue;
            }
            entities[usize::from(kind.code()).saturating_sub(1).min(3)].insert(entity);
            out.push(FramedOp { replica: r.to_be_bytes(), seq: key.value().1, bytes: value.value().to_vec() });
        }
    }
    progress(total, total);
    let plan = Planned {
        recipients: job.recipients.iter().map(recipient).collect(),
        since_receipt: job.since_receipt,
        ops: out.len(),
        entities: entities.map(|s| s.len()),
    };
    Ok((plan, out))
}

/// Which of `entities` an op of `replicas` made or changed (the scan stops once all are found).
fn touched_elsewhere<'a>(
    ops: &redb::ReadOnlyTable<(u128, u64), &'static [u8]>,
    replicas: impl Iterator<Item = &'a ReplicaId>,
    mut entities: HashSet<EntityId>,
) -> Result<HashSet<EntityId>, StoreError> {
    let mut found = HashSet::new();
    for replica in replicas {
        if entities.is_empty() {
            break;
        }
        let r = replica.as_u128();
        for entry in ops.range((r, 0)..=(r, u64::MAX))? {
            let (key, value) = entry?;
            let OpPayload::Set { entity, .. } = codec::decode_op(value.value(), key.value())?.payload;
            if entities.remove(&entity) {
                found.insert(entity);
                if entities.is_empty() {
                    break;
                }
            }
        }
    }
    Ok(found)
}

/// Whether `dir` holds an office card not yet trusted here (the TUI asks before exporting).
pub fn untrusted_cards(store: &Store, dir: &Path) -> Result<Vec<crate::bundle::format::Card>, StoreError> {
    let known: HashSet<[u8; 32]> = store.peers()?.into_iter().map(|p| p.card.signing_key).collect();
    let own = store.device_keys()?.public_key();
    let mut out = Vec::new();
    for path in stick::cards_in(dir).unwrap_or_default() {
        let Ok(Some(text)) = crate::files::read_optional(&path, identity::MAX_CARD_FILE) else { continue };
        if let Ok(card) = identity::parse_card_file(&text)
            && !known.contains(&card.signing_key)
            && card.signing_key != own
        {
            out.push(card);
        }
    }
    Ok(out)
}
