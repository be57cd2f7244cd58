//! The form's pick list: a box by the field with the query line on top (the real cursor sits
//! at its caret, so the IME window follows), the match count beside it, and the matching
//! options below, best first, or a note that nothing matches.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::theme::Theme;
use super::widgets;
use crate::app::State;
use crate::app::picker::Picker;
use crate::text;

const PROMPT: &str = "> ";
/// Wide enough for a query of a few characters and the count, however short the options.
const MIN_WIDTH: u16 = 24;
/// Border, query line and one option.
const MIN_HEIGHT: u16 = 4;

/// Draw `picker` for the field at `field` (its input row), inside `bounds`, titled `title`.
pub fn draw(frame: &mut Frame, state: &State, theme: &Theme, bounds: Rect, field: Rect, title: &str, picker: &Picker) {
    let note = match picker.matches() {
        0 if picker.accepts_unlisted() && !picker.query.is_empty() => Some(state.t("picker.none_typed")),
        0 if picker.total() == 0 => Some(state.t("picker.empty")),
        0 => Some(state.t("picker.none")),
        _ => None,
    };
    let rect = place(bounds, field, picker, note);
    if rect.width < 6 || rect.height < 3 {
        return;
    }
    widgets::clear(frame, rect);
    let title = text::truncate(title, usize::from(rect.width) - 4);
    let block = theme.block(format!(" {title} "));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);

    // The query line: prompt, input, and the count at the right ("3/37").
    let count = format!("{}/{}", picker.matches(), picker.total());
    let count_w = (text::width(&count) as u16).min(inner.width / 3);
    let prompt_w = (PROMPT.len() as u16).min(inner.width);
    let buf = frame.buffer_mut();
    buf.set_string(inner.x, inner.y, &PROMPT[..usize::from(prompt_w)], theme.dim());
    let input = Rect {
        x: inner.x + prompt_w,
        y: inner.y,
        width: inner.width.saturating_sub(prompt_w + count_w + 1).max(1),
        height: 1,
    };
    let cursor = super::input::render(&picker.query, input, buf, Style::new());
    let count = text::truncate(&count, usize::from(count_w));
    buf.set_string(inner.x + inner.width - count_w, inner.y, count, theme.dim());

    let list = Rect { y: inner.y + 1, height: inner.height - 1, ..inner };
    let width = usize::from(list.width);
    if let Some(note) = note {
        widgets::dim_note(frame, theme, list, note);
    } else {
        let visible = usize::from(list.height);
        let offset = (picker.cursor + 1).saturating_sub(visible);
        for (row, (i, label)) in picker.shown().enumerate().skip(offset).take(visible).enumerate() {
            let style = if i == picker.cursor { theme.selected() } else { Style::new() };
            let line = Line::from(Span::styled(text::pad(&text::sanitize(label), width), style));
            frame.buffer_mut().set_line(list.x, list.y + row as u16, &line, list.width);
        }
    }
    if let Some(Position { x, y }) = cursor {
        frame.set_cursor_position((x, y));
    }
}

/// The box: as wide as the widest option (and the query line), placed for every option when
/// there is room, below the field, else above it, else over it, then as tall as the matches
/// (or the note that there are none) need. One column is kept free on each side of `bounds` for the wider clear.
fn place(bounds: Rect, field: Rect, picker: &Picker, note: Option<&str>) -> Rect {
    let room = bounds.width.saturating_sub(2);
    let want = (picker.widest().min(usize::from(u16::MAX - 2)) as u16 + 2).max(MIN_WIDTH);
    let w = want.min(room);
    let rows = match note {
        Some(note) => text::wrap(note, usize::from(w.saturating_sub(2).max(1))).len(),
        None => picker.matches(),
    };
    let most = picker.total().max(rows).min(usize::from(u16::MAX)) as u16;
    let h = most.saturating_add(3).max(MIN_HEIGHT);
    let x = field.x.min((bounds.x + bounds.width).saturating_sub(w + 1)).max(bounds.x + 1);
    let below = (bounds.y + bounds.height).saturating_sub(field.y + 1);
    let above = field.y.saturating_sub(bounds.y);
    let (y, h) = if h <= below {
        (field.y + 1, h)
    } else if h <= above {
        (field.y - h, h)
    } else if below >= above && below >= MIN_HEIGHT {
        (field.y + 1, below)
    } else if above >= MIN_HEIGHT {
        (bounds.y, above)
    } else {
        (bounds.y, h.min(bounds.height))
    };
    // Shrink to the matches from the bottom, so the query line stays where it opened.
    let fit = (rows.min(usize::from(u16::MAX)) as u16).saturating_add(3).max(MIN_HEIGHT);
    Rect { x, y, width: w, height: h.min(fit) }
}
