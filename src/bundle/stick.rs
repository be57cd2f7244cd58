//! USB sticks: finding the removable filesystems mounted now, writing a bundle file so that no
//! file ever claims to be whole when it is not, and listing the bundles a directory holds.
//! See `../shared/research-sync.md` §5: FAT has no journal, so the file is written under a
//! `.part` name, synced, renamed, the directory synced, and read back from the device.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// A bundle file's extension, and the one it has while it is written.
pub const EXTENSION: &str = "tiyan";
pub const PART_SUFFIX: &str = ".part";

/// A mounted filesystem that looks like a stick.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    pub path: PathBuf,
    pub fstype: String,
}

const STICK_TYPES: [&str; 6] = ["vfat", "exfat", "ntfs3", "ntfs", "fuseblk", "msdos"];
const STICK_ROOTS: [&str; 3] = ["/media/", "/run/media/", "/mnt/"];

/// The sticks mounted now, from `/proc/self/mountinfo` (none when it cannot be read).
pub fn removable_mounts() -> Vec<Mount> {
    fs::read_to_string("/proc/self/mountinfo").map(|t| parse_mountinfo(&t)).unwrap_or_default()
}

/// The stick-like mounts in a mountinfo text: a FAT, exFAT or NTFS filesystem mounted under
/// /media, /run/media or /mnt.
pub fn parse_mountinfo(text: &str) -> Vec<Mount> {
    let mut out = Vec::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        let Some(dash) = fields.iter().position(|f| *f == "-") else { continue };
        let (Some(point), Some(fstype)) = (fields.get(4), fields.get(dash + 1)) else { continue };
        let point = unescape(point);
        if STICK_TYPES.contains(fstype) && STICK_ROOTS.iter().any(|r| point.starts_with(r)) {
            out.push(Mount { path: PathBuf::from(point), fstype: fstype.to_string() });
        }
    }
    out
}

/// mountinfo writes a space as `\040` (and tab, newline, backslash likewise).
fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' && i + 3 < bytes.len() && bytes[i + 1..i + 4].iter().all(|b| (b'0'..=b'7').contains(b)) {
            let value = bytes[i + 1..i + 4].iter().fold(0u32, |v, b| v * 8 + u32::from(b - b'0'));
            out.push(value as u8);
            i += 4;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Which step of writing failed, and how.
#[derive(Debug)]
pub struct WriteFailure {
    pub step: &'static str,
    pub error: io::Error,
}

impl std::fmt::Display for WriteFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.step, self.error)
    }
}

fn failed(step: &'static str) -> impl FnOnce(io::Error) -> WriteFailure {
    move |error| WriteFailure { step, error }
}

/// A `.part` left this long unchanged is an export that never finished (killed, a power cut).
pub const STALE_PART: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Removes bundles' `.part` files in `dir` untouched for `STALE_PART`: what an export killed
/// mid-write left. One being written (by another profile on this machine) changes every
/// moment, and is left. The names removed; what cannot be read or removed is left as it is.
pub fn remove_stale_parts(dir: &Path) -> Vec<String> {
    let suffix = format!(".{EXTENSION}{PART_SUFFIX}");
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let stale = entry
            .metadata()
            .ok()
            .filter(|m| m.is_file())
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age >= STALE_PART);
        if name.ends_with(&suffix) && stale && fs::remove_file(entry.path()).is_ok() {
            removed.push(name);
        }
    }
    removed
}

/// Writes `bytes` as `dir/name` without ever overwriting: `name.part` created new, written,
/// synced, renamed, the directory synced, then dropped from the page cache and read back and
/// compared by BLAKE3. On any failure nothing named `name` is left (the `.part` is removed
/// when it can be).
pub fn write_new<P: AsRef<[u8]>>(dir: &Path, name: &str, pieces: &[P]) -> Result<PathBuf, WriteFailure> {
    let part = dir.join(format!("{name}{PART_SUFFIX}"));
    let whole = dir.join(name);
    let result = write_steps(dir, &part, &whole, pieces);
    if result.is_err() {
        let _ = fs::remove_file(&part);
    }
    result
}

