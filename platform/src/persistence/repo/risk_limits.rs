//! Accounts' risk limits: settings kept apart from the ledger, read once at
//! startup and written whenever an admin or instructor changes them.

use marketlab_actors::account::RiskLimits;
use marketlab_actors::types::{Money, Rate};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

use crate::persistence::entities::risk_limit::{ActiveModel, Column, Entity, Model};

/// Stores `limits` as the account's, replacing any before.
pub async fn put(
    db: &impl ConnectionTrait,
    account: i64,
    limits: RiskLimits,
    at: i64,
) -> Result<(), DbErr> {
    let row = ActiveModel {
        account_id: Set(account),
        max_order_value: Set(limits.max_order_value.map(|m| m.0)),
        max_position_ppm: Set(limits.max_position.map(|r| r.ppm() as i32)),
        max_open_orders: Set(limits.max_open_orders.map(|n| n as i32)),
        updated_at: Set(at),
    };
    Entity::insert(row)
        .on_conflict(
            OnConflict::column(Column::AccountId)
                .update_columns([
                    Column::MaxOrderValue,
                    Column::MaxPositionPpm,
                    Column::MaxOpenOrders,
                    Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Every account's limits, by account id.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<(i64, RiskLimits)>, DbErr> {
    let rows = Entity::find().all(db).await?;
    rows.into_iter()
        .map(|row| Ok((row.account_id, limits(&row)?)))
        .collect()
}

fn limits(row: &Model) -> Result<RiskLimits, DbErr> {
    from_columns(
        row.max_order_value,
        row.max_position_ppm,
        row.max_open_orders,
    )
    .map_err(|what| DbErr::Custom(format!("risk limits of {}: {what}", row.account_id)))
}

/// Risk limits from their stored columns (cents, parts per million of
/// equity, a count); a null column is no limit.
pub fn from_columns(
    max_order_value: Option<i64>,
    max_position_ppm: Option<i32>,
    max_open_orders: Option<i32>,
) -> Result<RiskLimits, &'static str> {
    Ok(RiskLimits {
        max_order_value: max_order_value.map(Money),
        max_position: max_position_ppm
            .map(|ppm| {
                u32::try_from(ppm)
                    .ok()
                    .and_then(|ppm| Rate::from_ppm(ppm).ok())
                    .ok_or("position share out of range")
            })
            .transpose()?,
        max_open_orders: max_open_orders
            .map(|n| u32::try_from(n).map_err(|_| "negative open-order count"))
            .transpose()?,
    })
}
