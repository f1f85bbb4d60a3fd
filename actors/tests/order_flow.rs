//! The order flow through the actors: account reserves, book matches, both
//! accounts settle, leftovers are released. The concurrency test replays the
//! book's event stream through fresh account cores one event at a time and
//! requires the live accounts to end exactly where the replay does.

use std::collections::HashMap;
use std::sync::Arc;

use actix::Addr;
use futures_util::future::join_all;
use marketlab_actors::account::actor::{
    AccountActor, Allot, CancelOrder, Deposit, Inspect, PlaceOrder,
};
use marketlab_actors::account::{AccountCore, OrderError, OrderRecord, OrderRequest, OrderStatus};
use marketlab_actors::book::actor::RestingOrders;
use marketlab_actors::book::{
    BookConfig, BookEvent, BookUpdate, Listing, OrderKind, PriceBand, RejectReason, TimeInForce,
};
use marketlab_actors::clock::ManualClock;
use marketlab_actors::ledger::{self, FeeSchedule, LedgerError, LedgerLimits};
use marketlab_actors::market::{Ipo, Market, MarketConfig, MarketError};
use marketlab_actors::types::{
    AccountId, Money, OrderId, Price, Quantity, Side, Symbol, TickSize, Timestamp,
};

const START: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

fn acme() -> Symbol {
    Symbol::new("ACME").unwrap()
}

fn fees() -> FeeSchedule {
    FeeSchedule::default()
}

fn fresh_core(id: u64) -> AccountCore {
    AccountCore::new(
        ledger::Account::new(AccountId(id), LedgerLimits::default()),
        fees(),
    )
}

/// A market with ACME listed at 100.00 (ticks of one cent, band +-30%).
fn market() -> (Market, Listing) {
    let market = Market::new(
        MarketConfig {
            arbiters: 2,
            mailbox_capacity: 256,
            broadcast_capacity: 1 << 18,
        },
        Arc::new(ManualClock::new(Timestamp::from_millis(START))),
    );
    let config = BookConfig {
        band: Some(PriceBand {
            reference: Price(10_000),
            percent_bps: 3000,
        }),
        ..BookConfig::default()
    };
    let book = market.open_book(acme(), TickSize::CENT, config).unwrap();
    (market, book.listing)
}

async fn open(market: &Market, id: u64, cash: i64, shares: u64) -> Addr<AccountActor> {
    let account = market.open_account(fresh_core(id), true).unwrap();
    if cash > 0 {
        account
            .send(Deposit {
                amount: Money::from_major(cash),
                key: None,
            })
            .await
            .unwrap()
            .unwrap();
    }
    if shares > 0 {
        account
            .send(Allot {
                symbol: acme(),
                quantity: Quantity(shares),
                price: Money::from_major(100),
            })
            .await
            .unwrap()
            .unwrap();
    }
    account
}

fn limit(side: Side, cents: i64, qty: u64) -> OrderRequest {
    OrderRequest {
        symbol: acme(),
        side,
        kind: OrderKind::Limit {
            price: Price(cents),
        },
        tif: TimeInForce::Gtc,
        quantity: Quantity(qty),
        client_order_id: None,
    }
}

/// (cash, reserved cash, shares, reserved shares, realized gains) in cents and shares.
async fn balances(account: &Addr<AccountActor>) -> (i64, i64, u64, u64, i64) {
    balances_of(account, acme()).await
}

async fn balances_of(account: &Addr<AccountActor>, symbol: Symbol) -> (i64, i64, u64, u64, i64) {
    account
        .send(Inspect(Box::new(move |core: &AccountCore| {
            let ledger = core.ledger();
            let holding = ledger.holding(symbol);
            (
                ledger.cash().0,
                ledger.reserved_cash().0,
                holding.as_ref().map_or(0, |h| h.quantity.0),
                holding.as_ref().map_or(0, |h| h.reserved.0),
                ledger.realized_total().0,
            )
        })))
        .await
        .unwrap()
}

