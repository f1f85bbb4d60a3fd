//! What one sell fill realized against one lot. Money in cents; `gain` is
//! `(sell_price - buy_price) x quantity - buy_fee - sell_costs`. Ids
//! follow the order the gains were realized in.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "realized_gains")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub symbol: String,
    pub order_id: i64,
    pub trade_id: i64,
    pub quantity: i64,
    pub buy_price: i64,
    pub sell_price: i64,
    pub buy_fee: i64,
    /// The sale's commission and tax allotted to these shares.
    pub sell_costs: i64,
    pub gain: i64,
    pub acquired_at: i64,
    pub sold_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
