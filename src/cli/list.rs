//! `tiyan list sessions|findings [--session ID] [--status S] [--unit NAME] [--overdue]
//! [--json]` (and the dispatch of `list checks` and `list tickets`). The JSON rows are `present::rows` (a contract, README: add fields,
//! never rename); the plain text uses `present`'s labels and times, as the screens do.

use super::args::ListWhat;
use super::common::{JsonArray, Moment, print_json, resolve_session};
use super::open::{CliError, Setup};
use super::out::say;
use crate::domain::Finding;
use crate::domain::op::entity_id_string;
use crate::present::rows::{FindingRow, SessionRow};
use crate::present::{labels, time};
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
        ListWhat::Findings { session, filter, conflicts, json } => {
            let filter = super::input::finding_filter(setup, filter)?;
            let session = session.as_deref().map(|text_id| resolve_session(setup, &store, text_id)).transpose()?;
            // Status, unit and overdue need no session: the finding alone tells.
            let kept = |findings: Vec<Finding>| -> Vec<Finding> {
                findings
                    .into_iter()
                    .filter(|f| filter.matches(f, None, today) && (!*conflicts || !f.conflicts.is_empty()))
                    .collect()
            };
            if *json {
                let rows =
                    |findings| JsonArray::rows(kept(findings).into_iter().map(|f| FindingRow::of(f, today, zone)));
                let mut out = JsonArray::stdout();
                match session {
                    Some(id) => out.push(&rows(store.findings_of(id).map_err(err)?)?)?,
                    // Every finding, read a session at a time and printed as it comes.
                    None => store.each_session_findings(rows, |text| out.push(&text?)).map_err(err)??,
                }
                return out.end();
            }
            let say_each = |findings: Vec<Finding>| {
                for f in findings {
                    let deadline = f.deadline.map(time::date).unwrap_or_else(|| "-".into());
                    say!(
                        "{}  {:>3}  {}  {}  {}  {}{}",
                        entity_id_string(f.id),
                        f.seq_label(),
                        text::pad(&f.description, 40),
                        text::pad(&f.unit, 14),
                        text::pad(&deadline, 10),
                        labels::finding_status(setup.lang, f.status),
                        if f.conflicts.is_empty() {
                            String::new()
                        } else {
                            format!("  {}", setup.strings().t("sync.conflict"))
                        }
                    );
                }
                Ok::<_, CliError>(())
            };
            match session {
                Some(id) => say_each(kept(store.findings_of(id).map_err(err)?)),
                None => store.each_session_findings(kept, say_each).map_err(err)?,
            }
        }
        ListWhat::Checks { session, json } => super::checks::run(&store, setup, session, *json),
        ListWhat::Tickets { session, json } => super::tickets::list(&store, setup, session.as_deref(), *json, &moment),
    }
}
