//! What can go wrong with a store, in words a person can act on.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// Another handle (this process or another one) holds the database's file lock.
    /// `pid` comes from the pid file beside the database, when it could be read.
    AlreadyOpen { path: PathBuf, pid: Option<u32> },
    /// The file was written by a newer tiyan; nothing was changed.
    NewerSchema { found: u32, supported: u32 },
    /// A stored value could not be decoded: which table, which key, and why.
    Decode { table: &'static str, key: String, detail: String },
    /// The file system refused something (creating the directory, the file, the pid file).
    Io(String),
    /// redb reported an error (storage, transaction, commit).
    Db(String),
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
            StoreError::NewerSchema { found, supported } => write!(
                f,
                "the store was written by a newer tiyan (schema version {found}; this version reads up to {supported})"
            ),
            StoreError::Decode { table, key, detail } => {
                write!(f, "cannot decode the value of {key} in table `{table}`: {detail}")
            }
            StoreError::Io(e) => write!(f, "file system error: {e}"),
            StoreError::Db(e) => write!(f, "database error: {e}"),
        }
    }
}

impl std::error::Error for StoreError {}

/// Every redb error type converts into `redb::Error`; route them all to `Db`.
macro_rules! from_redb {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                StoreError::Db(e.to_string())
            }
        }
    )*};
}

from_redb!(
    redb::Error,
    redb::StorageError,
    redb::TableError,
    redb::TransactionError,
    redb::CommitError,
    redb::SetDurabilityError
);

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        StoreError::Io(e.to_string())
    }
}
