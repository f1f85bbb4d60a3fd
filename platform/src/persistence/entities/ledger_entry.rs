//! One movement of an account's cash, with the balance before and after,
//! in cents.

use sea_orm::entity::prelude::*;

use super::enums::LedgerKind;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ledger_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: i64,
    /// 1, 2, 3, ... within the account.
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    pub kind: LedgerKind,
    /// Signed: a credit is positive, a debit negative.
    pub amount: i64,
    pub cash_before: i64,
    pub cash_after: i64,
    pub symbol: Option<String>,
    pub order_id: Option<i64>,
    pub trade_id: Option<i64>,
    /// The caller's key of a deposit or withdrawal; unique per account.
    pub idempotency_key: Option<String>,
    pub at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
