//! A deliberately naive order book with the semantics of
//! `marketlab_actors::book::OrderBook`, to test the fast one against. Every side is a
//! plain `Vec` kept in priority order, every lookup is a linear scan, and the
//! rules are written out in the most direct way, so that a disagreement
//! between the two books is far more likely to be a bug in the clever one.
//!
//! It emits the same `BookEvent`s as the fast book except that every `seq`
//! is 0 and it never emits `LevelChanged`: the differential test strips both
//! from the fast book's events before comparing, and checks the sequence
//! numbers and the level events on their own.

use std::collections::VecDeque;

use marketlab_actors::book::{
    BookError, BookEvent, CancelReason, LevelView, NewOrder, OrderKind, PendingStop, PriceBand,
    RejectReason, RestingOrder, StpPolicy, TimeInForce, Trade,
};
use marketlab_actors::types::{AccountId, OrderId, Price, Quantity, Side};

/// A resting order. `time` only orders orders; it is not a sequence number.
#[derive(Debug, Clone, Copy)]
struct Resting {
    id: OrderId,
    account: AccountId,
    side: Side,
    price: Price,
    remaining: Quantity,
    tif: TimeInForce,
    time: u64,
}

#[derive(Debug, Clone, Copy)]
struct Stop {
    id: OrderId,
    account: AccountId,
    side: Side,
    trigger: Price,
    limit: Option<Price>,
    tif: TimeInForce,
    remaining: Quantity,
    time: u64,
}

impl Stop {
    fn fires_at(&self, last: Price) -> bool {
        match self.side {
            Side::Buy => last >= self.trigger,
            Side::Sell => last <= self.trigger,
        }
    }
}

/// An order about to match: a new market or limit order, or a fired stop.
#[derive(Debug, Clone, Copy)]
struct Incoming {
    id: OrderId,
    account: AccountId,
    side: Side,
    limit: Option<Price>,
    tif: TimeInForce,
    quantity: Quantity,
}

#[derive(Debug)]
pub struct ReferenceBook {
    stp: StpPolicy,
    max_order_quantity: Quantity,
    band: Option<(Price, Price)>,
    halted: bool,
    last: Option<Price>,
    /// Best first: highest price first, then oldest first.
    bids: Vec<Resting>,
    /// Best first: lowest price first, then oldest first.
    asks: Vec<Resting>,
    /// In the order they were placed.
    stops: Vec<Stop>,
    /// Fired stops waiting for their turn.
    fired: VecDeque<Stop>,
    clock: u64,
}

/// Computed here rather than with `PriceBand::limits` so that the band
/// arithmetic is tested too.
fn band_limits(band: PriceBand) -> (Price, Price) {
    let reach = (i128::from(band.reference.0) * i128::from(band.percent_bps) / 10_000) as i64;
    let low = (band.reference.0 - reach).max(1);
    (Price(low), Price(band.reference.0 + reach))
}

fn crosses(side: Side, limit: Option<Price>, price: Price) -> bool {
    match (side, limit) {
        (_, None) => true,
        (Side::Buy, Some(limit)) => price <= limit,
        (Side::Sell, Some(limit)) => price >= limit,
    }
}

/// Whether `a` goes before `b` in its side's queue.
fn better(a: &Resting, b: &Resting) -> bool {
    let better_price = match a.side {
        Side::Buy => a.price > b.price,
        Side::Sell => a.price < b.price,
    };
    better_price || (a.price == b.price && a.time < b.time)
}

impl ReferenceBook {
    pub fn new(stp: StpPolicy, band: Option<PriceBand>, max_order_quantity: Quantity) -> Self {
        ReferenceBook {
            stp,
            max_order_quantity,
            band: band.map(band_limits),
            halted: false,
            last: None,
            bids: Vec::new(),
            asks: Vec::new(),
            stops: Vec::new(),
            fired: VecDeque::new(),
            clock: 0,
        }
    }

    pub fn halt(&mut self) {
        self.halted = true;
    }

    pub fn resume(&mut self) {
        self.halted = false;
    }

    pub fn set_band(&mut self, band: Option<PriceBand>) {
        self.band = band.map(band_limits);
    }

