//! Bots' daily summaries. Past a configured age, a bot's finished orders,
//! their fills, its ledger entries and its realized gains are folded into
//! one row per bot, day and symbol (volume, fees, P&L, end-of-day position
//! and cash) and deleted; people's rows are never folded. `bot_fold` says up
//! to when (exclusive, ns) every day has been summarized: each day is
//! summarized exactly once, when it passes.

use sea_orm_migration::{prelude::*, schema::*};

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
                    .table(BotDailySummaries::Table)
                    .col(big_integer(BotDailySummaries::AccountId))
                    // The day's first nanosecond, UTC.
                    .col(big_integer(BotDailySummaries::Day))
                    .col(text(BotDailySummaries::Symbol))
                    .col(big_integer(BotDailySummaries::Fills))
                    .col(big_integer(BotDailySummaries::Bought))
                    .col(big_integer(BotDailySummaries::Sold))
                    .col(big_integer(BotDailySummaries::BoughtValue))
                    .col(big_integer(BotDailySummaries::SoldValue))
                    .col(big_integer(BotDailySummaries::Commission))
                    .col(big_integer(BotDailySummaries::Tax))
                    .col(big_integer(BotDailySummaries::RealizedGain))
                    .col(big_integer(BotDailySummaries::EndPosition))
                    .col(big_integer_null(BotDailySummaries::EndCash))
                    .primary_key(
                        Index::create()
                            .col(BotDailySummaries::AccountId)
                            .col(BotDailySummaries::Day)
                            .col(BotDailySummaries::Symbol),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BotFold::Table)
                    .col(integer(BotFold::Id).primary_key())
                    .col(big_integer_null(BotFold::FoldedBefore))
                    .to_owned(),
            )
            .await?;
        let first = Query::insert()
            .into_table(BotFold::Table)
            .columns([BotFold::Id, BotFold::FoldedBefore])
            .values_panic([1.into(), Option::<i64>::None.into()])
            .to_owned();
        manager.exec_stmt(first).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(BotFold::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(BotDailySummaries::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum BotDailySummaries {
    Table,
    AccountId,
    Day,
    Symbol,
    Fills,
    Bought,
    Sold,
    BoughtValue,
    SoldValue,
    Commission,
    Tax,
    RealizedGain,
    EndPosition,
    EndCash,
}

#[derive(DeriveIden)]
pub enum BotFold {
    Table,
    Id,
    FoldedBefore,
}
