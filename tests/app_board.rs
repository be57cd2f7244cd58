//! update() on the queue board and the stage stopwatch, against a real store in a temp dir
//! answered synchronously (as the store thread would) and a clock the test moves.

use std::sync::Arc;

use crate::app_fixtures::*;
use ratatui::crossterm::event::KeyCode;
use tiyan::app::{Effect, Msg, Overlay, Screen, State, update};
use tiyan::clock::ManualClock;
use tiyan::domain::session::field as sf;
use tiyan::domain::{Change, EntityId, EntityKind, FindingLink, Step, TicketState, Value};
use tiyan::i18n::Lang;
use tiyan::store::{Store, StoreRequest};

const MIN: i64 = 60_000;

struct Board {
    state: State,
    store: Store,
    clock: Arc<ManualClock>,
    session: EntityId,
    _dir: tempfile::TempDir,
}

impl Board {
    /// A session in a real store, its page open, then its queue board.
    fn open() -> Board {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.redb")).unwrap();
        let session = tiyan::domain::op::new_entity_id();
        let set = |f: &str, v: Value| Change::set(EntityKind::Session, session, f, v);
        store
            .apply(&[
                set(sf::ITEM, Value::text("不动产登记")),
                set(sf::WINDOW, Value::text("3号窗口")),
                set(sf::STATUS, Value::text("open")),
            ])
            .unwrap();
        let clock = Arc::new(ManualClock::new(1, T0 as i64));
        let state = State::new(context_with_clock(Lang::Zh, clock.clone()), (100, 30));
        let mut b = Board { state, store, clock, session, _dir: dir };
        b.answer(vec![Effect::Store(StoreRequest::LoadSessions)]);
        b.press(key(KeyCode::Enter));
        b.press(ch('t'));
        assert_eq!(b.state.screen, Screen::Board { session });
        b
    }

    /// Feeds a message and answers every store request it causes, to the end.
    fn press(&mut self, msg: Msg) -> Vec<Change> {
        let effects = update(&mut self.state, msg);
        self.answer(effects)
    }

    fn answer(&mut self, effects: Vec<Effect>) -> Vec<Change> {
        crate::app_fixtures::live::answer(&mut self.state, &mut self.store, effects)
    }

    fn states(&self) -> Vec<TicketState> {
        self.state.board.tickets.iter().map(|t| t.state()).collect()
    }

    fn selected_wait(&self) -> Option<i64> {
        self.state.selected_ticket().and_then(|t| t.wait_secs(&self.clock_now()))
    }

    fn clock_now(&self) -> tiyan::domain::Stamp {
        self.state.now()
    }
}

#[test]
fn a_ticket_goes_taken_called_serving_done_one_key_each() {
    let mut b = Board::open();
    let changes = b.press(ch('a'));
    assert!(changes.iter().all(|c| c.kind == EntityKind::Ticket));
    assert_eq!(b.states(), vec![TicketState::Waiting]);
    let t = &b.state.board.tickets[0];
    assert_eq!((t.first_window.as_str(), t.item.as_str()), ("3号窗口", "不动产登记"), "prefilled from the session");
    b.clock.advance(12 * MIN);
    b.press(ch(' '));
    assert_eq!(b.states(), vec![TicketState::Called]);
    b.clock.advance(MIN);
    b.press(key(KeyCode::Enter));
    assert_eq!(b.states(), vec![TicketState::Serving]);
    b.clock.advance(7 * MIN);
    b.press(ch(' '));
    let t = &b.state.board.tickets[0];
    assert_eq!((t.state(), t.final_wait_secs(), t.final_service_secs()), (TicketState::Done, Some(720), Some(420)));
    let nothing = b.press(ch(' '));
    assert!(nothing.is_empty());
    assert_eq!(b.state.notice.as_deref(), Some("这张号已经办结或离开"));
    assert!(!b.state.is_ticking(), "nothing left to tick");
}

