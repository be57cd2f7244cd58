//! The holiday calendar in force: `assets/holidays.toml` compiled in, or the user's
//! `<config dir>/holidays.toml`, which replaces it whole (so an office can add next year's
//! notice before tiyan ships it). A broken user file never stops the program: it is reported
//! with file:line:column and the shipped calendar is used. The rules are in
//! [`crate::domain::workdays`]; this module reads and locates.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use toml::Spanned;

use crate::domain::deadline::parse_date;
use crate::domain::workdays::{Calendar, CalendarProblem, DayKind, ListedDay};
use crate::i18n::{Lang, Strings};
use crate::problem::line_column as line_col;

const SHIPPED: &str = include_str!("../assets/holidays.toml");

/// A holiday range longer than this is taken for a typo in a year or month.
const MAX_RANGE_DAYS: i64 = 31;

/// The calendar in force. A static rather than a field of the app's context: deadlines are
/// parsed and judged in many places (forms, lists, reports, CLI) that take no context, the
/// calendar is fixed for the whole run (like the compiled-in strings), and it is set once at
/// start-up by [`install`], before any of them runs. Pure code takes a `&Calendar` argument,
/// so tests build their own and never depend on this.
static CALENDAR: RwLock<Option<Arc<Calendar>>> = RwLock::new(None);

/// The calendar installed at start-up, or the shipped one if nothing was installed.
pub fn calendar() -> Arc<Calendar> {
    if let Some(installed) = CALENDAR.read().unwrap_or_else(|e| e.into_inner()).as_ref() {
        return Arc::clone(installed);
    }
    let mut slot = CALENDAR.write().unwrap_or_else(|e| e.into_inner());
    Arc::clone(slot.get_or_insert_with(|| Arc::new(shipped())))
}

/// Chooses the calendar (see [`load`]) and makes it the one [`calendar`] returns; returns the
/// warning to show when the user file was broken. Called once at start-up, before anything
/// reads [`calendar`].
pub fn install(config_dir: &Path, lang: Lang) -> Option<String> {
    let (calendar, warning) = load(config_dir, lang);
    *CALENDAR.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(calendar));
    warning
}

/// Where a user's calendar lives.
pub fn user_file(config_dir: &Path) -> PathBuf {
    config_dir.join("holidays.toml")
}

/// The user file when present and sound, else the shipped calendar with, for a broken file,
/// the warning in `lang`: "path:line:column: what (using the built-in list)".
pub fn load(config_dir: &Path, lang: Lang) -> (Calendar, Option<String>) {
    let path = user_file(config_dir);
    let text = match crate::files::read_optional(&path, crate::files::MAX_CONFIG_BYTES) {
        Ok(Some(text)) => text,
        Ok(None) => return (shipped(), None),
        Err(problem) => return (shipped(), Some(warning(lang, &problem.message(Strings::get(lang))))),
    };
    match parse(&text, lang) {
        Ok(calendar) => (calendar, None),
        Err((offset, message)) => {
            let (line, col) = line_col(&text, offset);
            (shipped(), Some(warning(lang, &format!("{}:{line}:{col}: {message}", path.display()))))
        }
    }
}

fn warning(lang: Lang, error: &str) -> String {
    Strings::get(lang).tf("holidays.problem", &[("error", error)])
}

/// The compiled-in calendar. It is checked by the tests; should it still fail, weekends only.
pub fn shipped() -> Calendar {
    parse(SHIPPED, Lang::En).unwrap_or_else(|_| Calendar::weekends_only())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidaysFile {
    covers_from: Spanned<i32>,
    covers_until: Spanned<i32>,
    #[serde(default)]
    holiday: Vec<Spanned<Entry>>,
    #[serde(default)]
    workday: Vec<Spanned<Entry>>,
}

/// One `[[holiday]]` or `[[workday]]`: a `date`, or a `from`..=`to` range.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    date: Option<Spanned<toml::Value>>,
    from: Option<Spanned<toml::Value>>,
    to: Option<Spanned<toml::Value>>,
    #[serde(default)]
    name: String,
}

/// The calendar a holidays file describes, or the byte offset of the first problem and what it
/// is (in `lang`, except the TOML parser's own messages).
pub fn parse(text: &str, lang: Lang) -> Result<Calendar, (usize, String)> {
    let s = Strings::get(lang);
    let file: HolidaysFile = toml::from_str(text).map_err(|e| (e.span().map_or(0, |r| r.start), e.message().into()))?;
    let (from_year, until_year) = (*file.covers_from.get_ref(), *file.covers_until.get_ref());
    if from_year > until_year {
        let message =
            s.tf("holidays.error.coverage", &[("from", &from_year.to_string()), ("until", &until_year.to_string())]);
        return Err((file.covers_until.span().start, message));
    }
    // Every listed day with where its date was written, in file order, so that a clash is
    // blamed on the entry written last.
    let mut listed = Vec::new();
    for (kind, entries) in [(DayKind::Holiday, &file.holiday), (DayKind::Workday, &file.workday)] {
        for entry in entries {
            let (first, last, span) = dates(entry, s)?;
            for date in first.iter_days().take_while(|d| *d <= last) {
                listed.push((span.start, ListedDay { date, kind, name: entry.get_ref().name.clone() }));
            }
        }
    }
    listed.sort_by_key(|(at, _)| *at);
    let (offsets, days): (Vec<usize>, Vec<ListedDay>) = listed.into_iter().unzip();
    Calendar::new(&days, from_year, until_year).map_err(|e| {
        let date = e.date.to_string();
        let message = match e.problem {
            CalendarProblem::Duplicate => s.tf("holidays.error.duplicate", &[("date", &date)]),
            CalendarProblem::HolidayAndWorkday => s.tf("holidays.error.both", &[("date", &date)]),
            CalendarProblem::WorkdayNotWeekend => s.tf("holidays.error.workday_not_weekend", &[("date", &date)]),
            CalendarProblem::OutsideCoverage => s.tf(
                "holidays.error.outside",
                &[("date", &date), ("from", &from_year.to_string()), ("until", &until_year.to_string())],
            ),
        };
        // A clash names the other entry too: either may be the one to fix.
        let other = days.iter().zip(&offsets).position(|(d, _)| d.date == e.date).filter(|i| *i != e.index);
        let message = match other {
            Some(i) => {
                let line = line_col(text, offsets[i]).0.to_string();
                format!("{message}{}", s.tf("holidays.also_at", &[("line", &line)]))
            }
            None => message,
        };
        (offsets[e.index], message)
    })
}

