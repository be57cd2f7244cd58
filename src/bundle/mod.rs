//! Sync bundles: the file an inspector carries to the supervision office on a USB stick, and
//! the office's verdicts carried back. `format` reads and writes the file itself, `identity`
//! holds a device's keys, its card and fingerprint, `stick` writes files to sticks and finds
//! them.

pub mod columns;
pub mod format;
pub mod identity;
pub mod stick;
