//! The flat rows `--json` prints: one struct per record kind, made from the record by a
//! function here and written by [`to_json`]. The field names, their order and their types are
//! a contract for office scripts (README, "JSON"): fields are added, never renamed; a test pins
//! every list byte for byte on the demo data.
//!
//! Each row takes what it depends on besides the record: the zone its times are shown in,
//! "today" for dues, "now" for timers still running. Codes stay codes (`status`, `severity`,
//! `kind`); words are for [`super::labels`].

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::Zone;
use super::time::{date, rfc3339};
use crate::domain::ledger::{Counts, UnitRow};
use crate::domain::op::entity_id_string;
use crate::domain::rectify::{Due, StatusMove, due};
use crate::domain::{Attachment, Checklist, Finding, SessionSummary, Stamp, Thresholds, Ticket, WaitStats, waits};

/// Rows as `--json` prints them: pretty, two spaces, no newline at the end. serde_json
/// escapes every control character, so stored text is exact and still cannot reach a terminal
/// raw.
pub fn to_json<T: Serialize + ?Sized>(rows: &T) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(rows)
}

/// `list sessions --json`.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct SessionRow {
    pub id: String,
    pub item: String,
    pub mode: String,
    pub channel: String,
    pub theme: String,
    pub place: String,
    pub window: String,
    pub inspectors: Vec<String>,
    /// 优化措施 and 工作建议: the session's own text for its report's sections 五 and 六.
    pub measures: String,
    pub advice: String,
    /// "open" or "finished".
    pub status: &'static str,
    pub created_at: String,
    pub finished_at: Option<String>,
    pub findings: usize,
    /// 事项办理全过程 as the stage stopwatch tells it ("" when no stage was marked).
    pub walk_narrative: String,
    /// Records of the session with a conflict (冲突) after a merge.
    pub conflicts: usize,
    /// Photos and scans (附件), oldest first (added after `conflicts`).
    pub attachments: Vec<AttachmentRow>,
}

/// One attachment, in `list sessions|findings --json` and `tiyan attach --json`.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct AttachmentRow {
    pub id: String,
    /// The file's name when attached.
    pub name: String,
    pub size: u64,
    /// `image/jpeg`, `image/png` or `application/pdf`, from the file's first bytes.
    #[serde(rename = "type")]
    pub file_type: &'static str,
    /// BLAKE3, hex: the kept copy is `<profile>/attachments/<first 2>/<hash>`.
    pub hash: String,
    pub by: String,
    pub at: String,
}

impl AttachmentRow {
    pub fn of(a: &Attachment, zone: &Zone) -> AttachmentRow {
        AttachmentRow {
            id: entity_id_string(a.id),
            name: a.name.clone(),
            size: a.size,
            file_type: a.file_type.mime(),
            hash: a.hash_hex(),
            by: a.by.clone(),
            at: rfc3339(zone, a.at_ms),
        }
    }
    pub fn all(list: &[Attachment], zone: &Zone) -> Vec<AttachmentRow> {
        list.iter().map(|a| AttachmentRow::of(a, zone)).collect()
    }
}

impl SessionRow {
    /// `now` measures a walk still under way.
    pub fn of(s: &SessionSummary, now: &Stamp, zone: &Zone) -> SessionRow {
        let x = &s.session;
        SessionRow {
            id: entity_id_string(x.id),
            item: x.item.clone(),
            mode: x.mode.clone(),
            channel: x.channel.clone(),
            theme: x.theme.clone(),
            place: x.place.clone(),
            window: x.window.clone(),
            inspectors: x.inspectors.clone(),
            measures: x.measures.clone(),
            advice: x.advice.clone(),
            status: x.status.code(),
            created_at: rfc3339(zone, x.created_ms),
            finished_at: x.finished_ms.map(|ms| rfc3339(zone, ms)),
            findings: s.findings,
            walk_narrative: x.walk.narrative(now, zone),
            conflicts: s.conflicts,
            attachments: AttachmentRow::all(&x.attachments, zone),
        }
    }
}

/// `list findings --json`, and `finding set-status --json`.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct FindingRow {
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
    /// "YYYY-MM-DD" or null.
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
    pub moves: Vec<MoveRow>,
    /// Fields with more than one live value after a merge (冲突), by name; empty when none.
    pub conflicts: Vec<String>,
    /// 原因 (added after `conflicts`).
    pub cause: String,
    /// Photos and scans (附件), oldest first (added after `cause`).
    pub attachments: Vec<AttachmentRow>,
}

