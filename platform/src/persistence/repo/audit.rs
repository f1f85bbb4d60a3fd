//! The admin audit log.

use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, QueryOrder, QuerySelect};

use crate::persistence::entities::audit_entry::{ActiveModel, Column, Entity, Model};

/// Records one admin action; `detail` is a JSON document. Returns its id.
pub async fn insert(
    db: &impl ConnectionTrait,
    admin_account_id: i64,
    action: &str,
    detail: &str,
    at: i64,
) -> Result<i64, DbErr> {
    let entry = ActiveModel {
        admin_account_id: Set(admin_account_id),
        action: Set(action.to_owned()),
        detail: Set(detail.to_owned()),
        at: Set(at),
        ..Default::default()
    };
    Ok(Entity::insert(entry).exec(db).await?.last_insert_id)
}

/// The latest `limit` entries, newest first.
pub async fn recent(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .order_by_desc(Column::Id)
        .limit(limit)
        .all(db)
        .await
}
