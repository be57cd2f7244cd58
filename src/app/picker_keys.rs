//! The form's pick list at work: opening it on the focused field with that field's options,
//! its keys, and putting the choice into the field (the list itself, ranked as the query is
//! typed, is `picker`'s).
//!
//! Options come from a vocabulary ([`ChoiceList`]) or from names given when it opens
//! ([`Names`]: the inspectors already written into sessions), so one picker serves service
//! items, units and people. Arrows, PageUp/PageDown, Enter and Esc are fixed keys (it is a
//! transient list, not a screen); every other key edits the query through the editor keymap,
//! so IME input, word deletion and the caret work as in any field.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::common::{EditOutcome, edit_key, global_key};
use super::effect::Effect;
use super::form::{FieldKind, FormState, LIST_SEPARATORS, Names, split_list};
use super::picker::{Picker, vocab_options};
use super::state::{Overlay, State};
use crate::pinyin_match::PickKey;
use crate::vocab::ChoiceList;

/// How far PageUp/PageDown move; the list's height is the UI's business, not the core's.
const PAGE: usize = 10;

/// Where a field's options come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Vocab(ChoiceList),
    Names(Names),
}

impl Source {
    /// The field's source, if it has a pick list.
    pub fn of(kind: FieldKind) -> Option<Source> {
        match kind {
            FieldKind::Choice(list) | FieldKind::List(list) => Some(Source::Vocab(list)),
            FieldKind::FreeList(names) => Some(Source::Names(names)),
            FieldKind::Text | FieldKind::MultiLine | FieldKind::Deadline => None,
        }
    }

    /// Whether text that matches no option may still be kept (lists that store codes may not).
    fn accepts_unlisted(self) -> bool {
        match self {
            Source::Vocab(list) => !list.stores_code(),
            Source::Names(_) => true,
        }
    }

    /// Each option's label in the UI language, with the key it is matched by.
    pub fn options(self, state: &State) -> Vec<(String, PickKey)> {
        match self {
            Source::Vocab(list) => vocab_options(list, state.ctx.lang),
            Source::Names(Names::Inspectors) => {
                let mut names: Vec<&str> = Vec::new();
                // The profile's own inspector first: the name most often meant.
                let own = std::iter::once(&state.inspector);
                for name in own.chain(state.sessions.list.iter().flat_map(|s| &s.session.inspectors)) {
                    let name = name.trim();
                    if !name.is_empty() && !names.contains(&name) {
                        names.push(name);
                    }
                }
                names.into_iter().map(|n| (n.to_string(), PickKey::new(n, &[]))).collect()
            }
        }
    }
}

/// Open the pick list of the focused field (if it has one). The query starts from what was
/// typed in the field (the last entry of a list) unless that is a whole option already: then
/// every option is offered with that one under the cursor, to choose again.
pub fn open(state: &mut State) {
    let Some(Overlay::Form(form)) = state.overlays.last() else { return };
    let field = &form.fields[form.focus];
    let Some(source) = Source::of(field.kind) else { return };
    let options = source.options(state);
    let text = field.input.text();
    let is_list = matches!(field.kind, FieldKind::List(_) | FieldKind::FreeList(_));
    let typed = match is_list {
        true if text.trim_end().ends_with(LIST_SEPARATORS) => String::new(),
        true => split_list(text).pop().unwrap_or_default(),
        false => text.trim().to_string(),
    };
    let exact = options.iter().position(|(label, _)| *label == typed);
    let mut picker = Picker::new(options, if exact.is_some() { "" } else { &typed });
    picker.cursor = exact.unwrap_or(0);
    picker.replaces_typed = is_list && exact.is_none() && !typed.is_empty();
    picker.accepts_unlisted = source.accepts_unlisted();
    if let Some(Overlay::Form(form)) = state.overlays.last_mut() {
        form.picker = Some(picker);
    }
}

/// A key while the pick list is open.
pub fn key(state: &mut State, key: &KeyEvent) -> Vec<Effect> {
    let keymap = &state.ctx.keymap;
    let Some(Overlay::Form(form)) = state.overlays.last_mut() else { return vec![] };
    let Some(picker) = form.picker.as_mut() else { return vec![] };
    match key.code {
        KeyCode::Up => picker.move_by(-1),
        KeyCode::Down => picker.move_by(1),
        KeyCode::PageUp => picker.move_by(-(PAGE as isize)),
        KeyCode::PageDown => picker.move_by(PAGE as isize),
        KeyCode::Enter => choose(form),
        KeyCode::Esc => form.picker = None,
        _ => match edit_key(keymap, &mut picker.query, key) {
            EditOutcome::Done => picker.refilter(),
            EditOutcome::Unused(_) => {}
            // Ctrl-C, F1 …: what they do in any text field.
            EditOutcome::NotEditing => return global_key(state, key, true),
        },
    }
    vec![]
}

/// Put the option under the cursor into the field (a list field gains it as its last entry,
/// replacing a partly typed one), or the typed query when nothing matches and the list takes
/// unlisted text. Nothing to put in: the picker stays open.
fn choose(form: &mut FormState) {
    let Some(picker) = form.picker.take() else { return };
    let choice = match picker.selected() {
        Some(label) => label.to_string(),
        None if picker.accepts_unlisted && !picker.query.text().trim().is_empty() => {
            picker.query.text().trim().to_string()
        }
        None => {
            form.picker = Some(picker);
            return;
        }
    };
    let field = form.focused();
    let text = match field.kind {
        FieldKind::List(_) | FieldKind::FreeList(_) => {
            let mut items = split_list(field.input.text());
            if picker.replaces_typed {
                items.pop();
            }
            items.retain(|x| *x != choice);
            items.push(choice);
            items.join("、")
        }
        _ => choice,
    };
    field.input.set_text(&text);
    form.error = None;
}
