//! What the command line takes from a person, checked as the TUI checks it: names and texts
//! without control characters (the TUI's fields drop them; here they are refused, naming the
//! flag), names from a pick list resolved as the picker ranks them, statuses, dates, and the
//! finding filters `list findings` and `ledger` share.

use chrono::NaiveDate;

use super::args::FindingFilterArgs;
use super::open::{CliError, Setup};
use crate::domain::FindingStatus;
use crate::domain::ledger::{LedgerFilter, UNASSIGNED_KEY};
use crate::i18n::{Lang, Strings};
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

/// A status given as a code or a Chinese name; `what` names where it came from.
pub fn parse_status(setup: &Setup, what: &str, value: &str) -> Result<FindingStatus, CliError> {
    FindingStatus::parse(value).ok_or_else(|| {
        let codes: Vec<&str> = FindingStatus::ALL.iter().map(|s| s.code()).collect();
        let names: Vec<&str> = FindingStatus::ALL.iter().map(|s| s.zh()).collect();
        let message = setup.strings().tf(
            "cli.finding.unknown_status",
            &[("what", &format!("{what} {value}")), ("codes", &codes.join(", ")), ("names", &names.join("、"))],
        );
        CliError::refused(message)
    })
}

/// A date flag's value (its year in 2000-2100), or an error naming the flag.
pub fn parse_date(setup: &Setup, flag: &str, value: &str) -> Result<NaiveDate, CliError> {
    let s = setup.strings();
    let date = crate::domain::deadline::parse_date(value)
        .ok_or_else(|| CliError::refused(s.tf("cli.finding.bad_date", &[("flag", flag), ("value", value)])))?;
    crate::domain::deadline::check_year(date, value).map_err(|e| CliError::refused(format!("{flag} {}", e.message(s))))
}

/// The unit as stored: resolved against the list of units as the picker would (`yb` is
/// 县医保局), or as typed with `--free-text`; the label of the unassigned row, in either
/// language, asks for findings without a unit.
fn stored_unit(setup: &Setup, text: &str, free_text: bool) -> Result<String, CliError> {
    let unassigned = |lang| Strings::get(lang).t(UNASSIGNED_KEY);
    if Lang::ALL.iter().any(|&lang| text.trim() == unassigned(lang)) {
        return Ok(String::new());
    }
    unit(setup, "--unit", text, free_text)
}

/// `--status`, `--unit` and `--overdue` as a filter.
pub fn finding_filter(setup: &Setup, args: &FindingFilterArgs) -> Result<LedgerFilter, CliError> {
    let mut statuses = Vec::new();
    // Commas split already (clap); 、，; as people type them in Chinese split too.
    let values = args.status.iter().flat_map(|v| text::split_list(v));
    for value in values.collect::<Vec<_>>().iter() {
        let status = parse_status(setup, "--status", value)?;
        if !statuses.contains(&status) {
            statuses.push(status);
        }
    }
    Ok(LedgerFilter {
        statuses,
        unit: args.unit.as_deref().map(|u| stored_unit(setup, u, args.free_text)).transpose()?,
        overdue: args.overdue,
        ..Default::default()
    })
}
