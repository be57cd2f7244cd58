//! The ledger's rows (`domain::ledger_index`): every finding not deleted of the sessions not
//! deleted, each read for the few fields the ledger filters, sorts and counts by; and whole
//! findings by id, for the rows on screen.
//!
//! A finding's record is ~1 KB of postcard (a dozen fields with their live values, the status
//! history among them). Decoding it whole takes ~4 µs, and 100,000 of them most of the time
//! the ledger would take to open; so the rows are read from the bytes without making the
//! record: every field is walked in place (postcard says nothing of lengths ahead), keeping
//! only the winning value of the fields wanted (`ledger_scan`), on as many threads as there are
//! cores. Bytes that reader does not read (a later envelope, or damage) are decoded whole by
//! `codec` instead, which gives the same fields or names the damage.

use redb::ReadableDatabase;

use super::apply::load_record;
use super::codec;
use super::error::StoreError;
use super::ledger_scan::{Fields, scan};
use super::tables;
use crate::domain::ledger_index::{Interner, LedgerRow, LedgerRows, NO_DEADLINE};
use crate::domain::{EntityId, EntityKind, Finding, Hlc, OpId, Record};

type Records = redb::ReadOnlyTable<(u8, u128), &'static [u8]>;

/// The same fields from a record decoded whole: what the fast reader must agree with.
fn fields_of(r: &Record) -> Fields {
    let f = Finding::from_record(r.clone());
    Fields {
        session: f.session_id,
        seq: f.seq,
        seq_origin: f.seq_origin,
        unit: f.unit.trim().to_string(),
        deadline: f.deadline.map(crate::domain::ledger_index::day_number),
        status: f.status,
        deleted: f.deleted,
        on_the_spot: crate::domain::ledger::fixed_on_the_spot(&f),
    }
}

/// The fields of a finding's record, read from its bytes; its unit as a number of `units`.
fn read_fields(bytes: &[u8], key: (u8, u128), units: &mut Interner) -> Result<(Fields, u32), StoreError> {
    let (mut fields, unit) = match scan(bytes) {
        Some((fields, unit)) => (fields, units.get(unit.trim())),
        // Not a layout this reader knows (or damage): the codec decides, and names the error.
        _ => {
            let fields = fields_of(&codec::decode_record(bytes, key)?);
            let unit = units.get(&fields.unit);
            (fields, unit)
        }
    };
    fields.unit = String::new();
    Ok((fields, unit))
}

/// How many pieces the findings' key range is cut into, for the threads to take in turn.
const PIECES: u128 = 32;

/// The findings of one piece of the key range, as rows of the ledger (their 序号 not ranked
/// yet: `seq_rank` 0); their units numbered by the piece's own interner, their sessions as
/// indices of the live sessions.
#[derive(Default)]
struct Piece {
    rows: Vec<LedgerRow>,
    /// The deleted findings of live sessions: not listed, but a 序号 they hold still ranks.
    gone: Vec<LedgerRow>,
    units: Interner,
}

/// The findings of a piece of the key range, read straight into rows: nothing of a finding
/// is kept but its row (a finding of a session not live is not kept at all).
fn read_piece(records: &Records, from: u128, to: u128, live: &[EntityId]) -> Result<Piece, StoreError> {
    let code = EntityKind::Finding.code();
    let mut piece = Piece::default();
    for entry in records.range((code, from)..=(code, to))? {
        let (key, value) = entry?;
        let (fields, unit) = read_fields(value.value(), key.value(), &mut piece.units)?;
        let Ok(session) = live.binary_search(&fields.session) else { continue };
        let row = LedgerRow {
            id: key.value().1,
            seq: fields.seq,
            seq_rank: 0,
            session: session as u32,
            unit,
            deadline: fields.deadline.unwrap_or(NO_DEADLINE),
            status: fields.status,
            on_the_spot: fields.on_the_spot,
        };
        if fields.deleted { piece.gone.push(row) } else { piece.rows.push(row) }
    }
    Ok(piece)
}

