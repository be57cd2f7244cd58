//! The ops of a format-2 body, in blocks of columns.
//!
//! Format 1 framed each op whole (`replica | seq | bytes`): zstd then meets a 16-byte replica,
//! a growing seq, a stamp and a 16-byte entity id between every two values, and the bundle of
//! the 100,000-finding demo was twice the size of the same findings as JSON through zstd. Here
//! each part of an op goes to its own column, written as what is new about it, so the columns
//! are runs zstd compresses to almost nothing, and the texts sit side by side:
//!
//! | column | what each op puts in it |
//! |---|---|
//! | replica, new replica | the index of its replica in the body (a new one: the next index, and its 16 bytes) |
//! | seq | its seq less the last of its replica (zigzag) |
//! | shape | 0: a V2 op split as below; 1: its bytes whole, in `raw` |
//! | wall, counter | its stamp: the wall ms less the last op's (zigzag), the counter |
//! | entity, new entity | its entity's index less the last op's (zigzag; a new one: the next index, and its 16 bytes) |
//! | kind and field, and their length | the bytes between the entity and the value, as they are |
//! | value, and its length | the value's bytes, as they are |
//! | supersedes | how many, then each: 0 and the op's seq less its (zigzag) when of the same replica; else 1, the replica's 16 bytes and its seq |
//! | raw | the length and bytes of an op that is not split |
//!
//! Each op's bytes are rebuilt exactly: the writer rebuilds every op it splits and compares,
//! and writes it whole (`raw`) when they differ (an op of another layout, a V1 op, a varint not
//! written the shortest way). The split follows `store::codec`'s V2 op: a change there that the
//! split does not follow makes ops `raw` (a test in `store` holds every op it writes to split).
//!
//! A block is `varint n` (1 to `MAX_BLOCK_OPS`), then each column as `varint length | bytes`;
//! the reader checks every length against the bytes left and every index against what is
//! known, and a block must use up every column exactly.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use serde::Deserialize;

use crate::domain::ledger::IdHasher;
use crate::domain::validate::FieldCode;
use crate::domain::{EntityKind, Hlc, Value};

/// Entities a writer keeps in mind: ops of one record mostly follow each other, and a map of
/// all of a big bundle's held 8 MB through an export.
const RECENT_ENTITIES: usize = 28_000;

/// Ops a writer puts in a block.
pub const BLOCK_OPS: usize = 4_096;
/// A writer ends a block early once its columns hold this much (ops with long texts).
const BLOCK_BYTES: usize = 4 << 20;
/// The most ops a reader takes in one block.
pub const MAX_BLOCK_OPS: u64 = 65_536;
/// The most bytes a reader takes in one column of a block.
pub const MAX_COLUMN_BYTES: u64 = 64 << 20;

pub const COLUMNS: usize = 14;
const REPLICA: usize = 0;
const NEW_REPLICA: usize = 1;
const SEQ: usize = 2;
const SHAPE: usize = 3;
const WALL: usize = 4;
const COUNTER: usize = 5;
const ENTITY: usize = 6;
const NEW_ENTITY: usize = 7;
const KIND_FIELD: usize = 8;
const KIND_FIELD_LEN: usize = 9;
const VALUE: usize = 10;
const VALUE_LEN: usize = 11;
const SUPERSEDES: usize = 12;
const RAW: usize = 13;

const SPLIT: u64 = 0;
const WHOLE: u64 = 1;

/// The start of a V2 op after its envelope's variant (`store::codec::OpBody`): read to find
/// where the value begins.
#[derive(Deserialize)]
struct V2Head {
    hlc: Hlc,
    _entity: [u8; 16],
    _kind: EntityKind,
    _field: FieldCode,
}

/// `store::codec::OpRef`: what a V2 op ends with, a list of these.
#[derive(Deserialize)]
enum OpRef {
    Same(u64),
    Other([u8; 16], u64),
}

