//! Where things go on the screen, as far as the core must know it: the rows of the frame (the
//! title, a warning, the main area, the status line, which a long notice makes taller), so a
//! page of a list or of the help is what the user sees; the help's box; and the width a form
//! gives its inputs, so up/down/Home/End in a multi-line field move by the rows the user sees.
//! The UI draws with the same numbers (one computation, from the terminal size State knows),
//! so nothing travels back from the last frame into key handling.

use ratatui::layout::Rect;

use super::form::FormState;
use super::state::State;
use super::status_line;
use crate::i18n::{Lang, Strings};
use crate::text;

/// The rows of the frame, top to bottom.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Areas {
    /// The title bar: one row.
    pub title: Rect,
    /// The note on a terminal that cannot show Chinese (see [`warning_lines`]), or no rows.
    pub warning: Rect,
    /// Where screens and overlays are drawn.
    pub main: Rect,
    /// The status line: one row, more for a long notice ([`status_line::rows`]).
    pub status: Rect,
}

/// The frame's rows in `area` (the whole terminal).
pub fn areas(state: &State, area: Rect) -> Areas {
    let row = |y: u16, height: u16| Rect { x: area.x, y, width: area.width, height };
    let warning = (warning_lines(state).len() as u16).min(area.height.saturating_sub(1));
    let status = status_line::rows(state, area.width).min(area.height.saturating_sub(1 + warning));
    let main = area.height.saturating_sub(1 + warning + status);
    Areas {
        title: row(area.y, area.height.min(1)),
        warning: row(area.y + 1, warning),
        main: row(area.y + 1 + warning, main),
        status: row(area.y + 1 + warning + main, status),
    }
}

/// Where screens and overlays are drawn at the terminal's size.
pub fn main_area(state: &State) -> Rect {
    let (width, height) = state.size;
    areas(state, Rect { x: 0, y: 0, width, height }).main
}

/// Rows of a list's chrome inside the main area (its border and header, and one row more):
/// the rest is a page, how far PageUp/PageDown move the cursor or scroll a page of text.
const LIST_CHROME_ROWS: u16 = 4;

/// A page of a list at the terminal's size (see [`LIST_CHROME_ROWS`]).
pub fn page(state: &State) -> usize {
    main_area(state).height.saturating_sub(LIST_CHROME_ROWS) as usize
}

/// The note on a terminal that cannot show Chinese, in English whatever the UI language (the
/// note is there precisely because Chinese may not be readable): why the UI is English and
/// how to force Chinese, or that Chinese was forced. Wrapped to two rows where there is room.
pub fn warning_lines(state: &State) -> Vec<String> {
    if !state.ctx.caps.cjk_warning {
        return Vec::new();
    }
    let key = match state.ctx.lang {
        Lang::En => "app.ascii_warning",
        Lang::Zh => "app.ascii_warning_forced",
    };
    let text = Strings::get(Lang::En).t(key);
    let (w, h) = (state.size.0 as usize, state.size.1);
    let mut rows = text::wrap(text, w.max(1));
    let room = if h >= 20 { 2 } else { 1 };
    if rows.len() > room {
        let rest = rows.split_off(room - 1).join(" ");
        rows.push(text::truncate(&rest, w).into_owned());
    }
    rows
}

/// A rectangle of at most `w`x`h` centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}

/// The help's box in `area` (the main area), and the room for text inside its border.
pub fn help_box(area: Rect) -> (Rect, Rect) {
    let w = area.width.saturating_sub(4).min(72);
    let rect = centered(area, w, area.height);
    let inner = Rect {
        x: rect.x + 1,
        y: rect.y + 1,
        width: rect.width.saturating_sub(2),
        height: rect.height.saturating_sub(2),
    };
    (rect, inner)
}

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
