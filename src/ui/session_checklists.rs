//! The checklists on a session's page: one row each with answered/total, pass rate and average
//! score, and under each the pass rate of every dimension. Where the page has no room for a
//! second row per checklist, one line under the table shows the dimensions of the selected one.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::Paragraph;

use super::table::{self, Column};
use super::theme::Theme;
use crate::app::{Pane, State};
use crate::domain::{Checklist, EntityId};
use crate::i18n::Lang;
use crate::keymap::{Action, Layer};
use crate::present::labels::{average, percent};

/// Rows wanted for `n` checklists: a header and two rows per checklist, at most half of what
/// is left (then one row each and a dimensions line); one row when there are none.
pub fn height(n: usize, available: u16) -> u16 {
    let n = n as u16;
    if n == 0 { 1 } else { (2 * n + 1).min((available / 2).max(3)) }
}

/// "办事全流程 60%  窗口与工作人员 67%"
fn dimension_rates(c: &Checklist, lang: Lang) -> String {
    let result = c.result();
    let parts: Vec<String> = c
        .template
        .dimensions
        .iter()
        .zip(&result.dimensions)
        .map(|(d, t)| format!("{} {}", d.title.label(lang), percent(t.pass_rate())))
        .collect();
    parts.join("  ")
}

pub fn draw(frame: &mut Frame, state: &State, theme: &Theme, area: Rect, session: EntityId) {
    let checklists = state.checklists_of(session);
    let focused = state.page.pane == Pane::Checklists;
    if checklists.is_empty() {
        let style = if focused { theme.selected() } else { theme.dim() };
        let line = crate::text::truncate(&empty_hint(state), area.width as usize).into_owned();
        frame.render_widget(Paragraph::new(Span::styled(line, style)), area);
        return;
    }
    let lang = state.ctx.lang;
    let two_rows = area.height as usize > 2 * checklists.len();
    // The dimensions line needs a row beside the header and the selected checklist.
    let dims_line = !two_rows && area.height >= 3;
    let [list, dims] = Layout::vertical([Constraint::Min(1), Constraint::Length(u16::from(dims_line))]).areas(area);
    let cols = [
        Column { title: state.t("checklists.col.title"), width: 12, flex: true, priority: 9 },
        Column { title: state.t("checklists.col.answered"), width: 7, flex: false, priority: 9 },
        Column { title: state.t("checklists.col.pass"), width: 6, flex: false, priority: 8 },
        Column { title: state.t("checklists.col.score"), width: 6, flex: false, priority: 6 },
    ];
    let per = if two_rows { 2 } else { 1 };
    let row = |i: usize| {
        let c = &checklists[i / per];
        if i % per == 1 {
            return vec![format!("  {}", dimension_rates(c, lang))];
        }
        let r = c.result().overall;
        let title = c.template.title.label(lang);
        vec![
            if c.conflicts.is_empty() { title.to_string() } else { format!("[{}] {title}", state.t("sync.conflict")) },
            format!("{}/{}", r.answered, r.total),
            percent(r.pass_rate()),
            average(r.average_score()),
        ]
    };
    let selected = focused.then_some(state.page.checklist_cursor * per);
    let dim_style = theme.label();
    table::render(frame.buffer_mut(), list, &cols, checklists.len() * per, row, selected, None, theme, |i| {
        if i % per == 1 { dim_style } else { ratatui::style::Style::new() }
    });

    if dims_line {
        if let Some(c) = checklists.get(state.page.checklist_cursor).or(checklists.first()) {
            let line = state.ctx.strings().tf(
                "checklists.dimensions",
                &[("title", c.template.title.label(lang)), ("list", &dimension_rates(c, lang))],
            );
            let line = crate::text::truncate(&line, dims.width as usize).into_owned();
            frame.render_widget(Paragraph::new(Span::styled(line, theme.label())), dims);
        }
    }
}

fn empty_hint(state: &State) -> String {
    let key = state.key_for(Layer::SessionPage, Action::AddChecklist);
    state.ctx.strings().tf("checklists.empty", &[("key", &key.unwrap_or_default())])
}
