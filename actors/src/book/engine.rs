//! The matching engine of one company: validation, price-time matching,
//! self-trade prevention, stops and their cascades, cancels, reductions and
//! expiry. Pure and synchronous: commands in, events out (into a buffer the
//! caller owns and reuses, so the hot path does not allocate).

use std::collections::VecDeque;

use super::config::{BookConfig, PriceBand, StpPolicy, check_order};
use super::events::{BookError, BookEvent, CancelReason, RejectReason, Trade};
use super::id_index::{IdIndex, Location};
use super::ladder::{Ladder, NIL};
use super::order::{NewOrder, PendingStop, RestingOrder, TimeInForce};
use super::snapshot::{L1, L2, LevelView};
use super::stops::StopBook;
use crate::types::{AccountId, OrderId, Price, Quantity, Side};

/// An order about to match: a new market or limit order, or a stop that
/// just fired.
#[derive(Debug, Clone, Copy)]
struct Active {
    id: OrderId,
    account: AccountId,
    side: Side,
    /// `None` for a market order.
    limit: Option<Price>,
    tif: TimeInForce,
    quantity: Quantity,
}

#[derive(Debug)]
pub struct OrderBook {
    config: BookConfig,
    band: Option<(Price, Price)>,
    halted: bool,
    sequence: u64,
    last_price: Option<Price>,
    ladder: Ladder,
    stops: StopBook,
    index: IdIndex,
    /// Stops that fired and wait their turn to execute, in firing order.
    cascade: VecDeque<PendingStop>,
    /// Scratch space for the stops one trade fires.
    fired: Vec<PendingStop>,
}

impl OrderBook {
    pub fn new(config: BookConfig) -> OrderBook {
        OrderBook::with_capacity(config, 1024)
    }

    /// A book with room for `orders` resting orders before it allocates.
    pub fn with_capacity(config: BookConfig, orders: usize) -> OrderBook {
        OrderBook {
            band: config.band.map(PriceBand::limits),
            config,
            halted: false,
            sequence: 0,
            last_price: None,
            ladder: Ladder::with_capacity(orders),
            stops: StopBook::default(),
            index: IdIndex::with_capacity(orders),
            cascade: VecDeque::with_capacity(64),
            fired: Vec::with_capacity(64),
        }
    }

    pub fn config(&self) -> &BookConfig {
        &self.config
    }

    /// The last sequence number handed out (0 for a book that never changed).
    pub fn sequence(&self) -> u64 {
        self.sequence
    }

    pub fn last_price(&self) -> Option<Price> {
        self.last_price
    }

    pub fn is_halted(&self) -> bool {
        self.halted
    }

    /// The lowest and highest admissible prices, when the book has a band.
    pub fn band_limits(&self) -> Option<(Price, Price)> {
        self.band
    }

    pub fn best_bid(&self) -> Option<Price> {
        self.ladder.best_price(Side::Buy)
    }

    pub fn best_ask(&self) -> Option<Price> {
        self.ladder.best_price(Side::Sell)
    }

    /// Stop matching; cancels and reductions are still accepted.
    pub fn halt(&mut self) {
        self.halted = true;
    }

    pub fn resume(&mut self) {
        self.halted = false;
    }

    /// A new band, e.g. around the previous close at the start of a session.
    pub fn set_band(&mut self, band: Option<PriceBand>) {
        self.config.band = band;
        self.band = band.map(PriceBand::limits);
    }

    fn next_seq(&mut self) -> u64 {
        self.sequence += 1;
        self.sequence
    }

    /// Place an order. A rejection is reported as a `Rejected` event and
    /// changes nothing.
    pub fn submit(&mut self, order: NewOrder, out: &mut Vec<BookEvent>) {
        if let Err(reason) = self.validate(&order) {
            out.push(BookEvent::Rejected {
                id: order.id,
                account: order.account,
                reason,
            });
            return;
        }
        let seq = self.next_seq();
        out.push(BookEvent::Accepted {
            seq,
            id: order.id,
            account: order.account,
        });
        match order.kind.trigger_price() {
            Some(trigger) => {
                let stop = PendingStop {
                    id: order.id,
                    account: order.account,
                    side: order.side,
                    trigger,
                    limit: order.kind.limit_price(),
                    tif: order.tif,
                    remaining: order.quantity,
                    accepted_seq: seq,
                };
                // A stop whose trigger the last trade already reached fires
                // at once rather than waiting for the next print.
                if self.last_price.is_some_and(|last| stop.fires_at(last)) {
                    self.cascade.push_back(stop);
                } else {
                    self.stops.insert(stop);
                    self.index.insert(order.id, Location::Stop);
                }
            }
            None => self.execute(
                Active {
                    id: order.id,
                    account: order.account,
                    side: order.side,
                    limit: order.kind.limit_price(),
                    tif: order.tif,
                    quantity: order.quantity,
                },
                out,
            ),
        }
        self.run_cascade(out);
    }

