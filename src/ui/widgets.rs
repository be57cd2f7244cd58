//! Small drawing helpers shared by screens.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Clear;

use crate::text;

pub use crate::app::layout::centered;

/// Clear an overlay's area, one column wider on each side: a wide (CJK) glyph straddling
/// the edge would otherwise leave half a character behind (a known ratatui `Clear` trap).
pub fn clear(frame: &mut Frame, area: Rect) {
    let full = frame.area();
    let x0 = area.x.saturating_sub(1).max(full.x);
    let x1 = (area.x + area.width + 1).min(full.x + full.width);
    frame.render_widget(Clear, Rect { x: x0, y: area.y, width: x1 - x0, height: area.height });
}

/// `left` and `right` on one line of `width` columns; `left` is cut first when both do not fit.
pub fn spread(left: &str, right: &str, width: usize) -> String {
    let rw = text::width(right).min(width);
    let right = text::truncate(right, rw);
    let left = text::pad(left, width - rw);
    format!("{left}{right}")
}

/// A dim note filling `area`, wrapped by display width: "loading", or what to do on an
/// empty list.
pub fn dim_note(frame: &mut Frame, theme: &super::theme::Theme, area: Rect, note: &str) {
    let wrapped = text::wrap(note, (area.width as usize).max(1)).join("\n");
    frame.render_widget(ratatui::widgets::Paragraph::new(wrapped).style(theme.dim()), area);
}

/// The zone the screens show times in: the user's, from the context.
pub fn zone(state: &crate::app::State) -> crate::present::Zone {
    state.ctx.zone
}

/// A short pick list in a centred box: a title, one line per label (the one at `cursor`
/// selected, the list scrolled to keep it in view) and a dim hint; as wide as its widest
/// line, at most `max_width`.
pub fn pick_list(
    frame: &mut Frame,
    theme: &super::theme::Theme,
    area: Rect,
    (title, labels, hint): (&str, &[String], &str),
    cursor: usize,
    max_width: u16,
) {
    use ratatui::text::{Line, Span};
    let widest = labels.iter().map(|l| text::width(l)).chain([text::width(title) + 2, text::width(hint)]).max();
    let w = (widest.unwrap_or(10) as u16 + 4).min(max_width).min(area.width.saturating_sub(2));
    let h = (labels.len() as u16 + 3).min(area.height);
    let rect = centered(area, w, h);
    clear(frame, rect);
    let block = theme.block(format!(" {title} "));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let width = inner.width as usize;
    let visible = inner.height.saturating_sub(1) as usize;
    let offset = (cursor + 1).saturating_sub(visible);
    let mut lines: Vec<Line> = labels
        .iter()
        .enumerate()
        .skip(offset)
        .take(visible)
        .map(|(i, label)| {
            let style = if i == cursor { theme.selected() } else { ratatui::style::Style::new() };
            Line::from(Span::styled(text::pad(&text::truncate(label, width), width), style))
        })
        .collect();
    lines.push(Line::from(Span::styled(text::truncate(hint, width).into_owned(), theme.dim())));
    frame.render_widget(ratatui::widgets::Paragraph::new(lines), inner);
}
