//! The actor around one account's [`AccountCore`]. Requests (deposit, place,
//! cancel) are answered from the core; a placed or cancelled order is
//! answered once the book's answer has been applied here, so the reply shows
//! the order as the book left it (fills included). After every change the
//! actor hands what changed to the journal; a durable account (a person's)
//! is answered only once that is written down.

use std::collections::HashMap;
use std::sync::Arc;

use actix::prelude::*;
use futures_util::FutureExt;
use futures_util::future::Shared;
use tokio::sync::{broadcast, oneshot};

use super::core::{AccountCore, OrderError, OrderRequest, Placement, ReplacementOutcome};
use super::mandate::Mandate;
use super::order::OrderRecord;
use super::risk::RiskLimits;
use crate::book::actor::{AccountEvents, Cancel, Reduce, Submit};
use crate::book::{NewOrder, OrderKind};
use crate::journal::Change;
use crate::ledger::{LedgerEntry, LedgerError, Lot};
use crate::market::Market;
use crate::types::{Money, OrderId, Quantity, Symbol};

/// What a waiting request needs to hear about its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Awaiting {
    /// The book accepted or rejected it.
    Answer,
    /// It ended (cancelled, filled, expired).
    End,
    /// Its quantity came down to at most this, or it ended.
    Quantity(Quantity),
}

/// Hears once a change is written down (`None`: nothing to wait for);
/// every request answered by the same change waits on a clone.
type Committed = Option<Shared<oneshot::Receiver<()>>>;

/// A request waiting for its order's answer, and then for it to be durable.
type Waiter = oneshot::Sender<(OrderRecord, Committed)>;

/// Every request waiting on one order: its placement and any number of
/// cancels can be in flight together (a client may guess the next id), and
/// each hears about the order on its own.
type Waiters = Vec<(Awaiting, Waiter)>;

/// An amendment waiting for the book to cancel the order it replaces: hears
/// how that went.
type AmendWaiter = oneshot::Sender<Result<Amended, OrderError>>;

enum Amended {
    /// The replacement went to the book; this hears its answer.
    Placed(oneshot::Receiver<(OrderRecord, Committed)>),
    /// The order filled its new total first: this is it, done.
    Complete(Box<OrderRecord>, Committed),
}

pub struct AccountActor {
    core: AccountCore,
    market: Market,
    waiters: HashMap<OrderId, Waiters>,
    amendments: HashMap<OrderId, AmendWaiter>,
    order_updates: broadcast::Sender<Arc<OrderRecord>>,
    durable: bool,
}

impl AccountActor {
    pub fn new(
        core: AccountCore,
        market: Market,
        order_updates: broadcast::Sender<Arc<OrderRecord>>,
        durable: bool,
    ) -> AccountActor {
        AccountActor {
            core,
            market,
            waiters: HashMap::new(),
            amendments: HashMap::new(),
            order_updates,
            durable,
        }
    }

    /// Hand what changed to the journal; for a durable account, the returned
    /// receiver hears when it is written down.
    fn record(&mut self) -> Committed {
        let journal = self.market.journal()?;
        let changes = self.core.take_changes()?;
        let (committed, written) = if self.durable {
            let (tx, rx) = oneshot::channel();
            (Some(tx), Some(rx.shared()))
        } else {
            (None, None)
        };
        journal.record(Change::Account(Box::new(changes)), committed);
        written
    }

    fn wait_for(
        &mut self,
        id: OrderId,
        awaiting: Awaiting,
    ) -> oneshot::Receiver<(OrderRecord, Committed)> {
        let (reply, answer) = oneshot::channel();
        self.waiters.entry(id).or_default().push((awaiting, reply));
        answer
    }

    /// Forget the requests on `id` that gave up (their receiver is gone).
    fn drop_abandoned_waiters(&mut self, id: OrderId) {
        if let Some(waiting) = self.waiters.get_mut(&id) {
            waiting.retain(|(_, reply)| !reply.is_closed());
            if waiting.is_empty() {
                self.waiters.remove(&id);
            }
        }
    }