/// The code of how a finding stands against its deadline, and the days it is late.
pub fn due_code(f: &Finding, today: NaiveDate) -> (Option<&'static str>, Option<i64>) {
    match due(f, today) {
        Due::NotDue => (None, None),
        Due::OnTime { .. } => (Some("on-time"), None),
        Due::Soon { .. } => (Some("soon"), None),
        Due::Overdue { days_over } => (Some("overdue"), Some(days_over)),
    }
}

impl FindingRow {
    /// `today` decides whether it is due or overdue. The finding's text moves into the row.
    pub fn of(f: Finding, today: NaiveDate, zone: &Zone) -> FindingRow {
        let (due, days_overdue) = due_code(&f, today);
        let seq_label = f.seq_label();
        let (checklist_id, check_item) = match f.check {
            Some((c, item)) => (Some(entity_id_string(c)), Some(item)),
            None => (None, None),
        };
        FindingRow {
            id: entity_id_string(f.id),
            seq: f.seq,
            seq_label,
            session_id: entity_id_string(f.session_id),
            description: f.description,
            category: f.category,
            tags: f.tags,
            severity: f.severity,
            unit: f.unit,
            measure: f.measure,
            deadline: f.deadline.map(date),
            progress: f.progress,
            note: f.note,
            cause: f.cause,
            status: f.status.code(),
            created_at: rfc3339(zone, f.created_ms),
            checklist_id,
            check_item,
            ticket_id: f.ticket.map(entity_id_string),
            due,
            days_overdue,
            target: f.target,
            standard: f.standard,
            owner: f.owner,
            evidence: f.evidence,
            rectified_by: f.rectified_by,
            rectified_on: f.rectified_on.map(date),
            closed_by: f.closed_by,
            closed_on: f.closed_on.map(date),
            moves: f.moves.into_iter().map(|m| MoveRow::of(m, zone)).collect(),
            conflicts: f.conflicts,
            attachments: AttachmentRow::all(&f.attachments, zone),
        }
    }
}

/// One entry of a finding's history.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct MoveRow {
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

impl MoveRow {
    pub fn of(m: StatusMove, zone: &Zone) -> MoveRow {
        MoveRow {
            from: m.from,
            to: m.to,
            by: m.by,
            at: rfc3339(zone, m.at_ms),
            note: m.note,
            evidence: m.evidence,
            reopen: m.reopen,
            details: Details(m.details),
        }
    }
}

/// (field, text) pairs written as one JSON object, keeping their order.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Details(pub Vec<(String, String)>);

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

/// `list checks --json`: one checklist item with its answer.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct CheckRow {
    pub checklist_id: String,
    pub session_id: String,
    pub template_id: String,
    pub template_version: u32,
    pub template_title: String,
    pub dimension_id: String,
    pub dimension: String,
    pub item_id: String,
    pub item: String,
    /// pass-fail, score, count, yes-no or text.
    pub kind: &'static str,
    /// The answer code: pass, fail, na, yes, no, score:N, count:N, text:…; null if unanswered.
    pub answer: Option<String>,
    pub note: String,
    pub findings: Vec<LinkedFindingRow>,
}

/// A finding made from a checklist item.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct LinkedFindingRow {
    pub id: String,
    pub seq: i64,
    pub description: String,
}

/// Every item of `checklist` in template order, with the findings of `findings` made from it.
pub fn check_rows(checklist: &Checklist, findings: &[Finding]) -> Vec<CheckRow> {
    let t = &checklist.template;
    t.items()
        .map(|(d, i)| CheckRow {
            checklist_id: entity_id_string(checklist.id),
            session_id: entity_id_string(checklist.session_id),
            template_id: t.id.clone(),
            template_version: t.version,
            template_title: t.title.zh.clone(),
            dimension_id: d.id.clone(),
            dimension: d.title.zh.clone(),
            item_id: i.id.clone(),
            item: i.text.clone(),
            kind: i.kind.code(),
            answer: checklist.answer(&i.id).map(|a| a.code()),
            note: checklist.notes.get(&i.id).cloned().unwrap_or_default(),
            findings: findings
                .iter()
                .filter(|f| f.check.as_ref().is_some_and(|(c, item)| *c == checklist.id && *item == i.id))
                .map(|f| LinkedFindingRow {
                    id: entity_id_string(f.id),
                    seq: f.seq,
                    description: f.description.clone(),
                })
                .collect(),
        })
        .collect()
}

