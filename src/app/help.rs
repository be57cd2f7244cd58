//! The help overlay as the core knows it: what it says (generated from the keymap in force:
//! the keys of where the user is, then the global ones), how far it scrolls at the terminal's
//! size, and its keys. The UI draws these lines in the box `layout::help_box` gives.

use ratatui::crossterm::event::KeyEvent;

use super::common::global_key;
use super::effect::Effect;
use super::layout;
use super::state::{Overlay, Screen, State};
use crate::keymap::{Action, KeyChord, Layer};
use crate::text;

/// The layers whose keys apply beneath the help overlay, most specific first: where the user
/// is (the overlay beneath the help, else the screen), and the editor's keys in a text field.
fn context_layers(state: &State) -> Vec<Layer> {
    let beneath = state.overlays.iter().rev().find(|o| !matches!(o, Overlay::Help { .. }));
    match state.layer_under(beneath) {
        Some(layer) if layer.is_text_entry() => vec![layer, Layer::Editor],
        Some(layer) => vec![layer],
        None => vec![],
    }
}

/// The help wrapped to `width` columns, each line with whether it is a section title.
pub fn lines(state: &State, width: usize) -> Vec<(String, bool)> {
    let km = &state.ctx.keymap;
    let mut out: Vec<Row> = Vec::new();
    let layers = context_layers(state);
    let typing = layers.contains(&Layer::Editor);
    let one_line = layers.contains(&Layer::Capture);
    // Only keys that work here: printable keys are text while typing, and a one-line field
    // has no line breaks or rows.
    let works = |layer: Layer, action: Action, key: &KeyChord| {
        let typed_as_text = typing && layer == Layer::Global && key.is_printable();
        let needs_rows =
            one_line && layer == Layer::Editor && matches!(action, Action::Newline | Action::Up | Action::Down);
        !typed_as_text && !needs_rows
    };
    let section = |title: String, layer: Layer, skip: &[Action], out: &mut Vec<Row>| {
        out.push(Row::Head(title));
        for (action, keys) in km.bindings(layer).into_iter().filter(|(a, _)| !skip.contains(a)) {
            let keys: Vec<&KeyChord> = keys.iter().filter(|k| works(layer, action, k)).collect();
            if keys.is_empty() {
                continue;
            }
            let s = state.ctx.strings();
            let keys: Vec<String> = keys.iter().map(|k| k.label(s)).collect();
            // An action that means something particular on one screen says so there.
            let desc = crate::keymap::Keymap::describe(s, layer, action);
            out.push(Row::Entry(keys.join(" / "), desc));
        }
        out.push(Row::Text(String::new()));
    };
    for layer in &layers {
        let screen = state.t(&format!("help.layer.{}", layer.name()));
        section(state.ctx.strings().tf("help.screen", &[("screen", screen)]), *layer, &[], &mut out);
    }
    // Keys that are not bindings, and bindings that do something else on the checklist list.
    let notes: &[&str] = match state.overlays.iter().rev().nth(1) {
        Some(Overlay::TemplatePicker { .. }) => &["help.template_picker"],
        Some(Overlay::StagePicker { .. }) => &["help.stage_picker"],
        Some(Overlay::MovePicker { .. }) => &["help.move_picker"],
        None => match state.screen {
            Screen::Checklist { .. } => &["help.count_digits"],
            Screen::SessionPage { .. } => &["help.checklist_pane"],
            Screen::Board { .. } => &["help.board"],
            Screen::Walk { .. } => &["help.walk"],
            Screen::WaitStats => &["help.stats"],
            Screen::Ratings => &["help.ratings"],
            Screen::Officers => &["help.officers"],
            Screen::Finding { .. } => &["help.finding"],
            Screen::Ledger => &["help.ledger"],
            Screen::Reminders => &["help.reminders"],
            Screen::Sync => &["help.sync"],
            Screen::Sessions => &[],
        },
        _ => &[],
    };
    for note in notes {
        out.extend([Row::Text(state.t(note).to_string()), Row::Text(String::new())]);
    }
    if layers.contains(&Layer::Form) {
        // The pick list is transient and keeps fixed keys (arrows, Enter, Esc); typing filters it.
        out.extend([Row::Text(state.t("help.picker").to_string()), Row::Text(String::new())]);
    }
    // Over the list of templates, quick capture does not work (the list is modal).
    let picker = state.overlays.iter().any(|o| {
        matches!(
            o,
            Overlay::TemplatePicker { .. }
                | Overlay::DocumentPicker { .. }
                | Overlay::StagePicker { .. }
                | Overlay::MovePicker { .. }
                | Overlay::ResolvePicker { .. }
                | Overlay::AttachmentPicker { .. }
        )
    });
    let skip: &[Action] = if picker { &[Action::Capture] } else { &[] };
    section(state.t("help.global").to_string(), Layer::Global, skip, &mut out);
    // One key column for the whole help, as wide as its widest keys (within limits).
    let widest = out.iter().filter_map(|r| if let Row::Entry(k, _) = r { Some(text::width(k)) } else { None }).max();
    let key_col = widest.unwrap_or(0).min(KEY_COLUMN).min(width / 2);
    let mut lines = Vec::new();
    for row in out {
        match row {
            Row::Head(title) => lines.extend(text::wrap(&title, width.max(1)).into_iter().map(|l| (l, true))),
            Row::Entry(keys, desc) => lines.extend(entry(&keys, desc, key_col, width).into_iter().map(|l| (l, false))),
            Row::Text(t) => lines.extend(text::wrap(&t, width.max(1)).into_iter().map(|l| (l, false))),
        }
    }
    lines
}