/// An op split into its parts, borrowed from its bytes.
struct Parts<'a> {
    hlc: Hlc,
    entity: [u8; 16],
    kind_field: &'a [u8],
    value: &'a [u8],
    supersedes: Vec<OpRef>,
}

fn split(bytes: &[u8]) -> Option<Parts<'_>> {
    let (&1, body) = bytes.split_first()? else { return None };
    let (head, rest) = postcard::take_from_bytes::<V2Head>(body).ok()?;
    let entity_at = 1 + varint_len(head.hlc.wall_ms) + varint_len(u64::from(head.hlc.counter));
    let entity: [u8; 16] = bytes.get(entity_at..entity_at + 16)?.try_into().ok()?;
    let kind_field = bytes.get(entity_at + 16..bytes.len() - rest.len())?;
    let (_, after_value) = postcard::take_from_bytes::<Value>(rest).ok()?;
    let value = &rest[..rest.len() - after_value.len()];
    let (supersedes, left) = postcard::take_from_bytes::<Vec<OpRef>>(after_value).ok()?;
    left.is_empty().then_some(Parts { hlc: head.hlc, entity, kind_field, value, supersedes })
}

/// The bytes of a V2 op from its parts (what the reader rebuilds, and the writer checks).
fn rebuild(out: &mut Vec<u8>, hlc: Hlc, entity: &[u8; 16], kind_field: &[u8], value: &[u8], refs: &[OpRefOwned]) {
    out.push(1);
    push_varint(out, hlc.wall_ms);
    push_varint(out, u64::from(hlc.counter));
    out.extend_from_slice(entity);
    out.extend_from_slice(kind_field);
    out.extend_from_slice(value);
    push_varint(out, refs.len() as u64);
    for r in refs {
        match r {
            OpRefOwned::Same(seq) => {
                out.push(0);
                push_varint(out, *seq);
            }
            OpRefOwned::Other(replica, seq) => {
                out.push(1);
                out.extend_from_slice(replica);
                push_varint(out, *seq);
            }
        }
    }
}

#[derive(Clone, Copy)]
enum OpRefOwned {
    Same(u64),
    Other([u8; 16], u64),
}

/// Writes ops into blocks of columns. Its state (the replicas and entities met, the last
/// stamp) runs on from one block to the next, as the reader's does.
#[derive(Default)]
pub struct ColumnWriter {
    replicas: HashMap<[u8; 16], (u64, u64)>,
    /// The entities met lately, by their index (a bundle of the demo names 115,000): at most
    /// `RECENT_ENTITIES`, then forgotten and met anew. An entity met again after that gets a
    /// new index, its 16 bytes written again; the reader does not mind.
    entities: HashMap<[u8; 16], u64, BuildHasherDefault<IdHasher>>,
    /// Indexes given so far.
    entities_met: u64,
    last_wall: u64,
    last_entity: u64,
    columns: [Vec<u8>; COLUMNS],
    in_block: u64,
    rebuilt: Vec<u8>,
    refs: Vec<OpRefOwned>,
    /// Ops written whole, not split (a test holds the store's ops to none).
    pub whole: u64,
}

impl ColumnWriter {
    /// Adds an op to the block; true when the block is full and should be written.
    pub fn push(&mut self, replica: [u8; 16], seq: u64, bytes: &[u8]) -> bool {
        let next = self.replicas.len() as u64;
        let (index, last_seq) = self.replicas.entry(replica).or_insert((next, 0));
        push_varint(&mut self.columns[REPLICA], *index);
        if *index == next {
            self.columns[NEW_REPLICA].extend_from_slice(&replica);
        }
        push_varint(&mut self.columns[SEQ], zigzag(seq.wrapping_sub(*last_seq) as i64));
        *last_seq = seq;
        match split(bytes).filter(|parts| self.rebuilds(parts, bytes)) {
            Some(parts) => self.put_split(seq, &parts),
            None => {
                self.whole += 1;
                push_varint(&mut self.columns[SHAPE], WHOLE);
                push_varint(&mut self.columns[RAW], bytes.len() as u64);
                self.columns[RAW].extend_from_slice(bytes);
            }
        }
        self.in_block += 1;
        self.in_block as usize >= BLOCK_OPS || self.columns.iter().map(Vec::len).sum::<usize>() >= BLOCK_BYTES
    }

