//! Bytes of every stored value: postcard inside a version-tagged envelope whose variants are
//! only ever appended. Decoding takes exactly one envelope and rejects leftover bytes, so
//! truncation and garbage are both errors.
//!
//! ## Ops: V1 and V2
//!
//! `V1` is the op whole, its field named by its text (`"description"`, `"move/01J…"`), its id
//! and every superseded op's id in full: about 95 bytes an op at 100,000 findings, of which
//! the value is 30. `V2` (written since schema 7) says the same in about half:
//! - the field is its kind's number for the name (`domain::validate::FieldCode`): one or two
//!   bytes, a ULID suffix as its 16 bytes, a numbered suffix as its number;
//! - the op's own id is left out: it is the key the op is stored under (the `ops` table's
//!   `(replica, seq)`; a bundle frames each op with its id, as the store's key does);
//! - an op it supersedes of the same replica is just that op's seq;
//! - the entity id is its 16 bytes, not a 19-byte varint.
//!
//! `Value` is untouched: its layout is frozen (see `domain::op::Value` and the golden test
//! below); V2 is a layer around it. Bundles carry ops in V2.
//!
//! An op whose field has no number (only a name the rules refuse could be one: imports are
//! checked, local writes are checked in debug builds) is written as V1, which can say
//! anything.
//!
//! **Old stores are not rewritten: both are decoded.** The op log is the truth and its bytes,
//! once committed, are never rewritten; a migration only rebuilds what is derived from it. A
//! rewrite of every op would gain nothing but space (the ops mean the same), would double the
//! file for the length of one large transaction and, if a crash let an older build open the
//! file before the migration finished, leave it ops it cannot read. Every new op is V2, and a
//! store that grows large grows from V2 ops (the office's, from bundles). Import compares an
//! op already held with one arriving by their decoded content, so a V1 op and its V2 copy are
//! the same op.
//!
//! ## Records: V1 and V2
//!
//! Records are derived and rebuilt by a migration, so they simply change form: `V2` names
//! fields by number too, leaves out the id and kind (the key holds them), and lists each
//! replica of the record's live values once, the values pointing at it by index.

use serde::{Deserialize, Serialize, de::DeserializeOwned};

use super::error::StoreError;
use super::summary::SessionTally;
use crate::domain::op::entity_id_string;
use crate::domain::validate::{FieldCode, field_code, field_name};
use crate::domain::{EntityId, EntityKind, Hlc, Op, OpId, OpPayload, Record, ReplicaId, Value};

#[derive(Deserialize)]
enum OpEnvelope {
    V1(Op),
    V2(OpBody),
}

/// Encodes exactly as `OpEnvelope` (postcard writes the variant index, then the content),
/// without cloning the op.
#[derive(Serialize)]
enum OpEnvelopeRef<'a> {
    V1(&'a Op),
    V2(OpBodyRef<'a>),
}

/// An op in V2, without its id (see the module doc). Field order is the layout: frozen.
#[derive(Deserialize)]
struct OpBody {
    hlc: Hlc,
    entity: [u8; 16],
    kind: EntityKind,
    field: FieldCode,
    value: Value,
    supersedes: Vec<OpRef>,
}

#[derive(Serialize)]
struct OpBodyRef<'a> {
    hlc: Hlc,
    entity: [u8; 16],
    kind: EntityKind,
    field: FieldCode,
    value: &'a Value,
    supersedes: Vec<OpRef>,
}

/// An op another op supersedes.
#[derive(Serialize, Deserialize)]
enum OpRef {
    /// Of the same replica as the op that supersedes it: its seq.
    Same(u64),
    Other(ReplicaId, u64),
}

#[derive(Serialize)]
enum RecordEnvelopeRef<'a> {
    V1(&'a Record),
    V2(RecordBodyRef<'a>),
}

/// A record in V2, without its id and kind (the key holds them): each replica whose op is a
/// live value here, once, then the fields by code with their live values (`LiveCodeRef`).
/// Read by `record_decode`, straight into a `Record`.
#[derive(Serialize)]
struct RecordBodyRef<'a> {
    replicas: Vec<ReplicaId>,
    fields: Vec<(FieldCode, Vec<LiveCodeRef<'a>>)>,
}

#[derive(Serialize)]
struct LiveCodeRef<'a> {
    replica: u32,
    seq: u64,
    hlc: Hlc,
    value: &'a Value,
}

