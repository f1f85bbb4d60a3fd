//! Bot scripts and the bots running them.

use async_graphql::{ID, SimpleObject};

use super::account::Account;
use super::enums::{BotStatus, RunStatus};
use crate::api::scalars::{DateTime, Dec};
use crate::persistence::entities::{bot_script, scenario_run};

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

/// A scenario run live in the server (`marketlab scenario run FILE --live`).
#[derive(Debug, Clone, SimpleObject)]
pub struct ScenarioRun {
    pub id: ID,
    /// The scenario's name, from its file.
    pub name: String,
    /// The run's seed, in decimal (it may be beyond a JSON number).
    pub seed: String,
    /// SHA-256 of the scenario file, hex.
    pub scenario_hash: String,
    pub status: RunStatus,
    pub started_at: DateTime,
    pub finished_at: Option<DateTime>,
    /// The run's summary as JSON (per company volume, VWAP, OHLC, return
    /// statistics and spreads; per bot group P&L; each player's equity and
    /// profit), once it has ended.
    pub summary: Option<String>,
}

impl From<scenario_run::Model> for ScenarioRun {
    fn from(row: scenario_run::Model) -> ScenarioRun {
        ScenarioRun {
            id: ID(row.id.to_string()),
            name: row.name,
            seed: (row.seed as u64).to_string(),
            scenario_hash: row.scenario_hash,
            status: row.status.into(),
            started_at: row.started_at.into(),
            finished_at: row.finished_at.map(DateTime::from),
            summary: row.summary,
        }
    }
}
