//! Exact integer arithmetic on money: products are checked, shares of an
//! amount are computed in i128 and rounded half to even, like `Rate::apply`,
//! so that rounding does not drift one way over many fills.

use super::LedgerError;
use crate::types::{Money, Quantity};

/// The cash value of `quantity` shares at `price` per share.
pub(super) fn notional(price: Money, quantity: Quantity) -> Result<Money, LedgerError> {
    price.checked_mul_qty(quantity).ok_or(LedgerError::Overflow)
}

pub(super) fn add(a: Money, b: Money) -> Result<Money, LedgerError> {
    a.checked_add(b).ok_or(LedgerError::Overflow)
}

/// `amount x part / whole`, half to even: the share of `amount` that `part`
/// of `whole` shares carries. Needs `part <= whole` and `whole > 0`.
pub(super) fn pro_rata(amount: Money, part: Quantity, whole: Quantity) -> Money {
    let numerator = i128::from(amount.0) * i128::from(part.0);
    let rounded = div_half_even(numerator, i128::from(whole.0));
    // part <= whole, so |rounded| <= |amount|: it fits where amount did.
    Money(rounded as i64)
}

fn div_half_even(numerator: i128, denominator: i128) -> i128 {
    let quotient = numerator.div_euclid(denominator);
    let twice_remainder = numerator.rem_euclid(denominator) * 2;
    match twice_remainder.cmp(&denominator) {
        std::cmp::Ordering::Less => quotient,
        std::cmp::Ordering::Greater => quotient + 1,
        std::cmp::Ordering::Equal => quotient + (quotient & 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pro_rata_rounds_half_to_even() {
        // 0.16 x 5 / 10 = 0.08 exactly
        assert_eq!(pro_rata(Money(16), Quantity(5), Quantity(10)), Money(8));
        // 0.15 x 1 / 2 = 0.075 -> 0.08; 0.25 x 1 / 2 = 0.125 -> 0.12
        assert_eq!(pro_rata(Money(15), Quantity(1), Quantity(2)), Money(8));
        assert_eq!(pro_rata(Money(25), Quantity(1), Quantity(2)), Money(12));
        // 0.10 x 1 / 3 = 0.0333 -> 0.03; x 2 / 3 = 0.0667 -> 0.07
        assert_eq!(pro_rata(Money(10), Quantity(1), Quantity(3)), Money(3));
        assert_eq!(pro_rata(Money(10), Quantity(2), Quantity(3)), Money(7));
        assert_eq!(
            pro_rata(Money(i64::MAX), Quantity(u64::MAX), Quantity(u64::MAX)),
            Money(i64::MAX)
        );
    }

    #[test]
    fn notional_overflow_is_an_error() {
        assert_eq!(notional(Money(12_000), Quantity(15)), Ok(Money(180_000)));
        assert_eq!(
            notional(Money(i64::MAX), Quantity(2)),
            Err(LedgerError::Overflow)
        );
        assert_eq!(
            notional(Money(1), Quantity(u64::MAX)),
            Err(LedgerError::Overflow)
        );
    }
}
