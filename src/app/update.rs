//! `update(&mut State, Msg) -> Vec<Effect>`: the only place state changes.
//!
//! Keys resolve through the keymap by layer: the top overlay's layer first (dialog, help,
//! capture, form → editor), then the screen's layer, then [global]. In a text field printable
//! keys are text first, so only non-printable global keys (ctrl-c, f1) reach [global] there.
//! Nothing is shown as saved until the store thread acknowledges the commit; lists are
//! reloaded from the store after each acknowledgement, so the screen always shows what is on
//! disk. What the status line says about a save is tied to that save (`State::save_mark`): a
//! key that moves the user on without saving drops it, so "saved" never stands beside
//! something it is not about, and a save made from elsewhere names its record.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::effect::Effect;
use super::form::{FormKind, FormState, new_finding_fields};
use super::layout::page;
use super::msg::Msg;
use super::nav::{SessionList, move_cursor, reselect};
use super::state::{
    CapturePurpose, CaptureState, Confirm, ConfirmAction, Overlay, Pane, Pending, SaveMark, SaveStatus, Screen, State,
};
use super::{board, checklist, clock_watch, draft, finding_view, ledger, picker, rectify, stats, walk};
use crate::domain::finding::field as ff;
use crate::domain::session::field as sf;
use crate::domain::{Change, EntityId, EntityKind, SessionStatus, Value};
use crate::edit::TextInput;
use crate::keymap::{Action, Layer};
use crate::store::{StoreEvent, StoreRequest};

pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) if key.kind == KeyEventKind::Release => vec![],
        Msg::Key(key) => {
            // The save mark belongs to the record it is about: moving on (another record or
            // screen, a form or line opened or closed) drops it, unless this key saved.
            let before = (state.screen, state.focused_record(), state.overlays.len(), state.next_req);
            let effects = on_key(state, key);
            let after = (state.screen, state.focused_record(), state.overlays.len(), state.next_req);
            if before.3 == after.3 && before != after {
                state.save_mark = None;
            }
            effects
        }
        Msg::Paste(text) => {
            if let Some(input) = focused_input(state) {
                input.insert_str(&text);
            }
            // Pasted into the pick list's query: rank again, as typing does.
            if let Some(Overlay::Form(form)) = state.overlays.last_mut() {
                if let Some(picker) = form.picker.as_mut() {
                    picker.refilter();
                }
            }
            vec![]
        }
        Msg::Resize(w, h) => {
            state.size = (w, h);
            vec![]
        }
        Msg::Store(ev) => on_store(state, ev),
        // The terminal went away (SSH dropped, SIGTERM): keep what was typed, then end.
        Msg::Signal(signal) => ended_by(state, signal),
        Msg::InputClosed(_) => ended_by(state, crate::term::signals::Signal::Hangup),
        // A timer on screen turned over a second; the frame is drawn after this.
        Msg::Tick => clock_watch::check_clock(state),
    }
}

pub(super) fn quit(state: &mut State) -> Vec<Effect> {
    state.quitting = true;
    // Quitting on purpose drops unsaved text (the user was asked): no draft is left behind.
    let mut effects = if state.ended_by.is_none() { draft::discard_quietly(state) } else { vec![] };
    effects.push(Effect::Quit);
    effects
}

/// Ended by a signal or a closed terminal: the unsaved text is written as a draft first.
fn ended_by(state: &mut State, signal: crate::term::signals::Signal) -> Vec<Effect> {
    state.ended_by = Some(signal);
    let mut effects = draft::checkpoint(state, true);
    effects.extend(quit(state));
    effects
}

/// The text input that has the caret: the entry line, the pick list's query while it is
/// open, else the form's focused field.
fn focused_input(state: &mut State) -> Option<&mut TextInput> {
    match state.overlays.last_mut()? {
        Overlay::Capture(c) => Some(&mut c.input),
        Overlay::Form(f) => {
            let FormState { picker, fields, focus, .. } = &mut **f;
            match picker {
                Some(picker) => Some(&mut picker.query),
                None => fields.get_mut(*focus).map(|field| &mut field.input),
            }
        }
        _ => None,
    }
}

fn is_printable(key: &KeyEvent) -> Option<char> {
    match key.code {
        KeyCode::Char(c) if !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => Some(c),
        _ => None,
    }
}

fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    // A notice is read once; the next key clears it (a new one may be set below).
    state.notice = None;
    let km = &state.ctx.keymap;
    match state.overlays.last() {
        Some(Overlay::TemplatePicker { .. }) => return checklist::picker_key(state, &key),
        Some(Overlay::StagePicker { .. }) => return walk::picker_key(state, &key),
        Some(Overlay::MovePicker { .. }) => return rectify::picker_key(state, &key),
        _ => {}
    }
    if state.overlays.is_empty() {
        return screen_key(state, key);
    }
    match state.layer() {
        Some(Layer::Dialog) => match km.lookup(Layer::Dialog, &key) {
            Some(Action::Yes) => confirm_yes(state),
            Some(Action::No) => {
                state.overlays.pop();
                vec![]
            }
            _ => global_key(state, &key, false),
        },
        Some(Layer::Help) => super::help::key(state, &key),
        Some(Layer::Capture) => capture_key(state, key),
        _ => form_key(state, key),
    }
}

/// Keys of [global]. `typing` is true in a text field, where printable keys were text already.
pub(super) fn global_key(state: &mut State, key: &KeyEvent, typing: bool) -> Vec<Effect> {
    if typing && is_printable(key).is_some() {
        return vec![];
    }
    match state.ctx.keymap.lookup(Layer::Global, key) {
        Some(Action::Quit) => {
            if overlay_has_unsaved_text(state) {
                ask(state, "confirm.quit_discard", &[], ConfirmAction::Quit);
                vec![]
            } else {
                quit(state)
            }
        }
        Some(Action::Help) => {
            if matches!(state.overlays.last(), Some(Overlay::Help { .. })) {
                state.overlays.pop();
            } else {
                state.overlays.push(Overlay::Help { scroll: 0 });
            }
            vec![]
        }
        Some(Action::Capture) if state.overlays.is_empty() => {
            open_capture(state);
            vec![]
        }
        _ => vec![],
    }
}

fn overlay_has_unsaved_text(state: &State) -> bool {
    state.overlays.iter().any(|o| match o {
        Overlay::Capture(c) => c.has_changes(),
        Overlay::Form(f) => f.has_changes(),
        _ => false,
    })
}

pub(super) fn ask(state: &mut State, key: &str, args: &[(&str, &str)], action: ConfirmAction) {
    let question = state.ctx.strings().tf(key, args);
    state.overlays.push(Overlay::Confirm(Confirm { question, action }));
}

fn confirm_yes(state: &mut State) -> Vec<Effect> {
    let Some(Overlay::Confirm(confirm)) = state.overlays.pop() else { return vec![] };
    match confirm.action {
        ConfirmAction::DiscardOverlay => {
            state.overlays.pop();
            vec![]
        }
        ConfirmAction::Quit => quit(state),
        ConfirmAction::DeleteSession(id) => {
            if state.screen == (Screen::SessionPage { session: id }) {
                state.screen = Screen::Sessions;
            }
            let item = state.session_summary(id).map(|s| s.session.item.clone()).unwrap_or_default();
            let label = state.ctx.strings().tf("status.record_session", &[("item", &item)]);
            remember_deleted(state, EntityKind::Session, id, None, label, Layer::Sessions);
            save(state, id, vec![Change::set(EntityKind::Session, id, sf::DELETED, Value::Bool(true))], None)
        }
        ConfirmAction::DeleteFinding(id) => {
            let found = state.finding(id).map(|f| (f.session_id, finding_label(state, f.seq, &f.description)));
            if let Some((session, label)) = found {
                remember_deleted(state, EntityKind::Finding, id, Some(session), label, Layer::SessionPage);
            }
            save(state, id, vec![Change::set(EntityKind::Finding, id, ff::DELETED, Value::Bool(true))], None)
        }
        ConfirmAction::RemoveChecklist(id) => checklist::remove(state, id),
        ConfirmAction::DeleteTicket(id) => board::delete(state, id),
        ConfirmAction::ChangeAnswer { checklist, item, answer } => {
            checklist::change_answer(state, checklist, &item, answer)
        }
        ConfirmAction::FinishSession(id) => finish_stopping_timers(state, id),
        ConfirmAction::SavePastDeadline => {
            if let Some(Overlay::Form(form)) = state.overlays.last_mut() {
                form.past_deadline_ok = true;
            }
            save_form(state)
        }
    }
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
    state.deleted.push(super::state::Deleted { kind, id, session, label });
}

