//! Opening the screens that lead to one another: a session's page, a finding's page, the
//! board, the stopwatch, the ledger and the statistics. Each sets `State::screen`, forgets what
//! a visit to another session left behind, and asks the store for what the screen shows.
//! Screens, the store's answers and restored drafts open screens through here, so no screen
//! imports another.

use super::clock_watch;
use super::effect::Effect;
use super::state::{Pane, Screen, State};
use crate::domain::EntityId;
use crate::store::StoreRequest;

/// A session's page with the cursor on `finding` (coming back from a finding's page or
/// jumping from the ledger).
pub fn session_page_at(state: &mut State, id: EntityId, finding: Option<EntityId>) -> Vec<Effect> {
    let effects = session_page(state, id);
    state.page.pane = Pane::Findings;
    if let Some(finding) = finding {
        match state.findings_of(id).iter().position(|f| f.id == finding) {
            Some(pos) => state.page.finding_cursor = pos,
            None => state.select_after_load = Some(finding),
        }
    }
    effects
}

/// A session's page, opened from the list (or the ledger): the findings have the cursor,
/// whichever list had it when the page was left.
pub fn session_page(state: &mut State, id: EntityId) -> Vec<Effect> {
    state.screen = Screen::SessionPage { session: id };
    state.page.pane = Pane::Findings;
    // Another session's lists are never shown as this one's.
    if state.page.findings_session != Some(id) {
        state.page = Default::default();
    }
    load_session_page(id)
}

/// 排队计时: a session's queue board, its tickets reloaded (the timers look at the clock).
pub fn board(state: &mut State, session: EntityId) -> Vec<Effect> {
    state.screen = Screen::Board { session };
    if state.board.session != Some(session) {
        state.board = Default::default();
    }
    let mut effects = vec![Effect::Store(StoreRequest::LoadTickets { session })];
    effects.extend(clock_watch::check_clock(state));
    effects
}

/// 事项办理全过程: a session's stage stopwatch (its marks are on the session, already listed).
pub fn walk(state: &mut State, session: EntityId) -> Vec<Effect> {
    state.screen = Screen::Walk { session };
    clock_watch::check_clock(state)
}

/// One finding's page, from a session's page or (`from_ledger`) the ledger, scrolled to the top.
pub fn finding(state: &mut State, session: EntityId, finding: EntityId, from_ledger: bool) -> Vec<Effect> {
    state.screen = Screen::Finding { session, finding, from_ledger };
    state.finding_view.scroll = 0;
    vec![Effect::Store(crate::store::StoreRequest::LoadDevices)]
}

/// 整改台账: every finding across sessions.
pub fn ledger(state: &mut State) -> Vec<Effect> {
    state.screen = Screen::Ledger;
    // The session list gives the walks (dates, items, themes); findings come after it.
    vec![Effect::Store(StoreRequest::LoadSessions), Effect::Store(StoreRequest::LoadLedger)]
}

/// Back from a finding's page to the ledger, the cursor where it was.
pub fn back_to_ledger(state: &mut State) -> Vec<Effect> {
    state.screen = Screen::Ledger;
    vec![]
}

/// The wait statistics across every session, loaded afresh.
pub fn stats(state: &mut State) -> Vec<Effect> {
    state.screen = Screen::WaitStats;
    state.stats.tickets = None;
    state.stats.cursor = 0;
    vec![Effect::Store(StoreRequest::LoadAllTickets)]
}

/// The loads a session page needs.
fn load_session_page(session: EntityId) -> Vec<Effect> {
    vec![Effect::Store(StoreRequest::LoadFindings { session }), Effect::Store(StoreRequest::LoadChecklists { session })]
}
