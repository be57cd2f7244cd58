//! 问题: a problem found, with the columns of seed 003's 问题整改清单.

use serde::Serialize;

use super::op::{EntityId, EntityKind, Hlc, OpId, Value, entity_created_ms};
use super::record::Record;
use super::rectify::{StatusMove, take_moves};

pub mod field {
    pub const SESSION: &str = "session";
    pub const SEQ: &str = "seq";
    pub const DESCRIPTION: &str = "description";
    pub const CATEGORY: &str = "category";
    pub const TAGS: &str = "tags";
    pub const SEVERITY: &str = "severity";
    pub const UNIT: &str = "unit";
    pub const MEASURE: &str = "measure";
    pub const DEADLINE: &str = "deadline";
    pub const PROGRESS: &str = "progress";
    pub const NOTE: &str = "note";
    pub const STATUS: &str = "status";
    pub const DELETED: &str = "deleted";
    /// The checklist and item a finding was made from (Ref, Text).
    pub const CHECKLIST: &str = "checklist";
    pub const CHECK_ITEM: &str = "check_item";
    /// The queue ticket a finding was made from (Ref).
    pub const TICKET: &str = "ticket";
    /// The rest of the 六明确 (任务 is the description, 措施 the measure, 时限 the deadline).
    pub const TARGET: &str = "target";
    pub const STANDARD: &str = "standard";
    pub const OWNER: &str = "owner";
    /// 完成情况: what was done, given when marked rectified.
    pub const EVIDENCE: &str = "evidence";
    pub const RECTIFIED_BY: &str = "rectified_by";
    pub const RECTIFIED_ON: &str = "rectified_on";
    pub const CLOSED_BY: &str = "closed_by";
    pub const CLOSED_ON: &str = "closed_on";
    /// 原因: why the problem arises (seed 002's 整改台账 asks for it beside the problem).
    pub const CAUSE: &str = "cause";
}

/// What a finding was made from, written with it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum FindingLink {
    Check { checklist: EntityId, item: String },
    Ticket(EntityId),
}

impl FindingLink {
    pub fn changes(&self, finding: EntityId) -> Vec<super::op::Change> {
        let set = |f: &str, v: Value| super::op::Change::set(EntityKind::Finding, finding, f, v);
        match self {
            FindingLink::Check { checklist, item } => {
                vec![set(field::CHECKLIST, Value::Ref(*checklist)), set(field::CHECK_ITEM, Value::text(item))]
            }
            FindingLink::Ticket(ticket) => vec![set(field::TICKET, Value::Ref(*ticket))],
        }
    }
}

/// The rectification lifecycle (seed 001's closed loop). Codes are the CLI/JSON contract.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
pub enum FindingStatus {
    Found,
    Confirmed,
    NotAProblem,
    Assigned,
    Rectifying,
    Rectified,
    Closed,
}

impl FindingStatus {
    pub const ALL: [FindingStatus; 7] = [
        FindingStatus::Found,
        FindingStatus::Confirmed,
        FindingStatus::NotAProblem,
        FindingStatus::Assigned,
        FindingStatus::Rectifying,
        FindingStatus::Rectified,
        FindingStatus::Closed,
    ];
    pub fn code(self) -> &'static str {
        match self {
            FindingStatus::Found => "found",
            FindingStatus::Confirmed => "confirmed",
            FindingStatus::NotAProblem => "not-a-problem",
            FindingStatus::Assigned => "assigned",
            FindingStatus::Rectifying => "rectifying",
            FindingStatus::Rectified => "rectified",
            FindingStatus::Closed => "closed",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            FindingStatus::Found => "待核查",
            FindingStatus::Confirmed => "已核查",
            FindingStatus::NotAProblem => "不成立",
            FindingStatus::Assigned => "已定责",
            FindingStatus::Rectifying => "整改中",
            FindingStatus::Rectified => "已整改",
            FindingStatus::Closed => "已销号",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            FindingStatus::Found => "found",
            FindingStatus::Confirmed => "confirmed",
            FindingStatus::NotAProblem => "not a problem",
            FindingStatus::Assigned => "assigned",
            FindingStatus::Rectifying => "rectifying",
            FindingStatus::Rectified => "rectified",
            FindingStatus::Closed => "closed off",
        }
    }
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        match lang {
            crate::i18n::Lang::Zh => self.zh(),
            crate::i18n::Lang::En => self.en(),
        }
    }
    /// Accepts the code or the Chinese name.
    pub fn parse(s: &str) -> Option<FindingStatus> {
        let s = s.trim();
        FindingStatus::ALL.into_iter().find(|st| st.code() == s || st.zh() == s)
    }
}

/// The live values of each of `conflicts` (fields of `r`), with who wrote them and when.
pub fn conflict_values(r: &Record, conflicts: &[String]) -> Vec<ConflictField> {
    conflicts
        .iter()
        .filter_map(|name| r.fields.get(name.as_str()).map(|state| (name, state)))
        .map(|(name, state)| ConflictField {
            field: name.clone(),
            values: state
                .live
                .iter()
                .map(|l| ConflictValue { value: l.value.clone(), replica: l.op.replica, wall_ms: l.hlc.wall_ms })
                .collect(),
        })
        .collect()
}