/// `u` on the session list or a session's page: the last record deleted there in this run
/// comes back, through a new op that sets `deleted` to false (the deletion stays in history).
fn restore_deleted(state: &mut State, session: Option<EntityId>) -> Vec<Effect> {
    let here = |d: &super::state::Deleted| match session {
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

/// Send one user change to the store as one durable transaction. `reopen` is the overlay to
/// bring back with its text if the commit fails, so nothing typed is lost.
pub(super) fn save(state: &mut State, entity: EntityId, changes: Vec<Change>, reopen: Option<Overlay>) -> Vec<Effect> {
    if changes.is_empty() {
        return vec![];
    }
    let req = state.next_req;
    state.next_req += 1;
    let kind = changes[0].kind;
    let value_of = |field: &str| changes.iter().find(|c| c.field == field).map(|c| &c.value);
    let new_finding = match (value_of(ff::SESSION), value_of(ff::SEQ)) {
        (Some(Value::Ref(session)), Some(Value::Int(seq))) => Some((*session, *seq)),
        _ => None,
    };
    let created = !state.is_listed(entity);
    state.pending.insert(
        req,
        Pending { entity, kind, new_finding, reopen, created, open_when_listed: false, item_cursor_back: None },
    );
    state.save_status.insert(entity, SaveStatus::Saving);
    state.save_mark = Some(SaveMark { entity, label: None });
    vec![Effect::Store(StoreRequest::Apply { req, changes })]
}

/// [`save`], naming the record for the status line wherever the user lands (a finding
/// captured from the session list is not on screen: 已保存：问题 3「…」).
pub(super) fn save_labelled(
    state: &mut State,
    entity: EntityId,
    changes: Vec<Change>,
    reopen: Option<Overlay>,
    label: String,
) -> Vec<Effect> {
    let effects = save(state, entity, changes, reopen);
    if let Some(mark) = state.save_mark.as_mut().filter(|m| m.entity == entity) {
        mark.label = Some(label);
    }
    effects
}

/// Reload only what the screen shows and the change touched. On a session's page the
/// session's counts are derived from its reloaded findings, so the whole session list (which
/// reads every finding for its counts) is queried only when a session itself changed.
fn reload(state: &mut State, changed: EntityKind) -> Vec<Effect> {
    if changed == EntityKind::Finding {
        // A finding may be held twice, on its session's page and in the ledger: no copy may
        // stay stale, or the next move would be made from it. The ledger on screen is
        // reloaded; one behind other screens is dropped (refiltering 100,000 findings after
        // every capture would cost the UI tens of ms) and loaded afresh when opened.
        let mut out: Vec<Effect> = Vec::new();
        if let Some(session) = state.findings_session {
            out.push(Effect::Store(StoreRequest::LoadFindings { session }));
        }
        if state.ledger_shown() {
            out.push(Effect::Store(StoreRequest::LoadAllFindings));
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
            return vec![Effect::Store(StoreRequest::LoadAllFindings)];
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
    }
}

fn on_store(state: &mut State, ev: StoreEvent) -> Vec<Effect> {
    match ev {
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
                        state.item_cursor = item;
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
            state.sessions = list;
            state.sessions_loaded = true;
            // The ledger reads walks (dates, themes) from the sessions; it is filtered again
            // when shown, not behind other screens (100,000 findings take tens of ms).
            if state.ledger.loaded && state.ledger_shown() {
                ledger::refilter(state);
            }
            let ids = state.sessions.iter().map(|s| s.session.id);
            reselect(ids, keep, &mut state.session_cursor, &mut state.select_after_load);
            // A new session just saved from the list: the user lands on its page, unless they
            // have gone elsewhere meanwhile.
            if let Some(id) = state.open_after_load.filter(|id| state.session_summary(*id).is_some()) {
                state.open_after_load = None;
                if state.screen == Screen::Sessions && state.overlays.is_empty() {
                    return open_session(state, id);
                }
            }
            // The session on screen was deleted (here or by a merge): back to the list.
            if let Some(session) = state.open_session() {
                if state.session_summary(session).is_none() {
                    state.screen = Screen::Sessions;
                }
            }
            vec![]
        }
        StoreEvent::Findings { session, findings } => {
            if let Some(summary) = state.sessions.iter_mut().find(|s| s.session.id == session) {
                summary.findings = findings.len();
                // The store's max also counts deleted findings (a 序号 is never reused).
                summary.max_seq = summary.max_seq.max(findings.iter().map(|f| f.seq).max().unwrap_or(0));
            }
            let list = SessionList {
                items: &mut state.findings,
                session: &mut state.findings_session,
                cursor: &mut state.finding_cursor,
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
            state.all_tickets = Some(tickets);
            vec![]
        }
        StoreEvent::AllFindings(findings) => {
            ledger::loaded(state, findings);
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
        // The app does not sync yet: nothing asks for these.
        StoreEvent::Progress { .. }
        | StoreEvent::Imported { .. }
        | StoreEvent::Exported { .. }
        | StoreEvent::SyncFailed { .. } => vec![],
    }
}

fn screen_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    match state.screen {
        Screen::Sessions => {
            let Some(action) = state.ctx.keymap.lookup(Layer::Sessions, &key) else {
                return global_key(state, &key, false);
            };
            if let Some(c) = move_cursor(state.session_cursor, state.sessions.len(), page(state), action) {
                state.session_cursor = c;
                return vec![];
            }
            let selected = state.selected_session().map(|s| s.session.clone());
            match (action, selected) {
                (Action::New, _) => {
                    let last = state.sessions.first().map(|s| &s.session);
                    let form = FormState::new_session(state.ctx.lang, last, &state.inspector);
                    state.overlays.push(Overlay::Form(Box::new(form)));
                    vec![]
                }
                (Action::Open, Some(s)) => open_session(state, s.id),
                (Action::Edit, Some(s)) => {
                    state.overlays.push(Overlay::Form(Box::new(FormState::edit_session(&s, state.ctx.lang))));
                    vec![]
                }
                (Action::Finish, Some(s)) => toggle_finished(state, &s),
                (Action::WaitStats, _) => stats::open(state),
                (Action::OpenLedger, _) => ledger::open(state),
                (Action::SetInspector, _) => {
                    rectify::ask_inspector(state);
                    vec![]
                }
                (Action::Delete, Some(s)) => {
                    ask(state, "confirm.delete_session", &[("item", &s.item)], ConfirmAction::DeleteSession(s.id));
                    vec![]
                }
                (Action::Undo, _) => restore_deleted(state, None),
                _ => vec![],
            }
        }
        Screen::Checklist { session, .. } => checklist::screen_key(state, key, session),
        Screen::Board { session } => board::screen_key(state, key, session),
        Screen::Walk { session } => walk::screen_key(state, key, session),
        Screen::WaitStats => stats::screen_key(state, key),
        Screen::Finding { session, finding, from_ledger } => {
            finding_view::screen_key(state, key, session, finding, from_ledger)
        }
        Screen::Ledger => ledger::screen_key(state, key),
        Screen::Reminders => ledger::reminders_key(state, key),
        Screen::SessionPage { session } => {
            let Some(action) = state.ctx.keymap.lookup(Layer::SessionPage, &key) else {
                return global_key(state, &key, false);
            };
            match action {
                Action::SwitchPane => {
                    state.pane = match state.pane {
                        Pane::Findings => Pane::Checklists,
                        Pane::Checklists => Pane::Findings,
                    };
                    return vec![];
                }
                Action::AddChecklist => {
                    state.overlays.push(Overlay::TemplatePicker { session, cursor: 0 });
                    return vec![];
                }
                Action::OpenBoard => return board::open(state, session),
                Action::OpenWalk => return walk::open(state, session),
                Action::Undo => return restore_deleted(state, Some(session)),
                _ => {}
            }
            if state.pane == Pane::Checklists {
                if let Some(effects) = checklist::pane_key(state, action) {
                    return effects;
                }
                // No finding is highlighted here, so nothing acts on one: say where they are.
                if action == Action::MoveStatus {
                    let key = state.key_for(Layer::SessionPage, Action::SwitchPane).unwrap_or_default();
                    state.notice = Some(state.ctx.strings().tf("findings.pane_is_checklists", &[("key", &key)]));
                    return vec![];
                }
            }
            let len = state.findings_of(session).len();
            if let Some(c) = move_cursor(state.finding_cursor, len, page(state), action) {
                state.finding_cursor = c;
                return vec![];
            }
            let selected = state.selected_finding().cloned();
            match (action, selected) {
                (Action::Back, _) => {
                    state.screen = Screen::Sessions;
                    vec![Effect::Store(StoreRequest::LoadSessions)]
                }
                (Action::New, _) => {
                    state.overlays.push(Overlay::Form(Box::new(FormState::new_finding(session, state.ctx.lang))));
                    vec![]
                }
                (Action::Edit, Some(f)) => {
                    state.overlays.push(Overlay::Form(Box::new(FormState::edit_finding(&f, state.ctx.lang))));
                    vec![]
                }
                (Action::Open, Some(f)) => finding_view::open(state, session, f.id, false),
                (Action::MoveStatus, Some(f)) => rectify::open_moves(state, f.id),
                (Action::Delete, Some(f)) => {
                    ask(
                        state,
                        "confirm.delete_finding",
                        &[("seq", &f.seq.to_string())],
                        ConfirmAction::DeleteFinding(f.id),
                    );
                    vec![]
                }
                (Action::EditSession, _) => {
                    if let Some(s) = state.session_summary(session).map(|s| s.session.clone()) {
                        state.overlays.push(Overlay::Form(Box::new(FormState::edit_session(&s, state.ctx.lang))));
                    }
                    vec![]
                }
                (Action::Finish, _) => match state.session_summary(session).map(|s| s.session.clone()) {
                    Some(s) => toggle_finished(state, &s),
                    None => vec![],
                },
                _ => vec![],
            }
        }
    }
}

/// A session's page with the cursor on `finding` (coming back from a finding's page or
/// jumping from the ledger).
pub(super) fn open_session_at(state: &mut State, id: EntityId, finding: Option<EntityId>) -> Vec<Effect> {
    let effects = open_session(state, id);
    state.pane = super::state::Pane::Findings;
    if let Some(finding) = finding {
        match state.findings_of(id).iter().position(|f| f.id == finding) {
            Some(pos) => state.finding_cursor = pos,
            None => state.select_after_load = Some(finding),
        }
    }
    effects
}

/// A session's page, opened from the list (or the ledger): the findings have the cursor,
/// whichever list had it when the page was left.
fn open_session(state: &mut State, id: EntityId) -> Vec<Effect> {
    state.screen = Screen::SessionPage { session: id };
    state.pane = Pane::Findings;
    if state.findings_session != Some(id) {
        state.findings.clear();
        state.findings_session = None;
        state.finding_cursor = 0;
        state.checklists.clear();
        state.checklists_session = None;
        state.checklist_cursor = 0;
    }
    checklist::load_session_page(id)
}

/// `f`: reopen a finished session, or finish an open one. A session whose stopwatch or queue
/// tickets still run is not finished behind the user's back: they are asked whether to stop
/// those timers now (and finish) or keep the session open. Its tickets are loaded first when
/// not on hand.
fn toggle_finished(state: &mut State, s: &crate::domain::Session) -> Vec<Effect> {
    if s.status == SessionStatus::Finished {
        return save(state, s.id, vec![Change::set(EntityKind::Session, s.id, sf::STATUS, Value::text("open"))], None);
    }
    if state.tickets_session != Some(s.id) {
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
    let listed = state.sessions.iter_mut().find(|x| x.session.id == id).map(|x| &mut x.session.walk);
    if let Some(walk) = listed.filter(|w| w.allows(crate::domain::walk::Mark::Stop)) {
        changes.push(walk.mark(id, crate::domain::walk::Mark::Stop, now, ""));
    }
    if state.tickets_session == Some(id) {
        for t in state.tickets.iter_mut().filter(|t| t.allows(crate::domain::Step::Ended)) {
            changes.push(t.step(crate::domain::Step::Ended, now, ""));
        }
    }
    save(state, id, changes, None)
}

fn open_capture(state: &mut State) {
    match state.current_session() {
        Some(session) => state.overlays.push(Overlay::Capture(CaptureState::finding(session))),
        None => state.notice = Some(state.t("capture.no_session").to_string()),
    }
}

/// Editing keys shared by the capture line and the form's fields. Returns false when the key
/// is not an editing key.
pub(super) fn edit_key(state_keymap: &crate::keymap::Keymap, input: &mut TextInput, key: &KeyEvent) -> EditOutcome {
    if let Some(action) = state_keymap.lookup(Layer::Editor, key) {
        let moved = match action {
            Action::Left => {
                input.left();
                true
            }
            Action::Right => {
                input.right();
                true
            }
            Action::Up => input.up(),
            Action::Down => input.down(),
            Action::Home => {
                input.home();
                true
            }
            Action::End => {
                input.end();
                true
            }
            Action::WordLeft => {
                input.word_left();
                true
            }
            Action::WordRight => {
                input.word_right();
                true
            }
            Action::Backspace => {
                input.backspace();
                true
            }
            Action::DeleteChar => {
                input.delete();
                true
            }
            Action::DeleteWord => {
                input.delete_word_back();
                true
            }
            Action::DeleteToStart => {
                input.delete_to_start();
                true
            }
            Action::DeleteToEnd => {
                input.delete_to_end();
                true
            }
            Action::Newline => input.newline(),
            _ => true,
        };
        return if moved { EditOutcome::Done } else { EditOutcome::Unused(action) };
    }
    if let Some(c) = is_printable(key) {
        input.insert_char(c);
        return EditOutcome::Done;
    }
    EditOutcome::NotEditing
}

pub(super) enum EditOutcome {
    Done,
    /// An editor action that did nothing here (up at the first row, newline in a single line).
    Unused(Action),
    NotEditing,
}

fn capture_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    match state.ctx.keymap.lookup(Layer::Capture, &key) {
        Some(Action::Submit) => return submit_capture(state),
        Some(Action::Cancel) => {
            let has_text = matches!(state.overlays.last(), Some(Overlay::Capture(c)) if c.has_changes());
            if has_text {
                ask(state, "capture.discard", &[], ConfirmAction::DiscardOverlay);
            } else {
                state.overlays.pop();
            }
            return vec![];
        }
        _ => {}
    }
    let Some(Overlay::Capture(c)) = state.overlays.last_mut() else { return vec![] };
    match edit_key(&state.ctx.keymap, &mut c.input, &key) {
        EditOutcome::Done | EditOutcome::Unused(_) => vec![],
        EditOutcome::NotEditing => global_key(state, &key, true),
    }
}

fn next_seq(state: &State, session: EntityId) -> i64 {
    let from_summary = state.session_summary(session).map(|s| s.max_seq).unwrap_or(0);
    let from_list = state.findings_of(session).iter().map(|f| f.seq).max().unwrap_or(0);
    // Captures still in flight have not reached either number yet.
    let in_flight = state.pending.values().filter_map(|p| p.new_finding).filter(|(s, _)| *s == session);
    in_flight.map(|(_, seq)| seq).fold(from_summary.max(from_list), i64::max) + 1
}

fn submit_capture(state: &mut State) -> Vec<Effect> {
    let Some(Overlay::Capture(c)) = state.overlays.pop() else { return vec![] };
    let link = match &c.purpose {
        CapturePurpose::Finding { link } => link,
        CapturePurpose::Transfer { ticket } => return board::submit_transfer(state, *ticket, c.input.text()),
        CapturePurpose::Stage { at } => return walk::submit_stage(state, c.session, c.input.text(), *at),
        CapturePurpose::Inspector => return rectify::submit_inspector(state, c.input.text()),
        CapturePurpose::Answer { .. } | CapturePurpose::Note { .. } => return checklist::submit_entry(state, c),
    };
    let text = c.input.text().trim().to_string();
    if text.is_empty() {
        return vec![];
    }
    let id = state.ctx.new_id();
    let seq = next_seq(state, c.session);
    let mut changes: Vec<Change> = new_finding_fields(c.session, seq)
        .into_iter()
        .map(|(f, v)| Change::set(EntityKind::Finding, id, f, v))
        .collect();
    let label = finding_label(state, seq, &text);
    changes.push(Change::set(EntityKind::Finding, id, ff::DESCRIPTION, Value::text(text)));
    if let Some(link) = link {
        changes.extend(link.changes(id));
    }
    let from_item = matches!(link, Some(crate::domain::FindingLink::Check { .. }));
    let effects = save_labelled(state, id, changes, Some(Overlay::Capture(c)), label);
    // The item it came from is dealt with: the next key answers the next item, never this
    // failed one again.
    if from_item {
        checklist::advance(state);
    }
    effects
}

/// 问题 3「窗口无人…」: a finding as the status line names it.
pub(super) fn finding_label(state: &State, seq: i64, text: &str) -> String {
    let text = crate::text::truncate(text.lines().next().unwrap_or(""), 20).into_owned();
    state.ctx.strings().tf("status.record_finding", &[("seq", &seq.to_string()), ("text", &text)])
}

fn form_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let keymap = &state.ctx.keymap;
    let (size, strings) = (state.size, state.ctx.strings());
    let Some(Overlay::Form(form)) = state.overlays.last_mut() else { return vec![] };
    if form.picker.is_some() {
        return picker::key(state, &key);
    }
    // Rows move as the user sees them: the width the screen gives the field, from the size.
    let width = super::layout::form_columns(size, form, strings).input_width;
    form.focused().input.set_wrap_width(width);
    match keymap.lookup(Layer::Form, &key) {
        Some(Action::NextField) => form_focus(form, 1),
        Some(Action::PrevField) => form_focus(form, -1),
        Some(Action::Save) => return save_form(state),
        Some(Action::Cancel) => {
            if form.has_changes() {
                ask(state, "confirm.discard_form", &[], ConfirmAction::DiscardOverlay);
            } else {
                state.overlays.pop();
            }
        }
        Some(Action::Pick) => picker::open(state),
        _ => {
            form.error = None;
            let multiline = form.focused().input.is_multiline();
            match edit_key(keymap, &mut form.focused().input, &key) {
                EditOutcome::Done => {}
                // Enter in a one-line field moves on; arrows past a field's edge move between fields.
                EditOutcome::Unused(Action::Newline) if !multiline => form_focus(form, 1),
                EditOutcome::Unused(Action::Down) => form_focus(form, 1),
                EditOutcome::Unused(Action::Up) => form_focus(form, -1),
                EditOutcome::Unused(_) => {}
                EditOutcome::NotEditing => return global_key(state, &key, true),
            }
        }
    }
    vec![]
}

fn form_focus(form: &mut FormState, delta: isize) {
    let n = form.fields.len() as isize;
    form.focus = (form.focus as isize + delta).rem_euclid(n) as usize;
}

fn save_form(state: &mut State) -> Vec<Effect> {
    let strings = state.ctx.strings();
    let Some(Overlay::Form(form)) = state.overlays.last() else { return vec![] };
    let seq = match form.kind {
        FormKind::Finding { session, .. } => next_seq(state, session),
        FormKind::Move { .. } => return rectify::submit(state),
        FormKind::LedgerFilter => return ledger::submit_filter(state),
        FormKind::Session { .. } | FormKind::Ticket { .. } => 0,
    };
    match form.to_changes(strings, seq, state.today(), &state.ctx.calendar, state.ctx.new_id()) {
        Err((field, message)) => {
            if let Some(Overlay::Form(form)) = state.overlays.last_mut() {
                form.focus = field;
                form.error = Some((field, message));
            }
            vec![]
        }
        Ok((id, mut changes)) => {
            if let Some(d) = form.past_deadline(&changes, state.today()) {
                let date = d.format("%Y-%m-%d").to_string();
                ask(state, "confirm.past_deadline", &[("date", &date)], ConfirmAction::SavePastDeadline);
                return vec![];
            }
            let new_session = matches!(form.kind, FormKind::Session { editing: None });
            let overlay = state.overlays.pop();
            if changes.is_empty() {
                return vec![];
            }
            // A unit, measure or deadline changed by hand goes into the finding's history too:
            // a deadline that moves silently would hide an overdue case.
            if let Some(f) = state.finding(id) {
                let at_ms = state.now().wall_ms;
                let entry = state.ctx.new_id();
                changes.extend(crate::domain::rectify::edit_entry(f, &state.inspector, at_ms, &changes, entry));
            }
            if !new_session {
                return save(state, id, changes, overlay);
            }
            // A new walk is made to be walked: its page opens once it is saved and listed.
            let item = changes.iter().find(|c| c.field == sf::ITEM).map(|c| c.value.as_text().to_string());
            let label = state.ctx.strings().tf("status.record_session", &[("item", &item.unwrap_or_default())]);
            let effects = save_labelled(state, id, changes, overlay, label);
            let req = state.next_req - 1;
            if let Some(p) = state.pending.get_mut(&req) {
                p.open_when_listed = true;
            }
            effects
        }
    }
}