#[test]
fn recall_counts_the_last_call_and_is_refused_before_any_call() {
    let mut b = Board::open();
    b.press(ch('a'));
    assert!(b.press(ch('r')).is_empty());
    assert!(b.state.notice.as_deref().unwrap().contains("重复叫号"));
    b.clock.advance(10 * MIN);
    b.press(ch(' '));
    b.clock.advance(15 * MIN);
    b.press(ch('r'));
    let t = &b.state.board.tickets[0];
    assert_eq!((t.recalls(), t.final_wait_secs()), (1, Some(25 * 60)));
}

#[test]
fn leaving_unserved_only_before_service() {
    let mut b = Board::open();
    b.press(ch('a'));
    b.press(ch('a'));
    b.clock.advance(5 * MIN);
    b.press(key(KeyCode::Down));
    b.press(ch('x'));
    assert_eq!(b.states(), vec![TicketState::Waiting, TicketState::Left]);
    b.press(key(KeyCode::Up));
    b.press(ch(' '));
    b.press(ch(' '));
    assert!(b.press(ch('x')).is_empty(), "a ticket being served cannot leave");
    assert_eq!(b.states(), vec![TicketState::Serving, TicketState::Left]);
}

#[test]
fn a_transfer_asks_for_the_window_and_the_wait_goes_on() {
    let mut b = Board::open();
    b.press(ch('a'));
    b.clock.advance(4 * MIN);
    b.press(ch(' '));
    b.press(ch('t'));
    assert!(matches!(b.state.overlays.last(), Some(Overlay::Capture(_))));
    type_text(&mut b.state, "5号窗口");
    b.press(key(KeyCode::Enter));
    let t = &b.state.board.tickets[0];
    assert_eq!((t.state(), t.window()), (TicketState::Waiting, "5号窗口"));
    b.clock.advance(6 * MIN);
    assert_eq!(b.selected_wait(), Some(10 * 60), "still waiting, from the taking");
}

#[test]
fn undo_takes_back_the_last_step_within_30_seconds_only() {
    let mut b = Board::open();
    b.press(ch('a'));
    b.clock.advance(MIN);
    b.press(ch(' '));
    b.clock.advance(30_000);
    let undone = b.press(ch('u'));
    assert_eq!(undone.len(), 1);
    assert_eq!(undone[0].value, Value::Null);
    assert_eq!(b.states(), vec![TicketState::Waiting]);
    assert!(b.state.notice.as_deref().unwrap().contains("叫号"));

    b.press(ch(' '));
    b.clock.advance(31_000);
    assert!(b.press(ch('u')).is_empty());
    assert_eq!(b.state.notice.as_deref(), Some("超过 30 秒，不能撤销"));
    assert_eq!(b.states(), vec![TicketState::Called]);
}

#[test]
fn undoing_the_taking_removes_the_ticket() {
    let mut b = Board::open();
    b.press(ch('a'));
    b.clock.advance(5_000);
    assert!(b.press(ch('u')).is_empty(), "asks first, as deleting does");
    assert!(matches!(b.state.overlays.last(), Some(Overlay::Confirm(_))));
    b.press(ch('y'));
    assert!(b.state.board.tickets.is_empty());
}

#[test]
fn keys_pressed_before_the_store_answers_build_on_each_other() {
    let mut b = Board::open();
    // `a` and two spaces, all before any answer: a ticket numbered on from the last, called
    // and then served (not called twice); and a move made meanwhile is not undone by the reload.
    b.press(ch('a'));
    b.press(ch('e'));
    type_text(&mut b.state, "8");
    b.press(ctrl('s'));
    let mut effects = update(&mut b.state, ch('a'));
    effects.extend(update(&mut b.state, ch(' ')));
    effects.extend(update(&mut b.state, ch(' ')));
    effects.extend(update(&mut b.state, key(KeyCode::Down)));
    b.answer(effects);
    let numbers: Vec<&str> = b.state.board.tickets.iter().map(|t| t.number.as_str()).collect();
    assert_eq!(numbers, ["8", "9"]);
    assert_eq!(b.states(), vec![TicketState::Serving, TicketState::Waiting]);
    assert_eq!(b.state.board.cursor, 1, "the move down stays");
}

