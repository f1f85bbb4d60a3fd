//! Where the market's changes go to be written down. The persister (in the
//! platform) receives [`Record`]s; the market only hands them over. Books
//! hand over each update before telling the accounts about it, so a trade
//! always reaches the persister before either side's settlement.
//!
//! The [`Backlog`] counts what was handed over and is not yet written down.
//! While it is over its limit the books take no new commands: a market
//! faster than its database slows to the database's pace instead of
//! queueing changes without bound.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use actix::prelude::*;
use tokio::sync::oneshot;

use crate::account::AccountChanges;
use crate::book::{BookUpdate, Listing};

pub mod codec;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Change {
    /// A book opened; what its prices mean in money.
    Listed(Listing),
    Book(Arc<BookUpdate>),
    Account(Box<AccountChanges>),
}

/// One change to write down; `committed` (when given) hears back once the
/// change is durable.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct Record {
    pub change: Change,
    pub committed: Option<oneshot::Sender<()>>,
}

/// Where changes are handed over, and how far behind their writing is.
#[derive(Clone)]
pub struct Journal {
    recipient: Recipient<Record>,
    backlog: Arc<Backlog>,
}

impl Journal {
    /// `backlog` must be the one the receiver of `recipient` counts down.
    pub fn new(recipient: Recipient<Record>, backlog: Arc<Backlog>) -> Journal {
        Journal { recipient, backlog }
    }

    /// Hand one change over; never refused, never waits.
    pub fn record(&self, change: Change, committed: Option<oneshot::Sender<()>>) {
        self.backlog.added(1);
        self.recipient.do_send(Record { change, committed });
    }

    pub fn backlog(&self) -> &Arc<Backlog> {
        &self.backlog
    }
}

/// Changes handed over and not yet written down.
#[derive(Debug)]
pub struct Backlog {
    pending: AtomicUsize,
    /// The most that were ever pending at once.
    peak: AtomicUsize,
    limit: usize,
    drained: tokio::sync::Notify,
}

impl Backlog {
    /// Books hold back while more than `limit` changes are pending.
    pub fn new(limit: usize) -> Backlog {
        Backlog {
            pending: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            limit: limit.max(1),
            drained: tokio::sync::Notify::new(),
        }
    }

    pub fn added(&self, changes: usize) {
        let now = self.pending.fetch_add(changes, Ordering::AcqRel) + changes;
        self.peak.fetch_max(now, Ordering::Relaxed);
    }

    /// `changes` of those pending are written down.
    pub fn written(&self, changes: usize) {
        let before = self.pending.fetch_sub(changes, Ordering::AcqRel);
        debug_assert!(before >= changes, "more written than handed over");
        if !self.is_over() {
            self.drained.notify_waiters();
        }
    }

    pub fn pending(&self) -> usize {
        self.pending.load(Ordering::Acquire)
    }

    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::Relaxed)
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    pub fn is_over(&self) -> bool {
        self.pending() > self.limit
    }

    /// Resolves once no more than the limit is pending.
    pub async fn within_limit(&self) {
        loop {
            let mut drained = std::pin::pin!(self.drained.notified());
            // Registered before the check, so a drain between the check and
            // the wait still wakes it.
            drained.as_mut().enable();
            if !self.is_over() {
                return;
            }
            drained.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    use super::*;

    #[test]
    fn over_the_limit_until_enough_is_written() {
        let backlog = Backlog::new(3);
        backlog.added(3);
        assert!(!backlog.is_over());
        backlog.added(2);
        assert!(backlog.is_over());
        let mut waiting = pin!(backlog.within_limit());
        let mut cx = Context::from_waker(Waker::noop());
        assert!(waiting.as_mut().poll(&mut cx).is_pending());
        backlog.written(1);
        assert!(waiting.as_mut().poll(&mut cx).is_pending());
        backlog.written(1);
        assert_eq!(waiting.as_mut().poll(&mut cx), Poll::Ready(()));
        assert_eq!((backlog.pending(), backlog.peak()), (3, 5));
    }
}
