//! What the ledger reads of a finding's record, read from its bytes in place (`ledger_rows`
//! says why): the layouts of `codec`'s record envelopes V1 and V2 and of `Value`, which is
//! frozen, walked field by field, keeping only the winning value of the fields the ledger
//! filters, sorts and counts by. Texts it does not read are skipped unchecked: a damaged
//! description goes unnoticed here, as it would in any query that does not show it (`tiyan
//! check` reads all).

use crate::domain::finding::field;
use crate::domain::rectify::MOVE_PREFIX;
use crate::domain::{EntityId, FindingStatus, Hlc, OpId};

/// What the ledger reads of one finding's record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Fields {
    pub session: EntityId,
    pub seq: i64,
    /// The stamp and id of the op whose value `seq` shows (ranks findings sharing a 序号).
    pub seq_origin: Option<(Hlc, OpId)>,
    /// Trimmed.
    pub unit: String,
    /// Days from the common era, when a valid date.
    pub deadline: Option<i32>,
    pub status: FindingStatus,
    pub deleted: bool,
    pub on_the_spot: bool,
}

/// Postcard bytes read in place: every read is None past the end or on a malformed varint.
struct Bytes<'a>(&'a [u8]);

impl<'a> Bytes<'a> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.0.len() {
            return None;
        }
        let (taken, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(taken)
    }

    /// A varint of at most `max` bytes whose last byte is at most `last` (postcard's limits).
    fn varint(&mut self, max: usize, last: u8) -> Option<u128> {
        // Most are one byte: lengths, counters, small numbers.
        if let Some((&b, rest)) = self.0.split_first().filter(|(b, _)| **b < 0x80) {
            self.0 = rest;
            return Some(u128::from(b));
        }
        let mut out = 0u128;
        for i in 0..max {
            let b = self.byte()?;
            out |= u128::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return (i + 1 < max || b <= last).then_some(out);
            }
        }
        None
    }

    fn u16(&mut self) -> Option<u16> {
        self.varint(3, 0x03).map(|v| v as u16)
    }

    fn u32(&mut self) -> Option<u32> {
        self.varint(5, 0x0f).map(|v| v as u32)
    }

    fn u64(&mut self) -> Option<u64> {
        self.varint(10, 0x01).map(|v| v as u64)
    }

    fn u128(&mut self) -> Option<u128> {
        self.varint(19, 0x03)
    }

    fn i32(&mut self) -> Option<i32> {
        self.u32().map(|n| ((n >> 1) as i32) ^ -((n & 1) as i32))
    }

    fn i64(&mut self) -> Option<i64> {
        self.u64().map(|n| ((n >> 1) as i64) ^ -((n & 1) as i64))
    }

    fn bool(&mut self) -> Option<bool> {
        match self.byte()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    /// A string's bytes (a length, then the bytes), not checked as UTF-8.
    fn str(&mut self) -> Option<&'a [u8]> {
        let n = self.u64()?;
        self.take(usize::try_from(n).ok()?)
    }

    fn text(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.str()?).ok()
    }
}

/// The winning value of a field, as far as the ledger looks at it.
enum Seen<'a> {
    Text(&'a str),
    Int(i64),
    Bool(bool),
    Ref(EntityId),
    Date(i32),
    Move { from: &'a [u8], to: &'a [u8], at_ms: i64, evidence_empty: bool, reopen: bool },
    Other,
}

/// One `Value` (its variant's number, then its content), read past. Texts are checked as
/// UTF-8 only when `check` (the fields whose text is read).
fn value<'a>(r: &mut Bytes<'a>, check: bool) -> Option<Seen<'a>> {
    Some(match r.u32()? {
        0 => Seen::Other,
        1 if check => Seen::Text(r.text()?),
        1 => {
            r.str()?;
            Seen::Other
        }
        2 => Seen::Int(r.i64()?),
        3 => Seen::Bool(r.bool()?),
        4 => Seen::Ref(r.u128()?),
        5 => Seen::Date(r.i32()?),
        6 => {
            for _ in 0..r.u64()? {
                r.str()?;
            }
            Seen::Other
        }
        7 => {
            r.i64()?;
            Seen::Other
        }
        // TimedEvent: kind, stamp (wall_ms, run, mono_ms), detail.
        8 => {
            r.str()?;
            r.i64()?;
            r.u64()?;
            r.i64()?;
            r.str()?;
            Seen::Other
        }
        // StatusMove: from, to, by, at_ms, note, evidence, details, reopen.
        9 => {
            let (from, to) = (r.str()?, r.str()?);
            r.str()?;
            let at_ms = r.i64()?;
            r.str()?;
            let evidence_empty = r.str()?.is_empty();
            for _ in 0..r.u64()? {
                r.str()?;
                r.str()?;
            }
            Seen::Move { from, to, at_ms, evidence_empty, reopen: r.bool()? }
        }
        _ => return None,
    })
}

