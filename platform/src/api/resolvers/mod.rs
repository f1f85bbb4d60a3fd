//! The resolvers, one module per area; the schema merges them.

pub mod admin;
pub mod auth;
pub mod bots;
pub mod competitions;
pub mod dividends;
pub mod indicators;
pub mod market;
pub mod performance;
pub mod portfolio;
pub mod risk;
pub mod scenarios;
pub mod subscription;
pub mod trading;
pub mod watch;
