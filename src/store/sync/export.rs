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

use super::records::{self, ExportEntry, Peer};
use super::{PeerError, now_ms};
use crate::bundle::format::{self, Blob, Head, Role, StreamError, StreamedOp};
use crate::bundle::identity;
use crate::bundle::stick;
use crate::domain::{EntityId, EntityKind, OpPayload, ReplicaId};
use crate::store::{Store, StoreError, apply, attachments, codec, heads, tables};

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
    /// When the oldest of the receipts it starts after was written (Unix ms).
    pub receipt_ms: Option<i64>,
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
    receipt_ms: Option<i64>,
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
            let receipt_ms =
                if since_receipt { recipients.iter().filter_map(|p| p.last_bundle_ms).min() } else { None };
            let recipients = if request.unencrypted { Vec::new() } else { recipients };
            Job { recipients, known, since_receipt, receipt_ms, device }
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
            out.push(self.read(|db| {
                let txn = db.begin_read()?;
                let ops = txn.open_table(tables::OPS)?;
                let held = heads::all(&txn.open_table(tables::HEADS)?)?;
                Selection::new(&ops, &held, self.replica, job)?.plan(&ops, self.replica, job)
            })?);
        }
        Ok(out)
    }

    /// Writes the bundles `request` asks for into its directory (see the module doc), each
    /// read back and checked before it is reported and recorded. `progress(done, total)` while
    /// the ops are read (counted, and the bundle planned), then while they are written.
    ///
    /// The ops are not held: a first walk over the log counts them, a second in the same read
    /// transaction streams them into the compressed (and encrypted) body, so what an export
    /// holds is about the bundle file itself.
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
        // What an export killed mid-write left on this stick goes before a new one is written.
        stick::remove_stale_parts(dir);
        let jobs = self.export_jobs(request)?;
        let (card, keys) = self.own_card()?;
        let vector = self.receipt_vector()?;
        let mut done = Vec::new();
        for job in &jobs {
            let age_recipients = age_recipients(&job.recipients)?;
            let id = ulid::Ulid::new();
            let own = self.replica;
            let files_dir = self.attachments_dir();
            let (plan, bytes) = self.read(|db| {
                let txn = db.begin_read()?;
                let ops = txn.open_table(tables::OPS)?;
                let held = heads::all(&txn.open_table(tables::HEADS)?)?;
                let selection = Selection::new(&ops, &held, own, job)?;
                let plan = selection.plan(&ops, own, job)?;
                // A store no write has touched since attachments came has no such table yet.
                let blobs = match txn.open_table(tables::ATTACHMENT_OPS) {
                    Ok(named) => selection.blobs(&named, own, &files_dir)?,
                    Err(redb::TableError::TableDoesNotExist(_)) => Vec::new(),
                    Err(e) => return Err(e.into()),
                };
                let head = Head {
                    bundle_id: id.to_bytes(),
                    written_ms: now_ms(),
                    sender: card.clone(),
                    sender_replica: own.as_u128().to_be_bytes(),
                    recipients: job.recipients.iter().map(|p| p.card.signing_key).collect(),
                    version_vector: vector.clone(),
                    covers: covers(&held, job),
                };
                let carried = plan.ops;
                let mut written = 0usize;
                let walk = |sink: &mut dyn FnMut(StreamedOp<'_>) -> std::io::Result<()>| {
                    selection.walk(&ops, own, false, &mut |op| {
                        sink(op.framed())?;
                        written += 1;
                        if written % crate::store::PROGRESS_STEP == 0 {
                            progress(written, carried);
                        }
                        Ok(())
                    })
                };
                let bytes = match format::write_streamed(&head, &blobs, walk, &keys.signing, &age_recipients) {
                    Ok(bytes) => Ok(bytes),
                    Err(StreamError::Ops(e)) => return Err(e),
                    Err(StreamError::Write(why)) => Err(ExportError::Encode(why)),
                };
                progress(carried, carried);
                Ok((plan, bytes))
            })?;
            let bytes = bytes?;
            let op_count = plan.ops as u64;
            let name = if job.recipients.is_empty() {
                format!("{id}.unencrypted.{}", stick::EXTENSION)
            } else {
                format!("{id}.{}", stick::EXTENSION)
            };
            let path = stick::write_new(dir, &name, &bytes.pieces).map_err(|f| ExportError::Write {
                path: dir.join(&name),
                step: f.step.to_string(),
                detail: f.error.to_string(),
            })?;
            let hash = bytes.hash;
            let entry = ExportEntry {
                bundle_id: id.to_bytes(),
                hash,
                path: path.to_string_lossy().into_owned(),
                bytes: bytes.len,
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
            done.push(Exported { plan, path, bytes: bytes.len, bundle_id: id.to_string(), hash: identity::hex(&hash) });
        }
        Ok(done)
    }
}

/// The age recipients a bundle for `recipients` is encrypted to (none: not encrypted).
fn age_recipients(recipients: &[Peer]) -> Result<Vec<age::x25519::Recipient>, ExportError> {
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
    Ok(age_recipients)
}

