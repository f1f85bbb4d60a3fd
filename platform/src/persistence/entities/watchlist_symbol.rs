//! One symbol of a watchlist, at its place in the list.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "watchlist_symbols")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub watchlist_id: i64,
    /// From 0.
    #[sea_orm(primary_key, auto_increment = false)]
    pub position: i32,
    pub symbol: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
