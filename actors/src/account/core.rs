//! One account's trading state: its ledger (cash, reservations, holdings,
//! lots, gains) and its orders. It turns an order request into a reserved
//! order for the book, and the book's events into settlements. Pure: the
//! account actor and the scenario kernel both drive it.

use std::collections::{HashMap, VecDeque};

use super::changes::{AccountChanges, OrderChange, PositionChange};
use super::mandate::{Mandate, MandateBreach};
use super::order::{EndReason, FillRecord, OrderRecord, OrderStatus};
use super::risk::{RiskBreach, RiskCheck, RiskLimits};
use crate::book::{
    BookEvent, CancelReason, Listing, NewOrder, OrderKind, RejectReason, TimeInForce, Trade,
    check_order,
};
use crate::ledger::{self, FeeSchedule, LedgerEntry, LedgerError, Lot};
use crate::types::{AccountId, Money, OrderId, Price, Quantity, Side, Symbol, Timestamp, TradeId};

/// What a player asks for; prices are already in ticks of the listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRequest {
    pub symbol: Symbol,
    pub side: Side,
    pub kind: OrderKind,
    pub tif: TimeInForce,
    pub quantity: Quantity,
    /// Placing the same key twice returns the first order.
    pub client_order_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderError {
    #[error("{0}")]
    Invalid(RejectReason),
    #[error("market and stop buy orders need the company to have a price band")]
    NoProtectionPrice,
    #[error("client order id {0:?} is too long")]
    ClientOrderIdTooLong(String),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error("order {0} is not an order of this account")]
    UnknownOrder(OrderId),
    #[error("order {0} is no longer open")]
    NotOpen(OrderId),
    #[error("{0} has no order book")]
    UnknownSymbol(Symbol),
    #[error("the order book is not running")]
    BookUnavailable,
    #[error(transparent)]
    Risk(#[from] RiskBreach),
    #[error(transparent)]
    Mandate(#[from] MandateBreach),
    #[error("order {0} is being amended")]
    BeingAmended(OrderId),
    #[error("order {id} has {filled} shares filled: an amendment cannot take it to {quantity}")]
    BelowFilled {
        id: OrderId,
        filled: Quantity,
        quantity: Quantity,
    },
    #[error("an amendment keeps the order's symbol, side, type and time in force")]
    AmendChangesOrder,
}

/// The outcome of a request to place an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// Reserved and ready for the book.
    New(NewOrder),
    /// The client order id was used before: this is the order it placed.
    Existing(Box<OrderRecord>),
}

/// How many finished orders an account keeps in memory (the database keeps
/// them all).
const FINISHED_KEPT: usize = 256;
const MAX_CLIENT_ORDER_ID: usize = 64;

#[derive(Debug)]
pub struct AccountCore {
    ledger: ledger::Account,
    fees: FeeSchedule,
    /// Boxed: a table sized for a few orders holds a pointer, not a whole
    /// order, in each of its spare buckets.
    open: HashMap<OrderId, Box<OpenOrder>>,
    finished: VecDeque<OrderRecord>,
    finished_kept: usize,
    client_ids: HashMap<String, OrderId>,
    limits: RiskLimits,
    mandate: Mandate,
    /// Cancel-and-replace amendments waiting for their order's cancel, by
    /// the order they replace.
    amending: HashMap<OrderId, Amendment>,
    /// Amendments the book has settled, for the actor to act on.
    replacements: Vec<Replacement>,
    /// What changed since [`AccountCore::take_changes`] was last called.
    dirty: Dirty,
}

#[derive(Debug, Default)]
struct Dirty {
    any: bool,
    orders: Vec<OrderId>,
    symbols: Vec<Symbol>,
    fills: Vec<(OrderId, FillRecord)>,
}

impl Dirty {
    fn order(&mut self, id: OrderId, symbol: Symbol) {
        self.any = true;
        if !self.orders.contains(&id) {
            self.orders.push(id);
        }
        self.symbol(symbol);
    }

    fn symbol(&mut self, symbol: Symbol) {
        self.any = true;
        if !self.symbols.contains(&symbol) {
            self.symbols.push(symbol);
        }
    }
}

