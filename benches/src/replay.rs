//! Feeding parsed CSV orders through one book and counting what happened.

use std::fmt;

use anyhow::bail;
use marketlab_actors::book::{BookConfig, BookEvent, NewOrder, OrderBook, OrderKind, TimeInForce};
use marketlab_actors::types::{AccountId, OrderId, Quantity, Side};

use crate::csv::{CsvOrder, Row};

/// The counts `replay` prints. Resting counts are orders, not levels; a trade
/// is one match between the incoming order and one resting order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    pub orders: u64,
    pub trades: u64,
    pub resting_bids: u64,
    pub resting_asks: u64,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "orders={} trades={} resting={} resting_bids={} resting_asks={}",
            self.orders,
            self.trades,
            self.resting_bids + self.resting_asks,
            self.resting_bids,
            self.resting_asks
        )
    }
}

/// The default book, but accepting any quantity a file can hold.
pub fn config() -> BookConfig {
    BookConfig {
        max_order_quantity: Quantity(u64::MAX),
        ..BookConfig::default()
    }
}

pub struct Replay {
    book: OrderBook,
    out: Vec<BookEvent>,
    orders: u64,
    trades: u64,
    /// Shares resting on each side (buy, sell). The core adds quantities
    /// into level totals without overflow checks; a level never holds more
    /// than its side, so while these fit in a u64 no level total overflows.
    resting: [u64; 2],
}

fn index(side: Side) -> usize {
    match side {
        Side::Buy => 0,
        Side::Sell => 1,
    }
}

impl Replay {
    /// A replay with room for `orders` resting orders before the book allocates.
    pub fn new(orders: usize) -> Replay {
        Replay {
            book: OrderBook::with_capacity(config(), orders),
            out: Vec::with_capacity(64),
            orders: 0,
            trades: 0,
            resting: [0; 2],
        }
    }

    /// Submit one order as a GTC limit. Every order gets its own account
    /// (its line number), so self-trade prevention never stops a cross.
    #[inline]
    pub fn feed(&mut self, row: &Row) -> anyhow::Result<()> {
        let CsvOrder {
            side,
            price,
            quantity,
        } = row.order;
        // Checked before submitting, as if none of it traded: the book
        // itself would wrap (release) or panic (debug).
        if self.resting[index(side)].checked_add(quantity.0).is_none() {
            bail!(
                "line {}: with this order the quantities resting on one side could exceed {}, \
                 which the book's level totals cannot hold",
                row.line,
                u64::MAX
            );
        }
        self.out.clear();
        self.book.submit(
            NewOrder {
                id: OrderId(row.line),
                account: AccountId(row.line),
                side,
                kind: OrderKind::Limit { price },
                tif: TimeInForce::Gtc,
                quantity,
            },
            &mut self.out,
        );
        self.orders += 1;
        let mut traded = 0;
        for event in &self.out {
            match event {
                BookEvent::Trade(trade) => {
                    self.trades += 1;
                    traded += trade.quantity.0;
                }
                BookEvent::Rejected { reason, .. } => {
                    bail!("line {}: the book rejected the order: {reason}", row.line)
                }
                _ => {}
            }
        }
        // A GTC limit rests whatever it did not trade (no self-trades here).
        self.resting[index(side.opposite())] -= traded;
        self.resting[index(side)] += quantity.0 - traded;
        Ok(())
    }

    pub fn summary(&self) -> Summary {
        Summary {
            orders: self.orders,
            trades: self.trades,
            resting_bids: self.book.resting_orders(Side::Buy).count() as u64,
            resting_asks: self.book.resting_orders(Side::Sell).count() as u64,
        }
    }
}

/// Replay all rows into a fresh book.
pub fn replay(rows: &[Row]) -> anyhow::Result<Summary> {
    let mut replay = Replay::new(rows.len());
    for row in rows {
        replay.feed(row)?;
    }
    Ok(replay.summary())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv::parse_orders;

    #[test]
    fn counts_trades_and_resting_orders() {
        // Buy 60 at 102 takes 50 at 101 and 10 of 30 at 102 (two trades on
        // two levels); sell 15 at 99 takes the 10 bid there and rests 5.
        let rows = parse_orders(
            "side,price,qty\nS,101,50\nS,102,30\nS,103,40\nB,99,10\nB,102,60\nS,99,15\nB,98,7\n",
        )
        .unwrap();
        let summary = replay(&rows).unwrap();
        assert_eq!(
            summary.to_string(),
            "orders=7 trades=3 resting=4 resting_bids=1 resting_asks=3"
        );
    }

    #[test]
    fn huge_quantities_trade_until_a_side_could_overflow() {
        let (max, half) = (u64::MAX, u64::MAX / 2);
        // 2^64-1 rests, 2^63-1 of it trades, 2^63-1 more rests: the sells
        // now hold exactly u64::MAX, and one more share could not fit.
        let text =
            format!("side,price,qty\nS,10,{max}\nB,10,{half}\nS,11,{half}\nB,9,{max}\nS,12,1\n");
        let rows = parse_orders(&text).unwrap();
        let mut replay = Replay::new(8);
        for row in &rows[..4] {
            replay.feed(row).unwrap();
        }
        assert_eq!(
            replay.summary().to_string(),
            "orders=4 trades=1 resting=3 resting_bids=1 resting_asks=2"
        );
        let err = replay.feed(&rows[4]).unwrap_err();
        assert!(
            err.to_string().starts_with("line 6: with this order"),
            "{err}"
        );
    }
}
