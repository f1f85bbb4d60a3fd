//! Holdings: how many shares of each symbol an account holds and has set
//! aside.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};

use crate::persistence::batch;
use crate::persistence::entities::holding::{Column, Entity, Model};

/// Writes each holding as it now stands, inserting or overwriting by
/// (account, symbol); the last given for a key wins. A holding sold down
/// to nothing is written with quantity 0, not deleted.
pub async fn upsert_many(db: &impl ConnectionTrait, holdings: &[Model]) -> Result<(), DbErr> {
    let latest = batch::last_per_key(holdings, |h| (h.account_id, h.symbol.clone()));
    let upsert = batch::Upsert {
        key: &[Column::AccountId, Column::Symbol],
        update: &[Column::Quantity, Column::Reserved, Column::CostBasis],
    };
    batch::insert_all(
        db,
        latest.into_iter().map(IntoActiveModel::into_active_model),
        Some(upsert),
    )
    .await
}

/// An account's holdings with shares in them, by symbol.
pub async fn for_account(db: &impl ConnectionTrait, account_id: i64) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::AccountId.eq(account_id))
        .filter(Column::Quantity.gt(0))
        .order_by_asc(Column::Symbol)
        .all(db)
        .await
}

/// Every holding with shares in it, by account then symbol.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Quantity.gt(0))
        .order_by_asc(Column::AccountId)
        .order_by_asc(Column::Symbol)
        .all(db)
        .await
}
