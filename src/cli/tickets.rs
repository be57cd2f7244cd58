//! `tiyan list tickets [--session ID] [--json]` and `tiyan stats waits [--session ID]
//! [--by window|item] [--json]`: the queue board's tickets and their wait statistics, for
//! office scripts. The JSON rows are `present::rows` (a contract, README: add, never rename).

use super::common::{Moment, print_json, resolve_session, right};
use super::open::{CliError, Setup};
use super::out::say;
use crate::domain::Ticket;
use crate::domain::op::entity_id_string;
use crate::present::labels::{self, duration_or_dash as time};
use crate::present::rows::{TicketRow, WaitsBy, wait_rows};
use crate::present::time::date_time;
use crate::store::Store;
use crate::text;

/// The tickets of one session, or of every session.
fn tickets(store: &Store, setup: &Setup, session: Option<&str>) -> Result<Vec<Ticket>, CliError> {
    let err = |e| setup.store_error(e);
    match session {
        Some(text_id) => {
            let id = resolve_session(setup, store, text_id)?;
            store.tickets_of(id).map_err(err)
        }
        None => store.all_tickets().map_err(err),
    }
}

pub fn list(store: &Store, setup: &Setup, session: Option<&str>, json: bool, m: &Moment) -> Result<(), CliError> {
    let tickets = tickets(store, setup, session)?;
    if json {
        return print_json(&tickets.iter().map(|t| TicketRow::of(t, &m.now, &m.zone)).collect::<Vec<_>>());
    }
    // Headers and states in the user's language; the JSON keeps the codes.
    let s = setup.strings();
    let col = |name: &str| s.t(&format!("cli.tickets.col.{name}"));
    say!(
        "{}  {}  {}  {}  {}  {}  {}  {}",
        text::pad(s.t("cli.col.id"), 26),
        text::pad(col("taken"), 16),
        text::pad(col("number"), 6),
        text::pad(col("window"), 10),
        text::pad(col("item"), 16),
        text::pad(col("state"), 8),
        right(col("wait"), 8),
        right(col("service"), 8)
    );
    for t in &tickets {
        let taken = t.taken().map(|at| date_time(&m.zone, at.wall_ms)).unwrap_or_default();
        say!(
            "{}  {}  {}  {}  {}  {}  {:>8}  {:>8}",
            entity_id_string(t.id),
            text::pad(&taken, 16),
            text::pad(&t.number, 6),
            text::pad(t.window(), 10),
            text::pad(&t.item, 16),
            text::pad(labels::ticket_state(s, t), 8),
            time(t.wait_secs(&m.now)),
            time(t.service_secs(&m.now))
        );
    }
    Ok(())
}

pub fn stats(setup: &Setup, session: Option<&str>, by: Option<&str>, json: bool) -> Result<(), CliError> {
    let Some(by) = WaitsBy::parse(by) else {
        let value = by.unwrap_or_default();
        return Err(CliError::refused(setup.strings().tf("cli.stats.bad_by", &[("value", value)])));
    };
    let store = setup.open_store_read_only()?;
    let tickets = tickets(&store, setup, session)?;
    let thresholds = |t: &Ticket| setup.waits.for_item(&t.item);
    // Windows are told apart by their session's hall.
    let places: std::collections::HashMap<_, _> = match by {
        WaitsBy::Window => store
            .sessions()
            .map_err(|e| setup.store_error(e))?
            .into_iter()
            .map(|s| (s.session.id, s.session.place))
            .collect(),
        WaitsBy::All | WaitsBy::Item => Default::default(),
    };
    let place = |t: &Ticket| places.get(&t.session_id).cloned().unwrap_or_default();
    let rows = wait_rows(by, &tickets, place, &thresholds);
    if json {
        return print_json(&rows);
    }
    let pct = labels::percent;
    // Headers in the user's language; the JSON keeps the codes.
    let strings = setup.strings();
    let col = |name: &str| strings.t(&format!("cli.stats.col.{name}"));
    say!(
        "{}  {}  {}  {}  {}  {}  {}  {}",
        text::pad(col(by.code()), 30),
        right(col("count"), 5),
        right(col("median"), 8),
        right(col("p90"), 8),
        right(col("max"), 8),
        right(col("service"), 8),
        right(col("over"), 6),
        right(col("left"), 6)
    );
    for r in &rows {
        let s = &r.stats;
        say!(
            "{}  {:>5}  {:>8}  {:>8}  {:>8}  {:>8}  {:>6}  {:>6}",
            text::pad(if r.group.is_empty() { "-" } else { &r.group }, 30),
            s.count,
            time(s.median_secs),
            time(s.p90_secs),
            time(s.max_secs),
            time(s.median_service_secs),
            pct(s.over_threshold_share),
            pct(s.left_share)
        );
    }
    Ok(())
}
