//! Self-test of the pty harness in `tests/common`, driven by small `/bin/sh` scripts.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::{DEFAULT_TIMEOUT, Key, Tui, temp_home};

fn sh(script: &str) -> Tui {
    Tui::spawn(Path::new("/bin/sh"), &["-c", script], &[], 80, 24)
}

/// Script fragment: read raw bytes from the terminal until `$1` arrives, into `$r`.
const READ_UNTIL: &str =
    r#"read_until() { r=''; while :; do c=$(dd bs=1 count=1 2>/dev/null); r="$r$c"; [ "$c" = "$1" ] && break; done; }"#;

/// Script: read `$1` raw bytes from the terminal and print them as hex after "HEX:".
fn hex_of_next_bytes(count: usize) -> String {
    format!(
        "stty raw -echo; h=$(dd bs=1 count={count} 2>/dev/null | od -An -tx1 | tr -s ' \\n' '  '); \
         stty sane; echo \"HEX:$h:END\""
    )
}

fn expect_hex(tui: &Tui, hex: &str) {
    tui.wait_for(&format!("HEX: {hex} :END"), DEFAULT_TIMEOUT).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn chinese_output_input_and_echo_round_trip() {
    let mut tui = sh("printf '排队等待时间过长\\n'; read line; printf '回显:%s\\n' \"$line\"");
    let screen = tui.expect_text("排队等待时间过长");
    // A wide character is one char of text, not followed by a filler space.
    assert_eq!(screen.lines().next(), Some("排队等待时间过长"));

    tui.type_text("窗口少");
    tui.key(Key::Enter);
    let screen = tui.expect_text("回显:窗口少");
    // The tty echoed the typed text on its own line before the script's reply.
    assert_eq!(screen.lines().nth(1), Some("窗口少"));
    assert_eq!(tui.wait_exit(DEFAULT_TIMEOUT), Some(0));
}

#[test]
fn cursor_counts_display_cells_for_wide_characters() {
    let mut tui = sh("printf '\\033[3;1H排队a'; read x");
    tui.wait_for("排队a", DEFAULT_TIMEOUT).unwrap_or_else(|e| panic!("{e}"));
    // Two wide characters (2 cells each) and one narrow: column 5, 0-based.
    assert_eq!(tui.cursor(), (2, 5));
    tui.key(Key::Enter);
    assert_eq!(tui.wait_exit(DEFAULT_TIMEOUT), Some(0));
}

#[test]
fn cursor_position_query_is_answered_with_the_parser_cursor() {
    let script = format!(
        "{READ_UNTIL}; stty raw -echo; printf '\\033[5;7H\\033[6n'; read_until R; stty sane; \
         printf '\\r\\nPOS=%s\\n' \"$(printf '%s' \"$r\" | tr -d '\\033')\""
    );
    let tui = sh(&script);
    tui.wait_for("POS=[5;7R", DEFAULT_TIMEOUT).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn device_attributes_query_is_answered() {
    let script = format!(
        "{READ_UNTIL}; stty raw -echo; printf '\\033[c'; read_until c; stty sane; \
         printf '\\r\\nDA=%s\\n' \"$(printf '%s' \"$r\" | tr -d '\\033')\""
    );
    let tui = sh(&script);
    tui.wait_for("DA=[?1;2c", DEFAULT_TIMEOUT).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn keys_are_sent_as_xterm_byte_sequences() {
    let cases: &[(&[Key], &str)] = &[
        (&[Key::Up], "1b 5b 41"),
        (&[Key::Enter], "0d"),
        (&[Key::BackTab], "1b 5b 5a"),
        (&[Key::Backspace], "7f"),
        (&[Key::PageDown], "1b 5b 36 7e"),
        (&[Key::F(1)], "1b 4f 50"),
        (&[Key::Ctrl('c')], "03"),
        (&[Key::Alt('x')], "1b 78"),
        (&[Key::Tab, Key::Home], "09 1b 5b 48"),
    ];
    for (keys, hex) in cases {
        let count = hex.split(' ').count();
        let mut tui = sh(&hex_of_next_bytes(count));
        // Wait until raw mode is on, or the tty would translate CR and act on Ctrl-C.
        tui.wait_until(|_| tui.tty_is_raw(), DEFAULT_TIMEOUT).unwrap_or_else(|e| panic!("{e}"));
        tui.keys(keys);
        expect_hex(&tui, hex);
    }
}

#[test]
fn paste_is_wrapped_in_bracketed_paste_markers() {
    let mut tui = sh(&hex_of_next_bytes(15));
    tui.wait_until(|_| tui.tty_is_raw(), DEFAULT_TIMEOUT).unwrap_or_else(|e| panic!("{e}"));
    tui.paste("好");
    expect_hex(&tui, "1b 5b 32 30 30 7e e5 a5 bd 1b 5b 32 30 31 7e");
}

#[test]
fn kill9_ends_a_process_that_would_run_on() {
    let mut tui = Tui::spawn(Path::new("/bin/sleep"), &["100"], &[], 80, 24);
    assert!(tui.is_running());
    tui.kill9();
    assert!(!tui.is_running());
    assert_eq!(tui.wait_exit(Duration::ZERO), Some(128 + libc::SIGKILL));
}

#[test]
fn exit_code_is_reported() {
    let mut tui = sh("exit 3");
    assert_eq!(tui.wait_exit(DEFAULT_TIMEOUT), Some(3));
}

#[test]
fn wait_exit_gives_up_on_a_running_process() {
    let mut tui = sh("sleep 100");
    assert_eq!(tui.wait_exit(Duration::from_millis(50)), None);
}

#[test]
fn sigterm_reaches_the_program_and_its_trap_runs() {
    let mut tui = sh("trap 'echo got-term; exit 7' TERM; echo ready; while :; do sleep 0.05; done");
    tui.expect_text("ready");
    tui.signal(libc::SIGTERM);
    assert_eq!(tui.wait_exit(DEFAULT_TIMEOUT), Some(7));
    tui.expect_text("got-term");
}

#[test]
fn resize_changes_the_size_the_program_sees() {
    let mut tui = sh("stty size; read x; stty size; read y");
    tui.expect_text("24 80");
    tui.resize(100, 30);
    tui.key(Key::Enter);
    tui.expect_text("30 100");
    assert_eq!(tui.with_screen(|s| s.size()), (30, 100));
}

#[test]
fn bytes_are_counted_within_a_time_window() {
    // 50 000 bytes is far beyond the pty buffer: the script only reaches "done" if the
    // reader thread keeps draining output while nobody looks at the screen.
    let spawned = Instant::now();
    let mut tui = sh("echo ready; read x; head -c 50000 /dev/zero | tr '\\0' a; echo; echo done; read y");
    tui.expect_text("ready");
    let before_burst = tui.bytes_received();
    assert!(before_burst < 1000, "{before_burst} bytes before the burst");

    let t0 = Instant::now();
    tui.key(Key::Enter);
    tui.expect_text("done");
    let t1 = Instant::now();
    let total = tui.bytes_received();
    assert!(total >= before_burst + 50_000, "total {total}");
    let in_window = tui.bytes_between(t0, t1);
    assert!(in_window >= 50_000, "{in_window} bytes in the burst window");
    assert_eq!(tui.bytes_between(Instant::now(), Instant::now() + DEFAULT_TIMEOUT), 0);
    // Everything before the window plus the window is everything so far.
    let since_spawn = tui.bytes_between(spawned, t1);
    assert_eq!(since_spawn, total);
}

#[test]
fn environment_defaults_and_overrides() {
    let home = temp_home();
    let home_str = home.path().to_str().expect("temp dir path is UTF-8");
    let tui = Tui::spawn(
        Path::new("/bin/sh"),
        &["-c", "echo \"T=$TERM L=$LANG A=${LC_ALL-unset} N=${NO_COLOR-unset} H=$HOME\"; read x"],
        &[("NO_COLOR", "1"), ("HOME", home_str)],
        120,
        24,
    );
    tui.expect_text(&format!("T=xterm-256color L=zh_CN.UTF-8 A=unset N=1 H={home_str}"));
}

#[test]
fn wait_for_reports_the_last_screen_on_timeout() {
    let tui = sh("echo 不是你要找的; read x");
    tui.expect_text("不是你要找的");
    let err = tui.wait_for("永远不会出现", Duration::from_millis(100)).unwrap_err();
    assert!(err.contains("永远不会出现"), "{err}");
    assert!(err.contains("不是你要找的"), "{err}");
}

#[test]
fn wait_for_stops_early_when_the_program_exits() {
    let tui = sh("echo bye");
    let err = tui.wait_for("never", Duration::from_secs(3600)).unwrap_err();
    assert!(err.contains("output ended"), "{err}");
    assert!(err.contains("bye"), "{err}");
}

#[test]
fn drop_also_ends_helpers_the_program_started() {
    // The helper ignores the SIGHUP the kernel sends when the session leader dies.
    let tui = sh("trap '' HUP; sleep 100 & echo \"helper=$!\"; wait");
    let screen = tui.expect_text("helper=");
    let helper_pid: u32 = screen
        .lines()
        .find_map(|line| line.strip_prefix("helper="))
        .and_then(|pid| pid.trim().parse().ok())
        .unwrap_or_else(|| panic!("no helper pid on screen:\n{screen}"));
    assert!(is_alive(helper_pid), "helper {helper_pid} should run before the drop");
    drop(tui);
    let deadline = Instant::now() + DEFAULT_TIMEOUT;
    while is_alive(helper_pid) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(!is_alive(helper_pid), "helper {helper_pid} outlived the Tui");
}

/// Whether a process exists and is not a zombie (an orphan may wait a while to be reaped).
fn is_alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| stat.rsplit(") ").next().map(|rest| !rest.starts_with('Z')))
        .unwrap_or(false)
}
