//! 整改时限 in working days: arithmetic across weekends and the listed holidays, typed
//! deadlines, and the editable holidays.toml. Every expected date below was checked against a
//! calendar printout (python's `calendar` module) and the State Council notices.

use chrono::NaiveDate;
use proptest::prelude::*;
use tiyan::domain::deadline::{DeadlineError, MAX_DAYS, parse_deadline};
use tiyan::domain::workdays::{Calendar, DayKind};
use tiyan::holidays;
use tiyan::i18n::{Lang, Strings};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn cal() -> Calendar {
    holidays::shipped()
}

#[test]
fn across_a_plain_weekend() {
    let cal = cal();
    // Wed 2026-11-18: Thu, Fri, then Mon 23.
    assert_eq!(cal.add_working_days(d(2026, 11, 18), 3), d(2026, 11, 23));
    assert!(!cal.is_working_day(d(2026, 11, 21)) && !cal.is_working_day(d(2026, 11, 22)));
}

#[test]
fn starting_on_a_friday() {
    let cal = cal();
    assert_eq!(cal.add_working_days(d(2026, 11, 20), 1), d(2026, 11, 23));
    assert_eq!(cal.add_working_days(d(2026, 11, 20), 5), d(2026, 11, 27));
}

#[test]
fn starting_on_a_weekend_counts_from_the_next_working_day() {
    let cal = cal();
    assert_eq!(cal.add_working_days(d(2026, 11, 21), 1), d(2026, 11, 23), "Saturday");
    assert_eq!(cal.add_working_days(d(2026, 11, 21), 5), d(2026, 11, 27), "Saturday");
    assert_eq!(cal.add_working_days(d(2026, 11, 22), 1), d(2026, 11, 23), "Sunday");
}

#[test]
fn across_national_day_2026() {
    let cal = cal();
    // Oct 1-7 off; Thu Oct 8 and Fri Oct 9 work; Sat Oct 10 is 调休上班.
    assert_eq!(cal.add_working_days(d(2026, 9, 30), 1), d(2026, 10, 8));
    assert_eq!(cal.add_working_days(d(2026, 9, 30), 2), d(2026, 10, 9));
    assert_eq!(cal.add_working_days(d(2026, 9, 30), 3), d(2026, 10, 10));
    assert_eq!(cal.add_working_days(d(2026, 10, 1), 1), d(2026, 10, 8), "starting on the holiday");
    assert!(cal.is_working_day(d(2026, 10, 10)));
    assert!(!cal.is_working_day(d(2026, 10, 11)));
    // Mid-Autumn Sep 25 (Fri) to 27 (Sun): from Thu 24 the next working day is Mon 28.
    assert_eq!(cal.add_working_days(d(2026, 9, 24), 1), d(2026, 9, 28));
}

#[test]
fn sunday_20_september_2026_is_a_working_day() {
    let cal = cal();
    assert!(cal.is_working_day(d(2026, 9, 20)));
    assert_eq!(cal.listed(d(2026, 9, 20)), Some((DayKind::Workday, "国庆节调休上班")));
    assert_eq!(cal.add_working_days(d(2026, 9, 18), 1), d(2026, 9, 20));
}

#[test]
fn across_spring_festival_2026_with_its_saturday_make_up_days() {
    let cal = cal();
    // Sat Feb 14 works; Feb 15-23 off; Sat Feb 28 works.
    assert_eq!(cal.add_working_days(d(2026, 2, 13), 1), d(2026, 2, 14));
    assert_eq!(cal.add_working_days(d(2026, 2, 13), 2), d(2026, 2, 24));
    assert_eq!(cal.add_working_days(d(2026, 2, 12), 5), d(2026, 2, 26));
    assert_eq!(cal.add_working_days(d(2026, 2, 27), 1), d(2026, 2, 28));
    assert_eq!(cal.working_days_between(d(2026, 2, 13), d(2026, 3, 2)), 7);
}

#[test]
fn the_2025_notice_is_listed_too() {
    let cal = cal();
    assert_eq!(cal.add_working_days(d(2025, 9, 30), 1), d(2025, 10, 9), "Oct 1-8 off in 2025");
    assert_eq!(cal.add_working_days(d(2025, 12, 31), 1), d(2026, 1, 4), "Sun Jan 4 2026 is 调休上班");
}

