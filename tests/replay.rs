//! The core is a function of its messages and its context: a realistic walk, recorded as the
//! messages `update` received (keys, the store's answers, ticks) with the clock at each, replays
//! to byte-identical frames (content and style) and effects, twice. Anything `update` read from
//! the world outside its `Context` (the system clock or zone, a global id generator, a global
//! calendar) would make the replays differ from the recording.

use std::collections::VecDeque;
use std::sync::Arc;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tiyan::app::{Context, Effect, Msg, State, update};
use tiyan::clock::{Clock, ManualClock};
use tiyan::domain::ids::SeededIds;
use tiyan::domain::zone::Zone;
use tiyan::i18n::Lang;
use tiyan::keymap::Keymap;
use tiyan::store::{Store, thread};
use tiyan::term::caps::Caps;

use crate::app_fixtures::templates;

/// 2026-11-26 09:30 UTC, a Thursday in office hours.
const START_MS: i64 = 1_795_685_400_000;
const SIZE: (u16, u16) = (80, 24);

fn context(clock: Arc<ManualClock>) -> Context {
    Context {
        keymap: Keymap::builtin(),
        lang: Lang::Zh,
        caps: Caps::default(),
        profile: "回放".into(),
        startup_notice: None,
        templates: templates(Lang::Zh),
        clock,
        waits: Default::default(),
        ids: Arc::new(SeededIds::new(42)),
        zone: Zone::utc(),
        calendar: Arc::new(tiyan::holidays::shipped()),
        attach_cap: tiyan::domain::attachment::DEFAULT_MAX_BYTES,
    }
}

/// What one message led to: the effects (as written out) and the frame (every cell's symbol
/// and style).
fn outcome(state: &mut State, msg: Msg) -> String {
    let effects = update(state, msg);
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(SIZE.0, SIZE.1)).unwrap();
    terminal.draw(|f| tiyan::ui::draw(f, state)).unwrap();
    format!("{effects:?}\n{:?}", terminal.backend().buffer())
}

/// A person's walk, as keys: a session, captures, a checklist answered, the queue board, the
/// stopwatch, a status move, the ledger.
fn walk_keys() -> Vec<KeyEvent> {
    let ch = |c: char| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    let key = |code: KeyCode| KeyEvent::new(code, KeyModifiers::NONE);
    let ctrl = |c: char| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
    let text = |s: &str| s.chars().map(ch).collect::<Vec<_>>();
    let mut keys = vec![ch('n')];
    keys.extend(text("不动产登记"));
    keys.push(ctrl('s'));
    for finding in ["叫号屏不显示窗口号", "取号机没有纸", "导办人员不在岗"] {
        keys.push(ch('c'));
        keys.extend(text(finding));
        keys.push(key(KeyCode::Enter));
    }
    // A checklist: attach the first template, answer, make a finding from a failed item.
    keys.extend([ch('a'), key(KeyCode::Enter), ch('y'), ch('y'), ch('n'), ch('f')]);
    keys.extend(text("，窗口材料清单过期"));
    keys.extend([key(KeyCode::Enter), ch('y'), ch('-'), ch('y'), key(KeyCode::Esc)]);
    // The queue board: three tickets, called, served, one left.
    keys.extend([ch('t'), ch('a'), ch('a'), ch('a'), ch(' '), ch(' '), key(KeyCode::Down), ch(' '), ch('x')]);
    keys.push(key(KeyCode::Esc));
    // The stopwatch: three stages, a pause.
    keys.extend([ch('w'), ch(' '), ch('1'), ch(' '), ch('2'), ch('p'), ch('p'), ch(' '), ch('3'), key(KeyCode::Esc)]);
    // A status move on the first finding: confirm it.
    keys.extend([key(KeyCode::Home), ch('m'), key(KeyCode::Enter), ctrl('s')]);
    // The ledger, by unit and back.
    keys.extend([key(KeyCode::Esc), ch('l'), ch('b'), ch('b'), key(KeyCode::Esc)]);
    keys
}

/// Runs the walk against a real store, answering every store request as the store thread
/// does, and records every message `update` received with the clock at that moment.
fn record() -> (Vec<(i64, Msg)>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("p").join("tiyan.redb")).unwrap();
    store.set_inspector("回放员").unwrap();
    let clock = Arc::new(ManualClock::new(1, START_MS));
    let mut state = State::new(context(Arc::clone(&clock)), SIZE);
    tiyan::app::rectify::first_start(&mut state, Some("回放员".into()));
    let mut recording = Vec::new();
    let mut outcomes = Vec::new();
    let mut queue: VecDeque<Msg> = VecDeque::new();
    let mut keys = walk_keys().into_iter().cycle();
    queue.push_back(Msg::Store(thread::answer(&mut store, tiyan::store::StoreRequest::LoadSessions).unwrap()));
    while recording.len() < 240 {
        let msg = match queue.pop_front() {
            Some(m) => m,
            None => {
                // A person types about three keys a second; a tick now and then.
                clock.advance(330);
                if recording.len() % 25 == 0 { Msg::Tick } else { Msg::Key(keys.next().unwrap()) }
            }
        };
        let now = clock.now().wall_ms;
        recording.push((now, msg.clone()));
        let effects = update(&mut state, msg.clone());
        for effect in &effects {
            if let Effect::Store(req) = effect {
                if let Some(answer) = thread::answer(&mut store, req.clone()) {
                    queue.push_back(Msg::Store(answer));
                }
            }
        }
        outcomes.push(format!("{effects:?}"));
    }
    (recording, outcomes)
}

fn replay(recording: &[(i64, Msg)]) -> (Vec<String>, Vec<String>) {
    let clock = Arc::new(ManualClock::new(1, START_MS));
    let mut state = State::new(context(Arc::clone(&clock)), SIZE);
    tiyan::app::rectify::first_start(&mut state, Some("回放员".into()));
    let mut effects = Vec::new();
    let mut frames = Vec::new();
    for (at, msg) in recording {
        clock.advance(at - clock.now().wall_ms);
        let out = outcome(&mut state, msg.clone());
        let (e, frame) = out.split_once('\n').unwrap();
        effects.push(e.to_string());
        frames.push(frame.to_string());
    }
    (effects, frames)
}

#[test]
fn a_recorded_walk_replays_to_identical_frames_and_effects() {
    let (recording, recorded_effects) = record();
    assert!(recording.len() >= 200, "a walk of {} messages", recording.len());
    let keys = recording.iter().filter(|(_, m)| matches!(m, Msg::Key(_))).count();
    let answers = recording.iter().filter(|(_, m)| matches!(m, Msg::Store(_))).count();
    assert!(keys >= 100 && answers >= 40, "{keys} keys, {answers} store answers");
    let (effects_a, frames_a) = replay(&recording);
    let (effects_b, frames_b) = replay(&recording);
    assert_eq!(effects_a, recorded_effects, "the replay asks for what the recording asked for");
    assert_eq!(effects_a, effects_b);
    for (i, (a, b)) in frames_a.iter().zip(&frames_b).enumerate() {
        assert_eq!(a, b, "frame {i} differs between two replays");
    }
    // The walk went where it meant to: findings saved, a ticket board and a stopwatch used.
    let saved = recorded_effects.iter().filter(|e| e.contains("Apply")).count();
    assert!(saved >= 15, "{saved} saves");
}