    fn validate(&self, order: &NewOrder) -> Result<(), RejectReason> {
        if self.halted {
            return Err(RejectReason::Halted);
        }
        check_order(
            order.kind,
            order.quantity,
            self.config.max_order_quantity,
            self.band,
        )?;
        if self.index.contains(order.id) {
            return Err(RejectReason::DuplicateOrderId);
        }
        Ok(())
    }

    /// Match an order against the book, then rest, cancel or kill what is left.
    fn execute(&mut self, order: Active, out: &mut Vec<BookEvent>) {
        // A market order is collared by the band: it never trades beyond it.
        let limit = order.limit.or(match (order.side, self.band) {
            (_, None) => None,
            (Side::Buy, Some((_, high))) => Some(high),
            (Side::Sell, Some((low, _))) => Some(low),
        });
        if order.tif == TimeInForce::Fok && self.fillable(&order, limit) < order.quantity {
            let seq = self.next_seq();
            out.push(BookEvent::Cancelled {
                seq,
                id: order.id,
                account: order.account,
                remaining: order.quantity,
                reason: CancelReason::FillOrKill,
            });
            return;
        }
        let (remaining, stopped_by_stp) = self.match_order(&order, limit, out);
        if remaining.is_zero() {
            return;
        }
        let reason = if stopped_by_stp {
            Some(CancelReason::SelfTrade)
        } else if order.limit.is_none() {
            Some(CancelReason::NoLiquidity)
        } else {
            match order.tif {
                TimeInForce::Ioc | TimeInForce::Fok => Some(CancelReason::ImmediateOrCancel),
                TimeInForce::Gtc | TimeInForce::Day => None,
            }
        };
        match (reason, order.limit) {
            (Some(reason), _) => {
                let seq = self.next_seq();
                out.push(BookEvent::Cancelled {
                    seq,
                    id: order.id,
                    account: order.account,
                    remaining,
                    reason,
                });
            }
            (None, Some(price)) => {
                let priority_seq = self.next_seq();
                let slot = self.ladder.insert(RestingOrder {
                    id: order.id,
                    account: order.account,
                    side: order.side,
                    price,
                    remaining,
                    tif: order.tif,
                    priority_seq,
                });
                self.index.insert(order.id, Location::Resting(slot));
                out.push(BookEvent::Rested {
                    seq: priority_seq,
                    id: order.id,
                    account: order.account,
                    side: order.side,
                    price,
                    quantity: remaining,
                });
                let level = self.ladder.slot(slot).level;
                self.emit_level(order.side, level, out);
            }
            (None, None) => unreachable!("a market order never rests"),
        }
    }

    /// How much of `order` could fill right now within `limit`, with
    /// self-trade prevention applied as matching would apply it.
    fn fillable(&self, order: &Active, limit: Option<Price>) -> Quantity {
        let mut total = Quantity::ZERO;
        for level in self.ladder.levels(order.side.opposite()) {
            if !crosses(order.side, limit, level.price) {
                break;
            }
            for maker in self.ladder.orders_at(level) {
                if maker.account == order.account {
                    if self.config.stp == StpPolicy::CancelResting {
                        continue;
                    }
                    return total;
                }
                total += maker.remaining;
                if total >= order.quantity {
                    return total;
                }
            }
        }
        total
    }

