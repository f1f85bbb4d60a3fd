//! A FIFO tax lot: what one buy fill or allotment added, and what of it is
//! still held.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lots")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub symbol: String,
    /// Numbered within the holding, oldest first.
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    pub original_quantity: i64,
    pub remaining_quantity: i64,
    /// Per share, in cents.
    pub price: i64,
    /// The part of its buy commission not yet allotted to sold shares.
    pub buy_fee: i64,
    pub acquired_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