#[actix::test]
async fn a_trade_settles_both_sides_and_a_cancel_releases_the_rest() {
    let (market, _) = market();
    let mut updates = market.order_updates();
    let issuer = open(&market, 1, 0, 1_000).await;
    let buyer = open(&market, 2, 10_000, 0).await;

    let bid = buyer
        .send(PlaceOrder(limit(Side::Buy, 10_100, 10)))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(bid.status, OrderStatus::Open);
    // 10 x 101.00 = 1010.00 plus its commission 0.15 (0.015%, half-even).
    assert_eq!(balances(&buyer).await, (1_000_000, 101_015, 0, 0, 0));

    let ask = issuer
        .send(PlaceOrder(limit(Side::Sell, 10_000, 4)))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ask.status, OrderStatus::Filled);
    assert_eq!(ask.fills.len(), 1);
    // The trade prints at the resting bid: 4 x 101.00 = 404.00.
    // Seller: commission 0.06 (404.00 x 0.015% = 0.0606), tax 0.73 (x 0.18%
    // = 0.7272); gain over the 100.00 allotment = 4.00 - 0.79 = 3.21.
    assert_eq!((ask.fills[0].fee, ask.fills[0].tax), (Money(6), Money(73)));
    assert_eq!(balances(&issuer).await, (40_400 - 79, 0, 996, 0, 321));

    // The book delivered the buyer's side to its mailbox before answering
    // the seller, so this question queues behind it.
    let buyer_now = balances(&buyer).await;
    // Paid 404.00 + 0.06; still reserved: the whole order's 1010.15 less
    // what the fill spent.
    assert_eq!(buyer_now, (1_000_000 - 40_406, 101_015 - 40_406, 4, 0, 0));

    let cancelled = buyer.send(CancelOrder(bid.id)).await.unwrap().unwrap();
    assert_eq!(cancelled.status, OrderStatus::Cancelled);
    assert_eq!(cancelled.filled, Quantity(4));
    assert_eq!(balances(&buyer).await, (1_000_000 - 40_406, 0, 4, 0, 0));
    assert_eq!(
        buyer.send(CancelOrder(bid.id)).await.unwrap(),
        Err(OrderError::NotOpen(bid.id))
    );

    // The order's life as a subscriber saw it.
    let mut seen = Vec::new();
    while let Ok(update) = updates.try_recv() {
        if update.id == bid.id {
            seen.push((update.status, update.filled.0, update.fills.len()));
        }
    }
    assert_eq!(
        seen,
        vec![
            (OrderStatus::Open, 0, 0),
            (OrderStatus::PartiallyFilled, 4, 1),
            (OrderStatus::Cancelled, 4, 1)
        ]
    );
    market.shutdown();
}

#[actix::test]
async fn rejected_orders_reserve_nothing() {
    let (market, _) = market();
    let buyer = open(&market, 2, 1_000, 0).await;
    let before = balances(&buyer).await;
    let cases = [
        (
            limit(Side::Buy, 13_001, 1),
            OrderError::Invalid(RejectReason::OutsideBand {
                price: Price(13_001),
                low: Price(7_000),
                high: Price(13_000),
            }),
        ),
        (
            limit(Side::Buy, 10_000, 0),
            OrderError::Invalid(RejectReason::ZeroQuantity),
        ),
        // 11 x 100.00 plus its commission 0.165, half-even to 0.16.
        (
            limit(Side::Buy, 10_000, 11),
            OrderError::Ledger(LedgerError::InsufficientFunds {
                needed: Money(110_016),
                available: Money(100_000),
            }),
        ),
        (
            limit(Side::Sell, 10_000, 1),
            OrderError::Ledger(LedgerError::InsufficientShares {
                symbol: acme(),
                needed: Quantity(1),
                available: Quantity(0),
            }),
        ),
        (
            // A market buy reserves at the top of the band: 8 x 130.00.
            OrderRequest {
                kind: OrderKind::Market,
                ..limit(Side::Buy, 1, 8)
            },
            OrderError::Ledger(LedgerError::InsufficientFunds {
                needed: Money(104_016),
                available: Money(100_000),
            }),
        ),
    ];
    for (request, error) in cases {
        assert_eq!(buyer.send(PlaceOrder(request)).await.unwrap(), Err(error));
        assert_eq!(balances(&buyer).await, before);
    }
    market.shutdown();
}

