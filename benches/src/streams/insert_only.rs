//! Insert-only: alternating buy and sell GTC limit orders over two
//! overlapping price bands, so that part of them cross and trade (about 27%
//! of the orders with these bands) and the rest pile up on a few levels. The
//! shape of Liquibook's throughput test, so the figures compare.

use std::ops::RangeInclusive;

use marketlab_actors::types::{Price, Quantity, Side};
use rand::RngExt;

use super::rng;
use crate::command::Command;
use crate::csv::CsvOrder;

pub const BUY_PRICES: RangeInclusive<i64> = 1880..=1889;
pub const SELL_PRICES: RangeInclusive<i64> = 1884..=1893;
/// Quantities are `LOT` times a number of lots drawn from `LOTS`.
pub const LOT: u64 = 100;
pub const LOTS: RangeInclusive<u64> = 1..=10;

/// `n` orders, buy first.
pub fn orders(n: usize, seed: u64) -> Vec<CsvOrder> {
    let mut rng = rng(seed);
    (0..n)
        .map(|i| {
            let (side, prices) = if i % 2 == 0 {
                (Side::Buy, BUY_PRICES)
            } else {
                (Side::Sell, SELL_PRICES)
            };
            CsvOrder {
                side,
                price: Price(rng.random_range(prices)),
                quantity: Quantity(LOT * rng.random_range(LOTS)),
            }
        })
        .collect()
}

/// The same orders as commands, with ids (and accounts) 1, 2, ...
pub fn commands(n: usize, seed: u64) -> Vec<Command> {
    super::submits(orders(n, seed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use marketlab_actors::book::{BookConfig, BookEvent, OrderBook};

    #[test]
    fn is_deterministic_and_alternates_within_the_bands() {
        let a = orders(1000, 7);
        assert_eq!(a, orders(1000, 7));
        assert_ne!(a, orders(1000, 8));
        for (i, o) in a.iter().enumerate() {
            let (side, prices) = if i % 2 == 0 {
                (Side::Buy, BUY_PRICES)
            } else {
                (Side::Sell, SELL_PRICES)
            };
            assert_eq!(o.side, side);
            assert!(prices.contains(&o.price.0));
            assert!(o.quantity.0.is_multiple_of(LOT) && LOTS.contains(&(o.quantity.0 / LOT)));
        }
    }

    #[test]
    fn every_order_is_accepted_and_many_trade() {
        let commands = commands(10_000, 1);
        let mut book = OrderBook::with_capacity(BookConfig::default(), commands.len());
        let (mut out, mut crossing) = (Vec::new(), 0);
        for c in &commands {
            out.clear();
            crate::apply(&mut book, c, &mut out).unwrap();
            assert!(!out.iter().any(|e| matches!(e, BookEvent::Rejected { .. })));
            crossing += usize::from(out.iter().any(|e| matches!(e, BookEvent::Trade(_))));
        }
        book.check_invariants().unwrap();
        // About 27% cross with these bands (2733 with this seed): matching is
        // exercised on a good share of the stream.
        assert!(
            (2_000..=4_000).contains(&crossing),
            "{crossing} of 10000 crossed"
        );
    }
}
