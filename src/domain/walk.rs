//! 事项办理全过程: the inspector walks a service themself, marking each stage on a stopwatch.
//!
//! Marks live on the session record as event fields (`walk/0001` …), each a [`TimedEvent`], so
//! a mark is one op; undoing a mark sets its field to Null and the index stays taken. Stages
//! and state are a fold over the live marks. Marks that make no sense where they fall (a
//! Resume while not paused, say, after merging two devices) are passed over.
//!
//! The narrative for the report, stage by stage, joined with " -> ":
//! - times are HH:MM in the given time zone, from the stamps' wall clock;
//! - N is `round_minutes(active_secs)`, M is `round_minutes(paused_secs)`;
//! - N == 0: "HH:MM 名称"; 1 to 9: "HH:MM 名称（N 分钟）"; 10 or more: "HH:MM-HH:MM 名称（N 分钟）"
//!   with the stage's end as the second time;
//! - a stage still open: "HH:MM 名称（进行中，已 N 分钟）" ("（进行中）" while N == 0);
//! - M >= 1 adds "，暂停 M 分钟" inside the parenthesis; a finished stage with N == 0 then reads
//!   "（不足 1 分钟，暂停 M 分钟）" so the pause is not lost;
//! - the first stage's name is prefixed with "到达大厅"; an empty walk gives "".
//!
//! Only ASCII "-" and "->" join times and stages: "–" and "→" are of ambiguous East Asian width
//! and would break terminal layout.

use chrono::{TimeZone, Timelike};

use super::op::{Change, EntityId, EntityKind, Value};
use super::record::Record;
use super::stamp::{Stamp, TimedEvent, event_field, read_events, round_minutes, secs_between};

pub mod field {
    pub const WALK_PREFIX: &str = "walk/";
}

/// The stage names offered in the pick list (seed 004's walk), in this order.
pub const STAGE_NAMES: [&str; 10] =
    ["咨询", "取号", "等候叫号", "填写表格", "提交材料", "受理", "审核", "缴费", "领取证件", "评价"];

/// A mark on the stopwatch. Codes are stored and are the JSON contract.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mark {
    /// A new stage begins (the detail names it), ending the one before.
    Stage,
    Pause,
    Resume,
    /// The walk ends; a later Stage mark continues it.
    Stop,
}

impl Mark {
    pub const ALL: [Mark; 4] = [Mark::Stage, Mark::Pause, Mark::Resume, Mark::Stop];

