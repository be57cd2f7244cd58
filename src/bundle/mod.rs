//! Sync bundles: the file an inspector carries to the supervision office on a USB stick, and
//! the office's verdicts carried back. `format` reads and writes the file itself.

pub mod format;
