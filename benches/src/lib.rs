//! Benchmarks and tools for the order book core: deterministic command
//! streams shared by the criterion benches and the binaries (latency
//! histogram, CSV replay, CSV generator), so that every figure is measured on
//! the same input and can be reproduced from a seed.

pub mod cli;
pub mod command;
pub mod csv;
pub mod replay;
pub mod streams;

pub use command::{Command, apply};
