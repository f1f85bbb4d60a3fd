//! What live bots know of one listing, kept up to date from its book's
//! updates: the aggregated depth (from the book's `LevelChanged` events),
//! the last price, recent trades and one-minute candles. Pure: the bot host
//! feeds it book updates and hands every bot the same [`SymbolView`] built
//! from it, rebuilt only after something changed.

use std::collections::VecDeque;
use std::sync::Arc;

use super::view::{Candle, Financials, Level, SymbolView, TradeView};
use crate::book::{BookEvent, DepthLadder, L2, LevelView};
use crate::types::{Money, Price, Symbol, TickSize, Timestamp};

/// How much history a watch keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WatchLimits {
    /// Levels per side a bot sees.
    pub depth: usize,
    /// Recent trades a bot sees.
    pub trades: usize,
    /// Recent one-minute candles a bot sees.
    pub candles: usize,
}

impl Default for WatchLimits {
    fn default() -> WatchLimits {
        WatchLimits {
            depth: 10,
            trades: 50,
            candles: 60,
        }
    }
}

const CANDLE_NANOS: i64 = 60 * Timestamp::NANOS_PER_SEC;

/// The watch missed book updates (its feed lagged): it needs a fresh
/// depth snapshot ([`SymbolWatch::reset`]) before it can go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("missed book updates: expected sequence {expected}, got {got}")]
pub struct Gap {
    pub expected: u64,
    pub got: u64,
}

#[derive(Debug, Clone)]
pub struct SymbolWatch {
    symbol: Symbol,
    tick: TickSize,
    limits: WatchLimits,
    sequence: u64,
    depth: DepthLadder,
    last: Option<Money>,
    trades: VecDeque<TradeView>,
    candles: VecDeque<Candle>,
    financials: Arc<[Financials]>,
    shares_outstanding: u64,
    /// The true value of a live scenario's fundamental process (each bot
    /// sees it through its own noise).
    fundamental: Option<Money>,
    /// The view as of the last change; `None` once something changed.
    built: Option<Arc<SymbolView>>,
}

impl SymbolWatch {
    pub fn new(symbol: Symbol, tick: TickSize, limits: WatchLimits) -> SymbolWatch {
        SymbolWatch {
            symbol,
            tick,
            limits,
            sequence: 0,
            depth: DepthLadder::default(),
            last: None,
            trades: VecDeque::new(),
            candles: VecDeque::new(),
            financials: Arc::from([]),
            shares_outstanding: 0,
            fundamental: None,
            built: None,
        }
    }

    pub fn symbol(&self) -> Symbol {
        self.symbol
    }

    pub fn tick(&self) -> TickSize {
        self.tick
    }

    /// The book's sequence number this watch has applied up to.
    pub fn sequence(&self) -> u64 {
        self.sequence
    }

    /// Start (again) from a full depth snapshot and the book's last price;
    /// trades and candles seen so far are kept.
    pub fn reset(&mut self, depth: &L2, last: Option<Price>) {
        self.sequence = depth.sequence;
        self.depth.reset(depth);
        if let Some(last) = last {
            self.last = Some(self.tick.to_money(last));
        }
        self.built = None;
    }

    /// What the company published, for value bots.
    pub fn set_financials(&mut self, financials: Vec<Financials>, shares_outstanding: u64) {
        self.financials = financials.into();
        self.shares_outstanding = shares_outstanding;
        self.built = None;
    }

    /// A live scenario moved the listing's fundamental value.
    pub fn set_fundamental(&mut self, value: Option<Money>) {
        self.fundamental = value;
        self.built = None;
    }

