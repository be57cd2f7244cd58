//! A session's page: a short summary, its checklists with their results, and its findings.
//! Tab moves the cursor between the two lists; the other list shows no selection.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::checklist;
use super::table::{self, Column};
use super::theme::Theme;
use crate::app::{Pane, State};
use crate::assets::ChoiceList;
use crate::domain::{EntityId, FindingStatus};
use crate::i18n::Lang;

pub fn draw(frame: &mut Frame, state: &State, theme: &Theme, area: Rect, session: EntityId) {
    let Some(summary) = state.session_summary(session) else { return };
    let s = &summary.session;
    let lang = state.ctx.lang;
    let title = format!(" {} ", state.ctx.strings().tf("findings.title", &[("item", &s.item)]));
    let block = theme.block(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    // One line of who/how/where, wrapped to at most two rows.
    let mut facts = Vec::new();
    let mut fact = |label: &str, value: String| {
        if !value.is_empty() {
            facts.push(format!("{}{}{}", state.t(label), state.t("app.colon"), value));
        }
    };
    fact("field.mode", ChoiceList::Modes.display(&s.mode, lang));
    fact("field.channel", ChoiceList::Channels.display(&s.channel, lang));
    fact("field.theme", ChoiceList::Themes.display(&s.theme, lang));
    fact("field.place", format!("{} {}", s.place, s.window).trim().to_string());
    fact("field.inspectors", s.inspectors.join("、"));
    fact("sessions.col.state", state.t(super::sessions::status_key(s.status)).to_string());
    let wrapped = crate::text::wrap(&facts.join("  "), inner.width as usize);
    let head_rows = wrapped.len().clamp(1, 2) as u16;
    let checklist_rows = checklists_height(state, session, inner.height.saturating_sub(head_rows));
    let [head, checks, list] =
        Layout::vertical([Constraint::Length(head_rows), Constraint::Length(checklist_rows), Constraint::Min(1)])
            .areas(inner);
    let lines: Vec<Line> = wrapped.into_iter().take(2).map(|l| Line::from(Span::styled(l, theme.label()))).collect();
    frame.render_widget(Paragraph::new(lines), head);
    draw_checklists(frame, state, theme, checks, session);

    let findings = state.findings_of(session);
    if state.findings_session != Some(session) {
        frame.render_widget(Paragraph::new(state.t("app.loading")).style(theme.dim()), list);
        return;
    }
    if findings.is_empty() {
        let hint = crate::text::wrap(state.t("findings.empty"), list.width as usize).join("\n");
        frame.render_widget(Paragraph::new(hint).style(theme.dim()), list);
        return;
    }
    let cols = [
        Column { title: state.t("findings.col.seq"), width: 4, flex: false, priority: 9 },
        Column { title: state.t("findings.col.description"), width: 14, flex: true, priority: 9 },
        Column { title: state.t("findings.col.unit"), width: 12, flex: false, priority: 4 },
        Column { title: state.t("findings.col.deadline"), width: 10, flex: false, priority: 5 },
        Column { title: state.t("findings.col.status"), width: 6, flex: false, priority: 7 },
    ];
    let rows: Vec<Vec<String>> = findings
        .iter()
        .map(|f| {
            vec![
                format!("{:>3}", f.seq),
                f.description.clone(),
                f.unit.clone(),
                f.deadline.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(),
                status_label(f.status, lang).to_string(),
            ]
        })
        .collect();
    let selected = (state.pane == Pane::Findings).then_some(state.finding_cursor);
    table::render(frame.buffer_mut(), list, &cols, &rows, selected, theme, |_| ratatui::style::Style::new());
}

/// Rows for the checklist table: a header and one row each, at most a third of the page
/// (scrolling keeps the selected one visible); one row saying how to add one when empty.
fn checklists_height(state: &State, session: EntityId, available: u16) -> u16 {
    let n = state.checklists_of(session).len() as u16;
    if n == 0 { 1 } else { (n + 1).min((available / 3).max(2)) }
}

fn draw_checklists(frame: &mut Frame, state: &State, theme: &Theme, area: Rect, session: EntityId) {
    let checklists = state.checklists_of(session);
    let focused = state.pane == Pane::Checklists;
    if checklists.is_empty() {
        let style = if focused { theme.selected() } else { theme.dim() };
        let line = crate::text::truncate(&empty_hint(state), area.width as usize).into_owned();
        frame.render_widget(Paragraph::new(Span::styled(line, style)), area);
        return;
    }
    let cols = [
        Column { title: state.t("checklists.col.title"), width: 10, flex: true, priority: 9 },
        Column { title: state.t("checklists.col.answered"), width: 7, flex: false, priority: 9 },
        Column { title: state.t("checklists.col.pass"), width: 6, flex: false, priority: 8 },
        Column { title: state.t("checklists.col.score"), width: 6, flex: false, priority: 6 },
        Column { title: state.t("checklists.col.dimensions"), width: 16, flex: true, priority: 4 },
    ];
    let lang = state.ctx.lang;
    let rows: Vec<Vec<String>> = checklists
        .iter()
        .map(|c| {
            let result = c.result();
            let dims: Vec<String> = c
                .template
                .dimensions
                .iter()
                .zip(&result.dimensions)
                .map(|(d, t)| format!("{} {}", d.title.zh, checklist::percent(t.pass_rate())))
                .collect();
            vec![
                checklist::title(c, lang).to_string(),
                format!("{}/{}", result.overall.answered, result.overall.total),
                checklist::percent(result.overall.pass_rate()),
                checklist::average(result.overall.average_score()),
                dims.join("  "),
            ]
        })
        .collect();
    let selected = focused.then_some(state.checklist_cursor);
    table::render(frame.buffer_mut(), area, &cols, &rows, selected, theme, |_| ratatui::style::Style::new());
}

fn empty_hint(state: &State) -> String {
    let key = state
        .ctx
        .keymap
        .keys_for(crate::keymap::Layer::Findings, crate::keymap::Action::AddChecklist)
        .first()
        .map(|k| k.to_string())
        .unwrap_or_default();
    state.ctx.strings().tf("checklists.empty", &[("key", &key)])
}

pub fn status_label(s: FindingStatus, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => s.zh(),
        Lang::En => s.en(),
    }
}
