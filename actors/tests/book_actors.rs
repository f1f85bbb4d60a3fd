//! Many clients place and cancel concurrently through the market registry.
//! The full broadcast stream of each book must be gap-free and must account
//! for every order exactly: what was placed = filled + resting + cancelled.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use futures_util::future::join_all;
use marketlab_actors::book::actor::{Cancel, CheckInvariants, RestingOrders, Submit, SubmitBatch};
use marketlab_actors::book::{BookConfig, BookEvent, BookUpdate, NewOrder, OrderKind, TimeInForce};
use marketlab_actors::clock::ManualClock;
use marketlab_actors::market::{Market, MarketConfig, MarketError};
use marketlab_actors::types::{
    AccountId, OrderId, Price, Quantity, Side, Symbol, TickSize, Timestamp,
};

const CLIENTS: u64 = 16;
const COMMANDS_PER_CLIENT: u64 = 400;

/// A tiny deterministic generator, so the test needs no RNG crate.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

fn market() -> Market {
    Market::new(
        MarketConfig {
            arbiters: 2,
            mailbox_capacity: 64,
            broadcast_capacity: 1 << 17,
        },
        Arc::new(ManualClock::new(Timestamp::from_millis(1_767_225_600_000))),
    )
}

fn symbols() -> [Symbol; 2] {
    [Symbol::new("ACME").unwrap(), Symbol::new("BOLT").unwrap()]
}

/// One client: places limit orders around 100 on both books and cancels
/// some of its earlier ones; returns what it placed.
async fn client(market: Market, n: u64) -> Vec<(OrderId, u64)> {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15 ^ (n + 1));
    let mut mine: Vec<(Symbol, OrderId)> = Vec::new();
    let mut placed = Vec::new();
    for _ in 0..COMMANDS_PER_CLIENT {
        if !mine.is_empty() && rng.next(4) == 0 {
            let (symbol, id) = mine.swap_remove(rng.next(mine.len() as u64) as usize);
            let book = market.book(symbol).expect("listed");
            // The order may have filled meanwhile: UnknownOrder is fine.
            let _ = book.addr.send(Cancel(id)).await.expect("book alive");
            continue;
        }
        let symbol = symbols()[rng.next(2) as usize];
        let book = market.book(symbol).expect("listed");
        let id = market.next_order_id();
        let side = if rng.next(2) == 0 {
            Side::Buy
        } else {
            Side::Sell
        };
        let order = NewOrder {
            id,
            account: AccountId(n),
            side,
            kind: OrderKind::Limit {
                price: Price(95 + rng.next(11) as i64),
            },
            tif: TimeInForce::Gtc,
            quantity: Quantity(1 + rng.next(20)),
        };
        let update = book.addr.send(Submit(order)).await.expect("book alive");
        assert!(
            update
                .events
                .iter()
                .any(|e| matches!(e, BookEvent::Accepted { id: a, .. } if *a == id)),
            "every order is answered with its own acceptance"
        );
        mine.push((symbol, id));
        placed.push((id, order.quantity.0));
    }
    placed
}

/// Per order, from the event stream.
#[derive(Default, Debug)]
struct Tally {
    filled: u64,
    cancelled: u64,
}

