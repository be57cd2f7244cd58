//! How records are said to a person or a script, in one place, so the screens, the command
//! line and reports say the same thing the same way.
//!
//! What belongs here:
//! - [`labels`]: the words for statuses, ticket states, answers, severities, durations
//!   ("12:04"), shares ("63%"), average scores and dues ("逾期 3 天", "今天到期"), in the
//!   user's language.
//! - [`time`]: instants as dates and clock times in the user's zone ([`Zone`]), and dates as
//!   text; RFC 3339 for scripts.
//! - [`rows`]: the flat row projections of sessions, findings, checks, tickets, wait figures
//!   and the ledger that `--json` prints (their field names are a contract, README: add
//!   fields, never rename), and the one way they are written as JSON.
//!
//! What does not: drawing (styles, widths, layout: `ui`), argument parsing and printing
//! (`cli`), reading the store, and the rules themselves (`domain`). This module takes
//! records, the language's strings, "now" and the zone as arguments and returns text or
//! rows; it imports domain, i18n, text and vocab, never app, ui, cli or store.

pub mod labels;
pub mod rows;
pub mod time;

pub use crate::domain::zone::Zone;
