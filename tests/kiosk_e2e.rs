//! The hall's kiosk through the built binary in a pseudo-terminal, in Chinese at 80x24: it
//! will not start without an admin PIN; an anonymous entry goes end to end to a receipt code;
//! the code shows what became of the entry once the office has assigned it; an entry left
//! idle is warned about, then cleared, and nothing of it is left on screen; leaving takes
//! the admin PIN.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::common::{DEFAULT_TIMEOUT, Key, Tui, temp_home};

const BIN: &str = env!("CARGO_BIN_EXE_tiyan");
const PIN: &str = "24680";

fn cli(home: &Path, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(BIN)
        .args(["--home", home.to_str().unwrap(), "--profile", "hall", "--lang", "zh"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn ok(home: &Path, args: &[&str]) -> String {
    let out = cli(home, args, "");
    assert!(out.status.success(), "tiyan {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn kiosk(home: &Path) -> Tui {
    let home = home.to_str().unwrap();
    let tui = Tui::spawn(Path::new(BIN), &["--home", home, "--profile", "hall", "kiosk"], &[], 80, 24);
    tui.expect_text("开始登记");
    tui.wait_until(|_| tui.tty_is_raw(), DEFAULT_TIMEOUT).expect("raw mode");
    tui
}

/// A hall profile with an admin PIN (and one walk of an inspector's, which the kiosk must
/// never show).
fn hall() -> tempfile::TempDir {
    let home = temp_home();
    ok(home.path(), &["demo", "--sessions", "1", "--findings-per-session", "2", "--seed", "9"]);
    let out = cli(home.path(), &["kiosk", "set-pin"], &format!("{PIN}\n"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    home
}

/// An anonymous entry, step by step: returns the receipt code shown.
fn anonymous_entry(t: &mut Tui) -> String {
    t.key(Key::Enter);
    t.expect_text("请问您是");
    t.key(Key::Enter);
    t.expect_text("第 1/8 步：办理的事项");
    t.type_text("bdc");
    t.expect_text("不动产转移登记");
    t.key(Key::Enter);
    t.expect_text("第 2/8 步：窗口");
    t.type_text("8号窗口");
    t.key(Key::Enter);
    t.expect_text("第 3/8 步：办理渠道");
    t.key(Key::Enter);
    t.expect_text("第 4/8 步：等候时间");
    t.type_text("25");
    t.key(Key::Enter);
    t.expect_text("第 5/8 步：满意程度");
    // Enter before every dimension is rated is refused, saying why.
    t.key(Key::Enter);
    t.expect_text("请为四项都选择满意程度");
    t.type_text("2134");
    t.expect_text("环境设施：不满意");
    t.key(Key::Enter);
    t.expect_text("第 6/8 步：问题和建议");
    t.type_text("取号机坏了，排队很乱");
    t.key(Key::Enter);
    t.type_text("建议增加导办人员");
    t.key(Key::Enter);
    t.expect_text("2. 建议增加导办人员");
    t.key(Key::Enter);
    t.expect_text("第 7/8 步：联系电话");
    t.type_text("13812345678");
    t.key(Key::Enter);
    t.expect_text("第 8/8 步：确认提交");
    t.expect_text("服务态度 满意；办事效率 非常满意；指引清晰 基本满意；环境设施 不满意");
    t.key(Key::Enter);
    let screen = t.expect_text("您的查询码");
    let line = screen.lines().skip_while(|l| !l.contains("您的查询码")).nth(1).unwrap().to_string();
    line.split_whitespace().collect()
}

#[test]
fn the_kiosk_will_not_start_without_an_admin_pin() {
    let home = temp_home();
    ok(home.path(), &["demo", "--sessions", "1", "--findings-per-session", "1"]);
    let out = cli(home.path(), &["kiosk"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("tiyan kiosk set-pin"));
    let out = cli(home.path(), &["kiosk", "set-pin"], "12\n");
    assert_eq!(out.status.code(), Some(1), "a PIN is 4 to 12 digits");
}

#[test]
fn an_anonymous_entry_gets_a_receipt_and_the_code_shows_what_became_of_it() {
    let home = hall();
    // Nothing of the inspector's walk is shown.
    let walks = ok(home.path(), &["list", "sessions", "--json"]);
    let walk: serde_json::Value = serde_json::from_str(&walks).unwrap();
    let walk_item = walk[0]["item"].as_str().unwrap().to_string();
    let mut t = kiosk(home.path());
    let code = anonymous_entry(&mut t);
    assert_eq!(code.len(), 6, "{code}");
    assert!(!t.screen().contains(&walk_item));
    t.type_text("x");
    t.expect_text("开始登记");
    // Leaving takes the admin PIN: a wrong one is refused.
    t.key(Key::F(10));
    t.expect_text("管理员 PIN");
    t.type_text("1111");
    t.key(Key::Enter);
    t.expect_text("PIN 不对");
    t.type_text(PIN);
    t.key(Key::Enter);
    assert_eq!(t.wait_exit(DEFAULT_TIMEOUT), Some(0), "the admin leaves the kiosk");

    // The office assigns one of the problems; the code shows the unit and the deadline.
    let json = ok(home.path(), &["list", "findings", "--json"]);
    let findings: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mine: Vec<&serde_json::Value> =
        findings.as_array().unwrap().iter().filter(|f| f["description"] == "取号机坏了，排队很乱").collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["status"], "found");
    let id = mine[0]["id"].as_str().unwrap();
    ok(home.path(), &["finding", "set-status", id, "confirmed", "--by", "王建国"]);
    let assign = [
        "finding",
        "set-status",
        id,
        "assigned",
        "--by",
        "王建国",
        "--unit",
        "县医保局",
        "--deadline",
        "2026-12-31",
        "--measure",
        "修复取号机",
    ];
    ok(home.path(), &assign);

    let mut t = kiosk(home.path());
    t.key(Key::Down);
    t.key(Key::Enter);
    t.expect_text("请输入查询码");
    t.type_text("ABC");
    t.key(Key::Enter);
    t.expect_text("查询码是 6 位");
    t.key(Key::Ctrl('u'));
    t.type_text(&code.to_lowercase());
    t.key(Key::Enter);
    let screen = t.expect_text("您登记的事项：不动产转移登记");
    assert!(screen.contains("已交责任单位整改；责任单位：县医保局；整改时限：2026-12-31"), "{screen}");
    assert!(screen.contains("建议增加导办人员") && screen.contains("已收到，待核查"), "{screen}");
    assert!(!screen.contains(&walk_item), "only this entry");
    t.type_text("x");
    t.expect_text("开始登记");
    t.key(Key::F(10));
    t.type_text(PIN);
    t.key(Key::Enter);
    assert_eq!(t.wait_exit(DEFAULT_TIMEOUT), Some(0));
}

#[test]
fn an_entry_left_idle_is_warned_about_then_cleared_and_nothing_of_it_stays() {
    let home = hall();
    let config = home.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "[kiosk]\nidle_warning_secs = 2\nidle_reset_secs = 5\n").unwrap();
    // A keymap that would make q quit and Backspace wipe the line changes nothing here.
    let keymap = "[global]\n\"q\" = \"quit\"\n[editor]\n\"backspace\" = \"delete_to_start\"\n";
    std::fs::write(config.join("keymap.toml"), keymap).unwrap();
    let mut t = kiosk(home.path());
    t.keys(&[Key::Enter, Key::Enter]);
    t.type_text("bdc");
    t.key(Key::Enter);
    t.type_text("q秘密窗口x");
    t.key(Key::Backspace);
    t.expect_text("q秘密窗口");
    assert!(!t.screen().contains("秘密窗口x"), "Backspace takes one character back");
    t.expect_text("秒后将清空本次登记");
    let screen = t.expect_text("上一次未提交的登记已清空");
    assert!(screen.contains("开始登记"), "{screen}");
    assert!(!screen.contains("秘密窗口") && !screen.contains("不动产"), "{screen}");
    t.key(Key::F(10));
    t.type_text(PIN);
    t.key(Key::Enter);
    assert_eq!(t.wait_exit(DEFAULT_TIMEOUT), Some(0));
    // Nothing was written.
    let sessions: serde_json::Value = serde_json::from_str(&ok(home.path(), &["list", "sessions", "--json"])).unwrap();
    assert_eq!(sessions.as_array().unwrap().len(), 1, "only the walk");
}

#[test]
fn an_officer_enters_with_their_pin_and_five_wrong_pins_lock_them_out() {
    let home = hall();
    ok(
        home.path(),
        &["officers", "add", "--number", "TY001", "--name", "李娜", "--kind", "business", "--phone", "13812345678"],
    );
    let out = cli(home.path(), &["officers", "set-pin", "TY001"], "1357\n");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut t = kiosk(home.path());
    t.key(Key::Enter);
    t.expect_text("请问您是");
    t.key(Key::Down);
    t.key(Key::Enter);
    t.expect_text("体验官编号或姓名");
    t.type_text("ln");
    t.expect_text("TY001 李娜");
    t.key(Key::Enter);
    t.expect_text("李娜，请输入您的 PIN");
    t.type_text("1357");
    t.key(Key::Enter);
    t.expect_text("第 1/8 步：办理的事项");
    t.type_text("bdc");
    t.key(Key::Enter);
    t.keys(&[Key::Enter, Key::Enter]);
    t.type_text("10");
    t.key(Key::Enter);
    t.type_text("1111");
    t.key(Key::Enter);
    t.type_text("导办台无人");
    t.keys(&[Key::Enter, Key::Enter]);
    // No phone asked of an officer: the review comes next.
    let review = t.expect_text("第 8/8 步：确认提交");
    assert!(review.contains("李娜") && !review.contains("13812345678"), "{review}");
    t.key(Key::Enter);
    t.expect_text("您的查询码");
    t.type_text("x");

    // Five wrong PINs in a row: locked out, said with the time; the right one no longer works.
    t.keys(&[Key::Enter, Key::Down, Key::Enter]);
    t.type_text("TY001");
    t.expect_text("TY001 李娜");
    t.key(Key::Enter);
    for left in (0..5).rev() {
        t.type_text("9999");
        t.key(Key::Enter);
        if left > 0 {
            t.expect_text(&format!("再错 {left} 次将锁定"));
        }
    }
    t.expect_text("已锁定到");
    t.type_text("1357");
    t.key(Key::Enter);
    t.expect_text("已锁定到");
    t.key(Key::Esc);
    t.expect_text("开始登记");
    t.key(Key::F(10));
    t.type_text(PIN);
    t.key(Key::Enter);
    assert_eq!(t.wait_exit(DEFAULT_TIMEOUT), Some(0));
    let roster: serde_json::Value = serde_json::from_str(&ok(home.path(), &["officers", "list", "--json"])).unwrap();
    assert!(roster[0]["locked_until"].is_string(), "the lockout is recorded: {roster}");
    assert_eq!(roster[0]["phone"], "138****5678");
    let year = chrono::Datelike::year(&chrono::Local::now()).to_string();
    let summary: serde_json::Value =
        serde_json::from_str(&ok(home.path(), &["officers", "summary", "--year", &year, "--json"])).unwrap();
    assert_eq!(summary[0]["entries"], 1);
    assert_eq!(summary[0]["problems"], 1);
    // The year's summary as the office files it.
    let csv = home.path().join("体验官.csv");
    ok(home.path(), &["report", "officers", "--year", &year, "--format", "csv", "--out", csv.to_str().unwrap()]);
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.contains("序号,编号,姓名,类别,所在单位,状态,登记次数,反映问题,核实问题,已销号"), "{text}");
    assert!(text.contains("1,TY001,李娜,企业代表,,在任,1,1,0,0"), "{text}");
}
