//! Where things go on the screen, as far as the core must know it: the width a form gives its
//! inputs, so up/down/Home/End in a multi-line field move by the rows the user sees. The UI
//! draws with the same numbers (one computation, from the terminal size State knows), so
//! nothing travels back from the last frame into key handling.

use super::form::FormState;
use crate::i18n::Strings;
use crate::text;

/// The label column is as wide as the widest label, up to this and two fifths of the box.
pub const MAX_LABEL_WIDTH: u16 = 16;

/// A form's columns across the area it is drawn in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormColumns {
    /// Width of the box, borders included, centered in the area.
    pub box_width: u16,
    /// Width of the label column inside the box.
    pub label_width: u16,
    /// Width of every input, right of the labels.
    pub input_width: u16,
}

/// On a large terminal the box fits its fields and leaves the list beneath in view (centered,
/// narrower by 8); on a small one it takes the whole width.
pub fn is_boxed(size: (u16, u16)) -> bool {
    size.0 >= 70 && size.1 >= 22
}

pub fn form_columns(size: (u16, u16), form: &FormState, strings: &Strings) -> FormColumns {
    let box_width = if is_boxed(size) { size.0 - 8 } else { size.0 };
    let inner = box_width.saturating_sub(2);
    let widest =
        form.fields.iter().map(|f| text::width(strings.t(f.label)) + usize::from(f.required)).max().unwrap_or(0);
    let label_width = (widest as u16).min(MAX_LABEL_WIDTH).min(inner * 2 / 5);
    FormColumns { box_width, label_width, input_width: inner.saturating_sub(label_width + 1) }
}