/// A replacement waiting for the order it replaces to be cancelled. What it
/// needs beyond what that order will give back is held under its own id
/// meanwhile, so the replacement always fits once the cancel lands.
#[derive(Debug)]
struct Amendment {
    replacement: OrderId,
    /// The replacement as asked for: its quantity is the amended order's
    /// new total, fills before the cancel included.
    request: OrderRequest,
    listing: Listing,
}

/// How an amendment ended once the book cancelled (or could not cancel) the
/// order it replaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replacement {
    /// The order that was amended.
    pub amended: OrderId,
    pub outcome: Result<ReplacementOutcome, OrderError>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplacementOutcome {
    /// Reserved and ready for the book.
    Placed(NewOrder),
    /// The amended order had filled its new total before its cancel: there
    /// is nothing left to replace it with.
    Complete(Box<OrderRecord>),
}

/// An order still live in the book, with what it needs to settle its fills.
#[derive(Debug)]
struct OpenOrder {
    record: OrderRecord,
    listing: Listing,
    /// The book has answered the order (accepted or rejected).
    acknowledged: bool,
}

impl AccountCore {
    pub fn new(ledger: ledger::Account, fees: FeeSchedule) -> AccountCore {
        AccountCore {
            ledger,
            fees,
            open: HashMap::new(),
            finished: VecDeque::new(),
            finished_kept: FINISHED_KEPT,
            client_ids: HashMap::new(),
            limits: RiskLimits::NONE,
            mandate: Mandate::default(),
            amending: HashMap::new(),
            replacements: Vec::new(),
            dirty: Dirty::default(),
        }
    }

    /// An account rebuilt after a restart: its ledger and its open orders
    /// (each with the listing it trades on), already answered by their books.
    pub fn restore(
        ledger: ledger::Account,
        fees: FeeSchedule,
        open: impl IntoIterator<Item = (OrderRecord, Listing)>,
    ) -> AccountCore {
        let mut core = AccountCore::new(ledger, fees);
        for (record, listing) in open {
            if let Some(key) = &record.client_order_id {
                core.client_ids.insert(key.clone(), record.id);
            }
            core.open.insert(
                record.id,
                Box::new(OpenOrder {
                    record,
                    listing,
                    acknowledged: true,
                }),
            );
        }
        core
    }

    pub fn id(&self) -> AccountId {
        self.ledger.id()
    }

    pub fn ledger(&self) -> &ledger::Account {
        &self.ledger
    }

    pub fn limits(&self) -> RiskLimits {
        self.limits
    }

    /// Applies to orders placed from now on; open orders stand.
    pub fn set_limits(&mut self, limits: RiskLimits) {
        self.limits = limits;
    }

    /// Applies to orders placed from now on.
    pub fn set_mandate(&mut self, mandate: Mandate) {
        self.mandate = mandate;
    }

    /// The schedule orders placed from now on pay by.
    pub fn set_fees(&mut self, fees: FeeSchedule) {
        self.fees = fees;
    }

    /// Cash plus every holding at its mark: the last price `marks` knows, or
    /// what the shares cost when it knows none.
    pub fn equity(&self, marks: impl Fn(Symbol) -> Option<Money>) -> Money {
        self.ledger
            .holdings()
            .map(|h| match marks(h.symbol) {
                Some(mark) => mark.checked_mul_qty(h.quantity).unwrap_or(Money(i64::MAX)),
                None => h.cost_basis,
            })
            .fold(self.ledger.cash(), |sum, value| {
                sum.checked_add(value).unwrap_or(Money(i64::MAX))
            })
    }

    pub fn deposit(
        &mut self,
        amount: Money,
        key: Option<String>,
        at: Timestamp,
    ) -> Result<LedgerEntry, LedgerError> {
        let entry = self.ledger.deposit(amount, key, at)?;
        self.dirty.any = true;
        Ok(entry)
    }

    pub fn withdraw(
        &mut self,
        amount: Money,
        key: Option<String>,
        at: Timestamp,
    ) -> Result<LedgerEntry, LedgerError> {
        let entry = self.ledger.withdraw(amount, key, at)?;
        self.dirty.any = true;
        Ok(entry)
    }

    /// A cash dividend on `symbol`, received (positive) or paid (negative);
    /// see [`ledger::Account::dividend`].
    pub fn dividend(
        &mut self,
        amount: Money,
        symbol: Symbol,
        key: String,
        at: Timestamp,
    ) -> Result<LedgerEntry, LedgerError> {
        let entry = self.ledger.dividend(amount, symbol, key, at)?;
        self.dirty.any = true;
        Ok(entry)
    }

