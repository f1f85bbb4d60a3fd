//! The persister writes down what the live market does, on both backends:
//! trading through the real actors, then reading the database back.

mod support;

use std::sync::Arc;

use actix::{Addr, Arbiter};
use futures_util::StreamExt;
use marketlab::persistence::entities::enums::OrderStatus;
use marketlab::persistence::entities::journal_batch::Model as JournalRow;
use marketlab::persistence::repo::{
    accounts, companies, fills, journal, ledger, lots, orders, realized, trades,
};
use marketlab::persister::{Drain, JournalBatch, Persister, PersisterConfig, catch_up};
use marketlab_actors::account::actor::{AccountActor, Allot, Deposit, Inspect, PlaceOrder};
use marketlab_actors::account::{AccountCore, OrderRequest};
use marketlab_actors::book::{BookConfig, OrderKind, PriceBand, TimeInForce};
use marketlab_actors::clock::ManualClock;
use marketlab_actors::journal::Change;
use marketlab_actors::ledger::{Account, FeeSchedule, LedgerLimits};
use marketlab_actors::market::{Market, MarketConfig};
use marketlab_actors::types::{
    AccountId, Money, OrderId, Price, Quantity, Side, Symbol, TickSize, Timestamp,
};
use sea_orm::DatabaseConnection;
use support::rows::{self, ALICE, BOB, ISSUER, T0};

