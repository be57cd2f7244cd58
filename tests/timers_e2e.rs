//! The queue board's timers through a pseudo-terminal: waits are stored stamps, so they go on
//! across a SIGKILL and restart; a ticking board redraws only the cells that turn over, once
//! a second; a screen with no running timer writes nothing at all.

use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use crate::common::{DEFAULT_TIMEOUT, Key, Tui, temp_home};

const ITEM: &str = "不动产登记";
const STATES: [&str; 5] = ["等候", "已叫号", "办理中", "办结", "离开"];

fn start(home: &Path) -> Tui {
    crate::common::start_tiyan(home, 100, 30)
}

/// Creates a session through the form; once saved its page opens.
fn new_session(tui: &mut Tui) {
    tui.type_text("n");
    tui.expect_text("新建体验活动");
    tui.type_text(ITEM);
    tui.key(Key::Ctrl('s'));
    tui.expect_text(&format!("{ITEM} 的问题"));
}

/// From the session list (the selected session's page first) or the session's page: its
/// (loaded) queue board.
fn open_board(tui: &mut Tui) {
    if !tui.screen().contains(&format!("{ITEM} 的问题")) {
        // The list loads after the first frame: Enter once the session is listed.
        tui.wait_until(|s| s.lines().any(|l| l.contains(ITEM) && l.contains("进行中")), DEFAULT_TIMEOUT)
            .unwrap_or_else(|why| panic!("the session is listed: {why}"));
        tui.key(Key::Enter);
    }
    tui.expect_text(&format!("{ITEM} 的问题"));
    tui.type_text("t");
    // The title, not the page's hint "t 排队计时"; and past the loading frame.
    let title = format!("排队计时：{ITEM}");
    tui.wait_until(|s| s.contains(&title) && !s.contains("正在加载"), DEFAULT_TIMEOUT)
        .unwrap_or_else(|why| panic!("the board loads: {why}"));
}

/// Adds a ticket and waits until the board lists it as 第`n`张 (saved and reloaded).
fn add_ticket(tui: &mut Tui, n: usize) {
    tui.type_text("a");
    tui.expect_text(&format!("第{n}张"));
}

/// Presses space on the selected ticket and waits until the reload shows it in `state`.
/// Waiting matters: the board steps a ticket from its last loaded state, and a save's reload
/// moves the cursor back to the saved ticket, so keys sent earlier would land elsewhere.
fn advance(tui: &mut Tui, n: usize, state: &str) -> String {
    tui.type_text(" ");
    tui.wait_until(|s| row_of(s, n).is_some_and(|r| state_of(r) == state), DEFAULT_TIMEOUT)
        .unwrap_or_else(|why| panic!("第{n}张 to {state}: {why}"))
}

/// The board row of 第`n`张.
fn row_of(screen: &str, n: usize) -> Option<&str> {
    let label = format!("第{n}张");
    screen.lines().find(|l| l.split(|c: char| c == '│' || c.is_whitespace()).any(|w| w == label))
}

fn row(screen: &str, n: usize) -> &str {
    row_of(screen, n).unwrap_or_else(|| panic!("no row 第{n}张 on the board\n{screen}"))
}

fn cells(row: &str) -> impl Iterator<Item = &str> {
    row.split(|c: char| c == '│' || c.is_whitespace()).filter(|w| !w.is_empty())
}

fn state_of(row: &str) -> &str {
    cells(row).find(|w| STATES.contains(w)).unwrap_or("?")
}

/// "m:ss" or "h:mm:ss" in seconds.
fn secs(text: &str) -> Option<i64> {
    let parts: Vec<&str> = text.split(':').collect();
    if parts.len() < 2 || parts[1..].iter().any(|p| p.len() != 2) {
        return None;
    }
    parts.iter().try_fold(0, |acc, p| p.parse::<i64>().ok().map(|v| acc * 60 + v))
}

/// The 等候 column of 第`n`张: the second duration of its row (after 本状态), since the
/// window column may be blank and the 办理 column holds "-" until service starts.
fn wait_of(screen: &str, n: usize) -> i64 {
    let times: Vec<i64> = cells(row(screen, n)).filter_map(secs).collect();
    *times.get(1).unwrap_or_else(|| panic!("no wait in row 第{n}张\n{screen}"))
}

/// Waits until no output has arrived for `quiet` (the last frame of a change is out).
fn settle(tui: &Tui, quiet: Duration) {
    let deadline = Instant::now() + DEFAULT_TIMEOUT;
    let mut seen = (tui.bytes_received(), Instant::now());
    while Instant::now() < deadline {
        thread::sleep(Duration::from_millis(50));
        let now = tui.bytes_received();
        if now != seen.0 {
            seen = (now, Instant::now());
        } else if seen.1.elapsed() >= quiet {
            return;
        }
    }
}

