//! Ledger figures over 100,000 findings of 2,000 walks and the 37 units, statuses mixed as
//! in the demo (a fifth untouched, a tenth closed, 立行立改, many past their deadlines): the
//! session index, filtering (several combinations), sorting by deadline, the counts, the
//! table by unit and the reminder letter. Built in memory: what `Store::all_findings` and
//! `Store::sessions` return, without the disk. Each group is a function of the data, so a
//! `draw` group (the TUI's ledger screen) can be added beside them.

mod support;

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use tiyan::domain::FindingStatus::{self, *};
use tiyan::domain::ledger::{self, LedgerFilter, SessionIndex};
use tiyan::domain::{Finding, Session, SessionStatus, StatusMove};
use tiyan::i18n::{Lang, Strings};

const SESSIONS: usize = 2_000;
const FINDINGS: usize = 100_000;
/// 2026-01-01 00:00 UTC; walks spread over the 325 days to `TODAY`.
const YEAR_START_MS: i64 = 1_767_225_600_000;
const DAY_MS: i64 = 86_400_000;
const TODAY: &str = "2026-11-22";
const THEMES: [&str; 5] = ["market_access", "medical_insurance", "real_estate", "employment", "marriage_birth"];
const ITEMS: [&str; 5] = ["企业开办", "医保报销", "不动产登记", "失业保险金申领", "婚姻登记"];
const PROBLEMS: [&str; 4] = [
    "取号后等候时间过长，叫号屏不显示窗口号",
    "网上办事指南与窗口要求不一致，群众需补交材料",
    "自助机无法打印，现场无人引导",
    "窗口未一次性告知所需材料，群众跑了两次",
];

struct Data {
    sessions: Vec<Session>,
    findings: Vec<Finding>,
    today: NaiveDate,
}

fn session(n: usize, rng: &mut StdRng) -> Session {
    let day = rng.random_range(0..325);
    let created_ms = YEAR_START_MS + day * DAY_MS + rng.random_range(8 * 3_600_000..17 * 3_600_000);
    Session {
        id: ulid::Ulid::from_parts(created_ms as u64, n as u128).0,
        item: ITEMS[n % ITEMS.len()].into(),
        mode: "accompany".into(),
        channel: "hall_window".into(),
        theme: THEMES[n % THEMES.len()].into(),
        place: "县政务服务中心".into(),
        window: format!("{}号窗口", n % 9 + 1),
        inspectors: vec!["王建国".into()],
        measures: String::new(),
        advice: String::new(),
        status: SessionStatus::Finished,
        created_ms,
        finished_ms: None,
        deleted: false,
        conflicts: vec![],
        clock_jumps: vec![],
        walk: Default::default(),
        attachments: Vec::new(),
        kiosk: None,
    }
}

fn step(from: FindingStatus, to: FindingStatus, at_ms: i64) -> StatusMove {
    StatusMove {
        from: from.code().into(),
        to: to.code().into(),
        by: "张三".into(),
        at_ms,
        note: String::new(),
        // As the rules write it: only a move to 已整改 carries evidence.
        evidence: if to == Rectified { "已整改到位".into() } else { String::new() },
        details: vec![],
        reopen: false,
    }
}

/// A finding of `s` with a status and the history that led there, as the demo makes them.
fn finding(n: usize, s: &Session, units: &[String], rng: &mut StdRng) -> Finding {
    let mut f = Finding::blank(s.id);
    f.id = (s.id << 20) | n as u128;
    f.seq = (n % 50) as i64 + 1;
    f.created_ms = s.created_ms + 600_000;
    f.description = PROBLEMS[n % PROBLEMS.len()].into();
    let roll: f64 = rng.random();
    // The last two roads are 立行立改: straight from 待核查 to 已整改.
    let road: &[FindingStatus] = match roll {
        r if r < 0.22 => &[],
        r if r < 0.28 => &[NotAProblem],
        r if r < 0.38 => &[Confirmed],
        r if r < 0.50 => &[Confirmed, Assigned],
        r if r < 0.66 => &[Confirmed, Assigned, Rectifying],
        r if r < 0.76 => &[Confirmed, Assigned, Rectifying, Rectified],
        r if r < 0.90 => &[Confirmed, Assigned, Rectifying, Rectified, Closed],
        r if r < 0.96 => &[Rectified],
        _ => &[Rectified, Closed],
    };
    let mut at = f.created_ms;
    for &to in road {
        at += DAY_MS;
        f.moves.push(step(f.status, to, at));
        f.status = to;
        if to == Assigned {
            f.unit = units.choose(rng).cloned().unwrap_or_default();
            f.measure = "增设综合窗口，高峰时段弹性排班".into();
            f.owner = "窗口负责人".into();
            f.deadline = Some(tiyan::domain::zone::Zone::local().date(at) + chrono::Days::new(rng.random_range(5..30)));
        }
    }
    f
}

