//! Importing one bundle file: read it, check it, take its ops in one durable transaction with
//! its log entry and its sender's receipt — or refuse it whole, saying which check failed.
//!
//! Checks, in order: the file (readable, a regular file, under the size cap); already
//! imported (by its BLAKE3: nothing is opened or written again); the format (`bundle::format`:
//! not a bundle, truncated, damaged, too new, too large, not for us, signature invalid); the
//! sender (revoked, or unknown without `trust_new`); the ops (each decodes, then
//! `store::import`: valid, and no different bytes for an op held — that one is quarantined).

use std::path::{Path, PathBuf};

use super::records::{self, ImportEntry, QuarantineEntry, Trust};
use super::{get_peer, now_ms, put_peer, trust_in};
use crate::bundle::format::{self, BundleError};
use crate::bundle::identity::{self, hex};
use crate::bundle::stick;
use crate::domain::Op;
use crate::domain::validate::Problem;
use crate::store::{FutureStamps, Gap, ImportReport, MAX_OP_BYTES, Store, StoreError, attachments, import};

#[derive(Clone, Copy, Debug, Default)]
pub struct ImportOptions {
    /// Check and count, write nothing.
    pub dry_run: bool,
    /// Trust the sender's card when the device is unknown.
    pub trust_new: bool,
}

/// Why a bundle was not imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refused {
    /// The file could not be read (missing, not a regular file, unreadable).
    Unreadable(String),
    Bundle(BundleError),
    /// Signed by a device this profile does not trust yet.
    UnknownDevice,
    /// Signed by a device whose trust was revoked.
    RevokedDevice,
    /// An op in it does not decode.
    OpsDamaged(String),
    /// An op in it breaks the rules (`domain::validate`): the first problem.
    Invalid(String),
    /// It holds different bytes for an op this profile holds: a copied profile or tampering.
    Quarantined(String),
}

impl Refused {
    /// The reason as `tiyan import --json` gives it: a contract for office scripts.
    pub fn code(&self) -> &'static str {
        match self {
            Refused::Unreadable(_) => "unreadable",
            Refused::Bundle(BundleError::NotABundle) => "not_a_bundle",
            Refused::Bundle(BundleError::Truncated) => "truncated",
            Refused::Bundle(BundleError::Damaged(_)) => "damaged",
            Refused::Bundle(BundleError::FormatTooNew(_)) => "format_too_new",
            Refused::Bundle(BundleError::TooLarge(_)) => "too_large",
            Refused::Bundle(BundleError::NotForUs) => "not_for_us",
            Refused::Bundle(BundleError::SignatureInvalid) => "signature_invalid",
            Refused::UnknownDevice => "unknown_device",
            Refused::RevokedDevice => "revoked_device",
            Refused::OpsDamaged(_) => "damaged",
            Refused::Invalid(_) => "invalid_ops",
            Refused::Quarantined(_) => "quarantined",
        }
    }
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::Unreadable(why) => write!(f, "cannot be read: {why}"),
            Refused::Bundle(e) => write!(f, "{e}"),
            Refused::UnknownDevice => f.write_str("unknown device"),
            Refused::RevokedDevice => f.write_str("revoked device"),
            Refused::OpsDamaged(why) => write!(f, "damaged: {why}"),
            Refused::Invalid(why) => write!(f, "invalid ops: {why}"),
            Refused::Quarantined(why) => write!(f, "quarantined: {why}"),
        }
    }
}

