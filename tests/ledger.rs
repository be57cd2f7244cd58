//! The ledger (整改台账) against a hand-built hall: four walks and a deleted one, findings
//! taken through real moves on a real store, read back as the CLI reads them. Every figure
//! below is counted by hand from the table in `hall()`. Today is 2026-11-22 (TZ pinned to UTC).

use crate::rectify_fixtures::{Desk, day, request};
use chrono::NaiveDate;
use tiyan::domain::FindingStatus::*;
use tiyan::domain::ledger::{self, Counts, LedgerFilter, SessionIndex, UnitRow};
use tiyan::domain::rectify::{self, Due, MoveRequest};
use tiyan::domain::session::field as sf;
use tiyan::domain::{Change, EntityId, EntityKind, Finding, Session, Value};
use tiyan::i18n::{Lang, Strings};

const TODAY: &str = "2026-11-22";

fn at(date: &str) -> i64 {
    day(date).and_hms_opt(9, 30, 0).unwrap().and_utc().timestamp_millis()
}

struct Hall {
    desk: Desk,
    sessions: Vec<Session>,
    findings: Vec<Finding>,
    /// Session ids by letter: a b c d (e is deleted).
    ids: Vec<EntityId>,
}

impl Hall {
    fn index(&self) -> SessionIndex<'_> {
        SessionIndex::new(&self.sessions)
    }

    /// The descriptions of the findings `filter` keeps, in ledger order.
    fn shown(&self, filter: &LedgerFilter, today: NaiveDate) -> Vec<&str> {
        let index = self.index();
        ledger::filter(&self.findings, &index, filter, today).iter().map(|&i| self.code(i)).collect()
    }

    /// Each finding's description starts with its code (a1, b2 …).
    fn code(&self, i: usize) -> &str {
        self.findings[i].description.split(' ').next().unwrap()
    }

    fn counts(&self, filter: &LedgerFilter) -> Counts {
        ledger::counts(&self.index(), &self.findings, filter, day(TODAY))
    }

    fn units(&self, filter: &LedgerFilter) -> Vec<UnitRow> {
        ledger::by_unit(&self.findings, &self.index(), filter, day(TODAY))
    }

    fn get(&self, code: &str) -> &Finding {
        self.findings.iter().find(|f| f.description.starts_with(&format!("{code} "))).unwrap()
    }
}

/// Assigned to `unit` by 8 Nov with a deadline and an owner, then (when `rectifying`) 整改中.
fn assign(desk: &mut Desk, id: EntityId, unit: &str, deadline: &str, owner: &str, rectifying: bool) {
    let when = at("2026-11-08");
    desk.step(id, &request(Confirmed, "", ""), when, day("2026-11-08"));
    let mut req = request(Assigned, unit, deadline);
    req.assignment.owner = owner.into();
    desk.step(id, &req, when + 60_000, day("2026-11-08"));
    if rectifying {
        desk.step(id, &request(Rectifying, "", ""), when + 120_000, day("2026-11-08"));
    }
}

/// Found → rectified on the spot by 张三.
fn on_the_spot(desk: &mut Desk, id: EntityId, when: i64) {
    let mut req = MoveRequest::new(Rectified, "张三");
    req.evidence = "当场整改到位".into();
    let date = chrono::DateTime::from_timestamp_millis(when).unwrap().date_naive();
    desk.step(id, &req, when, date);
}

