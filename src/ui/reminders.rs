//! 督查提醒函: the overdue findings by unit as plain text, drawn without a frame so that what
//! the terminal selects is exactly the text to paste or print.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::app::State;
use crate::text;

pub fn draw(frame: &mut Frame, state: &State, theme: &Theme, area: Rect) {
    let width = area.width.max(1) as usize;
    let lines: Vec<String> =
        crate::app::ledger::reminder_text(state).lines().flat_map(|l| text::wrap(l, width)).collect();
    if lines.is_empty() {
        super::widgets::dim_note(frame, theme, area, state.t("reminders.none"));
        return;
    }
    let max = lines.len().saturating_sub(area.height as usize) as u16;
    let scroll = state.ledger.reminder_scroll.min(max) as usize;
    let shown: Vec<ratatui::text::Line> =
        lines.into_iter().skip(scroll).take(area.height as usize).map(ratatui::text::Line::from).collect();
    frame.render_widget(Paragraph::new(shown), area);
}
