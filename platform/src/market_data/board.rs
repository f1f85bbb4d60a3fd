//! The market board: per symbol, the aggregated depth and the session's
//! trading statistics, kept from the books' event streams.
//!
//! A book numbers every change, and the board follows each book by that
//! number. Events it already has (after a restore from a snapshot that
//! overlaps the stream) are skipped, so nothing counts twice; a number that
//! is missing means events were lost, and [`Applied::gap`] tells the caller
//! to restore from a fresh snapshot. Levels arrive as absolute totals, so a
//! restore replaces them wholesale. Statistics come from trades only and
//! survive a restore, but trades lost in a gap are not in them.

use std::collections::HashMap;

use marketlab_actors::book::{BookEvent, BookUpdate, DepthLadder, L2, LevelView, Trade};
use marketlab_actors::types::{Money, Price, Quantity, Side, Symbol, TickSize, Timestamp};
use rust_decimal::Decimal;

/// Quotes and depth for every listed symbol.
#[derive(Debug, Default)]
pub struct MarketBoard {
    symbols: HashMap<Symbol, SymbolBoard>,
}

/// A symbol's quote: prices in money, `None` where there is nothing yet
/// (no order on that side, no trade this session, no reference price).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuoteView {
    pub symbol: Symbol,
    pub bid: Option<Money>,
    pub ask: Option<Money>,
    pub last: Option<Money>,
    pub open: Option<Money>,
    pub high: Option<Money>,
    pub low: Option<Money>,
    /// Shares traded this session.
    pub volume: Quantity,
    /// Trades this session.
    pub trades: u64,
    /// `last - reference`.
    pub change: Option<Money>,
    /// `change / reference x 100`, rounded half to even to two places.
    pub change_percent: Option<Decimal>,
    /// When the last trade printed.
    pub at: Option<Timestamp>,
    /// The book's sequence number the board has reached.
    pub sequence: u64,
}

/// Aggregated depth, best first: `(price, quantity, orders)` per level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepthView {
    pub sequence: u64,
    pub bids: Vec<(Money, Quantity, u32)>,
    pub asks: Vec<(Money, Quantity, u32)>,
}

/// A trade the board took in, priced in money, for the caller to publish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TradePrint {
    pub seq: u64,
    pub price: Money,
    pub quantity: Quantity,
    pub aggressor: Side,
    pub at: Timestamp,
}

/// What one update changed on the board.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// The best bid or best ask price moved (or appeared, or went).
    pub top_changed: bool,
    /// At least one price level changed.
    pub depth_changed: bool,
    /// The update's new trades, in book order.
    pub trades: Vec<TradePrint>,
    /// Sequence numbers were skipped before or inside this update: events
    /// were lost and the depth cannot be trusted until a restore.
    pub gap: bool,
}

impl Applied {
    /// Whether anything a [`QuoteView`] shows changed.
    pub fn quote_changed(&self) -> bool {
        self.top_changed || !self.trades.is_empty()
    }
}

#[derive(Debug)]
struct SymbolBoard {
    tick: TickSize,
    reference: Option<Money>,
    sequence: u64,
    depth: DepthLadder,
    session: Session,
    /// The last price before this session's first trade (carried over a
    /// restart from the book), so a quote has a last price at once.
    carried_last: Option<Price>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Session {
    prices: Option<Ohlc>,
    volume: Quantity,
    trades: u64,
    last_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Copy)]
struct Ohlc {
    open: Price,
    high: Price,
    low: Price,
    last: Price,
}

impl MarketBoard {
    /// Put `symbol` on the board with nothing on it yet; a symbol listed
    /// again starts over. `reference` is the price change is measured from
    /// (the IPO price at listing, later the previous close).
    pub fn add_symbol(&mut self, symbol: Symbol, tick: TickSize, reference: Option<Money>) {
        self.symbols.insert(
            symbol,
            SymbolBoard {
                tick,
                reference,
                sequence: 0,
                depth: DepthLadder::default(),
                session: Session::default(),
                carried_last: None,
            },
        );
    }

    /// The price `symbol`'s change is measured from, if it has one.
    pub fn reference(&self, symbol: Symbol) -> Option<Money> {
        self.symbols.get(&symbol).and_then(|board| board.reference)
    }