/// What a filtered bundle covers: per replica held, the contiguous head (every op of it up
/// to there was considered). Empty when nothing was left out.
fn covers(held: &BTreeMap<ReplicaId, heads::Head>, job: &Job) -> Vec<([u8; 16], u64)> {
    if job.device.is_none() {
        return Vec::new();
    }
    held.iter().filter(|(_, h)| h.contiguous > 0).map(|(r, h)| (r.as_u128().to_be_bytes(), h.contiguous)).collect()
}

type OpsTable = redb::ReadOnlyTable<(u128, u64), &'static [u8]>;
type AttachmentOps = redb::ReadOnlyTable<(u128, u64), (u128, [u8; 32])>;

/// Which ops a job carries, found once and walked twice: to plan the bundle, then to write
/// it, in one read transaction.
struct Selection {
    /// Per replica held, the seq after which its ops are read (`u64::MAX`: none).
    after: Vec<(ReplicaId, u64)>,
    /// An office's return bundle: the entities the device's replica made or changed.
    device_entities: Option<HashSet<EntityId>>,
    /// The office's own ops on entities outside the device's go only when no other replica
    /// made or changed them: never its verdicts on another inspector's findings.
    foreign: HashSet<EntityId>,
}

/// An op the job carries, as the log holds it, with its entity when it was read.
struct Carried<'a> {
    replica: ReplicaId,
    seq: u64,
    bytes: &'a [u8],
    entity: Option<(EntityId, EntityKind)>,
}

impl Selection {
    fn new(
        ops: &OpsTable,
        held: &BTreeMap<ReplicaId, heads::Head>,
        own: ReplicaId,
        job: &Job,
    ) -> Result<Selection, StoreError> {
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
                touched_elsewhere(ops, held.keys().filter(|r| **r != own && Some(**r) != device), outside)?
            }
            _ => HashSet::new(),
        };
        let after = held.keys().map(|r| (*r, job.known.get(r).copied().unwrap_or(0))).collect();
        Ok(Selection { after, device_entities, foreign })
    }

    /// Calls `carry` with every op the job carries, in the log's order, with its entity when
    /// `entities` (always read when the job picks ops by entity).
    fn walk(
        &self,
        ops: &OpsTable,
        own: ReplicaId,
        entities: bool,
        carry: &mut dyn FnMut(Carried<'_>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        for (replica, after) in &self.after {
            if *after == u64::MAX {
                continue;
            }
            let r = replica.as_u128();
            for entry in ops.range((r, after + 1)..=(r, u64::MAX))? {
                let (key, value) = entry?;
                let entity = match entities || self.device_entities.is_some() {
                    true => Some(codec::op_entity(value.value(), key.value())?),
                    false => None,
                };
                if let Some((entity, _)) = entity
                    && !self.carries(*replica, own, entity)
                {
                    continue;
                }
                carry(Carried { replica: *replica, seq: key.value().1, bytes: value.value(), entity })?;
            }
        }
        Ok(())
    }

    /// Whether an op of `replica` on `entity` in the walked ranges goes (a return bundle picks
    /// by entity; any other takes every op).
    fn carries(&self, replica: ReplicaId, own: ReplicaId, entity: EntityId) -> bool {
        match &self.device_entities {
            None => true,
            Some(wanted) => wanted.contains(&entity) || (replica == own && !self.foreign.contains(&entity)),
        }
    }

    /// The files the carried ops attach, read back from the profile (each once). A file this
    /// profile does not hold (an op forwarded without its file) is left out: the receiver
    /// shows it as missing, as this profile does.
    fn blobs(&self, named: &AttachmentOps, own: ReplicaId, dir: &Path) -> Result<Vec<Blob>, StoreError> {
        let mut hashes = std::collections::BTreeSet::new();
        for (replica, after) in &self.after {
            if *after == u64::MAX {
                continue;
            }
            for (entity, hash) in attachments::named_after(named, replica.as_u128(), *after)? {
                if self.carries(*replica, own, entity) {
                    hashes.insert(hash);
                }
            }
        }
        Ok(hashes
            .into_iter()
            .filter_map(|hash| attachments::read(dir, &hash, attachments::READ_CAP).map(|bytes| Blob { hash, bytes }))
            .collect())
    }

    /// The plan of `job`: the ops it carries and the records they touch. Only the writing that
    /// follows reports progress: one gauge from 0 to the ops carried (this pass reads only
    /// entities).
    fn plan(&self, ops: &OpsTable, own: ReplicaId, job: &Job) -> Result<Planned, StoreError> {
        let mut count = 0usize;
        let mut entities: [HashSet<EntityId>; 4] = Default::default();
        self.walk(ops, own, true, &mut |op| {
            if let Some((entity, kind)) = op.entity {
                entities[usize::from(kind.code()).saturating_sub(1).min(3)].insert(entity);
            }
            count += 1;
            Ok(())
        })?;
        let plan = Planned {
            recipients: job.recipients.iter().map(recipient).collect(),
            since_receipt: job.since_receipt,
            receipt_ms: job.receipt_ms,
            ops: count,
            entities: entities.map(|s| s.len()),
        };
        Ok(plan)
    }
}

impl Carried<'_> {
    fn framed(&self) -> StreamedOp<'_> {
        StreamedOp { replica: self.replica.as_u128().to_be_bytes(), seq: self.seq, bytes: self.bytes }
    }
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
