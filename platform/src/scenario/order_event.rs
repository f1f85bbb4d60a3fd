//! One book event as the columns of `orders.csv` and `orders.parquet` see
//! it, so that both files take the same fields from the same events.

use std::borrow::Cow;

use marketlab_actors::book::BookEvent;
use marketlab_actors::scenario::record::OrderRow;
use marketlab_actors::types::{Money, OrderId, Quantity, Side};

/// An event's columns after `time,symbol` (and `account`, which the row
/// has as it is); `None` where the event has no such field.
pub struct OrderColumns {
    pub seq: Option<u64>,
    pub event: &'static str,
    pub order_id: OrderId,
    pub side: Option<Side>,
    pub price: Option<Money>,
    pub quantity: Option<Quantity>,
    pub reason: Cow<'static, str>,
}

pub fn side_name(side: Side) -> &'static str {
    match side {
        Side::Buy => "buy",
        Side::Sell => "sell",
    }
}

/// The columns of `row`; `None` for a level change, which the files leave
/// out (the book file has the depth).
pub fn order_columns(row: &OrderRow<'_>) -> Option<OrderColumns> {
    let plain = |seq, event, order_id, quantity| OrderColumns {
        seq: Some(seq),
        event,
        order_id,
        side: None,
        price: None,
        quantity,
        reason: Cow::Borrowed(""),
    };
    Some(match *row.event {
        BookEvent::Accepted { seq, id, .. } => plain(seq, "accepted", id, None),
        BookEvent::Rejected { id, reason, .. } => OrderColumns {
            seq: None,
            reason: Cow::Owned(reason.to_string()),
            ..plain(0, "rejected", id, None)
        },
        BookEvent::Trade(t) => OrderColumns {
            side: Some(t.aggressor),
            price: Some(row.tick.to_money(t.price)),
            reason: Cow::Owned(format!("maker {}", t.maker)),
            ..plain(t.seq, "trade", t.taker, Some(t.quantity))
        },
        BookEvent::Cancelled {
            seq,
            id,
            remaining,
            reason,
            ..
        } => OrderColumns {
            reason: Cow::Borrowed(reason.describe()),
            ..plain(seq, "cancelled", id, Some(remaining))
        },
        BookEvent::Rested {
            seq,
            id,
            side,
            price,
            quantity,
            ..
        } => OrderColumns {
            side: Some(side),
            price: Some(row.tick.to_money(price)),
            ..plain(seq, "rested", id, Some(quantity))
        },
        BookEvent::Reduced {
            seq, id, remaining, ..
        } => plain(seq, "reduced", id, Some(remaining)),
        BookEvent::Expired {
            seq, id, remaining, ..
        } => plain(seq, "expired", id, Some(remaining)),
        BookEvent::Triggered { seq, id, .. } => plain(seq, "triggered", id, None),
        BookEvent::LevelChanged { .. } => return None,
    })
}
