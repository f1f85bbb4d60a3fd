//! The ledger's idempotency-key index covers only the entries that have a
//! key (deposits and withdrawals made with one). Every fill writes entries
//! without a key; indexing those NULLs made each of them cost an index
//! insert that no lookup and no uniqueness check ever uses. NULLs never
//! conflict in a unique index, so the rule it enforces is the same.

use sea_orm_migration::prelude::*;

use crate::indexes;

const NAME: &str = "ux_ledger_entries_idempotency_key";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = (LedgerEntries::AccountId, LedgerEntries::IdempotencyKey);
        indexes::rebuild_unique_key(manager, NAME, LedgerEntries::Table, columns, true).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = (LedgerEntries::AccountId, LedgerEntries::IdempotencyKey);
        indexes::rebuild_unique_key(manager, NAME, LedgerEntries::Table, columns, false).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum LedgerEntries {
    Table,
    AccountId,
    IdempotencyKey,
}
