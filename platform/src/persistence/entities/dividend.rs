//! A cash dividend a company declared.

use sea_orm::entity::prelude::*;

use super::enums::DividendStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dividends")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub symbol: String,
    /// The CORPORATE account that pays it.
    pub issuer_account_id: i64,
    pub declared_by: i64,
    /// Per share, in millionths of a currency unit.
    pub per_share_micros: i64,
    pub declared_at: i64,
    pub record_at: i64,
    pub pay_at: i64,
    pub status: DividendStatus,
    /// Cents, once recorded: what the issuer set aside for the holders.
    pub total: Option<i64>,
    /// Why it was cancelled.
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
