//! The repositories of orders, trades and fills, and of what accounts hold:
//! holdings, lots, realized gains and the cash journal, each function on
//! both backends, with batches larger than one statement can carry.

mod support;

use marketlab::persistence::entities::enums::{LedgerKind, OrderStatus, OrderType, Side};
use marketlab::persistence::entities::{fill, holding, ledger_entry, lot, order};
use marketlab::persistence::repo::realized::NewRealizedGain;
use marketlab::persistence::repo::{fills, holdings, ledger, lots, orders, realized, trades};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};
use support::rows::{self, ALICE, BOB, T0};

fn ids(orders: &[order::Model]) -> Vec<i64> {
    orders.iter().map(|o| o.id).collect()
}

async fn orders_are_upserted_in_large_batches(db: &DatabaseConnection) {
    rows::market(db).await;
    let placed: Vec<order::Model> = (1..=5_000).map(|id| rows::order(id, ALICE)).collect();
    orders::upsert_many(db, &placed).await.unwrap();
    assert_eq!(order::Entity::find().count(db).await.unwrap(), 5_000);

    // Every order changes, some twice in the same batch: the last wins, and
    // what never changes is kept from the first write.
    let mut changed: Vec<order::Model> = placed
        .iter()
        .map(|o| order::Model {
            filled_quantity: 4,
            filled_value: 40_000,
            status: OrderStatus::PartiallyFilled,
            reserved_cash: 60_009,
            commission_charged: 6,
            updated_at: o.updated_at + 1,
            ..o.clone()
        })
        .collect();
    changed.push(order::Model {
        quantity: 4,
        status: OrderStatus::Cancelled,
        reason: Some("cancelled by the owner".to_owned()),
        priority_seq: None,
        reserved_cash: 0,
        created_at: 0,
        limit_price: Some(1),
        ..changed[0].clone()
    });
    orders::upsert_many(db, &changed).await.unwrap();
    assert_eq!(order::Entity::find().count(db).await.unwrap(), 5_000);
    let first = orders::find(db, 1).await.unwrap().unwrap();
    assert_eq!(
        (
            first.status,
            first.quantity,
            first.reason.as_deref(),
            first.reserved_cash
        ),
        (OrderStatus::Cancelled, 4, Some("cancelled by the owner"), 0)
    );
    assert_eq!(
        (first.created_at, first.limit_price),
        (T0 + 1, Some(10_000))
    );
    assert_eq!(
        orders::find(db, 5_000).await.unwrap(),
        changed.get(4_999).cloned()
    );
    assert_eq!(orders::find(db, 5_001).await.unwrap(), None);
    orders::upsert_many(db, &[]).await.unwrap();
}

async fn live_orders_and_an_accounts_orders_come_back(db: &DatabaseConnection) {
    rows::market(db).await;
    let at = |id, account_id, symbol: &str, status, priority_seq| order::Model {
        symbol: symbol.to_owned(),
        status,
        priority_seq,
        ..rows::order(id, account_id)
    };
    let stop = order::Model {
        order_type: OrderType::Stop,
        side: Side::Sell,
        limit_price: None,
        stop_price: Some(9_000),
        ..at(6, BOB, "ACME", OrderStatus::PendingTrigger, Some(2))
    };
    orders::upsert_many(
        db,
        &[
            at(1, ALICE, "ACME", OrderStatus::Open, Some(30)),
            at(2, BOB, "ACME", OrderStatus::PartiallyFilled, Some(10)),
            at(3, ALICE, "ACME", OrderStatus::Filled, None),
            at(4, ALICE, "BOLT", OrderStatus::Open, Some(1)),
            at(5, BOB, "ACME", OrderStatus::Cancelled, None),
            stop,
            at(7, ALICE, "ACME", OrderStatus::Open, None),
        ],
    )
    .await
    .unwrap();

    assert_eq!(ids(&orders::all_live(db).await.unwrap()), [1, 4, 7, 2, 6]);

    assert_eq!(
        ids(&orders::for_account(db, ALICE, &[], None, 100)
            .await
            .unwrap()),
        [7, 4, 3, 1]
    );
    assert_eq!(
        ids(
            &orders::for_account(db, ALICE, &[OrderStatus::Open], Some("ACME"), 100)
                .await
                .unwrap()
        ),
        [7, 1]
    );
    assert_eq!(
        ids(&orders::for_account(
            db,
            BOB,
            &[OrderStatus::Cancelled, OrderStatus::PartiallyFilled],
            None,
            1
        )
        .await
        .unwrap()),
        [5]
    );
    assert_eq!(
        orders::find_by_client_order_id(db, ALICE, "none")
            .await
            .unwrap(),
        None
    );
}

