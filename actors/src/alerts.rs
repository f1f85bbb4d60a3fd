//! Price alerts: the pure core the market feed checks every trade against.
//!
//! An alert waits for a symbol's trade price to reach a level: at or above
//! it, or at or below it. A change-over-the-session alert is the same thing
//! once its percentage is turned into a level against the session's
//! reference price ([`change_level`]). Each alert fires once: the trade that
//! reaches it removes it.
//!
//! The levels of a symbol sit in two ordered sets, so a trade that fires
//! nothing costs two lookups whatever the number of alerts waiting, and one
//! that fires `k` of them costs `k` removals more.

use std::collections::{BTreeSet, HashMap};

use crate::types::{AccountId, Money, Symbol};

/// An alert, unique across the market (the database's row id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AlertId(pub u64);

/// When an alert fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Trigger {
    /// A trade at this price or higher.
    AtOrAbove(Money),
    /// A trade at this price or lower.
    AtOrBelow(Money),
}

impl Trigger {
    /// Whether a trade at `price` fires it.
    pub fn fires_at(self, price: Money) -> bool {
        match self {
            Trigger::AtOrAbove(level) => price >= level,
            Trigger::AtOrBelow(level) => price <= level,
        }
    }
}

/// An alert the core holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Alert {
    pub id: AlertId,
    pub owner: AccountId,
    pub symbol: Symbol,
    pub trigger: Trigger,
}

/// An alert a trade fired, and the trade's price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fired {
    pub alert: Alert,
    pub price: Money,
}

/// The level a change of `bps` hundredths of a percent from `reference`
/// reaches, rounded away from the reference to the cent so that a trade at
/// the level has changed by at least that much: up is `reference + ⌈r·bps /
/// 10 000⌉`, down is `reference − ⌈r·bps / 10 000⌉`. `None` when `bps` is
/// not positive, a fall would pass zero, or the level does not fit.
pub fn change_level(reference: Money, up: bool, bps: i64) -> Option<Trigger> {
    if bps <= 0 || reference.0 <= 0 {
        return None;
    }
    let product = i128::from(reference.0) * i128::from(bps);
    // Both are positive, so rounding up is adding what the division left.
    let step = product / 10_000 + i128::from(product % 10_000 != 0);
    let step = i64::try_from(step).ok()?;
    if up {
        reference
            .0
            .checked_add(step)
            .map(|l| Trigger::AtOrAbove(Money(l)))
    } else {
        let level = reference.0 - step;
        (level > 0).then_some(Trigger::AtOrBelow(Money(level)))
    }
}

#[derive(Debug, Default)]
struct Levels {
    above: BTreeSet<(Money, AlertId)>,
    below: BTreeSet<(Money, AlertId)>,
}

/// Every waiting alert of the market.
#[derive(Debug, Default)]
pub struct Alerts {
    by_symbol: HashMap<Symbol, Levels>,
    by_id: HashMap<AlertId, Alert>,
    per_owner: HashMap<AccountId, usize>,
}

impl Alerts {
    /// Starts waiting on `alert`; false (and nothing changes) when its id
    /// is already waiting.
    pub fn insert(&mut self, alert: Alert) -> bool {
        if self.by_id.contains_key(&alert.id) {
            return false;
        }
        let levels = self.by_symbol.entry(alert.symbol).or_default();
        match alert.trigger {
            Trigger::AtOrAbove(level) => levels.above.insert((level, alert.id)),
            Trigger::AtOrBelow(level) => levels.below.insert((level, alert.id)),
        };
        self.by_id.insert(alert.id, alert);
        *self.per_owner.entry(alert.owner).or_default() += 1;
        true
    }

