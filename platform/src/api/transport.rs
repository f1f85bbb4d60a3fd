//! The limits on connections and requests, and what enforces them: how
//! many WebSocket connections one address and one account may hold, and
//! which requests are running and since when (so that `/health` can tell a
//! stuck worker).

use super::live::outbox::OutboxLimits;
use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransportSettings {
    /// The longest a GraphQL request over HTTP may run.
    pub request_timeout: Duration,
    /// How long a new WebSocket may take to send `connection_init`.
    pub ws_init_timeout: Duration,
    /// Open WebSocket connections from one address (a classroom behind one
    /// NAT shares an address, so this is generous).
    pub ws_per_address: usize,
    /// Open WebSocket connections signed in as one account.
    pub ws_per_account: usize,
    /// What a connection's outbound queue holds before a trade or order
    /// stream overflows it.
    pub ws_outbox: OutboxLimits,
    /// The most book updates an `orderBook` subscription sends a second;
    /// the changes between two are conflated into the latest book.
    pub book_updates_per_second: u32,
}

impl Default for TransportSettings {
    fn default() -> Self {
        TransportSettings {
            request_timeout: Duration::from_secs(30),
            ws_init_timeout: Duration::from_secs(3),
            ws_per_address: 256,
            ws_per_account: 32,
            ws_outbox: OutboxLimits::default(),
            book_updates_per_second: 20,
        }
    }
}

/// Counts of open connections by key, each held by a [`Slot`].
#[derive(Debug)]
pub struct Counts<K: Eq + Hash> {
    limit: usize,
    open: Arc<Mutex<HashMap<K, usize>>>,
}

impl<K: Eq + Hash + Clone> Counts<K> {
    pub fn new(limit: usize) -> Counts<K> {
        Counts {
            limit,
            open: Arc::default(),
        }
    }

    /// A slot for `key`, or `None` when it holds `limit` already. The slot
    /// is given back when dropped.
    pub fn take(&self, key: K) -> Option<Slot<K>> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let count = open.entry(key.clone()).or_default();
        if *count >= self.limit {
            return None;
        }
        *count += 1;
        Some(Slot {
            key,
            open: Arc::clone(&self.open),
        })
    }

    pub fn open(&self, key: &K) -> usize {
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.get(key).copied().unwrap_or(0)
    }
}

/// One open connection counted against its key.
#[derive(Debug)]
pub struct Slot<K: Eq + Hash> {
    key: K,
    open: Arc<Mutex<HashMap<K, usize>>>,
}

impl<K: Eq + Hash> Drop for Slot<K> {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = open.get_mut(&self.key) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.key);
            }
        }
    }
}

/// The WebSocket connections open now, by address and by account.
#[derive(Debug)]
pub struct Sockets {
    pub by_address: Counts<IpAddr>,
    pub by_account: Counts<i64>,
}

impl Sockets {
    pub fn new(settings: &TransportSettings) -> Sockets {
        Sockets {
            by_address: Counts::new(settings.ws_per_address),
            by_account: Counts::new(settings.ws_per_account),
        }
    }
}

/// The GraphQL requests running now, with when each began.
#[derive(Debug, Default)]
pub struct InFlight {
    next: AtomicU64,
    running: Arc<Mutex<HashMap<u64, Instant>>>,
}

impl InFlight {
    /// Counts the request as running until the returned guard is dropped.
    pub fn begin(&self) -> Running {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        running.insert(id, Instant::now());
        Running {
            id,
            running: Arc::clone(&self.running),
        }
    }

    /// How many requests have been running for `limit` or longer: each
    /// holds a worker that its time limit could not free (it never yields),
    /// and every request queued behind it on that worker waits.
    pub fn stuck(&self, limit: Duration) -> usize {
        let running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        running
            .values()
            .filter(|began| began.elapsed() >= limit)
            .count()
    }
}

pub struct Running {
    id: u64,
    running: Arc<Mutex<HashMap<u64, Instant>>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        running.remove(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_holds_at_most_its_limit_and_gets_slots_back_when_they_drop() {
        let counts = Counts::new(2);
        let a = counts.take("a").unwrap();
        let b = counts.take("a").unwrap();
        assert!(counts.take("a").is_none());
        let other = counts.take("b").expect("keys are counted apart");
        drop(a);
        let c = counts.take("a").expect("a dropped slot is free again");
        assert_eq!(counts.open(&"a"), 2);
        drop((b, c, other));
        assert_eq!(counts.open(&"a"), 0);
        assert!(
            counts.open.lock().unwrap().is_empty(),
            "nothing left behind"
        );
    }

    #[test]
    fn a_request_counts_as_stuck_only_past_the_limit_and_while_it_runs() {
        let in_flight = InFlight::default();
        let running = in_flight.begin();
        assert_eq!(in_flight.stuck(Duration::from_secs(60)), 0);
        assert_eq!(in_flight.stuck(Duration::ZERO), 1);
        drop(running);
        assert_eq!(in_flight.stuck(Duration::ZERO), 0);
    }
}