#[test]
fn waits_continue_after_sigkill() {
    let home = temp_home();
    let mut tui = start(home.path());
    new_session(&mut tui);
    open_board(&mut tui);
    for n in 1..=3 {
        add_ticket(&mut tui, n);
    }
    // The oldest ticket waiting (the first) is selected after each `a`; Home makes sure.
    tui.key(Key::Home);
    advance(&mut tui, 1, "已叫号");
    tui.key(Key::Down);
    advance(&mut tui, 2, "已叫号");
    advance(&mut tui, 2, "办理中");
    // Read off one whole frame (a frame can arrive in pieces on a loaded machine).
    let state_is = |s: &str, n: usize, want: &str| row_of(s, n).is_some_and(|r| state_of(r) == want);
    tui.wait_until(|s| state_is(s, 1, "已叫号") && state_is(s, 2, "办理中") && state_is(s, 3, "等候"), DEFAULT_TIMEOUT)
        .unwrap_or_else(|why| panic!("first called, second served, third waiting: {why}"));
    let before = tui
        .wait_until(|s| row_of(s, 3).is_some() && wait_of(s, 3) >= 3, DEFAULT_TIMEOUT)
        .unwrap_or_else(|why| panic!("the third ticket's wait reaches 0:03: {why}"));
    let (first_wait, third_wait) = (wait_of(&before, 1), wait_of(&before, 3));
    tui.kill9();

    let mut tui = start(home.path());
    open_board(&mut tui);
    let after = tui
        .wait_until(|s| (1..=3).all(|n| row_of(s, n).is_some()), DEFAULT_TIMEOUT)
        .unwrap_or_else(|why| panic!("three tickets after the restart: {why}"));
    for (n, state) in [(1, "已叫号"), (2, "办理中"), (3, "等候")] {
        assert_eq!(state_of(row(&after, n)), state, "第{n}张 after the restart\n{after}");
    }
    // The wait was measured from the stored stamp, not restarted from zero.
    let resumed = wait_of(&after, 3);
    assert!(resumed >= third_wait, "第3张 waited {third_wait}s before the kill, shows {resumed}s after\n{after}");
    // Still ticking; and 2 s later the called ticket's wait has not moved (it stopped at the call).
    let later = tui
        .wait_until(|s| row_of(s, 3).is_some() && wait_of(s, 3) >= resumed + 2, DEFAULT_TIMEOUT)
        .unwrap_or_else(|why| panic!("第3张's wait goes on from {resumed}s: {why}"));
    assert_eq!(wait_of(&after, 1), first_wait, "第1张's wait after the restart\n{after}");
    assert_eq!(wait_of(&later, 1), first_wait, "第1张's wait is frozen\n{later}");
}

#[test]
fn one_ticking_row_writes_at_most_300_bytes_a_second() {
    let home = temp_home();
    let mut tui = start(home.path());
    new_session(&mut tui);
    open_board(&mut tui);
    add_ticket(&mut tui, 1);
    // Let the add's own frames (save status, reload) pass; only ticks remain.
    thread::sleep(Duration::from_millis(1500));
    let first = wait_of(&tui.screen(), 1);
    let t0 = Instant::now();
    thread::sleep(Duration::from_secs(6));
    let t1 = Instant::now();
    let last = wait_of(&tui.screen(), 1);
    let bytes = tui.bytes_between(t0, t1);
    let rate = bytes as f64 / (t1 - t0).as_secs_f64();
    println!("one ticking row: {bytes} bytes in {:.2} s = {rate:.1} bytes/s", (t1 - t0).as_secs_f64());
    assert!(last > first, "the wait ticked during the window ({first}s → {last}s)\n{}", tui.screen());
    assert!(rate <= 300.0, "{rate:.1} bytes/s while one timer ticks");
}

#[test]
fn nothing_is_drawn_while_no_timer_is_on_screen() {
    let home = temp_home();
    let mut tui = start(home.path());
    new_session(&mut tui);
    let quiet = |tui: &Tui, what: &str| {
        settle(tui, Duration::from_millis(1500));
        let t0 = Instant::now();
        thread::sleep(Duration::from_secs(3));
        let bytes = tui.bytes_between(t0, Instant::now());
        assert_eq!(bytes, 0, "{what}: {bytes} bytes written in 3 s with no timer on screen\n{}", tui.screen());
    };
    quiet(&tui, "the new session's page");

    open_board(&mut tui);
    add_ticket(&mut tui, 1);
    advance(&mut tui, 1, "已叫号");
    advance(&mut tui, 1, "办理中");
    let done = advance(&mut tui, 1, "办结");
    assert!(done.contains(&format!("排队计时：{ITEM}")), "{done}");
    quiet(&tui, "a board whose only ticket is done");
}