/// A session's tally as schemas 6 and 7 wrote it.
#[derive(Serialize, Deserialize)]
struct TallyV1 {
    findings_by_status: [u32; 7],
    checklists: u32,
    tickets: u32,
}

#[derive(Serialize, Deserialize)]
enum SummaryEnvelope {
    /// Up to schema 7: without conflicts (a migration rebuilds every tally as V2).
    V1(TallyV1),
    V2(SessionTally),
}

/// The values of the `meta` table other than the schema version. The variant names the
/// meaning, so a value stored under the wrong key is caught.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub enum MetaValue {
    Replica(ReplicaId),
    Hlc(Hlc),
    NextSeq(u64),
    /// The profile's inspector name: who is acting in status moves.
    Inspector(String),
    /// The device's secret keys: the ed25519 signing key and the age identity's text. Never
    /// written into a bundle.
    DeviceKeys {
        signing: [u8; 32],
        age: String,
    },
    /// The office's name, when this profile is a supervision office's.
    Office(String),
    /// The kiosk's admin PIN, as a salted scrypt hash (`kiosk`): never the PIN itself.
    KioskPin {
        log_n: u8,
        salt: [u8; 16],
        hash: [u8; 32],
    },
}

fn encode<T: Serialize>(what: &str, value: &T) -> Result<Vec<u8>, StoreError> {
    // Most values fit: growing from empty took several reallocations per op.
    postcard::to_extend(value, Vec::with_capacity(256))
        .map_err(|e| StoreError::Db(format!("cannot encode {what}: {e}")))
}

fn decode<T: DeserializeOwned>(
    bytes: &[u8],
    table: &'static str,
    key: impl FnOnce() -> String,
) -> Result<T, StoreError> {
    match postcard::take_from_bytes::<T>(bytes) {
        Ok((value, [])) => Ok(value),
        Ok((_, rest)) => {
            Err(StoreError::Decode { table, key: key(), detail: format!("{} unexpected trailing bytes", rest.len()) })
        }
        Err(e) => Err(StoreError::Decode { table, key: key(), detail: e.to_string() }),
    }
}

/// The bytes an op is stored under its id with: V2, or V1 when its field has no number.
pub fn encode_op(op: &Op) -> Result<Vec<u8>, StoreError> {
    let OpPayload::Set { entity, kind, field, value, supersedes } = &op.payload;
    let Some(field) = field_code(*kind, field) else { return encode_op_v1(op) };
    let supersedes = supersedes
        .iter()
        .map(|old| if old.replica == op.id.replica { OpRef::Same(old.seq) } else { OpRef::Other(old.replica, old.seq) })
        .collect();
    let body = OpBodyRef { hlc: op.hlc, entity: entity.to_be_bytes(), kind: *kind, field, value, supersedes };
    encode("an op", &OpEnvelopeRef::V2(body))
}

/// An op in V1, as schemas up to 6 wrote every op (tests write old stores with it).
#[doc(hidden)]
pub fn encode_op_v1(op: &Op) -> Result<Vec<u8>, StoreError> {
    encode("an op", &OpEnvelopeRef::V1(op))
}

/// The start of a V2 op body: what an export counts, read without the value.
#[derive(Deserialize)]
struct OpHead {
    _hlc: Hlc,
    entity: [u8; 16],
    kind: EntityKind,
}

/// The entity an op sets and its kind, read from its stored bytes without decoding its value
/// (a V1 op is decoded whole).
pub fn op_entity(bytes: &[u8], key: (u128, u64)) -> Result<(EntityId, EntityKind), StoreError> {
    // The envelope's variant index is one varint byte: 1 is V2.
    if let Some((&1, body)) = bytes.split_first()
        && let Ok((head, _)) = postcard::take_from_bytes::<OpHead>(body)
    {
        return Ok((u128::from_be_bytes(head.entity), head.kind));
    }
    let op = decode_op(bytes, key)?;
    let OpPayload::Set { entity, kind, .. } = op.payload;
    Ok((entity, kind))
}

