//! Companies' yearly financial reports.

use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};

use crate::persistence::entities::financial_report::{Column, Entity, Model};

/// Publishes a report; publishing the same year again replaces it.
pub async fn upsert(db: &impl ConnectionTrait, report: &Model) -> Result<(), DbErr> {
    Entity::insert(report.clone().into_active_model())
        .on_conflict(
            OnConflict::columns([Column::Symbol, Column::Year])
                .update_columns([
                    Column::Revenue,
                    Column::OperatingProfit,
                    Column::NetIncome,
                    Column::PublishedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await
        .map(drop)
}

/// One company's reports, oldest year first.
pub async fn for_symbol(db: &impl ConnectionTrait, symbol: &str) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Symbol.eq(symbol))
        .order_by_asc(Column::Year)
        .all(db)
        .await
}

/// Every report, by symbol then year (what value bots start from).
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .order_by_asc(Column::Symbol)
        .order_by_asc(Column::Year)
        .all(db)
        .await
}
