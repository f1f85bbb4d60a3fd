//! Bot scripts, by name.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryOrder};

use crate::persistence::entities::bot_script::{Column, Entity, Model};

/// Saves a script; saving a name again replaces its source.
pub async fn upsert(db: &impl ConnectionTrait, script: &Model) -> Result<(), DbErr> {
    Entity::insert(script.clone().into_active_model())
        .on_conflict(
            OnConflict::column(Column::Name)
                .update_columns([Column::Source, Column::UpdatedAt])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await
        .map(drop)
}

pub async fn find(db: &impl ConnectionTrait, name: &str) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(name).one(db).await
}

/// Every script, by name.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbErr> {
    Entity::find().order_by_asc(Column::Name).all(db).await
}