#[actix::test]
async fn a_client_order_id_places_once() {
    let (market, _) = market();
    let buyer = open(&market, 2, 10_000, 0).await;
    let request = OrderRequest {
        client_order_id: Some("k-1".into()),
        ..limit(Side::Buy, 9_000, 5)
    };
    let first = buyer
        .send(PlaceOrder(request.clone()))
        .await
        .unwrap()
        .unwrap();
    let again = buyer.send(PlaceOrder(request)).await.unwrap().unwrap();
    assert_eq!(first.id, again.id);
    assert_eq!(balances(&buyer).await.1, 45_000 + 7, "reserved once");
    market.shutdown();
}

#[actix::test]
async fn listing_allots_the_issue_and_the_issuer_sells_it() {
    let (market, _) = market();
    let issuer = open(&market, 1, 0, 0).await;
    let buyer = open(&market, 2, 10_000, 0).await;
    let bolt = Symbol::new("BOLT").unwrap();
    let ipo = Ipo {
        symbol: bolt,
        tick: TickSize::from_decimal(rust_decimal::Decimal::new(5, 2)).unwrap(),
        band_bps: Some(3000),
        issuer: AccountId(1),
        shares: Quantity(1_000_000),
        price: Money::from_major(25),
    };
    assert_eq!(
        market
            .list_company(Ipo {
                issuer: AccountId(99),
                ..ipo
            })
            .await
            .err(),
        Some(MarketError::UnknownIssuer(AccountId(99)))
    );
    assert_eq!(
        market
            .list_company(Ipo {
                shares: Quantity(0),
                ..ipo
            })
            .await
            .err(),
        Some(MarketError::EmptyIssue)
    );
    assert_eq!(
        market
            .list_company(Ipo {
                price: Money(2_502),
                ..ipo
            })
            .await
            .err(),
        Some(MarketError::OffTick {
            price: Money(2_502),
            tick: Money(5)
        })
    );
    assert!(
        market.book(bolt).is_none(),
        "a failed listing opens no book"
    );

    let book = market.list_company(ipo).await.unwrap();
    // Ticks of 0.05: the band is +-30% around 25.00 = 500 ticks.
    assert_eq!(
        book.listing.config.band.map(|b| b.limits()),
        Some((Price(350), Price(650)))
    );
    assert_eq!(
        market.list_company(ipo).await.err(),
        Some(MarketError::AlreadyListed(bolt))
    );
    let lots = issuer
        .send(Inspect(Box::new(move |core: &AccountCore| {
            core.ledger().lots(bolt).cloned().collect::<Vec<_>>()
        })))
        .await
        .unwrap();
    assert_eq!(
        lots.len(),
        1,
        "one lot for the whole issue, not one per listing attempt"
    );
    assert_eq!(
        (lots[0].quantity, lots[0].price),
        (Quantity(1_000_000), Money(2_500))
    );

    // 26.00 is 520 ticks of 0.05.
    let sell = OrderRequest {
        symbol: bolt,
        ..limit(Side::Sell, 520, 100)
    };
    issuer.send(PlaceOrder(sell)).await.unwrap().unwrap();
    let buy = OrderRequest {
        symbol: bolt,
        ..limit(Side::Buy, 520, 40)
    };
    let bought = buyer.send(PlaceOrder(buy)).await.unwrap().unwrap();
    assert_eq!(
        (bought.status, bought.filled),
        (OrderStatus::Filled, Quantity(40))
    );
    // 40 x 26.00 = 1040.00 plus 0.156 commission, half-even to 0.16.
    assert_eq!(
        balances_of(&buyer, bolt).await,
        (1_000_000 - 104_016, 0, 40, 0, 0)
    );
    market.shutdown();
}

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

const TRADERS: u64 = 8;
const ORDERS_PER_TRADER: u64 = 150;
const CASH: i64 = 1_000_000;
const SHARES: u64 = 10_000;

