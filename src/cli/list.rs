//! `tiyan list sessions|findings [--session ID] [--status S] [--unit NAME] [--overdue]
//! [--json]`. The JSON field names are a contract (README documents them): add fields, never
//! rename.

use serde::Serialize;

use super::args::ListWhat;
use super::open::{CliError, Setup};
use super::out::say;
use crate::domain::op::{entity_id_string, parse_entity_id};
use crate::domain::rectify::{Due, StatusMove, due};
use crate::domain::{EntityKind, Finding, SessionSummary};
use crate::store::Lookup;
use crate::text;

#[derive(Serialize)]
pub struct SessionJson {
    pub id: String,
    pub item: String,
    pub mode: String,
    pub channel: String,
    pub theme: String,
    pub place: String,
    pub window: String,
    pub inspectors: Vec<String>,
    pub status: &'static str,
    pub created_at: String,
    pub finished_at: Option<String>,
    pub findings: usize,
    /// 事项办理全过程 as the stage stopwatch tells it ("" when no stage was marked).
    pub walk_narrative: String,
}

#[derive(Serialize)]
pub struct FindingJson {
    pub id: String,
    pub seq: i64,
    /// The 序号 as shown: `3`, or `3'` for a second finding numbered 3 after a merge.
    pub seq_label: String,
    pub session_id: String,
    pub description: String,
    pub category: String,
    pub tags: Vec<String>,
    pub severity: String,
    pub unit: String,
    pub measure: String,
    pub deadline: Option<String>,
    pub progress: String,
    pub note: String,
    pub status: &'static str,
    pub created_at: String,
    /// The checklist and item the finding was made from (null when captured freely).
    pub checklist_id: Option<String>,
    pub check_item: Option<String>,
    /// The queue ticket the finding was made from (null otherwise).
    pub ticket_id: Option<String>,
    /// Against the deadline: "overdue", "soon" (within 3 days), "on-time"; null without a
    /// deadline or once rectified.
    pub due: Option<&'static str>,
    /// Days past the deadline when overdue, else null.
    pub days_overdue: Option<i64>,
    /// The rest of the 六明确, given when a unit is assigned.
    pub target: String,
    pub standard: String,
    pub owner: String,
    /// 完成情况: what was done, given when marked rectified.
    pub evidence: String,
    pub rectified_by: String,
    pub rectified_on: Option<String>,
    pub closed_by: String,
    pub closed_on: Option<String>,
    /// The status history, oldest first.
    pub moves: Vec<MoveJson>,
}

#[derive(Serialize)]
pub struct MoveJson {
    pub from: String,
    pub to: String,
    pub by: String,
    pub at: String,
    pub note: String,
    pub evidence: String,
    pub reopen: bool,
    /// What an assignment set, field name to text, in the order given.
    pub details: Details,
}

/// (field, text) pairs written as one JSON object, keeping their order.
pub struct Details(Vec<(String, String)>);

impl Serialize for Details {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (field, text) in &self.0 {
            map.serialize_entry(field, text)?;
        }
        map.end()
    }
}

impl From<&StatusMove> for MoveJson {
    fn from(m: &StatusMove) -> Self {
        MoveJson {
            from: m.from.clone(),
            to: m.to.clone(),
            by: m.by.clone(),
            at: rfc3339(m.at_ms),
            note: m.note.clone(),
            evidence: m.evidence.clone(),
            reopen: m.reopen,
            details: Details(m.details.clone()),
        }
    }
}

/// RFC 3339 in local time, with its offset.
pub(super) fn rfc3339(ms: i64) -> String {
    use chrono::TimeZone;
    chrono::Local.timestamp_millis_opt(ms).single().map(|t| t.to_rfc3339()).unwrap_or_default()
}

impl From<&SessionSummary> for SessionJson {
    fn from(s: &SessionSummary) -> Self {
        let x = &s.session;
        SessionJson {
            id: entity_id_string(x.id),
            item: x.item.clone(),
            mode: x.mode.clone(),
            channel: x.channel.clone(),
            theme: x.theme.clone(),
            place: x.place.clone(),
            window: x.window.clone(),
            inspectors: x.inspectors.clone(),
            status: x.status.code(),
            created_at: rfc3339(x.created_ms),
            finished_at: x.finished_ms.map(rfc3339),
            findings: s.findings,
            walk_narrative: x.walk.narrative(&crate::clock::now_in_a_new_run(), &chrono::Local),
        }
    }
}

