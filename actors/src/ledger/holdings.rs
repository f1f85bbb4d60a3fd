//! The shares of one symbol an account holds: how many, how many are set
//! aside for open sell orders, and the lots they came from.

use std::collections::VecDeque;

use rust_decimal::{Decimal, RoundingStrategy};

use super::LedgerError;
use super::arith::add;
use super::lots::Lot;
use crate::types::{Money, Quantity, Symbol};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct Holding {
    pub quantity: Quantity,
    pub reserved: Quantity,
    /// Sum of the lots' costs, kept as it changes so that it is checked
    /// against overflow when it grows and read in O(1).
    pub cost: Money,
    /// Oldest first; their quantities add up to `quantity`.
    pub lots: VecDeque<Lot>,
}

impl Holding {
    pub fn available(&self) -> Quantity {
        self.quantity - self.reserved
    }

    /// Adds a lot checked by [`FittingLot::check`]; this cannot fail.
    pub fn open(&mut self, fitting: FittingLot) {
        self.quantity = fitting.quantity;
        self.cost = fitting.cost;
        self.lots.push_back(fitting.lot);
    }

    pub fn view(&self, symbol: Symbol) -> HoldingView {
        HoldingView {
            symbol,
            quantity: self.quantity,
            reserved: self.reserved,
            available: self.available(),
            cost_basis: self.cost,
        }
    }
}

/// A lot checked to fit into its holding, with the holding's new totals, so
/// that the check can come before anything changes and opening it cannot
/// fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct FittingLot {
    lot: Lot,
    quantity: Quantity,
    cost: Money,
}

impl FittingLot {
    /// `holding` is `None` when the account holds no shares of the symbol yet.
    pub fn check(holding: Option<&Holding>, lot: Lot) -> Result<FittingLot, LedgerError> {
        let (quantity, cost) =
            holding.map_or((Quantity::ZERO, Money::ZERO), |h| (h.quantity, h.cost));
        let quantity = quantity
            .0
            .checked_add(lot.quantity.0)
            .ok_or(LedgerError::Overflow)?;
        Ok(FittingLot {
            lot,
            quantity: Quantity(quantity),
            cost: add(cost, lot.cost()?)?,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct HoldingView {
    pub symbol: Symbol,
    pub quantity: Quantity,
    /// Set aside for open sell orders.
    pub reserved: Quantity,
    pub available: Quantity,
    /// What the shares still held cost, buy commissions included.
    pub cost_basis: Money,
}

impl HoldingView {
    /// Cost basis per share, buy commissions included, rounded half to even
    /// to 6 decimal places; `None` when nothing is held.
    pub fn average_cost(&self) -> Option<Decimal> {
        if self.quantity.is_zero() {
            return None;
        }
        let per_share = self.cost_basis.to_decimal() / Decimal::from(self.quantity.0);
        Some(per_share.round_dp_with_strategy(6, RoundingStrategy::MidpointNearestEven))
    }

    /// What the shares are worth at `last` per share; `None` if that does
    /// not fit in `Money`.
    pub fn market_value(&self, last: Money) -> Option<Money> {
        last.checked_mul_qty(self.quantity)
    }

    /// Market value at `last` less the cost basis: what selling everything
    /// at `last` would gain before the sale's own fees and tax.
    pub fn unrealized_gain(&self, last: Money) -> Option<Money> {
        self.market_value(last)?.checked_sub(self.cost_basis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Timestamp;
    use rust_decimal_macros::dec;

    #[test]
    fn market_value_and_unrealized_gain_at_the_last_price() {
        let view = HoldingView {
            symbol: Symbol::new("ACME").unwrap(),
            quantity: Quantity(10),
            reserved: Quantity(0),
            available: Quantity(10),
            // 10 x 100.00 + 0.15 commission
            cost_basis: Money(100_015),
        };
        assert_eq!(view.market_value(Money(10_250)), Some(Money(102_500)));
        assert_eq!(view.unrealized_gain(Money(10_250)), Some(Money(2_485)));
        assert_eq!(view.unrealized_gain(Money(9_900)), Some(Money(-1_015)));
        assert_eq!(view.market_value(Money(i64::MAX)), None);
    }

    #[test]
    fn average_cost_includes_buy_fees() {
        let view = HoldingView {
            symbol: Symbol::new("ACME").unwrap(),
            quantity: Quantity(3),
            reserved: Quantity(1),
            available: Quantity(2),
            // 3 x 100.00 + 0.05
            cost_basis: Money(30_005),
        };
        assert_eq!(view.average_cost(), Some(dec!(100.016667)));
        let empty = HoldingView {
            quantity: Quantity::ZERO,
            cost_basis: Money::ZERO,
            ..view
        };
        assert_eq!(empty.average_cost(), None);
    }

    #[test]
    fn a_lot_is_checked_to_fit_before_it_is_opened() {
        let lot = Lot {
            id: 1,
            bought: Quantity(2),
            quantity: Quantity(2),
            price: Money(150),
            acquired_at: Timestamp(0),
            fee: Money(1),
        };
        let mut holding = Holding::default();
        holding.open(FittingLot::check(None, lot).unwrap());
        holding.open(FittingLot::check(Some(&holding), lot).unwrap());
        assert_eq!((holding.quantity, holding.cost), (Quantity(4), Money(602)));
        assert_eq!(holding.lots.len(), 2);

        let full = Holding {
            quantity: Quantity(u64::MAX),
            ..Holding::default()
        };
        assert_eq!(
            FittingLot::check(Some(&full), lot),
            Err(LedgerError::Overflow)
        );
        let dear = Lot {
            price: Money(i64::MAX),
            ..lot
        };
        assert_eq!(FittingLot::check(None, dear), Err(LedgerError::Overflow));
    }
}
