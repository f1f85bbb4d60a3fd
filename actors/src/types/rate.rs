use std::fmt;

use rust_decimal::Decimal;

use super::Money;

/// A fraction such as a commission or tax rate, in parts per million
/// (0.015% = 150, 22% = 220_000). Between 0 and 1 inclusive.
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
pub struct Rate(u32);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateError {
    #[error("rate {0} must be between 0 and 1")]
    OutOfRange(Decimal),
    #[error("rate {0} is finer than one part per million")]
    TooPrecise(Decimal),
}

impl Rate {
    pub const ZERO: Rate = Rate(0);
    const ONE: u32 = 1_000_000;

    pub fn from_ppm(ppm: u32) -> Result<Rate, RateError> {
        if ppm > Self::ONE {
            return Err(RateError::OutOfRange(Decimal::new(i64::from(ppm), 6)));
        }
        Ok(Rate(ppm))
    }

    /// "0.00015" is 150 ppm; "0.0000001" is an error, never rounded away.
    pub fn from_decimal(value: Decimal) -> Result<Rate, RateError> {
        if value < Decimal::ZERO || value > Decimal::ONE {
            return Err(RateError::OutOfRange(value));
        }
        let ppm = value * Decimal::from(Self::ONE);
        if !ppm.fract().is_zero() {
            return Err(RateError::TooPrecise(value));
        }
        let ppm = u32::try_from(ppm).map_err(|_| RateError::OutOfRange(value))?;
        Rate::from_ppm(ppm)
    }

    pub fn ppm(self) -> u32 {
        self.0
    }

    pub fn to_decimal(self) -> Decimal {
        Decimal::new(i64::from(self.0), 6).normalize()
    }

    /// `amount x rate`, rounded to the cent, half to even (banker's rounding,
    /// so that rounding errors do not drift one way over many fills).
    pub fn apply(self, amount: Money) -> Money {
        let product = i128::from(amount.0) * i128::from(self.0);
        let one = i128::from(Self::ONE);
        let quotient = product.div_euclid(one);
        let remainder = product.rem_euclid(one);
        let rounded = match (remainder * 2).cmp(&one) {
            std::cmp::Ordering::Less => quotient,
            std::cmp::Ordering::Greater => quotient + 1,
            std::cmp::Ordering::Equal => quotient + (quotient & 1),
        };
        // |rounded| <= |amount| because rate <= 1, so this cannot truncate.
        Money(rounded as i64)
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.to_decimal().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn parses_rates_exactly() {
        assert_eq!(Rate::from_decimal(dec!(0.00015)).map(Rate::ppm), Ok(150));
        assert_eq!(Rate::from_decimal(dec!(0.22)).map(Rate::ppm), Ok(220_000));
        assert_eq!(
            Rate::from_decimal(dec!(0.0000001)),
            Err(RateError::TooPrecise(dec!(0.0000001)))
        );
        assert_eq!(
            Rate::from_decimal(dec!(1.5)),
            Err(RateError::OutOfRange(dec!(1.5)))
        );
        assert_eq!(
            Rate::from_decimal(dec!(-0.1)),
            Err(RateError::OutOfRange(dec!(-0.1)))
        );
    }

    #[test]
    fn applies_with_half_even_rounding() {
        let commission = Rate::from_decimal(dec!(0.00015)).unwrap();
        // 1000.00 x 0.015% = 0.15
        assert_eq!(commission.apply(Money(100_000)), Money(15));
        // 1100.00 x 0.015% = 0.165 -> 0.16 (half to even)
        assert_eq!(commission.apply(Money(110_000)), Money(16));
        // 1300.00 x 0.015% = 0.195 -> 0.20 (half to even)
        assert_eq!(commission.apply(Money(130_000)), Money(20));
        let tax = Rate::from_decimal(dec!(0.0018)).unwrap();
        // 1800.00 x 0.18% = 3.24
        assert_eq!(tax.apply(Money(180_000)), Money(324));
        assert_eq!(tax.apply(Money(-180_000)), Money(-324));
    }
}
