//! The orders' client-order-id index covers only the orders that have one
//! (people's, when they give one). Bots never give one, and each version of
//! every order row (placed, filled in parts, done) wrote an entry of NULL
//! that no lookup and no uniqueness check ever uses. NULLs never conflict in
//! a unique index, so the rule it enforces is the same; the lookup by
//! account and client order id names a value, which implies the index's
//! condition on both backends.

use sea_orm_migration::prelude::*;

use crate::indexes;

const NAME: &str = "ux_orders_client_order_id";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = (Orders::AccountId, Orders::ClientOrderId);
        indexes::rebuild_unique_key(manager, NAME, Orders::Table, columns, true).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = (Orders::AccountId, Orders::ClientOrderId);
        indexes::rebuild_unique_key(manager, NAME, Orders::Table, columns, false).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Orders {
    Table,
    AccountId,
    ClientOrderId,
}
