//! A class competition: its window, its starting cash and its rules.

use sea_orm::entity::prelude::*;

use super::enums::CompetitionStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "competitions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub created_by: i64,
    pub join_code: String,
    /// Cents each entry is funded with at the start.
    pub starting_cash: i64,
    pub start_at: i64,
    pub end_at: i64,
    /// Comma-separated; `None` allows every symbol.
    pub symbols: Option<String>,
    pub commission_ppm: Option<i32>,
    pub min_commission: Option<i64>,
    pub sell_tax_ppm: Option<i32>,
    pub max_order_value: Option<i64>,
    pub max_position_ppm: Option<i32>,
    pub max_open_orders: Option<i32>,
    pub status: CompetitionStatus,
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
