//! News shocks.

use sea_orm::{ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryOrder, QuerySelect};

use crate::persistence::entities::news::{Column, Entity, Model};

pub async fn insert(db: &impl ConnectionTrait, news: &Model) -> Result<(), DbErr> {
    Entity::insert(news.clone().into_active_model())
        .exec_without_returning(db)
        .await
        .map(drop)
}

/// The latest `limit` news, newest first.
pub async fn recent(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .order_by_desc(Column::At)
        .order_by_desc(Column::Id)
        .limit(limit)
        .all(db)
        .await
}
