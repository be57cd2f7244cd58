//! Making a new store so that the file either is a whole, initialized store or does not exist.
//!
//! redb initializes a file in place: it grows it to 1 MiB of zeros and writes its magic number
//! last. A process killed in between (or a disk that fills up) used to leave a file of zeros
//! that no later open could read: the profile was dead. So a new store is built under a
//! temporary name in the profile directory, closed, fsynced, renamed into place without
//! replacing anything, and the directory is fsynced. A leftover temporary file is never a
//! store; the next creation removes those whose process is gone.

use std::fs;
use std::path::{Path, PathBuf};

use redb::Database;

use super::error::StoreError;
use super::migrate;

const TEMP_MARK: &str = ".new-";

fn io_error(what: &str, path: &Path, e: std::io::Error) -> StoreError {
    match StoreError::from(e) {
        StoreError::NoSpace(detail) => StoreError::NoSpace(format!("{what} {}: {detail}", path.display())),
        other => StoreError::Io(format!("{what} {}: {other}", path.display())),
    }
}

/// Creates the directories above the store; new ones get mode 0700 (a profile holds inspection
/// notes about named people and places). Each new directory is fsynced into its parent.
pub(super) fn create_parent_dir(db_path: &Path) -> Result<(), StoreError> {
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
    builder.create(dir).map_err(|e| io_error("cannot create the directory", dir, e))?;
    if let Some(parent) = dir.parent().filter(|d| !d.as_os_str().is_empty()) {
        sync_dir(parent)?;
    }
    Ok(())
}

/// Makes a new store at `db_path` unless a file is already there. Returns whether this call
/// made it (false: another process got there first; its file is opened as any other).
pub(super) fn create_store(db_path: &Path) -> Result<bool, StoreError> {
    create_parent_dir(db_path)?;
    let dir = db_path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    remove_stale_temps(dir, db_path);
    let temp = temp_path(db_path, std::process::id());
    let _ = fs::remove_file(&temp);
    let made = build(&temp).and_then(|()| place(&temp, db_path));
    if !matches!(made, Ok(true)) {
        let _ = fs::remove_file(&temp);
    }
    let made = made?;
    sync_dir(dir)?;
    Ok(made)
}

/// `.tiyan.redb.new-`: what every temporary name of this store starts with.
fn temp_prefix(db_path: &Path) -> String {
    let name = db_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    format!(".{name}{TEMP_MARK}")
}

fn temp_path(db_path: &Path, pid: u32) -> PathBuf {
    db_path.with_file_name(format!("{}{pid}", temp_prefix(db_path)))
}

/// An initialized store at `temp`, closed and on disk.
fn build(temp: &Path) -> Result<(), StoreError> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(temp).map_err(|e| io_error("cannot create", temp, e))?;
    let mut db = Database::builder().create(temp)?;
    migrate::prepare(&mut db)?;
    db.close()?;
    let file = fs::File::open(temp).map_err(|e| io_error("cannot open", temp, e))?;
    file.sync_all().map_err(|e| io_error("cannot sync", temp, e))?;
    Ok(())
}

/// Renames `temp` to `db_path` unless something is there already (false then).
fn place(temp: &Path, db_path: &Path) -> Result<bool, StoreError> {
    match rename_no_replace(temp, db_path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(io_error("cannot move the new store into place at", db_path, e)),
    }
}

#[cfg(target_os = "linux")]
fn rename_no_replace(from: &Path, to: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(std::io::Error::other);
    let (from_c, to_c) = (c(from)?, c(to)?);
    // SAFETY: two valid NUL-terminated paths; renameat2 does not keep the pointers.
    let rc = unsafe {
        libc::renameat2(libc::AT_FDCWD, from_c.as_ptr(), libc::AT_FDCWD, to_c.as_ptr(), libc::RENAME_NOREPLACE)
    };
    if rc == 0 {
        return Ok(());
    }
    let e = std::io::Error::last_os_error();
    match e.raw_os_error() {
        // A file system without RENAME_NOREPLACE (some FUSE and network mounts): look, then
        // rename; the window between the two is as narrow as it gets there.
        Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::ENOTSUP) => rename_if_absent(from, to),
        _ => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
fn rename_no_replace(from: &Path, to: &Path) -> std::io::Result<()> {
    rename_if_absent(from, to)
}

fn rename_if_absent(from: &Path, to: &Path) -> std::io::Result<()> {
    if fs::symlink_metadata(to).is_ok() {
        return Err(std::io::ErrorKind::AlreadyExists.into());
    }
    fs::rename(from, to)
}

/// fsync a directory, so a rename or a new entry in it survives a power cut.
pub(super) fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        let handle = fs::File::open(dir).map_err(|e| io_error("cannot open the directory", dir, e))?;
        handle.sync_all().map_err(|e| io_error("cannot sync the directory", dir, e))?;
    }
    let _ = dir;
    Ok(())
}

/// Removes temporary stores left by creations that were killed (their process is gone).
fn remove_stale_temps(dir: &Path, db_path: &Path) {
    let prefix = temp_prefix(db_path);
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix(&prefix).and_then(|p| p.parse::<u32>().ok()) else { continue };
        if !process_alive(pid) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

fn process_alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else { return false };
        // SAFETY: signal 0 only checks that the process exists; nothing is sent.
        let rc = unsafe { libc::kill(pid, 0) };
        rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_store_is_whole_and_no_temporary_file_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p").join("tiyan.redb");
        assert!(create_store(&path).unwrap());
        assert!(!create_store(&path).unwrap(), "a second creation leaves the first store alone");
        let names: Vec<_> = fs::read_dir(path.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("tiyan.redb")]);
        assert!(redb::ReadOnlyDatabase::open(&path).is_ok());
    }

    #[test]
    fn a_temporary_file_of_a_dead_process_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tiyan.redb");
        // Pid 0x7fff_fff0 is above every pid_max: no such process.
        let stale = temp_path(&path, 0x7fff_fff0);
        fs::write(&stale, vec![0u8; 4096]).unwrap();
        create_store(&path).unwrap();
        assert!(!stale.exists());
    }
}
