//! Key chords: the normalized form of a key press, parsed from keymap text or taken from a
//! crossterm event, so that both sides compare equal.
//!
//! Terminals disagree about SHIFT: for a character key some report `Char('G')` with SHIFT,
//! some without, and with Caps Lock ctrl-c can arrive as `Char('C')`. So a chord keeps the
//! character itself (already shifted) and never SHIFT for characters, and ctrl+letter is
//! always lowercase. Shift+Tab is always `BackTab` without SHIFT.

use std::fmt;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A normalized key plus modifiers. Compare chords, never raw events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyChord {
    code: KeyCode,
    modifiers: KeyModifiers,
}

/// Modifier prefixes in canonical order, as written in keymap files.
const MODIFIER_NAMES: [(&str, KeyModifiers); 3] =
    [("ctrl", KeyModifiers::CONTROL), ("alt", KeyModifiers::ALT), ("shift", KeyModifiers::SHIFT)];

/// Modifiers that keymap files cannot name; shown so a chord still prints distinctly.
const OTHER_MODIFIER_NAMES: [(&str, KeyModifiers); 3] =
    [("super", KeyModifiers::SUPER), ("hyper", KeyModifiers::HYPER), ("meta", KeyModifiers::META)];

/// Key names other than single characters and f1..f12, with their aliases.
const NAMED_KEYS: [(&str, KeyCode); 18] = [
    ("space", KeyCode::Char(' ')),
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("escape", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("del", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
];

const HIGHEST_FUNCTION_KEY: u8 = 12;

impl KeyChord {
    /// Builds a chord from any code and modifiers, normalizing them.
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> KeyChord {
        let mut code = code;
        let mut modifiers = modifiers;
        match code {
            KeyCode::Char(mut c) => {
                // Some terminals (kitty protocol) send shift+a as 'a' with SHIFT.
                if modifiers.contains(KeyModifiers::SHIFT) {
                    c = single_char_case(c, char::to_uppercase);
                }
                modifiers.remove(KeyModifiers::SHIFT);
                // ctrl+letter cannot be told apart by case on most terminals.
                if modifiers.contains(KeyModifiers::CONTROL) {
                    c = single_char_case(c, char::to_lowercase);
                }
                code = KeyCode::Char(c);
            }
            KeyCode::Tab if modifiers.contains(KeyModifiers::SHIFT) => {
                code = KeyCode::BackTab;
                modifiers.remove(KeyModifiers::SHIFT);
            }
            KeyCode::BackTab => modifiers.remove(KeyModifiers::SHIFT),
            _ => {}
        }
        KeyChord { code, modifiers }
    }

    /// The chord a key event stands for. The event kind (press, repeat, release) is not looked
    /// at here; callers drop releases.
    pub fn from_event(event: &KeyEvent) -> KeyChord {
        KeyChord::new(event.code, event.modifiers)
    }

    pub fn code(&self) -> KeyCode {
        self.code
    }

    pub fn modifiers(&self) -> KeyModifiers {
        self.modifiers
    }

    /// A key that types a character into a text field (no ctrl/alt).
    pub fn is_printable(&self) -> bool {
        let typing_modifiers =
            KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SUPER | KeyModifiers::HYPER | KeyModifiers::META;
        matches!(self.code, KeyCode::Char(c) if !c.is_control()) && !self.modifiers.intersects(typing_modifiers)
    }

    /// Parses keymap text such as `"ctrl-s"`, `"G"`, `"pagedown"`, `"alt-enter"`.
    pub fn parse(text: &str) -> Result<KeyChord, String> {
        if text.is_empty() {
            return Err("empty key name".to_string());
        }
        let mut rest = text;
        let mut modifiers = KeyModifiers::NONE;
        'prefixes: loop {
            for (name, modifier) in MODIFIER_NAMES.iter().chain(&OTHER_MODIFIER_NAMES) {
                let Some(after) = strip_prefix_ignore_case(rest, name).and_then(|after| after.strip_prefix('-')) else {
                    continue;
                };
                if after.is_empty() {
                    return Err(format!("missing key after \"{name}-\" in \"{text}\""));
                }
                if modifiers.contains(*modifier) {
                    return Err(format!("modifier \"{name}\" given twice in \"{text}\""));
                }
                modifiers |= *modifier;
                rest = after;
                continue 'prefixes;
            }
            break;
        }
        let code = parse_code(rest).ok_or_else(|| {
            format!(
                "unknown key \"{rest}\": expected one character or a key name (space, enter, \
                 esc, tab, backtab, backspace, delete, insert, home, end, pageup, pagedown, \
                 up, down, left, right, f1..f12), optionally after ctrl-, alt-, shift-"
            )
        })?;
        Ok(KeyChord::new(code, modifiers))
    }
}

fn parse_code(text: &str) -> Option<KeyCode> {
    let mut chars = text.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        // One character is that character, case and all; control characters need a name.
        return match c {
            ' ' => Some(KeyCode::Char(' ')),
            c if c.is_control() => None,
            c => Some(KeyCode::Char(c)),
        };
    }
    let lower = text.to_ascii_lowercase();
    if let Some((_, code)) = NAMED_KEYS.iter().find(|(name, _)| *name == lower) {
        return Some(*code);
    }
    let number = lower.strip_prefix('f')?;
    if number.starts_with('0') || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number: u8 = number.parse().ok()?;
    (1..=HIGHEST_FUNCTION_KEY).contains(&number).then_some(KeyCode::F(number))
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

/// Changes case only when the result is one character ('ß' uppercases to "SS": keep it).
fn single_char_case<I: Iterator<Item = char>>(c: char, convert: fn(char) -> I) -> char {
    let mut converted = convert(c);
    match (converted.next(), converted.next()) {
        (Some(single), None) => single,
        _ => c,
    }
}

impl fmt::Display for KeyChord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (name, modifier) in MODIFIER_NAMES.iter().chain(&OTHER_MODIFIER_NAMES) {
            if self.modifiers.contains(*modifier) {
                write!(f, "{name}-")?;
            }
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(number) => write!(f, "f{number}"),
            code => match NAMED_KEYS.iter().find(|(_, named)| *named == code) {
                Some((name, _)) => f.write_str(name),
                // Keys a keymap cannot name (media keys, caps lock …) never match a binding.
                None => write!(f, "{}", format!("{code:?}").to_lowercase()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chord(text: &str) -> KeyChord {
        KeyChord::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn canonical_text_round_trips() {
        for text in [
            "a",
            "G",
            "?",
            "，",
            "体",
            "-",
            "space",
            "enter",
            "esc",
            "tab",
            "backtab",
            "backspace",
            "delete",
            "insert",
            "home",
            "end",
            "pageup",
            "pagedown",
            "up",
            "down",
            "left",
            "right",
            "f1",
            "f12",
            "ctrl-s",
            "alt-b",
            "ctrl-alt-x",
            "alt-enter",
            "shift-up",
            "ctrl--",
            "alt-G",
        ] {
            assert_eq!(chord(text).to_string(), text);
        }
    }

    #[test]
    fn aliases_and_spellings_normalize() {
        assert_eq!(chord("escape"), chord("esc"));
        assert_eq!(chord("del"), chord("delete"));
        assert_eq!(chord("shift-tab"), chord("backtab"));
        assert_eq!(chord("shift-a"), chord("A"));
        assert_eq!(chord("shift-?"), chord("?"));
        assert_eq!(chord("ctrl-C"), chord("ctrl-c"));
        assert_eq!(chord("ctrl-shift-c"), chord("ctrl-c"));
        assert_eq!(chord("alt-ctrl-x"), chord("ctrl-alt-x"));
        assert_eq!(chord("Ctrl-Enter"), chord("ctrl-enter"));
        assert_eq!(chord(" "), chord("space"));
        assert_ne!(chord("g"), chord("G"));
    }

    #[test]
    fn bad_keys_are_errors() {
        for text in ["", "ctrl-", "ctrl-ctrl-a", "enterr", "f0", "f13", "f01", "ab", "\t", "ctrl-f99x"] {
            assert!(KeyChord::parse(text).is_err(), "{text:?} parsed");
        }
    }

    #[test]
    fn printable_means_typed_as_text() {
        assert!(chord("a").is_printable());
        assert!(chord("space").is_printable());
        assert!(chord("，").is_printable());
        assert!(!chord("ctrl-a").is_printable());
        assert!(!chord("alt-a").is_printable());
        assert!(!chord("enter").is_printable());
    }
}