    /// The last price the book printed before the board started watching
    /// it (after a restart); this session's trades take over from it.
    pub fn carry_last_price(&mut self, symbol: Symbol, last: Price) {
        if let Some(board) = self.symbols.get_mut(&symbol) {
            board.carried_last = Some(last);
        }
    }

    /// The symbols on the board, alphabetically.
    pub fn symbols(&self) -> Vec<Symbol> {
        let mut symbols: Vec<Symbol> = self.symbols.keys().copied().collect();
        symbols.sort_unstable_by(|a, b| a.as_str().cmp(b.as_str()));
        symbols
    }

    /// Replace a symbol's depth with a snapshot of its book, which must hold
    /// every level (`l2(usize::MAX)`): levels the snapshot leaves out would
    /// never be heard of until they change. Refused (false) for a symbol not
    /// on the board, or a snapshot older than what the board already has,
    /// which would make it take in events twice.
    pub fn restore(&mut self, symbol: Symbol, l2: &L2) -> bool {
        let Some(board) = self.symbols.get_mut(&symbol) else {
            return false;
        };
        if l2.sequence < board.sequence {
            return false;
        }
        board.depth.reset(l2);
        board.sequence = l2.sequence;
        true
    }

    /// Take in one update of a book. `None` when its symbol is not on the
    /// board.
    pub fn apply(&mut self, update: &BookUpdate) -> Option<Applied> {
        let board = self.symbols.get_mut(&update.symbol)?;
        let top_before = board.top();
        let mut applied = Applied::default();
        for event in &update.events {
            let Some(seq) = event.seq() else {
                continue;
            };
            if seq <= board.sequence {
                continue;
            }
            if seq > board.sequence + 1 {
                applied.gap = true;
            }
            board.sequence = seq;
            match *event {
                BookEvent::LevelChanged {
                    side,
                    price,
                    quantity,
                    orders,
                    ..
                } => {
                    board.depth.set(side, price, quantity, orders);
                    applied.depth_changed = true;
                }
                BookEvent::Trade(trade) => {
                    applied.trades.push(board.record_trade(&trade, update.at));
                }
                BookEvent::Accepted { .. }
                | BookEvent::Rejected { .. }
                | BookEvent::Cancelled { .. }
                | BookEvent::Rested { .. }
                | BookEvent::Reduced { .. }
                | BookEvent::Expired { .. }
                | BookEvent::Triggered { .. } => {}
            }
        }
        applied.top_changed = board.top() != top_before;
        Some(applied)
    }

    pub fn quote(&self, symbol: Symbol) -> Option<QuoteView> {
        let board = self.symbols.get(&symbol)?;
        let money = |price: Price| board.tick.to_money(price);
        let (bid, ask) = board.top();
        let prices = board.session.prices;
        let last = prices.map(|p| p.last).or(board.carried_last).map(money);
        let change = last.zip(board.reference).map(|(last, r)| last - r);
        let change_percent = change
            .zip(board.reference)
            .filter(|(_, reference)| reference.0 > 0)
            .map(|(change, reference)| percent(change, reference));
        Some(QuoteView {
            symbol,
            bid: bid.map(money),
            ask: ask.map(money),
            last,
            open: prices.map(|p| money(p.open)),
            high: prices.map(|p| money(p.high)),
            low: prices.map(|p| money(p.low)),
            volume: board.session.volume,
            trades: board.session.trades,
            change,
            change_percent,
            at: board.session.last_at,
            sequence: board.sequence,
        })
    }

    /// Up to `levels` levels a side, best first.
    pub fn depth(&self, symbol: Symbol, levels: usize) -> Option<DepthView> {
        let board = self.symbols.get(&symbol)?;
        let row = |l: &LevelView| (board.tick.to_money(l.price), l.quantity, l.orders);
        Some(DepthView {
            sequence: board.sequence,
            bids: board.depth.bids().take(levels).map(row).collect(),
            asks: board.depth.asks().take(levels).map(row).collect(),
        })
    }

