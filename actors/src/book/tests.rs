//! Unit tests for the matching core, one behaviour each. Invariants are
//! checked after every command by the `Fixture`.

use super::*;
use crate::types::{AccountId, OrderId, Price, Quantity, Side};

struct Fixture {
    book: OrderBook,
    events: Vec<BookEvent>,
}

fn order(
    id: u64,
    account: u64,
    side: Side,
    kind: OrderKind,
    tif: TimeInForce,
    qty: u64,
) -> NewOrder {
    NewOrder {
        id: OrderId(id),
        account: AccountId(account),
        side,
        kind,
        tif,
        quantity: Quantity(qty),
    }
}

fn limit(price: i64) -> OrderKind {
    OrderKind::Limit {
        price: Price(price),
    }
}

impl Fixture {
    fn new() -> Fixture {
        Fixture::with(BookConfig::default())
    }

    fn with(config: BookConfig) -> Fixture {
        Fixture {
            book: OrderBook::new(config),
            events: Vec::new(),
        }
    }

    fn submit(&mut self, order: NewOrder) -> Vec<BookEvent> {
        self.events.clear();
        self.book.submit(order, &mut self.events);
        self.book.check_invariants().unwrap();
        self.events.clone()
    }

    /// A GTC limit order of its own account (`account` = `id`).
    fn rest(&mut self, id: u64, side: Side, price: i64, qty: u64) -> Vec<BookEvent> {
        self.submit(order(id, id, side, limit(price), TimeInForce::Gtc, qty))
    }

    fn cancel(&mut self, id: u64) -> Result<Vec<BookEvent>, BookError> {
        self.events.clear();
        let result = self.book.cancel(OrderId(id), &mut self.events);
        self.book.check_invariants().unwrap();
        result.map(|()| self.events.clone())
    }

    fn reduce(&mut self, id: u64, by: u64) -> Result<Vec<BookEvent>, BookError> {
        self.events.clear();
        let result = self
            .book
            .reduce(OrderId(id), Quantity(by), &mut self.events);
        self.book.check_invariants().unwrap();
        result.map(|()| self.events.clone())
    }

    fn side(&self, side: Side) -> Vec<(u64, i64, u64)> {
        self.book
            .resting_orders(side)
            .map(|o| (o.id.0, o.price.0, o.remaining.0))
            .collect()
    }
}

/// (taker, maker, price, quantity) of every trade.
fn trades(events: &[BookEvent]) -> Vec<(u64, u64, i64, u64)> {
    events
        .iter()
        .filter_map(|e| match e {
            BookEvent::Trade(t) => Some((t.taker.0, t.maker.0, t.price.0, t.quantity.0)),
            _ => None,
        })
        .collect()
}

/// (id, remaining, reason) of every cancellation.
fn cancels(events: &[BookEvent]) -> Vec<(u64, u64, CancelReason)> {
    events
        .iter()
        .filter_map(|e| match e {
            BookEvent::Cancelled {
                id,
                remaining,
                reason,
                ..
            } => Some((id.0, remaining.0, *reason)),
            _ => None,
        })
        .collect()
}

fn rejection(events: &[BookEvent]) -> Option<RejectReason> {
    match events {
        [BookEvent::Rejected { reason, .. }] => Some(*reason),
        _ => None,
    }
}

fn triggered(events: &[BookEvent]) -> Vec<u64> {
    events
        .iter()
        .filter_map(|e| match e {
            BookEvent::Triggered { id, .. } => Some(id.0),
            _ => None,
        })
        .collect()
}

#[test]
fn limit_order_rests_on_an_empty_book() {
    let mut f = Fixture::new();
    let events = f.rest(1, Side::Buy, 100, 10);
    assert!(matches!(events[0], BookEvent::Accepted { seq: 1, .. }));
    assert_eq!(
        events[1],
        BookEvent::Rested {
            seq: 2,
            id: OrderId(1),
            account: AccountId(1),
            side: Side::Buy,
            price: Price(100),
            quantity: Quantity(10)
        }
    );
    assert_eq!(
        f.book.resting_order(OrderId(1)).map(|o| o.priority_seq),
        Some(2)
    );
    assert_eq!(
        events[2],
        BookEvent::LevelChanged {
            seq: 3,
            side: Side::Buy,
            price: Price(100),
            quantity: Quantity(10),
            orders: 1
        }
    );
    assert_eq!(f.book.best_bid(), Some(Price(100)));
    assert_eq!(f.book.best_ask(), None);
    assert_eq!(f.book.sequence(), 3);
}

