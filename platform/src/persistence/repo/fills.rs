//! Fills: each order's side of each trade, with its charges.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::orders;
use crate::persistence::batch;
use crate::persistence::entities::fill::{Column, Entity, Model};
use crate::persistence::fetch::{col, fetch_all};

/// Inserts the fills, in as few statements as fit.
pub async fn insert_many(db: &impl ConnectionTrait, fills: &[Model]) -> Result<(), DbErr> {
    batch::insert_all(
        db,
        fills
            .iter()
            .cloned()
            .map(IntoActiveModel::into_active_model),
        None,
    )
    .await
}

/// One order's fills, in execution order.
pub async fn for_order(db: &impl ConnectionTrait, order_id: i64) -> Result<Vec<Model>, DbErr> {
    for_orders(db, &[order_id]).await
}

/// The fills of several orders (a page of `myOrders`) in one query per
/// chunk of ids, by order id then execution.
pub async fn for_orders(db: &impl ConnectionTrait, order_ids: &[i64]) -> Result<Vec<Model>, DbErr> {
    let mut fills = Vec::new();
    for chunk in order_ids.chunks(batch::rows_per_statement(1)) {
        fills.extend(
            Entity::find()
                .filter(Column::OrderId.is_in(chunk.iter().copied()))
                .all(db)
                .await?,
        );
    }
    fills.sort_by_key(|fill| (fill.order_id, fill.executed_at, fill.trade_id));
    Ok(fills)
}

/// The fills of every live order, by order id then execution: what
/// recovery gives back to the open orders. One join instead of a query per
/// chunk of ids.
pub async fn for_live_orders(db: &DatabaseConnection) -> Result<Vec<Model>, DbErr> {
    let sql = format!(
        "SELECT f.order_id, f.trade_id, f.account_id, f.price, f.quantity, f.commission, \
         f.tax, f.executed_at FROM fills f JOIN orders o ON o.id = f.order_id \
         WHERE o.status IN ({})",
        orders::live_statuses()
    );
    let mut fills = fetch_all!(db, &sql, |row| Ok::<_, DbErr>(Model {
        order_id: col(&row, 0)?,
        trade_id: col(&row, 1)?,
        account_id: col(&row, 2)?,
        price: col(&row, 3)?,
        quantity: col(&row, 4)?,
        commission: col(&row, 5)?,
        tax: col(&row, 6)?,
        executed_at: col(&row, 7)?,
    }));
    fills.sort_unstable_by_key(|fill| (fill.order_id, fill.executed_at, fill.trade_id));
    Ok(fills)
}

/// How many fills were executed at or after `since`.
pub async fn count_since(db: &impl ConnectionTrait, since: i64) -> Result<u64, DbErr> {
    Entity::find()
        .filter(Column::ExecutedAt.gte(since))
        .count(db)
        .await
}

/// An account's latest `limit` fills, newest first.
pub async fn recent_for_account(
    db: &impl ConnectionTrait,
    account_id: i64,
    limit: u64,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::AccountId.eq(account_id))
        .order_by_desc(Column::ExecutedAt)
        .order_by_desc(Column::TradeId)
        .limit(limit)
        .all(db)
        .await
}

/// What an account traded from `from` to `to` inclusive: the sum of price
/// times quantity of its fills, in cents.
pub async fn traded_value(
    db: &impl ConnectionTrait,
    account_id: i64,
    from: i64,
    to: i64,
) -> Result<i64, DbErr> {
    let fills = Entity::find()
        .filter(Column::AccountId.eq(account_id))
        .filter(Column::ExecutedAt.gte(from))
        .filter(Column::ExecutedAt.lte(to))
        .all(db)
        .await?;
    Ok(fills.iter().fold(0i64, |sum, f| {
        sum.saturating_add(f.price.saturating_mul(f.quantity))
    }))
}
