//! The rectification loop through the real binary: `finding set-status` by two people,
//! refusals that write nothing, reopening, `list findings` filters, `ledger` and `inspector`.
//! Sessions and findings are written with the library first (there is no command to capture
//! one); everything after goes through the command line. Deadlines are far in the past or the
//! future, so nothing here depends on today's date.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::rectify_fixtures::{day, finding_through_moves, id_at};
use serde_json::Value as Json;
use tiyan::domain::FindingStatus::*;
use tiyan::domain::finding::field as ff;
use tiyan::domain::op::entity_id_string;
use tiyan::domain::rectify::{self, MoveRequest};
use tiyan::domain::session::field as sf;
use tiyan::domain::{Change, EntityId, EntityKind, Finding, FindingStatus, Value};
use tiyan::store::Store;

const BIN: &str = env!("CARGO_BIN_EXE_tiyan");
const PROFILE: &str = "督查科";
const PAST: &str = "2020-01-10";
const FUTURE: &str = "2099-12-31";

struct Office {
    home: tempfile::TempDir,
}

fn text(out: &Output) -> (String, String) {
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

impl Office {
    fn new() -> Office {
        Office { home: tempfile::tempdir().unwrap() }
    }

    fn store_path(&self) -> PathBuf {
        self.home.path().join(PROFILE).join("tiyan.redb")
    }

    fn tiyan(&self, args: &[&str]) -> Output {
        let home: &Path = self.home.path();
        Command::new(BIN)
            .args(["--home", home.to_str().unwrap(), "--profile", PROFILE, "--lang", "zh"])
            .args(args)
            .env("TZ", "UTC")
            .output()
            .unwrap()
    }

    /// Runs and expects success; returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.tiyan(args);
        let (stdout, stderr) = text(&out);
        assert!(out.status.success(), "tiyan {args:?} failed: {stderr}");
        stdout
    }

    /// Runs and expects exit 1; returns stderr.
    fn refused(&self, args: &[&str]) -> String {
        let out = self.tiyan(args);
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(1), "tiyan {args:?}: {stdout}{stderr}");
        assert!(stdout.is_empty(), "a refusal prints nothing on stdout: {stdout}");
        stderr
    }

    fn json(&self, args: &[&str]) -> Json {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    fn findings(&self) -> Json {
        self.json(&["list", "findings", "--json"])
    }

    fn finding(&self, id: &str) -> Json {
        let all = self.findings();
        all.as_array().unwrap().iter().find(|f| f["id"] == id).cloned().unwrap()
    }

    /// Writes walks and findings with the library, then closes the store. `moves` take each
    /// finding somewhere first: (description, walk, unit, deadline, status).
    fn seed(&self, rows: &[(&str, usize, &str, &str, FindingStatus)]) -> Vec<String> {
        let mut store = Store::open(&self.store_path()).unwrap();
        let walks = [("医保报销", "medical_insurance", "2026-11-02"), ("企业开办", "market_access", "2026-11-09")];
        let mut sessions: Vec<EntityId> = Vec::new();
        for (n, (item, theme, date)) in walks.iter().enumerate() {
            let ms = day(date).and_hms_opt(9, 0, 0).unwrap().and_utc().timestamp_millis();
            let id = id_at(ms, n as u128 + 1);
            let set = |f: &str, v: Value| Change::set(EntityKind::Session, id, f, v);
            store.apply(&[set(sf::ITEM, Value::text(*item)), set(sf::THEME, Value::text(*theme))]).unwrap();
            sessions.push(id);
        }
        let mut ids = Vec::new();
        for (n, (description, walk, unit, deadline, status)) in rows.iter().enumerate() {
            let place = sessions[*walk];
            let id = finding_through_moves(&mut store, place, n as i64 + 1, description, (unit, deadline, *status));
            ids.push(entity_id_string(id));
        }
        ids
    }
}

fn j(v: impl Into<Json>) -> Json {
    v.into()
}

fn set_status<'a>(id: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["finding", "set-status", id];
    args.extend_from_slice(rest);
    args
}

