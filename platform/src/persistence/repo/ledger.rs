//! The cash journal: every movement of each account's cash.

use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::persistence::batch;
use crate::persistence::entities::enums::LedgerKind;
use crate::persistence::entities::ledger_entry::{Column, Entity, Model};

/// Appends the entries, in as few statements as fit. An entry number
/// already used in its account, or an idempotency key already used by it,
/// is a unique-constraint violation.
pub async fn insert_many(db: &impl ConnectionTrait, entries: &[Model]) -> Result<(), DbErr> {
    batch::insert_all(
        db,
        entries
            .iter()
            .cloned()
            .map(IntoActiveModel::into_active_model),
        None,
    )
    .await
}

/// An account's latest `limit` entries, newest first.
pub async fn recent(
    db: &impl ConnectionTrait,
    account_id: i64,
    limit: u64,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::AccountId.eq(account_id))
        .order_by_desc(Column::Seq)
        .limit(limit)
        .all(db)
        .await
}

/// An account's whole journal, oldest first.
pub async fn for_account(db: &impl ConnectionTrait, account_id: i64) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::AccountId.eq(account_id))
        .order_by_asc(Column::Seq)
        .all(db)
        .await
}

/// Every account's journal, by account then entry number.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .order_by_asc(Column::AccountId)
        .order_by_asc(Column::Seq)
        .all(db)
        .await
}

/// The deposit or withdrawal an account made under an idempotency key.
/// The dividends an account received in the calendar year `year` (UTC),
/// oldest first: income, apart from its capital gains.
pub async fn dividends_received(
    db: &impl ConnectionTrait,
    account_id: i64,
    year: i32,
) -> Result<Vec<Model>, DbErr> {
    use super::realized::year_start;
    Entity::find()
        .filter(Column::AccountId.eq(account_id))
        .filter(Column::Kind.eq(LedgerKind::Dividend))
        .filter(Column::Amount.gt(0))
        .filter(Column::At.gte(year_start(year)))
        .filter(Column::At.lt(year_start(year.saturating_add(1))))
        .order_by_asc(Column::Seq)
        .all(db)
        .await
}

pub async fn find_by_idempotency_key(
    db: &impl ConnectionTrait,
    account_id: i64,
    key: &str,
) -> Result<Option<Model>, DbErr> {
    Entity::find()
        .filter(Column::AccountId.eq(account_id))
        .filter(Column::IdempotencyKey.eq(key))
        .one(db)
        .await
}

/// Each account's deposits less withdrawals, in cents, for the accounts that
/// made any.
pub async fn net_deposits(db: &impl ConnectionTrait) -> Result<Vec<(i64, i64)>, DbErr> {
    // SUM of a BIGINT is NUMERIC on Postgres: cast it back.
    let total = Expr::expr(Func::sum(Expr::col(Column::Amount))).cast_as("BIGINT");
    Entity::find()
        .select_only()
        .column(Column::AccountId)
        .column_as(total, "total")
        .filter(Column::Kind.is_in([LedgerKind::Deposit, LedgerKind::Withdrawal]))
        .group_by(Column::AccountId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await
}