fn date_text(d: Option<chrono::NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

impl FindingJson {
    /// `today` decides whether it is due or overdue.
    pub fn new(f: &Finding, today: chrono::NaiveDate) -> Self {
        let (due, days_overdue) = match due(f, today) {
            Due::NotDue => (None, None),
            Due::OnTime { .. } => (Some("on-time"), None),
            Due::Soon { .. } => (Some("soon"), None),
            Due::Overdue { days_over } => (Some("overdue"), Some(days_over)),
        };
        FindingJson {
            id: entity_id_string(f.id),
            seq: f.seq,
            seq_label: f.seq_label(),
            session_id: entity_id_string(f.session_id),
            description: f.description.clone(),
            category: f.category.clone(),
            tags: f.tags.clone(),
            severity: f.severity.clone(),
            unit: f.unit.clone(),
            measure: f.measure.clone(),
            deadline: date_text(f.deadline),
            progress: f.progress.clone(),
            note: f.note.clone(),
            status: f.status.code(),
            created_at: rfc3339(f.created_ms),
            checklist_id: f.check.as_ref().map(|(c, _)| entity_id_string(*c)),
            check_item: f.check.as_ref().map(|(_, i)| i.clone()),
            ticket_id: f.ticket.map(entity_id_string),
            due,
            days_overdue,
            target: f.target.clone(),
            standard: f.standard.clone(),
            owner: f.owner.clone(),
            evidence: f.evidence.clone(),
            rectified_by: f.rectified_by.clone(),
            rectified_on: date_text(f.rectified_on),
            closed_by: f.closed_by.clone(),
            closed_on: date_text(f.closed_on),
            moves: f.moves.iter().map(MoveJson::from).collect(),
        }
    }
}

/// `s` right-aligned in `w` columns by display width (`{:>w$}` counts characters, so a
/// Chinese header would stand two columns too far right per character).
pub(super) fn right(s: &str, w: usize) -> String {
    let cut = text::truncate(s, w);
    format!("{}{cut}", " ".repeat(w.saturating_sub(text::width(&cut))))
}

/// JSON as it is: serde_json escapes every control character, so stored text is exact and
/// still cannot reach a terminal raw.
pub(super) fn print_json<T: Serialize>(rows: &[T]) -> Result<(), CliError> {
    let out = serde_json::to_string_pretty(rows).map_err(|e| CliError::refused(e.to_string()))?;
    println!("{out}");
    Ok(())
}

pub fn run(setup: &Setup, what: &ListWhat) -> Result<(), CliError> {
    let store = setup.open_store_read_only()?;
    let err = |e| setup.store_error(e);
    match what {
        ListWhat::Sessions { json } => {
            let sessions = store.sessions().map_err(err)?;
            if *json {
                return print_json(&sessions.iter().map(SessionJson::from).collect::<Vec<_>>());
            }
            let strings = setup.strings();
            for s in &sessions {
                let j = SessionJson::from(s);
                // The state in the user's language (session.open, session.finished).
                let state = strings.t(&format!("session.{}", j.status));
                say!(
                    "{}  {}  {}  {}  {}  {:>3}",
                    j.id,
                    &j.created_at[..16.min(j.created_at.len())].replace('T', " "),
                    text::pad(&j.item, 20),
                    text::pad(&j.place, 16),
                    text::pad(state, 8),
                    j.findings
                );
            }
            Ok(())
        }
        ListWhat::Findings { session, filter, json } => {
            let today = super::ledger_cmd::today();
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
                return print_json(&findings.iter().map(|f| FindingJson::new(f, today)).collect::<Vec<_>>());
            }
            for f in &findings {
                let deadline = f.deadline.map(|d| d.to_string()).unwrap_or_else(|| "-".into());
                say!(
                    "{}  {:>3}  {}  {}  {}  {}",
                    entity_id_string(f.id),
                    f.seq_label(),
                    text::pad(&f.description, 40),
                    text::pad(&f.unit, 14),
                    text::pad(&deadline, 10),
                    f.status.label(setup.lang)
                );
            }
            Ok(())
        }
        ListWhat::Checks { session, json } => super::checks::run(&store, setup, session, *json),
        ListWhat::Tickets { session, json } => super::tickets::list(&store, setup, session.as_deref(), *json),
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