async fn trades_are_inserted_in_large_batches_and_read_newest_first(db: &DatabaseConnection) {
    rows::market(db).await;
    let tape: Vec<_> = (1..=20_000).map(rows::trade).collect();
    trades::insert_many(db, &tape).await.unwrap();
    trades::insert_many(db, &[]).await.unwrap();

    let recent = trades::recent(db, "ACME", 3).await.unwrap();
    assert_eq!(
        recent,
        [
            tape[19_999].clone(),
            tape[19_998].clone(),
            tape[19_997].clone()
        ]
    );
    assert!(trades::recent(db, "BOLT", 3).await.unwrap().is_empty());
    let window = trades::between(db, "ACME", T0 + 10_000, T0 + 13_000)
        .await
        .unwrap();
    assert_eq!(
        window.iter().map(|t| t.book_seq).collect::<Vec<_>>(),
        [10, 11, 12]
    );
    // The book's sequence numbers are unique, whatever the id says.
    let twin = marketlab::persistence::entities::trade::Model {
        id: 999_999,
        ..rows::trade(5)
    };
    assert!(trades::insert_many(db, &[twin]).await.is_err());
}

fn a_fill(order_id: i64, trade_id: i64, account_id: i64, executed_at: i64) -> fill::Model {
    fill::Model {
        order_id,
        trade_id,
        account_id,
        price: 10_000,
        quantity: 2,
        commission: 3,
        tax: if account_id == BOB { 36 } else { 0 },
        executed_at,
    }
}

async fn fills_are_found_by_order_and_account(db: &DatabaseConnection) {
    let mut batch = Vec::new();
    for trade in 1..=3_000 {
        batch.push(a_fill(1, trade, ALICE, T0 + trade));
        batch.push(a_fill(2, trade, BOB, T0 + trade));
    }
    batch.push(a_fill(3, 10, ALICE, T0 - 5));
    fills::insert_many(db, &batch).await.unwrap();

    let of_order_3 = fills::for_order(db, 3).await.unwrap();
    assert_eq!(of_order_3, [a_fill(3, 10, ALICE, T0 - 5)]);
    let both = fills::for_orders(db, &[3, 1]).await.unwrap();
    assert_eq!(both.len(), 3_001);
    assert_eq!(both[0], a_fill(1, 1, ALICE, T0 + 1));
    assert_eq!(both[2_999], a_fill(1, 3_000, ALICE, T0 + 3_000));
    assert_eq!(both[3_000], a_fill(3, 10, ALICE, T0 - 5));
    // More ids than one statement binds.
    let many: Vec<i64> = (0..40_000).collect();
    assert_eq!(fills::for_orders(db, &many).await.unwrap().len(), 6_001);
    assert!(fills::for_orders(db, &[]).await.unwrap().is_empty());

    assert_eq!(
        fills::recent_for_account(db, BOB, 2).await.unwrap(),
        [
            a_fill(2, 3_000, BOB, T0 + 3_000),
            a_fill(2, 2_999, BOB, T0 + 2_999)
        ]
    );
    // A fill is stored once.
    assert!(
        fills::insert_many(db, &[a_fill(1, 1, ALICE, T0)])
            .await
            .is_err()
    );
}

fn a_holding(account_id: i64, symbol: &str, quantity: i64) -> holding::Model {
    holding::Model {
        account_id,
        symbol: symbol.to_owned(),
        quantity,
        reserved: quantity / 2,
        cost_basis: quantity * 10_000 + 15,
    }
}

