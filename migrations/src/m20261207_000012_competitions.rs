//! Every account's equity sampled once a minute (performance and
//! competition standings), and class competitions with their entries.

use sea_orm_migration::{prelude::*, schema::*};

use crate::indexes;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(EquitySamples::Table)
                    .col(big_integer(EquitySamples::AccountId))
                    .col(big_integer(EquitySamples::At))
                    .col(big_integer(EquitySamples::Equity))
                    .primary_key(
                        Index::create()
                            .col(EquitySamples::AccountId)
                            .col(EquitySamples::At),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Competitions::Table)
                    .col(big_pk_auto(Competitions::Id))
                    .col(text(Competitions::Name))
                    .col(big_integer(Competitions::CreatedBy))
                    .col(text(Competitions::JoinCode))
                    .col(big_integer(Competitions::StartingCash))
                    .col(big_integer(Competitions::StartAt))
                    .col(big_integer(Competitions::EndAt))
                    .col(text_null(Competitions::Symbols))
                    .col(integer_null(Competitions::CommissionPpm))
                    .col(big_integer_null(Competitions::MinCommission))
                    .col(integer_null(Competitions::SellTaxPpm))
                    .col(big_integer_null(Competitions::MaxOrderValue))
                    .col(integer_null(Competitions::MaxPositionPpm))
                    .col(integer_null(Competitions::MaxOpenOrders))
                    .col(text(Competitions::Status))
                    .col(big_integer(Competitions::CreatedAt))
                    .to_owned(),
            )
            .await?;
        indexes::unique(
            manager,
            "ux_competitions_join_code",
            Competitions::Table,
            [Competitions::JoinCode],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(CompetitionEntries::Table)
                    .col(big_integer(CompetitionEntries::CompetitionId))
                    .col(big_integer(CompetitionEntries::PlayerAccountId))
                    .col(big_integer(CompetitionEntries::AccountId))
                    .col(big_integer(CompetitionEntries::JoinedAt))
                    .col(big_integer_null(CompetitionEntries::FinalEquity))
                    .col(integer_null(CompetitionEntries::FinalRank))
                    .col(text_null(CompetitionEntries::FinalSharpe))
                    .col(text_null(CompetitionEntries::FinalMaxDrawdown))
                    .primary_key(
                        Index::create()
                            .col(CompetitionEntries::CompetitionId)
                            .col(CompetitionEntries::PlayerAccountId),
                    )
                    .to_owned(),
            )
            .await?;
        indexes::unique(
            manager,
            "ux_competition_entries_account",
            CompetitionEntries::Table,
            [CompetitionEntries::AccountId],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CompetitionEntries::Table.into_iden(),
            Competitions::Table.into_iden(),
            EquitySamples::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
pub enum EquitySamples {
    Table,
    AccountId,
    /// The start of the minute sampled.
    At,
    /// Cents: cash plus holdings at their last prices.
    Equity,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Competitions {
    Table,
    Id,
    Name,
    /// The INSTRUCTOR (or ADMIN) who runs it.
    CreatedBy,
    JoinCode,
    /// Cents each entry is funded with at the start.
    StartingCash,
    StartAt,
    EndAt,
    /// Comma-separated; null allows every symbol.
    Symbols,
    /// Fee overrides; null keeps the market's.
    CommissionPpm,
    MinCommission,
    SellTaxPpm,
    /// Risk limits on every entry; null is no limit.
    MaxOrderValue,
    MaxPositionPpm,
    MaxOpenOrders,
    /// SCHEDULED, RUNNING or FINISHED.
    Status,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum CompetitionEntries {
    Table,
    CompetitionId,
    /// The player's own account.
    PlayerAccountId,
    /// The separate account the player trades the competition with.
    AccountId,
    JoinedAt,
    /// Frozen at the end: cents, rank, and Sharpe and maximum drawdown as
    /// decimal strings (null when undefined).
    FinalEquity,
    FinalRank,
    FinalSharpe,
    FinalMaxDrawdown,
}