    pub fn last_price(&self) -> Option<Price> {
        self.last
    }

    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    fn side_mut(&mut self, side: Side) -> &mut Vec<Resting> {
        match side {
            Side::Buy => &mut self.bids,
            Side::Sell => &mut self.asks,
        }
    }

    fn is_live(&self, id: OrderId) -> bool {
        self.bids.iter().chain(&self.asks).any(|o| o.id == id)
            || self.stops.iter().any(|s| s.id == id)
    }

    fn validate(&self, order: &NewOrder) -> Result<(), RejectReason> {
        if self.halted {
            return Err(RejectReason::Halted);
        }
        if order.quantity.0 == 0 {
            return Err(RejectReason::ZeroQuantity);
        }
        if order.quantity > self.max_order_quantity {
            return Err(RejectReason::QuantityTooLarge {
                max: self.max_order_quantity,
            });
        }
        let prices = match order.kind {
            OrderKind::Market => vec![],
            OrderKind::Limit { price } => vec![price],
            OrderKind::Stop { trigger } => vec![trigger],
            OrderKind::StopLimit { trigger, price } => vec![price, trigger],
        };
        for price in prices {
            if price.0 <= 0 {
                return Err(RejectReason::PriceNotPositive);
            }
            if let Some((low, high)) = self.band
                && (price < low || price > high)
            {
                return Err(RejectReason::OutsideBand { price, low, high });
            }
        }
        if self.is_live(order.id) {
            return Err(RejectReason::DuplicateOrderId);
        }
        Ok(())
    }

    pub fn submit(&mut self, order: NewOrder, out: &mut Vec<BookEvent>) {
        if let Err(reason) = self.validate(&order) {
            out.push(BookEvent::Rejected {
                id: order.id,
                account: order.account,
                reason,
            });
            return;
        }
        out.push(BookEvent::Accepted {
            seq: 0,
            id: order.id,
            account: order.account,
        });
        let time = self.tick();
        let (trigger, limit) = match order.kind {
            OrderKind::Market => (None, None),
            OrderKind::Limit { price } => (None, Some(price)),
            OrderKind::Stop { trigger } => (Some(trigger), None),
            OrderKind::StopLimit { trigger, price } => (Some(trigger), Some(price)),
        };
        match trigger {
            Some(trigger) => {
                let stop = Stop {
                    id: order.id,
                    account: order.account,
                    side: order.side,
                    trigger,
                    limit,
                    tif: order.tif,
                    remaining: order.quantity,
                    time,
                };
                match self.last {
                    Some(last) if stop.fires_at(last) => self.fired.push_back(stop),
                    _ => self.stops.push(stop),
                }
            }
            None => self.execute(
                Incoming {
                    id: order.id,
                    account: order.account,
                    side: order.side,
                    limit,
                    tif: order.tif,
                    quantity: order.quantity,
                },
                time,
                out,
            ),
        }
        while let Some(stop) = self.fired.pop_front() {
            out.push(BookEvent::Triggered {
                seq: 0,
                id: stop.id,
                account: stop.account,
            });
            let time = self.tick();
            self.execute(
                Incoming {
                    id: stop.id,
                    account: stop.account,
                    side: stop.side,
                    limit: stop.limit,
                    tif: stop.tif,
                    quantity: stop.remaining,
                },
                time,
                out,
            );
        }
    }

    /// What `order` could fill now, walking the book as matching would:
    /// own orders are skipped when matching would cancel them and go on, and
    /// end the walk when matching would stop there.
    fn fillable(&self, order: &Incoming, limit: Option<Price>) -> u64 {
        let book = match order.side {
            Side::Buy => &self.asks,
            Side::Sell => &self.bids,
        };
        let mut total = 0;
        for maker in book {
            if !crosses(order.side, limit, maker.price) {
                break;
            }
            if maker.account == order.account {
                match self.stp {
                    StpPolicy::CancelResting => continue,
                    StpPolicy::CancelIncoming | StpPolicy::CancelBoth => break,
                }
            }
            total += maker.remaining.0;
        }
        total
    }

