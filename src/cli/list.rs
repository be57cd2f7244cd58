//! `tiyan list sessions|findings [--session ID] [--status S] [--unit NAME] [--overdue]
//! [--json]`, and what the listing commands share: the moment they measure against, `--json`
//! printing, session lookup. The JSON rows are `present::rows` (a contract, README: add fields,
//! never rename); the plain text uses `present`'s labels and times, as the screens do.

use chrono::NaiveDate;
use serde::Serialize;

use super::args::ListWhat;
use super::open::{CliError, Setup};
use super::out::say;
use crate::domain::op::{entity_id_string, parse_entity_id};
use crate::domain::{EntityKind, Stamp};
use crate::present::rows::{FindingRow, SessionRow, to_json};
use crate::present::{Zone, labels, time};
use crate::store::Lookup;
use crate::text;

/// What a command measures against: the moment it runs (timers still running, in a run of
/// its own so they are measured by the wall clock), the zone it shows times in, and today
/// there (deadlines).
pub(super) struct Moment {
    pub now: Stamp,
    pub zone: Zone,
    pub today: NaiveDate,
}

impl Moment {
    pub fn current() -> Moment {
        let now = crate::clock::now_in_a_new_run();
        let zone = Zone::local();
        Moment { today: zone.date(now.wall_ms), now, zone }
    }
}

/// `s` right-aligned in `w` columns by display width (`{:>w$}` counts characters, so a
/// Chinese header would stand two columns too far right per character).
pub(super) fn right(s: &str, w: usize) -> String {
    let cut = text::truncate(s, w);
    format!("{}{cut}", " ".repeat(w.saturating_sub(text::width(&cut))))
}

/// Rows as `--json` has them ([`to_json`]), and a newline.
pub(super) fn print_json<T: Serialize + ?Sized>(rows: &T) -> Result<(), CliError> {
    let out = to_json(rows).map_err(|e| CliError::refused(e.to_string()))?;
    println!("{out}");
    Ok(())
}

pub fn run(setup: &Setup, what: &ListWhat) -> Result<(), CliError> {
    let store = setup.open_store_read_only()?;
    let err = |e| setup.store_error(e);
    let moment = Moment::current();
    let (zone, today) = (&moment.zone, moment.today);
    match what {
        ListWhat::Sessions { json } => {
            let sessions = store.sessions().map_err(err)?;
            if *json {
                return print_json(&sessions.iter().map(|s| SessionRow::of(s, &moment.now, zone)).collect::<Vec<_>>());
            }
            let strings = setup.strings();
            for s in &sessions {
                let x = &s.session;
                say!(
                    "{}  {}  {}  {}  {}  {:>3}",
                    entity_id_string(x.id),
                    time::date_time(zone, x.created_ms),
                    text::pad(&x.item, 20),
                    text::pad(&x.place, 16),
                    text::pad(labels::session_status(strings, x.status), 8),
                    s.findings
                );
            }
            Ok(())
        }
        ListWhat::Findings { session, filter, json } => {
            let filter = super::ledger_cmd::finding_filter(setup, filter)?;
            let mut findings = match session {
                Some(text_id) => {
                    let id = resolve_session(setup, &store, text_id)?;
                    store.findings_of(id).map_err(err)?
                }
                None => store.all_findings().map_err(err)?,
            };
            // Status, unit and overdue need no session: the finding alone tells.
            findings.retain(|f| filter.matches(f, None, today));
            if *json {
                return print_json(&findings.iter().map(|f| FindingRow::of(f, today, zone)).collect::<Vec<_>>());
            }
            for f in &findings {
                let deadline = f.deadline.map(time::date).unwrap_or_else(|| "-".into());
                say!(
                    "{}  {:>3}  {}  {}  {}  {}",
                    entity_id_string(f.id),
                    f.seq_label(),
                    text::pad(&f.description, 40),
                    text::pad(&f.unit, 14),
                    text::pad(&deadline, 10),
                    labels::finding_status(setup.lang, f.status)
                );
            }
            Ok(())
        }
        ListWhat::Checks { session, json } => super::checks::run(&store, setup, session, *json),
        ListWhat::Tickets { session, json } => super::tickets::list(&store, setup, session.as_deref(), *json, &moment),
    }
}

/// The session a whole id or a unique prefix names (deleted sessions do not count), or a
/// refusal saying which: none, or several with some of them.
pub(super) fn resolve_session(
    setup: &Setup,
    store: &crate::store::Store,
    text_id: &str,
) -> Result<crate::domain::EntityId, CliError> {
    if let Some(id) = parse_entity_id(text_id) {
        return Ok(id);
    }
    let s = setup.strings();
    match store.lookup_prefix(EntityKind::Session, text_id).map_err(|e| setup.store_error(e))? {
        Lookup::Found(id) => Ok(id),
        Lookup::NotFound => Err(CliError::refused(s.tf("cli.session.not_found", &[("id", text_id)]))),
        Lookup::Ambiguous { candidates, total } => {
            let mut list: Vec<String> = candidates.into_iter().map(entity_id_string).collect();
            if total > list.len() {
                list.push("..".into());
            }
            let args = [("id", text_id), ("total", &total.to_string()), ("candidates", &list.join(", "))];
            Err(CliError::refused(s.tf("cli.session.ambiguous", &args)))
        }
    }
}