fn acme() -> Symbol {
    Symbol::new("ACME").unwrap()
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

/// A person's account (answered once written down).
fn open(market: &Market, id: i64) -> Addr<AccountActor> {
    open_account(market, id, true)
}

fn open_account(market: &Market, id: i64, durable: bool) -> Addr<AccountActor> {
    let core = AccountCore::new(
        Account::new(AccountId(id as u64), LedgerLimits::default()),
        FeeSchedule::default(),
    );
    market.open_account(core, durable).unwrap()
}

async fn cash(account: &Addr<AccountActor>) -> (i64, i64) {
    account
        .send(Inspect(Box::new(|core: &AccountCore| {
            (core.ledger().cash().0, core.ledger().reserved_cash().0)
        })))
        .await
        .unwrap()
}

async fn trading_is_written_down(db: &DatabaseConnection) {
    // A failing write is retried and logged, not returned: show the log.
    let _ = tracing_subscriber::fmt()
        .with_env_filter("marketlab=warn")
        .with_test_writer()
        .try_init();
    rows::market(db).await;
    let (persister, journal) =
        Persister::new(db.clone(), PersisterConfig::default()).start_on(&Arbiter::current());
    let market = Market::with_journal(
        MarketConfig {
            arbiters: 2,
            ..MarketConfig::default()
        },
        Arc::new(ManualClock::new(Timestamp(T0))),
        Some(journal.clone()),
    );
    let issuer = open(&market, ISSUER);
    let alice = open(&market, ALICE);
    let band = PriceBand {
        reference: Price(10_000),
        percent_bps: 3000,
    };
    let config = BookConfig {
        band: Some(band),
        ..BookConfig::default()
    };
    market.open_book(acme(), TickSize::CENT, config).unwrap();
    issuer
        .send(Allot {
            symbol: acme(),
            quantity: Quantity(1_000),
            price: Money::from_major(100),
        })
        .await
        .unwrap()
        .unwrap();
    alice
        .send(Deposit {
            amount: Money::from_major(10_000),
            key: Some("first".into()),
        })
        .await
        .unwrap()
        .unwrap();
    let ask = issuer
        .send(PlaceOrder(limit(Side::Sell, 10_100, 100)))
        .await
        .unwrap()
        .unwrap();
    let bid = alice
        .send(PlaceOrder(limit(Side::Buy, 10_100, 60)))
        .await
        .unwrap()
        .unwrap();
    let resting = alice
        .send(PlaceOrder(limit(Side::Buy, 9_900, 10)))
        .await
        .unwrap()
        .unwrap();
    persister.send(Drain).await.unwrap();

    // Balances as the live accounts hold them.
    for (id, account) in [(ISSUER, &issuer), (ALICE, &alice)] {
        let row = accounts::find(db, id).await.unwrap().unwrap();
        assert_eq!(
            (row.cash, row.reserved_cash),
            cash(account).await,
            "account {id}"
        );
    }
    // 60 x 101.00 = 6060.00; the seller pays 0.91 commission and 10.91 tax.
    let issuer_row = accounts::find(db, ISSUER).await.unwrap().unwrap();
    assert_eq!(issuer_row.cash, 606_000 - 91 - 1_091);
    assert_eq!(issuer_row.realized_gains, 6_000 - 91 - 1_091);

    let trade = trades::recent(db, "ACME", 10).await.unwrap();
    assert_eq!(trade.len(), 1);
    assert_eq!((trade[0].price, trade[0].quantity), (10_100, 60));
    assert_eq!(
        (trade[0].taker_order_id, trade[0].maker_order_id),
        (bid.id.0 as i64, ask.id.0 as i64)
    );

    let ask_row = orders::find(db, ask.id.0 as i64).await.unwrap().unwrap();
    assert_eq!(
        (ask_row.status, ask_row.filled_quantity),
        (OrderStatus::PartiallyFilled, 60)
    );
    assert_eq!(ask_row.reserved_shares, 40);
    assert!(
        ask_row.priority_seq.is_some(),
        "a resting order keeps its priority"
    );
    let bid_row = orders::find(db, bid.id.0 as i64).await.unwrap().unwrap();
    assert_eq!(
        (bid_row.status, bid_row.reserved_cash, bid_row.priority_seq),
        (OrderStatus::Filled, 0, None)
    );
    let resting_row = orders::find(db, resting.id.0 as i64)
        .await
        .unwrap()
        .unwrap();
    // 10 x 99.00 plus 0.15 commission (0.1485, half to even).
    assert_eq!(
        (resting_row.status, resting_row.reserved_cash),
        (OrderStatus::Open, 99_015)
    );

    assert_eq!(
        fills::for_order(db, bid.id.0 as i64).await.unwrap().len(),
        1
    );
    assert_eq!(
        fills::for_order(db, ask.id.0 as i64).await.unwrap().len(),
        1
    );

    let alice_entries = ledger::for_account(db, ALICE).await.unwrap();
    let kinds: Vec<String> = alice_entries
        .iter()
        .map(|e| format!("{:?}", e.kind))
        .collect();
    assert_eq!(kinds, ["Deposit", "Buy", "Fee"]);
    assert_eq!(alice_entries[0].idempotency_key.as_deref(), Some("first"));
    assert_eq!(
        alice_entries.last().map(|e| e.cash_after),
        Some(cash(&alice).await.0)
    );

    let issuer_lots = lots::for_account(db, ISSUER, Some("ACME")).await.unwrap();
    assert_eq!(issuer_lots.len(), 1);
    assert_eq!(
        (
            issuer_lots[0].original_quantity,
            issuer_lots[0].remaining_quantity
        ),
        (1_000, 940)
    );
    assert_eq!(lots::for_account(db, ALICE, None).await.unwrap().len(), 1);
    assert_eq!(realized::for_account(db, ISSUER).await.unwrap().len(), 1);

    let company = companies::find(db, "ACME").await.unwrap().unwrap();
    assert!(company.last_seq > 0, "the book's sequence is written down");
    market.shutdown();
}

/// Whether a committed journal batch holds a change of order `id`.
async fn in_journal(db: &DatabaseConnection, id: OrderId) -> bool {
    let rows = journal::after(db, 0, 1_000_000).await.unwrap();
    rows.iter().any(|row| {
        JournalBatch::decode(row)
            .unwrap()
            .changes
            .iter()
            .any(|change| match change {
                Change::Account(changes) => changes.orders.iter().any(|o| o.record.id == id),
                Change::Listed(_) | Change::Book(_) => false,
            })
    })
}

/// A market faster than its database waits for it: the journal's backlog
/// stays near its limit however much is traded, while batches hold at most
/// `max_batch` changes and a person still hears of an order only once it
/// is in the journal.
async fn a_flood_waits_for_the_database(db: &DatabaseConnection) {
    rows::market(db).await;
    let config = PersisterConfig {
        max_batch: 7,
        max_backlog: 32,
        ..PersisterConfig::default()
    };
    let (persister, journal) = Persister::new(db.clone(), config).start_on(&Arbiter::current());
    let backlog = Arc::clone(journal.backlog());
    let market = Market::with_journal(
        MarketConfig {
            arbiters: 2,
            ..MarketConfig::default()
        },
        Arc::new(ManualClock::new(Timestamp(T0))),
        Some(journal),
    );
    let (seller, buyer) = (
        open_account(&market, ISSUER, false),
        open_account(&market, BOB, false),
    );
    let alice = open(&market, ALICE);
    market
        .open_book(acme(), TickSize::CENT, BookConfig::default())
        .unwrap();
    seller
        .send(Allot {
            symbol: acme(),
            quantity: Quantity(1_000_000),
            price: Money::from_major(100),
        })
        .await
        .unwrap()
        .unwrap();
    for (account, amount) in [(&buyer, 10_000_000), (&alice, 10_000)] {
        account
            .send(Deposit {
                amount: Money::from_major(amount),
                key: None,
            })
            .await
            .unwrap()
            .unwrap();
    }

    const FLOOD: i64 = 2_000;
    const IN_FLIGHT: usize = 32;
    let flood = futures_util::stream::iter((0..FLOOD).map(|i| {
        let (account, side) = if i % 2 == 0 {
            (&seller, Side::Sell)
        } else {
            (&buyer, Side::Buy)
        };
        account.send(PlaceOrder(limit(side, 9_997 + i % 7, 1 + (i % 5) as u64)))
    }))
    .buffer_unordered(IN_FLIGHT)
    .for_each(|placed| async {
        placed.unwrap().unwrap();
    });
    let person = async {
        for _ in 0..20 {
            let placed = alice
                .send(PlaceOrder(limit(Side::Buy, 9_000, 1)))
                .await
                .unwrap()
                .unwrap();
            assert!(
                in_journal(db, placed.id).await,
                "answered before written: {placed:?}"
            );
        }
    };
    futures_util::join!(flood, person);
    persister.send(Drain).await.unwrap();

    assert_eq!(backlog.pending(), 0, "all written");
    let bound = config.max_backlog + 4 * IN_FLIGHT;
    assert!(
        backlog.peak() <= bound,
        "{} changes waited at once, more than {bound}",
        backlog.peak()
    );
    let alices = orders::for_account(db, ALICE, &[], None, 100)
        .await
        .unwrap();
    assert_eq!(alices.len(), 20);
    let sold = orders::for_account(db, ISSUER, &[], None, 10_000)
        .await
        .unwrap();
    let bought = orders::for_account(db, BOB, &[], None, 10_000)
        .await
        .unwrap();
    assert_eq!(sold.len() + bought.len(), FLOOD as usize);
    let filled = |orders: &[marketlab::persistence::entities::order::Model]| -> i64 {
        orders.iter().map(|o| o.filled_quantity).sum()
    };
    assert!(filled(&sold) > 0, "the flood traded");
    assert_eq!(
        filled(&sold),
        filled(&bought),
        "both sides of every trade written"
    );
    market.shutdown();
}

/// What reached the journal but not the tables (a crash while the
/// projection lagged) is applied by the catch-up a start runs before
/// recovery, exactly once however often it runs.
async fn the_journal_tail_is_applied_once(db: &DatabaseConnection) {
    rows::market(db).await;
    let persister = Persister::new(db.clone(), PersisterConfig::default());
    let progress = persister.progress();
    let (_persister, journal) = persister.start_on(&Arbiter::current());
    progress.hold_projection(true);
    let market = Market::with_journal(
        MarketConfig::default(),
        Arc::new(ManualClock::new(Timestamp(T0))),
        Some(journal),
    );
    let alice = open(&market, ALICE);
    for key in ["a", "b", "c"] {
        alice
            .send(Deposit {
                amount: Money::from_major(10),
                key: Some(key.into()),
            })
            .await
            .unwrap()
            .unwrap();
    }
    assert!(progress.committed() > progress.projected());
    assert!(ledger::for_account(db, ALICE).await.unwrap().is_empty());

    let tail = catch_up(db, T0).await.unwrap();
    assert!(tail.batches >= 1 && tail.changes >= 3, "{tail:?}");
    assert_eq!(tail.watermark, progress.committed());
    let entries = ledger::for_account(db, ALICE).await.unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries.last().map(|e| e.cash_after), Some(3_000));
    let row = accounts::find(db, ALICE).await.unwrap().unwrap();
    assert_eq!(row.cash, 3_000);

    let again = catch_up(db, T0).await.unwrap();
    assert_eq!((again.batches, again.changes), (0, 0), "nothing twice");
    assert_eq!(ledger::for_account(db, ALICE).await.unwrap().len(), 3);
    market.shutdown();
}

