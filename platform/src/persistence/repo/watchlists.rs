//! Watchlists and their symbols, in the order their owner gave them.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder,
};

use crate::persistence::entities::watchlist::{self, Column, Entity, Model};
use crate::persistence::entities::watchlist_symbol;

/// A watchlist with its symbols.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watchlist {
    pub row: Model,
    pub symbols: Vec<String>,
}

pub async fn insert(
    db: &impl ConnectionTrait,
    account: i64,
    name: &str,
    at: i64,
) -> Result<Model, DbErr> {
    watchlist::ActiveModel {
        account_id: Set(account),
        name: Set(name.to_string()),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// The account's watchlist of that id, if it is the account's.
pub async fn find(
    db: &impl ConnectionTrait,
    account: i64,
    id: i64,
) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(id)
        .filter(Column::AccountId.eq(account))
        .one(db)
        .await
}

pub async fn find_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(id).one(db).await
}

/// The account's watchlist of that name.
pub async fn find_named(
    db: &impl ConnectionTrait,
    account: i64,
    name: &str,
) -> Result<Option<Model>, DbErr> {
    Entity::find()
        .filter(Column::AccountId.eq(account))
        .filter(Column::Name.eq(name))
        .one(db)
        .await
}

pub async fn count(db: &impl ConnectionTrait, account: i64) -> Result<u64, DbErr> {
    Entity::find()
        .filter(Column::AccountId.eq(account))
        .count(db)
        .await
}

pub async fn rename(db: &impl ConnectionTrait, row: Model, name: &str) -> Result<Model, DbErr> {
    let mut row: watchlist::ActiveModel = row.into();
    row.name = Set(name.to_string());
    row.update(db).await
}

/// Replaces the watchlist's symbols with `symbols`, in that order.
pub async fn set_symbols(
    db: &impl ConnectionTrait,
    id: i64,
    symbols: &[String],
) -> Result<(), DbErr> {
    watchlist_symbol::Entity::delete_many()
        .filter(watchlist_symbol::Column::WatchlistId.eq(id))
        .exec(db)
        .await?;
    if symbols.is_empty() {
        return Ok(());
    }
    let rows = symbols
        .iter()
        .enumerate()
        .map(|(position, symbol)| watchlist_symbol::ActiveModel {
            watchlist_id: Set(id),
            position: Set(position as i32),
            symbol: Set(symbol.clone()),
        });
    watchlist_symbol::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub async fn symbols(db: &impl ConnectionTrait, id: i64) -> Result<Vec<String>, DbErr> {
    Ok(watchlist_symbol::Entity::find()
        .filter(watchlist_symbol::Column::WatchlistId.eq(id))
        .order_by_asc(watchlist_symbol::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|row| row.symbol)
        .collect())
}

pub async fn delete(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    watchlist_symbol::Entity::delete_many()
        .filter(watchlist_symbol::Column::WatchlistId.eq(id))
        .exec(db)
        .await?;
    Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// The account's watchlists with their symbols, oldest first.
pub async fn of_account(db: &impl ConnectionTrait, account: i64) -> Result<Vec<Watchlist>, DbErr> {
    let rows = Entity::find()
        .filter(Column::AccountId.eq(account))
        .order_by_asc(Column::Id)
        .all(db)
        .await?;
    let mut lists = Vec::with_capacity(rows.len());
    for row in rows {
        let symbols = symbols(db, row.id).await?;
        lists.push(Watchlist { row, symbols });
    }
    Ok(lists)
}
