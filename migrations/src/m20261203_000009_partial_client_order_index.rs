//! The orders' client-order-id index covers only the orders that have one
//! (people's, when they give one). Bots never give one, and each version of
//! every order row (placed, filled in parts, done) wrote an entry of NULL
//! that no lookup and no uniqueness check ever uses. NULLs never conflict in
//! a unique index, so the rule it enforces is the same; the lookup by
//! account and client order id names a value, which implies the index's
//! condition on both backends.

use sea_orm_migration::prelude::*;

const NAME: &str = "ux_orders_client_order_id";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_index(manager).await?;
        manager
            .create_index(
                client_order_index()
                    .and_where(Expr::col(Orders::ClientOrderId).is_not_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_index(manager).await?;
        manager.create_index(client_order_index()).await
    }
}

fn client_order_index() -> IndexCreateStatement {
    Index::create()
        .name(NAME)
        .table(Orders::Table)
        .col(Orders::AccountId)
        .col(Orders::ClientOrderId)
        .unique()
        .to_owned()
}

async fn drop_index(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .drop_index(Index::drop().name(NAME).table(Orders::Table).to_owned())
        .await
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    AccountId,
    ClientOrderId,
}