#[test]
fn price_then_time_priority() {
    let mut f = Fixture::new();
    f.rest(1, Side::Sell, 101, 5);
    f.rest(2, Side::Sell, 100, 5);
    f.rest(3, Side::Sell, 100, 5);
    let events = f.rest(4, Side::Buy, 101, 12);
    assert_eq!(
        trades(&events),
        vec![(4, 2, 100, 5), (4, 3, 100, 5), (4, 1, 101, 2)]
    );
    assert_eq!(f.side(Side::Sell), vec![(1, 101, 3)]);
    assert_eq!(f.side(Side::Buy), vec![]);
    assert_eq!(f.book.last_price(), Some(Price(101)));
}

#[test]
fn trades_at_the_resting_price_and_rests_the_rest() {
    let mut f = Fixture::new();
    f.rest(1, Side::Sell, 100, 5);
    let events = f.rest(2, Side::Buy, 105, 8);
    assert_eq!(trades(&events), vec![(2, 1, 100, 5)]);
    assert_eq!(f.side(Side::Buy), vec![(2, 105, 3)]);
    let BookEvent::Trade(t) = events[1] else {
        panic!("expected a trade: {events:?}")
    };
    assert_eq!(
        (t.taker_remaining, t.maker_remaining),
        (Quantity(3), Quantity(0))
    );
    assert_eq!(t.aggressor, Side::Buy);
}

#[test]
fn exact_fill_empties_both_sides() {
    let mut f = Fixture::new();
    f.rest(1, Side::Buy, 100, 7);
    let events = f.rest(2, Side::Sell, 100, 7);
    assert_eq!(trades(&events), vec![(2, 1, 100, 7)]);
    assert!(f.side(Side::Buy).is_empty() && f.side(Side::Sell).is_empty());
    assert_eq!(
        events.last(),
        Some(&BookEvent::LevelChanged {
            seq: f.book.sequence(),
            side: Side::Buy,
            price: Price(100),
            quantity: Quantity(0),
            orders: 0
        })
    );
}

#[test]
fn sweep_across_many_levels_reports_each_level() {
    let mut f = Fixture::new();
    for i in 0..5 {
        f.rest(i + 1, Side::Sell, 100 + i as i64, 10);
    }
    let events = f.submit(order(
        9,
        9,
        Side::Buy,
        OrderKind::Market,
        TimeInForce::Gtc,
        45,
    ));
    assert_eq!(trades(&events).len(), 5);
    let levels: Vec<(i64, u64)> = events
        .iter()
        .filter_map(|e| match e {
            BookEvent::LevelChanged {
                price, quantity, ..
            } => Some((price.0, quantity.0)),
            _ => None,
        })
        .collect();
    assert_eq!(
        levels,
        vec![(100, 0), (101, 0), (102, 0), (103, 0), (104, 5)]
    );
    assert_eq!(f.side(Side::Sell), vec![(5, 104, 5)]);
}

#[test]
fn market_order_without_enough_liquidity_cancels_the_rest() {
    let mut f = Fixture::new();
    f.rest(1, Side::Buy, 100, 4);
    let events = f.submit(order(
        2,
        2,
        Side::Sell,
        OrderKind::Market,
        TimeInForce::Gtc,
        10,
    ));
    assert_eq!(trades(&events), vec![(2, 1, 100, 4)]);
    assert_eq!(cancels(&events), vec![(2, 6, CancelReason::NoLiquidity)]);
    let events = f.submit(order(
        3,
        3,
        Side::Sell,
        OrderKind::Market,
        TimeInForce::Ioc,
        1,
    ));
    assert_eq!(cancels(&events), vec![(3, 1, CancelReason::NoLiquidity)]);
}

