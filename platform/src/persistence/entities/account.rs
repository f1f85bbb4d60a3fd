//! An account: a person, a company's issuer account or a bot, with its
//! cash balances in cents.

use sea_orm::entity::prelude::*;

use super::enums::Role;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub account_number: String,
    /// Argon2 hash; `None` for accounts that never sign in (bots, issuers).
    pub password_hash: Option<String>,
    /// For a CORPORATE account: the company it issues.
    pub company_symbol: Option<String>,
    /// All cash, reserved or not.
    pub cash: i64,
    /// Cash set aside for open orders; part of `cash`.
    pub reserved_cash: i64,
    /// Sum of the account's realized gains.
    pub realized_gains: i64,
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