///  code | walk (date, theme)            | status        | unit             | deadline | note
///  a1   | A 医保报销 11-02 医保服务      | 整改中        | 县医保局         | 11-15    | overdue 7, owner 赵科长
///  a2   | A                              | 已销号        | 县医保局         | 11-20    |
///  a3   | A                              | 已整改        | -                | -        | 立行立改
///  a4   | A                              | 不成立        | -                | -        |
///  b1   | B 企业开办 11-09 市场准入      | 已定责        | 县市场监管局     | 11-21    | overdue 1
///  b2   | B                              | 已定责        | 县市场监管局     | 11-22    | due today
///  b3   | B                              | 整改中        | 县税务局         | 11-25    | due in 3
///  b4   | B                              | 已核查        | -                | -        |
///  c1   | C 不动产登记 11-16 不动产      | 已整改        | 县规划自然资源局 | 11-10    | rectified late: not overdue
///  c2   | C                              | 待核查        | -                | -        |
///  c3   | C                              | 已销号        | -                | -        | 立行立改, closed by 李四
///  c4   | C                              | 已定责        | 县规划自然资源局 | 11-26    | 4 days left
///  d1   | D 婚姻登记 11-21 婚育服务      | 整改中        | 县民政局         | 11-18    | overdue 4, owner 钱主任
///  e1   | E (deleted) 11-10              | 整改中        | 县公安局         | 11-01    | never shown
fn hall() -> Hall {
    let mut desk = Desk::new();
    let a = desk.session("医保报销", "medical_insurance", at("2026-11-02"));
    let b = desk.session("企业开办", "market_access", at("2026-11-09"));
    let c = desk.session("不动产登记", "real_estate", at("2026-11-16"));
    // 23:59 UTC: still the 21st.
    let d = desk.session("婚姻登记", "marriage_birth", at("2026-11-21") + 14 * 3_600_000 + 29 * 60_000);
    let e = desk.session("户口迁移", "livelihood", at("2026-11-10"));

    let f = |desk: &mut Desk, s: EntityId, seq: i64, text: &str, date: &str| desk.finding(s, seq, text, at(date));
    let a1 = f(&mut desk, a, 1, "a1 医保报销窗口只开一个，群众排队超过一小时", "2026-11-02");
    assign(&mut desk, a1, "县医保局", "2026-11-15", "赵科长", true);
    let a2 = f(&mut desk, a, 2, "a2 医保政策宣传单已过期", "2026-11-02");
    desk.bring_to(a2, Closed, "县医保局", "2026-11-20", at("2026-11-03"));
    let a3 = f(&mut desk, a, 3, "a3 自助机不能打印医保结算单", "2026-11-02");
    on_the_spot(&mut desk, a3, at("2026-11-02"));
    let a4 = f(&mut desk, a, 4, "a4 群众反映窗口人员态度差", "2026-11-02");
    desk.bring_to(a4, NotAProblem, "", "", at("2026-11-03"));

    let b1 = f(&mut desk, b, 1, "b1 企业开办一窗通系统登录慢", "2026-11-09");
    assign(&mut desk, b1, "县市场监管局", "2026-11-21", "", false);
    let b2 = f(&mut desk, b, 2, "b2 营业执照打印需另行排队", "2026-11-09");
    assign(&mut desk, b2, "县市场监管局", "2026-11-22", "", false);
    let b3 = f(&mut desk, b, 3, "b3 税务登记需重复提交材料", "2026-11-09");
    assign(&mut desk, b3, "县税务局", "2026-11-25", "", true);
    let b4 = f(&mut desk, b, 4, "b4 印章刻制要求跑两次", "2026-11-09");
    desk.bring_to(b4, Confirmed, "", "", at("2026-11-10"));

    let c1 = f(&mut desk, c, 1, "c1 不动产登记材料清单与实际不一致", "2026-11-16");
    desk.bring_to(c1, Rectified, "县规划自然资源局", "2026-11-10", at("2026-11-17"));
    f(&mut desk, c, 2, "c2 不动产登记叫号屏故障", "2026-11-16");
    let c3 = f(&mut desk, c, 3, "c3 不动产查询自助机无引导", "2026-11-16");
    on_the_spot(&mut desk, c3, at("2026-11-16"));
    desk.step(c3, &MoveRequest::new(Closed, "李四"), at("2026-11-17"), day("2026-11-17"));
    let c4 = f(&mut desk, c, 4, "c4 抵押登记需到两个窗口", "2026-11-16");
    assign(&mut desk, c4, "县规划自然资源局", "2026-11-26", "", false);

    let d1 = f(&mut desk, d, 1, "d1 婚姻登记预约系统无法选择日期", "2026-11-21");
    assign(&mut desk, d1, "县民政局", "2026-11-18", "钱主任", true);

    let e1 = f(&mut desk, e, 1, "e1 户口迁移需开具证明", "2026-11-10");
    assign(&mut desk, e1, "县公安局", "2026-11-01", "", true);
    desk.store.apply(&[Change::set(EntityKind::Session, e, sf::DELETED, Value::Bool(true))]).unwrap();

    let sessions = desk.sessions();
    let findings = desk.store.all_findings().unwrap();
    Hall { desk, sessions, findings, ids: vec![a, b, c, d] }
}

