//! A checklist screen: the overall result, items grouped under their dimensions with a
//! gauge each, and below them the selected item's hint, note and findings.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::table::{self, Column};
use super::theme::Theme;
use crate::app::State;
use crate::domain::{Answer, Checklist, Tally};
use crate::present::labels::{answer as answer_label, average, percent};
use crate::text;

/// `[####......]`: ASCII, because block glyphs are ambiguous-width and take two columns on
/// CJK terminals.
pub fn gauge(done: usize, total: usize, width: usize) -> String {
    let inner = width.saturating_sub(2);
    // Full only when all is done, and never empty once something is.
    let filled = match (done, total) {
        (_, 0) | (0, _) => 0,
        (d, t) if d >= t => inner,
        (d, t) => (d * inner / t).clamp(1, inner.saturating_sub(1)),
    };
    format!("[{}{}]", "#".repeat(filled), ".".repeat(inner - filled))
}

/// "已答 12/30 [###...] 通过率 80% 平均分 4.2"
pub fn tally_line(state: &State, t: &Tally, gauge_width: usize) -> String {
    let s = state.ctx.strings();
    let answered = format!("{}/{}", t.answered, t.total);
    s.tf(
        "checklist.tally",
        &[
            ("answered", &answered),
            ("gauge", &gauge(t.answered, t.total, gauge_width)),
            ("pass", &percent(t.pass_rate())),
            ("score", &average(t.average_score())),
        ],
    )
}

pub fn draw(frame: &mut Frame, state: &State, theme: &Theme, area: Rect) {
    let Some(c) = state.open_checklist() else {
        let block = theme.block("");
        let inner = block.inner(area);
        frame.render_widget(block, area);
        super::widgets::dim_note(frame, theme, inner, state.t("app.loading"));
        return;
    };
    let lang = state.ctx.lang;
    let mut title = state.ctx.strings().tf("checklist.title", &[("title", c.template.title.label(lang))]);
    if !c.conflicts.is_empty() {
        // Answers or notes with several values after a merge: answering the item again keeps one.
        let n = c.conflicts.len().to_string();
        title = format!("{title} {}", state.ctx.strings().tf("sessions.conflicts", &[("n", &n)]));
    }
    let block = theme.block(format!(" {title} "));
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let detail_rows = match inner.height {
        h if h >= 18 => 4,
        h if h >= 12 => 2,
        _ => 1,
    };
    let [head, list, detail] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(2), Constraint::Length(detail_rows)]).areas(inner);
    let result = c.result();
    let overall = text::truncate(&tally_line(state, &result.overall, 12), head.width as usize).into_owned();
    frame.render_widget(Paragraph::new(Span::styled(overall, theme.label())), head);

    // Rows: a header per dimension, then its items. The cursor counts items only. Only the
    // rows in view are made: here, which dimension and item each row is.
    let mut rows: Vec<(usize, Option<usize>)> = Vec::new();
    let mut selected_row = None;
    let mut item_index = 0;
    for (d, dimension) in c.template.dimensions.iter().enumerate() {
        rows.push((d, None));
        for i in 0..dimension.items.len() {
            if item_index == state.checklist.item_cursor {
                selected_row = Some(rows.len());
            }
            item_index += 1;
            rows.push((d, Some(i)));
        }
    }
    let row = |r: usize| {
        let (d, i) = rows[r];
        let dimension = &c.template.dimensions[d];
        let Some(i) = i else {
            let t = &result.dimensions[d];
            let name = state.ctx.strings().tf("checklist.dimension", &[("name", dimension.title.label(lang))]);
            return vec![String::new(), format!("{name} {}", tally_line(state, t, 8)), String::new()];
        };
        let item = &dimension.items[i];
        let shown = c
            .answer(&item.id)
            .map(|a| answer_label(state.ctx.strings(), a, &item.unit))
            .unwrap_or_else(|| state.t("answer.none").into());
        // "备注 #3 #5": a note, and the 序号 of the findings made from the item.
        let mut marks = Vec::new();
        if c.notes.contains_key(&item.id) {
            marks.push(state.t("checklist.has_note").to_string());
        }
        marks.extend(state.findings_of_item(c.id, &item.id).iter().map(|f| format!("#{}", f.seq)));
        vec![shown, item.text.clone(), marks.join(" ")]
    };
    let style = |r: usize| match rows[r] {
        (_, None) => theme.header(),
        (d, Some(i)) => match c.answer(&c.template.dimensions[d].items[i].id) {
            None => theme.dim(),
            Some(a) if a.is_negative() => theme.error(),
            Some(_) => Style::new(),
        },
    };
    let cols = [
        Column { title: state.t("checklist.col.answer"), width: 8, flex: false, priority: 9 },
        Column { title: state.t("checklist.col.item"), width: 12, flex: true, priority: 9 },
        Column { title: state.t("checklist.col.marks"), width: 12, flex: false, priority: 3 },
    ];
    let top = Some(&state.checklist.top);
    table::render(frame.buffer_mut(), list, &cols, rows.len(), row, selected_row, top, theme, style);
    draw_detail(frame, state, theme, detail, c);
}

/// The selected item in full: its text and hint, a text answer, its note, and the findings
/// made from it. With fewer rows the later lines matter more (they are not shown elsewhere).
fn draw_detail(frame: &mut Frame, state: &State, theme: &Theme, area: Rect, c: &Checklist) {
    let Some((_, item)) = state.selected_item() else { return };
    let s = state.ctx.strings();
    let width = area.width as usize;
    let cut = |t: &str| text::truncate(t, width).into_owned();
    let mut lines = Vec::new();
    let about = if item.hint.is_empty() { item.text.clone() } else { format!("{}  {}", item.text, item.hint) };
    lines.push(Line::from(Span::styled(cut(&about), theme.dim())));
    if let Some(Answer::Text(t)) = c.answer(&item.id) {
        lines.push(Line::from(cut(&s.tf("checklist.text_answer", &[("text", t)]))));
    }
    if let Some(note) = c.notes.get(&item.id) {
        lines.push(Line::from(cut(&s.tf("checklist.note", &[("note", note)]))));
    }
    let findings = state.findings_of_item(c.id, &item.id);
    if !findings.is_empty() {
        let list: Vec<String> = findings.iter().map(|f| format!("#{} {}", f.seq, f.description)).collect();
        let line = s.tf("checklist.findings", &[("list", &list.join("；"))]);
        lines.push(Line::from(Span::styled(cut(&line), theme.error())));
    }
    let skip = lines.len().saturating_sub(area.height as usize);
    frame.render_widget(Paragraph::new(lines.split_off(skip)), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauge_fills_by_share_and_keeps_its_width() {
        assert_eq!(gauge(0, 10, 12), "[..........]");
        assert_eq!(gauge(10, 10, 12), "[##########]");
        assert_eq!(gauge(1, 3, 8), "[##....]");
        assert_eq!(gauge(17, 18, 12), "[#########.]", "not full until all is done");
        assert_eq!(gauge(1, 100, 12), "[#.........]", "not empty once begun");
        assert_eq!(gauge(0, 0, 6), "[....]");
        assert_eq!(gauge(5, 3, 6), "[####]");
        assert_eq!(percent(Some(0.625)), "63%");
    }
}
