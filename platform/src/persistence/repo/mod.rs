//! Repositories: plain async functions, one module per concern, each taking
//! any connection or transaction. Batch writes split themselves into as many
//! statements as the backend's parameter limit needs; upserts keep the last
//! row given for a key.

pub mod accounts;
pub mod alerts;
pub mod audit;
pub mod bot_scripts;
pub mod bot_summaries;
pub mod bots;
pub mod companies;
pub mod competitions;
pub mod dividends;
pub mod equity_samples;
pub mod fills;
pub mod financials;
pub mod holdings;
pub mod ids;
pub mod journal;
pub mod ledger;
pub mod lots;
pub mod news;
pub mod orders;
pub mod realized;
pub mod refresh_tokens;
pub mod risk_limits;
pub mod scenario_runs;
pub mod sectors;
pub mod server_settings;
pub mod trades;
pub mod watchlists;