    /// Trade against resting orders, best price first, oldest first. Returns
    /// what is left and whether self-trade prevention stopped the order.
    fn match_order(
        &mut self,
        order: &Active,
        limit: Option<Price>,
        out: &mut Vec<BookEvent>,
    ) -> (Quantity, bool) {
        let opposite = order.side.opposite();
        let mut remaining = order.quantity;
        while !remaining.is_zero() {
            let Some(level) = self.ladder.best(opposite) else {
                break;
            };
            let price = self.ladder.level(level).price;
            if !crosses(order.side, limit, price) {
                break;
            }
            let mut cursor = self.ladder.level(level).head;
            let mut touched = false;
            let mut stp_stop = false;
            while cursor != NIL && !remaining.is_zero() {
                let maker = *self.ladder.slot(cursor);
                let next = maker.next;
                if maker.account == order.account {
                    match self.config.stp {
                        StpPolicy::CancelResting => {
                            self.cancel_slot(cursor, CancelReason::SelfTrade, out);
                            touched = true;
                        }
                        StpPolicy::CancelIncoming => stp_stop = true,
                        StpPolicy::CancelBoth => {
                            self.cancel_slot(cursor, CancelReason::SelfTrade, out);
                            touched = true;
                            stp_stop = true;
                        }
                    }
                    if stp_stop {
                        break;
                    }
                } else {
                    let quantity = remaining.min(maker.remaining);
                    remaining -= quantity;
                    // A maker filled completely is unlinked at once: no need
                    // to write its remaining quantity first.
                    let maker_remaining = if quantity == maker.remaining {
                        self.ladder.remove(cursor);
                        self.index.remove(maker.id);
                        Quantity::ZERO
                    } else {
                        self.ladder.take(cursor, quantity)
                    };
                    let seq = self.next_seq();
                    out.push(BookEvent::Trade(Trade {
                        seq,
                        price,
                        quantity,
                        aggressor: order.side,
                        taker: order.id,
                        taker_account: order.account,
                        maker: maker.id,
                        maker_account: maker.account,
                        taker_remaining: remaining,
                        maker_remaining,
                    }));
                    touched = true;
                    self.last_price = Some(price);
                    self.fire_stops(price);
                }
                cursor = next;
            }
            if touched {
                self.emit_level(opposite, level, out);
            }
            if stp_stop {
                return (remaining, true);
            }
        }
        (remaining, false)
    }

    /// Queue the stops a trade at `price` fires, in the order they were placed.
    fn fire_stops(&mut self, price: Price) {
        self.stops.drain_fired(price, &mut self.fired);
        if self.fired.is_empty() {
            return;
        }
        self.fired.sort_unstable_by_key(|s| s.accepted_seq);
        for stop in self.fired.drain(..) {
            self.index.remove(stop.id);
            self.cascade.push_back(stop);
        }
    }

    /// Execute fired stops one after the other; their trades may fire more,
    /// which join the back of the queue.
    fn run_cascade(&mut self, out: &mut Vec<BookEvent>) {
        while let Some(stop) = self.cascade.pop_front() {
            let seq = self.next_seq();
            out.push(BookEvent::Triggered {
                seq,
                id: stop.id,
                account: stop.account,
            });
            self.execute(
                Active {
                    id: stop.id,
                    account: stop.account,
                    side: stop.side,
                    limit: stop.limit,
                    tif: stop.tif,
                    quantity: stop.remaining,
                },
                out,
            );
        }
    }

    fn cancel_slot(&mut self, slot: u32, reason: CancelReason, out: &mut Vec<BookEvent>) {
        let s = self.ladder.remove(slot);
        self.index.remove(s.id);
        let seq = self.next_seq();
        out.push(BookEvent::Cancelled {
            seq,
            id: s.id,
            account: s.account,
            remaining: s.remaining,
            reason,
        });
    }

    /// Report a level's new state. `level` may have just been dropped: its
    /// slot keeps the price and reads zero until a later insert reuses it.
    fn emit_level(&mut self, side: Side, level: u32, out: &mut Vec<BookEvent>) {
        let seq = self.next_seq();
        let level = self.ladder.level(level);
        out.push(BookEvent::LevelChanged {
            seq,
            side,
            price: level.price,
            quantity: level.quantity,
            orders: level.orders,
        });
    }

    /// Cancel a live order (resting or waiting for its trigger).
    pub fn cancel(&mut self, id: OrderId, out: &mut Vec<BookEvent>) -> Result<(), BookError> {
        self.remove_order(id, CancelReason::Requested, out)
    }

    fn remove_order(
        &mut self,
        id: OrderId,
        reason: CancelReason,
        out: &mut Vec<BookEvent>,
    ) -> Result<(), BookError> {
        match self.index.get(id) {
            None => Err(BookError::UnknownOrder(id)),
            Some(Location::Resting(slot)) => {
                let (side, level) = {
                    let s = self.ladder.slot(slot);
                    (s.side, s.level)
                };
                self.cancel_slot(slot, reason, out);
                self.emit_level(side, level, out);
                Ok(())
            }
            Some(Location::Stop) => {
                let stop = self.stops.remove(id).ok_or(BookError::UnknownOrder(id))?;
                self.index.remove(id);
                let seq = self.next_seq();
                out.push(BookEvent::Cancelled {
                    seq,
                    id,
                    account: stop.account,
                    remaining: stop.remaining,
                    reason,
                });
                Ok(())
            }
        }
    }