fn write_steps<P: AsRef<[u8]>>(dir: &Path, part: &Path, whole: &Path, pieces: &[P]) -> Result<PathBuf, WriteFailure> {
    let mut file = OpenOptions::new().write(true).create_new(true).open(part).map_err(failed("create"))?;
    for piece in pieces {
        file.write_all(piece.as_ref()).map_err(failed("write"))?;
    }
    file.sync_all().map_err(failed("sync"))?;
    drop(file);
    if fs::symlink_metadata(whole).is_ok() {
        return Err(WriteFailure { step: "rename", error: io::Error::from(io::ErrorKind::AlreadyExists) });
    }
    fs::rename(part, whole).map_err(failed("rename"))?;
    let checked = File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(failed("sync the directory"))
        .and_then(|()| read_back(whole, pieces));
    if let Err(e) = checked {
        // Not known to be whole: it must not stay under a name that says it is.
        let _ = fs::remove_file(whole);
        return Err(e);
    }
    Ok(whole.to_path_buf())
}

/// Reads the file back from the device (its cached pages dropped first) and compares.
fn read_back<P: AsRef<[u8]>>(path: &Path, expected: &[P]) -> Result<(), WriteFailure> {
    let mut file = File::open(path).map_err(failed("read back"))?;
    drop_cache(&file);
    let mut hasher = blake3::Hasher::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0usize;
    loop {
        let n = file.read(&mut buf).map_err(failed("read back"))?;
        if n == 0 {
            break;
        }
        total += n;
        hasher.update(&buf[..n]);
    }
    let mut written = blake3::Hasher::new();
    for piece in expected {
        written.update(piece.as_ref());
    }
    let len: usize = expected.iter().map(|piece| piece.as_ref().len()).sum();
    if total != len || hasher.finalize() != written.finalize() {
        let error = io::Error::other("the file read back is not the one written");
        return Err(WriteFailure { step: "verify", error });
    }
    Ok(())
}

/// Asks the kernel to forget the file's pages, so the next read comes from the device.
/// Advice only: where it is not honoured, the read-back still checks what the kernel holds.
fn drop_cache(file: &File) {
    use std::os::fd::AsRawFd;
    // SAFETY: posix_fadvise only reads the descriptor, which `file` keeps open.
    unsafe {
        libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED);
    }
}

/// The bundle files in `dir` (`*.tiyan`, not `.part`), by name.
pub fn bundles_in(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out: Vec<PathBuf> = fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == EXTENSION) && p.is_file())
        .collect();
    out.sort();
    Ok(out)
}

/// The card files in `dir` (`*.card`), by name.
pub fn cards_in(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out: Vec<PathBuf> = fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "card") && p.is_file())
        .collect();
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sticks_are_told_from_other_mounts() {
        let text = "\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
90 22 8:17 / /media/wang/KINGSTON rw,nosuid shared:50 - vfat /dev/sdb1 rw,flush
91 22 8:33 / /run/media/li/U\\040盘 rw shared:51 - exfat /dev/sdc1 rw
92 22 8:49 / /home/wang/data rw shared:52 - vfat /dev/sdd1 rw
93 22 0:50 / /mnt/usb rw shared:53 - fuseblk /dev/sde1 rw
";
        let mounts = parse_mountinfo(text);
        let paths: Vec<_> = mounts.iter().map(|m| m.path.to_string_lossy().into_owned()).collect();
        assert_eq!(paths, ["/media/wang/KINGSTON", "/run/media/li/U 盘", "/mnt/usb"]);
    }

    #[test]
    fn a_part_left_by_a_killed_export_is_removed_and_a_fresh_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join(format!("01M8QA8W60KA3A3Z4912J6P1PZ.{EXTENSION}{PART_SUFFIX}"));
        let fresh = dir.path().join(format!("01M8QA8W60KA3A3Z4912J6P1Q0.{EXTENSION}{PART_SUFFIX}"));
        let other = dir.path().join("照片.jpg.part");
        for path in [&old, &fresh, &other] {
            fs::write(path, b"half").unwrap();
        }
        let long_ago = std::time::SystemTime::now() - STALE_PART - std::time::Duration::from_secs(1);
        for path in [&old, &other] {
            File::options().write(true).open(path).unwrap().set_modified(long_ago).unwrap();
        }
        let removed = remove_stale_parts(dir.path());
        assert_eq!(removed, [old.file_name().unwrap().to_string_lossy()]);
        assert!(!old.exists() && fresh.exists() && other.exists(), "only a bundle's stale .part goes");
    }

    #[test]
    fn a_written_file_is_whole_and_a_taken_name_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_new(dir.path(), "a.tiyan", &[&b"bundle "[..], b"bytes"]).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"bundle bytes");
        let again = write_new(dir.path(), "a.tiyan", &[b"other"]).unwrap_err();
        assert_eq!(again.step, "rename");
        assert_eq!(fs::read(&path).unwrap(), b"bundle bytes");
        assert!(!dir.path().join("a.tiyan.part").exists());
        assert_eq!(bundles_in(dir.path()).unwrap(), [path]);
    }
}