async fn holdings_are_upserted(db: &DatabaseConnection) {
    holdings::upsert_many(
        db,
        &[
            a_holding(ALICE, "BOLT", 5),
            a_holding(ALICE, "ACME", 10),
            a_holding(BOB, "ACME", 3),
        ],
    )
    .await
    .unwrap();
    holdings::upsert_many(
        db,
        &[
            a_holding(ALICE, "ACME", 12),
            a_holding(BOB, "ACME", 0),
            a_holding(ALICE, "ACME", 20),
        ],
    )
    .await
    .unwrap();
    assert_eq!(
        holdings::for_account(db, ALICE).await.unwrap(),
        [a_holding(ALICE, "ACME", 20), a_holding(ALICE, "BOLT", 5)]
    );
    // Sold down to nothing: stored as 0, not listed.
    assert!(holdings::for_account(db, BOB).await.unwrap().is_empty());
    assert_eq!(holding::Entity::find().count(db).await.unwrap(), 3);
    assert_eq!(holdings::all(db).await.unwrap().len(), 2);

    let many: Vec<_> = (0..10_000)
        .map(|account| a_holding(account, "ACME", account + 1))
        .collect();
    holdings::upsert_many(db, &many).await.unwrap();
    assert_eq!(holdings::all(db).await.unwrap().len(), 10_001);
}

async fn lots_open_shrink_and_close(db: &DatabaseConnection) {
    lots::upsert_many(
        db,
        &[
            rows::lot(ALICE, 1, "ACME", 10),
            rows::lot(ALICE, 2, "BOLT", 5),
            rows::lot(ALICE, 3, "ACME", 7),
            rows::lot(BOB, 1, "ACME", 4),
        ],
    )
    .await
    .unwrap();

    // A sale of 12 ACME: the first lot goes, the second is cut to 5.
    let cut = lot::Model {
        remaining_quantity: 5,
        buy_fee: 11,
        ..rows::lot(ALICE, 3, "ACME", 7)
    };
    lots::upsert_many(db, std::slice::from_ref(&cut))
        .await
        .unwrap();
    assert_eq!(
        lots::delete_many(db, &[(ALICE, "ACME".to_owned(), 1)])
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        lots::for_account(db, ALICE, Some("ACME")).await.unwrap(),
        std::slice::from_ref(&cut)
    );
    assert_eq!(
        lots::for_account(db, ALICE, None).await.unwrap(),
        [rows::lot(ALICE, 2, "BOLT", 5), cut.clone()]
    );
    // Sold out of BOLT: no lots left there; BOB's are untouched.
    lots::delete_many(db, &[(ALICE, "BOLT".to_owned(), 2)])
        .await
        .unwrap();
    assert_eq!(
        lots::all(db).await.unwrap(),
        [cut, rows::lot(BOB, 1, "ACME", 4)]
    );

    // Thousands of lots in one call, and several versions of one lot.
    let many: Vec<lot::Model> = (100..5_100)
        .flat_map(|a| [rows::lot(a, 1, "ACME", 1), rows::lot(a, 2, "ACME", 2)])
        .collect();
    lots::upsert_many(db, &many).await.unwrap();
    let gone: Vec<(i64, String, i64)> = (100..5_100).map(|a| (a, "ACME".to_owned(), 2)).collect();
    assert_eq!(lots::delete_many(db, &gone).await.unwrap(), 5_000);
    let again = [rows::lot(7, 1, "ACME", 9), rows::lot(7, 1, "ACME", 3)];
    lots::upsert_many(db, &again).await.unwrap();
    assert_eq!(
        lots::for_account(db, 7, None).await.unwrap(),
        [again[1].clone()]
    );
    assert_eq!(lots::all(db).await.unwrap().len(), 2 + 5_000 + 1);
}

fn a_gain(account_id: i64, trade_id: i64, sold_at: i64) -> NewRealizedGain {
    NewRealizedGain {
        account_id,
        symbol: "ACME".to_owned(),
        order_id: 2,
        trade_id,
        quantity: 5,
        buy_price: 10_000,
        sell_price: 12_000,
        buy_fee: 8,
        sell_costs: 117,
        gain: 9_875,
        acquired_at: T0 - 1,
        sold_at,
    }
}

