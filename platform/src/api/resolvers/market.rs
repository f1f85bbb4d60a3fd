//! What anyone may read about the market: companies, sectors, books,
//! trades, candles and news.

use std::collections::BTreeMap;

use async_graphql::{Context, Object};
use marketlab_actors::book::actor::Depth;
use marketlab_actors::types::{Money, Symbol, Timestamp};

use super::portfolio::market_written_down;
use super::trading::{limit, parse_symbol};
use crate::api::error::{ApiError, ApiResult};
use crate::api::guard::state;
use crate::api::scalars::{Dec, Long};
use crate::api::state::ApiState;
use crate::api::types::enums::CandleInterval;
use crate::api::types::market::PriceLevel;
use crate::api::types::{Candle, Company, NewsEvent, OrderBook, Sector, Trade};
use crate::market_data::candles::{self, CandleView, TradePoint, build_candles};
use crate::market_data::sectors;
use crate::persistence::entities::company;
use crate::persistence::repo::{companies, news, trades};

/// The latest `count` candles of `symbol` (oldest first), from its stored
/// trades; intervals without trades are left out.
pub async fn candle_views(
    state: &ApiState,
    symbol: Symbol,
    interval: CandleInterval,
    count: usize,
) -> ApiResult<Vec<CandleView>> {
    let interval = match interval {
        CandleInterval::M1 => candles::CandleInterval::M1,
        CandleInterval::M5 => candles::CandleInterval::M5,
        CandleInterval::M15 => candles::CandleInterval::M15,
        CandleInterval::H1 => candles::CandleInterval::H1,
        CandleInterval::D1 => candles::CandleInterval::D1,
    };
    let span = interval.seconds() * Timestamp::NANOS_PER_SEC;
    let now = state.now().0;
    let from = (now.div_euclid(span) - count as i64 + 1) * span;
    let points: Vec<TradePoint> = trades::between(&state.db, symbol.as_str(), from, now + 1)
        .await?
        .into_iter()
        .map(|t| TradePoint {
            at: Timestamp(t.executed_at),
            price: Money(t.price),
            quantity: t.quantity as u64,
        })
        .collect();
    Ok(build_candles(&points, interval, count))
}

/// The deepest book a query may ask for.
pub const MAX_DEPTH: i32 = 100;

pub async fn company_row(state: &ApiState, symbol: Symbol) -> ApiResult<company::Model> {
    companies::find(&state.db, symbol.as_str())
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no company is listed as {symbol}")))
}

pub fn depth(depth: Option<i32>) -> ApiResult<usize> {
    let depth = depth.unwrap_or(10);
    if !(1..=MAX_DEPTH).contains(&depth) {
        return Err(ApiError::bad_input(format!(
            "depth must be between 1 and {MAX_DEPTH}"
        )));
    }
    Ok(depth as usize)
}

/// The book as its actor sees it now.
pub async fn order_book(state: &ApiState, symbol: Symbol, levels: usize) -> ApiResult<OrderBook> {
    let row = company_row(state, symbol).await?;
    let Some(book) = state.market.book(symbol) else {
        return Err(ApiError::NotFound(format!("{symbol} has no book")));
    };
    let l2 = book
        .addr
        .send(Depth(levels))
        .await
        .map_err(ApiError::internal)?;
    let tick = book.listing.tick;
    let level = |l: &marketlab_actors::book::LevelView| PriceLevel {
        price: tick.to_money(l.price).into(),
        quantity: Long::from(l.quantity.0),
        orders: i32::try_from(l.orders).unwrap_or(i32::MAX),
    };
    Ok(OrderBook {
        symbol: row.symbol,
        bids: l2.bids.iter().map(level).collect(),
        asks: l2.asks.iter().map(level).collect(),
        sequence: Long::from(l2.sequence),
    })
}

#[derive(Default)]
pub struct MarketQuery;

