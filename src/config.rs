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
//! [attachments]
//! max_file_mib = 20
//! [kiosk]
//! idle_warning_secs = 90
//! idle_reset_secs = 120
//! ```
//!
//! A bad file is reported with line and column and ignored as a whole.
//!
//! Every file read from the config dir goes through [`crate::files::read_text`] (re-exported
//! here for the modules that read config files).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::domain::Thresholds;
use crate::files::{FileProblem, MAX_CONFIG_BYTES, read_optional};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub lang: Option<String>,
    #[serde(default)]
    pub waits: WaitsConfig,
    #[serde(default)]
    pub attachments: AttachmentsConfig,
    #[serde(default)]
    pub kiosk: KioskConfig,
}

/// `[kiosk]`: after how many seconds without a key the kiosk warns, and then clears the
/// entry under way (defaults 90 and 120).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KioskConfig {
    pub idle_warning_secs: Option<Spanned<u32>>,
    pub idle_reset_secs: Option<Spanned<u32>>,
}

/// `[attachments]`: the largest photo or scan taken, in MiB (default 20).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachmentsConfig {
    pub max_file_mib: Option<Spanned<u32>>,
}

/// The cap no config may raise above: a bundle carries its files in memory.
pub const MAX_ATTACHMENT_MIB: u32 = 200;

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
            let (line, col) = crate::problem::line_column(&text, start);
            FileProblem::Located(format!("{}:{line}:{col}: {message}", path.display()))
        };
        let config: Config =
            toml::from_str(&text).map_err(|e| at(e.span().map(|s| s.start).unwrap_or(0), e.message()))?;
        config.wait_rules().map_err(|(span, message)| at(span.start, &message))?;
        if let Some(mib) = &config.attachments.max_file_mib
            && !(1..=MAX_ATTACHMENT_MIB).contains(mib.get_ref())
        {
            let message = format!("max_file_mib is {}: it must be from 1 to {MAX_ATTACHMENT_MIB}", mib.get_ref());
            return Err(at(mib.span().start, &message));
        }
        let (warn, reset) = config.kiosk_idle();
        if !(5..=3600).contains(&reset) || !(1..reset).contains(&warn) {
            let at_field = config.kiosk.idle_warning_secs.as_ref().or(config.kiosk.idle_reset_secs.as_ref());
            let message = format!(
                "idle_warning_secs ({warn}) must be at least 1 and below idle_reset_secs ({reset}), which is 5 to 3600"
            );
            return Err(at(at_field.map_or(0, |s| s.span().start), &message));
        }
        Ok(config)
    }

    /// The kiosk's idle warning and reset, in seconds.
    pub fn kiosk_idle(&self) -> (i64, i64) {
        let get = |v: &Option<Spanned<u32>>, default| v.as_ref().map_or(default, |s| i64::from(*s.get_ref()));
        (get(&self.kiosk.idle_warning_secs, 90), get(&self.kiosk.idle_reset_secs, 120))
    }

    /// The largest file `tiyan attach` and `A` take, in bytes.
    pub fn attachment_cap(&self) -> u64 {
        self.attachments
            .max_file_mib
            .as_ref()
            .map_or(crate::domain::attachment::DEFAULT_MAX_BYTES, |m| u64::from(*m.get_ref()) << 20)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::{FileKind, ReadError, read_text};
    use crate::i18n::{Lang, Strings};

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