    /// The issuer's shares at listing, as one lot at the IPO price.
    pub fn allot(
        &mut self,
        symbol: Symbol,
        quantity: Quantity,
        price: Money,
        at: Timestamp,
    ) -> Result<Lot, LedgerError> {
        let lot = self.ledger.allot(symbol, quantity, price, at)?;
        self.dirty.symbol(symbol);
        Ok(lot)
    }

    /// Keep at most `n` finished orders in memory instead of
    /// [`FINISHED_KEPT`]: a headless run, which never looks one up, keeps
    /// none, and so a hundred thousand accounts fit in memory.
    pub fn keeping_finished(mut self, n: usize) -> AccountCore {
        self.finished_kept = n;
        self
    }

    /// For a driver that persists nothing (the scenario kernel): forget
    /// what changed since the last call, history included, but add the
    /// fills to `fills`, which say what each trade cost in fees and taxes.
    pub fn take_fills(&mut self, fills: &mut Vec<(OrderId, FillRecord)>) {
        let dirty = std::mem::take(&mut self.dirty);
        fills.extend(dirty.fills);
        self.ledger.drain_history();
    }

    /// Everything that changed since the last call, or `None` if nothing did.
    /// The ledger's history is handed over with it and leaves memory.
    pub fn take_changes(&mut self) -> Option<AccountChanges> {
        if !self.dirty.any {
            return None;
        }
        let dirty = std::mem::take(&mut self.dirty);
        let positions = dirty
            .symbols
            .iter()
            .map(|&symbol| PositionChange {
                symbol,
                holding: self.ledger.holding(symbol),
            })
            .collect();
        let orders = dirty
            .orders
            .iter()
            .filter_map(|&id| {
                self.order(id).map(|record| OrderChange {
                    record,
                    reservation: self.ledger.reservation(id).copied(),
                })
            })
            .collect();
        Some(AccountChanges {
            account: self.id(),
            cash: self.ledger.cash(),
            reserved_cash: self.ledger.reserved_cash(),
            realized_total: self.ledger.realized_total(),
            history: self.ledger.drain_history(),
            positions,
            orders,
            fills: dirty.fills,
        })
    }

    /// Validate and reserve. Nothing changes unless this returns `New`.
    /// Holdings are valued at what they cost (see [`AccountCore::place_marked`]).
    pub fn place(
        &mut self,
        id: OrderId,
        request: OrderRequest,
        listing: &Listing,
        at: Timestamp,
    ) -> Result<Placement, OrderError> {
        self.place_marked(id, request, listing, at, |_| None)
    }

    /// [`AccountCore::place`], with holdings valued at `marks` for the risk
    /// limits.
    pub fn place_marked(
        &mut self,
        id: OrderId,
        request: OrderRequest,
        listing: &Listing,
        at: Timestamp,
        marks: impl Fn(Symbol) -> Option<Money>,
    ) -> Result<Placement, OrderError> {
        if let Some(key) = &request.client_order_id {
            if key.len() > MAX_CLIENT_ORDER_ID {
                return Err(OrderError::ClientOrderIdTooLong(key.clone()));
            }
            if let Some(existing) = self.client_ids.get(key).and_then(|id| self.order(*id)) {
                return Ok(Placement::Existing(Box::new(existing)));
            }
        }
        self.mandate.check(request.symbol, at)?;
        validate(&request, listing)?;
        let price = reserve_price(&request, listing)?;
        self.check_limits(&request, price, None, marks)?;
        self.reserve_and_open(id, request, price, listing, at)
            .map(Placement::New)
    }

