//! Deep: an accumulating stream whose book grows long queues, the shape a
//! user's 6 M-order file had when the shallow streams hid a slowdown.
//!
//! Orders alternate buy and sell around a fixed mid. Half of them, drawn at
//! random, are passive: GTC limits 1 to 7 ticks on their own side of the mid
//! (lots 1..=20), which never cross each other. The other half are
//! aggressive: one lot, limited at the far edge of the opposite side's band,
//! so they trade with the best opposite level whenever there is one. Takers
//! are smaller than makers, so the book keeps growing: about 45% of the
//! orders are left resting, on the 14 levels, each level near N / 28 orders
//! deep (some 200 k at N = 6 M), and matching eats into the head of a deep
//! queue while orders join the tails of the others.

use marketlab_actors::types::{Price, Quantity, Side};
use rand::RngExt;

use super::rng;
use crate::command::Command;
use crate::csv::CsvOrder;

pub const MID: i64 = 10_000;
/// Passive orders rest 1..=BAND ticks from the mid; aggressive ones are
/// limited BAND ticks through it.
pub const BAND: i64 = 7;
pub const LOT: u64 = 100;
/// A passive order's quantity, in lots.
pub const MAKER_LOTS: std::ops::RangeInclusive<u64> = 1..=20;
/// An aggressive order's quantity, in lots.
pub const TAKER_LOTS: u64 = 1;

/// `n` orders, buy first.
pub fn orders(n: usize, seed: u64) -> Vec<CsvOrder> {
    let mut rng = rng(seed);
    (0..n)
        .map(|i| {
            // +1 for a buy, -1 for a sell: prices mirror around the mid.
            let (side, sign) = if i % 2 == 0 {
                (Side::Buy, 1)
            } else {
                (Side::Sell, -1)
            };
            let (price, lots) = if rng.random_ratio(1, 2) {
                (
                    MID - sign * rng.random_range(1..=BAND),
                    rng.random_range(MAKER_LOTS),
                )
            } else {
                (MID + sign * BAND, TAKER_LOTS)
            };
            CsvOrder {
                side,
                price: Price(price),
                quantity: Quantity(LOT * lots),
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
    fn is_deterministic_and_alternates_around_the_mid() {
        let a = orders(1000, 7);
        assert_eq!(a, orders(1000, 7));
        assert_ne!(a, orders(1000, 8));
        for (i, o) in a.iter().enumerate() {
            let side = if i % 2 == 0 { Side::Buy } else { Side::Sell };
            assert_eq!(o.side, side);
            assert!((MID - BAND..=MID + BAND).contains(&o.price.0));
            assert_ne!(o.price.0, MID);
            assert!(o.quantity.0.is_multiple_of(LOT));
        }
    }

    #[test]
    fn half_cross_and_the_rest_piles_up_deep_on_fourteen_levels() {
        let n = 20_000;
        let commands = commands(n, 1);
        let mut book = OrderBook::with_capacity(BookConfig::default(), n);
        let (mut out, mut crossing) = (Vec::new(), 0);
        for c in &commands {
            out.clear();
            crate::apply(&mut book, c, &mut out).unwrap();
            assert!(!out.iter().any(|e| matches!(e, BookEvent::Rejected { .. })));
            crossing += usize::from(out.iter().any(|e| matches!(e, BookEvent::Trade(_))));
        }
        book.check_invariants().unwrap();
        assert!(
            (9_000..=11_000).contains(&crossing),
            "{crossing} of {n} crossed"
        );
        let resting = book.live_orders();
        assert!((8_000..=10_000).contains(&resting), "{resting} rest");
        let depth = book.l2(usize::MAX);
        assert_eq!(depth.bids.len() + depth.asks.len(), 14);
        let deepest = depth.bids.iter().chain(&depth.asks).map(|l| l.orders);
        assert!(deepest.max().unwrap() as usize > n / 40);
    }
}
