//! Opening an existing store file, for writing or only for reading, under redb's file lock;
//! telling a damaged file from a store; and the pid file that lets a refused open say who
//! holds the lock.
//!
//! redb locks the file itself: a second writable open of the same file (another process, or
//! this one) fails with `DatabaseAlreadyOpen`, and so does a read-only open while a writer
//! holds it. The pid file is only a hint for that message: written after a writable open
//! when the disk allows, removed when the store closes, and never needed for anything else.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use redb::{Database, DatabaseError, ReadOnlyDatabase};

use super::backend::{Backend, Faults};
use super::error::StoreError;

pub const PID_FILE_NAME: &str = "tiyan.pid";

/// redb's page cache (reads and the write buffer), writable: redb's default is 1 GiB, which a
/// 100,000-finding store fills as any whole read passes over it. The screens read a few pages
/// at a time; a large write spills to the file early, which is safe (the commit decides).
/// 16 MiB, not 32: importing the demo's 1.5 million ops took no longer, and peaked 16 MiB
/// lower (a bundle's import is held to twice its size and 30 MB).
pub const WRITABLE_CACHE_BYTES: usize = 16 << 20;

/// The same for the TUI's open: its reads are a few pages at a time, or a whole pass once
/// (the ledger reads every finding when it opens), which fills any cache with pages read once
/// and keeps them for the rest of the session; its writes are a save's few changes. 16 MiB
/// still holds every branch page of a 100,000-finding store (~4 MB); 32 left the ledger open
/// peaking at ~60 MiB instead of ~45 MiB.
pub const SCREENS_CACHE_BYTES: usize = 16 << 20;

/// The same for a read-only open: a command reads each page about once.
pub(super) const READ_ONLY_CACHE_BYTES: usize = 16 << 20;

/// What every redb file starts with (redb's header, "Inspired by PNG's magic number").
const REDB_MAGIC: [u8; 9] = [b'r', b'e', b'd', b'b', 0x1A, 0x0A, 0xA9, 0x0D, 0x0A];

/// The pid file of the store at `db_path`: beside it.
pub fn pid_file_path(db_path: &Path) -> PathBuf {
    db_path.with_file_name(PID_FILE_NAME)
}

fn damaged(db_path: &Path, detail: impl Into<String>) -> StoreError {
    StoreError::Damaged { path: db_path.to_path_buf(), detail: detail.into() }
}

/// An existing store file must be a regular, non-empty file that starts as a redb file does.
/// Anything else is damage: reported, and never initialized over (that would silently turn a
/// damaged profile into an empty one).
pub(super) fn check_existing(db_path: &Path) -> Result<(), StoreError> {
    let meta = fs::metadata(db_path).map_err(|e| StoreError::Io(format!("{}: {e}", db_path.display())))?;
    if !meta.is_file() {
        return Err(damaged(db_path, "not a regular file"));
    }
    if meta.len() == 0 {
        return Err(damaged(db_path, "the file is empty"));
    }
    let mut head = [0u8; REDB_MAGIC.len()];
    let read = fs::File::open(db_path).and_then(|mut f| f.read_exact(&mut head));
    match read {
        Ok(()) if head == REDB_MAGIC => Ok(()),
        Ok(()) if head.iter().all(|b| *b == 0) => Err(damaged(db_path, "the file holds only zeros at its start")),
        Ok(()) => Err(damaged(db_path, "not a tiyan store (no redb header)")),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Err(damaged(db_path, "the file is too short")),
        Err(e) => Err(StoreError::Io(format!("{}: {e}", db_path.display()))),
    }
}

fn already_open(db_path: &Path) -> StoreError {
    StoreError::AlreadyOpen { path: db_path.to_path_buf(), pid: read_pid(db_path) }
}

fn open_error(db_path: &Path, e: DatabaseError) -> StoreError {
    match e {
        DatabaseError::DatabaseAlreadyOpen => already_open(db_path),
        other => StoreError::from(other).at(db_path),
    }
}

/// Opens an existing store file for writing under redb's lock. `faults` arms the test switch
/// in `backend`.
///
/// No full integrity check here: it reads every page of the file and commits (0.5–0.7 s and
/// about 400 MB at 100,000 findings), on every start and every command. redb itself verifies
/// the commit slots and repairs after an unclean shutdown; damage done outside redb shows as
/// `Damaged` or a decode error on the read that meets it (redb's panics are contained), and
/// `tiyan check` (`check`) verifies every page's checksum on request.
pub(super) fn open_writable(
    db_path: &Path,
    faults: Option<Arc<Faults>>,
    cache_bytes: usize,
) -> Result<Database, StoreError> {
    let file =
        fs::OpenOptions::new().read(true).write(true).open(db_path).map_err(|e| StoreError::from(e).at(db_path))?;
    let backend = Backend::new(file, faults).map_err(|e| open_error(db_path, e))?;
    // The file was checked to be a redb file: `create_with_backend` only opens it here.
    Database::builder().set_cache_size(cache_bytes).create_with_backend(backend).map_err(|e| open_error(db_path, e))
}

/// A read-only open, or why the file needs a writable one first.
pub(super) enum ReadOnly {
    Open(ReadOnlyDatabase),
    /// redb must repair the file (it was not closed cleanly): only a writable open does that.
    NeedsRepair,
}

/// Opens an existing store file without changing a byte of it (a writable open and close
/// rewrites redb's header even with no transaction).
pub(super) fn open_read_only(db_path: &Path) -> Result<ReadOnly, StoreError> {
    match Database::builder().set_cache_size(READ_ONLY_CACHE_BYTES).open_read_only(db_path) {
        Ok(db) => Ok(ReadOnly::Open(db)),
        Err(DatabaseError::RepairAborted) => Ok(ReadOnly::NeedsRepair),
        Err(e) => Err(open_error(db_path, e)),
    }
}

/// The pid recorded by the holder of the lock, if its file is there and readable (a regular
/// file of a few bytes: anything else put there is not waited on).
pub fn read_pid(db_path: &Path) -> Option<u32> {
    crate::files::read_text(&pid_file_path(db_path), 64).ok()?.trim().parse().ok()
}

/// Our pid, written beside the database while we hold it; removed on drop.
#[derive(Debug)]
pub struct PidFile {
    path: PathBuf,
}

impl PidFile {
    /// Best effort: a full disk or a read-only directory must not stop anyone from working;
    /// without the file a refused second open only says less about who holds the profile.
    pub fn write(db_path: &Path) -> Option<PidFile> {
        let path = pid_file_path(db_path);
        let mut options = fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let written = options.open(&path).and_then(|mut file| writeln!(file, "{}", std::process::id()));
        match written {
            Ok(()) => Some(PidFile { path }),
            Err(_) => {
                let _ = fs::remove_file(&path);
                None
            }
        }
    }
}

impl Drop for PidFile {
    fn drop(&mut self) {
        // Best effort: a stale pid file only makes a later "already open" message less precise.
        let _ = fs::remove_file(&self.path);
    }
}
