//! What an op may say: for each entity kind, the field names it knows and the kinds of value
//! each field may hold; and what a well-formed id is. This is the one place those rules live.
//!
//! The importer (`store::import`) checks every op of a batch against these rules before any of
//! them touches the tables, and refuses the whole batch if one fails. Local writes are checked
//! too, in debug builds (`store::apply`), so a field added to a `field` module without a rule
//! here fails the first test that writes it, instead of every bundle carrying it being refused
//! at the office.
//!
//! A field is either a fixed name (`description`) or a family: a prefix and a numbered suffix
//! (`event/0001`, `walk/0001`, `clock_jump/0001`: 1 to 9 digits, not all zero), a ULID suffix
//! (`move/<ULID>`), or a checklist item id (`answer/<item>`, `note/<item>`: 1 to 128 bytes,
//! no control characters, no `/`).
//!
//! `Null` is allowed only where the program itself writes it: an undone event or mark, a
//! cleared answer, a cleared date, an unset `finished_at`.

use std::fmt;

use super::checklist::field as checklist;
use super::finding::field as finding;
use super::op::{EntityId, EntityKind, Op, OpId, OpPayload, Value};
use super::rectify::MOVE_PREFIX;
use super::session::field as session;
use super::ticket::field as ticket;
use super::walk::field as walk;

/// The kind of a [`Value`], as the rules and the refusals name it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ValueKind {
    Null,
    Text,
    Int,
    Bool,
    Ref,
    Date,
    TextList,
    Timestamp,
    Event,
    Move,
}

impl ValueKind {
    pub fn of(value: &Value) -> ValueKind {
        match value {
            Value::Null => ValueKind::Null,
            Value::Text(_) => ValueKind::Text,
            Value::Int(_) => ValueKind::Int,
            Value::Bool(_) => ValueKind::Bool,
            Value::Ref(_) => ValueKind::Ref,
            Value::Date(_) => ValueKind::Date,
            Value::TextList(_) => ValueKind::TextList,
            Value::Timestamp(_) => ValueKind::Timestamp,
            Value::Event(_) => ValueKind::Event,
            Value::Move(_) => ValueKind::Move,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ValueKind::Null => "null",
            ValueKind::Text => "text",
            ValueKind::Int => "integer",
            ValueKind::Bool => "yes/no",
            ValueKind::Ref => "reference",
            ValueKind::Date => "date",
            ValueKind::TextList => "list of texts",
            ValueKind::Timestamp => "timestamp",
            ValueKind::Event => "timed event",
            ValueKind::Move => "status move",
        }
    }
}

/// The lowercase English name of a kind, as messages use it.
pub fn kind_name(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Session => "session",
        EntityKind::Finding => "finding",
        EntityKind::Checklist => "checklist",
        EntityKind::Ticket => "ticket",
    }
}

