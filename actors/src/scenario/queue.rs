//! The kernel's event queue: earliest time first, and among equal times the
//! one scheduled first (a sequence number), so a run never depends on how a
//! heap breaks ties.
//!
//! A four-ary min-heap rather than `BinaryHeap`: a run keeps every bot's
//! next wake-up queued (100,000 entries for the largest scenario, several
//! MiB), so a pop is a walk down through memory the caches do not hold.
//! Four children a node halve the levels walked, and a node's children
//! share a cache line or two. Keys are unique, so any correct heap pops
//! the same order.

/// Children per node.
const ARITY: usize = 4;

#[derive(Debug)]
struct Entry<E> {
    at: i64,
    seq: u64,
    event: E,
}

impl<E> Entry<E> {
    fn key(&self) -> (i64, u64) {
        (self.at, self.seq)
    }
}

#[derive(Debug)]
pub struct EventQueue<E> {
    heap: Vec<Entry<E>>,
    next_seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            heap: Vec::new(),
            next_seq: 0,
        }
    }
}

impl<E> EventQueue<E> {
    /// `at` in nanoseconds of the virtual clock.
    pub fn push(&mut self, at: i64, event: E) {
        self.heap.push(Entry {
            at,
            seq: self.next_seq,
            event,
        });
        self.next_seq += 1;
        self.sift_up(self.heap.len() - 1);
    }

    pub fn peek_time(&self) -> Option<i64> {
        self.heap.first().map(|entry| entry.at)
    }

    pub fn pop(&mut self) -> Option<(i64, E)> {
        let last = self.heap.pop()?;
        let first = if self.heap.is_empty() {
            last
        } else {
            let first = std::mem::replace(&mut self.heap[0], last);
            self.sift_down(0);
            first
        };
        Some((first.at, first.event))
    }

    fn sift_up(&mut self, mut at: usize) {
        while at > 0 {
            let parent = (at - 1) / ARITY;
            if self.heap[at].key() >= self.heap[parent].key() {
                break;
            }
            self.heap.swap(at, parent);
            at = parent;
        }
    }

    fn sift_down(&mut self, mut at: usize) {
        let len = self.heap.len();
        loop {
            let first = at * ARITY + 1;
            if first >= len {
                break;
            }
            let end = (first + ARITY).min(len);
            let mut least = first;
            for child in first + 1..end {
                if self.heap[child].key() < self.heap[least].key() {
                    least = child;
                }
            }
            if self.heap[least].key() >= self.heap[at].key() {
                break;
            }
            self.heap.swap(at, least);
            at = least;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use rand::rngs::ChaCha8Rng;
    use rand::{RngExt, SeedableRng};

    use super::*;

    #[test]
    fn earliest_first_then_first_scheduled() {
        let mut queue = EventQueue::default();
        queue.push(20, "late");
        queue.push(10, "first");
        queue.push(10, "second");
        queue.push(5, "earliest");
        let order: Vec<_> = std::iter::from_fn(|| queue.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, ["earliest", "first", "second", "late"]);
    }

    /// Pushes and pops interleaved, many ties: each pop is the least
    /// (time, push number) queued at that moment, as a sorted set says.
    #[test]
    fn pops_in_time_then_push_order_under_churn() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut queue = EventQueue::default();
        let mut reference = BTreeSet::new();
        let mut pushed = 0u64;
        for round in 0..2_000i64 {
            for _ in 0..rng.random_range(0..5) {
                let at = rng.random_range(round..round + 50);
                queue.push(at, pushed);
                reference.insert((at, pushed));
                pushed += 1;
            }
            for _ in 0..rng.random_range(0..4) {
                assert_eq!(queue.pop(), reference.pop_first());
            }
            assert_eq!(queue.peek_time(), reference.first().map(|&(at, _)| at));
        }
        while let Some(least) = reference.pop_first() {
            assert_eq!(queue.pop(), Some(least));
        }
        assert_eq!(queue.pop(), None);
    }
}
