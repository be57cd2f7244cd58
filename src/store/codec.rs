//! Bytes of every stored value: postcard inside a version-tagged envelope whose variants are
//! only ever appended. A later schema adds `V2(..)` and keeps decoding `V1`. Decoding takes
//! exactly one envelope and rejects leftover bytes, so truncation and garbage are both errors.

use serde::{Deserialize, Serialize, de::DeserializeOwned};

use super::error::StoreError;
use super::summary::SessionTally;
use crate::domain::op::entity_id_string;
use crate::domain::{EntityId, Hlc, Op, Record, ReplicaId};

#[derive(Deserialize)]
enum OpEnvelope {
    V1(Op),
}

/// Encodes exactly as `OpEnvelope` (postcard writes the variant index, then the content),
/// without cloning the op.
#[derive(Serialize)]
enum OpEnvelopeRef<'a> {
    V1(&'a Op),
}

#[derive(Deserialize)]
enum RecordEnvelope {
    V1(Record),
}

#[derive(Serialize)]
enum RecordEnvelopeRef<'a> {
    V1(&'a Record),
}

#[derive(Serialize, Deserialize)]
enum SummaryEnvelope {
    V1(SessionTally),
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
}

fn encode<T: Serialize>(what: &str, value: &T) -> Result<Vec<u8>, StoreError> {
    postcard::to_stdvec(value).map_err(|e| StoreError::Db(format!("cannot encode {what}: {e}")))
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

pub fn encode_op(op: &Op) -> Result<Vec<u8>, StoreError> {
    encode("an op", &OpEnvelopeRef::V1(op))
}

pub fn decode_op(bytes: &[u8], key: (u128, u64)) -> Result<Op, StoreError> {
    let OpEnvelope::V1(op) = decode(bytes, super::tables::name::OPS, || op_key_text(key))?;
    Ok(op)
}

pub fn encode_record(record: &Record) -> Result<Vec<u8>, StoreError> {
    encode("a record", &RecordEnvelopeRef::V1(record))
}

pub fn decode_record(bytes: &[u8], key: (u8, u128)) -> Result<Record, StoreError> {
    let RecordEnvelope::V1(record) = decode(bytes, super::tables::name::RECORDS, || record_key_text(key))?;
    Ok(record)
}

pub fn encode_summary(tally: &SessionTally) -> Result<Vec<u8>, StoreError> {
    encode("a session summary", &SummaryEnvelope::V1(*tally))
}

pub fn decode_summary(bytes: &[u8], session: EntityId) -> Result<SessionTally, StoreError> {
    let SummaryEnvelope::V1(tally) =
        decode(bytes, super::tables::name::SESSION_SUMMARY, || format!("session {}", entity_id_string(session)))?;
    Ok(tally)
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
    use crate::domain::rectify::StatusMove;
    use crate::domain::{Stamp, TimedEvent, Value};

    /// The layout bundles carry between versions (see `domain::op::Value`): a field added to,
    /// removed from or reordered in `StatusMove` or `TimedEvent` changes these bytes. Do not
    /// update them: append a new `Value` variant instead, and keep the old one decoding.
    #[test]
    fn embedded_values_keep_their_frozen_layout() {
        let event = Value::Event(TimedEvent::new("taken", Stamp { wall_ms: 1, run: 2, mono_ms: 3 }, "窗"));
        let moved = Value::Move(StatusMove {
            from: "found".into(),
            to: "confirmed".into(),
            by: "王".into(),
            at_ms: 4,
            note: "n".into(),
            evidence: String::new(),
            details: vec![("unit".into(), "县".into())],
            reopen: false,
        });
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