#[derive(Clone, Copy)]
enum Name {
    Exact(&'static str),
    /// prefix + 1 to 9 ASCII digits, not all zero.
    Numbered(&'static str),
    /// prefix + a 26-character ULID.
    Ulid(&'static str),
    /// prefix + a checklist item id.
    Item(&'static str),
}

impl Name {
    fn matches(self, field: &str) -> bool {
        match self {
            Name::Exact(name) => field == name,
            Name::Numbered(prefix) => field.strip_prefix(prefix).is_some_and(|n| {
                (1..=9).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()) && n.bytes().any(|b| b != b'0')
            }),
            Name::Ulid(prefix) => {
                field.strip_prefix(prefix).is_some_and(|u| u.len() == 26 && ulid::Ulid::from_string(u).is_ok())
            }
            Name::Item(prefix) => field.strip_prefix(prefix).is_some_and(|id| {
                (1..=MAX_ITEM_ID_BYTES).contains(&id.len()) && !id.chars().any(|c| c.is_control() || c == '/')
            }),
        }
    }
}

/// The longest checklist item id a field name may carry.
pub const MAX_ITEM_ID_BYTES: usize = 128;

/// The most ops one op may supersede (the live values of one field: more than a handful only
/// after many replicas edited it at once).
pub const MAX_SUPERSEDES: usize = 1_000;

struct Rule {
    name: Name,
    kinds: &'static [ValueKind],
}

const fn rule(name: Name, kinds: &'static [ValueKind]) -> Rule {
    Rule { name, kinds }
}

use Name::{Exact, Item, Numbered, Ulid};
use ValueKind as K;

const TEXT: &[ValueKind] = &[K::Text];
const LIST: &[ValueKind] = &[K::TextList];
const BOOL: &[ValueKind] = &[K::Bool];
const REF: &[ValueKind] = &[K::Ref];
const INT: &[ValueKind] = &[K::Int];
const DATE_OR_NULL: &[ValueKind] = &[K::Date, K::Null];
const EVENT_OR_NULL: &[ValueKind] = &[K::Event, K::Null];

const SESSION_RULES: &[Rule] = &[
    rule(Exact(session::ITEM), TEXT),
    rule(Exact(session::MODE), TEXT),
    rule(Exact(session::CHANNEL), TEXT),
    rule(Exact(session::THEME), TEXT),
    rule(Exact(session::PLACE), TEXT),
    rule(Exact(session::WINDOW), TEXT),
    rule(Exact(session::INSPECTORS), LIST),
    rule(Exact(session::STATUS), TEXT),
    rule(Exact(session::FINISHED_AT), &[K::Timestamp, K::Null]),
    rule(Exact(session::DELETED), BOOL),
    rule(Numbered(session::CLOCK_JUMP_PREFIX), EVENT_OR_NULL),
    rule(Numbered(walk::WALK_PREFIX), EVENT_OR_NULL),
];

const FINDING_RULES: &[Rule] = &[
    rule(Exact(finding::SESSION), REF),
    rule(Exact(finding::SEQ), INT),
    rule(Exact(finding::DESCRIPTION), TEXT),
    rule(Exact(finding::CATEGORY), TEXT),
    rule(Exact(finding::TAGS), LIST),
    rule(Exact(finding::SEVERITY), TEXT),
    rule(Exact(finding::UNIT), TEXT),
    rule(Exact(finding::MEASURE), TEXT),
    rule(Exact(finding::DEADLINE), DATE_OR_NULL),
    rule(Exact(finding::PROGRESS), TEXT),
    rule(Exact(finding::NOTE), TEXT),
    rule(Exact(finding::STATUS), TEXT),
    rule(Exact(finding::DELETED), BOOL),
    rule(Exact(finding::CHECKLIST), REF),
    rule(Exact(finding::CHECK_ITEM), TEXT),
    rule(Exact(finding::TICKET), REF),
    rule(Exact(finding::TARGET), TEXT),
    rule(Exact(finding::STANDARD), TEXT),
    rule(Exact(finding::OWNER), TEXT),
    rule(Exact(finding::EVIDENCE), TEXT),
    rule(Exact(finding::RECTIFIED_BY), TEXT),
    rule(Exact(finding::RECTIFIED_ON), DATE_OR_NULL),
    rule(Exact(finding::CLOSED_BY), TEXT),
    rule(Exact(finding::CLOSED_ON), DATE_OR_NULL),
    rule(Ulid(MOVE_PREFIX), &[K::Move]),
];

const CHECKLIST_RULES: &[Rule] = &[
    rule(Exact(checklist::SESSION), REF),
    rule(Exact(checklist::TEMPLATE_ID), TEXT),
    rule(Exact(checklist::TEMPLATE_VERSION), INT),
    rule(Exact(checklist::TEMPLATE), TEXT),
    rule(Exact(checklist::DELETED), BOOL),
    rule(Item(checklist::ANSWER_PREFIX), &[K::Text, K::Null]),
    rule(Item(checklist::NOTE_PREFIX), TEXT),
];

const TICKET_RULES: &[Rule] = &[
    rule(Exact(ticket::SESSION), REF),
    rule(Exact(ticket::NUMBER), TEXT),
    rule(Exact(ticket::WINDOW), TEXT),
    rule(Exact(ticket::ITEM), TEXT),
    rule(Exact(ticket::DELETED), BOOL),
    rule(Numbered(ticket::EVENT_PREFIX), EVENT_OR_NULL),
];

fn rules(kind: EntityKind) -> &'static [Rule] {
    match kind {
        EntityKind::Session => SESSION_RULES,
        EntityKind::Finding => FINDING_RULES,
        EntityKind::Checklist => CHECKLIST_RULES,
        EntityKind::Ticket => TICKET_RULES,
    }
}

/// The value kinds `field` of an entity of `kind` may hold; None for a field it does not know.
pub fn allowed_kinds(kind: EntityKind, field: &str) -> Option<&'static [ValueKind]> {
    rules(kind).iter().find(|r| r.name.matches(field)).map(|r| r.kinds)
}

/// Why an op is refused. The first group is about the op alone (`check_op`); the rest need
/// the store that receives it (`store::import`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Problem {
    /// The op's id: a replica of all zeros, or seq 0 (seqs start at 1).
    BadOpId,
    /// The entity id is 0, which no ULID generator makes.
    ZeroEntity,
    /// The entity's kind has no such field.
    UnknownField,
    /// The field cannot hold a value of this kind.
    WrongValue {
        found: ValueKind,
        allowed: &'static [ValueKind],
    },
    /// A date outside the calendar (days since 0001-01-01).
    BadDate(i32),
    /// A reference to entity 0.
    ZeroRef,
    /// A superseded op that cannot have been live when this op was written: the op itself, a
    /// malformed id, or a later op of the same replica.
    BadSupersedes(OpId),
    TooManySupersedes(usize),
    /// The encoded op is larger than a bundle frame may be.
    TooLarge {
        bytes: usize,
        limit: usize,
    },
    /// The entity is already known as another kind.
    KindClash {
        existing: EntityKind,
    },
    /// Another op with the same id and different content is held (or earlier in the batch):
    /// a copied profile writing under the same replica id, or tampering.
    IdClash,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::BadOpId => write!(f, "malformed op id (zero replica or seq 0)"),
            Problem::ZeroEntity => write!(f, "entity id 0"),
            Problem::UnknownField => write!(f, "no such field for this kind of record"),
            Problem::WrongValue { found, allowed } => {
                let allowed: Vec<&str> = allowed.iter().map(|k| k.name()).collect();
                write!(f, "holds a value of kind {}, where only {} may be", found.name(), allowed.join(" or "))
            }
            Problem::BadDate(d) => write!(f, "date {d} is outside the calendar"),
            Problem::ZeroRef => write!(f, "refers to entity 0"),
            Problem::BadSupersedes(id) => {
                write!(f, "supersedes op {}:{}, which it cannot have seen", id.replica, id.seq)
            }
            Problem::TooManySupersedes(n) => write!(f, "supersedes {n} ops (at most {MAX_SUPERSEDES})"),
            Problem::TooLarge { bytes, limit } => write!(f, "{bytes} bytes encoded (at most {limit})"),
            Problem::KindClash { existing } => write!(f, "the entity is already a {}", kind_name(*existing)),
            Problem::IdClash => write!(f, "an op with this id and different content is already held"),
        }
    }
}