#[test]
fn each_covered_year_has_248_working_days() {
    // By hand: 261 weekdays, minus the weekday holidays (18 in 2025, 19 in 2026), plus the
    // 调休上班 days (5 in 2025, 6 in 2026).
    let cal = cal();
    assert_eq!(cal.working_days_between(d(2024, 12, 31), d(2025, 12, 31)), 248);
    assert_eq!(cal.working_days_between(d(2025, 12, 31), d(2026, 12, 31)), 248);
}

#[test]
fn after_the_last_listed_year_only_weekends_are_skipped() {
    let cal = cal();
    assert_eq!(cal.covers_until_year(), 2026);
    let end = cal.add_working_days(d(2026, 12, 1), 30);
    // Dec 2026 gives 22 working days, then Jan 1 2027 (a Friday, no holiday listed) onwards.
    assert_eq!(end, d(2027, 1, 12));
    assert!(cal.is_working_day(d(2027, 1, 1)));
    assert!(cal.beyond_coverage(end));
    assert!(!cal.beyond_coverage(d(2026, 12, 31)));
    let warning = Strings::get(Lang::En).tf("deadline.beyond_coverage", &[("year", "2026")]);
    assert_eq!(warning, "holidays after 2026 are not listed; only weekends are skipped");
}

#[test]
fn zero_working_days_is_the_start_itself() {
    let cal = cal();
    assert_eq!(cal.add_working_days(d(2026, 10, 1), 0), d(2026, 10, 1), "even on a holiday");
    assert_eq!(cal.add_working_days(d(2026, 11, 23), 0), d(2026, 11, 23));
    assert_eq!(cal.working_days_between(d(2026, 10, 1), d(2026, 10, 1)), 0);
}

#[test]
fn working_days_between_counts_days_overdue() {
    let cal = cal();
    // Deadline Wed Sep 30; today Mon Oct 12: Oct 8, 9, 10 and 12 have passed.
    assert_eq!(cal.working_days_between(d(2026, 9, 30), d(2026, 10, 12)), 4);
    assert_eq!(cal.working_days_between(d(2026, 10, 12), d(2026, 9, 30)), -4);
    // The deadline day itself does not count: due Thu Oct 8, on Sun Oct 11 Fri 9 and Sat 10 passed.
    assert_eq!(cal.working_days_between(d(2026, 10, 8), d(2026, 10, 11)), 2);
}

proptest! {
    #[test]
    fn working_days_between_inverts_add_working_days(start in 0i64..2000, n in 0u32..400) {
        let cal = cal();
        // 2024-01-01 to mid-2029: before, inside and after the listed years.
        let start = d(2024, 1, 1) + chrono::Days::new(start as u64);
        let end = cal.add_working_days(start, n);
        prop_assert_eq!(cal.working_days_between(start, end), i64::from(n));
        prop_assert_eq!(cal.working_days_between(end, start), -i64::from(n));
        if n > 0 {
            prop_assert!(cal.is_working_day(end));
        }
    }
}

/// Sunday 22 November 2026.
fn today() -> NaiveDate {
    d(2026, 11, 22)
}

#[test]
fn every_accepted_deadline_form() {
    let cal = cal();
    let dates = [
        "2026-05-01",
        "2026/5/1",
        "2026.5.1",
        "20260501",
        "2026年5月1日",
        " 2026 年 5 月 1 日 ",
        "２０２６－０５－０１",
    ];
    for text in dates {
        assert_eq!(parse_deadline(text, today(), &cal), Ok(d(2026, 5, 1)), "{text}");
    }
    let five_working_days = [
        "5个工作日",
        "5工作日",
        "5 working days",
        "5 Working Days",
        "1 working day",
        "5wd",
        "+5",
        "+5wd",
        "５个工作日",
        "＋５",
        "五个工作日",
        "5个工作日内",
        "5 个工作日以内",
    ];
    for text in five_working_days {
        let expected = if text.starts_with('1') { d(2026, 11, 23) } else { d(2026, 11, 27) };
        assert_eq!(parse_deadline(text, today(), &cal), Ok(expected), "{text}");
    }
    assert_eq!(parse_deadline("十五个工作日", today(), &cal), Ok(d(2026, 12, 11)));
    for text in ["10天", "+10d", "10d", "10 days", "十天", "10个自然日", "10天内"] {
        assert_eq!(parse_deadline(text, today(), &cal), Ok(d(2026, 12, 2)), "{text}");
    }
    assert_eq!(parse_deadline("0个工作日", today(), &cal), Ok(today()));
    // Counting skips the listed holidays.
    assert_eq!(parse_deadline("3个工作日", d(2026, 9, 30), &cal), Ok(d(2026, 10, 10)));
}

