//! What one holder of record is owed from one dividend.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dividend_payments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub dividend_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: i64,
    /// Held at the record time.
    pub shares: i64,
    /// Cents.
    pub amount: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