#[actix::test]
async fn concurrent_clients_lose_and_duplicate_nothing() {
    let market = market();
    let mut streams = Vec::new();
    for symbol in symbols() {
        let book = market
            .open_book(symbol, TickSize::CENT, BookConfig::default())
            .unwrap();
        streams.push(book.subscribe());
    }
    assert_eq!(
        market
            .open_book(symbols()[0], TickSize::CENT, BookConfig::default())
            .err(),
        Some(MarketError::AlreadyListed(symbols()[0]))
    );

    let placed: HashMap<OrderId, u64> =
        join_all((0..CLIENTS).map(|n| actix::spawn(client(market.clone(), n))))
            .await
            .into_iter()
            .flat_map(|r| r.expect("client finished"))
            .collect();

    let mut accepted = HashSet::new();
    for (symbol, mut stream) in symbols().into_iter().zip(streams) {
        let book = market.book(symbol).unwrap();
        book.addr.send(CheckInvariants).await.unwrap().unwrap();
        let mut updates: Vec<Arc<BookUpdate>> = Vec::new();
        while let Ok(update) = stream.try_recv() {
            updates.push(update);
        }
        let events: Vec<BookEvent> = updates.iter().flat_map(|u| u.events.clone()).collect();
        let seqs: Vec<u64> = events.iter().filter_map(BookEvent::seq).collect();
        assert_eq!(
            seqs,
            (1..=seqs.len() as u64).collect::<Vec<_>>(),
            "gap-free stream"
        );

        let mut tally: HashMap<OrderId, Tally> = HashMap::new();
        for event in &events {
            match *event {
                BookEvent::Accepted { id, .. } => {
                    assert!(accepted.insert(id), "order {id} accepted twice");
                    tally.entry(id).or_default();
                }
                BookEvent::Trade(t) => {
                    tally.entry(t.taker).or_default().filled += t.quantity.0;
                    tally.entry(t.maker).or_default().filled += t.quantity.0;
                }
                BookEvent::Cancelled { id, remaining, .. } => {
                    tally.entry(id).or_default().cancelled += remaining.0;
                }
                BookEvent::Rejected { .. } => panic!("no order here is invalid"),
                _ => {}
            }
        }
        let mut resting: HashMap<OrderId, u64> = HashMap::new();
        for side in [Side::Buy, Side::Sell] {
            for order in book.addr.send(RestingOrders(side)).await.unwrap() {
                assert!(
                    resting.insert(order.id, order.remaining.0).is_none(),
                    "duplicate"
                );
                assert!(
                    tally.contains_key(&order.id),
                    "resting order never accepted"
                );
            }
        }
        for (id, t) in &tally {
            let accounted = t.filled + t.cancelled + resting.get(id).copied().unwrap_or(0);
            assert_eq!(
                placed.get(id),
                Some(&accounted),
                "order {id}: placed = filled + cancelled + resting"
            );
        }
    }
    let placed_ids: HashSet<OrderId> = placed.keys().copied().collect();
    assert_eq!(
        accepted, placed_ids,
        "every placed order is in exactly one book"
    );
    market.shutdown();
}

#[actix::test]
async fn pipelined_batches_run_whole() {
    let market = market();
    let symbol = symbols()[0];
    let book = market
        .open_book(symbol, TickSize::CENT, BookConfig::default())
        .unwrap();
    // 32 batches in flight at once, each of 50 resting bids at one price.
    let batches = (0..32u64).map(|b| {
        let orders = (0..50u64)
            .map(|i| NewOrder {
                id: OrderId(b * 50 + i + 1),
                account: AccountId(1),
                side: Side::Buy,
                kind: OrderKind::Limit { price: Price(100) },
                tif: TimeInForce::Gtc,
                quantity: Quantity(1),
            })
            .collect();
        book.addr.send(SubmitBatch(orders))
    });
    for update in join_all(batches).await {
        // Accepted, Rested, LevelChanged for each order.
        assert_eq!(update.unwrap().events.len(), 150);
    }
    let queue: Vec<u64> = book
        .addr
        .send(RestingOrders(Side::Buy))
        .await
        .unwrap()
        .iter()
        .map(|o| o.id.0)
        .collect();
    // Concurrent senders have no order among themselves, but each batch
    // runs whole: its 50 orders queue back to back, in their own order.
    assert_eq!(queue.len(), 1600);
    for run in queue.chunks(50) {
        let first = run[0];
        assert_eq!((first - 1) % 50, 0, "a batch starts at its first order");
        assert_eq!(run, (first..first + 50).collect::<Vec<_>>().as_slice());
    }
    market.shutdown();
}