    fn execute(&mut self, order: Incoming, time: u64, out: &mut Vec<BookEvent>) {
        let limit = match (order.limit, order.side, self.band) {
            (Some(limit), _, _) => Some(limit),
            (None, _, None) => None,
            (None, Side::Buy, Some((_, high))) => Some(high),
            (None, Side::Sell, Some((low, _))) => Some(low),
        };
        if order.tif == TimeInForce::Fok && self.fillable(&order, limit) < order.quantity.0 {
            out.push(BookEvent::Cancelled {
                seq: 0,
                id: order.id,
                account: order.account,
                remaining: order.quantity,
                reason: CancelReason::FillOrKill,
            });
            return;
        }

        let stp = self.stp;
        let opposite = order.side.opposite();
        let mut remaining = order.quantity;
        let mut stopped_by_stp = false;
        // Whatever happens to the best maker, it either leaves the book or
        // ends the loop, so matching only ever looks at the front.
        while remaining.0 > 0 {
            let Some(&maker) = self.side_mut(opposite).first() else {
                break;
            };
            if !crosses(order.side, limit, maker.price) {
                break;
            }
            if maker.account == order.account {
                if stp != StpPolicy::CancelIncoming {
                    self.side_mut(opposite).remove(0);
                    out.push(BookEvent::Cancelled {
                        seq: 0,
                        id: maker.id,
                        account: maker.account,
                        remaining: maker.remaining,
                        reason: CancelReason::SelfTrade,
                    });
                }
                if stp == StpPolicy::CancelResting {
                    continue;
                }
                stopped_by_stp = true;
                break;
            }
            let quantity = remaining.min(maker.remaining);
            remaining.0 -= quantity.0;
            let maker_remaining = Quantity(maker.remaining.0 - quantity.0);
            if maker_remaining.0 == 0 {
                self.side_mut(opposite).remove(0);
            } else {
                self.side_mut(opposite)[0].remaining = maker_remaining;
            }
            out.push(BookEvent::Trade(Trade {
                seq: 0,
                price: maker.price,
                quantity,
                aggressor: order.side,
                taker: order.id,
                taker_account: order.account,
                maker: maker.id,
                maker_account: maker.account,
                taker_remaining: remaining,
                maker_remaining,
            }));
            self.last = Some(maker.price);
            // Fire in placement order: `stops` is kept in placement order.
            let (fire, wait): (Vec<Stop>, Vec<Stop>) =
                self.stops.iter().partition(|s| s.fires_at(maker.price));
            self.stops = wait;
            self.fired.extend(fire);
        }
        if remaining.0 == 0 {
            return;
        }

        let reason = if stopped_by_stp {
            Some(CancelReason::SelfTrade)
        } else if order.limit.is_none() {
            Some(CancelReason::NoLiquidity)
        } else if matches!(order.tif, TimeInForce::Ioc | TimeInForce::Fok) {
            Some(CancelReason::ImmediateOrCancel)
        } else {
            None
        };
        match (reason, order.limit) {
            (Some(reason), _) => out.push(BookEvent::Cancelled {
                seq: 0,
                id: order.id,
                account: order.account,
                remaining,
                reason,
            }),
            (None, Some(price)) => {
                let resting = Resting {
                    id: order.id,
                    account: order.account,
                    side: order.side,
                    price,
                    remaining,
                    tif: order.tif,
                    time,
                };
                let book = self.side_mut(order.side);
                let at = book
                    .iter()
                    .position(|o| better(&resting, o))
                    .unwrap_or(book.len());
                book.insert(at, resting);
                out.push(BookEvent::Rested {
                    seq: 0,
                    id: order.id,
                    account: order.account,
                    side: order.side,
                    price,
                    quantity: remaining,
                });
            }
            (None, None) => unreachable!("a market order always has a cancel reason"),
        }
    }

    /// Take a live order out of the book: its account and what was left.
    fn take(&mut self, id: OrderId) -> Option<(AccountId, Quantity)> {
        for side in [Side::Buy, Side::Sell] {
            let book = self.side_mut(side);
            if let Some(i) = book.iter().position(|o| o.id == id) {
                let o = book.remove(i);
                return Some((o.account, o.remaining));
            }
        }
        let i = self.stops.iter().position(|s| s.id == id)?;
        let s = self.stops.remove(i);
        Some((s.account, s.remaining))
    }