#[test]
fn ioc_fills_what_it_can_and_never_rests() {
    let mut f = Fixture::new();
    f.rest(1, Side::Sell, 100, 3);
    f.rest(2, Side::Sell, 102, 3);
    let events = f.submit(order(3, 3, Side::Buy, limit(101), TimeInForce::Ioc, 5));
    assert_eq!(trades(&events), vec![(3, 1, 100, 3)]);
    assert_eq!(
        cancels(&events),
        vec![(3, 2, CancelReason::ImmediateOrCancel)]
    );
    assert!(f.side(Side::Buy).is_empty());
}

#[test]
fn fok_that_cannot_fill_changes_nothing_in_the_book() {
    let mut f = Fixture::new();
    f.rest(1, Side::Sell, 100, 3);
    f.rest(2, Side::Sell, 101, 3);
    let before = f.book.l2(10);
    let events = f.submit(order(3, 3, Side::Buy, limit(101), TimeInForce::Fok, 7));
    assert!(trades(&events).is_empty());
    assert_eq!(cancels(&events), vec![(3, 7, CancelReason::FillOrKill)]);
    assert_eq!(f.book.l2(10).bids, before.bids);
    assert_eq!(f.book.l2(10).asks, before.asks);
    let events = f.submit(order(4, 4, Side::Buy, limit(101), TimeInForce::Fok, 6));
    assert_eq!(trades(&events), vec![(4, 1, 100, 3), (4, 2, 101, 3)]);
}

#[test]
fn fok_does_not_count_liquidity_beyond_its_limit() {
    let mut f = Fixture::new();
    f.rest(1, Side::Sell, 100, 3);
    f.rest(2, Side::Sell, 105, 10);
    let events = f.submit(order(3, 3, Side::Buy, limit(104), TimeInForce::Fok, 4));
    assert_eq!(cancels(&events), vec![(3, 4, CancelReason::FillOrKill)]);
    assert_eq!(f.side(Side::Sell), vec![(1, 100, 3), (2, 105, 10)]);
}

#[test]
fn day_orders_expire_at_the_close_in_priority_order() {
    let mut f = Fixture::new();
    f.submit(order(1, 1, Side::Buy, limit(99), TimeInForce::Day, 5));
    f.rest(2, Side::Buy, 98, 5);
    f.submit(order(3, 3, Side::Sell, limit(105), TimeInForce::Day, 5));
    f.submit(order(
        4,
        4,
        Side::Sell,
        OrderKind::Stop { trigger: Price(90) },
        TimeInForce::Day,
        5,
    ));
    f.events.clear();
    f.book.expire_day_orders(&mut f.events);
    f.book.check_invariants().unwrap();
    let expired: Vec<u64> = f
        .events
        .iter()
        .filter_map(|e| match e {
            BookEvent::Expired { id, .. } => Some(id.0),
            _ => None,
        })
        .collect();
    assert_eq!(expired, vec![1, 3, 4]);
    assert_eq!(f.side(Side::Buy), vec![(2, 98, 5)]);
    assert!(f.side(Side::Sell).is_empty() && f.book.pending_stops().is_empty());
}

#[test]
fn cancel_removes_the_order_and_unknown_ids_are_errors() {
    let mut f = Fixture::new();
    f.rest(1, Side::Buy, 100, 5);
    f.rest(2, Side::Buy, 100, 6);
    let events = f.cancel(1).unwrap();
    assert_eq!(cancels(&events), vec![(1, 5, CancelReason::Requested)]);
    assert!(matches!(
        events[1],
        BookEvent::LevelChanged {
            quantity: Quantity(6),
            orders: 1,
            ..
        }
    ));
    assert_eq!(f.cancel(1), Err(BookError::UnknownOrder(OrderId(1))));
    assert_eq!(f.cancel(77), Err(BookError::UnknownOrder(OrderId(77))));
    assert_eq!(f.side(Side::Buy), vec![(2, 100, 6)]);
}

