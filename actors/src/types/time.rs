use std::fmt;

use chrono::{DateTime, Datelike, Utc};

/// A point in time as nanoseconds since the Unix epoch, UTC. Cores receive
/// it from an injected clock; none of them reads the system time.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub const NANOS_PER_MILLI: i64 = 1_000_000;
    pub const NANOS_PER_SEC: i64 = 1_000_000_000;

    pub fn from_millis(millis: i64) -> Timestamp {
        Timestamp(millis * Self::NANOS_PER_MILLI)
    }

    pub fn from_datetime(at: DateTime<Utc>) -> Timestamp {
        // Out of the i64-nanosecond range (years before 1677 or after 2262)
        // clamps to its ends: such dates never occur in a market.
        Timestamp(at.timestamp_nanos_opt().unwrap_or(if at.timestamp() < 0 {
            i64::MIN
        } else {
            i64::MAX
        }))
    }

    pub fn to_datetime(self) -> DateTime<Utc> {
        DateTime::from_timestamp_nanos(self.0)
    }

    /// The calendar year (UTC) this instant falls in: the tax year.
    pub fn year(self) -> i32 {
        self.to_datetime().year()
    }

    pub fn plus_millis(self, millis: i64) -> Timestamp {
        Timestamp(self.0 + millis * Self::NANOS_PER_MILLI)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.to_datetime()
            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
            .fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_its_year_and_prints_rfc3339() {
        let new_year = Timestamp::from_millis(1_767_225_600_000); // 2026-01-01T00:00:00Z
        assert_eq!(new_year.year(), 2026);
        assert_eq!(Timestamp(new_year.0 - 1).year(), 2025);
        assert_eq!(new_year.to_string(), "2026-01-01T00:00:00Z");
        assert_eq!(Timestamp::from_datetime(new_year.to_datetime()), new_year);
    }
}
