//! The journal, the market's commit point: each group-commit batch of
//! changes, encoded (actors' `journal::codec`), with its format number
//! beside it, in parts of at most 12,000 bytes (one statement each: see
//! the platform's `repo::journal`). And the projector's watermark: the last batch applied to the
//! tables, updated in the same transaction as the rows it applied.

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
                    .table(Journal::Table)
                    // Given by the one writer, in commit order.
                    .col(big_integer(Journal::Seq))
                    .col(integer(Journal::Part))
                    .col(big_integer(Journal::WrittenAt))
                    .col(integer(Journal::Format))
                    .col(integer(Journal::Changes))
                    .col(blob(Journal::Payload))
                    .primary_key(Index::create().col(Journal::Seq).col(Journal::Part))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(JournalWatermark::Table)
                    .col(integer(JournalWatermark::Id).primary_key())
                    .col(big_integer(JournalWatermark::Seq))
                    .col(big_integer(JournalWatermark::ProjectedAt))
                    .to_owned(),
            )
            .await?;
        let first = Query::insert()
            .into_table(JournalWatermark::Table)
            .columns([
                JournalWatermark::Id,
                JournalWatermark::Seq,
                JournalWatermark::ProjectedAt,
            ])
            .values_panic([1.into(), 0i64.into(), 0i64.into()])
            .to_owned();
        manager.exec_stmt(first).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(JournalWatermark::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Journal::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Journal {
    Table,
    Seq,
    Part,
    WrittenAt,
    Format,
    Changes,
    Payload,
}

#[derive(DeriveIden)]
pub enum JournalWatermark {
    Table,
    Id,
    Seq,
    ProjectedAt,
}
