//! End to end through a pseudo-terminal: the built binary, real keystrokes, a real redb file,
//! SIGKILL, and a fresh start that must show what was saved.

use std::path::Path;
use std::process::Command;

use crate::common::{DEFAULT_TIMEOUT, Key, Tui, temp_home};

const BIN: &str = env!("CARGO_BIN_EXE_tiyan");

fn start(home: &Path, cols: u16, rows: u16) -> Tui {
    crate::common::name_the_inspector(home, "测试员");
    let home = home.to_str().unwrap();
    let tui = Tui::spawn(Path::new(BIN), &["--home", home, "--profile", "体验员"], &[], cols, rows);
    tui.expect_text("体验活动");
    tui
}

fn wait_raw(tui: &Tui) {
    tui.wait_until(|_| tui.tty_is_raw(), DEFAULT_TIMEOUT).expect("raw mode");
}

/// Create a session through the form, by keys, and wait until the store has it: its page
/// opens, saying so.
fn create_session(tui: &mut Tui, item: &str) {
    wait_raw(tui);
    tui.type_text("n");
    tui.expect_text("新建体验活动");
    tui.type_text(item);
    tui.key(Key::Ctrl('s'));
    tui.wait_until(|s| s.contains(&format!("{item} 的问题")) && s.contains("已保存"), DEFAULT_TIMEOUT)
        .unwrap_or_else(|why| panic!("saved and opened: {why}"));
}

#[test]
fn a_finding_typed_in_chinese_survives_sigkill_right_after_saved() {
    let home = temp_home();
    let mut tui = start(home.path(), 100, 30);
    create_session(&mut tui, "企业开办");
    tui.type_text("c");
    tui.expect_text("快速记录问题");
    tui.type_text("取号后等候四十分钟，叫号屏不显示窗口号");
    tui.expect_text("叫号屏不显示窗口号");
    // The real terminal cursor sits at the caret (the IME window follows it): the capture
    // line's text row is third from the bottom, text starts after the border.
    let (row, col) = tui.cursor();
    assert_eq!((row, col), (30 - 3, 1 + 38), "cursor at the caret\n{}", tui.screen());
    tui.key(Key::Enter);
    tui.wait_until(|s| s.contains("已保存") && s.contains("  1  取号后"), DEFAULT_TIMEOUT).expect("saved");
    tui.kill9();

    let tui = start(home.path(), 100, 30);
    tui.expect_text("企业开办");
    let mut tui = tui;
    tui.key(Key::Enter);
    tui.expect_text("取号后等候四十分钟，叫号屏不显示窗口号");
    tui.type_text("q");
    assert_eq!(tui.wait_exit(DEFAULT_TIMEOUT), Some(0));
}

