//! Working days (工作日) in mainland China, for 整改时限 given as "N 个工作日".
//!
//! Monday to Friday are working days unless listed as a holiday; Saturday and Sunday are not,
//! unless listed as a working day (调休上班: China moves weekend days to lengthen holidays, so a
//! calendar needs both lists). The lists come from the State Council's yearly notice and end at
//! a known year: after it only weekends are skipped, and [`Calendar::beyond_coverage`] lets the
//! UI say so. Loading the lists from a file is `crate::holidays`; this module does no I/O.
//!
//! Counting follows the rule for periods in the Civil Code (民法典 第二百零一条): the day the
//! period starts is not counted, counting begins the next day. So "N working days after S" is
//! the N-th working day strictly after S, whatever S is: from a Saturday or a holiday, one
//! working day is the first working day after it.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};

/// Whether a listed day is a day off or a weekend day worked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayKind {
    /// 放假: a day off, usually a weekday.
    Holiday,
    /// 调休上班: a Saturday or Sunday that is a working day.
    Workday,
}

/// One listed day, as given to [`Calendar::new`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    /// What the notice calls it (国庆节, 春节调休上班 …).
    pub name: String,
}

/// Why a list of days is not a calendar. `index` is the offending entry of the list given to
/// [`Calendar::new`], so a loader can point at the line it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarError {
    pub index: usize,
    pub date: NaiveDate,
    pub problem: CalendarProblem,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CalendarProblem {
    /// The same date appears twice with the same kind.
    Duplicate,
    /// The date is listed both as a holiday and as a working day.
    HolidayAndWorkday,
    /// A working day that is not a weekend day: weekdays work anyway, so this is a typo.
    WorkdayNotWeekend,
    /// The date lies outside the years the list claims to cover.
    OutsideCoverage,
}

/// Holidays and adjusted working days, complete for `covers_from_year..=covers_until_year`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Calendar {
    holidays: BTreeMap<NaiveDate, String>,
    workdays: BTreeMap<NaiveDate, String>,
    covers_from_year: i32,
    covers_until_year: i32,
}

impl Calendar {
    /// A calendar from listed days, checked: no duplicates, no date both a holiday and a
    /// working day, working days only on weekends, every date within the covered years.
    pub fn new(days: &[ListedDay], covers_from_year: i32, covers_until_year: i32) -> Result<Calendar, CalendarError> {
        let mut cal =
            Calendar { holidays: BTreeMap::new(), workdays: BTreeMap::new(), covers_from_year, covers_until_year };
        for (index, day) in days.iter().enumerate() {
            let fail = |problem| Err(CalendarError { index, date: day.date, problem });
            if !(covers_from_year..=covers_until_year).contains(&day.date.year()) {
                return fail(CalendarProblem::OutsideCoverage);
            }
            let (own, other) = match day.kind {
                DayKind::Holiday => (&mut cal.holidays, &cal.workdays),
                DayKind::Workday => (&mut cal.workdays, &cal.holidays),
            };
            if other.contains_key(&day.date) {
                return fail(CalendarProblem::HolidayAndWorkday);
            }
            if day.kind == DayKind::Workday && !is_weekend(day.date) {
                return fail(CalendarProblem::WorkdayNotWeekend);
            }
            if own.insert(day.date, day.name.clone()).is_some() {
                return fail(CalendarProblem::Duplicate);
            }
        }
        Ok(cal)
    }

    /// Weekends only, nothing listed, covering no year (for tests and as a last resort).
    pub fn weekends_only() -> Calendar {
        Calendar { holidays: BTreeMap::new(), workdays: BTreeMap::new(), covers_from_year: 1, covers_until_year: 0 }
    }

    pub fn covers_from_year(&self) -> i32 {
        self.covers_from_year
    }

    /// The last year whose holidays are listed.
    pub fn covers_until_year(&self) -> i32 {
        self.covers_until_year
    }

