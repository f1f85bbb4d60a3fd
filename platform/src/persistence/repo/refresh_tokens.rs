//! Refresh tokens, stored by the hash of their value. A token is used once:
//! rotating it revokes it and records its successor, so that a second use
//! of it (a stolen copy) can be detected and the account's tokens revoked.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter};

use crate::persistence::entities::refresh_token::{Column, Entity, Model};

pub async fn insert(db: &impl ConnectionTrait, token: &Model) -> Result<(), DbErr> {
    Entity::insert(token.clone().into_active_model())
        .exec_without_returning(db)
        .await
        .map(drop)
}

pub async fn find(db: &impl ConnectionTrait, token_hash: &str) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(token_hash).one(db).await
}

/// Revokes `old_hash` in favour of `new`, which is stored. Returns `false`,
/// changing nothing, when `old_hash` is unknown or no longer usable
/// (revoked, or expired at `at`): the caller refuses the refresh. Run it in
/// a transaction so that the check and the rotation are one step.
pub async fn rotate(
    db: &impl ConnectionTrait,
    old_hash: &str,
    new: &Model,
    at: i64,
) -> Result<bool, DbErr> {
    let revoked = Entity::update_many()
        .col_expr(Column::RevokedAt, Expr::val(at))
        .col_expr(Column::ReplacedBy, Expr::val(new.token_hash.clone()))
        .filter(Column::TokenHash.eq(old_hash))
        .filter(Column::RevokedAt.is_null())
        .filter(Column::ExpiresAt.gt(at))
        .exec(db)
        .await?;
    if revoked.rows_affected == 0 {
        return Ok(false);
    }
    insert(db, new).await?;
    Ok(true)
}

/// Revokes one token; `false` when it was unknown or already revoked.
pub async fn revoke(db: &impl ConnectionTrait, token_hash: &str, at: i64) -> Result<bool, DbErr> {
    let revoked = Entity::update_many()
        .col_expr(Column::RevokedAt, Expr::val(at))
        .filter(Column::TokenHash.eq(token_hash))
        .filter(Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(revoked.rows_affected > 0)
}

/// Revokes every live token of an account (sign-out everywhere, or a reused
/// token). Returns how many were revoked.
pub async fn revoke_all_for(
    db: &impl ConnectionTrait,
    account_id: i64,
    at: i64,
) -> Result<u64, DbErr> {
    let revoked = Entity::update_many()
        .col_expr(Column::RevokedAt, Expr::val(at))
        .filter(Column::AccountId.eq(account_id))
        .filter(Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(revoked.rows_affected)
}

/// Deletes tokens that expired before `now`; returns how many.
pub async fn delete_expired(db: &impl ConnectionTrait, now: i64) -> Result<u64, DbErr> {
    let deleted = Entity::delete_many()
        .filter(Column::ExpiresAt.lt(now))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}
