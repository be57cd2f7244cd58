//! The findings of one session, under a short summary of the session.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::table::{self, Column};
use super::theme::Theme;
use crate::app::State;
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
    let [head, list] = Layout::vertical([Constraint::Length(head_rows), Constraint::Min(1)]).areas(inner);
    let lines: Vec<Line> = wrapped.into_iter().take(2).map(|l| Line::from(Span::styled(l, theme.label()))).collect();
    frame.render_widget(Paragraph::new(lines), head);

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
    table::render(frame.buffer_mut(), list, &cols, &rows, Some(state.finding_cursor), theme, |_| {
        ratatui::style::Style::new()
    });
}

pub fn status_label(s: FindingStatus, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => s.zh(),
        Lang::En => s.en(),
    }
}
