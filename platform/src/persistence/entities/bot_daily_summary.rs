//! What one bot did in one symbol on one day, once its detail rows are
//! folded away (see `persister::retention`). Money in cents, quantities in
//! shares.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bot_daily_summaries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: i64,
    /// The day's first nanosecond, UTC.
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub symbol: String,
    pub fills: i64,
    pub bought: i64,
    pub sold: i64,
    pub bought_value: i64,
    pub sold_value: i64,
    pub commission: i64,
    pub tax: i64,
    pub realized_gain: i64,
    /// Shares held at the day's end.
    pub end_position: i64,
    /// Cash at the day's end: `None` when the account's cash did not move
    /// that day.
    pub end_cash: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
