//! The MarketLab database schema: one migration set for Postgres and SQLite.
//!
//! Money and prices are BIGINT cents, quantities BIGINT shares, times BIGINT
//! nanoseconds since the Unix epoch (UTC), enums short TEXT: SQLite would
//! keep decimals as floating point, and integers compare and sum exactly on
//! both backends. Foreign keys are declared inside `create_table` only,
//! because SQLite cannot add them to an existing table.

pub use sea_orm_migration::prelude::*;

mod indexes;
mod m20261121_000001_accounts;
mod m20261121_000002_market;
mod m20261121_000003_trading;
mod m20261121_000004_positions;
mod m20261121_000005_bots;
mod m20261121_000006_settings;
mod m20261203_000007_partial_key_index;
mod m20261203_000008_bot_scenario_runs;
mod m20261203_000009_partial_client_order_index;
mod m20261207_000010_risk_limits;
mod m20261207_000011_dividends;
mod m20261207_000012_competitions;
mod m20261207_000013_watchlists_alerts;
mod m20261207_000014_journal;
mod m20261207_000015_bot_summaries;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261121_000001_accounts::Migration),
            Box::new(m20261121_000002_market::Migration),
            Box::new(m20261121_000003_trading::Migration),
            Box::new(m20261121_000004_positions::Migration),
            Box::new(m20261121_000005_bots::Migration),
            Box::new(m20261121_000006_settings::Migration),
            Box::new(m20261203_000007_partial_key_index::Migration),
            Box::new(m20261203_000008_bot_scenario_runs::Migration),
            Box::new(m20261203_000009_partial_client_order_index::Migration),
            Box::new(m20261207_000010_risk_limits::Migration),
            Box::new(m20261207_000011_dividends::Migration),
            Box::new(m20261207_000012_competitions::Migration),
            Box::new(m20261207_000013_watchlists_alerts::Migration),
            Box::new(m20261207_000014_journal::Migration),
            Box::new(m20261207_000015_bot_summaries::Migration),
        ]
    }
}