#[test]
fn ids_in_sequence_and_ids_far_from_it_behave_alike() {
    let mut f = Fixture::new();
    let far = [u64::MAX - 1, 1 << 40];
    f.rest(1, Side::Sell, 100, 5);
    f.rest(far[0], Side::Sell, 100, 5);
    f.rest(2, Side::Sell, 101, 5);
    f.rest(far[1], Side::Sell, 101, 5);
    assert_eq!(f.book.ids_in_hash_map(), 2);
    for id in [1, far[0], 2, far[1]] {
        let events = f.rest(id, Side::Buy, 90, 1);
        assert_eq!(rejection(&events), Some(RejectReason::DuplicateOrderId));
    }
    assert_eq!(
        f.book.resting_order(OrderId(far[1])).unwrap().price,
        Price(101)
    );
    // A sweep fills both kinds in time priority and forgets them.
    let events = f.rest(3, Side::Buy, 100, 10);
    assert_eq!(trades(&events), vec![(3, 1, 100, 5), (3, far[0], 100, 5)]);
    assert_eq!(f.book.ids_in_hash_map(), 1);
    f.reduce(far[1], 2).unwrap();
    assert_eq!(f.cancel(far[1]).unwrap().len(), 2);
    assert_eq!(
        f.cancel(far[1]),
        Err(BookError::UnknownOrder(OrderId(far[1])))
    );
    assert_eq!(f.book.ids_in_hash_map(), 0);
    assert_eq!(f.side(Side::Sell), vec![(2, 101, 5)]);
    // A filled order's id may come back, in sequence or not.
    f.rest(far[0], Side::Sell, 102, 1);
    f.rest(1, Side::Sell, 102, 1);
    assert_eq!(f.book.live_orders(), 3);
}

#[test]
fn reduce_keeps_queue_priority() {
    let mut f = Fixture::new();
    f.rest(1, Side::Sell, 100, 10);
    f.rest(2, Side::Sell, 100, 10);
    let events = f.reduce(1, 7).unwrap();
    assert!(matches!(
        events[0],
        BookEvent::Reduced {
            by: Quantity(7),
            remaining: Quantity(3),
            ..
        }
    ));
    let events = f.rest(3, Side::Buy, 100, 4);
    assert_eq!(trades(&events), vec![(3, 1, 100, 3), (3, 2, 100, 1)]);
}

#[test]
fn reducing_by_everything_cancels_and_zero_is_an_error() {
    let mut f = Fixture::new();
    f.rest(1, Side::Sell, 100, 10);
    assert_eq!(f.reduce(1, 0), Err(BookError::ZeroReduction));
    let events = f.reduce(1, 12).unwrap();
    assert_eq!(cancels(&events), vec![(1, 10, CancelReason::Requested)]);
    assert_eq!(f.book.live_orders(), 0);
}

#[test]
fn rejects_bad_orders_without_changing_anything() {
    let config = BookConfig {
        max_order_quantity: Quantity(1000),
        band: Some(PriceBand {
            reference: Price(100),
            percent_bps: 1000,
        }),
        ..BookConfig::default()
    };
    let mut f = Fixture::with(config);
    f.rest(1, Side::Buy, 100, 5);
    let seq = f.book.sequence();
    let cases = [
        (
            order(2, 2, Side::Buy, limit(100), TimeInForce::Gtc, 0),
            RejectReason::ZeroQuantity,
        ),
        (
            order(2, 2, Side::Buy, limit(100), TimeInForce::Gtc, 1001),
            RejectReason::QuantityTooLarge {
                max: Quantity(1000),
            },
        ),
        (
            order(2, 2, Side::Buy, limit(0), TimeInForce::Gtc, 1),
            RejectReason::PriceNotPositive,
        ),
        (
            order(2, 2, Side::Buy, limit(111), TimeInForce::Gtc, 1),
            RejectReason::OutsideBand {
                price: Price(111),
                low: Price(90),
                high: Price(110),
            },
        ),
        (
            order(
                2,
                2,
                Side::Sell,
                OrderKind::Stop { trigger: Price(89) },
                TimeInForce::Gtc,
                1,
            ),
            RejectReason::OutsideBand {
                price: Price(89),
                low: Price(90),
                high: Price(110),
            },
        ),
        (
            order(1, 2, Side::Buy, limit(100), TimeInForce::Gtc, 1),
            RejectReason::DuplicateOrderId,
        ),
    ];
    for (bad, reason) in cases {
        assert_eq!(rejection(&f.submit(bad)), Some(reason));
    }
    assert_eq!(f.book.sequence(), seq);
    assert_eq!(f.side(Side::Buy), vec![(1, 100, 5)]);
}

