//! The keymap in force, described: for the help overlay, key hints and `tiyan keymap show`.
//!
//! Files and `keymap show` spell keys as keymap files do (`pageup`, `esc`); people read them
//! as the keycaps are printed (`PgUp`, `Esc`, `Ctrl-S`), arrows named in the UI language (the
//! arrow glyphs are ambiguous-width and break CJK terminals).

use std::fmt::Write;

use ratatui::crossterm::event::{KeyCode, KeyModifiers};

use super::{Action, KeyChord, Keymap, Layer};
use crate::i18n::Strings;

impl KeyChord {
    /// The key as a person reads it, for help and hints: "Ctrl-S", "PgUp", "Esc", "空格", "G".
    pub fn label(&self, strings: &Strings) -> String {
        let mut out = String::new();
        for (name, modifier) in
            [("Ctrl-", KeyModifiers::CONTROL), ("Alt-", KeyModifiers::ALT), ("Shift-", KeyModifiers::SHIFT)]
        {
            if self.modifiers().contains(modifier) {
                out.push_str(name);
            }
        }
        let named = |key: &str| strings.t(&format!("key.{key}")).to_string();
        let code = match self.code() {
            KeyCode::Char(' ') => named("space"),
            // With Ctrl or Alt a letter reads as on the keycap.
            KeyCode::Char(c) if !out.is_empty() => c.to_uppercase().collect(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Delete => "Del".into(),
            KeyCode::Insert => "Ins".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Up => named("up"),
            KeyCode::Down => named("down"),
            KeyCode::Left => named("left"),
            KeyCode::Right => named("right"),
            _ => return self.to_string(),
        };
        out.push_str(&code);
        out
    }
}

impl Keymap {
    /// The bound actions of `layer` in the layer's action order, each with its keys in the
    /// order they were written. Unbound actions are left out.
    pub fn bindings(&self, layer: Layer) -> Vec<(Action, Vec<KeyChord>)> {
        layer
            .actions()
            .iter()
            .map(|action| (*action, self.keys_for(layer, *action)))
            .filter(|(_, keys)| !keys.is_empty())
            .collect()
    }

    /// The keys bound to `action` in `layer`, first-written first (the one to show in hints).
    pub fn keys_for(&self, layer: Layer, action: Action) -> Vec<KeyChord> {
        self.layer(layer).iter().filter(|(_, bound)| *bound == action).map(|(chord, _)| *chord).collect()
    }

    /// What `action` does in `layer`, as help, hints and README say it: a screen's own wording
    /// when the action means something particular there (`layer_action.*`), else the action's.
    pub fn describe(strings: &Strings, layer: Layer, action: Action) -> &'static str {
        strings
            .lookup(&format!("layer_action.{}.{}", layer.name(), action.name()))
            .unwrap_or_else(|| strings.t(&format!("action.{}", action.name())))
    }

    /// The bindings in force as a Markdown table, one row per layer: README's key table is this
    /// output for the built-in keymap (a test compares them, so the two cannot drift).
    pub fn to_markdown(&self, strings: &Strings) -> String {
        let mut out = String::from("| where | keys |\n|---|---|\n");
        for layer in Layer::ALL {
            let entries: Vec<String> = self
                .bindings(layer)
                .into_iter()
                .map(|(action, keys)| {
                    let keys: Vec<String> = keys.iter().map(|k| format!("`{}`", k.label(strings))).collect();
                    format!("{} {}", keys.join(" "), Keymap::describe(strings, layer, action))
                })
                .collect();
            if entries.is_empty() {
                continue;
            }
            let place = strings.t(&format!("help.layer.{}", layer.name()));
            let _ = writeln!(out, "| {place} | {} |", entries.join(" · ").replace('|', "\\|"));
        }
        out
    }

    /// The bindings in force as a complete keymap file.
    pub fn to_toml(&self) -> String {
        let mut out = String::from("# tiyan keymap: the bindings in force.\n");
        for layer in Layer::ALL {
            let _ = write!(out, "\n[{layer}]\n");
            for (action, keys) in self.bindings(layer) {
                for key in keys {
                    let _ = writeln!(out, "{} = \"{action}\"", quoted(&key.to_string()));
                }
            }
        }
        out
    }
}

/// A TOML basic string. Canonical key names hold no control characters, but stay safe.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