    /// Reserve for a checked order and keep it as open, unanswered.
    fn reserve_and_open(
        &mut self,
        id: OrderId,
        request: OrderRequest,
        price: Money,
        listing: &Listing,
        at: Timestamp,
    ) -> Result<NewOrder, OrderError> {
        self.ledger
            .reserve(&ticket(id, &request, price), &self.fees)?;
        let order = NewOrder {
            id,
            account: self.id(),
            side: request.side,
            kind: request.kind,
            tif: request.tif,
            quantity: request.quantity,
        };
        if let Some(key) = &request.client_order_id {
            self.client_ids.insert(key.clone(), id);
        }
        let record = OrderRecord {
            id,
            account: self.id(),
            symbol: request.symbol,
            side: request.side,
            kind: request.kind,
            tif: request.tif,
            quantity: request.quantity,
            filled: Quantity::ZERO,
            filled_value: Money::ZERO,
            status: OrderStatus::Open,
            end_reason: None,
            fills: Vec::new(),
            client_order_id: request.client_order_id,
            priority_seq: None,
            created_at: at,
            updated_at: at,
        };
        self.dirty.order(id, record.symbol);
        self.open.insert(
            id,
            Box::new(OpenOrder {
                record,
                listing: *listing,
                acknowledged: false,
            }),
        );
        Ok(order)
    }

    /// Start a cancel-and-replace of open order `id` by `request` (its
    /// quantity the new total, fills included) under the id `replacement`.
    /// Everything is checked now, and what the replacement needs beyond what
    /// the order will give back is held; nothing else changes. The actor
    /// then cancels `id` at its book, and [`AccountCore::apply`] places the
    /// replacement when that cancel lands. A repeated client order id
    /// answers with the order it placed.
    pub fn begin_replace(
        &mut self,
        id: OrderId,
        replacement: OrderId,
        request: OrderRequest,
        listing: &Listing,
        at: Timestamp,
        marks: impl Fn(Symbol) -> Option<Money>,
    ) -> Result<Option<OrderRecord>, OrderError> {
        if let Some(key) = &request.client_order_id {
            if key.len() > MAX_CLIENT_ORDER_ID {
                return Err(OrderError::ClientOrderIdTooLong(key.clone()));
            }
            if let Some(existing) = self.client_ids.get(key).and_then(|id| self.order(*id)) {
                return Ok(Some(existing));
            }
        }
        let old = self.amendable(id)?;
        self.mandate.check(old.symbol, at)?;
        if (request.symbol, request.side, request.tif) != (old.symbol, old.side, old.tif)
            || std::mem::discriminant(&request.kind) != std::mem::discriminant(&old.kind)
        {
            return Err(OrderError::AmendChangesOrder);
        }
        let leaves = self.leaves(id, request.quantity)?;
        let rest = OrderRequest {
            quantity: leaves,
            ..request.clone()
        };
        validate(&rest, listing)?;
        let price = reserve_price(&rest, listing)?;
        self.check_limits(&rest, price, Some(id), marks)?;
        let (cash, shares) = self.top_up(id, &rest, price)?;
        self.ledger.hold(
            replacement,
            rest.symbol,
            rest.side,
            cash,
            shares,
            &self.fees,
        )?;
        if let Some(key) = &request.client_order_id {
            self.client_ids.insert(key.clone(), replacement);
        }
        self.amending.insert(
            id,
            Amendment {
                replacement,
                request,
                listing: *listing,
            },
        );
        Ok(None)
    }

    /// The book could not be reached: the amendment of `id` is dropped and
    /// what was held for it is released.
    pub fn abort_replace(&mut self, id: OrderId) {
        if let Some(amendment) = self.amending.remove(&id) {
            let _ = self.ledger.release(amendment.replacement);
            if let Some(key) = &amendment.request.client_order_id {
                self.client_ids.remove(key);
            }
        }
    }

    /// The order a client order id placed, if this account still holds it.
    pub fn placed_with(&self, key: &str) -> Option<OrderRecord> {
        self.client_ids.get(key).and_then(|id| self.order(*id))
    }

    /// The amendments settled by the events applied since the last call.
    pub fn take_replacements(&mut self) -> Vec<Replacement> {
        std::mem::take(&mut self.replacements)
    }

    /// An open order that no amendment is under way on.
    pub fn amendable(&self, id: OrderId) -> Result<&OrderRecord, OrderError> {
        if self.amending.contains_key(&id) {
            return Err(OrderError::BeingAmended(id));
        }
        self.open_order(id)
    }

    /// What is left to fill of order `id` at a new total of `quantity`.
    fn leaves(&self, id: OrderId, quantity: Quantity) -> Result<Quantity, OrderError> {
        let old = self.open_order(id)?;
        if quantity <= old.filled {
            return Err(OrderError::BelowFilled {
                id,
                filled: old.filled,
                quantity,
            });
        }
        Ok(quantity - old.filled)
    }