/// A batch larger than one row's part comes back whole, in order.
async fn a_large_batch_is_stored_in_parts_and_read_whole(db: &DatabaseConnection) {
    let payload: Vec<u8> = (0..30_001u32).map(|i| (i % 251) as u8).collect();
    let batch = |seq: i64, payload: Vec<u8>| JournalRow {
        seq,
        part: 0,
        written_at: T0,
        format: 1,
        changes: 3,
        payload,
    };
    journal::append(db, batch(1, payload.clone()))
        .await
        .unwrap();
    journal::append(db, batch(2, vec![7; 5])).await.unwrap();
    journal::append(db, batch(3, Vec::new())).await.unwrap();
    assert_eq!(journal::count(db).await.unwrap(), 3);
    let all = journal::after(db, 0, 10).await.unwrap();
    assert_eq!(
        all.iter()
            .map(|b| (b.seq, b.payload.len()))
            .collect::<Vec<_>>(),
        [(1, 30_001), (2, 5), (3, 0)]
    );
    assert_eq!(all[0].payload, payload);
    let first_two = journal::range(db, 1, 3, 2).await.unwrap();
    assert_eq!(first_two.iter().map(|b| b.seq).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(first_two[0].payload, payload);
    assert_eq!(journal::bounds(db).await.unwrap(), Some((1, 3)));
}

on_both_backends!(
    #[actix::test]
    a_large_batch_is_stored_in_parts_and_read_whole,
    trading_is_written_down,
    a_flood_waits_for_the_database,
    the_journal_tail_is_applied_once,
);
