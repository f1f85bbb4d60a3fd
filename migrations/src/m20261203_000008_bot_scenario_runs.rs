//! A bot started by a live scenario run names the run, so a run cut short
//! by a crash has its bots stopped at the next start instead of trading on
//! without the run's pacing.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Bots::Table)
                    .add_column(ColumnDef::new(Bots::ScenarioRunId).big_integer().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Bots::Table)
                    .drop_column(Bots::ScenarioRunId)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Bots {
    Table,
    ScenarioRunId,
}