#[test]
fn the_whole_loop_by_two_people() {
    let office = Office::new();
    let ids = office.seed(&[("医保报销窗口只开一个，群众排队超过一小时", 0, "", "", Found)]);
    let id = ids[0].as_str();
    let short = &id[..20];

    let out = office.ok(&set_status(short, &["confirmed", "--by", "张三", "--note", "现场核实属实"]));
    assert_eq!(out.trim(), format!("问题 {id}（序号 1）：待核查 -> 已核查"));
    office.ok(&set_status(
        short,
        &[
            "已定责",
            "--by",
            "张三",
            "--unit",
            "County Medical Security Bureau",
            "--deadline",
            FUTURE,
            "--measure",
            "增设医保综合窗口",
            "--target",
            "等候不超过20分钟",
            "--standard",
            "高峰时段开足窗口",
            "--owner",
            "赵科长",
        ],
    ));
    office.ok(&set_status(short, &["整改中", "--by", "张三"]));
    office.ok(&set_status(short, &["rectified", "--by", "张三", "--evidence", "已增设两个医保窗口"]));

    // The one who rectified may not close it off.
    let before = office.findings();
    let err = office.refused(&set_status(short, &["closed", "--by", " 张三 "]));
    assert!(err.contains("销号须由标记已整改以外的人核验") && err.contains("张三"), "{err}");
    assert_eq!(office.findings(), before, "a refused move writes nothing");

    let json: Json =
        serde_json::from_str(&office.ok(&set_status(short, &["已销号", "--by", "李四", "--json"]))).unwrap();
    assert_eq!(json["status"], "closed");
    assert_eq!((&json["rectified_by"], &json["closed_by"]), (&Json::from("张三"), &Json::from("李四")));
    assert_eq!(json["evidence"], "已增设两个医保窗口");
    assert_eq!((&json["unit"], &json["deadline"]), (&Json::from("县医保局"), &Json::from(FUTURE)));
    assert_eq!(
        (&json["target"], &json["standard"], &json["owner"]),
        (&j("等候不超过20分钟"), &j("高峰时段开足窗口"), &j("赵科长"))
    );
    assert!(json["closed_on"].as_str().is_some_and(|d| d.len() == 10), "{json}");
    assert_eq!((&json["due"], &json["days_overdue"]), (&Json::Null, &Json::Null), "closed: nothing due");
    let moves = json["moves"].as_array().unwrap();
    let road: Vec<(&str, &str, &str)> = moves
        .iter()
        .map(|m| (m["from"].as_str().unwrap(), m["to"].as_str().unwrap(), m["by"].as_str().unwrap()))
        .collect();
    assert_eq!(
        road,
        [
            ("found", "confirmed", "张三"),
            ("confirmed", "assigned", "张三"),
            ("assigned", "rectifying", "张三"),
            ("rectifying", "rectified", "张三"),
            ("rectified", "closed", "李四"),
        ]
    );
    assert_eq!(moves[0]["note"], "现场核实属实");
    assert_eq!(moves[3]["evidence"], "已增设两个医保窗口");
    assert_eq!(moves[1]["details"]["unit"], "县医保局");
    assert_eq!(moves[1]["details"]["deadline"], FUTURE);
    assert_eq!(moves[1]["details"]["owner"], "赵科长");
    assert!(moves.iter().all(|m| m["reopen"] == false && m["at"].as_str().unwrap().ends_with("+00:00")));
    // `list findings --json` says the same.
    assert_eq!(office.finding(id), json);
}

