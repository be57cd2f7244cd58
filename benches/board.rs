//! Queue board figures: (1) one frame of the board with 500 tickets in every state, drawn by
//! `tiyan::ui::draw` into a ratatui TestBackend at 100x30 and 80x24, the clock a second on
//! each frame as when the TUI redraws its timers; (2) `waits::wait_stats` over 10,000
//! tickets, what the statistics screen computes on every frame.

mod support;

use std::sync::Arc;
use std::time::Instant;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tiyan::app::{Screen, State};
use tiyan::clock::ManualClock;
use tiyan::config::WaitRules;
use tiyan::domain::{EntityId, Session, SessionStatus, SessionSummary, Stamp, Step, Thresholds, Ticket, TimedEvent};

const FRAMES: usize = 2000;
const STATS_RUNS: usize = 1000;
/// 2026-11-20 09:30 UTC: the hall opens; every stamp is of run 1, seconds after this.
const OPEN_MS: i64 = 1_795_685_400_000;
const ITEMS: [&str; 3] = ["企业开办", "不动产登记", "社保卡申领"];

fn at(secs: i64) -> Stamp {
    Stamp { wall_ms: OPEN_MS + secs * 1000, run: 1, mono_ms: secs * 1000 }
}

/// `n` tickets taken over a 4-hour day, one in ten of each course below; waits run from 0 to
/// 49 minutes, so some pass the 20 and 30 minute thresholds (不动产登记's alert is 60).
/// Built in memory: what the store's `tickets_of` returns, without the disk.
fn tickets(n: usize, session: EntityId) -> Vec<Ticket> {
    (0..n)
        .map(|i| {
            let taken = i as i64 * 4 * 3600 / n as i64;
            let wait = (i as i64 * 7 % 50) * 60;
            let (call, serve) = (taken + wait, taken + wait + 60);
            let done = serve + (i as i64 * 13 % 20 + 3) * 60;
            let course: &[(Step, i64)] = match i % 10 {
                0 | 1 => &[],
                2 => &[(Step::Called, call)],
                3 => &[(Step::Called, call - 300), (Step::Recalled, call)],
                4 => &[(Step::Called, call), (Step::Serving, serve)],
                5 => &[(Step::Called, call), (Step::Left, call + 120)],
                6 => &[(Step::Left, taken + wait)],
                7 => &[(Step::Called, call - 600), (Step::Transferred, call - 500)],
                _ => &[(Step::Called, call), (Step::Serving, serve), (Step::Done, done)],
            };
            let mut events = vec![(1, Step::Taken, TimedEvent::new("taken", at(taken), ""))];
            for (k, (step, secs)) in course.iter().enumerate() {
                let detail = if *step == Step::Transferred { "6号窗口" } else { "" };
                events.push((k + 2, *step, TimedEvent::new(step.code(), at(*secs), detail)));
            }
            Ticket {
                id: (session << 32) + i as u128,
                session_id: session,
                number: format!("A{:03}", i + 1),
                first_window: format!("{}号窗口", i % 5 + 1),
                item: ITEMS[i % 3].to_string(),
                deleted: false,
                next_event: events.len() + 1,
                events,
                conflicts: vec![],
            }
        })
        .collect()
}

fn session(id: EntityId) -> SessionSummary {
    let session = Session {
        id,
        item: "企业开办".into(),
        mode: "accompany".into(),
        channel: "hall_window".into(),
        theme: "market_access".into(),
        place: "县政务服务中心".into(),
        window: "3号窗口".into(),
        inspectors: vec!["王建国".into(), "李秀英".into()],
        measures: String::new(),
        advice: String::new(),
        status: SessionStatus::Open,
        created_ms: OPEN_MS,
        finished_ms: None,
        deleted: false,
        conflicts: vec![],
        clock_jumps: vec![],
        walk: Default::default(),
        attachments: Vec::new(),
        kiosk: None,
    };
    SessionSummary { session, findings: 0, max_seq: 0, conflicts: 0 }
}

fn rules() -> WaitRules {
    let estate = Thresholds { warning_secs: 40 * 60, alert_secs: 60 * 60 };
    WaitRules { default: Thresholds::default(), items: vec![("不动产登记".into(), estate)] }
}

/// The board screen of one session holding `tickets`, its clock at the end of the day.
fn board(size: (u16, u16), tickets: Vec<Ticket>, session: EntityId, clock: Arc<ManualClock>) -> State {
    let mut ctx = support::context();
    ctx.clock = clock;
    ctx.waits = rules();
    let mut state = State::new(ctx, size);
    state.sessions.list = vec![self::session(session)];
    state.sessions.loaded = true;
    state.board.tickets = tickets;
    state.board.session = Some(session);
    state.screen = Screen::Board { session };
    state
}

fn frames(size: (u16, u16)) {
    let session = 42;
    let clock = Arc::new(ManualClock::new(1, OPEN_MS));
    clock.advance(5 * 3600 * 1000);
    let state = board(size, tickets(500, session), session, clock.clone());
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).expect("terminal");
    // A frame that shows no rows would time nothing: check the board is on screen first.
    terminal.draw(|f| tiyan::ui::draw(f, &state)).expect("draw");
    let screen: String = terminal.backend().buffer().content().iter().map(|c| c.symbol()).collect();
    assert!(screen.contains("A001") && screen.contains("10-20"), "board not drawn:\n{screen}");
    let mut samples = Vec::with_capacity(FRAMES);
    for _ in 0..FRAMES {
        clock.advance(1000);
        let t0 = Instant::now();
        terminal.draw(|f| tiyan::ui::draw(f, &state)).expect("draw");
        samples.push(t0.elapsed());
    }
    support::report(&format!("board frame, 500 tickets, {}x{}", size.0, size.1), &mut samples);
}

fn main() {
    frames((100, 30));
    frames((80, 24));

    let all = tickets(10_000, 7);
    let rules = rules();
    let thresholds = |t: &Ticket| rules.for_item(&t.item);
    let mut samples = Vec::with_capacity(STATS_RUNS);
    let mut count = 0;
    for _ in 0..STATS_RUNS {
        let t0 = Instant::now();
        let stats = tiyan::domain::waits::wait_stats(std::hint::black_box(&all), &thresholds);
        samples.push(t0.elapsed());
        count = stats.count;
    }
    support::report(&format!("wait_stats over 10,000 tickets ({count} waits)"), &mut samples);
}