#[test]
fn the_next_ticket_takes_the_next_number_at_the_same_window() {
    let mut b = Board::open();
    b.press(ch('a'));
    b.press(ch('e'));
    type_text(&mut b.state, "A012");
    b.press(key(KeyCode::Tab));
    b.press(ctrl('u'));
    type_text(&mut b.state, "7号窗口");
    b.press(ctrl('s'));
    b.press(ch('a'));
    let last = b.state.board.tickets.last().unwrap();
    assert_eq!((last.number.as_str(), last.window()), ("A013", "7号窗口"));
    assert_eq!(b.state.board.cursor, 0, "the oldest ticket waiting stays selected");
}

#[test]
fn after_a_the_oldest_ticket_waiting_is_selected_so_space_calls_it() {
    let mut b = Board::open();
    b.press(ch('a'));
    b.clock.advance(MIN);
    b.press(ch(' '));
    b.clock.advance(MIN);
    b.press(ch('a'));
    b.clock.advance(MIN);
    b.press(ch('a'));
    assert_eq!(b.state.board.cursor, 1, "the first ticket is called: the second waits longest");
    let status = text(&render(&b.state)).lines().last().unwrap().to_string();
    assert!(status.starts_with("已保存：第3张"), "the new ticket is named: {status}");
    b.press(ch(' '));
    assert_eq!(b.states(), vec![TicketState::Called, TicketState::Called, TicketState::Waiting]);
}

#[test]
fn a_long_wait_becomes_a_prefilled_finding_linked_to_its_ticket() {
    let mut b = Board::open();
    b.press(ch('a'));
    b.press(ch('e'));
    type_text(&mut b.state, "12");
    b.press(ctrl('s'));
    b.clock.advance(34 * MIN + 10_000);
    b.press(ch('f'));
    let Some(Overlay::Capture(c)) = b.state.overlays.last() else { panic!("no capture line") };
    assert_eq!(c.input.text(), "排队等待时间过长：12号等待 34 分钟（阈值 30 分钟）");
    let changes = b.press(key(KeyCode::Enter));
    let ticket = b.state.board.tickets[0].id;
    assert!(changes.iter().any(|c| c.field == "ticket" && c.value == Value::Ref(ticket)));
    let finding = &b.store.findings_of(b.session).unwrap()[0];
    assert_eq!(finding.ticket, Some(ticket));
    assert_eq!(FindingLink::Ticket(ticket).changes(finding.id).len(), 1);
}

#[test]
fn a_wall_clock_jump_is_recorded_and_moves_no_timer() {
    let mut b = Board::open();
    b.press(ch('a'));
    b.clock.advance(10 * MIN);
    b.press(Msg::Tick);
    assert_eq!(b.state.notice, None, "no jump yet");
    b.clock.jump_wall(-60 * MIN);
    b.clock.advance(MIN);
    let changes = b.press(Msg::Tick);
    assert!(b.state.notice.as_deref().unwrap().contains("-1时0分0秒"), "{:?}", b.state.notice);
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].field, "clock_jump/0001");
    assert_eq!(b.selected_wait(), Some(11 * 60), "monotonic time within the run");
    let session = b.state.session_summary(b.session).unwrap();
    assert_eq!(session.session.clock_jumps.len(), 1);
    b.clock.jump_wall(45 * MIN);
    b.press(Msg::Tick);
    assert_eq!(b.state.session_summary(b.session).unwrap().session.clock_jumps.len(), 2, "forward too");
}

#[test]
fn after_a_restart_the_wait_goes_on_by_wall_time() {
    let mut b = Board::open();
    b.press(ch('a'));
    b.clock.advance(8 * MIN);
    // The process dies; a new one starts 3 minutes later with a new run and anchor.
    b.clock.restart(2);
    b.clock.advance(3 * MIN);
    b.state = State::new(context_with_clock(Lang::Zh, b.clock.clone()), (100, 30));
    b.answer(vec![Effect::Store(StoreRequest::LoadSessions)]);
    b.press(key(KeyCode::Enter));
    b.press(ch('t'));
    assert_eq!(b.selected_wait(), Some(11 * 60));
    b.clock.advance(MIN);
    b.press(ch(' '));
    assert_eq!(b.state.board.tickets[0].final_wait_secs(), Some(12 * 60));
}

