//! The ratings of kiosk entries: a row per group with its 满意率 per dimension, and under the
//! list the selected group's counts and shares at each of the five levels.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::table::{self, Column};
use super::theme::Theme;
use crate::app::State;
use crate::domain::kiosk::{Dimension, Level};
use crate::domain::ratings::GroupBy;
use crate::present::labels::percent;
use crate::text;

pub fn draw(frame: &mut Frame, state: &State, theme: &Theme, area: Rect) {
    let lang = state.ctx.lang;
    let by = state.t(match state.ratings.by {
        GroupBy::All => "ratings.by_all",
        GroupBy::Item => "ratings.by_item",
        GroupBy::Window => "ratings.by_window",
        GroupBy::Week => "ratings.by_week",
    });
    let block = theme.block(format!(" {} ", state.ctx.strings().tf("ratings.title", &[("by", by)])));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = crate::app::ratings::rows(state);
    if rows.iter().all(|r| r.entries == 0) {
        super::widgets::dim_note(frame, theme, inner, state.t("ratings.empty"));
        return;
    }
    let detail_rows = (Dimension::ALL.len() as u16 + 1).min(inner.height / 2);
    let [list, detail] = Layout::vertical([Constraint::Min(2), Constraint::Length(detail_rows)]).areas(inner);
    let mut cols = vec![
        Column { title: state.t("ratings.col.group"), width: 10, flex: true, priority: 9 },
        Column { title: state.t("ratings.col.entries"), width: 5, flex: false, priority: 9 },
    ];
    for (i, d) in Dimension::ALL.into_iter().enumerate() {
        cols.push(Column { title: d.label(lang), width: 8, flex: false, priority: 8 - i as u8 });
    }
    let line = |i: usize| {
        let r = &rows[i];
        let name = match (r.group.is_empty(), state.ratings.by) {
            (false, _) => r.group.clone(),
            (true, GroupBy::All) => state.t("ratings.all").to_string(),
            (true, _) => state.t("ratings.unnamed").to_string(),
        };
        let mut cells = vec![name, r.entries.to_string()];
        cells.extend(Dimension::ALL.into_iter().map(|d| percent(r.satisfied(d))));
        cells
    };
    let cursor = state.ratings.cursor.min(rows.len().saturating_sub(1));
    table::render(frame.buffer_mut(), list, &cols, rows.len(), line, Some(cursor), None, theme, |_| {
        ratatui::style::Style::new()
    });
    // The selected group: each dimension's levels, count and share.
    let r = &rows[cursor];
    let width = usize::from(detail.width);
    let lines: Vec<Line> = Dimension::ALL
        .into_iter()
        .map(|d| {
            // The levels chosen at all (a row of zeros says nothing and would not fit).
            let levels: Vec<String> = Level::ALL
                .into_iter()
                .filter(|l| r.counts[&d][*l as usize] > 0)
                .map(|l| format!("{} {} ({})", l.label(lang), r.counts[&d][l as usize], percent(r.share(d, l))))
                .collect();
            let text = format!("{}：{}", d.label(lang), levels.join("  "));
            Line::from(Span::styled(text::truncate(&text, width).into_owned(), theme.dim()))
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines),
        Rect { y: detail.y + 1, height: detail.height.saturating_sub(1), ..detail },
    );
}