async fn trade_randomly(account: Addr<AccountActor>, n: u64) -> Vec<OrderRecord> {
    let mut rng = XorShift(0xA076_1D64_78BD_642F ^ (n + 1));
    let mut placed = Vec::new();
    for _ in 0..ORDERS_PER_TRADER {
        if !placed.is_empty() && rng.next(5) == 0 {
            let victim: &OrderRecord = &placed[rng.next(placed.len() as u64) as usize];
            // It may have filled already: NotOpen is an answer too.
            let _ = account.send(CancelOrder(victim.id)).await.unwrap();
            continue;
        }
        let side = if rng.next(2) == 0 {
            Side::Buy
        } else {
            Side::Sell
        };
        let kind = match rng.next(10) {
            0 => OrderKind::Market,
            _ => OrderKind::Limit {
                price: Price(9_990 + rng.next(21) as i64),
            },
        };
        let tif = if rng.next(6) == 0 {
            TimeInForce::Ioc
        } else {
            TimeInForce::Gtc
        };
        let request = OrderRequest {
            symbol: acme(),
            side,
            kind,
            tif,
            quantity: Quantity(1 + rng.next(30)),
            client_order_id: None,
        };
        let record = account.send(PlaceOrder(request)).await.unwrap().unwrap();
        placed.push(record);
    }
    placed
}

#[actix::test]
async fn concurrent_trading_ends_where_a_sequential_replay_does() {
    let (market, listing) = market();
    let mut stream = market.book(acme()).unwrap().subscribe();
    let mut accounts = Vec::new();
    for n in 1..=TRADERS {
        accounts.push(open(&market, n, CASH, SHARES).await);
    }
    let requests: HashMap<_, _> = join_all(
        accounts
            .iter()
            .enumerate()
            .map(|(n, a)| actix::spawn(trade_randomly(a.clone(), n as u64))),
    )
    .await
    .into_iter()
    .flat_map(|placed| placed.unwrap())
    .map(|r| (r.id, r))
    .collect();

    let mut updates: Vec<Arc<BookUpdate>> = Vec::new();
    while let Ok(update) = stream.try_recv() {
        updates.push(update);
    }
    assert!(
        updates
            .iter()
            .any(|u| u.events.iter().any(|e| matches!(e, BookEvent::Trade(_))))
    );

    // The replay: same deposits and allotments, then every book event in
    // book order, each order reserved when the book accepted it.
    let at = Timestamp::from_millis(START);
    let mut replay: HashMap<AccountId, AccountCore> = (1..=TRADERS)
        .map(|n| {
            let mut core = fresh_core(n);
            core.deposit(Money::from_major(CASH), None, at).unwrap();
            core.allot(acme(), Quantity(SHARES), Money::from_major(100), at)
                .unwrap();
            (AccountId(n), core)
        })
        .collect();
    for update in &updates {
        for event in &update.events {
            if let BookEvent::Accepted { id, account, .. } = *event {
                let r = &requests[&id];
                let request = OrderRequest {
                    symbol: r.symbol,
                    side: r.side,
                    kind: r.kind,
                    tif: r.tif,
                    quantity: r.quantity,
                    client_order_id: None,
                };
                let core = replay.get_mut(&account).unwrap();
                core.place(id, request, &listing, update.at).unwrap();
            }
            for account in replay.keys().copied().collect::<Vec<_>>() {
                let core = replay.get_mut(&account).unwrap();
                core.apply(update.at, std::slice::from_ref(event)).unwrap();
            }
        }
    }

    let mut total_cash = 0;
    for (n, account) in (1..=TRADERS).zip(&accounts) {
        let expected = &replay[&AccountId(n)];
        let live = account
            .send(Inspect(Box::new(|core: &AccountCore| {
                let l = core.ledger();
                l.check_invariants().unwrap();
                (
                    l.cash(),
                    l.reserved_cash(),
                    l.holding(acme()),
                    l.lots(acme()).cloned().collect::<Vec<_>>(),
                    l.realized().to_vec(),
                )
            })))
            .await
            .unwrap();
        let l = expected.ledger();
        assert_eq!(live.0, l.cash(), "account {n} cash");
        assert_eq!(live.1, l.reserved_cash(), "account {n} reserved cash");
        assert_eq!(live.2, l.holding(acme()), "account {n} holding");
        assert_eq!(
            live.3,
            l.lots(acme()).cloned().collect::<Vec<_>>(),
            "account {n} lots"
        );
        assert_eq!(live.4, l.realized().to_vec(), "account {n} realized gains");
        total_cash += live.0.0;
    }
    assert!(
        total_cash < TRADERS as i64 * CASH * 100,
        "fees and taxes were paid"
    );
    market.shutdown();
}

