//! FIFO lots. A sale changes the oldest lots of a holding, so a holding's
//! lots are written as a whole: the stored set is replaced by the new one.

use std::collections::HashSet;

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};

use crate::persistence::batch;
use crate::persistence::entities::lot::{Column, Entity, Model};

/// Replaces the lots of one account's holding of `symbol` with `lots` (none
/// when it sold everything).
pub async fn replace_for(
    db: &impl ConnectionTrait,
    account_id: i64,
    symbol: &str,
    lots: &[Model],
) -> Result<(), DbErr> {
    replace_many(db, &[(account_id, symbol.to_owned())], lots).await
}

/// Replaces the lots of every `(account, symbol)` holding in `holdings` with
/// those of `lots` that belong to it: one delete and one insert per chunk,
/// whatever the number of holdings. Every lot must belong to one of
/// `holdings`.
pub async fn replace_many(
    db: &impl ConnectionTrait,
    holdings: &[(i64, String)],
    lots: &[Model],
) -> Result<(), DbErr> {
    debug_assert!(
        {
            let replaced: HashSet<(i64, &str)> = holdings
                .iter()
                .map(|(account, symbol)| (*account, symbol.as_str()))
                .collect();
            lots.iter()
                .all(|lot| replaced.contains(&(lot.account_id, lot.symbol.as_str())))
        },
        "a lot outside the holdings being replaced"
    );
    let keys = holdings
        .iter()
        .map(|(account, symbol)| vec![(*account).into(), symbol.as_str().into()])
        .collect();
    batch::delete_by_keys::<Entity>(db, &[Column::AccountId, Column::Symbol], keys).await?;
    batch::insert_all(
        db,
        lots.iter().cloned().map(IntoActiveModel::into_active_model),
        None,
    )
    .await
}

/// An account's open lots, of one symbol or all, oldest first.
pub async fn for_account(
    db: &impl ConnectionTrait,
    account_id: i64,
    symbol: Option<&str>,
) -> Result<Vec<Model>, DbErr> {
    let mut query = Entity::find().filter(Column::AccountId.eq(account_id));
    if let Some(symbol) = symbol {
        query = query.filter(Column::Symbol.eq(symbol));
    }
    query.order_by_asc(Column::Seq).all(db).await
}

/// Every open lot, by account then age.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .order_by_asc(Column::AccountId)
        .order_by_asc(Column::Seq)
        .all(db)
        .await
}
