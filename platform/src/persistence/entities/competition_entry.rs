//! A player in a competition, and the separate account they trade it with.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "competition_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub competition_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub player_account_id: i64,
    pub account_id: i64,
    pub joined_at: i64,
    /// Frozen at the end.
    pub final_equity: Option<i64>,
    pub final_rank: Option<i32>,
    pub final_sharpe: Option<String>,
    pub final_max_drawdown: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
