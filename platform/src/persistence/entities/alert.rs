//! A price alert: waiting, fired or cancelled.

use sea_orm::entity::prelude::*;

use super::enums::{AlertKind, AlertStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "alerts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub symbol: String,
    pub kind: AlertKind,
    /// Cents: the price that fires it.
    pub level: i64,
    /// A change alert's percentage, in hundredths of a percent.
    pub change_bps: Option<i64>,
    pub status: AlertStatus,
    pub created_at: i64,
    /// When it fired or was cancelled.
    pub ended_at: Option<i64>,
    /// Cents: the price of the trade that fired it.
    pub fired_price: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
