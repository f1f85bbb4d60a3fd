//! Dividends and what their holders of record are owed.

use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::persistence::entities::dividend::{self, ActiveModel, Column, Entity, Model};
use crate::persistence::entities::dividend_payment;
use crate::persistence::entities::enums::DividendStatus;

/// A new declaration; its id is the database's.
pub struct NewDividend {
    pub symbol: String,
    pub issuer_account_id: i64,
    pub declared_by: i64,
    pub per_share_micros: i64,
    pub declared_at: i64,
    pub record_at: i64,
    pub pay_at: i64,
}

pub async fn insert(db: &impl ConnectionTrait, new: NewDividend) -> Result<Model, DbErr> {
    ActiveModel {
        symbol: Set(new.symbol),
        issuer_account_id: Set(new.issuer_account_id),
        declared_by: Set(new.declared_by),
        per_share_micros: Set(new.per_share_micros),
        declared_at: Set(new.declared_at),
        record_at: Set(new.record_at),
        pay_at: Set(new.pay_at),
        status: Set(DividendStatus::Declared),
        total: Set(None),
        note: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(id).one(db).await
}

/// The newest first, of one company or all.
pub async fn list(
    db: &impl ConnectionTrait,
    symbol: Option<&str>,
    limit: u64,
) -> Result<Vec<Model>, DbErr> {
    let mut query = Entity::find();
    if let Some(symbol) = symbol {
        query = query.filter(Column::Symbol.eq(symbol));
    }
    query.order_by_desc(Column::Id).limit(limit).all(db).await
}

/// Declared or recorded dividends with a step due at `now`, oldest first.
pub async fn due(db: &impl ConnectionTrait, now: i64) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(
            (Column::Status
                .eq(DividendStatus::Declared)
                .and(Column::RecordAt.lte(now)))
            .or(Column::Status
                .eq(DividendStatus::Recorded)
                .and(Column::PayAt.lte(now))),
        )
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// The holders of record and what each is owed, with the total set aside:
/// the dividend becomes RECORDED.
pub async fn record(
    db: &impl ConnectionTrait,
    id: i64,
    payments: &[dividend_payment::Model],
) -> Result<(), DbErr> {
    let total: i64 = payments.iter().map(|p| p.amount).sum();
    if !payments.is_empty() {
        dividend_payment::Entity::insert_many(
            payments
                .iter()
                .cloned()
                .map(dividend_payment::ActiveModel::from),
        )
        .exec_without_returning(db)
        .await?;
    }
    set_status(db, id, DividendStatus::Recorded, Some(total), None).await
}

pub async fn set_status(
    db: &impl ConnectionTrait,
    id: i64,
    status: DividendStatus,
    total: Option<i64>,
    note: Option<String>,
) -> Result<(), DbErr> {
    let mut row = dividend::ActiveModel {
        id: Set(id),
        status: Set(status),
        ..Default::default()
    };
    if let Some(total) = total {
        row.total = Set(Some(total));
    }
    if note.is_some() {
        row.note = Set(note);
    }
    row.update(db).await.map(|_| ())
}

pub async fn payments(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Vec<dividend_payment::Model>, DbErr> {
    dividend_payment::Entity::find()
        .filter(dividend_payment::Column::DividendId.eq(id))
        .order_by_asc(dividend_payment::Column::AccountId)
        .all(db)
        .await
}