    /// What a replacement needs beyond what order `id`, which it replaces,
    /// holds now: cash and shares. For a buy whose limit goes down, the old
    /// order may still fill at its higher limit before the cancel lands,
    /// spending more than the replacement then saves; that difference,
    /// for everything it has left, is held too.
    fn top_up(
        &self,
        id: OrderId,
        rest: &OrderRequest,
        price: Money,
    ) -> Result<(Money, Quantity), OrderError> {
        let held = self
            .ledger
            .reservation(id)
            .copied()
            .ok_or(LedgerError::UnknownOrder(id))?;
        Ok(match rest.side {
            Side::Buy => {
                let needed = self.fees.buy_reservation(rest.quantity, price)?;
                let drop = Money((held.limit.0 - price.0).max(0));
                let race = self.fees.buy_reservation(held.unfilled(), drop)?;
                let needed = needed.checked_add(race).ok_or(LedgerError::Overflow)?;
                (
                    needed
                        .checked_sub(held.cash)
                        .ok_or(LedgerError::Overflow)?
                        .max(Money::ZERO),
                    Quantity::ZERO,
                )
            }
            Side::Sell => {
                let cash = (self.fees.min_commission() - held.cash).max(Money::ZERO);
                let shares = Quantity(rest.quantity.0.saturating_sub(held.shares.0));
                (cash, shares)
            }
        })
    }

    /// The amended order `id` has ended: place its replacement from what it
    /// gave back and what was held, if it ended by the amendment's cancel.
    fn settle_amendment(&mut self, id: OrderId, at: Timestamp) {
        let Some(amendment) = self.amending.remove(&id) else {
            return;
        };
        let _ = self.ledger.release(amendment.replacement);
        let Some(old) = self.order(id) else {
            return;
        };
        let cancelled = old.end_reason == Some(EndReason::Cancelled(CancelReason::Requested));
        let outcome = if !cancelled {
            Err(OrderError::NotOpen(id))
        } else if amendment.request.quantity <= old.filled {
            Ok(ReplacementOutcome::Complete(Box::new(old)))
        } else {
            let rest = OrderRequest {
                quantity: amendment.request.quantity - old.filled,
                ..amendment.request.clone()
            };
            reserve_price(&rest, &amendment.listing)
                .and_then(|price| {
                    self.reserve_and_open(
                        amendment.replacement,
                        rest,
                        price,
                        &amendment.listing,
                        at,
                    )
                })
                .map(ReplacementOutcome::Placed)
        };
        if outcome.is_err()
            && let Some(key) = &amendment.request.client_order_id
        {
            self.client_ids.remove(key);
        }
        self.replacements.push(Replacement {
            amended: id,
            outcome,
        });
    }

    /// The risk limits, for `request` placed at worst at `price`; an order
    /// it replaces (`replacing`) no longer counts.
    fn check_limits(
        &self,
        request: &OrderRequest,
        price: Money,
        replacing: Option<OrderId>,
        marks: impl Fn(Symbol) -> Option<Money>,
    ) -> Result<(), RiskBreach> {
        if self.limits.is_none() {
            return Ok(());
        }
        let others = || {
            self.open
                .values()
                .map(|o| &o.record)
                .filter(move |r| Some(r.id) != replacing)
        };
        let held = self
            .ledger
            .holding(request.symbol)
            .map_or(Quantity::ZERO, |h| h.quantity);
        let pending = others()
            .filter(|r| r.symbol == request.symbol && r.side == Side::Buy)
            .fold(0u64, |sum, r| sum.saturating_add((r.quantity - r.filled).0));
        self.limits.check(&RiskCheck {
            symbol: request.symbol,
            side: request.side,
            quantity: request.quantity,
            price,
            open_orders: others().count(),
            position_before: Quantity(held.0.saturating_add(pending)),
            equity: self.equity(marks),
        })
    }

