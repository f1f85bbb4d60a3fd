//! The market itself. Each module holds a pure, synchronous core (no actix,
//! no I/O) and, where it runs live, a thin actor that owns the core and turns
//! messages into calls. Everything that is hard to get right is in the cores
//! and tested there.

pub mod account;
pub mod alerts;
pub mod analytics;
pub mod book;
pub mod bots;
pub mod clock;
pub mod journal;
pub mod ledger;
pub mod market;
pub mod scenario;
pub mod types;
