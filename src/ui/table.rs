//! A list of rows in columns sized by display width: CJK cells are cut with an ellipsis at
//! exact column boundaries, and columns of low priority drop out on narrow terminals.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::theme::Theme;
use crate::app::nav::ViewTop;
use crate::text;

pub struct Column<'a> {
    pub title: &'a str,
    /// Width wanted (the minimum for a flexible column).
    pub width: u16,
    /// Takes a share of the space left over.
    pub flex: bool,
    /// Lower numbers are dropped first when the row does not fit.
    pub priority: u8,
}

/// The width of each column, or None where it was dropped. One space separates columns.
pub fn layout(cols: &[Column], total: u16) -> Vec<Option<u16>> {
    let mut keep: Vec<bool> = vec![true; cols.len()];
    loop {
        let kept: Vec<&Column> = cols.iter().zip(&keep).filter(|(_, k)| **k).map(|(c, _)| c).collect();
        let need: u16 = kept.iter().map(|c| c.width).sum::<u16>() + kept.len().saturating_sub(1) as u16;
        if need <= total || kept.len() <= 1 {
            let spare = total.saturating_sub(need);
            let flex = kept.iter().filter(|c| c.flex).count() as u16;
            let mut given = 0;
            let mut nth_flex = 0;
            return cols
                .iter()
                .zip(&keep)
                .map(|(c, k)| {
                    if !k {
                        return None;
                    }
                    if c.flex && flex > 0 {
                        nth_flex += 1;
                        let share = if nth_flex == flex { spare - given } else { spare / flex };
                        given += share;
                        Some(c.width + share)
                    } else {
                        Some(c.width.min(total))
                    }
                })
                .collect();
        }
        // Drop the lowest-priority column still shown (the last one among equals).
        let victim = (0..cols.len()).filter(|i| keep[*i]).min_by_key(|i| (cols[*i].priority, usize::MAX - i));
        match victim {
            Some(i) => keep[i] = false,
            None => return vec![None; cols.len()],
        }
    }
}

/// A cell cut or padded to `w` columns, as spans: its text in `text` style, the blanks
/// around it in `base`. A selected row shows its cells' text reversed and leaves the blanks
/// between them as they were, so moving the selection rewrites the text of two rows and not
/// the whole width of both.
fn cell_spans<'a>(out: &mut Vec<Span<'a>>, cell: &str, w: usize, base: Style, text: Style) {
    let padded = text::pad(&text::sanitize(cell), w);
    let core = padded.trim_matches(' ');
    if core.is_empty() {
        out.push(Span::styled(padded, base));
        return;
    }
    let lead = padded.len() - padded.trim_start_matches(' ').len();
    let trail = padded.len() - lead - core.len();
    if lead > 0 {
        out.push(Span::styled(" ".repeat(lead), base));
    }
    out.push(Span::styled(core.to_string(), text));
    if trail > 0 {
        out.push(Span::styled(" ".repeat(trail), base));
    }
}

/// A row of one cell spans the whole width (a detail line under a row); others fill columns.
fn row_line<'a>(cells: &[String], widths: &[Option<u16>], base: Style, text: Style) -> Line<'a> {
    let mut spans = Vec::new();
    if let [only] = cells {
        if widths.len() > 1 {
            let total = widths.iter().flatten().sum::<u16>() + widths.iter().flatten().count().saturating_sub(1) as u16;
            cell_spans(&mut spans, only, total as usize, base, text);
            return Line::from(spans).style(base);
        }
    }
    let mut first = true;
    for (cell, w) in cells.iter().zip(widths) {
        let Some(w) = w else { continue };
        if !first {
            spans.push(Span::styled(" ", base));
        }
        first = false;
        cell_spans(&mut spans, cell, *w as usize, base, text);
    }
    Line::from(spans).style(base)
}

/// Draws the header and the rows of a list of `len` that fit in `area`, each made on demand by
/// `row` (only the rows in view are made, so a list of 100,000 costs what a list of 20 does),
/// scrolled so `selected` is visible: from where `top` last was when given, else with the
/// selection on the last row. `row_style` gives each row's style; the selected row shows its
/// text in the theme's selection.
#[allow(clippy::too_many_arguments)]
pub fn render(
    buf: &mut Buffer,
    area: Rect,
    cols: &[Column],
    len: usize,
    row: impl Fn(usize) -> Vec<String>,
    selected: Option<usize>,
    top: Option<&ViewTop>,
    theme: &Theme,
    row_style: impl Fn(usize) -> Style,
) {
    // The selection alone, whatever the row's own colour (a finished row is not a dim bar).
    let (header_style, selected_style) = (theme.header(), Style::reset().patch(theme.selected()));
    if area.height == 0 || area.width == 0 {
        return;
    }
    let widths = layout(cols, area.width);
    let titles: Vec<String> = cols.iter().map(|c| c.title.to_string()).collect();
    buf.set_line(area.x, area.y, &row_line(&titles, &widths, header_style, header_style), area.width);
    let visible = (area.height - 1) as usize;
    let offset = match top {
        Some(top) => top.settle(len, visible, selected),
        None => selected.map(|s| (s + 1).saturating_sub(visible)).unwrap_or(0),
    };
    for i in (offset..len).take(visible) {
        let y = area.y + 1 + (i - offset) as u16;
        let base = row_style(i);
        let text = if Some(i) == selected { selected_style } else { base };
        let line = row_line(&row(i), &widths, base, text);
        buf.set_style(Rect { x: area.x, y, width: area.width, height: 1 }, base);
        buf.set_line(area.x, y, &line, area.width);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(width: u16, flex: bool, priority: u8) -> Column<'static> {
        Column { title: "", width, flex, priority }
    }

    #[test]
    fn flexible_columns_take_the_spare_width_exactly() {
        let cols = [col(4, false, 9), col(10, true, 9), col(6, true, 5)];
        let w = layout(&cols, 40);
        let sum: u16 = w.iter().flatten().sum::<u16>() + 2;
        assert_eq!(sum, 40);
        assert_eq!(w[0], Some(4));
    }

    #[test]
    fn a_row_of_one_cell_spans_every_column() {
        let widths = [Some(4), Some(10), None, Some(6)];
        let line = row_line(&["办事满意度 80%  办事便利度 50%".to_string()], &widths, Style::new(), Style::new());
        let shown: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text::width(&shown), 4 + 10 + 6 + 2);
        assert!(shown.starts_with("办事满意度 80%  办事"), "{shown}");
    }

    #[test]
    fn a_selected_row_styles_its_text_and_not_the_blanks() {
        let widths = [Some(6), Some(8)];
        let sel = Style::new().reversed();
        let line = row_line(&["  2".to_string(), "体验 a".to_string()], &widths, Style::new(), sel);
        let parts: Vec<(&str, bool)> = line.spans.iter().map(|s| (s.content.as_ref(), s.style == sel)).collect();
        assert_eq!(parts, [("  ", false), ("2", true), ("   ", false), (" ", false), ("体验 a", true), ("  ", false)]);
    }

    #[test]
    fn low_priority_columns_drop_out_when_narrow() {
        let cols = [col(4, false, 9), col(20, true, 9), col(12, false, 1), col(10, false, 5)];
        let w = layout(&cols, 40);
        assert_eq!(w[2], None);
        assert!(w[3].is_some());
        let w = layout(&cols, 26);
        assert_eq!((w[2], w[3]), (None, None));
    }
}
