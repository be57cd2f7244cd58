//! The office's screen of ratings (`v` on the session list): the kiosk entries' 好差评 levels per
//! dimension, over all entries or by service item, window or week (`b` turns through them),
//! made from the sessions already loaded.

use ratatui::crossterm::event::KeyEvent;

use super::common::global_key;
use super::effect::Effect;
use super::layout::page;
use super::nav::move_cursor;
use super::state::{Screen, State};
use crate::domain::ratings::{GroupBy, RatingRow, figures};
use crate::keymap::{Action, Layer};
use crate::store::StoreRequest;

/// How the ratings are grouped and which row has the cursor.
pub struct RatingsView {
    pub by: GroupBy,
    pub cursor: usize,
}

impl Default for RatingsView {
    fn default() -> Self {
        RatingsView { by: GroupBy::All, cursor: 0 }
    }
}

/// The rows on screen, from the sessions listed (read, not copied: this runs each frame).
pub fn rows(state: &State) -> Vec<RatingRow> {
    figures(state.sessions.list.iter().map(|s| &s.session), state.ratings.by, &state.ctx.zone)
}

pub fn open(state: &mut State) -> Vec<Effect> {
    state.screen = Screen::Ratings;
    state.ratings.cursor = 0;
    vec![Effect::Store(StoreRequest::LoadSessions)]
}

/// The keys of the wait statistics: move, `b` to group otherwise, back.
pub(super) fn screen_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(action) = state.ctx.keymap.lookup(Layer::Stats, &key) else {
        return global_key(state, &key, false);
    };
    if let Some(c) = move_cursor(state.ratings.cursor, rows(state).len(), page(state), action) {
        state.ratings.cursor = c;
        return vec![];
    }
    match action {
        Action::GroupBy => {
            state.ratings.by = match state.ratings.by {
                GroupBy::All => GroupBy::Item,
                GroupBy::Item => GroupBy::Window,
                GroupBy::Window => GroupBy::Week,
                GroupBy::Week => GroupBy::All,
            };
            state.ratings.cursor = 0;
            vec![]
        }
        Action::Back => {
            state.screen = Screen::Sessions;
            vec![Effect::Store(StoreRequest::LoadSessions)]
        }
        _ => vec![],
    }
}