    fn wake_waiters(&mut self, id: OrderId, committed: &Committed) {
        let Some(waiting) = self.waiters.get_mut(&id) else {
            return;
        };
        let Some(record) = self.core.order(id) else {
            return;
        };
        let acknowledged = self.core.is_acknowledged(id);
        let ended = record.status.is_final();
        let (ready, still): (Waiters, Waiters) =
            std::mem::take(waiting)
                .into_iter()
                .partition(|(awaiting, _)| match awaiting {
                    Awaiting::Answer => acknowledged,
                    Awaiting::End => ended,
                    Awaiting::Quantity(at_most) => ended || record.quantity <= *at_most,
                });
        if still.is_empty() {
            self.waiters.remove(&id);
        } else {
            *waiting = still;
        }
        for (_, reply) in ready {
            // The requester may have gone away; the order stands regardless.
            let _ = reply.send((record.clone(), committed.clone()));
        }
    }

    /// Send a reserved order to its book; if the book is gone, the order
    /// ends here (see [`AccountCore::abandon`]).
    fn submit(&mut self, order: NewOrder, ctx: &mut Context<Self>) {
        let id = order.id;
        let Some(book) = self.core.order(id).and_then(|r| self.market.book(r.symbol)) else {
            return;
        };
        let sent = book.addr.send(Submit(order));
        ctx.spawn(async move { sent.await.is_ok() }.into_actor(self).map(
            move |reached, act, _| {
                if !reached {
                    act.core.abandon(id, act.market.clock().now());
                    let committed = act.record();
                    act.wake_waiters(id, &committed);
                }
            },
        ));
    }

    /// Amendments whose order the book has now cancelled (or could not):
    /// send each replacement on and tell each requester.
    fn go_on_with_amendments(&mut self, committed: &Committed, ctx: &mut Context<Self>) {
        for replacement in self.core.take_replacements() {
            let Some(reply) = self.amendments.remove(&replacement.amended) else {
                continue;
            };
            let amended = match replacement.outcome {
                Ok(ReplacementOutcome::Placed(order)) => {
                    let answer = self.wait_for(order.id, Awaiting::Answer);
                    self.record();
                    self.submit(order, ctx);
                    Ok(Amended::Placed(answer))
                }
                Ok(ReplacementOutcome::Complete(record)) => {
                    Ok(Amended::Complete(record, committed.clone()))
                }
                Err(error) => Err(error),
            };
            // The requester may have gone away; the amendment stands.
            let _ = reply.send(amended);
        }
    }
}

impl Actor for AccountActor {
    type Context = Context<Self>;
}

#[derive(Message)]
#[rtype(result = "Result<LedgerEntry, LedgerError>")]
pub struct Deposit {
    pub amount: Money,
    pub key: Option<String>,
}

#[derive(Message)]
#[rtype(result = "Result<LedgerEntry, LedgerError>")]
pub struct Withdraw {
    pub amount: Money,
    pub key: Option<String>,
}

/// A cash dividend on `symbol`: received (positive `amount`) or paid
/// (negative). Applied once per `key`.
#[derive(Message)]
#[rtype(result = "Result<LedgerEntry, LedgerError>")]
pub struct Dividend {
    pub amount: Money,
    pub symbol: Symbol,
    pub key: String,
}

/// The issuer's shares at listing, as one lot at the IPO price.
#[derive(Message)]
#[rtype(result = "Result<Lot, LedgerError>")]
pub struct Allot {
    pub symbol: Symbol,
    pub quantity: Quantity,
    pub price: Money,
}

#[derive(Message)]
#[rtype(result = "Result<OrderRecord, OrderError>")]
pub struct PlaceOrder(pub OrderRequest);

#[derive(Message)]
#[rtype(result = "Result<OrderRecord, OrderError>")]
pub struct CancelOrder(pub OrderId);

