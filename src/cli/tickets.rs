//! `tiyan list tickets [--session ID] [--json]` and `tiyan stats waits [--session ID]
//! [--by window|item] [--json]`: the queue board's tickets and their wait statistics, for
//! office scripts. JSON field names are a contract (README documents them): add, never rename.

use serde::Serialize;

use super::list::{print_json, resolve_session, rfc3339, right};
use super::open::{CliError, Setup};
use super::out::say;
use crate::clock::now_in_a_new_run;
use crate::domain::op::entity_id_string;
use crate::domain::stamp::clock_text_or_dash;
use crate::domain::{Stamp, Ticket, WaitStats, waits};
use crate::store::Store;
use crate::text;

#[derive(Serialize)]
pub struct TicketJson {
    pub id: String,
    pub session_id: String,
    pub number: String,
    /// The window it is at now (after any transfer).
    pub window: String,
    pub item: String,
    pub taken_at: Option<String>,
    /// The call that counts: the last one.
    pub called_at: Option<String>,
    pub serving_at: Option<String>,
    pub done_at: Option<String>,
    pub left_at: Option<String>,
    /// "done", "left" or "ended" (计时结束: still open when its session was finished); null
    /// while the ticket is still open.
    pub outcome: Option<&'static str>,
    /// waiting, called, serving, done, left or ended.
    pub state: &'static str,
    /// Last call − taken; for a ticket still waiting, the wait so far; null for one ended
    /// while waiting.
    pub wait_secs: Option<i64>,
    /// Done − serving; for a ticket being served, the time so far; for one ended while being
    /// served, up to the end.
    pub service_secs: Option<i64>,
    pub recalls: usize,
    /// The window it was taken for, when it was transferred since.
    pub first_window: String,
    /// When its timing ended with the session (added after `first_window`).
    pub ended_at: Option<String>,
}

fn ticket_json(t: &Ticket, now: &Stamp) -> TicketJson {
    let at = |s: Option<&Stamp>| s.map(|s| rfc3339(s.wall_ms));
    let state = t.state();
    TicketJson {
        id: entity_id_string(t.id),
        session_id: entity_id_string(t.session_id),
        number: t.number.clone(),
        window: t.window().to_string(),
        item: t.item.clone(),
        taken_at: at(t.taken()),
        called_at: at(t.last_call()),
        serving_at: at(t.serving()),
        done_at: at(t.done()),
        left_at: at(t.left()),
        outcome: (!state.is_open()).then(|| state.code()),
        state: state.code(),
        wait_secs: t.wait_secs(now),
        service_secs: t.service_secs(now),
        recalls: t.recalls(),
        first_window: t.first_window.clone(),
        ended_at: at(t.ended()),
    }
}

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

pub fn list(store: &Store, setup: &Setup, session: Option<&str>, json: bool) -> Result<(), CliError> {
    let tickets = tickets(store, setup, session)?;
    let now = now_in_a_new_run();
    let rows: Vec<TicketJson> = tickets.iter().map(|t| ticket_json(t, &now)).collect();
    if json {
        return print_json(&rows);
    }
    let time = clock_text_or_dash;
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
    for r in &rows {
        let taken = r.taken_at.as_deref().map(|t| t[..16.min(t.len())].replace('T', " ")).unwrap_or_default();
        say!(
            "{}  {}  {}  {}  {}  {}  {:>8}  {:>8}",
            r.id,
            text::pad(&taken, 16),
            text::pad(&r.number, 6),
            text::pad(&r.window, 10),
            text::pad(&r.item, 16),
            text::pad(s.t(&format!("ticket.state.{}", r.state)), 8),
            time(r.wait_secs),
            time(r.service_secs)
        );
    }
    Ok(())
}

#[derive(Serialize)]
pub struct WaitStatsJson {
    /// "all", "window" or "item": what the rows are grouped by.
    pub by: &'static str,
    /// The window or item of this row ("" for all).
    pub group: String,
    #[serde(flatten)]
    pub stats: WaitStats,
}

pub fn stats(setup: &Setup, session: Option<&str>, by: Option<&str>, json: bool) -> Result<(), CliError> {
    let by = match by {
        None => "all",
        Some("window") => "window",
        Some("item") => "item",
        Some(other) => return Err(CliError::refused(setup.strings().tf("cli.stats.bad_by", &[("value", other)]))),
    };
    let store = setup.open_store_read_only()?;
    let tickets = tickets(&store, setup, session)?;
    let thresholds = |t: &Ticket| setup.waits.for_item(&t.item);
    let refs: Vec<&Ticket> = tickets.iter().collect();
    let rows: Vec<WaitStatsJson> = match by {
        "all" => vec![WaitStatsJson { by, group: String::new(), stats: waits::wait_stats(refs, &thresholds) }],
        _ => {
            let places: std::collections::HashMap<_, _> = store
                .sessions()
                .map_err(|e| setup.store_error(e))?
                .into_iter()
                .map(|s| (s.session.id, s.session.place))
                .collect();
            let place = |t: &Ticket| places.get(&t.session_id).map(String::as_str).unwrap_or("");
            let key = |t: &Ticket| match by {
                "window" => waits::window_label(place(t), t.window()),
                _ => t.item.clone(),
            };
            waits::grouped(&refs, key, &thresholds)
                .into_iter()
                .map(|(group, stats)| WaitStatsJson { by, group, stats })
                .collect()
        }
    };
    if json {
        return print_json(&rows);
    }
    let time = clock_text_or_dash;
    let pct = |s: Option<f64>| crate::text::percent(s);
    // Headers in the user's language; the JSON keeps the codes.
    let strings = setup.strings();
    let col = |name: &str| strings.t(&format!("cli.stats.col.{name}"));
    say!(
        "{}  {}  {}  {}  {}  {}  {}  {}",
        text::pad(col(by), 30),
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
