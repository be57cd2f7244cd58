//! What can go wrong with a store, in words a person can act on. `Display` is English (logs,
//! tests); `localized` says the same in the user's language for the CLI and the TUI.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::i18n::Strings;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// Another handle (this process or another one) holds the database's file lock.
    /// `pid` comes from the pid file beside the database, when it could be read.
    AlreadyOpen { path: PathBuf, pid: Option<u32> },
    /// A read-only command found no store: nothing was created.
    NoProfile { path: PathBuf },
    /// The file exists but is not a whole store (empty, not a redb file, pages that fail their
    /// checksums, or redb gave up on it). The file is kept as it is.
    Damaged { path: PathBuf, detail: String },
    /// The file was written by a newer tiyan; nothing was changed.
    NewerSchema { found: u32, supported: u32 },
    /// A stored value could not be decoded: which table, which key, and why.
    Decode { table: &'static str, key: String, detail: String },
    /// The disk (or the user's quota) is full: nothing of this change was written.
    NoSpace(String),
    /// The file system refused something (creating the directory, the file, a write).
    Io(String),
    /// A write to a store opened only for reading.
    ReadOnly,
    /// redb reported an error (storage, transaction, commit).
    Db(String),
}

impl StoreError {
    /// An error of the disk rather than of the data: the store thread closes and reopens the
    /// database after one (redb refuses every later write until it is reopened).
    pub fn is_io(&self) -> bool {
        matches!(self, StoreError::NoSpace(_) | StoreError::Io(_))
    }

    /// Fills in the store's path where the error was made without it (inside redb calls).
    pub(super) fn at(self, path: &Path) -> StoreError {
        match self {
            StoreError::Damaged { path: p, detail } if p.as_os_str().is_empty() => {
                StoreError::Damaged { path: path.to_path_buf(), detail }
            }
            other => other,
        }
    }

    /// The same in the user's language: what happened, and what to do.
    pub fn localized(&self, s: &Strings) -> String {
        match self {
            StoreError::AlreadyOpen { path, pid } => {
                let pid = pid.map(|p| s.tf("error.pid", &[("pid", &p.to_string())])).unwrap_or_default();
                s.tf("store.error.already_open", &[("path", &path.display().to_string()), ("pid", &pid)])
            }
            StoreError::NoProfile { path } => s.tf("store.error.no_profile", &[("path", &path.display().to_string())]),
            // redb's own words ("unreachable code", checksum names) help a maintainer, not the
            // inspector: they go to the crash log and `Display`, not here.
            StoreError::Damaged { path, .. } => s.tf("store.error.damaged", &[("path", &path.display().to_string())]),
            StoreError::NewerSchema { found, supported } => {
                s.tf("store.error.newer", &[("found", &found.to_string()), ("supported", &supported.to_string())])
            }
            // Damage too, said as what it is to a person ("a finding 01J…"), not as tables; the
            // decoder's own words are for `Display` and `tiyan check --json`.
            StoreError::Decode { table, key, .. } => s.tf("store.error.decode", &[("what", &what_is(table, key, s))]),
            StoreError::NoSpace(_) => s.t("store.error.no_space").to_string(),
            StoreError::Io(detail) => s.tf("store.error.io", &[("detail", detail)]),
            StoreError::ReadOnly => s.t("store.error.read_only").to_string(),
            StoreError::Db(detail) => s.tf("store.error.db", &[("detail", detail)]),
        }
    }
}

