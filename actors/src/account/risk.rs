//! An instructor's or admin's limits on one account, and the pure check an
//! order must pass before anything is reserved for it. A limit left unset
//! does not apply.

use crate::types::{Money, Quantity, Rate, Side, Symbol};

/// The limits in force on an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RiskLimits {
    /// The largest value of one order, at the worst price it can trade at.
    pub max_order_value: Option<Money>,
    /// The largest value of one holding, as a share of the account's equity,
    /// that a buy may bring it to.
    pub max_position: Option<Rate>,
    /// The most orders open at once.
    pub max_open_orders: Option<u32>,
}

/// Which limit an order would break, with the limit and what the order would
/// have made of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RiskBreach {
    #[error("risk limit maxOrderValue {limit}: the order is worth up to {value}")]
    OrderValue { limit: Money, value: Money },
    #[error(
        "risk limit maxPositionPercent {}%: the holding of {symbol} would be worth up to {position} of an equity of {equity}",
        percent(*limit)
    )]
    Position {
        limit: Rate,
        symbol: Symbol,
        position: Money,
        equity: Money,
    },
    #[error("risk limit maxOpenOrders {limit}: the account already has {open} open")]
    OpenOrders { limit: u32, open: usize },
}

impl RiskBreach {
    /// The limit's name as the API spells it.
    pub fn limit_name(&self) -> &'static str {
        match self {
            RiskBreach::OrderValue { .. } => "maxOrderValue",
            RiskBreach::Position { .. } => "maxPositionPercent",
            RiskBreach::OpenOrders { .. } => "maxOpenOrders",
        }
    }

    /// The limit's setting as the API writes it: money and percentages as
    /// decimals ("500.00", "25"), a count as a whole number.
    pub fn limit_value(&self) -> String {
        match self {
            RiskBreach::OrderValue { limit, .. } => limit.to_string(),
            RiskBreach::Position { limit, .. } => percent(*limit).to_string(),
            RiskBreach::OpenOrders { limit, .. } => limit.to_string(),
        }
    }
}

/// An order as the limits see it, and the account around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RiskCheck {
    pub symbol: Symbol,
    pub side: Side,
    pub quantity: Quantity,
    /// The worst price per share the order can trade at (what the ledger
    /// reserves against).
    pub price: Money,
    /// Orders open now, this one not counted.
    pub open_orders: usize,
    /// Shares of `symbol` held, plus those open buys of it may still bring.
    pub position_before: Quantity,
    /// Cash plus every holding at its mark.
    pub equity: Money,
}

impl RiskLimits {
    pub const NONE: RiskLimits = RiskLimits {
        max_order_value: None,
        max_position: None,
        max_open_orders: None,
    };

    pub fn is_none(&self) -> bool {
        *self == RiskLimits::NONE
    }

    /// Whether an order fits. A sell never grows a position, so only buys
    /// are held to the position limit. Values that overflow are breaches.
    pub fn check(&self, order: &RiskCheck) -> Result<(), RiskBreach> {
        if let Some(limit) = self.max_open_orders
            && order.open_orders >= limit as usize
        {
            return Err(RiskBreach::OpenOrders {
                limit,
                open: order.open_orders,
            });
        }
        if let Some(limit) = self.max_order_value {
            let value = order
                .price
                .checked_mul_qty(order.quantity)
                .unwrap_or(Money(i64::MAX));
            if value > limit {
                return Err(RiskBreach::OrderValue { limit, value });
            }
        }
        if let Some(limit) = self.max_position
            && order.side == Side::Buy
        {
            let position = order
                .position_before
                .0
                .checked_add(order.quantity.0)
                .and_then(|shares| order.price.checked_mul_qty(Quantity(shares)))
                .unwrap_or(Money(i64::MAX));
            if !within_share(position, limit, order.equity) {
                return Err(RiskBreach::Position {
                    limit,
                    symbol: order.symbol,
                    position,
                    equity: order.equity,
                });
            }
        }
        Ok(())
    }
}

/// A share as a percentage: 250,000 ppm is 25.
pub fn percent(share: Rate) -> rust_decimal::Decimal {
    (share.to_decimal() * rust_decimal::Decimal::ONE_HUNDRED).normalize()
}

