//! A yes/no question over everything else.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use super::widgets;
use crate::app::State;
use crate::app::state::Confirm;
use crate::keymap::{Action, Layer};

pub fn draw(frame: &mut Frame, state: &State, theme: &Theme, area: Rect, confirm: &Confirm) {
    let km = &state.ctx.keymap;
    let key = |a| km.keys_for(Layer::Dialog, a).first().map(|k| k.to_string()).unwrap_or_default();
    let answer =
        format!("{} {}   {} {}", key(Action::Yes), state.t("dialog.yes"), key(Action::No), state.t("dialog.no"));
    let inner_w = area.width.saturating_sub(4).min(50);
    let mut lines: Vec<Line> =
        crate::text::wrap(&confirm.question, inner_w as usize).into_iter().map(Line::from).collect();
    lines.push(Line::from(""));
    lines.push(Line::from(answer).style(theme.header()));
    let rect = widgets::centered(area, inner_w + 2, lines.len() as u16 + 2);
    widgets::clear(frame, rect);
    let block = theme.block("");
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
