//! The user's time zone: the one place an instant (Unix ms) becomes a date and a clock time.
//! The ledger dates walks with it, `present` formats every time the screens, the command line
//! and reports show, and "today" (deadlines, overdue) is read in it.
//!
//! [`Zone::local`] is the system's zone (`TZ` respected), read at each use; a fixed offset
//! can be given instead, so a caller that knows the user's zone passes it down. [`Zone`]
//! is a [`chrono::TimeZone`], so anything taking `&impl TimeZone` takes it too.

use chrono::{DateTime, FixedOffset, Local, MappedLocalTime, NaiveDate, NaiveDateTime, Offset, TimeZone};

#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Zone {
    /// The system's zone, `TZ` respected.
    #[default]
    Local,
    /// A fixed offset from UTC.
    Fixed(FixedOffset),
}

impl Zone {
    /// The system's zone, `TZ` respected.
    pub fn local() -> Zone {
        Zone::Local
    }

    /// UTC.
    pub fn utc() -> Zone {
        Zone::Fixed(FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!("0 is a valid offset")))
    }

    /// The instant `ms` (Unix milliseconds) in this zone. One chrono cannot represent (far
    /// beyond year 262,000) reads as the epoch rather than failing.
    pub fn at(&self, ms: i64) -> DateTime<Zone> {
        let utc = DateTime::from_timestamp_millis(ms).unwrap_or_default().naive_utc();
        self.from_utc_datetime(&utc)
    }

    /// The date of the instant `ms` in this zone.
    pub fn date(&self, ms: i64) -> NaiveDate {
        self.at(ms).date_naive()
    }

    /// The instant of a wall-clock time in this zone, as Unix ms. In an overlap (the clock
    /// is set back) the earlier one; in a gap (it jumps forward) the time is read with the
    /// offset before the jump, which lands as far past the gap as the time was into it.
    pub fn ms_of(&self, local: &NaiveDateTime) -> i64 {
        match self.from_local_datetime(local).earliest() {
            Some(t) => t.timestamp_millis(),
            None => {
                let before = self.offset_from_utc_datetime(&(*local - chrono::Duration::days(1)));
                (*local - before).and_utc().timestamp_millis()
            }
        }
    }
}

impl TimeZone for Zone {
    type Offset = FixedOffset;

    fn from_offset(offset: &FixedOffset) -> Zone {
        Zone::Fixed(*offset)
    }

    #[allow(deprecated)]
    fn offset_from_local_date(&self, local: &NaiveDate) -> MappedLocalTime<FixedOffset> {
        match self {
            Zone::Local => Local.offset_from_local_date(local).map(|o| o.fix()),
            Zone::Fixed(o) => MappedLocalTime::Single(*o),
        }
    }

    fn offset_from_local_datetime(&self, local: &NaiveDateTime) -> MappedLocalTime<FixedOffset> {
        match self {
            Zone::Local => Local.offset_from_local_datetime(local).map(|o| o.fix()),
            Zone::Fixed(o) => MappedLocalTime::Single(*o),
        }
    }

    #[allow(deprecated)]
    fn offset_from_utc_date(&self, utc: &NaiveDate) -> FixedOffset {
        match self {
            Zone::Local => Local.offset_from_utc_date(utc).fix(),
            Zone::Fixed(o) => *o,
        }
    }

    fn offset_from_utc_datetime(&self, utc: &NaiveDateTime) -> FixedOffset {
        match self {
            Zone::Local => Local.offset_from_utc_datetime(utc).fix(),
            Zone::Fixed(o) => *o,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Zone;
    use chrono::FixedOffset;

    #[test]
    fn an_instant_reads_in_the_zone_given() {
        let beijing = Zone::Fixed(FixedOffset::east_opt(8 * 3600).unwrap());
        // 2026-11-26 17:30 UTC is the 27th in Beijing.
        let ms = 1_795_714_200_000;
        assert_eq!(Zone::utc().at(ms).to_rfc3339(), "2026-11-26T17:30:00+00:00");
        assert_eq!(beijing.at(ms).to_rfc3339(), "2026-11-27T01:30:00+08:00");
        assert_eq!(beijing.date(ms).to_string(), "2026-11-27");
        assert_eq!(beijing.ms_of(&beijing.at(ms).naive_local()), ms);
        assert_eq!(Zone::utc().date(i64::MAX).to_string(), "1970-01-01", "out of range reads as the epoch");
    }
}
