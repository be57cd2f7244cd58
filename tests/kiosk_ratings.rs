//! The 好差评 figures of kiosk entries against numbers worked out by hand: four entries, two
//! items, three windows; `tiyan stats ratings --json` over all of them and by item.

use tiyan::domain::kiosk::{Dimension, Entry, Level};
use tiyan::store::Store;

const BIN: &str = env!("CARGO_BIN_EXE_tiyan");

fn entry(item: &str, window: &str, levels: [Level; 4]) -> Entry {
    Entry {
        item: item.into(),
        window: window.into(),
        channel: "hall_window".into(),
        wait_minutes: Some(10),
        ratings: Dimension::ALL.into_iter().zip(levels).collect(),
        problems: vec!["排队慢".into()],
        contact: String::new(),
        officer: None,
        ticket: None,
    }
}

fn stats(home: &std::path::Path, by: &[&str]) -> serde_json::Value {
    let out = std::process::Command::new(BIN)
        .args(["--home", home.to_str().unwrap(), "--profile", "hall", "stats", "ratings", "--json"])
        .args(by)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn ratings_count_and_share_each_level_as_worked_out_by_hand() {
    use Level::*;
    let home = tempfile::tempdir().unwrap();
    let mut store = Store::open(&home.path().join("hall").join("tiyan.redb")).unwrap();
    let entries = [
        entry("不动产转移登记", "8号窗口", [VerySatisfied, Satisfied, Fair, Dissatisfied]),
        entry("不动产转移登记", "8号窗口", [Satisfied, Satisfied, VeryDissatisfied, Dissatisfied]),
        entry("不动产转移登记", "9号窗口", [VerySatisfied, Fair, Fair, VerySatisfied]),
        entry("医保报销", "3号窗口", [Dissatisfied, VeryDissatisfied, Satisfied, Satisfied]),
    ];
    for (i, e) in entries.iter().enumerate() {
        let session = tiyan::domain::op::new_entity_id();
        let findings = [tiyan::domain::op::new_entity_id()];
        store.apply(&e.changes(session, &findings, &format!("ABCDE{}", i + 2))).unwrap();
    }
    drop(store);

    let all = stats(home.path(), &[]);
    assert_eq!(all.as_array().unwrap().len(), 1);
    let row = &all[0];
    assert_eq!(row["by"], "all");
    assert_eq!(row["entries"], 4);
    let dim = |row: &serde_json::Value, code: &str| {
        row["dimensions"].as_array().unwrap().iter().find(|d| d["dimension"] == code).unwrap().clone()
    };
    // 服务态度: 非常满意 2, 满意 1, 不满意 1 → 满意率 3/4.
    let attitude = dim(row, "attitude");
    assert_eq!(attitude["name"], "服务态度");
    assert_eq!(attitude["counts"]["very_satisfied"], 2);
    assert_eq!(attitude["counts"]["satisfied"], 1);
    assert_eq!(attitude["counts"]["fair"], 0);
    assert_eq!(attitude["counts"]["dissatisfied"], 1);
    assert_eq!(attitude["shares"]["very_satisfied"], 0.5);
    assert_eq!(attitude["satisfied_share"], 0.75);
    // 指引清晰: 基本满意 2, 非常不满意 1, 满意 1 → 满意率 3/4, 非常不满意 1/4.
    let guidance = dim(row, "guidance");
    assert_eq!(guidance["counts"]["fair"], 2);
    assert_eq!(guidance["shares"]["very_dissatisfied"], 0.25);
    assert_eq!(guidance["satisfied_share"], 0.75);
    // 环境设施: 不满意 2, 非常满意 1, 满意 1 → 满意率 1/2.
    assert_eq!(dim(row, "environment")["satisfied_share"], 0.5);

    let by_item = stats(home.path(), &["--by", "item"]);
    let groups: Vec<&str> = by_item.as_array().unwrap().iter().map(|r| r["group"].as_str().unwrap()).collect();
    assert_eq!(groups, ["不动产转移登记", "医保报销"]);
    let medical = &by_item[1];
    assert_eq!(medical["entries"], 1);
    // 办事效率 of 医保报销: one 非常不满意 → 满意率 0.
    assert_eq!(dim(medical, "efficiency")["satisfied_share"], 0.0);
    assert_eq!(dim(medical, "efficiency")["counts"]["very_dissatisfied"], 1);
    let estate = &by_item[0];
    assert_eq!(estate["entries"], 3);
    // 办事效率 of 不动产: 满意 2, 基本满意 1 → all satisfied.
    assert_eq!(dim(estate, "efficiency")["satisfied_share"], 1.0);

    let by_window = stats(home.path(), &["--by", "window"]);
    assert_eq!(by_window.as_array().unwrap().len(), 3);
    let refused = std::process::Command::new(BIN)
        .args(["--home", home.path().to_str().unwrap(), "--profile", "hall", "stats", "ratings", "--by", "day"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
}

/// The roster is kept at the office and reaches the hall terminal in a bundle, PINs as hashes;
/// an entry the hall makes comes back to the office under its officer.
#[test]
fn the_roster_travels_to_the_hall_and_its_entries_come_back() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path().to_str().unwrap().to_string();
    let run = |profile: &str, args: &[&str], stdin: &str| {
        let mut child = std::process::Command::new(BIN)
            .args(["--home", &h, "--profile", profile, "--lang", "zh"])
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(child.stdin.as_mut().unwrap(), stdin.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{profile}: tiyan {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let stick = home.path().join("stick");
    std::fs::create_dir_all(&stick).unwrap();
    let stick_s = stick.to_str().unwrap();
    run("office", &["office", "init", "--name", "巫溪县政务服务中心"], "");
    run("office", &["office", "card", "--to", stick_s], "");
    run("office", &["officers", "add", "--number", "TY001", "--name", "李娜", "--phone", "13812345678"], "");
    run("office", &["officers", "set-pin", "TY001"], "1357\n");
    // The hall terminal trusts the office and makes itself known with a first bundle.
    let card = std::fs::read_dir(&stick).unwrap().next().unwrap().unwrap().path();
    run("hall", &["inspector", "大厅终端"], "");
    run("hall", &["peers", "trust", card.to_str().unwrap()], "");
    let first: serde_json::Value =
        serde_json::from_str(&run("hall", &["export", "--to", stick_s, "--json"], "")).unwrap();
    run("office", &["import", "--trust-new", first[0]["file"].as_str().unwrap()], "");
    // The office's bundle for the hall carries the roster.
    let back: serde_json::Value =
        serde_json::from_str(&run("office", &["export", "--to", stick_s, "--json"], "")).unwrap();
    for bundle in back.as_array().unwrap() {
        run("hall", &["import", bundle["file"].as_str().unwrap()], "");
    }
    let roster: serde_json::Value = serde_json::from_str(&run("hall", &["officers", "list", "--json"], "")).unwrap();
    assert_eq!(roster[0]["number"], "TY001", "{roster}");
    assert_eq!(roster[0]["pin_set"], true);
    // The PIN set at the office is the PIN at the hall.
    let mut store = Store::open(&home.path().join("hall").join("tiyan.redb")).unwrap();
    let id = store.officers().unwrap()[0].id;
    assert_eq!(store.check_officer_pin(id, "1357", 0).unwrap(), tiyan::store::kiosk::OfficerPin::Right);
    // Her entry at the hall reaches the office under her name.
    let mut e = entry("不动产转移登记", "8号窗口", [Level::Fair; 4]);
    e.officer = Some((id, "李娜".into()));
    let session = tiyan::domain::op::new_entity_id();
    store.apply(&e.changes(session, &[tiyan::domain::op::new_entity_id()], "ABCDEF")).unwrap();
    drop(store);
    let next: serde_json::Value =
        serde_json::from_str(&run("hall", &["export", "--to", stick_s, "--json"], "")).unwrap();
    run("office", &["import", next[0]["file"].as_str().unwrap()], "");
    let year = chrono::Datelike::year(&chrono::Local::now()).to_string();
    let summary: serde_json::Value =
        serde_json::from_str(&run("office", &["officers", "summary", "--year", &year, "--json"], "")).unwrap();
    assert_eq!(summary[0]["entries"], 1, "{summary}");
    assert_eq!(summary[0]["problems"], 1);
}