    /// Apply one book command's events, stamped `at`. Events the watch has
    /// already applied (at or below its sequence) are skipped, so a snapshot
    /// taken after subscribing lines up with the stream. Answers the trades
    /// among them.
    pub fn apply(&mut self, at: Timestamp, events: &[BookEvent]) -> Result<Vec<TradeView>, Gap> {
        let mut trades = Vec::new();
        for event in events {
            let Some(seq) = event.seq() else { continue };
            if seq <= self.sequence {
                continue;
            }
            if seq != self.sequence + 1 {
                return Err(Gap {
                    expected: self.sequence + 1,
                    got: seq,
                });
            }
            self.sequence = seq;
            match *event {
                BookEvent::LevelChanged {
                    side,
                    price,
                    quantity,
                    orders,
                    ..
                } => {
                    self.depth.set(side, price, quantity, orders);
                    self.built = None;
                }
                BookEvent::Trade(trade) => {
                    let seen = TradeView {
                        symbol: self.symbol,
                        at,
                        price: self.tick.to_money(trade.price),
                        quantity: trade.quantity,
                        aggressor: trade.aggressor,
                    };
                    self.record_trade(seen);
                    trades.push(seen);
                }
                _ => {}
            }
        }
        Ok(trades)
    }

    fn record_trade(&mut self, trade: TradeView) {
        self.last = Some(trade.price);
        if self.trades.len() == self.limits.trades {
            self.trades.pop_front();
        }
        self.trades.push_back(trade);
        let start = Timestamp(trade.at.0 - trade.at.0.rem_euclid(CANDLE_NANOS));
        match self.candles.back_mut() {
            Some(candle) if candle.start == start => {
                candle.high = candle.high.max(trade.price);
                candle.low = candle.low.min(trade.price);
                candle.close = trade.price;
                candle.volume += trade.quantity.0;
            }
            _ => {
                if self.candles.len() == self.limits.candles {
                    self.candles.pop_front();
                }
                self.candles.push_back(Candle {
                    start,
                    open: trade.price,
                    high: trade.price,
                    low: trade.price,
                    close: trade.price,
                    volume: trade.quantity.0,
                });
            }
        }
        self.built = None;
    }

