//! FIFO lots. A lot is written when it opens, updated when a sale cuts it
//! and deleted when a sale takes it all: a sale touches only the lots it
//! consumed.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder,
};

use crate::persistence::batch;
use crate::persistence::entities::lot::{Column, Entity, Model};
use crate::persistence::fetch::{col, fetch_all};

/// Writes each lot as it now is: inserted, or its remaining quantity and
/// unallotted fee updated, by (account, symbol, seq). The last of several
/// versions of one lot wins.
pub async fn upsert_many(db: &impl ConnectionTrait, lots: &[Model]) -> Result<(), DbErr> {
    let latest = batch::last_per_key(lots, |l| (l.account_id, l.symbol.clone(), l.seq));
    let upsert = batch::Upsert {
        key: &[Column::AccountId, Column::Symbol, Column::Seq],
        update: &[Column::RemainingQuantity, Column::BuyFee],
    };
    batch::insert_all(
        db,
        latest.into_iter().map(IntoActiveModel::into_active_model),
        Some(upsert),
    )
    .await
}

/// Deletes the lots named by (account, symbol, seq): sold out. Returns how
/// many went.
pub async fn delete_many(
    db: &impl ConnectionTrait,
    keys: &[(i64, String, i64)],
) -> Result<u64, DbErr> {
    let keys = keys
        .iter()
        .map(|(account, symbol, seq)| {
            vec![(*account).into(), symbol.as_str().into(), (*seq).into()]
        })
        .collect();
    batch::delete_by_keys::<Entity>(db, &[Column::AccountId, Column::Symbol, Column::Seq], keys)
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

/// Every open lot, by account then age. Sorted here: the key orders them
/// by symbol before age, and a database sort of a million rows cost as much
/// as reading them.
pub async fn all(db: &DatabaseConnection) -> Result<Vec<Model>, DbErr> {
    let mut lots = fetch_all!(
        db,
        "SELECT account_id, symbol, seq, original_quantity, remaining_quantity, price, buy_fee, acquired_at FROM lots",
        |row| Ok::<_, DbErr>(Model {
            account_id: col(&row, 0)?,
            symbol: col(&row, 1)?,
            seq: col(&row, 2)?,
            original_quantity: col(&row, 3)?,
            remaining_quantity: col(&row, 4)?,
            price: col(&row, 5)?,
            buy_fee: col(&row, 6)?,
            acquired_at: col(&row, 7)?,
        })
    );
    lots.sort_unstable_by(|a, b| {
        (a.account_id, a.seq, &a.symbol).cmp(&(b.account_id, b.seq, &b.symbol))
    });
    Ok(lots)
}
