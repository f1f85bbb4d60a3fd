//! Cash dividends' arithmetic, the same live and in scenarios: an amount
//! per share in millionths, and what each holder of record is owed, half
//! to even to the cent. The issuer pays exactly the sum of what holders are
//! owed, so the rounding residue stays with the issuer.

use rust_decimal::Decimal;

use crate::types::{Money, Quantity};

/// Amounts per share have at most this many decimals (millionths).
pub const PER_SHARE_DECIMALS: u32 = 6;
const MICROS_PER_CENT: i128 = 10_000;

/// A positive amount per share with at most six decimals, in millionths.
pub fn per_share_micros(amount: Decimal) -> Result<i64, String> {
    let micros = amount * Decimal::from(1_000_000);
    if amount <= Decimal::ZERO || !micros.fract().is_zero() {
        return Err(format!(
            "the amount per share, {amount}, must be positive with at most {PER_SHARE_DECIMALS} decimals"
        ));
    }
    i64::try_from(micros).map_err(|_| format!("the amount per share, {amount}, is too large"))
}

/// What `shares` earn at `micros` per share: half to even to the cent.
pub fn owed(shares: Quantity, micros: i64) -> Option<Money> {
    let exact = i128::from(shares.0) * i128::from(micros);
    let (quotient, remainder) = (exact / MICROS_PER_CENT, exact % MICROS_PER_CENT);
    let rounded = match (remainder * 2).cmp(&MICROS_PER_CENT) {
        std::cmp::Ordering::Less => quotient,
        std::cmp::Ordering::Greater => quotient + 1,
        std::cmp::Ordering::Equal => quotient + (quotient & 1),
    };
    i64::try_from(rounded).ok().map(Money)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_per_share_are_positive_with_six_decimals_at_most() {
        assert_eq!(per_share_micros(Decimal::new(125, 3)), Ok(125_000));
        assert_eq!(per_share_micros(Decimal::new(1, 6)), Ok(1));
        assert!(per_share_micros(Decimal::new(1, 7)).is_err());
        assert!(per_share_micros(Decimal::ZERO).is_err());
        assert!(per_share_micros(Decimal::new(-1, 2)).is_err());
    }

    #[test]
    fn each_holder_is_owed_its_shares_times_the_amount_half_to_even() {
        // 3 x 0.125 = 0.375 -> 0.38 (up: above half a cent)
        assert_eq!(owed(Quantity(3), 125_000), Some(Money(38)));
        // 1 x 0.125 = 0.125 -> 0.12 (half: to the even cent)
        assert_eq!(owed(Quantity(1), 125_000), Some(Money(12)));
        // 5 x 0.003 = 0.015 -> 0.02 (half: to the even cent)
        assert_eq!(owed(Quantity(5), 3_000), Some(Money(2)));
        // 1 x 0.004 = 0.004 -> 0.00
        assert_eq!(owed(Quantity(1), 4_000), Some(Money(0)));
        assert_eq!(owed(Quantity(100), 1_500_000), Some(Money(15_000)));
    }
}
