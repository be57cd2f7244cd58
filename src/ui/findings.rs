//! A session's page: a short summary, its checklists with their results, and its findings.
//! Tab moves the cursor between the two lists; the other list shows no selection.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::session_checklists;
use super::table::{self, Column};
use super::theme::Theme;
use crate::app::{Pane, State};
use crate::assets::ChoiceList;
use crate::domain::EntityId;
use crate::keymap::{Action, Layer};

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
    let mut wrapped = pack(&facts, inner.width as usize);
    wrapped.truncate(2);
    // The course of handling, when walked, on a row of its own (whole on the walk screen).
    if s.walk.is_started() {
        let narrative = s.walk.narrative(&state.now(), &chrono::Local);
        let line = state.ctx.strings().tf("findings.walk", &[("narrative", &narrative)]);
        // Two rows where the page is tall enough; the walk screen has it whole.
        let rows = if inner.height >= 16 { 2 } else { 1 };
        let mut lines = crate::text::wrap(&line, (inner.width as usize).max(1));
        if lines.len() > rows {
            // The last row shown takes the rest, cut with `..`.
            let rest = lines.split_off(rows - 1).concat();
            lines.push(crate::text::truncate(&rest, inner.width as usize).into_owned());
        }
        wrapped.extend(lines);
    }
    let head_rows = wrapped.len().clamp(1, 4) as u16;
    let checklist_rows = session_checklists::height(state, session, inner.height.saturating_sub(head_rows));
    let [head, checks, list] =
        Layout::vertical([Constraint::Length(head_rows), Constraint::Length(checklist_rows), Constraint::Min(1)])
            .areas(inner);
    let lines: Vec<Line> = wrapped.into_iter().map(|l| Line::from(Span::styled(l, theme.label()))).collect();
    frame.render_widget(Paragraph::new(lines), head);
    session_checklists::draw(frame, state, theme, checks, session);

    let findings = state.findings_of(session);
    if state.findings_session != Some(session) {
        super::widgets::dim_note(frame, theme, list, state.t("app.loading"));
        return;
    }
    if findings.is_empty() {
        // What to do next, with the keys in force.
        let capture = state.key_for(Layer::Global, Action::Capture).unwrap_or_default();
        let new = state.key_for(Layer::Findings, Action::New).unwrap_or_default();
        let note = state.ctx.strings().tf("findings.empty", &[("capture", &capture), ("new", &new)]);
        super::widgets::dim_note(frame, theme, list, &note);
        return;
    }
    let cols = [
        Column { title: state.t("findings.col.seq"), width: 4, flex: false, priority: 9 },
        Column { title: state.t("findings.col.description"), width: 14, flex: true, priority: 9 },
        Column { title: state.t("findings.col.unit"), width: 12, flex: false, priority: 4 },
        Column { title: state.t("findings.col.deadline"), width: 10, flex: false, priority: 5 },
        Column { title: state.t("findings.col.status"), width: 6, flex: false, priority: 7 },
        Column { title: state.t("findings.col.due"), width: 9, flex: false, priority: 6 },
    ];
    let today = state.today();
    let rows: Vec<Vec<String>> = findings
        .iter()
        .map(|f| {
            vec![
                format!("{:>3}", f.seq),
                f.description.clone(),
                f.unit.clone(),
                f.deadline.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(),
                f.status.label(lang).to_string(),
                super::due::due_text(f, today, state.ctx.strings()),
            ]
        })
        .collect();
    let selected = (state.pane == Pane::Findings).then_some(state.finding_cursor);
    // The selected finding's checklist item, on the last row, when it came from one.
    let origin = selected.and_then(|_| origin_line(state));
    let [list, origin_row] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(u16::from(origin.is_some()))]).areas(list);
    table::render(frame.buffer_mut(), list, &cols, &rows, selected, theme, |i| {
        super::due::due_style(&findings[i], today, theme)
    });
    if let Some(origin) = origin {
        let line = crate::text::truncate(&origin, origin_row.width as usize).into_owned();
        frame.render_widget(Paragraph::new(Span::styled(line, theme.dim())), origin_row);
    }
}

/// "来自检查表：现场办事体验 / 咨询能否得到准确解答" (or the ticket it came from) for the
/// selected finding.
fn origin_line(state: &State) -> Option<String> {
    let finding = state.selected_finding()?;
    if let Some(ticket) = finding.ticket {
        let s = state.ctx.strings();
        let t = state.tickets.iter().find(|t| t.id == ticket);
        let label = t.map(|t| crate::app::board::ticket_label(s, &state.tickets, t)).unwrap_or_default();
        return Some(s.tf("findings.origin_ticket", &[("ticket", &label)]));
    }
    let (checklist, item) = finding.check.as_ref()?;
    let c = state.checklists.iter().find(|c| c.id == *checklist);
    let (title, item) = match c.and_then(|c| c.template.item(item).map(|(_, i)| (c, i))) {
        Some((c, i)) => (c.template.title.label(state.ctx.lang).to_string(), i.text.clone()),
        // The checklist was removed: say so rather than show nothing.
        None => (state.t("findings.origin_removed").to_string(), item.clone()),
    };
    Some(state.ctx.strings().tf("findings.origin", &[("checklist", &title), ("item", &item)]))
}

/// Facts joined two spaces apart, a whole fact to a row where it fits, so a value is not
/// split across rows; a fact wider than the row is wrapped on its own.
fn pack(facts: &[String], width: usize) -> Vec<String> {
    let mut rows: Vec<String> = Vec::new();
    let mut row = String::new();
    for fact in facts {
        let wide = crate::text::width(fact);
        if row.is_empty() {
            row = fact.clone();
        } else if crate::text::width(&row) + 2 + wide <= width {
            row.push_str("  ");
            row.push_str(fact);
        } else {
            rows.push(std::mem::take(&mut row));
            row = fact.clone();
        }
        if crate::text::width(&row) > width {
            let mut parts = crate::text::wrap(&row, width.max(1));
            row = parts.pop().unwrap_or_default();
            rows.extend(parts);
        }
    }
    if !row.is_empty() {
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::pack;

    #[test]
    fn facts_are_not_split_across_rows_when_they_fit() {
        let facts = ["体验方式：陪同办".to_string(), "状态：进行中".to_string(), "体验人：王建国、李秀英".to_string()];
        let rows = pack(&facts, 30);
        assert_eq!(rows, vec!["体验方式：陪同办  状态：进行中", "体验人：王建国、李秀英"]);
        let narrow = pack(&facts, 10);
        assert!(narrow.iter().all(|r| crate::text::width(r) <= 10), "{narrow:?}");
    }
}
