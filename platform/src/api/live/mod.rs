//! Live subscriptions at classroom scale. Identical subscriptions share one
//! execution and one serialized result per event ([`hub`]); each
//! connection reads them from a bounded [`outbox`], where the latest book
//! or quote replaces an older one a slow client has not read yet, and an
//! overflow of trades or orders closes the connection with
//! [`SLOW_CONSUMER`]. Resolvers [`tag`] each item with what it is, and
//! [`key`] says which requests may share.

pub mod hub;
pub mod key;
pub mod outbox;
pub mod protocol;
pub mod tag;

pub use hub::Hub;

/// The close code of a connection whose client fell so far behind that a
/// trade or order stream overflowed its outbox. Not one of the codes
/// graphql-ws clients treat as fatal: they reconnect, and every
/// subscription starts again from a fresh snapshot.
pub const SLOW_CONSUMER: u16 = 4413;

/// Subscriptions (and operations) one connection may run at once.
pub const SUBSCRIPTIONS_PER_CONNECTION: usize = 100;
