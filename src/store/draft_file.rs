//! The draft file beside the store: unsaved text the app asked to keep (see `app::draft`).
//! Written whole or not at all (a temporary name, fsync, rename, fsync of the directory), read
//! as every file we did not just write is read (`config::read_text`: a regular file, under a
//! cap), never parsed here.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::create::sync_dir;
use super::error::StoreError;

pub const DRAFT_FILE_NAME: &str = "draft.json";
/// A draft is a few screens of text; anything bigger is not ours.
const MAX_DRAFT_BYTES: u64 = 1 << 20;

pub fn draft_path(db_path: &Path) -> PathBuf {
    db_path.with_file_name(DRAFT_FILE_NAME)
}

fn dir_of(path: &Path) -> &Path {
    path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

pub(super) fn save(db_path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let path = draft_path(db_path);
    let temp = path.with_extension("json.new");
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = options.open(&temp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    if let Err(e) = written.and_then(|()| fs::rename(&temp, &path)) {
        let _ = fs::remove_file(&temp);
        return Err(e.into());
    }
    sync_dir(dir_of(&path))
}

pub(super) fn load(db_path: &Path) -> Result<Option<Vec<u8>>, StoreError> {
    let path = draft_path(db_path);
    match crate::config::read_text(&path, MAX_DRAFT_BYTES) {
        Ok(text) => Ok(Some(text.into_bytes())),
        Err(crate::config::ReadError::Missing) => Ok(None),
        Err(e) => Err(StoreError::Io(format!("{}: {e:?}", path.display()))),
    }
}

pub(super) fn clear(db_path: &Path) -> Result<(), StoreError> {
    let path = draft_path(db_path);
    match fs::remove_file(&path) {
        Ok(()) => sync_dir(dir_of(&path)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e.into()),
    }
}