/// Where a refused op went wrong: the field it sets when the problem is the field or its
/// value, None when it is the op as a whole.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Fault {
    pub field: Option<String>,
    pub problem: Problem,
}

fn op_level(problem: Problem) -> Fault {
    Fault { field: None, problem }
}

/// Whether an op id could have been made by a store (replica not all zeros, seq from 1).
pub fn op_id_well_formed(id: OpId) -> bool {
    id.replica.as_u128() != 0 && id.seq >= 1
}

/// Checks one op on its own: its id, its entity id, the field against its kind's rules, the
/// value against the field, and what it supersedes. The first problem found is returned.
pub fn check_op(op: &Op) -> Result<(), Fault> {
    if !op_id_well_formed(op.id) {
        return Err(op_level(Problem::BadOpId));
    }
    let OpPayload::Set { entity, kind, field, value, supersedes } = &op.payload;
    if *entity == 0 {
        return Err(op_level(Problem::ZeroEntity));
    }
    if supersedes.len() > MAX_SUPERSEDES {
        return Err(op_level(Problem::TooManySupersedes(supersedes.len())));
    }
    for old in supersedes {
        let later_of_ours = old.replica == op.id.replica && old.seq >= op.id.seq;
        if !op_id_well_formed(*old) || later_of_ours {
            return Err(op_level(Problem::BadSupersedes(*old)));
        }
    }
    let at_field = |problem| Fault { field: Some(field.clone()), problem };
    let Some(allowed) = allowed_kinds(*kind, field) else {
        return Err(at_field(Problem::UnknownField));
    };
    let found = ValueKind::of(value);
    if !allowed.contains(&found) {
        return Err(at_field(Problem::WrongValue { found, allowed }));
    }
    match value {
        Value::Date(d) if chrono::NaiveDate::from_num_days_from_ce_opt(*d).is_none() => {
            Err(at_field(Problem::BadDate(*d)))
        }
        Value::Ref(0) => Err(at_field(Problem::ZeroRef)),
        _ => Ok(()),
    }
}

