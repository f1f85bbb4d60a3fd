//! Decimal arithmetic that reports overflow instead of panicking (Decimal's
//! operators panic), a square root that always terminates, and the one
//! rounding every result goes through.

use rust_decimal::{Decimal, RoundingStrategy};

/// A value left Decimal's range (about ±7.9e28).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Overflow;

pub(crate) trait Checked: Sized {
    fn plus(self, rhs: Decimal) -> Result<Decimal, Overflow>;
    fn minus(self, rhs: Decimal) -> Result<Decimal, Overflow>;
    fn times(self, rhs: Decimal) -> Result<Decimal, Overflow>;
    /// Division; a zero divisor counts as overflow, callers rule it out first.
    fn over(self, rhs: Decimal) -> Result<Decimal, Overflow>;
}

impl Checked for Decimal {
    fn plus(self, rhs: Decimal) -> Result<Decimal, Overflow> {
        self.checked_add(rhs).ok_or(Overflow)
    }

    fn minus(self, rhs: Decimal) -> Result<Decimal, Overflow> {
        self.checked_sub(rhs).ok_or(Overflow)
    }

    fn times(self, rhs: Decimal) -> Result<Decimal, Overflow> {
        self.checked_mul(rhs).ok_or(Overflow)
    }

    fn over(self, rhs: Decimal) -> Result<Decimal, Overflow> {
        self.checked_div(rhs).ok_or(Overflow)
    }
}

/// `value / 10^scale` as a Decimal, e.g. cents with scale 2.
pub(crate) fn decimal(value: i128, scale: u32) -> Result<Decimal, Overflow> {
    Decimal::try_from_i128_with_scale(value, scale).map_err(|_| Overflow)
}

/// Half to even at `scale` decimals, trailing zeros dropped, so that equal
/// values print alike ("101.25", never "101.2500").
pub(crate) fn rounded(value: Decimal, scale: u32) -> Decimal {
    value
        .round_dp_with_strategy(scale, RoundingStrategy::MidpointNearestEven)
        .normalize()
}

/// The square root of a non-negative `value`, truncated to at least 18
/// significant digits (at most 28 decimals); `None` below zero.
///
/// Not rust_decimal's `sqrt` (feature `maths`): its Newton iteration can
/// cycle between two neighbours and then panics (paupino/rust-decimal#721,
/// e.g. 400.00000000000000000000000003). This one is an integer square root
/// of the scaled mantissa, which always ends and is the same everywhere.
pub(crate) fn sqrt(value: Decimal) -> Option<Decimal> {
    if value.is_sign_negative() && !value.is_zero() {
        return None;
    }
    Some(root(value.mantissa().unsigned_abs(), value.scale()))
}

/// The square root of a whole number too large for a Decimal (a sum of
/// squared cents), as [`sqrt`] truncates it.
pub(crate) fn sqrt_of(value: u128) -> Decimal {
    root(value, 0)
}

/// sqrt(mantissa / 10^scale).
fn root(mut mantissa: u128, mut scale: u32) -> Decimal {
    // sqrt(m / 10^s) = sqrt(m x 10^k) / 10^((s + k) / 2): s + k must be even.
    if scale % 2 == 1 {
        match mantissa.checked_mul(10) {
            Some(scaled) => {
                mantissa = scaled;
                scale += 1;
            }
            None => {
                mantissa /= 10;
                scale -= 1;
            }
        }
    }
    // Two more digits under the root are one more digit of the result.
    while scale / 2 < Decimal::MAX_SCALE {
        match mantissa.checked_mul(100) {
            Some(scaled) => {
                mantissa = scaled;
                scale += 2;
            }
            None => break,
        }
    }
    // The root of a u128 is below 2^64, inside Decimal's 96 bits, and the
    // scale stops at 28: this cannot fail.
    Decimal::from_i128_with_scale(mantissa.isqrt() as i128, scale / 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn square_roots_are_exact_where_they_can_be_and_truncated_otherwise() {
        assert_eq!(sqrt(dec!(0)), Some(dec!(0)));
        assert_eq!(sqrt(dec!(4)), Some(dec!(2)));
        assert_eq!(sqrt(dec!(0.0001)), Some(dec!(0.01)));
        assert_eq!(sqrt(dec!(2.25)), Some(dec!(1.5)));
        assert_eq!(sqrt(dec!(-1)), None);
        // sqrt 2 = 1.41421356237309504880168872420969807...
        let two = sqrt(dec!(2)).unwrap();
        assert!(two.to_string().starts_with("1.414213562373095048"), "{two}");
        assert!(two * two <= dec!(2));
        // rust_decimal's own sqrt panics on this one.
        let near = sqrt(dec!(400.00000000000000000000000003)).unwrap();
        assert_eq!(rounded(near, 20), dec!(20));
        assert_eq!(
            sqrt(Decimal::MAX).map(|r| r.round()),
            Some(dec!(281474976710656))
        );
        assert_eq!(
            sqrt(dec!(0.0000000000000000000000000001)),
            Some(dec!(0.00000000000001))
        );
        // (2^64 - 1)^2 = 2^128 - 2^65 + 1: the largest square under u128::MAX.
        let big = u128::from(u64::MAX);
        assert_eq!(sqrt_of(big * big), Decimal::from(u64::MAX));
        assert_eq!(sqrt_of(u128::MAX).trunc(), Decimal::from(u64::MAX));
    }

    #[test]
    fn rounding_is_half_to_even_without_trailing_zeros() {
        assert_eq!(rounded(dec!(1.00005), 4).to_string(), "1");
        assert_eq!(rounded(dec!(1.00015), 4).to_string(), "1.0002");
        assert_eq!(rounded(dec!(101.250000), 4).to_string(), "101.25");
    }

    #[test]
    fn overflow_is_an_error_not_a_panic() {
        assert_eq!(Decimal::MAX.plus(Decimal::ONE), Err(Overflow));
        assert_eq!(Decimal::ONE.over(Decimal::ZERO), Err(Overflow));
        assert_eq!(decimal(i128::MAX, 0), Err(Overflow));
        assert_eq!(decimal(12_345, 2), Ok(dec!(123.45)));
    }
}
