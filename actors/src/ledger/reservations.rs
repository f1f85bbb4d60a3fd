//! Open orders' holds on an account: a buy sets aside the most it can cost,
//! a sell the shares it offers (no short selling) and its minimum commission.

use super::arith::{add, notional};
use super::fees::{Charges, FeeSchedule};
use super::{Account, LedgerError};
use crate::types::{Money, OrderId, Quantity, Side, Symbol};

/// An order as the account sees it before it goes to the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OrderTicket {
    pub order: OrderId,
    pub symbol: Symbol,
    pub side: Side,
    pub quantity: Quantity,
    /// The worst price per share the order accepts: its limit, or for a
    /// market or stop order the protection price the caller sets. Buys fill
    /// at or below it, sells at or above it.
    pub price: Money,
}

/// What an open order holds aside, and what it has traded and been charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Reservation {
    pub order: OrderId,
    pub symbol: Symbol,
    pub side: Side,
    pub quantity: Quantity,
    pub filled: Quantity,
    /// The ticket's price: fills beyond it are refused.
    pub limit: Money,
    /// The schedule in force when the order was placed; its fills pay by it.
    pub fees: FeeSchedule,
    /// Cash still set aside: for a buy, what its unfilled part may yet
    /// cost; for a sell, what is left of its minimum commission.
    pub cash: Money,
    /// Shares still set aside (sells only).
    pub shares: Quantity,
    /// The order's running totals.
    pub charged: Charges,
}

impl Reservation {
    pub fn unfilled(&self) -> Quantity {
        self.quantity - self.filled
    }
}

/// What ending an order gave back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Released {
    pub order: OrderId,
    pub symbol: Symbol,
    pub side: Side,
    pub filled: Quantity,
    /// Cash and shares returned to available.
    pub cash: Money,
    pub shares: Quantity,
    /// Commission a sale owed but could not pay from its proceeds and
    /// reserve (see [`Charges`]); the brokerage waives it. Zero for buys.
    pub commission_waived: Money,
}

impl Account {
    /// Sets aside what `ticket` needs, to be charged by its fills under
    /// `fees`. Refused (changing nothing) when the account cannot cover it.
    pub fn reserve(
        &mut self,
        ticket: &OrderTicket,
        fees: &FeeSchedule,
    ) -> Result<Reservation, LedgerError> {
        let reservation = self.check_ticket(ticket, fees)?;
        // Both fit: they were checked against what is available.
        self.reserved_cash += reservation.cash;
        if let Some(holding) = self.holdings.get_mut(&ticket.symbol) {
            holding.reserved += reservation.shares;
        }
        self.reservations.insert(ticket.order, reservation);
        Ok(reservation)
    }

    /// The order ended (filled, cancelled, expired or rejected): what is
    /// left of its reservation becomes available again.
    pub fn release(&mut self, order: OrderId) -> Result<Released, LedgerError> {
        let reservation = self
            .reservations
            .remove(&order)
            .ok_or(LedgerError::UnknownOrder(order))?;
        // Most accounts have an order open now and then: an idle one holds
        // no table (a market of 100,000 bots is 100,000 of them).
        if self.reservations.is_empty() {
            self.reservations.shrink_to_fit();
        }
        self.reserved_cash -= reservation.cash;
        if let Some(holding) = self.holdings.get_mut(&reservation.symbol) {
            holding.reserved -= reservation.shares;
        }
        Ok(Released {
            order,
            symbol: reservation.symbol,
            side: reservation.side,
            filled: reservation.filled,
            cash: reservation.cash,
            shares: reservation.shares,
            commission_waived: reservation.charged.commission_unpaid(&reservation.fees),
        })
    }

