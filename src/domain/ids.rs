//! Where new entity ids come from. The core asks its context (`app::Context::ids`) rather than
//! a process-wide generator, so a recorded run replays to the very same ids; the program uses
//! [`UlidIds`], tests and replays [`SeededIds`].

use std::sync::Mutex;

use super::op::{EntityId, new_entity_id};

pub trait IdSource: Send + Sync {
    /// A new id made at `at_ms` (Unix ms, the caller's clock): ULIDs carry their creation time,
    /// which is how a session shows when it was made.
    fn next_id(&self, at_ms: i64) -> EntityId;
}

/// Real ULIDs: the creation time from the system clock, the rest random, increasing within a
/// millisecond (`op::new_entity_id`).
pub struct UlidIds;

impl IdSource for UlidIds {
    fn next_id(&self, _at_ms: i64) -> EntityId {
        new_entity_id()
    }
}

/// ULIDs with the given time and a random part made from a seed and a counter: the same seed
/// and the same times give the same ids, in increasing order within a millisecond.
pub struct SeededIds {
    seed: u64,
    counter: Mutex<u64>,
}

impl SeededIds {
    pub fn new(seed: u64) -> SeededIds {
        SeededIds { seed, counter: Mutex::new(0) }
    }
}

impl IdSource for SeededIds {
    fn next_id(&self, at_ms: i64) -> EntityId {
        let mut counter = self.counter.lock().unwrap_or_else(|e| e.into_inner());
        *counter += 1;
        // 80 random bits in a ULID: the seed's 40 above a 40-bit counter.
        let random = (u128::from(self.seed & 0xff_ffff_ffff) << 40) | u128::from(*counter & 0xff_ffff_ffff);
        ulid::Ulid::from_parts(u64::try_from(at_ms).unwrap_or(0), random).0
    }
}

/// Bytes as lowercase hex (keys, hashes), and back.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 || !text.is_ascii() {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_ids_repeat_for_the_same_seed_and_increase() {
        let (a, b) = (SeededIds::new(7), SeededIds::new(7));
        let ours: Vec<EntityId> = (0..3).map(|_| a.next_id(1_000)).collect();
        let theirs: Vec<EntityId> = (0..3).map(|_| b.next_id(1_000)).collect();
        assert_eq!(ours, theirs);
        assert!(ours.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(super::super::op::entity_created_ms(ours[0]), 1_000);
    }
}
