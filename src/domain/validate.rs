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
//! (`move/<ULID>`, `attachment/<ULID>`), or a checklist item id (`answer/<item>`, `note/<item>`: 1 to 128 bytes,
//! no control characters, no `/`).
//!
//! Each rule also numbers its field within its kind: the op log and bundles store that number
//! (`FieldCode`), not the name. The numbers are as stable as the names: never reused, never
//! changed.
//!
//! `Null` is allowed only where the program itself writes it: an undone event or mark, a
//! cleared answer, a cleared date, an unset `finished_at`.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::attachment::FIELD_PREFIX as ATTACHMENT_PREFIX;
use super::checklist::field as checklist;
use super::finding::field as finding;
use super::kiosk::field as kiosk;
use super::officer::field as officer;
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
        EntityKind::Officer => "officer",
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
    /// The field's number within its kind: what the op log and bundles store instead of the
    /// name (see `FieldCode`). Stable forever: never reused, never renumbered; a new field
    /// takes the next number.
    id: u16,
    name: Name,
    kinds: &'static [ValueKind],
}

const fn rule(id: u16, name: Name, kinds: &'static [ValueKind]) -> Rule {
    Rule { id, name, kinds }
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
/// An attachment, or Null once removed.
const LIST_OR_NULL: &[ValueKind] = &[K::TextList, K::Null];

const SESSION_RULES: &[Rule] = &[
    rule(1, Exact(session::ITEM), TEXT),
    rule(2, Exact(session::MODE), TEXT),
    rule(3, Exact(session::CHANNEL), TEXT),
    rule(4, Exact(session::THEME), TEXT),
    rule(5, Exact(session::PLACE), TEXT),
    rule(6, Exact(session::WINDOW), TEXT),
    rule(7, Exact(session::INSPECTORS), LIST),
    rule(8, Exact(session::STATUS), TEXT),
    rule(9, Exact(session::FINISHED_AT), &[K::Timestamp, K::Null]),
    rule(10, Exact(session::DELETED), BOOL),
    rule(11, Numbered(session::CLOCK_JUMP_PREFIX), EVENT_OR_NULL),
    rule(12, Numbered(walk::WALK_PREFIX), EVENT_OR_NULL),
    rule(13, Exact(session::MEASURES), TEXT),
    rule(14, Exact(session::ADVICE), TEXT),
    rule(15, Ulid(ATTACHMENT_PREFIX), LIST_OR_NULL),
    rule(16, Exact(kiosk::SOURCE), TEXT),
    rule(17, Exact(kiosk::RECEIPT), TEXT),
    rule(18, Exact(kiosk::CONTACT), TEXT),
    rule(19, Exact(kiosk::WAIT_MINUTES), INT),
    rule(20, Item(kiosk::RATING_PREFIX), INT),
    rule(21, Exact(kiosk::OFFICER), REF),
    rule(22, Exact(kiosk::TICKET), REF),
];

const FINDING_RULES: &[Rule] = &[
    rule(1, Exact(finding::SESSION), REF),
    rule(2, Exact(finding::SEQ), INT),
    rule(3, Exact(finding::DESCRIPTION), TEXT),
    rule(4, Exact(finding::CATEGORY), TEXT),
    rule(5, Exact(finding::TAGS), LIST),
    rule(6, Exact(finding::SEVERITY), TEXT),
    rule(7, Exact(finding::UNIT), TEXT),
    rule(8, Exact(finding::MEASURE), TEXT),
    rule(9, Exact(finding::DEADLINE), DATE_OR_NULL),
    rule(10, Exact(finding::PROGRESS), TEXT),
    rule(11, Exact(finding::NOTE), TEXT),
    rule(12, Exact(finding::STATUS), TEXT),
    rule(13, Exact(finding::DELETED), BOOL),
    rule(14, Exact(finding::CHECKLIST), REF),
    rule(15, Exact(finding::CHECK_ITEM), TEXT),
    rule(16, Exact(finding::TICKET), REF),
    rule(17, Exact(finding::TARGET), TEXT),
    rule(18, Exact(finding::STANDARD), TEXT),
    rule(19, Exact(finding::OWNER), TEXT),
    rule(20, Exact(finding::EVIDENCE), TEXT),
    rule(21, Exact(finding::RECTIFIED_BY), TEXT),
    rule(22, Exact(finding::RECTIFIED_ON), DATE_OR_NULL),
    rule(23, Exact(finding::CLOSED_BY), TEXT),
    rule(24, Exact(finding::CLOSED_ON), DATE_OR_NULL),
    rule(25, Ulid(MOVE_PREFIX), &[K::Move]),
    rule(26, Exact(finding::CAUSE), TEXT),
    rule(27, Ulid(ATTACHMENT_PREFIX), LIST_OR_NULL),
    rule(28, Exact(kiosk::SOURCE), TEXT),
];

const CHECKLIST_RULES: &[Rule] = &[
    rule(1, Exact(checklist::SESSION), REF),
    rule(2, Exact(checklist::TEMPLATE_ID), TEXT),
    rule(3, Exact(checklist::TEMPLATE_VERSION), INT),
    rule(4, Exact(checklist::TEMPLATE), TEXT),
    rule(5, Exact(checklist::DELETED), BOOL),
    rule(6, Item(checklist::ANSWER_PREFIX), &[K::Text, K::Null]),
    rule(7, Item(checklist::NOTE_PREFIX), TEXT),
];

const OFFICER_RULES: &[Rule] = &[
    rule(1, Exact(officer::NUMBER), TEXT),
    rule(2, Exact(officer::NAME), TEXT),
    rule(3, Exact(officer::KIND), TEXT),
    rule(4, Exact(officer::UNIT), TEXT),
    rule(5, Exact(officer::PHONE), TEXT),
    rule(6, Exact(officer::APPOINTED), DATE_OR_NULL),
    rule(7, Exact(officer::TERM_END), DATE_OR_NULL),
    rule(8, Exact(officer::STATUS), TEXT),
    rule(9, Exact(officer::PIN), LIST),
    rule(10, Exact(officer::PIN_FAILURES), INT),
    rule(11, Exact(officer::LOCKED_UNTIL), &[K::Timestamp, K::Null]),
];

const TICKET_RULES: &[Rule] = &[
    rule(1, Exact(ticket::SESSION), REF),
    rule(2, Exact(ticket::NUMBER), TEXT),
    rule(3, Exact(ticket::WINDOW), TEXT),
    rule(4, Exact(ticket::ITEM), TEXT),
    rule(5, Exact(ticket::DELETED), BOOL),
    rule(6, Numbered(ticket::EVENT_PREFIX), EVENT_OR_NULL),
];

fn rules(kind: EntityKind) -> &'static [Rule] {
    match kind {
        EntityKind::Session => SESSION_RULES,
        EntityKind::Finding => FINDING_RULES,
        EntityKind::Checklist => CHECKLIST_RULES,
        EntityKind::Ticket => TICKET_RULES,
        EntityKind::Officer => OFFICER_RULES,
    }
}

