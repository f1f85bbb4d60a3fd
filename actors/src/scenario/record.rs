//! What a run reports as it goes, as plain rows: the caller decides where
//! they go (the command line writes CSV files). Prices and cash are exact
//! cents; only the fundamental value is a float.

use crate::book::{BookEvent, LevelView};
use crate::types::{Money, Quantity, Side, Symbol, TickSize, Timestamp};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TradeRow<'a> {
    pub at: Timestamp,
    pub symbol: Symbol,
    /// The book's sequence number of the trade.
    pub seq: u64,
    pub price: Money,
    pub quantity: Quantity,
    /// The taker's side.
    pub aggressor: Side,
    /// Account labels: `group#n`, or `issuer:SYMBOL`.
    pub buyer: &'a str,
    pub seller: &'a str,
}

/// Top of book at a sampling instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuoteRow {
    pub at: Timestamp,
    pub symbol: Symbol,
    pub bid: Option<(Money, Quantity)>,
    pub ask: Option<(Money, Quantity)>,
    pub last: Option<Money>,
}

/// Depth at a sampling instant, best first on both sides; prices in ticks
/// of `tick`.
#[derive(Debug, Clone, Copy)]
pub struct BookRow<'a> {
    pub at: Timestamp,
    pub symbol: Symbol,
    pub tick: TickSize,
    pub bids: &'a [LevelView],
    pub asks: &'a [LevelView],
}

/// One event of a book (level changes left out), prices in ticks of `tick`.
#[derive(Debug, Clone, Copy)]
pub struct OrderRow<'a> {
    pub at: Timestamp,
    pub symbol: Symbol,
    pub tick: TickSize,
    pub event: &'a BookEvent,
    /// The label of the account the event is about (a trade: the taker's).
    pub account: &'a str,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FundamentalRow {
    pub at: Timestamp,
    pub symbol: Symbol,
    /// Cents.
    pub value: f64,
}

/// Where a run's rows go. Only the rows the scenario's outputs ask for
/// arrive.
pub trait Recorder {
    fn trade(&mut self, row: &TradeRow<'_>);
    fn quote(&mut self, row: &QuoteRow);
    fn book(&mut self, row: &BookRow<'_>);
    fn order(&mut self, row: &OrderRow<'_>);
    fn fundamental(&mut self, row: &FundamentalRow);
}