    /// What must hold of a board that missed nothing. The books never
    /// cross, so a crossed board means an event was lost.
    pub fn check_invariants(&self) -> Result<(), String> {
        for (symbol, board) in &self.symbols {
            let (bids, asks) = (board.depth.bids(), board.depth.asks());
            for (side, level) in bids.map(|l| ("bid", l)).chain(asks.map(|l| ("ask", l))) {
                let LevelView {
                    price,
                    quantity,
                    orders,
                } = level;
                if price.0 <= 0 || *orders == 0 || quantity.0 < u64::from(*orders) {
                    return Err(format!(
                        "{symbol}: {side} level {price} holds {quantity} shares in {orders} orders"
                    ));
                }
            }
            if let (Some(bid), Some(ask)) = board.top()
                && bid >= ask
            {
                return Err(format!("{symbol}: crossed, bid {bid} >= ask {ask}"));
            }
            let session = &board.session;
            match session.prices {
                None if session.trades != 0 || !session.volume.is_zero() => {
                    return Err(format!("{symbol}: volume without prices"));
                }
                Some(p)
                    if p.low > p.open.min(p.last)
                        || p.high < p.open.max(p.last)
                        || session.trades == 0 =>
                {
                    return Err(format!("{symbol}: inconsistent session {p:?}"));
                }
                _ => {}
            }
        }
        Ok(())
    }
}

impl SymbolBoard {
    /// The best bid and the best ask.
    fn top(&self) -> (Option<Price>, Option<Price>) {
        self.depth.top()
    }

    fn record_trade(&mut self, trade: &Trade, at: Timestamp) -> TradePrint {
        let price = trade.price;
        let session = &mut self.session;
        session.prices = Some(match session.prices {
            None => Ohlc {
                open: price,
                high: price,
                low: price,
                last: price,
            },
            Some(p) => Ohlc {
                high: p.high.max(price),
                low: p.low.min(price),
                last: price,
                ..p
            },
        });
        session.volume += trade.quantity;
        session.trades += 1;
        session.last_at = Some(at);
        TradePrint {
            seq: trade.seq,
            price: self.tick.to_money(price),
            quantity: trade.quantity,
            aggressor: trade.aggressor,
            at,
        }
    }
}