    /// True after the last listed year: there only weekends are skipped, and the UI should warn
    /// "holidays after {covers_until_year} are not listed".
    pub fn beyond_coverage(&self, date: NaiveDate) -> bool {
        date.year() > self.covers_until_year
    }

    /// The listed kind and name of `date` (国庆节 …), if it is listed.
    pub fn listed(&self, date: NaiveDate) -> Option<(DayKind, &str)> {
        self.holidays
            .get(&date)
            .map(|n| (DayKind::Holiday, n.as_str()))
            .or_else(|| self.workdays.get(&date).map(|n| (DayKind::Workday, n.as_str())))
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.listed(date) {
            Some((DayKind::Holiday, _)) => false,
            Some((DayKind::Workday, _)) => true,
            None => !is_weekend(date),
        }
    }

    /// The N-th working day strictly after `start` (see the module docs); `n = 0` is `start`
    /// itself, working day or not. Saturates at the last date chrono knows.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut day = start;
        let mut left = n;
        while left > 0 {
            let Some(next) = day.succ_opt() else { return day };
            day = next;
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// How many working days lie in `(a, b]`: after `a`, up to and including `b`; negative when
    /// `b` is before `a`. So `working_days_between(s, add_working_days(s, n)) == n`, and for a
    /// deadline `d` and today `t`, the result is how many working days `t` is past `d`.
    pub fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> i64 {
        if b < a {
            return -self.working_days_between(b, a);
        }
        a.iter_days().skip(1).take_while(|d| *d <= b).filter(|d| self.is_working_day(*d)).count() as i64
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn listed(date: NaiveDate, kind: DayKind) -> ListedDay {
        ListedDay { date, kind, name: "x".into() }
    }

    #[test]
    fn weekends_only_skips_saturday_and_sunday() {
        let cal = Calendar::weekends_only();
        // 2026-11-20 is a Friday (checked with python's calendar module).
        assert_eq!(cal.add_working_days(d(2026, 11, 20), 1), d(2026, 11, 23));
        assert_eq!(cal.working_days_between(d(2026, 11, 20), d(2026, 11, 23)), 1);
        assert_eq!(cal.working_days_between(d(2026, 11, 23), d(2026, 11, 20)), -1);
        assert!(cal.beyond_coverage(d(2026, 1, 1)));
    }

    #[test]
    fn each_bad_list_is_refused_at_the_offending_entry() {
        let sat = d(2026, 10, 10);
        let thu = d(2026, 10, 8);
        let cases = [
            (vec![listed(thu, DayKind::Holiday), listed(thu, DayKind::Holiday)], CalendarProblem::Duplicate),
            (vec![listed(sat, DayKind::Holiday), listed(sat, DayKind::Workday)], CalendarProblem::HolidayAndWorkday),
            (vec![listed(sat, DayKind::Workday), listed(sat, DayKind::Holiday)], CalendarProblem::HolidayAndWorkday),
            (vec![listed(sat, DayKind::Workday), listed(thu, DayKind::Workday)], CalendarProblem::WorkdayNotWeekend),
            (
                vec![listed(sat, DayKind::Workday), listed(d(2027, 1, 1), DayKind::Holiday)],
                CalendarProblem::OutsideCoverage,
            ),
        ];
        for (days, problem) in cases {
            let err = Calendar::new(&days, 2026, 2026).unwrap_err();
            assert_eq!((err.index, err.problem), (1, problem), "{days:?}");
        }
    }

    #[test]
    fn a_listed_day_overrides_the_weekday() {
        let cal = Calendar::new(
            &[listed(d(2026, 10, 8), DayKind::Holiday), listed(d(2026, 10, 10), DayKind::Workday)],
            2026,
            2026,
        )
        .unwrap();
        assert!(!cal.is_working_day(d(2026, 10, 8)));
        assert!(cal.is_working_day(d(2026, 10, 10)));
        assert!(cal.is_working_day(d(2026, 10, 9)));
        assert!(!cal.is_working_day(d(2026, 10, 11)));
        assert_eq!(cal.listed(d(2026, 10, 10)), Some((DayKind::Workday, "x")));
    }
}
