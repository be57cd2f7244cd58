//! Creating the profile directory and file with private modes, opening the database under
//! redb's file lock, and the pid file that lets a refused second open say who holds the lock.
//!
//! redb locks the file itself: a second open of the same file (another process, or this one)
//! fails with `DatabaseAlreadyOpen`. The pid file is only a hint for the message; it is
//! written after a successful open and removed when the store closes, and on a refused open
//! it is read, never touched.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use redb::{Database, DatabaseError, ReadOnlyDatabase};

use super::error::StoreError;

pub const PID_FILE_NAME: &str = "tiyan.pid";

/// The pid file of the store at `db_path`: beside it.
pub fn pid_file_path(db_path: &Path) -> PathBuf {
    db_path.with_file_name(PID_FILE_NAME)
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Io(format!("{what} {}: {e}", path.display()))
}

/// Creates the directories above the database; new ones get mode 0700 (a profile holds
/// inspection notes about named people and places).
pub fn create_parent_dir(db_path: &Path) -> Result<(), StoreError> {
    let Some(dir) = db_path.parent().filter(|d| !d.as_os_str().is_empty()) else {
        return Ok(());
    };
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|e| io_error("cannot create the directory", dir, e))
}

/// Creates the database file with mode 0600 when it does not exist; an existing file is left
/// as it is.
pub fn create_file_if_missing(db_path: &Path) -> Result<(), StoreError> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(db_path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(io_error("cannot create the store file", db_path, e)),
    }
}

fn already_open(db_path: &Path) -> StoreError {
    StoreError::AlreadyOpen { path: db_path.to_path_buf(), pid: read_pid(db_path) }
}

/// Opens (or initializes, when empty) the database file under redb's lock. Every page's
/// checksum is verified on open, so a file damaged outside redb is an error here rather than a
/// panic in some later read (costs one read of the file and a small commit per open).
pub fn open_database(db_path: &Path) -> Result<Database, StoreError> {
    match Database::builder().set_check_integrity_on_open(true).create(db_path) {
        Ok(db) => Ok(db),
        Err(DatabaseError::DatabaseAlreadyOpen) => Err(already_open(db_path)),
        Err(e) => Err(StoreError::Db(format!("cannot open {}: {e}", db_path.display()))),
    }
}

/// Opens an existing, non-empty file read-only, so it can be inspected without a single byte
/// changing (a writable open and close rewrites redb's header even with no transaction).
/// `None` when there is nothing to inspect or redb wants the writable open (e.g. to repair
/// after a crash); that open then reports any real error.
pub fn open_read_only(db_path: &Path) -> Result<Option<ReadOnlyDatabase>, StoreError> {
    let empty = fs::metadata(db_path).map(|m| m.len() == 0).unwrap_or(true);
    if empty {
        return Ok(None);
    }
    match Database::builder().open_read_only(db_path) {
        Ok(db) => Ok(Some(db)),
        Err(DatabaseError::DatabaseAlreadyOpen) => Err(already_open(db_path)),
        Err(_) => Ok(None),
    }
}

/// The pid recorded by the holder of the lock, if its file is there and readable.
pub fn read_pid(db_path: &Path) -> Option<u32> {
    fs::read_to_string(pid_file_path(db_path)).ok()?.trim().parse().ok()
}

/// Our pid, written beside the database while we hold it; removed on drop.
#[derive(Debug)]
pub struct PidFile {
    path: PathBuf,
}

impl PidFile {
    pub fn write(db_path: &Path) -> Result<PidFile, StoreError> {
        let path = pid_file_path(db_path);
        let mut options = fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&path).map_err(|e| io_error("cannot write", &path, e))?;
        writeln!(file, "{}", std::process::id()).map_err(|e| io_error("cannot write", &path, e))?;
        Ok(PidFile { path })
    }
}

impl Drop for PidFile {
    fn drop(&mut self) {
        // Best effort: a stale pid file only makes a later "already open" message less precise.
        let _ = fs::remove_file(&self.path);
    }
}
