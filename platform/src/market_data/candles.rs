//! OHLC candles from a symbol's trades. Candles start at whole multiples of
//! their interval since the Unix epoch (UTC), so every client sees the same
//! buckets whenever it asks; an interval without trades has no candle.

use marketlab_actors::types::{Money, Timestamp};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CandleInterval {
    M1,
    M5,
    M15,
    H1,
    D1,
}

impl CandleInterval {
    pub fn seconds(self) -> i64 {
        match self {
            CandleInterval::M1 => 60,
            CandleInterval::M5 => 5 * 60,
            CandleInterval::M15 => 15 * 60,
            CandleInterval::H1 => 60 * 60,
            CandleInterval::D1 => 24 * 60 * 60,
        }
    }

    /// The start of the candle `at` falls in. With it a caller can tell
    /// which trades the last `limit` candles may need: those from
    /// `start_of(now) - (limit - 1) x interval` on.
    pub fn start_of(self, at: Timestamp) -> Timestamp {
        let length = self.seconds() * Timestamp::NANOS_PER_SEC;
        Timestamp(at.0.div_euclid(length) * length)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TradePoint {
    pub at: Timestamp,
    pub price: Money,
    pub quantity: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CandleView {
    pub start: Timestamp,
    pub open: Money,
    pub high: Money,
    pub low: Money,
    pub close: Money,
    pub volume: u64,
}

/// The last `limit` candles of `trades` (which must be in ascending time
/// order), oldest first. Trades at the same instant count in slice order.
pub fn build_candles(
    trades: &[TradePoint],
    interval: CandleInterval,
    limit: usize,
) -> Vec<CandleView> {
    let mut candles: Vec<CandleView> = Vec::with_capacity(limit.min(trades.len()));
    // Newest first, so that trades older than the candles asked for are
    // never looked at.
    for trade in trades.iter().rev() {
        let start = interval.start_of(trade.at);
        match candles.last_mut() {
            Some(candle) if candle.start == start => {
                candle.open = trade.price;
                candle.high = candle.high.max(trade.price);
                candle.low = candle.low.min(trade.price);
                candle.volume += trade.quantity;
            }
            newer => {
                debug_assert!(
                    newer.is_none_or(|c| start < c.start),
                    "trades must be in ascending time order"
                );
                if candles.len() == limit {
                    break;
                }
                candles.push(CandleView {
                    start,
                    open: trade.price,
                    high: trade.price,
                    low: trade.price,
                    close: trade.price,
                    volume: trade.quantity,
                });
            }
        }
    }
    candles.reverse();
    candles
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    const ALL: [CandleInterval; 5] = [
        CandleInterval::M1,
        CandleInterval::M5,
        CandleInterval::M15,
        CandleInterval::H1,
        CandleInterval::D1,
    ];

    fn at_seconds(seconds: i64) -> Timestamp {
        Timestamp(seconds * Timestamp::NANOS_PER_SEC)
    }

    fn trade(seconds: i64, cents: i64, quantity: u64) -> TradePoint {
        TradePoint {
            at: at_seconds(seconds),
            price: Money(cents),
            quantity,
        }
    }

    fn candle(start: i64, ohlc: [i64; 4], volume: u64) -> CandleView {
        CandleView {
            start: at_seconds(start),
            open: Money(ohlc[0]),
            high: Money(ohlc[1]),
            low: Money(ohlc[2]),
            close: Money(ohlc[3]),
            volume,
        }
    }

    #[test]
    fn buckets_align_to_the_epoch_in_utc() {
        // 2026-01-01T00:00:00Z
        let midnight = 1_767_225_600;
        let day = CandleInterval::D1;
        assert_eq!(
            day.start_of(at_seconds(midnight + 86_399)),
            at_seconds(midnight)
        );
        assert_eq!(day.start_of(at_seconds(midnight)), at_seconds(midnight));
        assert_eq!(
            CandleInterval::M15.start_of(at_seconds(midnight + 901)),
            at_seconds(midnight + 900)
        );
        // Before the epoch a bucket still starts at or before the instant.
        assert_eq!(CandleInterval::M1.start_of(Timestamp(-1)), at_seconds(-60));
    }

    #[test]
    fn one_minute_candles_by_hand() {
        let trades = [
            trade(60, 1000, 5),
            trade(61, 1010, 1),
            trade(100, 990, 2),
            trade(119, 1005, 3),
            // 120..180 has no trade and so no candle.
            trade(185, 1100, 7),
            trade(185, 1090, 1),
        ];
        let candles = build_candles(&trades, CandleInterval::M1, 10);
        assert_eq!(
            candles,
            [
                candle(60, [1000, 1010, 990, 1005], 11),
                candle(180, [1100, 1100, 1090, 1090], 8),
            ]
        );
        assert_eq!(
            build_candles(&trades, CandleInterval::M1, 1),
            [candle(180, [1100, 1100, 1090, 1090], 8)]
        );
        assert!(build_candles(&trades, CandleInterval::M1, 0).is_empty());
        assert_eq!(
            build_candles(&trades, CandleInterval::M5, 10),
            [candle(0, [1000, 1100, 990, 1090], 19)]
        );
        assert!(build_candles(&[], CandleInterval::H1, 10).is_empty());
    }

    #[test]
    fn interval_lengths() {
        assert_eq!(
            ALL.map(CandleInterval::seconds),
            [60, 300, 900, 3_600, 86_400]
        );
    }

    /// The same candles the slow way: every trade into its bucket.
    fn model(trades: &[TradePoint], interval: CandleInterval, limit: usize) -> Vec<CandleView> {
        let mut buckets: BTreeMap<Timestamp, Vec<&TradePoint>> = BTreeMap::new();
        for trade in trades {
            buckets
                .entry(interval.start_of(trade.at))
                .or_default()
                .push(trade);
        }
        let all: Vec<CandleView> = buckets
            .into_iter()
            .map(|(start, ts)| CandleView {
                start,
                open: ts[0].price,
                high: ts.iter().map(|t| t.price).max().unwrap(),
                low: ts.iter().map(|t| t.price).min().unwrap(),
                close: ts[ts.len() - 1].price,
                volume: ts.iter().map(|t| t.quantity).sum(),
            })
            .collect();
        all[all.len().saturating_sub(limit)..].to_vec()
    }

    proptest! {
        #[test]
        fn candles_agree_with_their_trades(
            start in -10_000_000i64..10_000_000,
            steps in prop::collection::vec((0i64..400_000_000_000, 1i64..100_000, 1u64..1_000), 0..200),
            interval in prop::sample::select(ALL.to_vec()),
            limit in 0usize..12,
        ) {
            let mut at = start * Timestamp::NANOS_PER_SEC;
            let trades: Vec<TradePoint> = steps
                .iter()
                .map(|&(gap, cents, quantity)| {
                    at += gap;
                    TradePoint { at: Timestamp(at), price: Money(cents), quantity }
                })
                .collect();
            let candles = build_candles(&trades, interval, limit);
            prop_assert_eq!(&candles, &model(&trades, interval, limit));
            prop_assert!(candles.len() <= limit);
            let length = interval.seconds() * Timestamp::NANOS_PER_SEC;
            for pair in candles.windows(2) {
                prop_assert!(pair[0].start < pair[1].start);
            }
            for c in &candles {
                prop_assert_eq!(c.start.0.rem_euclid(length), 0);
                prop_assert!(c.high >= c.open.max(c.close) && c.low <= c.open.min(c.close));
                let volume: u64 = trades
                    .iter()
                    .filter(|t| t.at >= c.start && t.at.0 < c.start.0 + length)
                    .map(|t| t.quantity)
                    .sum();
                prop_assert_eq!(c.volume, volume);
            }
            if let (Some(last_trade), Some(last)) = (trades.last(), candles.last()) {
                prop_assert_eq!(last.close, last_trade.price);
                prop_assert_eq!(last.start, interval.start_of(last_trade.at));
            }
        }
    }
}
