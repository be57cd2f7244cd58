//! 体验活动 list: newest first. Only the rows in view are formatted.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::table::{self, Column};
use super::theme::Theme;
use crate::app::State;
use crate::domain::SessionStatus;
use crate::present::{labels, time};
use crate::vocab::ChoiceList;

pub fn draw(frame: &mut Frame, state: &State, theme: &Theme, area: Rect) {
    let title = format!(" {} ({}) ", state.t("sessions.title"), state.sessions.list.len());
    let block = theme.block(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if !state.sessions.loaded {
        super::widgets::dim_note(frame, theme, inner, state.t("app.loading"));
        return;
    }
    if state.sessions.list.is_empty() {
        let key = state.key_for(crate::keymap::Layer::Sessions, crate::keymap::Action::New).unwrap_or_default();
        let text = state.ctx.strings().tf("sessions.empty", &[("key", &key)]);
        super::widgets::dim_note(frame, theme, inner, &text);
        return;
    }
    // The state and count columns fit their words in either language ("finished", "Problems").
    let lang = state.ctx.lang;
    let w = |keys: &[&str]| keys.iter().map(|k| crate::text::width(state.t(k))).max().unwrap_or(0).max(6) as u16;
    let state_w = w(&["sessions.col.state", "session.open", "session.finished"]);
    let count_w = w(&["sessions.col.findings"]);
    // Mode and channel as whole words: as wide as their short labels (up to 10 columns; a
    // longer one is cut), the item and the place giving way.
    let vocab_w = |list: ChoiceList, title: &str| {
        list.short_width(lang, 10).max(crate::text::width(state.t(title))).max(6) as u16
    };
    let mode_w = vocab_w(ChoiceList::Modes, "sessions.col.mode");
    let channel_w = vocab_w(ChoiceList::Channels, "sessions.col.channel");
    let cols = [
        Column { title: state.t("sessions.col.date"), width: 11, flex: false, priority: 6 },
        Column { title: state.t("sessions.col.item"), width: 12, flex: true, priority: 9 },
        Column { title: state.t("sessions.col.mode"), width: mode_w, flex: false, priority: 4 },
        Column { title: state.t("sessions.col.channel"), width: channel_w, flex: false, priority: 2 },
        Column { title: state.t("sessions.col.place"), width: 10, flex: true, priority: 3 },
        Column { title: state.t("sessions.col.state"), width: state_w, flex: false, priority: 5 },
        Column { title: state.t("sessions.col.findings"), width: count_w, flex: false, priority: 8 },
    ];
    let zone = super::widgets::zone(state);
    let list = &state.sessions.list;
    let row = |i: usize| {
        let x = &list[i].session;
        let place = if x.window.is_empty() { x.place.clone() } else { format!("{} {}", x.place, x.window) };
        vec![
            time::short_date_time(&zone, x.created_ms),
            if list[i].conflicts == 0 {
                x.item.clone()
            } else {
                let mark = state.ctx.strings().tf("sessions.conflicts", &[("n", &list[i].conflicts.to_string())]);
                format!("{mark} {}", x.item)
            },
            ChoiceList::Modes.short_display(&x.mode, lang),
            ChoiceList::Channels.short_display(&x.channel, lang),
            place,
            labels::session_status(state.ctx.strings(), x.status).to_string(),
            format!("{:>w$}", list[i].findings, w = count_w as usize),
        ]
    };
    let style = |i: usize| {
        if list[i].session.status == SessionStatus::Finished { theme.dim() } else { ratatui::style::Style::new() }
    };
    let (cursor, top) = (Some(state.sessions.cursor), Some(&state.sessions.top));
    table::render(frame.buffer_mut(), inner, &cols, list.len(), row, cursor, top, theme, style);
}
