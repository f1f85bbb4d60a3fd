//! Technical indicators over a symbol's candles, from the pure analytics
//! core the bots use too.

use std::collections::HashSet;

use async_graphql::{Context, Object};
use marketlab_actors::analytics::indicators::{self, IndicatorError, MacdPeriods, Point};
use marketlab_actors::bots::Candle;
use rust_decimal::Decimal;

use super::market::{candle_views, company_row};
use super::trading::{limit, parse_symbol};
use crate::api::error::{ApiError, ApiResult};
use crate::api::guard::state;
use crate::api::scalars::Dec;
use crate::api::types::enums::CandleInterval;
use crate::api::types::indicators::{IndicatorKind, IndicatorPoint, IndicatorSeries};

/// The longest period a query may ask for.
pub const MAX_PERIOD: i32 = 200;
/// Bollinger bands' width in standard deviations.
const BOLLINGER_K: i64 = 2;

#[derive(Default)]
pub struct IndicatorQuery;

#[Object]
impl IndicatorQuery {
    /// Each of `kinds` (in that order) at the latest `limit` candles of
    /// the interval, computed from enough candles before them to be
    /// defined there (when the symbol traded that long).
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        symbol: String,
        interval: CandleInterval,
        kinds: Vec<IndicatorKind>,
        #[graphql(default = 14)] period: Option<i32>,
        #[graphql(default = 100)] limit: Option<i32>,
    ) -> ApiResult<Vec<IndicatorSeries>> {
        let state = state(ctx);
        let symbol = parse_symbol(&symbol)?;
        let limit = self::limit(limit, 100)? as usize;
        let period = period.unwrap_or(14);
        if !(1..=MAX_PERIOD).contains(&period) {
            return Err(ApiError::bad_input(format!(
                "period must be between 1 and {MAX_PERIOD}"
            )));
        }
        let period = period as usize;
        if kinds.is_empty() || kinds.iter().collect::<HashSet<_>>().len() != kinds.len() {
            return Err(ApiError::bad_input(
                "name each indicator kind once, at least one",
            ));
        }
        company_row(state, symbol).await?;
        let defaults = MacdPeriods::default();
        let warm_up = period.max(defaults.slow + defaults.signal);
        let candles: Vec<Candle> = candle_views(state, symbol, interval, limit + warm_up)
            .await?
            .into_iter()
            .map(|c| Candle {
                start: c.start,
                open: c.open,
                high: c.high,
                low: c.low,
                close: c.close,
                volume: c.volume,
            })
            .collect();
        let first_shown = candles.len().saturating_sub(limit);
        let shown = |start| candles.get(first_shown).is_some_and(|c| start >= c.start);
        kinds
            .into_iter()
            .map(|kind| {
                let points = series(kind, &candles, period)
                    .map_err(|e| ApiError::bad_input(e.to_string()))?;
                Ok(IndicatorSeries {
                    kind,
                    points: points.into_iter().filter(|p| shown(p.start.0)).collect(),
                })
            })
            .collect()
    }
}

fn plain(points: Vec<Point<Decimal>>) -> Vec<IndicatorPoint> {
    points
        .into_iter()
        .map(|p| IndicatorPoint {
            start: p.start.into(),
            value: Dec(p.value),
            signal: None,
            histogram: None,
            upper: None,
            lower: None,
        })
        .collect()
}

fn series(
    kind: IndicatorKind,
    candles: &[Candle],
    period: usize,
) -> Result<Vec<IndicatorPoint>, IndicatorError> {
    Ok(match kind {
        IndicatorKind::Sma => plain(indicators::sma(candles, period)?),
        IndicatorKind::Ema => plain(indicators::ema(candles, period)?),
        IndicatorKind::Rsi => plain(indicators::rsi(candles, period)?),
        IndicatorKind::Vwap => plain(indicators::vwap(candles)?),
        IndicatorKind::Macd => indicators::macd(candles, MacdPeriods::default())?
            .into_iter()
            .map(|p| IndicatorPoint {
                start: p.start.into(),
                value: Dec(p.value.macd),
                signal: Some(Dec(p.value.signal)),
                histogram: Some(Dec(p.value.histogram)),
                upper: None,
                lower: None,
            })
            .collect(),
        IndicatorKind::Bollinger => {
            indicators::bollinger(candles, period, Decimal::from(BOLLINGER_K))?
                .into_iter()
                .map(|p| IndicatorPoint {
                    start: p.start.into(),
                    value: Dec(p.value.middle),
                    signal: None,
                    histogram: None,
                    upper: Some(Dec(p.value.upper)),
                    lower: Some(Dec(p.value.lower)),
                })
                .collect()
        }
    })
}