    /// Lower a live order's quantity by `by`, keeping its place in the queue.
    /// Reducing by all that is left cancels it.
    pub fn reduce(
        &mut self,
        id: OrderId,
        by: Quantity,
        out: &mut Vec<BookEvent>,
    ) -> Result<(), BookError> {
        if by.is_zero() {
            return Err(BookError::ZeroReduction);
        }
        let remaining = match self.index.get(id) {
            None => return Err(BookError::UnknownOrder(id)),
            Some(Location::Resting(slot)) => self.ladder.slot(slot).remaining,
            Some(Location::Stop) => {
                self.stops
                    .get(id)
                    .ok_or(BookError::UnknownOrder(id))?
                    .remaining
            }
        };
        if by >= remaining {
            return self.remove_order(id, CancelReason::Requested, out);
        }
        let (account, side_level) = match self.index.get(id) {
            Some(Location::Resting(slot)) => {
                self.ladder.take(slot, by);
                let s = self.ladder.slot(slot);
                (s.account, Some((s.side, s.level)))
            }
            _ => {
                let stop = self
                    .stops
                    .reduce(id, by)
                    .ok_or(BookError::UnknownOrder(id))?;
                (stop.account, None)
            }
        };
        let seq = self.next_seq();
        out.push(BookEvent::Reduced {
            seq,
            id,
            account,
            by,
            remaining: remaining - by,
        });
        if let Some((side, level)) = side_level {
            self.emit_level(side, level, out);
        }
        Ok(())
    }

    /// The session closed: every DAY order, resting or waiting, expires, in
    /// the order of their time priority.
    pub fn expire_day_orders(&mut self, out: &mut Vec<BookEvent>) {
        self.remove_where(|tif| tif == TimeInForce::Day, None, out);
    }

    /// Remove every order (for delisting), in the order of their time priority.
    pub fn cancel_all(&mut self, reason: CancelReason, out: &mut Vec<BookEvent>) {
        self.remove_where(|_| true, Some(reason), out);
    }

    /// Remove the orders whose time in force matches: expired when `reason`
    /// is `None`, cancelled with it otherwise.
    fn remove_where(
        &mut self,
        matches: impl Fn(TimeInForce) -> bool,
        reason: Option<CancelReason>,
        out: &mut Vec<BookEvent>,
    ) {
        let mut doomed: Vec<(u64, OrderId)> = self
            .ladder
            .live_slots()
            .filter(|(_, s)| matches(s.tif))
            .map(|(_, s)| (s.priority_seq, s.id))
            .chain(
                self.stops
                    .iter()
                    .filter(|s| matches(s.tif))
                    .map(|s| (s.accepted_seq, s.id)),
            )
            .collect();
        doomed.sort_unstable();
        for (_, id) in doomed {
            match reason {
                Some(reason) => {
                    // Every id was just read from the book, so it is live.
                    let _ = self.remove_order(id, reason, out);
                }
                None => self.expire(id, out),
            }
        }
    }

    fn expire(&mut self, id: OrderId, out: &mut Vec<BookEvent>) {
        let (account, remaining, level) = match self.index.remove(id) {
            Some(Location::Resting(slot)) => {
                let s = self.ladder.remove(slot);
                (s.account, s.remaining, Some((s.side, s.level)))
            }
            Some(Location::Stop) => match self.stops.remove(id) {
                Some(stop) => (stop.account, stop.remaining, None),
                None => return,
            },
            None => return,
        };
        let seq = self.next_seq();
        out.push(BookEvent::Expired {
            seq,
            id,
            account,
            remaining,
        });
        if let Some((side, level)) = level {
            self.emit_level(side, level, out);
        }
    }

    /// Top of book.
    pub fn l1(&self) -> L1 {
        let view = |side| {
            self.ladder.best(side).map(|l| {
                let level = self.ladder.level(l);
                LevelView {
                    price: level.price,
                    quantity: level.quantity,
                    orders: level.orders,
                }
            })
        };
        L1 {
            sequence: self.sequence,
            bid: view(Side::Buy),
            ask: view(Side::Sell),
            last: self.last_price,
        }
    }

