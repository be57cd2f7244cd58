//! The wait statistics across sessions: grouped by window or by service item.

use ratatui::crossterm::event::KeyEvent;

use super::common::global_key;
use super::effect::Effect;
use super::layout::page;
use super::nav::move_cursor;
use super::state::{Screen, State};
use crate::domain::{Ticket, WaitStats, waits};
use crate::keymap::{Action, Layer};
use crate::store::StoreRequest;

/// How the statistics across sessions are grouped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StatsBy {
    #[default]
    Window,
    Item,
}

/// The wait statistics: every session's tickets (loaded when the screen opens), how they are
/// grouped, and the cursor.
#[derive(Default)]
pub struct StatsView {
    pub tickets: Option<Vec<Ticket>>,
    pub by: StatsBy,
    pub cursor: usize,
}

pub(super) fn screen_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(action) = state.ctx.keymap.lookup(Layer::Stats, &key) else {
        return global_key(state, &key, false);
    };
    if let Some(c) = move_cursor(state.stats.cursor, groups(state).len(), page(state), action) {
        state.stats.cursor = c;
        return vec![];
    }
    match action {
        Action::GroupBy => {
            state.stats.by = match state.stats.by {
                StatsBy::Window => StatsBy::Item,
                StatsBy::Item => StatsBy::Window,
            };
            state.stats.cursor = 0;
            vec![]
        }
        Action::Back => {
            state.screen = Screen::Sessions;
            vec![Effect::Store(StoreRequest::LoadSessions)]
        }
        _ => vec![],
    }
}

/// The key a ticket is grouped under: its window now (with its session's hall), or its
/// service item.
pub fn group_key(state: &State, t: &Ticket) -> String {
    match state.stats.by {
        StatsBy::Window => {
            let place = state.session_summary(t.session_id).map(|s| s.session.place.as_str()).unwrap_or("");
            waits::window_label(place, t.window())
        }
        StatsBy::Item => t.item.clone(),
    }
}

/// The rows of the statistics screen: one per window or item, then all tickets together.
pub fn groups(state: &State) -> Vec<(String, WaitStats)> {
    let Some(all) = &state.stats.tickets else { return Vec::new() };
    let rules = &state.ctx.waits;
    let thresholds = |t: &Ticket| rules.for_item(&t.item);
    let refs: Vec<&Ticket> = all.iter().collect();
    waits::grouped(&refs, |t| group_key(state, t), &thresholds)
}