    /// The book could not be reached (it stopped): the order never rested
    /// there, so it ends here, cancelled, and its reservation is released.
    /// It stays among the changes, so that the end is written down over the
    /// placement that was.
    pub fn abandon(&mut self, id: OrderId, at: Timestamp) {
        let Some(open) = self.open.get_mut(&id) else {
            return;
        };
        if open.acknowledged {
            return;
        }
        open.acknowledged = true;
        let ended = BookEvent::Cancelled {
            seq: 0,
            id,
            account: open.record.account,
            remaining: open.record.quantity - open.record.filled,
            reason: CancelReason::Administrative,
        };
        open.record.apply(&ended, at);
        let symbol = open.record.symbol;
        // The reservation was made by `place`, so releasing it succeeds.
        let _ = self.finish_if_final(id);
        self.dirty.order(id, symbol);
    }

    /// An open order of this account, for a cancel or reduce to go to its book.
    pub fn open_order(&self, id: OrderId) -> Result<&OrderRecord, OrderError> {
        match self.open.get(&id) {
            Some(open) => Ok(&open.record),
            None if self.finished.iter().any(|r| r.id == id) => Err(OrderError::NotOpen(id)),
            None => Err(OrderError::UnknownOrder(id)),
        }
    }

    /// The symbol of an order of this account, without copying the order.
    fn symbol_of(&self, id: OrderId) -> Option<Symbol> {
        self.open.get(&id).map(|o| o.record.symbol).or_else(|| {
            self.finished
                .iter()
                .rev()
                .find(|r| r.id == id)
                .map(|r| r.symbol)
        })
    }

    pub fn order(&self, id: OrderId) -> Option<OrderRecord> {
        self.open
            .get(&id)
            .map(|o| o.record.clone())
            .or_else(|| self.finished.iter().find(|r| r.id == id).cloned())
    }

    pub fn is_acknowledged(&self, id: OrderId) -> bool {
        self.open.get(&id).is_none_or(|o| o.acknowledged)
    }

    pub fn open_orders(&self) -> impl Iterator<Item = &OrderRecord> + '_ {
        self.open.values().map(|o| &o.record)
    }

    /// Apply the events of one book command that concern this account, in
    /// book order. Returns the orders that changed.
    pub fn apply(
        &mut self,
        at: Timestamp,
        events: &[BookEvent],
    ) -> Result<Vec<OrderId>, LedgerError> {
        let mut changed = Vec::new();
        for event in events {
            match *event {
                BookEvent::Trade(trade) => {
                    for (order, side) in self.own_sides(&trade) {
                        self.settle(order, side, &trade, at)?;
                        if !self.open.contains_key(&order) {
                            self.settle_amendment(order, at);
                        }
                        changed.push(order);
                    }
                }
                BookEvent::LevelChanged { .. } => {}
                BookEvent::Accepted { id, .. }
                | BookEvent::Rested { id, .. }
                | BookEvent::Rejected { id, .. }
                | BookEvent::Cancelled { id, .. }
                | BookEvent::Reduced { id, .. }
                | BookEvent::Expired { id, .. }
                | BookEvent::Triggered { id, .. } => {
                    let Some(open) = self.open.get_mut(&id) else {
                        continue;
                    };
                    open.acknowledged = true;
                    open.record.apply(event, at);
                    if let BookEvent::Reduced { by, .. } = *event {
                        self.ledger.shrink(id, by)?;
                    }
                    self.finish_if_final(id)?;
                    if !self.open.contains_key(&id) {
                        self.settle_amendment(id, at);
                    }
                    changed.push(id);
                }
            }
        }
        changed.dedup();
        for id in &changed {
            if let Some(symbol) = self.symbol_of(*id) {
                self.dirty.order(*id, symbol);
            }
        }
        Ok(changed)
    }

    /// Settle this account's side of a trade the book made but whose
    /// settlement was never written down (recovery after a crash between
    /// the two). The same path as a live fill.
    pub fn settle_missed(
        &mut self,
        order: OrderId,
        trade: &Trade,
        at: Timestamp,
    ) -> Result<(), LedgerError> {
        let side = self
            .open
            .get(&order)
            .map(|o| o.record.side)
            .ok_or(LedgerError::UnknownOrder(order))?;
        self.settle(order, side, trade, at)?;
        if let Some(symbol) = self.symbol_of(order) {
            self.dirty.order(order, symbol);
        }
        Ok(())
    }

    /// This account's orders in a trade (normally one side; self-trade
    /// prevention keeps it from being both).
    fn own_sides(&self, trade: &Trade) -> Vec<(OrderId, Side)> {
        let me = self.id();
        let mut sides = Vec::with_capacity(1);
        if trade.taker_account == me {
            sides.push((trade.taker, trade.aggressor));
        }
        if trade.maker_account == me {
            sides.push((trade.maker, trade.aggressor.opposite()));
        }
        sides
    }

    fn settle(
        &mut self,
        id: OrderId,
        side: Side,
        trade: &Trade,
        at: Timestamp,
    ) -> Result<(), LedgerError> {
        let Some(open) = self.open.get_mut(&id) else {
            return Err(LedgerError::UnknownOrder(id));
        };
        debug_assert_eq!(open.record.side, side);
        let price = open.listing.tick.to_money(trade.price);
        let trade_id = TradeId::new(open.listing.book, trade.seq);
        let settlement = self.ledger.settle_fill(&ledger::Fill {
            order: id,
            trade: trade_id,
            price,
            quantity: trade.quantity,
            at,
        })?;
        let value = price
            .checked_mul_qty(trade.quantity)
            .ok_or(LedgerError::Overflow)?;
        open.acknowledged = true;
        let fill = FillRecord {
            trade: trade_id,
            price: trade.price,
            quantity: trade.quantity,
            fee: settlement.charges.commission,
            tax: settlement.charges.tax,
            at,
        };
        self.dirty.fills.push((id, fill.clone()));
        open.record.add_fill(fill, value);
        self.finish_if_final(id)
    }

    /// A finished order gives back what is left of its reservation.
    fn finish_if_final(&mut self, id: OrderId) -> Result<(), LedgerError> {
        if !self
            .open
            .get(&id)
            .is_some_and(|o| o.record.status.is_final())
        {
            return Ok(());
        }
        self.ledger.release(id)?;
        if let Some(open) = self.open.remove(&id) {
            // As the ledger's reservations: an idle account holds no table.
            if self.open.is_empty() {
                self.open.shrink_to_fit();
            }
            self.finished.push_back(open.record);
            if self.finished.len() > self.finished_kept {
                self.finished.pop_front();
            }
        }
        Ok(())
    }
}

