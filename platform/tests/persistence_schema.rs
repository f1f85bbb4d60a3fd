//! The schema on both backends: migrations that go up, down and up again,
//! what `connect` sets up, exact round trips of extreme values, the unique
//! and foreign-key rules, and transactions that fail leaving nothing.

mod support;

use marketlab::persistence::entities::enums::{LedgerKind, OrderStatus};
use marketlab::persistence::entities::{account, ledger_entry, order, trade};
use marketlab::persistence::repo::{accounts, ledger, orders, trades};
use marketlab::persistence::{self, begin_write};
use migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, SqlErr,
    TransactionTrait,
};
use support::db::{Backend, TestDb};
use support::rows::{self, ALICE, BOB, T0};

const TABLES: [&str; 19] = [
    "accounts",
    "refresh_tokens",
    "audit_log",
    "sectors",
    "companies",
    "financial_reports",
    "news",
    "orders",
    "trades",
    "fills",
    "holdings",
    "lots",
    "realized_gains",
    "ledger_entries",
    "bot_scripts",
    "bots",
    "scenario_runs",
    "server_settings",
    "seaql_migrations",
];

async fn table_count(db: &DatabaseConnection) -> usize {
    let manager = migrations::SchemaManager::new(db);
    let mut present = 0;
    for table in TABLES {
        if manager.has_table(table).await.unwrap() {
            present += 1;
        }
    }
    present
}

async fn migrations_go_up_down_and_up_again(backend: Backend) {
    let Some(test_db) = TestDb::empty(backend).await else {
        return;
    };
    let db = &test_db.db;
    assert_eq!(table_count(db).await, 0);

    Migrator::up(db, None).await.unwrap();
    assert_eq!(table_count(db).await, TABLES.len());
    assert!(
        Migrator::get_pending_migrations(db)
            .await
            .unwrap()
            .is_empty()
    );
    rows::market(db).await;

    Migrator::down(db, None).await.unwrap();
    // Only the bookkeeping table stays.
    assert_eq!(table_count(db).await, 1);

    Migrator::up(db, None).await.unwrap();
    assert_eq!(table_count(db).await, TABLES.len());
    rows::market(db).await;
    orders::upsert(db, &rows::order(1, ALICE)).await.unwrap();
    // Applying again is a no-op.
    persistence::migrate(db).await.unwrap();
    assert_eq!(
        Migrator::get_applied_migrations(db).await.unwrap().len(),
        Migrator::migrations().len()
    );
}

#[tokio::test]
async fn migrations_round_trip_on_sqlite() {
    migrations_go_up_down_and_up_again(Backend::Sqlite).await;
}

#[tokio::test]
async fn migrations_round_trip_on_postgres() {
    migrations_go_up_down_and_up_again(Backend::Postgres).await;
}

