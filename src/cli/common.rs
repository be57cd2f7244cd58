//! What the commands share: the moment they measure against, right-aligned columns, `--json`
//! printing, and finding a session by a typed id.

use chrono::NaiveDate;
use serde::Serialize;

use super::open::{CliError, Setup};
use crate::domain::op::{entity_id_string, parse_entity_id};
use crate::domain::{EntityKind, Stamp};
use crate::present::Zone;
use crate::present::rows::to_json;
use crate::store::Lookup;
use crate::text;

/// What a command measures against: the moment it runs (timers still running, in a run of
/// its own so they are measured by the wall clock), the zone it shows times in, and today
/// there (deadlines).
pub(super) struct Moment {
    pub now: Stamp,
    pub zone: Zone,
    pub today: NaiveDate,
}

impl Moment {
    pub fn current() -> Moment {
        let now = crate::clock::now_in_a_new_run();
        let zone = Zone::local();
        Moment { today: zone.date(now.wall_ms), now, zone }
    }
}

/// `s` right-aligned in `w` columns by display width (`{:>w$}` counts characters, so a
/// Chinese header would stand two columns too far right per character).
pub(super) fn right(s: &str, w: usize) -> String {
    let cut = text::truncate(s, w);
    format!("{}{cut}", " ".repeat(w.saturating_sub(text::width(&cut))))
}

/// An array printed as [`print_json`] prints one, byte for byte, written as its rows come: a
/// command listing every finding never holds them all. Rows are made into text anywhere (a
/// reading thread) with [`JsonArray::rows`] and written in order with [`JsonArray::push`]. An
/// error ends the output where it stands (the array unclosed).
pub(super) struct JsonArray {
    out: std::io::BufWriter<std::io::StdoutLock<'static>>,
    empty: bool,
}

impl JsonArray {
    pub fn stdout() -> JsonArray {
        JsonArray { out: std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock()), empty: true }
    }

    /// Rows as they stand inside the array (pretty, two spaces: `to_json`'s formatter), each
    /// on a line of its own one level in, and comma-separated; empty for no rows.
    pub fn rows<T: Serialize>(rows: impl IntoIterator<Item = T>) -> Result<Vec<u8>, CliError> {
        use serde_json::ser::{Formatter, PrettyFormatter};
        // A formatter already inside an array: the rows' own lines come out one level in.
        let mut inside = PrettyFormatter::with_indent(b"  ");
        inside.begin_array(&mut std::io::sink()).map_err(|e| CliError::refused(e.to_string()))?;
        // A session's hundred findings are ~150 KB of JSON.
        let mut text = Vec::with_capacity(1 << 16);
        for (i, row) in rows.into_iter().enumerate() {
            text.extend_from_slice(if i == 0 { b"\n  " } else { b",\n  " });
            let mut json = serde_json::Serializer::with_formatter(&mut text, inside.clone());
            row.serialize(&mut json).map_err(|e| CliError::refused(e.to_string()))?;
        }
        Ok(text)
    }

    pub fn push(&mut self, rows: &[u8]) -> Result<(), CliError> {
        use std::io::Write;
        if rows.is_empty() {
            return Ok(());
        }
        let open: &[u8] = if self.empty { b"[" } else { b"," };
        self.empty = false;
        self.out.write_all(open).and_then(|()| self.out.write_all(rows)).map_err(|e| written(&e))
    }

    pub fn end(mut self) -> Result<(), CliError> {
        use std::io::Write;
        let close: &[u8] = if self.empty { b"[]\n" } else { b"\n]\n" };
        self.out.write_all(close).and_then(|()| self.out.flush()).map_err(|e| written(&e))
    }
}

fn written(e: &std::io::Error) -> CliError {
    CliError::new(super::exit::REFUSED, e.to_string())
}

/// Rows as `--json` has them ([`to_json`]), and a newline.
pub(super) fn print_json<T: Serialize + ?Sized>(rows: &T) -> Result<(), CliError> {
    let out = to_json(rows).map_err(|e| CliError::refused(e.to_string()))?;
    println!("{out}");
    Ok(())
}

/// The session a whole id or a unique prefix names (deleted sessions do not count), or a
/// refusal saying which: none, or several with some of them.
pub(super) fn resolve_session(
    setup: &Setup,
    store: &crate::store::Store,
    text_id: &str,
) -> Result<crate::domain::EntityId, CliError> {
    if let Some(id) = parse_entity_id(text_id) {
        return Ok(id);
    }
    let s = setup.strings();
    match store.lookup_prefix(EntityKind::Session, text_id).map_err(|e| setup.store_error(e))? {
        Lookup::Found(id) => Ok(id),
        Lookup::NotFound => Err(CliError::refused(s.tf("cli.session.not_found", &[("id", text_id)]))),
        Lookup::Ambiguous { candidates, total } => {
            let mut list: Vec<String> = candidates.into_iter().map(entity_id_string).collect();
            if total > list.len() {
                list.push("..".into());
            }
            let args = [("id", text_id), ("total", &total.to_string()), ("candidates", &list.join(", "))];
            Err(CliError::refused(s.tf("cli.session.ambiguous", &args)))
        }
    }
}
