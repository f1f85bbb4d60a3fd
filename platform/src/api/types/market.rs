//! Companies, sectors, quotes, books, trades, candles and news: what anyone
//! may read about the market.

use async_graphql::{ComplexObject, Context, ID, SimpleObject};
use marketlab_actors::types::{Money, Symbol};
use rust_decimal::Decimal;

use crate::api::error::ApiResult;
use crate::api::guard::state;
use crate::api::scalars::{DateTime, Dec, Long};
use crate::api::types::enums::Side;
use crate::market_data::board::{DepthView, QuoteView};
use crate::persistence::entities::{company, financial_report, news, trade};
use crate::persistence::repo::financials;

#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex)]
pub struct Company {
    pub symbol: String,
    pub name: String,
    pub sector: String,
    pub shares_outstanding: Long,
    pub tick_size: Dec,
    pub listed: bool,
    pub halted: bool,
    #[graphql(skip)]
    pub ipo_price: Money,
}

impl From<company::Model> for Company {
    fn from(row: company::Model) -> Company {
        Company {
            symbol: row.symbol,
            name: row.name,
            sector: row.sector,
            shares_outstanding: Long(row.shares_outstanding),
            tick_size: Money(row.tick_size).into(),
            listed: row.listed,
            halted: row.halted,
            ipo_price: Money(row.ipo_price),
        }
    }
}

impl Company {
    fn view(&self, ctx: &Context<'_>) -> Option<QuoteView> {
        let symbol = Symbol::new(&self.symbol).ok()?;
        state(ctx).board.read().ok()?.quote(symbol)
    }

    /// The last trade's price, or the IPO price before the first trade.
    pub fn mark(&self, ctx: &Context<'_>) -> Money {
        self.view(ctx)
            .and_then(|q| q.last)
            .unwrap_or(self.ipo_price)
    }
}

#[ComplexObject]
impl Company {
    async fn last_price(&self, ctx: &Context<'_>) -> Option<Dec> {
        self.view(ctx).and_then(|q| q.last).map(Dec::from)
    }

    /// lastPrice x sharesOutstanding
    async fn market_cap(&self, ctx: &Context<'_>) -> Option<Dec> {
        let last = self.view(ctx).and_then(|q| q.last)?;
        Some(Dec(
            last.to_decimal() * Decimal::from(self.shares_outstanding.0)
        ))
    }

    async fn financials(&self, ctx: &Context<'_>) -> ApiResult<Vec<FinancialReport>> {
        let rows = financials::for_symbol(&state(ctx).db, &self.symbol).await?;
        Ok(rows
            .into_iter()
            .map(|row| FinancialReport::new(row, self.shares_outstanding.0))
            .collect())
    }

    async fn quote(&self, ctx: &Context<'_>) -> Quote {
        match self.view(ctx) {
            Some(view) => Quote::new(&self.symbol, &view),
            None => Quote::empty(&self.symbol),
        }
    }
}

#[derive(Debug, Clone, SimpleObject)]
pub struct Sector {
    pub name: String,
    pub companies: Vec<Company>,
    /// Market-cap-weighted change since the session open, in percent.
    pub change_percent: Option<Dec>,
}

#[derive(Debug, Clone, SimpleObject)]
pub struct FinancialReport {
    pub symbol: String,
    pub year: i32,
    pub revenue: Dec,
    pub operating_profit: Dec,
    pub net_income: Dec,
    /// netIncome / sharesOutstanding
    pub eps: Dec,
    pub published_at: DateTime,
}

impl FinancialReport {
    pub fn new(row: financial_report::Model, shares_outstanding: i64) -> FinancialReport {
        let net_income = Money(row.net_income).to_decimal();
        let eps = if shares_outstanding > 0 {
            net_income / Decimal::from(shares_outstanding)
        } else {
            Decimal::ZERO
        };
        FinancialReport {
            symbol: row.symbol,
            year: row.year,
            revenue: Money(row.revenue).into(),
            operating_profit: Money(row.operating_profit).into(),
            net_income: Dec(net_income),
            eps: Dec::fixed(eps, 4),
            published_at: row.published_at.into(),
        }
    }
}