/// An entry's first and last date, and the span to blame for problems with its days.
fn dates(entry: &Spanned<Entry>, s: &Strings) -> Result<(NaiveDate, NaiveDate, Range<usize>), (usize, String)> {
    let e = entry.get_ref();
    match (&e.date, &e.from, &e.to) {
        (Some(date), None, None) => {
            let d = date_value(date, s)?;
            Ok((d, d, date.span()))
        }
        (None, Some(from), Some(to)) => {
            let (first, last) = (date_value(from, s)?, date_value(to, s)?);
            let length = (last - first).num_days() + 1;
            if !(1..=MAX_RANGE_DAYS).contains(&length) {
                let args = [("from", first.to_string()), ("to", last.to_string()), ("max", MAX_RANGE_DAYS.to_string())];
                let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                return Err((to.span().start, s.tf("holidays.error.range", &args)));
            }
            Ok((first, last, from.span()))
        }
        _ => Err((entry.span().start, s.t("holidays.error.date_or_range").to_string())),
    }
}

/// A TOML date (2026-10-01), or a string in a form [`parse_date`] reads.
fn date_value(value: &Spanned<toml::Value>, s: &Strings) -> Result<NaiveDate, (usize, String)> {
    let date = match value.get_ref() {
        toml::Value::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => {
            dt.date.and_then(|d| NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day)))
        }
        toml::Value::String(text) => parse_date(text),
        _ => None,
    };
    date.filter(|d| d.year() > 0).ok_or_else(|| (value.span().start, s.t("holidays.error.not_a_date").to_string()))
}

/// A typed 整改时限 as a date, counted on `calendar` (the TUI's: its context's; a command's:
/// the one installed at start), or the message that says what is wrong with it.
pub fn parse_deadline(
    text: &str,
    today: NaiveDate,
    calendar: &Calendar,
    strings: &Strings,
) -> Result<NaiveDate, String> {
    crate::domain::deadline::parse_deadline(text, today, calendar).map_err(|e| e.message(strings))
}

/// When a deadline typed as a period ends past the holiday list, the warning that only
/// weekends were skipped after its last year.
pub fn coverage_warning(text: &str, deadline: NaiveDate, calendar: &Calendar, strings: &Strings) -> Option<String> {
    let counted = parse_date(text.trim()).is_none();
    (counted && calendar.beyond_coverage(deadline))
        .then(|| strings.tf("deadline.beyond_coverage", &[("year", &calendar.covers_until_year().to_string())]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_file_parses_and_covers_2025_and_2026() {
        let cal = parse(SHIPPED, Lang::En).unwrap_or_else(|(at, e)| panic!("assets/holidays.toml at byte {at}: {e}"));
        assert_eq!((cal.covers_from_year(), cal.covers_until_year()), (2025, 2026));
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(cal.listed(d(2026, 10, 1)), Some((DayKind::Holiday, "国庆节")));
        assert_eq!(cal.listed(d(2025, 10, 8)), Some((DayKind::Holiday, "国庆节、中秋节")));
        assert_eq!(cal.listed(d(2026, 2, 28)), Some((DayKind::Workday, "春节调休上班")));
    }

    #[test]
    fn a_quoted_date_is_read_and_a_time_is_refused() {
        let ok = "covers_from = 2026\ncovers_until = 2026\n[[holiday]]\ndate = \"2026年10月8日\"\n";
        let cal = parse(ok, Lang::En).unwrap();
        assert!(!cal.is_working_day(NaiveDate::from_ymd_opt(2026, 10, 8).unwrap()));
        let bad = "covers_from = 2026\ncovers_until = 2026\n[[holiday]]\ndate = 2026-10-08T09:00:00\n";
        let (at, message) = parse(bad, Lang::En).unwrap_err();
        assert_eq!((line_col(bad, at), message.contains("date")), ((4, 8), true), "{message}");
    }

    #[test]
    fn a_range_must_run_forward_and_be_short() {
        let text = "covers_from = 2026\ncovers_until = 2026\n[[holiday]]\nfrom = 2026-10-07\nto = 2026-10-01\n";
        let (at, _) = parse(text, Lang::Zh).unwrap_err();
        assert_eq!(line_col(text, at), (5, 6));
        let text = "covers_from = 2026\ncovers_until = 2026\n[[holiday]]\nfrom = 2026-01-01\nto = 2026-10-01\n";
        assert!(parse(text, Lang::Zh).is_err());
        let text = "covers_from = 2026\ncovers_until = 2026\n[[holiday]]\nfrom = 2026-01-01\nname = \"x\"\n";
        let (at, _) = parse(text, Lang::Zh).unwrap_err();
        assert_eq!(line_col(text, at).0, 3, "an entry without date or to is blamed at its header");
    }
}
