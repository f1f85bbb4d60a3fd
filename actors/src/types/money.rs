use std::fmt;

use rust_decimal::Decimal;

/// An amount of cash in the currency's minor unit (cents). Signed, so that a
/// ledger entry can carry a debit; balances themselves never go negative.
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
pub struct Money(pub i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("{0} has more than 2 decimal places")]
    TooPrecise(Decimal),
    #[error("{0} is too large")]
    OutOfRange(Decimal),
}

impl Money {
    pub const ZERO: Money = Money(0);
    /// Minor units per major unit: the currency has two decimal places.
    pub const SCALE: u32 = 2;
    const UNITS: i64 = 100;

    pub fn from_major(units: i64) -> Money {
        Money(units * Self::UNITS)
    }

    /// Exact conversion from the API's decimals: "12.5" is 1250 cents,
    /// "12.345" is an error (never silently rounded).
    pub fn from_decimal(value: Decimal) -> Result<Money, MoneyError> {
        let normalized = value.normalize();
        if normalized.scale() > Self::SCALE {
            return Err(MoneyError::TooPrecise(value));
        }
        let cents = normalized
            .checked_mul(Decimal::from(Self::UNITS))
            .ok_or(MoneyError::OutOfRange(value))?;
        i64::try_from(cents)
            .map(Money)
            .map_err(|_| MoneyError::OutOfRange(value))
    }

    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, Self::SCALE)
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn checked_add(self, rhs: Money) -> Option<Money> {
        self.0.checked_add(rhs.0).map(Money)
    }

    pub fn checked_sub(self, rhs: Money) -> Option<Money> {
        self.0.checked_sub(rhs.0).map(Money)
    }

    /// `self x quantity`, e.g. a price in cents times a number of shares.
    pub fn checked_mul_qty(self, quantity: super::Quantity) -> Option<Money> {
        i64::try_from(quantity.0)
            .ok()
            .and_then(|q| self.0.checked_mul(q))
            .map(Money)
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl std::ops::Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl std::ops::Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl std::ops::AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}

impl std::ops::SubAssign for Money {
    fn sub_assign(&mut self, rhs: Money) {
        self.0 -= rhs.0;
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        Money(iter.map(|m| m.0).sum())
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.to_decimal().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn converts_exactly_both_ways() {
        assert_eq!(Money::from_decimal(dec!(1250.50)), Ok(Money(125_050)));
        assert_eq!(Money::from_decimal(dec!(12.5)), Ok(Money(1250)));
        assert_eq!(Money::from_decimal(dec!(-0.01)), Ok(Money(-1)));
        assert_eq!(Money::from_decimal(dec!(3.000)), Ok(Money(300)));
        assert_eq!(Money(125_050).to_decimal(), dec!(1250.50));
    }

    #[test]
    fn rejects_sub_cent_and_overflow() {
        assert_eq!(
            Money::from_decimal(dec!(0.001)),
            Err(MoneyError::TooPrecise(dec!(0.001)))
        );
        let huge = Decimal::from(i64::MAX);
        assert_eq!(Money::from_decimal(huge), Err(MoneyError::OutOfRange(huge)));
    }

    #[test]
    fn notional_overflow_is_detected() {
        assert_eq!(
            Money(10_000).checked_mul_qty(super::super::Quantity(3)),
            Some(Money(30_000))
        );
        assert_eq!(
            Money(i64::MAX / 2).checked_mul_qty(super::super::Quantity(3)),
            None
        );
    }
}
