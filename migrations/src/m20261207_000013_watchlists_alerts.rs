//! Watchlists (named lists of symbols per account) and price alerts, both
//! the waiting ones and the history of those that fired or were cancelled.

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
                    .table(Watchlists::Table)
                    .col(big_pk_auto(Watchlists::Id))
                    .col(big_integer(Watchlists::AccountId))
                    .col(text(Watchlists::Name))
                    .col(big_integer(Watchlists::CreatedAt))
                    .to_owned(),
            )
            .await?;
        indexes::unique(
            manager,
            "ux_watchlists_account_name",
            Watchlists::Table,
            [Watchlists::AccountId, Watchlists::Name],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(WatchlistSymbols::Table)
                    .col(big_integer(WatchlistSymbols::WatchlistId))
                    .col(integer(WatchlistSymbols::Position))
                    .col(text(WatchlistSymbols::Symbol))
                    .primary_key(
                        Index::create()
                            .col(WatchlistSymbols::WatchlistId)
                            .col(WatchlistSymbols::Position),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(WatchlistSymbols::Table, WatchlistSymbols::WatchlistId)
                            .to(Watchlists::Table, Watchlists::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alerts::Table)
                    .col(big_pk_auto(Alerts::Id))
                    .col(big_integer(Alerts::AccountId))
                    .col(text(Alerts::Symbol))
                    .col(text(Alerts::Kind))
                    .col(big_integer(Alerts::Level))
                    .col(big_integer_null(Alerts::ChangeBps))
                    .col(text(Alerts::Status))
                    .col(big_integer(Alerts::CreatedAt))
                    .col(big_integer_null(Alerts::EndedAt))
                    .col(big_integer_null(Alerts::FiredPrice))
                    .to_owned(),
            )
            .await?;
        indexes::plain(
            manager,
            "ix_alerts_account_status",
            Alerts::Table,
            [Alerts::AccountId, Alerts::Status],
        )
        .await?;
        indexes::plain(manager, "ix_alerts_status", Alerts::Table, [Alerts::Status]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Alerts::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(WatchlistSymbols::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Watchlists::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Watchlists {
    Table,
    Id,
    AccountId,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
pub enum WatchlistSymbols {
    Table,
    WatchlistId,
    /// The symbol's place in the list, from 0.
    Position,
    Symbol,
}

#[derive(DeriveIden)]
pub enum Alerts {
    Table,
    Id,
    AccountId,
    Symbol,
    /// PRICE_ABOVE, PRICE_BELOW, CHANGE_UP or CHANGE_DOWN.
    Kind,
    /// Cents: the price that fires it (for a change, worked out from the
    /// session's reference price when it was set).
    Level,
    /// A change alert's percentage, in hundredths of a percent.
    ChangeBps,
    /// ACTIVE, FIRED or CANCELLED.
    Status,
    CreatedAt,
    /// When it fired or was cancelled.
    EndedAt,
    /// Cents: the trade that fired it.
    FiredPrice,
}
