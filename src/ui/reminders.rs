//! 督查提醒函: the overdue findings by unit as plain text, drawn without a frame so that what
//! the terminal selects is exactly the text to paste or print.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::app::State;
use crate::text;

pub fn draw(frame: &mut Frame, state: &State, theme: &Theme, area: Rect) {
    let Some(lines) = crate::app::ledger::reminder_lines(state) else {
        super::widgets::dim_note(frame, theme, area, state.t("app.loading"));
        return;
    };
    if lines.is_empty() {
        super::widgets::dim_note(frame, theme, area, state.t("reminders.none"));
        return;
    }
    // Made and wrapped once (for this width); only the lines in view are drawn.
    let max = lines.len().saturating_sub(area.height as usize);
    let scroll = (state.ledger.reminder_scroll as usize).min(max);
    let shown: Vec<ratatui::text::Line> = lines
        .iter()
        .skip(scroll)
        .take(area.height as usize)
        .map(|l| ratatui::text::Line::from(text::truncate(l, area.width as usize).into_owned()))
        .collect();
    frame.render_widget(Paragraph::new(shown), area);
}
