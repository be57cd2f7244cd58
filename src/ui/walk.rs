//! The stage stopwatch: where the walk stands, each stage's start and time (the open one
//! ticking), and the narrative the report takes, as it reads so far.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::table::{self, Column};
use super::theme::Theme;
use super::widgets;
use crate::app::State;
use crate::domain::EntityId;
use crate::domain::walk::{STAGE_NAMES, WalkState};
use crate::present::labels::duration;
use crate::present::time;
use crate::text;

pub fn draw(frame: &mut Frame, state: &State, theme: &Theme, area: Rect, session: EntityId) {
    let s = state.ctx.strings();
    let Some(summary) = state.session_summary(session) else { return };
    let walk = &summary.session.walk;
    let block = theme.block(format!(" {} ", s.tf("walk.title", &[("item", &summary.session.item)])));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let now = state.now();
    let stages = walk.stages(&now);
    let width = inner.width as usize;

    let zone = widgets::zone(state);
    let narrative = walk.narrative(&now, &zone);
    let story: Vec<String> = if narrative.is_empty() { Vec::new() } else { text::wrap(&narrative, width.max(1)) };
    let story_rows = (story.len() as u16).min(inner.height.saturating_sub(4) / 2);
    let [head, list, story_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(2), Constraint::Length(story_rows)]).areas(inner);

    let total: i64 = stages.iter().map(|st| st.active_secs).sum();
    let head_text = match (walk.state(), stages.last()) {
        (WalkState::NotStarted, _) | (_, None) => state.t("walk.not_started").to_string(),
        (WalkState::Running, Some(st)) => s.tf("walk.running", &[("stage", &st.name), ("total", &duration(total))]),
        (WalkState::Paused, Some(st)) => s.tf("walk.paused", &[("stage", &st.name), ("total", &duration(total))]),
        (WalkState::Stopped, Some(_)) => s.tf("walk.stopped", &[("total", &duration(total))]),
    };
    let style = if walk.state() == WalkState::Paused { theme.error() } else { theme.label() };
    frame.render_widget(Paragraph::new(Span::styled(text::truncate(&head_text, width).into_owned(), style)), head);

    if stages.is_empty() {
        super::widgets::dim_note(frame, theme, list, state.t("walk.empty_hint"));
        return;
    }
    let cols = [
        Column { title: state.t("walk.col.seq"), width: 3, flex: false, priority: 5 },
        Column { title: state.t("walk.col.stage"), width: 10, flex: true, priority: 9 },
        Column { title: state.t("walk.col.start"), width: 5, flex: false, priority: 8 },
        Column { title: state.t("walk.col.active"), width: 8, flex: false, priority: 9 },
        Column { title: state.t("walk.col.paused"), width: 8, flex: false, priority: 4 },
    ];
    let row = |i: usize| {
        let st = &stages[i];
        let paused = if st.paused_secs > 0 { duration(st.paused_secs) } else { String::new() };
        vec![
            format!("{:>2}", i + 1),
            st.name.clone(),
            time::clock(&zone, st.start.wall_ms),
            duration(st.active_secs),
            paused,
        ]
    };
    let open = stages.len() - 1;
    let live = walk.is_live();
    table::render(frame.buffer_mut(), list, &cols, stages.len(), row, live.then_some(open), None, theme, |_| {
        ratatui::style::Style::new()
    });
    let lines: Vec<Line> = story.into_iter().take(story_rows as usize).map(Line::from).collect();
    frame.render_widget(Paragraph::new(lines).style(theme.dim()), story_area);
}

/// The stage names, numbered 1–9 then 0, and a last row to type another name.
pub fn draw_picker(frame: &mut Frame, state: &State, theme: &Theme, area: Rect, cursor: usize) {
    let typed = state.t("walk.picker.typed");
    let labels: Vec<String> = (0..=STAGE_NAMES.len())
        .map(|i| match STAGE_NAMES.get(i) {
            Some(name) => format!("{} {name}", (i + 1) % 10),
            None => format!("  {typed}"),
        })
        .collect();
    let parts = (state.t("walk.picker.title"), labels.as_slice(), state.t("walk.picker.hint"));
    widgets::pick_list(frame, theme, area, parts, cursor, 36);
}
