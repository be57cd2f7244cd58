//! The draft file: unsaved text the app asked to keep (see `app::draft`). It lives beside the
//! store; when that disk cannot take it (full: the very moment a draft matters most), it goes
//! to a folder of the user's own on a memory file system (`$XDG_RUNTIME_DIR`, else `/dev/shm`,
//! else the temporary directory), named after the store, and the next start looks there too.
//! Written whole or not at all (a temporary name, fsync, rename, fsync of the directory), read
//! as every file we did not just write is read (`files::read_text`: a regular file, under a
//! cap), never parsed here.

use std::fs;
use std::path::{Path, PathBuf};

use super::create::sync_dir;
use super::error::StoreError;

pub const DRAFT_FILE_NAME: &str = "draft.json";
/// A draft is a few screens of text; anything bigger is not ours.
const MAX_DRAFT_BYTES: u64 = 1 << 20;

/// Where the draft of the store at `db_path` is kept: beside it.
pub fn draft_path(db_path: &Path) -> PathBuf {
    db_path.with_file_name(DRAFT_FILE_NAME)
}

/// Where it goes when the store's disk is full (None: no private folder could be had).
pub fn fallback_draft_path(db_path: &Path) -> Option<PathBuf> {
    let dir = private_dir()?;
    // The same store always maps to the same name; FNV-1a over its path is enough for that.
    let absolute = std::path::absolute(db_path).unwrap_or_else(|_| db_path.to_path_buf());
    let hash = absolute
        .as_os_str()
        .as_encoded_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3));
    Some(dir.join(format!("draft-{hash:016x}.json")))
}

/// `tiyan-<uid>` in the runtime dir, /dev/shm or the temp dir: made with mode 0700, and used
/// only when it is a real folder of ours that nobody else can read (on a shared /tmp a folder
/// someone else made, or a link, is never written into).
fn private_dir() -> Option<PathBuf> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
        // SAFETY: getuid has no preconditions.
        let uid = unsafe { libc::getuid() };
        let bases = [std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from), Some(PathBuf::from("/dev/shm"))]
            .into_iter()
            .flatten()
            .chain([std::env::temp_dir()]);
        for base in bases.filter(|b| b.is_dir()) {
            let dir = base.join(format!("tiyan-{uid}"));
            let _ = fs::DirBuilder::new().mode(0o700).create(&dir);
            let Ok(meta) = fs::symlink_metadata(&dir) else { continue };
            if meta.is_dir() && meta.uid() == uid && meta.permissions().mode() & 0o077 == 0 {
                return Some(dir);
            }
        }
        None
    }
    #[cfg(not(unix))]
    {
        None
    }
}

fn dir_of(path: &Path) -> &Path {
    path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Writes the draft beside the store, else (that disk refused it) in the private folder; the
/// copy not written is removed, so there is only ever one.
pub(super) fn save(db_path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let beside = draft_path(db_path);
    let fallback = fallback_draft_path(db_path);
    match write_whole(&beside, bytes) {
        Ok(()) => {
            if let Some(f) = &fallback {
                let _ = remove(f);
            }
            Ok(())
        }
        Err(e) => match &fallback {
            Some(f) if write_whole(f, bytes).is_ok() => Ok(()),
            _ => Err(e),
        },
    }
}

fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    crate::files::write_atomically(path, bytes).map_err(StoreError::from)
}

/// The draft the last run left: beside the store, else in the private folder.
pub(super) fn load(db_path: &Path) -> Result<Option<Vec<u8>>, StoreError> {
    for path in std::iter::once(draft_path(db_path)).chain(fallback_draft_path(db_path)) {
        match crate::files::read_text(&path, MAX_DRAFT_BYTES) {
            Ok(text) => return Ok(Some(text.into_bytes())),
            Err(crate::files::ReadError::Missing) => continue,
            Err(e) => return Err(StoreError::Io(format!("{}: {e:?}", path.display()))),
        }
    }
    Ok(None)
}

/// Nothing is unsaved any more: both places are emptied.
pub(super) fn clear(db_path: &Path) -> Result<(), StoreError> {
    let fallback = fallback_draft_path(db_path);
    let beside = remove(&draft_path(db_path));
    if let Some(f) = fallback {
        remove(&f)?;
    }
    beside
}

fn remove(path: &Path) -> Result<(), StoreError> {
    match fs::remove_file(path) {
        Ok(()) => sync_dir(dir_of(path)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e.into()),
    }
}