/// The op stored under `key` (its id: a V2 op does not repeat it).
pub fn decode_op(bytes: &[u8], key: (u128, u64)) -> Result<Op, StoreError> {
    match decode(bytes, super::tables::name::OPS, || op_key_text(key))? {
        OpEnvelope::V1(op) => Ok(op),
        OpEnvelope::V2(body) => {
            let replica = ReplicaId::from_u128(key.0);
            let supersedes = body
                .supersedes
                .into_iter()
                .map(|old| match old {
                    OpRef::Same(seq) => OpId { replica, seq },
                    OpRef::Other(replica, seq) => OpId { replica, seq },
                })
                .collect();
            Ok(Op {
                id: OpId { replica, seq: key.1 },
                hlc: body.hlc,
                payload: OpPayload::Set {
                    entity: u128::from_be_bytes(body.entity),
                    kind: body.kind,
                    field: field_name(body.kind, &body.field).into_owned(),
                    value: body.value,
                    supersedes,
                },
            })
        }
    }
}

/// A record's bytes: V2, or V1 when a field has no number.
pub fn encode_record(record: &Record) -> Result<Vec<u8>, StoreError> {
    let mut replicas: Vec<ReplicaId> = Vec::new();
    let mut fields = Vec::with_capacity(record.fields.len());
    for (name, state) in &record.fields {
        let Some(code) = field_code(record.kind, name) else { return encode_record_v1(record) };
        let live = state
            .live
            .iter()
            .map(|l| {
                let index = match replicas.iter().position(|r| *r == l.op.replica) {
                    Some(i) => i,
                    None => {
                        replicas.push(l.op.replica);
                        replicas.len() - 1
                    }
                };
                LiveCodeRef { replica: index as u32, seq: l.op.seq, hlc: l.hlc, value: &l.value }
            })
            .collect();
        fields.push((code, live));
    }
    encode("a record", &RecordEnvelopeRef::V2(RecordBodyRef { replicas, fields }))
}

/// A record in V1, as schemas up to 6 wrote every record.
#[doc(hidden)]
pub fn encode_record_v1(record: &Record) -> Result<Vec<u8>, StoreError> {
    encode("a record", &RecordEnvelopeRef::V1(record))
}

/// The record stored under `key` (see `record_decode`).
pub fn decode_record(bytes: &[u8], key: (u8, u128)) -> Result<Record, StoreError> {
    let bad =
        |detail: String| StoreError::Decode { table: super::tables::name::RECORDS, key: record_key_text(key), detail };
    let kind = kind_of_code(key.0).ok_or_else(|| bad(format!("no kind {}", key.0)))?;
    super::record_decode::record(bytes, kind, key.1).map_err(bad)
}

fn kind_of_code(code: u8) -> Option<EntityKind> {
    [EntityKind::Session, EntityKind::Finding, EntityKind::Checklist, EntityKind::Ticket, EntityKind::Officer]
        .into_iter()
        .find(|k| k.code() == code)
}

pub fn encode_summary(tally: &SessionTally) -> Result<Vec<u8>, StoreError> {
    encode("a session summary", &SummaryEnvelope::V2(*tally))
}

pub fn decode_summary(bytes: &[u8], session: EntityId) -> Result<SessionTally, StoreError> {
    let envelope =
        decode(bytes, super::tables::name::SESSION_SUMMARY, || format!("session {}", entity_id_string(session)))?;
    Ok(match envelope {
        SummaryEnvelope::V1(old) => SessionTally {
            findings_by_status: old.findings_by_status,
            checklists: old.checklists,
            tickets: old.tickets,
            conflicts: 0,
        },
        SummaryEnvelope::V2(tally) => tally,
    })
}

pub fn encode_meta(value: MetaValue) -> Result<Vec<u8>, StoreError> {
    encode("a meta value", &value)
}

pub fn decode_meta(bytes: &[u8], key: &str) -> Result<MetaValue, StoreError> {
    decode(bytes, super::tables::name::META, || key.to_string())
}

pub fn encode_schema_version(version: u32) -> [u8; 4] {
    version.to_le_bytes()
}

pub fn decode_schema_version(bytes: &[u8]) -> Result<u32, StoreError> {
    let array: [u8; 4] = bytes.try_into().map_err(|_| StoreError::Decode {
        table: super::tables::name::META,
        key: super::tables::meta_key::SCHEMA_VERSION.to_string(),
        detail: format!("expected 4 bytes, found {}", bytes.len()),
    })?;
    Ok(u32::from_le_bytes(array))
}

