//! FIFO lots: each buy fill and each IPO allotment opens one; each sale
//! consumes the oldest first and realizes one gain row per lot it touches.
//!
//! Fees are allotted pro rata by shares with exact totals: a lot carries the
//! part of its buy commission not yet allotted, and consuming `q` of its `r`
//! remaining shares allots `fee x q / r` (half to even; all of it when
//! `q == r`). A sale's commission and tax are split over the lots it touches
//! the same way, so the last lot gets what is left.

use std::collections::VecDeque;

use super::LedgerError;
use super::arith::{add, pro_rata};
use super::gains::RealizedGain;
use crate::types::{Money, OrderId, Quantity, Symbol, Timestamp, TradeId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Lot {
    /// Numbered within the account in the order lots were opened.
    pub id: u64,
    /// Shares the buy (or allotment) brought in.
    pub bought: Quantity,
    /// Shares still held from this lot.
    pub quantity: Quantity,
    pub price: Money,
    pub acquired_at: Timestamp,
    /// The part of the lot's buy commission not yet allotted to sold shares.
    pub fee: Money,
}

impl Lot {
    /// What the remaining shares cost, buy commission included.
    pub fn cost(&self) -> Result<Money, LedgerError> {
        add(
            self.price
                .checked_mul_qty(self.quantity)
                .ok_or(LedgerError::Overflow)?,
            self.fee,
        )
    }
}

/// One sell fill, as the lots see it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Sale {
    pub symbol: Symbol,
    pub order: OrderId,
    pub trade: TradeId,
    pub quantity: Quantity,
    pub price: Money,
    /// The fill's commission plus tax.
    pub costs: Money,
    pub at: Timestamp,
}

/// Appends to `rows` one realized gain per lot `sale` consumes, oldest lot
/// first, without touching the lots, and returns `total` plus their gains.
/// On error `rows` is as it was. The caller has checked that the lots hold
/// at least `sale.quantity`.
pub(super) fn realize(
    lots: &VecDeque<Lot>,
    sale: &Sale,
    total: Money,
    rows: &mut Vec<RealizedGain>,
) -> Result<Money, LedgerError> {
    let start = rows.len();
    let result = push_rows(lots, sale, total, rows);
    if result.is_err() {
        rows.truncate(start);
    }
    result
}

fn push_rows(
    lots: &VecDeque<Lot>,
    sale: &Sale,
    mut total: Money,
    rows: &mut Vec<RealizedGain>,
) -> Result<Money, LedgerError> {
    let mut shares_left = sale.quantity;
    let mut costs_left = sale.costs;
    for lot in lots {
        if shares_left.is_zero() {
            break;
        }
        let quantity = lot.quantity.min(shares_left);
        let buy_fee = allot(lot.fee, quantity, lot.quantity);
        let sell_costs = allot(costs_left, quantity, shares_left);
        let row = RealizedGain {
            symbol: sale.symbol,
            order: sale.order,
            trade: sale.trade,
            quantity,
            buy_price: lot.price,
            sell_price: sale.price,
            acquired_at: lot.acquired_at,
            sold_at: sale.at,
            buy_fee,
            sell_costs,
            gain: gain(lot.price, sale.price, quantity, buy_fee + sell_costs)?,
        };
        total = add(total, row.gain)?;
        rows.push(row);
        shares_left -= quantity;
        costs_left -= sell_costs;
    }
    Ok(total)
}

/// The part of `amount` that `part` of `whole` shares carry; all of it for
/// the last of them, so that nothing is lost to rounding.
fn allot(amount: Money, part: Quantity, whole: Quantity) -> Money {
    if part == whole {
        amount
    } else {
        pro_rata(amount, part, whole)
    }
}

fn gain(buy: Money, sell: Money, quantity: Quantity, fees: Money) -> Result<Money, LedgerError> {
    let gross = (i128::from(sell.0) - i128::from(buy.0)) * i128::from(quantity.0);
    i64::try_from(gross - i128::from(fees.0))
        .map(Money)
        .map_err(|_| LedgerError::Overflow)
}

/// What happened to a lot: the persister writes these instead of whole
/// holdings, so a sale touches only the lots it consumed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum LotChange {
    Opened {
        symbol: Symbol,
        lot: Lot,
    },
    /// Partly sold: the lot as it now is.
    Reduced {
        symbol: Symbol,
        lot: Lot,
    },
    /// Sold out.
    Closed {
        symbol: Symbol,
        id: u64,
    },
}

