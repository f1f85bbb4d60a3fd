//! A bot: an account driven by a script.

use sea_orm::entity::prelude::*;

use super::enums::BotStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bots")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub script: String,
    pub account_id: i64,
    pub status: BotStatus,
    /// The last script error, with line and column, when it FAILED.
    pub error: Option<String>,
    /// A JSON object.
    pub params: String,
    pub created_at: i64,
    /// The live scenario run that started it.
    pub scenario_run_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
