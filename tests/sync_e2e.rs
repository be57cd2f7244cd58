//! The sync trip through the TUI's keys in a pseudo-terminal, in Chinese: an inspector trusts
//! the office card found on the stick (asked by name and fingerprint) and exports; the office
//! trusts the unknown device (asked) and imports; the office's verdict goes back and shows on
//! the inspector's finding; the rectification comes back and is closed off. Both ledgers and
//! op counts agree at the end, and importing everything a third time changes nothing.

use std::path::Path;
use std::process::Command;

use crate::common::{DEFAULT_TIMEOUT, Key, Tui, temp_home};

const BIN: &str = env!("CARGO_BIN_EXE_tiyan");
const OFFICE: &str = "巫溪县政务服务中心";

fn cli(home: &Path, profile: &str, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(["--home", home.to_str().unwrap(), "--profile", profile])
        .args(args)
        .output()
        .expect("tiyan runs");
    assert!(
        out.status.success(),
        "tiyan {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn tui(home: &Path, profile: &str) -> Tui {
    let home = home.to_str().unwrap();
    let tui = Tui::spawn(Path::new(BIN), &["--home", home, "--profile", profile], &[], 100, 30);
    tui.expect_text("体验活动");
    tui.wait_until(|_| tui.tty_is_raw(), DEFAULT_TIMEOUT).expect("raw mode");
    tui
}

/// `x`, then `t` and the stick's path: the sync screen looking at the stick.
fn open_sync(tui: &mut Tui, stick: &Path) {
    tui.type_text("x");
    tui.expect_text("目的地");
    tui.type_text("t");
    // The entry line's title (the hint bar says 输入目录 too).
    tui.expect_text("U 盘挂载点或任意目录");
    // The line starts with the destination chosen (the last one used, once there is one).
    tui.key(Key::Ctrl('u'));
    tui.type_text(stick.to_str().unwrap());
    tui.key(Key::Enter);
    tui.expect_text("目录中的同步包");
}

fn quit(mut tui: Tui) {
    tui.type_text("q");
    assert!(tui.wait_exit(DEFAULT_TIMEOUT).is_some(), "tiyan quits");
}

/// A finding still 待核查 (the demo with seed 8 has one).
fn found_finding_id(home: &Path, profile: &str) -> String {
    let args = ["list", "findings", "--status", "found", "--json"];
    let json: serde_json::Value = serde_json::from_str(&cli(home, profile, &args)).unwrap();
    json[0]["id"].as_str().expect("a finding still found").to_string()
}

fn ops(home: &Path, profile: &str) -> u64 {
    let json: serde_json::Value = serde_json::from_str(&cli(home, profile, &["check", "--json"])).unwrap();
    json["ops"].as_u64().unwrap()
}

#[test]
fn a_finding_goes_to_the_office_and_its_verdict_comes_back_through_the_sync_screen() {
    let home = temp_home();
    let home = home.path();
    let stick = home.join("U盘");
    std::fs::create_dir(&stick).unwrap();
    cli(home, "office", &["office", "init", "--name", OFFICE]);
    cli(home, "office", &["inspector", "李督查"]);
    cli(home, "office", &["office", "card", "--to", stick.to_str().unwrap()]);
    cli(home, "wang", &["inspector", "王建国"]);
    cli(home, "wang", &["demo", "--sessions", "1", "--findings-per-session", "4", "--seed", "8"]);
    let office_fp: serde_json::Value = serde_json::from_str(&cli(home, "office", &["keys", "--json"])).unwrap();
    let office_fp = office_fp["fingerprint"].as_str().unwrap().to_string();

    // The inspector: no office trusted, a card on the stick: asked, by name and fingerprint.
    let mut t = tui(home, "wang");
    open_sync(&mut t, &stick);
    t.expect_text("尚未信任任何督查办");
    t.type_text("e");
    t.expect_text(&format!("信任督查办「{OFFICE}」"));
    t.expect_text(&office_fp);
    // The yes carries on with the export it interrupted.
    t.type_text("y");
    t.expect_text("已写入并校验");
    quit(t);

    // The office: the device is unknown: asked, then imported whole.
    let mut t = tui(home, "office");
    open_sync(&mut t, &stick);
    t.expect_text("来自未信任的设备 王建国");
    t.type_text("i");
    t.expect_text("信任设备「王建国」并导入");
    t.type_text("y");
    t.expect_text("已导入 1 个同步包");
    quit(t);

    // The office's verdict, exported from its sync screen.
    let id = found_finding_id(home, "wang");
    cli(home, "office", &["finding", "set-status", &id, "confirmed"]);
    cli(
        home,
        "office",
        &[
            "finding",
            "set-status",
            &id,
            "assigned",
            "--unit",
            "医保局",
            "--deadline",
            "2026-12-31",
            "--measure",
            "增设窗口",
        ],
    );
    let mut t = tui(home, "office");
    open_sync(&mut t, &stick);
    t.type_text("e");
    t.expect_text("已写入并校验");
    quit(t);

    // The inspector imports it and sees the verdict on its finding.
    let mut t = tui(home, "wang");
    open_sync(&mut t, &stick);
    t.type_text("i");
    t.expect_text("已导入 1 个同步包");
    t.key(Key::Esc);
    t.expect_text("体验活动 (1)");
    t.key(Key::Enter);
    t.wait_until(|s| s.lines().any(|l| l.contains("县医保局") && l.contains("已定责")), DEFAULT_TIMEOUT)
        .expect("the office's verdict on the inspector's finding");
    quit(t);

    // Rectified at the hall, carried back, closed off at the office.
    cli(home, "wang", &["finding", "set-status", &id, "rectifying"]);
    cli(home, "wang", &["finding", "set-status", &id, "rectified", "--evidence", "已增设两个窗口"]);
    cli(home, "wang", &["export", "--to", stick.to_str().unwrap()]);
    cli(home, "office", &["import", stick.to_str().unwrap()]);
    cli(home, "office", &["finding", "set-status", &id, "closed"]);
    cli(home, "office", &["export", "--to", stick.to_str().unwrap()]);
    cli(home, "wang", &["import", stick.to_str().unwrap()]);

    let status = |profile| {
        let json: serde_json::Value =
            serde_json::from_str(&cli(home, profile, &["list", "findings", "--json"])).unwrap();
        json.as_array().unwrap().iter().find(|f| f["id"] == id.as_str()).unwrap()["status"].clone()
    };
    assert_eq!(status("wang"), "closed");
    assert_eq!(status("office"), "closed");
    assert_eq!(cli(home, "wang", &["ledger", "--json"]), cli(home, "office", &["ledger", "--json"]));
    let (wang_ops, office_ops) = (ops(home, "wang"), ops(home, "office"));
    assert_eq!(wang_ops, office_ops);

    // A third import of everything on the stick changes nothing.
    let imports = |profile| cli(home, profile, &["imports", "--json"]);
    let before = (imports("wang"), imports("office"));
    cli(home, "wang", &["import", stick.to_str().unwrap()]);
    cli(home, "office", &["import", stick.to_str().unwrap()]);
    assert_eq!((imports("wang"), imports("office")), before);
    assert_eq!((ops(home, "wang"), ops(home, "office")), (wang_ops, office_ops));
}

#[test]
fn each_unknown_sender_is_asked_about_on_its_own() {
    let home = temp_home();
    let home = home.path();
    let stick = home.join("U盘");
    std::fs::create_dir(&stick).unwrap();
    let stick_path = stick.to_str().unwrap();
    cli(home, "office", &["office", "init", "--name", OFFICE]);
    cli(home, "office", &["inspector", "李督查"]);
    cli(home, "office", &["office", "card", "--to", stick_path]);
    let card = std::fs::read_dir(&stick).unwrap().next().unwrap().unwrap().path();
    for (profile, name, seed) in [("wang", "王建国", "3"), ("li", "李娜", "4")] {
        cli(home, profile, &["inspector", name]);
        cli(home, profile, &["demo", "--sessions", "1", "--findings-per-session", "2", "--seed", seed]);
        cli(home, profile, &["peers", "trust", card.to_str().unwrap()]);
        cli(home, profile, &["export", "--to", stick_path]);
    }

    let mut t = tui(home, "office");
    open_sync(&mut t, &stick);
    t.expect_text("来自未信任的设备 王建国");
    t.expect_text("来自未信任的设备 李娜");
    t.type_text("i");
    t.expect_text("信任设备「王建国」并导入");
    t.type_text("y");
    t.expect_text("已导入 1 个同步包");
    // 李娜's device was not trusted by that yes: it is asked about in turn, and a no imports
    // nothing of it.
    t.expect_text("来自未信任的设备 李娜");
    t.key(Key::Enter);
    t.expect_text("信任设备「李娜」并导入");
    t.type_text("n");
    quit(t);
    let imports: serde_json::Value = serde_json::from_str(&cli(home, "office", &["imports", "--json"])).unwrap();
    let senders: Vec<&str> = imports.as_array().unwrap().iter().map(|e| e["sender_name"].as_str().unwrap()).collect();
    assert_eq!(senders, ["王建国"]);
    let peers: serde_json::Value = serde_json::from_str(&cli(home, "office", &["peers", "--json"])).unwrap();
    assert_eq!(peers.as_array().unwrap().len(), 1, "{peers}");
}

/// `p` on a session's page writes its documents where the sync screen last looked (the stick),
/// under their Chinese names, a second one beside the first rather than over it, and says where;
/// `p` on the ledger writes the 台账 and the 督查提醒函.
#[test]
fn p_on_a_session_page_writes_its_documents_to_the_stick() {
    let home = temp_home();
    let stick = home.path().join("stick");
    std::fs::create_dir(&stick).unwrap();
    cli(home.path(), "wang", &["inspector", "王建国"]);
    cli(home.path(), "wang", &["demo", "--sessions", "2", "--findings-per-session", "3", "--seed", "5"]);
    let mut t = tui(home.path(), "wang");
    open_sync(&mut t, &stick);
    t.key(Key::Esc);
    t.expect_text("体验活动 (2)");
    t.key(Key::Enter);
    t.expect_text("的问题");
    t.type_text("p");
    t.expect_text("生成文件（写到");
    t.expect_text("问题整改清单 · Excel (.xlsx)");
    t.key(Key::Enter);
    t.expect_text("已写入");
    // The second report goes beside the first; then the list in Excel (the fourth entry).
    write_document(&mut t, "体验报告 · Word (.docx)", 0, || written(&stick, ".docx").len() == 2);
    write_document(&mut t, "问题整改清单 · Excel (.xlsx)", 3, || written(&stick, ".xlsx").len() == 1);
    // The ledger's: the 台账 in Excel, the letters in Word.
    t.key(Key::Esc);
    t.expect_text("体验活动 (2)");
    t.type_text("l");
    t.expect_text("整改台账");
    write_document(&mut t, "整改台账 · Excel (.xlsx)", 0, || written(&stick, ".xlsx").len() == 2);
    write_document(&mut t, "督查提醒函 · Word (.docx)", 3, || written(&stick, ".docx").len() == 3);
    quit(t);
    assert!(written(&stick, ".xlsx").iter().any(|n| n.starts_with("整改台账-")));
    assert!(written(&stick, ".docx").iter().any(|n| n.starts_with("督查提醒函-")));
    let reports: Vec<String> = written(&stick, ".docx").into_iter().filter(|n| !n.starts_with("督查提醒函-")).collect();
    assert!(reports.iter().all(|n| n.starts_with("体验报告-")), "{reports:?}");
    assert!(reports.iter().any(|n| n.contains("(2).docx")), "{reports:?}");
    let list = stick.join(written(&stick, ".xlsx").iter().find(|n| n.starts_with("整改清单-")).unwrap());
    assert!(std::fs::read(list).unwrap().starts_with(b"PK"), "a zip: the Excel file");
}

/// `p`, `down` times down to `entry`, Enter: until `done` says the file is there.
fn write_document(t: &mut Tui, entry: &str, down: usize, done: impl Fn() -> bool) {
    t.type_text("p");
    t.expect_text(entry);
    for _ in 0..down {
        t.key(Key::Down);
    }
    t.key(Key::Enter);
    t.wait_until(|_| done(), DEFAULT_TIMEOUT).unwrap_or_else(|screen| panic!("{entry} not written:\n{screen}"));
}

fn written(dir: &Path, ext: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(ext))
        .collect();
    names.sort();
    names
}