/// Takes from the oldest lots what `rows` (from [`realize`]) say was sold,
/// records what happened to each lot in `changes`, and returns the cost
/// basis that left with them.
pub(super) fn consume(
    symbol: Symbol,
    lots: &mut VecDeque<Lot>,
    rows: &[RealizedGain],
    changes: &mut Vec<LotChange>,
) -> Money {
    let mut cost = Money::ZERO;
    for row in rows {
        let Some(lot) = lots.front_mut() else { break };
        lot.quantity -= row.quantity;
        lot.fee -= row.buy_fee;
        // Bounded by the lot's cost, which fits: the holding's cost does.
        cost += Money(row.buy_price.0 * row.quantity.0 as i64) + row.buy_fee;
        if lot.quantity.is_zero() {
            changes.push(LotChange::Closed { symbol, id: lot.id });
            lots.pop_front();
        } else {
            changes.push(LotChange::Reduced { symbol, lot: *lot });
        }
    }
    cost
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lot(quantity: u64, price: i64, fee: i64) -> Lot {
        Lot {
            id: price as u64,
            bought: Quantity(quantity),
            quantity: Quantity(quantity),
            price: Money(price),
            acquired_at: Timestamp(0),
            fee: Money(fee),
        }
    }

    fn acme() -> Symbol {
        Symbol::new("ACME").unwrap()
    }

    fn sale(quantity: u64, price: i64, costs: i64) -> Sale {
        Sale {
            symbol: Symbol::new("ACME").unwrap(),
            order: OrderId(9),
            trade: TradeId(1),
            quantity: Quantity(quantity),
            price: Money(price),
            costs: Money(costs),
            at: Timestamp(1),
        }
    }

    #[test]
    fn sells_the_oldest_lots_first_and_allots_fees_exactly() {
        let mut lots = VecDeque::from([lot(10, 10_000, 15), lot(10, 11_000, 16)]);
        let mut rows = Vec::new();
        let total = realize(&lots, &sale(15, 12_000, 351), Money(1), &mut rows).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].buy_fee, rows[0].sell_costs, rows[0].gain),
            (Money(15), Money(234), Money(19_751))
        );
        assert_eq!(
            (rows[1].buy_fee, rows[1].sell_costs, rows[1].gain),
            (Money(8), Money(117), Money(4_875))
        );
        assert_eq!(total, Money(1 + 24_626));

        let mut changes = Vec::new();
        let cost = consume(acme(), &mut lots, &rows, &mut changes);
        assert_eq!(cost, Money(100_000 + 15 + 55_000 + 8));
        let rest = Lot {
            quantity: Quantity(5),
            ..lot(10, 11_000, 8)
        };
        assert_eq!(lots, VecDeque::from([rest]), "5 left of the 10 bought");
        assert_eq!(
            changes,
            [
                LotChange::Closed {
                    symbol: acme(),
                    id: 10_000
                },
                LotChange::Reduced {
                    symbol: acme(),
                    lot: rest
                }
            ]
        );
    }

    #[test]
    fn the_last_share_carries_what_rounding_left() {
        // 0.01 of fees over three single shares: 0, 0 (half to even of 0.005)
        // ... and the last share takes the cent.
        let mut lots = VecDeque::from([lot(1, 100, 1), lot(1, 100, 0), lot(1, 100, 0)]);
        let mut rows = Vec::new();
        realize(&lots, &sale(3, 100, 1), Money::ZERO, &mut rows).unwrap();
        let sell_costs: Vec<i64> = rows.iter().map(|r| r.sell_costs.0).collect();
        assert_eq!(sell_costs, [0, 0, 1]);
        consume(acme(), &mut lots, &rows, &mut Vec::new());
        assert!(lots.is_empty());
    }

    #[test]
    fn a_gain_out_of_range_leaves_the_rows_as_they_were() {
        let lots = VecDeque::from([lot(1, 1, 0), lot(2, 1, 0)]);
        let mut rows = vec![];
        let huge = sale(3, i64::MAX, 0);
        assert_eq!(
            realize(&lots, &huge, Money::ZERO, &mut rows),
            Err(LedgerError::Overflow)
        );
        assert!(rows.is_empty());
        let modest = sale(1, 2, 0);
        assert_eq!(
            realize(&lots, &modest, Money(i64::MAX), &mut rows),
            Err(LedgerError::Overflow)
        );
        assert!(rows.is_empty());
    }
}
