//! The real terminal: entering and restoring it on every exit path, signals, capabilities.

pub mod backend;
pub mod caps;
pub mod guard;
pub mod signals;
