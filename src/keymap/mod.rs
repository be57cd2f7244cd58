//! Keymaps: which key does what, per layer.
//!
//! Files are key-first TOML, one table per [`Layer`], each key mapped to one [`Action`]:
//!
//! ```toml
//! [global]
//! "q" = "quit"
//! "ctrl-c" = "quit"
//! ```
//!
//! Being key-first, TOML itself rejects a key written twice in a layer; keys that differ only
//! in spelling ("esc", "escape") are caught after [`KeyChord`] normalization. The shipped
//! default is compiled in; a user file replaces whole layers of it. A user file with any
//! error is ignored entirely, so a typo never leaves the app with half a keymap.
//!
//! Lookup is per layer; the caller chooses the order (screen layer, then [global]) and, in
//! text-entry layers, types printable keys as text before looking anything up.
//!
//! Shadowing (a screen key hiding a different [global] action) is a warning, except for
//! actions that leave the screen ([`Action::dismisses`]): `q` closing help instead of quitting
//! is intended.

mod action;
mod check;
mod describe;
mod key;
mod parse;

use std::path::Path;
use std::sync::OnceLock;

use ratatui::crossterm::event::{KeyEvent, KeyEventKind};

pub use crate::problem::{Problem, Severity};
pub use action::{Action, Layer};
pub use key::KeyChord;

use crate::files::{MAX_CONFIG_BYTES, ReadError, read_text};
use crate::problem::Report;
use parse::ParsedLayer;

/// The shipped keymap, compiled in.
pub const DEFAULT_TOML: &str = include_str!("../../keymaps/default.toml");

const DEFAULT_NAME: &str = "keymaps/default.toml";

/// The bindings in force, per layer. Each layer is kept in action order (as
/// [`Layer::actions`] lists them), and each action's keys in the order they were written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keymap {
    layers: [Vec<(KeyChord, Action)>; Layer::ALL.len()],
}

impl Keymap {
    /// The compiled-in default keymap.
    pub fn builtin() -> Keymap {
        static BUILTIN: OnceLock<Keymap> = OnceLock::new();
        BUILTIN.get_or_init(|| resolve(&Keymap::default(), DEFAULT_NAME, DEFAULT_TOML).0).clone()
    }

    /// The defaults with every layer of `user_file` replacing the default layer of that name.
    /// A file with any error is ignored (defaults only) and its problems returned; warnings
    /// are returned too but do not stop the file. A missing file is not a problem.
    pub fn load(user_file: Option<&Path>) -> (Keymap, Vec<Problem>) {
        let builtin = Keymap::builtin();
        let Some(path) = user_file else {
            return (builtin, Vec::new());
        };
        let name = path.display().to_string();
        let text = match read_user(path) {
            Ok(Some(text)) => text,
            Ok(None) => return (builtin, Vec::new()),
            Err(problem) => return (builtin, vec![problem]),
        };
        let (merged, problems) = resolve(&builtin, &name, &text);
        if problems.iter().any(Problem::is_error) { (builtin, problems) } else { (merged, problems) }
    }

    /// Problems of a user keymap file, as [`Keymap::load`] would see them. Unlike `load`, a
    /// missing file is an error here: it was named to be checked.
    pub fn check_file(path: &Path) -> Vec<Problem> {
        Keymap::check_user_file(path)
            .unwrap_or_else(|| vec![Problem::whole_file(&path.display().to_string(), ReadError::Missing.to_string())])
    }

    /// Problems of a user keymap file exactly as [`Keymap::load`] sees them (the same reader,
    /// the same messages); None when there is no file, which `load` takes for the defaults.
    pub fn check_user_file(path: &Path) -> Option<Vec<Problem>> {
        match read_user(path) {
            Ok(Some(text)) => Some(Keymap::check_str(&path.display().to_string(), &text)),
            Ok(None) => None,
            Err(problem) => Some(vec![problem]),
        }
    }

    /// Problems of user keymap `text`, reported under the file name `name`.
    pub fn check_str(name: &str, text: &str) -> Vec<Problem> {
        resolve(&Keymap::builtin(), name, text).1
    }

    /// The action `key` triggers in `layer` alone. Key releases trigger nothing.
    pub fn lookup(&self, layer: Layer, key: &KeyEvent) -> Option<Action> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        self.action_for(layer, &KeyChord::from_event(key))
    }

    /// The action a normalized chord triggers in `layer` alone.
    pub fn action_for(&self, layer: Layer, chord: &KeyChord) -> Option<Action> {
        self.layer(layer).iter().find(|(bound, _)| bound == chord).map(|(_, action)| *action)
    }

    fn layer(&self, layer: Layer) -> &[(KeyChord, Action)] {
        &self.layers[layer.index()]
    }
}

/// `base` with the layers of `text` replacing its own, and every problem in `text`.
fn resolve(base: &Keymap, name: &str, text: &str) -> (Keymap, Vec<Problem>) {
    let mut report = Report::new(name, text);
    let parsed = parse::parse_keymap(text, &mut report);
    let merged = replace_layers(base, &parsed);
    if !report.has_errors() {
        check::require_essentials(&merged, &parsed, &mut report);
        check::warn_about(&merged, &parsed, &mut report);
    }
    (merged, report.finish())
}

fn replace_layers(base: &Keymap, parsed: &[ParsedLayer]) -> Keymap {
    let mut merged = base.clone();
    for parsed_layer in parsed {
        let layer = parsed_layer.layer;
        let mut bindings: Vec<(KeyChord, Action)> =
            parsed_layer.bindings.iter().map(|binding| (binding.chord, binding.action)).collect();
        // Canonical order (by action, then as written) so equal keymaps compare equal.
        bindings.sort_by_key(|(_, action)| layer.actions().iter().position(|a| a == action));
        merged.layers[layer.index()] = bindings;
    }
    merged
}

/// The user file's text (None when there is none) or why it cannot be read: only a regular
/// file of at most [`MAX_CONFIG_BYTES`].
fn read_user(path: &Path) -> Result<Option<String>, Problem> {
    match read_text(path, MAX_CONFIG_BYTES) {
        Ok(text) => Ok(Some(text)),
        Err(ReadError::Missing) => Ok(None),
        Err(error) => Err(Problem::whole_file(&path.display().to_string(), format!("cannot read keymap: {error}"))),
    }
}