#[test]
fn halt_stops_matching_but_accepts_cancels_and_reduces() {
    let mut f = Fixture::new();
    f.rest(1, Side::Sell, 100, 10);
    f.rest(2, Side::Sell, 101, 10);
    f.book.halt();
    assert_eq!(
        rejection(&f.rest(3, Side::Buy, 100, 5)),
        Some(RejectReason::Halted)
    );
    assert!(f.reduce(1, 4).is_ok());
    assert!(f.cancel(2).is_ok());
    f.book.resume();
    assert_eq!(trades(&f.rest(3, Side::Buy, 100, 6)), vec![(3, 1, 100, 6)]);
}

#[test]
fn market_orders_do_not_trade_beyond_the_band() {
    let config = BookConfig {
        band: Some(PriceBand {
            reference: Price(100),
            percent_bps: 500,
        }),
        ..BookConfig::default()
    };
    let mut f = Fixture::with(config);
    f.rest(1, Side::Sell, 104, 5);
    f.rest(2, Side::Sell, 105, 5);
    f.book.set_band(Some(PriceBand {
        reference: Price(100),
        percent_bps: 400,
    }));
    let events = f.submit(order(
        3,
        3,
        Side::Buy,
        OrderKind::Market,
        TimeInForce::Gtc,
        10,
    ));
    assert_eq!(trades(&events), vec![(3, 1, 104, 5)]);
    assert_eq!(cancels(&events), vec![(3, 5, CancelReason::NoLiquidity)]);
}

fn stp_book(policy: StpPolicy) -> Fixture {
    let mut f = Fixture::with(BookConfig {
        stp: policy,
        ..BookConfig::default()
    });
    // Account 7 rests at the front of the queue, account 8 behind it.
    f.submit(order(1, 7, Side::Sell, limit(100), TimeInForce::Gtc, 5));
    f.submit(order(2, 8, Side::Sell, limit(100), TimeInForce::Gtc, 5));
    f
}

#[test]
fn stp_cancel_resting_skips_own_orders_and_keeps_matching() {
    let mut f = stp_book(StpPolicy::CancelResting);
    let events = f.submit(order(3, 7, Side::Buy, limit(100), TimeInForce::Gtc, 4));
    assert_eq!(cancels(&events), vec![(1, 5, CancelReason::SelfTrade)]);
    assert_eq!(trades(&events), vec![(3, 2, 100, 4)]);
    assert_eq!(f.side(Side::Sell), vec![(2, 100, 1)]);
}

#[test]
fn stp_cancel_incoming_leaves_the_resting_order() {
    let mut f = stp_book(StpPolicy::CancelIncoming);
    let events = f.submit(order(3, 7, Side::Buy, limit(100), TimeInForce::Gtc, 4));
    assert!(trades(&events).is_empty());
    assert_eq!(cancels(&events), vec![(3, 4, CancelReason::SelfTrade)]);
    assert_eq!(f.side(Side::Sell), vec![(1, 100, 5), (2, 100, 5)]);
    assert!(f.side(Side::Buy).is_empty());
}

#[test]
fn stp_cancel_both() {
    let mut f = stp_book(StpPolicy::CancelBoth);
    let events = f.submit(order(3, 7, Side::Buy, limit(100), TimeInForce::Gtc, 4));
    assert_eq!(
        cancels(&events),
        vec![
            (1, 5, CancelReason::SelfTrade),
            (3, 4, CancelReason::SelfTrade)
        ]
    );
    assert_eq!(f.side(Side::Sell), vec![(2, 100, 5)]);
}