fn all() -> LedgerFilter {
    LedgerFilter::default()
}

#[test]
fn the_store_gives_what_the_table_says() {
    let h = hall();
    assert_eq!(h.sessions.len(), 4, "the deleted walk is not read");
    assert_eq!(h.findings.len(), 13);
    let status = |code: &str| h.get(code).status;
    let expected = [
        ("a1", Rectifying),
        ("a2", Closed),
        ("a3", Rectified),
        ("a4", NotAProblem),
        ("b1", Assigned),
        ("b2", Assigned),
        ("b3", Rectifying),
        ("b4", Confirmed),
        ("c1", Rectified),
        ("c2", Found),
        ("c3", Closed),
        ("c4", Assigned),
        ("d1", Rectifying),
    ];
    for (code, s) in expected {
        assert_eq!(status(code), s, "{code}");
    }
    assert_eq!(h.desk.read(h.get("c3").id).closed_by, "李四");
}

#[test]
fn with_no_filter_every_live_finding_shows() {
    let h = hall();
    assert_eq!(h.shown(&all(), day(TODAY)).len(), 13);
}

#[test]
fn each_filter_alone() {
    let h = hall();
    let today = day(TODAY);
    let by = |f: LedgerFilter| h.shown(&f, today);
    assert_eq!(by(LedgerFilter { statuses: vec![Rectifying], ..all() }), ["a1", "b3", "d1"]);
    assert_eq!(
        by(LedgerFilter { statuses: vec![Assigned, Rectifying], ..all() }),
        ["a1", "b1", "b2", "b3", "c4", "d1"]
    );
    assert_eq!(by(LedgerFilter { statuses: vec![Closed, NotAProblem], ..all() }), ["a2", "a4", "c3"]);
    assert_eq!(by(LedgerFilter { unit: Some("县市场监管局".into()), ..all() }), ["b1", "b2"]);
    assert_eq!(by(LedgerFilter { unit: Some(" 县医保局 ".into()), ..all() }), ["a1", "a2"], "trimmed");
    assert_eq!(by(LedgerFilter { unit: Some(String::new()), ..all() }), ["a3", "a4", "b4", "c2", "c3"], "no unit");
    assert_eq!(by(LedgerFilter { unit: Some("县公安局".into()), ..all() }), Vec::<&str>::new(), "deleted walk");
    assert_eq!(by(LedgerFilter { overdue: true, ..all() }), ["a1", "b1", "d1"]);
    assert_eq!(by(LedgerFilter { session: Some(h.ids[1]), ..all() }), ["b1", "b2", "b3", "b4"]);
    assert_eq!(by(LedgerFilter { theme: Some("real_estate".into()), ..all() }), ["c1", "c2", "c3", "c4"]);
    assert_eq!(by(LedgerFilter { theme: Some("travel".into()), ..all() }), Vec::<&str>::new());
}

