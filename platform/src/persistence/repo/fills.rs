//! Fills: each order's side of each trade, with its charges.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::persistence::batch;
use crate::persistence::entities::fill::{Column, Entity, Model};

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
