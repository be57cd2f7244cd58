//! 排队号: one queue timing on the board. A ticket is taken, called (perhaps again: the last
//! call counts, as queue systems count it), served and done; or the person leaves unserved;
//! or is sent to another window, where the wait goes on until that window calls. When the
//! inspector stops watching (the session is finished) an open ticket is ended: its timing
//! stops there with no outcome, which is neither a service nor a walk-out.
//!
//! Each step is its own event field (`event/0001` …) holding a [`TimedEvent`], so a step is one
//! op; undoing a step sets its field to Null. The state is a fold over the live events.

use super::op::{Change, EntityId, EntityKind, Value};
use super::record::Record;
use super::stamp::{Stamp, TimedEvent, event_field, read_events, secs_between};

pub mod field {
    pub const SESSION: &str = "session";
    pub const NUMBER: &str = "number";
    pub const WINDOW: &str = "window";
    pub const ITEM: &str = "item";
    pub const DELETED: &str = "deleted";
    pub const EVENT_PREFIX: &str = "event/";
}

/// A step of a ticket. Codes are stored and are the JSON contract.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Step {
    Taken,
    Called,
    /// 重复叫号: called again; this call is now the one that counts.
    Recalled,
    Serving,
    Done,
    /// 离开/弃号: left without being served.
    Left,
    /// 转窗口: sent to another window (the detail names it), waiting again.
    Transferred,
    /// 计时结束: the inspector stopped watching before the ticket's outcome (the session was
    /// finished). Not a citizen leaving: the statistics count it neither as a wait nor as left.
    Ended,
}

