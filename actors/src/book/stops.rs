//! Stop orders waiting for their trigger, kept per side in the order they
//! would fire (the next to fire last), so checking after a trade is O(1)
//! when nothing fires.

use super::order::PendingStop;
use crate::types::{OrderId, Price, Quantity, Side};

#[derive(Debug, Default)]
pub(crate) struct StopBook {
    buys: Vec<PendingStop>,
    sells: Vec<PendingStop>,
}

/// Larger fires sooner: a buy stop with a lower trigger, a sell stop with a
/// higher one.
fn urgency(stop: &PendingStop) -> i64 {
    match stop.side {
        Side::Buy => -stop.trigger.0,
        Side::Sell => stop.trigger.0,
    }
}

impl StopBook {
    fn side_mut(&mut self, side: Side) -> &mut Vec<PendingStop> {
        match side {
            Side::Buy => &mut self.buys,
            Side::Sell => &mut self.sells,
        }
    }

    pub fn insert(&mut self, stop: PendingStop) {
        let u = urgency(&stop);
        let list = self.side_mut(stop.side);
        let at = list.partition_point(|s| urgency(s) <= u);
        list.insert(at, stop);
    }

    fn position(&self, id: OrderId) -> Option<(Side, usize)> {
        if let Some(i) = self.buys.iter().position(|s| s.id == id) {
            return Some((Side::Buy, i));
        }
        self.sells
            .iter()
            .position(|s| s.id == id)
            .map(|i| (Side::Sell, i))
    }

    pub fn remove(&mut self, id: OrderId) -> Option<PendingStop> {
        let (side, i) = self.position(id)?;
        Some(self.side_mut(side).remove(i))
    }

    /// Lower a waiting stop's quantity; returns it as it now is.
    pub fn reduce(&mut self, id: OrderId, by: Quantity) -> Option<PendingStop> {
        let (side, i) = self.position(id)?;
        let stop = &mut self.side_mut(side)[i];
        stop.remaining -= by;
        Some(*stop)
    }

    pub fn get(&self, id: OrderId) -> Option<&PendingStop> {
        self.position(id).map(|(side, i)| match side {
            Side::Buy => &self.buys[i],
            Side::Sell => &self.sells[i],
        })
    }

    /// Move every stop that a trade at `last` fires into `fired` (unordered;
    /// the caller orders them by placement).
    pub fn drain_fired(&mut self, last: Price, fired: &mut Vec<PendingStop>) {
        for side in [Side::Buy, Side::Sell] {
            let list = self.side_mut(side);
            while list.last().is_some_and(|s| s.fires_at(last)) {
                fired.extend(list.pop());
            }
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &PendingStop> + '_ {
        self.buys.iter().chain(self.sells.iter())
    }

    pub fn len(&self) -> usize {
        self.buys.len() + self.sells.len()
    }

    pub fn check(&self) -> Result<(), String> {
        for list in [&self.buys, &self.sells] {
            if list.windows(2).any(|w| urgency(&w[0]) > urgency(&w[1])) {
                return Err("stop list not in firing order".into());
            }
            if list.iter().any(|s| s.remaining.is_zero()) {
                return Err("a stop waits with nothing left".into());
            }
        }
        Ok(())
    }
}
