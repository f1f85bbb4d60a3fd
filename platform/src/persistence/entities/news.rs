//! A news shock: a signed shift of the fundamental value bots see.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "news")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    /// `None`: news about the whole market.
    pub symbol: Option<String>,
    pub headline: String,
    /// In parts per million: -150,000 is -15%.
    pub impact_ppm: i64,
    pub at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
