//! Orders. An order row changes many times (accepted, filled in parts,
//! cancelled); each change writes the whole row again by id.

use sea_orm::sea_query::{NullOrdering, Order};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::persistence::batch;
use crate::persistence::entities::enums::OrderStatus;
use crate::persistence::entities::order::{Column, Entity, Model};

/// Inserts the orders that are new and overwrites those already stored,
/// in as few statements as fit (`INSERT .. ON CONFLICT (id) DO UPDATE` on
/// both backends). Several versions of one order in `orders` are fine: the
/// last one wins. What never changes after placing (account, symbol,
/// side, type, prices, client order id, fee schedule, creation time) is
/// kept from the first write.
pub async fn upsert_many(db: &impl ConnectionTrait, orders: &[Model]) -> Result<(), DbErr> {
    let latest = batch::last_per_key(orders, |order| order.id);
    let upsert = batch::Upsert {
        key: &[Column::Id],
        update: &[
            Column::Quantity,
            Column::FilledQuantity,
            Column::FilledValue,
            Column::Status,
            Column::Reason,
            Column::PrioritySeq,
            Column::ReservedCash,
            Column::ReservedShares,
            Column::CommissionCharged,
            Column::TaxCharged,
            Column::UpdatedAt,
        ],
    };
    batch::insert_all(
        db,
        latest.into_iter().map(IntoActiveModel::into_active_model),
        Some(upsert),
    )
    .await
}

pub async fn upsert(db: &impl ConnectionTrait, order: &Model) -> Result<(), DbErr> {
    upsert_many(db, std::slice::from_ref(order)).await
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(id).one(db).await
}

/// The order an account placed under a client order id.
pub async fn find_by_client_order_id(
    db: &impl ConnectionTrait,
    account_id: i64,
    client_order_id: &str,
) -> Result<Option<Model>, DbErr> {
    Entity::find()
        .filter(Column::AccountId.eq(account_id))
        .filter(Column::ClientOrderId.eq(client_order_id))
        .one(db)
        .await
}

/// The live orders of one book (resting, and stops waiting for their
/// trigger), in priority order: by `priority_seq`, then id; rows without a
/// `priority_seq` come last.
pub async fn open_orders_in_priority(
    db: &impl ConnectionTrait,
    symbol: &str,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Symbol.eq(symbol))
        .filter(Column::Status.is_in(OrderStatus::LIVE))
        .order_by_with_nulls(Column::PrioritySeq, Order::Asc, NullOrdering::Last)
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// Every live order of every account, by account then id: the
/// reservations to restore.
pub async fn all_live(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Status.is_in(OrderStatus::LIVE))
        .order_by_asc(Column::AccountId)
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// An account's orders, newest first: those in one of `statuses` (any
/// status when empty), of `symbol` when given, at most `limit`.
pub async fn for_account(
    db: &impl ConnectionTrait,
    account_id: i64,
    statuses: &[OrderStatus],
    symbol: Option<&str>,
    limit: u64,
) -> Result<Vec<Model>, DbErr> {
    let mut query = Entity::find().filter(Column::AccountId.eq(account_id));
    if !statuses.is_empty() {
        query = query.filter(Column::Status.is_in(statuses.iter().copied()));
    }
    if let Some(symbol) = symbol {
        query = query.filter(Column::Symbol.eq(symbol));
    }
    query.order_by_desc(Column::Id).limit(limit).all(db).await
}
