//! The aggregated depth of a book as an outside reader keeps it: a total
//! per price level and side, from a snapshot ([`L2`]) and then from the
//! book's `LevelChanged` events. The bots' view of a listing and the API's
//! market board both follow a book this way.

use std::collections::BTreeMap;

use super::{L2, LevelView};
use crate::types::{Price, Quantity, Side};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DepthLadder {
    bids: BTreeMap<Price, LevelView>,
    asks: BTreeMap<Price, LevelView>,
}

impl DepthLadder {
    /// Every level of a snapshot, replacing what was there.
    pub fn reset(&mut self, depth: &L2) {
        let levels = |views: &[LevelView]| views.iter().map(|l| (l.price, *l)).collect();
        self.bids = levels(&depth.bids);
        self.asks = levels(&depth.asks);
    }

    /// A level's new total, as a `LevelChanged` event gives it; a level
    /// with nothing left goes.
    pub fn set(&mut self, side: Side, price: Price, quantity: Quantity, orders: u32) {
        let levels = match side {
            Side::Buy => &mut self.bids,
            Side::Sell => &mut self.asks,
        };
        if quantity.is_zero() {
            levels.remove(&price);
        } else {
            levels.insert(
                price,
                LevelView {
                    price,
                    quantity,
                    orders,
                },
            );
        }
    }

    /// The bids, best (highest) first.
    pub fn bids(&self) -> impl Iterator<Item = &LevelView> {
        self.bids.values().rev()
    }

    /// The asks, best (lowest) first.
    pub fn asks(&self) -> impl Iterator<Item = &LevelView> {
        self.asks.values()
    }

    /// The best bid and the best ask.
    pub fn top(&self) -> (Option<Price>, Option<Price>) {
        (
            self.bids.last_key_value().map(|(p, _)| *p),
            self.asks.first_key_value().map(|(p, _)| *p),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(price: i64, quantity: u64, orders: u32) -> LevelView {
        LevelView {
            price: Price(price),
            quantity: Quantity(quantity),
            orders,
        }
    }

    #[test]
    fn a_snapshot_then_changes_keep_each_side_best_first() {
        let mut ladder = DepthLadder::default();
        ladder.reset(&L2 {
            sequence: 7,
            bids: vec![level(99, 10, 1), level(98, 5, 2)],
            asks: vec![level(101, 3, 1)],
        });
        ladder.set(Side::Buy, Price(100), Quantity(4), 1);
        ladder.set(Side::Buy, Price(98), Quantity::ZERO, 0);
        ladder.set(Side::Sell, Price(102), Quantity(8), 3);
        let bids: Vec<LevelView> = ladder.bids().copied().collect();
        assert_eq!(bids, [level(100, 4, 1), level(99, 10, 1)]);
        let asks: Vec<LevelView> = ladder.asks().copied().collect();
        assert_eq!(asks, [level(101, 3, 1), level(102, 8, 3)]);
        assert_eq!(ladder.top(), (Some(Price(100)), Some(Price(101))));
        ladder.reset(&L2 {
            sequence: 9,
            bids: vec![],
            asks: vec![],
        });
        assert_eq!(ladder.top(), (None, None));
    }
}
