//! The bytes of attachments (附件): files beside the store, in `attachments/<2 hex>/<64 hex>`,
//! named by their BLAKE3 so the same photo attached twice (or arriving in two bundles) is kept
//! once. The op log says which record holds which (`domain::attachment`); `attachment_ops`
//! indexes the ops that name a file, so an export finds the files its ops need without
//! reading the log.
//!
//! A file is made durable before the op that names it is committed: a crash in between leaves
//! a file nobody names, never an op naming nothing. Files are never removed: a removal is an
//! op, and the attach op stays in the log (another replica may still send it on).

use std::io;
use std::path::{Path, PathBuf};

use super::error::StoreError;
use super::{Store, wall_clock_ms};
use crate::domain::attachment::{self, Attachment, FileType};
use crate::domain::{Change, EntityId, EntityKind, Value};
use crate::files::{ReadError, size_text};
use crate::i18n::Strings;

pub const DIR_NAME: &str = "attachments";

/// Why a file was not attached. Nothing was written for it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum AttachError {
    Unreadable {
        path: PathBuf,
        error: ReadError,
    },
    TooLarge {
        path: PathBuf,
        size: u64,
        cap: u64,
    },
    Empty {
        path: PathBuf,
    },
    /// Not a JPEG, PNG or PDF by its first bytes.
    NotAType {
        path: PathBuf,
    },
    /// The copy into the profile failed (a full disk).
    Keep {
        path: PathBuf,
        detail: String,
    },
    /// The record is not there (or deleted).
    NoRecord,
    /// The same file is attached to this record already (as `name`), or given twice.
    AlreadyAttached {
        path: PathBuf,
        name: String,
    },
    Store(StoreError),
}

impl From<StoreError> for AttachError {
    fn from(e: StoreError) -> Self {
        AttachError::Store(e)
    }
}

impl AttachError {
    /// "file: what is wrong", in the language of `s`.
    pub fn message(&self, s: &Strings) -> String {
        match self.path() {
            Some(path) => format!("{}: {}", path.display(), self.reason(s)),
            None => self.reason(s),
        }
    }

    /// What is wrong without the file's name (the TUI shows it in the line typed).
    pub fn reason(&self, s: &Strings) -> String {
        match self {
            AttachError::Unreadable { error, .. } => error.message(s),
            AttachError::TooLarge { size, cap, .. } => {
                s.tf("attach.too_large", &[("size", &size_text(*size)), ("cap", &size_text(*cap))])
            }
            AttachError::Empty { .. } => s.t("attach.empty").to_string(),
            AttachError::NotAType { .. } => s.t("attach.not_a_type").to_string(),
            AttachError::Keep { detail, .. } => s.tf("attach.keep_failed", &[("detail", detail)]),
            AttachError::NoRecord => s.t("attach.no_record").to_string(),
            AttachError::AlreadyAttached { name, .. } => s.tf("attach.already", &[("name", name)]),
            AttachError::Store(e) => e.to_string(),
        }
    }

    fn path(&self) -> Option<&Path> {
        match self {
            AttachError::Unreadable { path, .. }
            | AttachError::TooLarge { path, .. }
            | AttachError::Empty { path }
            | AttachError::NotAType { path }
            | AttachError::Keep { path, .. }
            | AttachError::AlreadyAttached { path, .. } => Some(path),
            AttachError::NoRecord | AttachError::Store(_) => None,
        }
    }
}

/// A file read and checked, ready to attach.
pub struct Loaded {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    pub file_type: FileType,
}

/// Reads the file at `path` and checks it: a regular file, not empty, at most `cap` bytes, a
/// JPEG, PNG or PDF by its first bytes.
pub fn load(path: &Path, cap: u64) -> Result<Loaded, AttachError> {
    let bytes = crate::files::read_bytes(path, cap).map_err(|error| match error {
        ReadError::TooLarge(_) => AttachError::TooLarge {
            path: path.to_path_buf(),
            size: std::fs::metadata(path).map(|m| m.len()).unwrap_or(cap + 1),
            cap,
        },
        error => AttachError::Unreadable { path: path.to_path_buf(), error },
    })?;
    if bytes.is_empty() {
        return Err(AttachError::Empty { path: path.to_path_buf() });
    }
    let file_type = FileType::sniff(&bytes).ok_or_else(|| AttachError::NotAType { path: path.to_path_buf() })?;
    Ok(Loaded { path: path.to_path_buf(), bytes, file_type })
}

/// Where the files of the store at `store_file` live.
pub fn dir_of(store_file: &Path) -> PathBuf {
    store_file.parent().unwrap_or(Path::new(".")).join(DIR_NAME)
}

