//! The generator's view of which orders rest, kept up to date from the
//! book's own events so the stream only ever cancels or reduces live orders.

use std::collections::HashMap;

use marketlab_actors::book::{BookEvent, OrderBook};
use marketlab_actors::types::{OrderId, Quantity, Side};
use rand::RngExt;
use rand::rngs::ChaCha8Rng;

#[derive(Debug, Clone, Copy)]
pub(crate) struct Live {
    pub id: OrderId,
    pub side: Side,
    pub remaining: Quantity,
}

/// Live orders in a vector (uniform random pick in O(1)) with an index from
/// id to position (removal by swap in O(1)). Only ever indexed, never
/// iterated in hash order, so the stream stays deterministic.
#[derive(Debug, Default)]
pub(crate) struct LiveOrders {
    orders: Vec<Live>,
    at: HashMap<OrderId, usize>,
}

impl LiveOrders {
    pub fn len(&self) -> usize {
        self.orders.len()
    }

    pub fn pick(&self, rng: &mut ChaCha8Rng) -> Option<Live> {
        (!self.orders.is_empty()).then(|| self.orders[rng.random_range(0..self.orders.len())])
    }

    fn remove(&mut self, id: OrderId) {
        if let Some(i) = self.at.remove(&id) {
            self.orders.swap_remove(i);
            if let Some(moved) = self.orders.get(i) {
                self.at.insert(moved.id, i);
            }
        }
    }

    fn set_remaining(&mut self, id: OrderId, remaining: Quantity) {
        if remaining.is_zero() {
            self.remove(id);
        } else if let Some(&i) = self.at.get(&id) {
            self.orders[i].remaining = remaining;
        }
    }

    /// Account for one command's events; `submitted` is the id of the order
    /// the command placed, if it placed one: it is live if it now rests.
    pub fn observe(&mut self, book: &OrderBook, events: &[BookEvent], submitted: Option<OrderId>) {
        for event in events {
            match *event {
                BookEvent::Trade(t) => self.set_remaining(t.maker, t.maker_remaining),
                BookEvent::Reduced { id, remaining, .. } => self.set_remaining(id, remaining),
                BookEvent::Cancelled { id, .. } | BookEvent::Expired { id, .. } => self.remove(id),
                _ => {}
            }
        }
        if let Some(resting) = submitted.and_then(|id| book.resting_order(id)) {
            self.at.insert(resting.id, self.orders.len());
            self.orders.push(Live {
                id: resting.id,
                side: resting.side,
                remaining: resting.remaining,
            });
        }
    }
}
