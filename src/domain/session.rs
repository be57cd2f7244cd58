//! 体验活动: one walk of one service item.

use serde::Serialize;

use super::op::{EntityId, EntityKind, Value, entity_created_ms};
use super::record::Record;
use super::stamp::TimedEvent;
use super::walk::Walk;

/// Field names as stored in the op log. Appending is fine; renaming breaks old stores.
pub mod field {
    pub const ITEM: &str = "item";
    pub const MODE: &str = "mode";
    pub const CHANNEL: &str = "channel";
    pub const THEME: &str = "theme";
    pub const PLACE: &str = "place";
    pub const WINDOW: &str = "window";
    pub const INSPECTORS: &str = "inspectors";
    pub const STATUS: &str = "status";
    pub const FINISHED_AT: &str = "finished_at";
    pub const DELETED: &str = "deleted";
    /// 优化措施 and 工作建议: the session's own text for sections 五 and 六 of its 体验报告.
    pub const MEASURES: &str = "measures";
    pub const ADVICE: &str = "advice";
    /// Jumps of the system clock seen while timing (`clock_jump/0001` …, each an event whose
    /// detail is the jump in ms).
    pub const CLOCK_JUMP_PREFIX: &str = "clock_jump/";
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    Open,
    Finished,
}

impl SessionStatus {
    pub fn code(self) -> &'static str {
        match self {
            SessionStatus::Open => "open",
            SessionStatus::Finished => "finished",
        }
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Session {
    pub id: EntityId,
    pub item: String,
    pub mode: String,
    pub channel: String,
    pub theme: String,
    pub place: String,
    pub window: String,
    pub inspectors: Vec<String>,
    /// 优化措施 (the report's section 五, after the findings' own measures).
    pub measures: String,
    /// 工作建议 (the report's section 六).
    pub advice: String,
    pub status: SessionStatus,
    pub created_ms: i64,
    pub finished_ms: Option<i64>,
    pub deleted: bool,
    /// Fields with unresolved conflicting values after a merge.
    pub conflicts: Vec<String>,
    /// Clock jumps seen while this session's timers ran.
    pub clock_jumps: Vec<TimedEvent>,
    /// The stage stopwatch of this walk (事项办理全过程).
    pub walk: Walk,
    /// Photos and scans (附件), oldest first.
    pub attachments: Vec<super::attachment::Attachment>,
    /// What the hall's kiosk recorded, when the session is a kiosk entry.
    pub kiosk: Option<super::kiosk::KioskFacts>,
}

impl Session {
    pub fn from_record(r: &Record) -> Session {
        Session {
            id: r.id,
            item: r.text(field::ITEM),
            mode: r.text(field::MODE),
            channel: r.text(field::CHANNEL),
            theme: r.text(field::THEME),
            place: r.text(field::PLACE),
            window: r.text(field::WINDOW),
            inspectors: r.get(field::INSPECTORS).as_list().to_vec(),
            measures: r.text(field::MEASURES),
            advice: r.text(field::ADVICE),
            status: if r.get(field::STATUS).as_text() == "finished" {
                SessionStatus::Finished
            } else {
                SessionStatus::Open
            },
            created_ms: entity_created_ms(r.id),
            finished_ms: r.get(field::FINISHED_AT).as_timestamp(),
            deleted: r.get(field::DELETED).as_bool(),
            conflicts: r.conflicts().into_iter().map(String::from).collect(),
            walk: Walk::from_record(r),
            attachments: super::attachment::of_record(r),
            kiosk: super::kiosk::KioskFacts::of(r),
            clock_jumps: r
                .fields_with_prefix(field::CLOCK_JUMP_PREFIX)
                .filter_map(|(name, _)| r.get(name).as_event().cloned())
                .collect(),
        }
    }

    /// The changes that write every editable field of `self` (used when creating, and when
    /// saving the form: unchanged fields are filtered out by the caller).
    pub fn field_values(&self) -> Vec<(&'static str, Value)> {
        vec![
            (field::ITEM, Value::text(&self.item)),
            (field::MODE, Value::text(&self.mode)),
            (field::CHANNEL, Value::text(&self.channel)),
            (field::THEME, Value::text(&self.theme)),
            (field::PLACE, Value::text(&self.place)),
            (field::WINDOW, Value::text(&self.window)),
            (field::INSPECTORS, Value::TextList(self.inspectors.clone())),
            (field::MEASURES, Value::text(&self.measures)),
            (field::ADVICE, Value::text(&self.advice)),
        ]
    }

    pub const KIND: EntityKind = EntityKind::Session;
}

/// A session as the list shows it: with its number of findings and the highest 序号 used.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SessionSummary {
    pub session: Session,
    pub findings: usize,
    pub max_seq: i64,
    /// Its records with a conflict (冲突) after a merge.
    pub conflicts: usize,
}
