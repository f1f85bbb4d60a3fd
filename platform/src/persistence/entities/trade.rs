//! One match in a book. The id is the market-wide trade id (book number in
//! the high bits, book sequence number in the low). Price in cents.

use sea_orm::entity::prelude::*;

use super::enums::Side;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "trades")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub symbol: String,
    pub book_seq: i64,
    pub price: i64,
    pub quantity: i64,
    pub aggressor_side: Side,
    pub taker_order_id: i64,
    pub maker_order_id: i64,
    pub taker_account_id: i64,
    pub maker_account_id: i64,
    pub executed_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