#[test]
fn a_on_a_finding_attaches_a_photo_by_a_completed_path_and_d_takes_it_off() {
    let home = temp_home();
    let photos = home.path().join("照片");
    std::fs::create_dir(&photos).unwrap();
    std::fs::write(photos.join("大厅取号机.jpg"), crate::photo_fixture::jpeg(4000, 3000, 1, 1_000)).unwrap();
    std::fs::write(photos.join("说明.txt"), "不是照片").unwrap();
    cli(home.path(), "wang", &["inspector", "王建国"]);
    cli(home.path(), "wang", &["demo", "--sessions", "1", "--findings-per-session", "2", "--seed", "5"]);
    let mut t = tui(home.path(), "wang");
    t.key(Key::Enter);
    t.expect_text("的问题");
    t.key(Key::Enter);
    t.expect_text("六明确");
    // No attachment yet: the path line at once. A file that is not a photo is refused, the
    // line stays with the reason; Tab completes the photo's name.
    t.type_text("A");
    t.expect_text("附件文件路径");
    t.type_text(&format!("{}/说", photos.display()));
    t.key(Key::Tab);
    t.expect_text("说明.txt");
    t.key(Key::Enter);
    t.expect_text("不是 JPEG、PNG 或 PDF");
    t.key(Key::Ctrl('u'));
    // Enter at once after Tab (a slow link): the completed name is what is attached.
    t.type_text(&format!("{}/大", photos.display()));
    t.keys(&[Key::Tab, Key::Enter]);
    t.expect_text("已附上 大厅取号机.jpg");
    t.expect_text("1 大厅取号机.jpg (JPEG");
    // With one: the list, `d` on it asks, y removes it.
    t.type_text("A");
    t.expect_text("添加附件");
    t.type_text("d");
    t.expect_text("移除附件 大厅取号机.jpg");
    t.type_text("y");
    t.wait_until(|screen| !screen.contains("1 大厅取号机.jpg (JPEG"), DEFAULT_TIMEOUT)
        .unwrap_or_else(|screen| panic!("still listed:\n{screen}"));
    quit(t);
    let json: serde_json::Value =
        serde_json::from_str(&cli(home.path(), "wang", &["list", "findings", "--json"])).unwrap();
    let kept = json.as_array().unwrap().iter().map(|f| f["attachments"].as_array().unwrap().len()).sum::<usize>();
    assert_eq!(kept, 0, "attached, then removed");
    let files = std::fs::read_dir(home.path().join("wang").join("attachments")).unwrap().count();
    assert_eq!(files, 1, "the file stays in the profile");
}