/// Every finding of the live sessions (`live`, ascending) as rows, and the deleted ones apart,
/// with one numbering of the units; read by as many threads as there are cores (up to four),
/// each taking the next piece of the key range in turn: reading is most of the ledger's
/// opening.
fn read_all(records: &Records, live: &[EntityId]) -> Result<Piece, StoreError> {
    let code = EntityKind::Finding.code();
    let mut range = records.range((code, 0u128)..=(code, u128::MAX))?;
    let first = range.next().transpose()?.map(|(k, _)| k.value().1);
    let last = range.next_back().transpose()?.map(|(k, _)| k.value().1).or(first);
    drop(range);
    let (Some(first), Some(last)) = (first, last) else { return Ok(Piece::default()) };
    // Ids are ULIDs, spread over the time they were made: equal spans of ids, taken in turn.
    let step = ((last - first) / PIECES).max(1);
    let mut starts: Vec<u128> = (0..PIECES).map_while(|i| first.checked_add(step * i)).filter(|s| *s <= last).collect();
    starts.dedup();
    let spans: Vec<(u128, u128)> =
        starts.iter().enumerate().map(|(i, &s)| (s, starts.get(i + 1).map_or(last, |next| next - 1))).collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
    let read_pieces = || -> Result<Vec<(usize, Piece)>, StoreError> {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(&(from, to)) = spans.get(i) else { return Ok(done) };
            done.push((i, read_piece(records, from, to, live)?));
        }
    };
    let results: Vec<Result<Vec<(usize, Piece)>, StoreError>> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(read_pieces)).collect();
        let mut all = vec![read_pieces()];
        // A helper stopped by a panic (a damaged page inside redb) is damage, as it would be
        // on the store's own thread.
        all.extend(helpers.into_iter().map(|h| {
            h.join().unwrap_or_else(|_| Err(StoreError::Db("a damaged page stopped reading the findings".into())))
        }));
        all
    });
    let mut pieces: Vec<(usize, Piece)> = Vec::with_capacity(spans.len());
    for result in results {
        pieces.extend(result?);
    }
    pieces.sort_unstable_by_key(|(i, _)| *i);
    // One numbering of the units for all pieces; each piece let go once it is copied.
    let mut all = Piece {
        rows: Vec::with_capacity(pieces.iter().map(|(_, p)| p.rows.len()).sum()),
        gone: Vec::with_capacity(pieces.iter().map(|(_, p)| p.gone.len()).sum()),
        units: Interner::default(),
    };
    for (_, piece) in pieces {
        let map: Vec<u32> = piece.units.names.iter().map(|n| all.units.get(n)).collect();
        let renumber = |r: LedgerRow| LedgerRow { unit: map[r.unit as usize], ..r };
        all.rows.extend(piece.rows.into_iter().map(renumber));
        all.gone.extend(piece.gone.into_iter().map(renumber));
    }
    Ok(all)
}

/// The stamp and id of the op whose value a finding's 序号 shows, read again from its record.
fn seq_origin(records: &Records, id: EntityId) -> Result<Option<(Hlc, OpId)>, StoreError> {
    let key = (EntityKind::Finding.code(), id);
    let Some(value) = records.get(key)? else { return Ok(None) };
    Ok(read_fields(value.value(), key, &mut Interner::default())?.0.seq_origin)
}

/// Ranks the 序号 of the rows as `numbering::rank_seqs` does: among every finding of a session
/// holding the same number, deleted ones (`gone`) too, by the op that set it, then id. Both
/// come sorted by (session, 序号, id); `rows` leave sorted by (session, 序号, rank, id). A 序号
/// held once (nearly all) ranks 0 without more: only the findings sharing one have the op
/// that set it read again, so no finding's op is held for the others.
fn rank_seqs(records: &Records, rows: &mut [LedgerRow], gone: &[LedgerRow]) -> Result<(), StoreError> {
    let key = |r: &LedgerRow| (r.session, r.seq);
    let mut start = 0;
    while start < rows.len() {
        let k = key(&rows[start]);
        let end = start + rows[start..].iter().take_while(|r| key(r) == k).count();
        let deleted = &gone[gone.partition_point(|r| key(r) < k)..gone.partition_point(|r| key(r) <= k)];
        if end - start + deleted.len() > 1 {
            // (origin, id, whether listed, place among the listed)
            let mut group = Vec::with_capacity(end - start + deleted.len());
            for (i, r) in rows[start..end].iter().enumerate() {
                group.push((seq_origin(records, r.id)?, r.id, Some(i)));
            }
            for r in deleted {
                group.push((seq_origin(records, r.id)?, r.id, None));
            }
            group.sort_unstable();
            for (rank, (_, _, listed)) in group.into_iter().enumerate() {
                if let Some(i) = listed {
                    rows[start + i].seq_rank = rank as u32;
                }
            }
            rows[start..end].sort_unstable_by_key(|r| (r.seq_rank, r.id));
        }
        start = end;
    }
    Ok(())
}

