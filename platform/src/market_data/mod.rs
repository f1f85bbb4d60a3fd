//! Market data as the API serves it, computed from what the books publish:
//! a board of quotes and depth that follows the books' event streams
//! ([`board`]), candles built from trades ([`candles`]), the leaderboards'
//! ranking ([`leaderboard`]) and sectors' change ([`sectors`]). All are pure:
//! the caller feeds them events, snapshots and times, so a read never waits
//! in a book actor's mailbox behind order flow and every rule here is tested
//! without a runtime.

pub mod board;
pub mod candles;
pub mod leaderboard;
pub mod sectors;