impl Step {
    pub const ALL: [Step; 8] = [
        Step::Taken,
        Step::Called,
        Step::Recalled,
        Step::Serving,
        Step::Done,
        Step::Left,
        Step::Transferred,
        Step::Ended,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Step::Taken => "taken",
            Step::Called => "called",
            Step::Recalled => "recalled",
            Step::Serving => "serving",
            Step::Done => "done",
            Step::Left => "left",
            Step::Transferred => "transferred",
            Step::Ended => "ended",
        }
    }

    pub fn from_code(code: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// Where a ticket stands.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash, PartialOrd, Ord)]
pub enum TicketState {
    /// 等候叫号 (also after a transfer).
    Waiting,
    /// 已叫号: called, not yet at the window.
    Called,
    /// 办理中.
    Serving,
    /// 办结.
    Done,
    /// 离开.
    Left,
    /// 计时结束: no outcome seen (see [`Step::Ended`]).
    Ended,
}

impl TicketState {
    pub fn code(self) -> &'static str {
        match self {
            TicketState::Waiting => "waiting",
            TicketState::Called => "called",
            TicketState::Serving => "serving",
            TicketState::Done => "done",
            TicketState::Left => "left",
            TicketState::Ended => "ended",
        }
    }

    /// Done, left and ended tickets have stopped; the others still tick.
    pub fn is_open(self) -> bool {
        !matches!(self, TicketState::Done | TicketState::Left | TicketState::Ended)
    }

    /// The state a step leads to.
    fn after(step: Step) -> TicketState {
        match step {
            Step::Taken | Step::Transferred => TicketState::Waiting,
            Step::Called | Step::Recalled => TicketState::Called,
            Step::Serving => TicketState::Serving,
            Step::Done => TicketState::Done,
            Step::Left => TicketState::Left,
            Step::Ended => TicketState::Ended,
        }
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Ticket {
    pub id: EntityId,
    pub session_id: EntityId,
    pub number: String,
    /// The window it was taken for; see [`Ticket::window`] for where it is now.
    pub first_window: String,
    pub item: String,
    pub deleted: bool,
    /// Live events in the order written, with their index.
    pub events: Vec<(usize, Step, TimedEvent)>,
    /// The index the next event takes (undone events keep theirs).
    pub next_event: usize,
    pub conflicts: Vec<String>,
}

impl Ticket {
    pub const KIND: EntityKind = EntityKind::Ticket;

    pub fn from_record(r: &Record) -> Ticket {
        let (events, next_event) = read_events(r, field::EVENT_PREFIX, Step::from_code);
        Ticket {
            id: r.id,
            session_id: r.get(field::SESSION).as_ref_id().unwrap_or(0),
            number: r.text(field::NUMBER),
            first_window: r.text(field::WINDOW),
            item: r.text(field::ITEM),
            deleted: r.get(field::DELETED).as_bool(),
            events,
            next_event,
            conflicts: r.conflicts().into_iter().map(String::from).collect(),
        }
    }

    /// New ticket `id`, taken at `taken`: the ticket as it will read back, and its changes.
    pub fn new(
        id: EntityId,
        session: EntityId,
        number: &str,
        window: &str,
        item: &str,
        taken: Stamp,
    ) -> (Ticket, Vec<Change>) {
        let (id, changes) = Ticket::create(id, session, number, window, item, taken);
        let ticket = Ticket {
            id,
            session_id: session,
            number: number.trim().to_string(),
            first_window: window.trim().to_string(),
            item: item.trim().to_string(),
            deleted: false,
            events: vec![(1, Step::Taken, TimedEvent::new(Step::Taken.code(), taken, ""))],
            next_event: 2,
            conflicts: Vec::new(),
        };
        (ticket, changes)
    }

    /// The changes that make a new ticket, taken at `taken`.
    pub fn create(
        id: EntityId,
        session: EntityId,
        number: &str,
        window: &str,
        item: &str,
        taken: Stamp,
    ) -> (EntityId, Vec<Change>) {
        let set = |f: &str, v: Value| Change::set(EntityKind::Ticket, id, f, v);
        let event = TimedEvent::new(Step::Taken.code(), taken, "");
        let changes = vec![
            set(field::SESSION, Value::Ref(session)),
            set(field::NUMBER, Value::text(number.trim())),
            set(field::WINDOW, Value::text(window.trim())),
            set(field::ITEM, Value::text(item.trim())),
            set(&event_field(field::EVENT_PREFIX, 1), Value::Event(Box::new(event))),
        ];
        (id, changes)
    }

    fn stamps_of(&self, steps: &[Step]) -> impl DoubleEndedIterator<Item = &Stamp> {
        self.events.iter().filter(move |(_, s, _)| steps.contains(s)).map(|(_, _, e)| &e.stamp)
    }

    pub fn taken(&self) -> Option<&Stamp> {
        self.stamps_of(&[Step::Taken]).next()
    }

    /// The call that counts: the last one.
    pub fn last_call(&self) -> Option<&Stamp> {
        self.stamps_of(&[Step::Called, Step::Recalled]).next_back()
    }

    pub fn serving(&self) -> Option<&Stamp> {
        self.stamps_of(&[Step::Serving]).next_back()
    }

    pub fn done(&self) -> Option<&Stamp> {
        self.stamps_of(&[Step::Done]).next_back()
    }

    pub fn left(&self) -> Option<&Stamp> {
        self.stamps_of(&[Step::Left]).next_back()
    }

    /// When its timing ended with the session (计时结束).
    pub fn ended(&self) -> Option<&Stamp> {
        self.stamps_of(&[Step::Ended]).next_back()
    }

    /// For a ticket whose timing ended (计时结束), the state it was in at that moment: a
    /// ticket ended while waiting has no wait, one ended while being served keeps its service
    /// up to the end. None for any other ticket.
    pub fn state_at_end(&self) -> Option<TicketState> {
        match self.events.as_slice() {
            [.., (_, before, _), (_, Step::Ended, _)] => Some(TicketState::after(*before)),
            [(_, Step::Ended, _)] => Some(TicketState::Waiting),
            _ => None,
        }
    }

    pub fn recalls(&self) -> usize {
        self.stamps_of(&[Step::Recalled]).count()
    }

    pub fn state(&self) -> TicketState {
        self.events.last().map(|(_, step, _)| TicketState::after(*step)).unwrap_or(TicketState::Waiting)
    }

    /// The window it is at now: the last transfer's, else the one it was taken for.
    pub fn window(&self) -> &str {
        self.events
            .iter()
            .rev()
            .find(|(_, s, _)| *s == Step::Transferred)
            .map(|(_, _, e)| e.detail.as_str())
            .unwrap_or(&self.first_window)
    }

    /// When the current state began.
    pub fn state_since(&self) -> Option<&Stamp> {
        self.events.last().map(|(_, _, e)| &e.stamp)
    }

    /// The wait in whole seconds: last call − taken; still growing (to `now`) while waiting,
    /// so the board shows the wait so far. None for a ticket that left before any call, or
    /// whose timing ended while it was waiting.
    pub fn wait_secs(&self, now: &Stamp) -> Option<i64> {
        let taken = self.taken()?;
        match (self.state(), self.last_call()) {
            (TicketState::Waiting, _) => Some(taken.live_secs(now)),
            (TicketState::Left | TicketState::Ended, None) => None,
            (TicketState::Ended, Some(_)) => self.final_wait_secs(),
            (_, Some(call)) => Some(secs_between(taken, call)),
            (_, None) => None,
        }
    }

    /// The wait as finally measured: only once the ticket has been called (a ticket sent to
    /// another window and waiting again has no wait yet: its call before doesn't count, and
    /// if its timing ends there, it never gets one).
    pub fn final_wait_secs(&self) -> Option<i64> {
        if self.state() == TicketState::Waiting || self.state_at_end() == Some(TicketState::Waiting) {
            return None;
        }
        Some(secs_between(self.taken()?, self.last_call()?))
    }

    /// Service time: done − serving; growing to `now` while serving; for a ticket whose timing
    /// ended while it was being served, up to the end (the service was seen that long).
    pub fn service_secs(&self, now: &Stamp) -> Option<i64> {
        let serving = self.serving()?;
        match self.state() {
            TicketState::Serving => Some(serving.live_secs(now)),
            TicketState::Ended if self.state_at_end() == Some(TicketState::Serving) => {
                Some(secs_between(serving, self.ended()?))
            }
            _ => self.final_service_secs(),
        }
    }

    /// A whole service, done − serving: what the statistics count. A service cut short by
    /// the end of the session is not one (its length is only a lower bound).
    pub fn final_service_secs(&self) -> Option<i64> {
        Some(secs_between(self.serving()?, self.done()?))
    }

    /// The step the advance key takes: 取号 → 叫号 → 办理 → 办结.
    pub fn next_step(&self) -> Option<Step> {
        match self.state() {
            TicketState::Waiting => Some(Step::Called),
            TicketState::Called => Some(Step::Serving),
            TicketState::Serving => Some(Step::Done),
            TicketState::Done | TicketState::Left | TicketState::Ended => None,
        }
    }

    /// Whether `step` may follow the current state.
    pub fn allows(&self, step: Step) -> bool {
        use TicketState::*;
        match step {
            Step::Taken => false,
            Step::Called => self.state() == Waiting,
            Step::Recalled => self.state() == Called,
            Step::Serving => self.state() == Called,
            Step::Done => self.state() == Serving,
            Step::Left => matches!(self.state(), Waiting | Called),
            Step::Transferred => matches!(self.state(), Waiting | Called | Serving),
            Step::Ended => self.state().is_open(),
        }
    }

    /// The change that records `step` at `stamp` (`detail`: the new window of a transfer).
    pub fn step_change(&self, step: Step, stamp: Stamp, detail: &str) -> Change {
        let event = TimedEvent::new(step.code(), stamp, detail.trim());
        Change::set(
            EntityKind::Ticket,
            self.id,
            &event_field(field::EVENT_PREFIX, self.next_event),
            Value::Event(Box::new(event)),
        )
    }

    /// Records `step` here as well as in the returned change, so a key pressed before the
    /// store answers builds on it (two quick presses are two steps, not one written twice).
    pub fn step(&mut self, step: Step, stamp: Stamp, detail: &str) -> Change {
        let change = self.step_change(step, stamp, detail);
        self.events.push((self.next_event, step, TimedEvent::new(step.code(), stamp, detail.trim())));
        self.next_event += 1;
        change
    }

    /// Undoes event `n` here as well as in the returned changes.
    pub fn undo(&mut self, n: usize, step: Step) -> Vec<Change> {
        self.events.retain(|(i, _, _)| *i != n);
        self.deleted |= step == Step::Taken;
        self.undo_changes(n, step)
    }

    /// The last step, if it may still be undone at `now` (within `window_secs` of it).
    pub fn undoable(&self, now: &Stamp, window_secs: i64) -> Option<(usize, Step)> {
        let (n, step, event) = self.events.last()?;
        (event.stamp.until(now) <= window_secs * 1000).then_some((*n, *step))
    }

    /// The changes that undo the last step; undoing the taking removes the ticket.
    pub fn undo_changes(&self, n: usize, step: Step) -> Vec<Change> {
        let mut changes =
            vec![Change::set(EntityKind::Ticket, self.id, &event_field(field::EVENT_PREFIX, n), Value::Null)];
        if step == Step::Taken {
            changes.push(Change::set(EntityKind::Ticket, self.id, field::DELETED, Value::Bool(true)));
        }
        changes
    }

    /// The number a next ticket probably has: the same prefix, one more, same width
    /// ("A012" → "A013", "99" → "100"); empty when this one has no trailing digits.
    pub fn next_number(&self) -> String {
        let digits: String = self.number.chars().rev().take_while(|c| c.is_ascii_digit()).collect();
        if digits.is_empty() {
            return String::new();
        }
        let digits: String = digits.chars().rev().collect();
        let prefix = &self.number[..self.number.len() - digits.len()];
        match digits.parse::<u64>() {
            Ok(n) => format!("{prefix}{:0width$}", n + 1, width = digits.len()),
            Err(_) => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::op::{Hlc, OpId, ReplicaId};

    fn stamp(secs: i64) -> Stamp {
        Stamp { wall_ms: 1_700_000_000_000 + secs * 1000, run: 7, mono_ms: secs * 1000 }
    }

    /// Builds the record the store would derive from these changes.
    fn record_of(changes: &[Change]) -> Record {
        let mut r = Record::new(changes[0].entity, EntityKind::Ticket);
        for (i, c) in changes.iter().enumerate() {
            let op = OpId { replica: ReplicaId([1; 16]), seq: i as u64 + 1 };
            let live = r.live_ops(&c.field);
            r.fields.entry(c.field.clone().into()).or_default().apply(
                op,
                Hlc { wall_ms: i as u64, counter: 0 },
                c.value.clone(),
                &live,
            );
        }
        r
    }

    fn ticket_with(steps: &[(Step, i64)]) -> Ticket {
        let (_, mut changes) = Ticket::create(9, 1, "A012", "3号窗口", "不动产登记", stamp(0));
        for (step, at) in steps {
            let t = Ticket::from_record(&record_of(&changes));
            changes.push(t.step_change(*step, stamp(*at), if *step == Step::Transferred { "5号窗口" } else { "" }));
        }
        Ticket::from_record(&record_of(&changes))
    }

    #[test]
    fn the_whole_course_of_a_ticket() {
        let t = ticket_with(&[(Step::Called, 600), (Step::Serving, 660), (Step::Done, 1500)]);
        assert_eq!(t.state(), TicketState::Done);
        assert_eq!(t.final_wait_secs(), Some(600));
        assert_eq!(t.final_service_secs(), Some(840));
        assert_eq!(t.wait_secs(&stamp(9999)), Some(600));
        assert_eq!(t.next_step(), None);
    }

    #[test]
    fn a_recall_moves_the_call_that_counts() {
        let t = ticket_with(&[(Step::Called, 600), (Step::Recalled, 900)]);
        assert_eq!(t.final_wait_secs(), Some(900));
        assert_eq!(t.recalls(), 1);
        assert!(t.allows(Step::Recalled) && t.allows(Step::Serving) && !t.allows(Step::Called));
    }

    #[test]
    fn waiting_tickets_wait_on_and_a_transfer_waits_again() {
        let t = ticket_with(&[]);
        assert_eq!(t.wait_secs(&stamp(125)), Some(125));
        let t = ticket_with(&[(Step::Called, 100), (Step::Transferred, 200)]);
        assert_eq!(t.state(), TicketState::Waiting);
        assert_eq!(t.window(), "5号窗口");
        assert_eq!(t.first_window, "3号窗口");
        assert_eq!(t.wait_secs(&stamp(300)), Some(300));
        let t = ticket_with(&[(Step::Called, 100), (Step::Transferred, 200), (Step::Called, 400)]);
        assert_eq!(t.final_wait_secs(), Some(400));
    }

    #[test]
    fn leaving_unserved_has_no_wait_unless_called() {
        let t = ticket_with(&[(Step::Left, 700)]);
        assert_eq!((t.state(), t.wait_secs(&stamp(800)), t.final_wait_secs()), (TicketState::Left, None, None));
        let t = ticket_with(&[(Step::Called, 100), (Step::Left, 700)]);
        assert_eq!(t.final_wait_secs(), Some(100));
        assert!(!t.allows(Step::Serving));
    }

    #[test]
    fn ending_stops_the_clock_without_an_outcome() {
        // Ended while waiting: no wait (the call never came), not open, not left.
        let t = ticket_with(&[(Step::Ended, 700)]);
        assert_eq!((t.state(), t.wait_secs(&stamp(9000)), t.final_wait_secs()), (TicketState::Ended, None, None));
        assert!(!t.state().is_open() && t.next_step().is_none() && !t.allows(Step::Ended));
        assert_eq!(t.service_secs(&stamp(9000)), None);
        // Ended after the call, before service: the wait it had stays, no service.
        let t = ticket_with(&[(Step::Called, 100), (Step::Ended, 700)]);
        assert_eq!((t.wait_secs(&stamp(9000)), t.service_secs(&stamp(9000))), (Some(100), None));
        assert_eq!(t.state_at_end(), Some(TicketState::Called));
        // Ended while being served: the wait stays and the service runs up to the end
        // (700 − 160), however late it is read; the statistics count no whole service.
        let t = ticket_with(&[(Step::Called, 100), (Step::Serving, 160), (Step::Ended, 700)]);
        assert_eq!((t.final_wait_secs(), t.wait_secs(&stamp(9000))), (Some(100), Some(100)));
        assert_eq!((t.service_secs(&stamp(9000)), t.final_service_secs()), (Some(540), None));
        assert_eq!(
            (t.state_at_end(), t.ended().map(|s| s.wall_ms)),
            (Some(TicketState::Serving), Some(stamp(700).wall_ms))
        );
        // Called, sent to another window and ended there before its call: no wait, as the
        // call before the transfer does not count; no service.
        let t = ticket_with(&[(Step::Called, 100), (Step::Transferred, 200), (Step::Ended, 700)]);
        assert_eq!((t.final_wait_secs(), t.wait_secs(&stamp(9000))), (None, None));
        assert_eq!(t.service_secs(&stamp(9000)), None);
        assert_eq!(ticket_with(&[(Step::Called, 100)]).state_at_end(), None);
        assert_eq!(Step::from_code("ended"), Some(Step::Ended));
    }

    #[test]
    fn undo_only_within_the_window_and_undoing_the_taking_removes_it() {
        let t = ticket_with(&[(Step::Called, 100)]);
        assert_eq!(t.undoable(&stamp(130), 30), Some((2, Step::Called)));
        assert_eq!(t.undoable(&stamp(131), 30), None);
        let mut changes = Ticket::create(9, 1, "", "", "", stamp(0)).1;
        let t = Ticket::from_record(&record_of(&changes));
        let (n, step) = t.undoable(&stamp(5), 30).unwrap();
        changes.extend(t.undo_changes(n, step));
        let t = Ticket::from_record(&record_of(&changes));
        assert!(t.deleted && t.events.is_empty());
    }

    #[test]
    fn an_undone_step_keeps_its_index() {
        let mut changes = Ticket::create(9, 1, "", "", "", stamp(0)).1;
        let taken = Ticket::from_record(&record_of(&changes));
        changes.push(taken.step_change(Step::Called, stamp(100), ""));
        let called = Ticket::from_record(&record_of(&changes));
        changes.extend(called.undo_changes(2, Step::Called));
        let undone = Ticket::from_record(&record_of(&changes));
        assert_eq!((undone.state(), undone.next_event, undone.events.len()), (TicketState::Waiting, 3, 1));
    }

    #[test]
    fn next_numbers_keep_prefix_and_width() {
        let mut t = ticket_with(&[]);
        for (now, next) in [("A012", "A013"), ("99", "100"), ("007", "008"), ("", ""), ("取号", ""), ("B9", "B10")] {
            t.number = now.to_string();
            assert_eq!(t.next_number(), next, "{now}");
        }
    }
}
