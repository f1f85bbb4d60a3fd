//! Accounts and what signs them in: refresh tokens and the admin audit log.

use sea_orm_migration::{prelude::*, schema::*};

use crate::indexes;

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
                    .table(Accounts::Table)
                    // Ids are handed out by the market, not the database.
                    .col(big_integer(Accounts::Id).primary_key())
                    .col(text(Accounts::Username))
                    .col(text(Accounts::DisplayName))
                    .col(text(Accounts::Role))
                    .col(text(Accounts::AccountNumber))
                    .col(text_null(Accounts::PasswordHash))
                    // Not a foreign key: companies name their issuer account,
                    // so the reference would be circular.
                    .col(text_null(Accounts::CompanySymbol))
                    .col(big_integer(Accounts::Cash))
                    .col(big_integer(Accounts::ReservedCash))
                    .col(big_integer(Accounts::RealizedGains))
                    .col(big_integer(Accounts::CreatedAt))
                    .to_owned(),
            )
            .await?;
        indexes::unique(
            manager,
            "ux_accounts_username",
            Accounts::Table,
            [Accounts::Username],
        )
        .await?;
        indexes::unique(
            manager,
            "ux_accounts_account_number",
            Accounts::Table,
            [Accounts::AccountNumber],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(RefreshTokens::Table)
                    .col(text(RefreshTokens::TokenHash).primary_key())
                    .col(big_integer(RefreshTokens::AccountId))
                    .col(big_integer(RefreshTokens::ExpiresAt))
                    .col(big_integer_null(RefreshTokens::RevokedAt))
                    .col(text_null(RefreshTokens::ReplacedBy))
                    .col(big_integer(RefreshTokens::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_refresh_tokens_account")
                            .from(RefreshTokens::Table, RefreshTokens::AccountId)
                            .to(Accounts::Table, Accounts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        indexes::plain(
            manager,
            "ix_refresh_tokens_account",
            RefreshTokens::Table,
            [RefreshTokens::AccountId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(big_pk_auto(AuditLog::Id))
                    .col(big_integer(AuditLog::AdminAccountId))
                    .col(text(AuditLog::Action))
                    .col(text(AuditLog::Detail))
                    .col(big_integer(AuditLog::At))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_audit_log_admin")
                            .from(AuditLog::Table, AuditLog::AdminAccountId)
                            .to(Accounts::Table, Accounts::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        indexes::drop_tables(
            manager,
            [
                AuditLog::Table.into_iden(),
                RefreshTokens::Table.into_iden(),
                Accounts::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden)]
pub(crate) enum Accounts {
    Table,
    Id,
    Username,
    DisplayName,
    Role,
    AccountNumber,
    PasswordHash,
    CompanySymbol,
    Cash,
    ReservedCash,
    RealizedGains,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    TokenHash,
    AccountId,
    ExpiresAt,
    RevokedAt,
    ReplacedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    AdminAccountId,
    Action,
    Detail,
    At,
}
