//! The draft file beside the store: unsaved text the app asked to keep (see `app::draft`).
//! Written whole or not at all (a temporary name, fsync, rename, fsync of the directory), read
//! only as a regular file under a size cap, never parsed here.

use std::fs;
use std::io::{Read, Write};
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
    let file = match fs::File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let meta = file.metadata()?;
    if !meta.is_file() || meta.len() > MAX_DRAFT_BYTES {
        return Err(StoreError::Io(format!("{}: not a draft this program wrote", path.display())));
    }
    let mut bytes = Vec::new();
    file.take(MAX_DRAFT_BYTES).read_to_end(&mut bytes)?;
    Ok(Some(bytes))
}

pub(super) fn clear(db_path: &Path) -> Result<(), StoreError> {
    let path = draft_path(db_path);
    match fs::remove_file(&path) {
        Ok(()) => sync_dir(dir_of(&path)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e.into()),
    }
}