    /// Aggregated depth, up to `depth` levels a side, best first.
    pub fn l2(&self, depth: usize) -> L2 {
        let side = |side| {
            self.ladder
                .levels(side)
                .take(depth)
                .map(|l| LevelView {
                    price: l.price,
                    quantity: l.quantity,
                    orders: l.orders,
                })
                .collect()
        };
        L2 {
            sequence: self.sequence,
            bids: side(Side::Buy),
            asks: side(Side::Sell),
        }
    }

    /// Every resting order of a side in priority order (L3).
    pub fn resting_orders(&self, side: Side) -> impl Iterator<Item = RestingOrder> + '_ {
        self.ladder
            .levels(side)
            .flat_map(move |level| self.ladder.orders_at(level).map(|s| s.view()))
    }

    /// A live order: resting, or waiting for its trigger.
    pub fn resting_order(&self, id: OrderId) -> Option<RestingOrder> {
        match self.index.get(id)? {
            Location::Resting(slot) => Some(self.ladder.slot(slot).view()),
            Location::Stop => None,
        }
    }

    /// Stops waiting for their trigger, in the order they were placed.
    pub fn pending_stops(&self) -> Vec<PendingStop> {
        let mut stops: Vec<PendingStop> = self.stops.iter().copied().collect();
        stops.sort_unstable_by_key(|s| s.accepted_seq);
        stops
    }

    /// Live orders, resting or waiting.
    pub fn live_orders(&self) -> usize {
        self.index.len()
    }

    /// Live ids the index holds in its hash map rather than its window.
    #[cfg(test)]
    pub(super) fn ids_in_hash_map(&self) -> usize {
        self.index.sparse_len()
    }

    /// Put a resting order back at the end of its level's queue (restore).
    pub(super) fn put_back(&mut self, order: RestingOrder) -> Result<(), String> {
        if order.remaining.is_zero() || order.price.0 <= 0 {
            return Err(format!("order {} cannot rest: {order:?}", order.id));
        }
        if self.index.contains(order.id) {
            return Err(format!("order {} is restored twice", order.id));
        }
        let slot = self.ladder.insert(order);
        self.index.insert(order.id, Location::Resting(slot));
        Ok(())
    }

    /// Put a waiting stop back (restore).
    pub(super) fn put_back_stop(&mut self, stop: PendingStop) -> Result<(), String> {
        if stop.remaining.is_zero() || self.index.contains(stop.id) {
            return Err(format!("stop {} cannot wait: {stop:?}", stop.id));
        }
        self.stops.insert(stop);
        self.index.insert(stop.id, Location::Stop);
        Ok(())
    }

    pub(super) fn set_restored(&mut self, sequence: u64, last_price: Option<Price>, halted: bool) {
        self.sequence = sequence;
        self.last_price = last_price;
        self.halted = halted;
    }

    /// Checks every structural invariant; tests call it after each command.
    pub fn check_invariants(&self) -> Result<(), String> {
        let resting = self.ladder.check()?;
        self.stops.check()?;
        if let (Some(bid), Some(ask)) = (self.best_bid(), self.best_ask())
            && bid >= ask
        {
            return Err(format!("book crossed: bid {bid} >= ask {ask}"));
        }
        if self.index.len() != resting + self.stops.len() {
            return Err(format!(
                "index holds {} ids for {} resting and {} stops",
                self.index.len(),
                resting,
                self.stops.len()
            ));
        }
        for (slot, s) in self.ladder.live_slots() {
            match self.index.get(s.id) {
                Some(Location::Resting(at)) if at == slot => {}
                other => return Err(format!("order {} indexed as {other:?}", s.id)),
            }
        }
        for stop in self.stops.iter() {
            if !matches!(self.index.get(stop.id), Some(Location::Stop)) {
                return Err(format!("stop {} not indexed", stop.id));
            }
            if self.last_price.is_some_and(|last| stop.fires_at(last)) {
                return Err(format!("stop {} should have fired", stop.id));
            }
        }
        if !self.cascade.is_empty() || !self.fired.is_empty() {
            return Err("stops left mid-cascade".into());
        }
        Ok(())
    }
}

/// Whether an order on `side` with `limit` (None: any price) may trade with
/// a resting order at `price`.
fn crosses(side: Side, limit: Option<Price>, price: Price) -> bool {
    match (side, limit) {
        (_, None) => true,
        (Side::Buy, Some(limit)) => price <= limit,
        (Side::Sell, Some(limit)) => price >= limit,
    }
}