#[test]
fn a_refused_move_says_why_and_writes_nothing() {
    let office = Office::new();
    let ids = office
        .seed(&[("自助机无法打印社保卡申领回执", 0, "", "", Found), ("叫号屏不显示窗口号", 0, "", "", Confirmed)]);
    let before = office.findings();
    let err = office.refused(&set_status(&ids[0], &["closed", "--by", "张三"]));
    assert!(err.contains("不能从「待核查」改为「已销号」") && err.contains("已核查、不成立、已整改"), "{err}");
    assert!(err.contains("confirmed, not-a-problem, rectified"), "{err}");
    let err = office
        .refused(&set_status(&ids[1], &["assigned", "--by", "张三", "--unit", "县医保局", "--measure", "修复叫号屏"]));
    assert!(err.contains("--deadline"), "{err}");
    let err = office.refused(&set_status(&ids[0], &["done", "--by", "张三"]));
    assert!(err.contains("STATUS done") && err.contains("not-a-problem") && err.contains("已销号"), "{err}");
    let err = office.refused(&set_status(&ids[0], &["confirmed", "--by", "张三", "--unit", "县医保局"]));
    assert!(err.contains("--unit") && err.contains("已定责"), "{err}");
    let err = office.refused(&set_status(
        &ids[1],
        &["assigned", "--by", "张三", "--unit", "县医保局", "--deadline", "下周五", "--measure", "修复"],
    ));
    assert!(err.contains("--deadline 下周五"), "{err}");
    let err = office.refused(&set_status(&ids[0], &["not-a-problem", "--by", "张三"]));
    assert!(err.contains("--note"), "{err}");
    let err = office.refused(&set_status(&ids[0], &["--by", "张三"]));
    assert!(err.contains("STATUS") && err.contains("--reopen"), "{err}");
    let err = office.refused(&set_status("01ZZZZZZZZ", &["confirmed", "--by", "张三"]));
    assert!(err.contains("01ZZZZZZZZ") && err.contains("没有这个编号的问题"), "{err}");
    // Two findings made in the same second share their first characters.
    let common = ids[0].chars().zip(ids[1].chars()).take_while(|(a, b)| a == b).count();
    let prefix = &ids[0][..common.max(1)];
    let err = office.refused(&set_status(prefix, &["confirmed", "--by", "张三"]));
    assert!(err.contains("有 2 个问题") && err.contains(&ids[0]) && err.contains(&ids[1]), "{err}");
    assert_eq!(office.findings(), before);
}

