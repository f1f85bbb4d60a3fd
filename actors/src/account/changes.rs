//! What changed in an account since it was last asked: the persister writes
//! exactly this, so the database follows the account without deciding
//! anything.

use crate::ledger::{History, HoldingView, Reservation};
use crate::types::{AccountId, Money, OrderId, Symbol};

use super::order::{FillRecord, OrderRecord};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AccountChanges {
    pub account: AccountId,
    pub cash: Money,
    pub reserved_cash: Money,
    pub realized_total: Money,
    /// Journal entries, realized gains and lot changes since the last
    /// call, oldest first.
    pub history: History,
    pub positions: Vec<PositionChange>,
    pub orders: Vec<OrderChange>,
    /// Fills settled since the last call, with their order.
    pub fills: Vec<(OrderId, FillRecord)>,
}

/// A position as it now is: `holding` is `None` once it is sold out. Its
/// lots' changes are in the history.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PositionChange {
    pub symbol: Symbol,
    pub holding: Option<HoldingView>,
}

/// An order as it now is, with what it still has reserved (`None` once it
/// has ended).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OrderChange {
    pub record: OrderRecord,
    pub reservation: Option<Reservation>,
}
