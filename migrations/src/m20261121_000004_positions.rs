//! What accounts hold and how they came to: holdings, FIFO lots, realized
//! gains and the cash journal.
//!
//! No foreign keys, as for trades and fills: these rows are written only by
//! the persister from settled fills, on the hottest write path.

use sea_orm_migration::{prelude::*, schema::*};

use crate::indexes;

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
                    .table(Holdings::Table)
                    .col(big_integer(Holdings::AccountId))
                    .col(text(Holdings::Symbol))
                    .col(big_integer(Holdings::Quantity))
                    .col(big_integer(Holdings::Reserved))
                    .col(big_integer(Holdings::CostBasis))
                    .primary_key(
                        Index::create()
                            .col(Holdings::AccountId)
                            .col(Holdings::Symbol),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Lots::Table)
                    .col(big_integer(Lots::AccountId))
                    .col(big_integer(Lots::Seq))
                    .col(text(Lots::Symbol))
                    .col(big_integer(Lots::OriginalQuantity))
                    .col(big_integer(Lots::RemainingQuantity))
                    .col(big_integer(Lots::Price))
                    .col(big_integer(Lots::BuyFee))
                    .col(big_integer(Lots::AcquiredAt))
                    // A lot is numbered within its holding; the key also
                    // serves every read, which is by account and symbol.
                    .primary_key(
                        Index::create()
                            .col(Lots::AccountId)
                            .col(Lots::Symbol)
                            .col(Lots::Seq),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RealizedGains::Table)
                    .col(big_pk_auto(RealizedGains::Id))
                    .col(big_integer(RealizedGains::AccountId))
                    .col(text(RealizedGains::Symbol))
                    .col(big_integer(RealizedGains::OrderId))
                    .col(big_integer(RealizedGains::TradeId))
                    .col(big_integer(RealizedGains::Quantity))
                    .col(big_integer(RealizedGains::BuyPrice))
                    .col(big_integer(RealizedGains::SellPrice))
                    .col(big_integer(RealizedGains::BuyFee))
                    .col(big_integer(RealizedGains::SellCosts))
                    .col(big_integer(RealizedGains::Gain))
                    .col(big_integer(RealizedGains::AcquiredAt))
                    .col(big_integer(RealizedGains::SoldAt))
                    .to_owned(),
            )
            .await?;
        indexes::plain(
            manager,
            "ix_realized_gains_account_sold",
            RealizedGains::Table,
            [RealizedGains::AccountId, RealizedGains::SoldAt],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(LedgerEntries::Table)
                    .col(big_integer(LedgerEntries::AccountId))
                    .col(big_integer(LedgerEntries::Seq))
                    .col(text(LedgerEntries::Kind))
                    .col(big_integer(LedgerEntries::Amount))
                    .col(big_integer(LedgerEntries::CashBefore))
                    .col(big_integer(LedgerEntries::CashAfter))
                    .col(text_null(LedgerEntries::Symbol))
                    .col(big_integer_null(LedgerEntries::OrderId))
                    .col(big_integer_null(LedgerEntries::TradeId))
                    .col(text_null(LedgerEntries::IdempotencyKey))
                    .col(big_integer(LedgerEntries::At))
                    .primary_key(
                        Index::create()
                            .col(LedgerEntries::AccountId)
                            .col(LedgerEntries::Seq),
                    )
                    .to_owned(),
            )
            .await?;
        indexes::unique(
            manager,
            "ux_ledger_entries_idempotency_key",
            LedgerEntries::Table,
            [LedgerEntries::AccountId, LedgerEntries::IdempotencyKey],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        indexes::drop_tables(
            manager,
            [
                LedgerEntries::Table.into_iden(),
                RealizedGains::Table.into_iden(),
                Lots::Table.into_iden(),
                Holdings::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden)]
enum Holdings {
    Table,
    AccountId,
    Symbol,
    Quantity,
    Reserved,
    CostBasis,
}

#[derive(DeriveIden)]
enum Lots {
    Table,
    AccountId,
    Seq,
    Symbol,
    OriginalQuantity,
    RemainingQuantity,
    Price,
    BuyFee,
    AcquiredAt,
}

#[derive(DeriveIden)]
enum RealizedGains {
    Table,
    Id,
    AccountId,
    Symbol,
    OrderId,
    TradeId,
    Quantity,
    BuyPrice,
    SellPrice,
    BuyFee,
    SellCosts,
    Gain,
    AcquiredAt,
    SoldAt,
}

#[derive(DeriveIden)]
enum LedgerEntries {
    Table,
    AccountId,
    Seq,
    Kind,
    Amount,
    CashBefore,
    CashAfter,
    Symbol,
    OrderId,
    TradeId,
    IdempotencyKey,
    At,
}
