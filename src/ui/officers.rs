//! The roster of 体验官: one row each, phones masked, whether a PIN is set (or the officer is
//! locked out of the kiosk after wrong PINs).

use ratatui::Frame;
use ratatui::layout::Rect;

use super::table::{self, Column};
use super::theme::Theme;
use crate::app::State;

pub fn draw(frame: &mut Frame, state: &State, theme: &Theme, area: Rect) {
    let list = state.officers.list.as_deref();
    let n = list.map_or(0, <[_]>::len);
    let block = theme.block(format!(" {} ", state.ctx.strings().tf("officers.title", &[("n", &n.to_string())])));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(list) = list else {
        super::widgets::dim_note(frame, theme, inner, state.t("app.loading"));
        return;
    };
    if list.is_empty() {
        super::widgets::dim_note(frame, theme, inner, state.t("officers.empty"));
        return;
    }
    let cols = [
        Column { title: state.t("officers.col.number"), width: 6, flex: false, priority: 9 },
        Column { title: state.t("officers.col.name"), width: 6, flex: false, priority: 9 },
        Column { title: state.t("officers.col.kind"), width: 8, flex: false, priority: 5 },
        Column { title: state.t("officers.col.unit"), width: 8, flex: true, priority: 4 },
        Column { title: state.t("officers.col.phone"), width: 11, flex: false, priority: 6 },
        Column { title: state.t("officers.col.status"), width: 4, flex: false, priority: 8 },
        Column { title: state.t("officers.col.term_end"), width: 10, flex: false, priority: 3 },
        Column { title: state.t("officers.col.pin"), width: 4, flex: false, priority: 7 },
        Column { title: state.t("officers.col.entries"), width: 4, flex: false, priority: 6 },
        Column { title: state.t("officers.col.last"), width: 10, flex: false, priority: 2 },
    ];
    // Each officer's part, from the sessions listed in one pass: entries made at the kiosk, and
    // when the last one was.
    let zone = super::widgets::zone(state);
    let mut parts: std::collections::HashMap<crate::domain::EntityId, (usize, i64)> = Default::default();
    for s in state.sessions.list.iter().map(|s| &s.session).filter(|s| !s.deleted) {
        if let Some(officer) = s.kiosk.as_ref().and_then(|k| k.officer) {
            let part = parts.entry(officer).or_insert((0, s.created_ms));
            *part = (part.0 + 1, part.1.max(s.created_ms));
        }
    }
    let part = |id| match parts.get(&id) {
        Some((n, last)) => (n.to_string(), crate::present::time::date_of(&zone, *last)),
        None => ("0".to_string(), String::new()),
    };
    let now = state.now().wall_ms;
    let line = |i: usize| {
        let o = &list[i];
        let pin = match (o.pin.is_empty(), o.locked_until_ms.is_some_and(|t| t > now)) {
            (_, true) => state.t("officers.locked"),
            (true, false) => state.t("officers.pin_none"),
            (false, false) => state.t("officers.pin_set"),
        };
        let (entries, last) = part(o.id);
        vec![
            o.number.clone(),
            o.name.clone(),
            o.kind.map_or("", |k| k.zh()).to_string(),
            o.unit.clone(),
            o.masked_phone(),
            o.status.zh().to_string(),
            o.term_end.map(|d| d.to_string()).unwrap_or_default(),
            pin.to_string(),
            entries,
            last,
        ]
    };
    let cursor = state.officers.cursor.min(n.saturating_sub(1));
    table::render(frame.buffer_mut(), inner, &cols, n, line, Some(cursor), None, theme, |_| {
        ratatui::style::Style::new()
    });
}
