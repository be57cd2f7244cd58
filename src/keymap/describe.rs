//! The keymap in force, described: for the help overlay, key hints and `tiyan keymap show`.

use std::fmt::Write;

use super::{Action, KeyChord, Keymap, Layer};

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
