use std::fmt;

use rust_decimal::Decimal;

use super::{Money, MoneyError};

/// A price as a whole number of ticks of its company's tick size. The
/// matching core only ever compares and copies these; turning them into money
/// is the job of [`TickSize`].
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Price(pub i64);

impl fmt::Display for Price {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PriceError {
    #[error("price {price} is not a multiple of the tick size {tick}")]
    OffTick { price: Decimal, tick: Decimal },
    #[error("price {0} must be positive")]
    NotPositive(Decimal),
    #[error("price {0}: {1}")]
    Money(Decimal, MoneyError),
    #[error("tick size must be a positive number of cents")]
    BadTickSize,
}

/// A company's tick size in cents per tick (1 = 0.01, 5 = 0.05).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct TickSize(Money);

impl TickSize {
    pub const CENT: TickSize = TickSize(Money(1));

    pub fn new(per_tick: Money) -> Result<TickSize, PriceError> {
        if per_tick.0 <= 0 {
            return Err(PriceError::BadTickSize);
        }
        Ok(TickSize(per_tick))
    }

    pub fn from_decimal(value: Decimal) -> Result<TickSize, PriceError> {
        let money = Money::from_decimal(value).map_err(|_| PriceError::BadTickSize)?;
        TickSize::new(money)
    }

    pub fn money(self) -> Money {
        self.0
    }

    /// Parse a price from the edge: positive, whole cents, on the tick.
    pub fn price(self, value: Decimal) -> Result<Price, PriceError> {
        if value <= Decimal::ZERO {
            return Err(PriceError::NotPositive(value));
        }
        let cents = Money::from_decimal(value).map_err(|e| match e {
            MoneyError::TooPrecise(_) => PriceError::OffTick {
                price: value,
                tick: self.0.to_decimal(),
            },
            other => PriceError::Money(value, other),
        })?;
        if cents.0 % self.0.0 != 0 {
            return Err(PriceError::OffTick {
                price: value,
                tick: self.0.to_decimal(),
            });
        }
        Ok(Price(cents.0 / self.0.0))
    }

    /// The cash value of one share at `price`.
    pub fn to_money(self, price: Price) -> Money {
        Money(price.0 * self.0.0)
    }

    pub fn to_decimal(self, price: Price) -> Decimal {
        self.to_money(price).to_decimal()
    }

    /// The nearest price on the tick at or below `money` (for derived prices
    /// such as a reference price from a decimal that is not on the tick).
    pub fn floor(self, money: Money) -> Price {
        Price(money.0.div_euclid(self.0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn parses_prices_on_the_tick() {
        let nickel = TickSize::from_decimal(dec!(0.05)).unwrap();
        assert_eq!(nickel.price(dec!(10.05)), Ok(Price(201)));
        assert_eq!(nickel.to_decimal(Price(201)), dec!(10.05));
        assert_eq!(nickel.to_money(Price(201)), Money(1005));
    }

    #[test]
    fn rejects_prices_off_the_tick_or_not_positive() {
        let nickel = TickSize::from_decimal(dec!(0.05)).unwrap();
        assert!(matches!(
            nickel.price(dec!(10.03)),
            Err(PriceError::OffTick { .. })
        ));
        assert!(matches!(
            TickSize::CENT.price(dec!(10.001)),
            Err(PriceError::OffTick { .. })
        ));
        assert_eq!(
            TickSize::CENT.price(dec!(0)),
            Err(PriceError::NotPositive(dec!(0)))
        );
        assert_eq!(
            TickSize::CENT.price(dec!(-1)),
            Err(PriceError::NotPositive(dec!(-1)))
        );
    }

    #[test]
    fn tick_size_must_be_whole_positive_cents() {
        assert_eq!(
            TickSize::from_decimal(dec!(0)),
            Err(PriceError::BadTickSize)
        );
        assert_eq!(
            TickSize::from_decimal(dec!(0.001)),
            Err(PriceError::BadTickSize)
        );
    }
}