#[test]
fn rejected_deadlines_say_what_was_wrong() {
    let cal = cal();
    let cases = [
        ("", DeadlineError::Empty),
        ("   ", DeadlineError::Empty),
        ("2026-02-30", DeadlineError::NoSuchDate("2026-02-30".into())),
        ("20261301", DeadlineError::NoSuchDate("20261301".into())),
        ("2026年13月1日", DeadlineError::NoSuchDate("2026年13月1日".into())),
        ("5月1日", DeadlineError::MissingYear("5月1日".into())),
        ("5/1", DeadlineError::MissingYear("5/1".into())),
        ("5", DeadlineError::BareNumber(5)),
        ("1000个工作日", DeadlineError::TooMany(1000)),
        ("+99999999999d", DeadlineError::TooMany(u32::MAX)),
        ("下周五", DeadlineError::Unrecognised("下周五".into())),
        ("-5", DeadlineError::Unrecognised("-5".into())),
        ("5周", DeadlineError::Unrecognised("5周".into())),
        ("wd", DeadlineError::Unrecognised("wd".into())),
    ];
    for (text, error) in cases {
        assert_eq!(parse_deadline(text, today(), &cal), Err(error), "{text:?}");
    }
    assert!(parse_deadline(&format!("{MAX_DAYS}d"), today(), &cal).is_ok());
}

#[test]
fn deadline_errors_read_in_both_languages() {
    let zh = DeadlineError::BareNumber(5).message(Strings::get(Lang::Zh));
    let en = DeadlineError::BareNumber(5).message(Strings::get(Lang::En));
    assert_eq!(zh, "5：是工作日还是自然日？请写 5个工作日 或 5天");
    assert_eq!(en, "5: working days or calendar days? Write 5wd or 5d");
    assert_eq!(DeadlineError::TooMany(1000).to_string(), "a period of 1000 is too long: at most 999");
    let all = [
        DeadlineError::Empty,
        DeadlineError::NoSuchDate("x".into()),
        DeadlineError::MissingYear("x".into()),
        DeadlineError::BareNumber(1),
        DeadlineError::TooMany(1),
        DeadlineError::Unrecognised("x".into()),
    ];
    for error in all {
        for lang in Lang::ALL {
            let text = error.message(Strings::get(lang));
            assert!(!text.contains('{') && !text.starts_with("deadline."), "{lang:?} {error:?}: {text}");
        }
    }
}

// ---- the user's holidays.toml ----

const SHIPPED: &str = include_str!("../assets/holidays.toml");

fn user_file(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(holidays::user_file(dir.path()), text).unwrap();
    dir
}

/// The shipped file with one line inserted after `covers_until`, so the position of the
/// problem is known: line `HEAD + 1` of the result.
fn shipped_with(inserted: &str) -> (String, usize) {
    let at = SHIPPED.find("covers_until = 2026\n").unwrap() + "covers_until = 2026\n".len();
    let line = SHIPPED[..at].matches('\n').count() + 1;
    (format!("{}{inserted}{}", &SHIPPED[..at], &SHIPPED[at..]), line)
}

#[test]
fn no_user_file_means_the_shipped_calendar() {
    let dir = tempfile::tempdir().unwrap();
    let (calendar, warning) = holidays::load(dir.path(), Lang::Zh);
    assert_eq!((calendar, warning), (holidays::shipped(), None));
}

