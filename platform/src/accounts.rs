//! Opening accounts: the row in the database first (so the account exists
//! once it is answered), then its actor in the market.

use marketlab_actors::account::AccountCore;
use marketlab_actors::ledger::{Account, FeeSchedule, LedgerLimits};
use marketlab_actors::market::{Market, MarketError};
use marketlab_actors::types::{AccountId, Timestamp};
use sea_orm::{ConnectionTrait, DbErr, SqlErr};

use crate::persistence::entities::account;
use crate::persistence::entities::enums::Role;
use crate::persistence::repo::accounts;

#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: Option<String>,
    pub company_symbol: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("the username {0:?} is taken")]
    UsernameTaken(String),
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error(transparent)]
    Market(#[from] MarketError),
}

/// The account's row as it is first stored.
pub fn new_row(id: AccountId, new: NewAccount, now: Timestamp) -> account::Model {
    let id = id.0 as i64;
    account::Model {
        id,
        username: new.username,
        display_name: new.display_name,
        role: new.role,
        account_number: format!("ML-{id:08}"),
        password_hash: new.password_hash,
        company_symbol: new.company_symbol,
        cash: 0,
        reserved_cash: 0,
        realized_gains: 0,
        created_at: now.0,
    }
}

/// Stores the account's row; a taken username is [`OpenError::UsernameTaken`].
pub async fn insert(db: &impl ConnectionTrait, row: &account::Model) -> Result<(), OpenError> {
    accounts::insert(db, row)
        .await
        .map_err(|e| match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                OpenError::UsernameTaken(row.username.clone())
            }
            _ => OpenError::Database(e),
        })
}

/// Stores a new account and starts its actor. Humans' accounts are durable:
/// what they are told has happened is written down first.
pub async fn open(
    db: &impl ConnectionTrait,
    market: &Market,
    fees: FeeSchedule,
    id: AccountId,
    new: NewAccount,
) -> Result<account::Model, OpenError> {
    let row = new_row(id, new, market.clock().now());
    insert(db, &row).await?;
    let core = AccountCore::new(Account::new(id, LedgerLimits::default()), fees);
    market.open_account(core, row.role != Role::Bot)?;
    Ok(row)
}
