//! The database: one schema (the `migrations` crate) on Postgres or SQLite,
//! SeaORM entities for its tables, and repositories of plain async
//! functions over them.
//!
//! Every repository function takes any [`ConnectionTrait`], so that it runs
//! on the pool or inside a transaction alike: a batch of domain changes is
//! written by calling several of them on one [`begin_write`] transaction
//! and committing it. Rows are the entities' `Model`s: integers in minor
//! units (cents, shares, nanoseconds since the epoch), text enums as Rust
//! enums. Turning them into domain types is the caller's job.
//!
//! [`ConnectionTrait`]: sea_orm::ConnectionTrait

mod batch;
mod connect;
pub mod entities;
mod fetch;
pub mod repo;
mod size;

pub use connect::{ConnectError, begin_snapshot, begin_write, connect, migrate, open};
pub use size::database_bytes;