/// A field with several live values after a merge (冲突): each value, which device wrote it
/// and when, oldest first (the last is the one shown).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ConflictField {
    pub field: String,
    pub values: Vec<ConflictValue>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ConflictValue {
    pub value: Value,
    pub replica: crate::domain::ReplicaId,
    pub wall_ms: u64,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Finding {
    pub id: EntityId,
    pub session_id: EntityId,
    /// 序号: short and per session. Shown through `seq_label` (see `numbering`): after a
    /// merge two findings of a session may hold the same number.
    pub seq: i64,
    /// The stamp and id of the op whose value `seq` shows; orders findings that share a 序号.
    pub seq_origin: Option<(Hlc, OpId)>,
    /// 0 for the first finding of its session holding its 序号, 1 for the second … (set by
    /// `numbering::rank_seqs`, which the store's queries call).
    pub seq_rank: u32,
    pub description: String,
    pub category: String,
    pub tags: Vec<String>,
    pub severity: String,
    pub unit: String,
    pub measure: String,
    pub deadline: Option<chrono::NaiveDate>,
    pub progress: String,
    pub note: String,
    /// 原因 (the 整改台账's column).
    pub cause: String,
    pub status: FindingStatus,
    pub created_ms: i64,
    pub deleted: bool,
    pub conflicts: Vec<String>,
    /// The values of each field in `conflicts`, with who wrote them and when.
    pub conflict_values: Vec<ConflictField>,
    /// The checklist and item id this finding was made from.
    pub check: Option<(EntityId, String)>,
    /// The queue ticket this finding was made from.
    pub ticket: Option<EntityId>,
    pub target: String,
    pub standard: String,
    pub owner: String,
    pub evidence: String,
    pub rectified_by: String,
    pub rectified_on: Option<chrono::NaiveDate>,
    pub closed_by: String,
    pub closed_on: Option<chrono::NaiveDate>,
    /// The status history, oldest first.
    pub moves: Vec<StatusMove>,
    /// Photos and scans (附件), oldest first.
    pub attachments: Vec<super::attachment::Attachment>,
}

impl Finding {
    pub const KIND: EntityKind = EntityKind::Finding;

    /// A finding not yet written: what a new-finding form starts from.
    pub fn blank(session: EntityId) -> Finding {
        Finding {
            id: 0,
            session_id: session,
            seq: 0,
            seq_origin: None,
            seq_rank: 0,
            description: String::new(),
            category: String::new(),
            tags: Vec::new(),
            severity: String::new(),
            unit: String::new(),
            measure: String::new(),
            deadline: None,
            progress: String::new(),
            note: String::new(),
            cause: String::new(),
            status: FindingStatus::Found,
            created_ms: 0,
            deleted: false,
            conflicts: Vec::new(),
            conflict_values: Vec::new(),
            check: None,
            ticket: None,
            target: String::new(),
            standard: String::new(),
            owner: String::new(),
            evidence: String::new(),
            rectified_by: String::new(),
            rectified_on: None,
            closed_by: String::new(),
            closed_on: None,
            moves: Vec::new(),
            attachments: Vec::new(),
        }
    }

    /// The finding a record holds; its text is moved out of the record, not copied.
    pub fn from_record(mut r: Record) -> Finding {
        let conflicts: Vec<String> = r.conflicts().into_iter().map(String::from).collect();
        // Rare, so copied whole before the record's text is moved out.
        let conflict_values = conflict_values(&r, &conflicts);
        let moves = take_moves(&mut r);
        let attachments = super::attachment::of_record(&r);
        let check = r.get(field::CHECKLIST).as_ref_id().map(|c| (c, r.take_text(field::CHECK_ITEM)));
        let tags = match r.take(field::TAGS) {
            Value::TextList(tags) => tags,
            _ => Vec::new(),
        };
        Finding {
            id: r.id,
            session_id: r.get(field::SESSION).as_ref_id().unwrap_or(0),
            seq: r.get(field::SEQ).as_int().unwrap_or(0),
            seq_origin: r.fields.get(field::SEQ).and_then(|f| f.winner()).map(|l| (l.hlc, l.op)),
            seq_rank: 0,
            description: r.take_text(field::DESCRIPTION),
            category: r.take_text(field::CATEGORY),
            tags,
            severity: r.take_text(field::SEVERITY),
            unit: r.take_text(field::UNIT),
            measure: r.take_text(field::MEASURE),
            deadline: r.get(field::DEADLINE).as_date(),
            progress: r.take_text(field::PROGRESS),
            note: r.take_text(field::NOTE),
            cause: r.take_text(field::CAUSE),
            status: FindingStatus::parse(r.get(field::STATUS).as_text()).unwrap_or(FindingStatus::Found),
            created_ms: entity_created_ms(r.id),
            deleted: r.get(field::DELETED).as_bool(),
            conflicts,
            conflict_values,
            check,
            ticket: r.get(field::TICKET).as_ref_id(),
            target: r.take_text(field::TARGET),
            standard: r.take_text(field::STANDARD),
            owner: r.take_text(field::OWNER),
            evidence: r.take_text(field::EVIDENCE),
            rectified_by: r.take_text(field::RECTIFIED_BY),
            rectified_on: r.get(field::RECTIFIED_ON).as_date(),
            closed_by: r.take_text(field::CLOSED_BY),
            closed_on: r.get(field::CLOSED_ON).as_date(),
            moves,
            attachments,
        }
    }

    /// Every editable field, as the editor writes them.
    pub fn field_values(&self) -> Vec<(&'static str, Value)> {
        vec![
            (field::DESCRIPTION, Value::text(&self.description)),
            (field::CATEGORY, Value::text(&self.category)),
            (field::TAGS, Value::TextList(self.tags.clone())),
            (field::SEVERITY, Value::text(&self.severity)),
            (field::UNIT, Value::text(&self.unit)),
            (field::MEASURE, Value::text(&self.measure)),
            (field::DEADLINE, self.deadline.map(Value::date).unwrap_or(Value::Null)),
            (field::PROGRESS, Value::text(&self.progress)),
            (field::NOTE, Value::text(&self.note)),
            (field::CAUSE, Value::text(&self.cause)),
        ]
    }
}
