//! The listed market: sectors, companies, their yearly financials, and news.

use sea_orm_migration::{prelude::*, schema::*};

use crate::indexes;
use crate::m20261121_000001_accounts::Accounts;

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
                    .table(Sectors::Table)
                    .col(text(Sectors::Name).primary_key())
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Companies::Table)
                    .col(text(Companies::Symbol).primary_key())
                    .col(text(Companies::Name))
                    .col(text(Companies::Sector))
                    .col(big_integer(Companies::SharesOutstanding))
                    .col(big_integer(Companies::TickSize))
                    .col(big_integer(Companies::IpoPrice))
                    // NULL: no price band.
                    .col(big_integer_null(Companies::BandBps))
                    .col(integer(Companies::BookId))
                    .col(big_integer(Companies::IssuerAccountId))
                    .col(boolean(Companies::Listed))
                    .col(boolean(Companies::Halted))
                    .col(big_integer(Companies::LastSeq))
                    .col(big_integer(Companies::ListedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_companies_sector")
                            .from(Companies::Table, Companies::Sector)
                            .to(Sectors::Table, Sectors::Name),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_companies_issuer")
                            .from(Companies::Table, Companies::IssuerAccountId)
                            .to(Accounts::Table, Accounts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        indexes::unique(
            manager,
            "ux_companies_book",
            Companies::Table,
            [Companies::BookId],
        )
        .await?;
        indexes::plain(
            manager,
            "ix_companies_sector",
            Companies::Table,
            [Companies::Sector],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(FinancialReports::Table)
                    .col(text(FinancialReports::Symbol))
                    .col(integer(FinancialReports::Year))
                    .col(big_integer(FinancialReports::Revenue))
                    .col(big_integer(FinancialReports::OperatingProfit))
                    .col(big_integer(FinancialReports::NetIncome))
                    .col(big_integer(FinancialReports::PublishedAt))
                    .primary_key(
                        Index::create()
                            .col(FinancialReports::Symbol)
                            .col(FinancialReports::Year),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_financial_reports_company")
                            .from(FinancialReports::Table, FinancialReports::Symbol)
                            .to(Companies::Table, Companies::Symbol),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(News::Table)
                    .col(big_integer(News::Id).primary_key())
                    // Not a foreign key: a scenario may publish news about a
                    // symbol before (or without) listing it.
                    .col(text_null(News::Symbol))
                    .col(text(News::Headline))
                    .col(big_integer(News::ImpactPpm))
                    .col(big_integer(News::At))
                    .to_owned(),
            )
            .await?;
        indexes::plain(manager, "ix_news_at", News::Table, [News::At]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        indexes::drop_tables(
            manager,
            [
                News::Table.into_iden(),
                FinancialReports::Table.into_iden(),
                Companies::Table.into_iden(),
                Sectors::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden)]
enum Sectors {
    Table,
    Name,
}

#[derive(DeriveIden)]
pub(crate) enum Companies {
    Table,
    Symbol,
    Name,
    Sector,
    SharesOutstanding,
    TickSize,
    IpoPrice,
    BandBps,
    BookId,
    IssuerAccountId,
    Listed,
    Halted,
    LastSeq,
    ListedAt,
}

#[derive(DeriveIden)]
enum FinancialReports {
    Table,
    Symbol,
    Year,
    Revenue,
    OperatingProfit,
    NetIncome,
    PublishedAt,
}

#[derive(DeriveIden)]
enum News {
    Table,
    Id,
    Symbol,
    Headline,
    ImpactPpm,
    At,
}