#[test]
fn ticking_only_while_an_open_ticket_is_on_screen() {
    let mut b = Board::open();
    assert!(!b.state.is_ticking(), "an empty board");
    b.press(ch('a'));
    assert!(b.state.is_ticking());
    b.press(key(KeyCode::Esc));
    assert!(!b.state.is_ticking(), "the session page has no timer");
}

#[test]
fn the_stopwatch_marks_stages_pauses_and_tells_the_course() {
    let mut b = Board::open();
    b.press(key(KeyCode::Esc));
    b.press(ch('w'));
    assert_eq!(b.state.screen, Screen::Walk { session: b.session });
    b.press(ch(' '));
    assert!(matches!(b.state.overlays.last(), Some(Overlay::StagePicker { cursor: 0, .. })));
    b.press(ch('1'));
    b.clock.advance(3 * MIN);
    b.press(ch(' '));
    assert!(matches!(b.state.overlays.last(), Some(Overlay::StagePicker { cursor: 1, .. })), "取号 comes next");
    b.press(key(KeyCode::Enter));
    b.clock.advance(MIN);
    b.press(ch(' '));
    b.press(key(KeyCode::End));
    b.press(key(KeyCode::Enter));
    type_text(&mut b.state, "叫号后找窗口");
    b.press(key(KeyCode::Enter));
    assert!(b.state.is_ticking());
    b.clock.advance(2 * MIN);
    b.press(ch('p'));
    b.clock.advance(5 * MIN);
    b.press(ch('p'));
    b.clock.advance(MIN);
    b.press(ch('x'));
    let walk = &b.state.session_summary(b.session).unwrap().session.walk;
    let stages = walk.stages(&b.state.now());
    let names: Vec<&str> = stages.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["咨询", "取号", "叫号后找窗口"]);
    assert_eq!((stages[2].active_secs, stages[2].paused_secs), (180, 300));
    assert!(!b.state.is_ticking(), "stopped");
    let story = walk.narrative(&b.state.now(), &chrono::Utc);
    assert!(story.starts_with("09:30 到达大厅咨询（3 分钟） -> 09:33 取号（1 分钟）"), "{story}");
    assert!(story.ends_with("叫号后找窗口（3 分钟，暂停 5 分钟）"), "{story}");
}

#[test]
fn steps_are_stamped_with_the_runs_monotonic_time() {
    let mut b = Board::open();
    b.clock.advance(2_500);
    let changes = b.press(ch('a'));
    let event = changes.iter().find_map(|c| c.value.as_event()).unwrap();
    assert_eq!((event.kind.as_str(), event.stamp.run, event.stamp.mono_ms), (Step::Taken.code(), 1, 2_500));
    assert_eq!(event.stamp.wall_ms, T0 as i64 + 2_500);
}

/// A board with tickets in every state, one past the alert and one past the warning.
fn busy_board(size: (u16, u16)) -> Board {
    pin_timezone();
    let mut b = Board::open();
    b.state.size = size;
    for _ in 0..5 {
        b.press(ch('a'));
        b.clock.advance(2 * MIN);
    }
    b.press(key(KeyCode::Home));
    b.press(ch('e'));
    type_text(&mut b.state, "A031");
    b.press(ctrl('s'));
    b.clock.advance(25 * MIN);
    for _ in 0..3 {
        b.press(ch(' '));
    }
    b.press(key(KeyCode::Down));
    b.press(ch(' '));
    b.press(key(KeyCode::Down));
    b.press(ch('x'));
    b.clock.advance(9 * MIN + 7_000);
    b.press(key(KeyCode::Down));
    b
}

#[test]
fn board_snapshots_in_chinese() {
    for size in [(80, 24), (40, 12)] {
        let b = busy_board(size);
        insta::assert_snapshot!(format!("board_{}x{}", size.0, size.1), text(&render(&b.state)));
    }
}