    /// Stops waiting on `id`: the alert, or `None` if it was not waiting
    /// (it fired, or was never here).
    pub fn remove(&mut self, id: AlertId) -> Option<Alert> {
        let alert = self.by_id.remove(&id)?;
        if let Some(levels) = self.by_symbol.get_mut(&alert.symbol) {
            match alert.trigger {
                Trigger::AtOrAbove(level) => levels.above.remove(&(level, id)),
                Trigger::AtOrBelow(level) => levels.below.remove(&(level, id)),
            };
            if levels.above.is_empty() && levels.below.is_empty() {
                self.by_symbol.remove(&alert.symbol);
            }
        }
        if let Some(count) = self.per_owner.get_mut(&alert.owner) {
            *count -= 1;
            if *count == 0 {
                self.per_owner.remove(&alert.owner);
            }
        }
        Some(alert)
    }

    /// A trade of `symbol` at `price`: every alert it fires, by level (the
    /// nearest first) and then by id, no longer waiting.
    pub fn on_trade(&mut self, symbol: Symbol, price: Money) -> Vec<Fired> {
        let Some(levels) = self.by_symbol.get(&symbol) else {
            return Vec::new();
        };
        let mut above: Vec<(Money, AlertId)> = levels
            .above
            .range(..=(price, AlertId(u64::MAX)))
            .copied()
            .collect();
        above.sort_by_key(|&(level, id)| (std::cmp::Reverse(level), id));
        let mut fired: Vec<AlertId> = above.into_iter().map(|(_, id)| id).collect();
        fired.extend(levels.below.range((price, AlertId(0))..).map(|&(_, id)| id));
        fired
            .into_iter()
            .filter_map(|id| self.remove(id))
            .map(|alert| Fired { alert, price })
            .collect()
    }

    /// Stops waiting on every alert of `symbol` (it was delisted): them,
    /// by id.
    pub fn remove_symbol(&mut self, symbol: Symbol) -> Vec<Alert> {
        let Some(levels) = self.by_symbol.get(&symbol) else {
            return Vec::new();
        };
        let mut ids: Vec<AlertId> = levels
            .above
            .iter()
            .chain(&levels.below)
            .map(|&(_, id)| id)
            .collect();
        ids.sort_unstable();
        ids.into_iter().filter_map(|id| self.remove(id)).collect()
    }