pub(super) fn ledger_rows(db: &dyn ReadableDatabase) -> Result<LedgerRows, StoreError> {
    let txn = db.begin_read()?;
    let records = txn.open_table(tables::RECORDS)?;
    let mut live: Vec<EntityId> = Vec::new();
    let session = EntityKind::Session.code();
    for entry in records.range((session, 0u128)..=(session, u128::MAX))? {
        let (key, value) = entry?;
        let record = codec::decode_record(value.value(), key.value())?;
        if !record.get(crate::domain::session::field::DELETED).as_bool() {
            live.push(key.value().1);
        }
    }
    // The table's order: ascending already.
    live.sort_unstable();
    let Piece { mut rows, mut gone, units } = read_all(&records, &live)?;
    let order = |r: &LedgerRow| (r.session, r.seq, r.id);
    rows.sort_unstable_by_key(order);
    gone.sort_unstable_by_key(order);
    rank_seqs(&records, &mut rows, &gone)?;
    drop(gone);
    // Only the sessions the rows refer to, in the same order.
    let mut used = vec![u32::MAX; live.len()];
    let mut sessions = Vec::new();
    for r in &mut rows {
        let slot = &mut used[r.session as usize];
        if *slot == u32::MAX {
            *slot = sessions.len() as u32;
            sessions.push(live[r.session as usize]);
        }
        r.session = *slot;
    }
    Ok(LedgerRows::new(sessions, units.names, rows))
}