/// Which of the ledger's fields a stored field is.
enum Slot<'a> {
    Session,
    Seq,
    Unit,
    Deadline,
    Status,
    Deleted,
    /// A status move, with what orders moves made at the same time: the field's name in V1,
    /// its ULID's bytes in V2 (the same order: a canonical ULID's text sorts as its bytes).
    Move(&'a [u8]),
    Other,
}

impl Slot<'_> {
    /// Whether the winning value's text is read (and so checked as UTF-8).
    fn reads_text(&self) -> bool {
        matches!(self, Slot::Unit | Slot::Status)
    }
}

/// The finding's fields in V2 records: `domain::validate`'s numbers, pinned by a test below.
pub(super) mod code {
    pub const SESSION: u16 = 1;
    pub const SEQ: u16 = 2;
    pub const UNIT: u16 = 7;
    pub const DEADLINE: u16 = 9;
    pub const STATUS: u16 = 12;
    pub const DELETED: u16 = 13;
    pub const MOVE: u16 = 25;
}

/// The fields gathered while walking a record, field by field.
struct Fold<'a> {
    fields: Fields,
    unit: &'a str,
    /// The earliest move that is not an edit, by (time, order), and whether it was 立行立改.
    first_move: Option<(i64, &'a [u8], bool)>,
}

impl<'a> Fold<'a> {
    fn new() -> Fold<'a> {
        let fields = Fields {
            session: 0,
            seq: 0,
            seq_origin: None,
            unit: String::new(),
            deadline: None,
            status: FindingStatus::Found,
            deleted: false,
            on_the_spot: false,
        };
        Fold { fields, unit: "", first_move: None }
    }

    /// A field's winning value (the last of its live values, as `Record` keeps them).
    fn take(&mut self, slot: Slot<'a>, op: OpId, hlc: Hlc, seen: Seen<'a>) {
        let f = &mut self.fields;
        match (slot, seen) {
            (Slot::Session, seen) => f.session = if let Seen::Ref(id) = seen { id } else { 0 },
            (Slot::Seq, seen) => {
                f.seq = if let Seen::Int(n) = seen { n } else { 0 };
                f.seq_origin = Some((hlc, op));
            }
            (Slot::Unit, seen) => self.unit = if let Seen::Text(t) = seen { t } else { "" },
            (Slot::Deadline, seen) => {
                f.deadline = match seen {
                    Seen::Date(d) if chrono::NaiveDate::from_num_days_from_ce_opt(d).is_some() => Some(d),
                    _ => None,
                }
            }
            (Slot::Status, seen) => {
                let text = if let Seen::Text(t) = seen { t } else { "" };
                f.status = FindingStatus::parse(text).unwrap_or(FindingStatus::Found);
            }
            (Slot::Deleted, seen) => f.deleted = matches!(seen, Seen::Bool(true)),
            (Slot::Move(order), Seen::Move { from, to, at_ms, evidence_empty, reopen }) => {
                // An edit of the 六明确 is history too, but not a move.
                let edit = from == to && !reopen;
                if !edit && self.first_move.is_none_or(|(at, o, _)| (at_ms, order) < (at, o)) {
                    let spot = !evidence_empty
                        && !reopen
                        && to == FindingStatus::Rectified.code().as_bytes()
                        && from == FindingStatus::Found.code().as_bytes();
                    self.first_move = Some((at_ms, order, spot));
                }
            }
            _ => {}
        }
    }

    fn finish(mut self) -> (Fields, &'a str) {
        self.fields.on_the_spot = self.first_move.is_some_and(|(_, _, spot)| spot);
        (self.fields, self.unit)
    }
}

