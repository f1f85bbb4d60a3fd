//! An order as it stands now: written again each time it changes. Prices
//! and money in cents, quantities in shares.

use sea_orm::entity::prelude::*;

use super::enums::{OrderStatus, OrderType, Side, TimeInForce};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "orders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub account_id: i64,
    pub symbol: String,
    pub side: Side,
    pub order_type: OrderType,
    pub time_in_force: TimeInForce,
    /// What was asked, less any reductions.
    pub quantity: i64,
    pub filled_quantity: i64,
    /// Sum of price x quantity over the fills.
    pub filled_value: i64,
    pub limit_price: Option<i64>,
    pub stop_price: Option<i64>,
    pub status: OrderStatus,
    /// Why it was cancelled, expired or rejected.
    pub reason: Option<String>,
    /// Unique per account.
    pub client_order_id: Option<String>,
    /// Its place in the book: the sequence number that gave a resting order
    /// its time priority, or that accepted a stop waiting for its trigger.
    /// `None` once it is no longer live.
    pub priority_seq: Option<i64>,
    /// The worst price per share its reservation was made for: its limit, or
    /// the protection price of a market or stop order.
    pub reserve_limit: i64,
    /// The fee schedule it was placed under: commission rate, minimum
    /// commission (cents) and sell tax rate.
    pub commission_ppm: i64,
    pub min_commission: i64,
    pub sell_tax_ppm: i64,
    /// What its open reservation still sets aside.
    pub reserved_cash: i64,
    pub reserved_shares: i64,
    /// What its fills have been charged so far.
    pub commission_charged: i64,
    pub tax_charged: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