async fn realized_gains_by_year_in_the_order_realized(db: &DatabaseConnection) {
    let year_2026_end = 1_798_761_600_000_000_000; // 2027-01-01T00:00:00Z
    let gains = [
        a_gain(BOB, 3, year_2026_end),
        a_gain(BOB, 1, T0),
        a_gain(ALICE, 2, T0),
        a_gain(BOB, 2, year_2026_end - 1),
    ];
    realized::insert_many(db, &gains).await.unwrap();

    let trades_of = |rows: Vec<marketlab::persistence::entities::realized_gain::Model>| {
        rows.iter().map(|r| r.trade_id).collect::<Vec<_>>()
    };
    assert_eq!(
        trades_of(realized::for_year(db, BOB, 2026).await.unwrap()),
        [1, 2]
    );
    assert_eq!(
        trades_of(realized::for_year(db, BOB, 2027).await.unwrap()),
        [3]
    );
    assert!(realized::for_year(db, BOB, 2025).await.unwrap().is_empty());
    let bob = realized::for_account(db, BOB).await.unwrap();
    assert_eq!(trades_of(bob.clone()), [3, 1, 2]);
    assert!(bob.windows(2).all(|pair| pair[0].id < pair[1].id));
    assert_eq!(
        (bob[1].gain, bob[1].sell_costs, bob[1].sold_at),
        (9_875, 117, T0)
    );
    assert_eq!(trades_of(realized::all(db).await.unwrap()), [2, 3, 1, 2]);

    let many: Vec<_> = (0..5_000).map(|t| a_gain(ALICE, 100 + t, T0)).collect();
    realized::insert_many(db, &many).await.unwrap();
    let alice = realized::for_year(db, ALICE, 2026).await.unwrap();
    assert_eq!(alice.len(), 5_001);
    assert_eq!(alice.last().map(|r| r.trade_id), Some(5_099));
}

async fn the_journal_is_read_newest_first_and_by_key(db: &DatabaseConnection) {
    let mut entries = Vec::new();
    let mut cash = 0;
    for seq in 1..=4_000 {
        entries.push(rows::deposit(ALICE, seq, 100, cash));
        cash += 100;
    }
    let keyed = ledger_entry::Model {
        idempotency_key: Some("wd-1".to_owned()),
        kind: LedgerKind::Withdrawal,
        ..rows::deposit(BOB, 1, -50, 0)
    };
    let fee = ledger_entry::Model {
        kind: LedgerKind::Fee,
        symbol: Some("ACME".to_owned()),
        order_id: Some(1),
        trade_id: Some((1 << 40) | 1),
        ..rows::deposit(ALICE, 4_001, -3, cash)
    };
    entries.push(keyed.clone());
    entries.push(fee.clone());
    ledger::insert_many(db, &entries).await.unwrap();

    assert_eq!(
        ledger::recent(db, ALICE, 2).await.unwrap(),
        [fee, rows::deposit(ALICE, 4_000, 100, cash - 100)]
    );
    let journal = ledger::for_account(db, ALICE).await.unwrap();
    assert_eq!(journal.len(), 4_001);
    assert!(
        journal
            .windows(2)
            .all(|pair| pair[0].cash_after == pair[1].cash_before)
    );
    assert_eq!(ledger::all(db).await.unwrap().len(), 4_002);
    assert_eq!(
        ledger::find_by_idempotency_key(db, BOB, "wd-1")
            .await
            .unwrap(),
        Some(keyed)
    );
    assert_eq!(
        ledger::find_by_idempotency_key(db, ALICE, "wd-1")
            .await
            .unwrap(),
        None
    );
}

on_both_backends!(
    orders_are_upserted_in_large_batches,
    live_orders_and_an_accounts_orders_come_back,
    trades_are_inserted_in_large_batches_and_read_newest_first,
    fills_are_found_by_order_and_account,
    holdings_are_upserted,
    lots_open_shrink_and_close,
    realized_gains_by_year_in_the_order_realized,
    the_journal_is_read_newest_first_and_by_key,
);