/// A records key as people read it: `session 01J…` (kind name and ULID).
pub fn record_key_text((kind, id): (u8, u128)) -> String {
    let kind = match kind {
        1 => "session".to_string(),
        2 => "finding".to_string(),
        3 => "checklist".to_string(),
        4 => "ticket".to_string(),
        other => format!("kind {other}"),
    };
    format!("{kind} {}", entity_id_string(id as EntityId))
}

/// An ops key as people read it: the full replica id in hex, then the seq.
pub fn op_key_text((replica, seq): (u128, u64)) -> String {
    format!("op {replica:032x}:{seq}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rectify::StatusMove;
    use crate::domain::{FieldState, LiveValue, Stamp, TimedEvent, Value};

    const R: u128 = 0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10;

    fn op(seq: u64, kind: EntityKind, field: &str, value: Value, supersedes: Vec<OpId>) -> Op {
        Op {
            id: OpId { replica: ReplicaId::from_u128(R), seq },
            hlc: Hlc { wall_ms: 1_795_689_000_000, counter: 2 },
            payload: OpPayload::Set { entity: 0x42 << 80 | 7, kind, field: field.into(), value, supersedes },
        }
    }

    #[test]
    fn an_ops_entity_reads_the_same_from_its_head_as_from_the_whole_op() {
        let key = (R, 3);
        for kind in [EntityKind::Session, EntityKind::Finding, EntityKind::Checklist, EntityKind::Ticket] {
            let o = op(3, kind, "note", Value::Text("等候区座椅不足".into()), vec![]);
            for bytes in [encode_op(&o).unwrap(), encode_op_v1(&o).unwrap()] {
                assert_eq!(op_entity(&bytes, key).unwrap(), (0x42 << 80 | 7, kind));
            }
        }
        assert!(op_entity(&[1, 0xff], key).is_err());
    }

    fn key(op: &Op) -> (u128, u64) {
        (op.id.replica.as_u128(), op.id.seq)
    }

    /// The op format bundles carry: a change of these bytes is a change of the format. Do
    /// not update them; append a variant instead.
    #[test]
    fn ops_in_v2_keep_their_layout() {
        let other = OpId { replica: ReplicaId::from_u128(9), seq: 3 };
        let own = OpId { replica: ReplicaId::from_u128(R), seq: 4 };
        let o = op(5, EntityKind::Finding, "unit", Value::text("县"), vec![own, other]);
        // V2, the stamp (wall ms and counter as varints), the entity's 16 bytes.
        let mut expected = vec![1, 192, 216, 158, 187, 161, 52, 2];
        expected.extend((0x42u128 << 80 | 7).to_be_bytes());
        // Finding; field 7 (`unit`), fixed; Text "县"; two superseded: our seq 4, then another's.
        expected.extend([1, 0, 7, 1, 3, 0xe5, 0x8e, 0xbf, 2, 0, 4, 1]);
        expected.extend(9u128.to_be_bytes());
        expected.push(3);
        assert_eq!(encode_op(&o).unwrap(), expected);
        let moved = op(6, EntityKind::Finding, "move/01JAAAAAAAAAAAAAAAAAAAAAAA", Value::Null, vec![]);
        let bytes = encode_op(&moved).unwrap();
        // The field: variant 2 (a ULID), number 25, the ULID's 16 bytes.
        assert_eq!(bytes[8 + 16 + 1..8 + 16 + 1 + 2], [2, 25]);
        assert_eq!(bytes.len(), 8 + 16 + 1 + 2 + 16 + 1 + 1);
    }

    #[test]
    fn ops_round_trip_and_old_ones_still_decode() {
        let other = OpId { replica: ReplicaId::from_u128(9), seq: 3 };
        let ops = [
            op(1, EntityKind::Session, "walk/0003", Value::Null, vec![]),
            op(2, EntityKind::Ticket, "event/1", Value::Int(1), vec![other]),
            op(3, EntityKind::Checklist, "answer/q1-排队", Value::text("pass"), vec![OpId { seq: 1, ..other }]),
            op(4, EntityKind::Finding, "move/01jaaaaaaaaaaaaaaaaaaaaaaa", Value::Null, vec![]),
        ];
        for o in &ops {
            let v2 = encode_op(o).unwrap();
            let v1 = encode_op_v1(o).unwrap();
            assert_eq!(v2[0], 1, "written as V2");
            assert!(v2.len() < v1.len(), "{} < {}", v2.len(), v1.len());
            assert_eq!(&decode_op(&v2, key(o)).unwrap(), o);
            assert_eq!(&decode_op(&v1, key(o)).unwrap(), o);
        }
        // A name the rules refuse has no number: kept whole, in V1.
        let odd = op(7, EntityKind::Session, "no such field", Value::Null, vec![]);
        let bytes = encode_op(&odd).unwrap();
        assert_eq!(bytes[0], 0);
        assert_eq!(decode_op(&bytes, key(&odd)).unwrap(), odd);
        // Garbage after an op, or an op cut short, is an error.
        let mut long = encode_op(&ops[0]).unwrap();
        long.push(0);
        assert!(matches!(decode_op(&long, key(&ops[0])), Err(StoreError::Decode { .. })));
        let short = &encode_op(&ops[2]).unwrap()[..10];
        assert!(matches!(decode_op(short, key(&ops[2])), Err(StoreError::Decode { .. })));
    }

    #[test]
    fn records_round_trip_with_values_of_several_replicas() {
        let live = |replica: u128, seq: u64, value: Value| LiveValue {
            op: OpId { replica: ReplicaId::from_u128(replica), seq },
            hlc: Hlc { wall_ms: 1_000 + seq, counter: 0 },
            value,
        };
        let mut record = Record::new(0x42 << 80 | 7, EntityKind::Finding);
        record.fields.insert(
            "unit".into(),
            FieldState { live: vec![live(R, 1, Value::text("县")), live(9, 2, Value::text("市"))] },
        );
        record
            .fields
            .insert("move/01JAAAAAAAAAAAAAAAAAAAAAAA".into(), FieldState { live: vec![live(9, 3, Value::Null)] });
        record.fields.insert("seq".into(), FieldState::default());
        let key = (EntityKind::Finding.code(), record.id);
        let v2 = encode_record(&record).unwrap();
        let v1 = encode_record_v1(&record).unwrap();
        assert_eq!(v2[0], 1);
        assert!(v2.len() < v1.len(), "{} < {}", v2.len(), v1.len());
        assert_eq!(decode_record(&v2, key).unwrap(), record);
        assert_eq!(decode_record(&v1, key).unwrap(), record);
        // A value pointing at a replica the record does not list is an error, not a panic.
        let mut bad = v2.clone();
        // V2, two replicas of 16 bytes each: list only the first.
        bad[1] = 1;
        bad.drain(2 + 16..2 + 32);
        assert!(matches!(decode_record(&bad, key), Err(StoreError::Decode { .. })));
    }

    /// The layout bundles carry between versions (see `domain::op::Value`): a field added to,
    /// removed from or reordered in `StatusMove` or `TimedEvent` changes these bytes. Do not
    /// update them: append a new `Value` variant instead, and keep the old one decoding.
    #[test]
    fn embedded_values_keep_their_frozen_layout() {
        let event = Value::Event(Box::new(TimedEvent::new("taken", Stamp { wall_ms: 1, run: 2, mono_ms: 3 }, "窗")));
        let moved = Value::Move(Box::new(StatusMove {
            from: "found".into(),
            to: "confirmed".into(),
            by: "王".into(),
            at_ms: 4,
            note: "n".into(),
            evidence: String::new(),
            details: vec![("unit".into(), "县".into())],
            reopen: false,
        }));
        let rule = "the layout of Value's embedded structs is frozen: append a new variant instead";
        assert_eq!(
            postcard::to_stdvec(&event).unwrap(),
            [8, 5, b't', b'a', b'k', b'e', b'n', 2, 2, 6, 3, 0xe7, 0xaa, 0x97],
            "{rule}"
        );
        assert_eq!(
            postcard::to_stdvec(&moved).unwrap(),
            [
                9, 5, b'f', b'o', b'u', b'n', b'd', 9, b'c', b'o', b'n', b'f', b'i', b'r', b'm', b'e', b'd', 3, 0xe7,
                0x8e, 0x8b, 8, 1, b'n', 0, 1, 4, b'u', b'n', b'i', b't', 3, 0xe5, 0x8e, 0xbf, 0
            ],
            "{rule}"
        );
    }
}
