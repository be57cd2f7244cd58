//! The ledger's compact index (`domain::ledger_index`) against the rules over whole findings
//! (`domain::ledger`): for any findings, walks and filter, the same findings pass in the same
//! order, with the same counts and the same table by unit; and the store's rows read from the
//! records' bytes are the rows of the findings it gives whole.

use chrono::NaiveDate;
use proptest::prelude::*;
use tiyan::domain::FindingStatus::{self, *};
use tiyan::domain::ledger::{self, LedgerFilter, SessionIndex};
use tiyan::domain::ledger_index::{self as index, LedgerRows, RowFilter};
use tiyan::domain::op::entity_created_ms;
use tiyan::domain::zone::Zone;
use tiyan::domain::{Change, EntityKind, Finding, Session, SessionStatus, StatusMove, Value};

const DAY_MS: i64 = 86_400_000;
/// 2026-11-01 00:00 UTC.
const NOV_1: i64 = 1_793_491_200_000;
const UNITS: [&str; 5] = ["县医保局", " 县医保局", "县税务局", "", "县市场监管局"];
const THEMES: [&str; 3] = ["market_access", "medical_insurance", "real_estate"];

fn day(n: i64) -> NaiveDate {
    chrono::DateTime::from_timestamp_millis(NOV_1 + n * DAY_MS).unwrap().date_naive()
}

fn session(n: usize, created_day: i64, theme: usize, deleted: bool) -> Session {
    let created_ms = NOV_1 + created_day * DAY_MS + 9 * 3_600_000;
    Session {
        id: ulid::Ulid::from_parts(created_ms as u64, n as u128 + 1).0,
        item: format!("事项{n}"),
        mode: String::new(),
        channel: String::new(),
        theme: THEMES[theme].into(),
        place: String::new(),
        window: String::new(),
        inspectors: vec![],
        measures: String::new(),
        advice: String::new(),
        status: SessionStatus::Finished,
        created_ms,
        finished_ms: None,
        deleted,
        conflicts: vec![],
        clock_jumps: vec![],
        walk: Default::default(),
        attachments: Vec::new(),
        kiosk: None,
    }
}

fn step(from: FindingStatus, to: FindingStatus, evidence: &str) -> StatusMove {
    StatusMove {
        from: from.code().into(),
        to: to.code().into(),
        by: "张三".into(),
        at_ms: 0,
        note: String::new(),
        evidence: evidence.into(),
        details: vec![],
        reopen: false,
    }
}

/// A finding as the store gives them: not deleted, created when its id says.
#[derive(Clone, Debug)]
struct Spec {
    session: usize,
    created_day: i64,
    seq: i64,
    status: usize,
    unit: usize,
    deadline: Option<i64>,
    on_the_spot: bool,
}

fn finding(n: usize, spec: &Spec, sessions: &[Session]) -> Finding {
    // One session id in every few is unknown to the walks (a walk not listed).
    let session_id = sessions.get(spec.session).map(|s| s.id).unwrap_or(999);
    let created_ms = NOV_1 + spec.created_day * DAY_MS;
    let mut f = Finding::blank(session_id);
    f.id = ulid::Ulid::from_parts(created_ms as u64, n as u128 + 1).0;
    f.created_ms = entity_created_ms(f.id);
    f.seq = spec.seq;
    f.status = FindingStatus::ALL[spec.status];
    f.unit = UNITS[spec.unit].into();
    f.deadline = spec.deadline.map(day);
    if spec.on_the_spot {
        f.moves = vec![step(Found, Rectified, "当场整改")];
    } else if f.status != Found {
        f.moves = vec![step(Found, Confirmed, "")];
    }
    f
}

fn spec() -> impl Strategy<Value = Spec> {
    (0usize..5, 0i64..30, 1i64..4, 0usize..7, 0usize..5, prop::option::of(0i64..30), any::<bool>()).prop_map(
        |(session, created_day, seq, status, unit, deadline, on_the_spot)| Spec {
            session,
            created_day,
            seq,
            status,
            unit,
            deadline,
            on_the_spot,
        },
    )
}