    /// The listing as a bot sees it now; every bot shares one copy until
    /// the next change.
    pub fn view(&mut self) -> Arc<SymbolView> {
        if let Some(view) = &self.built {
            return Arc::clone(view);
        }
        let level = |l: &LevelView| Level {
            price: self.tick.to_money(l.price),
            quantity: l.quantity,
        };
        let view = Arc::new(SymbolView {
            tick: self.tick,
            bids: self
                .depth
                .bids()
                .take(self.limits.depth)
                .map(level)
                .collect(),
            asks: self
                .depth
                .asks()
                .take(self.limits.depth)
                .map(level)
                .collect(),
            last: self.last,
            recent_trades: self.trades.iter().copied().collect(),
            candles: self.candles.iter().copied().collect(),
            financials: Arc::clone(&self.financials),
            shares_outstanding: self.shares_outstanding,
            fundamental: self.fundamental,
        });
        self.built = Some(Arc::clone(&view));
        view
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::Trade;
    use crate::types::{AccountId, OrderId, Quantity, Side};

    fn acme() -> SymbolWatch {
        SymbolWatch::new(
            Symbol::new("ACME").unwrap(),
            TickSize::CENT,
            WatchLimits {
                depth: 2,
                trades: 2,
                candles: 2,
            },
        )
    }

    fn level(seq: u64, side: Side, price: i64, quantity: u64) -> BookEvent {
        BookEvent::LevelChanged {
            seq,
            side,
            price: Price(price),
            quantity: Quantity(quantity),
            orders: 1,
        }
    }

    fn trade(seq: u64, price: i64, quantity: u64) -> BookEvent {
        BookEvent::Trade(Trade {
            seq,
            price: Price(price),
            quantity: Quantity(quantity),
            aggressor: Side::Buy,
            taker: OrderId(1),
            taker_account: AccountId(1),
            maker: OrderId(2),
            maker_account: AccountId(2),
            taker_remaining: Quantity(0),
            maker_remaining: Quantity(0),
        })
    }

    fn at_secs(secs: i64) -> Timestamp {
        Timestamp(secs * Timestamp::NANOS_PER_SEC)
    }

    #[test]
    fn depth_follows_level_changes_best_first_and_capped() {
        let mut watch = acme();
        let events = [
            level(1, Side::Buy, 9_900, 10),
            level(2, Side::Buy, 9_950, 5),
            level(3, Side::Buy, 9_800, 7),
            level(4, Side::Sell, 10_100, 3),
            level(5, Side::Sell, 10_050, 4),
            level(6, Side::Buy, 9_950, 0),
        ];
        watch.apply(at_secs(0), &events).unwrap();
        let view = watch.view();
        let prices = |levels: &[Level]| levels.iter().map(|l| l.price.0).collect::<Vec<_>>();
        assert_eq!(prices(&view.bids), [9_900, 9_800]);
        assert_eq!(prices(&view.asks), [10_050, 10_100]);
        assert_eq!(view.best_bid(), Some(Money(9_900)));
        assert_eq!(watch.sequence(), 6);
    }

    #[test]
    fn a_snapshot_lines_up_with_the_stream_and_a_gap_is_reported() {
        let mut watch = acme();
        watch.reset(
            &L2 {
                sequence: 10,
                bids: vec![LevelView {
                    price: Price(9_000),
                    quantity: Quantity(1),
                    orders: 1,
                }],
                asks: vec![],
            },
            Some(Price(9_100)),
        );
        // Already in the snapshot: skipped.
        watch
            .apply(at_secs(0), &[level(10, Side::Buy, 9_000, 99)])
            .unwrap();
        assert_eq!(watch.view().bids[0].quantity, Quantity(1));
        assert_eq!(watch.view().last, Some(Money(9_100)));
        assert_eq!(
            watch.apply(at_secs(0), &[level(12, Side::Sell, 9_500, 1)]),
            Err(Gap {
                expected: 11,
                got: 12
            })
        );
        assert_eq!(watch.sequence(), 10);
    }

    #[test]
    fn trades_make_the_last_price_recent_trades_and_minute_candles() {
        let mut watch = acme();
        watch.apply(at_secs(5), &[trade(1, 10_000, 10)]).unwrap();
        watch.apply(at_secs(30), &[trade(2, 10_200, 5)]).unwrap();
        let seen = watch
            .apply(at_secs(59), &[trade(3, 9_900, 1), trade(4, 10_100, 2)])
            .unwrap();
        assert_eq!(seen.len(), 2);
        watch.apply(at_secs(61), &[trade(5, 10_300, 4)]).unwrap();
        let view = watch.view();
        assert_eq!(view.last, Some(Money(10_300)));
        // Two kept, oldest first.
        let trades: Vec<_> = view.recent_trades.iter().map(|t| t.price.0).collect();
        assert_eq!(trades, [10_100, 10_300]);
        assert_eq!(
            view.candles[0],
            Candle {
                start: at_secs(0),
                open: Money(10_000),
                high: Money(10_200),
                low: Money(9_900),
                close: Money(10_100),
                volume: 18,
            }
        );
        assert_eq!(view.candles[1].start, at_secs(60));
        assert_eq!(view.candles[1].volume, 4);
    }

    #[test]
    fn the_view_is_shared_until_something_changes() {
        let mut watch = acme();
        let first = watch.view();
        assert!(Arc::ptr_eq(&first, &watch.view()));
        watch
            .apply(at_secs(0), &[level(1, Side::Buy, 9_000, 1)])
            .unwrap();
        assert!(!Arc::ptr_eq(&first, &watch.view()));
    }

    #[test]
    fn a_new_fundamental_value_rebuilds_the_view() {
        let mut watch = acme();
        let first = watch.view();
        assert_eq!(first.fundamental, None);
        watch.set_fundamental(Some(Money(10_250)));
        assert_eq!(watch.view().fundamental, Some(Money(10_250)));
        assert!(!Arc::ptr_eq(&first, &watch.view()));
    }
}
