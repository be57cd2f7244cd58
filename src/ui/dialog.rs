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
    let s = state.ctx.strings();
    // Every key of each answer ("n / Esc / Enter 否"), so it is plain that Enter says No.
    let keys = |a| {
        let keys: Vec<String> = state.ctx.keymap.keys_for(Layer::Dialog, a).iter().map(|k| k.label(s)).collect();
        keys.join(" / ")
    };
    let answer =
        format!("{} {}   {} {}", keys(Action::Yes), state.t("dialog.yes"), keys(Action::No), state.t("dialog.no"));
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
