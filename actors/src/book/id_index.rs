//! Where each live order id is: resting in a ladder slot, or waiting as a
//! stop. The market hands out order ids in sequence, so a book mostly sees
//! ids that are close together and rising: those are found in a window of
//! ids indexed by offset (4 bytes an id, next to each other in memory, no
//! hashing). Any id the window cannot hold cheaply (far ahead of it, behind
//! it, or an old order still live when the window moves on) goes to a hash
//! map, so odd ids cost a hash lookup and nothing more.

use std::collections::VecDeque;

use rustc_hash::FxHashMap;

use crate::types::OrderId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Location {
    Resting(u32),
    Stop,
}

/// A window entry: a slot index, or one of these two markers. Ladder slot
/// indices stay below both (they are `u32`, and `u32::MAX` is the ladder's
/// own end-of-list marker).
const VACANT: u32 = u32::MAX;
const STOP: u32 = u32::MAX - 1;

/// The window never spans more than `SPREAD` ids per live id in it, plus
/// `MIN_WINDOW`: ids from a market of several books, or a book whose old
/// orders fill and cancel, still fit, and its memory stays proportional to
/// the live orders rather than to every id ever seen.
const SPREAD: usize = 8;
const MIN_WINDOW: usize = 4096;

#[derive(Debug, Default)]
pub(crate) struct IdIndex {
    /// The id of `window[0]`.
    base: u64,
    window: VecDeque<u32>,
    /// Live ids in the window.
    in_window: usize,
    sparse: FxHashMap<OrderId, Location>,
}

fn encode(location: Location) -> u32 {
    match location {
        Location::Resting(slot) => {
            debug_assert!(slot < STOP, "slot {slot} collides with a marker");
            slot
        }
        Location::Stop => STOP,
    }
}

fn decode(entry: u32) -> Option<Location> {
    match entry {
        VACANT => None,
        STOP => Some(Location::Stop),
        slot => Some(Location::Resting(slot)),
    }
}

impl IdIndex {
    /// Room for `orders` ids in sequence before the window allocates.
    pub fn with_capacity(orders: usize) -> IdIndex {
        IdIndex {
            window: VecDeque::with_capacity(orders),
            ..IdIndex::default()
        }
    }

    fn bound(&self) -> usize {
        SPREAD * self.in_window + MIN_WINDOW
    }

    /// `id`'s offset in the window, if the window covers it.
    fn offset(&self, id: OrderId) -> Option<usize> {
        let offset = usize::try_from(id.0.checked_sub(self.base)?).ok()?;
        (offset < self.window.len()).then_some(offset)
    }

    /// Where `id` is. An id is in the window or in the hash map, never in
    /// both: a vacant window entry only says that it is not in the window
    /// (an id sent to the map as too far ahead may be inside it by now).
    pub fn get(&self, id: OrderId) -> Option<Location> {
        self.window_entry(id)
            .and_then(decode)
            .or_else(|| self.sparse_get(id))
    }

    fn window_entry(&self, id: OrderId) -> Option<u32> {
        self.offset(id).map(|offset| self.window[offset])
    }

    fn sparse_get(&self, id: OrderId) -> Option<Location> {
        if self.sparse.is_empty() {
            return None;
        }
        self.sparse.get(&id).copied()
    }

    pub fn contains(&self, id: OrderId) -> bool {
        self.get(id).is_some()
    }

    /// Record where `id` is, replacing what was recorded for it.
    pub fn insert(&mut self, id: OrderId, location: Location) {
        let offset = self.offset(id);
        if let Some(offset) = offset
            && self.window[offset] != VACANT
        {
            self.window[offset] = encode(location);
            return;
        }
        if !self.sparse.is_empty()
            && let Some(recorded) = self.sparse.get_mut(&id)
        {
            *recorded = location;
            return;
        }
        if let Some(offset) = offset {
            self.window[offset] = encode(location);
            self.in_window += 1;
            return;
        }
        if self.in_window == 0 {
            // Nothing live in the window: start it afresh at this id.
            self.window.clear();
            self.base = id.0;
        }
        let gap =
            id.0.checked_sub(self.base)
                .and_then(|ahead| usize::try_from(ahead).ok())
                .and_then(|ahead| ahead.checked_sub(self.window.len()));
        match gap {
            Some(gap) if gap <= self.bound() => {
                self.window.extend(std::iter::repeat_n(VACANT, gap));
                self.window.push_back(encode(location));
                self.in_window += 1;
                self.shrink_to_bound();
            }
            _ => {
                self.sparse.insert(id, location);
            }
        }
    }

    /// Drop the oldest ids until the window is within its bound; the live
    /// ones among them move to the hash map.
    fn shrink_to_bound(&mut self) {
        while self.window.len() > self.bound() {
            let Some(entry) = self.window.pop_front() else {
                break;
            };
            if let Some(location) = decode(entry) {
                self.in_window -= 1;
                self.sparse.insert(OrderId(self.base), location);
            }
            self.base += 1;
        }
    }

    pub fn remove(&mut self, id: OrderId) -> Option<Location> {
        if let Some(offset) = self.offset(id)
            && let Some(location) = decode(self.window[offset])
        {
            self.window[offset] = VACANT;
            self.in_window -= 1;
            return Some(location);
        }
        if self.sparse.is_empty() {
            return None;
        }
        self.sparse.remove(&id)
    }