/// `list tickets --json`.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct TicketRow {
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

impl TicketRow {
    /// `now` measures a ticket still waiting or being served.
    pub fn of(t: &Ticket, now: &Stamp, zone: &Zone) -> TicketRow {
        let at = |s: Option<&Stamp>| s.map(|s| rfc3339(zone, s.wall_ms));
        let state = t.state();
        TicketRow {
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
}

/// What `stats waits` groups tickets by.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum WaitsBy {
    /// All tickets together: one row.
    All,
    /// The session's hall and the ticket's window now, so 8号窗口 of two halls stay apart.
    Window,
    /// The service item.
    Item,
}

impl WaitsBy {
    pub fn code(self) -> &'static str {
        match self {
            WaitsBy::All => "all",
            WaitsBy::Window => "window",
            WaitsBy::Item => "item",
        }
    }

    /// `--by`'s value (none is all); None for anything else.
    pub fn parse(by: Option<&str>) -> Option<WaitsBy> {
        match by {
            None => Some(WaitsBy::All),
            Some("window") => Some(WaitsBy::Window),
            Some("item") => Some(WaitsBy::Item),
            Some(_) => None,
        }
    }
}

/// `stats waits --json`: the figures of one group.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct WaitStatsRow {
    /// "all", "window" or "item": what the rows are grouped by.
    pub by: &'static str,
    /// The window or item of this row ("" for all).
    pub group: String,
    #[serde(flatten)]
    pub stats: WaitStats,
}

/// The rows of `stats waits`: one for all `tickets`, or one per window or item. `place`
/// names a ticket's hall (its session's place); `thresholds` are a ticket's wait limits.
pub fn wait_rows(
    by: WaitsBy,
    tickets: &[Ticket],
    place: impl Fn(&Ticket) -> String,
    thresholds: &dyn Fn(&Ticket) -> Thresholds,
) -> Vec<WaitStatsRow> {
    let refs: Vec<&Ticket> = tickets.iter().collect();
    let row = |group: String, stats: WaitStats| WaitStatsRow { by: by.code(), group, stats };
    match by {
        WaitsBy::All => vec![row(String::new(), waits::wait_stats(refs, thresholds))],
        WaitsBy::Window => waits::grouped(&refs, |t| waits::window_label(&place(t), t.window()), thresholds)
            .into_iter()
            .map(|(group, stats)| row(group, stats))
            .collect(),
        WaitsBy::Item => waits::grouped(&refs, |t| t.item.clone(), thresholds)
            .into_iter()
            .map(|(group, stats)| row(group, stats))
            .collect(),
    }
}

/// `ledger --json`: the counts and the table by unit.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct LedgerRow {
    pub counts: Counts,
    pub units: Vec<UnitRow>,
}

/// `tiyan stats ratings --json`: one row per group.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct RatingRowJson {
    /// "all", "item", "window" or "week".
    pub by: &'static str,
    pub group: String,
    /// Kiosk entries with a rating.
    pub entries: usize,
    pub dimensions: Vec<DimensionJson>,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct DimensionJson {
    /// `attitude`, `efficiency`, `guidance`, `environment`.
    pub dimension: &'static str,
    /// 服务态度 …
    pub name: &'static str,
    /// How many gave each level, 非常满意 first: `{very_satisfied, satisfied, fair, dissatisfied, very_dissatisfied}`.
    pub counts: BTreeMap<&'static str, usize>,
    /// The same as fractions of those who rated this dimension; null when none did.
    pub shares: BTreeMap<&'static str, Option<f64>>,
    /// 满意率: 非常满意, 满意 and 基本满意 together; null when none rated it.
    pub satisfied_share: Option<f64>,
}

impl RatingRowJson {
    pub fn of(r: &crate::domain::ratings::RatingRow, by: crate::domain::ratings::GroupBy) -> RatingRowJson {
        use crate::domain::kiosk::{Dimension, Level};
        let dimensions = Dimension::ALL
            .into_iter()
            .map(|d| DimensionJson {
                dimension: d.code(),
                name: d.zh(),
                counts: Level::ALL.into_iter().map(|l| (l.code(), r.counts[&d][l as usize])).collect(),
                shares: Level::ALL.into_iter().map(|l| (l.code(), r.share(d, l))).collect(),
                satisfied_share: r.satisfied(d),
            })
            .collect();
        RatingRowJson { by: by.code(), group: r.group.clone(), entries: r.entries, dimensions }
    }
}