#[test]
fn a_broken_user_file_is_located_and_the_shipped_calendar_used() {
    // A TOML syntax error: a date without a value.
    let (text, line) = shipped_with("\n[[holiday]]\ndate = \n");
    let dir = user_file(&text);
    let (calendar, warning) = holidays::load(dir.path(), Lang::En);
    assert_eq!(calendar, holidays::shipped());
    let warning = warning.expect("a warning");
    let place = format!("holidays.toml:{}:8", line + 2);
    assert!(warning.contains(&place), "{warning} should name {place}");
    assert!(warning.ends_with("(using the built-in holiday list)"), "{warning}");

    // Sound TOML, wrong calendar: Thursday 2026-10-08 as a make-up working day.
    let (text, line) = shipped_with("\n[[workday]]\ndate = 2026-10-08\n");
    let dir = user_file(&text);
    let (calendar, warning) = holidays::load(dir.path(), Lang::Zh);
    assert_eq!(calendar, holidays::shipped());
    let warning = warning.unwrap();
    assert!(warning.contains(&format!("holidays.toml:{}:8: 2026-10-08 不是周六或周日", line + 2)), "{warning}");
    assert!(warning.ends_with("（已改用内置节假日表）"), "{warning}");
}

#[test]
fn duplicates_and_a_day_both_off_and_worked_are_refused_naming_both_entries() {
    // Each inserted entry clashes with a shipped one written further down: the later one is
    // blamed, and the message names the line of the other.
    let cases = [
        ("\n[[holiday]]\ndate = 2026-10-03\n", "2026-10-03 is listed twice"),
        ("\n[[holiday]]\ndate = 2026-10-10\n", "2026-10-10 is listed both as a holiday and as a workday"),
        ("\n[[holiday]]\nfrom = 2025-09-27\nto = 2025-09-28\n", "2025-09-28 is listed both as a holiday"),
    ];
    for (inserted, expected) in cases {
        let (text, line) = shipped_with(inserted);
        let dir = user_file(&text);
        let (calendar, warning) = holidays::load(dir.path(), Lang::En);
        assert_eq!(calendar, holidays::shipped());
        let warning = warning.unwrap_or_default();
        let also = format!("(see also line {})", line + 2);
        assert!(warning.contains(expected) && warning.contains(&also), "{warning} should say {also}");
    }
}

#[test]
fn a_user_file_that_adds_2027_is_used() {
    // Made-up 2027 entries: only the shape matters here, not the real notice.
    let text = SHIPPED.replace("covers_until = 2026", "covers_until = 2027")
        + "\n[[holiday]]\ndate = 2027-01-01\nname = \"元旦\"\n\n[[workday]]\ndate = 2027-01-09\nname = \"测试调休\"\n";
    let dir = user_file(&text);
    let (calendar, warning) = holidays::load(dir.path(), Lang::Zh);
    assert_eq!(warning, None);
    assert_eq!(calendar.covers_until_year(), 2027);
    assert!(!calendar.beyond_coverage(d(2027, 6, 1)));
    assert!(!calendar.is_working_day(d(2027, 1, 1)));
    // Thu Dec 31 2026: Fri Jan 1 off, then the weekend: Mon Jan 4.
    assert_eq!(calendar.add_working_days(d(2026, 12, 31), 1), d(2027, 1, 4));
    assert!(calendar.is_working_day(d(2027, 1, 9)), "a Saturday listed as a workday");
    // The 2026 entries still count, being part of the copy.
    assert_eq!(calendar.add_working_days(d(2026, 9, 30), 1), d(2026, 10, 8));
}

#[test]
fn a_2027_entry_without_raising_covers_until_is_refused() {
    let text = format!("{SHIPPED}\n[[holiday]]\ndate = 2027-01-01\n");
    let line = text.lines().count();
    let dir = user_file(&text);
    let (calendar, warning) = holidays::load(dir.path(), Lang::En);
    assert_eq!(calendar, holidays::shipped());
    let warning = warning.unwrap();
    assert!(warning.contains(&format!("holidays.toml:{line}:8: 2027-01-01 is outside")), "{warning}");
}

#[test]
fn install_makes_the_user_calendar_the_one_in_force() {
    // The only test in this binary that touches the process-wide calendar.
    let text = SHIPPED.replace("covers_until = 2026", "covers_until = 2027");
    let dir = user_file(&text);
    assert_eq!(holidays::install(dir.path(), Lang::Zh), None);
    assert_eq!(holidays::calendar().covers_until_year(), 2027);
}
