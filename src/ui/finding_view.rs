//! One finding's page: what was found, the 六明确 and the deadline, who rectified and who
//! closed it off, and its history as a timeline, oldest first.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::app::State;
use crate::domain::finding::field as ff;
use crate::domain::{EntityId, Finding, FindingStatus, StatusMove};
use crate::present::{labels, time};
use crate::text;
use crate::vocab::ChoiceList;

pub fn draw(frame: &mut Frame, state: &State, theme: &Theme, area: Rect, finding: EntityId) {
    let Some(f) = state.finding(finding) else {
        super::widgets::dim_note(frame, theme, area, state.t("app.loading"));
        return;
    };
    let s = state.ctx.strings();
    let block = theme.block(format!(" {} ", s.tf("finding.title", &[("seq", &f.seq_label())])));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines = page_lines(state, theme, f, inner.width as usize);
    // Scrolled no further than the last page.
    let max = lines.len().saturating_sub(inner.height as usize) as u16;
    let scroll = state.finding_view.scroll.min(max);
    let shown: Vec<Line> = lines.into_iter().skip(scroll as usize).take(inner.height as usize).collect();
    frame.render_widget(Paragraph::new(shown), inner);
}

/// Every line of the page at `width`, styled.
pub fn page_lines(state: &State, theme: &Theme, f: &Finding, width: usize) -> Vec<Line<'static>> {
    let s = state.ctx.strings();
    let lang = state.ctx.lang;
    let today = state.today();
    let zone = super::widgets::zone(state);
    let mut out: Vec<Line<'static>> = Vec::new();
    let width = width.max(1);
    let fact = |out: &mut Vec<Line<'static>>, label: &str, value: &str, style| {
        for line in text::wrap(&format!("{}：{value}", state.t(label)), width) {
            out.push(Line::from(Span::styled(line, style)));
        }
    };
    let plain = ratatui::style::Style::new();
    let heading = |out: &mut Vec<Line<'static>>, key: &str| {
        out.push(Line::from(""));
        out.push(Line::from(Span::styled(text::truncate(state.t(key), width).into_owned(), theme.header())));
    };
    if let Some(summary) = state.session_summary(f.session_id) {
        let day = time::date_of(&zone, summary.session.created_ms);
        let item = ChoiceList::Items.display(&summary.session.item, lang);
        fact(&mut out, "finding.session", &format!("{item}  {day}"), theme.dim());
    }
    let due = labels::due(s, f, today);
    let status = labels::finding_status(lang, f.status);
    let status = if due.is_empty() { status.to_string() } else { format!("{status}  {due}") };
    fact(&mut out, "findings.col.status", &status, super::due::due_style(f, today, theme));
    fact(&mut out, "field.description", &f.description, plain);
    if !f.conflicts.is_empty() {
        // Several values live after a merge: the one shown is the latest; a move or an edit
        // supersedes them all.
        let fields = f.conflicts.iter().map(|name| field_label(state, name)).collect::<Vec<_>>().join("、");
        fact(
            &mut out,
            "sync.conflict",
            &state.ctx.strings().tf("finding.conflict", &[("fields", &fields)]),
            theme.header(),
        );
        for c in &f.conflict_values {
            out.push(Line::from(Span::styled(field_label(state, &c.field), theme.header())));
            for (n, v) in c.values.iter().rev().enumerate() {
                let line = crate::app::conflicts::value_line(state, &c.field, v);
                let line = state.ctx.strings().tf("conflict.value", &[("n", &(n + 1).to_string()), ("line", &line)]);
                out.push(Line::from(Span::styled(text::truncate(&line, width).into_owned(), theme.header())));
            }
        }
    }

    heading(&mut out, "finding.six");
    let unset = state.t("finding.unset");
    let or_unset = |v: &str| if v.trim().is_empty() { unset.to_string() } else { v.to_string() };
    let deadline = time::date_or_empty(f.deadline);
    for (label, value) in [
        ("field.unit", ChoiceList::Units.display(&f.unit, lang)),
        ("field.measure", f.measure.clone()),
        ("field.target", f.target.clone()),
        ("field.standard", f.standard.clone()),
        ("field.deadline", deadline),
        ("field.owner", f.owner.clone()),
    ] {
        fact(&mut out, label, &or_unset(&value), plain);
    }
    if !f.evidence.is_empty() || !f.rectified_by.is_empty() {
        heading(&mut out, "finding.rectification");
        if !f.evidence.is_empty() {
            fact(&mut out, "field.evidence", &f.evidence, plain);
        }
        if !f.rectified_by.is_empty() {
            let on = time::date_or_empty(f.rectified_on);
            fact(&mut out, "finding.rectified_by", &format!("{}  {on}", f.rectified_by), plain);
        }
    }
    if f.status == FindingStatus::Closed && !f.closed_by.is_empty() {
        let on = time::date_or_empty(f.closed_on);
        fact(&mut out, "finding.closed_by", &format!("{}  {on}", f.closed_by), theme.ok());
    }

    if !f.attachments.is_empty() {
        heading(&mut out, "attach.heading");
        for (n, a) in f.attachments.iter().enumerate() {
            let when = time::date_time(&zone, a.at_ms);
            let line = format!("{} {}  {}  {when}", n + 1, crate::app::attachments::line(a), a.by);
            out.extend(text::wrap(&line, width).into_iter().map(|l| Line::from(Span::styled(l, plain))));
        }
    }

    heading(&mut out, "finding.history");
    if f.moves.is_empty() {
        out.push(Line::from(Span::styled(
            text::truncate(state.t("finding.no_history"), width).into_owned(),
            theme.dim(),
        )));
    }
    for m in &f.moves {
        out.extend(move_lines(state, theme, m, width));
    }
    out
}

/// "2026-11-20 09:12  张三  待核查 -> 已核查", then its reason, evidence and 六明确 indented.
fn move_lines(state: &State, theme: &Theme, m: &StatusMove, width: usize) -> Vec<Line<'static>> {
    let lang = state.ctx.lang;
    let name = |code: &str| labels::finding_status_code(lang, code);
    let when = time::date_time(&super::widgets::zone(state), m.at_ms);
    let what = if m.is_edit() {
        state.t("finding.edited").to_string()
    } else if m.reopen {
        state.ctx.strings().tf("finding.reopened", &[("from", &name(&m.from)), ("to", &name(&m.to))])
    } else {
        format!("{} -> {}", name(&m.from), name(&m.to))
    };
    let mut out: Vec<Line<'static>> = text::wrap(&format!("{when}  {}  {what}", m.by), width)
        .into_iter()
        .map(|l| Line::from(Span::styled(l, theme.label())))
        .collect();
    let mut detail = |label: &str, value: &str| {
        if value.trim().is_empty() {
            return;
        }
        for line in text::wrap(&format!("{}：{value}", state.t(label)), width.saturating_sub(2).max(1)) {
            out.push(Line::from(format!("  {line}")));
        }
    };
    for (field, value) in &m.details {
        let label = match field.as_str() {
            ff::UNIT => "field.unit",
            ff::MEASURE => "field.measure",
            ff::DEADLINE => "field.deadline",
            ff::TARGET => "field.target",
            ff::STANDARD => "field.standard",
            ff::OWNER => "field.owner",
            _ => continue,
        };
        detail(label, value);
    }
    detail("field.evidence", &m.evidence);
    detail("field.move_note", &m.note);
    out
}

/// A field's name as the form labels it (`field.unit` → 责任单位), else as stored.
fn field_label(state: &State, name: &str) -> String {
    state.ctx.strings().lookup(&format!("field.{name}")).unwrap_or(name).to_string()
}