fn filter() -> impl Strategy<Value = LedgerFilter> {
    (
        prop::collection::vec(0usize..7, 0..3),
        prop::option::of(0usize..6),
        any::<bool>(),
        prop::option::of(0usize..5),
        prop::option::of(0usize..4),
        prop::option::of(0i64..30),
        prop::option::of(0i64..30),
    )
        .prop_map(|(statuses, unit, overdue, session, theme, from, to)| {
            (statuses, unit, overdue, session, theme, from, to)
        })
        .prop_map(|(statuses, unit, overdue, session, theme, from, to)| LedgerFilter {
            statuses: statuses.into_iter().map(|i| FindingStatus::ALL[i]).collect(),
            // Index 5: a unit no finding has.
            unit: unit.map(|u| UNITS.get(u).copied().unwrap_or("县公安局").to_string()),
            overdue,
            // Resolved against the walks below (index 4 may be past them: unknown).
            session: session.map(|s| s as u128),
            theme: theme.map(|t| THEMES.get(t).copied().unwrap_or("livelihood").to_string()),
            from: from.map(day),
            to: to.map(day),
        })
}

/// Both ways: the ids shown in order, the counts, the table by unit.
fn compare(sessions: &[Session], findings: &[Finding], filter: &LedgerFilter, today: NaiveDate) {
    let zone = Zone::utc();
    let walks = SessionIndex::in_zone(sessions, zone);
    let mut shown = ledger::filter(findings, &walks, filter, today);
    ledger::sort_by_deadline(&mut shown, findings);
    let ids: Vec<u128> = shown.iter().map(|&i| findings[i].id).collect();

    let rows = LedgerRows::from_findings(findings);
    let f = RowFilter::new(&rows, &walks, filter, today, zone);
    // Earliest deadline first as it comes: the index keeps its order by deadline.
    let passing = index::filter(&rows, &f);
    let row_ids: Vec<u128> = passing.iter().map(|&i| rows.rows[i as usize].id).collect();
    assert_eq!(row_ids, ids, "{filter:?}");
    assert_eq!(index::counts(&rows, &f, &walks, filter), ledger::counts(&walks, findings, filter, today), "{filter:?}");
    assert_eq!(index::by_unit(&rows, &f, &passing), ledger::by_unit(findings, &walks, filter, today), "{filter:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn the_index_agrees_with_the_findings(
        specs in prop::collection::vec(spec(), 0..60),
        walks in prop::collection::vec((0i64..30, 0usize..3, prop::bool::weighted(0.2)), 1..5),
        mut filter in filter(),
        today in 0i64..30,
    ) {
        let sessions: Vec<Session> =
            walks.iter().enumerate().map(|(n, &(d, theme, deleted))| session(n, d, theme, deleted)).collect();
        let findings: Vec<Finding> = specs.iter().enumerate().map(|(n, s)| finding(n, s, &sessions)).collect();
        filter.session = filter.session.map(|s| sessions.get(s as usize).map(|x| x.id).unwrap_or(12345));
        compare(&sessions, &findings, &filter, day(today));
        // No filter (every row, the order kept whole) and overdue only, whatever was drawn.
        compare(&sessions, &findings, &LedgerFilter::default(), day(today));
        compare(&sessions, &findings, &LedgerFilter { overdue: true, ..LedgerFilter::default() }, day(today));
    }
}