#[test]
fn reopening() {
    let office = Office::new();
    let ids = office.seed(&[("医保政策宣传单过期", 0, "县医保局", FUTURE, Closed)]);
    let id = ids[0].as_str();
    let err = office.refused(&set_status(id, &["--reopen", "--by", "王五"]));
    assert!(err.contains("--note"), "{err}");
    let err = office.refused(&set_status(id, &["confirmed", "--reopen", "--by", "王五", "--note", "回访发现仍未更新"]));
    assert!(err.contains("整改中") && err.contains("已核查"), "it names the target: {err}");
    let out = office.ok(&set_status(id, &["--reopen", "--by", "王五", "--note", "回访发现仍未更新"]));
    assert!(out.contains("已销号 -> 整改中"), "{out}");
    let f = office.finding(id);
    assert_eq!((&f["status"], &f["closed_by"], &f["closed_on"]), (&j("rectifying"), &j(""), &Json::Null));
    let last = f["moves"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((&last["reopen"], &last["note"], &last["by"]), (&j(true), &j("回访发现仍未更新"), &j("王五")));
    assert_eq!(f["moves"].as_array().unwrap().len(), 6, "the history is kept");
    // STATUS may be given with --reopen when it is the target.
    let ids = office.seed(&[("社保卡补领需跑两次", 1, "", "", Found)]);
    let mut store = Store::open(&office.store_path()).unwrap();
    let fid = tiyan::domain::op::parse_entity_id(&ids[0]).unwrap();
    let f = Finding::from_record(store.record(EntityKind::Finding, fid).unwrap().unwrap());
    let mut fix = MoveRequest::new(Rectified, "张三");
    fix.evidence = "当场补办".into();
    store
        .apply(&rectify::changes(&f, &fix, 0, day("2026-11-10"), tiyan::domain::op::new_entity_id()).unwrap())
        .unwrap();
    drop(store);
    office.ok(&set_status(&ids[0], &["已核查", "--reopen", "--by", "王五", "--note", "群众再次反映"]));
    assert_eq!(office.finding(&ids[0])["status"], "confirmed");
}

#[test]
fn list_findings_filters() {
    let office = Office::new();
    let ids = office.seed(&[
        ("a 医保窗口排队久", 0, "县医保局", PAST, Rectifying),
        ("b 医保宣传单过期", 0, "县医保局", FUTURE, Assigned),
        ("c 婚姻登记预约难", 1, "县民政局", PAST, Assigned),
        ("d 民政窗口无人", 1, "县民政局", PAST, Rectified),
        ("e 叫号屏故障", 1, "", "", Found),
        ("f 态度问题", 1, "", "", NotAProblem),
    ]);
    let shown = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["list", "findings", "--json"];
        all.extend_from_slice(args);
        let json = office.json(&all);
        json.as_array().unwrap().iter().map(|f| f["description"].as_str().unwrap()[..1].to_string()).collect()
    };
    assert_eq!(shown(&[]).len(), 6);
    assert_eq!(shown(&["--status", "assigned,整改中"]), ["a", "b", "c"]);
    assert_eq!(shown(&["--status", "found", "--status", "不成立"]), ["e", "f"]);
    assert_eq!(shown(&["--unit", "县民政局"]), ["c", "d"]);
    assert_eq!(shown(&["--unit", "County Medical Security Bureau"]), ["a", "b"]);
    assert_eq!(shown(&["--unit", " 县医保局 "]), ["a", "b"]);
    assert_eq!(shown(&["--unit", "待定责"]), ["e", "f"]);
    assert_eq!(shown(&["--overdue"]), ["a", "c"], "rectified (d) is not overdue");
    assert_eq!(shown(&["--overdue", "--unit", "县民政局", "--status", "assigned"]), ["c"]);
    let session = office.finding(&ids[0])["session_id"].as_str().unwrap().to_string();
    assert_eq!(shown(&["--session", &session[..22], "--overdue"]), ["a"]);
    let a = office.finding(&ids[0]);
    assert_eq!((&a["due"], &a["deadline"]), (&j("overdue"), &j(PAST)));
    assert!(a["days_overdue"].as_i64().unwrap() > 300);
    let b = office.finding(&ids[1]);
    assert_eq!((&b["due"], &b["days_overdue"]), (&j("on-time"), &Json::Null));
    assert_eq!(office.finding(&ids[4])["due"], Json::Null);
    let err = office.refused(&["list", "findings", "--status", "finished"]);
    assert!(err.contains("--status finished"), "{err}");
    // The plain listing follows the filter too.
    let plain = office.ok(&["list", "findings", "--overdue"]);
    assert_eq!(plain.lines().count(), 2, "{plain}");
    assert!(plain.contains("婚姻登记预约难") && plain.contains("医保窗口排队久"), "{plain}");
}

