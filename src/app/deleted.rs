//! Deleting a session or a finding, and `u` bringing back the last one deleted in this run.
//! Deleting is a field: undoing it sets the field back through a new op, and the deletion
//! stays in the history.

use super::common::{finding_label, save};
use super::effect::Effect;
use super::state::{Deleted, Screen, State};
use crate::domain::finding::field as ff;
use crate::domain::session::field as sf;
use crate::domain::{Change, EntityId, EntityKind, Value};
use crate::keymap::{Action, Layer};

/// Yes to deleting a session: off its page if it is open, remembered for `u`.
pub(super) fn delete_session(state: &mut State, id: EntityId) -> Vec<Effect> {
    if state.screen == (Screen::SessionPage { session: id }) {
        state.screen = Screen::Sessions;
    }
    let item = state.session_summary(id).map(|s| s.session.item.clone()).unwrap_or_default();
    let label = state.ctx.strings().tf("status.record_session", &[("item", &item)]);
    remember_deleted(state, EntityKind::Session, id, None, label, Layer::Sessions);
    save(state, id, vec![Change::set(EntityKind::Session, id, sf::DELETED, Value::Bool(true))], None)
}

/// Yes to deleting a finding, remembered for `u` on its session's page.
pub(super) fn delete_finding(state: &mut State, id: EntityId) -> Vec<Effect> {
    let found = state.finding(id).map(|f| (f.session_id, finding_label(state, f.seq, &f.description)));
    if let Some((session, label)) = found {
        remember_deleted(state, EntityKind::Finding, id, Some(session), label, Layer::SessionPage);
    }
    save(state, id, vec![Change::set(EntityKind::Finding, id, ff::DELETED, Value::Bool(true))], None)
}

/// Keeps a deleted record to bring back with `u` for the rest of the run, and says how.
fn remember_deleted(
    state: &mut State,
    kind: EntityKind,
    id: EntityId,
    session: Option<EntityId>,
    label: String,
    layer: Layer,
) {
    if let Some(key) = state.key_for(layer, Action::Undo) {
        state.notice = Some(state.ctx.strings().tf("status.deleted", &[("record", &label), ("key", &key)]));
    }
    state.deleted.retain(|d| d.id != id);
    state.deleted.push(Deleted { kind, id, session, label });
}

/// `u` on the session list or a session's page: the last record deleted there in this run
/// comes back, through a new op that sets `deleted` to false (the deletion stays in history).
pub(super) fn restore_deleted(state: &mut State, session: Option<EntityId>) -> Vec<Effect> {
    let here = |d: &Deleted| match session {
        None => d.kind == EntityKind::Session,
        Some(s) => d.kind == EntityKind::Finding && d.session == Some(s),
    };
    let Some(pos) = state.deleted.iter().rposition(here) else {
        state.notice = Some(state.t("status.nothing_to_restore").to_string());
        return vec![];
    };
    let d = state.deleted.remove(pos);
    let field = if d.kind == EntityKind::Session { sf::DELETED } else { ff::DELETED };
    state.notice = Some(state.ctx.strings().tf("status.restored", &[("record", &d.label)]));
    // Listed again where it was, with the cursor on it.
    state.select_after_load = Some(d.id);
    save(state, d.id, vec![Change::set(d.kind, d.id, field, Value::Bool(false))], None)
}