#[test]
fn fok_ignores_own_liquidity() {
    let mut f = stp_book(StpPolicy::CancelResting);
    let events = f.submit(order(3, 7, Side::Buy, limit(100), TimeInForce::Fok, 6));
    assert_eq!(cancels(&events), vec![(3, 6, CancelReason::FillOrKill)]);
    assert_eq!(f.side(Side::Sell).len(), 2, "a killed FOK cancels nothing");
    let mut f = stp_book(StpPolicy::CancelIncoming);
    let events = f.submit(order(3, 7, Side::Buy, limit(100), TimeInForce::Fok, 1));
    assert_eq!(cancels(&events), vec![(3, 1, CancelReason::FillOrKill)]);
}

#[test]
fn buy_stop_fires_when_a_trade_prints_at_its_trigger() {
    let mut f = Fixture::new();
    f.rest(1, Side::Sell, 100, 5);
    f.rest(2, Side::Sell, 101, 5);
    let events = f.submit(order(
        3,
        3,
        Side::Buy,
        OrderKind::Stop {
            trigger: Price(100),
        },
        TimeInForce::Gtc,
        3,
    ));
    assert!(triggered(&events).is_empty());
    assert_eq!(f.book.pending_stops().len(), 1);
    let events = f.rest(4, Side::Buy, 100, 1);
    assert_eq!(triggered(&events), vec![3]);
    assert_eq!(trades(&events), vec![(4, 1, 100, 1), (3, 1, 100, 3)]);
    assert!(f.book.pending_stops().is_empty());
}

#[test]
fn sell_stop_does_not_fire_above_its_trigger() {
    let mut f = Fixture::new();
    f.rest(1, Side::Buy, 100, 5);
    f.submit(order(
        2,
        2,
        Side::Sell,
        OrderKind::Stop { trigger: Price(99) },
        TimeInForce::Gtc,
        3,
    ));
    let events = f.rest(3, Side::Sell, 100, 1);
    assert!(triggered(&events).is_empty());
    assert_eq!(f.book.pending_stops().len(), 1);
}

#[test]
fn stops_cascade_in_placement_order() {
    let mut f = Fixture::new();
    // Liquidity the stops will eat.
    f.rest(1, Side::Buy, 98, 1);
    f.rest(2, Side::Buy, 97, 1);
    f.rest(3, Side::Buy, 96, 5);
    let stop = |id, trigger| {
        order(
            id,
            id,
            Side::Sell,
            OrderKind::Stop {
                trigger: Price(trigger),
            },
            TimeInForce::Gtc,
            1,
        )
    };
    f.submit(stop(11, 99));
    f.submit(stop(12, 100));
    f.submit(stop(13, 97));
    // The print at 98 fires 11 and 12: they run in placement order (11
    // first) although 12's trigger is higher. 11's trade at 97 fires 13,
    // which queues behind 12.
    let events = f.rest(20, Side::Sell, 98, 1);
    assert_eq!(triggered(&events), vec![11, 12, 13]);
    assert_eq!(
        trades(&events),
        vec![
            (20, 1, 98, 1),
            (11, 2, 97, 1),
            (12, 3, 96, 1),
            (13, 3, 96, 1)
        ]
    );
    assert_eq!(f.side(Side::Buy), vec![(3, 96, 3)]);
    assert!(f.book.pending_stops().is_empty());
}

#[test]
fn stop_limit_rests_at_its_limit_after_firing() {
    let mut f = Fixture::new();
    f.rest(1, Side::Sell, 105, 2);
    f.submit(order(
        2,
        2,
        Side::Buy,
        OrderKind::StopLimit {
            trigger: Price(105),
            price: Price(106),
        },
        TimeInForce::Gtc,
        5,
    ));
    let events = f.rest(3, Side::Buy, 105, 1);
    assert_eq!(triggered(&events), vec![2]);
    assert_eq!(trades(&events), vec![(3, 1, 105, 1), (2, 1, 105, 1)]);
    assert_eq!(f.side(Side::Buy), vec![(2, 106, 4)]);
}

#[test]
fn stop_placed_through_the_last_price_fires_at_once() {
    let mut f = Fixture::new();
    f.rest(1, Side::Sell, 100, 5);
    f.rest(2, Side::Buy, 100, 1);
    let events = f.submit(order(
        3,
        3,
        Side::Buy,
        OrderKind::Stop { trigger: Price(99) },
        TimeInForce::Gtc,
        2,
    ));
    assert_eq!(triggered(&events), vec![3]);
    assert_eq!(trades(&events), vec![(3, 1, 100, 2)]);
}