/// `position <= limit x equity`, exactly (no rounding of the product).
fn within_share(position: Money, limit: Rate, equity: Money) -> bool {
    if equity <= Money::ZERO {
        return position <= Money::ZERO;
    }
    i128::from(position.0) * 1_000_000 <= i128::from(limit.ppm()) * i128::from(equity.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buy(quantity: u64, price: i64) -> RiskCheck {
        RiskCheck {
            symbol: Symbol::new("ACME").unwrap(),
            side: Side::Buy,
            quantity: Quantity(quantity),
            price: Money(price),
            open_orders: 0,
            position_before: Quantity::ZERO,
            equity: Money(1_000_000),
        }
    }

    #[test]
    fn no_limits_accept_anything() {
        let mut order = buy(u64::MAX, i64::MAX);
        order.open_orders = usize::MAX;
        assert_eq!(RiskLimits::NONE.check(&order), Ok(()));
    }

    #[test]
    fn order_value_is_quantity_times_the_worst_price() {
        let limits = RiskLimits {
            max_order_value: Some(Money(50_000)),
            ..RiskLimits::NONE
        };
        assert_eq!(limits.check(&buy(5, 10_000)), Ok(()));
        assert_eq!(
            limits.check(&buy(5, 10_001)),
            Err(RiskBreach::OrderValue {
                limit: Money(50_000),
                value: Money(50_005)
            })
        );
        let mut sell = buy(6, 10_000);
        sell.side = Side::Sell;
        assert!(limits.check(&sell).is_err(), "sells are orders too");
    }

    #[test]
    fn an_overflowing_value_is_a_breach() {
        let limits = RiskLimits {
            max_order_value: Some(Money(i64::MAX - 1)),
            ..RiskLimits::NONE
        };
        assert!(limits.check(&buy(u64::MAX, i64::MAX)).is_err());
    }

    #[test]
    fn position_counts_held_and_pending_shares_against_equity() {
        // 25% of 10,000.00 is 2,500.00: 20 shares at 100.00 held or pending
        // plus 5 more is exactly the limit; a sixth share is over it.
        let limits = RiskLimits {
            max_position: Some(Rate::from_ppm(250_000).unwrap()),
            ..RiskLimits::NONE
        };
        let mut order = buy(5, 10_000);
        order.position_before = Quantity(20);
        assert_eq!(limits.check(&order), Ok(()));
        order.quantity = Quantity(6);
        let breach = limits.check(&order).unwrap_err();
        assert_eq!(breach.limit_name(), "maxPositionPercent");
        assert_eq!(
            breach,
            RiskBreach::Position {
                limit: Rate::from_ppm(250_000).unwrap(),
                symbol: order.symbol,
                position: Money(260_000),
                equity: Money(1_000_000),
            }
        );
        assert!(breach.to_string().contains("25%"), "{breach}");
    }

    #[test]
    fn sells_are_not_held_to_the_position_limit() {
        let limits = RiskLimits {
            max_position: Some(Rate::ZERO),
            ..RiskLimits::NONE
        };
        let mut order = buy(1_000, 10_000);
        order.side = Side::Sell;
        assert_eq!(limits.check(&order), Ok(()));
    }

    #[test]
    fn no_equity_allows_no_buy_under_a_position_limit() {
        let limits = RiskLimits {
            max_position: Some(Rate::from_ppm(1_000_000).unwrap()),
            ..RiskLimits::NONE
        };
        let mut order = buy(1, 1);
        order.equity = Money::ZERO;
        assert!(limits.check(&order).is_err());
    }

    #[test]
    fn open_orders_count_before_this_one() {
        let limits = RiskLimits {
            max_open_orders: Some(2),
            ..RiskLimits::NONE
        };
        let mut order = buy(1, 1);
        order.open_orders = 1;
        assert_eq!(limits.check(&order), Ok(()));
        order.open_orders = 2;
        assert_eq!(
            limits.check(&order),
            Err(RiskBreach::OpenOrders { limit: 2, open: 2 })
        );
    }
}