#[test]
fn ledger_counts_table_and_reminders() {
    let office = Office::new();
    office.seed(&[
        ("医保窗口排队久", 0, "县医保局", PAST, Rectifying),
        ("医保宣传单过期", 0, "县医保局", FUTURE, Closed),
        ("婚姻登记预约难", 1, "县民政局", PAST, Assigned),
        ("叫号屏故障", 1, "", "", Found),
        ("态度问题", 1, "", "", NotAProblem),
    ]);
    let json = office.json(&["ledger", "--json"]);
    let c = &json["counts"];
    assert_eq!(
        (&c["walks_done"], &c["found"], &c["on_the_spot"], &c["overdue"], &c["closed"], &c["not_a_problem"]),
        (&j(2), &j(4), &j(0), &j(2), &j(1), &j(1))
    );
    assert_eq!(c["close_rate"], 0.25);
    let units: Vec<(&str, i64, i64, i64, i64, i64)> = json["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            let n = |k: &str| u[k].as_i64().unwrap();
            (u["unit"].as_str().unwrap(), n("found"), n("rectifying"), n("overdue"), n("closed"), n("total"))
        })
        .collect();
    assert_eq!(units, [("县医保局", 2, 1, 1, 1, 2), ("县民政局", 1, 1, 1, 0, 1), ("", 1, 0, 0, 0, 2)]);

    let week = office.json(&["ledger", "--json", "--from", "2026-11-09", "--to", "2026-11-15"]);
    assert_eq!((&week["counts"]["walks_done"], &week["counts"]["found"]), (&j(1), &j(2)));
    let theme = office.json(&["ledger", "--json", "--theme", "医保服务"]);
    assert_eq!((&theme["counts"]["walks_done"], &theme["counts"]["closed"]), (&j(1), &j(1)));

    let table = office.ok(&["ledger"]);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0], "走流程 2 次，发现问题 4 个，立行立改 0 个，逾期 2 个，已销号 1 个，销号率 25%");
    assert!(lines[1].contains("1 个问题经核查不成立"), "{table}");
    let header = lines.iter().position(|l| l.starts_with("责任单位")).unwrap();
    assert_eq!(lines[header], "责任单位  问题   整改中  逾期   已销号  合计");
    assert_eq!(lines[header + 1], "县医保局  2      1       1      1       2");
    assert_eq!(lines[header + 3], "待定责    1      0       0      0       2");

    let letter = office.ok(&["ledger", "--reminders"]);
    assert!(letter.starts_with("督查提醒函\n日期："), "{letter}");
    assert!(letter.contains("2 个单位共 2 个问题已超过整改时限"), "{letter}");
    assert!(
        letter.contains("\n县医保局（逾期 1 项）\n1. 序号 1，体验事项：医保报销\n   问题描述：医保窗口排队久\n"),
        "{letter}"
    );
    assert!(letter.contains(&format!("   整改时限：{PAST}，逾期 ")), "{letter}");
    let only = office.ok(&["ledger", "--reminders", "--unit", "县民政局"]);
    assert!(only.contains("县民政局（逾期 1 项）") && !only.contains("县医保局"), "{only}");

    let err = office.refused(&["ledger", "--from", "上周一"]);
    assert!(err.contains("--from 上周一"), "{err}");
    let err = office.refused(&["ledger", "--from", "2026-11-10", "--to", "2026-11-01"]);
    assert!(err.contains("--from 2026-11-10") && err.contains("--to 2026-11-01"), "{err}");
    let err = office.refused(&["ledger", "--theme", "飞行服务"]);
    assert!(err.contains("--theme 飞行服务") && err.contains("medical_insurance"), "{err}");
}

#[test]
fn inspector_name_is_shown_set_and_used_as_who_acts() {
    let office = Office::new();
    let ids = office.seed(&[("取号机缺纸", 0, "", "", Found)]);
    assert!(office.ok(&["inspector"]).contains("尚未设置经办人"));
    let err = office.refused(&set_status(&ids[0], &["confirmed"]));
    assert!(err.contains("经办人不能为空") && err.contains("--by"), "{err}");
    assert_eq!(office.ok(&["inspector", " 王芳 "]).trim(), "经办人已设为：王芳");
    assert_eq!(office.ok(&["inspector"]).trim(), "经办人：王芳");
    assert!(office.refused(&["inspector", "  "]).contains("姓名不能为空"));
    office.ok(&set_status(&ids[0], &["confirmed"]));
    assert_eq!(office.finding(&ids[0])["moves"][0]["by"], "王芳");
}

#[test]
fn a_profile_held_open_exits_3_and_is_untouched() {
    let office = Office::new();
    let ids = office.seed(&[("窗口无人值守", 0, "", "", Found)]);
    let store = Store::open(&office.store_path()).unwrap();
    let ops = store.op_count().unwrap();
    let out = office.tiyan(&set_status(&ids[0], &["confirmed", "--by", "张三"]));
    assert_eq!(out.status.code(), Some(3), "{:?}", text(&out));
    assert_eq!(store.op_count().unwrap(), ops);
    drop(store);
    assert_eq!(office.finding(&ids[0])["status"], "found");
}

