//! What a bot may read, as plain data its driver fills in before each call:
//! the market around it (per symbol) and its own account. Money stays exact
//! here (cents); only the script sees it as decimals (see the module docs of
//! [`crate::bots`]).

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::types::{Money, OrderId, Quantity, Side, Symbol, TickSize, Timestamp};

/// One call's view of the market and of the bot's own account.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BotView {
    /// The market's time (from the injected clock, never the system's).
    pub now: Timestamp,
    /// The listings the bot may trade and read, by symbol.
    pub symbols: BTreeMap<Symbol, SymbolView>,
    /// All cash, reserved or not.
    pub cash: Money,
    /// Cash not reserved by open buy orders: what a new buy can use.
    pub available_cash: Money,
    /// Shares held, by symbol (symbols with none may be left out).
    pub positions: BTreeMap<Symbol, Holding>,
    /// The bot's open orders, oldest first.
    pub open_orders: Vec<OpenOrderView>,
}

/// One listing as a bot sees it.
///
/// Its lists are shared (`Arc`): every bot called before the book changes
/// gets a copy of one built view, so a copy only counts references (the
/// fundamental, which each bot may see with its own noise, is its own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SymbolView {
    /// The listing's tick: every price a bot sends is rounded to it.
    pub tick: TickSize,
    /// Bid levels, best (highest) first. The best bid is `bids[0]`.
    pub bids: Arc<[Level]>,
    /// Ask levels, best (lowest) first. The best ask is `asks[0]`.
    pub asks: Arc<[Level]>,
    /// The last trade's price.
    pub last: Option<Money>,
    /// Recent trades, oldest first.
    pub recent_trades: Arc<[TradeView]>,
    /// Recent candles, oldest first.
    pub candles: Arc<[Candle]>,
    /// Published yearly reports, oldest first.
    pub financials: Arc<[Financials]>,
    /// Shares outstanding (for EPS); 0 when unknown.
    pub shares_outstanding: u64,
    /// The fundamental value as this bot sees it (the driver adds the
    /// noise), when the scenario has one.
    pub fundamental: Option<Money>,
}

impl SymbolView {
    /// An empty book on the given tick.
    pub fn new(tick: TickSize) -> SymbolView {
        SymbolView {
            tick,
            bids: Arc::from([]),
            asks: Arc::from([]),
            last: None,
            recent_trades: Arc::from([]),
            candles: Arc::from([]),
            financials: Arc::from([]),
            shares_outstanding: 0,
            fundamental: None,
        }
    }

    pub fn best_bid(&self) -> Option<Money> {
        self.bids.first().map(|level| level.price)
    }

    pub fn best_ask(&self) -> Option<Money> {
        self.asks.first().map(|level| level.price)
    }
}

/// One price level of a book side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Level {
    pub price: Money,
    pub quantity: Quantity,
}

/// A trade in the market (any accounts'), as `on_trade` and
/// `ctx.trades(symbol)` show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TradeView {
    pub symbol: Symbol,
    pub at: Timestamp,
    pub price: Money,
    pub quantity: Quantity,
    /// The taker's side.
    pub aggressor: Side,
}

/// One OHLCV bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candle {
    pub start: Timestamp,
    pub open: Money,
    pub high: Money,
    pub low: Money,
    pub close: Money,
    pub volume: u64,
}

/// One published yearly report. EPS is derived for the script as
/// `net_income / shares_outstanding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Financials {
    pub year: i32,
    pub revenue: Money,
    pub operating_profit: Money,
    pub net_income: Money,
}

/// Shares of one symbol the bot holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Holding {
    pub quantity: Quantity,
    /// Not reserved by open sell orders: what a new sell can use.
    pub available: Quantity,
}

/// One of the bot's open orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenOrderView {
    pub id: OrderId,
    pub symbol: Symbol,
    pub side: Side,
    /// `None` for an order without a limit price.
    pub price: Option<Money>,
    pub remaining: Quantity,
}

/// A fill of one of the bot's orders, as `on_fill` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FillView {
    pub order: OrderId,
    pub symbol: Symbol,
    pub side: Side,
    pub price: Money,
    pub quantity: Quantity,
    /// Commission plus sell tax paid on this fill.
    pub fees: Money,
    pub at: Timestamp,
}

/// A news item, as `on_news` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewsView {
    /// `None` for market-wide news.
    pub symbol: Option<Symbol>,
    pub headline: String,
    /// The signed shift of fundamental value it announces, in parts per
    /// million (-150_000 is -15 %); the script sees it as a fraction (-0.15).
    pub impact_ppm: i64,
    pub at: Timestamp,
}