#[derive(Debug, Clone, SimpleObject)]
pub struct Quote {
    pub symbol: String,
    pub bid: Option<Dec>,
    pub ask: Option<Dec>,
    pub last: Option<Dec>,
    pub open: Option<Dec>,
    pub high: Option<Dec>,
    pub low: Option<Dec>,
    pub volume: Long,
    pub change: Option<Dec>,
    pub change_percent: Option<Dec>,
    pub at: Option<DateTime>,
    /// The book's sequence number this quote reflects.
    pub sequence: Long,
}

impl Quote {
    pub fn new(symbol: &str, view: &QuoteView) -> Quote {
        Quote {
            symbol: symbol.to_owned(),
            bid: view.bid.map(Dec::from),
            ask: view.ask.map(Dec::from),
            last: view.last.map(Dec::from),
            open: view.open.map(Dec::from),
            high: view.high.map(Dec::from),
            low: view.low.map(Dec::from),
            volume: Long::from(view.volume.0),
            change: view.change.map(Dec::from),
            change_percent: view.change_percent.map(Dec),
            at: view.at.map(DateTime),
            sequence: Long::from(view.sequence),
        }
    }

    pub fn empty(symbol: &str) -> Quote {
        Quote {
            symbol: symbol.to_owned(),
            bid: None,
            ask: None,
            last: None,
            open: None,
            high: None,
            low: None,
            volume: Long(0),
            change: None,
            change_percent: None,
            at: None,
            sequence: Long(0),
        }
    }
}

#[derive(Debug, Clone, SimpleObject)]
pub struct PriceLevel {
    pub price: Dec,
    pub quantity: Long,
    pub orders: i32,
}

#[derive(Debug, Clone, SimpleObject)]
pub struct OrderBook {
    pub symbol: String,
    pub bids: Vec<PriceLevel>,
    pub asks: Vec<PriceLevel>,
    /// Increases with every change of the book.
    pub sequence: Long,
}

impl OrderBook {
    pub fn new(symbol: &str, depth: &DepthView) -> OrderBook {
        let levels = |side: &[(Money, marketlab_actors::types::Quantity, u32)]| {
            side.iter()
                .map(|&(price, quantity, orders)| PriceLevel {
                    price: price.into(),
                    quantity: Long::from(quantity.0),
                    orders: i32::try_from(orders).unwrap_or(i32::MAX),
                })
                .collect()
        };
        OrderBook {
            symbol: symbol.to_owned(),
            bids: levels(&depth.bids),
            asks: levels(&depth.asks),
            sequence: Long::from(depth.sequence),
        }
    }
}

#[derive(Debug, Clone, SimpleObject)]
pub struct Trade {
    pub id: ID,
    pub symbol: String,
    pub price: Dec,
    pub quantity: Long,
    pub aggressor_side: Side,
    pub executed_at: DateTime,
    pub sequence: Long,
}

impl From<trade::Model> for Trade {
    fn from(row: trade::Model) -> Trade {
        Trade {
            id: ID(row.id.to_string()),
            symbol: row.symbol,
            price: Money(row.price).into(),
            quantity: Long(row.quantity),
            aggressor_side: row.aggressor_side.into(),
            executed_at: row.executed_at.into(),
            sequence: Long(row.book_seq),
        }
    }
}

#[derive(Debug, Clone, SimpleObject)]
pub struct Candle {
    pub symbol: String,
    pub start: DateTime,
    pub open: Dec,
    pub high: Dec,
    pub low: Dec,
    pub close: Dec,
    pub volume: Long,
}

#[derive(Debug, Clone, SimpleObject)]
pub struct NewsEvent {
    pub id: ID,
    pub symbol: Option<String>,
    pub headline: String,
    /// Signed shift of fundamental value the bots see, e.g. "-0.15" for -15%.
    pub impact: Dec,
    pub at: DateTime,
}

/// Impacts are kept in parts per million.
pub const IMPACT_SCALE: u32 = 6;

impl From<news::Model> for NewsEvent {
    fn from(row: news::Model) -> NewsEvent {
        NewsEvent {
            id: ID(row.id.to_string()),
            symbol: row.symbol,
            headline: row.headline,
            impact: Dec(Decimal::new(row.impact_ppm, IMPACT_SCALE).normalize()),
            at: row.at.into(),
        }
    }
}