/// Every share a company issued is held by exactly one account: trades move
/// shares, they never make or lose any.
pub fn check_shares_conserved<'a>(
    accounts: impl IntoIterator<Item = &'a AccountCore>,
    symbol: Symbol,
    issued: Quantity,
) -> Result<(), String> {
    let held: u64 = accounts
        .into_iter()
        .filter_map(|a| a.ledger().holding(symbol))
        .map(|h| h.quantity.0)
        .sum();
    if held != issued.0 {
        return Err(format!(
            "{symbol}: accounts hold {held} shares of {issued} issued"
        ));
    }
    Ok(())
}

/// The checks the book would make, made before anything is reserved, so a
/// rejected order reserves nothing.
fn validate(request: &OrderRequest, listing: &Listing) -> Result<(), OrderError> {
    let config = &listing.config;
    check_order(
        request.kind,
        request.quantity,
        config.max_order_quantity,
        config.band.map(|b| b.limits()),
    )
    .map_err(OrderError::Invalid)
}

fn ticket(id: OrderId, request: &OrderRequest, price: Money) -> ledger::OrderTicket {
    ledger::OrderTicket {
        order: id,
        symbol: request.symbol,
        side: request.side,
        quantity: request.quantity,
        price,
    }
}

/// The worst price per share the order can trade at, which the ledger
/// reserves against: its limit, or for market and stop orders (which have
/// none) the edge of the price band, beyond which the book never lets them
/// trade: the top for a buy (the cash reserved), the bottom for a sell (one
/// tick when there is no band).
fn reserve_price(request: &OrderRequest, listing: &Listing) -> Result<Money, OrderError> {
    let band = listing.config.band.map(|b| b.limits());
    let price = match (request.kind.limit_price(), request.side, band) {
        (Some(limit), _, _) => limit,
        (None, Side::Buy, Some((_, high))) => high,
        (None, Side::Buy, None) => return Err(OrderError::NoProtectionPrice),
        (None, Side::Sell, Some((low, _))) => low,
        (None, Side::Sell, None) => Price(1),
    };
    Ok(listing.tick.to_money(price))
}
