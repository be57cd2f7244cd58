//! Instants (Unix ms) as dates and clock times in the user's zone, and dates as text. Each
//! format has one function, named by what it shows, so a list and its command-line twin
//! cannot drift apart.

use chrono::NaiveDate;

use super::Zone;

/// RFC 3339 with the zone's offset, "2026-11-26T09:30:00+08:00": every time in `--json`.
pub fn rfc3339(zone: &Zone, ms: i64) -> String {
    zone.at(ms).to_rfc3339()
}

/// "2026-11-26 09:30": when something happened (a finding's history, the command line's
/// lists).
pub fn date_time(zone: &Zone, ms: i64) -> String {
    zone.at(ms).format("%Y-%m-%d %H:%M").to_string()
}

/// "11-26 09:30": a walk's start in the list of sessions, where the year goes without saying.
pub fn short_date_time(zone: &Zone, ms: i64) -> String {
    zone.at(ms).format("%m-%d %H:%M").to_string()
}

/// "09:30": a time within the day the screen is about (a stage's start, a clock jump).
pub fn clock(zone: &Zone, ms: i64) -> String {
    zone.at(ms).format("%H:%M").to_string()
}

/// "2026-11-26": the date of an instant.
pub fn date_of(zone: &Zone, ms: i64) -> String {
    date(zone.date(ms))
}

/// "2026-11-26": a date (a deadline, the day something was rectified or closed off).
pub fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// [`date`], or "" when there is none.
pub fn date_or_empty(d: Option<NaiveDate>) -> String {
    d.map(date).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    #[test]
    fn each_format_reads_the_instant_in_the_zone() {
        let beijing = Zone::Fixed(FixedOffset::east_opt(8 * 3600).unwrap());
        // 2026-11-26 17:30 UTC.
        let ms = 1_795_714_200_000;
        assert_eq!(rfc3339(&beijing, ms), "2026-11-27T01:30:00+08:00");
        assert_eq!(rfc3339(&Zone::utc(), ms), "2026-11-26T17:30:00+00:00");
        assert_eq!(date_time(&beijing, ms), "2026-11-27 01:30");
        assert_eq!(short_date_time(&beijing, ms), "11-27 01:30");
        assert_eq!(clock(&beijing, ms), "01:30");
        assert_eq!(date_of(&beijing, ms), "2026-11-27");
        assert_eq!(date_or_empty(None), "");
        assert_eq!(date(NaiveDate::from_ymd_opt(2026, 3, 5).unwrap()), "2026-03-05");
    }
}
