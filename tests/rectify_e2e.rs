//! One finding taken through the whole rectification loop in a pseudo-terminal, by keys, in
//! Chinese: the name asked on first start, 核查, 定责 with the 六明确, the ledger and the reminder
//! letter while it is overdue, 整改, a close-off refused to the one who rectified it and done
//! by someone else, then SIGKILL, and the history read back by the command line.

use std::path::Path;
use std::process::Command;

use crate::common::{DEFAULT_TIMEOUT, Key, Tui, temp_home};

const BIN: &str = env!("CARGO_BIN_EXE_tiyan");
const PROBLEM: &str = "窗口只开两个，排队超过一小时";

fn spawn(home: &Path) -> Tui {
    let home = home.to_str().unwrap();
    let tui = Tui::spawn(Path::new(BIN), &["--home", home, "--profile", "体验员"], &[], 100, 30);
    tui.expect_text("体验活动");
    tui.wait_until(|_| tui.tty_is_raw(), DEFAULT_TIMEOUT).expect("raw mode");
    tui
}

/// `m`, then the numbered move, then Ctrl-S; waits for the finding's row to show `status`.
fn move_to(tui: &mut Tui, digit: char, status: &str, fill: &[&str]) {
    tui.type_text("m");
    tui.expect_text("数字或 Enter 选定");
    tui.type_text(&digit.to_string());
    tui.expect_text("经办人");
    for (i, text) in fill.iter().enumerate() {
        if i > 0 {
            tui.key(Key::Tab);
        }
        tui.type_text(text);
    }
    tui.key(Key::Ctrl('s'));
    moved(tui, status);
}

fn moved(tui: &mut Tui, status: &str) {
    tui.wait_until(|s| s.lines().any(|l| l.contains(PROBLEM) && l.contains(status)), DEFAULT_TIMEOUT)
        .unwrap_or_else(|why| panic!("moved to {status}: {why}"));
}

#[test]
fn one_finding_goes_round_the_whole_loop() {
    let home = temp_home();
    let mut tui = spawn(home.path());
    // First start: who is acting.
    tui.expect_text("你的姓名");
    tui.type_text("王建国");
    tui.key(Key::Enter);
    tui.expect_text("经办人已设为 王建国");

    tui.type_text("n");
    tui.expect_text("新建体验活动");
    tui.type_text("医保报销");
    tui.key(Key::Ctrl('s'));
    // Saved, and its page opens.
    tui.expect_text("医保报销 的问题");
    tui.type_text("c");
    tui.type_text(PROBLEM);
    tui.key(Key::Enter);
    tui.wait_until(|s| s.lines().any(|l| l.contains(PROBLEM) && l.contains("待核查")), DEFAULT_TIMEOUT).unwrap();

    move_to(&mut tui, '1', "已核查", &["核实属实"]);
    // A deadline long past: asked about, then overdue from the moment it is set.
    tui.type_text("m");
    tui.expect_text("数字或 Enter 选定");
    tui.type_text("1");
    tui.expect_text("经办人");
    for (i, text) in ["县医保局", "2026-01-05", "增开两个医保窗口", "排队不超过20分钟"].iter().enumerate()
    {
        if i > 0 {
            tui.key(Key::Tab);
        }
        tui.type_text(text);
    }
    tui.key(Key::Ctrl('s'));
    tui.expect_text("整改时限 2026-01-05 已经过去");
    tui.type_text("y");
    moved(&mut tui, "已定责");
    assert!(tui.screen().contains("逾期"), "{}", tui.screen());

    // The ledger, and the reminder letter naming the unit.
    tui.key(Key::Esc);
    tui.expect_text("体验活动 (1)");
    tui.type_text("l");
    tui.expect_text("整改台账");
    tui.wait_until(|s| s.contains(PROBLEM), DEFAULT_TIMEOUT).unwrap();
    tui.type_text("r");
    let letter = tui.wait_for("督查提醒函", DEFAULT_TIMEOUT).unwrap();
    assert!(letter.contains("县医保局（逾期 1 项）") && letter.contains("整改措施：增开两个医保窗口"), "{letter}");
    tui.key(Key::Esc);
    tui.expect_text("整改台账");
    // From the ledger straight to the finding's session.
    tui.type_text("o");
    tui.expect_text("医保报销 的问题");

    move_to(&mut tui, '1', "整改中", &[]);
    move_to(&mut tui, '1', "已整改", &["已增开两个窗口，现场排队约15分钟"]);

    // The one who rectified cannot close it off.
    tui.type_text("m");
    tui.expect_text("1 已销号");
    tui.type_text("1");
    tui.key(Key::Ctrl('s'));
    tui.expect_text("王建国 标记了此问题已整改");
    tui.key(Key::Esc);
    tui.wait_until(|s| !s.contains("改为 已销号"), DEFAULT_TIMEOUT).unwrap();

    // Someone else verifies it on the same terminal: the close-off form asks who, and the
    // profile keeps its inspector.
    tui.type_text("m");
    tui.expect_text("1 已销号");
    tui.type_text("1");
    tui.expect_text("核验人");
    tui.key(Key::Ctrl('u'));
    tui.type_text("李四");
    tui.key(Key::Tab);
    tui.type_text("复查属实");
    tui.key(Key::Ctrl('s'));
    moved(&mut tui, "已销号");

    tui.key(Key::Enter);
    let page = tui.wait_for("销号人：李四", DEFAULT_TIMEOUT).unwrap();
    assert!(page.contains("标记已整改：王建国"), "{page}");
    // The history runs past the bottom of the page: G shows its end.
    tui.type_text("G");
    tui.wait_for("已整改 -> 已销号", DEFAULT_TIMEOUT).unwrap();

    tui.kill9();
    let out = Command::new(BIN)
        .args(["--home", home.path().to_str().unwrap(), "--profile", "体验员", "list", "findings", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &json.as_array().unwrap()[0];
    assert_eq!(f["status"], "closed");
    let moves: Vec<(String, String)> = f["moves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["to"].as_str().unwrap().to_string(), m["by"].as_str().unwrap().to_string()))
        .collect();
    let expected = [
        ("confirmed", "王建国"),
        ("assigned", "王建国"),
        ("rectifying", "王建国"),
        ("rectified", "王建国"),
        ("closed", "李四"),
    ];
    assert_eq!(moves, expected.map(|(a, b)| (a.to_string(), b.to_string())));
}
