//! The JSON contract (README, "JSON": fields are added, never renamed) pinned byte for byte:
//! `list sessions|findings|tickets|checks --json`, `ledger --json` and `stats waits --json` on
//! the demo data of a fixed seed made at a fixed moment, under TZ=UTC.
//!
//! insta compares all but trailing whitespace; every output ends in `]` or `}`, and the last
//! test checks the newline the commands add after it.
//!
//! The demo is written in-process at that moment (`demo::fill_at`) and the rows are made by
//! the same `present::rows` functions, from the same store reads, as the commands make them,
//! with the same moment as "now"; so nothing depends on the day the tests run. The last test
//! runs the built binary on a demo store from a moment when the hall was closed (no timer
//! still running) and checks that each command prints exactly these rows: the pins are what
//! `--json` prints, not a copy of it.

use std::process::Command;

use chrono::NaiveDate;
use tiyan::config::WaitRules;
use tiyan::domain::ledger::{self, LedgerFilter, SessionIndex};
use tiyan::domain::op::entity_id_string;
use tiyan::domain::{EntityId, Session, SessionStatus, Stamp, Ticket};
use tiyan::present::Zone;
use tiyan::present::rows::{
    CheckRow, FindingRow, LedgerRow, SessionRow, TicketRow, WaitsBy, check_rows, to_json, wait_rows,
};
use tiyan::store::Store;

use crate::app_fixtures::pin_timezone;

/// A seed whose data has every due (soon, overdue, on time), a finding found 不成立, one
/// closed off, findings from checklist items, and tickets in every state.
const SEED: u64 = 43;
/// Thursday 2026-11-26 10:30 UTC: the hall is open, so the newest walk is under way, its
/// queue still moving (tickets waiting and being served, measured by this "now").
const OPEN_HOURS: i64 = 1_795_689_000_000;
/// The same day at 20:00 UTC: every walk and ticket is over.
const EVENING: i64 = OPEN_HOURS + (9 * 60 + 30) * 60_000;

struct Demo {
    dir: tempfile::TempDir,
    store: Store,
    now: Stamp,
    zone: Zone,
    today: NaiveDate,
}

/// Five walks of four findings each, made at `at`; "now" is `at` in a run of its own, as a
/// command's is.
fn demo(at: i64) -> Demo {
    pin_timezone();
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("督查科").join("tiyan.redb")).unwrap();
    tiyan::demo::fill_at(&mut store, 5, 4, SEED, at).unwrap();
    let zone = Zone::local();
    Demo { dir, store, now: Stamp { wall_ms: at, run: 7, mono_ms: 0 }, zone, today: zone.date(at) }
}

impl Demo {
    fn sessions(&self) -> String {
        let rows: Vec<SessionRow> =
            self.store.sessions().unwrap().iter().map(|s| SessionRow::of(s, &self.now, &self.zone)).collect();
        to_json(&rows).unwrap()
    }

    fn findings(&self) -> String {
        let rows: Vec<FindingRow> = self
            .store
            .all_findings()
            .unwrap()
            .into_iter()
            .filter(|f| LedgerFilter::default().matches(f, None, self.today))
            .map(|f| FindingRow::of(f, self.today, &self.zone))
            .collect();
        to_json(&rows).unwrap()
    }

    fn tickets(&self) -> String {
        let rows: Vec<TicketRow> =
            self.store.all_tickets().unwrap().iter().map(|t| TicketRow::of(t, &self.now, &self.zone)).collect();
        to_json(&rows).unwrap()
    }

    /// The newest walk: the one under way during opening hours.
    fn newest(&self) -> EntityId {
        self.store.sessions().unwrap().first().unwrap().session.id
    }

    /// The newest walk with findings made from its checklist.
    fn with_checked_findings(&self) -> EntityId {
        let findings = self.store.all_findings().unwrap();
        let sessions = self.store.sessions().unwrap();
        let checked = |id: EntityId| findings.iter().any(|f| f.session_id == id && f.check.is_some());
        sessions.iter().map(|s| s.session.id).find(|&id| checked(id)).unwrap()
    }

    fn checks(&self, session: EntityId) -> String {
        let findings = self.store.findings_of(session).unwrap();
        let rows: Vec<CheckRow> =
            self.store.checklists_of(session).unwrap().iter().flat_map(|c| check_rows(c, &findings)).collect();
        to_json(&rows).unwrap()
    }

    fn ledger(&self) -> String {
        let sessions: Vec<Session> = self.store.sessions().unwrap().into_iter().map(|s| s.session).collect();
        let findings = self.store.all_findings().unwrap();
        let index = SessionIndex::in_zone(&sessions, self.zone);
        let filter = LedgerFilter::default();
        let counts = ledger::counts(&index, &findings, &filter, self.today);
        let units = ledger::by_unit(&findings, &index, &filter, self.today);
        to_json(&LedgerRow { counts, units }).unwrap()
    }

    fn waits(&self, by: WaitsBy) -> String {
        let tickets = self.store.all_tickets().unwrap();
        let places: std::collections::HashMap<EntityId, String> =
            self.store.sessions().unwrap().into_iter().map(|s| (s.session.id, s.session.place)).collect();
        let rules = WaitRules::default();
        let thresholds = |t: &Ticket| rules.for_item(&t.item);
        let place = |t: &Ticket| places.get(&t.session_id).cloned().unwrap_or_default();
        to_json(&wait_rows(by, &tickets, place, &thresholds)).unwrap()
    }
}

