//! The status moves allowed for a finding from where it stands, numbered for one key.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::theme::Theme;
use super::widgets;
use crate::app::State;
use crate::app::rectify::choice_label;
use crate::app::state::MoveChoice;
use crate::domain::EntityId;

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
    let title = s.tf(
        "move.picker.title",
        &[("seq", &f.seq.to_string()), ("status", crate::present::labels::finding_status(state.ctx.lang, f.status))],
    );
    widgets::pick_list(frame, theme, area, (&title, &labels, state.t("move.picker.hint")), cursor, 60);
}
