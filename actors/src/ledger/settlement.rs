//! Settling a fill against its order's reservation: cash, shares, lots,
//! realized gains and journal entries move together, or not at all.

use std::ops::Range;

use super::arith::{add, notional};
use super::entries::{LedgerKind, Origin};
use super::fees::Charges;
use super::holdings::FittingLot;
use super::lots::{self, Lot, LotChange, Sale};
use super::reservations::Reservation;
use super::{Account, LedgerError};
use crate::types::{Money, OrderId, Quantity, Side, Symbol, Timestamp, TradeId};

/// One execution of an order this account reserved for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fill {
    pub order: OrderId,
    pub trade: TradeId,
    /// Per share.
    pub price: Money,
    pub quantity: Quantity,
    pub at: Timestamp,
}

/// What settling a fill did.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Settlement {
    pub order: OrderId,
    pub trade: TradeId,
    pub symbol: Symbol,
    pub side: Side,
    pub quantity: Quantity,
    pub price: Money,
    /// This fill's notional, commission and tax.
    pub charges: Charges,
    /// Signed change of cash: what a buy paid, or what a sale brought in net
    /// of its charges.
    pub cash_delta: Money,
    /// What the order has left to fill.
    pub unfilled: Quantity,
    /// Indices into [`Account::entries`] of the entries this fill made.
    pub entries: Range<usize>,
    /// Indices into [`Account::realized`] of the gains this fill realized.
    pub realized: Range<usize>,
}

impl Account {
    /// Books `fill` against its order's reservation. A fill for an unknown
    /// order, beyond the order's limit or larger than what it has left is
    /// refused and changes nothing.
    pub fn settle_fill(&mut self, fill: &Fill) -> Result<Settlement, LedgerError> {
        let mut order = *self
            .reservations
            .get(&fill.order)
            .ok_or(LedgerError::UnknownOrder(fill.order))?;
        let notional = check_fill(&order, fill)?;
        let part = match order.side {
            Side::Buy => self.settle_buy(&mut order, fill, notional)?,
            Side::Sell => self.settle_sell(&mut order, fill, notional)?,
        };
        order.filled += fill.quantity;
        self.reservations.insert(order.order, order);
        Ok(part.settlement(&order, fill))
    }

    fn settle_buy(
        &mut self,
        order: &mut Reservation,
        fill: &Fill,
        notional: Money,
    ) -> Result<Part, LedgerError> {
        let (charged, charges) = order.charged.after_buy(&order.fees, notional)?;
        let lot = Lot {
            id: self.next_lot,
            bought: fill.quantity,
            quantity: fill.quantity,
            price: fill.price,
            acquired_at: fill.at,
            fee: charges.commission,
        };
        let fitting = FittingLot::check(self.holdings.get(&order.symbol), lot)?;

        // Within the reservation: the fill is at or below the limit and
        // commission only grows with notional (`FeeSchedule::buy_reservation`).
        let spend = notional + charges.commission;
        self.holdings.entry(order.symbol).or_default().open(fitting);
        self.next_lot += 1;
        self.lot_changes.push(LotChange::Opened {
            symbol: order.symbol,
            lot,
        });
        let entries = self.post_fill(order, fill, LedgerKind::Buy, -notional, &charges);
        self.reserved_cash -= spend;
        order.cash -= spend;
        order.charged = charged;
        Ok(Part {
            charges,
            cash_delta: -spend,
            entries,
            realized: self.realized.len()..self.realized.len(),
        })
    }

