//! What enters the book: new orders and their kinds.

use crate::types::{AccountId, OrderId, Price, Quantity, Side};

/// The four order types. Stops wait off the book until a trade prints at or
/// through their trigger, then act as a market (STOP) or limit (STOP_LIMIT)
/// order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum OrderKind {
    Market,
    Limit { price: Price },
    Stop { trigger: Price },
    StopLimit { trigger: Price, price: Price },
}

impl OrderKind {
    pub fn limit_price(self) -> Option<Price> {
        match self {
            OrderKind::Limit { price } | OrderKind::StopLimit { price, .. } => Some(price),
            OrderKind::Market | OrderKind::Stop { .. } => None,
        }
    }

    pub fn trigger_price(self) -> Option<Price> {
        match self {
            OrderKind::Stop { trigger } | OrderKind::StopLimit { trigger, .. } => Some(trigger),
            OrderKind::Market | OrderKind::Limit { .. } => None,
        }
    }
}

/// How long an order may live. Whatever of a MARKET order cannot fill at
/// once is cancelled whatever its time in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum TimeInForce {
    /// Good till cancelled.
    Gtc,
    /// Expires at the session close.
    Day,
    /// Immediate or cancel: fill what can fill now, cancel the rest.
    Ioc,
    /// Fill or kill: fill all of it now or change nothing.
    Fok,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NewOrder {
    pub id: OrderId,
    pub account: AccountId,
    pub side: Side,
    pub kind: OrderKind,
    pub tif: TimeInForce,
    pub quantity: Quantity,
}

/// A resting order as a snapshot shows it (L3), in priority order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RestingOrder {
    pub id: OrderId,
    pub account: AccountId,
    pub side: Side,
    pub price: Price,
    pub remaining: Quantity,
    pub tif: TimeInForce,
    /// Its time priority: the sequence number of its `Rested` event.
    pub priority_seq: u64,
}

/// A stop order waiting for its trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingStop {
    pub id: OrderId,
    pub account: AccountId,
    pub side: Side,
    pub trigger: Price,
    /// `Some` for a STOP_LIMIT, `None` for a STOP (market on trigger).
    pub limit: Option<Price>,
    pub tif: TimeInForce,
    pub remaining: Quantity,
    pub accepted_seq: u64,
}

impl PendingStop {
    /// A buy stop fires when a trade prints at or above its trigger, a sell
    /// stop at or below.
    pub fn fires_at(&self, last: Price) -> bool {
        match self.side {
            Side::Buy => last >= self.trigger,
            Side::Sell => last <= self.trigger,
        }
    }
}