    fn rebuilds(&mut self, parts: &Parts<'_>, bytes: &[u8]) -> bool {
        self.refs.clear();
        self.refs.extend(parts.supersedes.iter().map(|r| match r {
            OpRef::Same(seq) => OpRefOwned::Same(*seq),
            OpRef::Other(replica, seq) => OpRefOwned::Other(*replica, *seq),
        }));
        self.rebuilt.clear();
        rebuild(&mut self.rebuilt, parts.hlc, &parts.entity, parts.kind_field, parts.value, &self.refs);
        self.rebuilt == bytes
    }

    fn put_split(&mut self, seq: u64, parts: &Parts<'_>) {
        let c = &mut self.columns;
        push_varint(&mut c[SHAPE], SPLIT);
        push_varint(&mut c[WALL], zigzag(parts.hlc.wall_ms.wrapping_sub(self.last_wall) as i64));
        self.last_wall = parts.hlc.wall_ms;
        push_varint(&mut c[COUNTER], u64::from(parts.hlc.counter));
        if self.entities.len() >= RECENT_ENTITIES && !self.entities.contains_key(&parts.entity) {
            self.entities.clear();
        }
        let next = self.entities_met;
        let index = *self.entities.entry(parts.entity).or_insert(next);
        if index == next {
            self.entities_met += 1;
            c[NEW_ENTITY].extend_from_slice(&parts.entity);
        }
        push_varint(&mut c[ENTITY], zigzag(index.wrapping_sub(self.last_entity) as i64));
        self.last_entity = index;
        push_varint(&mut c[KIND_FIELD_LEN], parts.kind_field.len() as u64);
        c[KIND_FIELD].extend_from_slice(parts.kind_field);
        push_varint(&mut c[VALUE_LEN], parts.value.len() as u64);
        c[VALUE].extend_from_slice(parts.value);
        push_varint(&mut c[SUPERSEDES], self.refs.len() as u64);
        for r in &self.refs {
            match r {
                OpRefOwned::Same(old) => {
                    c[SUPERSEDES].push(0);
                    push_varint(&mut c[SUPERSEDES], zigzag(seq.wrapping_sub(*old) as i64));
                }
                OpRefOwned::Other(replica, old) => {
                    c[SUPERSEDES].push(1);
                    c[SUPERSEDES].extend_from_slice(replica);
                    push_varint(&mut c[SUPERSEDES], *old);
                }
            }
        }
    }

    /// Whether ops wait to be written.
    pub fn is_empty(&self) -> bool {
        self.in_block == 0
    }

    /// Writes the block (`varint n`, then each column with its length) and starts the next.
    pub fn write_block(&mut self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut lead = Vec::with_capacity(10 * (COLUMNS + 1));
        push_varint(&mut lead, self.in_block);
        out.write_all(&lead)?;
        for column in &mut self.columns {
            lead.clear();
            push_varint(&mut lead, column.len() as u64);
            out.write_all(&lead)?;
            out.write_all(column)?;
            column.clear();
        }
        self.in_block = 0;
        Ok(())
    }
}

/// Why a block does not read.
#[derive(Debug, PartialEq, Eq)]
pub struct BlockError(pub String);

/// Reads blocks back into ops, their bytes as they were written.
#[derive(Default)]
pub struct ColumnReader {
    replicas: Vec<([u8; 16], u64)>,
    entities: Vec<[u8; 16]>,
    last_wall: u64,
    last_entity: u64,
    refs: Vec<OpRefOwned>,
}

/// The ops of one block as read: their bytes end to end in `bytes`, each op's range with its id.
#[derive(Default)]
pub struct OpsRead {
    pub bytes: Vec<u8>,
    pub ops: Vec<([u8; 16], u64, std::ops::Range<usize>)>,
}

