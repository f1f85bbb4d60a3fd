//! Risk limits an admin or instructor sets on an account. A row per account
//! that has any; a null column is a limit not set.

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
                    .table(RiskLimits::Table)
                    .col(big_integer(RiskLimits::AccountId).primary_key())
                    .col(big_integer_null(RiskLimits::MaxOrderValue))
                    .col(integer_null(RiskLimits::MaxPositionPpm))
                    .col(integer_null(RiskLimits::MaxOpenOrders))
                    .col(big_integer(RiskLimits::UpdatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RiskLimits::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum RiskLimits {
    Table,
    AccountId,
    /// Cents.
    MaxOrderValue,
    /// The largest position as a share of equity, in parts per million.
    MaxPositionPpm,
    MaxOpenOrders,
    UpdatedAt,
}
