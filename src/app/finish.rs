//! Finishing a session (and reopening one): a session whose stopwatch or queue tickets still
//! run is not finished behind the user's back; they are asked whether to stop those timers.

use super::common::{ask, save};
use super::effect::Effect;
use super::state::{ConfirmAction, State};
use crate::domain::session::field as sf;
use crate::domain::{Change, EntityId, EntityKind, SessionStatus, Value};
use crate::store::StoreRequest;

/// `f`: reopen a finished session, or finish an open one. A session whose stopwatch or queue
/// tickets still run is not finished behind the user's back: they are asked whether to stop
/// those timers now (and finish) or keep the session open. Its tickets are loaded first when
/// not on hand.
pub(super) fn toggle_finished(state: &mut State, s: &crate::domain::Session) -> Vec<Effect> {
    if s.status == SessionStatus::Finished {
        return save(state, s.id, vec![Change::set(EntityKind::Session, s.id, sf::STATUS, Value::text("open"))], None);
    }
    if state.board.session != Some(s.id) {
        state.finish_after_tickets = Some(s.id);
        return vec![Effect::Store(StoreRequest::LoadTickets { session: s.id })];
    }
    finish_or_ask(state, s.id)
}

/// The tickets of a session being finished are on hand: finish it, or ask about its timers.
pub(super) fn finish_or_ask(state: &mut State, id: EntityId) -> Vec<Effect> {
    let Some(s) = state.session_summary(id).map(|s| s.session.clone()) else { return vec![] };
    let open_tickets = state.tickets_of(id).iter().filter(|t| t.state().is_open()).count();
    let walking = s.walk.is_live();
    if open_tickets == 0 && !walking {
        return finish_stopping_timers(state, id);
    }
    let strings = state.ctx.strings();
    let mut running = Vec::new();
    if walking {
        running.push(state.t("finish.stopwatch").to_string());
    }
    if open_tickets > 0 {
        running.push(strings.tf("finish.tickets", &[("n", &open_tickets.to_string())]));
    }
    let sep = if state.ctx.lang == crate::i18n::Lang::Zh { "、" } else { ", " };
    ask(
        state,
        "confirm.finish_running",
        &[("item", &s.item), ("running", &running.join(sep))],
        ConfirmAction::FinishSession(id),
    );
    vec![]
}

/// Finishes a session at now, in one transaction with its stopwatch stopped and each ticket
/// still open ended then.
///
/// A ticket still waiting (or called, or at the window) when the inspector leaves is not a
/// citizen giving up: it gets its own outcome, 计时结束 (`Step::Ended`), not 离开. Its wait so
/// far is not a wait (the call never came), so the statistics leave it out rather than
/// counting it as waiting forever or as a walk-out; a ticket already called keeps the wait it
/// had.
pub(super) fn finish_stopping_timers(state: &mut State, id: EntityId) -> Vec<Effect> {
    let now = state.now();
    let mut changes = vec![
        Change::set(EntityKind::Session, id, sf::STATUS, Value::text("finished")),
        Change::set(EntityKind::Session, id, sf::FINISHED_AT, Value::Timestamp(now.wall_ms)),
    ];
    let listed = state.sessions.list.iter_mut().find(|x| x.session.id == id).map(|x| &mut x.session.walk);
    if let Some(walk) = listed.filter(|w| w.allows(crate::domain::walk::Mark::Stop)) {
        changes.push(walk.mark(id, crate::domain::walk::Mark::Stop, now, ""));
    }
    if state.board.session == Some(id) {
        for t in state.board.tickets.iter_mut().filter(|t| t.allows(crate::domain::Step::Ended)) {
            changes.push(t.step(crate::domain::Step::Ended, now, ""));
        }
    }
    save(state, id, changes, None)
}