/// A stored thing as a person names it: "问题 01J…" for `records` `finding 01J…`, "操作记录"
/// for an op, "档案设置" for `meta`.
fn what_is(table: &str, key: &str, s: &Strings) -> String {
    let (kind, id) = key.split_once(' ').unwrap_or((key, ""));
    let thing = match (table, kind) {
        ("records", "session" | "finding" | "checklist" | "ticket") => s.t(&format!("store.thing.{kind}")),
        ("ops", _) => return s.t("store.thing.op").to_string(),
        _ => return s.t("store.thing.setting").to_string(),
    };
    format!("{thing} {id}")
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::AlreadyOpen { path, pid: Some(pid) } => {
                write!(f, "the store {} is already open (process {pid} holds it)", path.display())
            }
            StoreError::AlreadyOpen { path, pid: None } => {
                write!(f, "the store {} is already open by another process", path.display())
            }
            StoreError::NoProfile { path } => write!(f, "there is no profile here: {} does not exist", path.display()),
            StoreError::Damaged { path, detail } => write!(
                f,
                "the store file {} is damaged ({detail}); the file is kept; restore from a bundle or a backup",
                path.display()
            ),
            StoreError::NewerSchema { found, supported } => write!(
                f,
                "the store was written by a newer tiyan (schema version {found}; this version reads up to {supported})"
            ),
            StoreError::Decode { table, key, detail } => {
                write!(f, "cannot decode the value of {key} in table `{table}`: {detail}")
            }
            StoreError::NoSpace(e) => write!(f, "no space left on the disk: {e}"),
            StoreError::Io(e) => write!(f, "file system error: {e}"),
            StoreError::ReadOnly => write!(f, "the store was opened for reading only"),
            StoreError::Db(e) => write!(f, "database error: {e}"),
        }
    }
}

impl std::error::Error for StoreError {}

fn from_io(e: &std::io::Error) -> StoreError {
    use std::io::ErrorKind;
    // ENOSPC and EDQUOT both mean "make room, then try again".
    let full = e.kind() == ErrorKind::StorageFull
        || e.kind() == ErrorKind::QuotaExceeded
        || matches!(e.raw_os_error(), Some(libc::ENOSPC) | Some(libc::EDQUOT));
    match e.kind() {
        _ if full => StoreError::NoSpace(e.to_string()),
        // A page that ends early or a header that is not redb's: the file, not the disk.
        ErrorKind::UnexpectedEof | ErrorKind::InvalidData => {
            StoreError::Damaged { path: PathBuf::new(), detail: e.to_string() }
        }
        _ => StoreError::Io(e.to_string()),
    }
}

impl From<redb::StorageError> for StoreError {
    fn from(e: redb::StorageError) -> Self {
        match e {
            redb::StorageError::Io(io) => from_io(&io),
            redb::StorageError::PreviousIo => StoreError::Io("an earlier write to the disk failed".into()),
            redb::StorageError::Corrupted(detail) => StoreError::Damaged { path: PathBuf::new(), detail },
            other => StoreError::Db(other.to_string()),
        }
    }
}

/// redb's error types that wrap a `StorageError` (where a full disk or damage shows up) and
/// otherwise say something of their own.
macro_rules! from_redb {
    ($($t:ident),*) => {$(
        impl From<redb::$t> for StoreError {
            fn from(e: redb::$t) -> Self {
                match e {
                    redb::$t::Storage(s) => s.into(),
                    other => StoreError::Db(other.to_string()),
                }
            }
        }
    )*};
}

from_redb!(DatabaseError, TransactionError, CommitError);

impl From<redb::TableError> for StoreError {
    fn from(e: redb::TableError) -> Self {
        match e {
            redb::TableError::Storage(s) => s.into(),
            // Every table is defined once, here: a file that says otherwise of one is damaged
            // (a flipped bit in the table list reads as another table's definition).
            e @ (redb::TableError::TableTypeMismatch { .. }
            | redb::TableError::TypeDefinitionChanged { .. }
            | redb::TableError::TableIsMultimap(_)
            | redb::TableError::TableIsNotMultimap(_)) => {
                StoreError::Damaged { path: PathBuf::new(), detail: e.to_string() }
            }
            other => StoreError::Db(other.to_string()),
        }
    }
}

impl From<redb::Error> for StoreError {
    fn from(e: redb::Error) -> Self {
        match e {
            redb::Error::Io(io) => from_io(&io),
            redb::Error::PreviousIo => StoreError::Io("an earlier write to the disk failed".into()),
            redb::Error::Corrupted(detail) => StoreError::Damaged { path: PathBuf::new(), detail },
            other => StoreError::Db(other.to_string()),
        }
    }
}

impl From<redb::SetDurabilityError> for StoreError {
    fn from(e: redb::SetDurabilityError) -> Self {
        StoreError::Db(e.to_string())
    }
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        from_io(&e)
    }
}
