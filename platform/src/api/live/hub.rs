//! The hub: every live subscription's execution, shared by all identical
//! subscriptions. A feed runs its execution once, on the hub's own thread,
//! and serializes each result once; its subscribers' connections get the
//! same bytes in their [`Outbox`]es. A subscriber who joins a running feed
//! is first sent what the feed keeps for joiners (the book, each quote,
//! the open orders, the latest trade), then the feed's next results.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use actix::ArbiterHandle;
use actix_web::web::Bytes;
use async_graphql::{Request, Response};
use futures_util::StreamExt;
use tokio::sync::Notify;

use super::key::FeedKey;
use super::outbox::{Frame, Outbox, Pushed, Slot, StateKey};
use super::tag::{Retain, Tag, Tagger};
use crate::api::guard::Caller;
use crate::api::schema::MarketSchema;
use crate::metrics::Metrics;

/// One subscription of one connection.
#[derive(Debug, Clone)]
pub struct Subscriber {
    pub connection: u64,
    pub slot: Slot,
    pub outbox: Arc<Outbox>,
}

pub struct Hub {
    schema: MarketSchema,
    /// The hub's thread, where executions run.
    runtime: ArbiterHandle,
    metrics: Arc<Metrics>,
    feeds: Mutex<HashMap<FeedKey, Arc<Feed>>>,
}

pub struct Feed {
    key: FeedKey,
    state: Mutex<FeedState>,
    /// Rung when the last subscriber has left.
    stop: Notify,
}

#[derive(Default)]
struct FeedState {
    subscribers: HashMap<(u64, Slot), Arc<Outbox>>,
    /// What a joiner is sent first.
    latest: Option<Bytes>,
    keyed: BTreeMap<StateKey, Bytes>,
    ended: bool,
}

impl Hub {
    pub fn new(schema: MarketSchema, runtime: ArbiterHandle, metrics: Arc<Metrics>) -> Arc<Hub> {
        Arc::new(Hub {
            schema,
            runtime,
            metrics,
            feeds: Mutex::new(HashMap::new()),
        })
    }

    /// Join the feed of `key`, starting it if it is not running.
    pub fn subscribe(
        self: &Arc<Self>,
        key: FeedKey,
        request: Request,
        caller: &Caller,
        subscriber: Subscriber,
    ) -> Arc<Feed> {
        let mut feeds = lock(&self.feeds);
        if let Some(feed) = feeds.get(&key) {
            let mut state = lock(&feed.state);
            if !state.ended {
                state.join(subscriber, &self.metrics);
                return Arc::clone(feed);
            }
        }
        let feed = Arc::new(Feed {
            key: key.clone(),
            state: Mutex::new(FeedState::default()),
            stop: Notify::new(),
        });
        lock(&feed.state).join(subscriber, &self.metrics);
        feeds.insert(key, Arc::clone(&feed));
        drop(feeds);
        self.metrics.feed_started();

        let tagger = Arc::new(Tagger::default());
        let request = request
            .data(feed.key.caller(caller))
            .data(Arc::clone(&tagger));
        let stream = self.schema.execute_stream(request);
        let hub = Arc::clone(self);
        let running = Arc::clone(&feed);
        self.runtime
            .spawn(async move { hub.run(running, stream, tagger).await });
        feed
    }

    /// Take `subscriber`'s subscription off `feed`; the feed stops when it
    /// was the last.
    pub fn unsubscribe(&self, feed: &Arc<Feed>, connection: u64, slot: Slot) {
        let emptied = {
            let mut state = lock(&feed.state);
            let left = state.subscribers.remove(&(connection, slot)).is_some();
            if left {
                self.metrics.subscriber_left();
            }
            left && state.subscribers.is_empty()
        };
        if emptied {
            self.release(feed);
        }
    }

    /// Run `request` once for one subscriber: a query or mutation sent over
    /// the socket, or a document that cannot be shared.
    pub fn run_alone(&self, request: Request, caller: Caller, subscriber: Subscriber) {
        let schema = self.schema.clone();
        let metrics = Arc::clone(&self.metrics);
        self.runtime.spawn(async move {
            let mut stream = schema.execute_stream(request.data(caller));
            while let Some(response) = stream.next().await {
                metrics.result_made();
                let pushed = subscriber.outbox.push(
                    subscriber.slot,
                    Frame::Next(serialize(&response)),
                    None,
                );
                if !count(&metrics, pushed) {
                    return;
                }
            }
            let pushed = subscriber
                .outbox
                .push(subscriber.slot, Frame::Complete, None);
            count(&metrics, pushed);
        });
    }

