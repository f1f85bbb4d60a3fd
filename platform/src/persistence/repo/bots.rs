//! Bots: accounts driven by scripts.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};

use crate::persistence::batch;
use crate::persistence::entities::bot::{Column, Entity, Model};
use crate::persistence::entities::enums::BotStatus;

/// Its script and account must exist.
pub async fn insert(db: &impl ConnectionTrait, bot: &Model) -> Result<(), DbErr> {
    Entity::insert(bot.clone().into_active_model())
        .exec_without_returning(db)
        .await
        .map(drop)
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(id).one(db).await
}

/// Every bot, by id.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbErr> {
    Entity::find().order_by_asc(Column::Id).all(db).await
}

/// The bots in one status, by id (the RUNNING ones restart on recovery).
pub async fn with_status(
    db: &impl ConnectionTrait,
    status: BotStatus,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Status.eq(status))
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// The bots a live scenario run started, by id.
pub async fn of_run(db: &impl ConnectionTrait, run: i64) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::ScenarioRunId.eq(run))
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// Sets a bot's status and its last error (`None` clears it).
pub async fn set_status(
    db: &impl ConnectionTrait,
    id: i64,
    status: BotStatus,
    error: Option<&str>,
) -> Result<(), DbErr> {
    let result = Entity::update_many()
        .col_expr(Column::Status, Expr::val(status))
        .col_expr(Column::Error, Expr::val(error.map(str::to_owned)))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await?;
    batch::expect_one(result)
}
