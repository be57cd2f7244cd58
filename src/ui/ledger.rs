//! 整改台账: the weekly counts on top, then every finding that passes the filter (or one row
//! per unit). Only the rows in view are formatted, so 100,000 findings draw as fast as 20.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::table::{self, Column};
use super::theme::Theme;
use crate::app::State;
use crate::domain::Finding;
use crate::present::{labels, time};
use crate::text;
use crate::vocab::ChoiceList;

pub fn draw(frame: &mut Frame, state: &State, theme: &Theme, area: Rect) {
    let view = &state.ledger;
    let block = theme.block(format!(" {} ", state.t("ledger.title")));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if !view.loaded {
        super::widgets::dim_note(frame, theme, inner, state.t("app.loading"));
        return;
    }
    let width = inner.width as usize;
    let s = state.ctx.strings();
    // The weekly figures, wrapped whole (they are what the office copies out).
    let mut counts: Vec<String> = text::wrap(&view.counts.line(s), width.max(1));
    if view.counts.not_a_problem > 0 {
        let n = view.counts.not_a_problem.to_string();
        counts.extend(text::wrap(&s.tf("ledger.not_a_problem", &[("n", &n)]), width.max(1)));
    }
    let filter = crate::app::ledger::filter_summary(state);
    let shown = s.tf("ledger.shown", &[("n", &view.rows.len().to_string())]);
    let second = if filter.is_empty() { shown } else { format!("{shown}  {}：{filter}", s.t("ledger.filter.label")) };
    let count_rows = (counts.len() as u16).min(inner.height.saturating_sub(3) / 2).max(1);
    let [head, sub, list] =
        Layout::vertical([Constraint::Length(count_rows), Constraint::Length(1), Constraint::Min(1)]).areas(inner);
    let lines: Vec<Line> = counts.into_iter().map(|l| Line::from(Span::styled(l, theme.label()))).collect();
    frame.render_widget(Paragraph::new(lines), head);
    let style = if filter.is_empty() { theme.dim() } else { theme.focused_label() };
    frame.render_widget(Paragraph::new(Span::styled(text::truncate(&second, width).into_owned(), style)), sub);
    if view.by_unit {
        draw_units(frame, state, theme, list);
    } else if view.rows.is_empty() {
        super::widgets::dim_note(frame, theme, list, state.t("ledger.no_findings"));
    } else {
        draw_rows(frame, state, theme, list);
    }
}

/// One row per unit: found, rectifying, overdue, closed, total.
fn draw_units(frame: &mut Frame, state: &State, theme: &Theme, area: Rect) {
    let view = &state.ledger;
    let s = state.ctx.strings();
    if view.units.is_empty() {
        super::widgets::dim_note(frame, theme, area, state.t("ledger.no_findings"));
        return;
    }
    let num = |key: &'static str, priority| Column { title: s.t(key), width: 6, flex: false, priority };
    let cols = [
        Column { title: s.t("ledger.col.unit"), width: 12, flex: true, priority: 9 },
        num("ledger.col.found", 8),
        num("ledger.col.rectifying", 6),
        num("ledger.col.overdue", 8),
        num("ledger.col.closed", 7),
        num("ledger.col.total", 5),
    ];
    let row = |r: usize| {
        let u = &view.units[r];
        let n = |x: usize| format!("{x:>4}");
        let unit = ChoiceList::Units.display(u.label(s), state.ctx.lang);
        vec![unit, n(u.found), n(u.rectifying), n(u.overdue), n(u.closed), n(u.total)]
    };
    let style = |r: usize| if view.units[r].overdue > 0 { theme.error() } else { ratatui::style::Style::new() };
    let (cursor, top) = (Some(view.unit_cursor), Some(&view.unit_top));
    table::render(frame.buffer_mut(), area, &cols, view.units.len(), row, cursor, top, theme, style);
}

fn draw_rows(frame: &mut Frame, state: &State, theme: &Theme, area: Rect) {
    let view = &state.ledger;
    let lang = state.ctx.lang;
    let today = state.today();
    let cols = [
        Column { title: state.t("ledger.col.item"), width: 8, flex: false, priority: 5 },
        Column { title: state.t("findings.col.seq"), width: 4, flex: false, priority: 3 },
        Column { title: state.t("findings.col.description"), width: 12, flex: true, priority: 9 },
        Column { title: state.t("findings.col.unit"), width: 12, flex: false, priority: 7 },
        Column { title: state.t("findings.col.deadline"), width: 10, flex: false, priority: 6 },
        Column {
            title: state.t("findings.col.status"),
            width: labels::finding_status_width(state.ctx.lang),
            flex: false,
            priority: 8,
        },
        Column { title: state.t("findings.col.due"), width: 9, flex: false, priority: 7 },
    ];
    // Status and deadline come from the row; the description from the finding fetched whole
    // for the rows around the cursor (blank for the moment it is on its way).
    let due_of = |r: usize| {
        let mut f = Finding::blank(0);
        if let Some(row) = view.row(r) {
            (f.deadline, f.status) = (row.deadline(), row.status);
        }
        f
    };
    let row = |r: usize| {
        let Some(x) = view.row(r) else { return vec![] };
        let session = view.index.session_id(x);
        let item = state.session_summary(session).map(|s| ChoiceList::Items.display(&s.session.item, lang));
        let description = view.finding(r).map(|f| f.description.clone()).unwrap_or_default();
        vec![
            item.unwrap_or_default(),
            format!("{:>3}", crate::domain::numbering::seq_label(x.seq, x.seq_rank)),
            description,
            ChoiceList::Units.display(view.index.unit(x), lang),
            time::date_or_empty(x.deadline()),
            labels::finding_status_short(lang, x.status).to_string(),
            labels::due(state.ctx.strings(), &due_of(r), today),
        ]
    };
    let style = |r: usize| super::due::due_style(&due_of(r), today, theme);
    let (cursor, top) = (Some(view.cursor), Some(&view.top));
    table::render(frame.buffer_mut(), area, &cols, view.rows.len(), row, cursor, top, theme, style);
}