#[test]
fn date_range_is_on_the_walk_date_both_ends_included() {
    let h = hall();
    let today = day(TODAY);
    let range = |from: Option<&str>, to: Option<&str>| {
        h.shown(&LedgerFilter { from: from.map(day), to: to.map(day), ..all() }, today)
    };
    let b_and_c = ["b1", "b2", "b3", "b4", "c1", "c2", "c3", "c4"];
    assert_eq!(range(Some("2026-11-09"), Some("2026-11-16")), b_and_c);
    assert_eq!(range(Some("2026-11-10"), Some("2026-11-15")), Vec::<&str>::new());
    assert_eq!(range(None, Some("2026-11-02")), ["a1", "a2", "a3", "a4"]);
    // The walk of 21 Nov began at 23:59: its findings belong to the 21st, not the 22nd.
    assert_eq!(range(Some("2026-11-21"), Some("2026-11-21")), ["d1"]);
    assert_eq!(range(Some("2026-11-22"), None), Vec::<&str>::new());
    // a1 was assigned in B's week, but it was found on A's walk: the walk's date counts.
    assert!(!range(Some("2026-11-08"), None).contains(&"a1"));
}

#[test]
fn filters_combined() {
    let h = hall();
    let today = day(TODAY);
    let by = |f: LedgerFilter| h.shown(&f, today);
    assert_eq!(by(LedgerFilter { overdue: true, theme: Some("market_access".into()), ..all() }), ["b1"]);
    assert_eq!(by(LedgerFilter { overdue: true, from: Some(day("2026-11-10")), ..all() }), ["d1"]);
    assert_eq!(
        by(LedgerFilter {
            statuses: vec![Assigned],
            unit: Some("县市场监管局".into()),
            from: Some(day("2026-11-09")),
            to: Some(day("2026-11-09")),
            ..all()
        }),
        ["b1", "b2"]
    );
    assert_eq!(by(LedgerFilter { statuses: vec![Assigned], session: Some(h.ids[2]), ..all() }), ["c4"]);
    assert_eq!(by(LedgerFilter { overdue: true, unit: Some("县税务局".into()), ..all() }), Vec::<&str>::new());
    assert_eq!(by(LedgerFilter { statuses: vec![Closed], theme: Some("medical_insurance".into()), ..all() }), ["a2"]);
}

#[test]
fn a_finding_whose_session_is_unknown_is_dated_by_itself_and_has_no_theme() {
    let h = hall();
    let a1 = h.get("a1");
    let today = day(TODAY);
    let on = |from: &str, to: &str| LedgerFilter { from: Some(day(from)), to: Some(day(to)), ..all() };
    assert!(on("2026-11-02", "2026-11-02").matches(a1, None, today));
    assert!(!on("2026-11-03", "2026-11-30").matches(a1, None, today));
    assert!(!LedgerFilter { theme: Some("medical_insurance".into()), ..all() }.matches(a1, None, today));
    let session = h.sessions.iter().find(|s| s.id == a1.session_id);
    assert!(LedgerFilter { theme: Some("medical_insurance".into()), ..all() }.matches(a1, session, today));
    // The index knows no session: the same findings are kept by their own dates.
    let empty = SessionIndex::default();
    let kept = ledger::filter(&h.findings, &empty, &on("2026-11-16", "2026-11-16"), today);
    assert_eq!(kept.iter().map(|&i| h.code(i)).collect::<Vec<_>>(), ["c1", "c2", "c3", "c4"]);
}

#[test]
fn due_and_overdue_at_the_day_boundary() {
    let h = hall();
    let today = day(TODAY);
    let due = |code: &str| rectify::due(h.get(code), today);
    assert_eq!(due("b1"), Due::Overdue { days_over: 1 }, "deadline yesterday");
    assert_eq!(due("b2"), Due::Soon { days_left: 0 }, "deadline today: not yet overdue");
    assert_eq!(due("b3"), Due::Soon { days_left: 3 });
    assert_eq!(due("c4"), Due::OnTime { days_left: 4 });
    assert_eq!(due("c1"), Due::NotDue, "rectified after its deadline is not overdue");
    assert_eq!(due("a2"), Due::NotDue);
    let overdue = LedgerFilter { overdue: true, ..all() };
    // A day later b2's deadline has passed too.
    assert_eq!(h.shown(&overdue, day("2026-11-23")), ["a1", "b1", "b2", "d1"]);
    assert_eq!(h.counts(&all()).overdue, 3);
}

