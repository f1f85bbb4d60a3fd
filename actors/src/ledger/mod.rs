//! An account's money and shares: the pure ledger core.
//!
//! Cash and reserved cash, holdings and reserved shares, FIFO lots, realized
//! gains, and a journal of every cash movement with the balance before and
//! after. Orders reserve before they reach the book; fills settle against the
//! reservation; release returns what is left. All amounts are integer cents,
//! every step is checked, and an operation that fails changes nothing.
//! No actix, no I/O, no clock: time comes in with each call.

mod account;
mod arith;
mod cash;
pub mod dividends;
mod entries;
mod error;
mod fees;
mod gains;
mod history;
mod holdings;
mod invariants;
mod lots;
mod reservations;
mod restore;
mod sector_weights;
mod settlement;
#[cfg(test)]
mod testkit;

pub use account::Account;
pub use cash::LedgerLimits;
pub use entries::{LedgerEntry, LedgerKind};
pub use error::LedgerError;
pub use fees::{Charges, FeeSchedule};
pub use gains::{CapitalGainsReport, RealizedGain, TaxConfig};
pub use history::History;
pub use holdings::HoldingView;
pub use lots::{Lot, LotChange};
pub use reservations::{OrderTicket, Released, Reservation};
pub use restore::Restored;
pub use sector_weights::SectorWeight;
pub use settlement::{Fill, Settlement};