impl Data {
    fn new() -> Data {
        let mut rng = StdRng::seed_from_u64(2026);
        let units: Vec<String> = tiyan::vocab::vocab().units.iter().map(|u| u.zh.clone()).collect();
        assert_eq!(units.len(), 37, "the 37 units of seed 003");
        let sessions: Vec<Session> = (0..SESSIONS).map(|n| session(n, &mut rng)).collect();
        let mut findings: Vec<Finding> =
            (0..FINDINGS).map(|n| finding(n, &sessions[n % SESSIONS], &units, &mut rng)).collect();
        findings.sort_by_key(|f| (f.session_id, f.seq, f.id));
        let today = NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").expect("date");
        Data { sessions, findings, today }
    }
}

/// Runs `f` `runs` times after a few warm-up runs; reports median and p99.
fn measure<T>(name: &str, runs: usize, mut f: impl FnMut() -> T) {
    for _ in 0..3 {
        black_box(f());
    }
    let mut samples: Vec<Duration> = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t0 = Instant::now();
        black_box(f());
        samples.push(t0.elapsed());
    }
    support::report(name, &mut samples);
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn index(d: &Data) {
    measure("session index, 2,000 walks", 200, || SessionIndex::new(&d.sessions).walks().count());
}

fn filters(d: &Data) {
    let index = SessionIndex::new(&d.sessions);
    let combos = [
        ("none", LedgerFilter::default()),
        ("overdue", LedgerFilter { overdue: true, ..Default::default() }),
        (
            "status assigned+rectifying, unit",
            LedgerFilter {
                statuses: vec![Assigned, Rectifying], unit: Some("县医保局".into()), ..Default::default()
            },
        ),
        (
            "one quarter, theme",
            LedgerFilter {
                theme: Some("medical_insurance".into()),
                from: Some(day("2026-07-01")),
                to: Some(day("2026-09-30")),
                ..Default::default()
            },
        ),
        (
            "overdue, unit, month",
            LedgerFilter {
                overdue: true,
                unit: Some("县市场监管局".into()),
                from: Some(day("2026-10-01")),
                to: Some(day("2026-10-31")),
                ..Default::default()
            },
        ),
    ];
    for (name, filter) in &combos {
        let shown = ledger::filter(&d.findings, &index, filter, d.today).len();
        measure(&format!("filter 100,000 findings [{name}] ({shown} shown)"), 200, || {
            ledger::filter(&d.findings, &index, filter, d.today)
        });
    }
}

fn sort(d: &Data) {
    let index = SessionIndex::new(&d.sessions);
    let all = ledger::filter(&d.findings, &index, &LedgerFilter::default(), d.today);
    measure("sort 100,000 by deadline", 100, || {
        let mut idx = all.clone();
        ledger::sort_by_deadline(&mut idx, &d.findings);
        idx
    });
}

fn counts(d: &Data) {
    let index = SessionIndex::new(&d.sessions);
    let c = ledger::counts(&index, &d.findings, &LedgerFilter::default(), d.today);
    println!(
        "fixture: {} walks, {} found, {} on the spot, {} overdue, {} closed, {} not a problem",
        c.walks_done, c.found, c.on_the_spot, c.overdue, c.closed, c.not_a_problem
    );
    measure("counts over 100,000", 200, || ledger::counts(&index, &d.findings, &LedgerFilter::default(), d.today));
    let quarter = LedgerFilter { from: Some(day("2026-07-01")), to: Some(day("2026-09-30")), ..Default::default() };
    measure("counts over 100,000 [one quarter]", 200, || ledger::counts(&index, &d.findings, &quarter, d.today));
}

fn by_unit(d: &Data) {
    let index = SessionIndex::new(&d.sessions);
    let rows = ledger::by_unit(&d.findings, &index, &LedgerFilter::default(), d.today);
    measure(&format!("by unit over 100,000 ({} rows)", rows.len()), 200, || {
        ledger::by_unit(&d.findings, &index, &LedgerFilter::default(), d.today)
    });
}

