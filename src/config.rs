//! The optional config file `<config dir>/config.toml`: the UI language (`lang = "en"` or
//! `lang = "zh"`) and the wait thresholds of the queue board:
//!
//! ```toml
//! [waits]
//! warning_minutes = 20
//! alert_minutes = 30
//! [waits.items."不动产登记"]
//! warning_minutes = 40
//! alert_minutes = 60
//! ```
//!
//! A bad file is reported with line and column and ignored as a whole.
//!
//! Every file read from the config dir (this one, units.toml, holidays.toml, keymap.toml, the
//! checklist templates) goes through [`read_text`]: only a regular file, under a size cap, so a
//! named pipe, a device or a link to /dev/zero put in its place is a problem report instead of
//! a hang or an unbounded read.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::domain::Thresholds;
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

/// "1 MiB", "4 MiB", else bytes.
fn size_text(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes % (1 << 20) == 0 { format!("{} MiB", bytes >> 20) } else { format!("{bytes} B") }
}

/// The text of `path` if it is a regular file (symbolic links followed) of at most `cap` bytes
/// in UTF-8.
///
/// Nothing that is not a regular file is read: the path is looked at first (a pipe or device is
/// never even opened), and what was opened is looked at again through the open handle, so a
/// file swapped in between is caught too. The open is non-blocking, so even a pipe that slipped
/// through could not hang it, and the read stops one byte past the cap.
pub fn read_text(path: &Path, cap: u64) -> Result<String, ReadError> {
    let kind = std::fs::metadata(path).map_err(|e| ReadError::io(&e))?.file_type();
    if !kind.is_file() {
        return Err(ReadError::NotRegular(FileKind::of(kind)));
    }
    let file = open_nonblocking(path).map_err(|e| ReadError::io(&e))?;
    let metadata = file.metadata().map_err(|e| ReadError::io(&e))?;
    if !metadata.is_file() {
        return Err(ReadError::NotRegular(FileKind::of(metadata.file_type())));
    }
    if metadata.len() > cap {
        return Err(ReadError::TooLarge(cap));
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.take(cap + 1).read_to_end(&mut bytes).map_err(|e| ReadError::io(&e))?;
    if bytes.len() as u64 > cap {
        return Err(ReadError::TooLarge(cap));
    }
    String::from_utf8(bytes).map_err(|_| ReadError::NotUtf8)
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

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub lang: Option<String>,
    #[serde(default)]
    pub waits: WaitsConfig,
}

/// `[waits]`: the default thresholds, and per service item (named as in the item list, in
/// either language).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaitsConfig {
    pub warning_minutes: Option<Spanned<u32>>,
    pub alert_minutes: Option<Spanned<u32>>,
    #[serde(default)]
    pub items: BTreeMap<String, MinutesConfig>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinutesConfig {
    pub warning_minutes: Option<Spanned<u32>>,
    pub alert_minutes: Option<Spanned<u32>>,
}

impl MinutesConfig {
    /// These minutes over `base`; a warning after the alert is an error at the warning's span.
    fn thresholds(&self, base: Thresholds) -> Result<Thresholds, (std::ops::Range<usize>, String)> {
        let warning = self.warning_minutes.as_ref().map(|m| i64::from(*m.get_ref()) * 60);
        let alert = self.alert_minutes.as_ref().map(|m| i64::from(*m.get_ref()) * 60);
        let t = Thresholds {
            warning_secs: warning.unwrap_or(base.warning_secs),
            alert_secs: alert.unwrap_or(base.alert_secs),
        };
        if t.warning_secs > t.alert_secs {
            let span = self.warning_minutes.as_ref().or(self.alert_minutes.as_ref()).map(|m| m.span()).unwrap_or(0..0);
            let msg = format!(
                "warning_minutes ({}) is above alert_minutes ({}): a warning must come first",
                t.warning_secs / 60,
                t.alert_secs / 60
            );
            return Err((span, msg));
        }
        Ok(t)
    }
}

/// The thresholds in force: the default, and overrides by service item (as stored).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WaitRules {
    pub default: Thresholds,
    pub items: Vec<(String, Thresholds)>,
}

impl WaitRules {
    pub fn for_item(&self, item: &str) -> Thresholds {
        self.items.iter().find(|(name, _)| name == item.trim()).map(|(_, t)| *t).unwrap_or(self.default)
    }
}

impl Config {
    /// A missing file is the default config; a broken one is an error naming file:line:column,
    /// an unreadable one (not a regular file, too large …) says why.
    pub fn load(path: &Path) -> Result<Config, FileProblem> {
        let Some(text) = read_optional(path, MAX_CONFIG_BYTES)? else {
            return Ok(Config::default());
        };
        let at = |start: usize, message: &str| {
            let (line, col) = line_col(&text, start);
            FileProblem::Located(format!("{}:{line}:{col}: {message}", path.display()))
        };
        let config: Config =
            toml::from_str(&text).map_err(|e| at(e.span().map(|s| s.start).unwrap_or(0), e.message()))?;
        config.wait_rules().map_err(|(span, message)| at(span.start, &message))?;
        Ok(config)
    }

