//! Technical indicators as the API shows them.

use async_graphql::{Enum, SimpleObject};

use crate::api::scalars::{DateTime, Dec};

/// SMA, EMA and RSI over `period` closes; MACD with Appel's 12, 26 and 9;
/// Bollinger bands of `period` closes at two standard deviations; VWAP of
/// the candles served, weighing each candle's typical price by its volume.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Enum)]
pub enum IndicatorKind {
    Sma,
    Ema,
    Rsi,
    Macd,
    Bollinger,
    Vwap,
}

/// One indicator over a symbol's candles.
#[derive(Debug, Clone, SimpleObject)]
pub struct IndicatorSeries {
    pub kind: IndicatorKind,
    /// Oldest first, one per candle from the first where it is defined.
    pub points: Vec<IndicatorPoint>,
}

/// An indicator's value at one candle, to four decimals.
#[derive(Debug, Clone, SimpleObject)]
pub struct IndicatorPoint {
    /// The candle's start.
    pub start: DateTime,
    /// The average, RSI (0 to 100), VWAP, the MACD line or the Bollinger
    /// middle band.
    pub value: Dec,
    /// MACD's signal line.
    pub signal: Option<Dec>,
    /// MACD minus its signal.
    pub histogram: Option<Dec>,
    /// Bollinger's upper band.
    pub upper: Option<Dec>,
    /// Bollinger's lower band.
    pub lower: Option<Dec>,
}
