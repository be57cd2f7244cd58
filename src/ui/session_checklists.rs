//! The checklists on a session's page: one row each with answered/total, pass rate and average
//! score, and under them the pass rate of each dimension of the selected one.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::Paragraph;

use super::checklist::{average, percent};
use super::table::{self, Column};
use super::theme::Theme;
use crate::app::{Pane, State};
use crate::domain::EntityId;
use crate::keymap::{Action, Layer};

/// Rows for the block: a header, a row each and the dimensions line, at most half of what is
/// left (the table scrolls to keep the selected one visible); one row when there are none.
pub fn height(state: &State, session: EntityId, available: u16) -> u16 {
    let n = state.checklists_of(session).len() as u16;
    if n == 0 { 1 } else { (n + 2).min((available / 2).max(3)) }
}

pub fn draw(frame: &mut Frame, state: &State, theme: &Theme, area: Rect, session: EntityId) {
    let checklists = state.checklists_of(session);
    let focused = state.pane == Pane::Checklists;
    if checklists.is_empty() {
        let style = if focused { theme.selected() } else { theme.dim() };
        let line = crate::text::truncate(&empty_hint(state), area.width as usize).into_owned();
        frame.render_widget(Paragraph::new(Span::styled(line, style)), area);
        return;
    }
    let [list, dims] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
    let cols = [
        Column { title: state.t("checklists.col.title"), width: 12, flex: true, priority: 9 },
        Column { title: state.t("checklists.col.answered"), width: 7, flex: false, priority: 9 },
        Column { title: state.t("checklists.col.pass"), width: 6, flex: false, priority: 8 },
        Column { title: state.t("checklists.col.score"), width: 6, flex: false, priority: 6 },
    ];
    let lang = state.ctx.lang;
    let rows: Vec<Vec<String>> = checklists
        .iter()
        .map(|c| {
            let r = c.result().overall;
            vec![
                c.template.title.label(lang).to_string(),
                format!("{}/{}", r.answered, r.total),
                percent(r.pass_rate()),
                average(r.average_score()),
            ]
        })
        .collect();
    let selected = focused.then_some(state.checklist_cursor);
    table::render(frame.buffer_mut(), list, &cols, &rows, selected, theme, |_| ratatui::style::Style::new());

    let shown = checklists.get(state.checklist_cursor).or(checklists.first());
    if let Some(c) = shown {
        let result = c.result();
        let parts: Vec<String> = c
            .template
            .dimensions
            .iter()
            .zip(&result.dimensions)
            .map(|(d, t)| format!("{} {}", d.title.label(lang), percent(t.pass_rate())))
            .collect();
        let line = state
            .ctx
            .strings()
            .tf("checklists.dimensions", &[("title", c.template.title.label(lang)), ("list", &parts.join("  "))]);
        let line = crate::text::truncate(&line, dims.width as usize).into_owned();
        frame.render_widget(Paragraph::new(Span::styled(line, theme.label())), dims);
    }
}

fn empty_hint(state: &State) -> String {
    let key = state.ctx.keymap.keys_for(Layer::Findings, Action::AddChecklist).first().map(|k| k.to_string());
    state.ctx.strings().tf("checklists.empty", &[("key", &key.unwrap_or_default())])
}
