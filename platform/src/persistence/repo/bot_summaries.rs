//! Bots' daily summaries and the detail rows they replace: the totals a
//! fold reads (by bot, symbol and UTC day), the summary rows it writes, and
//! the deletion of what it folded. See `persister::retention` for the rules.
//!
//! Times, ids and roles are the server's own integers and enum spellings,
//! written into the SQL text; nothing a client sends reaches these queries.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, Statement,
};

use crate::persistence::batch;
use crate::persistence::entities::bot_daily_summary::{Column, Entity, Model};
use crate::persistence::entities::bot_fold;
use crate::persistence::entities::enums::{OrderStatus, Role, Side};
use crate::persistence::entities::{account, fill, order};

/// Nanoseconds in a day.
pub const DAY: i64 = 86_400 * 1_000_000_000;

/// The `bot_fold` row's id: there is only one.
const FOLD: i32 = 1;

/// `accounts.id` of every bot, as a subquery.
fn bots() -> String {
    format!(
        "SELECT id FROM accounts WHERE role = '{}'",
        Role::Bot.to_value()
    )
}

/// Fills of one bot in one symbol and side on one day.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct FillTotals {
    pub account_id: i64,
    pub symbol: String,
    pub side: Side,
    /// The day's first nanosecond.
    pub day: i64,
    pub fills: i64,
    pub quantity: i64,
    pub value: i64,
    pub commission: i64,
    pub tax: i64,
}

/// One bot's realized gains in one symbol on one day.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct GainTotals {
    pub account_id: i64,
    pub symbol: String,
    pub day: i64,
    pub gain: i64,
}

/// A bot's cash after its last ledger entry of a day.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct DayEndCash {
    pub account_id: i64,
    pub day: i64,
    pub cash: i64,
}

/// Shares a bot holds now.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct Position {
    pub account_id: i64,
    pub symbol: String,
    pub quantity: i64,
}

/// Rows one deletion removed, by table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Deleted {
    pub orders: u64,
    pub fills: u64,
    pub ledger_entries: u64,
    pub realized_gains: u64,
}

impl Deleted {
    pub fn add(&mut self, other: Deleted) {
        self.orders += other.orders;
        self.fills += other.fills;
        self.ledger_entries += other.ledger_entries;
        self.realized_gains += other.realized_gains;
    }

    pub fn total(&self) -> u64 {
        self.orders + self.fills + self.ledger_entries + self.realized_gains
    }
}

/// Every day before this instant has its summaries; `None`: no fold yet.
pub async fn folded_before(db: &impl ConnectionTrait) -> Result<Option<i64>, DbErr> {
    Ok(bot_fold::Entity::find_by_id(FOLD)
        .one(db)
        .await?
        .and_then(|row| row.folded_before))
}

pub async fn set_folded_before(db: &impl ConnectionTrait, at: i64) -> Result<(), DbErr> {
    bot_fold::Entity::update_many()
        .col_expr(bot_fold::Column::FoldedBefore, Expr::value(at))
        .filter(bot_fold::Column::Id.eq(FOLD))
        .exec(db)
        .await?;
    Ok(())
}

/// When the earliest fill of any bot was executed.
pub async fn first_bot_fill(db: &impl ConnectionTrait) -> Result<Option<i64>, DbErr> {
    #[derive(FromQueryResult)]
    struct First {
        earliest: Option<i64>,
    }
    let bots = bots();
    let sql =
        format!("SELECT MIN(executed_at) AS earliest FROM fills WHERE account_id IN ({bots})");
    Ok(query::<First>(db, &sql)
        .await?
        .pop()
        .and_then(|r| r.earliest))
}

/// Bots' fills executed at or after `from`, totalled by bot, symbol, side
/// and day.
pub async fn fill_totals(db: &impl ConnectionTrait, from: i64) -> Result<Vec<FillTotals>, DbErr> {
    let bots = bots();
    let sql = format!(
        "SELECT f.account_id, o.symbol, o.side, (f.executed_at / {DAY}) * {DAY} AS day, \
         CAST(COUNT(*) AS BIGINT) AS fills, CAST(SUM(f.quantity) AS BIGINT) AS quantity, \
         CAST(SUM(f.price * f.quantity) AS BIGINT) AS value, \
         CAST(SUM(f.commission) AS BIGINT) AS commission, CAST(SUM(f.tax) AS BIGINT) AS tax \
         FROM fills f JOIN orders o ON o.id = f.order_id \
         WHERE f.account_id IN ({bots}) AND f.executed_at >= {from} \
         GROUP BY f.account_id, o.symbol, o.side, (f.executed_at / {DAY}) * {DAY}"
    );
    query(db, &sql).await
}

/// Bots' realized gains of sales in `from..to`, totalled by bot, symbol and
/// day.
pub async fn gain_totals(
    db: &impl ConnectionTrait,
    from: i64,
    to: i64,
) -> Result<Vec<GainTotals>, DbErr> {
    let bots = bots();
    let sql = format!(
        "SELECT account_id, symbol, (sold_at / {DAY}) * {DAY} AS day, \
         CAST(SUM(gain) AS BIGINT) AS gain FROM realized_gains \
         WHERE account_id IN ({bots}) AND sold_at >= {from} AND sold_at < {to} \
         GROUP BY account_id, symbol, (sold_at / {DAY}) * {DAY}"
    );
    query(db, &sql).await
}