#[test]
fn sort_by_deadline_earliest_first_then_by_walk_and_number() {
    let h = hall();
    let mut idx = ledger::filter(&h.findings, &h.index(), &all(), day(TODAY));
    ledger::sort_by_deadline(&mut idx, &h.findings);
    let order: Vec<&str> = idx.iter().map(|&i| h.code(i)).collect();
    assert_eq!(order, ["c1", "a1", "d1", "a2", "b1", "b2", "b3", "c4", "a3", "a4", "b4", "c2", "c3"]);
}

fn counts(walks_done: usize, found: usize, on_the_spot: usize, overdue: usize, closed: usize, nap: usize) -> Counts {
    let close_rate = (found > 0).then(|| closed as f64 / found as f64);
    Counts { walks_done, found, on_the_spot, overdue, closed, not_a_problem: nap, close_rate }
}

#[test]
fn the_weekly_counts() {
    let h = hall();
    let c = h.counts(&all());
    assert_eq!(c, counts(4, 12, 2, 3, 2, 1));
    assert_eq!(c.close_rate, Some(2.0 / 12.0));
    let week = LedgerFilter { from: Some(day("2026-11-09")), to: Some(day("2026-11-16")), ..all() };
    assert_eq!(h.counts(&week), counts(2, 8, 1, 1, 1, 0));
    let medical = LedgerFilter { theme: Some("medical_insurance".into()), ..all() };
    assert_eq!(h.counts(&medical), counts(1, 3, 1, 1, 1, 1));
    assert_eq!(h.counts(&LedgerFilter { session: Some(h.ids[3]), ..all() }), counts(1, 1, 0, 1, 0, 0));
    // A walk has no unit: the unit narrows the findings, not the walks.
    assert_eq!(h.counts(&LedgerFilter { unit: Some("县医保局".into()), ..all() }), counts(4, 2, 0, 1, 1, 0));
    // The counts are by status themselves: status and overdue do not narrow them.
    assert_eq!(h.counts(&LedgerFilter { statuses: vec![Closed], overdue: true, ..all() }), c);
    let none = h.counts(&LedgerFilter { from: Some(day("2027-01-01")), ..all() });
    assert_eq!(none, counts(0, 0, 0, 0, 0, 0));
    assert_eq!(none.close_rate, None);
}

fn row(unit: &str, found: usize, rectifying: usize, overdue: usize, closed: usize, total: usize) -> UnitRow {
    UnitRow { unit: unit.into(), found, rectifying, overdue, closed, total }
}

#[test]
fn the_table_by_unit() {
    let h = hall();
    assert_eq!(
        h.units(&all()),
        vec![
            row("县医保局", 2, 1, 1, 1, 2),
            row("县市场监管局", 2, 2, 1, 0, 2),
            row("县民政局", 1, 1, 1, 0, 1),
            row("", 4, 0, 0, 1, 5),
            row("县规划自然资源局", 2, 1, 0, 0, 2),
            row("县税务局", 1, 1, 0, 0, 1),
        ]
    );
    let zh = Strings::get(Lang::Zh);
    assert_eq!(h.units(&all())[3].label(zh), "待定责");
    assert_eq!(h.units(&all())[3].label(Strings::get(Lang::En)), "unassigned");
    // The table follows the whole filter, status and overdue included.
    assert_eq!(
        h.units(&LedgerFilter { overdue: true, ..all() }),
        vec![row("县医保局", 1, 1, 1, 0, 1), row("县市场监管局", 1, 1, 1, 0, 1), row("县民政局", 1, 1, 1, 0, 1)]
    );
    assert_eq!(
        h.units(&LedgerFilter { theme: Some("real_estate".into()), ..all() }),
        vec![row("", 2, 0, 0, 1, 2), row("县规划自然资源局", 2, 1, 0, 0, 2)]
    );
}

