//! Bot scripts and the bots running them.

use async_graphql::{ID, SimpleObject};

use super::account::Account;
use super::enums::BotStatus;
use crate::api::scalars::{DateTime, Dec};
use crate::persistence::entities::bot_script;

#[derive(Debug, Clone, SimpleObject)]
pub struct BotScript {
    pub name: String,
    pub source: String,
    pub updated_at: DateTime,
}

impl From<bot_script::Model> for BotScript {
    fn from(row: bot_script::Model) -> BotScript {
        BotScript {
            name: row.name,
            source: row.source,
            updated_at: row.updated_at.into(),
        }
    }
}

#[derive(Debug, Clone, SimpleObject)]
pub struct Bot {
    pub id: ID,
    pub script: String,
    pub account: Account,
    pub status: BotStatus,
    /// Last script error with line and column, when the bot FAILED.
    pub error: Option<String>,
    pub params: String,
    /// Cash plus holdings at the last price (the IPO price before any trade).
    pub equity: Dec,
    /// Equity less the cash it was given.
    pub profit: Dec,
}