    /// Live ids.
    pub fn len(&self) -> usize {
        self.in_window + self.sparse.len()
    }

    /// Live ids held in the hash map rather than the window.
    #[cfg(test)]
    pub fn sparse_len(&self) -> usize {
        self.sparse.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u64) -> OrderId {
        OrderId(n)
    }

    #[test]
    fn ids_in_sequence_stay_in_the_window() {
        let mut index = IdIndex::with_capacity(16);
        for n in 1..=10_000 {
            index.insert(id(n), Location::Resting(n as u32));
        }
        assert_eq!((index.len(), index.sparse_len()), (10_000, 0));
        assert_eq!(index.get(id(7)), Some(Location::Resting(7)));
        assert_eq!(index.get(id(10_001)), None);
        assert_eq!(index.get(id(0)), None);
        assert_eq!(index.remove(id(7)), Some(Location::Resting(7)));
        assert_eq!(index.remove(id(7)), None);
        assert!(!index.contains(id(7)));
        assert_eq!(index.len(), 9_999);
    }

    #[test]
    fn a_stop_becomes_resting_in_place() {
        let mut index = IdIndex::default();
        index.insert(id(5), Location::Stop);
        assert_eq!(index.get(id(5)), Some(Location::Stop));
        index.insert(id(5), Location::Resting(3));
        assert_eq!(index.get(id(5)), Some(Location::Resting(3)));
        assert_eq!(index.len(), 1);
    }

    #[test]
    fn far_and_earlier_ids_go_to_the_hash_map_and_are_found_there() {
        let mut index = IdIndex::default();
        index.insert(id(1_000), Location::Resting(0));
        index.insert(id(u64::MAX), Location::Resting(1));
        index.insert(id(999), Location::Stop);
        index.insert(id(1_001), Location::Resting(2));
        assert_eq!(index.sparse_len(), 2);
        assert_eq!(index.len(), 4);
        assert_eq!(index.get(id(u64::MAX)), Some(Location::Resting(1)));
        assert_eq!(index.get(id(999)), Some(Location::Stop));
        assert_eq!(index.get(id(1_001)), Some(Location::Resting(2)));
        index.insert(id(u64::MAX), Location::Resting(9));
        assert_eq!(index.get(id(u64::MAX)), Some(Location::Resting(9)));
        assert_eq!(index.remove(id(u64::MAX)), Some(Location::Resting(9)));
        assert_eq!(index.remove(id(999)), Some(Location::Stop));
        assert_eq!((index.len(), index.sparse_len()), (2, 0));
    }

    #[test]
    fn an_id_sent_ahead_to_the_hash_map_is_found_once_the_window_covers_it() {
        let mut index = IdIndex::default();
        index.insert(id(1), Location::Resting(0));
        let far = 1 + MIN_WINDOW as u64 + 100;
        index.insert(id(far), Location::Resting(1));
        assert_eq!(index.sparse_len(), 1);
        for n in 2..far {
            index.insert(id(n), Location::Resting(2));
        }
        assert!(index.offset(id(far)).is_none());
        index.insert(id(far + 1), Location::Resting(3));
        assert!(index.offset(id(far)).is_some(), "the window now covers it");
        assert_eq!(index.get(id(far)), Some(Location::Resting(1)));
        index.insert(id(far), Location::Stop);
        assert_eq!(index.get(id(far)), Some(Location::Stop));
        assert_eq!(index.len(), far as usize + 1);
        assert_eq!(index.remove(id(far)), Some(Location::Stop));
        assert_eq!(index.get(id(far)), None);
        assert_eq!(index.sparse_len(), 0);
    }

    #[test]
    fn an_emptied_window_restarts_at_the_next_id() {
        let mut index = IdIndex::default();
        index.insert(id(3), Location::Resting(0));
        index.remove(id(3));
        index.insert(id(1 << 40), Location::Resting(1));
        assert_eq!(index.sparse_len(), 0);
        assert_eq!(index.get(id(1 << 40)), Some(Location::Resting(1)));
        assert_eq!(index.get(id(3)), None);
    }

    #[test]
    fn old_live_ids_move_to_the_hash_map_as_the_window_moves_on() {
        let mut index = IdIndex::default();
        // One old order stays live while 100,000 later ones come and go:
        // the window follows the new ids and the old one is still found.
        index.insert(id(1), Location::Resting(1));
        for n in 2..100_000 {
            index.insert(id(n), Location::Resting(2));
            assert_eq!(index.remove(id(n)), Some(Location::Resting(2)));
        }
        assert!(index.window.len() <= index.bound());
        assert_eq!(index.sparse_len(), 1);
        assert_eq!(index.get(id(1)), Some(Location::Resting(1)));
        assert_eq!(index.len(), 1);
    }

    #[test]
    fn interleaved_ids_of_several_books_stay_in_the_window() {
        let mut index = IdIndex::default();
        // This book gets every 5th id of the market and keeps them all.
        for n in (3..50_000).step_by(5) {
            index.insert(id(n), Location::Resting(0));
        }
        assert_eq!((index.len(), index.sparse_len()), (10_000, 0));
    }
}