    /// The order's quantity went down by `by` while it keeps its place in
    /// the book: what the lost part held becomes available at once. A
    /// reduction that would leave nothing unfilled is a cancel, not this.
    pub fn shrink(&mut self, order: OrderId, by: Quantity) -> Result<Reservation, LedgerError> {
        let mut reservation = *self
            .reservations
            .get(&order)
            .ok_or(LedgerError::UnknownOrder(order))?;
        if by.is_zero() || by >= reservation.unfilled() {
            return Err(LedgerError::Overfill {
                order,
                unfilled: reservation.unfilled(),
                quantity: by,
            });
        }
        reservation.quantity -= by;
        let cash = match reservation.side {
            // What the rest may still cost at the limit, plus the commission
            // the order will then owe on all it traded, less what it was
            // charged already. Never more than before: fills were at or
            // below the limit and commission only grows with notional.
            Side::Buy => {
                let rest = notional(reservation.limit, reservation.unfilled())?;
                let total = add(reservation.charged.notional, rest)?;
                let commission =
                    reservation.fees.commission_on(total) - reservation.charged.commission;
                add(rest, commission)?.min(reservation.cash)
            }
            // A sale keeps what is left of its minimum commission.
            Side::Sell => reservation.cash,
        };
        let shares = match reservation.side {
            Side::Buy => Quantity::ZERO,
            Side::Sell => reservation.unfilled(),
        };
        self.reserved_cash -= reservation.cash - cash;
        if let Some(holding) = self.holdings.get_mut(&reservation.symbol) {
            holding.reserved -= reservation.shares - shares;
        }
        reservation.cash = cash;
        reservation.shares = shares;
        self.reservations.insert(order, reservation);
        Ok(reservation)
    }

    /// Sets aside `cash` (and, for a sale, `shares` of `symbol`) under
    /// `order` before it trades: what a replacement order will need beyond
    /// what the order it replaces gives back, so that nothing else takes it
    /// meanwhile. Released like any reservation; refused, changing nothing,
    /// when the account cannot cover it.
    pub fn hold(
        &mut self,
        order: OrderId,
        symbol: Symbol,
        side: Side,
        cash: Money,
        shares: Quantity,
        fees: &FeeSchedule,
    ) -> Result<Reservation, LedgerError> {
        if self.reservations.contains_key(&order) {
            return Err(LedgerError::DuplicateOrder(order));
        }
        let shares = match side {
            Side::Buy => Quantity::ZERO,
            Side::Sell => shares,
        };
        if !shares.is_zero() {
            self.check_shares(symbol, shares)?;
        }
        let available = self.available_cash();
        if cash.is_negative() || cash > available {
            return Err(LedgerError::InsufficientFunds {
                needed: cash,
                available,
            });
        }
        let reservation = Reservation {
            order,
            symbol,
            side,
            quantity: shares,
            filled: Quantity::ZERO,
            limit: Money::ZERO,
            fees: *fees,
            cash,
            shares,
            charged: Charges::default(),
        };
        self.reserved_cash += cash;
        if let Some(holding) = self.holdings.get_mut(&symbol) {
            holding.reserved += shares;
        }
        self.reservations.insert(order, reservation);
        Ok(reservation)
    }

    fn check_ticket(
        &self,
        ticket: &OrderTicket,
        fees: &FeeSchedule,
    ) -> Result<Reservation, LedgerError> {
        if self.reservations.contains_key(&ticket.order) {
            return Err(LedgerError::DuplicateOrder(ticket.order));
        }
        if ticket.quantity.is_zero() {
            return Err(LedgerError::ZeroQuantity);
        }
        if ticket.price <= Money::ZERO {
            return Err(LedgerError::InvalidPrice(ticket.price));
        }
        let (cash, shares) = match ticket.side {
            Side::Buy => (
                fees.buy_reservation(ticket.quantity, ticket.price)?,
                Quantity::ZERO,
            ),
            Side::Sell => {
                self.check_shares(ticket.symbol, ticket.quantity)?;
                // So that a sale too small to pay its minimum commission
                // from its proceeds can still pay it.
                (fees.min_commission(), ticket.quantity)
            }
        };
        let available = self.available_cash();
        if cash > available {
            return Err(LedgerError::InsufficientFunds {
                needed: cash,
                available,
            });
        }
        Ok(Reservation {
            order: ticket.order,
            symbol: ticket.symbol,
            side: ticket.side,
            quantity: ticket.quantity,
            filled: Quantity::ZERO,
            limit: ticket.price,
            fees: *fees,
            cash,
            shares,
            charged: Charges::default(),
        })
    }

