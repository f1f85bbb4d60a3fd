//! The `marketlab` server and command line. The market itself lives in the
//! `marketlab-actors` crate; this crate wires it to configuration and HTTP.

pub mod cli;
pub mod demo;
pub mod persistence;
pub mod persister;
pub mod recovery;
mod routes;
pub mod startup;