fn reminders(d: &Data) {
    let index = SessionIndex::new(&d.sessions);
    let zh = Strings::get(Lang::Zh);
    let text = ledger::reminders(&d.findings, &index, d.today, zh);
    measure(&format!("reminder letter over 100,000 ({} lines)", text.lines().count()), 50, || {
        ledger::reminders(&d.findings, &index, d.today, zh)
    });
}

/// The TUI's ledger screen over all the findings: a filter change (filter, sort, counts and
/// the table by unit, as `app::ledger::refilter` does it), then a frame of the screen at
/// 100x30 and 80x24 with the cursor mid-list, and a key (Down) with its frame.
fn draw(d: &Data) {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use tiyan::app::{Screen, State};
    let mut state = State::new(support::context(), (100, 30));
    state.sessions.list = d
        .sessions
        .iter()
        .map(|s| tiyan::domain::SessionSummary { session: s.clone(), findings: 50, max_seq: 50, conflicts: 0 })
        .collect();
    state.screen = Screen::Ledger;
    let rows = tiyan::domain::ledger_index::LedgerRows::from_findings(&d.findings);
    let by_id: ById = d.findings.iter().map(|f| (f.id, f)).collect();
    let effects = tiyan::app::ledger::loaded(&mut state, rows);
    answer(&mut state, &by_id, effects);
    state.ledger.cursor = state.ledger.rows.len() / 2;
    let effects = tiyan::app::ledger::fetch(&mut state, false);
    answer(&mut state, &by_id, effects);
    // What `x` (no filter), `!` (overdue only) and a filter of one status (Ctrl-S) leave.
    let filters = [
        ("no filter", LedgerFilter::default()),
        ("overdue only", LedgerFilter { overdue: true, ..LedgerFilter::default() }),
        ("整改中", LedgerFilter { statuses: vec![Rectifying], ..LedgerFilter::default() }),
    ];
    for (name, filter) in filters {
        state.ledger.filter = filter;
        measure(&format!("ledger refilter, {name} (filter, sort, counts, by unit)"), 30, || {
            tiyan::app::ledger::refilter(&mut state);
            state.ledger.rows.len()
        });
    }
    state.ledger.filter = LedgerFilter::default();
    tiyan::app::ledger::refilter(&mut state);
    for (w, h) in [(200u16, 60u16), (100, 30), (80, 24)] {
        state.size = (w, h);
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        measure(&format!("ledger frame {w}x{h}"), 500, || {
            terminal.draw(|f| tiyan::ui::draw(f, &state)).expect("draw");
        });
        let down = ratatui::crossterm::event::KeyEvent::from(ratatui::crossterm::event::KeyCode::Down);
        measure(&format!("ledger key Down + frame {w}x{h}"), 500, || {
            let effects = tiyan::app::update(&mut state, tiyan::app::Msg::Key(down));
            answer(&mut state, &by_id, effects);
            terminal.draw(|f| tiyan::ui::draw(f, &state)).expect("draw");
        });
    }
}

type ById<'a> = std::collections::HashMap<tiyan::domain::EntityId, &'a Finding>;

/// Answers the screen's fetches of findings by id as the store thread would.
fn answer(state: &mut tiyan::app::State, d: &ById, effects: Vec<tiyan::app::Effect>) {
    use tiyan::store::StoreRequest;
    for effect in effects {
        if let tiyan::app::Effect::Store(StoreRequest::LoadFindingsById { req, ids, .. }) = effect {
            let found = ids.iter().filter_map(|id| d.get(id).map(|f| (*f).clone())).collect();
            tiyan::app::ledger::fetched(state, req, found);
        }
    }
}

/// A named group of measurements over the data.
type Group = (&'static str, fn(&Data));

fn main() {
    let t0 = Instant::now();
    let data = Data::new();
    println!("built {} findings over {} walks in {:.0?}", data.findings.len(), data.sessions.len(), t0.elapsed());
    let groups: [Group; 7] = [
        ("index", index),
        ("filter", filters),
        ("sort", sort),
        ("counts", counts),
        ("by_unit", by_unit),
        ("reminders", reminders),
        ("draw", draw),
    ];
    // `cargo bench --bench ledger -- filter` runs one group.
    let only: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    for (name, group) in groups {
        if only.is_empty() || only.iter().any(|o| name.contains(o.as_str())) {
            group(&data);
        }
    }
}
