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

    /// Refused or bad input: exit 1.
    pub fn refused(message: impl Into<String>) -> CliError {
        CliError::new(super::exit::REFUSED, message)
    }
}

/// Exit code when the profile is locked by another process (see [`super::exit`]).
pub const EXIT_LOCKED: u8 = super::exit::LOCKED;

pub struct Setup {
    pub paths: Paths,
    pub lang: Lang,
    /// Problems with the config, units and holidays files, each a whole message in the
    /// user's language; shown (the TUI's first frame, a command's stderr) but not fatal.
    pub warnings: Vec<String>,
    /// Wait thresholds from the config file (the defaults when it has none or is broken).
    pub waits: crate::config::WaitRules,
    /// The largest photo or scan attached, in bytes (`[attachments] max_file_mib`).
    pub attach_cap: u64,
    /// The kiosk's idle warning and reset, in seconds (`[kiosk]`).
    pub kiosk_idle: (i64, i64),
}

impl Setup {
    pub fn resolve(cli: &Cli) -> Result<Setup, CliError> {
        // A profile name becomes a folder and is printed in messages: no control characters.
        if let Some(bad) = cli.profile.as_deref().and_then(|p| crate::text::check_name(p).err()) {
            let lang =
                Lang::detect(cli.lang.as_deref(), None, crate::i18n::env_locale().as_deref()).unwrap_or_default();
            let args = [("flag", "--profile"), ("code", &bad.code_point()), ("pos", &(bad.index + 1).to_string())];
            return Err(CliError::refused(Strings::get(lang).tf("cli.bad_char", &args)));
        }
        let paths = Paths::resolve(cli.home.as_deref(), cli.profile.as_deref()).map_err(CliError::refused)?;
        // The config names the language, so its problems are put into words after it is known
        // (from the command line or the locale when the config is broken).
        let config = Config::load(&paths.config_file());
        let env_lang = crate::i18n::env_locale();
        let config_lang = config.as_ref().ok().and_then(|c| c.lang.as_deref());
        // The TUI on a terminal that cannot show Chinese defaults to English, and so does a
        // command printing to one; output going to a file or a pipe keeps the locale's
        // language (Chinese when the locale names none, as under C/POSIX).
        let to_a_terminal = cli.command.is_none() || std::io::IsTerminal::is_terminal(&std::io::stdout());
        let shows_chinese = !to_a_terminal || crate::term::caps::terminal_shows_chinese();
        let lang = Lang::detect_for_terminal(cli.lang.as_deref(), config_lang, env_lang.as_deref(), shows_chinese)
            .map_err(CliError::refused)?;
        let s = Strings::get(lang);
        let mut warnings = Vec::new();
        let config = config.unwrap_or_else(|e| {
            warnings.push(s.tf("config.problem", &[("error", &e.message(s))]));
            Config::default()
        });
        // Before anything offers or stores a unit; a broken file keeps the shipped list.
        if let Err(e) = crate::vocab::use_user_units(&paths.units_file()) {
            warnings.push(s.tf("units.problem", &[("error", &e.message(s))]));
        }
        // A broken file was refused whole by `load`, so its rules are the defaults.
        let waits = config.wait_rules().unwrap_or_default();
        let attach_cap = config.attachment_cap();
        let kiosk_idle = config.kiosk_idle();
        // Before anything reads the calendar; a broken holidays.toml falls back to the shipped one.
        warnings.extend(crate::holidays::install(&paths.config_dir, lang));
        Ok(Setup { paths, lang, warnings, waits, attach_cap, kiosk_idle })
    }

    /// The config files' problems on stderr, each once (commands; the TUI shows the first on
    /// its first frame instead).
    pub fn print_warnings(&self) {
        for warning in &self.warnings {
            super::out::warn(warning);
        }
    }

    pub fn strings(&self) -> &'static Strings {
        Strings::get(self.lang)
    }

    /// Opens the profile for writing, creating it when it does not exist yet (the TUI, `demo`,
    /// `inspector NAME`); the caller says so (`say_if_created`, or the TUI's first frame).
    pub fn open_store(&self) -> Result<Store, CliError> {
        Store::open(&self.paths.store_file()).map_err(|e| self.store_error(e))
    }

    /// `open_store` for the TUI, with its smaller page cache (`Store::open_for_screens`).
    pub fn open_store_for_screens(&self) -> Result<Store, CliError> {
        Store::open_for_screens(&self.paths.store_file()).map_err(|e| self.store_error(e))
    }

    /// A new profile is said on stderr, with where it is: a typo in --home is seen at once.
    pub fn say_if_created(&self, store: &Store) {
        if store.was_created() {
            super::out::warn(&self.created_notice());
        }
    }

    /// "A new profile … was created at …", for the CLI's stderr and the TUI's first frame.
    pub fn created_notice(&self) -> String {
        let dir = self.paths.profile_dir().display().to_string();
        self.strings().tf("profile.created", &[("name", &self.paths.profile), ("path", &dir)])
    }

    /// Opens an existing profile for writing: a command that changes records never makes one.
    pub fn open_store_existing(&self) -> Result<Store, CliError> {
        Store::open_existing(&self.paths.store_file()).map_err(|e| self.store_error(e))
    }

    /// Opens an existing profile for reading only: nothing is created or changed on disk, and
    /// no free space is needed.
    pub fn open_store_read_only(&self) -> Result<Store, CliError> {
        Store::open_read_only(&self.paths.store_file()).map_err(|e| self.store_error(e))
    }

    pub fn store_error(&self, e: StoreError) -> CliError {
        match e {
            StoreError::AlreadyOpen { pid, .. } => {
                let pid = pid.map(|p| self.strings().tf("error.pid", &[("pid", &p.to_string())])).unwrap_or_default();
                let msg = self.strings().tf("error.profile_locked", &[("name", &self.paths.profile), ("pid", &pid)]);
                CliError::new(EXIT_LOCKED, msg)
            }
            other => CliError::new(1, other.localized(self.strings())),
        }
    }

    /// The keymap in force: defaults overridden by the user file, with its problems.
    pub fn keymap(&self) -> (Keymap, Vec<Problem>) {
        Keymap::load(Some(&self.paths.keymap_file()))
    }

    /// What the TUI says on its first frame about a broken config or keymap file (each was
    /// ignored): the config files' first problem, else how many keymap problems and the first
    /// in full.
    fn startup_notice(&self, keymap_problems: &[Problem]) -> Option<String> {
        let s = self.strings();
        if let Some(warning) = self.warnings.first() {
            return Some(warning.clone());
        }
        let first = keymap_problems.first()?;
        // The status line is narrow: name the file, not its whole path.
        let mut first = first.clone();
        if let Some(name) = std::path::Path::new(&first.file).file_name() {
            first.file = name.to_string_lossy().into_owned();
        }
        let (errors, warnings) = crate::problem::totals(keymap_problems);
        let count = s.tf("keymap.problems", &[("n", &(errors + warnings).to_string())]);
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
            ids: std::sync::Arc::new(crate::domain::ids::UlidIds),
            zone: crate::domain::zone::Zone::local(),
            calendar: crate::holidays::calendar(),
            attach_cap: self.attach_cap,
        }
    }
}