    /// How many alerts `owner` has waiting.
    pub fn waiting_of(&self, owner: AccountId) -> usize {
        self.per_owner.get(&owner).copied().unwrap_or(0)
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Each waiting alert is in its symbol's set on its side once, and the
    /// owners' counts add up.
    pub fn check_invariants(&self) -> Result<(), String> {
        let in_sets: usize = self
            .by_symbol
            .values()
            .map(|l| l.above.len() + l.below.len())
            .sum();
        if in_sets != self.by_id.len() {
            return Err(format!("{in_sets} levels for {} alerts", self.by_id.len()));
        }
        for alert in self.by_id.values() {
            let levels = self
                .by_symbol
                .get(&alert.symbol)
                .ok_or_else(|| format!("{:?} has no levels", alert.symbol))?;
            let present = match alert.trigger {
                Trigger::AtOrAbove(level) => levels.above.contains(&(level, alert.id)),
                Trigger::AtOrBelow(level) => levels.below.contains(&(level, alert.id)),
            };
            if !present {
                return Err(format!("{:?} is not at its level", alert.id));
            }
        }
        let owned: usize = self.per_owner.values().sum();
        if owned != self.by_id.len() {
            return Err(format!("owners count {owned} of {}", self.by_id.len()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sym(s: &str) -> Symbol {
        Symbol::new(s).unwrap()
    }

    fn alert(id: u64, owner: u64, symbol: &str, trigger: Trigger) -> Alert {
        Alert {
            id: AlertId(id),
            owner: AccountId(owner),
            symbol: sym(symbol),
            trigger,
        }
    }

    fn ids(fired: &[Fired]) -> Vec<u64> {
        fired.iter().map(|f| f.alert.id.0).collect()
    }

    #[test]
    fn a_trade_fires_the_levels_it_reaches_once_nearest_first() {
        let mut alerts = Alerts::default();
        alerts.insert(alert(1, 7, "ACME", Trigger::AtOrAbove(Money(10_500))));
        alerts.insert(alert(2, 7, "ACME", Trigger::AtOrAbove(Money(10_100))));
        alerts.insert(alert(3, 8, "ACME", Trigger::AtOrAbove(Money(11_000))));
        alerts.insert(alert(4, 8, "ACME", Trigger::AtOrBelow(Money(9_000))));
        alerts.insert(alert(5, 8, "BOLT", Trigger::AtOrAbove(Money(100))));

        assert!(alerts.on_trade(sym("ACME"), Money(10_099)).is_empty());
        let fired = alerts.on_trade(sym("ACME"), Money(10_500));
        assert_eq!(ids(&fired), vec![1, 2]);
        assert!(fired.iter().all(|f| f.price == Money(10_500)));
        assert!(alerts.on_trade(sym("ACME"), Money(10_500)).is_empty());
        assert_eq!(ids(&alerts.on_trade(sym("ACME"), Money(9_000))), vec![4]);
        assert_eq!(alerts.len(), 2);
        assert_eq!(alerts.waiting_of(AccountId(7)), 0);
        assert_eq!(alerts.waiting_of(AccountId(8)), 2);
        alerts.check_invariants().unwrap();
    }

    #[test]
    fn removed_alerts_never_fire_and_ids_are_not_reused() {
        let mut alerts = Alerts::default();
        let a = alert(1, 7, "ACME", Trigger::AtOrBelow(Money(500)));
        assert!(alerts.insert(a));
        assert!(!alerts.insert(alert(1, 9, "BOLT", Trigger::AtOrAbove(Money(1)))));
        assert_eq!(alerts.remove(AlertId(1)), Some(a));
        assert_eq!(alerts.remove(AlertId(1)), None);
        assert!(alerts.on_trade(sym("ACME"), Money(1)).is_empty());
        assert!(alerts.is_empty());
        alerts.check_invariants().unwrap();
    }

    #[test]
    fn a_delisted_symbol_takes_its_alerts_with_it() {
        let mut alerts = Alerts::default();
        alerts.insert(alert(3, 7, "ACME", Trigger::AtOrBelow(Money(500))));
        alerts.insert(alert(1, 8, "ACME", Trigger::AtOrAbove(Money(900))));
        alerts.insert(alert(2, 7, "BOLT", Trigger::AtOrAbove(Money(900))));
        let gone: Vec<u64> = alerts
            .remove_symbol(sym("ACME"))
            .iter()
            .map(|a| a.id.0)
            .collect();
        assert_eq!(gone, vec![1, 3]);
        assert!(alerts.on_trade(sym("ACME"), Money(1_000)).is_empty());
        assert_eq!(alerts.waiting_of(AccountId(7)), 1);
        assert_eq!(alerts.waiting_of(AccountId(8)), 0);
        assert!(alerts.remove_symbol(sym("ACME")).is_empty());
        alerts.check_invariants().unwrap();
    }

    #[test]
    fn change_levels_round_away_from_the_reference() {
        // 5% of 101.00 is 5.05: exact.
        assert_eq!(
            change_level(Money(10_100), true, 500),
            Some(Trigger::AtOrAbove(Money(10_605)))
        );
        // 2.5% of 10.01 is 0.25025: a trade at 10.26 has moved 2.4975%, so
        // the level is 10.27 (and 9.75 below).
        assert_eq!(
            change_level(Money(1_001), true, 250),
            Some(Trigger::AtOrAbove(Money(1_027)))
        );
        assert_eq!(
            change_level(Money(1_001), false, 250),
            Some(Trigger::AtOrBelow(Money(975)))
        );
        assert_eq!(change_level(Money(1_000), false, 10_000), None);
        assert_eq!(change_level(Money(1_000), true, 0), None);
        assert_eq!(change_level(Money(0), true, 100), None);
    }
}