/// The widest the key column gets; longer key lists are cut with `..`.
const KEY_COLUMN: usize = 18;

/// What the help says, before it is wrapped to the box.
enum Row {
    /// A section's title.
    Head(String),
    /// A binding: its keys, and what they do.
    Entry(String, &'static str),
    /// A note (or a blank line between sections).
    Text(String),
}

/// One binding: the keys in a column of `key_col`, the description beside them, wrapped by
/// display width onto following rows indented under the description, so nothing is cut.
fn entry(keys: &str, desc: &str, key_col: usize, width: usize) -> Vec<String> {
    let left = text::pad(keys, key_col);
    let desc_width = width.saturating_sub(key_col + 2).max(1);
    let indent = " ".repeat(key_col + 2);
    text::wrap(desc, desc_width)
        .into_iter()
        .enumerate()
        .map(|(i, row)| if i == 0 { format!("{left}  {row}") } else { format!("{indent}{row}") })
        .collect()
}

/// How far the help can scroll at the terminal's size: the last page shows the last line.
pub fn max_scroll(state: &State) -> usize {
    let (_, inner) = layout::help_box(layout::main_area(state));
    lines(state, inner.width as usize).len().saturating_sub(inner.height as usize)
}

/// A key while the help is open: it scrolls no further than the last page, so Up after End
/// moves at once.
pub(super) fn key(state: &mut State, key: &KeyEvent) -> Vec<Effect> {
    let action = state.ctx.keymap.lookup(Layer::Help, key);
    let last = max_scroll(state).min(u16::MAX as usize) as u16;
    let page = layout::page(state).max(1) as u16;
    if let Some(Overlay::Help { scroll }) = state.overlays.last_mut() {
        match action {
            Some(Action::Close) => {
                state.overlays.pop();
            }
            Some(Action::Up) => *scroll = scroll.saturating_sub(1),
            Some(Action::Down) => *scroll = scroll.saturating_add(1).min(last),
            Some(Action::PageUp) => *scroll = scroll.saturating_sub(page),
            Some(Action::PageDown) => *scroll = scroll.saturating_add(page).min(last),
            Some(Action::Top) => *scroll = 0,
            Some(Action::Bottom) => *scroll = last,
            _ => return global_key(state, key, false),
        }
    }
    vec![]
}

#[cfg(test)]
mod tests {
    use super::entry;

    #[test]
    fn a_long_description_wraps_under_its_column() {
        let rows = entry("u", "恢复本次运行中最近删除的体验活动", 10, 34);
        assert_eq!(rows, ["u           恢复本次运行中最近删除", "            的体验活动"]);
        for row in entry("Tab", "switch between the checklists and the findings", 10, 34) {
            assert!(crate::text::width(&row) <= 34, "{row}");
        }
        assert_eq!(entry("Enter", "打开", 18, 70), ["Enter               打开"]);
    }
}
