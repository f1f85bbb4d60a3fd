//! One company's order book: a pure matching core ([`OrderBook`]) and the
//! actor that owns it ([`actor::BookActor`]).

pub mod actor;
mod config;
mod depth;
mod engine;
mod events;
mod id_index;
mod ladder;
mod order;
mod restore;
mod snapshot;
mod stops;

pub use config::{BookConfig, DEFAULT_BAND_BPS, Listing, PriceBand, StpPolicy, check_order};
pub use depth::DepthLadder;
pub use engine::OrderBook;
pub use events::{BookError, BookEvent, BookUpdate, CancelReason, RejectReason, Trade};
pub use order::{NewOrder, OrderKind, PendingStop, RestingOrder, TimeInForce};
pub use restore::BookState;
pub use snapshot::{L1, L2, LevelView};

#[cfg(test)]
mod tests;
