//! Writing a file whole or not at all ([`write_atomically`]), and reading a file we did not write (config.toml, units.toml, holidays.toml, keymap.toml,
//! checklist templates, the draft and pid files beside a store): only a regular file, under a
//! size cap, so a named pipe, a device or a link to /dev/zero put in its place is a problem
//! report instead of a hang or an unbounded read. One module below the config, the
//! vocabularies and the store, which all read through it.

use std::fmt;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::i18n::{Lang, Strings};

/// The largest config.toml, units.toml, holidays.toml or keymap.toml read (1 MiB): hand-written
/// files are a few kilobytes.
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// The largest checklist template read (4 MiB).
pub const MAX_TEMPLATE_BYTES: u64 = 4 << 20;

/// What stands where a regular file was expected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Directory,
    NamedPipe,
    Socket,
    CharDevice,
    BlockDevice,
    Other,
}

impl FileKind {
    fn of(file_type: std::fs::FileType) -> FileKind {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if file_type.is_fifo() {
                return FileKind::NamedPipe;
            }
            if file_type.is_socket() {
                return FileKind::Socket;
            }
            if file_type.is_char_device() {
                return FileKind::CharDevice;
            }
            if file_type.is_block_device() {
                return FileKind::BlockDevice;
            }
        }
        if file_type.is_dir() { FileKind::Directory } else { FileKind::Other }
    }

    fn key(self) -> &'static str {
        match self {
            FileKind::Directory => "file.kind.directory",
            FileKind::NamedPipe => "file.kind.named_pipe",
            FileKind::Socket => "file.kind.socket",
            FileKind::CharDevice => "file.kind.char_device",
            FileKind::BlockDevice => "file.kind.block_device",
            FileKind::Other => "file.kind.other",
        }
    }
}

/// Why [`read_text`] gave no text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// Nothing there (a dangling link included): for optional files, not a problem.
    Missing,
    /// Not a regular file: never opened for reading, so a pipe cannot block.
    NotRegular(FileKind),
    /// Over the cap (in bytes): not read past it.
    TooLarge(u64),
    NotUtf8,
    /// Any other failure, as the system said it; `link_loop` for ELOOP.
    Io {
        message: String,
        permission: bool,
        link_loop: bool,
    },
}

impl ReadError {
    fn io(error: &io::Error) -> ReadError {
        if error.kind() == io::ErrorKind::NotFound {
            return ReadError::Missing;
        }
        #[cfg(unix)]
        let link_loop = error.raw_os_error() == Some(libc::ELOOP);
        #[cfg(not(unix))]
        let link_loop = false;
        ReadError::Io {
            message: error.to_string(),
            permission: error.kind() == io::ErrorKind::PermissionDenied,
            link_loop,
        }
    }

    pub fn is_missing(&self) -> bool {
        *self == ReadError::Missing
    }

    /// What is wrong, without the file name, in the language of `s`.
    pub fn message(&self, s: &Strings) -> String {
        match self {
            ReadError::Missing => s.t("file.missing").to_string(),
            ReadError::NotRegular(kind) => s.tf("file.not_regular", &[("what", s.t(kind.key()))]),
            ReadError::TooLarge(cap) => s.tf("file.too_large", &[("cap", &size_text(*cap))]),
            ReadError::NotUtf8 => s.t("file.not_utf8").to_string(),
            ReadError::Io { link_loop: true, .. } => s.t("file.link_loop").to_string(),
            ReadError::Io { permission: true, .. } => s.t("file.permission").to_string(),
            ReadError::Io { message, .. } => message.clone(),
        }
    }
}

/// In English: keymap and template problems, whose other messages are English too, say it so.
impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Strings::get(Lang::En)))
    }
}

/// A size as people read it: "1 MiB", "17.7 MiB", "45.6 KiB", "789 B".
pub fn size_text(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / f64::from(1 << 20)),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / f64::from(1 << 10)),
        b => format!("{b} B"),
    }
}

/// The text of `path` if it is a regular file (symbolic links followed) of at most `cap` bytes
/// in UTF-8.
///
/// Nothing that is not a regular file is read: the path is looked at first (a pipe or device is
/// never even opened), and what was opened is looked at again through the open handle, so a
/// file swapped in between is caught too. The open is non-blocking, so even a pipe that slipped
/// through could not hang it, and the read stops one byte past the cap.
pub fn read_text(path: &Path, cap: u64) -> Result<String, ReadError> {
    String::from_utf8(read_bytes(path, cap)?).map_err(|_| ReadError::NotUtf8)
}

/// [`read_text`] without the UTF-8: the bytes of a file we did not write (a bundle on a stick).
pub fn read_bytes(path: &Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    let file = open_regular(path)?;
    let metadata = file.metadata().map_err(|e| ReadError::io(&e))?;
    if metadata.len() > cap {
        return Err(ReadError::TooLarge(cap));
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.take(cap + 1).read_to_end(&mut bytes).map_err(|e| ReadError::io(&e))?;
    if bytes.len() as u64 > cap {
        return Err(ReadError::TooLarge(cap));
    }
    Ok(bytes)
}

/// A regular file opened for reading: never a FIFO or a device to block on, whatever the path
/// is by the time it is opened.
pub fn open_regular(path: &Path) -> Result<std::fs::File, ReadError> {
    let kind = std::fs::metadata(path).map_err(|e| ReadError::io(&e))?.file_type();
    if !kind.is_file() {
        return Err(ReadError::NotRegular(FileKind::of(kind)));
    }
    let file = open_nonblocking(path).map_err(|e| ReadError::io(&e))?;
    let metadata = file.metadata().map_err(|e| ReadError::io(&e))?;
    if !metadata.is_file() {
        return Err(ReadError::NotRegular(FileKind::of(metadata.file_type())));
    }
    Ok(file)
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY).open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// A file of the config dir that could not be used: unreadable, or a problem at a place in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileProblem {
    Unreadable {
        path: PathBuf,
        error: ReadError,
    },
    /// "file:line:column: what", as the parser said it.
    Located(String),
}

