//! The queue board: the session's wait figures, any clock jump, one row per ticket ticking
//! live (state, time in it, wait so far, service time), marked past its thresholds, and a
//! histogram of waits when there is room. Times are computed here, at draw time, from the
//! stored stamps and the clock: nothing counts in memory.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::table::{self, Column};
use super::theme::Theme;
use crate::app::State;
use crate::app::board::ticket_label_at;
use crate::app::clock_watch::jump_text;
use crate::domain::{EntityId, Level, Stamp, Ticket, TicketState, WaitStats, waits};
use crate::i18n::Strings;
use crate::present::labels::{self, duration_or_dash, percent};
use crate::text;

/// Waits are counted in buckets of this many minutes, the last one open-ended.
const BUCKET_MINUTES: i64 = 10;
const BUCKETS: usize = 4;

pub fn draw(frame: &mut Frame, state: &State, theme: &Theme, area: Rect, session: EntityId) {
    let s = state.ctx.strings();
    let item = state.session_summary(session).map(|s| s.session.item.clone()).unwrap_or_default();
    let block = theme.block(format!(" {} ", s.tf("board.title", &[("item", &item)])));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if state.board.session != Some(session) {
        super::widgets::dim_note(frame, theme, inner, state.t("app.loading"));
        return;
    }
    let tickets = state.tickets_of(session);
    let now = state.now();
    let rules = &state.ctx.waits;
    let thresholds = |t: &Ticket| rules.for_item(&t.item);
    let stats = waits::wait_stats(tickets, &thresholds);

    let jump = state.session_summary(session).and_then(|s| s.session.clock_jumps.last().cloned());
    let histogram_rows = if inner.height >= 18 && stats.count > 0 { BUCKETS as u16 } else { 0 };
    let [head, jump_row, list, histogram] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(u16::from(jump.is_some())),
        Constraint::Min(2),
        Constraint::Length(histogram_rows),
    ])
    .areas(inner);
    let summary = text::truncate(&summary_line(s, &stats), head.width as usize).into_owned();
    frame.render_widget(Paragraph::new(Span::styled(summary, theme.label())), head);
    if let Some(j) = jump {
        let when = crate::present::time::clock(&super::widgets::zone(state), j.stamp.wall_ms);
        let size = jump_text(s, j.detail.parse().unwrap_or(0));
        let line = s.tf("board.clock_jump", &[("jump", &size), ("at", &when)]);
        let line = text::truncate(&line, jump_row.width as usize).into_owned();
        frame.render_widget(Paragraph::new(Span::styled(line, theme.error())), jump_row);
    }
    if tickets.is_empty() {
        super::widgets::dim_note(frame, theme, list, state.t("board.empty_hint"));
        return;
    }
    // The ticket's number is what the inspector hears called: never cut ("No. A012" in
    // English is wider than "A012号"). The state column fits its longest word. Widths come
    // from these short words of every ticket; whole rows are made for the rows in view only.
    let widest = |cell: &dyn Fn(usize, &Ticket) -> String, title: &str| {
        let cells = tickets.iter().enumerate().map(|(place, t)| text::width(&cell(place, t)));
        cells.chain([text::width(title)]).max().unwrap_or(0).min(24) as u16
    };
    let number_w = widest(&|place, t| ticket_label_at(s, t, place), state.t("board.col.number")).min(14);
    let state_w = widest(&|_, t| labels::ticket_state(s, t).to_string(), state.t("board.col.state")).max(6);
    // Times are at most 7 wide ("1:02:03"); a longer heading ("In state") widens its column.
    let time_w = |key: &str| (text::width(state.t(key)) as u16).clamp(7, 9);
    // The item is the session's own (its title says it) unless a ticket was for another one:
    // only then is it a column, and a wide one, so it is not cut to "business s..".
    let session_item = state.session_summary(session).map(|s| s.session.item.as_str()).unwrap_or("");
    let show_item = tickets.iter().any(|t| t.item != session_item);
    let item = |t: &Ticket| crate::vocab::ChoiceList::Items.display(&t.item, state.ctx.lang);
    let item_w = if show_item { widest(&|_, t| item(t), state.t("board.col.item")).max(8) } else { 0 };
    let mut cols = vec![
        Column { title: state.t("board.col.number"), width: number_w, flex: false, priority: 9 },
        // The window takes the spare width.
        Column { title: state.t("board.col.window"), width: 8, flex: true, priority: 5 },
        Column { title: state.t("board.col.item"), width: item_w, flex: false, priority: 4 },
        Column { title: state.t("board.col.state"), width: state_w, flex: false, priority: 9 },
        Column { title: state.t("board.col.in_state"), width: time_w("board.col.in_state"), flex: false, priority: 6 },
        Column { title: state.t("board.col.wait"), width: time_w("board.col.wait"), flex: false, priority: 8 },
        Column { title: state.t("board.col.service"), width: time_w("board.col.service"), flex: false, priority: 3 },
        Column { title: state.t("board.col.mark"), width: 6, flex: false, priority: 7 },
    ];
    if !show_item {
        cols.remove(2);
    }
    let row = |i: usize| {
        let mut row = ticket_row(state, i, &tickets[i], &now);
        if !show_item {
            row.remove(2);
        }
        row
    };
    let style = |i: usize| ticket_style(state, theme, &tickets[i], &now);
    let (cursor, top) = (Some(state.board.cursor), Some(&state.board.top));
    table::render(frame.buffer_mut(), list, &cols, tickets.len(), row, cursor, top, theme, style);
    if histogram_rows > 0 {
        draw_histogram(frame, state, theme, histogram, tickets);
    }
}

