//! The contract's input objects.

use async_graphql::{ID, InputObject};

use super::enums::{OrderType, Role, Side, TimeInForce};
use crate::api::scalars::{Dec, Long};

#[derive(Debug, Clone, InputObject)]
pub struct RegisterInput {
    pub username: String,
    pub password: String,
    pub display_name: String,
    /// INDIVIDUAL or CORPORATE; other roles are granted by an ADMIN.
    pub role: Role,
}

#[derive(Debug, Clone, InputObject)]
pub struct PlaceOrderInput {
    pub symbol: String,
    pub side: Side,
    #[graphql(name = "type")]
    pub order_type: OrderType,
    #[graphql(default_with = "Some(TimeInForce::Gtc)")]
    pub time_in_force: Option<TimeInForce>,
    pub quantity: Long,
    pub limit_price: Option<Dec>,
    pub stop_price: Option<Dec>,
    /// Client-chosen key: placing the same key twice returns the first order.
    pub client_order_id: Option<String>,
}

#[derive(Debug, Clone, InputObject)]
pub struct ListCompanyInput {
    pub symbol: String,
    pub name: String,
    pub sector: String,
    pub shares_outstanding: Long,
    pub ipo_price: Dec,
    #[graphql(default_with = "Some(crate::api::scalars::Dec(rust_decimal::Decimal::new(1, 2)))")]
    pub tick_size: Option<Dec>,
    /// The CORPORATE account that receives the issued shares.
    pub issuer_account_id: ID,
}

#[derive(Debug, Clone, InputObject)]
pub struct FinancialsInput {
    pub year: i32,
    pub revenue: Dec,
    pub operating_profit: Dec,
    pub net_income: Dec,
}

#[derive(Debug, Clone, InputObject)]
pub struct StartBotInput {
    pub script: String,
    /// JSON object handed to the script as its params.
    #[graphql(default_with = "Some(\"{}\".to_owned())")]
    pub params: Option<String>,
    pub cash: Dec,
    /// How many bots of this script to start, each with its own account.
    #[graphql(default_with = "Some(1)")]
    pub count: Option<i32>,
}

#[derive(Debug, Clone, InputObject)]
pub struct NewsInput {
    pub symbol: Option<String>,
    pub headline: String,
    pub impact: Dec,
}

/// Limits on an account's orders; a null field is no limit.
#[derive(Debug, Clone, InputObject)]
pub struct RiskLimitsInput {
    /// The largest value of one order, at the worst price it can trade at.
    pub max_order_value: Option<Dec>,
    /// The largest holding of one company a buy may bring the account to, as
    /// a percentage of its equity: above 0, at most 100.
    pub max_position_percent: Option<Dec>,
    /// The most orders open at once, from 1 to 100,000.
    pub max_open_orders: Option<i32>,
}
