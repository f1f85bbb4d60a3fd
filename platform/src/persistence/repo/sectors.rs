//! Sectors.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, QueryOrder};

use crate::persistence::entities::sector::{ActiveModel, Column, Entity};

/// Adds a sector; one that exists already is left as it is.
pub async fn ensure(db: &impl ConnectionTrait, name: &str) -> Result<(), DbErr> {
    Entity::insert(ActiveModel {
        name: Set(name.to_owned()),
    })
    .on_conflict(OnConflict::column(Column::Name).do_nothing().to_owned())
    .exec_without_returning(db)
    .await
    .map(drop)
}

/// Every sector name, in order.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    let sectors = Entity::find().order_by_asc(Column::Name).all(db).await?;
    Ok(sectors.into_iter().map(|sector| sector.name).collect())
}

/// Removes a sector no company belongs to; one that still has companies is
/// a foreign-key violation. Returns whether it existed.
pub async fn delete(db: &impl ConnectionTrait, name: &str) -> Result<bool, DbErr> {
    let deleted = Entity::delete_by_id(name).exec(db).await?;
    Ok(deleted.rows_affected > 0)
}
