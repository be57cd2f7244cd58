//! The create/edit form overlay: a label column and one input per field; multi-line fields
//! get several rows; the form scrolls so the focused field is always visible.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use super::widgets;
use crate::app::State;
use crate::app::form::{FormField, FormState};
use crate::text;

const MAX_MULTILINE_ROWS: u16 = 5;

fn field_height(f: &FormField, input_width: u16) -> u16 {
    if f.input.is_multiline() { (f.input.visual_rows(input_width) as u16).clamp(2, MAX_MULTILINE_ROWS) } else { 1 }
}

pub fn draw(frame: &mut Frame, state: &State, theme: &Theme, area: Rect, form: &FormState) {
    // On large screens the box fits its fields, leaving the list beneath in view; small
    // screens give it everything.
    // The columns the core also uses to move by rows (app::layout): one computation.
    let columns = crate::app::layout::form_columns(state.size, form, state.ctx.strings());
    let outer = if crate::app::layout::is_boxed(state.size) && area.height >= 4 {
        let content: u16 = form.fields.iter().map(|f| field_height(f, columns.input_width)).sum();
        widgets::centered(area, columns.box_width, (content + 3).min(area.height - 2))
    } else {
        area
    };
    widgets::clear(frame, outer);
    let title = form.title.as_deref().unwrap_or_else(|| state.t(form.title_key()));
    let block = theme.block(format!(" {title} "));
    let inner = block.inner(outer);
    frame.render_widget(block, outer);
    let label_width = columns.label_width;
    if inner.height < 2 || inner.width <= label_width + 2 {
        return;
    }
    // The last row is for the error (or nothing).
    let body = Rect { height: inner.height - 1, ..inner };
    let input_x = inner.x + label_width + 1;
    let input_w = columns.input_width.min(inner.width.saturating_sub(label_width + 1));
    let heights: Vec<u16> = form.fields.iter().map(|f| field_height(f, input_w)).collect();

    // Scroll: the first field shown is the smallest index such that the focused one fits.
    let mut first = 0;
    while first < form.focus && heights[first..=form.focus].iter().sum::<u16>() > body.height {
        first += 1;
    }
    let mut y = body.y;
    let mut cursor: Option<Position> = None;
    let mut focus_rect = None;
    for (i, f) in form.fields.iter().enumerate().skip(first) {
        let h = heights[i].min(body.y + body.height - y);
        if h == 0 {
            break;
        }
        let focused = i == form.focus;
        let star = if f.required { "*" } else { "" };
        let label = text::pad(&format!("{}{star}", state.t(f.label)), label_width as usize);
        let label_style = if focused { theme.focused_label() } else { theme.label() };
        frame.buffer_mut().set_line(inner.x, y, &Line::from(Span::styled(label, label_style)), label_width);
        let rect = Rect { x: input_x, y, width: input_w, height: h };
        // Only the field being edited follows its caret; the others read from their start.
        if focused {
            cursor = super::input::render(&f.input, rect, frame.buffer_mut(), ratatui::style::Style::new());
            focus_rect = Some(rect);
        } else {
            super::input::render_idle(&f.input, rect, frame.buffer_mut(), ratatui::style::Style::new());
        }
        y += h;
        if y >= body.y + body.height {
            break;
        }
    }
    let error_row = Rect { y: inner.y + inner.height - 1, height: 1, ..inner };
    if let Some((_, msg)) = &form.error {
        let msg = text::truncate(msg, error_row.width as usize).into_owned();
        frame.render_widget(Paragraph::new(msg).style(theme.error()), error_row);
    }
    match (&form.picker, focus_rect) {
        // The whole overlay area, not just the form's box: room for more options.
        (Some(picker), Some(rect)) => {
            let title = state.t(form.fields[form.focus].label);
            super::picker::draw(frame, state, theme, area, rect, title, picker);
        }
        _ => {
            if let Some(p) = cursor {
                frame.set_cursor_position(p);
            }
        }
    }
}
