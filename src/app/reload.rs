//! What to read again after a change is saved: only what the screen shows and the change
//! touched.

use super::effect::Effect;
use super::state::{Screen, State};
use crate::domain::EntityKind;
use crate::store::StoreRequest;

/// Reload only what the screen shows and the change touched. On a session's page the
/// session's counts are derived from its reloaded findings, so the whole session list (which
/// reads every finding for its counts) is queried only when a session itself changed.
pub(super) fn reload(state: &mut State, changed: EntityKind) -> Vec<Effect> {
    // The roster is on its own screen, whatever session is open.
    if changed == EntityKind::Officer {
        return vec![Effect::Store(StoreRequest::LoadOfficers)];
    }
    if changed == EntityKind::Finding {
        // A finding may be held twice, on its session's page and in the ledger: no copy may
        // stay stale, or the next move would be made from it. The ledger on screen is
        // reloaded; one behind other screens is dropped (refiltering 100,000 findings after
        // every capture would cost the UI tens of ms) and loaded afresh when opened.
        let mut out: Vec<Effect> = Vec::new();
        if let Some(session) = state.page.findings_session {
            out.push(Effect::Store(StoreRequest::LoadFindings { session }));
        }
        if state.ledger_shown() {
            out.push(Effect::Store(StoreRequest::LoadLedger));
        } else {
            state.ledger.forget();
        }
        if out.is_empty() {
            out.push(Effect::Store(StoreRequest::LoadSessions));
        }
        return out;
    }
    let session = match (state.screen, state.open_session()) {
        (Screen::WaitStats, _) => return vec![Effect::Store(StoreRequest::LoadAllTickets)],
        _ if state.ledger_shown() => {
            return vec![Effect::Store(StoreRequest::LoadLedger)];
        }
        (_, Some(session)) => session,
        (_, None) => return vec![Effect::Store(StoreRequest::LoadSessions)],
    };
    match changed {
        EntityKind::Finding => vec![Effect::Store(StoreRequest::LoadFindings { session })],
        EntityKind::Checklist => vec![Effect::Store(StoreRequest::LoadChecklists { session })],
        EntityKind::Ticket => vec![Effect::Store(StoreRequest::LoadTickets { session })],
        EntityKind::Session => {
            vec![Effect::Store(StoreRequest::LoadFindings { session }), Effect::Store(StoreRequest::LoadSessions)]
        }
        EntityKind::Officer => vec![],
    }
}