#[test]
fn the_reminder_letter() {
    let h = hall();
    let index = h.index();
    let zh = ledger::reminders(&h.findings, &index, day(TODAY), Strings::get(Lang::Zh));
    let expected = "\
督查提醒函
日期：2026-11-22
截至 2026-11-22，3 个单位共 3 个问题已超过整改时限，请抓紧整改，并及时反馈整改情况。

县医保局（逾期 1 项）
1. 序号 1，体验事项：医保报销
   问题描述：a1 医保报销窗口只开一个，群众排队超过一小时
   整改措施：增设综合窗口，高峰时段弹性排班
   整改时限：2026-11-15，逾期 7 天
   责任人：赵科长

县市场监管局（逾期 1 项）
1. 序号 1，体验事项：企业开办
   问题描述：b1 企业开办一窗通系统登录慢
   整改措施：增设综合窗口，高峰时段弹性排班
   整改时限：2026-11-21，逾期 1 天

县民政局（逾期 1 项）
1. 序号 1，体验事项：婚姻登记
   问题描述：d1 婚姻登记预约系统无法选择日期
   整改措施：增设综合窗口，高峰时段弹性排班
   整改时限：2026-11-18，逾期 4 天
   责任人：钱主任
";
    assert_eq!(zh, expected);
    let en = ledger::reminders(&h.findings, &index, day(TODAY), Strings::get(Lang::En));
    assert!(en.starts_with("Reminder: rectification overdue\nDate: 2026-11-22\n"), "{en}");
    assert!(en.contains("县民政局 (1 overdue)\n1. No. 1, service item: 婚姻登记\n"), "{en}");
    assert!(en.contains("   Deadline: 2026-11-18, 4 days overdue\n   Responsible: 钱主任\n"), "{en}");
}

#[test]
fn the_reminder_letter_groups_a_units_findings_most_overdue_first() {
    let mut h = hall();
    // A second overdue finding for 县民政局, on A's walk, later than d1's deadline.
    let extra = h.desk.finding(h.ids[0], 5, "a5 婚姻登记处无障碍通道堵塞", at("2026-11-02"));
    assign(&mut h.desk, extra, "县民政局", "2026-11-19", "", false);
    let a6 = h.desk.finding(h.ids[0], 6, "a6 多行\n说明\t文字", at("2026-11-02"));
    assign(&mut h.desk, a6, "县民政局", "2026-11-12", "", false);
    h.findings = h.desk.store.all_findings().unwrap();
    let text = ledger::reminders(&h.findings, &h.index(), day(TODAY), Strings::get(Lang::Zh));
    let unit_lines: Vec<&str> = text.lines().filter(|l| l.contains("（逾期")).collect();
    assert_eq!(unit_lines, ["县民政局（逾期 3 项）", "县医保局（逾期 1 项）", "县市场监管局（逾期 1 项）"]);
    let problems: Vec<&str> = text.lines().filter(|l| l.contains("问题描述")).take(3).collect();
    // Typed newlines and tabs do not break the letter's lines.
    assert_eq!(
        problems,
        [
            "   问题描述：a6 多行 说明 文字",
            "   问题描述：d1 婚姻登记预约系统无法选择日期",
            "   问题描述：a5 婚姻登记处无障碍通道堵塞"
        ]
    );
    // Same input, same letter.
    assert_eq!(text, ledger::reminders(&h.findings, &h.index(), day(TODAY), Strings::get(Lang::Zh)));
}

#[test]
fn no_overdue_no_units_in_the_letter() {
    let h = hall();
    let text = ledger::reminders(&h.findings, &h.index(), day("2026-11-01"), Strings::get(Lang::Zh));
    assert_eq!(text, "督查提醒函\n日期：2026-11-01\n截至 2026-11-01，没有超过整改时限的问题。\n");
}

#[test]
fn ids_in_the_fixture_carry_the_walk_dates() {
    // Guards the fixture itself: the walk date is read from the session id's time.
    let h = hall();
    let d = h.sessions.iter().find(|s| s.id == h.ids[3]).unwrap();
    assert_eq!(tiyan::domain::zone::Zone::local().date(d.created_ms), day("2026-11-21"));
    assert_eq!(d.created_ms, at("2026-11-21") + 14 * 3_600_000 + 29 * 60_000);
}