    /// The executions running now.
    pub fn feeds(&self) -> usize {
        lock(&self.feeds).len()
    }

    async fn run(
        self: Arc<Self>,
        feed: Arc<Feed>,
        stream: impl futures_util::Stream<Item = Response> + Send,
        tagger: Arc<Tagger>,
    ) {
        let mut stream = std::pin::pin!(stream);
        loop {
            let next = tokio::select! {
                next = stream.next() => next,
                () = feed.stop.notified() => break,
            };
            let Some(response) = next else {
                self.end(&feed);
                break;
            };
            let tag = tagger.take();
            self.metrics.result_made();
            let emptied = feed.emit(serialize(&response), tag, &self.metrics);
            if emptied {
                self.release(&feed);
            }
        }
        self.metrics.feed_stopped();
    }

    /// The execution ended (an error, or its source closed): every
    /// subscriber gets `complete`.
    fn end(&self, feed: &Arc<Feed>) {
        let mut feeds = lock(&self.feeds);
        let mut state = lock(&feed.state);
        state.ended = true;
        for ((_, slot), outbox) in state.subscribers.drain() {
            count(&self.metrics, outbox.push(slot, Frame::Complete, None));
            self.metrics.subscriber_left();
        }
        forget(&mut feeds, feed);
    }

    /// Stop `feed` if nobody is on it.
    fn release(&self, feed: &Arc<Feed>) {
        let mut feeds = lock(&self.feeds);
        let mut state = lock(&feed.state);
        if state.subscribers.is_empty() && !state.ended {
            state.ended = true;
            forget(&mut feeds, feed);
            feed.stop.notify_one();
        }
    }
}

fn forget(feeds: &mut HashMap<FeedKey, Arc<Feed>>, feed: &Arc<Feed>) {
    if feeds.get(&feed.key).is_some_and(|f| Arc::ptr_eq(f, feed)) {
        feeds.remove(&feed.key);
    }
}

impl Feed {
    /// Send one result to every subscriber. True when that left nobody
    /// (every one of them overflowed or had gone).
    fn emit(&self, payload: Bytes, tag: Tag, metrics: &Metrics) -> bool {
        let mut state = lock(&self.state);
        match tag.retain {
            Retain::Nothing => {}
            Retain::Latest => state.latest = Some(payload.clone()),
            Retain::Keyed(key) => {
                state.keyed.insert(key, payload.clone());
            }
            Retain::Forget(key) => {
                state.keyed.remove(&key);
            }
        }
        let before = state.subscribers.len();
        state.subscribers.retain(|(_, slot), outbox| {
            let pushed = outbox.push(*slot, Frame::Next(payload.clone()), tag.conflate);
            let kept = count(metrics, pushed);
            if !kept {
                metrics.subscriber_left();
            }
            kept
        });
        before > 0 && state.subscribers.is_empty()
    }
}

impl FeedState {
    fn join(&mut self, subscriber: Subscriber, metrics: &Metrics) {
        metrics.subscriber_joined();
        let outbox = subscriber.outbox;
        let slot = subscriber.slot;
        let first = self.latest.iter().chain(self.keyed.values());
        for payload in first {
            if !count(
                metrics,
                outbox.push(slot, Frame::Next(payload.clone()), None),
            ) {
                metrics.subscriber_left();
                return;
            }
        }
        self.subscribers
            .insert((subscriber.connection, slot), outbox);
    }
}

/// Count what became of a frame; false when its subscriber is gone.
fn count(metrics: &Metrics, pushed: Pushed) -> bool {
    match pushed {
        Pushed::Queued => true,
        Pushed::Conflated => {
            metrics.frame_conflated();
            true
        }
        Pushed::Overflowed => {
            metrics.slow_consumer_disconnected();
            false
        }
        Pushed::Closed => false,
    }
}

fn serialize(response: &Response) -> Bytes {
    // A response is plain JSON data; serializing it cannot fail.
    Bytes::from(serde_json::to_vec(response).unwrap_or_else(|_| b"null".to_vec()))
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