/// The value kinds `field` of an entity of `kind` may hold; None for a field it does not know.
pub fn allowed_kinds(kind: EntityKind, field: &str) -> Option<&'static [ValueKind]> {
    rules(kind).iter().find(|r| r.name.matches(field)).map(|r| r.kinds)
}

/// A field as the op log and bundles store it: its kind's number for the name (`Rule::id`)
/// and, for a family, the suffix in its most compact lossless form. Postcard bytes, so the
/// variant order is frozen: variants are only appended.
///
/// Every name the rules accept has a code, and `field_name(field_code(name)) == name`; a code
/// this build does not know (a newer build's field) decodes to a name no rule matches
/// (`#<id>`, `#<id>/<suffix>`), so the op is refused here as `UnknownField`, naming it,
/// rather than failing to decode.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub enum FieldCode {
    /// A fixed name (`description`).
    Fixed(u16),
    /// A numbered family, written as the program writes it: at least four digits, zero padded
    /// (`event/0001`, `walk/12345`).
    Numbered(u16, u32),
    /// A family whose suffix is a ULID in its canonical text (`move/01J…`): its 16 bytes.
    Ulid(u16, [u8; 16]),
    /// A family with any other suffix (a checklist item id, or a number or ULID written
    /// otherwise): the suffix as text.
    Suffix(u16, String),
}

/// The stored form of `field` of an entity of `kind`; None for a name the rules refuse.
pub fn field_code(kind: EntityKind, field: &str) -> Option<FieldCode> {
    let rule = rules(kind).iter().find(|r| r.name.matches(field))?;
    Some(match rule.name {
        Name::Exact(_) => FieldCode::Fixed(rule.id),
        Name::Numbered(prefix) => {
            let suffix = &field[prefix.len()..];
            match suffix.parse::<u32>() {
                Ok(n) if format!("{n:04}") == suffix => FieldCode::Numbered(rule.id, n),
                _ => FieldCode::Suffix(rule.id, suffix.to_string()),
            }
        }
        Name::Ulid(prefix) => {
            let suffix = &field[prefix.len()..];
            match ulid::Ulid::from_string(suffix) {
                Ok(u) if u.to_string() == suffix => FieldCode::Ulid(rule.id, u.0.to_be_bytes()),
                _ => FieldCode::Suffix(rule.id, suffix.to_string()),
            }
        }
        Name::Item(prefix) => FieldCode::Suffix(rule.id, field[prefix.len()..].to_string()),
    })
}