impl OpsRead {
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.ops.clear();
    }
    pub fn op(&self, i: usize) -> ([u8; 16], u64, &[u8]) {
        let (replica, seq, range) = &self.ops[i];
        (*replica, *seq, &self.bytes[range.clone()])
    }
}

impl ColumnReader {
    /// Appends the `n` ops of a block, whose columns are `columns`, to `out`.
    pub fn read_block(&mut self, n: u64, columns: [&[u8]; COLUMNS], out: &mut OpsRead) -> Result<(), BlockError> {
        let mut c = columns.map(|bytes| Cursor { bytes });
        for _ in 0..n {
            let index = c[REPLICA].varint()?;
            if index == self.replicas.len() as u64 {
                self.replicas.push((c[NEW_REPLICA].array()?, 0));
            }
            let Some((replica, last_seq)) = self.replicas.get_mut(index as usize) else {
                return Err(BlockError(format!("replica {index} of {} known", self.replicas.len())));
            };
            let seq = last_seq.wrapping_add(unzigzag(c[SEQ].varint()?) as u64);
            *last_seq = seq;
            let replica = *replica;
            let start = out.bytes.len();
            match c[SHAPE].varint()? {
                SPLIT => self.read_split(seq, &mut c, &mut out.bytes)?,
                WHOLE => {
                    let len = c[RAW].varint()?;
                    out.bytes.extend_from_slice(c[RAW].take(len)?);
                }
                other => return Err(BlockError(format!("an op of shape {other}"))),
            }
            out.ops.push((replica, seq, start..out.bytes.len()));
        }
        match c.iter().position(|c| !c.bytes.is_empty()) {
            Some(i) => Err(BlockError(format!("column {i} has {} bytes left over", c[i].bytes.len()))),
            None => Ok(()),
        }
    }

    fn read_split(&mut self, seq: u64, c: &mut [Cursor<'_>; COLUMNS], out: &mut Vec<u8>) -> Result<(), BlockError> {
        let wall = self.last_wall.wrapping_add(unzigzag(c[WALL].varint()?) as u64);
        self.last_wall = wall;
        let counter = u32::try_from(c[COUNTER].varint()?).map_err(|_| BlockError("a counter over 32 bits".into()))?;
        let index = self.last_entity.wrapping_add(unzigzag(c[ENTITY].varint()?) as u64);
        if index == self.entities.len() as u64 {
            self.entities.push(c[NEW_ENTITY].array()?);
        }
        let Some(entity) = self.entities.get(index as usize) else {
            return Err(BlockError(format!("entity {index} of {} known", self.entities.len())));
        };
        self.last_entity = index;
        let len = c[KIND_FIELD_LEN].varint()?;
        let kind_field = c[KIND_FIELD].take(len)?;
        let len = c[VALUE_LEN].varint()?;
        let value = c[VALUE].take(len)?;
        self.refs.clear();
        let count = c[SUPERSEDES].varint()?;
        for _ in 0..count {
            self.refs.push(match c[SUPERSEDES].take(1)? {
                [0] => OpRefOwned::Same(seq.wrapping_sub(unzigzag(c[SUPERSEDES].varint()?) as u64)),
                [1] => OpRefOwned::Other(c[SUPERSEDES].array()?, c[SUPERSEDES].varint()?),
                _ => return Err(BlockError("a superseded op of no known kind".into())),
            });
        }
        rebuild(out, Hlc { wall_ms: wall, counter }, entity, kind_field, value, &self.refs);
        Ok(())
    }
}

struct Cursor<'a> {
    bytes: &'a [u8],
}

impl<'a> Cursor<'a> {
    fn varint(&mut self) -> Result<u64, BlockError> {
        let (n, used) = read_varint(self.bytes).ok_or_else(|| BlockError("a number does not read".into()))?;
        self.bytes = &self.bytes[used..];
        Ok(n)
    }