/// `check_op` for a change about to be stamped by this store (same field and value rules).
pub fn check_change(kind: EntityKind, entity: EntityId, field: &str, value: &Value) -> Result<(), Fault> {
    let probe = Op {
        id: OpId { replica: super::op::ReplicaId::from_u128(1), seq: 1 },
        hlc: Default::default(),
        payload: OpPayload::Set { entity, kind, field: field.to_string(), value: value.clone(), supersedes: vec![] },
    };
    check_op(&probe)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::op::{Hlc, ReplicaId};

    fn op(kind: EntityKind, field: &str, value: Value) -> Op {
        Op {
            id: OpId { replica: ReplicaId::from_u128(5), seq: 3 },
            hlc: Hlc::default(),
            payload: OpPayload::Set { entity: 9, kind, field: field.into(), value, supersedes: vec![] },
        }
    }

    fn problem(o: &Op) -> Option<Problem> {
        check_op(o).err().map(|f| f.problem)
    }

    #[test]
    fn known_fields_and_families_pass() {
        for (kind, field, value) in [
            (EntityKind::Session, "item", Value::text("企业开办")),
            (EntityKind::Session, "walk/0001", Value::Null),
            (EntityKind::Session, "clock_jump/0012", Value::Null),
            (EntityKind::Finding, "seq", Value::Int(3)),
            (EntityKind::Finding, "deadline", Value::Null),
            (EntityKind::Checklist, "answer/q1-排队", Value::text("pass")),
            (EntityKind::Ticket, "event/10000", Value::Null),
        ] {
            assert_eq!(problem(&op(kind, field, value)), None, "{kind:?} {field}");
        }
        // A move's field is known; it holds only a move.
        let null_move = problem(&op(EntityKind::Finding, "move/01JAAAAAAAAAAAAAAAAAAAAAAA", Value::Null));
        assert!(matches!(null_move, Some(Problem::WrongValue { found: ValueKind::Null, .. })), "{null_move:?}");
    }

    #[test]
    fn unknown_names_and_malformed_suffixes_are_refused() {
        for (kind, field) in [
            (EntityKind::Session, "walker"),
            (EntityKind::Session, "walk/"),
            (EntityKind::Session, "walk/0000"),
            (EntityKind::Session, "walk/12a"),
            (EntityKind::Ticket, "event/1234567890"),
            (EntityKind::Finding, "move/not-a-ulid"),
            (EntityKind::Finding, "item"),
            (EntityKind::Checklist, "answer/"),
            (EntityKind::Checklist, "answer/a/b"),
            (EntityKind::Checklist, "note/a\u{7}"),
        ] {
            assert_eq!(problem(&op(kind, field, Value::Null)), Some(Problem::UnknownField), "{kind:?} {field}");
        }
    }

    #[test]
    fn values_of_the_wrong_kind_bad_dates_and_zero_refs_are_refused() {
        let wrong = problem(&op(EntityKind::Finding, "seq", Value::text("3")));
        assert!(matches!(wrong, Some(Problem::WrongValue { found: ValueKind::Text, .. })), "{wrong:?}");
        assert_eq!(
            problem(&op(EntityKind::Finding, "deadline", Value::Date(i32::MAX))),
            Some(Problem::BadDate(i32::MAX))
        );
        assert_eq!(problem(&op(EntityKind::Finding, "session", Value::Ref(0))), Some(Problem::ZeroRef));
        let f = check_op(&op(EntityKind::Session, "deleted", Value::Int(1))).unwrap_err();
        assert_eq!(f.field.as_deref(), Some("deleted"));
        assert_eq!(f.problem.to_string(), "holds a value of kind integer, where only yes/no may be");
    }

    #[test]
    fn ids_and_supersedes_must_be_well_formed() {
        let mut o = op(EntityKind::Session, "item", Value::text("x"));
        o.id.seq = 0;
        assert_eq!(problem(&o), Some(Problem::BadOpId));
        let mut o = op(EntityKind::Session, "item", Value::text("x"));
        o.payload = OpPayload::Set {
            entity: 0,
            kind: EntityKind::Session,
            field: "item".into(),
            value: Value::text("x"),
            supersedes: vec![],
        };
        assert_eq!(problem(&o), Some(Problem::ZeroEntity));
        let own_later = OpId { replica: ReplicaId::from_u128(5), seq: 3 };
        let others_later = OpId { replica: ReplicaId::from_u128(6), seq: 90 };
        for (old, refused) in [(own_later, true), (others_later, false), (OpId { seq: 2, ..own_later }, false)] {
            let mut o = op(EntityKind::Session, "item", Value::text("x"));
            let OpPayload::Set { supersedes, .. } = &mut o.payload;
            supersedes.push(old);
            assert_eq!(problem(&o) == Some(Problem::BadSupersedes(old)), refused, "{old:?}");
        }
    }
}
