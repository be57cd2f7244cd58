//! The file under redb, with a switch that makes a chosen write or sync fail as a full disk
//! would. Production opens always go through this wrapper with no faults armed (one relaxed
//! atomic load per call); the store tests arm it to prove that nothing acknowledged is lost,
//! nothing unacknowledged is shown as saved, and a retry after the failure lands.

use std::fs::File;
use std::io;
use std::ops::Bound;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use redb::StorageBackend;
use redb::backends::FileBackend;

/// Which later call fails. A countdown per kind: `n` lets n calls pass and fails the next one,
/// then every call after it (a full disk stays full) until `heal`. Negative: never fails.
#[derive(Debug)]
pub struct Faults {
    writes: AtomicI64,
    syncs: AtomicI64,
}

impl Default for Faults {
    fn default() -> Self {
        Faults { writes: AtomicI64::new(-1), syncs: AtomicI64::new(-1) }
    }
}

impl Faults {
    pub fn new() -> Arc<Faults> {
        Arc::new(Faults::default())
    }

    /// Lets `n` writes pass, then fails every write.
    pub fn fail_writes_after(&self, n: i64) {
        self.writes.store(n, Ordering::SeqCst);
    }

    /// Lets `n` syncs pass, then fails every sync.
    pub fn fail_syncs_after(&self, n: i64) {
        self.syncs.store(n, Ordering::SeqCst);
    }

    /// Space was freed: nothing fails any more.
    pub fn heal(&self) {
        self.writes.store(-1, Ordering::SeqCst);
        self.syncs.store(-1, Ordering::SeqCst);
    }

    fn check(counter: &AtomicI64) -> io::Result<()> {
        // Never-failing is the common case: one load, no write.
        if counter.load(Ordering::Relaxed) < 0 {
            return Ok(());
        }
        let left = counter.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| Some(if n > 0 { n - 1 } else { n }));
        match left {
            Ok(n) if n > 0 => Ok(()),
            Ok(0) => Err(io::Error::from_raw_os_error(libc::ENOSPC)),
            _ => Ok(()),
        }
    }
}

#[derive(Debug)]
pub(super) struct Backend {
    file: FileBackend,
    faults: Option<Arc<Faults>>,
}

impl Backend {
    pub(super) fn new(file: File, faults: Option<Arc<Faults>>) -> Result<Backend, redb::DatabaseError> {
        Ok(Backend { file: FileBackend::new(file)?, faults })
    }

    fn check_write(&self) -> io::Result<()> {
        self.faults.as_ref().map_or(Ok(()), |f| Faults::check(&f.writes))
    }

    fn check_sync(&self) -> io::Result<()> {
        self.faults.as_ref().map_or(Ok(()), |f| Faults::check(&f.syncs))
    }
}

impl StorageBackend for Backend {
    fn len(&self) -> io::Result<u64> {
        self.file.len()
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> io::Result<()> {
        self.file.read(offset, out)
    }

    fn set_len(&self, len: u64) -> io::Result<()> {
        self.check_write()?;
        self.file.set_len(len)
    }

    fn sync_data(&self) -> io::Result<()> {
        self.check_sync()?;
        self.file.sync_data()
    }

    fn write(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        self.check_write()?;
        self.file.write(offset, data)
    }

    fn close(&self) -> io::Result<()> {
        self.file.close()
    }

    fn try_lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<bool, redb::BackendError> {
        self.file.try_lock_range(start, end)
    }

    fn try_lock_shared_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<bool, redb::BackendError> {
        self.file.try_lock_shared_range(start, end)
    }

    fn lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), redb::BackendError> {
        self.file.lock_range(start, end)
    }

    fn lock_shared_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), redb::BackendError> {
        self.file.lock_shared_range(start, end)
    }

    fn unlock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), redb::BackendError> {
        self.file.unlock_range(start, end)
    }

    fn query_lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<bool, redb::BackendError> {
        self.file.query_lock_range(start, end)
    }
}
