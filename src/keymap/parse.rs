//! Reads keymap TOML into layers of bindings that remember where each key was written, and
//! reports every error with its position: syntax, unknown layers, bad keys, bad or misplaced
//! actions, and keys bound twice once normalized.
//!
//! `toml::de::DeTable` keeps the byte span of every key and value (`toml::Spanned`), which a
//! serde struct would lose; that is what lets a bad action point at its value and a bad key
//! at the key.

use std::collections::HashMap;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use super::action::{Action, Layer};
use super::key::KeyChord;
use crate::problem::{Report, describe_value};

/// One `"key" = "action"` line that passed every check.
#[derive(Debug, Clone)]
pub(crate) struct Binding {
    pub(crate) chord: KeyChord,
    pub(crate) action: Action,
    /// Where the key was written, for warnings found later.
    pub(crate) key_span: Range<usize>,
}

/// A `[layer]` table of a file, its valid bindings in file order.
#[derive(Debug, Clone)]
pub(crate) struct ParsedLayer {
    pub(crate) layer: Layer,
    pub(crate) bindings: Vec<Binding>,
}

/// Parses `text`, adding errors to `report`. The layers returned hold only the valid entries;
/// callers must not use them when the report has errors.
pub(crate) fn parse_keymap(text: &str, report: &mut Report) -> Vec<ParsedLayer> {
    let (document, syntax_errors) = DeTable::parse_recoverable(text);
    if !syntax_errors.is_empty() {
        // What the parser recovered may miss entries; checking it would invent problems.
        for error in syntax_errors {
            let span = error.span().unwrap_or(0..0);
            let mut message = error.message().to_string();
            if message == "duplicate key" {
                if let Some(key) = text.get(span.clone()) {
                    message = format!("duplicate key {key}");
                }
            }
            report.error(span, message);
        }
        return Vec::new();
    }

    let mut layers = Vec::new();
    for (name, value) in in_file_order(document.get_ref()) {
        let Some(layer) = Layer::from_name(name.get_ref()) else {
            report.error(
                name.span(),
                format!(
                    "unknown layer \"{}\" (layers: {})",
                    name.get_ref(),
                    join_names(Layer::ALL.iter().map(|layer| layer.name()))
                ),
            );
            continue;
        };
        let DeValue::Table(table) = value.get_ref() else {
            report.error(
                name.span(),
                format!("\"{layer}\" must be a table written [{layer}], found {}", describe_value(value.get_ref())),
            );
            continue;
        };
        layers.push(ParsedLayer { layer, bindings: parse_layer(layer, table, report) });
    }
    layers
}

fn parse_layer(layer: Layer, table: &DeTable, report: &mut Report) -> Vec<Binding> {
    let mut bindings = Vec::new();
    // Normalized chord → where it was first bound, to catch "esc" next to "escape".
    let mut seen: HashMap<KeyChord, Range<usize>> = HashMap::new();
    for (key, value) in in_file_order(table) {
        let chord = match KeyChord::parse(key.get_ref()) {
            Ok(chord) => Some(chord),
            Err(reason) => {
                report.error(key.span(), format!("in [{layer}]: {reason}"));
                None
            }
        };
        let action = parse_action(layer, value, report);
        let (Some(chord), Some(action)) = (chord, action) else {
            continue;
        };
        if let Some(first) = seen.get(&chord) {
            let first_line = report.line(first.start);
            report.error(
                key.span(),
                format!(
                    "key {} is bound twice in [{layer}]: it is the same key as {} on line \
                     {first_line}",
                    report.source(key.span()),
                    report.source(first.clone())
                ),
            );
            continue;
        }
        seen.insert(chord, key.span());
        bindings.push(Binding { chord, action, key_span: key.span() });
    }
    bindings
}

fn parse_action(layer: Layer, value: &Spanned<DeValue>, report: &mut Report) -> Option<Action> {
    let DeValue::String(name) = value.get_ref() else {
        report.error(
            value.span(),
            format!("expected an action name as a string, found {}", describe_value(value.get_ref())),
        );
        return None;
    };
    // Built only for a message: a file of valid lines should not pay for it on each.
    let valid_here = || join_names(layer.actions().iter().map(|action| action.name()));
    match Action::from_name(name) {
        None => {
            report.error(value.span(), format!("unknown action \"{name}\" (valid in [{layer}]: {})", valid_here()));
            None
        }
        Some(action) if !layer.allows(action) => {
            let message = format!("action \"{name}\" is not valid in [{layer}] (valid here: {})", valid_here());
            report.error(value.span(), message);
            None
        }
        Some(action) => Some(action),
    }
}

type Entry<'t, 'i> = (&'t Spanned<DeString<'i>>, &'t Spanned<DeValue<'i>>);

/// Table entries in the order they were written (the map itself is sorted by name).
fn in_file_order<'t, 'i>(table: &'t DeTable<'i>) -> Vec<Entry<'t, 'i>> {
    let mut entries: Vec<Entry> = table.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    entries
}

fn join_names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}
