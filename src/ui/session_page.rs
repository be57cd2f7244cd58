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
use crate::domain::EntityId;
use crate::keymap::{Action, Layer};
use crate::present::{labels, time};
use crate::vocab::ChoiceList;

pub fn draw(frame: &mut Frame, state: &State, theme: &Theme, area: Rect, session: EntityId) {
    let Some(summary) = state.session_summary(session) else { return };
    let s = &summary.session;
    let lang = state.ctx.lang;
    let title = format!(" {} ", state.ctx.strings().tf("findings.title", &[("item", &s.item)]));
    let block = theme.block(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    // Who/how/where, wrapped to at most two rows (folded to one on a short page).
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
    if !s.attachments.is_empty() {
        fact("attach.heading", s.attachments.len().to_string());
    }
    fact("sessions.col.state", labels::session_status(state.ctx.strings(), s.status).to_string());
    let width = inner.width as usize;
    let mut packed = pack(&facts, width);
    packed.truncate(2);
    // The course of handling, when walked, on a row of its own (whole on the walk screen):
    // two rows where the page is tall enough.
    let narrative = s.walk.is_started().then(|| {
        let narrative = s.walk.narrative(&state.now(), &super::widgets::zone(state));
        state.ctx.strings().tf("findings.walk", &[("narrative", &narrative)])
    });
    let walk_rows = match &narrative {
        Some(line) => crate::text::wrap(line, width.max(1)).len().min(if inner.height >= 16 { 2 } else { 1 }),
        None => 0,
    } as u16;

    let findings = state.findings_of(session);
    let loaded = state.page.findings_session == Some(session);
    let selected = (state.page.pane == Pane::Findings).then_some(state.page.finding_cursor);
    // The selected finding's checklist item or ticket, on the last row, when it came from one.
    let origin = if loaded { selected.and_then(|_| origin_line(state)) } else { None };
    // The findings are what the page is for: at least a header and two rows (or the note on
    // an empty list) stay in view; the lines above fold first.
    let findings_min =
        if loaded && !findings.is_empty() { 1 + findings.len().min(2) as u16 + u16::from(origin.is_some()) } else { 2 };
    let checklists = state.checklists_of(session).len();
    let plan = plan(inner.height, packed.len() as u16, walk_rows, checklists, findings_min);

    let mut wrapped = if plan.facts == 1 && packed.len() > 1 {
        // One row: the state first (a finished session reads differently), then what fits.
        let mut one = facts.clone();
        if let Some(state_fact) = one.pop() {
            one.insert(0, state_fact);
        }
        vec![crate::text::truncate(&one.join("  "), width).into_owned()]
    } else {
        packed
    };
    if let Some(line) = narrative.filter(|_| plan.walk > 0) {
        // The last row shown takes the rest, cut with `..`.
        wrapped.extend(crate::text::wrap_rows(&line, width.max(1), plan.walk as usize));
    }
    let head_rows = wrapped.len().max(1) as u16;
    let [head, checks, list] =
        Layout::vertical([Constraint::Length(head_rows), Constraint::Length(plan.checks), Constraint::Min(1)])
            .areas(inner);
    let lines: Vec<Line> = wrapped.into_iter().map(|l| Line::from(Span::styled(l, theme.label()))).collect();
    frame.render_widget(Paragraph::new(lines), head);
    session_checklists::draw(frame, state, theme, checks, session);

    if !loaded {
        super::widgets::dim_note(frame, theme, list, state.t("app.loading"));
        return;
    }
    if findings.is_empty() {
        // What to do next, with the keys in force.
        let capture = state.key_for(Layer::Global, Action::Capture).unwrap_or_default();
        let new = state.key_for(Layer::SessionPage, Action::New).unwrap_or_default();
        let note = state.ctx.strings().tf("findings.empty", &[("capture", &capture), ("new", &new)]);
        super::widgets::dim_note(frame, theme, list, &note);
        return;
    }
    let cols = [
        Column { title: state.t("findings.col.seq"), width: 4, flex: false, priority: 9 },
        Column { title: state.t("findings.col.description"), width: 14, flex: true, priority: 9 },
        Column { title: state.t("findings.col.unit"), width: 12, flex: false, priority: 4 },
        Column { title: state.t("findings.col.deadline"), width: 10, flex: false, priority: 5 },
        Column {
            title: state.t("findings.col.status"),
            width: labels::finding_status_width(state.ctx.lang),
            flex: false,
            priority: 7,
        },
        Column { title: state.t("findings.col.due"), width: 9, flex: false, priority: 6 },
    ];
    let today = state.today();
    let row = |i: usize| {
        let f = &findings[i];
        vec![
            format!("{:>3}", f.seq_label()),
            if f.conflicts.is_empty() {
                f.description.clone()
            } else {
                format!("[{}] {}", state.t("sync.conflict"), f.description)
            },
            f.unit.clone(),
            time::date_or_empty(f.deadline),
            labels::finding_status_short(lang, f.status).to_string(),
            labels::due(state.ctx.strings(), f, today),
        ]
    };
    let [list, origin_row] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(u16::from(origin.is_some()))]).areas(list);
    let top = Some(&state.page.finding_top);
    table::render(frame.buffer_mut(), list, &cols, findings.len(), row, selected, top, theme, |i| {
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
        let t = state.board.tickets.iter().find(|t| t.id == ticket);
        let label = t.map(|t| crate::app::board::ticket_label(s, &state.board.tickets, t)).unwrap_or_default();
        return Some(s.tf("findings.origin_ticket", &[("ticket", &label)]));
    }
    let (checklist, item) = finding.check.as_ref()?;
    let c = state.page.checklists.iter().find(|c| c.id == *checklist);
    let (title, item) = match c.and_then(|c| c.template.item(item).map(|(_, i)| (c, i))) {
        Some((c, i)) => (c.template.title.label(state.ctx.lang).to_string(), i.text.clone()),
        // The checklist was removed: say so rather than show nothing.
        None => (state.t("findings.origin_removed").to_string(), item.clone()),
    };
    Some(state.ctx.strings().tf("findings.origin", &[("checklist", &title), ("item", &item)]))
}

