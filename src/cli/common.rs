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

/// Rows as [`print_json`] prints an array of them, byte for byte, written as they come: a
/// command listing every finding never holds them all. An error from `rows` ends the output
/// where it stands (the array unclosed) and is returned.
pub(super) fn print_json_rows<T: Serialize>(rows: impl Iterator<Item = Result<T, CliError>>) -> Result<(), CliError> {
    use serde::ser::{SerializeSeq, Serializer};
    use std::io::Write;
    let failed = |e: &dyn std::fmt::Display| CliError::new(super::exit::REFUSED, e.to_string());
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    {
        // The formatter `to_json` uses: pretty, two spaces.
        let mut json = serde_json::Serializer::pretty(&mut out);
        let mut seq = json.serialize_seq(None).map_err(|e| failed(&e))?;
        for row in rows {
            seq.serialize_element(&row?).map_err(|e| failed(&e))?;
        }
        seq.end().map_err(|e| failed(&e))?;
    }
    writeln!(out).and_then(|()| out.flush()).map_err(|e| failed(&e))
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
