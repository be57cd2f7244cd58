//! What the command line takes from a person, checked as the TUI checks it: names and texts
//! without control characters (the TUI's fields drop them; here they are refused, naming the
//! flag), and names from a pick list resolved as the picker ranks them.

use super::open::{CliError, Setup};
use crate::i18n::Lang;
use crate::text::{self, BadChar};
use crate::vocab::{ChoiceList, Coded, Resolved};

/// At most this many candidates are listed when a name matches several.
const SHOWN_CANDIDATES: usize = 8;

fn bad_char(setup: &Setup, flag: &str, bad: BadChar) -> CliError {
    let args = [("flag", flag), ("code", &bad.code_point()), ("pos", &(bad.index + 1).to_string())];
    CliError::refused(setup.strings().tf("cli.bad_char", &args))
}

/// A name (a person, a unit): no control character at all.
pub fn name(setup: &Setup, flag: &str, value: &str) -> Result<(), CliError> {
    text::check_name(value).map_err(|bad| bad_char(setup, flag, bad))
}

/// A text that may span lines (a note, a measure): newline and tab allowed, nothing else of
/// the kind.
pub fn multiline(setup: &Setup, flag: &str, value: &str) -> Result<(), CliError> {
    text::check_text(value).map_err(|bad| bad_char(setup, flag, bad))
}

/// The entry of `list` that `value` names, by the picker's ranking; several or none is a
/// refusal listing what matched. `what` is the i18n key naming the list.
pub fn pick(
    setup: &Setup,
    list: ChoiceList,
    what: &str,
    flag: &str,
    value: &str,
) -> Result<&'static dyn Coded, CliError> {
    let s = setup.strings();
    name(setup, flag, value)?;
    let what = s.t(what);
    match list.resolve(value) {
        Resolved::One(entry) => Ok(entry),
        Resolved::None => {
            let mut message = s.tf("cli.pick.none", &[("flag", flag), ("value", value.trim()), ("what", what)]);
            if !list.stores_code() {
                message = format!("{message}\n{}", s.t("cli.pick.free_text"));
            }
            Err(CliError::refused(message))
        }
        Resolved::Several(entries) => {
            let separator = match setup.lang {
                Lang::Zh => "、",
                Lang::En => ", ",
            };
            let mut shown: Vec<&str> = entries.iter().take(SHOWN_CANDIDATES).map(|e| e.label(setup.lang)).collect();
            let more = entries.len().saturating_sub(SHOWN_CANDIDATES);
            let more_text = s.tf("cli.pick.more", &[("n", &more.to_string())]);
            if more > 0 {
                shown.push(&more_text);
            }
            let n = entries.len().to_string();
            let args = [
                ("flag", flag),
                ("value", value.trim()),
                ("what", what),
                ("n", &n),
                ("candidates", &shown.join(separator)),
            ];
            let mut message = s.tf("cli.pick.several", &args);
            if !list.stores_code() {
                message = format!("{message}\n{}", s.t("cli.pick.free_text"));
            }
            Err(CliError::refused(message))
        }
    }
}

/// A responsible unit given on the command line, as stored: resolved against the list in force
/// (units.toml or the shipped one) unless `free_text`, which keeps it as typed.
pub fn unit(setup: &Setup, flag: &str, value: &str, free_text: bool) -> Result<String, CliError> {
    if free_text {
        name(setup, flag, value)?;
        return Ok(ChoiceList::Units.to_stored(value));
    }
    let entry = pick(setup, ChoiceList::Units, "cli.pick.units", flag, value)?;
    Ok(entry.zh().to_string())
}
