//! What the book tells the world. Every event but a rejection changes the
//! book and carries the next sequence number, so a subscriber can tell when
//! it missed one.

use crate::types::{AccountId, BookId, OrderId, Price, Quantity, Side, Symbol, Timestamp};

/// The events one command produced, in order, with the time it ran.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BookUpdate {
    pub book: BookId,
    pub symbol: Symbol,
    pub at: Timestamp,
    pub events: Vec<BookEvent>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum BookEvent {
    /// The order passed validation. For a stop order this means it now waits
    /// for its trigger.
    Accepted {
        seq: u64,
        id: OrderId,
        account: AccountId,
    },
    /// The order failed validation and changed nothing.
    Rejected {
        id: OrderId,
        account: AccountId,
        reason: RejectReason,
    },
    Trade(Trade),
    Cancelled {
        seq: u64,
        id: OrderId,
        account: AccountId,
        /// What was left unfilled and is now cancelled.
        remaining: Quantity,
        reason: CancelReason,
    },
    /// What was left of the order after matching now rests on the book, at
    /// the back of its price level: `seq` is its time priority.
    Rested {
        seq: u64,
        id: OrderId,
        account: AccountId,
        side: Side,
        price: Price,
        quantity: Quantity,
    },
    /// The order's quantity went down by `by`; it keeps its queue position.
    Reduced {
        seq: u64,
        id: OrderId,
        account: AccountId,
        by: Quantity,
        remaining: Quantity,
    },
    /// A DAY order reached the session close.
    Expired {
        seq: u64,
        id: OrderId,
        account: AccountId,
        remaining: Quantity,
    },
    /// A stop order's trigger was reached; it now executes.
    Triggered {
        seq: u64,
        id: OrderId,
        account: AccountId,
    },
    /// The new state of one aggregated price level (L2); quantity 0 means
    /// the level is gone.
    LevelChanged {
        seq: u64,
        side: Side,
        price: Price,
        quantity: Quantity,
        orders: u32,
    },
}

/// One match between the incoming (taker) order and one resting (maker)
/// order, at the maker's price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Trade {
    pub seq: u64,
    pub price: Price,
    pub quantity: Quantity,
    /// The taker's side.
    pub aggressor: Side,
    pub taker: OrderId,
    pub taker_account: AccountId,
    pub maker: OrderId,
    pub maker_account: AccountId,
    /// What is left of each order after this trade.
    pub taker_remaining: Quantity,
    pub maker_remaining: Quantity,
}

impl BookEvent {
    /// The accounts the event is about: both sides of a trade, the owner of
    /// any other order event, none for a level change.
    pub fn accounts(&self) -> [Option<AccountId>; 2] {
        match *self {
            BookEvent::Trade(t) => [Some(t.taker_account), Some(t.maker_account)],
            BookEvent::Accepted { account, .. }
            | BookEvent::Rested { account, .. }
            | BookEvent::Rejected { account, .. }
            | BookEvent::Cancelled { account, .. }
            | BookEvent::Reduced { account, .. }
            | BookEvent::Expired { account, .. }
            | BookEvent::Triggered { account, .. } => [Some(account), None],
            BookEvent::LevelChanged { .. } => [None, None],
        }
    }

    /// The sequence number; `None` for a rejection, which changes nothing.
    pub fn seq(&self) -> Option<u64> {
        match *self {
            BookEvent::Rejected { .. } => None,
            BookEvent::Trade(Trade { seq, .. })
            | BookEvent::Accepted { seq, .. }
            | BookEvent::Rested { seq, .. }
            | BookEvent::Cancelled { seq, .. }
            | BookEvent::Reduced { seq, .. }
            | BookEvent::Expired { seq, .. }
            | BookEvent::Triggered { seq, .. }
            | BookEvent::LevelChanged { seq, .. } => Some(seq),
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error, serde::Serialize, serde::Deserialize,
)]
pub enum RejectReason {
    #[error("quantity must be at least 1")]
    ZeroQuantity,
    #[error("quantity exceeds the maximum of {max}")]
    QuantityTooLarge { max: Quantity },
    #[error("prices must be positive")]
    PriceNotPositive,
    #[error("price {price} is outside the band {low}..={high}")]
    OutsideBand {
        price: Price,
        low: Price,
        high: Price,
    },
    #[error("trading is halted")]
    Halted,
    #[error("an order with this id is already live")]
    DuplicateOrderId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum CancelReason {
    /// The owner asked for it (or reduced it to nothing).
    Requested,
    /// Self-trade prevention stopped a trade between two orders of one account.
    SelfTrade,
    /// The unfilled rest of an IOC order.
    ImmediateOrCancel,
    /// A FOK order that could not fill completely; nothing traded.
    FillOrKill,
    /// The unfilled rest of a market order: no more liquidity within the band.
    NoLiquidity,
    /// Removed by the operator (delisting).
    Administrative,
}

impl CancelReason {
    pub fn describe(self) -> &'static str {
        match self {
            CancelReason::Requested => "cancelled by the owner",
            CancelReason::SelfTrade => "self-trade prevention",
            CancelReason::ImmediateOrCancel => "unfilled rest of an IOC order",
            CancelReason::FillOrKill => "FOK order could not fill completely",
            CancelReason::NoLiquidity => "no more liquidity within the price band",
            CancelReason::Administrative => "cancelled by the exchange",
        }
    }
}

/// Why a cancel or reduce could not be carried out (no event is emitted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum BookError {
    #[error("order {0} is not live in this book")]
    UnknownOrder(OrderId),
    #[error("a reduction must be at least 1")]
    ZeroReduction,
}