/// What importing one file did (or, in a dry run, would do).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BundleImport {
    pub file: PathBuf,
    /// BLAKE3 of the file, hex (None when it could not be read).
    pub hash: Option<String>,
    pub bundle_id: Option<String>,
    pub sender_fingerprint: Option<String>,
    pub sender_name: Option<String>,
    /// When the sender wrote it, Unix ms.
    pub written_ms: Option<i64>,
    /// Ops it carries.
    pub ops: usize,
    pub ops_new: usize,
    pub ops_duplicate: usize,
    /// Files (photos, scans) the bundle carries.
    pub files: usize,
    pub conflicts_opened: usize,
    /// Per `EntityKind::code` - 1 (session, finding, checklist, ticket): records made, changed.
    pub records_new: [usize; 4],
    pub records_changed: [usize; 4],
    pub gaps: Vec<Gap>,
    pub future: Vec<FutureStamps>,
    /// Imported before (this very file), at this Unix ms: nothing was written.
    pub already_imported: Option<i64>,
    /// The sender was unknown and is trusted now (`trust_new`).
    pub trusted_now: bool,
    pub dry_run: bool,
    /// Where a quarantined bundle was kept.
    pub quarantined_as: Option<PathBuf>,
    /// This profile wrote it (it waits on the stick to be carried away): not imported.
    pub written_here: bool,
    pub refused: Option<Refused>,
}

