//! A sweep: asks resting on consecutive price levels, and one market buy
//! that takes them all. Measures the cost of one fill when an order walks
//! the book (trade event, removal, level drop, level event).

use marketlab_actors::book::{BookConfig, BookEvent, NewOrder, OrderBook, OrderKind, TimeInForce};
use marketlab_actors::types::{AccountId, OrderId, Quantity, Side};

use super::limit;
use crate::command::{Command, apply};

pub const FIRST_PRICE: i64 = 1000;
pub const QUANTITY: u64 = 100;

pub struct Sweep {
    /// The asks, `per_level` orders on each level. The book keeps its best
    /// level last in a sorted vector, so they are placed dearest level first:
    /// each new level is then appended rather than inserted at the front,
    /// which keeps the (untimed) setup cheap and out of profiles.
    pub setup: Vec<Command>,
    /// A market buy for exactly everything that rests.
    pub sweep: Command,
    /// Fills the sweep makes: one per resting order.
    pub fills: u64,
}

impl Sweep {
    pub fn new(orders: u64, per_level: u64) -> Sweep {
        assert!(per_level > 0, "at least one order per level");
        let levels = orders.div_ceil(per_level);
        let setup = (0..levels)
            .rev()
            .flat_map(|level| level * per_level..orders.min((level + 1) * per_level))
            .map(|i| {
                let price = FIRST_PRICE + (i / per_level) as i64;
                Command::Submit(limit(i + 1, Side::Sell, price, QUANTITY, TimeInForce::Gtc))
            })
            .collect();
        // Its own id and account, after every ask's.
        let taker = orders + 1;
        let sweep = Command::Submit(NewOrder {
            id: OrderId(taker),
            account: AccountId(taker),
            side: Side::Buy,
            kind: OrderKind::Market,
            tif: TimeInForce::Ioc,
            quantity: Quantity(orders * QUANTITY),
        });
        Sweep {
            setup,
            sweep,
            fills: orders,
        }
    }

    /// A book holding the asks, ready to be swept.
    pub fn book(&self) -> OrderBook {
        let mut book = OrderBook::with_capacity(BookConfig::default(), self.setup.len());
        let mut out = Vec::with_capacity(4);
        for c in &self.setup {
            out.clear();
            // Asks only, fresh ids: nothing can fail.
            let _ = apply(&mut book, c, &mut out);
        }
        book
    }

    /// Room for every event the sweep emits, so timing it never includes
    /// growing the buffer: accepted, one trade per fill, one level change per
    /// level.
    pub fn events_buffer(&self) -> Vec<BookEvent> {
        Vec::with_capacity(2 * self.fills as usize + 2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_market_buy_takes_every_ask() {
        for per_level in [1, 4] {
            let sweep = Sweep::new(1000, per_level);
            let mut book = sweep.book();
            assert_eq!(book.live_orders(), 1000);
            let mut out = sweep.events_buffer();
            let capacity = out.capacity();
            apply(&mut book, &sweep.sweep, &mut out).unwrap();
            let prices: Vec<i64> = out
                .iter()
                .filter_map(|e| match e {
                    BookEvent::Trade(t) => Some(t.price.0),
                    _ => None,
                })
                .collect();
            // One fill per ask, cheapest first, `per_level` on each level.
            let expected: Vec<i64> = (0..1000)
                .map(|i| FIRST_PRICE + i / per_level as i64)
                .collect();
            assert_eq!(prices, expected);
            assert_eq!(book.live_orders(), 0);
            assert_eq!(out.capacity(), capacity, "the buffer had to grow");
            book.check_invariants().unwrap();
        }
    }
}
