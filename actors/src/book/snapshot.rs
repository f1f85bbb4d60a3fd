//! Read-only views of a book: top of book (L1) and aggregated depth (L2).

use crate::types::{Price, Quantity};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LevelView {
    pub price: Price,
    pub quantity: Quantity,
    pub orders: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct L1 {
    pub sequence: u64,
    pub bid: Option<LevelView>,
    pub ask: Option<LevelView>,
    pub last: Option<Price>,
}

/// Levels best first on both sides.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct L2 {
    pub sequence: u64,
    pub bids: Vec<LevelView>,
    pub asks: Vec<LevelView>,
}