    /// The wait thresholds this file sets, item names turned into what tickets store.
    pub fn wait_rules(&self) -> Result<WaitRules, (std::ops::Range<usize>, String)> {
        let waits = &self.waits;
        let own = MinutesConfig {
            warning_minutes: waits.warning_minutes.clone(),
            alert_minutes: waits.alert_minutes.clone(),
        };
        let default = own.thresholds(Thresholds::default())?;
        let mut items = Vec::new();
        for (name, minutes) in &self.waits.items {
            let stored = crate::vocab::ChoiceList::Items.to_stored(name);
            items.push((stored, minutes.thresholds(default)?));
        }
        Ok(WaitRules { default, items })
    }
}

/// 1-based line and column (in characters) of a byte offset (clamped to the text and back to a
/// character boundary).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    crate::problem::line_column(text, offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_config_names_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        std::fs::write(&p, "# 配置\nlang = \"en\"\ncolour = 1\n").unwrap();
        let err = Config::load(&p).unwrap_err().to_string();
        assert!(err.contains("config.toml:3:1"), "{err}");
        std::fs::write(&p, "lang = \"en\"\n").unwrap();
        assert_eq!(Config::load(&p).unwrap().lang.as_deref(), Some("en"));
        assert!(Config::load(&dir.path().join("missing.toml")).unwrap().lang.is_none());
    }

    #[test]
    fn wait_thresholds_default_per_item_and_a_bad_order_is_located() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        let text = "[waits]\nwarning_minutes = 15\n[waits.items.\"不动产登记\"]\nalert_minutes = 60\n";
        std::fs::write(&p, text).unwrap();
        let rules = Config::load(&p).unwrap().wait_rules().unwrap();
        assert_eq!(rules.default, Thresholds { warning_secs: 900, alert_secs: 1800 });
        assert_eq!(rules.for_item("不动产登记"), Thresholds { warning_secs: 900, alert_secs: 3600 });
        assert_eq!(rules.for_item("企业开办"), rules.default);
        assert!(Config::load(&dir.path().join("none.toml")).unwrap().wait_rules().unwrap().default.alert_secs == 1800);

        std::fs::write(&p, "[waits.items.\"婚姻登记\"]\nwarning_minutes = 50\n").unwrap();
        let err = Config::load(&p).unwrap_err().to_string();
        assert!(err.contains("config.toml:2:19") && err.contains("alert_minutes (30)"), "{err}");
        std::fs::write(&p, "[waits]\nwarn = 5\n").unwrap();
        let err = Config::load(&p).unwrap_err().to_string();
        assert!(err.contains("config.toml:2:1"), "{err}");
    }

    #[test]
    fn only_regular_files_under_the_cap_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        std::fs::write(&p, "lang = \"en\"\n").unwrap();
        assert_eq!(read_text(&p, 64).as_deref(), Ok("lang = \"en\"\n"));
        assert_eq!(read_text(&p, 5), Err(ReadError::TooLarge(5)));
        assert_eq!(read_text(&dir.path().join("none.toml"), 64), Err(ReadError::Missing));
        assert_eq!(read_text(dir.path(), 64), Err(ReadError::NotRegular(FileKind::Directory)));
        std::fs::write(&p, b"\xff\xfe").unwrap();
        assert_eq!(read_text(&p, 64), Err(ReadError::NotUtf8));
        let zero = dir.path().join("zero.toml");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        assert_eq!(read_text(&zero, 64), Err(ReadError::NotRegular(FileKind::CharDevice)));
        let fifo = dir.path().join("fifo.toml");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert_eq!(read_text(&fifo, 64), Err(ReadError::NotRegular(FileKind::NamedPipe)));
        let looped = dir.path().join("loop.toml");
        std::os::unix::fs::symlink(&looped, &looped).unwrap();
        let err = read_text(&looped, 64).unwrap_err();
        assert!(matches!(err, ReadError::Io { link_loop: true, .. }), "{err:?}");
        let zh = Strings::get(Lang::Zh);
        assert_eq!(ReadError::TooLarge(MAX_CONFIG_BYTES).to_string(), "larger than 1 MiB; not read");
        assert!(ReadError::NotRegular(FileKind::NamedPipe).message(zh).contains("命名管道"));
        let problem = Config::load(&fifo).unwrap_err();
        assert_eq!(problem.to_string(), format!("{}: a named pipe, not a regular file; not read", fifo.display()));
    }
}
