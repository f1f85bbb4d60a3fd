//! The GraphQL API of ../shared/api/contract.graphql: types, resolvers,
//! the role guard, errors with the contract's codes, and the HTTP and
//! WebSocket transport.

pub mod codes;
pub mod error;
pub mod feeds;
pub mod graphql_http;
pub mod guard;
pub mod http;
pub mod limits;
pub mod live;
pub mod rate_limit;
pub mod resolvers;
pub mod scalars;
pub mod schema;
pub mod state;
pub mod transport;
pub mod types;
pub mod websocket;

pub use schema::{MarketSchema, sdl};
pub use state::ApiState;
