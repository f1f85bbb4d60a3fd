//! The contract's scalars. `Decimal` travels as a string and is parsed
//! strictly (a JSON number would have passed through a float); `Long` is a
//! JSON integer; `DateTime` is RFC 3339 in UTC with a `Z`.

use std::str::FromStr;

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{SecondsFormat, TimeZone, Utc};
use marketlab_actors::types::{Money, Timestamp};
use rust_decimal::{Decimal, RoundingStrategy};

/// Longest decimal string accepted: more digits than any amount we keep.
const MAX_DECIMAL_CHARS: usize = 40;

/// An exact decimal number, e.g. `"1250.50"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dec(pub Decimal);

#[Scalar(name = "Decimal")]
impl ScalarType for Dec {
    fn parse(value: Value) -> InputValueResult<Self> {
        let Value::String(text) = &value else {
            return Err(InputValueError::custom(
                "a Decimal is written as a string, e.g. \"1250.50\"",
            ));
        };
        let plain = text.len() <= MAX_DECIMAL_CHARS
            && !text.is_empty()
            && text
                .strip_prefix('-')
                .unwrap_or(text)
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.');
        if !plain {
            return Err(InputValueError::custom(format!(
                "{text:?} is not a plain decimal number"
            )));
        }
        Decimal::from_str(text)
            .map(Dec)
            .map_err(|_| InputValueError::custom(format!("{text:?} is not a decimal number")))
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

impl Dec {
    /// `value` to exactly `places` decimal places, half to even, so that
    /// equal values always print alike ("0.00", not "0").
    pub fn fixed(value: Decimal, places: u32) -> Dec {
        let mut rounded =
            value.round_dp_with_strategy(places, RoundingStrategy::MidpointNearestEven);
        rounded.rescale(places);
        Dec(rounded)
    }
}

impl From<Money> for Dec {
    fn from(money: Money) -> Dec {
        Dec(money.to_decimal())
    }
}

/// A 64-bit integer: share counts, volumes, sequence numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Long(pub i64);

#[Scalar(name = "Long")]
impl ScalarType for Long {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::Number(n) => n
                .as_i64()
                .map(Long)
                .ok_or_else(|| InputValueError::custom(format!("{n} is not a 64-bit integer"))),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::Number(self.0.into())
    }
}

impl From<u64> for Long {
    fn from(n: u64) -> Long {
        Long(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

/// A point in time, RFC 3339 in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DateTime(pub Timestamp);

#[Scalar(name = "DateTime")]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        let Value::String(text) = &value else {
            return Err(InputValueError::expected_type(value));
        };
        let parsed = chrono::DateTime::parse_from_rfc3339(text)
            .map_err(|e| InputValueError::custom(format!("{text:?}: {e}")))?;
        let nanos = parsed
            .timestamp_nanos_opt()
            .ok_or_else(|| InputValueError::custom(format!("{text:?} is out of range")))?;
        Ok(DateTime(Timestamp(nanos)))
    }

    fn to_value(&self) -> Value {
        Value::String(rfc3339(self.0))
    }
}

impl From<Timestamp> for DateTime {
    fn from(at: Timestamp) -> DateTime {
        DateTime(at)
    }
}

impl From<i64> for DateTime {
    /// Nanoseconds since the epoch, as the database keeps them.
    fn from(nanos: i64) -> DateTime {
        DateTime(Timestamp(nanos))
    }
}

pub fn rfc3339(at: Timestamp) -> String {
    Utc.timestamp_nanos(at.0)
        .to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Decimal, String> {
        Dec::parse(Value::String(text.into()))
            .map(|d| d.0)
            .map_err(|e| e.into_server_error(Default::default()).message)
    }

    #[test]
    fn decimals_are_plain_strings() {
        assert_eq!(parse("1250.50").unwrap(), Decimal::new(125050, 2));
        assert_eq!(parse("-0.15").unwrap(), Decimal::new(-15, 2));
        for bad in ["", "1e5", "abc", "1,5", " 1", "NaN", "--1", "1.2.3"] {
            assert!(parse(bad).is_err(), "{bad:?} parsed");
        }
        assert!(Dec::parse(Value::Number(12.into())).is_err());
        assert!(parse(&"9".repeat(41)).is_err());
    }

    #[test]
    fn fixed_places_round_half_to_even() {
        assert_eq!(
            Dec::fixed(Decimal::ZERO, 2).to_value(),
            Value::String("0.00".into())
        );
        assert_eq!(Dec::fixed(Decimal::new(125, 3), 2).0.to_string(), "0.12");
        assert_eq!(Dec::fixed(Decimal::new(135, 3), 2).0.to_string(), "0.14");
        assert_eq!(Dec::fixed(Decimal::new(-5, 1), 4).0.to_string(), "-0.5000");
    }

    #[test]
    fn date_times_are_utc_with_z() {
        assert_eq!(rfc3339(Timestamp(0)), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(Timestamp(1_500_000)), "1970-01-01T00:00:00.001500Z");
        let parsed = DateTime::parse(Value::String("2026-01-05T00:00:00Z".into())).unwrap();
        assert_eq!(DateTime::parse(parsed.to_value()).unwrap(), parsed);
    }
}
