//! A record's bytes read straight into a `Record`: its envelope, and for V2 the replicas and
//! each field's live values built in place. Decoding V2 through `codec`'s plain types made a
//! vector of fields and a vector of values per field only to copy them into the record: two
//! allocations a field, a dozen fields a finding, most of what listing every finding cost.
//!
//! The layout is `codec`'s (`RecordEnvelope`, `RecordBody`, `LiveCode`); its golden bytes pin it.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, EnumAccess, SeqAccess, VariantAccess, Visitor};

use crate::domain::validate::{FieldCode, field_name};
use crate::domain::{EntityId, EntityKind, FieldState, Hlc, LiveValue, OpId, Record, ReplicaId, Value};

/// The record under key (`kind`, `id`), from bytes holding exactly one envelope. The error is
/// postcard's or says what does not fit.
pub(super) fn record(bytes: &[u8], kind: EntityKind, id: EntityId) -> Result<Record, String> {
    let mut de = postcard::Deserializer::from_bytes(bytes);
    let record = Envelope { kind, id }.deserialize(&mut de).map_err(|e| e.to_string())?;
    match de.finalize().map_err(|e| e.to_string())? {
        [] => Ok(record),
        rest => Err(format!("{} unexpected trailing bytes", rest.len())),
    }
}

struct Envelope {
    kind: EntityKind,
    id: EntityId,
}

impl<'de> DeserializeSeed<'de> for Envelope {
    type Value = Record;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Record, D::Error> {
        d.deserialize_enum("RecordEnvelope", &["V1", "V2"], self)
    }
}

impl<'de> Visitor<'de> for Envelope {
    type Value = Record;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a record envelope")
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Record, A::Error> {
        let (variant, content): (u32, _) = data.variant()?;
        match variant {
            0 => content.newtype_variant::<Record>(),
            1 => content.newtype_variant_seed(Body { kind: self.kind, id: self.id }),
            n => Err(de::Error::custom(format!("no record envelope V{}", n + 1))),
        }
    }
}

/// `RecordBody`: the replicas, then the fields.
struct Body {
    kind: EntityKind,
    id: EntityId,
}

impl<'de> DeserializeSeed<'de> for Body {
    type Value = Record;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Record, D::Error> {
        d.deserialize_struct("RecordBody", &["replicas", "fields"], self)
    }
}

impl<'de> Visitor<'de> for Body {
    type Value = Record;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a record's replicas and fields")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Record, A::Error> {
        let replicas: Vec<ReplicaId> = seq.next_element()?.ok_or_else(|| de::Error::invalid_length(0, &self))?;
        let mut record = Record::new(self.id, self.kind);
        let fields = Fields { kind: self.kind, replicas: &replicas, record: &mut record };
        seq.next_element_seed(fields)?.ok_or_else(|| de::Error::invalid_length(1, &"a record's fields"))?;
        Ok(record)
    }
}

/// The fields, each inserted into the record as it is read.
struct Fields<'a> {
    kind: EntityKind,
    replicas: &'a [ReplicaId],
    record: &'a mut Record,
}

impl<'de> DeserializeSeed<'de> for Fields<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Fields<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a record's fields")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some((code, state)) = seq.next_element_seed(Field { replicas: self.replicas })? {
            self.record.fields.insert(field_name(self.kind, &code), state);
        }
        Ok(())
    }
}

/// One field: its code, then its live values.
struct Field<'a> {
    replicas: &'a [ReplicaId],
}

impl<'de> DeserializeSeed<'de> for Field<'_> {
    type Value = (FieldCode, FieldState);

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_tuple(2, self)
    }
}

impl<'de> Visitor<'de> for Field<'_> {
    type Value = (FieldCode, FieldState);

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field's code and live values")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let code: FieldCode = seq.next_element()?.ok_or_else(|| de::Error::invalid_length(0, &self))?;
        let live = seq
            .next_element_seed(Live { replicas: self.replicas })?
            .ok_or_else(|| de::Error::invalid_length(1, &"a field's live values"))?;
        Ok((code, FieldState { live }))
    }
}

/// A field's live values, each `LiveCode` (replica index, seq, stamp, value) made a `LiveValue`.
struct Live<'a> {
    replicas: &'a [ReplicaId],
}

#[derive(Deserialize)]
struct LiveCode {
    replica: u32,
    seq: u64,
    hlc: Hlc,
    value: Value,
}

impl<'de> DeserializeSeed<'de> for Live<'_> {
    type Value = Vec<LiveValue>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Live<'_> {
    type Value = Vec<LiveValue>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field's live values")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // One value almost always; a conflict holds a few. The hint is the length written,
        // which damage can make anything: it is not trusted beyond a few.
        let mut live = Vec::with_capacity(seq.size_hint().unwrap_or(1).min(4));
        while let Some(l) = seq.next_element::<LiveCode>()? {
            let Some(&replica) = self.replicas.get(l.replica as usize) else {
                return Err(de::Error::custom(format!("no replica {} of {}", l.replica, self.replicas.len())));
            };
            live.push(LiveValue { op: OpId { replica, seq: l.seq }, hlc: l.hlc, value: l.value });
        }
        Ok(live)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::finding::field;
    use crate::store::codec;

    fn sample() -> Record {
        let live = |replica: u8, seq: u64, value: Value| LiveValue {
            op: OpId { replica: ReplicaId([replica; 16]), seq },
            hlc: Hlc { wall_ms: 1_000 + seq, counter: 0 },
            value,
        };
        let mut r = Record::new(42, EntityKind::Finding);
        r.fields.insert(field::DESCRIPTION.into(), FieldState { live: vec![live(1, 1, Value::text("叫号屏不显示"))] });
        r.fields.insert(
            field::UNIT.into(),
            FieldState { live: vec![live(1, 2, Value::text("县医保局")), live(2, 1, Value::text("县税务局"))] },
        );
        r.fields.insert(field::SEQ.into(), FieldState { live: vec![live(2, 2, Value::Int(3))] });
        r
    }

    #[test]
    fn both_envelopes_read_back_whole() {
        let r = sample();
        assert_eq!(record(&codec::encode_record(&r).unwrap(), EntityKind::Finding, 42), Ok(r.clone()));
        assert_eq!(record(&codec::encode_record_v1(&r).unwrap(), EntityKind::Finding, 42), Ok(r));
    }

    /// Every cut and every flipped byte is an error or a record, never a panic; a cut never
    /// reads as a whole record, nor do bytes past the end.
    #[test]
    fn damage_is_an_error_never_a_panic() {
        let bytes = codec::encode_record(&sample()).unwrap();
        for n in 0..bytes.len() {
            assert!(record(&bytes[..n], EntityKind::Finding, 42).is_err(), "cut at {n}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(record(&longer, EntityKind::Finding, 42), Err("1 unexpected trailing bytes".to_string()));
        for i in 0..bytes.len() {
            for flip in [0x01u8, 0x80, 0xFF] {
                let mut damaged = bytes.clone();
                damaged[i] ^= flip;
                let _ = record(&damaged, EntityKind::Finding, 42);
            }
        }
    }
}