/// The name a stored field code stands for (see `FieldCode` for codes this build does not
/// know).
pub fn field_name(kind: EntityKind, code: &FieldCode) -> super::record::FieldName {
    if let FieldCode::Fixed(id) = code
        && let Some(Name::Exact(name)) = rules(kind).iter().find(|r| r.id == *id).map(|r| r.name)
    {
        // Most fields: the rule's own name, no copy.
        return std::borrow::Cow::Borrowed(name);
    }
    let (id, suffix) = match code {
        FieldCode::Fixed(id) => (*id, None),
        FieldCode::Numbered(id, n) => (*id, Some(format!("{n:04}"))),
        FieldCode::Ulid(id, bytes) => (*id, Some(ulid::Ulid(u128::from_be_bytes(*bytes)).to_string())),
        FieldCode::Suffix(id, s) => (*id, Some(s.clone())),
    };
    let known = rules(kind).iter().find(|r| r.id == id).and_then(|r| match (r.name, suffix.as_deref()) {
        (Name::Exact(name), None) => Some(name.to_string()),
        (Name::Numbered(prefix) | Name::Ulid(prefix) | Name::Item(prefix), Some(s)) => Some(format!("{prefix}{s}")),
        _ => None,
    });
    let name = known.unwrap_or_else(|| match suffix {
        None => format!("{UNKNOWN_MARK}{id}"),
        Some(s) => format!("{UNKNOWN_MARK}{id}/{s}"),
    });
    std::borrow::Cow::Owned(name)
}

/// What the name of a field code this build does not know starts with; no rule's name does.
pub const UNKNOWN_MARK: char = '#';

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

    /// The numbers the op log and bundles store for field names. Never change one: a new field
    /// takes the next number of its kind.
    #[test]
    fn field_numbers_are_frozen() {
        let table = |kind| -> Vec<(u16, String)> {
            rules(kind)
                .iter()
                .map(|r| {
                    let name = match r.name {
                        Name::Exact(n) => n.to_string(),
                        Name::Numbered(p) => format!("{p}<n>"),
                        Name::Ulid(p) => format!("{p}<ulid>"),
                        Name::Item(p) => format!("{p}<item>"),
                    };
                    (r.id, name)
                })
                .collect()
        };
        let text = |kind| table(kind).iter().map(|(id, n)| format!("{id}={n}")).collect::<Vec<_>>().join(" ");
        assert_eq!(
            text(EntityKind::Session),
            "1=item 2=mode 3=channel 4=theme 5=place 6=window 7=inspectors 8=status 9=finished_at 10=deleted \
             11=clock_jump/<n> 12=walk/<n> 13=measures 14=advice 15=attachment/<ulid> 16=source 17=receipt 18=contact 19=wait_minutes 20=rating/<item> 21=officer 22=ticket"
        );
        assert_eq!(
            text(EntityKind::Finding),
            "1=session 2=seq 3=description 4=category 5=tags 6=severity 7=unit 8=measure 9=deadline 10=progress \
             11=note 12=status 13=deleted 14=checklist 15=check_item 16=ticket 17=target 18=standard 19=owner \
             20=evidence 21=rectified_by 22=rectified_on 23=closed_by 24=closed_on 25=move/<ulid> 26=cause 27=attachment/<ulid> 28=source"
        );
        assert_eq!(
            text(EntityKind::Checklist),
            "1=session 2=template_id 3=template_version 4=template 5=deleted 6=answer/<item> 7=note/<item>"
        );
        assert_eq!(text(EntityKind::Ticket), "1=session 2=number 3=window 4=item 5=deleted 6=event/<n>");
    }

    #[test]
    fn every_accepted_name_round_trips_through_its_code() {
        let ulid = "01JAAAAAAAAAAAAAAAAAAAAAAA";
        for (kind, field, compact) in [
            (EntityKind::Session, "item", true),
            (EntityKind::Session, "walk/0001", true),
            (EntityKind::Session, "walk/123456789", true),
            (EntityKind::Session, "walk/1", false),
            (EntityKind::Session, "walk/00012", false),
            (EntityKind::Ticket, "event/0042", true),
            (EntityKind::Finding, "move/01JAAAAAAAAAAAAAAAAAAAAAAA", true),
            (EntityKind::Finding, "move/01jaaaaaaaaaaaaaaaaaaaaaaa", false),
            (EntityKind::Checklist, "answer/q1-排队", false),
            (EntityKind::Checklist, "note/x", false),
        ] {
            let code = field_code(kind, field).unwrap_or_else(|| panic!("{field} has a code"));
            assert_eq!(field_name(kind, &code), field, "{code:?}");
            assert_eq!(!matches!(code, FieldCode::Suffix(..)), compact, "{field}: {code:?}");
        }
        assert_eq!(
            field_code(EntityKind::Finding, &format!("move/{ulid}")).map(|c| matches!(c, FieldCode::Ulid(25, _))),
            Some(true)
        );
        assert_eq!(field_code(EntityKind::Finding, "walk/0001"), None, "a session's field is no finding's");
        assert_eq!(field_code(EntityKind::Session, "#3"), None);
    }

    #[test]
    fn a_field_number_this_build_does_not_know_is_refused_by_name() {
        for (code, name) in [
            (FieldCode::Fixed(90), "#90"),
            (FieldCode::Numbered(90, 3), "#90/0003"),
            // A known number in a shape it does not have.
            (FieldCode::Numbered(1, 3), "#1/0003"),
            (FieldCode::Fixed(25), "#25"),
        ] {
            let field = field_name(EntityKind::Finding, &code);
            assert_eq!(field, name);
            let fault = check_op(&op(EntityKind::Finding, &field, Value::Null)).unwrap_err();
            assert_eq!((fault.field.as_deref(), fault.problem), (Some(name), Problem::UnknownField));
        }
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
