//! The actor around one company's [`OrderBook`]. It owns the core, turns
//! messages into calls, stamps each command's events with the time, and hands
//! them on: first to the accounts they concern (in book order, so every
//! account settles its fills in the order they happened), then to observers
//! (market data, subscriptions), and last to the caller. It decides nothing
//! itself.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use actix::prelude::*;
use tokio::sync::broadcast;

use super::{
    BookError, BookEvent, BookUpdate, CancelReason, L1, L2, NewOrder, OrderBook, RestingOrder,
};
use crate::clock::Clock;
use crate::journal::{Change, Journal};
use crate::market::AccountDirectory;
use crate::types::{AccountId, BookId, OrderId, Quantity, Side, Symbol, Timestamp};

/// The events of one command that concern one account, in book order.
#[derive(Debug, Clone, PartialEq, Eq, Message)]
#[rtype(result = "()")]
pub struct AccountEvents {
    pub book: BookId,
    pub symbol: Symbol,
    pub at: Timestamp,
    pub events: Vec<BookEvent>,
}

/// Where a book actor sends what it did.
pub struct BookOutlets {
    pub journal: Option<Journal>,
    pub accounts: Arc<AccountDirectory>,
    pub updates: broadcast::Sender<Arc<BookUpdate>>,
    /// The last trade's price in ticks (0 before the first), for readers
    /// that must not wait on the book (accounts valuing holdings).
    pub last_price: Arc<AtomicI64>,
}

pub struct BookActor {
    id: BookId,
    symbol: Symbol,
    book: OrderBook,
    clock: Arc<dyn Clock>,
    outlets: BookOutlets,
    mailbox_capacity: usize,
}

impl BookActor {
    pub fn new(
        (id, symbol): (BookId, Symbol),
        book: OrderBook,
        clock: Arc<dyn Clock>,
        outlets: BookOutlets,
        mailbox_capacity: usize,
    ) -> BookActor {
        BookActor {
            id,
            symbol,
            book,
            clock,
            outlets,
            mailbox_capacity,
        }
    }

    /// Run one command against the core and hand on what it did. While the
    /// journal is behind its limit, the book takes no further message
    /// (commands and reads alike) until the journal catches up: senders
    /// queue in the bounded mailbox and then wait.
    fn run(
        &mut self,
        ctx: &mut Context<Self>,
        command: impl FnOnce(&mut OrderBook, &mut Vec<BookEvent>),
    ) -> Arc<BookUpdate> {
        let mut events = Vec::with_capacity(4);
        command(&mut self.book, &mut events);
        let update = Arc::new(BookUpdate {
            book: self.id,
            symbol: self.symbol,
            at: self.clock.now(),
            events,
        });
        if !update.events.is_empty() {
            if let Some(last) = self.book.last_price() {
                self.outlets.last_price.store(last.0, Ordering::Relaxed);
            }
            if let Some(journal) = &self.outlets.journal {
                journal.record(Change::Book(Arc::clone(&update)), None);
            }
            self.route_to_accounts(&update);
            // No observer is not an error: the caller has the events anyway.
            let _ = self.outlets.updates.send(Arc::clone(&update));
        }
        if let Some(journal) = &self.outlets.journal
            && journal.backlog().is_over()
        {
            let backlog = Arc::clone(journal.backlog());
            ctx.wait(async move { backlog.within_limit().await }.into_actor(self));
        }
        update
    }

    /// Each account gets the events about its orders before the caller hears
    /// back, so an account that waits for its order's acceptance finds it
    /// already in its mailbox.
    fn route_to_accounts(&self, update: &BookUpdate) {
        if self.outlets.accounts.is_empty() {
            return;
        }
        let mut per_account: Vec<(AccountId, Vec<BookEvent>)> = Vec::new();
        for event in &update.events {
            for account in event.accounts().into_iter().flatten() {
                match per_account.iter_mut().find(|(a, _)| *a == account) {
                    Some((_, events)) => events.push(*event),
                    None => per_account.push((account, vec![*event])),
                }
            }
        }
        for (account, events) in per_account {
            self.outlets.accounts.deliver(
                account,
                AccountEvents {
                    book: update.book,
                    symbol: update.symbol,
                    at: update.at,
                    events,
                },
            );
        }
    }
}

impl Actor for BookActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        ctx.set_mailbox_capacity(self.mailbox_capacity);
    }
}

/// Place one order.
#[derive(Message)]
#[rtype(result = "Arc<BookUpdate>")]
pub struct Submit(pub NewOrder);

/// Place many orders in one message (one update holds all their events):
/// crossing threads once per batch instead of once per order.
#[derive(Message)]
#[rtype(result = "Arc<BookUpdate>")]
pub struct SubmitBatch(pub Vec<NewOrder>);

#[derive(Message)]
#[rtype(result = "Result<Arc<BookUpdate>, BookError>")]
pub struct Cancel(pub OrderId);