/// What the account holds open and reserved, and what its book holds for it.
async fn open_ids_and_reserved(
    account: &Addr<AccountActor>,
    market: &Market,
) -> (Vec<u64>, i64, Vec<u64>) {
    let (mut open, reserved) = account
        .send(Inspect(Box::new(|core: &AccountCore| {
            let open: Vec<u64> = core.open_orders().map(|o| o.id.0).collect();
            (open, core.ledger().reserved_cash().0)
        })))
        .await
        .unwrap();
    open.sort_unstable();
    let book = market.book(acme()).unwrap().addr;
    let mut resting: Vec<u64> = book
        .send(RestingOrders(Side::Buy))
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.id.0)
        .collect();
    resting.sort_unstable();
    (open, reserved, resting)
}

/// A client may guess the id its next order will get and cancel it while
/// the placement is still on its way to the book, as often as it likes, and
/// cancel an order twenty times at once. Every placement is answered with
/// its order, exactly one cancel of an order takes effect and says so, the
/// others say it is no longer open, and the account and the book agree on
/// what is open and what is reserved, whatever the interleaving.
#[actix::test]
async fn cancels_racing_placements_leave_account_and_book_in_agreement() {
    let (market, _) = market();
    let buyer = open(&market, 2, 1_000_000, 0).await;
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    for round in 0..40 {
        let places = 1 + rng.next(4);
        let guessed = market.next_order_id().0;
        let mut placements = Vec::new();
        let mut cancels = Vec::new();
        for p in 0..places {
            placements.push(buyer.send(PlaceOrder(limit(Side::Buy, 9_000 + p as i64, 10))));
            // Ids are handed out in order: the next placements get these.
            for _ in 0..rng.next(12) {
                let id = guessed + 1 + rng.next(places + 1);
                cancels.push((id, buyer.send(CancelOrder(OrderId(id)))));
            }
        }
        let (cancel_ids, cancel_requests): (Vec<u64>, Vec<_>) = cancels.into_iter().unzip();
        let (placed, cancelled) =
            futures_util::future::join(join_all(placements), join_all(cancel_requests)).await;
        let placed: Vec<OrderRecord> = placed
            .into_iter()
            .map(|r| r.unwrap().expect("a placement is answered with its order"))
            .collect();
        let mut effective: HashMap<u64, usize> = HashMap::new();
        for (id, answer) in cancel_ids.into_iter().zip(cancelled) {
            match answer.unwrap() {
                Ok(record) => {
                    assert_eq!(record.status, OrderStatus::Cancelled, "round {round}");
                    *effective.entry(id).or_default() += 1;
                }
                Err(OrderError::NotOpen(_) | OrderError::UnknownOrder(_)) => {}
                Err(other) => panic!("round {round}: cancel of {id} answered {other}"),
            }
        }
        assert!(
            effective.values().all(|n| *n == 1),
            "round {round}: {effective:?}"
        );
        // Twenty cancels of one resting order at once: exactly one takes effect.
        if let Some(victim) = placed.iter().find(|o| !effective.contains_key(&o.id.0)) {
            let answers = join_all((0..20).map(|_| buyer.send(CancelOrder(victim.id)))).await;
            let (won, lost): (Vec<_>, Vec<_>) = answers
                .into_iter()
                .map(Result::unwrap)
                .partition(Result::is_ok);
            assert_eq!(won.len(), 1, "round {round}");
            assert!(
                lost.iter()
                    .all(|e| matches!(e, Err(OrderError::NotOpen(_)))),
                "round {round}: {lost:?}"
            );
        }
        let (open, reserved, resting) = open_ids_and_reserved(&buyer, &market).await;
        assert_eq!(
            open, resting,
            "round {round}: the account and the book disagree"
        );
        // 10 shares at 90.0x and the commission on 900.xx (0.135, half to even 0.14) per order.
        let expected: i64 = placed
            .iter()
            .filter(|o| open.contains(&o.id.0))
            .map(|o| match o.kind {
                OrderKind::Limit { price } => price.0 * 10 + 14,
                _ => unreachable!(),
            })
            .sum();
        assert_eq!(reserved, expected, "round {round}");
        // Cancel what is left, so each round starts from nothing reserved.
        for id in open {
            buyer.send(CancelOrder(OrderId(id))).await.unwrap().unwrap();
        }
        assert_eq!(balances(&buyer).await.1, 0, "round {round}: all released");
    }
    market.shutdown();
}