impl Store {
    /// Imports the bundle at `path` as the module doc says. `Err` only when the store itself
    /// fails; a refused bundle is an `Ok` with `refused` set, and changed nothing.
    pub fn import_bundle(
        &mut self,
        path: &Path,
        options: ImportOptions,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<BundleImport, StoreError> {
        let mut out = BundleImport { file: path.to_path_buf(), dry_run: options.dry_run, ..Default::default() };
        let bytes = match crate::files::read_bytes(path, format::MAX_FILE) {
            Ok(bytes) => bytes,
            Err(crate::files::ReadError::TooLarge(_)) => {
                let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(format::MAX_FILE);
                out.refused = Some(Refused::Bundle(BundleError::TooLarge(size)));
                return Ok(out);
            }
            Err(e) => {
                out.refused = Some(Refused::Unreadable(e.to_string()));
                return Ok(out);
            }
        };
        let hash = *blake3::hash(&bytes).as_bytes();
        out.hash = Some(hex(&hash));
        if self.exports()?.iter().any(|e| e.hash == hash) {
            out.written_here = true;
            return Ok(out);
        }
        if let Some(before) = self.import_entry(hash)? {
            out.bundle_id = Some(ulid::Ulid::from_bytes(before.bundle_id).to_string());
            out.sender_fingerprint = Some(identity::fingerprint(&before.sender));
            out.sender_name = Some(before.sender_name);
            out.written_ms = Some(before.written_ms);
            out.ops = (before.ops_new + before.ops_duplicate) as usize;
            out.ops_duplicate = out.ops;
            out.already_imported = Some(before.imported_ms);
            return Ok(out);
        }
        let keys = self.device_keys()?;
        // Checked whole here; its ops are read again below a block at a time, never held
        // decompressed.
        let mut verified = match format::open(bytes, Some(&keys.age)) {
            Ok(verified) => verified,
            Err(e) => {
                out.refused = Some(Refused::Bundle(e));
                return Ok(out);
            }
        };
        // The ops are read from the file again below, so the import holds neither the file
        // nor its body (a changed file is caught: the body must hash as it did here).
        verified.release_bytes();
        let files = std::mem::take(&mut verified.blobs);
        out.files = files.len();
        let signed_by = verified.signed_by;
        let body = &verified.head;
        out.bundle_id = Some(ulid::Ulid::from_bytes(body.bundle_id).to_string());
        out.sender_fingerprint = Some(identity::fingerprint(&signed_by));
        out.sender_name = Some(body.sender.name.clone());
        out.written_ms = Some(body.written_ms);
        out.ops = usize::try_from(verified.ops).unwrap_or(usize::MAX);

        // The sender: our own bundles come back when a profile is restored; others must be
        // trusted and not revoked.
        let own = signed_by == keys.public_key();
        let known = if own { None } else { self.peers()?.into_iter().find(|p| p.card.signing_key == signed_by) };
        if !own {
            match &known {
                Some(peer) if peer.revoked_ms.is_some() => {
                    out.refused = Some(Refused::RevokedDevice);
                    return Ok(out);
                }
                Some(_) => {}
                None if options.trust_new => out.trusted_now = true,
                None => {
                    out.refused = Some(Refused::UnknownDevice);
                    return Ok(out);
                }
            }
        }

        // Decoded a block at a time as the import takes them: a big bundle is never held
        // decompressed, nor decoded whole.
        let file = match crate::files::open_regular(path) {
            Ok(file) => file,
            Err(e) => {
                out.refused = Some(Refused::Unreadable(e.to_string()));
                return Ok(out);
            }
        };
        let mut reader = match verified.ops_from_file(file) {
            Ok(reader) => reader,
            Err(e) => {
                out.refused = Some(Refused::Bundle(e));
                return Ok(out);
            }
        };
        let mut read = format::OpsRead::default();
        let mut index = 0usize;
        let mut next_chunk = || -> Result<Option<Vec<Op>>, import::ChunkError> {
            let n = reader
                .next_chunk(&mut read)
                .map_err(|e| import::ChunkError { index, detail: format!("does not read: {e}") })?;
            let mut chunk = Vec::with_capacity(n);
            for i in 0..n {
                let (replica, seq, bytes) = read.op(i);
                let at = index;
                index += 1;
                if bytes.len() > MAX_OP_BYTES {
                    return Err(import::ChunkError { index: at, detail: format!("is over {MAX_OP_BYTES} bytes") });
                }
                let key = (u128::from_be_bytes(replica), seq);
                let op = crate::store::codec::decode_op(bytes, key)
                    .map_err(|e| import::ChunkError { index: at, detail: format!("does not read: {e}") })?;
                chunk.push(op);
            }
            Ok((n > 0).then_some(chunk))
        };

        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let entry = ImportEntry {
            bundle_id: body.bundle_id,
            hash,
            file: file_name.clone(),
            sender: signed_by,
            sender_name: body.sender.name.clone(),
            written_ms: body.written_ms,
            imported_ms: now_ms(),
            ops_new: 0,
            ops_duplicate: 0,
            conflicts_opened: 0,
            gaps: 0,
            future_ops: 0,
        };
        let trust_new = out.trusted_now;
        let card = body.sender.clone();
        let sender_replica = body.sender_replica;
        let vector = body.version_vector.clone();
        let covers = body.covers.clone();
        // What this profile will hold all of once the bundle is in: a gap below it is ops left
        // out on purpose (meant for other devices), not a bundle left behind.
        let mut coverage = self.coverage()?;
        for (r, seq) in &covers {
            let slot = coverage.entry(*r).or_default();
            *slot = (*slot).max(*seq);
        }
        let covered = |gap: &Gap| coverage.get(&gap.replica.as_u128().to_be_bytes()).is_some_and(|c| gap.to <= *c);
        let written_ms = body.written_ms;
        let files_dir = self.attachments_dir();
        let dry_run = options.dry_run;
        let mut also = |txn: &redb::WriteTransaction, report: &ImportReport| -> Result<(), StoreError> {
            // The files go in before the ops naming them are committed (their hashes were
            // checked when the bundle was opened).
            if !dry_run {
                for file in &files {
                    attachments::keep(&files_dir, &file.hash, &file.bytes).map_err(|e| match e.raw_os_error() {
                        Some(libc::ENOSPC) => StoreError::NoSpace(e.to_string()),
                        _ => StoreError::Io(format!("{}: {e}", files_dir.display())),
                    })?;
                }
            }
            let mut entry = entry.clone();
            entry.ops_new = report.new as u64;
            entry.ops_duplicate = report.duplicates as u64;
            entry.conflicts_opened = report.conflicts_opened as u64;
            entry.gaps = report.gaps.iter().filter(|g| !covered(g)).count() as u64;
            {
                let mut t = txn.open_table(records::COVERAGE)?;
                for (r, seq) in &covers {
                    let old = redb::ReadableTable::get(&t, *r)?.map(|v| v.value()).unwrap_or(0);
                    if *seq > old {
                        t.insert(*r, *seq)?;
                    }
                }
            }
            entry.future_ops = report.future.iter().map(|f| f.ops as u64).sum();
            txn.open_table(records::IMPORTS)?.insert(hash, records::encode(entry)?.as_slice())?;
            if own {
                return Ok(());
            }
            if trust_new {
                trust_in(txn, &card, Trust::Bundle(file_name.clone()))?;
            }
            if let Some(mut peer) = get_peer(txn, signed_by)? {
                peer.replica = Some(sender_replica);
                peer.receipt = merge_receipts(&peer.receipt, &vector);
                peer.last_bundle_ms = Some(peer.last_bundle_ms.unwrap_or(i64::MIN).max(written_ms));
                put_peer(txn, peer)?;
            }
            Ok(())
        };
        let replica = self.replica;
        let total = out.ops;
        let imported = self.write(|db| {
            let now = super::super::wall_clock_ms();
            import::import_chunks(db, replica, total, &mut next_chunk, now, progress, Some(&mut also), !dry_run)
        })?;
        let report = match imported {
            import::Imported::Report(report) => report,
            import::Imported::Unreadable(e) => {
                out.refused = Some(Refused::OpsDamaged(format!("op {} {}", e.index + 1, e.detail)));
                return Ok(out);
            }
        };
        out.ops_new = report.new;
        out.ops_duplicate = report.duplicates;
        out.conflicts_opened = report.conflicts_opened;
        out.records_new = report.records_new;
        out.records_changed = report.records_changed;
        out.gaps = report.gaps.iter().filter(|g| !covered(g)).cloned().collect();
        out.future = report.future.clone();
        if report.is_refused() {
            out.ops_new = 0;
            let first = report.refused.first().map(|r| r.to_string()).unwrap_or_default();
            let clash = report.refused.iter().any(|r| r.problem == Problem::IdClash);
            if clash {
                out.refused = Some(Refused::Quarantined(first.clone()));
                if !dry_run {
                    out.quarantined_as = self.quarantine(path, hash, signed_by, &out, &first)?;
                }
            } else {
                out.refused = Some(Refused::Invalid(first));
            }
        }
        Ok(out)
    }

    fn import_entry(&self, hash: [u8; 32]) -> Result<Option<ImportEntry>, StoreError> {
        self.read(|db| {
            let txn = db.begin_read()?;
            let t = match txn.open_table(records::IMPORTS) {
                Ok(t) => t,
                Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
                Err(e) => return Err(e.into()),
            };
            let value = redb::ReadableTable::get(&t, hash)?;
            value.map(|v| records::decode(v.value(), "sync_imports")).transpose()
        })
    }

    /// Keeps a copy of a quarantined bundle beside the store and records why.
    fn quarantine(
        &mut self,
        path: &Path,
        hash: [u8; 32],
        sender: [u8; 32],
        out: &BundleImport,
        why: &str,
    ) -> Result<Option<PathBuf>, StoreError> {
        let dir = self.path.parent().map(|p| p.join("quarantine"));
        let kept = dir.and_then(|dir| {
            std::fs::create_dir_all(&dir).ok()?;
            let kept = dir.join(format!("{}.{}", hex(&hash), stick::EXTENSION));
            std::fs::copy(path, &kept).ok()?;
            Some(kept)
        });
        let entry = QuarantineEntry {
            hash,
            file: path.to_string_lossy().into_owned(),
            kept_as: kept.as_ref().map(|k| k.to_string_lossy().into_owned()).unwrap_or_default(),
            sender,
            sender_name: out.sender_name.clone().unwrap_or_default(),
            why: why.to_string(),
            when_ms: now_ms(),
        };
        self.write(|db| {
            let txn = super::super::apply::begin_durable(db)?;
            txn.open_table(records::QUARANTINE)?.insert(hash, records::encode(entry)?.as_slice())?;
            txn.commit()?;
            Ok(())
        })?;
        Ok(kept)
    }
}

/// Per replica, the higher of what two receipts say (sticks arrive in any order).
fn merge_receipts(a: &[([u8; 16], u64)], b: &[([u8; 16], u64)]) -> Vec<([u8; 16], u64)> {
    let mut merged: std::collections::BTreeMap<[u8; 16], u64> = a.iter().copied().collect();
    for (r, seq) in b {
        let slot = merged.entry(*r).or_default();
        *slot = (*slot).max(*seq);
    }
    merged.into_iter().collect()
}