/// Change an open order. A smaller quantity at the same prices keeps its
/// place in the book and frees its reservation at once; anything else is a
/// cancel-and-replace (the answer is the replacement, a new order).
#[derive(Message)]
#[rtype(result = "Result<OrderRecord, OrderError>")]
pub struct AmendOrder {
    pub id: OrderId,
    /// The new total quantity, what has filled included.
    pub quantity: Quantity,
    /// New prices, of the order's own type; `None` keeps them.
    pub kind: Option<OrderKind>,
    /// Names the replacement: amending again with it answers with that order.
    pub client_order_id: Option<String>,
}

/// Where and when the account may place orders from now on.
#[derive(Message)]
#[rtype(result = "()")]
pub struct SetMandate(pub Mandate);

/// Limits for the orders placed from now on (kept by the caller's store:
/// they are settings, not part of the ledger).
#[derive(Message)]
#[rtype(result = "()")]
pub struct SetRiskLimits(pub RiskLimits);

/// Read the account's state through a function (the core stays private to
/// the actor; callers copy out what they need).
pub struct Inspect<R>(pub Box<dyn FnOnce(&AccountCore) -> R + Send>);

impl<R: 'static> Message for Inspect<R> {
    type Result = R;
}

/// Answer with `result` once what it changed is written down.
fn when_written<T: Send + 'static>(result: T, committed: Committed) -> ResponseFuture<T> {
    Box::pin(async move {
        if let Some(written) = committed {
            // The persister never drops a change; a closed channel means the
            // server is shutting down, and the answer is all there is left.
            let _ = written.await;
        }
        result
    })
}

impl Handler<Deposit> for AccountActor {
    type Result = ResponseFuture<Result<LedgerEntry, LedgerError>>;
    fn handle(&mut self, msg: Deposit, _: &mut Context<Self>) -> Self::Result {
        let now = self.market.clock().now();
        let result = self.core.deposit(msg.amount, msg.key, now);
        when_written(result, self.record())
    }
}

impl Handler<Withdraw> for AccountActor {
    type Result = ResponseFuture<Result<LedgerEntry, LedgerError>>;
    fn handle(&mut self, msg: Withdraw, _: &mut Context<Self>) -> Self::Result {
        let now = self.market.clock().now();
        let result = self.core.withdraw(msg.amount, msg.key, now);
        when_written(result, self.record())
    }
}

impl Handler<Dividend> for AccountActor {
    type Result = ResponseFuture<Result<LedgerEntry, LedgerError>>;
    fn handle(&mut self, msg: Dividend, _: &mut Context<Self>) -> Self::Result {
        let now = self.market.clock().now();
        let result = self.core.dividend(msg.amount, msg.symbol, msg.key, now);
        when_written(result, self.record())
    }
}

impl Handler<Allot> for AccountActor {
    type Result = ResponseFuture<Result<Lot, LedgerError>>;
    fn handle(&mut self, msg: Allot, _: &mut Context<Self>) -> Self::Result {
        let now = self.market.clock().now();
        let result = self.core.allot(msg.symbol, msg.quantity, msg.price, now);
        when_written(result, self.record())
    }
}

impl<R: 'static> Handler<Inspect<R>> for AccountActor {
    type Result = MessageResult<Inspect<R>>;
    fn handle(&mut self, msg: Inspect<R>, _: &mut Context<Self>) -> Self::Result {
        MessageResult((msg.0)(&self.core))
    }
}

impl Handler<SetMandate> for AccountActor {
    type Result = ();
    fn handle(&mut self, msg: SetMandate, _: &mut Context<Self>) {
        self.core.set_mandate(msg.0);
    }
}

impl Handler<SetRiskLimits> for AccountActor {
    type Result = ();
    fn handle(&mut self, msg: SetRiskLimits, _: &mut Context<Self>) {
        self.core.set_limits(msg.0);
    }
}

impl Handler<PlaceOrder> for AccountActor {
    type Result = ResponseActFuture<Self, Result<OrderRecord, OrderError>>;