#[test]
fn walk_snapshot_in_chinese() {
    pin_timezone();
    let mut b = Board::open();
    b.press(key(KeyCode::Esc));
    b.press(ch('w'));
    for (digit, minutes) in [('1', 3), ('2', 0), ('3', 26)] {
        b.press(ch(' '));
        b.press(ch(digit));
        b.clock.advance(minutes * MIN + 10_000);
    }
    b.press(ch(' '));
    b.press(ch('4'));
    b.clock.advance(2 * MIN);
    b.press(ch('p'));
    b.clock.advance(MIN);
    b.state.size = (80, 24);
    insta::assert_snapshot!("walk_80x24", text(&render(&b.state)));
    b.press(key(KeyCode::Esc));
    insta::assert_snapshot!("session_page_with_walk_80x24", text(&render(&b.state)));
}

#[test]
fn wait_statistics_snapshot_in_chinese() {
    let mut b = busy_board((80, 24));
    b.press(key(KeyCode::Esc));
    b.press(key(KeyCode::Esc));
    b.press(ch('w'));
    assert_eq!(b.state.screen, Screen::WaitStats);
    insta::assert_snapshot!("wait_stats_by_window_80x24", text(&render(&b.state)));
    b.press(ch('b'));
    insta::assert_snapshot!("wait_stats_by_item_80x24", text(&render(&b.state)));
}

/// The wait statistics over every ticket in the store, as `tiyan stats waits` reads them.
fn stored_stats(b: &Board) -> tiyan::domain::WaitStats {
    let tickets = b.store.all_tickets().unwrap();
    let rules = tiyan::config::WaitRules::default();
    tiyan::domain::waits::wait_stats(&tickets, &|t: &tiyan::domain::Ticket| rules.for_item(&t.item))
}

/// Two tickets (one called, one waiting) and a stage begun on the stopwatch; back on the
/// session's page.
fn running_timers() -> Board {
    let mut b = Board::open();
    b.press(ch('a'));
    b.press(ch('a'));
    b.clock.advance(3 * MIN);
    b.press(ch(' '));
    b.press(key(KeyCode::Esc));
    b.press(ch('w'));
    b.press(ch(' '));
    b.press(ch('1'));
    b.clock.advance(MIN);
    b.press(key(KeyCode::Esc));
    assert_eq!(b.state.screen, Screen::SessionPage { session: b.session });
    b
}

#[test]
fn finishing_with_running_timers_asks_and_yes_stops_them_at_now() {
    let mut b = running_timers();
    assert_eq!(stored_stats(&b).waiting, 1);
    assert!(b.press(ch('f')).is_empty(), "asks first");
    let Some(Overlay::Confirm(c)) = b.state.overlays.last() else { panic!("no question") };
    assert!(c.question.contains("办理全过程秒表") && c.question.contains("2 个排队号"), "{}", c.question);
    let changes = b.press(ch('y'));
    let now = b.state.now();
    let session = b.store.session(b.session).unwrap().unwrap();
    assert_eq!(session.status, tiyan::domain::SessionStatus::Finished);
    assert_eq!(session.finished_ms, Some(now.wall_ms));
    assert!(!session.walk.is_live(), "the stopwatch stopped");
    let tickets = b.store.tickets_of(b.session).unwrap();
    assert_eq!(tickets.iter().map(|t| t.state()).collect::<Vec<_>>(), [TicketState::Ended, TicketState::Ended]);
    assert!(tickets.iter().all(|t| t.state_since() == Some(&now)), "stopped at the moment of the yes");
    assert!(changes.iter().any(|c| c.kind == EntityKind::Ticket), "one transaction with the session");
    // Nothing waits on in the statistics, and no one is counted as having left.
    let stats = stored_stats(&b);
    assert_eq!((stats.waiting, stats.left, stats.count), (0, 0, 1), "{stats:?}");
    assert_eq!(stats.left_share, None, "no ticket's outcome was seen");
}

#[test]
fn finishing_with_running_timers_and_no_keeps_the_session_open() {
    let mut b = running_timers();
    b.press(ch('f'));
    // Enter is No in every question.
    assert!(b.press(key(KeyCode::Enter)).is_empty());
    assert!(b.state.overlays.is_empty());
    let session = b.store.session(b.session).unwrap().unwrap();
    assert_eq!(session.status, tiyan::domain::SessionStatus::Open);
    assert!(session.walk.is_live());
    assert_eq!(stored_stats(&b).waiting, 1);
}

