//! A company and the settings of its order book. Prices in cents.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "companies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub symbol: String,
    pub name: String,
    pub sector: String,
    pub shares_outstanding: i64,
    /// Cents per tick: prices in the book are ticks of this.
    pub tick_size: i64,
    pub ipo_price: i64,
    /// The price band around the reference price, in basis points; `None`
    /// for no band.
    pub band_bps: Option<i64>,
    /// The book's number, given at listing and never reused (the high bits
    /// of its trade ids).
    pub book_id: i32,
    pub issuer_account_id: i64,
    pub listed: bool,
    pub halted: bool,
    /// The book's last sequence number persisted: recovery continues after it.
    pub last_seq: i64,
    pub listed_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
