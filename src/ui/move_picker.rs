//! The status moves allowed for a finding from where it stands, numbered for one key.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use super::widgets;
use crate::app::State;
use crate::app::rectify::choice_label;
use crate::app::state::MoveChoice;
use crate::domain::EntityId;
use crate::text;

pub fn draw(
    frame: &mut Frame,
    state: &State,
    theme: &Theme,
    area: Rect,
    finding: EntityId,
    choices: &[MoveChoice],
    cursor: usize,
) {
    let Some(f) = state.finding(finding) else { return };
    let labels: Vec<String> =
        choices.iter().enumerate().map(|(i, c)| format!("{} {}", i + 1, choice_label(state, f.status, *c))).collect();
    let s = state.ctx.strings();
    let title = s.tf("move.picker.title", &[("seq", &f.seq.to_string()), ("status", f.status.label(state.ctx.lang))]);
    let hint = state.t("move.picker.hint");
    let widest =
        labels.iter().map(|l| text::width(l)).chain([text::width(&title) + 2, text::width(hint)]).max().unwrap_or(10);
    let w = (widest as u16 + 4).min(area.width.saturating_sub(2)).max(10.min(area.width));
    let h = (labels.len() as u16 + 3).min(area.height);
    let rect = widgets::centered(area, w, h);
    widgets::clear(frame, rect);
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
    frame.render_widget(Paragraph::new(lines), inner);
}
