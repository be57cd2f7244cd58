//! The add-checklist list: every template on offer; a broken user file is shown with its
//! first problem, dimmed, and cannot be picked.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use super::widgets;
use crate::app::State;
use crate::domain::EntityId;
use crate::text;

pub fn draw(frame: &mut Frame, state: &State, theme: &Theme, area: Rect, session: EntityId, cursor: usize) {
    let choices = &state.ctx.templates;
    let w = area.width.saturating_sub(4).min(70);
    let h = (choices.len() as u16 + 3).min(area.height);
    let rect = widgets::centered(area, w, h);
    widgets::clear(frame, rect);
    let block = theme.block(format!(" {} ", state.t("picker.templates.title")));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    if inner.height == 0 {
        return;
    }
    let width = inner.width as usize;
    let visible = inner.height.saturating_sub(1) as usize;
    let offset = (cursor + 1).saturating_sub(visible);
    let mut lines: Vec<Line> = Vec::new();
    if choices.is_empty() {
        lines.push(Line::from(Span::styled(state.t("picker.templates.none"), theme.dim())));
    }
    for (i, choice) in choices.iter().enumerate().skip(offset).take(visible) {
        let (label, style) = match &choice.template {
            Ok(t) => {
                let items = state.ctx.strings().tf("picker.templates.items", &[("n", &t.item_count().to_string())]);
                // Adding one twice is allowed (a second walk), but should not be a surprise.
                let attached = state.checklists_of(session).iter().any(|c| c.template.id == t.id);
                let mark = if attached { state.t("picker.templates.attached") } else { "" };
                (format!("{}  {items}{mark}", choice.label), ratatui::style::Style::new())
            }
            Err(problem) => (format!("{}  {problem}", choice.label), theme.error()),
        };
        let style = if i == cursor { theme.selected() } else { style };
        lines.push(Line::from(Span::styled(text::pad(&text::truncate(&label, width), width), style)));
    }
    let hint = text::truncate(state.t("picker.templates.hint"), width).into_owned();
    lines.push(Line::from(Span::styled(hint, theme.dim())));
    frame.render_widget(Paragraph::new(lines), inner);
}
