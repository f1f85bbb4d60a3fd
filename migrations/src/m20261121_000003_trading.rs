//! Orders and what they did: trades (one per match in a book) and fills
//! (one per order per trade, with its charges).

use sea_orm_migration::{prelude::*, schema::*};

use crate::indexes;
use crate::m20261121_000001_accounts::Accounts;
use crate::m20261121_000002_market::Companies;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    // SQLite runs DDL transactionally too: a failed step leaves no half schema.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Orders::Table)
                    .col(big_integer(Orders::Id).primary_key())
                    .col(big_integer(Orders::AccountId))
                    .col(text(Orders::Symbol))
                    .col(text(Orders::Side))
                    .col(text(Orders::OrderType))
                    .col(text(Orders::TimeInForce))
                    .col(big_integer(Orders::Quantity))
                    .col(big_integer(Orders::FilledQuantity))
                    .col(big_integer(Orders::FilledValue))
                    .col(big_integer_null(Orders::LimitPrice))
                    .col(big_integer_null(Orders::StopPrice))
                    .col(text(Orders::Status))
                    .col(text_null(Orders::Reason))
                    .col(text_null(Orders::ClientOrderId))
                    .col(big_integer_null(Orders::PrioritySeq))
                    // The reservation, as the ledger holds it, so that
                    // recovery restores it exactly: the worst price it
                    // reserved against, the fee schedule it was placed
                    // under, what it still sets aside, what it was charged.
                    .col(big_integer(Orders::ReserveLimit))
                    .col(big_integer(Orders::CommissionPpm))
                    .col(big_integer(Orders::MinCommission))
                    .col(big_integer(Orders::SellTaxPpm))
                    .col(big_integer(Orders::ReservedCash))
                    .col(big_integer(Orders::ReservedShares))
                    .col(big_integer(Orders::CommissionCharged))
                    .col(big_integer(Orders::TaxCharged))
                    .col(big_integer(Orders::CreatedAt))
                    .col(big_integer(Orders::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_orders_account")
                            .from(Orders::Table, Orders::AccountId)
                            .to(Accounts::Table, Accounts::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_orders_company")
                            .from(Orders::Table, Orders::Symbol)
                            .to(Companies::Table, Companies::Symbol),
                    )
                    .to_owned(),
            )
            .await?;
        indexes::unique(
            manager,
            "ux_orders_client_order_id",
            Orders::Table,
            [Orders::AccountId, Orders::ClientOrderId],
        )
        .await?;
        indexes::plain(
            manager,
            "ix_orders_account_status",
            Orders::Table,
            [Orders::AccountId, Orders::Status],
        )
        .await?;
        indexes::plain(
            manager,
            "ix_orders_symbol_status",
            Orders::Table,
            [Orders::Symbol, Orders::Status],
        )
        .await?;

        // Trades and fills carry no foreign keys: they are the hottest
        // write path, written only from book events about rows that exist,
        // and a per-row check would cost throughput for nothing.
        manager
            .create_table(
                Table::create()
                    .table(Trades::Table)
                    .col(big_integer(Trades::Id).primary_key())
                    .col(text(Trades::Symbol))
                    .col(big_integer(Trades::BookSeq))
                    .col(big_integer(Trades::Price))
                    .col(big_integer(Trades::Quantity))
                    .col(text(Trades::AggressorSide))
                    .col(big_integer(Trades::TakerOrderId))
                    .col(big_integer(Trades::MakerOrderId))
                    .col(big_integer(Trades::TakerAccountId))
                    .col(big_integer(Trades::MakerAccountId))
                    .col(big_integer(Trades::ExecutedAt))
                    .to_owned(),
            )
            .await?;
        indexes::unique(
            manager,
            "ux_trades_symbol_seq",
            Trades::Table,
            [Trades::Symbol, Trades::BookSeq],
        )
        .await?;
        indexes::plain(
            manager,
            "ix_trades_symbol_executed",
            Trades::Table,
            [Trades::Symbol, Trades::ExecutedAt],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Fills::Table)
                    .col(big_integer(Fills::OrderId))
                    .col(big_integer(Fills::TradeId))
                    .col(big_integer(Fills::AccountId))
                    .col(big_integer(Fills::Price))
                    .col(big_integer(Fills::Quantity))
                    .col(big_integer(Fills::Commission))
                    .col(big_integer(Fills::Tax))
                    .col(big_integer(Fills::ExecutedAt))
                    .primary_key(Index::create().col(Fills::OrderId).col(Fills::TradeId))
                    .to_owned(),
            )
            .await?;
        indexes::plain(
            manager,
            "ix_fills_account",
            Fills::Table,
            [Fills::AccountId],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        indexes::drop_tables(
            manager,
            [
                Fills::Table.into_iden(),
                Trades::Table.into_iden(),
                Orders::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    Id,
    AccountId,
    Symbol,
    Side,
    OrderType,
    TimeInForce,
    Quantity,
    FilledQuantity,
    FilledValue,
    LimitPrice,
    StopPrice,
    Status,
    Reason,
    ClientOrderId,
    PrioritySeq,
    ReserveLimit,
    CommissionPpm,
    MinCommission,
    SellTaxPpm,
    ReservedCash,
    ReservedShares,
    CommissionCharged,
    TaxCharged,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Trades {
    Table,
    Id,
    Symbol,
    BookSeq,
    Price,
    Quantity,
    AggressorSide,
    TakerOrderId,
    MakerOrderId,
    TakerAccountId,
    MakerAccountId,
    ExecutedAt,
}

#[derive(DeriveIden)]
enum Fills {
    Table,
    OrderId,
    TradeId,
    AccountId,
    Price,
    Quantity,
    Commission,
    Tax,
    ExecutedAt,
}
