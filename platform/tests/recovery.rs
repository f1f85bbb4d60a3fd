//! Stop the market, recover it from the database into a fresh one, and find
//! everything where it was: every account's cash, reservations, holdings,
//! lots, gains and open orders, every book's resting orders in priority
//! order and its sequence number. On both backends.

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;

use actix::{Addr, Arbiter};
use marketlab::persistence::entities::{
    account, fill, holding, ledger_entry, lot, order, realized_gain,
};
use marketlab::persistence::repo::accounts::Balances;
use marketlab::persistence::repo::{accounts, companies};
use marketlab::persister::{Drain, Persister, PersisterConfig};
use marketlab::recovery::recover;
use marketlab_actors::account::actor::{AccountActor, CancelOrder, Deposit, Inspect, PlaceOrder};
use marketlab_actors::account::{AccountCore, OrderRequest};
use marketlab_actors::book::actor::{RestingOrders, TopOfBook};
use marketlab_actors::book::{OrderKind, RestingOrder, TimeInForce};
use marketlab_actors::clock::ManualClock;
use marketlab_actors::ledger::{Account, FeeSchedule, HoldingView, LedgerLimits, Lot};
use marketlab_actors::market::{Ipo, Market, MarketConfig};
use marketlab_actors::types::{
    AccountId, Money, OrderId, Price, Quantity, Side, Symbol, TickSize, Timestamp,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter};
use support::rows::{self, ALICE, ISSUER, T0};

const TRADERS: i64 = 6;

fn acme() -> Symbol {
    Symbol::new("ACME").unwrap()
}

fn config() -> MarketConfig {
    MarketConfig {
        arbiters: 2,
        ..MarketConfig::default()
    }
}

/// The whole of an account that must survive a restart.
#[derive(Debug, PartialEq, Eq)]
struct Snapshot {
    cash: Money,
    reserved: Money,
    realized: Money,
    holding: Option<HoldingView>,
    lots: Vec<Lot>,
    open: BTreeMap<OrderId, (Quantity, Quantity, Option<u64>)>,
}

async fn snapshot(account: &Addr<AccountActor>) -> Snapshot {
    account
        .send(Inspect(Box::new(|core: &AccountCore| {
            let l = core.ledger();
            l.check_invariants().unwrap();
            Snapshot {
                cash: l.cash(),
                reserved: l.reserved_cash(),
                realized: l.realized_total(),
                holding: l.holding(Symbol::new("ACME").unwrap()),
                lots: l.lots(Symbol::new("ACME").unwrap()).copied().collect(),
                open: core
                    .open_orders()
                    .map(|o| (o.id, (o.quantity, o.filled, o.priority_seq)))
                    .collect(),
            }
        })))
        .await
        .unwrap()
}

async fn book(market: &Market) -> (Vec<RestingOrder>, Vec<RestingOrder>, u64) {
    let book = market.book(acme()).unwrap();
    let bids = book.addr.send(RestingOrders(Side::Buy)).await.unwrap();
    let asks = book.addr.send(RestingOrders(Side::Sell)).await.unwrap();
    let sequence = book.addr.send(TopOfBook).await.unwrap().sequence;
    (bids, asks, sequence)
}

/// A deterministic little generator, so the session is the same each run.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

