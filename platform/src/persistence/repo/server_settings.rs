//! Settings the server keeps for itself.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

use crate::persistence::entities::server_setting::{ActiveModel, Column, Entity};

pub async fn find(db: &impl ConnectionTrait, name: &str) -> Result<Option<String>, DbErr> {
    Ok(Entity::find_by_id(name).one(db).await?.map(|s| s.value))
}

/// Stores `value` unless the setting exists; returns the value that is
/// stored afterwards, so two servers starting at once agree on one.
pub async fn get_or_insert(
    db: &impl ConnectionTrait,
    name: &str,
    value: &str,
) -> Result<String, DbErr> {
    Entity::insert(ActiveModel {
        name: Set(name.to_owned()),
        value: Set(value.to_owned()),
    })
    .on_conflict(OnConflict::column(Column::Name).do_nothing().to_owned())
    .exec_without_returning(db)
    .await?;
    find(db, name)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("server setting {name}")))
}