    fn settle_sell(
        &mut self,
        order: &mut Reservation,
        fill: &Fill,
        notional: Money,
    ) -> Result<Part, LedgerError> {
        let (charged, charges) = order
            .charged
            .after_sell(&order.fees, notional, order.cash)?;
        // Entries credit the notional before debiting the charges, so that
        // step must fit; the charges never take more than it plus the reserve.
        add(self.cash, notional)?;
        let realized = self.sell_lots(order, fill, charges.costs())?;

        let entries = self.post_fill(order, fill, LedgerKind::Sell, notional, &charges);
        // What the charges took beyond the proceeds came out of the reserve.
        let drawn = (charges.costs() - notional).max(Money::ZERO);
        self.reserved_cash -= drawn;
        order.cash -= drawn;
        order.shares -= fill.quantity;
        order.charged = charged;
        Ok(Part {
            charges,
            cash_delta: notional - charges.costs(),
            entries,
            realized,
        })
    }

    /// Takes the sold shares from the oldest lots and records a realized
    /// gain per lot; the last step of a sale that can fail, so on error
    /// nothing has changed.
    fn sell_lots(
        &mut self,
        order: &Reservation,
        fill: &Fill,
        costs: Money,
    ) -> Result<Range<usize>, LedgerError> {
        let holding =
            self.holdings
                .get_mut(&order.symbol)
                .ok_or(LedgerError::InsufficientShares {
                    symbol: order.symbol,
                    needed: fill.quantity,
                    available: Quantity::ZERO,
                })?;
        let sale = Sale {
            symbol: order.symbol,
            order: order.order,
            trade: fill.trade,
            quantity: fill.quantity,
            price: fill.price,
            costs,
            at: fill.at,
        };
        let start = self.realized.len();
        self.realized_total = lots::realize(
            &holding.lots,
            &sale,
            self.realized_total,
            &mut self.realized,
        )?;
        holding.cost -= lots::consume(
            order.symbol,
            &mut holding.lots,
            &self.realized[start..],
            &mut self.lot_changes,
        );
        holding.quantity -= fill.quantity;
        holding.reserved -= fill.quantity;
        // A position sold out is gone, not a holding of nothing (reserved
        // never exceeds what is held, so nothing is reserved either).
        if holding.quantity.is_zero() {
            self.holdings.remove(&order.symbol);
        }
        Ok(start..self.realized.len())
    }

    /// Journals a fill: the trade's notional, then its commission and tax,
    /// each only if there is one.
    fn post_fill(
        &mut self,
        order: &Reservation,
        fill: &Fill,
        kind: LedgerKind,
        notional: Money,
        charges: &Charges,
    ) -> Range<usize> {
        let start = self.journal.len();
        let origin = Origin::trade(order.symbol, order.order, fill.trade, fill.at);
        self.journal.post(&mut self.cash, kind, notional, origin);
        for (kind, charge) in [
            (LedgerKind::Fee, charges.commission),
            (LedgerKind::Tax, charges.tax),
        ] {
            if charge != Money::ZERO {
                self.journal.post(&mut self.cash, kind, -charge, origin);
            }
        }
        start..self.journal.len()
    }
}

/// The quantity, price and limit of `fill` checked against its order; its
/// notional.
fn check_fill(order: &Reservation, fill: &Fill) -> Result<Money, LedgerError> {
    if fill.quantity.is_zero() {
        return Err(LedgerError::ZeroQuantity);
    }
    if fill.quantity > order.unfilled() {
        return Err(LedgerError::Overfill {
            order: order.order,
            unfilled: order.unfilled(),
            quantity: fill.quantity,
        });
    }
    if fill.price <= Money::ZERO {
        return Err(LedgerError::InvalidPrice(fill.price));
    }
    let beyond = match order.side {
        Side::Buy => fill.price > order.limit,
        Side::Sell => fill.price < order.limit,
    };
    if beyond {
        return Err(LedgerError::BeyondLimit {
            order: order.order,
            limit: order.limit,
            price: fill.price,
        });
    }
    notional(fill.price, fill.quantity)
}

/// The side-specific half of a [`Settlement`].
struct Part {
    charges: Charges,
    cash_delta: Money,
    entries: Range<usize>,
    realized: Range<usize>,
}