/// `tiyan ARGS --json` on the store in `home`, its stdout.
fn tiyan(home: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_tiyan"))
        .args(["--home", home.to_str().unwrap(), "--profile", "督查科", "--lang", "zh"])
        .args(args)
        .arg("--json")
        .env("TZ", "UTC")
        .output()
        .unwrap();
    assert!(out.status.success(), "tiyan {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn list_sessions_json_is_pinned() {
    let d = demo(OPEN_HOURS);
    let sessions = d.store.sessions().unwrap();
    assert_eq!(sessions.first().map(|s| s.session.status), Some(SessionStatus::Open), "the newest walk is live");
    insta::assert_snapshot!("list_sessions", d.sessions());
}

#[test]
fn list_findings_json_is_pinned() {
    let d = demo(OPEN_HOURS);
    let json = d.findings();
    for what in ["\"soon\"", "\"overdue\"", "\"on-time\"", "\"not-a-problem\"", "\"closed\""] {
        assert!(json.contains(what), "the demo has a finding {what}");
    }
    insta::assert_snapshot!("list_findings", json);
}

#[test]
fn list_tickets_json_is_pinned() {
    let d = demo(OPEN_HOURS);
    let json = d.tickets();
    for state in ["\"waiting\"", "\"called\"", "\"serving\"", "\"done\"", "\"left\""] {
        assert!(json.contains(state), "the demo has a ticket {state}");
    }
    insta::assert_snapshot!("list_tickets", json);
}

#[test]
fn list_checks_json_is_pinned() {
    let d = demo(OPEN_HOURS);
    let json = d.checks(d.newest());
    assert!(json.contains("\"answer\": null"), "the live walk's checklist is half answered");
    insta::assert_snapshot!("list_checks", json);
    let json = d.checks(d.with_checked_findings());
    assert!(json.contains("\"seq\""), "findings made from items are listed under them");
    insta::assert_snapshot!("list_checks_with_findings", json);
}

#[test]
fn ledger_json_is_pinned() {
    let d = demo(OPEN_HOURS);
    insta::assert_snapshot!("ledger", d.ledger());
}

#[test]
fn stats_waits_json_is_pinned() {
    let d = demo(OPEN_HOURS);
    insta::assert_snapshot!("stats_waits", d.waits(WaitsBy::All));
    insta::assert_snapshot!("stats_waits_by_window", d.waits(WaitsBy::Window));
}

#[test]
fn the_same_seed_and_moment_make_the_same_json() {
    let (a, b) = (demo(OPEN_HOURS), demo(OPEN_HOURS));
    assert_eq!(a.tickets(), b.tickets());
    assert_eq!(a.checks(a.newest()), b.checks(b.newest()));
}

/// The commands print these very rows: on a store where nothing is running any more, what
/// they print does not depend on when they run, except for dues, which are measured on both
/// sides against today.
#[test]
fn the_commands_print_exactly_these_rows() {
    let mut d = demo(EVENING);
    let today = today_now();
    d.today = today;
    let newest = entity_id_string(d.newest());
    let expected = [
        (vec!["list", "sessions"], d.sessions()),
        (vec!["list", "tickets"], d.tickets()),
        (vec!["list", "checks", "--session", &newest], d.checks(d.newest())),
        (vec!["stats", "waits"], d.waits(WaitsBy::All)),
        (vec!["stats", "waits", "--by", "window"], d.waits(WaitsBy::Window)),
        (vec!["list", "findings"], d.findings()),
        (vec!["ledger"], d.ledger()),
    ];
    // The profile is free for the commands once this process lets go of it.
    let Demo { dir, store, .. } = d;
    drop(store);
    let printed: Vec<String> = expected.iter().map(|(args, _)| tiyan(dir.path(), args)).collect();
    let same_day = today_now() == today;
    for ((args, json), printed) in expected.iter().zip(&printed) {
        let by_today = args.contains(&"ledger") || args.contains(&"findings");
        if by_today && !same_day {
            continue; // midnight passed while the commands ran: their today is not ours.
        }
        assert_eq!(printed, &format!("{json}\n"), "tiyan {args:?} --json");
    }
}

/// Today where the commands run (TZ=UTC).
fn today_now() -> NaiveDate {
    Zone::local().date(tiyan::clock::wall_ms_now())
}

/// `list findings --json` writes its rows as they come; with none it still prints what an
/// empty array always printed, `[]`, and filtered to none as well.
#[test]
fn streamed_findings_print_an_empty_array_as_before() {
    let d = demo(EVENING);
    let Demo { dir, store, .. } = d;
    drop(store);
    assert_eq!(tiyan(dir.path(), &["list", "findings", "--unit", "无此单位", "--free-text"]), "[]\n");
    let empty = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(empty.path().join("督查科")).unwrap();
    drop(Store::open(&empty.path().join("督查科").join("tiyan.redb")).unwrap());
    assert_eq!(tiyan(empty.path(), &["list", "findings"]), "[]\n");
}
