use crate::types::{Money, OrderId, Quantity, Symbol};

/// Why the ledger refused an operation. A refused operation changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("amount {0} must be positive")]
    NotPositive(Money),
    #[error("amount {amount} is above the limit of {max} for one deposit or withdrawal")]
    AboveLimit { amount: Money, max: Money },
    #[error("insufficient funds: {needed} needed, {available} available")]
    InsufficientFunds { needed: Money, available: Money },
    #[error("insufficient shares of {symbol}: {needed} needed, {available} available")]
    InsufficientShares {
        symbol: Symbol,
        needed: Quantity,
        available: Quantity,
    },
    #[error("order {0} already holds a reservation")]
    DuplicateOrder(OrderId),
    #[error("order {0} holds no reservation in this account")]
    UnknownOrder(OrderId),
    #[error("quantity must be positive")]
    ZeroQuantity,
    #[error("price {0} must be positive")]
    InvalidPrice(Money),
    #[error("fill price {price} of order {order} is beyond its limit {limit}")]
    BeyondLimit {
        order: OrderId,
        limit: Money,
        price: Money,
    },
    #[error("a fill of {quantity} exceeds the {unfilled} shares order {order} has left")]
    Overfill {
        order: OrderId,
        unfilled: Quantity,
        quantity: Quantity,
    },
    #[error("idempotency key {0:?} was already used for a different request")]
    Conflict(String),
    #[error("amount out of range")]
    Overflow,
    #[error("invalid ledger configuration: {0}")]
    InvalidConfig(&'static str),
}
