//! One SeaORM entity per table. Times are nanoseconds since the Unix epoch
//! (UTC); money and prices are cents; quantities are shares.

pub mod account;
pub mod alert;
pub mod audit_entry;
pub mod bot;
pub mod bot_daily_summary;
pub mod bot_fold;
pub mod bot_script;
pub mod company;
pub mod competition;
pub mod competition_entry;
pub mod dividend;
pub mod dividend_payment;
pub mod enums;
pub mod equity_sample;
pub mod fill;
pub mod financial_report;
pub mod holding;
pub mod journal_batch;
pub mod journal_watermark;
pub mod ledger_entry;
pub mod lot;
pub mod news;
pub mod order;
pub mod realized_gain;
pub mod refresh_token;
pub mod risk_limit;
pub mod scenario_run;
pub mod sector;
pub mod server_setting;
pub mod trade;
pub mod watchlist;
pub mod watchlist_symbol;