async fn a_restarted_market_is_the_market(db: &DatabaseConnection) {
    // A failing write is retried and logged, not returned: show the log.
    let _ = tracing_subscriber::fmt()
        .with_env_filter("marketlab=warn")
        .with_test_writer()
        .try_init();
    rows::market(db).await;
    for id in 10..10 + TRADERS {
        accounts::insert(db, &rows::account(id, &format!("trader{id}")))
            .await
            .unwrap();
    }
    let (persister, journal) =
        Persister::new(db.clone(), PersisterConfig::default()).start_on(&Arbiter::current());
    let clock = Arc::new(ManualClock::new(Timestamp(T0)));
    let market = Market::with_journal(config(), clock.clone(), Some(journal.clone()));
    let open = |id: i64| {
        let core = AccountCore::new(
            Account::new(AccountId(id as u64), LedgerLimits::default()),
            FeeSchedule::default(),
        );
        market.open_account(core, true).unwrap()
    };
    let issuer = open(ISSUER);
    let traders: Vec<_> = (10..10 + TRADERS).map(open).collect();
    // The rows list ACME (book 1) and BOLT (book 2), 1,000,000 shares each.
    for (symbol, shares) in [("ACME", 1_000_000), ("BOLT", 1_000_000)] {
        market
            .list_company(Ipo {
                symbol: Symbol::new(symbol).unwrap(),
                tick: TickSize::CENT,
                band_bps: Some(3000),
                issuer: AccountId(ISSUER as u64),
                shares: Quantity(shares),
                price: Money::from_major(100),
            })
            .await
            .unwrap();
    }
    for trader in &traders {
        trader
            .send(Deposit {
                amount: Money::from_major(100_000),
                key: None,
            })
            .await
            .unwrap()
            .unwrap();
    }
    // The issuer sells into the book; traders buy, sell and cancel.
    issuer
        .send(PlaceOrder(OrderRequest {
            symbol: acme(),
            side: Side::Sell,
            kind: OrderKind::Limit {
                price: Price(10_050),
            },
            tif: TimeInForce::Gtc,
            quantity: Quantity(5_000),
            client_order_id: None,
        }))
        .await
        .unwrap()
        .unwrap();
    let mut rng = XorShift(0x5EED);
    let mut placed: Vec<(usize, OrderId)> = Vec::new();
    for step in 0..300 {
        clock.advance_millis(7);
        let n = rng.next(TRADERS as u64) as usize;
        if !placed.is_empty() && rng.next(5) == 0 {
            let (who, id) = placed.swap_remove(rng.next(placed.len() as u64) as usize);
            let _ = traders[who].send(CancelOrder(id)).await.unwrap();
            continue;
        }
        let side = if step % 3 == 0 { Side::Sell } else { Side::Buy };
        let kind = match rng.next(8) {
            0 => OrderKind::Stop {
                trigger: Price(10_060 + rng.next(20) as i64),
            },
            _ => OrderKind::Limit {
                price: Price(10_000 + rng.next(80) as i64),
            },
        };
        let request = OrderRequest {
            symbol: acme(),
            side,
            kind,
            tif: TimeInForce::Gtc,
            quantity: Quantity(1 + rng.next(40)),
            client_order_id: Some(format!("c{step}")),
        };
        // A sell without shares is refused: that is part of the session.
        if let Ok(order) = traders[n].send(PlaceOrder(request)).await.unwrap() {
            placed.push((n, order.id));
        }
    }
    persister.send(Drain).await.unwrap();

    let mut before = Vec::new();
    for account in std::iter::once(&issuer).chain(&traders) {
        before.push(snapshot(account).await);
    }
    let book_before = book(&market).await;
    assert!(
        !book_before.0.is_empty() && !book_before.1.is_empty(),
        "both sides rest"
    );
    market.shutdown();

    let recovered = recover(
        db,
        config(),
        clock.clone(),
        Some(journal.clone()),
        FeeSchedule::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        recovered.repaired_fills, 0,
        "a clean stop leaves nothing to repair"
    );
    let market = recovered.market;
    let mut after = Vec::new();
    for id in std::iter::once(ISSUER).chain(10..10 + TRADERS) {
        after.push(snapshot(&market.account(AccountId(id as u64)).unwrap()).await);
    }
    assert_eq!(after, before);
    assert_eq!(book(&market).await, book_before);

    // It goes on: a new order gets a new id and trades against what rests.
    let buyer = market.account(AccountId(10)).unwrap();
    let ask = book_before.1[0];
    let order = buyer
        .send(PlaceOrder(OrderRequest {
            symbol: acme(),
            side: Side::Buy,
            kind: OrderKind::Limit { price: ask.price },
            tif: TimeInForce::Gtc,
            quantity: Quantity(1),
            client_order_id: None,
        }))
        .await
        .unwrap()
        .unwrap();
    assert!(placed.iter().all(|(_, id)| *id < order.id), "ids go on");
    assert_eq!(order.filled, Quantity(1));
    let company = companies::find(db, "ACME").await.unwrap().unwrap();
    assert!(company.last_seq as u64 >= book_before.2);
    market.shutdown();
}

/// Every row that belongs to one account, as it stands.
struct AccountRows {
    account: account::Model,
    orders: Vec<order::Model>,
    fills: Vec<fill::Model>,
    entries: Vec<ledger_entry::Model>,
    realized: Vec<realized_gain::Model>,
    holdings: Vec<holding::Model>,
    lots: Vec<lot::Model>,
}

async fn rows_of(db: &DatabaseConnection, id: i64) -> AccountRows {
    AccountRows {
        account: account::Entity::find_by_id(id)
            .one(db)
            .await
            .unwrap()
            .unwrap(),
        orders: order::Entity::find()
            .filter(order::Column::AccountId.eq(id))
            .all(db)
            .await
            .unwrap(),
        fills: fill::Entity::find()
            .filter(fill::Column::AccountId.eq(id))
            .all(db)
            .await
            .unwrap(),
        entries: ledger_entry::Entity::find()
            .filter(ledger_entry::Column::AccountId.eq(id))
            .all(db)
            .await
            .unwrap(),
        realized: realized_gain::Entity::find()
            .filter(realized_gain::Column::AccountId.eq(id))
            .all(db)
            .await
            .unwrap(),
        holdings: holding::Entity::find()
            .filter(holding::Column::AccountId.eq(id))
            .all(db)
            .await
            .unwrap(),
        lots: lot::Entity::find()
            .filter(lot::Column::AccountId.eq(id))
            .all(db)
            .await
            .unwrap(),
    }
}