/// How long `t` has waited and whether that is past its item's thresholds.
fn wait_level(state: &State, t: &Ticket, now: &Stamp) -> (Option<i64>, Level) {
    let wait = t.wait_secs(now);
    (wait, wait.map(|w| state.ctx.waits.for_item(&t.item).level(w)).unwrap_or(Level::Normal))
}

fn ticket_row(state: &State, place: usize, t: &Ticket, now: &Stamp) -> Vec<String> {
    let s = state.ctx.strings();
    let time = duration_or_dash;
    let in_state = if t.state().is_open() { t.state_since().map(|since| since.live_secs(now)) } else { None };
    let (wait, level) = wait_level(state, t, now);
    let mut mark = match level {
        Level::Alert => state.t("board.mark.alert").to_string(),
        Level::Warning => state.t("board.mark.warning").to_string(),
        Level::Normal => String::new(),
    };
    if t.recalls() > 0 && mark.is_empty() {
        mark = s.tf("board.mark.recalled", &[("n", &t.recalls().to_string())]);
    }
    vec![
        ticket_label_at(s, t, place),
        t.window().to_string(),
        crate::vocab::ChoiceList::Items.display(&t.item, state.ctx.lang),
        labels::ticket_state(s, t).to_string(),
        time(in_state),
        time(wait),
        time(t.service_secs(now)),
        mark,
    ]
}

fn ticket_style(state: &State, theme: &Theme, t: &Ticket, now: &Stamp) -> Style {
    match (wait_level(state, t, now).1, t.state()) {
        (Level::Alert, _) => theme.error(),
        (Level::Warning, _) => theme.label(),
        (_, TicketState::Done | TicketState::Left | TicketState::Ended) => theme.dim(),
        _ => Style::new(),
    }
}

/// "已叫号 12 人  中位 8:20  P90 25:10  最长 41:03  办理中位 6:00  超阈值 17%  离开 8%"
pub fn summary_line(s: &Strings, stats: &WaitStats) -> String {
    let time = duration_or_dash;
    let pct = percent;
    s.tf(
        "board.summary",
        &[
            ("tickets", &stats.tickets.to_string()),
            ("count", &stats.count.to_string()),
            ("median", &time(stats.median_secs)),
            ("p90", &time(stats.p90_secs)),
            ("max", &time(stats.max_secs)),
            ("service", &time(stats.median_service_secs)),
            ("over", &pct(stats.over_threshold_share)),
            ("left", &pct(stats.left_share)),
        ],
    )
}

/// One row per bucket: "10-20分 ######## 5", bars scaled to the widest bucket.
fn draw_histogram(frame: &mut Frame, state: &State, theme: &Theme, area: Rect, tickets: &[Ticket]) {
    let counts = waits::histogram(tickets, BUCKET_MINUTES * 60, BUCKETS);
    let most = counts.iter().copied().max().unwrap_or(0).max(1);
    let s = state.ctx.strings();
    let labels: Vec<String> = (0..BUCKETS as i64)
        .map(|i| {
            let from = (i * BUCKET_MINUTES).to_string();
            if i as usize == BUCKETS - 1 {
                s.tf("board.bucket_last", &[("from", &from)])
            } else {
                s.tf("board.bucket", &[("from", &from), ("to", &((i + 1) * BUCKET_MINUTES).to_string())])
            }
        })
        .collect();
    let label_w = labels.iter().map(|l| text::width(l)).max().unwrap_or(0);
    let bar_room = (area.width as usize).saturating_sub(label_w + 6);
    let lines: Vec<Line> = labels
        .iter()
        .zip(&counts)
        .map(|(label, n)| {
            let bar = "#".repeat(n * bar_room / most);
            Line::from(vec![Span::styled(text::pad(label, label_w), theme.dim()), Span::raw(format!(" {bar} {n}"))])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}
