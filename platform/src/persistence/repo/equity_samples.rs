//! Accounts' equity, once a minute.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use crate::persistence::batch;
use crate::persistence::entities::equity_sample::{ActiveModel, Column, Entity, Model};

/// Stores one minute's samples; a sample already taken for an account and
/// minute stays as it was (a restart may sample a minute twice).
pub async fn insert_many(db: &impl ConnectionTrait, samples: &[Model]) -> Result<(), DbErr> {
    for chunk in samples.chunks(batch::rows_per_statement(3)) {
        Entity::insert_many(chunk.iter().cloned().map(ActiveModel::from))
            .on_conflict(
                OnConflict::columns([Column::AccountId, Column::At])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// One account's samples from `from` to `to` inclusive, oldest first.
pub async fn between(
    db: &impl ConnectionTrait,
    account_id: i64,
    from: i64,
    to: i64,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::AccountId.eq(account_id))
        .filter(Column::At.gte(from))
        .filter(Column::At.lte(to))
        .order_by_asc(Column::At)
        .all(db)
        .await
}
