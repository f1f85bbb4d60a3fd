//! The resting orders: a slab of order slots linked into one FIFO list per
//! price level, and per side a vector of levels sorted so that the best price
//! is last (popping or pushing at the touch is O(1); inserting a new level is
//! a binary search plus a short move near the touch, where most levels are).
//! Freed slots and levels are reused, so a warmed-up book does not allocate.

use super::order::{RestingOrder, TimeInForce};
use crate::types::{AccountId, OrderId, Price, Quantity, Side};

pub(crate) const NIL: u32 = u32::MAX;

#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot {
    pub id: OrderId,
    pub account: AccountId,
    pub side: Side,
    pub price: Price,
    pub remaining: Quantity,
    pub tif: TimeInForce,
    pub priority_seq: u64,
    pub level: u32,
    pub prev: u32,
    pub next: u32,
}

impl Slot {
    pub fn view(&self) -> RestingOrder {
        RestingOrder {
            id: self.id,
            account: self.account,
            side: self.side,
            price: self.price,
            remaining: self.remaining,
            tif: self.tif,
            priority_seq: self.priority_seq,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Level {
    pub price: Price,
    pub quantity: Quantity,
    pub orders: u32,
    pub head: u32,
    pub tail: u32,
}

/// A level's place in its side's sorted vector: `key` is the price for bids
/// and the negated price for asks, so that on both sides a larger key is a
/// better price and the best level is the last entry.
#[derive(Debug, Clone, Copy)]
struct LevelRef {
    key: i64,
    level: u32,
}

fn key(side: Side, price: Price) -> i64 {
    match side {
        Side::Buy => price.0,
        Side::Sell => -price.0,
    }
}

#[derive(Debug, Default)]
pub(crate) struct Ladder {
    slots: Vec<Slot>,
    free_slots: Vec<u32>,
    levels: Vec<Level>,
    free_levels: Vec<u32>,
    bids: Vec<LevelRef>,
    asks: Vec<LevelRef>,
}

impl Ladder {
    pub fn with_capacity(orders: usize) -> Ladder {
        Ladder {
            slots: Vec::with_capacity(orders),
            free_slots: Vec::with_capacity(orders),
            levels: Vec::with_capacity(1024),
            free_levels: Vec::with_capacity(1024),
            bids: Vec::with_capacity(512),
            asks: Vec::with_capacity(512),
        }
    }

    fn side(&self, side: Side) -> &Vec<LevelRef> {
        match side {
            Side::Buy => &self.bids,
            Side::Sell => &self.asks,
        }
    }

    fn side_mut(&mut self, side: Side) -> &mut Vec<LevelRef> {
        match side {
            Side::Buy => &mut self.bids,
            Side::Sell => &mut self.asks,
        }
    }

    pub fn slot(&self, slot: u32) -> &Slot {
        &self.slots[slot as usize]
    }

    pub fn level(&self, level: u32) -> &Level {
        &self.levels[level as usize]
    }

    /// The best level of a side.
    pub fn best(&self, side: Side) -> Option<u32> {
        self.side(side).last().map(|r| r.level)
    }

    pub fn best_price(&self, side: Side) -> Option<Price> {
        self.best(side).map(|l| self.level(l).price)
    }

    /// The levels of a side, best first.
    pub fn levels(&self, side: Side) -> impl Iterator<Item = &Level> + '_ {
        self.side(side)
            .iter()
            .rev()
            .map(|r| &self.levels[r.level as usize])
    }

    /// The orders of one level, oldest first.
    pub fn orders_at(&self, level: &Level) -> impl Iterator<Item = &Slot> + '_ {
        let mut cur = level.head;
        std::iter::from_fn(move || {
            (cur != NIL).then(|| {
                let slot = &self.slots[cur as usize];
                cur = slot.next;
                slot
            })
        })
    }

    /// Append an order at the back of its price level's queue; returns its slot.
    pub fn insert(&mut self, order: RestingOrder) -> u32 {
        let level = self.level_for(order.side, order.price);
        let slot = Slot {
            id: order.id,
            account: order.account,
            side: order.side,
            price: order.price,
            remaining: order.remaining,
            tif: order.tif,
            priority_seq: order.priority_seq,
            level,
            prev: self.levels[level as usize].tail,
            next: NIL,
        };
        let index = match self.free_slots.pop() {
            Some(free) => {
                self.slots[free as usize] = slot;
                free
            }
            None => {
                self.slots.push(slot);
                (self.slots.len() - 1) as u32
            }
        };
        let lvl = &mut self.levels[level as usize];
        if lvl.tail == NIL {
            lvl.head = index;
        } else {
            self.slots[lvl.tail as usize].next = index;
        }
        lvl.tail = index;
        lvl.orders += 1;
        lvl.quantity += order.remaining;
        index
    }

    fn level_for(&mut self, side: Side, price: Price) -> u32 {
        let k = key(side, price);
        let position = match self.side(side).binary_search_by_key(&k, |r| r.key) {
            Ok(found) => return self.side(side)[found].level,
            Err(position) => position,
        };
        let fresh = Level {
            price,
            quantity: Quantity::ZERO,
            orders: 0,
            head: NIL,
            tail: NIL,
        };
        let level = match self.free_levels.pop() {
            Some(free) => {
                self.levels[free as usize] = fresh;
                free
            }
            None => {
                self.levels.push(fresh);
                (self.levels.len() - 1) as u32
            }
        };
        self.side_mut(side)
            .insert(position, LevelRef { key: k, level });
        level
    }

    /// Take `quantity` off a resting order (a fill or a reduction); returns
    /// what is left of it. An order left with nothing must then be removed.
    pub fn take(&mut self, slot: u32, quantity: Quantity) -> Quantity {
        let s = &mut self.slots[slot as usize];
        s.remaining -= quantity;
        let remaining = s.remaining;
        self.levels[s.level as usize].quantity -= quantity;
        remaining
    }

    /// Unlink an order from its level (dropping the level when it empties)
    /// and free its slot.
    pub fn remove(&mut self, slot: u32) -> Slot {
        let s = self.slots[slot as usize];
        if s.prev == NIL {
            self.levels[s.level as usize].head = s.next;
        } else {
            self.slots[s.prev as usize].next = s.next;
        }
        if s.next == NIL {
            self.levels[s.level as usize].tail = s.prev;
        } else {
            self.slots[s.next as usize].prev = s.prev;
        }
        let lvl = &mut self.levels[s.level as usize];
        lvl.orders -= 1;
        lvl.quantity -= s.remaining;
        if lvl.orders == 0 {
            self.drop_level(s.side, s.price, s.level);
        }
        self.free_slots.push(slot);
        s
    }

    fn drop_level(&mut self, side: Side, price: Price, level: u32) {
        let k = key(side, price);
        let refs = self.side_mut(side);
        // Most emptied levels are the best one: check the end first.
        if refs.last().is_some_and(|r| r.key == k) {
            refs.pop();
        } else if let Ok(i) = refs.binary_search_by_key(&k, |r| r.key) {
            refs.remove(i);
        }
        self.free_levels.push(level);
    }

    /// Every live slot index with its slot, in no particular order.
    pub fn live_slots(&self) -> impl Iterator<Item = (u32, &Slot)> + '_ {
        self.side(Side::Buy)
            .iter()
            .chain(self.side(Side::Sell).iter())
            .flat_map(move |r| {
                let mut cur = self.levels[r.level as usize].head;
                std::iter::from_fn(move || {
                    (cur != NIL).then(|| {
                        let index = cur;
                        cur = self.slots[cur as usize].next;
                        (index, &self.slots[index as usize])
                    })
                })
            })
    }

