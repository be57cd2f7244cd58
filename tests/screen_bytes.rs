//! Bytes written to the terminal, through a pseudo-terminal: a highlight move on a Chinese
//! list rewrites only what changed, with no cursor move after each wide character.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::{DEFAULT_TIMEOUT, Tui, start_tiyan, temp_home};

fn demo(home: &Path, sessions: usize, per_session: usize) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tiyan"))
        .args(["--home", home.to_str().expect("utf-8"), "--profile", "体验员", "demo"])
        .args(["--sessions", &sessions.to_string(), "--findings-per-session", &per_session.to_string()])
        .args(["--seed", "7"])
        .output()
        .expect("tiyan demo runs");
    assert!(out.status.success(), "tiyan demo: {}", String::from_utf8_lossy(&out.stderr));
}

/// Sends `key`, waits for its frame and for the screen to go quiet; the bytes it wrote.
fn bytes_of(tui: &mut Tui, key: &str) -> Vec<u8> {
    tui.wait_quiet(Instant::now(), Duration::from_millis(150), DEFAULT_TIMEOUT);
    tui.record_bytes();
    let t0 = Instant::now();
    tui.send(key);
    while tui.arrivals_since(t0).is_empty() && t0.elapsed() < DEFAULT_TIMEOUT {
        std::thread::sleep(Duration::from_millis(2));
    }
    tui.wait_quiet(t0, Duration::from_millis(150), DEFAULT_TIMEOUT);
    tui.recorded_bytes()
}

fn shown(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).replace('\x1b', "␛")
}

/// Cursor-position sequences (`ESC [ row ; col H`) in `bytes`: moves to another row, or
/// (ratatui's own backend) after every wide character.
fn absolute_moves(bytes: &[u8]) -> usize {
    let text = String::from_utf8_lossy(bytes);
    text.split("\x1b[")
        .skip(1)
        .filter(|seq| seq.chars().find(|c| !c.is_ascii_digit() && *c != ';') == Some('H'))
        .count()
}

#[test]
fn a_highlight_move_on_the_session_list_rewrites_only_two_rows_of_text() {
    let home = temp_home();
    demo(home.path(), 40, 2);
    let mut tui = start_tiyan(home.path(), 200, 60);
    tui.expect_text("体验活动 (40)");
    for key in ["j", "j", "k", "j"] {
        let bytes = bytes_of(&mut tui, key);
        // ratatui's own backend wrote 934–1,207 bytes here (a move after every wide
        // character, the whole width of both rows). Ours writes the two rows' text, about
        // 300 bytes: 283–321 so far, as the demo's rows (dated from today) differ by the day.
        assert!(bytes.len() <= 360, "{key}: {} bytes: {}", bytes.len(), shown(&bytes));
        // One move to each row; ratatui's backend made one after every wide character.
        assert!(absolute_moves(&bytes) <= 2, "{key}: {}", shown(&bytes));
    }
}

#[test]
fn a_highlight_move_in_the_ledger_stays_under_a_kilobyte() {
    let home = temp_home();
    demo(home.path(), 40, 5);
    let mut tui = start_tiyan(home.path(), 200, 60);
    tui.expect_text("体验活动 (40)");
    tui.send("l");
    tui.expect_text("销号率");
    for key in ["j", "j", "k"] {
        let bytes = bytes_of(&mut tui, key);
        // ratatui's own backend wrote 1,040–1,290 bytes here.
        assert!(bytes.len() <= 1000, "{key}: {} bytes: {}", bytes.len(), shown(&bytes));
        assert!(absolute_moves(&bytes) <= 2, "{key}: {}", shown(&bytes));
    }
}

#[test]
fn moving_up_within_the_view_does_not_scroll_the_list() {
    let home = temp_home();
    demo(home.path(), 40, 2);
    // 24 rows: the list shows 19 sessions, so 25 moves down scroll it by 6.
    let mut tui = start_tiyan(home.path(), 100, 24);
    tui.expect_text("体验活动 (40)");
    for _ in 0..25 {
        tui.send("j");
    }
    tui.wait_quiet(Instant::now(), Duration::from_millis(200), DEFAULT_TIMEOUT);
    // Row 3: under the title bar, the box's top and the header.
    let first_row = |tui: &Tui| tui.screen().lines().nth(3).unwrap_or_default().to_string();
    let top = first_row(&tui);
    let up = bytes_of(&mut tui, "k");
    // Before, the selection stayed on the last row and every move up scrolled the list.
    assert_eq!(first_row(&tui), top, "{}", tui.screen());
    assert!(up.len() <= 300, "k: {} bytes: {}", up.len(), shown(&up));
}