    fn handle(&mut self, msg: PlaceOrder, _: &mut Context<Self>) -> Self::Result {
        let symbol = msg.0.symbol;
        let Some(book) = self.market.book(symbol) else {
            return Box::pin(fut::ready(Err(OrderError::UnknownSymbol(symbol))));
        };
        let id = self.market.next_order_id();
        let now = self.market.clock().now();
        let market = &self.market;
        let marks = |s: Symbol| market.book(s).and_then(|b| b.last_price());
        let order = match self.core.place_marked(id, msg.0, &book.listing, now, marks) {
            Err(e) => return Box::pin(fut::ready(Err(e))),
            Ok(Placement::Existing(record)) => return Box::pin(fut::ready(Ok(*record))),
            Ok(Placement::New(order)) => order,
        };
        // The reservation is written down with the order's first answer.
        self.record();
        // Registered before the book can answer: the answer is applied by
        // this actor, after this handler returns.
        let answer = self.wait_for(id, Awaiting::Answer);
        let sent = book.addr.send(Submit(order));
        Box::pin(
            async move { sent.await.is_ok() }
                .into_actor(self)
                .then(move |reached, act, _| {
                    if !reached {
                        // The book stopped (the server is shutting down): the
                        // order never rested anywhere, so it ends here, and
                        // that is written down like any other end.
                        act.core.abandon(id, act.market.clock().now());
                        let committed = act.record();
                        act.wake_waiters(id, &committed);
                    }
                    answered(answer).into_actor(act)
                }),
        )
    }
}

impl Handler<CancelOrder> for AccountActor {
    type Result = ResponseActFuture<Self, Result<OrderRecord, OrderError>>;

    fn handle(&mut self, msg: CancelOrder, _: &mut Context<Self>) -> Self::Result {
        let id = msg.0;
        let symbol = match self.core.amendable(id) {
            Ok(order) => order.symbol,
            Err(e) => return Box::pin(fut::ready(Err(e))),
        };
        let Some(book) = self.market.book(symbol) else {
            return Box::pin(fut::ready(Err(OrderError::UnknownSymbol(symbol))));
        };
        let ended = self.wait_for(id, Awaiting::End);
        let sent = book.addr.send(Cancel(id));
        Box::pin(
            async move {
                match sent.await {
                    Ok(Ok(_)) => answered(ended).await,
                    // It filled or ended before the cancel reached the book
                    // (or another cancel of it got there first).
                    Ok(Err(_)) => Err(OrderError::NotOpen(id)),
                    Err(_) => Err(OrderError::BookUnavailable),
                }
            }
            .into_actor(self)
            .map(move |result, act, _| {
                if result.is_err() {
                    act.drop_abandoned_waiters(id);
                }
                result
            }),
        )
    }
}

impl Handler<AmendOrder> for AccountActor {
    type Result = ResponseActFuture<Self, Result<OrderRecord, OrderError>>;