#[test]
fn a_deadline_given_in_working_days_is_counted_on_the_holiday_calendar() {
    let office = Office::new();
    let ids = office.seed(&[("叫号屏不显示窗口号", 0, "", "", Confirmed), ("自助机缺纸", 0, "", "", Confirmed)]);
    office.ok(&set_status(
        &ids[0],
        &["assigned", "--by", "张三", "--unit", "县医保局", "--deadline", "5个工作日", "--measure", "修复叫号屏"],
    ));
    // Today as the binary saw it (TZ=UTC); the run may cross midnight, so either day is right.
    let today = chrono::Utc::now().date_naive();
    let calendar = tiyan::holidays::shipped();
    let expected: Vec<String> = [today.pred_opt().unwrap(), today]
        .iter()
        .map(|d| calendar.add_working_days(*d, 5).format("%Y-%m-%d").to_string())
        .collect();
    let deadline = office.findings()[0]["deadline"].as_str().unwrap().to_string();
    assert!(expected.contains(&deadline), "{deadline} not in {expected:?}");
    // A bare number is refused: working days or calendar days?
    let err = office.refused(&set_status(
        &ids[1],
        &["assigned", "--by", "张三", "--unit", "县医保局", "--deadline", "5", "--measure", "补纸"],
    ));
    assert!(err.contains("--deadline 5") && err.contains("5个工作日"), "{err}");
}

#[test]
fn a_unit_is_resolved_as_the_picker_ranks_it() {
    let office = Office::new();
    let ids = office.seed(&[
        ("叫号屏不显示窗口号", 0, "", "", Confirmed),
        ("营业执照打印机故障", 1, "县市场监管局", FUTURE, Assigned),
        ("自助机缺纸", 0, "", "", Confirmed),
    ]);
    let assign = |id: &str, unit: &str, extra: &[&str]| {
        let mut args = set_status(id, &["assigned", "--by", "张三", "--unit", unit]);
        args.extend_from_slice(&["--deadline", FUTURE, "--measure", "修复"]);
        args.extend_from_slice(extra);
        args.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let before = office.findings();
    // Several match: refused, naming them (up to 8 and how many more), nothing written.
    let err = office.refused(&refs(&assign(&ids[0], "县", &[])));
    assert!(err.contains("--unit 县：与 35 个责任单位匹配") && err.contains("另有 27 个"), "{err}");
    assert!(err.contains("--free-text"), "{err}");
    // None match: refused, with the way out.
    let err = office.refused(&refs(&assign(&ids[0], "yyy", &[])));
    assert!(err.contains("--unit yyy：责任单位中没有与之匹配的") && err.contains("--free-text"), "{err}");
    assert_eq!(office.findings(), before);
    // One clear match by pinyin initials: stored by its Chinese name.
    office.ok(&refs(&assign(&ids[0], "yb", &[])));
    assert_eq!(office.finding(&ids[0])["unit"], "县医保局");
    // --free-text keeps an unlisted name as typed.
    office.ok(&refs(&assign(&ids[2], " 县数据局 ", &["--free-text"])));
    assert_eq!(office.finding(&ids[2])["unit"], "县数据局");
    // The filters resolve alike: scjg is 县市场监管局, not the literal text "scjg".
    let shown = office.json(&["list", "findings", "--json", "--unit", "scjg"]);
    assert_eq!(shown.as_array().unwrap().len(), 1, "{shown}");
    assert_eq!(shown[0]["id"], ids[1].as_str());
    let ledger = office.json(&["ledger", "--json", "--unit", "yb"]);
    assert_eq!(ledger["units"][0]["unit"], "县医保局", "{ledger}");
    let literal = office.json(&["list", "findings", "--json", "--unit", "县数据局", "--free-text"]);
    assert_eq!(literal.as_array().unwrap().len(), 1);
    let err = office.refused(&["list", "findings", "--unit", "县数据局"]);
    assert!(err.contains("--unit 县数据局"), "{err}");
    // A theme by the same ranking.
    let theme = office.json(&["ledger", "--json", "--theme", "医保"]);
    assert_eq!(theme["counts"]["walks_done"], 1, "{theme}");
}

fn refs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

#[test]
fn a_prefix_shared_with_a_deleted_finding_names_the_live_one() {
    let office = Office::new();
    let ids = office.seed(&[("取号机缺纸", 0, "", "", Found), ("取号机缺纸（重复录入）", 0, "", "", Found)]);
    let common = ids[0].chars().zip(ids[1].chars()).take_while(|(a, b)| a == b).count();
    let prefix = &ids[0][..common.max(1)];
    assert!(office.refused(&set_status(prefix, &["confirmed", "--by", "张三"])).contains("有 2 个问题"));
    let mut store = Store::open(&office.store_path()).unwrap();
    let dup = tiyan::domain::op::parse_entity_id(&ids[1]).unwrap();
    store.apply(&[Change::set(EntityKind::Finding, dup, ff::DELETED, Value::Bool(true))]).unwrap();
    drop(store);
    office.ok(&set_status(prefix, &["confirmed", "--by", "张三"]));
    assert_eq!(office.finding(&ids[0])["status"], "confirmed");
    // The whole id of the deleted one still names it, so the refusal says why.
    let err = office.refused(&set_status(&ids[1], &["confirmed", "--by", "张三"]));
    assert!(!err.contains("没有这个编号"), "{err}");
}

#[test]
fn a_past_deadline_is_taken_with_a_warning_and_a_year_out_of_range_is_refused() {
    let office = Office::new();
    let ids = office.seed(&[("叫号屏不显示窗口号", 0, "", "", Confirmed)]);
    let assign = |deadline: &'static str| {
        let mut args = set_status(&ids[0], &["assigned", "--by", "张三", "--unit", "县医保局"]);
        args.extend_from_slice(&["--measure", "修复叫号屏", "--deadline", deadline]);
        office.tiyan(&args)
    };
    for deadline in ["1999-12-31", "2101-01-01", "21010101"] {
        let out = assign(deadline);
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{deadline}: {stderr}");
        assert!(stderr.contains("日期须在 2000 年至 2100 年之间"), "{stderr}");
    }
    let out = assign(PAST);
    let (_, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains(&format!("--deadline {PAST}：{PAST} 早于今天")), "{stderr}");
    assert_eq!(office.finding(&ids[0])["deadline"], PAST);
    let err = office.refused(&["ledger", "--from", "1900-01-01"]);
    assert!(err.contains("--from 1900-01-01") && err.contains("2000"), "{err}");
}

