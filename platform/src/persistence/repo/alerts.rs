//! Price alerts: the waiting ones are read back at startup; fired and
//! cancelled ones stay as their owner's history.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::persistence::entities::alert::{ActiveModel, Column, Entity, Model};
use crate::persistence::entities::enums::{AlertKind, AlertStatus};

/// A new waiting alert; its id is the database's.
pub struct NewAlert {
    pub account_id: i64,
    pub symbol: String,
    pub kind: AlertKind,
    pub level: i64,
    pub change_bps: Option<i64>,
    pub created_at: i64,
}

pub async fn insert(db: &impl ConnectionTrait, new: NewAlert) -> Result<Model, DbErr> {
    ActiveModel {
        account_id: Set(new.account_id),
        symbol: Set(new.symbol),
        kind: Set(new.kind),
        level: Set(new.level),
        change_bps: Set(new.change_bps),
        status: Set(AlertStatus::Active),
        created_at: Set(new.created_at),
        ended_at: Set(None),
        fired_price: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(id).one(db).await
}

/// Every waiting alert, for the market feed at startup.
pub async fn active(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Status.eq(AlertStatus::Active))
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// Ends a waiting alert (FIRED with its trade's price, or CANCELLED); the
/// row as it is now, or `None` if it was not waiting any more.
pub async fn end(
    db: &impl ConnectionTrait,
    id: i64,
    status: AlertStatus,
    at: i64,
    fired_price: Option<i64>,
) -> Result<Option<Model>, DbErr> {
    let ended = Entity::update_many()
        .col_expr(Column::Status, status.into())
        .col_expr(Column::EndedAt, Some(at).into())
        .col_expr(Column::FiredPrice, fired_price.into())
        .filter(Column::Id.eq(id))
        .filter(Column::Status.eq(AlertStatus::Active))
        .exec(db)
        .await?;
    if ended.rows_affected == 0 {
        return Ok(None);
    }
    find(db, id).await
}

/// Cancels every waiting alert of `symbol` (it was delisted).
pub async fn cancel_symbol(db: &impl ConnectionTrait, symbol: &str, at: i64) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::Status, AlertStatus::Cancelled.into())
        .col_expr(Column::EndedAt, Some(at).into())
        .filter(Column::Symbol.eq(symbol))
        .filter(Column::Status.eq(AlertStatus::Active))
        .exec(db)
        .await?;
    Ok(())
}

/// The account's alerts in `statuses` (all when empty), newest first.
pub async fn of_account(
    db: &impl ConnectionTrait,
    account: i64,
    statuses: &[AlertStatus],
    limit: u64,
) -> Result<Vec<Model>, DbErr> {
    let mut query = Entity::find().filter(Column::AccountId.eq(account));
    if !statuses.is_empty() {
        query = query.filter(Column::Status.is_in(statuses.iter().copied()));
    }
    query.order_by_desc(Column::Id).limit(limit).all(db).await
}

/// The account's fired alerts, the latest to fire first.
pub async fn fired(
    db: &impl ConnectionTrait,
    account: i64,
    limit: u64,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::AccountId.eq(account))
        .filter(Column::Status.eq(AlertStatus::Fired))
        .order_by_desc(Column::EndedAt)
        .order_by_desc(Column::Id)
        .limit(limit)
        .all(db)
        .await
}