/// Put an account's rows back as they were: what the database holds when
/// the batch with the account's later changes never committed.
async fn put_back(db: &DatabaseConnection, rows: AccountRows) {
    let id = rows.account.id;
    accounts::update_balances(
        db,
        &[Balances {
            account_id: id,
            cash: rows.account.cash,
            reserved_cash: rows.account.reserved_cash,
            realized_gains: rows.account.realized_gains,
        }],
    )
    .await
    .unwrap();
    macro_rules! replace {
        ($entity:ident, $rows:expr) => {
            $entity::Entity::delete_many()
                .filter($entity::Column::AccountId.eq(id))
                .exec(db)
                .await
                .unwrap();
            if !$rows.is_empty() {
                $entity::Entity::insert_many(
                    $rows.into_iter().map(IntoActiveModel::into_active_model),
                )
                .exec_without_returning(db)
                .await
                .unwrap();
            }
        };
    }
    replace!(order, rows.orders);
    replace!(fill, rows.fills);
    replace!(ledger_entry, rows.entries);
    replace!(realized_gain, rows.realized);
    replace!(holding, rows.holdings);
    replace!(lot, rows.lots);
}

/// A crash after the trade and the buyer's settlement were written but
/// before the seller's was: recovery settles the seller from the trade and
/// the market is as it was.
async fn a_settlement_lost_in_a_crash_is_made_good(db: &DatabaseConnection) {
    rows::market(db).await;
    let (persister, journal) =
        Persister::new(db.clone(), PersisterConfig::default()).start_on(&Arbiter::current());
    let clock = Arc::new(ManualClock::new(Timestamp(T0)));
    let market = Market::with_journal(config(), clock.clone(), Some(journal.clone()));
    let open = |id: i64| {
        let core = AccountCore::new(
            Account::new(AccountId(id as u64), LedgerLimits::default()),
            FeeSchedule::default(),
        );
        market.open_account(core, true).unwrap()
    };
    let issuer = open(ISSUER);
    let alice = open(ALICE);
    for symbol in ["ACME", "BOLT"] {
        market
            .list_company(Ipo {
                symbol: Symbol::new(symbol).unwrap(),
                tick: TickSize::CENT,
                band_bps: Some(3000),
                issuer: AccountId(ISSUER as u64),
                shares: Quantity(1_000_000),
                price: Money::from_major(100),
            })
            .await
            .unwrap();
    }
    alice
        .send(Deposit {
            amount: Money::from_major(10_000),
            key: None,
        })
        .await
        .unwrap()
        .unwrap();
    let limit = |side, cents, qty| OrderRequest {
        symbol: acme(),
        side,
        kind: OrderKind::Limit {
            price: Price(cents),
        },
        tif: TimeInForce::Gtc,
        quantity: Quantity(qty),
        client_order_id: None,
    };
    issuer
        .send(PlaceOrder(limit(Side::Sell, 10_100, 100)))
        .await
        .unwrap()
        .unwrap();
    persister.send(Drain).await.unwrap();
    let seller_before_the_trade = rows_of(db, ISSUER).await;

    clock.advance_millis(5);
    alice
        .send(PlaceOrder(limit(Side::Buy, 10_100, 30)))
        .await
        .unwrap()
        .unwrap();
    persister.send(Drain).await.unwrap();
    let live = (
        snapshot(&issuer).await,
        snapshot(&alice).await,
        book(&market).await,
    );
    market.shutdown();

    put_back(db, seller_before_the_trade).await;
    let recovered = recover(
        db,
        config(),
        clock.clone(),
        Some(journal.clone()),
        FeeSchedule::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        recovered.repaired_fills, 1,
        "the seller's side of the one trade"
    );
    let market = recovered.market;
    let issuer = market.account(AccountId(ISSUER as u64)).unwrap();
    let alice = market.account(AccountId(ALICE as u64)).unwrap();
    assert_eq!(
        (
            snapshot(&issuer).await,
            snapshot(&alice).await,
            book(&market).await
        ),
        live
    );
    // And the repair was written down: a second recovery has nothing to do.
    market.shutdown();
    let again = recover(db, config(), clock, None, FeeSchedule::default())
        .await
        .unwrap();
    assert_eq!(again.repaired_fills, 0);
    again.market.shutdown();
}

on_both_backends!(
    #[actix::test]
    a_settlement_lost_in_a_crash_is_made_good,
    a_restarted_market_is_the_market,
);