impl Office {
    /// Runs without `--lang`, in the locale `lang` (LANG; LC_ALL and LC_MESSAGES unset), and
    /// expects success; returns stdout.
    fn in_locale(&self, lang: &str, args: &[&str]) -> String {
        let home: &Path = self.home.path();
        let out = Command::new(BIN)
            .args(["--home", home.to_str().unwrap(), "--profile", PROFILE])
            .args(args)
            .env("TZ", "UTC")
            .env("LANG", lang)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .output()
            .unwrap();
        let (stdout, stderr) = text(&out);
        assert!(out.status.success(), "tiyan {args:?} failed: {stderr}");
        stdout
    }
}

/// Finishing a session with the queue running ends its open tickets (计时结束): `list tickets
/// --json` says `ended` (outcome and state) and when; one ended while served keeps its service
/// up to the end and its wait, one ended while waiting has neither.
#[test]
fn tickets_ended_with_their_session_in_list_tickets() {
    use tiyan::domain::{Stamp, Step, Ticket};
    let office = Office::new();
    let mut store = Store::open(&office.store_path()).unwrap();
    let session = tiyan::domain::op::new_entity_id();
    store.apply(&[Change::set(EntityKind::Session, session, sf::ITEM, Value::text("不动产登记"))]).unwrap();
    let t0 = day("2026-11-09").and_hms_opt(9, 0, 0).unwrap().and_utc().timestamp_millis();
    let at = |secs: i64| Stamp { wall_ms: t0 + secs * 1000, run: 1, mono_ms: secs * 1000 };
    for (number, steps) in [
        ("A001", vec![(Step::Called, 100), (Step::Serving, 160), (Step::Ended, 700)]),
        ("A002", vec![(Step::Ended, 700)]),
    ] {
        let (id, changes) =
            Ticket::create(tiyan::domain::op::new_entity_id(), session, number, "3号窗口", "不动产登记", at(0));
        store.apply(&changes).unwrap();
        for (step, secs) in steps {
            let t = store.tickets_of(session).unwrap().into_iter().find(|t| t.id == id).unwrap();
            store.apply(&[t.step_change(step, at(secs), "")]).unwrap();
        }
    }
    drop(store);
    let json = office.json(&["list", "tickets", "--json"]);
    let by_number = |n: &str| json.as_array().unwrap().iter().find(|t| t["number"] == n).cloned().unwrap();
    let served = by_number("A001");
    assert_eq!((&served["outcome"], &served["state"]), (&j("ended"), &j("ended")));
    assert_eq!((&served["wait_secs"], &served["service_secs"]), (&j(100), &j(540)));
    assert_eq!(served["ended_at"], "2026-11-09T09:11:40+00:00");
    let waiting = by_number("A002");
    assert_eq!((&waiting["outcome"], &waiting["state"]), (&j("ended"), &j("ended")));
    assert_eq!((&waiting["wait_secs"], &waiting["service_secs"]), (&Json::Null, &Json::Null));
    // The table says it in words: 计时结束, the service time kept.
    let table = office.ok(&["list", "tickets"]);
    let row = table.lines().find(|l| l.contains("A001")).unwrap();
    assert!(row.contains("计时结束") && row.trim_end().ends_with("9:00"), "{table}");
}

