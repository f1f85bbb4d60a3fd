//! Orders and their fills, from the account actor's memory (the freshest
//! view) or from the database (everything ever placed).

use async_graphql::{ID, SimpleObject};
use marketlab_actors::account::{FillRecord, OrderRecord};
use marketlab_actors::book::OrderKind;
use marketlab_actors::types::{Money, TickSize};
use rust_decimal::Decimal;

use super::enums::{OrderStatus, OrderType, Side, TimeInForce};
use crate::api::scalars::{DateTime, Dec, Long};
use crate::persistence::entities::{enums as db, fill, order};

#[derive(Debug, Clone, SimpleObject)]
pub struct Fill {
    pub trade_id: ID,
    pub price: Dec,
    pub quantity: Long,
    pub fee: Dec,
    pub tax: Dec,
    pub executed_at: DateTime,
}

#[derive(Debug, Clone, SimpleObject)]
pub struct Order {
    pub id: ID,
    pub symbol: String,
    pub side: Side,
    #[graphql(name = "type")]
    pub order_type: OrderType,
    pub time_in_force: TimeInForce,
    pub quantity: Long,
    pub filled_quantity: Long,
    pub remaining_quantity: Long,
    pub limit_price: Option<Dec>,
    pub stop_price: Option<Dec>,
    pub average_fill_price: Option<Dec>,
    pub status: OrderStatus,
    /// Why the engine cancelled, expired or rejected the order, when it did.
    pub reason: Option<String>,
    pub fills: Vec<Fill>,
    pub created_at: DateTime,
    pub updated_at: DateTime,
    #[graphql(skip)]
    pub account: i64,
}

/// Average price per share to 4 decimal places, half to even.
fn average(filled_value: i64, filled: i64) -> Option<Dec> {
    (filled > 0).then(|| {
        let average = Money(filled_value).to_decimal() / Decimal::from(filled);
        Dec::fixed(average, 4)
    })
}

fn count(n: u64) -> Long {
    Long::from(n)
}

impl Order {
    pub fn from_record(record: &OrderRecord, tick: TickSize) -> Order {
        let price = |p| Dec(tick.to_money(p).to_decimal());
        let (limit, stop) = match record.kind {
            OrderKind::Market => (None, None),
            OrderKind::Limit { price: limit } => (Some(price(limit)), None),
            OrderKind::Stop { trigger } => (None, Some(price(trigger))),
            OrderKind::StopLimit {
                trigger,
                price: limit,
            } => (Some(price(limit)), Some(price(trigger))),
        };
        let filled = i64::try_from(record.filled.0).unwrap_or(i64::MAX);
        Order {
            id: ID(record.id.0.to_string()),
            symbol: record.symbol.to_string(),
            side: db::Side::from(record.side).into(),
            order_type: db::OrderType::from(record.kind).into(),
            time_in_force: db::TimeInForce::from(record.tif).into(),
            quantity: count(record.quantity.0),
            filled_quantity: count(record.filled.0),
            remaining_quantity: count(record.remaining().0),
            limit_price: limit,
            stop_price: stop,
            average_fill_price: average(record.filled_value.0, filled),
            status: db::OrderStatus::from(record.status).into(),
            reason: record.end_reason.map(|r| r.to_string()),
            fills: record
                .fills
                .iter()
                .map(|f| fill_from_record(f, tick))
                .collect(),
            created_at: record.created_at.into(),
            updated_at: record.updated_at.into(),
            account: record.account.0 as i64,
        }
    }

    /// `fills` are the order's fill rows, in any order.
    pub fn from_row(row: order::Model, mut fills: Vec<fill::Model>) -> Order {
        fills.sort_by_key(|f| (f.executed_at, f.trade_id));
        let cents = |c: i64| Dec(Money(c).to_decimal());
        Order {
            id: ID(row.id.to_string()),
            symbol: row.symbol,
            side: row.side.into(),
            order_type: row.order_type.into(),
            time_in_force: row.time_in_force.into(),
            quantity: Long(row.quantity),
            filled_quantity: Long(row.filled_quantity),
            remaining_quantity: Long(row.quantity - row.filled_quantity),
            limit_price: row.limit_price.map(cents),
            stop_price: row.stop_price.map(cents),
            average_fill_price: average(row.filled_value, row.filled_quantity),
            status: row.status.into(),
            reason: row.reason,
            fills: fills
                .into_iter()
                .map(|f| Fill {
                    trade_id: ID(f.trade_id.to_string()),
                    price: cents(f.price),
                    quantity: Long(f.quantity),
                    fee: cents(f.commission),
                    tax: cents(f.tax),
                    executed_at: f.executed_at.into(),
                })
                .collect(),
            created_at: row.created_at.into(),
            updated_at: row.updated_at.into(),
            account: row.account_id,
        }
    }
}

fn fill_from_record(fill: &FillRecord, tick: TickSize) -> Fill {
    Fill {
        trade_id: ID(fill.trade.0.to_string()),
        price: Dec(tick.to_money(fill.price).to_decimal()),
        quantity: count(fill.quantity.0),
        fee: fill.fee.into(),
        tax: fill.tax.into(),
        executed_at: fill.at.into(),
    }
}