#[derive(Message)]
#[rtype(result = "Result<Arc<BookUpdate>, BookError>")]
pub struct Reduce {
    pub id: OrderId,
    pub by: Quantity,
}

/// Cancel every order of the book (delisting).
#[derive(Message)]
#[rtype(result = "Arc<BookUpdate>")]
pub struct CancelAll(pub CancelReason);

/// The session closed: expire DAY orders.
#[derive(Message)]
#[rtype(result = "Arc<BookUpdate>")]
pub struct CloseSession;

#[derive(Message)]
#[rtype(result = "()")]
pub struct SetHalted(pub bool);

#[derive(Message)]
#[rtype(result = "L1")]
pub struct TopOfBook;

/// Take no further message until `resume` hears (or is dropped): a cut of
/// the market. Answered once the book stops, when every event of the
/// commands before it has been handed to its accounts, so a message sent to
/// an account after the answer finds the account past all of them.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Pause(pub tokio::sync::oneshot::Receiver<()>);

impl Handler<Pause> for BookActor {
    type Result = ();
    fn handle(&mut self, msg: Pause, ctx: &mut Context<Self>) {
        ctx.wait(
            async move {
                let _ = msg.0.await;
            }
            .into_actor(self),
        );
    }
}

#[derive(Message)]
#[rtype(result = "L2")]
pub struct Depth(pub usize);

/// Every resting order of a side in priority order (L3).
#[derive(Message)]
#[rtype(result = "Vec<RestingOrder>")]
pub struct RestingOrders(pub Side);

#[derive(Message)]
#[rtype(result = "Result<(), String>")]
pub struct CheckInvariants;

impl Handler<Submit> for BookActor {
    type Result = Arc<BookUpdate>;
    fn handle(&mut self, msg: Submit, ctx: &mut Context<Self>) -> Arc<BookUpdate> {
        self.run(ctx, |book, out| book.submit(msg.0, out))
    }
}

impl Handler<SubmitBatch> for BookActor {
    type Result = Arc<BookUpdate>;
    fn handle(&mut self, msg: SubmitBatch, ctx: &mut Context<Self>) -> Arc<BookUpdate> {
        self.run(ctx, |book, out| {
            for order in msg.0 {
                book.submit(order, out);
            }
        })
    }
}

impl Handler<Cancel> for BookActor {
    type Result = Result<Arc<BookUpdate>, BookError>;
    fn handle(&mut self, msg: Cancel, ctx: &mut Context<Self>) -> Self::Result {
        let mut result = Ok(());
        let update = self.run(ctx, |book, out| result = book.cancel(msg.0, out));
        result.map(|()| update)
    }
}

impl Handler<Reduce> for BookActor {
    type Result = Result<Arc<BookUpdate>, BookError>;
    fn handle(&mut self, msg: Reduce, ctx: &mut Context<Self>) -> Self::Result {
        let mut result = Ok(());
        let update = self.run(ctx, |book, out| result = book.reduce(msg.id, msg.by, out));
        result.map(|()| update)
    }
}

impl Handler<CancelAll> for BookActor {
    type Result = Arc<BookUpdate>;
    fn handle(&mut self, msg: CancelAll, ctx: &mut Context<Self>) -> Arc<BookUpdate> {
        self.run(ctx, |book, out| book.cancel_all(msg.0, out))
    }
}

impl Handler<CloseSession> for BookActor {
    type Result = Arc<BookUpdate>;
    fn handle(&mut self, _: CloseSession, ctx: &mut Context<Self>) -> Arc<BookUpdate> {
        self.run(ctx, |book, out| book.expire_day_orders(out))
    }
}

impl Handler<SetHalted> for BookActor {
    type Result = ();
    fn handle(&mut self, msg: SetHalted, _: &mut Context<Self>) {
        if msg.0 {
            self.book.halt();
        } else {
            self.book.resume();
        }
    }
}

impl Handler<TopOfBook> for BookActor {
    type Result = MessageResult<TopOfBook>;
    fn handle(&mut self, _: TopOfBook, _: &mut Context<Self>) -> Self::Result {
        MessageResult(self.book.l1())
    }
}

impl Handler<Depth> for BookActor {
    type Result = MessageResult<Depth>;
    fn handle(&mut self, msg: Depth, _: &mut Context<Self>) -> Self::Result {
        MessageResult(self.book.l2(msg.0))
    }
}

impl Handler<RestingOrders> for BookActor {
    type Result = Vec<RestingOrder>;
    fn handle(&mut self, msg: RestingOrders, _: &mut Context<Self>) -> Vec<RestingOrder> {
        self.book.resting_orders(msg.0).collect()
    }
}

impl Handler<CheckInvariants> for BookActor {
    type Result = Result<(), String>;
    fn handle(&mut self, _: CheckInvariants, _: &mut Context<Self>) -> Result<(), String> {
        self.book.check_invariants()
    }
}