/// `change / reference x 100` to two places, rounded half to even, in
/// integers: a decimal division would round once at its own precision
/// before the final rounding. `reference` must be positive.
fn percent(change: Money, reference: Money) -> Decimal {
    let numerator = i128::from(change.0) * 10_000;
    let denominator = i128::from(reference.0);
    let floor = numerator.div_euclid(denominator);
    let twice_remainder = 2 * numerator.rem_euclid(denominator);
    let hundredths = match twice_remainder.cmp(&denominator) {
        std::cmp::Ordering::Less => floor,
        std::cmp::Ordering::Greater => floor + 1,
        std::cmp::Ordering::Equal => floor + floor.rem_euclid(2),
    };
    Decimal::from_i128_with_scale(hundredths, 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use marketlab_actors::book::{BookConfig, NewOrder, OrderBook, OrderKind, TimeInForce};
    use marketlab_actors::types::{AccountId, BookId, OrderId};
    use proptest::prelude::*;

    fn acme() -> Symbol {
        Symbol::new("ACME").unwrap()
    }

    fn nickel() -> TickSize {
        TickSize::new(Money(5)).unwrap()
    }

    fn update(at: i64, events: Vec<BookEvent>) -> BookUpdate {
        BookUpdate {
            book: BookId(1),
            symbol: acme(),
            at: Timestamp(at),
            events,
        }
    }

    fn order(
        id: u64,
        account: u64,
        side: Side,
        kind: OrderKind,
        tif: TimeInForce,
        qty: u64,
    ) -> NewOrder {
        NewOrder {
            id: OrderId(id),
            account: AccountId(account),
            side,
            kind,
            tif,
            quantity: Quantity(qty),
        }
    }

    fn limit(price: i64) -> OrderKind {
        OrderKind::Limit {
            price: Price(price),
        }
    }

    /// A real book and a board that follows it; after every command the
    /// board must show exactly the book's depth.
    struct Mirror {
        book: OrderBook,
        board: MarketBoard,
        clock: i64,
        updates: Vec<BookUpdate>,
    }

    impl Mirror {
        fn new() -> Mirror {
            let mut board = MarketBoard::default();
            board.add_symbol(acme(), nickel(), Some(Money(1000)));
            Mirror {
                book: OrderBook::new(BookConfig::default()),
                board,
                clock: 0,
                updates: Vec::new(),
            }
        }

        /// Run a command on the book alone; its update is kept.
        fn record(
            &mut self,
            command: impl FnOnce(&mut OrderBook, &mut Vec<BookEvent>),
        ) -> BookUpdate {
            let mut events = Vec::new();
            command(&mut self.book, &mut events);
            self.book.check_invariants().unwrap();
            self.clock += Timestamp::NANOS_PER_SEC;
            let update = update(self.clock, events);
            self.updates.push(update.clone());
            update
        }

        fn run(&mut self, command: impl FnOnce(&mut OrderBook, &mut Vec<BookEvent>)) -> Applied {
            let update = self.record(command);
            let applied = self.board.apply(&update).unwrap();
            assert!(!applied.gap, "{update:?}");
            self.assert_mirrors();
            applied
        }

        fn submit(&mut self, order: NewOrder) -> Applied {
            self.run(|book, out| book.submit(order, out))
        }

        fn rest(&mut self, id: u64, side: Side, price: i64, qty: u64) -> Applied {
            self.submit(order(id, id, side, limit(price), TimeInForce::Gtc, qty))
        }

        fn assert_mirrors(&self) {
            for levels in [1, 3, usize::MAX] {
                assert_eq!(
                    self.board.depth(acme(), levels).unwrap(),
                    expected_depth(&self.book.l2(levels), nickel())
                );
            }
            let quote = self.board.quote(acme()).unwrap();
            let money = |p: Option<Price>| p.map(|p| nickel().to_money(p));
            assert_eq!(quote.bid, money(self.book.best_bid()));
            assert_eq!(quote.ask, money(self.book.best_ask()));
            assert_eq!(quote.last, money(self.book.last_price()));
            assert_eq!(quote.sequence, self.book.sequence());
            self.board.check_invariants().unwrap();
        }
    }

    fn expected_depth(l2: &L2, tick: TickSize) -> DepthView {
        let rows = |levels: &[LevelView]| {
            levels
                .iter()
                .map(|l| (tick.to_money(l.price), l.quantity, l.orders))
                .collect()
        };
        DepthView {
            sequence: l2.sequence,
            bids: rows(&l2.bids),
            asks: rows(&l2.asks),
        }
    }

    #[test]
    fn depth_follows_the_book_through_every_kind_of_command() {
        let mut m = Mirror::new();
        m.rest(1, Side::Buy, 200, 10);
        m.rest(2, Side::Buy, 199, 5);
        m.rest(3, Side::Buy, 200, 7);
        m.rest(4, Side::Sell, 202, 4);
        m.rest(5, Side::Sell, 203, 6);
        m.rest(6, Side::Sell, 205, 9);
        // Sweeps two ask levels and rests the rest as the new best bid.
        let sweep = m.submit(order(7, 7, Side::Buy, limit(203), TimeInForce::Gtc, 15));
        assert_eq!(sweep.trades.len(), 2);
        assert!(sweep.top_changed && sweep.depth_changed);
        m.submit(order(
            8,
            8,
            Side::Sell,
            OrderKind::Market,
            TimeInForce::Ioc,
            8,
        ));
        m.submit(order(9, 9, Side::Sell, limit(199), TimeInForce::Ioc, 100));
        m.submit(order(
            10,
            10,
            Side::Buy,
            limit(205),
            TimeInForce::Fok,
            1_000,
        ));
        m.submit(order(11, 11, Side::Buy, limit(205), TimeInForce::Fok, 3));
        m.submit(order(
            12,
            12,
            Side::Buy,
            OrderKind::Stop {
                trigger: Price(207),
            },
            TimeInForce::Gtc,
            2,
        ));
        m.rest(13, Side::Sell, 207, 2);
        m.rest(19, Side::Sell, 209, 5);
        m.rest(14, Side::Buy, 190, 5);
        m.run(|book, out| book.reduce(OrderId(14), Quantity(2), out).unwrap());
        // Its trade at 207 fires the stop, which buys at 209.
        let fired = m.submit(order(15, 15, Side::Buy, limit(207), TimeInForce::Gtc, 8));
        assert!(fired.trades.iter().any(|t| t.price == Money(1045)));
        // Self-trade prevention cancels the account's own resting order.
        m.submit(order(16, 14, Side::Sell, limit(190), TimeInForce::Gtc, 1));
        m.submit(order(17, 17, Side::Sell, limit(220), TimeInForce::Day, 3));
        m.run(|book, out| book.expire_day_orders(out));
        m.run(|book, out| book.cancel(OrderId(16), out).unwrap());
        m.submit(order(18, 18, Side::Sell, limit(0), TimeInForce::Gtc, 1));
        m.run(|book, out| {
            book.cancel_all(marketlab_actors::book::CancelReason::Administrative, out)
        });
        let depth = m.board.depth(acme(), usize::MAX).unwrap();
        assert!(depth.bids.is_empty() && depth.asks.is_empty());
    }

    #[test]
    fn top_changed_only_when_a_best_price_moves() {
        let mut m = Mirror::new();
        assert!(m.rest(1, Side::Buy, 200, 10).top_changed);
        let deeper = m.rest(2, Side::Buy, 199, 10);
        assert!(deeper.depth_changed && !deeper.top_changed && !deeper.quote_changed());
        let same_price = m.rest(3, Side::Buy, 200, 10);
        assert!(same_price.depth_changed && !same_price.top_changed);
        assert!(m.rest(4, Side::Sell, 201, 10).top_changed);
        let partial = m.submit(order(5, 5, Side::Sell, limit(200), TimeInForce::Ioc, 5));
        assert!(!partial.top_changed && partial.quote_changed());
        assert_eq!(
            partial.trades,
            vec![TradePrint {
                seq: partial.trades[0].seq,
                price: Money(1000),
                quantity: Quantity(5),
                aggressor: Side::Sell,
                at: Timestamp(m.clock),
            }]
        );
    }

    #[test]
    fn a_carried_last_price_shows_until_the_first_trade() {
        let mut m = Mirror::new();
        m.board.carry_last_price(acme(), Price(10_250));
        let quote = m.board.quote(acme()).unwrap();
        assert_eq!(quote.last, Some(nickel().to_money(Price(10_250))));
        assert_eq!(quote.open, None);
    }

    #[test]
    fn session_statistics_by_hand() {
        let mut m = Mirror::new();
        let quote = m.board.quote(acme()).unwrap();
        assert_eq!(
            (quote.last, quote.open, quote.change, quote.change_percent),
            (None, None, None, None)
        );
        assert_eq!(
            (quote.volume, quote.trades, quote.at),
            (Quantity(0), 0, None)
        );
        m.rest(1, Side::Sell, 202, 5); // 10.10
        m.rest(2, Side::Buy, 198, 3); // 9.90
        m.submit(order(3, 3, Side::Buy, limit(202), TimeInForce::Ioc, 5));
        m.submit(order(4, 4, Side::Sell, limit(198), TimeInForce::Ioc, 3));
        m.rest(5, Side::Sell, 201, 2); // 10.05
        m.submit(order(
            6,
            6,
            Side::Buy,
            OrderKind::Market,
            TimeInForce::Ioc,
            2,
        ));
        let quote = m.board.quote(acme()).unwrap();
        assert_eq!(quote.open, Some(Money(1010)));
        assert_eq!(quote.high, Some(Money(1010)));
        assert_eq!(quote.low, Some(Money(990)));
        assert_eq!(quote.last, Some(Money(1005)));
        assert_eq!(quote.volume, Quantity(10));
        assert_eq!(quote.trades, 3);
        assert_eq!(quote.change, Some(Money(5)));
        assert_eq!(quote.change_percent, Some(Decimal::new(50, 2)));
        assert_eq!(quote.at, Some(Timestamp(m.clock)));
        assert_eq!((quote.bid, quote.ask), (None, None));
    }

    #[test]
    fn no_change_without_a_reference() {
        let mut board = MarketBoard::default();
        board.add_symbol(acme(), TickSize::CENT, None);
        let trade = Trade {
            seq: 1,
            price: Price(1234),
            quantity: Quantity(1),
            aggressor: Side::Buy,
            taker: OrderId(1),
            taker_account: AccountId(1),
            maker: OrderId(2),
            maker_account: AccountId(2),
            taker_remaining: Quantity(0),
            maker_remaining: Quantity(0),
        };
        board
            .apply(&update(5, vec![BookEvent::Trade(trade)]))
            .unwrap();
        let quote = board.quote(acme()).unwrap();
        assert_eq!(quote.last, Some(Money(1234)));
        assert_eq!((quote.change, quote.change_percent), (None, None));
    }

    #[test]
    fn change_percent_rounds_half_to_even() {
        let cases = [
            (1, 800, 12),   // 0.125
            (3, 800, 38),   // 0.375
            (-1, 800, -12), // -0.125
            (-3, 800, -38), // -0.375
            (1, 3, 3333),   // 33.333...
            (2, 3, 6667),   // 66.666...
            (-2, 3, -6667), // -66.666...
            (0, 1000, 0),
            (-1000, 1000, -10000),
        ];
        for (change, reference, hundredths) in cases {
            assert_eq!(
                percent(Money(change), Money(reference)),
                Decimal::new(hundredths, 2),
                "{change} / {reference}"
            );
        }
    }

    #[test]
    fn restore_then_overlapping_updates_count_once() {
        let mut m = Mirror::new();
        m.rest(1, Side::Sell, 202, 5);
        m.rest(2, Side::Buy, 198, 3);
        m.submit(order(3, 3, Side::Buy, limit(202), TimeInForce::Ioc, 2));
        let snapshot = m.book.l2(usize::MAX);
        m.submit(order(4, 4, Side::Buy, limit(202), TimeInForce::Ioc, 1));
        m.rest(5, Side::Buy, 199, 4);

        let mut late = MarketBoard::default();
        late.add_symbol(acme(), nickel(), Some(Money(1000)));
        assert!(late.restore(acme(), &snapshot));
        assert_eq!(
            late.depth(acme(), usize::MAX).unwrap(),
            expected_depth(&snapshot, nickel())
        );
        // The first three updates are all in the snapshot; the fourth and
        // fifth arrive as one update straddling nothing new, then again.
        let mut merged = m.updates[3].clone();
        merged.events.extend(m.updates[4].events.iter().copied());
        for update in &m.updates[..3] {
            assert_eq!(late.apply(update), Some(Applied::default()));
        }
        let applied = late.apply(&merged).unwrap();
        assert!(!applied.gap);
        assert_eq!(applied.trades.len(), 1);
        assert_eq!(late.apply(&m.updates[4]), Some(Applied::default()));
        assert_eq!(
            late.depth(acme(), usize::MAX),
            m.board.depth(acme(), usize::MAX)
        );
        // Only the trade after the snapshot counts.
        let quote = late.quote(acme()).unwrap();
        assert_eq!((quote.volume, quote.trades), (Quantity(1), 1));
        late.check_invariants().unwrap();
    }

    #[test]
    fn a_missing_sequence_number_is_a_gap_until_restored() {
        let mut m = Mirror::new();
        let mut board = MarketBoard::default();
        board.add_symbol(acme(), nickel(), None);
        let first = m.record(|book, out| {
            book.submit(order(1, 1, Side::Buy, limit(200), TimeInForce::Gtc, 5), out)
        });
        let _lost = m.record(|book, out| {
            book.submit(
                order(2, 2, Side::Sell, limit(205), TimeInForce::Gtc, 5),
                out,
            )
        });
        let third = m.record(|book, out| {
            book.submit(order(3, 3, Side::Buy, limit(201), TimeInForce::Gtc, 5), out)
        });
        assert!(!board.apply(&first).unwrap().gap);
        assert!(board.apply(&third).unwrap().gap);
        assert_ne!(
            board.depth(acme(), usize::MAX).unwrap(),
            expected_depth(&m.book.l2(usize::MAX), nickel())
        );
        assert!(board.restore(acme(), &m.book.l2(usize::MAX)));
        assert_eq!(
            board.depth(acme(), usize::MAX).unwrap(),
            expected_depth(&m.book.l2(usize::MAX), nickel())
        );
        let fourth = m.record(|book, out| book.cancel(OrderId(3), out).unwrap());
        assert!(!board.apply(&fourth).unwrap().gap);
        assert_eq!(
            board.depth(acme(), usize::MAX).unwrap(),
            expected_depth(&m.book.l2(usize::MAX), nickel())
        );
    }

    #[test]
    fn a_stale_snapshot_is_refused() {
        let mut m = Mirror::new();
        let stale = m.book.l2(usize::MAX);
        m.rest(1, Side::Buy, 200, 5);
        assert!(!m.board.restore(acme(), &stale));
        m.assert_mirrors();
        assert!(!m.board.restore(Symbol::new("NONE").unwrap(), &stale));
    }

    #[test]
    fn unknown_symbols_are_not_on_the_board() {
        let mut board = MarketBoard::default();
        assert_eq!(board.apply(&update(1, Vec::new())), None);
        assert_eq!(board.quote(acme()), None);
        assert_eq!(board.depth(acme(), 5), None);
        board.add_symbol(Symbol::new("ZED").unwrap(), TickSize::CENT, None);
        board.add_symbol(acme(), TickSize::CENT, None);
        assert_eq!(
            board
                .symbols()
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>(),
            ["ACME", "ZED"]
        );
    }

    #[test]
    fn a_crossed_board_breaks_the_invariants() {
        let mut board = MarketBoard::default();
        board.add_symbol(acme(), TickSize::CENT, None);
        let level = |price| LevelView {
            price: Price(price),
            quantity: Quantity(1),
            orders: 1,
        };
        let crossed = L2 {
            sequence: 9,
            bids: vec![level(101)],
            asks: vec![level(101)],
        };
        assert!(board.restore(acme(), &crossed));
        assert!(board.check_invariants().unwrap_err().contains("crossed"));
    }

    #[derive(Debug, Clone)]
    enum Command {
        Order {
            account: u64,
            side: Side,
            kind: OrderKind,
            tif: TimeInForce,
            quantity: u64,
        },
        Cancel(u64),
        Reduce(u64, u64),
        Expire,
    }

    fn command() -> impl Strategy<Value = Command> {
        let side = prop_oneof![Just(Side::Buy), Just(Side::Sell)];
        let tif = prop_oneof![
            4 => Just(TimeInForce::Gtc),
            2 => Just(TimeInForce::Day),
            1 => Just(TimeInForce::Ioc),
            1 => Just(TimeInForce::Fok),
        ];
        let kind = prop_oneof![
            8 => (95i64..=105).prop_map(limit),
            1 => Just(OrderKind::Market),
            1 => (95i64..=105).prop_map(|t| OrderKind::Stop { trigger: Price(t) }),
            1 => (95i64..=105, 95i64..=105)
                .prop_map(|(t, p)| OrderKind::StopLimit { trigger: Price(t), price: Price(p) }),
        ];
        prop_oneof![
            8 => (1u64..=4, side, kind, tif, 1u64..=30).prop_map(
                |(account, side, kind, tif, quantity)| Command::Order {
                    account,
                    side,
                    kind,
                    tif,
                    quantity
                }
            ),
            2 => (1u64..=60).prop_map(Command::Cancel),
            1 => (1u64..=60, 1u64..=10).prop_map(|(id, by)| Command::Reduce(id, by)),
            1 => Just(Command::Expire),
        ]
    }

    proptest! {
        #[test]
        fn depth_follows_random_order_flow(commands in prop::collection::vec(command(), 1..60)) {
            let mut m = Mirror::new();
            for (n, command) in commands.into_iter().enumerate() {
                let id = n as u64 + 1;
                match command {
                    Command::Order { account, side, kind, tif, quantity } => {
                        m.submit(order(id, account, side, kind, tif, quantity));
                    }
                    Command::Cancel(id) => {
                        m.run(|book, out| {
                            let _ = book.cancel(OrderId(id), out);
                        });
                    }
                    Command::Reduce(id, by) => {
                        m.run(|book, out| {
                            let _ = book.reduce(OrderId(id), Quantity(by), out);
                        });
                    }
                    Command::Expire => {
                        m.run(|book, out| book.expire_day_orders(out));
                    }
                }
            }
            let traded: u64 = m
                .updates
                .iter()
                .flat_map(|u| &u.events)
                .filter_map(|e| match e {
                    BookEvent::Trade(t) => Some(t.quantity.0),
                    _ => None,
                })
                .sum();
            prop_assert_eq!(m.board.quote(acme()).unwrap().volume, Quantity(traded));
        }
    }
}
