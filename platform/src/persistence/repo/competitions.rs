//! Competitions and their entries.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

use crate::persistence::entities::competition::{self, ActiveModel, Column, Entity, Model};
use crate::persistence::entities::competition_entry;
use crate::persistence::entities::enums::CompetitionStatus;

/// Stores a new competition; its id is the database's.
pub async fn insert(db: &impl ConnectionTrait, mut row: Model) -> Result<Model, DbErr> {
    row.id = 0;
    let mut active = ActiveModel::from(row);
    active.id = sea_orm::ActiveValue::NotSet;
    active.insert(db).await
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(id).one(db).await
}

pub async fn find_by_code(db: &impl ConnectionTrait, code: &str) -> Result<Option<Model>, DbErr> {
    Entity::find()
        .filter(Column::JoinCode.eq(code))
        .one(db)
        .await
}

/// Every competition, newest first.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbErr> {
    Entity::find().order_by_desc(Column::Id).all(db).await
}

/// Competitions not finished, oldest first.
pub async fn unfinished(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Status.ne(CompetitionStatus::Finished))
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

pub async fn set_status(
    db: &impl ConnectionTrait,
    id: i64,
    status: CompetitionStatus,
) -> Result<(), DbErr> {
    competition::ActiveModel {
        id: Set(id),
        status: Set(status),
        ..Default::default()
    }
    .update(db)
    .await
    .map(|_| ())
}

pub async fn insert_entry(
    db: &impl ConnectionTrait,
    entry: competition_entry::Model,
) -> Result<(), DbErr> {
    competition_entry::Entity::insert(competition_entry::ActiveModel::from(entry))
        .exec_without_returning(db)
        .await
        .map(|_| ())
}

/// A competition's entries, in the order they joined.
pub async fn entries(
    db: &impl ConnectionTrait,
    competition: i64,
) -> Result<Vec<competition_entry::Model>, DbErr> {
    competition_entry::Entity::find()
        .filter(competition_entry::Column::CompetitionId.eq(competition))
        .order_by_asc(competition_entry::Column::JoinedAt)
        .order_by_asc(competition_entry::Column::AccountId)
        .all(db)
        .await
}

/// Every entry of every competition.
pub async fn all_entries(
    db: &impl ConnectionTrait,
) -> Result<Vec<competition_entry::Model>, DbErr> {
    competition_entry::Entity::find().all(db).await
}

/// The entry a competition account belongs to, if it is one.
pub async fn entry_of_account(
    db: &impl ConnectionTrait,
    account: i64,
) -> Result<Option<competition_entry::Model>, DbErr> {
    competition_entry::Entity::find()
        .filter(competition_entry::Column::AccountId.eq(account))
        .one(db)
        .await
}

/// The player's entries, newest first.
pub async fn entries_of_player(
    db: &impl ConnectionTrait,
    player: i64,
) -> Result<Vec<competition_entry::Model>, DbErr> {
    competition_entry::Entity::find()
        .filter(competition_entry::Column::PlayerAccountId.eq(player))
        .order_by_desc(competition_entry::Column::CompetitionId)
        .all(db)
        .await
}

/// The standings at the end, frozen.
pub async fn freeze_entry(
    db: &impl ConnectionTrait,
    entry: &competition_entry::Model,
) -> Result<(), DbErr> {
    competition_entry::ActiveModel {
        competition_id: Set(entry.competition_id),
        player_account_id: Set(entry.player_account_id),
        final_equity: Set(entry.final_equity),
        final_rank: Set(entry.final_rank),
        final_sharpe: Set(entry.final_sharpe.clone()),
        final_max_drawdown: Set(entry.final_max_drawdown.clone()),
        ..Default::default()
    }
    .update(db)
    .await
    .map(|_| ())
}
