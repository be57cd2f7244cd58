//! 整改时限 as people type it: a date, or a count of working or calendar days from today.
//!
//! Dates: 2026-05-01, 2026/5/1, 2026.5.1, 20260501, 2026年5月1日.
//! Working days: 5个工作日, 5工作日, 5 working days, 5wd, +5, 五个工作日 (a trailing 内 or
//! 以内, as in 5个工作日内, is allowed). Calendar days: 10天, +10d, 10 days, 10个自然日.
//! Full-width digits and signs (５, ＋) from a Chinese IME are read as ASCII. A bare number is
//! refused rather than guessed: 5 could mean either kind of day.

use std::fmt;

use chrono::{Datelike, Days, NaiveDate};

use super::workdays::Calendar;
use crate::i18n::{Lang, Strings};

/// Counts above this are taken for typos (a year is about 250 working days).
pub const MAX_DAYS: u32 = 999;

/// The years a deadline or a date given to filter by may fall in: anything else is a typo
/// (20226-01-01, 1026-01-01) that would sort and count wrongly for good.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// `date` when its year is in [`YEARS`]; `shown` is the text it was read from, for the message.
pub fn check_year(date: NaiveDate, shown: &str) -> Result<NaiveDate, DeadlineError> {
    if YEARS.contains(&date.year()) { Ok(date) } else { Err(DeadlineError::OutOfRange(shown.trim().to_string())) }
}

/// Accepts 2024-05-01, 2024/5/1, 2024.5.1, 20240501 and 2024年5月1日.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(t, "%Y%m%d").ok();
    }
    let norm: String = t.chars().map(|c| if matches!(c, '/' | '.' | '年' | '月') { '-' } else { c }).collect();
    NaiveDate::parse_from_str(norm.trim_end_matches('日'), "%Y-%m-%d").ok()
}

/// Why a typed deadline was not understood. Shown through i18n: see [`DeadlineError::message`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeadlineError {
    Empty,
    /// Shaped like a date, but no such day (2026-02-30, 2026-13-01).
    NoSuchDate(String),
    /// Month and day without a year (5月1日, 5/1): which year is a guess we do not make.
    MissingYear(String),
    /// A number alone: working days or calendar days?
    BareNumber(u32),
    /// More than [`MAX_DAYS`] days.
    TooMany(u32),
    /// A date outside [`YEARS`].
    OutOfRange(String),
    Unrecognised(String),
}

impl DeadlineError {
    /// The i18n key of the message.
    pub fn key(&self) -> &'static str {
        match self {
            DeadlineError::Empty => "deadline.error.empty",
            DeadlineError::NoSuchDate(_) => "deadline.error.no_such_date",
            DeadlineError::MissingYear(_) => "deadline.error.missing_year",
            DeadlineError::BareNumber(_) => "deadline.error.bare_number",
            DeadlineError::TooMany(_) => "deadline.error.too_many",
            DeadlineError::OutOfRange(_) => "deadline.error.out_of_range",
            DeadlineError::Unrecognised(_) => "deadline.error.unrecognised",
        }
    }

    /// The message's placeholders and their values.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            DeadlineError::Empty => vec![],
            DeadlineError::NoSuchDate(t) | DeadlineError::MissingYear(t) | DeadlineError::Unrecognised(t) => {
                vec![("text", t.clone())]
            }
            DeadlineError::BareNumber(n) => vec![("n", n.to_string())],
            DeadlineError::TooMany(n) => vec![("n", n.to_string()), ("max", MAX_DAYS.to_string())],
            DeadlineError::OutOfRange(t) => {
                vec![("text", t.clone()), ("from", YEARS.start().to_string()), ("until", YEARS.end().to_string())]
            }
        }
    }

    pub fn message(&self, strings: &Strings) -> String {
        let args = self.args();
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        strings.tf(self.key(), &args)
    }
}

impl fmt::Display for DeadlineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Strings::get(Lang::En)))
    }
}

impl std::error::Error for DeadlineError {}

/// The deadline `text` names, counting from `today` (which is not counted; see
/// [`Calendar::add_working_days`]).
pub fn parse_deadline(text: &str, today: NaiveDate, calendar: &Calendar) -> Result<NaiveDate, DeadlineError> {
    let shown = text.trim();
    if shown.is_empty() {
        return Err(DeadlineError::Empty);
    }
    let t = normalize(shown);
    if let Some(date) = parse_date(&t) {
        return check_year(date, shown);
    }
    if looks_like_full_date(&t) {
        return Err(DeadlineError::NoSuchDate(shown.to_string()));
    }
    if looks_like_month_day(&t) {
        return Err(DeadlineError::MissingYear(shown.to_string()));
    }
    let (plus, rest) = match t.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, t.as_str()),
    };
    let (number, unit) = split_number(rest).ok_or_else(|| DeadlineError::Unrecognised(shown.to_string()))?;
    let unit = unit.strip_suffix("以内").or_else(|| unit.strip_suffix('内')).unwrap_or(unit);
    let kind = match unit {
        "" if plus => Unit::Working,
        "" => return Err(DeadlineError::BareNumber(number)),
        "个工作日" | "工作日" | "workingdays" | "workingday" | "wd" => Unit::Working,
        "天" | "d" | "days" | "day" | "个自然日" | "自然日" => Unit::Calendar,
        _ => return Err(DeadlineError::Unrecognised(shown.to_string())),
    };
    if number > MAX_DAYS {
        return Err(DeadlineError::TooMany(number));
    }
    let date = match kind {
        Unit::Working => calendar.add_working_days(today, number),
        // MAX_DAYS keeps this far from chrono's limits.
        Unit::Calendar => today.checked_add_days(Days::new(number.into())).unwrap_or(NaiveDate::MAX),
    };
    check_year(date, shown)
}

