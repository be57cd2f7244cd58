//! Checklists end to end through a pseudo-terminal: add a shipped template, answer every item
//! by keys (single keys, a score, numbers and text through the entry), make a finding from a
//! failed item, SIGKILL, restart, and see every answer; then the command line agrees.

use std::path::Path;
use std::process::Command;

use crate::common::{DEFAULT_TIMEOUT, Key, Tui, temp_home};
use tiyan::domain::AnswerKind;

const BIN: &str = env!("CARGO_BIN_EXE_tiyan");

fn start(home: &Path) -> Tui {
    crate::common::start_tiyan(home, 100, 30)
}

/// Creates a session for `item` through the form; once saved its page opens.
fn open_new_session(tui: &mut Tui, item: &str) {
    tui.type_text("n");
    tui.expect_text("新建体验活动");
    tui.type_text(item);
    tui.key(Key::Ctrl('s'));
    tui.expect_text(&format!("{item} 的问题"));
}

/// The first template the add-checklist list offers.
fn first_template() -> tiyan::domain::Template {
    let (name, text) = tiyan::checklist::SHIPPED[0];
    tiyan::checklist::parse_template(name, text).unwrap()
}

#[test]
fn a_whole_checklist_answered_by_keys_survives_sigkill() {
    let home = temp_home();
    let template = first_template();
    let total = template.item_count();
    let mut tui = start(home.path());
    open_new_session(&mut tui, "不动产登记");
    tui.expect_text("检查表：无");
    tui.type_text("a");
    tui.expect_text("添加检查表");
    tui.key(Key::Enter);
    tui.expect_text(&format!("已答 0/{total}"));

    // The first pass/fail item fails; everything else gets an answer of its kind.
    let mut failed = None;
    for (_, item) in template.items() {
        match item.kind {
            AnswerKind::PassFail if failed.is_none() => {
                failed = Some(item.clone());
                // A failure keeps the cursor on the item (for a finding): move on by hand.
                tui.type_text("n");
                // The hint outlives the save's acknowledgement.
                tui.wait_until(|s| s.contains("按 f 由此项记问题") && s.contains("通过率 0%"), DEFAULT_TIMEOUT)
                    .expect("the hint after a fail");
                tui.key(Key::Down);
            }
            AnswerKind::PassFail | AnswerKind::YesNo => tui.type_text("y"),
            AnswerKind::Score => tui.type_text("4"),
            AnswerKind::Count => {
                tui.type_text("12");
                tui.key(Key::Enter);
            }
            AnswerKind::Text => {
                tui.key(Key::Enter);
                tui.type_text("叫号屏不显示窗口号");
                tui.key(Key::Enter);
            }
        }
    }
    tui.wait_until(|s| s.contains(&format!("已答 {total}/{total}")) && s.contains("已保存"), DEFAULT_TIMEOUT)
        .expect("every answer saved");

    // Back to the failed item: one key makes a finding from it, prefilled.
    let failed = failed.expect("the template has a pass/fail item");
    tui.key(Key::Home);
    let index = template.items().position(|(_, i)| i.id == failed.id).unwrap();
    for _ in 0..index {
        tui.key(Key::Down);
    }
    tui.type_text("f");
    tui.expect_text("由检查项记问题");
    tui.expect_text(&failed.finding);
    tui.key(Key::Enter);
    // Saved and marked on the failed item's row; the cursor has moved on to the next item.
    tui.wait_until(
        |s| s.contains("已保存：问题 1") && s.lines().any(|l| l.contains("不通过") && l.contains("#1")),
        DEFAULT_TIMEOUT,
    )
    .unwrap_or_else(|why| panic!("the finding is saved from the item: {why}"));
    tui.kill9();

    let mut tui = start(home.path());
    // The list loads after the first frame: Enter before it opens nothing.
    tui.expect_text("体验活动 (1)");
    tui.key(Key::Enter);
    // A frame can arrive in pieces: wait for the whole page, not just its first rows.
    let done = format!("{total}/{total}");
    let page = tui.wait_until(|s| s.contains(&done) && s.contains(&failed.finding), DEFAULT_TIMEOUT);
    assert!(page.is_ok(), "the finding is on the session page\n{}", tui.screen());
    tui.key(Key::Tab);
    tui.key(Key::Enter);
    // The whole frame, not its first rows.
    let all = format!("已答 {total}/{total}");
    let whole = |s: &str| s.contains(&all) && s.contains("不通过") && s.contains("4分");
    tui.wait_until(whole, DEFAULT_TIMEOUT).unwrap_or_else(|why| panic!("every answer after the restart: {why}"));
    tui.type_text("q");
    assert_eq!(tui.wait_exit(DEFAULT_TIMEOUT), Some(0));

    let out = Command::new(BIN)
        .args(["--home", home.path().to_str().unwrap(), "--profile", "体验员", "list", "sessions", "--json"])
        .output()
        .unwrap();
    let sessions: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let session = sessions[0]["id"].as_str().unwrap();
    let out = Command::new(BIN)
        .args(["--home", home.path().to_str().unwrap(), "--profile", "体验员"])
        .args(["list", "checks", "--session", session, "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), total);
    for row in rows {
        let answer = row["answer"].as_str().unwrap_or_else(|| panic!("unanswered: {row}"));
        let expected = match row["kind"].as_str().unwrap() {
            "pass-fail" if row["item_id"] == failed.id.as_str() => "fail",
            "pass-fail" => "pass",
            "yes-no" => "yes",
            "score" => "score:4",
            "count" => "count:12",
            _ => "text:叫号屏不显示窗口号",
        };
        assert_eq!(answer, expected, "{row}");
    }
    let failed_row = rows.iter().find(|r| r["item_id"] == failed.id.as_str()).unwrap();
    assert_eq!(failed_row["findings"][0]["seq"], 1);
    assert_eq!(failed_row["findings"][0]["description"], failed.finding.as_str());
}

#[test]
fn template_check_points_at_the_error_and_a_broken_user_file_is_listed() {
    let home = temp_home();
    let h = home.path().to_str().unwrap();
    let out = Command::new(BIN)
        .args(["--home", h, "template", "check", "tests/fixtures/templates/unknown_kind.toml"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown_kind.toml:") && err.contains("pass-fail"), "{err}");
    let out = Command::new(BIN)
        .args(["--home", h, "template", "check", "tests/fixtures/templates/valid.toml"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let dir = home.path().join("config").join("checklists");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy("tests/fixtures/templates/duplicate_item.toml", dir.join("mine.toml")).unwrap();
    let out = Command::new(BIN).args(["--home", h, "template", "list", "--json"]).output().unwrap();
    assert!(out.status.success());
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.iter().filter(|t| t["status"] == "active").count(), tiyan::checklist::SHIPPED.len());
    let broken = list.iter().find(|t| t["status"] == "broken").expect("the broken file is listed");
    assert!(broken["error"].as_str().unwrap().contains("mine.toml:19:6"), "{broken}");

    // The TUI starts anyway and offers the file with its error, not as a choice.
    let mut tui = start(home.path());
    open_new_session(&mut tui, "婚姻登记");
    tui.type_text("a");
    let picker = tui.expect_text("mine.toml");
    assert!(picker.contains("19:6"), "{picker}");
    tui.key(Key::End);
    tui.key(Key::Enter);
    tui.expect_text("此模板有误，不能使用");
}