impl Part {
    fn settlement(self, order: &Reservation, fill: &Fill) -> Settlement {
        Settlement {
            order: order.order,
            trade: fill.trade,
            symbol: order.symbol,
            side: order.side,
            quantity: fill.quantity,
            price: fill.price,
            charges: self.charges,
            cash_delta: self.cash_delta,
            unfilled: order.unfilled(),
            entries: self.entries,
            realized: self.realized,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::super::{Charges, FeeSchedule, LedgerKind, LedgerLimits};
    use super::*;
    use crate::types::{AccountId, Rate};

    fn gains(account: &Account) -> Vec<(u64, Money, Money)> {
        account
            .realized()
            .iter()
            .map(|row| (row.quantity.0, row.buy_price, row.gain))
            .collect()
    }

    fn lots(account: &Account) -> Vec<(u64, Money, Money)> {
        account
            .lots(acme())
            .map(|lot| (lot.quantity.0, lot.price, lot.fee))
            .collect()
    }

    #[test]
    fn fifo_without_fees() {
        let mut account = funded(Money::from_major(10_000));
        let fees = zero_fees();
        buy(&mut account, &fees, 1, 10, 10_000, T0);
        buy(&mut account, &fees, 2, 10, 11_000, T0.plus_millis(1));
        sell(&mut account, &fees, 3, 15, 12_000, T0.plus_millis(2));
        // 10 x (120 - 100) = 200.00; 5 x (120 - 110) = 50.00
        assert_eq!(
            gains(&account),
            [
                (10, Money(10_000), Money(20_000)),
                (5, Money(11_000), Money(5_000))
            ]
        );
        assert_eq!(lots(&account), [(5, Money(11_000), Money::ZERO)]);
        assert_eq!(account.realized_total(), Money(25_000));
        assert_eq!(account.check_invariants(), Ok(()));
    }

    #[test]
    fn fifo_with_commission_and_tax() {
        let mut account = funded(Money::from_major(10_000));
        let fees = FeeSchedule::default();
        // Buys: 1000.00 x 0.015% = 0.15; 1100.00 x 0.015% = 0.165 -> 0.16
        // (half to even).
        assert_eq!(
            buy(&mut account, &fees, 1, 10, 10_000, T0)
                .charges
                .commission,
            Money(15)
        );
        assert_eq!(
            buy(&mut account, &fees, 2, 10, 11_000, T0)
                .charges
                .commission,
            Money(16)
        );
        // Sale of 15 @ 120.00 = 1800.00: commission 0.27, tax 0.18% = 3.24;
        // costs 3.51.
        let sold = sell(&mut account, &fees, 3, 15, 12_000, T0);
        assert_eq!(
            (sold.charges.commission, sold.charges.tax),
            (Money(27), Money(324))
        );
        // First lot, all 10 of 10 shares: its whole fee 0.15, and 10/15 of
        // the costs = 2.34: 200.00 - 0.15 - 2.34 = 197.51.
        // Second lot, 5 of 10 shares: 0.16 x 5/10 = 0.08 of its fee, and the
        // costs left, 3.51 - 2.34 = 1.17: 50.00 - 0.08 - 1.17 = 48.75.
        assert_eq!(
            gains(&account),
            [
                (10, Money(10_000), Money(19_751)),
                (5, Money(11_000), Money(4_875))
            ]
        );
        let rows = account.realized();
        assert_eq!(
            (rows[0].buy_fee, rows[0].sell_costs),
            (Money(15), Money(234))
        );
        assert_eq!(
            (rows[1].buy_fee, rows[1].sell_costs),
            (Money(8), Money(117))
        );
        // The rest of the second lot keeps the rest of its fee: 5 @ 110.00
        // + 0.08 = 550.08, 110.016 a share.
        assert_eq!(lots(&account), [(5, Money(11_000), Money(8))]);
        let holding = account.holding(acme()).unwrap();
        assert_eq!(holding.cost_basis, Money(55_008));
        assert_eq!(
            holding.average_cost(),
            Some(rust_decimal_macros::dec!(110.016))
        );
        // 10,000.00 - 1000.15 - 1100.16 + 1800.00 - 3.51
        assert_eq!(account.cash(), Money(969_618));
        let kinds: Vec<LedgerKind> = account.entries().iter().map(|e| e.kind).collect();
        use LedgerKind::*;
        assert_eq!(kinds, [Deposit, Buy, Fee, Buy, Fee, Sell, Fee, Tax]);
        assert_eq!(account.check_invariants(), Ok(()));
    }

    #[test]
    fn a_settlement_points_at_its_entries_and_gains() {
        let mut account = funded(Money::from_major(10_000));
        let fees = FeeSchedule::default();
        buy(&mut account, &fees, 1, 10, 10_000, T0);
        let sold = sell(&mut account, &fees, 2, 4, 12_000, T0);
        assert_eq!(sold.entries, 3..6);
        assert_eq!(sold.realized, 0..1);
        assert_eq!(sold.unfilled, Quantity::ZERO);
        let credited: Money = account.entries()[sold.entries.clone()]
            .iter()
            .map(|e| e.amount)
            .sum();
        assert_eq!(credited, sold.cash_delta);
        assert_eq!(
            sold.cash_delta,
            sold.charges.notional - sold.charges.costs()
        );
    }

    #[test]
    fn zero_charges_make_no_entries() {
        let mut account = funded(Money::from_major(10_000));
        buy(&mut account, &zero_fees(), 1, 10, 10_000, T0);
        sell(&mut account, &zero_fees(), 2, 10, 10_000, T0);
        let kinds: Vec<LedgerKind> = account.entries().iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [LedgerKind::Deposit, LedgerKind::Buy, LedgerKind::Sell]
        );
    }

    #[test]
    fn partial_fills_then_release_return_exactly_the_rest() {
        let mut account = funded(Money::from_major(2_000));
        let fees = FeeSchedule::default();
        // 10 @ 100.00: 1000.00 + 0.15 reserved.
        assert_eq!(
            reserve_buy(&mut account, &fees, 1, 10, 10_000)
                .unwrap()
                .cash,
            Money(100_015)
        );
        // 3 @ 99.00 = 297.00, commission 0.04455 -> 0.04.
        let first = account.settle_fill(&fill(1, 3, 9_900, T0)).unwrap();
        assert_eq!(
            (first.charges.commission, first.cash_delta, first.unfilled),
            (Money(4), Money(-29_704), Quantity(7))
        );
        // 4 @ 100.00: 697.00 in all owes 0.10455 -> 0.10, so 0.06 more.
        let second = account.settle_fill(&fill(1, 4, 10_000, T0)).unwrap();
        assert_eq!(
            (second.charges.commission, second.cash_delta),
            (Money(6), Money(-40_006))
        );
        assert_eq!(account.reserved_cash(), Money(100_015 - 29_704 - 40_006));
        assert_eq!(account.check_invariants(), Ok(()));

        let released = account.release(OrderId(1)).unwrap();
        assert_eq!(
            (released.filled, released.cash, released.shares),
            (Quantity(7), Money(30_305), Quantity::ZERO)
        );
        assert_eq!(released.commission_waived, Money::ZERO);
        assert_eq!(account.reserved_cash(), Money::ZERO);
        assert_eq!(account.cash(), Money(200_000 - 69_710));
        assert_eq!(account.holding(acme()).unwrap().quantity, Quantity(7));
        assert_eq!(account.check_invariants(), Ok(()));
    }

    #[test]
    fn partial_sell_then_release_returns_the_unsold_shares() {
        let mut account = funded(Money(1_000));
        account
            .allot(acme(), Quantity(10), Money(5_000), T0)
            .unwrap();
        let fees = with_minimum(Money(100));
        reserve_sell(&mut account, &fees, 1, 8, 5_000).unwrap();
        account.settle_fill(&fill(1, 3, 5_000, T0)).unwrap();
        let holding = account.holding(acme()).unwrap();
        assert_eq!(
            (holding.quantity, holding.reserved),
            (Quantity(7), Quantity(5))
        );
        let released = account.release(OrderId(1)).unwrap();
        // 150.00 of proceeds paid the 1.00 minimum: the reserve comes back.
        assert_eq!((released.shares, released.cash), (Quantity(5), Money(100)));
        assert_eq!(account.holding(acme()).unwrap().available, Quantity(7));
        assert_eq!(account.check_invariants(), Ok(()));
    }

    #[test]
    fn a_buy_filled_at_its_limit_spends_exactly_its_reservation() {
        let mut account = funded(Money::from_major(2_000));
        let fees = FeeSchedule::default();
        reserve_buy(&mut account, &fees, 1, 10, 11_000).unwrap();
        for _ in 0..10 {
            account.settle_fill(&fill(1, 1, 11_000, T0)).unwrap();
        }
        let order = account.reservation(OrderId(1)).unwrap();
        assert_eq!(order.cash, Money::ZERO);
        assert_eq!(order.charged.commission, Money(16));
        assert_eq!(account.check_invariants(), Ok(()));
    }

    #[test]
    fn the_minimum_commission_is_per_order() {
        let mut account = funded(Money::from_major(1_000));
        let fees = with_minimum(Money(500));
        // 10 @ 10.00 owes 0.015 -> 0.02, below the 5.00 minimum.
        assert_eq!(
            reserve_buy(&mut account, &fees, 1, 10, 1_000).unwrap().cash,
            Money(10_500)
        );
        let first = account.settle_fill(&fill(1, 4, 1_000, T0)).unwrap();
        let second = account.settle_fill(&fill(1, 6, 1_000, T0)).unwrap();
        assert_eq!(
            (first.charges.commission, second.charges.commission),
            (Money(500), Money::ZERO)
        );
        // The first lot carries the whole minimum.
        assert_eq!(
            lots(&account),
            [
                (4, Money(1_000), Money(500)),
                (6, Money(1_000), Money::ZERO)
            ]
        );
        account.release(OrderId(1)).unwrap();
        assert_eq!(account.cash(), Money(100_000 - 10_500));
        assert_eq!(account.check_invariants(), Ok(()));
    }

    #[test]
    fn a_tiny_sale_pays_its_minimum_from_the_reserve() {
        let mut account = funded(Money(500));
        account.allot(acme(), Quantity(10), Money(100), T0).unwrap();
        let fees = with_minimum(Money(500));
        reserve_sell(&mut account, &fees, 1, 1, 100).unwrap();
        assert_eq!(account.available_cash(), Money::ZERO);
        // Selling 1 @ 1.00 owes 5.00 commission and 0.0018 -> 0.00 tax.
        let sold = account.settle_fill(&fill(1, 1, 100, T0)).unwrap();
        assert_eq!(
            (sold.charges.commission, sold.charges.tax, sold.cash_delta),
            (Money(500), Money::ZERO, Money(-400))
        );
        assert_eq!(
            (account.cash(), account.reserved_cash()),
            (Money(100), Money(100))
        );
        // -5.00 on 1 share: 1.00 - 1.00 - 5.00
        assert_eq!(account.realized_total(), Money(-500));
        assert_eq!(account.check_invariants(), Ok(()));
        let released = account.release(OrderId(1)).unwrap();
        assert_eq!(released.cash, Money(100));
        assert_eq!(account.available_cash(), Money(100));
    }

    #[test]
    fn a_sale_that_cannot_pay_its_commission_waives_the_rest() {
        // 60% commission and 60% tax: each 1.00 sold owes 1.20. Tax is paid
        // in full; commission up to what is left; the rest is carried to
        // the next fill and waived when the order ends.
        let rate = Rate::from_ppm(600_000).unwrap();
        let fees = FeeSchedule::new(rate, Money::ZERO, rate).unwrap();
        let mut account = funded(Money(1_000));
        account.allot(acme(), Quantity(2), Money(100), T0).unwrap();
        reserve_sell(&mut account, &fees, 1, 2, 100).unwrap();
        // Someone else's order holds all the cash.
        reserve_buy(&mut account, &zero_fees(), 2, 10, 100).unwrap();
        for _ in 0..2 {
            let sold = account.settle_fill(&fill(1, 1, 100, T0)).unwrap();
            assert_eq!(
                (sold.charges.tax, sold.charges.commission, sold.cash_delta),
                (Money(60), Money(40), Money::ZERO)
            );
            assert_eq!(account.check_invariants(), Ok(()));
        }
        assert_eq!(
            account.release(OrderId(1)).unwrap().commission_waived,
            Money(40)
        );
    }

    #[test]
    fn splitting_an_order_into_fills_does_not_change_its_charges() {
        let fees = FeeSchedule::default();
        let prices = [10_001, 10_003, 9_999, 10_007, 10_011, 10_013, 9_997];
        let split = |quantities: &[u64]| {
            let mut account = funded(Money::from_major(1_000_000));
            account
                .allot(acme(), Quantity(10_000), Money(10_000), T0)
                .unwrap();
            reserve_buy(&mut account, &fees, 1, 1_000, 20_000).unwrap();
            reserve_sell(&mut account, &fees, 2, 1_000, 9_000).unwrap();
            for (quantity, price) in quantities.iter().zip(prices.iter().cycle()) {
                account
                    .settle_fill(&fill(1, *quantity, *price, T0))
                    .unwrap();
                account
                    .settle_fill(&fill(2, *quantity, *price, T0))
                    .unwrap();
            }
            let bought = account.reservation(OrderId(1)).unwrap().charged;
            let sold = account.reservation(OrderId(2)).unwrap().charged;
            (bought, sold)
        };
        // The same notional, split three ways.
        let one_by_one = split(&[1; 7]);
        let at_once = {
            let mut account = funded(Money::from_major(1_000_000));
            account
                .allot(acme(), Quantity(10_000), Money(10_000), T0)
                .unwrap();
            reserve_buy(&mut account, &fees, 1, 1_000, 20_000).unwrap();
            let total: Money = prices.iter().map(|p| Money(*p)).sum();
            let (bought, _) = Charges::default().after_buy(&fees, total).unwrap();
            let (sold, _) = Charges::default()
                .after_sell(&fees, total, Money::ZERO)
                .unwrap();
            (bought, sold)
        };
        assert_eq!(one_by_one, at_once);
        // 7 fills' worth of notional either way: 70,031 cents.
        assert_eq!(one_by_one.0.notional, Money(70_031));
        let (bought, sold) = split(&[100, 250, 3, 400, 1, 146, 100]);
        let whole = prices
            .iter()
            .zip([100u64, 250, 3, 400, 1, 146, 100])
            .map(|(p, q)| Money(p * q as i64))
            .sum();
        assert_eq!(
            bought,
            Charges::default().after_buy(&fees, whole).unwrap().0
        );
        assert_eq!(
            sold,
            Charges::default()
                .after_sell(&fees, whole, Money::ZERO)
                .unwrap()
                .0
        );
    }

    #[test]
    fn a_refused_fill_changes_nothing() {
        let mut account = funded(Money::from_major(1_000));
        account
            .allot(acme(), Quantity(10), Money(5_000), T0)
            .unwrap();
        let fees = FeeSchedule::default();
        reserve_buy(&mut account, &fees, 1, 5, 10_000).unwrap();
        reserve_sell(&mut account, &fees, 2, 5, 5_000).unwrap();
        account.settle_fill(&fill(1, 2, 10_000, T0)).unwrap();
        let before = account.clone();
        let refusals = [
            (
                fill(9, 1, 10_000, T0),
                LedgerError::UnknownOrder(OrderId(9)),
            ),
            (
                fill(1, 4, 10_000, T0),
                LedgerError::Overfill {
                    order: OrderId(1),
                    unfilled: Quantity(3),
                    quantity: Quantity(4),
                },
            ),
            (fill(1, 0, 10_000, T0), LedgerError::ZeroQuantity),
            (fill(1, 1, 0, T0), LedgerError::InvalidPrice(Money::ZERO)),
            (
                fill(1, 1, 10_001, T0),
                LedgerError::BeyondLimit {
                    order: OrderId(1),
                    limit: Money(10_000),
                    price: Money(10_001),
                },
            ),
            (
                fill(2, 1, 4_999, T0),
                LedgerError::BeyondLimit {
                    order: OrderId(2),
                    limit: Money(5_000),
                    price: Money(4_999),
                },
            ),
            (fill(2, 1, i64::MAX, T0), LedgerError::Overflow),
        ];
        for (fill, error) in refusals {
            assert_eq!(account.settle_fill(&fill), Err(error), "{fill:?}");
            assert_eq!(account, before);
        }
    }

    #[test]
    fn a_sale_that_would_overflow_cash_is_refused() {
        let limits = LedgerLimits::new(Money(i64::MAX)).unwrap();
        let mut account = Account::new(AccountId(1), limits);
        account.deposit(Money(i64::MAX - 100), None, T0).unwrap();
        account.allot(acme(), Quantity(10), Money(100), T0).unwrap();
        reserve_sell(&mut account, &zero_fees(), 1, 10, 100).unwrap();
        let before = account.clone();
        assert_eq!(
            account.settle_fill(&fill(1, 2, 100, T0)),
            Err(LedgerError::Overflow)
        );
        assert_eq!(account, before);
        account.settle_fill(&fill(1, 1, 100, T0)).unwrap();
        assert_eq!(account.cash(), Money(i64::MAX));
        assert_eq!(account.check_invariants(), Ok(()));
    }

    #[test]
    fn a_buy_that_would_overflow_the_holding_is_refused() {
        let limits = LedgerLimits::new(Money(i64::MAX)).unwrap();
        let mut account = Account::new(AccountId(1), limits);
        account.deposit(Money(i64::MAX), None, T0).unwrap();
        account
            .allot(acme(), Quantity(u64::MAX - 1), Money(1), T0)
            .unwrap_err();
        account
            .allot(acme(), Quantity(1), Money(i64::MAX - 10), T0)
            .unwrap();
        reserve_buy(&mut account, &zero_fees(), 1, 1, 11).unwrap();
        let before = account.clone();
        // Its cost basis would pass i64::MAX.
        assert_eq!(
            account.settle_fill(&fill(1, 1, 11, T0)),
            Err(LedgerError::Overflow)
        );
        assert_eq!(account, before);
    }

    #[test]
    fn ipo_shares_sell_at_a_gain_over_the_ipo_price() {
        let mut account = funded(Money::ZERO);
        let lot = account
            .allot(acme(), Quantity(1_000), Money(2_000), T0)
            .unwrap();
        assert_eq!(
            (lot.quantity, lot.price, lot.fee),
            (Quantity(1_000), Money(2_000), Money::ZERO)
        );
        assert_eq!(account.cash(), Money::ZERO);
        assert!(account.entries().is_empty());
        sell(&mut account, &zero_fees(), 1, 100, 2_500, T0);
        assert_eq!(gains(&account), [(100, Money(2_000), Money(50_000))]);
        assert_eq!(account.cash(), Money(250_000));
        assert_eq!(
            account.allot(acme(), Quantity::ZERO, Money(1), T0),
            Err(LedgerError::ZeroQuantity)
        );
        assert_eq!(
            account.allot(acme(), Quantity(1), Money::ZERO, T0),
            Err(LedgerError::InvalidPrice(Money::ZERO))
        );
        assert_eq!(account.check_invariants(), Ok(()));
    }
}
