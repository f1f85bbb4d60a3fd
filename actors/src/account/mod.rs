//! An account: its pure trading core ([`AccountCore`]: ledger plus orders)
//! and the actor that serves it ([`actor::AccountActor`]).

pub mod actor;
mod changes;
mod core;
mod mandate;
mod order;
mod risk;

pub use changes::{AccountChanges, OrderChange, PositionChange};
pub use core::{
    AccountCore, OrderError, OrderRequest, Placement, Replacement, ReplacementOutcome,
    check_shares_conserved,
};
pub use mandate::{Mandate, MandateBreach};
pub use order::{EndReason, FillRecord, OrderRecord, OrderStatus};
pub use risk::{RiskBreach, RiskCheck, RiskLimits, percent};

#[cfg(test)]
mod tests;
