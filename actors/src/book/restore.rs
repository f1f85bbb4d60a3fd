//! Rebuilding a book after a restart from what was written down: resting
//! orders back in their time priority, waiting stops, and the sequence and
//! last price carrying on where they were.

use super::BookConfig;
use super::engine::OrderBook;
use super::order::{PendingStop, RestingOrder};
use crate::types::{Price, Side};

/// A book's state as persisted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BookState {
    pub sequence: u64,
    pub last_price: Option<Price>,
    pub halted: bool,
    /// In any order: they are put back by their priority sequence.
    pub resting: Vec<RestingOrder>,
    pub stops: Vec<PendingStop>,
}

impl OrderBook {
    /// The book `state` describes, or why it cannot be one (a crossed book,
    /// a duplicate id, a priority from the future, a stop that should have
    /// fired).
    pub fn restore(config: BookConfig, mut state: BookState) -> Result<OrderBook, String> {
        let mut book = OrderBook::with_capacity(config, state.resting.len().max(1024));
        state.resting.sort_unstable_by_key(|o| o.priority_seq);
        for order in state.resting {
            if order.priority_seq > state.sequence {
                return Err(format!(
                    "order {} rests at priority {} after the book's last change {}",
                    order.id, order.priority_seq, state.sequence
                ));
            }
            book.put_back(order)?;
        }
        state.stops.sort_unstable_by_key(|s| s.accepted_seq);
        for stop in state.stops {
            book.put_back_stop(stop)?;
        }
        book.set_restored(state.sequence, state.last_price, state.halted);
        book.check_invariants()?;
        Ok(book)
    }

    /// What [`OrderBook::restore`] takes back.
    pub fn state(&self) -> BookState {
        BookState {
            sequence: self.sequence(),
            last_price: self.last_price(),
            halted: self.is_halted(),
            resting: [Side::Buy, Side::Sell]
                .into_iter()
                .flat_map(|side| self.resting_orders(side))
                .collect(),
            stops: self.pending_stops(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::{BookEvent, NewOrder, OrderKind, TimeInForce};
    use crate::types::{AccountId, OrderId, Quantity};

    fn limit(id: u64, side: Side, price: i64, qty: u64) -> NewOrder {
        NewOrder {
            id: OrderId(id),
            account: AccountId(id),
            side,
            kind: OrderKind::Limit {
                price: Price(price),
            },
            tif: TimeInForce::Gtc,
            quantity: Quantity(qty),
        }
    }

    fn busy_book() -> OrderBook {
        let mut book = OrderBook::new(BookConfig::default());
        let mut out = Vec::new();
        for (id, side, price, qty) in [
            (1, Side::Buy, 99, 5),
            (2, Side::Buy, 99, 3),
            (3, Side::Buy, 98, 4),
            (4, Side::Sell, 101, 6),
            (5, Side::Sell, 100, 2),
            (6, Side::Buy, 100, 1),
        ] {
            book.submit(limit(id, side, price, qty), &mut out);
        }
        let stop = NewOrder {
            kind: OrderKind::Stop {
                trigger: Price(102),
            },
            ..limit(7, Side::Buy, 0, 2)
        };
        book.submit(stop, &mut out);
        book.reduce(OrderId(1), Quantity(1), &mut out).unwrap();
        book
    }

    #[test]
    fn a_restored_book_is_the_book_and_goes_on_alike() {
        let mut original = busy_book();
        let mut restored = OrderBook::restore(BookConfig::default(), original.state()).unwrap();
        assert_eq!(restored.state(), original.state());
        assert_eq!(restored.l2(10), original.l2(10));

        // The same commands give the same events, numbered on from before.
        let (mut a, mut b): (Vec<BookEvent>, Vec<BookEvent>) = (Vec::new(), Vec::new());
        for order in [
            limit(8, Side::Sell, 98, 7),
            limit(9, Side::Sell, 102, 2),
            limit(10, Side::Buy, 102, 10),
        ] {
            original.submit(order, &mut a);
            restored.submit(order, &mut b);
        }
        assert_eq!(a, b);
        assert!(a.iter().any(|e| matches!(e, BookEvent::Triggered { .. })));
    }

    #[test]
    fn a_state_that_cannot_be_a_book_is_refused() {
        let mut crossed = busy_book().state();
        crossed.resting[0].price = Price(200);
        assert!(
            OrderBook::restore(BookConfig::default(), crossed)
                .unwrap_err()
                .contains("crossed")
        );
        let mut duplicate = busy_book().state();
        let twin = duplicate.resting[0];
        duplicate.resting.push(twin);
        assert!(OrderBook::restore(BookConfig::default(), duplicate).is_err());
        let mut future = busy_book().state();
        future.sequence = 1;
        assert!(
            OrderBook::restore(BookConfig::default(), future)
                .unwrap_err()
                .contains("after the book's last change")
        );
    }
}