#[test]
fn a_fired_stop_meets_self_trade_prevention_like_any_order() {
    let mut f = Fixture::new();
    f.submit(order(1, 7, Side::Sell, limit(100), TimeInForce::Gtc, 5));
    f.submit(order(2, 8, Side::Sell, limit(100), TimeInForce::Gtc, 5));
    f.submit(order(
        3,
        7,
        Side::Buy,
        OrderKind::Stop {
            trigger: Price(100),
        },
        TimeInForce::Gtc,
        2,
    ));
    let events = f.submit(order(4, 9, Side::Buy, limit(100), TimeInForce::Gtc, 1));
    assert_eq!(cancels(&events), vec![(1, 4, CancelReason::SelfTrade)]);
    assert_eq!(trades(&events), vec![(4, 1, 100, 1), (3, 2, 100, 2)]);
}

#[test]
fn waiting_stops_can_be_reduced_and_cancelled() {
    let mut f = Fixture::new();
    let stop = order(
        1,
        1,
        Side::Buy,
        OrderKind::Stop {
            trigger: Price(110),
        },
        TimeInForce::Gtc,
        10,
    );
    f.submit(stop);
    assert!(matches!(
        f.reduce(1, 4).unwrap()[0],
        BookEvent::Reduced {
            remaining: Quantity(6),
            ..
        }
    ));
    assert_eq!(f.book.pending_stops()[0].remaining, Quantity(6));
    assert_eq!(
        cancels(&f.cancel(1).unwrap()),
        vec![(1, 6, CancelReason::Requested)]
    );
    assert_eq!(f.book.live_orders(), 0);
}

#[test]
fn cancel_all_removes_everything_with_the_reason() {
    let mut f = Fixture::new();
    f.rest(1, Side::Buy, 99, 5);
    f.rest(2, Side::Sell, 101, 5);
    f.submit(order(
        3,
        3,
        Side::Buy,
        OrderKind::Stop {
            trigger: Price(110),
        },
        TimeInForce::Gtc,
        1,
    ));
    f.events.clear();
    f.book
        .cancel_all(CancelReason::Administrative, &mut f.events);
    f.book.check_invariants().unwrap();
    assert_eq!(
        cancels(&f.events),
        vec![
            (1, 5, CancelReason::Administrative),
            (2, 5, CancelReason::Administrative),
            (3, 1, CancelReason::Administrative)
        ]
    );
    assert_eq!(f.book.live_orders(), 0);
}

#[test]
fn snapshots_aggregate_levels_best_first() {
    let mut f = Fixture::new();
    f.rest(1, Side::Buy, 99, 5);
    f.rest(2, Side::Buy, 99, 2);
    f.rest(3, Side::Buy, 98, 1);
    f.rest(4, Side::Sell, 101, 4);
    let l2 = f.book.l2(1);
    assert_eq!(
        l2.bids,
        vec![LevelView {
            price: Price(99),
            quantity: Quantity(7),
            orders: 2
        }]
    );
    assert_eq!(l2.asks.len(), 1);
    assert_eq!(f.book.l2(10).bids.len(), 2);
    let l1 = f.book.l1();
    assert_eq!(l1.bid.map(|l| l.price), Some(Price(99)));
    assert_eq!(l1.ask.map(|l| l.quantity), Some(Quantity(4)));
    assert_eq!(l1.sequence, f.book.sequence());
}

#[test]
fn sequence_numbers_increase_by_one_per_change() {
    let mut f = Fixture::new();
    let mut all = Vec::new();
    all.extend(f.rest(1, Side::Sell, 100, 5));
    all.extend(f.rest(2, Side::Buy, 101, 8));
    all.extend(f.cancel(2).unwrap());
    all.extend(f.rest(3, Side::Buy, 0, 1)); // rejected: no number
    let seqs: Vec<u64> = all.iter().filter_map(BookEvent::seq).collect();
    assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>());
}
