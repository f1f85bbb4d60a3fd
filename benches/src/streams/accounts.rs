//! Order requests for the account-level load generators: limit orders a
//! few ticks either side of 100.00, alternating buy and sell, spread over
//! the accounts in turn, so about three in four cross and trade.

use marketlab_actors::account::OrderRequest;
use marketlab_actors::book::{OrderKind, TimeInForce};
use marketlab_actors::types::{Price, Quantity, Side, Symbol};
use rand::RngExt;

use super::rng;

/// The book's reference price in cents (ticks of one cent).
pub const REFERENCE: i64 = 10_000;

/// `n` requests on `symbol`, each with the index of the account to send it.
pub fn requests(
    n: usize,
    symbol: Symbol,
    accounts: usize,
    seed: u64,
) -> Vec<(usize, OrderRequest)> {
    let mut rng = rng(seed);
    (0..n)
        .map(|i| {
            let side = if i % 2 == 0 { Side::Buy } else { Side::Sell };
            let request = OrderRequest {
                symbol,
                side,
                kind: OrderKind::Limit {
                    price: Price(rng.random_range(REFERENCE - 10..=REFERENCE + 10)),
                },
                tif: TimeInForce::Gtc,
                quantity: Quantity(rng.random_range(1..=10)),
                client_order_id: None,
            };
            (i % accounts, request)
        })
        .collect()
}