async fn pragma(db: &DatabaseConnection, name: &str) -> String {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("PRAGMA {name}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0)
        .map(|n| n.to_string())
        .or_else(|_| row.try_get_by_index::<String>(0))
        .unwrap()
}

#[tokio::test]
async fn connect_creates_a_sqlite_file_in_wal_mode_with_foreign_keys() {
    let folder = std::env::temp_dir().join(format!("marketlab_test_{}", uuid::Uuid::new_v4()));
    let file = folder.join("nested/data/market.db");
    let db = persistence::connect(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    assert!(file.exists());
    assert_eq!(pragma(&db, "journal_mode").await, "wal");
    assert_eq!(pragma(&db, "foreign_keys").await, "1");
    assert_eq!(pragma(&db, "busy_timeout").await, "10000");
    // FULL
    assert_eq!(pragma(&db, "synchronous").await, "2");
    assert!(
        Migrator::get_pending_migrations(&db)
            .await
            .unwrap()
            .is_empty()
    );
    rows::market(&db).await;
    db.close().await.unwrap();

    // Reopening finds the data and migrates nothing.
    let db = persistence::connect(&format!("sqlite://{}?mode=rwc", file.display()))
        .await
        .unwrap();
    assert_eq!(accounts::all(&db).await.unwrap().len(), 3);
    db.close().await.unwrap();
    std::fs::remove_dir_all(&folder).unwrap();
}

#[tokio::test]
async fn an_in_memory_sqlite_database_keeps_its_data() {
    let db = persistence::connect("sqlite::memory:").await.unwrap();
    rows::market(&db).await;
    // Another statement on the pool's one connection still sees it, also
    // after that connection has been idle.
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert_eq!(accounts::all(&db).await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_folder_that_cannot_be_created_is_a_clear_error() {
    let file = std::env::temp_dir().join(format!("marketlab_test_{}", uuid::Uuid::new_v4()));
    std::fs::write(&file, "not a folder").unwrap();
    let url = format!("sqlite://{}/market.db", file.display());
    let error = persistence::connect(&url).await.unwrap_err();
    assert!(
        matches!(error, persistence::ConnectError::CreateFolder { .. }),
        "{error}"
    );
    std::fs::remove_file(&file).unwrap();
}

async fn extreme_values_round_trip_exactly(db: &DatabaseConnection) {
    rows::market(db).await;
    let rich = account::Model {
        cash: i64::MAX,
        reserved_cash: i64::MAX - 1,
        realized_gains: i64::MIN,
        created_at: i64::MAX,
        ..rows::account(i64::MAX, "rich")
    };
    accounts::insert(db, &rich).await.unwrap();
    assert_eq!(accounts::find(db, i64::MAX).await.unwrap(), Some(rich));

    let huge = order::Model {
        id: i64::MAX,
        quantity: i64::MAX,
        filled_value: i64::MAX,
        limit_price: Some(i64::MAX - 7),
        stop_price: Some(i64::MIN + 1),
        priority_seq: Some(i64::MAX),
        reserved_cash: 9_007_199_254_740_993, // 2^53 + 1: no f64 on the way
        updated_at: i64::MIN,
        ..rows::order(1, ALICE)
    };
    orders::upsert(db, &huge).await.unwrap();
    assert_eq!(orders::find(db, i64::MAX).await.unwrap(), Some(huge));

    let big_trade = trade::Model {
        id: i64::MAX,
        price: i64::MAX,
        quantity: i64::MAX,
        book_seq: (1 << 40) - 1,
        ..rows::trade(1)
    };
    trades::insert_many(db, std::slice::from_ref(&big_trade))
        .await
        .unwrap();
    assert_eq!(trades::recent(db, "ACME", 1).await.unwrap(), [big_trade]);

    let debit = ledger_entry::Model {
        kind: LedgerKind::Withdrawal,
        amount: i64::MIN,
        cash_before: i64::MAX,
        cash_after: -1,
        ..rows::deposit(BOB, 1, 0, 0)
    };
    ledger::insert_many(db, std::slice::from_ref(&debit))
        .await
        .unwrap();
    assert_eq!(ledger::recent(db, BOB, 10).await.unwrap(), [debit]);
}

fn assert_unique_violation(result: Result<(), DbErr>) {
    let error = result.expect_err("a duplicate is refused");
    assert!(
        matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))),
        "{error:?}"
    );
}

async fn unique_rules_hold(db: &DatabaseConnection) {
    rows::market(db).await;

    assert_unique_violation(accounts::insert(db, &rows::account(99, "alice")).await);
    let same_number = account::Model {
        account_number: rows::account(ALICE, "x").account_number,
        ..rows::account(99, "someone")
    };
    assert_unique_violation(accounts::insert(db, &same_number).await);

    let keyed = |id, account_id, key: Option<&str>| order::Model {
        client_order_id: key.map(str::to_owned),
        ..rows::order(id, account_id)
    };
    orders::upsert(db, &keyed(1, ALICE, Some("k1")))
        .await
        .unwrap();
    assert_unique_violation(orders::upsert(db, &keyed(2, ALICE, Some("k1"))).await);
    // Another account may use the same key, and orders without one never clash.
    orders::upsert(db, &keyed(3, BOB, Some("k1")))
        .await
        .unwrap();
    orders::upsert(db, &keyed(4, ALICE, None)).await.unwrap();
    orders::upsert(db, &keyed(5, ALICE, None)).await.unwrap();
    // Writing an order again under its own key is an update, not a clash.
    let filled = order::Model {
        status: OrderStatus::Filled,
        ..keyed(1, ALICE, Some("k1"))
    };
    orders::upsert(db, &filled).await.unwrap();
    assert_eq!(
        orders::find_by_client_order_id(db, ALICE, "k1")
            .await
            .unwrap()
            .map(|o| (o.id, o.status)),
        Some((1, OrderStatus::Filled))
    );

    let keyed_deposit = |account_id, seq, key: &str| ledger_entry::Model {
        idempotency_key: Some(key.to_owned()),
        ..rows::deposit(account_id, seq, 100, (seq - 1) * 100)
    };
    ledger::insert_many(db, &[keyed_deposit(ALICE, 1, "d1")])
        .await
        .unwrap();
    assert_unique_violation(ledger::insert_many(db, &[keyed_deposit(ALICE, 2, "d1")]).await);
    ledger::insert_many(db, &[keyed_deposit(BOB, 1, "d1")])
        .await
        .unwrap();
    // An entry number is used once per account.
    assert_unique_violation(ledger::insert_many(db, &[keyed_deposit(ALICE, 1, "d2")]).await);
}

async fn foreign_keys_hold(db: &DatabaseConnection) {
    rows::market(db).await;
    let nobody = order::Model {
        account_id: 404,
        ..rows::order(1, ALICE)
    };
    let error = orders::upsert(db, &nobody).await.unwrap_err();
    assert!(
        matches!(
            error.sql_err(),
            Some(SqlErr::ForeignKeyConstraintViolation(_))
        ),
        "{error:?}"
    );
    let unlisted = order::Model {
        symbol: "NOPE".to_owned(),
        ..rows::order(1, ALICE)
    };
    assert!(orders::upsert(db, &unlisted).await.is_err());
}

async fn a_failed_transaction_leaves_nothing(db: &DatabaseConnection) {
    rows::market(db).await;
    let trades_in_batch: Vec<_> = (1..=500).map(rows::trade).collect();

    let txn = begin_write(db).await.unwrap();
    trades::insert_many(&txn, &trades_in_batch).await.unwrap();
    orders::upsert(&txn, &rows::order(1, ALICE)).await.unwrap();
    // Midway, a write fails: the batch's later trade clashes with its own.
    let failed = trades::insert_many(&txn, &trades_in_batch[..1]).await;
    assert!(failed.is_err());
    txn.rollback().await.unwrap();
    assert_eq!(trade::Entity::find().count(db).await.unwrap(), 0);
    assert_eq!(order::Entity::find().count(db).await.unwrap(), 0);

    // The same, when the transaction is dropped without a word (a panic
    // or an early return in the persister).
    {
        let txn = begin_write(db).await.unwrap();
        trades::insert_many(&txn, &trades_in_batch).await.unwrap();
    }
    assert_eq!(trade::Entity::find().count(db).await.unwrap(), 0);

    // And a batch that succeeds is all there once committed.
    let txn = db.begin().await.unwrap();
    trades::insert_many(&txn, &trades_in_batch).await.unwrap();
    orders::upsert(&txn, &rows::order(1, ALICE)).await.unwrap();
    txn.commit().await.unwrap();
    assert_eq!(trade::Entity::find().count(db).await.unwrap(), 500);
    assert_eq!(
        orders::find(db, 1).await.unwrap().map(|o| o.created_at),
        Some(T0 + 1)
    );
}

on_both_backends!(
    extreme_values_round_trip_exactly,
    unique_rules_hold,
    foreign_keys_hold,
    a_failed_transaction_leaves_nothing,
);