    pub fn code(self) -> &'static str {
        match self {
            Mark::Stage => "stage",
            Mark::Pause => "pause",
            Mark::Resume => "resume",
            Mark::Stop => "stop",
        }
    }

    pub fn from_code(code: &str) -> Option<Mark> {
        Mark::ALL.into_iter().find(|m| m.code() == code)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum WalkState {
    NotStarted,
    Running,
    Paused,
    Stopped,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct StageSpan {
    pub name: String,
    pub start: Stamp,
    /// None while the stage is still open.
    pub end: Option<Stamp>,
    /// active time, pauses left out
    pub active_secs: i64,
    pub paused_secs: i64,
}

/// The stage being folded: finished pauses summed, a pause in progress kept by its start.
struct Open {
    name: String,
    start: Stamp,
    paused_secs: i64,
    pause: Option<Stamp>,
}

impl Open {
    /// The span ending at `end`, or measured live to `now` when `end` is None.
    fn span(self, end: Option<Stamp>, now: &Stamp) -> StageSpan {
        let to_end = |from: &Stamp| match &end {
            Some(e) => secs_between(from, e),
            None => from.live_secs(now),
        };
        let paused_secs = self.paused_secs + self.pause.as_ref().map_or(0, to_end);
        let total = to_end(&self.start);
        StageSpan { name: self.name, start: self.start, end, active_secs: (total - paused_secs).max(0), paused_secs }
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Walk {
    /// Live marks in the order written, with their index.
    pub marks: Vec<(usize, Mark, TimedEvent)>,
    /// The index the next mark takes (undone marks keep theirs).
    pub next_mark: usize,
}

impl Default for Walk {
    /// No marks; the first takes index 1, as it would read back from an empty record.
    fn default() -> Self {
        Walk { marks: Vec::new(), next_mark: 1 }
    }
}

impl Walk {
    pub fn from_record(r: &Record) -> Walk {
        let (marks, next_mark) = read_events(r, field::WALK_PREFIX, Mark::from_code);
        Walk { marks, next_mark }
    }

    /// A fold over the marks; a mark out of place changes nothing.
    pub fn state(&self) -> WalkState {
        use WalkState::*;
        self.marks.iter().fold(NotStarted, |s, (_, mark, _)| match (mark, s) {
            (Mark::Stage, _) => Running,
            (Mark::Pause, Running) => Paused,
            (Mark::Resume, Paused) => Running,
            (Mark::Stop, Running | Paused) => Stopped,
            _ => s,
        })
    }

    /// Whether a stage is open (running or paused), so its time still grows on screen.
    pub fn is_live(&self) -> bool {
        matches!(self.state(), WalkState::Running | WalkState::Paused)
    }

    pub fn is_started(&self) -> bool {
        self.state() != WalkState::NotStarted
    }

    /// Stages with their times; the open stage (Running/Paused) is measured to `now`. A Stage
    /// mark ends the stage before (and a pause in progress); Stop ends the current stage; the
    /// time from Pause to Resume (or to the stage's end) is paused, not active. A Stage mark
    /// after Stop starts again, and the time between belongs to no stage.
    pub fn stages(&self, now: &Stamp) -> Vec<StageSpan> {
        let mut spans = Vec::new();
        let mut open: Option<Open> = None;
        for (_, mark, e) in &self.marks {
            match (mark, open.as_mut()) {
                (Mark::Stage | Mark::Stop, _) => {
                    spans.extend(open.take().map(|o| o.span(Some(e.stamp), now)));
                    if *mark == Mark::Stage {
                        open = Some(Open { name: e.detail.clone(), start: e.stamp, paused_secs: 0, pause: None });
                    }
                }
                // A second Pause keeps the first one's start.
                (Mark::Pause, Some(o)) => _ = o.pause.get_or_insert(e.stamp),
                (Mark::Resume, Some(o)) => o.paused_secs += o.pause.take().map_or(0, |p| secs_between(&p, &e.stamp)),
                _ => {}
            }
        }
        spans.extend(open.map(|o| o.span(None, now)));
        spans
    }

    /// The change that appends a mark (detail: the stage name for Stage, "" otherwise) to
    /// session `session`.
    pub fn mark_change(&self, session: EntityId, mark: Mark, stamp: Stamp, detail: &str) -> Change {
        let event = TimedEvent::new(mark.code(), stamp, detail.trim());
        let name = event_field(field::WALK_PREFIX, self.next_mark);
        Change::set(EntityKind::Session, session, &name, Value::Event(Box::new(event)))
    }

    /// Which marks make sense now: Stage always; Pause only when Running; Resume only when
    /// Paused; Stop when Running or Paused.
    pub fn allows(&self, mark: Mark) -> bool {
        use WalkState::*;
        match mark {
            Mark::Stage => true,
            Mark::Pause => self.state() == Running,
            Mark::Resume => self.state() == Paused,
            Mark::Stop => matches!(self.state(), Running | Paused),
        }
    }

    /// Records a mark here as well as in the returned change (see `Ticket::step`).
    pub fn mark(&mut self, session: EntityId, mark: Mark, stamp: Stamp, detail: &str) -> Change {
        let change = self.mark_change(session, mark, stamp, detail);
        self.marks.push((self.next_mark, mark, TimedEvent::new(mark.code(), stamp, detail.trim())));
        self.next_mark += 1;
        change
    }

    /// The last mark's index, if it may still be undone at `now` (within `window_secs` of it).
    pub fn undoable(&self, now: &Stamp, window_secs: i64) -> Option<usize> {
        let (n, _, event) = self.marks.last()?;
        (event.stamp.until(now) <= window_secs * 1000).then_some(*n)
    }

    /// The change that undoes mark `n`: its field becomes Null and keeps its index.
    pub fn undo_change(&self, session: EntityId, n: usize) -> Change {
        Change::set(EntityKind::Session, session, &event_field(field::WALK_PREFIX, n), Value::Null)
    }

    /// Undoes mark `n` here as well as in the returned change.
    pub fn undo(&mut self, session: EntityId, n: usize) -> Change {
        self.marks.retain(|(i, _, _)| *i != n);
        self.undo_change(session, n)
    }

    /// The narrative the report needs; the rules are in the module doc.
    pub fn narrative<Tz: TimeZone>(&self, now: &Stamp, tz: &Tz) -> String {
        let pieces: Vec<String> = self.stages(now).iter().enumerate().map(|(i, s)| narrate(s, i == 0, tz)).collect();
        pieces.join(" -> ")
    }
}

/// "HH:MM" of the stamp's wall clock in `tz`.
fn hhmm<Tz: TimeZone>(stamp: &Stamp, tz: &Tz) -> String {
    match tz.timestamp_millis_opt(stamp.wall_ms).earliest() {
        Some(t) => format!("{:02}:{:02}", t.hour(), t.minute()),
        None => "--:--".to_string(),
    }
}

fn narrate<Tz: TimeZone>(span: &StageSpan, first: bool, tz: &Tz) -> String {
    let at = hhmm(&span.start, tz);
    let name = if first { format!("到达大厅{}", span.name) } else { span.name.clone() };
    let (n, m) = (round_minutes(span.active_secs), round_minutes(span.paused_secs));
    let pause = if m > 0 { format!("，暂停 {m} 分钟") } else { String::new() };
    match span.end {
        None if n == 0 => format!("{at} {name}（进行中{pause}）"),
        None => format!("{at} {name}（进行中，已 {n} 分钟{pause}）"),
        Some(_) if n == 0 && m == 0 => format!("{at} {name}"),
        Some(_) if n == 0 => format!("{at} {name}（不足 1 分钟{pause}）"),
        Some(_) if n < 10 => format!("{at} {name}（{n} 分钟{pause}）"),
        Some(end) => format!("{at}-{} {name}（{n} 分钟{pause}）", hhmm(&end, tz)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::op::{Hlc, OpId, ReplicaId};
    use chrono::FixedOffset;

    const SESSION: EntityId = 42;

    fn tz() -> FixedOffset {
        FixedOffset::east_opt(8 * 3600).unwrap()
    }

    /// 2024-05-20 "HH:MM" or "HH:MM:SS" in Beijing, taken in run 7 (anchored at 08:00).
    fn at(hms: &str) -> Stamp {
        let day = tz().with_ymd_and_hms(2024, 5, 20, 0, 0, 0).unwrap().timestamp_millis();
        let secs: i64 = hms.split(':').zip([3600, 60, 1]).map(|(p, k)| p.parse::<i64>().unwrap() * k).sum();
        Stamp { wall_ms: day + secs * 1000, run: 7, mono_ms: (secs - 8 * 3600) * 1000 }
    }

    /// Builds the record the store would derive from these changes.
    fn record_of(changes: &[Change]) -> Record {
        let mut r = Record::new(SESSION, EntityKind::Session);
        for (i, c) in changes.iter().enumerate() {
            let op = OpId { replica: ReplicaId([1; 16]), seq: i as u64 + 1 };
            let live = r.live_ops(&c.field);
            let hlc = Hlc { wall_ms: i as u64, counter: 0 };
            r.fields.entry(c.field.clone().into()).or_default().apply(op, hlc, c.value.clone(), &live);
        }
        r
    }

    /// The changes that make these marks, each appended to the walk as it then stood.
    fn changes_for(marks: &[(Mark, Stamp, &str)]) -> Vec<Change> {
        let mut changes = Vec::new();
        for (mark, stamp, detail) in marks {
            changes.push(walk(&changes).mark_change(SESSION, *mark, *stamp, detail));
        }
        changes
    }

    /// "09:12 咨询, 09:15:20 pause, …": each a time and a mark's code, or else a stage's name.
    fn changes_of(marks: &str) -> Vec<Change> {
        changes_for(&marks.split(", ").filter(|m| !m.is_empty()).map(parse_mark).collect::<Vec<_>>())
    }

    fn parse_mark(m: &str) -> (Mark, Stamp, &str) {
        let (time, what) = m.split_once(' ').unwrap();
        Mark::from_code(what).map_or((Mark::Stage, at(time), what), |mark| (mark, at(time), ""))
    }

    fn walk(changes: &[Change]) -> Walk {
        Walk::from_record(&record_of(changes))
    }

    fn walk_of(marks: &str) -> Walk {
        walk(&changes_of(marks))
    }

    fn told(w: &Walk, now: &str) -> String {
        w.narrative(&at(now), &tz())
    }

    fn active_and_paused(w: &Walk, now: &Stamp) -> Vec<(i64, i64)> {
        w.stages(now).iter().map(|s| (s.active_secs, s.paused_secs)).collect()
    }

    #[test]
    fn the_example_narrative() {
        let w = walk_of("09:12 咨询, 09:15 取号, 09:15:20 等候叫号, 09:41:10 stop");
        assert_eq!(w.state(), WalkState::Stopped);
        assert_eq!(active_and_paused(&w, &at("10:00")), vec![(180, 0), (20, 0), (1550, 0)]);
        assert_eq!(told(&w, "10:00"), "09:12 到达大厅咨询（3 分钟） -> 09:15 取号 -> 09:15-09:41 等候叫号（26 分钟）");
        assert_eq!(told(&Walk::default(), "10:00"), "");
    }

    #[test]
    fn a_pause_is_left_out_of_the_active_time() {
        let w = walk_of("09:00 审核, 09:05 pause, 09:10 resume, 09:17 stop");
        assert_eq!(active_and_paused(&w, &at("10:00")), vec![(720, 300)]);
        assert_eq!(told(&w, "10:00"), "09:00-09:17 到达大厅审核（12 分钟，暂停 5 分钟）");
        // A new stage ends the pause in progress; the pause is not carried into it.
        let w = walk_of("09:00 缴费, 09:00:20 pause, 09:06:20 领取证件, 09:08:20 stop");
        assert_eq!(active_and_paused(&w, &at("10:00")), vec![(20, 360), (120, 0)]);
        assert_eq!(told(&w, "10:00"), "09:00 到达大厅缴费（不足 1 分钟，暂停 6 分钟） -> 09:06 领取证件（2 分钟）");
    }

    #[test]
    fn states_and_the_marks_they_allow() {
        use {Mark::*, WalkState::*};
        let allowed = |w: &Walk| Mark::ALL.into_iter().filter(|m| w.allows(*m)).collect::<Vec<_>>();
        let w = walk_of("");
        assert_eq!((w.state(), w.is_started(), allowed(&w)), (NotStarted, false, vec![Stage]));
        let mut marks = String::new();
        for (mark, state, allows) in [
            ("咨询", Running, vec![Stage, Pause, Stop]),
            ("pause", Paused, vec![Stage, Resume, Stop]),
            ("resume", Running, vec![Stage, Pause, Stop]),
            ("pause", Paused, vec![Stage, Resume, Stop]),
            ("stop", Stopped, vec![Stage]),
        ] {
            marks += &format!("09:0{} {mark}, ", marks.matches(", ").count());
            let w = walk_of(marks.trim_end_matches(", "));
            assert_eq!((w.state(), w.is_started(), allowed(&w)), (state, true, allows), "after {mark}");
        }
        // Marks out of place (say, merged from another device) change nothing.
        assert_eq!(walk_of(&(marks + "09:30 resume")).state(), Stopped);
        assert_eq!(walk_of("09:00 pause").state(), NotStarted);
    }

    #[test]
    fn undo_only_within_the_window_and_the_index_stays_taken() {
        let mut changes = changes_of("09:00 咨询, 09:02 取号");
        let w = walk(&changes);
        assert_eq!(w.undoable(&at("09:02:30"), 30), Some(2));
        assert_eq!(w.undoable(&at("09:02:31"), 30), None);
        changes.push(w.undo_change(SESSION, 2));
        let w = walk(&changes);
        assert_eq!((w.marks.len(), w.next_mark), (1, 3));
        assert_eq!(w.stages(&at("09:05"))[0].active_secs, 300, "咨询 runs on");
        let next = w.mark_change(SESSION, Mark::Stop, at("09:05"), "");
        assert_eq!((next.field.as_str(), next.kind), ("walk/0003", EntityKind::Session));
        // The mark before the undone one is the last now, and long past.
        assert_eq!(w.undoable(&at("09:05"), 30), None);
    }

    #[test]
    fn across_runs_durations_go_by_wall_time() {
        let first = Stamp { wall_ms: 1_716_170_000_000, run: 1, mono_ms: 500_000 };
        let paused = Stamp { wall_ms: first.wall_ms + 60_000, run: 1, mono_ms: 560_000 };
        // The program was restarted; the new run's monotonic clock began anew.
        let later = |secs: i64| Stamp { wall_ms: first.wall_ms + secs * 1000, run: 2, mono_ms: 3_000 + secs * 1000 };
        let w = walk(&changes_for(&[
            (Mark::Stage, first, "受理"),
            (Mark::Pause, paused, ""),
            (Mark::Resume, later(300), ""),
            (Mark::Stop, later(600), ""),
        ]));
        assert_eq!(active_and_paused(&w, &later(900)), vec![(360, 240)]);
    }

    #[test]
    fn an_open_stage_is_measured_to_now() {
        let w = walk_of("09:00 咨询");
        let spans = w.stages(&at("09:12"));
        assert_eq!((spans[0].end, spans[0].active_secs), (None, 720));
        assert_eq!(told(&w, "09:12"), "09:00 到达大厅咨询（进行中，已 12 分钟）");
        assert_eq!(told(&w, "09:00:10"), "09:00 到达大厅咨询（进行中）");
        // Paused now: the pause grows, the active time stands still.
        let w = walk_of("09:00 咨询, 09:03 pause");
        assert_eq!(active_and_paused(&w, &at("09:05:30")), vec![(180, 150)]);
        assert_eq!(told(&w, "09:05:30"), "09:00 到达大厅咨询（进行中，已 3 分钟，暂停 3 分钟）");
    }

    #[test]
    fn a_walk_continues_after_stop() {
        let w = walk_of("09:00 提交材料, 09:05 stop, 09:30 受理");
        assert_eq!((w.state(), w.allows(Mark::Pause)), (WalkState::Running, true));
        let spans: Vec<_> = w.stages(&at("09:32")).into_iter().map(|s| (s.active_secs, s.end)).collect();
        assert_eq!(spans, [(300, Some(at("09:05"))), (120, None)]);
        assert_eq!(told(&w, "09:32"), "09:00 到达大厅提交材料（5 分钟） -> 09:30 受理（进行中，已 2 分钟）");
    }

    #[test]
    fn unknown_codes_are_skipped_but_keep_their_index() {
        let mut changes = changes_for(&[(Mark::Stage, at("09:00"), " 咨询 ")]);
        let lap = TimedEvent::new("lap", at("09:01"), "");
        changes.push(Change::set(EntityKind::Session, SESSION, "walk/0002", Value::Event(Box::new(lap))));
        changes.push(Change::set(EntityKind::Session, SESSION, "walker", Value::text("x")));
        let w = walk(&changes);
        assert_eq!((w.marks.len(), w.next_mark, w.marks[0].2.detail.as_str()), (1, 3, "咨询"));
        assert!(Mark::ALL.into_iter().all(|m| Mark::from_code(m.code()) == Some(m)));
        assert_eq!(Mark::from_code("lap"), None);
    }
}
