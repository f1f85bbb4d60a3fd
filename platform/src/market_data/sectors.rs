//! A sector's change since the session open, weighted by market cap: the
//! change of the sector's total value (each company's price times its
//! shares outstanding) over that value at the open. Companies that have not
//! traded this session have no open and count for nothing.

use marketlab_actors::types::Money;
use rust_decimal::{Decimal, RoundingStrategy};

/// One company of a sector: its open and last price this session, and its
/// shares outstanding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    pub open: Option<Money>,
    pub last: Option<Money>,
    pub shares: u64,
}

/// The change in percent to 2 places (half to even); `None` when no
/// company of the sector has traded this session.
pub fn weighted_change(members: impl IntoIterator<Item = Member>) -> Option<Decimal> {
    let (mut open_value, mut now_value) = (Decimal::ZERO, Decimal::ZERO);
    for member in members {
        if let (Some(open), Some(last)) = (member.open, member.last) {
            let shares = Decimal::from(member.shares);
            open_value += open.to_decimal() * shares;
            now_value += last.to_decimal() * shares;
        }
    }
    if open_value.is_zero() {
        return None;
    }
    let mut change = ((now_value - open_value) / open_value * Decimal::ONE_HUNDRED)
        .round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven);
    change.rescale(2);
    Some(change)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(open: i64, last: i64, shares: u64) -> Member {
        Member {
            open: Some(Money(open)),
            last: Some(Money(last)),
            shares,
        }
    }

    #[test]
    fn the_larger_company_weighs_more() {
        // +10% on 1,000 shares at 10.00 and -10% on 9,000 shares at 10.00:
        // 11,000 + 81,000 against 100,000 at the open.
        let change = weighted_change([member(1_000, 1_100, 1_000), member(1_000, 900, 9_000)]);
        assert_eq!(change.unwrap().to_string(), "-8.00");
    }

    #[test]
    fn companies_without_a_session_count_for_nothing() {
        let idle = Member {
            open: None,
            last: Some(Money(5_000)),
            shares: 1_000_000,
        };
        assert_eq!(weighted_change([idle]), None);
        let change = weighted_change([idle, member(3_000, 3_010, 3)]);
        assert_eq!(change.unwrap().to_string(), "0.33");
        assert_eq!(weighted_change([]), None);
    }
}
