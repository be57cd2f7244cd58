//! `tiyan ledger [--json] [--reminders] [filters]`: the 整改台账 counts and the table by unit,
//! or the 督查提醒函 text. JSON field names are
//! a contract (README documents them): add, never rename.

use super::args::{LedgerArgs, LedgerFilterArgs};
use super::common::{Moment, print_json, resolve_session};
use super::input::{finding_filter, parse_date};
use super::open::{CliError, Setup};
use super::out::say;
use crate::domain::ledger::{self, Counts, LedgerFilter, SessionIndex, UnitRow};
use crate::domain::rectify::is_overdue;
use crate::domain::{Finding, Session};
use crate::i18n::Strings;
use crate::present::rows::LedgerRow;
use crate::store::Store;
use crate::text;
use crate::vocab::ChoiceList;

/// A theme by code or name, or by the picker's ranking (医保 is 医保服务); none or several is
/// refused with the codes.
fn theme_code(setup: &Setup, value: &str) -> Result<String, CliError> {
    match super::input::pick(setup, ChoiceList::Themes, "cli.pick.themes", "--theme", value) {
        Ok(entry) => Ok(entry.code().to_string()),
        Err(refusal) => {
            let codes: Vec<&str> = ChoiceList::Themes.entries().into_iter().map(|e| e.code()).collect();
            let all = setup.strings().tf("cli.ledger.unknown_theme", &[("value", value), ("codes", &codes.join(", "))]);
            Err(CliError::refused(format!("{}\n{all}", refusal.message)))
        }
    }
}

/// The ledger filter the flags say (`--session` looked up in `store`).
pub(super) fn ledger_filter(setup: &Setup, store: &Store, args: &LedgerFilterArgs) -> Result<LedgerFilter, CliError> {
    let mut filter = finding_filter(setup, &args.filter)?;
    filter.theme = args.theme.as_deref().map(|t| theme_code(setup, t)).transpose()?;
    filter.from = args.from.as_deref().map(|d| parse_date(setup, "--from", d)).transpose()?;
    filter.to = args.to.as_deref().map(|d| parse_date(setup, "--to", d)).transpose()?;
    if let (Some(from), Some(to)) = (filter.from, filter.to) {
        if from > to {
            let (from, to) = (from.to_string(), to.to_string());
            return Err(CliError::refused(setup.strings().tf("cli.ledger.bad_range", &[("from", &from), ("to", &to)])));
        }
    }
    if let Some(text_id) = &args.session {
        filter.session = Some(resolve_session(setup, store, text_id)?);
    }
    Ok(filter)
}

pub fn run(setup: &Setup, args: &LedgerArgs) -> Result<(), CliError> {
    let store = setup.open_store_read_only()?;
    let filter = ledger_filter(setup, &store, &args.which)?;
    let err = |e| setup.store_error(e);
    let sessions: Vec<Session> = store.sessions().map_err(err)?.into_iter().map(|s| s.session).collect();
    let moment = Moment::current();
    let index = SessionIndex::in_zone(&sessions, moment.zone);
    let today = moment.today;
    if args.reminders {
        // Only the overdue ones that pass the filter are kept: the letter is about them alone.
        let overdue = |findings: Vec<Finding>| -> Vec<Finding> {
            let shown = |f: &Finding| filter.matches(f, index.get(f.session_id).map(|w| w.session), today);
            findings.into_iter().filter(|f| is_overdue(f, today) && shown(f)).collect()
        };
        let mut findings = Vec::new();
        let keep = |kept: Vec<Finding>| -> Result<(), CliError> {
            findings.extend(kept);
            Ok(())
        };
        store.each_session_findings(overdue, keep).map_err(err)??;
        drop(store);
        let mut shown: Vec<usize> = (0..findings.len()).collect();
        ledger::sort_by_deadline(&mut shown, &findings);
        let letter = ledger::reminders(shown.iter().map(|&i| &findings[i]), &index, today, setup.strings());
        super::out::print_lines(&letter);
        return Ok(());
    }
    // The figures come from the store's tally: no finding is read.
    let rows = store.ledger_tally().map_err(err)?;
    drop(store);
    let (counts, units) = ledger::from_tally(&rows, &index, &filter, today);
    if args.json {
        return print_json(&LedgerRow { counts, units });
    }
    print_table(setup.strings(), &counts, &units);
    Ok(())
}

/// The counts line, then the units, one a line, columns aligned by display width (of the
/// names as printed: sanitized).
fn print_table(s: &Strings, c: &Counts, units: &[UnitRow]) {
    let n = |x: usize| x.to_string();
    say!("{}", c.line(s));
    if c.not_a_problem > 0 {
        say!("{}", s.tf("ledger.not_a_problem", &[("n", &n(c.not_a_problem))]));
    }
    say!();
    if units.is_empty() {
        say!("{}", s.t("ledger.no_findings"));
        return;
    }
    let headers =
        ["unit", "found", "rectifying", "overdue", "closed", "total"].map(|k| s.t(&format!("ledger.col.{k}")));
    // The unit column fits the longest name, within reason; the others fit their header.
    let unit_width = units
        .iter()
        .map(|u| text::width(&text::sanitize(u.label(s))))
        .chain([text::width(headers[0])])
        .max()
        .unwrap_or(8);
    let widths: Vec<usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| if i == 0 { unit_width.min(40) } else { text::width(h).max(5) })
        .collect();
    let line = |cells: [&str; 6]| {
        let padded: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| text::pad(c, *w)).collect();
        say!("{}", padded.join("  ").trim_end());
    };
    line(headers);
    for u in units {
        let [a, b, c, d, e] = [u.found, u.rectifying, u.overdue, u.closed, u.total].map(n);
        line([u.label(s), &a, &b, &c, &d, &e]);
    }
}
