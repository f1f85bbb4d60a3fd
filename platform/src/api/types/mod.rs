//! The contract's object, input and enum types, built from the domain and
//! from stored rows. Money is converted from cents to `Decimal` here only.

pub mod account;
pub mod bots;
pub mod competition;
pub mod dividend;
pub mod enums;
pub mod indicators;
pub mod inputs;
pub mod market;
pub mod order;
pub mod performance;
pub mod watch;

pub use account::{
    Account, AuthPayload, Balances, CapitalGainsReport, Holding, LeaderboardEntry, LedgerEntry,
    Lot, RealizedGain, SectorWeight,
};
pub use bots::{Bot, BotScript, ScenarioRun};
pub use market::{Candle, Company, FinancialReport, NewsEvent, OrderBook, Quote, Sector, Trade};
pub use order::{Fill, Order};