#[test]
fn sighup_flushes_and_exits_and_a_second_process_is_refused() {
    let home = temp_home();
    let mut tui = start(home.path(), 80, 24);
    create_session(&mut tui, "医保报销");

    // While the TUI holds the profile, a read-only command says so and exits 3.
    let out = Command::new(BIN)
        .args(["--home", home.path().to_str().unwrap(), "--profile", "体验员", "--lang", "zh", "list", "sessions"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("体验员") && err.contains(&tui.pid().to_string()), "{err}");

    tui.type_text("c");
    tui.expect_text("快速记录问题");
    tui.type_text("自助机故障");
    tui.key(Key::Enter);
    // The SSH connection drops as soon as Enter is taken (the line closes): the write must land.
    tui.wait_until(|s| !s.contains("快速记录问题"), DEFAULT_TIMEOUT).expect("capture line closes");
    tui.signal(libc::SIGHUP);
    assert!(tui.wait_exit(DEFAULT_TIMEOUT).is_some(), "exits on SIGHUP");

    let out = Command::new(BIN)
        .args(["--home", home.path().to_str().unwrap(), "--profile", "体验员", "list", "findings", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["description"], "自助机故障");
    assert_eq!(json[0]["seq"], 1);
    assert_eq!(json[0]["status"], "found");
}

#[test]
fn sigterm_and_tiny_terminals_are_handled() {
    let home = temp_home();
    let mut tui = start(home.path(), 40, 12);
    wait_raw(&tui);
    tui.resize(30, 8);
    tui.expect_text("30x8");
    tui.resize(40, 12);
    tui.expect_text("体验活动");
    tui.signal(libc::SIGTERM);
    // Ended by a signal: 128 + SIGTERM, as shells and service managers expect.
    assert_eq!(tui.wait_exit(DEFAULT_TIMEOUT), Some(128 + libc::SIGTERM));
}

#[test]
fn demo_then_list_as_json() {
    let home = temp_home();
    let h = home.path().to_str().unwrap();
    let out = Command::new(BIN)
        .args(["--home", h, "--profile", "p", "demo", "--sessions", "3", "--findings-per-session", "2", "--seed", "9"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = Command::new(BIN).args(["--home", h, "--profile", "p", "list", "sessions", "--json"]).output().unwrap();
    let sessions: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sessions.as_array().unwrap().len(), 3);
    let id = sessions[0]["id"].as_str().unwrap().to_string();
    assert_eq!(sessions[0]["findings"], 2);
    let out = Command::new(BIN)
        .args(["--home", h, "--profile", "p", "list", "findings", "--session", &id[..20], "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for f in findings.as_array().unwrap() {
        for key in [
            "id",
            "seq",
            "session_id",
            "description",
            "category",
            "severity",
            "unit",
            "deadline",
            "status",
            "created_at",
        ] {
            assert!(f.get(key).is_some(), "finding JSON lacks {key}: {f}");
        }
        assert_eq!(f["session_id"], id.as_str());
    }
    let out = Command::new(BIN)
        .args(["--home", h, "--profile", "p", "list", "findings", "--session", "ZZZ"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--session ZZZ"));
}

#[test]
fn keymap_check_reports_file_line_column_and_the_tui_starts_with_defaults() {
    let home = temp_home();
    let config = home.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("keymap.toml"), "[sessions]\n\"n\" = \"new\"\n\"x\" = \"fly\"\n").unwrap();
    let out = Command::new(BIN).args(["--home", home.path().to_str().unwrap(), "keymap", "check"]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("keymap.toml:3:7"), "{err}");

    let tui = start(home.path(), 80, 24);
    let screen = tui.expect_text("按键配置有 1 个问题");
    drop(tui);
    // A broken config file is named as such, not as a keymap problem.
    std::fs::write(config.join("config.toml"), "lang = \"zh\"\ncolour = 1\n").unwrap();
    let tui = start(home.path(), 100, 24);
    let config_screen = tui.expect_text("配置文件有误，已忽略");
    assert!(config_screen.contains("config.toml:2:1"), "{config_screen}");
    assert!(screen.contains("keymap.toml:3:7"), "the first problem is shown in full\n{screen}");
}

#[test]
fn a_terminal_that_cannot_show_chinese_gets_english_unless_chinese_is_forced() {
    let home = temp_home();
    crate::common::name_the_inspector(home.path(), "测试员");
    let h = home.path().to_str().unwrap();
    let args = ["--home", h, "--profile", "体验员"];
    for env in [[("LANG", "C"), ("TERM", "xterm-256color")], [("LANG", "zh_CN.UTF-8"), ("TERM", "linux")]] {
        let tui = Tui::spawn(Path::new(BIN), &args, &env, 80, 24);
        // A frame can arrive in pieces: wait for its bottom border too.
        let whole = |s: &str| s.contains("Sessions (0)") && s.contains("+-----") && s.contains("? help");
        let screen = tui.wait_until(whole, DEFAULT_TIMEOUT).unwrap_or_else(|why| panic!("{env:?}: {why}"));
        assert!(screen.contains("cannot show Chinese") && screen.contains("--lang zh"), "{env:?}\n{screen}");
        assert!(!screen.contains("体验活动"), "English\n{screen}");
        drop(tui);
    }
    // Forced: Chinese as asked, with the note (in English) that it may not show.
    let tui = Tui::spawn(Path::new(BIN), &[&args[..], &["--lang", "zh"]].concat(), &[("LANG", "C")], 80, 24);
    let screen = tui.expect_text("体验活动 (0)");
    assert!(screen.contains("Chinese as asked"), "{screen}");
}
