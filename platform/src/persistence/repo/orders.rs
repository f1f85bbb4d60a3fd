//! Orders. An order row changes many times (accepted, filled in parts,
//! cancelled); each change writes the whole row again by id.

use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
};

use crate::persistence::batch;
use crate::persistence::entities::enums::{OrderStatus, OrderType, Side, TimeInForce};
use crate::persistence::entities::order::{Column, Entity, Model};
use crate::persistence::fetch::{col, fetch_all};

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

/// Every live order of every account, by account then id: the
/// reservations to restore. Sorted here rather than by the database, which
/// would sort a temporary copy of them.
pub async fn all_live(db: &DatabaseConnection) -> Result<Vec<Model>, DbErr> {
    let sql = format!(
        "SELECT id, account_id, symbol, side, order_type, time_in_force, quantity, \
         filled_quantity, filled_value, limit_price, stop_price, status, reason, \
         client_order_id, priority_seq, reserve_limit, commission_ppm, min_commission, \
         sell_tax_ppm, reserved_cash, reserved_shares, commission_charged, tax_charged, \
         created_at, updated_at FROM orders WHERE status IN ({})",
        live_statuses()
    );
    let mut orders = fetch_all!(db, &sql, |row| Ok::<_, DbErr>(Model {
        id: col(&row, 0)?,
        account_id: col(&row, 1)?,
        symbol: col(&row, 2)?,
        side: Side::try_from_value(&col(&row, 3)?)?,
        order_type: OrderType::try_from_value(&col(&row, 4)?)?,
        time_in_force: TimeInForce::try_from_value(&col(&row, 5)?)?,
        quantity: col(&row, 6)?,
        filled_quantity: col(&row, 7)?,
        filled_value: col(&row, 8)?,
        limit_price: col(&row, 9)?,
        stop_price: col(&row, 10)?,
        status: OrderStatus::try_from_value(&col(&row, 11)?)?,
        reason: col(&row, 12)?,
        client_order_id: col(&row, 13)?,
        priority_seq: col(&row, 14)?,
        reserve_limit: col(&row, 15)?,
        commission_ppm: col(&row, 16)?,
        min_commission: col(&row, 17)?,
        sell_tax_ppm: col(&row, 18)?,
        reserved_cash: col(&row, 19)?,
        reserved_shares: col(&row, 20)?,
        commission_charged: col(&row, 21)?,
        tax_charged: col(&row, 22)?,
        created_at: col(&row, 23)?,
        updated_at: col(&row, 24)?,
    }));
    orders.sort_unstable_by_key(|o| (o.account_id, o.id));
    Ok(orders)
}

/// `'PENDING_TRIGGER', 'OPEN', ..`: the live statuses as SQL literals (each
/// is a fixed uppercase word).
pub(crate) fn live_statuses() -> String {
    let quoted: Vec<String> = OrderStatus::LIVE
        .iter()
        .map(|s| format!("'{}'", s.to_value()))
        .collect();
    quoted.join(", ")
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
