//! Companies and their books' settings.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};

use crate::persistence::batch;
use crate::persistence::entities::company::{Column, Entity, Model};

/// Lists a company. Its sector and issuer account must exist.
pub async fn insert(db: &impl ConnectionTrait, company: &Model) -> Result<(), DbErr> {
    Entity::insert(company.clone().into_active_model())
        .exec_without_returning(db)
        .await
        .map(drop)
}

pub async fn find(db: &impl ConnectionTrait, symbol: &str) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(symbol).one(db).await
}

/// Every company, listed or not, by symbol.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbErr> {
    Entity::find().order_by_asc(Column::Symbol).all(db).await
}

/// The companies of one sector, by symbol.
pub async fn in_sector(db: &impl ConnectionTrait, sector: &str) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Sector.eq(sector))
        .order_by_asc(Column::Symbol)
        .all(db)
        .await
}

/// Moves a company to another (existing) sector.
pub async fn set_sector(
    db: &impl ConnectionTrait,
    symbol: &str,
    sector: &str,
) -> Result<(), DbErr> {
    set(db, symbol, Column::Sector, Expr::val(sector)).await
}

/// Lists (`true`) or delists (`false`) a company.
pub async fn set_listed(
    db: &impl ConnectionTrait,
    symbol: &str,
    listed: bool,
) -> Result<(), DbErr> {
    set(db, symbol, Column::Listed, Expr::val(listed)).await
}

pub async fn set_halted(
    db: &impl ConnectionTrait,
    symbol: &str,
    halted: bool,
) -> Result<(), DbErr> {
    set(db, symbol, Column::Halted, Expr::val(halted)).await
}

/// Halts or resumes every company at once; returns how many changed.
pub async fn set_all_halted(db: &impl ConnectionTrait, halted: bool) -> Result<u64, DbErr> {
    let result = Entity::update_many()
        .col_expr(Column::Halted, Expr::val(halted))
        .filter(Column::Halted.ne(halted))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Records each book's last persisted sequence number, `(symbol, seq)`.
/// A symbol that is not a company is [`DbErr::RecordNotUpdated`].
pub async fn set_last_seqs(db: &impl ConnectionTrait, seqs: &[(String, i64)]) -> Result<(), DbErr> {
    let seqs = batch::last_per_key(seqs, |(symbol, _)| symbol.clone());
    let rows = seqs
        .iter()
        .map(|(symbol, seq)| vec![symbol.as_str().into(), (*seq).into()])
        .collect();
    let changed =
        batch::update_by_key::<Entity>(db, Column::Symbol, &[Column::LastSeq], rows).await?;
    if changed != seqs.len() as u64 {
        return Err(DbErr::RecordNotUpdated);
    }
    Ok(())
}

async fn set(
    db: &impl ConnectionTrait,
    symbol: &str,
    column: Column,
    value: Expr,
) -> Result<(), DbErr> {
    let result = Entity::update_many()
        .col_expr(column, value)
        .filter(Column::Symbol.eq(symbol))
        .exec(db)
        .await?;
    batch::expect_one(result)
}