/// Each bot's cash after its last ledger entry of each day in `from..to`.
pub async fn day_end_cash(
    db: &impl ConnectionTrait,
    from: i64,
    to: i64,
) -> Result<Vec<DayEndCash>, DbErr> {
    let bots = bots();
    let sql = format!(
        "SELECT l.account_id, (l.at / {DAY}) * {DAY} AS day, l.cash_after AS cash \
         FROM ledger_entries l JOIN ( \
           SELECT account_id, MAX(seq) AS seq FROM ledger_entries \
           WHERE account_id IN ({bots}) AND at >= {from} AND at < {to} \
           GROUP BY account_id, (at / {DAY}) * {DAY} \
         ) day_last ON day_last.account_id = l.account_id AND day_last.seq = l.seq"
    );
    query(db, &sql).await
}

/// The shares every bot holds now.
pub async fn positions(db: &impl ConnectionTrait) -> Result<Vec<Position>, DbErr> {
    let bots = bots();
    let sql =
        format!("SELECT account_id, symbol, quantity FROM holdings WHERE account_id IN ({bots})");
    query(db, &sql).await
}

pub async fn insert_many(db: &impl ConnectionTrait, rows: &[Model]) -> Result<(), DbErr> {
    batch::insert_all(
        db,
        rows.iter().cloned().map(IntoActiveModel::into_active_model),
        None,
    )
    .await
}

/// A bot's summaries, by day then symbol.
pub async fn for_account(db: &impl ConnectionTrait, account_id: i64) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::AccountId.eq(account_id))
        .order_by_asc(Column::Day)
        .order_by_asc(Column::Symbol)
        .all(db)
        .await
}

/// Every bot's account id, in order.
pub async fn bot_accounts(db: &impl ConnectionTrait) -> Result<Vec<i64>, DbErr> {
    account::Entity::find()
        .select_only()
        .column(account::Column::Id)
        .filter(account::Column::Role.eq(Role::Bot))
        .order_by_asc(account::Column::Id)
        .into_tuple()
        .all(db)
        .await
}

/// Up to `limit` finished orders of `accounts` last changed before
/// `before`, each below `below` (the id counter restarts after the highest
/// order id there is, so that one is never deleted).
pub async fn foldable_orders(
    db: &impl ConnectionTrait,
    accounts: &[i64],
    before: i64,
    below: i64,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    order::Entity::find()
        .select_only()
        .column(order::Column::Id)
        .filter(order::Column::AccountId.is_in(accounts.iter().copied()))
        .filter(order::Column::Status.is_not_in(OrderStatus::LIVE))
        .filter(order::Column::UpdatedAt.lt(before))
        .filter(order::Column::Id.lt(below))
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

/// Deletes the orders `ids` with their fills.
pub async fn delete_orders(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Deleted, DbErr> {
    let fills = fill::Entity::delete_many()
        .filter(fill::Column::OrderId.is_in(ids.iter().copied()))
        .exec(db)
        .await?;
    let orders = order::Entity::delete_many()
        .filter(order::Column::Id.is_in(ids.iter().copied()))
        .exec(db)
        .await?;
    Ok(Deleted {
        orders: orders.rows_affected,
        fills: fills.rows_affected,
        ..Deleted::default()
    })
}

/// Deletes the ledger entries and realized gains of `accounts` from
/// before `before`. Each account keeps its last ledger entry (its next
/// entry's number follows it) and every entry carrying an idempotency key.
pub async fn delete_history(
    db: &impl ConnectionTrait,
    accounts: &[i64],
    before: i64,
) -> Result<Deleted, DbErr> {
    let ids = accounts
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let ledger = execute(
        db,
        &format!(
            "DELETE FROM ledger_entries WHERE account_id IN ({ids}) AND at < {before} \
             AND idempotency_key IS NULL AND seq < ( \
               SELECT MAX(l.seq) FROM ledger_entries l \
               WHERE l.account_id = ledger_entries.account_id)"
        ),
    )
    .await?;
    let gains = execute(
        db,
        &format!("DELETE FROM realized_gains WHERE account_id IN ({ids}) AND sold_at < {before}"),
    )
    .await?;
    Ok(Deleted {
        ledger_entries: ledger,
        realized_gains: gains,
        ..Deleted::default()
    })
}

async fn query<T: FromQueryResult>(db: &impl ConnectionTrait, sql: &str) -> Result<Vec<T>, DbErr> {
    let statement = Statement::from_string(db.get_database_backend(), sql);
    T::find_by_statement(statement).all(db).await
}

async fn execute(db: &impl ConnectionTrait, sql: &str) -> Result<u64, DbErr> {
    let statement = Statement::from_string(db.get_database_backend(), sql);
    Ok(db.execute_raw(statement).await?.rows_affected())
}
