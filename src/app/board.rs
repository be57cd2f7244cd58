//! The queue board in the app: adding a ticket with one key, stepping it on with another,
//! recalls, leaving, transfers, undoing a step within 30 seconds, and a finding from a long
//! wait. Each step is one change, stamped when the key is pressed and saved durably at once.

use ratatui::crossterm::event::KeyEvent;

use super::common::{ask, global_key, save, save_labelled};
use super::effect::Effect;
use super::form::FormState;
use super::layout::page;
use super::nav::{SessionList, move_cursor};
use super::state::{CapturePurpose, CaptureState, ConfirmAction, Overlay, Screen, State};
use super::{clock_watch, finish};
use crate::domain::stamp::UNDO_SECS;
use crate::domain::ticket::field as tf;
use crate::domain::{Change, EntityId, EntityKind, FindingLink, Level, Stamp, Step, Ticket, Value};
use crate::i18n::Strings;
use crate::keymap::{Action, Layer};
use crate::store::StoreRequest;

/// The queue board: the tickets of the session whose board is on screen (or was last), and
/// the cursor.
#[derive(Default)]
pub struct BoardView {
    pub tickets: Vec<Ticket>,
    /// The session the tickets belong to.
    pub session: Option<EntityId>,
    pub cursor: usize,
    /// Where the list's view starts (kept by drawing: see [`super::nav::ViewTop`]).
    pub top: super::nav::ViewTop,
}

pub(super) fn loaded(state: &mut State, session: EntityId, tickets: Vec<Ticket>) -> Vec<Effect> {
    let list = SessionList {
        items: &mut state.board.tickets,
        session: &mut state.board.session,
        cursor: &mut state.board.cursor,
    };
    list.replace(session, tickets, &mut state.select_after_load, |t| t.id);
    // `f` was pressed on this session before its tickets were on hand.
    if state.finish_after_tickets == Some(session) {
        state.finish_after_tickets = None;
        return finish::finish_or_ask(state, session);
    }
    vec![]
}

/// "12号", "A012号"; a ticket without a number is named by its place on the board.
pub fn ticket_label(strings: &Strings, tickets: &[Ticket], t: &Ticket) -> String {
    let place = tickets.iter().position(|x| x.id == t.id).unwrap_or(0);
    ticket_label_at(strings, t, place)
}

/// The label of the ticket at `place` (0-based) on the board, when the caller knows it.
pub fn ticket_label_at(strings: &Strings, t: &Ticket, place: usize) -> String {
    if t.number.is_empty() {
        strings.tf("ticket.unnumbered", &[("n", &(place + 1).to_string())])
    } else {
        strings.tf("ticket.label", &[("number", &t.number)])
    }
}

pub(super) fn screen_key(state: &mut State, key: KeyEvent, session: EntityId) -> Vec<Effect> {
    let Some(action) = state.ctx.keymap.lookup(Layer::Board, &key) else {
        return global_key(state, &key, false);
    };
    let mut effects = clock_watch::check_clock(state);
    if let Some(c) = move_cursor(state.board.cursor, state.tickets_of(session).len(), page(state), action) {
        state.board.cursor = c;
        return effects;
    }
    let now = state.now();
    let selected = state.selected_ticket().cloned();
    effects.extend(match (action, selected) {
        (Action::Back, _) => {
            state.screen = Screen::SessionPage { session };
            vec![Effect::Store(StoreRequest::LoadFindings { session })]
        }
        (Action::AddTicket, _) => add(state, session, now),
        (Action::Advance, Some(t)) => match t.next_step() {
            Some(step) => step_ticket(state, &t, step, now, ""),
            None => refuse(state, "board.ended"),
        },
        (Action::Recall, Some(t)) if t.allows(Step::Recalled) => step_ticket(state, &t, Step::Recalled, now, ""),
        (Action::Recall, Some(_)) => refuse(state, "board.cannot_recall"),
        (Action::LeftUnserved, Some(t)) if t.allows(Step::Left) => step_ticket(state, &t, Step::Left, now, ""),
        (Action::LeftUnserved, Some(_)) => refuse(state, "board.cannot_leave"),
        (Action::Transfer, Some(t)) if t.allows(Step::Transferred) => {
            state.overlays.push(Overlay::Capture(CaptureState::new(
                session,
                CapturePurpose::Transfer { ticket: t.id },
                "",
            )));
            vec![]
        }
        (Action::Transfer, Some(_)) => refuse(state, "board.ended"),
        (Action::Undo, Some(t)) => undo(state, &t, now),
        (Action::Edit, Some(t)) => {
            state.overlays.push(Overlay::Form(Box::new(FormState::edit_ticket(&t, state.ctx.lang))));
            vec![]
        }
        (Action::Delete, Some(t)) => {
            let label = ticket_label(state.ctx.strings(), &state.board.tickets, &t);
            ask(state, "confirm.delete_ticket", &[("ticket", &label)], ConfirmAction::DeleteTicket(t.id));
            vec![]
        }
        (Action::MakeFinding, Some(t)) => {
            let text = finding_text(state, &t, &now);
            let purpose = CapturePurpose::Finding { link: Some(FindingLink::Ticket(t.id)) };
            state.overlays.push(Overlay::Capture(CaptureState::new(session, purpose, &text)));
            vec![]
        }
        (_, None) => refuse(state, "board.empty"),
        _ => vec![],
    });
    effects
}

