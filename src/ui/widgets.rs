//! Small drawing helpers shared by screens.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Clear;

use crate::text;

/// A rectangle of at most `w`x`h` centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}

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

/// `s` wrapped by display width into at most `rows` rows of `width` columns; when more would
/// be needed, the last row takes the rest of the text, cut with `..`. The rest is taken from
/// the text itself, so a space the wrap dropped at a break is kept ("-> 08:43", not "->08:43").
pub fn wrap_rows(s: &str, width: usize, rows: usize) -> Vec<String> {
    let clean = text::sanitize(s);
    let mut out = Vec::new();
    let mut rest: &str = &clean;
    while out.len() + 1 < rows.max(1) {
        let Some(first) = text::wrap(rest, width).into_iter().next() else { break };
        // textwrap gives back slices of its input, so the row is the start of what is left.
        let Some(after) = rest.strip_prefix(first.as_str()) else { break };
        out.push(first);
        rest = after.trim_start();
        if rest.is_empty() {
            return out;
        }
    }
    if !rest.is_empty() || out.is_empty() {
        out.push(text::truncate(rest, width).into_owned());
    }
    out
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

#[cfg(test)]
mod tests {
    use super::wrap_rows;

    #[test]
    fn wrap_rows_keeps_the_space_at_a_break_and_cuts_only_the_last_row() {
        let narrative = "办理全过程：08:40 到达大厅咨询 -> 08:43 取号 -> 08:44 等候叫号";
        assert_eq!(wrap_rows(narrative, 36, 1), ["办理全过程：08:40 到达大厅咨询 -> .."]);
        let two = wrap_rows(narrative, 36, 2);
        assert_eq!(two, ["办理全过程：08:40 到达大厅咨询 ->", "08:43 取号 -> 08:44 等候叫号"]);
        let long = "保存失败：磁盘空间已满。请腾出空间后再保存一次（Enter 或 Ctrl-S），输入的文字都还在";
        let rows = wrap_rows(long, 38, 3);
        assert_eq!(rows.len(), 3, "{rows:?}");
        assert!(rows.iter().all(|r| crate::text::width(r) <= 38), "{rows:?}");
        assert_eq!(rows.concat().replace(' ', ""), long.replace(' ', ""), "nothing cut: {rows:?}");
        assert!(wrap_rows(long, 38, 2)[1].ends_with(".."));
        assert_eq!(wrap_rows("", 10, 2), [""]);
        assert_eq!(wrap_rows("短", 10, 3), ["短"]);
    }
}
