//! Trades: the public tape of each book.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::persistence::batch;
use crate::persistence::entities::trade::{Column, Entity, Model};

/// Inserts the trades, in as few statements as fit. A trade already stored
/// (same id, or same book sequence number) is a unique-constraint violation.
pub async fn insert_many(db: &impl ConnectionTrait, trades: &[Model]) -> Result<(), DbErr> {
    batch::insert_all(
        db,
        trades
            .iter()
            .cloned()
            .map(IntoActiveModel::into_active_model),
        None,
    )
    .await
}

/// How many trades were executed at or after `since`, over every book.
pub async fn count_since(db: &impl ConnectionTrait, since: i64) -> Result<u64, DbErr> {
    Entity::find()
        .filter(Column::ExecutedAt.gte(since))
        .count(db)
        .await
}

/// The latest `limit` trades of a book, newest first.
pub async fn recent(
    db: &impl ConnectionTrait,
    symbol: &str,
    limit: u64,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Symbol.eq(symbol))
        .order_by_desc(Column::BookSeq)
        .limit(limit)
        .all(db)
        .await
}

/// A book's trades executed in `[from, to)`, oldest first: candles and the
/// session's open, high, low and volume.
pub async fn between(
    db: &impl ConnectionTrait,
    symbol: &str,
    from: i64,
    to: i64,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Symbol.eq(symbol))
        .filter(Column::ExecutedAt.gte(from))
        .filter(Column::ExecutedAt.lt(to))
        .order_by_asc(Column::ExecutedAt)
        .order_by_asc(Column::BookSeq)
        .all(db)
        .await
}
