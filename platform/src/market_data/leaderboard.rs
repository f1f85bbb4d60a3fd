//! Leaderboards: accounts ranked by the return on what was paid into them
//! (deposits less withdrawals), then by equity, then by id (the older
//! account first), so that a ranking never depends on the order the rows
//! were read in.

use rust_decimal::{Decimal, RoundingStrategy};

use marketlab_actors::types::Money;

/// `gain / paid_in` in percent, to 2 places (half to even); 0 when
/// nothing was paid in.
pub fn return_percent(equity: Money, paid_in: Money) -> Decimal {
    if paid_in.0 == 0 {
        return Decimal::new(0, 2);
    }
    let gain = equity.to_decimal() - paid_in.to_decimal();
    let mut percent = (gain / paid_in.to_decimal() * Decimal::ONE_HUNDRED)
        .round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven);
    percent.rescale(2);
    percent
}

/// What a ranking needs of one account.
pub trait Standing {
    fn id(&self) -> i64;
    fn equity(&self) -> Money;
    fn return_percent(&self) -> Decimal;
}

/// The best `limit` of `standings`, best first.
pub fn rank<S: Standing>(mut standings: Vec<S>, limit: usize) -> Vec<S> {
    standings.sort_by(|a, b| {
        b.return_percent()
            .cmp(&a.return_percent())
            .then(b.equity().cmp(&a.equity()))
            .then(a.id().cmp(&b.id()))
    });
    standings.truncate(limit);
    standings
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Row(i64, i64, i64);

    impl Standing for Row {
        fn id(&self) -> i64 {
            self.0
        }
        fn equity(&self) -> Money {
            Money(self.1)
        }
        fn return_percent(&self) -> Decimal {
            return_percent(Money(self.1), Money(self.2))
        }
    }

    #[test]
    fn the_return_is_on_what_was_paid_in_to_the_hundredth() {
        assert_eq!(
            return_percent(Money(11_000), Money(10_000)).to_string(),
            "10.00"
        );
        assert_eq!(
            return_percent(Money(0), Money(10_000)).to_string(),
            "-100.00"
        );
        // 1/3 of a percent, and 2/3.
        assert_eq!(
            return_percent(Money(30_001), Money(30_000)).to_string(),
            "0.00"
        );
        assert_eq!(
            return_percent(Money(30_100), Money(30_000)).to_string(),
            "0.33"
        );
        assert_eq!(
            return_percent(Money(30_200), Money(30_000)).to_string(),
            "0.67"
        );
        assert_eq!(return_percent(Money(500), Money(0)).to_string(), "0.00");
    }

    #[test]
    fn ties_go_to_the_richer_then_the_older_account() {
        let rows = vec![
            Row(4, 20_000, 10_000),
            Row(3, 11_000, 10_000),
            Row(2, 22_000, 20_000),
            Row(1, 11_000, 10_000),
            Row(5, 9_000, 10_000),
        ];
        let ids: Vec<i64> = rank(rows, 4).iter().map(|r| r.0).collect();
        assert_eq!(ids, [4, 2, 1, 3]);
    }
}
