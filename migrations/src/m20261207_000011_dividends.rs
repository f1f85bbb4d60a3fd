//! Cash dividends: a declaration per row, and what each holder of record is
//! owed once the record time has passed.

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
                    .table(Dividends::Table)
                    .col(big_pk_auto(Dividends::Id))
                    .col(text(Dividends::Symbol))
                    .col(big_integer(Dividends::IssuerAccountId))
                    .col(big_integer(Dividends::DeclaredBy))
                    .col(big_integer(Dividends::PerShareMicros))
                    .col(big_integer(Dividends::DeclaredAt))
                    .col(big_integer(Dividends::RecordAt))
                    .col(big_integer(Dividends::PayAt))
                    .col(text(Dividends::Status))
                    .col(big_integer_null(Dividends::Total))
                    .col(text_null(Dividends::Note))
                    .to_owned(),
            )
            .await?;
        indexes::plain(
            manager,
            "ix_dividends_status",
            Dividends::Table,
            [Dividends::Status],
        )
        .await?;
        indexes::plain(
            manager,
            "ix_dividends_symbol",
            Dividends::Table,
            [Dividends::Symbol],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(DividendPayments::Table)
                    .col(big_integer(DividendPayments::DividendId))
                    .col(big_integer(DividendPayments::AccountId))
                    .col(big_integer(DividendPayments::Shares))
                    .col(big_integer(DividendPayments::Amount))
                    .primary_key(
                        Index::create()
                            .col(DividendPayments::DividendId)
                            .col(DividendPayments::AccountId),
                    )
                    .to_owned(),
            )
            .await?;
        indexes::plain(
            manager,
            "ix_dividend_payments_account",
            DividendPayments::Table,
            [DividendPayments::AccountId],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DividendPayments::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Dividends::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Dividends {
    Table,
    Id,
    Symbol,
    /// The CORPORATE account that pays it.
    IssuerAccountId,
    DeclaredBy,
    /// Per share, in millionths of a currency unit.
    PerShareMicros,
    DeclaredAt,
    RecordAt,
    PayAt,
    /// DECLARED, RECORDED, PAID or CANCELLED.
    Status,
    /// Cents, once recorded: what the issuer set aside for the holders.
    Total,
    /// Why it was cancelled.
    Note,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum DividendPayments {
    Table,
    DividendId,
    AccountId,
    /// Held at the record time.
    Shares,
    /// Cents.
    Amount,
}