fn refuse(state: &mut State, key: &str) -> Vec<Effect> {
    state.notice = Some(state.t(key).to_string());
    vec![]
}

/// A new ticket taken now: the number after the last one, at the last one's window for the
/// same service item (or the session's window and item for the first).
fn add(state: &mut State, session: EntityId, now: Stamp) -> Vec<Effect> {
    let last = state.tickets_of(session).iter().max_by_key(|t| t.taken().map(|s| (s.wall_ms, s.mono_ms)));
    let (number, window, item) = match (last, state.session_summary(session)) {
        (Some(t), _) => (t.next_number(), t.window().to_string(), t.item.clone()),
        (None, Some(s)) => (String::new(), s.session.window.clone(), s.session.item.clone()),
        (None, None) => Default::default(),
    };
    let (ticket, changes) = Ticket::new(state.ctx.new_id(), session, &number, &window, &item, now);
    let id = ticket.id;
    // Listed at once, so a next `a` before the store answers numbers after it. The cursor
    // goes to the oldest ticket still waiting: the next one called is the one the advance
    // key must step, not the newest just taken.
    state.board.tickets.push(ticket);
    let waiting = state.board.tickets.iter().position(|t| t.state() == crate::domain::TicketState::Waiting);
    state.board.cursor = waiting.unwrap_or(state.board.tickets.len() - 1);
    // Named in the status line, as the cursor may be on another ticket: 已保存：第3张.
    let label =
        ticket_label(state.ctx.strings(), &state.board.tickets, &state.board.tickets[state.board.tickets.len() - 1]);
    save_labelled(state, id, changes, None, label)
}

/// Records the step on the listed ticket too, so the next key builds on it.
fn step_ticket(state: &mut State, t: &Ticket, step: Step, now: Stamp, detail: &str) -> Vec<Effect> {
    let Some(listed) = state.board.tickets.iter_mut().find(|x| x.id == t.id) else { return vec![] };
    let change = listed.step(step, now, detail);
    save(state, t.id, vec![change], None)
}

fn undo(state: &mut State, t: &Ticket, now: Stamp) -> Vec<Effect> {
    match t.undoable(&now, UNDO_SECS) {
        // Undoing the taking removes the ticket: ask, as deleting does.
        Some((_, Step::Taken)) => {
            let label = ticket_label(state.ctx.strings(), &state.board.tickets, t);
            ask(state, "confirm.undo_taken", &[("ticket", &label)], ConfirmAction::DeleteTicket(t.id));
            vec![]
        }
        Some((n, step)) => {
            state.notice = Some(state.ctx.strings().tf("board.undone", &[("step", state.t(&step_key(step)))]));
            let Some(listed) = state.board.tickets.iter_mut().find(|x| x.id == t.id) else { return vec![] };
            let changes = listed.undo(n, step);
            save(state, t.id, changes, None)
        }
        None => refuse(state, "board.undo_too_late"),
    }
}

/// The i18n key naming a step ("step.called" → 叫号).
pub fn step_key(step: Step) -> String {
    format!("step.{}", step.code())
}

/// A transfer's window, typed in the capture line.
pub(super) fn submit_transfer(state: &mut State, ticket: EntityId, window: &str) -> Vec<Effect> {
    let Some(t) = state.board.tickets.iter().find(|t| t.id == ticket).cloned() else { return vec![] };
    if window.trim().is_empty() {
        return vec![];
    }
    let now = state.now();
    step_ticket(state, &t, Step::Transferred, now, window)
}

pub(super) fn delete(state: &mut State, id: EntityId) -> Vec<Effect> {
    save(state, id, vec![Change::set(EntityKind::Ticket, id, tf::DELETED, Value::Bool(true))], None)
}

/// 「排队等待时间过长：12号等待 34 分钟（阈值 30 分钟）」 for a wait past a threshold; for a
/// shorter one, the start of a finding about the ticket.
fn finding_text(state: &State, t: &Ticket, now: &Stamp) -> String {
    let s = state.ctx.strings();
    let label = ticket_label(s, &state.board.tickets, t);
    let thresholds = state.ctx.waits.for_item(&t.item);
    let Some(wait) = t.wait_secs(now) else { return s.tf("board.finding_plain", &[("ticket", &label)]) };
    let minutes = (wait / 60).to_string();
    let threshold = match thresholds.level(wait) {
        Level::Alert => thresholds.alert_secs,
        Level::Warning => thresholds.warning_secs,
        // Under a minute says nothing about the wait: the finding is about something else.
        Level::Normal if wait < 60 => return s.tf("board.finding_plain", &[("ticket", &label)]),
        Level::Normal => {
            return s.tf("board.finding_short", &[("ticket", &label), ("minutes", &minutes)]);
        }
    };
    let threshold = (threshold / 60).to_string();
    s.tf("board.finding_long", &[("ticket", &label), ("minutes", &minutes), ("threshold", &threshold)])
}
