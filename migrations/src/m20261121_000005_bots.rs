//! Bots and their scripts, and the record of scenario runs.

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
                    .table(BotScripts::Table)
                    .col(text(BotScripts::Name).primary_key())
                    .col(text(BotScripts::Source))
                    .col(big_integer(BotScripts::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Bots::Table)
                    .col(big_integer(Bots::Id).primary_key())
                    .col(text(Bots::Script))
                    .col(big_integer(Bots::AccountId))
                    .col(text(Bots::Status))
                    .col(text_null(Bots::Error))
                    .col(text(Bots::Params))
                    .col(big_integer(Bots::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_bots_script")
                            .from(Bots::Table, Bots::Script)
                            .to(BotScripts::Table, BotScripts::Name),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_bots_account")
                            .from(Bots::Table, Bots::AccountId)
                            .to(Accounts::Table, Accounts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        indexes::plain(manager, "ix_bots_status", Bots::Table, [Bots::Status]).await?;

        manager
            .create_table(
                Table::create()
                    .table(ScenarioRuns::Table)
                    .col(big_pk_auto(ScenarioRuns::Id))
                    .col(text(ScenarioRuns::Name))
                    .col(big_integer(ScenarioRuns::Seed))
                    .col(text(ScenarioRuns::ScenarioHash))
                    .col(text(ScenarioRuns::Status))
                    .col(big_integer(ScenarioRuns::StartedAt))
                    .col(big_integer_null(ScenarioRuns::FinishedAt))
                    .col(text_null(ScenarioRuns::Summary))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        indexes::drop_tables(
            manager,
            [
                ScenarioRuns::Table.into_iden(),
                Bots::Table.into_iden(),
                BotScripts::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden)]
enum BotScripts {
    Table,
    Name,
    Source,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Bots {
    Table,
    Id,
    Script,
    AccountId,
    Status,
    Error,
    Params,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ScenarioRuns {
    Table,
    Id,
    Name,
    Seed,
    ScenarioHash,
    Status,
    StartedAt,
    FinishedAt,
    Summary,
}