#[Object]
impl MarketQuery {
    async fn companies(
        &self,
        ctx: &Context<'_>,
        sector: Option<String>,
        #[graphql(default_with = "Some(false)")] include_delisted: Option<bool>,
    ) -> ApiResult<Vec<Company>> {
        let state = state(ctx);
        let rows = match sector {
            Some(sector) => companies::in_sector(&state.db, &sector).await?,
            None => companies::all(&state.db).await?,
        };
        Ok(rows
            .into_iter()
            .filter(|row| include_delisted.unwrap_or(false) || row.listed)
            .map(Company::from)
            .collect())
    }

    async fn company(&self, ctx: &Context<'_>, symbol: String) -> ApiResult<Option<Company>> {
        let symbol = parse_symbol(&symbol)?;
        Ok(companies::find(&state(ctx).db, symbol.as_str())
            .await?
            .map(Company::from))
    }

    async fn sectors(&self, ctx: &Context<'_>) -> ApiResult<Vec<Sector>> {
        let state = state(ctx);
        let mut sectors: BTreeMap<String, Vec<Company>> =
            crate::persistence::repo::sectors::all(&state.db)
                .await?
                .into_iter()
                .map(|name| (name, Vec::new()))
                .collect();
        for row in companies::all(&state.db).await? {
            if row.listed {
                sectors
                    .entry(row.sector.clone())
                    .or_default()
                    .push(row.into());
            }
        }
        let board = state.board.read().map_err(ApiError::internal)?;
        Ok(sectors
            .into_iter()
            .map(|(name, companies)| {
                let members = companies.iter().map(|company| {
                    let quote = Symbol::new(&company.symbol)
                        .ok()
                        .and_then(|s| board.quote(s));
                    sectors::Member {
                        open: quote.as_ref().and_then(|q| q.open),
                        last: quote.as_ref().and_then(|q| q.last),
                        shares: company.shares_outstanding.0 as u64,
                    }
                });
                let change_percent = sectors::weighted_change(members).map(Dec);
                Sector {
                    name,
                    companies,
                    change_percent,
                }
            })
            .collect())
    }

    async fn order_book(
        &self,
        ctx: &Context<'_>,
        symbol: String,
        #[graphql(default = 10)] depth: Option<i32>,
    ) -> ApiResult<OrderBook> {
        let symbol = parse_symbol(&symbol)?;
        order_book(state(ctx), symbol, self::depth(depth)?).await
    }

    /// The symbol's latest trades, newest first.
    async fn trades(
        &self,
        ctx: &Context<'_>,
        symbol: String,
        #[graphql(default = 100)] limit: Option<i32>,
    ) -> ApiResult<Vec<Trade>> {
        let state = state(ctx);
        let symbol = parse_symbol(&symbol)?;
        let limit = self::limit(limit, 100)?;
        company_row(state, symbol).await?;
        market_written_down(ctx).await?;
        Ok(trades::recent(&state.db, symbol.as_str(), limit)
            .await?
            .into_iter()
            .map(Trade::from)
            .collect())
    }

    /// The latest `limit` candles of the interval, oldest first; intervals
    /// without trades are left out.
    async fn candles(
        &self,
        ctx: &Context<'_>,
        symbol: String,
        interval: CandleInterval,
        #[graphql(default = 100)] limit: Option<i32>,
    ) -> ApiResult<Vec<Candle>> {
        let state = state(ctx);
        let symbol = parse_symbol(&symbol)?;
        let limit = self::limit(limit, 100)? as usize;
        company_row(state, symbol).await?;
        market_written_down(ctx).await?;
        Ok(candle_views(state, symbol, interval, limit)
            .await?
            .into_iter()
            .map(|c| Candle {
                symbol: symbol.to_string(),
                start: c.start.into(),
                open: c.open.into(),
                high: c.high.into(),
                low: c.low.into(),
                close: c.close.into(),
                volume: Long::from(c.volume),
            })
            .collect())
    }

    /// The latest news, newest first.
    async fn news(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50)] limit: Option<i32>,
    ) -> ApiResult<Vec<NewsEvent>> {
        let limit = self::limit(limit, 50)?;
        Ok(news::recent(&state(ctx).db, limit)
            .await?
            .into_iter()
            .map(NewsEvent::from)
            .collect())
    }
}