/// How many rows each part above the findings gets.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Plan {
    facts: u16,
    walk: u16,
    checks: u16,
}

/// Shares `height` rows between the facts (`facts` rows wanted, one or two), the course of
/// handling (`walk`, zero to two), the checklists (`checklists` of them) and the findings,
/// which keep at least `findings_min` rows. On a short page the lines above fold, least
/// needed first: the narrative to one row, each checklist to one row (its dimensions on one
/// line under the table), the facts to one row, the narrative away, then the checklists down
/// to their header and the selected one; the findings take every row left.
fn plan(height: u16, facts: u16, walk: u16, checklists: usize, findings_min: u16) -> Plan {
    let facts = facts.clamp(1, 2);
    let wanted = session_checklists::height(checklists, height.saturating_sub(facts + walk));
    let (one_row_each, least) = match checklists as u16 {
        0 => (1, 1),
        n => (n + 2, 2),
    };
    let steps = [
        Plan { facts, walk, checks: wanted },
        Plan { facts, walk: walk.min(1), checks: wanted },
        Plan { facts, walk: walk.min(1), checks: wanted.min(one_row_each) },
        Plan { facts: 1, walk: walk.min(1), checks: wanted.min(one_row_each) },
        Plan { facts: 1, walk: 0, checks: wanted.min(one_row_each) },
    ];
    let fits = |p: &Plan| p.facts + p.walk + p.checks + findings_min <= height;
    steps.into_iter().find(fits).unwrap_or_else(|| {
        let room = height.saturating_sub(1 + findings_min);
        Plan { facts: 1, walk: 0, checks: room.clamp(least, wanted.max(least)) }
    })
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
    use super::{Plan, pack, plan};

    #[test]
    fn facts_are_not_split_across_rows_when_they_fit() {
        let facts = ["体验方式：陪同办".to_string(), "状态：进行中".to_string(), "体验人：王建国、李秀英".to_string()];
        let rows = pack(&facts, 30);
        assert_eq!(rows, vec!["体验方式：陪同办  状态：进行中", "体验人：王建国、李秀英"]);
        let narrow = pack(&facts, 10);
        assert!(narrow.iter().all(|r| crate::text::width(r) <= 10), "{narrow:?}");
    }

    #[test]
    fn a_short_page_folds_the_lines_above_before_the_findings() {
        // Tall: everything as wanted (one checklist: header, its row, its dimensions).
        assert_eq!(plan(20, 2, 2, 1, 4), Plan { facts: 2, walk: 2, checks: 3 });
        // 40x12 (8 rows inside the box), demo-like: the narrative goes, the rest stays.
        assert_eq!(plan(8, 2, 1, 1, 4), Plan { facts: 1, walk: 0, checks: 3 });
        // Three checklists on 8 rows: down to the header and the selected one.
        assert_eq!(plan(8, 2, 1, 3, 4), Plan { facts: 1, walk: 0, checks: 3 });
        assert_eq!(plan(8, 2, 1, 3, 5), Plan { facts: 1, walk: 0, checks: 2 });
        for height in 8..30 {
            for checklists in 0..5 {
                for findings_min in 2..5 {
                    let p = plan(height, 2, 2, checklists, findings_min);
                    assert!(p.facts + p.walk + p.checks + findings_min <= height, "{height} {checklists} {p:?}");
                }
            }
        }
    }
}
