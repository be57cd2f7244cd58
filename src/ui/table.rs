//! A list of rows in columns sized by display width: CJK cells are cut with an ellipsis at
//! exact column boundaries, and columns of low priority drop out on narrow terminals.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::theme::Theme;
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

/// A row of one cell spans the whole width (a detail line under a row); others fill columns.
fn row_line<'a>(cells: &[String], widths: &[Option<u16>], style: Style) -> Line<'a> {
    if let [only] = cells {
        if widths.len() > 1 {
            let total = widths.iter().flatten().sum::<u16>() + widths.iter().flatten().count().saturating_sub(1) as u16;
            return Line::from(text::pad(&text::sanitize(only), total as usize)).style(style);
        }
    }
    let mut spans = Vec::new();
    let mut first = true;
    for (cell, w) in cells.iter().zip(widths) {
        let Some(w) = w else { continue };
        if !first {
            spans.push(Span::raw(" "));
        }
        first = false;
        spans.push(Span::raw(text::pad(&text::sanitize(cell), *w as usize)));
    }
    Line::from(spans).style(style)
}

/// Draw the header and the rows that fit, scrolled so `selected` is visible.
/// `row_style` gives each row's style (the selected row is drawn with the theme's selection).
pub fn render(
    buf: &mut Buffer,
    area: Rect,
    cols: &[Column],
    rows: &[Vec<String>],
    selected: Option<usize>,
    theme: &Theme,
    row_style: impl Fn(usize) -> Style,
) {
    render_rows(buf, area, cols, rows.len(), |i| rows[i].clone(), selected, theme, row_style);
}

/// Like [`render`] for `len` rows made on demand by `row`: only the rows in view are made,
/// so a list of 100,000 (the ledger) costs what a list of 20 does.
#[allow(clippy::too_many_arguments)]
pub fn render_rows(
    buf: &mut Buffer,
    area: Rect,
    cols: &[Column],
    len: usize,
    row: impl Fn(usize) -> Vec<String>,
    selected: Option<usize>,
    theme: &Theme,
    row_style: impl Fn(usize) -> Style,
) {
    let (header_style, selected_style) = (theme.header(), theme.selected());
    if area.height == 0 || area.width == 0 {
        return;
    }
    let widths = layout(cols, area.width);
    let titles: Vec<String> = cols.iter().map(|c| c.title.to_string()).collect();
    buf.set_line(area.x, area.y, &row_line(&titles, &widths, header_style), area.width);
    let visible = (area.height - 1) as usize;
    let offset = selected.map(|s| (s + 1).saturating_sub(visible)).unwrap_or(0);
    for i in (offset..len).take(visible) {
        let y = area.y + 1 + (i - offset) as u16;
        let style = if Some(i) == selected { selected_style } else { row_style(i) };
        let line = row_line(&row(i), &widths, style);
        buf.set_style(Rect { x: area.x, y, width: area.width, height: 1 }, style);
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
        let line = row_line(&["办事满意度 80%  办事便利度 50%".to_string()], &widths, Style::new());
        let shown: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text::width(&shown), 4 + 10 + 6 + 2);
        assert!(shown.starts_with("办事满意度 80%  办事"), "{shown}");
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