#[test]
fn finishing_from_the_session_list_looks_at_the_tickets_first() {
    let mut b = running_timers();
    b.press(key(KeyCode::Esc));
    assert_eq!(b.state.screen, Screen::Sessions);
    // Another session's tickets on hand, as after its board was opened.
    b.state.board.tickets.clear();
    b.state.board.session = None;
    b.press(ch('f'));
    assert!(matches!(b.state.overlays.last(), Some(Overlay::Confirm(_))), "asked once the tickets came");
    b.press(ch('y'));
    assert!(b.store.tickets_of(b.session).unwrap().iter().all(|t| t.state() == TicketState::Ended));
}

#[test]
fn a_stage_starts_when_its_key_is_pressed_not_when_it_is_named() {
    let mut b = Board::open();
    b.press(key(KeyCode::Esc));
    b.press(ch('w'));
    let pressed = b.state.now();
    b.press(ch(' '));
    b.clock.advance(6_000);
    b.press(ch('7'));
    // Typed names too: the moment is the key's, however long the typing takes.
    b.clock.advance(MIN);
    let pressed_again = b.state.now();
    b.press(ch(' '));
    b.press(key(KeyCode::End));
    b.press(key(KeyCode::Enter));
    b.clock.advance(20_000);
    type_text(&mut b.state, "找窗口");
    b.press(key(KeyCode::Enter));
    let walk = b.store.session(b.session).unwrap().unwrap().walk;
    let stages = walk.stages(&b.state.now());
    assert_eq!(stages.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["审核", "找窗口"]);
    assert_eq!((stages[0].start, stages[1].start), (pressed, pressed_again));
}

#[test]
fn a_finding_from_a_short_wait_claims_no_wait_of_zero_minutes() {
    let mut b = Board::open();
    b.press(ch('a'));
    b.clock.advance(20_000);
    b.press(ch('f'));
    let Some(Overlay::Capture(c)) = b.state.overlays.last() else { panic!("no capture line") };
    assert_eq!(c.input.text(), "第1张：");
    b.press(key(KeyCode::Esc));
    b.clock.advance(12 * MIN);
    b.press(ch('f'));
    let Some(Overlay::Capture(c)) = b.state.overlays.last() else { panic!("no capture line") };
    assert_eq!(c.input.text(), "第1张等待 12 分钟：");
}

#[test]
fn board_in_english_shows_whole_ticket_numbers_80x24() {
    pin_timezone();
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.redb")).unwrap();
    let session = tiyan::domain::op::new_entity_id();
    let set = |f: &str, v: Value| Change::set(EntityKind::Session, session, f, v);
    store.apply(&[set(sf::ITEM, Value::text("企业开办")), set(sf::STATUS, Value::text("open"))]).unwrap();
    let clock = Arc::new(ManualClock::new(1, T0 as i64));
    let state = State::new(context_with_clock(Lang::En, clock.clone()), (80, 24));
    let mut b = Board { state, store, clock, session, _dir: dir };
    b.answer(vec![Effect::Store(StoreRequest::LoadSessions)]);
    b.press(key(KeyCode::Enter));
    b.press(ch('t'));
    b.press(ch('a'));
    b.press(ch('e'));
    type_text(&mut b.state, "A012");
    b.press(ctrl('s'));
    for _ in 0..2 {
        b.clock.advance(2 * MIN);
        b.press(ch('a'));
    }
    // One ticket for another service item: the item column appears, wide enough to read.
    b.press(key(KeyCode::End));
    b.press(ch('e'));
    b.press(key(KeyCode::Tab));
    b.press(key(KeyCode::Tab));
    b.press(ctrl('u'));
    type_text(&mut b.state, "企业注销");
    b.press(ctrl('s'));
    b.clock.advance(MIN);
    let screen = text(&render(&b.state));
    assert!(screen.contains("No. A012") && screen.contains("No. A014"), "{screen}");
    assert!(!screen.contains("No. .."), "{screen}");
    insta::assert_snapshot!("board_english_80x24", screen);
}
