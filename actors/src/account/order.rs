//! An account's view of its orders: what was asked, what the book did with
//! it, and what each fill cost. Built only from book events and settlements.

use crate::book::{BookEvent, CancelReason, OrderKind, RejectReason, TimeInForce};
use crate::types::{AccountId, Money, OrderId, Price, Quantity, Side, Symbol, Timestamp, TradeId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum OrderStatus {
    PendingTrigger,
    Open,
    PartiallyFilled,
    Filled,
    Cancelled,
    Expired,
    Rejected,
}

impl OrderStatus {
    /// No more events will come for the order.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            OrderStatus::Filled
                | OrderStatus::Cancelled
                | OrderStatus::Expired
                | OrderStatus::Rejected
        )
    }
}

/// Why the order ended without filling completely.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum EndReason {
    Rejected(RejectReason),
    Cancelled(CancelReason),
    Expired,
}

impl std::fmt::Display for EndReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EndReason::Rejected(reason) => reason.fmt(f),
            EndReason::Cancelled(reason) => f.write_str(reason.describe()),
            EndReason::Expired => f.write_str("DAY order expired at the session close"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FillRecord {
    pub trade: TradeId,
    pub price: Price,
    pub quantity: Quantity,
    pub fee: Money,
    pub tax: Money,
    pub at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OrderRecord {
    pub id: OrderId,
    pub account: AccountId,
    pub symbol: Symbol,
    pub side: Side,
    pub kind: OrderKind,
    pub tif: TimeInForce,
    /// What was asked, less any reductions.
    pub quantity: Quantity,
    pub filled: Quantity,
    /// Sum of price x quantity over the fills, in cents: the average price's
    /// numerator.
    pub filled_value: Money,
    pub status: OrderStatus,
    pub end_reason: Option<EndReason>,
    pub fills: Vec<FillRecord>,
    pub client_order_id: Option<String>,
    /// Its place in the book, what recovery puts it back by: while it rests,
    /// its time priority (the `Rested` event's sequence number); while it
    /// waits as a stop, the sequence number of its acceptance.
    pub priority_seq: Option<u64>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl OrderRecord {
    pub fn remaining(&self) -> Quantity {
        self.quantity - self.filled
    }

    /// Apply one book event about this order (fills are added separately,
    /// with what they cost, by [`OrderRecord::add_fill`]).
    pub fn apply(&mut self, event: &BookEvent, at: Timestamp) {
        self.updated_at = at;
        match *event {
            BookEvent::Accepted { seq, .. } => {
                self.status = match self.kind {
                    OrderKind::Stop { .. } | OrderKind::StopLimit { .. } => {
                        self.priority_seq = Some(seq);
                        OrderStatus::PendingTrigger
                    }
                    OrderKind::Market | OrderKind::Limit { .. } => OrderStatus::Open,
                };
            }
            BookEvent::Triggered { .. } => self.status = OrderStatus::Open,
            BookEvent::Rested { seq, .. } => self.priority_seq = Some(seq),
            BookEvent::Rejected { reason, .. } => {
                self.status = OrderStatus::Rejected;
                self.end_reason = Some(EndReason::Rejected(reason));
            }
            BookEvent::Cancelled { reason, .. } => {
                self.status = OrderStatus::Cancelled;
                self.end_reason = Some(EndReason::Cancelled(reason));
            }
            BookEvent::Expired { .. } => {
                self.status = OrderStatus::Expired;
                self.end_reason = Some(EndReason::Expired);
            }
            BookEvent::Reduced { by, .. } => self.quantity -= by,
            BookEvent::Trade(_) | BookEvent::LevelChanged { .. } => {}
        }
    }

    pub fn add_fill(&mut self, fill: FillRecord, value: Money) {
        self.filled += fill.quantity;
        self.filled_value += value;
        self.updated_at = fill.at;
        self.fills.push(fill);
        self.status = if self.filled == self.quantity {
            OrderStatus::Filled
        } else {
            OrderStatus::PartiallyFilled
        };
    }
}
