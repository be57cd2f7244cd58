//! What every command needs: paths, language, config, keymap, and opening the store with
//! errors a person can act on.

use crate::app::Context;
use crate::config::Config;
use crate::i18n::{Lang, Strings};
use crate::keymap::{Keymap, Problem};
use crate::paths::Paths;
use crate::store::{Store, StoreError};
use crate::term::caps::Caps;

use super::Cli;

pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl CliError {
    pub fn new(code: u8, message: impl Into<String>) -> CliError {
        CliError { code, message: message.into() }
    }
}

/// Exit code when the profile is locked by another process.
pub const EXIT_LOCKED: u8 = 2;

pub struct Setup {
    pub paths: Paths,
    pub lang: Lang,
    /// Problems with the config and holidays files, shown but not fatal.
    pub warnings: Vec<String>,
    /// Wait thresholds from the config file (the defaults when it has none or is broken).
    pub waits: crate::config::WaitRules,
}

impl Setup {
    pub fn resolve(cli: &Cli) -> Result<Setup, CliError> {
        let paths = Paths::resolve(cli.home.as_deref(), cli.profile.as_deref()).map_err(|e| CliError::new(1, e))?;
        let mut warnings = Vec::new();
        let config = Config::load(&paths.config_file()).unwrap_or_else(|e| {
            warnings.push(e);
            Config::default()
        });
        // Before anything offers or stores a unit; a broken file keeps the shipped list.
        if let Err(e) = crate::assets::use_user_units(&paths.units_file()) {
            warnings.push(e);
        }
        let env_lang =
            ["LC_ALL", "LC_MESSAGES", "LANG"].iter().find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()));
        // The TUI on a terminal that cannot show Chinese defaults to English; command output
        // (often redirected to a file) keeps the locale's language.
        let shows_chinese = cli.command.is_some() || crate::term::caps::terminal_shows_chinese();
        let lang =
            Lang::detect_for_terminal(cli.lang.as_deref(), config.lang.as_deref(), env_lang.as_deref(), shows_chinese)
                .map_err(|e| CliError::new(1, e))?;
        // A broken file was refused whole by `load`, so its rules are the defaults.
        let waits = config.wait_rules().unwrap_or_default();
        // Before anything reads the calendar; a broken holidays.toml falls back to the shipped one.
        warnings.extend(crate::holidays::install(&paths.config_dir, lang));
        Ok(Setup { paths, lang, warnings, waits })
    }

    pub fn strings(&self) -> &'static Strings {
        Strings::get(self.lang)
    }

    pub fn open_store(&self) -> Result<Store, CliError> {
        Store::open(&self.paths.store_file()).map_err(|e| self.store_error(e))
    }

    pub fn store_error(&self, e: StoreError) -> CliError {
        match e {
            StoreError::AlreadyOpen { pid, .. } => {
                let pid = pid.map(|p| self.strings().tf("error.pid", &[("pid", &p.to_string())])).unwrap_or_default();
                let msg = self.strings().tf("error.profile_locked", &[("name", &self.paths.profile), ("pid", &pid)]);
                CliError::new(EXIT_LOCKED, msg)
            }
            other => CliError::new(1, format!("{}: {other}", self.paths.store_file().display())),
        }
    }

    /// The keymap in force: defaults overridden by the user file, with its problems.
    pub fn keymap(&self) -> (Keymap, Vec<Problem>) {
        Keymap::load(Some(&self.paths.keymap_file()))
    }

    /// What the TUI says on its first frame about a broken config or keymap file (each was
    /// ignored): the config first, else how many keymap problems and the first in full.
    fn startup_notice(&self, keymap_problems: &[Problem]) -> Option<String> {
        let s = self.strings();
        if let Some(error) = self.warnings.first() {
            return Some(s.tf("config.problem", &[("error", error)]));
        }
        let first = keymap_problems.first()?;
        // The status line is narrow: name the file, not its whole path.
        let mut first = first.clone();
        if let Some(name) = std::path::Path::new(&first.file).file_name() {
            first.file = name.to_string_lossy().into_owned();
        }
        let count = s.tf("keymap.problems", &[("n", &keymap_problems.len().to_string())]);
        Some(format!("{count}: {first}"))
    }

    pub fn context(&self, force_ascii: bool) -> Context {
        let (keymap, problems) = self.keymap();
        let startup_notice = self.startup_notice(&problems);
        Context {
            keymap,
            lang: self.lang,
            caps: Caps::detect(force_ascii),
            profile: self.paths.profile.clone(),
            startup_notice,
            templates: crate::checklist::choices(&crate::checklist::load(&self.paths.checklists_dir()), self.lang),
            clock: std::sync::Arc::new(crate::clock::SystemClock::start()),
            waits: self.waits.clone(),
        }
    }
}
