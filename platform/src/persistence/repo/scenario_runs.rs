//! The record of scenario runs.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::persistence::batch;
use crate::persistence::entities::enums::RunStatus;
use crate::persistence::entities::scenario_run::{ActiveModel, Column, Entity, Model};

/// Records a run as RUNNING from `started_at`; returns its id. `seed` is
/// the run's `u64` seed, bit for bit (`seed as i64`).
pub async fn start(
    db: &impl ConnectionTrait,
    name: &str,
    seed: i64,
    scenario_hash: &str,
    started_at: i64,
) -> Result<i64, DbErr> {
    let run = ActiveModel {
        name: Set(name.to_owned()),
        seed: Set(seed),
        scenario_hash: Set(scenario_hash.to_owned()),
        status: Set(RunStatus::Running),
        started_at: Set(started_at),
        finished_at: Set(None),
        summary: Set(None),
        ..Default::default()
    };
    Ok(Entity::insert(run).exec(db).await?.last_insert_id)
}

/// Records how a run ended, with its summary JSON when it has one.
pub async fn finish(
    db: &impl ConnectionTrait,
    id: i64,
    status: RunStatus,
    finished_at: i64,
    summary: Option<&str>,
) -> Result<(), DbErr> {
    let result = Entity::update_many()
        .col_expr(Column::Status, Expr::val(status))
        .col_expr(Column::FinishedAt, Expr::val(finished_at))
        .col_expr(Column::Summary, Expr::val(summary.map(str::to_owned)))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await?;
    batch::expect_one(result)
}

/// A live run paused or running again.
pub async fn set_status(
    db: &impl ConnectionTrait,
    id: i64,
    status: RunStatus,
) -> Result<(), DbErr> {
    let result = Entity::update_many()
        .col_expr(Column::Status, Expr::val(status))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await?;
    batch::expect_one(result)
}

/// At start: every run still RUNNING or PAUSED was cut short (the server
/// stopped under it); they become STOPPED at `at`. Answers their ids.
pub async fn interrupt_unfinished(db: &impl ConnectionTrait, at: i64) -> Result<Vec<i64>, DbErr> {
    let unfinished = [RunStatus::Running, RunStatus::Paused];
    let ids: Vec<i64> = Entity::find()
        .filter(Column::Status.is_in(unfinished))
        .order_by_asc(Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|run| run.id)
        .collect();
    if !ids.is_empty() {
        Entity::update_many()
            .col_expr(Column::Status, Expr::val(RunStatus::Stopped))
            .col_expr(Column::FinishedAt, Expr::val(at))
            .filter(Column::Id.is_in(ids.clone()))
            .exec(db)
            .await?;
    }
    Ok(ids)
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(id).one(db).await
}

/// The latest `limit` runs, newest first.
pub async fn recent(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .order_by_desc(Column::Id)
        .limit(limit)
        .all(db)
        .await
}
