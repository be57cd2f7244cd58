//! Quick capture: a one-line box at the bottom of the screen, attached to the current session.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::theme::Theme;
use super::widgets;
use crate::app::State;
use crate::app::state::CaptureState;

pub fn draw(frame: &mut Frame, state: &State, theme: &Theme, area: Rect, capture: &CaptureState) {
    let item = state.session_summary(capture.session).map(|s| s.session.item.clone()).unwrap_or_default();
    let title = state.ctx.strings().tf("capture.title", &[("item", &item)]);
    let title = crate::text::truncate(&title, area.width.saturating_sub(4) as usize).into_owned();
    let h = 3.min(area.height);
    let rect = Rect { x: area.x, y: area.y + area.height - h, width: area.width, height: h };
    widgets::clear(frame, rect);
    let block = theme.block(format!(" {title} "));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    if let Some(pos) = capture.input.render(inner, frame.buffer_mut(), ratatui::style::Style::new()) {
        frame.set_cursor_position(pos);
    }
}
