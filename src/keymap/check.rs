//! Warnings about bindings that are valid but will not do what the file suggests: a screen key
//! hiding a [global] key, and printable keys bound where they are typed as text.

use std::collections::HashMap;

use super::action::{Action, Layer};
use super::parse::ParsedLayer;
use super::{KeyChord, Keymap};
use crate::problem::Report;

/// The ways out and the ways to save: a layer the file replaces must keep a key for each, or
/// the user could be locked in (no quit, a form that cannot be left). An error, so the whole
/// file is refused and the defaults stay in force.
const ESSENTIALS: &[(Layer, &[Action])] = &[
    (Layer::Global, &[Action::Quit]),
    (Layer::Form, &[Action::Save, Action::Cancel, Action::NextField]),
    (Layer::Capture, &[Action::Submit, Action::Cancel]),
    (Layer::Dialog, &[Action::Yes, Action::No]),
    (Layer::Help, &[Action::Close]),
    (Layer::SessionPage, &[Action::Back]),
    (Layer::Checklist, &[Action::Back]),
    (Layer::Board, &[Action::Back]),
    (Layer::Walk, &[Action::Back]),
    (Layer::Stats, &[Action::Back]),
    (Layer::Finding, &[Action::Back]),
    (Layer::Ledger, &[Action::Back]),
    (Layer::Reminders, &[Action::Back]),
    (Layer::Officers, &[Action::Back]),
    (Layer::Sync, &[Action::Back]),
];

pub(crate) fn require_essentials(merged: &Keymap, parsed: &[ParsedLayer], report: &mut Report) {
    for parsed_layer in parsed {
        let layer = parsed_layer.layer;
        let Some((_, actions)) = ESSENTIALS.iter().find(|(l, _)| *l == layer) else { continue };
        let span = parsed_layer.bindings.first().map(|b| b.key_span.clone()).unwrap_or(0..0);
        for action in *actions {
            if merged.keys_for(layer, *action).is_empty() {
                report.error(span.clone(), format!("[{layer}] has no key for \"{action}\", which must stay reachable"));
            }
        }
    }
}

/// Warns about the bindings in force (`merged`), pointing into the file that was parsed
/// (`parsed`). A conflict between two layers is reported at the side written in that file.
pub(crate) fn warn_about(merged: &Keymap, parsed: &[ParsedLayer], report: &mut Report) {
    // Looked up once per binding of every layer: a map, or a long [global] makes this quadratic.
    let global: HashMap<KeyChord, Action> = merged.layer(Layer::Global).iter().copied().collect();
    for parsed_layer in parsed {
        let layer = parsed_layer.layer;
        if layer == Layer::Global {
            warn_global_keys_hidden_by_kept_layers(merged, parsed, parsed_layer, report);
            continue;
        }
        for binding in &parsed_layer.bindings {
            let key = report.source(binding.key_span.clone()).to_string();
            if layer.is_text_entry() && binding.chord.is_printable() {
                report.warning(
                    binding.key_span.clone(),
                    format!("{key} is typed as text in [{layer}], so \"{}\" is never triggered by it", binding.action),
                );
                continue;
            }
            let Some(&global_action) = global.get(&binding.chord) else {
                continue;
            };
            if global_action != binding.action && !binding.action.dismisses() {
                report.warning(
                    binding.key_span.clone(),
                    format!(
                        "{key} in [{layer}] (\"{}\") shadows the same key in [global] (\"{}\"); \
                         [{layer}] wins there",
                        binding.action, global_action
                    ),
                );
            }
        }
    }
}

/// A new [global] key can collide with a layer this file leaves at its defaults.
fn warn_global_keys_hidden_by_kept_layers(
    merged: &Keymap,
    parsed: &[ParsedLayer],
    global: &ParsedLayer,
    report: &mut Report,
) {
    let kept_layers = Layer::ALL
        .into_iter()
        .filter(|layer| *layer != Layer::Global)
        .filter(|layer| parsed.iter().all(|parsed_layer| parsed_layer.layer != *layer));
    for layer in kept_layers {
        let bound: HashMap<KeyChord, Action> = merged.layer(layer).iter().copied().collect();
        for binding in &global.bindings {
            if layer.is_text_entry() && binding.chord.is_printable() {
                continue;
            }
            let Some(&layer_action) = bound.get(&binding.chord) else {
                continue;
            };
            if layer_action != binding.action && !layer_action.dismisses() {
                let key = report.source(binding.key_span.clone()).to_string();
                report.warning(
                    binding.key_span.clone(),
                    format!(
                        "{key} in [global] (\"{}\") is shadowed by the same key in [{layer}] \
                         (\"{layer_action}\"); [{layer}] wins there",
                        binding.action
                    ),
                );
            }
        }
    }
}