    fn handle(&mut self, msg: AmendOrder, _: &mut Context<Self>) -> Self::Result {
        if let Some(existing) = msg
            .client_order_id
            .as_deref()
            .and_then(|key| self.core.placed_with(key))
        {
            return Box::pin(fut::ready(Ok(existing)));
        }
        let old = match self.core.amendable(msg.id) {
            Ok(old) => old.clone(),
            Err(e) => return Box::pin(fut::ready(Err(e))),
        };
        let kind = msg.kind.unwrap_or(old.kind);
        // Reducing to a total is idempotent by itself: a client order id
        // names nothing new here.
        if kind == old.kind && msg.quantity <= old.quantity {
            return self.reduce(old, msg.quantity);
        }
        let Some(book) = self.market.book(old.symbol) else {
            return Box::pin(fut::ready(Err(OrderError::UnknownSymbol(old.symbol))));
        };
        let replacement = self.market.next_order_id();
        let now = self.market.clock().now();
        let request = OrderRequest {
            symbol: old.symbol,
            side: old.side,
            kind,
            tif: old.tif,
            quantity: msg.quantity,
            client_order_id: msg.client_order_id,
        };
        let market = &self.market;
        let marks = |s: Symbol| market.book(s).and_then(|b| b.last_price());
        match self
            .core
            .begin_replace(old.id, replacement, request, &book.listing, now, marks)
        {
            Err(e) => return Box::pin(fut::ready(Err(e))),
            Ok(Some(existing)) => return Box::pin(fut::ready(Ok(existing))),
            Ok(None) => {}
        }
        let (reply, amended) = oneshot::channel();
        self.amendments.insert(old.id, reply);
        let sent = book.addr.send(Cancel(old.id));
        Box::pin(
            async move { sent.await.is_ok() }
                .into_actor(self)
                .then(move |reached, act, _| {
                    if !reached {
                        act.core.abort_replace(old.id);
                        act.amendments.remove(&old.id);
                    }
                    // A cancel the book refused (the order had ended) is
                    // answered by that end, which settles the amendment.
                    async move {
                        match amended.await.map_err(|_| OrderError::BookUnavailable)?? {
                            Amended::Placed(answer) => answered(answer).await,
                            Amended::Complete(record, committed) => {
                                if let Some(written) = committed {
                                    let _ = written.await;
                                }
                                Ok(*record)
                            }
                        }
                    }
                    .into_actor(act)
                }),
        )
    }
}

impl AccountActor {
    /// Take an order's quantity down to `quantity` in place.
    fn reduce(
        &mut self,
        old: OrderRecord,
        quantity: Quantity,
    ) -> ResponseActFuture<Self, Result<OrderRecord, OrderError>> {
        if quantity <= old.filled {
            return Box::pin(fut::ready(Err(OrderError::BelowFilled {
                id: old.id,
                filled: old.filled,
                quantity,
            })));
        }
        if quantity == old.quantity {
            return Box::pin(fut::ready(Ok(old)));
        }
        let Some(book) = self.market.book(old.symbol) else {
            return Box::pin(fut::ready(Err(OrderError::UnknownSymbol(old.symbol))));
        };
        let id = old.id;
        let reduced = self.wait_for(id, Awaiting::Quantity(quantity));
        let sent = book.addr.send(Reduce {
            id,
            by: old.quantity - quantity,
        });
        Box::pin(
            async move {
                match sent.await {
                    Ok(Ok(_)) => answered(reduced).await,
                    Ok(Err(_)) => Err(OrderError::NotOpen(id)),
                    Err(_) => Err(OrderError::BookUnavailable),
                }
            }
            .into_actor(self)
            .map(move |result, act, _| {
                if result.is_err() {
                    act.drop_abandoned_waiters(id);
                }
                result
            }),
        )
    }
}

/// The order once the book answered, and once that answer is written down.
async fn answered(
    answer: oneshot::Receiver<(OrderRecord, Committed)>,
) -> Result<OrderRecord, OrderError> {
    let (record, committed) = answer.await.map_err(|_| OrderError::BookUnavailable)?;
    if let Some(written) = committed {
        let _ = written.await;
    }
    Ok(record)
}

impl Handler<AccountEvents> for AccountActor {
    type Result = ();

    fn handle(&mut self, msg: AccountEvents, ctx: &mut Context<Self>) {
        match self.core.apply(msg.at, &msg.events) {
            Ok(changed) => {
                let committed = self.record();
                for id in changed {
                    if let Some(record) = self.core.order(id) {
                        // Nobody listening is fine.
                        let _ = self.order_updates.send(Arc::new(record));
                    }
                    self.wake_waiters(id, &committed);
                }
                self.go_on_with_amendments(&committed, ctx);
            }
            // Settlement failing means the ledger and the book disagree:
            // a bug, never an input error. Say so loudly.
            Err(error) => tracing::error!(
                account = %self.core.id(),
                symbol = %msg.symbol,
                events = ?msg.events,
                "settlement failed: {error}"
            ),
        }
    }
}