impl FileProblem {
    /// "file: what is wrong" in the language of `s`.
    pub fn message(&self, s: &Strings) -> String {
        match self {
            FileProblem::Unreadable { path, error } => format!("{}: {}", path.display(), error.message(s)),
            FileProblem::Located(message) => message.clone(),
        }
    }
}

impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Strings::get(Lang::En)))
    }
}

/// [`read_text`] for an optional file of the config dir: None when it does not exist.
pub fn read_optional(path: &Path, cap: u64) -> Result<Option<String>, FileProblem> {
    match read_text(path, cap) {
        Ok(text) => Ok(Some(text)),
        Err(ReadError::Missing) => Ok(None),
        Err(error) => Err(FileProblem::Unreadable { path: path.to_path_buf(), error }),
    }
}

/// Writes `bytes` to `path` whole or not at all: a temporary name beside it (mode 0600), fsync,
/// rename over `path`, fsync of the directory. A crash or a full disk leaves the old file or
/// the new one, never half of either (drafts, and the files the user asks for: reports, cards,
/// bundles).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.new-{}", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
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
    if let Err(e) = written.and_then(|()| std::fs::rename(&temp, path)) {
        let _ = std::fs::remove_file(&temp);
        return Err(e);
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::File::open(dir)?.sync_all()
}

/// What Tab makes of a typed path: the path extended as far as the names in its directory
/// agree, and those names (directories with a `/`) when more than one still fits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub text: String,
    pub candidates: Vec<String>,
}

/// The most names a completion lists.
pub const MAX_CANDIDATES: usize = 40;

/// Completes the last component of `text` from its directory (`~/` is the home directory;
/// hidden names only when the typed part starts with a dot). An unreadable directory
/// completes nothing.
pub fn complete_path(text: &str) -> Completion {
    let unchanged = || Completion { text: text.to_string(), candidates: Vec::new() };
    let expanded = expand_home(text);
    let (dir, typed) = match expanded.rfind('/') {
        Some(at) => (&expanded[..=at], &expanded[at + 1..]),
        None => ("", expanded.as_str()),
    };
    let Ok(entries) = std::fs::read_dir(if dir.is_empty() { "." } else { dir }) else { return unchanged() };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let shown = name.starts_with(typed) && (typed.starts_with('.') || !name.starts_with('.'));
            // A link to a directory counts as one (metadata follows it).
            let is_dir = std::fs::metadata(e.path()).is_ok_and(|m| m.is_dir());
            shown.then(|| if is_dir { format!("{name}/") } else { name })
        })
        .collect();
    names.sort();
    if names.is_empty() {
        return unchanged();
    }
    let shared = shared_start(&names);
    let text = format!("{}{shared}", &text[..text.len() - typed.len()]);
    let candidates = if names.len() > 1 { names.into_iter().take(MAX_CANDIDATES).collect() } else { Vec::new() };
    Completion { text, candidates }
}

/// A typed path with a leading `~/` read as the home directory, as shells do.
pub fn expand_home(text: &str) -> String {
    match (text.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => format!("{}/{rest}", home.to_string_lossy().trim_end_matches('/')),
        _ => text.to_string(),
    }
}

/// The longest start every name shares (at a char boundary).
fn shared_start(names: &[String]) -> &str {
    let Some(first) = names.first() else { return "" };
    let mut end = first.len();
    for name in &names[1..] {
        end = first
            .char_indices()
            .zip(name.chars())
            .take_while(|((i, a), b)| *i < end && a == b)
            .last()
            .map_or(0, |((i, a), _)| i + a.len_utf8());
    }
    &first[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_completes_a_path_as_far_as_the_names_agree() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["大厅照片1.jpg", "大厅照片2.jpg", "窗口.png", ".hidden.jpg"] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        std::fs::create_dir(dir.path().join("扫描件")).unwrap();
        let base = format!("{}/", dir.path().display());
        let done = complete_path(&format!("{base}大"));
        assert_eq!(done.text, format!("{base}大厅照片"));
        assert_eq!(done.candidates, vec!["大厅照片1.jpg", "大厅照片2.jpg"]);
        let done = complete_path(&format!("{base}窗"));
        assert_eq!((done.text, done.candidates.len()), (format!("{base}窗口.png"), 0));
        assert_eq!(complete_path(&format!("{base}扫")).text, format!("{base}扫描件/"), "a directory ends in /");
        let all = complete_path(&base);
        assert_eq!(all.candidates.len(), 4, "hidden names only when asked for: {:?}", all.candidates);
        assert_eq!(complete_path(&format!("{base}.h")).text, format!("{base}.hidden.jpg"));
        assert_eq!(complete_path(&format!("{base}无")).text, format!("{base}无"), "nothing fits: unchanged");
        assert_eq!(complete_path("/no/such/dir/x").text, "/no/such/dir/x");
    }

    #[test]
    fn a_file_written_atomically_replaces_the_old_one_whole_and_leaves_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("体验报告.docx");
        std::fs::write(&path, b"old").unwrap();
        write_atomically(&path, "新内容".as_bytes()).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "新内容");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1, "no temporary file left: {names:?}");
        // Into a folder that is not there: an error, and nothing made.
        assert!(write_atomically(&dir.path().join("none").join("x"), b"x").is_err());
    }
}