enum Unit {
    Working,
    Calendar,
}

/// Full-width ASCII to ASCII, lower case, no spaces: "５ Working Days" becomes "5workingdays".
fn normalize(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Year, month and day in digits with separators, or eight digits: a date, valid or not.
fn looks_like_full_date(t: &str) -> bool {
    let parts = date_parts(t);
    (parts.len() == 3 && parts[0].len() == 4) || (t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()))
}

/// Month and day only: 5月1日, 5/1, 5-1.
fn looks_like_month_day(t: &str) -> bool {
    let parts = date_parts(t);
    parts.len() == 2 && parts.iter().all(|p| p.len() <= 2)
}

/// The digit groups of `t` when it is digits separated by - / . 年 月 (and ends in 日 at most
/// once); empty otherwise.
fn date_parts(t: &str) -> Vec<&str> {
    let t = t.strip_suffix('日').unwrap_or(t);
    let parts: Vec<&str> = t.split(['-', '/', '.', '年', '月']).collect();
    if parts.len() >= 2 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) {
        parts
    } else {
        Vec::new()
    }
}

/// A leading number in digits or Chinese numerals (五, 十五, 两), and the rest.
fn split_number(t: &str) -> Option<(u32, &str)> {
    let end =
        t.find(|c: char| !c.is_ascii_digit() && !CN_DIGITS.contains(c) && !"两十百".contains(c)).unwrap_or(t.len());
    let (number, rest) = t.split_at(end);
    if number.is_empty() {
        return None;
    }
    let value = if number.bytes().all(|b| b.is_ascii_digit()) {
        // Too long for u32 is certainly too many days.
        number.parse().unwrap_or(u32::MAX)
    } else {
        chinese_number(number)?
    };
    Some((value, rest))
}

/// Each digit at the position of its value.
const CN_DIGITS: &str = "零一二三四五六七八九";

/// 五 = 5, 十 = 10, 十五 = 15, 二十 = 20, 一百零五 = 105; None for what is not a number.
fn chinese_number(text: &str) -> Option<u32> {
    let mut total = 0;
    let mut digit: Option<u32> = None;
    for c in text.chars() {
        match c {
            '零' => {}
            '十' => total += digit.take().unwrap_or(1) * 10,
            '百' => total += digit.take()? * 100,
            _ => {
                if digit.is_some() {
                    return None;
                }
                let value = match c {
                    '两' => 2,
                    _ => CN_DIGITS.chars().position(|d| d == c)? as u32,
                };
                digit = Some(value);
            }
        }
    }
    Some(total + digit.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_forms_people_type() {
        let d = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
        for t in ["2026-05-01", "2026/5/1", "2026.5.1", "20260501", "2026年5月1日", " 2026-5-1 "] {
            assert_eq!(parse_date(t), Some(d), "{t}");
        }
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_date("明天"), None);
    }

    #[test]
    fn dates_outside_2000_to_2100_are_refused() {
        let today = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
        let calendar = Calendar::weekends_only();
        let parse = |t: &str| parse_deadline(t, today, &calendar);
        assert_eq!(parse("1999-12-31"), Err(DeadlineError::OutOfRange("1999-12-31".into())));
        assert_eq!(parse("2101年1月1日"), Err(DeadlineError::OutOfRange("2101年1月1日".into())));
        assert_eq!(parse("2000-01-01"), Ok(NaiveDate::from_ymd_opt(2000, 1, 1).unwrap()), "the past is allowed");
        assert_eq!(parse("2100-12-31").map(|d| d.year()), Ok(2100));
        let late = NaiveDate::from_ymd_opt(2100, 12, 1).unwrap();
        assert!(matches!(parse_deadline("999天", late, &calendar), Err(DeadlineError::OutOfRange(_))));
        let message = DeadlineError::OutOfRange("1999-01-01".into()).to_string();
        assert!(message.contains("1999-01-01") && message.contains("2000") && message.contains("2100"), "{message}");
    }

    #[test]
    fn chinese_numerals() {
        for (text, n) in [("五", 5), ("十", 10), ("十五", 15), ("二十", 20), ("两", 2), ("一百零五", 105), ("三十", 30)]
        {
            assert_eq!(chinese_number(text), Some(n), "{text}");
        }
        assert_eq!(chinese_number("二三"), None);
        assert_eq!(chinese_number("百"), None);
    }

    #[test]
    fn date_shapes() {
        assert!(looks_like_full_date("2026-02-30"));
        assert!(looks_like_full_date("20260230"));
        assert!(looks_like_month_day("5月1日"));
        assert!(looks_like_month_day("5/1"));
        assert!(!looks_like_month_day("5wd"));
        assert!(!looks_like_full_date("+5"));
    }
}