/// Command output is in the locale's language: a Chinese locale gets no English headers,
/// states or summaries; an English one gets English; the JSON is the same in both.
#[test]
fn command_output_speaks_the_locale_and_json_does_not_change() {
    let office = Office::new();
    let zh = "zh_CN.UTF-8";
    let en = "en_US.UTF-8";
    let demo = office.in_locale(zh, &["demo", "--sessions", "3", "--seed", "7"]);
    assert!(demo.contains("已添加 3 个体验活动") && !demo.contains("added"), "{demo}");
    let sessions = office.json(&["list", "sessions", "--json"]);
    let session = sessions[0]["id"].as_str().unwrap().to_string();
    let commands: [&[&str]; 5] = [
        &["list", "sessions"],
        &["list", "checks", "--session", &session],
        &["list", "tickets"],
        &["stats", "waits"],
        &["stats", "waits", "--by", "window"],
    ];
    let english = [
        "open", "finished", "answered", "pass ", "score", "taken", "number", "state", "wait", "service", "count",
        "median", "max", "over", "left", "window", "all",
    ];
    for args in commands {
        let out = office.in_locale(zh, args);
        // Stored text (items, places, template ids) may hold ASCII; the words we print may not.
        let ours: Vec<&str> = english.iter().copied().filter(|w| out.contains(w)).collect();
        assert!(ours.is_empty(), "{args:?} in Chinese says {ours:?}:\n{out}");
        let out = office.in_locale(en, args);
        assert!(!out.contains("进行中") && !out.contains("已答") && !out.contains("人数"), "{args:?}:\n{out}");
    }
    assert!(office.in_locale(zh, &["list", "tickets"]).starts_with("编号"));
    assert!(office.in_locale(en, &["list", "tickets"]).starts_with("id "));
    assert!(office.in_locale(en, &["stats", "waits"]).starts_with("all "));
    assert!(office.in_locale(zh, &["list", "checks", "--session", &session]).contains("已答 "));
    // The JSON is a contract: the same whatever the language.
    for args in [
        &["list", "sessions", "--json"][..],
        &["list", "checks", "--session", &session, "--json"],
        &["list", "findings", "--json"],
        &["stats", "waits", "--json"],
    ] {
        assert_eq!(office.in_locale(zh, args), office.in_locale(en, args), "{args:?}");
    }
}