pub(super) fn findings_by_id(
    db: &dyn ReadableDatabase,
    ids: &[EntityId],
    whole: bool,
) -> Result<Vec<Finding>, StoreError> {
    let txn = db.begin_read()?;
    let records = txn.open_table(tables::RECORDS)?;
    let mut out = Vec::with_capacity(ids.len());
    for &id in ids {
        if let Some(record) = load_record(&records, EntityKind::Finding, id)? {
            let mut f = Finding::from_record(record);
            if !whole {
                f.moves = Vec::new();
                f.tags = Vec::new();
                f.conflicts = Vec::new();
                f.conflict_values = Vec::new();
            }
            out.push(f);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::ledger_scan::code;
    use super::*;
    use crate::domain::finding::field;
    use crate::domain::rectify::MOVE_PREFIX;
    use crate::domain::{FieldState, LiveValue, ReplicaId, StatusMove, TimedEvent, Value};

    fn live(seq: u64, value: Value) -> LiveValue {
        LiveValue { op: OpId { replica: ReplicaId([7; 16]), seq }, hlc: Hlc { wall_ms: 1000 + seq, counter: 0 }, value }
    }

    fn mv(from: &str, to: &str, at_ms: i64, evidence: &str, reopen: bool) -> Value {
        Value::Move(Box::new(StatusMove {
            from: from.into(),
            to: to.into(),
            by: "张三".into(),
            at_ms,
            note: String::new(),
            evidence: evidence.into(),
            details: vec![("unit".into(), "县医保局".into())],
            reopen,
        }))
    }

    fn record(fields: Vec<(&str, Vec<Value>)>) -> Record {
        let mut r = Record::new(5, EntityKind::Finding);
        for (name, values) in fields {
            let state =
                FieldState { live: values.into_iter().enumerate().map(|(i, v)| live(i as u64 + 1, v)).collect() };
            r.fields.insert(name.to_string().into(), state);
        }
        r
    }

    /// The fields as the fast reader finds them in the record's bytes (as written now, V2),
    /// having checked it finds the same in V1, and that it read both itself.
    fn both(r: &Record) -> (Fields, Fields) {
        let fast = |bytes: &[u8]| {
            assert!(scan(bytes).is_some(), "left to the codec: {r:?}");
            let mut units = Interner::default();
            let (mut fast, unit) = read_fields(bytes, (2, r.id), &mut units).unwrap();
            fast.unit = units.names[unit as usize].clone();
            fast
        };
        let v2 = fast(&codec::encode_record(r).unwrap());
        assert_eq!(v2, fast(&codec::encode_record_v1(r).unwrap()), "V1 and V2 disagree: {r:?}");
        (v2, fields_of(r))
    }

    #[test]
    fn the_v2_field_numbers_are_the_rules() {
        use crate::domain::validate::{FieldCode, field_code};
        let fixed = |name| match field_code(EntityKind::Finding, name) {
            Some(FieldCode::Fixed(id)) => id,
            other => panic!("{name}: {other:?}"),
        };
        assert_eq!(fixed(field::SESSION), code::SESSION);
        assert_eq!(fixed(field::SEQ), code::SEQ);
        assert_eq!(fixed(field::UNIT), code::UNIT);
        assert_eq!(fixed(field::DEADLINE), code::DEADLINE);
        assert_eq!(fixed(field::STATUS), code::STATUS);
        assert_eq!(fixed(field::DELETED), code::DELETED);
        let name = format!("{MOVE_PREFIX}01J0000000000000000000000B");
        assert!(matches!(field_code(EntityKind::Finding, &name), Some(FieldCode::Ulid(code::MOVE, _))));
    }

    #[test]
    fn a_move_not_named_by_a_canonical_ulid_is_left_to_the_codec_and_agrees() {
        let name = format!("{MOVE_PREFIX}01j0000000000000000000000b");
        let r = record(vec![(name.as_str(), vec![mv("found", "rectified", 20, "当场整改", false)])]);
        let bytes = codec::encode_record(&r).unwrap();
        assert!(scan(&bytes).is_none());
        let (fields, _) = read_fields(&bytes, (2, r.id), &mut Interner::default()).unwrap();
        assert_eq!(fields.on_the_spot, fields_of(&r).on_the_spot);
    }

    #[test]
    fn the_fast_reader_agrees_with_the_record_decoded_whole() {
        let cases = vec![
            record(vec![]),
            record(vec![
                (field::SESSION, vec![Value::Ref(42)]),
                (field::SEQ, vec![Value::Int(3), Value::Int(4)]),
                (field::DESCRIPTION, vec![Value::text("叫号屏不显示窗口号")]),
                (field::TAGS, vec![Value::TextList(vec!["排队".into(), "引导".into()])]),
                (field::UNIT, vec![Value::text(" 县医保局 ")]),
                (field::DEADLINE, vec![Value::Date(739_000)]),
                (field::STATUS, vec![Value::text("rectified")]),
                ("move/01J0000000000000000000000B", vec![mv("found", "rectified", 20, "当场整改", false)]),
                ("move/01J0000000000000000000000A", vec![mv("found", "found", 10, "", false)]),
                (
                    "x_event",
                    vec![Value::Event(Box::new(TimedEvent::new(
                        "taken",
                        crate::domain::Stamp { wall_ms: 1, run: 2, mono_ms: 3 },
                        "窗",
                    )))],
                ),
                ("x_time", vec![Value::Timestamp(-5), Value::Null, Value::Bool(false)]),
            ]),
            record(vec![
                (field::DEADLINE, vec![Value::Date(i32::MAX)]),
                (field::STATUS, vec![Value::text("整改中")]),
                (field::DELETED, vec![Value::Bool(true)]),
                (field::SEQ, vec![Value::text("not a number")]),
                ("move/01J0000000000000000000000C", vec![mv("found", "confirmed", 5, "", false)]),
                ("move/01J0000000000000000000000D", vec![mv("found", "rectified", 9, "x", false)]),
            ]),
            record(vec![("move/01J0000000000000000000000E", vec![mv("closed", "rectifying", 5, "", true)])]),
        ];
        for r in &cases {
            let (fast, whole) = both(r);
            assert_eq!(fast, whole, "{r:?}");
        }
        assert!(both(&cases[1]).0.on_the_spot);
        assert!(!both(&cases[2]).0.on_the_spot);
    }

    #[test]
    fn damage_is_the_codec_error() {
        let bytes = codec::encode_record(&record(vec![(field::SEQ, vec![Value::Int(3)])])).unwrap();
        let cut = &bytes[..bytes.len() - 2];
        assert!(matches!(read_fields(cut, (2, 5), &mut Interner::default()), Err(StoreError::Decode { .. })));
    }
}
