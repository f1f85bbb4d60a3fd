//! Accounts: who they are, and their cash balances.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};

use crate::persistence::batch;
use crate::persistence::entities::account::{Column, Entity, Model};
use crate::persistence::entities::enums::Role;

/// An account's balances after a batch of changes, in cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Balances {
    pub account_id: i64,
    pub cash: i64,
    pub reserved_cash: i64,
    pub realized_gains: i64,
}

/// Fails with a unique-constraint violation (see [`DbErr::sql_err`]) when
/// the id, username or account number is taken.
pub async fn insert(db: &impl ConnectionTrait, account: &Model) -> Result<(), DbErr> {
    Entity::insert(account.clone().into_active_model())
        .exec_without_returning(db)
        .await
        .map(drop)
}

/// Opens many accounts at once (a group of bots), in as few statements as
/// fit.
pub async fn insert_many(db: &impl ConnectionTrait, accounts: &[Model]) -> Result<(), DbErr> {
    batch::insert_all(
        db,
        accounts
            .iter()
            .cloned()
            .map(IntoActiveModel::into_active_model),
        None,
    )
    .await
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(id).one(db).await
}

pub async fn find_by_username(
    db: &impl ConnectionTrait,
    username: &str,
) -> Result<Option<Model>, DbErr> {
    Entity::find()
        .filter(Column::Username.eq(username))
        .one(db)
        .await
}

/// Every account, by id.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbErr> {
    Entity::find().order_by_asc(Column::Id).all(db).await
}

/// Sets the balances of every account named, in as few statements as fit
/// (the last given for an account wins). An account that does not exist is
/// [`DbErr::RecordNotUpdated`].
pub async fn update_balances(
    db: &impl ConnectionTrait,
    balances: &[Balances],
) -> Result<(), DbErr> {
    let balances = batch::last_per_key(balances, |b| b.account_id);
    let rows = balances
        .iter()
        .map(|b| {
            vec![
                b.account_id.into(),
                b.cash.into(),
                b.reserved_cash.into(),
                b.realized_gains.into(),
            ]
        })
        .collect();
    let changed = batch::update_by_key::<Entity>(
        db,
        Column::Id,
        &[Column::Cash, Column::ReservedCash, Column::RealizedGains],
        rows,
    )
    .await?;
    if changed != balances.len() as u64 {
        return Err(DbErr::RecordNotUpdated);
    }
    Ok(())
}

pub async fn set_role(db: &impl ConnectionTrait, id: i64, role: Role) -> Result<(), DbErr> {
    let result = Entity::update_many()
        .col_expr(Column::Role, Expr::val(role))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await?;
    batch::expect_one(result)
}

/// Links a CORPORATE account to the company it issues (or unlinks it).
pub async fn set_company(
    db: &impl ConnectionTrait,
    id: i64,
    symbol: Option<&str>,
) -> Result<(), DbErr> {
    let result = Entity::update_many()
        .col_expr(Column::CompanySymbol, Expr::val(symbol.map(str::to_owned)))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await?;
    batch::expect_one(result)
}
