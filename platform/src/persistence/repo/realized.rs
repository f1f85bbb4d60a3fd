//! Realized gains: one row per lot each sale consumed, in the order they
//! were realized (their ids).

use marketlab_actors::types::Timestamp;
use sea_orm::entity::prelude::ChronoDate;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use crate::persistence::batch;
use crate::persistence::entities::realized_gain::{ActiveModel, Column, Entity, Model};

/// A realized gain to store; the database numbers it. Money in cents.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NewRealizedGain {
    pub account_id: i64,
    pub symbol: String,
    pub order_id: i64,
    pub trade_id: i64,
    pub quantity: i64,
    pub buy_price: i64,
    pub sell_price: i64,
    pub buy_fee: i64,
    pub sell_costs: i64,
    pub gain: i64,
    pub acquired_at: i64,
    pub sold_at: i64,
}

impl From<NewRealizedGain> for ActiveModel {
    fn from(row: NewRealizedGain) -> ActiveModel {
        ActiveModel {
            id: NotSet,
            account_id: Set(row.account_id),
            symbol: Set(row.symbol),
            order_id: Set(row.order_id),
            trade_id: Set(row.trade_id),
            quantity: Set(row.quantity),
            buy_price: Set(row.buy_price),
            sell_price: Set(row.sell_price),
            buy_fee: Set(row.buy_fee),
            sell_costs: Set(row.sell_costs),
            gain: Set(row.gain),
            acquired_at: Set(row.acquired_at),
            sold_at: Set(row.sold_at),
        }
    }
}

/// Stores the gains in the order given, which their ids keep.
pub async fn insert_many(
    db: &impl ConnectionTrait,
    gains: &[NewRealizedGain],
) -> Result<(), DbErr> {
    batch::insert_all(db, gains.iter().cloned().map(ActiveModel::from), None).await
}

/// An account's gains sold in the calendar year `year` (UTC), in the order
/// realized: the capital-gains report's rows.
pub async fn for_year(
    db: &impl ConnectionTrait,
    account_id: i64,
    year: i32,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::AccountId.eq(account_id))
        .filter(Column::SoldAt.gte(year_start(year)))
        .filter(Column::SoldAt.lt(year_start(year.saturating_add(1))))
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// An account's gains realized from `from` to `to` inclusive, in order.
pub async fn between(
    db: &impl ConnectionTrait,
    account_id: i64,
    from: i64,
    to: i64,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::AccountId.eq(account_id))
        .filter(Column::SoldAt.gte(from))
        .filter(Column::SoldAt.lte(to))
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// All of an account's gains, in the order realized.
pub async fn for_account(db: &impl ConnectionTrait, account_id: i64) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::AccountId.eq(account_id))
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// Every gain, by account then in the order realized.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .order_by_asc(Column::AccountId)
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// The first nanosecond of `year` (UTC), clamped to the range of
/// [`Timestamp`] for years outside it.
/// The first instant of the calendar year `year` (UTC), in nanoseconds.
pub(crate) fn year_start(year: i32) -> i64 {
    match ChronoDate::from_ymd_opt(year, 1, 1) {
        Some(date) => Timestamp::from_datetime(date.and_time(Default::default()).and_utc()).0,
        None if year < 0 => i64::MIN,
        None => i64::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_start_at_midnight_utc() {
        assert_eq!(year_start(1970), 0);
        // 2026-01-01T00:00:00Z
        assert_eq!(year_start(2026), 1_767_225_600 * Timestamp::NANOS_PER_SEC);
        assert_eq!(year_start(1000), i64::MIN);
        assert_eq!(year_start(3000), i64::MAX);
        assert_eq!(year_start(i32::MAX), i64::MAX);
    }
}
