//! The `marketlab` server and command line. The market itself lives in the
//! `marketlab-actors` crate; this crate wires it to
//! configuration, the database, and the GraphQL API.

pub mod accounts;
pub mod admin;
pub mod alerts;
pub mod api;
pub mod auth;
pub mod bots;
pub mod cli;
pub mod competitions;
pub mod config;
pub mod demo;
pub mod dividends;
pub mod equity;
pub mod journal_cli;
pub mod listing;
pub mod market_data;
pub mod metrics;
pub mod persistence;
pub mod persister;
pub mod recovery;
mod routes;
pub mod scenario;
pub mod session;
pub mod startup;
mod web;
