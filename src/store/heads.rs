//! Per replica, how much of its log this store holds: the highest contiguous seq (the
//! version vector a peer or the office is told) and how many of its ops are held at all.
//!
//! Seqs are contiguous per replica from 1, but imports may bring a replica's ops with gaps (a
//! bundle is one contiguous range, bundles may arrive out of order or not at all). So the
//! contiguous head only moves over seqs actually held: after each write, every replica it
//! touched is advanced by reading the keys just above its head in `ops` (no op is decoded),
//! which costs as many key reads as the head moves. Ops above a gap count in `held` and are
//! exported with the rest; the head waits until the gap is filled.

use std::collections::BTreeMap;

use redb::{ReadableTable, Table};

use super::error::StoreError;
use crate::domain::ReplicaId;

/// What the store holds of one replica's log.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Head {
    /// Every seq from 1 to this is held (0: not seq 1).
    pub contiguous: u64,
    /// How many ops of the replica are held, within the head and above it.
    pub held: u64,
}

pub(super) type HeadsTable<'t> = Table<'t, u128, (u64, u64)>;

pub(super) fn get(heads: &impl ReadableTable<u128, (u64, u64)>, replica: u128) -> Result<Head, StoreError> {
    Ok(heads.get(replica)?.map(|v| v.value()).map(|(contiguous, held)| Head { contiguous, held }).unwrap_or_default())
}

/// Every replica's head, by replica.
pub(super) fn all(heads: &impl ReadableTable<u128, (u64, u64)>) -> Result<BTreeMap<ReplicaId, Head>, StoreError> {
    let mut out = BTreeMap::new();
    for entry in heads.iter()? {
        let (key, value) = entry?;
        let (contiguous, held) = value.value();
        out.insert(ReplicaId::from_u128(key.value()), Head { contiguous, held });
    }
    Ok(out)
}

/// The highest seq such that `from + 1 ..= it` are all keys of `replica` in `ops`.
fn contiguous_from(
    ops: &impl ReadableTable<(u128, u64), &'static [u8]>,
    replica: u128,
    from: u64,
) -> Result<u64, StoreError> {
    let mut head = from;
    if head == u64::MAX {
        return Ok(head);
    }
    for entry in ops.range((replica, head + 1)..=(replica, u64::MAX))? {
        let (key, _) = entry?;
        if key.value().1 != head + 1 {
            break;
        }
        head += 1;
    }
    Ok(head)
}

/// Records `added` new ops of `replica` (already inserted into `ops`) and moves its head over
/// whatever is now contiguous.
pub(super) fn note_added(
    heads: &mut HeadsTable<'_>,
    ops: &impl ReadableTable<(u128, u64), &'static [u8]>,
    replica: ReplicaId,
    added: u64,
) -> Result<(), StoreError> {
    let key = replica.as_u128();
    let before = get(heads, key)?;
    let contiguous = contiguous_from(ops, key, before.contiguous)?;
    heads.insert(key, (contiguous, before.held + added))?;
    Ok(())
}

/// Builds the table from the keys of `ops` (after a migration replay, or for a file made
/// before the table existed). `heads` must be empty.
pub(super) fn rebuild(
    heads: &mut HeadsTable<'_>,
    ops: &impl ReadableTable<(u128, u64), &'static [u8]>,
) -> Result<(), StoreError> {
    fn flush(heads: &mut HeadsTable<'_>, done: Option<(u128, Head)>) -> Result<(), StoreError> {
        if let Some((replica, head)) = done {
            heads.insert(replica, (head.contiguous, head.held))?;
        }
        Ok(())
    }
    let mut current: Option<(u128, Head)> = None;
    for entry in ops.iter()? {
        let (key, _) = entry?;
        let (replica, seq) = key.value();
        let head = match &mut current {
            Some((r, head)) if *r == replica => head,
            _ => {
                flush(heads, current.take())?;
                &mut current.insert((replica, Head::default())).1
            }
        };
        head.held += 1;
        if seq == head.contiguous + 1 {
            head.contiguous = seq;
        }
    }
    flush(heads, current)
}

/// The gaps below the highest seq held of `replica`: the seqs missing after its head, as
/// inclusive ranges (the first at most `limit` of them). Reads only the keys above the head.
pub(super) fn gaps(
    ops: &impl ReadableTable<(u128, u64), &'static [u8]>,
    replica: ReplicaId,
    head: Head,
    limit: usize,
) -> Result<Vec<(u64, u64)>, StoreError> {
    let key = replica.as_u128();
    let mut out = Vec::new();
    if head.held == head.contiguous || head.contiguous == u64::MAX {
        return Ok(out);
    }
    let mut expected = head.contiguous + 1;
    for entry in ops.range((key, expected)..=(key, u64::MAX))? {
        let (k, _) = entry?;
        let seq = k.value().1;
        if seq > expected {
            out.push((expected, seq - 1));
            if out.len() >= limit {
                break;
            }
        }
        expected = seq.saturating_add(1);
    }
    Ok(out)
}
