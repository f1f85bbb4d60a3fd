//! How an account's market value splits over sectors.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::arith::{add, notional};
use super::{Account, LedgerError};
use crate::types::{Money, Symbol};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SectorWeight {
    pub sector: String,
    /// Shares held (reserved ones included) at the last price.
    pub value: Money,
    /// Share of the account's market value, in [0, 1], to 6 decimal places.
    pub weight: Decimal,
}

/// Weights are written in millionths.
const SCALE: u32 = 6;
const ONE: i128 = 1_000_000;

impl Account {
    /// Market value per sector at `last_price` (per share) and its weight,
    /// largest first (ties by name). Each weight is rounded down to 6
    /// decimal places and the largest sector gets the residue, so the
    /// weights add up to exactly 1 when there is any value (all 0 when
    /// there is none) and each stays within [0, 1].
    pub fn sector_weights<'s>(
        &self,
        last_price: impl Fn(Symbol) -> Money,
        sector_of: impl Fn(Symbol) -> &'s str,
    ) -> Result<Vec<SectorWeight>, LedgerError> {
        let mut values: BTreeMap<&str, Money> = BTreeMap::new();
        for holding in self.holdings() {
            let price = last_price(holding.symbol);
            if price.is_negative() {
                return Err(LedgerError::InvalidPrice(price));
            }
            let value = values.entry(sector_of(holding.symbol)).or_default();
            *value = add(*value, notional(price, holding.quantity)?)?;
        }
        let total = values
            .values()
            .try_fold(Money::ZERO, |sum, value| add(sum, *value))?;
        let mut sectors: Vec<(&str, Money)> = values.into_iter().collect();
        sectors.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        Ok(weigh(&sectors, total))
    }
}

fn weigh(sectors: &[(&str, Money)], total: Money) -> Vec<SectorWeight> {
    let mut millionths: Vec<i128> = sectors
        .iter()
        .map(|(_, value)| match total {
            Money::ZERO => 0,
            total => i128::from(value.0) * ONE / i128::from(total.0),
        })
        .collect();
    if total > Money::ZERO {
        // Rounding down left each weight short by less than a millionth.
        let residue = ONE - millionths.iter().sum::<i128>();
        if let Some(largest) = millionths.first_mut() {
            *largest += residue;
        }
    }
    sectors
        .iter()
        .zip(millionths)
        .map(|((sector, value), millionths)| SectorWeight {
            sector: (*sector).to_owned(),
            value: *value,
            // Within 0..=ONE, so it fits.
            weight: Decimal::new(millionths as i64, SCALE),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use rust_decimal_macros::dec;

    use super::super::testkit::*;
    use super::*;
    use crate::types::Quantity;

    fn symbol(text: &str) -> Symbol {
        Symbol::new(text).unwrap()
    }

    fn account_holding(holdings: &[(&str, u64)]) -> Account {
        let mut account = funded(Money::ZERO);
        for (text, quantity) in holdings {
            account
                .allot(symbol(text), Quantity(*quantity), Money(100), T0)
                .unwrap();
        }
        account
    }

    #[test]
    fn weights_are_market_value_shares_that_add_up_to_one() {
        let account = account_holding(&[("AAA", 10), ("BBB", 10), ("CCC", 10), ("DDD", 5)]);
        let sectors = HashMap::from([
            (symbol("AAA"), "Tech".to_owned()),
            (symbol("BBB"), "Energy".to_owned()),
            (symbol("CCC"), "Health".to_owned()),
            (symbol("DDD"), "Tech".to_owned()),
        ]);
        let prices = HashMap::from([
            (symbol("AAA"), Money(1_000)),
            (symbol("BBB"), Money(1_500)),
            (symbol("CCC"), Money(1_500)),
            (symbol("DDD"), Money(1_000)),
        ]);
        let weights = account
            .sector_weights(|s| prices[&s], |s| sectors[&s].as_str())
            .unwrap();
        // Values 150.00 each; a third each is 0.333333, and the first of the
        // largest (by name) takes the residue.
        let rows: Vec<(&str, Money, Decimal)> = weights
            .iter()
            .map(|w| (w.sector.as_str(), w.value, w.weight))
            .collect();
        assert_eq!(
            rows,
            [
                ("Energy", Money(15_000), dec!(0.333334)),
                ("Health", Money(15_000), dec!(0.333333)),
                ("Tech", Money(15_000), dec!(0.333333)),
            ]
        );
        assert_eq!(
            weights.iter().map(|w| w.weight).sum::<Decimal>(),
            Decimal::ONE
        );
    }

    #[test]
    fn the_largest_sector_takes_the_residue() {
        let account = account_holding(&[("AAA", 2), ("BBB", 1)]);
        let weights = account
            .sector_weights(
                |_| Money(100),
                |s| if s == symbol("AAA") { "A" } else { "B" },
            )
            .unwrap();
        assert_eq!(weights[0].sector, "A");
        assert_eq!(
            (weights[0].weight, weights[1].weight),
            (dec!(0.666667), dec!(0.333333))
        );
    }

    #[test]
    fn no_value_means_no_weight() {
        assert!(
            funded(Money(100))
                .sector_weights(|_| Money(100), |_| "X")
                .unwrap()
                .is_empty()
        );
        let account = account_holding(&[("AAA", 2)]);
        let weights = account.sector_weights(|_| Money::ZERO, |_| "X").unwrap();
        assert_eq!(weights[0].weight, Decimal::ZERO);
    }

    #[test]
    fn bad_prices_and_overflow_are_errors() {
        let account = account_holding(&[("AAA", 2), ("BBB", 2)]);
        assert_eq!(
            account.sector_weights(|_| Money(-1), |_| "X"),
            Err(LedgerError::InvalidPrice(Money(-1)))
        );
        assert_eq!(
            account.sector_weights(|_| Money(i64::MAX / 3), |_| "X"),
            Err(LedgerError::Overflow)
        );
    }
}
