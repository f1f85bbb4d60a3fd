//! Deterministic command streams. Every generator takes an explicit seed and
//! uses ChaCha8 (whose output rand promises not to change between versions,
//! unlike `StdRng`), so a stream is the same on every machine and run.

pub mod accounts;
pub mod deep;
pub mod insert_only;
mod live;
pub mod mixed;
pub mod sweep;

use marketlab_actors::book::{NewOrder, OrderKind, TimeInForce};
use marketlab_actors::types::{AccountId, OrderId, Price, Quantity, Side};
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;

pub(crate) fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// Orders of a CSV stream as GTC limit submits, with ids (and accounts)
/// 1, 2, ...
pub(crate) fn submits(orders: Vec<crate::csv::CsvOrder>) -> Vec<crate::Command> {
    orders
        .into_iter()
        .zip(1u64..)
        .map(|(o, id)| {
            crate::Command::Submit(limit(id, o.side, o.price.0, o.quantity.0, TimeInForce::Gtc))
        })
        .collect()
}

/// A limit order whose account is its id: no two orders share an account,
/// so self-trade prevention never turns a cross into a cancel.
pub(crate) fn limit(id: u64, side: Side, price: i64, quantity: u64, tif: TimeInForce) -> NewOrder {
    NewOrder {
        id: OrderId(id),
        account: AccountId(id),
        side,
        kind: OrderKind::Limit {
            price: Price(price),
        },
        tif,
        quantity: Quantity(quantity),
    }
}
