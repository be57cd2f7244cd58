//! `tiyan list sessions|findings [--session ID] [--status S] [--unit NAME] [--overdue]
//! [--json]` (and the dispatch of `list checks` and `list tickets`). The JSON rows are `present::rows` (a contract, README: add fields,
//! never rename); the plain text uses `present`'s labels and times, as the screens do.

use super::args::ListWhat;
use super::common::{Moment, print_json, print_json_rows, resolve_session};
use super::open::{CliError, Setup};
use super::out::say;
use crate::domain::Finding;
use crate::domain::op::entity_id_string;
use crate::present::rows::{FindingRow, SessionRow};
use crate::present::{labels, time};
use crate::store::StoreError;
use crate::text;

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
            let filter = super::input::finding_filter(setup, filter)?;
            // Every finding is read a session at a time and printed as it comes.
            let findings: Box<dyn Iterator<Item = Result<Finding, StoreError>>> = match session {
                Some(text_id) => {
                    let id = resolve_session(setup, &store, text_id)?;
                    Box::new(store.findings_of(id).map_err(err)?.into_iter().map(Ok))
                }
                None => Box::new(store.findings_stream().map_err(err)?),
            };
            // Status, unit and overdue need no session: the finding alone tells.
            let findings = findings
                .filter(|f| f.as_ref().map_or(true, |f| filter.matches(f, None, today)))
                .map(|f| f.map_err(err));
            if *json {
                return print_json_rows(findings.map(|f| f.map(|f| FindingRow::of(&f, today, zone))));
            }
            for f in findings {
                let f = f?;
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