    fn check_shares(&self, symbol: Symbol, needed: Quantity) -> Result<(), LedgerError> {
        let available = self
            .holdings
            .get(&symbol)
            .map_or(Quantity::ZERO, |holding| holding.available());
        if needed > available {
            return Err(LedgerError::InsufficientShares {
                symbol,
                needed,
                available,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::*;

    #[test]
    fn a_buy_reserves_notional_and_commission_at_its_limit() {
        let mut account = funded(Money(200_000));
        // 10 x 110.00 + 0.16
        let reservation =
            reserve_buy(&mut account, &FeeSchedule::default(), 1, 10, 11_000).unwrap();
        assert_eq!(reservation.cash, Money(110_016));
        assert_eq!(account.reserved_cash(), Money(110_016));
        assert_eq!(account.available_cash(), Money(89_984));
        assert_eq!(account.reservation(OrderId(1)), Some(&reservation));
        assert_eq!(account.check_invariants(), Ok(()));
    }

    #[test]
    fn a_sell_reserves_shares_and_its_minimum_commission() {
        let mut account = funded(Money(1_000));
        account
            .allot(acme(), Quantity(100), Money(5_000), T0)
            .unwrap();
        let fees = with_minimum(Money(500));
        let reservation = reserve_sell(&mut account, &fees, 1, 60, 5_100).unwrap();
        assert_eq!(
            (reservation.shares, reservation.cash),
            (Quantity(60), Money(500))
        );
        let holding = account.holding(acme()).unwrap();
        assert_eq!(
            (holding.reserved, holding.available),
            (Quantity(60), Quantity(40))
        );
        assert_eq!(account.available_cash(), Money(500));
        assert_eq!(account.check_invariants(), Ok(()));
    }

    #[test]
    fn a_failed_reservation_changes_nothing() {
        let mut account = funded(Money(100_000));
        account
            .allot(acme(), Quantity(10), Money(5_000), T0)
            .unwrap();
        reserve_buy(&mut account, &zero_fees(), 1, 1, 100).unwrap();
        let before = account.clone();
        let fees = FeeSchedule::default();
        let failures = [
            // 10 x 100.00 + 0.15 > 999.00
            (
                OrderTicket {
                    order: OrderId(2),
                    ..buy_ticket(10, 10_000)
                },
                LedgerError::InsufficientFunds {
                    needed: Money(100_015),
                    available: Money(99_900),
                },
            ),
            (
                OrderTicket {
                    order: OrderId(2),
                    ..sell_ticket(11, 5_000)
                },
                LedgerError::InsufficientShares {
                    symbol: acme(),
                    needed: Quantity(11),
                    available: Quantity(10),
                },
            ),
            (
                OrderTicket {
                    order: OrderId(1),
                    ..buy_ticket(1, 100)
                },
                LedgerError::DuplicateOrder(OrderId(1)),
            ),
            (
                OrderTicket {
                    order: OrderId(2),
                    ..buy_ticket(0, 100)
                },
                LedgerError::ZeroQuantity,
            ),
            (
                OrderTicket {
                    order: OrderId(2),
                    ..buy_ticket(1, 0)
                },
                LedgerError::InvalidPrice(Money::ZERO),
            ),
            (
                OrderTicket {
                    order: OrderId(2),
                    ..buy_ticket(u64::MAX, 100)
                },
                LedgerError::Overflow,
            ),
        ];
        for (ticket, error) in failures {
            assert_eq!(account.reserve(&ticket, &fees), Err(error), "{ticket:?}");
            assert_eq!(account, before);
        }
        let no_cash_for_the_minimum = OrderTicket {
            order: OrderId(2),
            ..sell_ticket(1, 5_000)
        };
        assert!(matches!(
            account.reserve(&no_cash_for_the_minimum, &with_minimum(Money(100_000))),
            Err(LedgerError::InsufficientFunds { .. })
        ));
        assert_eq!(account, before);
    }

    #[test]
    fn no_short_selling_of_shares_not_held() {
        let mut account = funded(Money(100_000));
        assert_eq!(
            reserve_sell(&mut account, &zero_fees(), 1, 1, 100),
            Err(LedgerError::InsufficientShares {
                symbol: acme(),
                needed: Quantity(1),
                available: Quantity::ZERO
            })
        );
    }

    #[test]
    fn release_without_fills_returns_everything() {
        let mut account = funded(Money(100_000));
        account
            .allot(acme(), Quantity(10), Money(5_000), T0)
            .unwrap();
        let fees = with_minimum(Money(500));
        reserve_buy(&mut account, &fees, 1, 10, 5_000).unwrap();
        reserve_sell(&mut account, &fees, 2, 10, 5_000).unwrap();
        let bought = account.release(OrderId(1)).unwrap();
        let sold = account.release(OrderId(2)).unwrap();
        assert_eq!(
            (bought.cash, bought.shares),
            (Money(50_500), Quantity::ZERO)
        );
        assert_eq!((sold.cash, sold.shares), (Money(500), Quantity(10)));
        assert_eq!(account.reserved_cash(), Money::ZERO);
        assert_eq!(account.holding(acme()).unwrap().available, Quantity(10));
        assert_eq!(
            account.release(OrderId(1)),
            Err(LedgerError::UnknownOrder(OrderId(1)))
        );
        assert_eq!(account.check_invariants(), Ok(()));
    }

    #[test]
    fn shrinking_a_buy_frees_its_lost_part_at_once() {
        let mut account = funded(Money(200_000));
        let fees = with_minimum(Money(500));
        // 10 x 100.00 with a 5.00 minimum commission: 1,005.00 reserved.
        reserve_buy(&mut account, &fees, 1, 10, 10_000).unwrap();
        account
            .settle_fill(&fill(1, 4, 9_000, T0))
            .expect("4 at 90.00 (360.00, 5.00 commission)");
        // Left: 6 at 100.00, and no more commission (the minimum was paid).
        assert_eq!(account.reservation(OrderId(1)).unwrap().cash, Money(64_000));
        let shrunk = account.shrink(OrderId(1), Quantity(4)).unwrap();
        // 2 at 100.00 is all the rest can cost.
        assert_eq!((shrunk.quantity, shrunk.cash), (Quantity(6), Money(20_000)));
        assert_eq!(account.reserved_cash(), Money(20_000));
        assert_eq!(account.check_invariants(), Ok(()));
    }

    #[test]
    fn shrinking_a_sale_frees_its_shares_and_keeps_its_minimum_commission() {
        let mut account = funded(Money(1_000));
        account
            .allot(acme(), Quantity(100), Money(5_000), T0)
            .unwrap();
        let fees = with_minimum(Money(500));
        reserve_sell(&mut account, &fees, 1, 60, 5_100).unwrap();
        let shrunk = account.shrink(OrderId(1), Quantity(50)).unwrap();
        assert_eq!((shrunk.shares, shrunk.cash), (Quantity(10), Money(500)));
        assert_eq!(account.holding(acme()).unwrap().available, Quantity(90));
        assert_eq!(account.check_invariants(), Ok(()));
    }

    #[test]
    fn a_shrink_that_leaves_nothing_is_refused() {
        let mut account = funded(Money(200_000));
        reserve_buy(&mut account, &zero_fees(), 1, 10, 10_000).unwrap();
        let before = account.clone();
        assert!(account.shrink(OrderId(1), Quantity(10)).is_err());
        assert!(account.shrink(OrderId(1), Quantity::ZERO).is_err());
        assert!(account.shrink(OrderId(2), Quantity(1)).is_err());
        assert_eq!(account, before);
    }

    #[test]
    fn a_hold_sets_aside_what_is_available_and_is_released_like_a_reservation() {
        let mut account = funded(Money(1_000));
        account
            .allot(acme(), Quantity(10), Money(5_000), T0)
            .unwrap();
        let fees = zero_fees();
        assert!(matches!(
            account.hold(
                OrderId(1),
                acme(),
                Side::Buy,
                Money(1_001),
                Quantity::ZERO,
                &fees
            ),
            Err(LedgerError::InsufficientFunds { .. })
        ));
        assert!(matches!(
            account.hold(
                OrderId(1),
                acme(),
                Side::Sell,
                Money::ZERO,
                Quantity(11),
                &fees
            ),
            Err(LedgerError::InsufficientShares { .. })
        ));
        account
            .hold(
                OrderId(1),
                acme(),
                Side::Sell,
                Money(300),
                Quantity(4),
                &fees,
            )
            .unwrap();
        assert_eq!(account.available_cash(), Money(700));
        assert_eq!(account.holding(acme()).unwrap().available, Quantity(6));
        assert_eq!(account.check_invariants(), Ok(()));
        account.release(OrderId(1)).unwrap();
        assert_eq!(account.available_cash(), Money(1_000));
        assert_eq!(account.holding(acme()).unwrap().available, Quantity(10));
        assert_eq!(account.check_invariants(), Ok(()));
    }
}
