//! A store file as redb's integrity check may see it: read from the disk as it is, with every
//! write kept in memory instead. The check repairs what it finds and commits, which must not
//! reach the file a `tiyan check` only looks at; a copy in memory did that too, at the cost of
//! the file's size in memory (half a gigabyte at 100,000 findings). What the check writes is
//! a few pages.

use std::collections::BTreeMap;
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::sync::Mutex;

use redb::StorageBackend;

/// Writes are kept in blocks of this many bytes (redb's page size).
const BLOCK: u64 = 4096;

#[derive(Debug)]
pub(super) struct ReadThrough {
    file: File,
    /// The length the file appears to have: set by `set_len`, the file's own at first.
    len: Mutex<u64>,
    /// Blocks written, by their first byte's offset, and where the file stops being read:
    /// a byte not written reads from the file below that, as zero at or above it (the file
    /// was cut there, or ends there).
    written: Mutex<Written>,
}

#[derive(Debug)]
struct Written {
    blocks: BTreeMap<u64, Vec<u8>>,
    file_until: u64,
}

impl ReadThrough {
    pub fn open(path: &std::path::Path) -> io::Result<ReadThrough> {
        let file = File::open(path)?;
        let len = file.metadata()?.len();
        let written = Written { blocks: BTreeMap::new(), file_until: len };
        Ok(ReadThrough { file, len: Mutex::new(len), written: Mutex::new(written) })
    }

    /// Bytes from `at` as the file holds them, zeros where it is not read (see `Written`).
    fn read_file_into(&self, at: u64, out: &mut [u8], file_until: u64) -> io::Result<()> {
        let readable = file_until.saturating_sub(at).min(out.len() as u64) as usize;
        let mut filled = 0;
        while filled < readable {
            match self.file.read_at(&mut out[filled..readable], at + filled as u64)? {
                0 => break,
                n => filled += n,
            }
        }
        out[filled..].fill(0);
        Ok(())
    }

    /// Block `start` as it stands: written, or from the file.
    fn block(&self, start: u64, written: &Written) -> io::Result<Vec<u8>> {
        if let Some(block) = written.blocks.get(&start) {
            return Ok(block.clone());
        }
        let mut block = vec![0; BLOCK as usize];
        self.read_file_into(start, &mut block, written.file_until)?;
        Ok(block)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl StorageBackend for ReadThrough {
    fn len(&self) -> io::Result<u64> {
        Ok(*lock(&self.len))
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> io::Result<()> {
        let len = *lock(&self.len);
        if offset + out.len() as u64 > len {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "read past the end"));
        }
        let written = lock(&self.written);
        let mut done = 0usize;
        while done < out.len() {
            let at = offset + done as u64;
            let start = at - at % BLOCK;
            let from = (at - start) as usize;
            let n = (BLOCK as usize - from).min(out.len() - done);
            match written.blocks.get(&start) {
                Some(block) => out[done..done + n].copy_from_slice(&block[from..from + n]),
                None => {
                    // Unwritten: straight from the file, as far as the next written block.
                    let next_written = written.blocks.range(start + BLOCK..).next().map(|(s, _)| *s);
                    let until = next_written.map_or(out.len(), |s| ((s - offset) as usize).min(out.len()));
                    let part = &mut out[done..until.max(done + n)];
                    self.read_file_into(at, part, written.file_until)?;
                    done += part.len();
                    continue;
                }
            }
            done += n;
        }
        Ok(())
    }

    fn set_len(&self, len: u64) -> io::Result<()> {
        let mut current = lock(&self.len);
        if len < *current {
            // Bytes cut off read as zeros if the file grows again.
            let mut written = lock(&self.written);
            let cut = len - len % BLOCK;
            let mut keep = self.block(cut, &written)?;
            keep[(len - cut) as usize..].fill(0);
            written.blocks.split_off(&cut);
            written.blocks.insert(cut, keep);
            written.file_until = written.file_until.min(len);
        }
        *current = len;
        Ok(())
    }

    fn sync_data(&self) -> io::Result<()> {
        Ok(())
    }

    fn write(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        let mut written = lock(&self.written);
        let mut done = 0usize;
        while done < data.len() {
            let at = offset + done as u64;
            let start = at - at % BLOCK;
            let from = (at - start) as usize;
            let n = (BLOCK as usize - from).min(data.len() - done);
            let mut block = self.block(start, &written)?;
            block[from..from + n].copy_from_slice(&data[done..done + n]);
            written.blocks.insert(start, block);
            done += n;
        }
        let mut len = lock(&self.len);
        *len = (*len).max(offset + data.len() as u64);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The backend reads as a plain copy in memory would, whatever is written, cut or grown,
    /// and the file underneath never changes.
    #[test]
    fn it_reads_as_a_copy_would_and_never_touches_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let original: Vec<u8> = (0..3 * BLOCK as usize + 700).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(&path, &original).unwrap();
        let backend = ReadThrough::open(&path).unwrap();
        let mut copy = original.clone();
        let mut rng = 12345u64;
        let mut next = |m: u64| {
            rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (rng >> 33) % m
        };
        for round in 0..3000 {
            match next(5) {
                0 | 1 => {
                    let len = copy.len() as u64;
                    let at = next(len + 2 * BLOCK);
                    let data: Vec<u8> = (0..next(2 * BLOCK) + 1).map(|i| (i + round) as u8).collect();
                    backend.write(at, &data).unwrap();
                    let end = at as usize + data.len();
                    if copy.len() < end {
                        copy.resize(end, 0);
                    }
                    copy[at as usize..end].copy_from_slice(&data);
                }
                2 => {
                    let len = next(copy.len() as u64 + 2 * BLOCK);
                    backend.set_len(len).unwrap();
                    copy.resize(len as usize, 0);
                }
                _ => {}
            }
            assert_eq!(backend.len().unwrap(), copy.len() as u64);
            let at = next(copy.len() as u64 + 1);
            let n = next(copy.len() as u64 - at + 1) as usize;
            let mut out = vec![0xEE; n];
            backend.read(at, &mut out).unwrap();
            let first_difference = out.iter().zip(&copy[at as usize..]).position(|(a, b)| a != b);
            assert_eq!(first_difference, None, "round {round}: read {n} at {at} of {}", copy.len());
        }
        let mut whole = vec![0; copy.len()];
        backend.read(0, &mut whole).unwrap();
        assert!(whole == copy);
        assert_eq!(std::fs::read(&path).unwrap(), original);
    }
}