#[test]
fn the_stores_rows_are_the_rows_of_its_findings() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = tiyan::store::Store::open(&dir.path().join("p/tiyan.redb")).unwrap();
    tiyan::demo::fill(&mut store, 12, 15, 3).unwrap();
    let sessions: Vec<Session> = store.sessions().unwrap().into_iter().map(|s| s.session).collect();
    let all = store.all_findings().unwrap();
    // A deleted finding, a deleted walk, and three findings of a walk sharing a 序号, the
    // second of them deleted (it still ranks: the third is 3-3 with two listed).
    let set = |kind, id, field: &str, value| Change::set(kind, id, field, value);
    store.apply(&[set(EntityKind::Finding, all[0].id, "deleted", Value::Bool(true))]).unwrap();
    store.apply(&[set(EntityKind::Session, sessions[1].id, "deleted", Value::Bool(true))]).unwrap();
    let a = all.iter().find(|f| f.session_id != sessions[1].id && f.session_id != all[0].session_id).unwrap();
    let b = all.iter().find(|f| f.session_id == a.session_id && f.id != a.id).unwrap();
    store.apply(&[set(EntityKind::Finding, b.id, "seq", Value::Int(a.seq))]).unwrap();
    let c = all.iter().find(|f| f.session_id == a.session_id && f.id != a.id && f.id != b.id).unwrap();
    store.apply(&[set(EntityKind::Finding, c.id, "seq", Value::Int(a.seq))]).unwrap();
    store.apply(&[set(EntityKind::Finding, b.id, "deleted", Value::Bool(true))]).unwrap();

    let all = store.all_findings().unwrap();
    assert!(all.iter().any(|f| f.seq_rank > 0), "a 序号 held twice is ranked");
    assert!(all.iter().any(|f| f.id == c.id && f.seq_rank == 2), "a deleted finding's 序号 still ranks");
    let rows = store.ledger_rows().unwrap();
    assert_eq!(rows, LedgerRows::from_findings(&all));
    assert!(rows.rows.iter().any(|r| r.on_the_spot), "the demo fixes some on the spot");

    let whole = store.findings_by_id(&[all[5].id, all[2].id, 7], true).unwrap();
    assert_eq!(whole.iter().map(|f| f.id).collect::<Vec<_>>(), vec![all[5].id, all[2].id]);
    assert_eq!(whole[0].moves, all[5].moves);
    let slim = store.findings_by_id(&[all[5].id], false).unwrap();
    assert!(slim[0].moves.is_empty() && slim[0].description == all[5].description);
}

/// The ledger on screen over a store of 600 findings: whole findings are fetched for the rows
/// around the cursor only, follow it as it moves, and stay few; the reminder letter is the
/// one the rules make from the findings whole.
#[test]
fn the_screen_fetches_the_text_of_the_rows_around_the_cursor() {
    use crate::app_fixtures::live::Live;
    use ratatui::crossterm::event::{KeyCode, KeyEvent};
    use tiyan::app::{Msg, Screen};
    use tiyan::i18n::{Lang, Strings};

    let key = |code| Msg::Key(KeyEvent::from(code));
    let mut app = Live::new(Lang::Zh, (100, 30), "张三");
    tiyan::demo::fill(&mut app.store, 30, 20, 5).unwrap();
    app.seed(&[]);
    app.press(key(KeyCode::Char('l')));
    assert_eq!(app.state.screen, Screen::Ledger);
    let all = app.store.all_findings().unwrap();
    assert_eq!(app.state.ledger.rows.len(), all.len());
    let page = tiyan::app::layout::page(&app.state);
    let kept = |app: &Live| app.state.ledger.details.len();
    assert!(kept(&app) <= 2 * 2 * page + 1, "{} kept for a page of {page}", kept(&app));
    for _ in 0..40 {
        app.press(key(KeyCode::PageDown));
        let view = &app.state.ledger;
        assert!(view.selected().is_some(), "the selected finding is there whole");
        // Every row in view: the view holds the cursor, at most a page away.
        for r in view.cursor.saturating_sub(page)..(view.cursor + page).min(view.rows.len()) {
            assert!(view.finding(r).is_some(), "row {r} with the cursor at {}", view.cursor);
        }
        assert!(kept(&app) <= 2 * 2 * page + 1 + page, "{} kept", kept(&app));
    }
    // The same description as the finding read whole.
    let shown = app.state.ledger.selected().unwrap().clone();
    assert_eq!(Some(&shown), all.iter().find(|f| f.id == shown.id));

    app.press(key(KeyCode::Char('r')));
    assert_eq!(app.state.screen, Screen::Reminders);
    let walks: Vec<Session> = app.store.sessions().unwrap().into_iter().map(|s| s.session).collect();
    let index = SessionIndex::in_zone(&walks, app.state.ctx.zone);
    let letter = ledger::reminders(&all, &index, app.state.today(), Strings::get(Lang::Zh));
    let width = tiyan::app::layout::main_area(&app.state).width as usize;
    let lines: Vec<String> = letter.lines().flat_map(|l| tiyan::text::wrap(l, width)).collect();
    assert!(lines.len() > 20, "{letter}");
    assert_eq!(tiyan::app::ledger::reminder_lines(&app.state), Some(&lines[..]));
}
