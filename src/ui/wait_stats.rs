//! Wait statistics across every session, by window or by service item, with all tickets
//! together on the last row.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::Paragraph;

use super::table::{self, Column};
use super::theme::Theme;
use crate::app::{State, StatsBy};
use crate::domain::{Ticket, WaitStats, waits};
use crate::present::labels::{duration_or_dash, percent};
use crate::text;

pub fn draw(frame: &mut Frame, state: &State, theme: &Theme, area: Rect) {
    let by = match state.stats.by {
        StatsBy::Window => state.t("stats.by_window"),
        StatsBy::Item => state.t("stats.by_item"),
    };
    let block = theme.block(format!(" {} ", state.ctx.strings().tf("stats.title", &[("by", by)])));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(all) = &state.stats.tickets else {
        super::widgets::dim_note(frame, theme, inner, state.t("app.loading"));
        return;
    };
    let [head, list] = Layout::vertical([Constraint::Length(1), Constraint::Min(2)]).areas(inner);
    let method = text::truncate(state.t("stats.method"), head.width as usize).into_owned();
    frame.render_widget(Paragraph::new(Span::styled(method, theme.dim())), head);
    if all.is_empty() {
        super::widgets::dim_note(frame, theme, list, state.t("stats.empty"));
        return;
    }
    let group_title = match state.stats.by {
        StatsBy::Window => state.t("board.col.window"),
        StatsBy::Item => state.t("board.col.item"),
    };
    let cols = [
        Column { title: group_title, width: 10, flex: true, priority: 9 },
        Column { title: state.t("stats.col.count"), width: 5, flex: false, priority: 9 },
        Column { title: state.t("stats.col.median"), width: 7, flex: false, priority: 9 },
        Column { title: state.t("stats.col.p90"), width: 7, flex: false, priority: 8 },
        Column { title: state.t("stats.col.max"), width: 7, flex: false, priority: 8 },
        Column { title: state.t("stats.col.service"), width: 8, flex: false, priority: 4 },
        Column { title: state.t("stats.col.over"), width: 6, flex: false, priority: 6 },
        Column { title: state.t("stats.col.left"), width: 6, flex: false, priority: 5 },
    ];
    let rules = &state.ctx.waits;
    let thresholds = |t: &Ticket| rules.for_item(&t.item);
    let groups = crate::app::stats::groups(state);
    let whole = waits::wait_stats(all, &thresholds);
    let line = |i: usize| match groups.get(i) {
        Some((key, stats)) => {
            let name = if key.is_empty() { state.t("stats.unnamed").to_string() } else { key.clone() };
            row(name, stats)
        }
        None => row(state.t("stats.all").to_string(), &whole),
    };
    let n = groups.len();
    let cursor = state.stats.cursor.min(n.saturating_sub(1));
    table::render(frame.buffer_mut(), list, &cols, n + 1, line, Some(cursor), None, theme, |i| {
        if i == n { theme.header() } else { ratatui::style::Style::new() }
    });
}

fn row(name: String, s: &WaitStats) -> Vec<String> {
    let time = duration_or_dash;
    vec![
        name,
        s.count.to_string(),
        time(s.median_secs),
        time(s.p90_secs),
        time(s.max_secs),
        time(s.median_service_secs),
        percent(s.over_threshold_share),
        percent(s.left_share),
    ]
}