    fn take(&mut self, len: u64) -> Result<&'a [u8], BlockError> {
        if len > self.bytes.len() as u64 {
            return Err(BlockError(format!("{len} bytes where {} are left", self.bytes.len())));
        }
        let (taken, rest) = self.bytes.split_at(len as usize);
        self.bytes = rest;
        Ok(taken)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], BlockError> {
        Ok(self.take(N as u64)?.try_into().expect("taken N bytes"))
    }
}

/// A postcard varint at the start of `bytes`, and the bytes it took; None when cut short or
/// longer than a u64.
pub fn read_varint(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut n = 0u64;
    for (i, &byte) in bytes.iter().enumerate().take(10) {
        let part = u64::from(byte & 0x7f);
        if i == 9 && part > 1 {
            return None;
        }
        n |= part << (7 * i);
        if byte & 0x80 == 0 {
            return Some((n, i + 1));
        }
    }
    None
}

/// `n` as a postcard varint (7 bits a byte, the low first, the high bit set on all but the last).
pub fn push_varint(out: &mut Vec<u8>, mut n: u64) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

pub fn varint_len(n: u64) -> usize {
    (64 - n.max(1).leading_zeros() as usize).div_ceil(7)
}

fn zigzag(d: i64) -> u64 {
    ((d << 1) ^ (d >> 63)) as u64
}

fn unzigzag(n: u64) -> i64 {
    ((n >> 1) as i64) ^ -((n & 1) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(writer: &mut ColumnWriter) -> Vec<u8> {
        let mut out = Vec::new();
        writer.write_block(&mut out).unwrap();
        out
    }

    fn read(reader: &mut ColumnReader, block: &[u8]) -> Result<OpsRead, BlockError> {
        let mut c = Cursor { bytes: block };
        let n = c.varint()?;
        let mut columns: [&[u8]; COLUMNS] = [&[]; COLUMNS];
        for column in &mut columns {
            let len = c.varint()?;
            *column = c.take(len)?;
        }
        let mut out = OpsRead::default();
        reader.read_block(n, columns, &mut out)?;
        Ok(out)
    }

    #[test]
    fn varints_read_back_and_overlong_ones_do_not() {
        for n in [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            let mut out = Vec::new();
            push_varint(&mut out, n);
            assert_eq!(out.len(), varint_len(n));
            assert_eq!(read_varint(&out), Some((n, out.len())));
        }
        assert_eq!(read_varint(&[0xff; 10]), None);
        assert_eq!(read_varint(&[0x80]), None);
        for d in [0i64, 1, -1, i64::MAX, i64::MIN] {
            assert_eq!(unzigzag(zigzag(d)), d);
        }
    }

    #[test]
    fn any_bytes_come_back_as_they_went_whole_or_split() {
        let ops: Vec<([u8; 16], u64, Vec<u8>)> = (0..300u64)
            .map(|i| ([(i % 3) as u8; 16], i * 7 + 1, format!("窗口{i}").repeat((i % 5) as usize).into_bytes()))
            .collect();
        let mut writer = ColumnWriter::default();
        let mut reader = ColumnReader::default();
        for chunk in ops.chunks(128) {
            for (r, s, b) in chunk {
                writer.push(*r, *s, b);
            }
            let read = read(&mut reader, &block(&mut writer)).unwrap();
            for (i, (r, s, b)) in chunk.iter().enumerate() {
                assert_eq!(read.op(i), (*r, *s, b.as_slice()));
            }
        }
        assert_eq!(writer.whole, 300, "bytes that are not an op go whole");
    }

    #[test]
    fn a_damaged_block_is_an_error_not_a_panic() {
        let mut writer = ColumnWriter::default();
        for i in 0..40u64 {
            writer.push([1; 16], i + 1, &[1, 2, 3, i as u8]);
        }
        let good = block(&mut writer);
        for cut in 0..good.len() {
            assert!(read(&mut ColumnReader::default(), &good[..cut]).is_err(), "cut at {cut}");
        }
        for i in 0..good.len() {
            let mut bad = good.clone();
            bad[i] ^= 0x55;
            let _ = read(&mut ColumnReader::default(), &bad);
        }
    }
}