/// Where the file with `hash` is (or would be) kept.
pub fn path_in(dir: &Path, hash: &[u8; 32]) -> PathBuf {
    let hex = crate::domain::ids::hex(hash);
    dir.join(&hex[..2]).join(hex)
}

/// Keeps `bytes` (whose BLAKE3 is `hash`) in `dir`, durably; a file already kept whole is
/// left as it is.
pub fn keep(dir: &Path, hash: &[u8; 32], bytes: &[u8]) -> io::Result<()> {
    let path = path_in(dir, hash);
    if std::fs::metadata(&path).is_ok_and(|m| m.len() == bytes.len() as u64) {
        return Ok(());
    }
    let parent = path.parent().unwrap_or(dir);
    std::fs::create_dir_all(parent)?;
    crate::files::write_atomically(&path, bytes)?;
    // The new directory entries must survive a crash too.
    std::fs::File::open(dir)?.sync_all()
}

/// The bytes kept under `hash`, checked against it: None when missing, unreadable or changed.
pub fn read(dir: &Path, hash: &[u8; 32], cap: u64) -> Option<Vec<u8>> {
    let bytes = crate::files::read_bytes(&path_in(dir, hash), cap).ok()?;
    (blake3::hash(&bytes).as_bytes() == hash).then_some(bytes)
}

/// The largest file any import or export will read back: the cap can be lowered in the
/// config, but files kept under a higher one must still travel.
pub const READ_CAP: u64 = 256 * 1024 * 1024;

impl Store {
    /// The directory this store keeps its attachments in.
    pub fn attachments_dir(&self) -> PathBuf {
        dir_of(self.path())
    }

    /// Attaches checked files (`load`) to a session or finding: each kept, then all recorded
    /// in one durable transaction.
    pub fn attach(
        &mut self,
        kind: EntityKind,
        owner: EntityId,
        files: &[Loaded],
        by: &str,
    ) -> Result<Vec<Attachment>, AttachError> {
        let record = self.owner_exists(kind, owner)?;
        // The same photo twice on one record is a slip: said, and nothing attached.
        let mut held: Vec<([u8; 32], String)> =
            attachment::of_record(&record).into_iter().map(|a| (a.hash, a.name)).collect();
        for file in files {
            let hash = *blake3::hash(&file.bytes).as_bytes();
            if let Some((_, name)) = held.iter().find(|(h, _)| *h == hash) {
                return Err(AttachError::AlreadyAttached { path: file.path.clone(), name: name.clone() });
            }
            held.push((hash, display_name(&file.path)));
        }
        let dir = self.attachments_dir();
        let at_ms = wall_clock_ms() as i64;
        let mut attached = Vec::new();
        for file in files {
            let hash = *blake3::hash(&file.bytes).as_bytes();
            keep(&dir, &hash, &file.bytes)
                .map_err(|e| AttachError::Keep { path: file.path.clone(), detail: e.to_string() })?;
            attached.push(Attachment {
                id: crate::domain::op::new_entity_id(),
                hash,
                name: display_name(&file.path),
                size: file.bytes.len() as u64,
                file_type: file.file_type,
                by: by.to_string(),
                at_ms,
            });
        }
        let changes: Vec<Change> =
            attached.iter().map(|a| Change::set(kind, owner, &a.field(), a.to_value())).collect();
        self.apply(&changes)?;
        Ok(attached)
    }

    /// Removes an attachment from its record (an op; the file stays).
    pub fn detach(&mut self, kind: EntityKind, owner: EntityId, attachment: EntityId) -> Result<(), AttachError> {
        self.owner_exists(kind, owner)?;
        self.apply(&[Change::set(kind, owner, &attachment::field_name(attachment), Value::Null)])?;
        Ok(())
    }

    fn owner_exists(&self, kind: EntityKind, owner: EntityId) -> Result<crate::domain::Record, AttachError> {
        let record = self.record(kind, owner)?.ok_or(AttachError::NoRecord)?;
        // Sessions and findings both name it `deleted`.
        match record.get(crate::domain::finding::field::DELETED).as_bool() {
            true => Err(AttachError::NoRecord),
            false => Ok(record),
        }
    }
}

/// The files named by the ops of `replica` after `after`, with the entity each op sets: what an
/// export carrying those ops must carry.
pub(super) fn named_after(
    table: &impl redb::ReadableTable<(u128, u64), (u128, [u8; 32])>,
    replica: u128,
    after: u64,
) -> Result<Vec<(EntityId, [u8; 32])>, StoreError> {
    let mut out = Vec::new();
    for entry in table.range((replica, after.saturating_add(1))..=(replica, u64::MAX))? {
        out.push(entry?.1.value());
    }
    Ok(out)
}

/// The name shown for an attached file: its last path component, as text.
fn display_name(path: &Path) -> String {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    crate::text::sanitize(&name).into_owned()
}
