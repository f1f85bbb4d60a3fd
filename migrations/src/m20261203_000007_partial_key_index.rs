//! The ledger's idempotency-key index covers only the entries that have a
//! key (deposits and withdrawals made with one). Every fill writes entries
//! without a key; indexing those NULLs made each of them cost an index
//! insert that no lookup and no uniqueness check ever uses. NULLs never
//! conflict in a unique index, so the rule it enforces is the same.

use sea_orm_migration::prelude::*;

const NAME: &str = "ux_ledger_entries_idempotency_key";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_key_index(manager).await?;
        manager
            .create_index(
                key_index()
                    .and_where(Expr::col(LedgerEntries::IdempotencyKey).is_not_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_key_index(manager).await?;
        manager.create_index(key_index()).await
    }
}

fn key_index() -> IndexCreateStatement {
    Index::create()
        .name(NAME)
        .table(LedgerEntries::Table)
        .col(LedgerEntries::AccountId)
        .col(LedgerEntries::IdempotencyKey)
        .unique()
        .to_owned()
}

async fn drop_key_index(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .drop_index(
            Index::drop()
                .name(NAME)
                .table(LedgerEntries::Table)
                .to_owned(),
        )
        .await
}

#[derive(DeriveIden)]
enum LedgerEntries {
    Table,
    AccountId,
    IdempotencyKey,
}
