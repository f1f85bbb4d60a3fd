//! A connection's outbound queue. The hub puts frames in from its own
//! thread; the connection takes them out when its socket can take more.
//! It is bounded in frames and in bytes, so a client that stops reading
//! never grows the server's memory:
//! - a state frame (a book, a quote) replaces the same subscription's
//!   state of the same key still waiting, in place: the client gets the
//!   latest state, with its own sequence number, and nothing older;
//! - any other frame that does not fit overflows the queue: its frames are
//!   dropped at once, and the connection closes with a close code of its
//!   own (see [`super::SLOW_CONSUMER`]).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::task::Waker;

use actix_web::web::Bytes;

/// A subscription of one connection (numbered by the connection).
pub type Slot = u32;

/// What conflates: the subscription's state of one thing (a book, a
/// symbol's quote).
pub type StateKey = u128;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxLimits {
    pub frames: usize,
    pub bytes: usize,
}

impl Default for OutboxLimits {
    fn default() -> Self {
        OutboxLimits {
            frames: 1_024,
            bytes: 512 * 1024,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A result, serialized once and shared by every subscriber of it.
    Next(Bytes),
    /// The subscription ended on the server's side.
    Complete,
}

impl Frame {
    fn len(&self) -> usize {
        match self {
            Frame::Next(bytes) => bytes.len(),
            Frame::Complete => 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    pub slot: Slot,
    pub frame: Frame,
}

/// What became of a frame put in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pushed {
    Queued,
    /// It replaced an older state of the same key still waiting.
    Conflated,
    /// It did not fit: the queue is emptied and the connection is to close.
    Overflowed,
    /// The connection is gone or going; nothing more is taken.
    Closed,
}

/// What a connection finds when it looks.
#[derive(Debug, PartialEq, Eq)]
pub enum Taken {
    /// Frames to send (possibly none yet; the connection is woken when
    /// some arrive).
    Frames,
    /// The queue overflowed: close the connection.
    Overflowed,
}

#[derive(Debug)]
pub struct Outbox {
    limits: OutboxLimits,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    queue: VecDeque<Queued>,
    /// The number every entry gets as it is queued; `queue[0]` has `head`.
    head: u64,
    bytes: usize,
    /// Where each (subscription, key)'s waiting state sits, by number.
    states: HashMap<(Slot, StateKey), u64>,
    waker: Option<Waker>,
    status: Status,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Status {
    #[default]
    Open,
    Overflowed,
    Closed,
}

impl Outbox {
    pub fn new(limits: OutboxLimits) -> Outbox {
        Outbox {
            limits,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// Put a frame in for `slot`; `state` names what it is the latest state
    /// of, when it is one.
    pub fn push(&self, slot: Slot, frame: Frame, state: Option<StateKey>) -> Pushed {
        let mut inner = self.lock();
        if inner.status != Status::Open {
            return Pushed::Closed;
        }
        if let Some(key) = state
            && let Some(&number) = inner.states.get(&(slot, key))
        {
            let index = (number - inner.head) as usize;
            let added = frame.len();
            let queued = &mut inner.queue[index];
            let removed = queued.frame.len();
            queued.frame = frame;
            inner.bytes = inner.bytes + added - removed;
            if inner.bytes > self.limits.bytes {
                inner.overflow();
                return Pushed::Overflowed;
            }
            return Pushed::Conflated;
        }
        if inner.queue.len() >= self.limits.frames || inner.bytes + frame.len() > self.limits.bytes
        {
            inner.overflow();
            return Pushed::Overflowed;
        }
        let number = inner.head + inner.queue.len() as u64;
        if let Some(key) = state {
            inner.states.insert((slot, key), number);
        }
        inner.bytes += frame.len();
        inner.queue.push_back(Queued { slot, frame });
        if inner.queue.len() == 1
            && let Some(waker) = inner.waker.take()
        {
            waker.wake();
        }
        Pushed::Queued
    }

    /// Move every waiting frame to `out`, in order. With none waiting,
    /// `waker` is woken when one arrives (or the queue overflows).
    pub fn take(&self, out: &mut Vec<Queued>, waker: &Waker) -> Taken {
        let mut inner = self.lock();
        if inner.status == Status::Overflowed {
            return Taken::Overflowed;
        }
        if inner.queue.is_empty() {
            if !inner.waker.as_ref().is_some_and(|w| w.will_wake(waker)) {
                inner.waker = Some(waker.clone());
            }
            return Taken::Frames;
        }
        let taken = inner.queue.len() as u64;
        out.extend(inner.queue.drain(..));
        inner.head += taken;
        inner.bytes = 0;
        inner.states.clear();
        Taken::Frames
    }

    /// The connection is going: drop what waits and refuse what comes.
    pub fn close(&self) {
        let mut inner = self.lock();
        inner.status = Status::Closed;
        inner.clear();
    }

    /// Frames and bytes waiting (for tests and metrics).
    pub fn waiting(&self) -> (usize, usize) {
        let inner = self.lock();
        (inner.queue.len(), inner.bytes)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Inner {
    fn overflow(&mut self) {
        self.status = Status::Overflowed;
        self.clear();
        if let Some(waker) = self.waker.take() {
            waker.wake();
        }
    }

    fn clear(&mut self) {
        self.head += self.queue.len() as u64;
        self.queue = VecDeque::new();
        self.states = HashMap::new();
        self.bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::task::Waker;

    fn next(text: &str) -> Frame {
        Frame::Next(Bytes::copy_from_slice(text.as_bytes()))
    }

    fn drain(outbox: &Outbox) -> Vec<Queued> {
        let mut out = Vec::new();
        assert_eq!(outbox.take(&mut out, Waker::noop()), Taken::Frames);
        out
    }

    #[test]
    fn frames_come_out_in_order() {
        let outbox = Outbox::new(OutboxLimits::default());
        assert_eq!(outbox.push(1, next("a"), None), Pushed::Queued);
        assert_eq!(outbox.push(2, next("b"), None), Pushed::Queued);
        assert_eq!(outbox.push(1, Frame::Complete, None), Pushed::Queued);
        let out = drain(&outbox);
        let slots: Vec<Slot> = out.iter().map(|q| q.slot).collect();
        assert_eq!(slots, [1, 2, 1]);
        assert_eq!(out[2].frame, Frame::Complete);
        assert_eq!(outbox.waiting(), (0, 0));
    }

    #[test]
    fn a_newer_state_replaces_the_waiting_one_in_place() {
        let outbox = Outbox::new(OutboxLimits::default());
        outbox.push(1, next("book seq 1"), Some(7));
        outbox.push(1, next("trade"), None);
        assert_eq!(
            outbox.push(1, next("book seq 2"), Some(7)),
            Pushed::Conflated
        );
        // Another key, and the same key of another subscription, do not.
        assert_eq!(outbox.push(1, next("other"), Some(8)), Pushed::Queued);
        assert_eq!(outbox.push(2, next("book of 2"), Some(7)), Pushed::Queued);
        let out = drain(&outbox);
        assert_eq!(
            out.iter().map(|q| q.frame.clone()).collect::<Vec<_>>(),
            [
                next("book seq 2"),
                next("trade"),
                next("other"),
                next("book of 2")
            ]
        );
        // Once sent, a state waits anew.
        assert_eq!(outbox.push(1, next("book seq 3"), Some(7)), Pushed::Queued);
        assert_eq!(drain(&outbox).len(), 1);
    }

    #[test]
    fn an_event_that_does_not_fit_overflows_and_frees_the_queue() {
        let outbox = Outbox::new(OutboxLimits {
            frames: 3,
            bytes: 1_000,
        });
        for _ in 0..3 {
            assert_eq!(outbox.push(1, next("trade"), None), Pushed::Queued);
        }
        assert_eq!(outbox.push(1, next("trade"), None), Pushed::Overflowed);
        assert_eq!(outbox.waiting(), (0, 0));
        assert_eq!(outbox.push(1, next("trade"), None), Pushed::Closed);
        let mut out = Vec::new();
        assert_eq!(outbox.take(&mut out, Waker::noop()), Taken::Overflowed);
        assert!(out.is_empty());
    }

    #[test]
    fn bytes_bound_the_queue_too() {
        let outbox = Outbox::new(OutboxLimits {
            frames: 100,
            bytes: 10,
        });
        assert_eq!(outbox.push(1, next("12345"), Some(1)), Pushed::Queued);
        assert_eq!(outbox.push(1, next("12345"), None), Pushed::Queued);
        // A larger state in place of a smaller one can overflow as well.
        assert_eq!(outbox.push(1, next("123456"), Some(1)), Pushed::Overflowed);
    }

    #[test]
    fn a_closed_outbox_takes_nothing() {
        let outbox = Outbox::new(OutboxLimits::default());
        outbox.push(1, next("a"), None);
        outbox.close();
        assert_eq!(outbox.waiting(), (0, 0));
        assert_eq!(outbox.push(1, next("b"), None), Pushed::Closed);
    }

    /// One frame put in: (slot, state key or an event, payload length).
    fn pushes() -> impl Strategy<Value = Vec<(Slot, Option<StateKey>, usize, bool)>> {
        proptest::collection::vec(
            (
                0..3u32,
                prop::option::of(0..4u128),
                1..40usize,
                any::<bool>(),
            ),
            1..200,
        )
    }

    proptest! {
        /// Whatever is put in and taken out: the queue stays within its
        /// bounds; every event comes out once, in order; a state comes out
        /// as its latest version, never behind an older one of its key;
        /// and an overflow happens only when an event or a new key did not
        /// fit.
        #[test]
        fn the_queue_stays_bounded_and_keeps_every_event_and_the_latest_state(
            steps in pushes(),
        ) {
            let limits = OutboxLimits { frames: 16, bytes: 300 };
            let outbox = Outbox::new(limits);
            // What the client has seen, per (slot, key): the last version.
            let mut version = 0u64;
            let mut sent_events = Vec::new();
            let mut expected_events = Vec::new();
            let mut latest: HashMap<(Slot, StateKey), u64> = HashMap::new();
            let mut seen_state: HashMap<(Slot, StateKey), u64> = HashMap::new();
            let mut overflowed = false;
            let last = steps.len() - 1;
            for (step, (slot, key, len, take)) in steps.into_iter().enumerate() {
                version += 1;
                let mut payload = format!("{version}:");
                payload.push_str(&"x".repeat(len));
                let pushed = outbox.push(slot, next(&payload), key);
                let (frames, bytes) = outbox.waiting();
                prop_assert!(frames <= limits.frames && bytes <= limits.bytes);
                match pushed {
                    Pushed::Closed => break,
                    Pushed::Overflowed => {
                        prop_assert_eq!(outbox.waiting(), (0, 0));
                        overflowed = true;
                        break;
                    }
                    Pushed::Queued | Pushed::Conflated => match key {
                        None => expected_events.push(version),
                        Some(key) => {
                            latest.insert((slot, key), version);
                        }
                    },
                }
                if take || step == last {
                    for queued in drain(&outbox) {
                        let Frame::Next(bytes) = queued.frame else { unreachable!() };
                        let text = std::str::from_utf8(&bytes).unwrap();
                        let v: u64 = text.split(':').next().unwrap().parse().unwrap();
                        let state = latest.iter().find(|(_, lv)| **lv == v).map(|(k, _)| *k);
                        match state {
                            Some(k) => {
                                // The latest of its key at the time it was taken.
                                prop_assert!(seen_state.get(&k).is_none_or(|s| *s < v));
                                seen_state.insert(k, v);
                            }
                            None => sent_events.push(v),
                        }
                    }
                }
            }
            // Events that came out came out in order, none twice, and
            // without an overflow every one of them came out.
            prop_assert!(sent_events.windows(2).all(|w| w[0] < w[1]));
            prop_assert!(sent_events.iter().all(|v| expected_events.contains(v)));
            if !overflowed {
                prop_assert_eq!(sent_events, expected_events);
                prop_assert!(latest.iter().all(|(k, v)| seen_state.get(k) == Some(v)));
            }
        }
    }
}