    fn remove(&mut self, id: OrderId, reason: CancelReason, out: &mut Vec<BookEvent>) -> bool {
        let Some((account, remaining)) = self.take(id) else {
            return false;
        };
        out.push(BookEvent::Cancelled {
            seq: 0,
            id,
            account,
            remaining,
            reason,
        });
        true
    }

    pub fn cancel(&mut self, id: OrderId, out: &mut Vec<BookEvent>) -> Result<(), BookError> {
        if self.remove(id, CancelReason::Requested, out) {
            Ok(())
        } else {
            Err(BookError::UnknownOrder(id))
        }
    }

    pub fn reduce(
        &mut self,
        id: OrderId,
        by: Quantity,
        out: &mut Vec<BookEvent>,
    ) -> Result<(), BookError> {
        if by.0 == 0 {
            return Err(BookError::ZeroReduction);
        }
        let (account, remaining) = {
            let mut resting = self.bids.iter_mut().chain(self.asks.iter_mut());
            match resting.find(|o| o.id == id) {
                Some(o) => (o.account, &mut o.remaining),
                None => match self.stops.iter_mut().find(|s| s.id == id) {
                    Some(s) => (s.account, &mut s.remaining),
                    None => return Err(BookError::UnknownOrder(id)),
                },
            }
        };
        if by >= *remaining {
            self.remove(id, CancelReason::Requested, out);
            return Ok(());
        }
        remaining.0 -= by.0;
        out.push(BookEvent::Reduced {
            seq: 0,
            id,
            account,
            by,
            remaining: *remaining,
        });
        Ok(())
    }

    /// Ids of the live orders whose time in force matches, oldest first.
    fn by_time(&self, matches: impl Fn(TimeInForce) -> bool) -> Vec<OrderId> {
        let mut all: Vec<(u64, OrderId)> = self
            .bids
            .iter()
            .chain(&self.asks)
            .filter(|o| matches(o.tif))
            .map(|o| (o.time, o.id))
            .chain(
                self.stops
                    .iter()
                    .filter(|s| matches(s.tif))
                    .map(|s| (s.time, s.id)),
            )
            .collect();
        all.sort();
        all.into_iter().map(|(_, id)| id).collect()
    }

    pub fn expire_day_orders(&mut self, out: &mut Vec<BookEvent>) {
        for id in self.by_time(|tif| tif == TimeInForce::Day) {
            if let Some((account, remaining)) = self.take(id) {
                out.push(BookEvent::Expired {
                    seq: 0,
                    id,
                    account,
                    remaining,
                });
            }
        }
    }

    pub fn cancel_all(&mut self, reason: CancelReason, out: &mut Vec<BookEvent>) {
        for id in self.by_time(|_| true) {
            self.remove(id, reason, out);
        }
    }

    /// Resting orders of a side in priority order; `priority_seq` is 0
    /// because this book has no sequence numbers.
    pub fn resting_orders(&self, side: Side) -> Vec<RestingOrder> {
        let book = match side {
            Side::Buy => &self.bids,
            Side::Sell => &self.asks,
        };
        book.iter()
            .map(|o| RestingOrder {
                id: o.id,
                account: o.account,
                side: o.side,
                price: o.price,
                remaining: o.remaining,
                tif: o.tif,
                priority_seq: 0,
            })
            .collect()
    }

    /// Waiting stops in placement order; `accepted_seq` is 0.
    pub fn pending_stops(&self) -> Vec<PendingStop> {
        self.stops
            .iter()
            .map(|s| PendingStop {
                id: s.id,
                account: s.account,
                side: s.side,
                trigger: s.trigger,
                limit: s.limit,
                tif: s.tif,
                remaining: s.remaining,
                accepted_seq: 0,
            })
            .collect()
    }

    /// Aggregated depth of a side, best first.
    pub fn depth(&self, side: Side) -> Vec<LevelView> {
        let mut levels: Vec<LevelView> = Vec::new();
        for o in self.resting_orders(side) {
            match levels.last_mut() {
                Some(level) if level.price == o.price => {
                    level.quantity.0 += o.remaining.0;
                    level.orders += 1;
                }
                _ => levels.push(LevelView {
                    price: o.price,
                    quantity: o.remaining,
                    orders: 1,
                }),
            }
        }
        levels
    }
}
