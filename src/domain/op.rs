//! The op log's vocabulary. Every change is an [`Op`]; records are derived from ops.
//! Enums here are persisted with postcard: variants are only ever appended, never reordered.

use serde::{Deserialize, Serialize};

use super::rectify::StatusMove;
use super::stamp::TimedEvent;

/// Entity ids are ULIDs, stored as their u128 value (time-ordered, so newest sorts last).
pub type EntityId = u128;

/// 16 random bytes made once when a store is created.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct ReplicaId(pub [u8; 16]);

impl ReplicaId {
    pub fn random() -> Self {
        ReplicaId(rand::random())
    }
    pub fn as_u128(&self) -> u128 {
        u128::from_be_bytes(self.0)
    }
    pub fn from_u128(v: u128) -> Self {
        ReplicaId(v.to_be_bytes())
    }
}

impl std::fmt::Display for ReplicaId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for b in &self.0[..4] {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// An op's identity: which replica wrote it and its place in that replica's contiguous sequence.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct OpId {
    pub replica: ReplicaId,
    pub seq: u64,
}

/// Hybrid logical clock stamp: wall milliseconds, and a counter for ops within the same ms
/// (or while the wall clock stands behind the last stamp).
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default)]
pub struct Hlc {
    pub wall_ms: u64,
    pub counter: u32,
}

impl Hlc {
    /// The next stamp after `self`, given the wall clock now.
    pub fn tick(self, now_ms: u64) -> Hlc {
        if now_ms > self.wall_ms {
            Hlc { wall_ms: now_ms, counter: 0 }
        } else {
            Hlc { wall_ms: self.wall_ms, counter: self.counter.saturating_add(1) }
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub enum EntityKind {
    Session,
    Finding,
    Checklist,
    Ticket,
    /// 政务服务体验官 on the roster (appended: postcard stores the variant's index).
    Officer,
}

impl EntityKind {
    pub fn code(self) -> u8 {
        match self {
            EntityKind::Session => 1,
            EntityKind::Finding => 2,
            EntityKind::Checklist => 3,
            EntityKind::Ticket => 4,
            EntityKind::Officer => 5,
        }
    }
}

/// A field's value. `Date` is days since 0001-01-01 (chrono's `num_days_from_ce`);
/// `Timestamp` is Unix milliseconds.
///
/// The wire format is postcard: a variant index, then the content field by field, in order.
/// Bundles carry these bytes between tiyan versions, so the layout is frozen:
/// - variants are only ever appended (an old build refuses an unknown variant cleanly, as a
///   newer schema; see `store::migrate`);
/// - the structs embedded here (`TimedEvent`, `StatusMove`) never change their fields: a move or
///   event that needs more is a new variant (`Move2(..)`) appended, and `Move` keeps decoding.
///   Their fields are open-ended where growth is expected (`details` is a list of named pairs,
///   statuses and event kinds are codes as text), which is why none was needed so far.
///
/// `store::codec`'s golden-bytes test pins this layout: changing a field of either struct
/// fails it with this rule as its message.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub enum Value {
    Null,
    Text(String),
    Int(i64),
    Bool(bool),
    Ref(EntityId),
    Date(i32),
    TextList(Vec<String>),
    Timestamp(i64),
    /// A timer's event: a ticket's step, a stage mark, a clock jump. Boxed, as `Move`: every
    /// value is as large as its largest variant, and a big import holds a million of them.
    Event(Box<TimedEvent>),
    /// A finding's status move: who, when, why (see `rectify`).
    Move(Box<StatusMove>),
}

impl Value {
    pub fn as_text(&self) -> &str {
        match self {
            Value::Text(s) => s,
            _ => "",
        }
    }
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> bool {
        matches!(self, Value::Bool(true))
    }
    pub fn as_ref_id(&self) -> Option<EntityId> {
        match self {
            Value::Ref(r) => Some(*r),
            _ => None,
        }
    }
    pub fn as_date(&self) -> Option<chrono::NaiveDate> {
        match self {
            Value::Date(d) => chrono::NaiveDate::from_num_days_from_ce_opt(*d),
            _ => None,
        }
    }
    pub fn as_list(&self) -> &[String] {
        match self {
            Value::TextList(l) => l,
            _ => &[],
        }
    }
    pub fn as_timestamp(&self) -> Option<i64> {
        match self {
            Value::Timestamp(t) => Some(*t),
            _ => None,
        }
    }
    pub fn as_event(&self) -> Option<&TimedEvent> {
        match self {
            Value::Event(e) => Some(e),
            _ => None,
        }
    }
    pub fn date(d: chrono::NaiveDate) -> Value {
        use chrono::Datelike;
        Value::Date(d.num_days_from_ce())
    }
    pub fn text(s: impl Into<String>) -> Value {
        Value::Text(s.into())
    }
}

/// One entry of the op log.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct Op {
    pub id: OpId,
    pub hlc: Hlc,
    pub payload: OpPayload,
}

#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub enum OpPayload {
    /// Set one field of one entity. `supersedes` lists the ops that were the field's live
    /// values when this was written; the entity springs into being with its first Set.
    Set { entity: EntityId, kind: EntityKind, field: String, value: Value, supersedes: Vec<OpId> },
}

/// A change as the UI or CLI asks for it; the store stamps it into an [`Op`]
/// (id, clock, and the live ops it supersedes).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Change {
    pub entity: EntityId,
    pub kind: EntityKind,
    pub field: String,
    pub value: Value,
}

impl Change {
    pub fn set(kind: EntityKind, entity: EntityId, field: &str, value: Value) -> Change {
        Change { entity, kind, field: field.to_string(), value }
    }
}

/// A fresh entity id (ULID as u128). Ids made within one millisecond still increase, so
/// records made in quick succession (two tickets taken at once) keep the order they were made.
pub fn new_entity_id() -> EntityId {
    static GENERATOR: std::sync::Mutex<ulid::Generator> = std::sync::Mutex::new(ulid::Generator::new());
    let mut generator = GENERATOR.lock().unwrap_or_else(|e| e.into_inner());
    // Overflow of the random part within one ms is practically impossible; fall back anyway.
    generator.generate().unwrap_or_else(|_| ulid::Ulid::new()).0
}

/// The creation time of an entity, read from its ULID (Unix ms).
pub fn entity_created_ms(id: EntityId) -> i64 {
    ulid::Ulid(id).timestamp_ms() as i64
}

/// The id as the 26-character ULID string users and scripts see.
pub fn entity_id_string(id: EntityId) -> String {
    ulid::Ulid(id).to_string()
}

pub fn parse_entity_id(s: &str) -> Option<EntityId> {
    ulid::Ulid::from_string(s.trim()).ok().map(|u| u.0)
}