    /// Checks the structure: sides strictly sorted, links consistent, every
    /// level's totals equal the sum of its orders, no empty level. Returns
    /// the number of live orders.
    pub fn check(&self) -> Result<usize, String> {
        let mut live = 0;
        for side in [Side::Buy, Side::Sell] {
            let refs = self.side(side);
            if refs.windows(2).any(|w| w[0].key >= w[1].key) {
                return Err(format!("{side:?} levels not strictly sorted"));
            }
            for r in refs {
                let lvl = self.level(r.level);
                if key(side, lvl.price) != r.key {
                    return Err(format!("level key mismatch at {}", lvl.price));
                }
                let (mut quantity, mut orders, mut prev) = (Quantity::ZERO, 0u32, NIL);
                let mut cur = lvl.head;
                while cur != NIL {
                    let s = self.slot(cur);
                    if s.prev != prev
                        || s.level != r.level
                        || s.side != side
                        || s.price != lvl.price
                    {
                        return Err(format!("broken links for order {}", s.id));
                    }
                    if s.remaining.is_zero() {
                        return Err(format!("order {} rests with nothing left", s.id));
                    }
                    quantity += s.remaining;
                    orders += 1;
                    prev = cur;
                    cur = s.next;
                }
                if lvl.tail != prev {
                    return Err(format!("level {} tail is not its last order", lvl.price));
                }
                if orders == 0 || orders != lvl.orders || quantity != lvl.quantity {
                    return Err(format!(
                        "level {} says {}x{} but holds {}x{}",
                        lvl.price, lvl.orders, lvl.quantity, orders, quantity
                    ));
                }
                live += orders as usize;
            }
        }
        Ok(live)
    }
}