/// What `Fields` needs of a record, read from its bytes in either envelope (`codec`). None
/// when the bytes are not that, whole and nothing after, or hold something this reader leaves
/// to the codec.
pub(super) fn scan(bytes: &[u8]) -> Option<(Fields, &str)> {
    let mut r = Bytes(bytes);
    let fold = match r.u32()? {
        0 => scan_v1(&mut r)?,
        1 => scan_v2(&mut r)?,
        _ => return None,
    };
    r.0.is_empty().then(|| fold.finish())
}

/// `Record`: id, kind, then the map of field names to `FieldState`s, each a list of
/// `LiveValue`s (op id, stamp, value).
fn scan_v1<'a>(r: &mut Bytes<'a>) -> Option<Fold<'a>> {
    r.u128()?;
    if r.u32()? > 3 {
        return None;
    }
    let mut fold = Fold::new();
    for _ in 0..r.u64()? {
        let name = r.str()?;
        let named = |field: &str| name == field.as_bytes();
        let slot = if named(field::SESSION) {
            Slot::Session
        } else if named(field::SEQ) {
            Slot::Seq
        } else if named(field::UNIT) {
            Slot::Unit
        } else if named(field::DEADLINE) {
            Slot::Deadline
        } else if named(field::STATUS) {
            Slot::Status
        } else if named(field::DELETED) {
            Slot::Deleted
        } else if name.starts_with(MOVE_PREFIX.as_bytes()) {
            Slot::Move(name)
        } else {
            Slot::Other
        };
        let check = slot.reads_text();
        let mut winner = None;
        for _ in 0..r.u64()? {
            let replica: [u8; 16] = r.take(16)?.try_into().ok()?;
            let op = OpId { replica: crate::domain::ReplicaId(replica), seq: r.u64()? };
            let hlc = Hlc { wall_ms: r.u64()?, counter: r.u32()? };
            winner = Some((op, hlc, value(r, check)?));
        }
        if let Some((op, hlc, seen)) = winner {
            fold.take(slot, op, hlc, seen);
        }
    }
    Some(fold)
}

/// `codec::RecordBody`: the replicas once, then each field's code and live values (replica
/// index, seq, stamp, value).
fn scan_v2<'a>(r: &mut Bytes<'a>) -> Option<Fold<'a>> {
    let mut replicas = Vec::new();
    for _ in 0..r.u64()? {
        let replica: [u8; 16] = r.take(16)?.try_into().ok()?;
        replicas.push(crate::domain::ReplicaId(replica));
    }
    let mut fold = Fold::new();
    for _ in 0..r.u64()? {
        // `FieldCode`: Fixed(id), Numbered(id, n), Ulid(id, bytes), Suffix(id, text).
        let slot = match (r.u32()?, r.u16()?) {
            (0, code::SESSION) => Slot::Session,
            (0, code::SEQ) => Slot::Seq,
            (0, code::UNIT) => Slot::Unit,
            (0, code::DEADLINE) => Slot::Deadline,
            (0, code::STATUS) => Slot::Status,
            (0, code::DELETED) => Slot::Deleted,
            (0, _) => Slot::Other,
            (1, _) => {
                r.u32()?;
                Slot::Other
            }
            (2, code::MOVE) => Slot::Move(r.take(16)?),
            (2, _) => {
                r.take(16)?;
                Slot::Other
            }
            // A move named otherwise than by a canonical ULID orders by its name: the codec's.
            (3, code::MOVE) => return None,
            (3, _) => {
                r.str()?;
                Slot::Other
            }
            _ => return None,
        };
        let check = slot.reads_text();
        let mut winner = None;
        for _ in 0..r.u64()? {
            let replica = *replicas.get(usize::try_from(r.u32()?).ok()?)?;
            let op = OpId { replica, seq: r.u64()? };
            let hlc = Hlc { wall_ms: r.u64()?, counter: r.u32()? };
            winner = Some((op, hlc, value(r, check)?));
        }
        if let Some((op, hlc, seen)) = winner {
            fold.take(slot, op, hlc, seen);
        }
    }
    Some(fold)
}
