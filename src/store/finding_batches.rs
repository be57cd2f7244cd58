//! Every finding not deleted, of the sessions not deleted, a session at a time and in order
//! (sessions oldest first, then 序号): what `list findings`, the reminder letter and
//! `all_findings` read.
//!
//! Reading is decoding: ~10 µs a finding, a second at 100,000, most of `list findings --json`.
//! So the sessions are read on as many threads as there are cores (up to four), each session's
//! findings made into what the caller wants (`make`: rows, JSON text) on the thread that read
//! them, and handed to `take` on the caller's thread in session order. At most `WINDOW`
//! sessions are ahead of `take`: memory stays a few sessions' worth however large the store.
//! All threads read one transaction's tables, so they see one snapshot.

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::path::Path;

use crossbeam_channel::{bounded, unbounded};
use redb::ReadableDatabase;

use super::codec;
use super::error::StoreError;
use super::query::{by_seq_then_id, children_of};
use super::tables;
use crate::domain::{EntityId, EntityKind, Finding};

/// A session read and made, or why not: the file's error, or `make`'s panic.
type Made<T> = Result<std::thread::Result<T>, StoreError>;

/// How many sessions may be read ahead of the one being taken.
const WINDOW: usize = 16;

/// Reads every session's findings (not deleted, by 序号) and hands `make(findings)` of each
/// session, in order, to `take`. Stops at the first error: a read's (`Err` outside) or
/// `take`'s (`Ok(Err)`).
pub(super) fn each<T: Send, E>(
    db: &dyn ReadableDatabase,
    path: &Path,
    make: impl Fn(Vec<Finding>) -> T + Sync,
    mut take: impl FnMut(T) -> Result<(), E>,
) -> Result<Result<(), E>, StoreError> {
    let (records, children, sessions) = super::contained(path, || {
        let txn = db.begin_read()?;
        let records = txn.open_table(tables::RECORDS)?;
        let children = txn.open_table(tables::CHILDREN)?;
        let sessions = live_sessions(&records)?;
        Ok((records, children, sessions))
    })?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
    let read = |session: EntityId| {
        super::contained(path, || {
            let mut findings = children_of(&records, &children, session)?;
            findings.retain(|f| !f.deleted);
            by_seq_then_id(&mut findings);
            Ok(findings)
        })
    };
    std::thread::scope(|scope| {
        let (jobs, job_rx) = bounded::<usize>(WINDOW);
        let (done_tx, done) = unbounded::<(usize, Made<T>)>();
        for _ in 0..threads {
            let (job_rx, done_tx, read, make, sessions) = (job_rx.clone(), done_tx.clone(), &read, &make, &sessions);
            scope.spawn(move || {
                for i in job_rx {
                    // A panic of `make` is ours, not the file's: it goes on on the caller's
                    // thread, rather than leave the caller waiting for this session.
                    let made = read(sessions[i]).map(|f| std::panic::catch_unwind(AssertUnwindSafe(|| make(f))));
                    if done_tx.send((i, made)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        // Sessions handed out, and the next to take; what came back early waits its turn.
        let (mut sent, mut waiting) = (0, BTreeMap::new());
        for next in 0..sessions.len() {
            while sent < sessions.len() && sent < next + WINDOW {
                jobs.send(sent).expect("the readers outlive the jobs");
                sent += 1;
            }
            let made = loop {
                if let Some(made) = waiting.remove(&next) {
                    break made;
                }
                let (i, made) = done.recv().expect("a reader answers every job it takes");
                waiting.insert(i, made);
            };
            let made = made?.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            // Dropping `jobs` on the way out ends the readers once they finish what they hold.
            if let Err(e) = take(made) {
                return Ok(Err(e));
            }
        }
        Ok(Ok(()))
    })
}

/// The sessions not deleted, oldest first (ULIDs grow with creation time).
fn live_sessions(records: &super::query::Records) -> Result<Vec<EntityId>, StoreError> {
    let code = EntityKind::Session.code();
    let mut sessions = Vec::new();
    for entry in records.range((code, 0u128)..=(code, u128::MAX))? {
        let (key, value) = entry?;
        let session = codec::decode_record(value.value(), key.value())?;
        if !session.get(crate::domain::session::field::DELETED).as_bool() {
            sessions.push(session.id);
        }
    }
    Ok(sessions)
}
