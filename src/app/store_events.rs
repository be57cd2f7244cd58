//! The store's answers: a change saved (the lists it touched reloaded, so the screen shows
//! what is on disk) or not (the typed text back in its form or line, and why, in the user's
//! language), and lists loaded for the screens.

use super::effect::Effect;
use super::nav::{SessionList, reselect};
use super::reload::reload;
use super::state::{SaveStatus, Screen, State};
use super::{board, checklist, goto, ledger, rectify};
use crate::store::{StoreEvent, StoreRequest};

/// One answer of the store thread.
pub(super) fn on_store(state: &mut State, ev: StoreEvent) -> Vec<Effect> {
    match ev {
        StoreEvent::Officers(list) => {
            let len = list.len();
            state.officers.list = Some(list);
            state.officers.cursor = state.officers.cursor.min(len.saturating_sub(1));
            vec![]
        }
        StoreEvent::Saved { req } if state.pin_pending.as_ref().is_some_and(|(asked, _)| *asked == req) => {
            let name = state.pin_pending.take().map(|(_, n)| n).unwrap_or_default();
            state.notice = Some(state.ctx.strings().tf("officers.pin_saved", &[("name", &name)]));
            vec![Effect::Store(StoreRequest::LoadOfficers)]
        }
        StoreEvent::Attached { req, result } => super::attachments::attached(state, req, result),
        // The kiosk's answers go to the kiosk's own model.
        StoreEvent::KioskFound { .. }
        | StoreEvent::KioskPin { .. }
        | StoreEvent::KioskOfficers { .. }
        | StoreEvent::KioskOfficerPin { .. }
        | StoreEvent::KioskTicket { .. } => vec![],
        StoreEvent::PathCompleted { asked, completion } => {
            let mut effects = super::attachments::completed(state, &asked, completion);
            // Enter came before the completion: now the line is what was meant.
            if state.completing.is_none() && std::mem::take(&mut state.submit_on_completion) {
                effects.extend(super::capture::submit_capture(state));
            }
            effects
        }
        StoreEvent::ReportData { req, result } => {
            super::documents::loaded(state, req, result.map(super::document_job::Loaded::Session))
        }
        StoreEvent::LedgerData { req, result } => {
            super::documents::loaded(state, req, result.map(super::document_job::Loaded::Ledger))
        }
        StoreEvent::Saved { req } => {
            let Some(p) = state.pending.remove(&req) else { return vec![] };
            state.save_status.insert(p.entity, SaveStatus::Saved);
            if p.created {
                state.select_after_load = Some(p.entity);
            }
            if p.open_when_listed {
                state.open_after_load = Some(p.entity);
            }
            // A notice set with the change (a hint after a fail) outlives its save; the next
            // key clears notices anyway.
            reload(state, p.kind)
        }
        StoreEvent::SaveFailed { req, error } => {
            // Said in the user's language, with what to do (a full disk: free space, save again).
            let error = error.localized(state.ctx.strings());
            if let Some(p) = state.pending.remove(&req) {
                state.save_status.insert(p.entity, SaveStatus::Failed(error.clone()));
                // A checklist that failed to attach never arrives: leave its empty screen.
                if let Screen::Checklist { session, checklist } = state.screen {
                    if checklist == p.entity && state.open_checklist().is_none() {
                        state.screen = Screen::SessionPage { session };
                    }
                    // An answer not saved: back to its item, so the retry answers it.
                    if let Some(item) = p.item_cursor_back.filter(|_| checklist == p.entity) {
                        state.checklist.item_cursor = item;
                    }
                }
                // The text comes back in its form or capture line, and the line says so.
                let kept = p.reopen.is_some();
                if let Some(overlay) = p.reopen {
                    state.overlays.push(overlay);
                }
                let mut notice = state.ctx.strings().tf("status.failed", &[("error", &error)]);
                if kept {
                    notice.push_str(state.t("status.text_kept"));
                }
                state.notice = Some(notice);
                // What was shown before the answer (a ticket listed at once, a step taken)
                // goes back to what is on disk.
                return reload(state, p.kind);
            }
            state.notice = Some(state.ctx.strings().tf("status.failed", &[("error", &error)]));
            vec![]
        }
        StoreEvent::Sessions(list) => {
            let keep = state.select_after_load.filter(|id| list.iter().any(|s| s.session.id == *id));
            let keep = keep.or_else(|| state.selected_session().map(|s| s.session.id));
            state.sessions.list = list;
            state.sessions.loaded = true;
            // The ledger reads walks (dates, themes) from the sessions; it is filtered again
            // when shown, not behind other screens (100,000 findings take tens of ms).
            let refetch = state.ledger.loaded && state.ledger_shown();
            if refetch {
                ledger::refilter(state);
            }
            let ids = state.sessions.list.iter().map(|s| s.session.id);
            reselect(ids, keep, &mut state.sessions.cursor, &mut state.select_after_load);
            // A new session just saved from the list: the user lands on its page, unless they
            // have gone elsewhere meanwhile.
            if let Some(id) = state.open_after_load.filter(|id| state.session_summary(*id).is_some()) {
                state.open_after_load = None;
                if state.screen == Screen::Sessions && state.overlays.is_empty() {
                    return goto::session_page(state, id);
                }
            }
            // The session on screen was deleted (here or by a merge): back to the list.
            if let Some(session) = state.open_session() {
                if state.session_summary(session).is_none() {
                    state.screen = Screen::Sessions;
                }
            }
            if refetch { ledger::fetch(state, false) } else { vec![] }
        }
        StoreEvent::Findings { session, findings } => {
            if let Some(summary) = state.sessions.list.iter_mut().find(|s| s.session.id == session) {
                summary.findings = findings.len();
                // The store's max also counts deleted findings (a 序号 is never reused).
                summary.max_seq = summary.max_seq.max(findings.iter().map(|f| f.seq).max().unwrap_or(0));
            }
            let list = SessionList {
                items: &mut state.page.findings,
                session: &mut state.page.findings_session,
                cursor: &mut state.page.finding_cursor,
            };
            list.replace(session, findings, &mut state.select_after_load, |f| f.id);
            vec![]
        }
        StoreEvent::Checklists { session, checklists } => {
            checklist::loaded(state, session, checklists);
            vec![]
        }
        StoreEvent::Tickets { session, tickets } => board::loaded(state, session, tickets),
        StoreEvent::AllTickets(tickets) => {
            state.stats.tickets = Some(tickets);
            vec![]
        }
        StoreEvent::Ledger(rows) => ledger::loaded(state, rows),
        StoreEvent::FindingsById { req, findings } => {
            if ledger::is_fetch(req) {
                ledger::fetched(state, req, findings);
            }
            vec![]
        }
        StoreEvent::Inspector(result) => {
            rectify::inspector_saved(state, result.map_err(|e| e.localized(state.ctx.strings())));
            vec![]
        }
        StoreEvent::LoadFailed(error) => {
            state.notice = Some(error.localized(state.ctx.strings()));
            vec![]
        }
        StoreEvent::DraftFailed(error) => {
            let error = error.localized(state.ctx.strings());
            state.notice = Some(state.ctx.strings().tf("draft.failed", &[("error", &error)]));
            vec![]
        }
        StoreEvent::Closed | StoreEvent::DraftKept => vec![],
        StoreEvent::Progress { req, done, total } => {
            super::sync::progress(state, req, done, total);
            vec![]
        }
        StoreEvent::SyncLooked(look) => super::sync::looked(state, look),
        StoreEvent::SyncExported { req, result } => super::sync::exported(state, req, result),
        StoreEvent::SyncImported { req, results } => super::sync::imported(state, req, results),
        StoreEvent::SyncTrusted(result) => super::sync::trusted(state, result),
        StoreEvent::SyncPlaces { mounts, last_dir } => super::sync::places(state, mounts, last_dir),
        StoreEvent::Devices { own, names } => {
            state.devices = super::conflicts::Devices { own: Some(own), names: names.into_iter().collect() };
            vec![]
        }
        // Batches of ops from elsewhere: the sync screen imports bundle files instead.
        StoreEvent::Imported { .. } | StoreEvent::Exported { .. } | StoreEvent::SyncFailed { .. } => vec![],
    }
}
