//! Rebuilding an account from what the database holds, after a restart. The
//! rebuilt account must satisfy every invariant, or it is refused.

use std::collections::BTreeMap;

use super::account::Account;
use super::cash::LedgerLimits;
use super::entries::Journal;
use super::holdings::Holding;
use super::{LedgerEntry, Lot, Reservation};
use crate::types::{AccountId, Money, Quantity, Side, Symbol};

/// An account as it was written down.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Restored {
    pub cash: Money,
    /// The number the next journal entry takes.
    pub next_entry: u64,
    pub realized_total: Money,
    /// Every open lot, oldest first within each symbol.
    pub lots: Vec<(Symbol, Lot)>,
    /// The id the next lot takes (at least one past the highest lot id).
    pub next_lot: u64,
    /// The reservations of the account's open orders.
    pub reservations: Vec<Reservation>,
    /// Idempotency keys of past deposits and withdrawals, with their entries.
    pub keys: Vec<(String, LedgerEntry)>,
}

impl Account {
    /// The account `state` describes. Holdings, reserved cash and reserved
    /// shares are derived from the lots and reservations, then every
    /// invariant is checked; a state that breaks one is refused with the
    /// reason.
    pub fn restore(
        id: AccountId,
        limits: LedgerLimits,
        state: Restored,
    ) -> Result<Account, String> {
        let next_lot = state
            .lots
            .iter()
            .map(|(_, lot)| lot.id + 1)
            .max()
            .unwrap_or(1)
            .max(state.next_lot);
        let mut holdings: BTreeMap<Symbol, Holding> = BTreeMap::new();
        for (symbol, lot) in state.lots {
            let holding = holdings.entry(symbol).or_insert_with(|| Holding {
                quantity: Quantity::ZERO,
                reserved: Quantity::ZERO,
                cost: Money::ZERO,
                lots: Default::default(),
            });
            let cost = lot.cost().map_err(|e| format!("{symbol}: {e}"))?;
            holding.quantity += lot.quantity;
            holding.cost = holding
                .cost
                .checked_add(cost)
                .ok_or_else(|| format!("{symbol}: cost basis overflows"))?;
            holding.lots.push_back(lot);
        }
        let mut reserved_cash = Money::ZERO;
        let mut reservations = rustc_hash::FxHashMap::default();
        for reservation in state.reservations {
            reserved_cash = reserved_cash
                .checked_add(reservation.cash)
                .ok_or("reserved cash overflows")?;
            if reservation.side == Side::Sell {
                let holding = holdings.get_mut(&reservation.symbol).ok_or_else(|| {
                    format!(
                        "order {} sells {} the account does not hold",
                        reservation.order, reservation.symbol
                    )
                })?;
                holding.reserved += reservation.shares;
            }
            if reservations
                .insert(reservation.order, reservation)
                .is_some()
            {
                return Err(format!("order {} is reserved twice", reservation.order));
            }
        }
        let account = Account {
            id,
            limits,
            cash: state.cash,
            reserved_cash,
            holdings,
            reservations,
            realized: Vec::new(),
            realized_total: state.realized_total,
            realized_drained: state.realized_total,
            journal: Journal::resume(state.cash, state.next_entry.max(1)),
            keys: state.keys.into_iter().collect(),
            fresh_keys: Vec::new(),
            next_lot,
            lot_changes: Vec::new(),
        };
        account.check_invariants()?;
        Ok(account)
    }

    /// The account as it would be written down: what [`Account::restore`]
    /// takes back.
    pub fn to_restored(&self) -> Restored {
        Restored {
            cash: self.cash,
            next_entry: self.journal.next_id(),
            realized_total: self.realized_total,
            lots: self
                .holdings
                .iter()
                .flat_map(|(symbol, h)| h.lots.iter().map(move |lot| (*symbol, *lot)))
                .collect(),
            next_lot: self.next_lot,
            reservations: {
                let mut open: Vec<Reservation> = self.reservations.values().copied().collect();
                open.sort_unstable_by_key(|r| r.order);
                open
            },
            keys: {
                let mut keys: Vec<(String, LedgerEntry)> =
                    self.keys.iter().map(|(k, e)| (k.clone(), *e)).collect();
                keys.sort_unstable_by_key(|(_, e)| e.id);
                keys
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::*;
    use crate::types::OrderId;

    /// An account with history, lots, and an open buy and an open sell.
    fn busy_account() -> Account {
        let fees = with_minimum(Money(100));
        let mut account = funded(Money(1_000_000));
        account.deposit(Money(500), Some("k1".into()), T0).unwrap();
        buy(&mut account, &fees, 1, 10, 10_000, T0);
        buy(&mut account, &fees, 2, 10, 11_000, T0);
        sell(&mut account, &fees, 3, 15, 12_000, T0);
        reserve_buy(&mut account, &fees, 4, 3, 9_000).unwrap();
        reserve_sell(&mut account, &fees, 5, 2, 13_000).unwrap();
        account
    }

    #[test]
    fn an_account_comes_back_as_it_was_written_down() {
        let mut live = busy_account();
        live.drain_history();
        let restored =
            Account::restore(live.id(), LedgerLimits::default(), live.to_restored()).unwrap();
        assert_eq!(restored, live);

        // It goes on exactly as the original does.
        let mut original = live.clone();
        let mut copy = restored;
        for account in [&mut original, &mut copy] {
            account.deposit(Money(7), None, T0).unwrap();
            assert_eq!(
                account
                    .deposit(Money(500), Some("k1".into()), T0)
                    .unwrap()
                    .id,
                2,
                "a retried deposit is still recognised"
            );
            account.release(OrderId(4)).unwrap();
        }
        assert_eq!(copy, original);
    }

    #[test]
    fn a_state_that_breaks_an_invariant_is_refused() {
        let live = busy_account();
        let mut state = live.to_restored();
        state.cash = Money(1);
        assert!(
            Account::restore(live.id(), LedgerLimits::default(), state)
                .unwrap_err()
                .contains("reserved cash")
        );
        let mut state = live.to_restored();
        state.lots.clear();
        assert!(
            Account::restore(live.id(), LedgerLimits::default(), state)
                .unwrap_err()
                .contains("does not hold")
        );
    }
}
