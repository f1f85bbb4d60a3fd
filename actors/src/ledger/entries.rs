//! The cash journal: every movement of an account's cash, in order, each with
//! the balance before and after, so that the history reconciles to the cent.

use crate::types::{Money, OrderId, Symbol, Timestamp, TradeId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum LedgerKind {
    Deposit,
    Withdrawal,
    Buy,
    Sell,
    Fee,
    Tax,
    Dividend,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct LedgerEntry {
    /// 1, 2, 3, ... within the account.
    pub id: u64,
    pub kind: LedgerKind,
    /// Signed: a credit is positive, a debit negative.
    pub amount: Money,
    pub cash_before: Money,
    pub cash_after: Money,
    pub symbol: Option<Symbol>,
    pub order: Option<OrderId>,
    pub trade: Option<TradeId>,
    pub at: Timestamp,
}

/// What a movement of cash belongs to.
#[derive(Debug, Clone, Copy)]
pub(super) struct Origin {
    pub symbol: Option<Symbol>,
    pub order: Option<OrderId>,
    pub trade: Option<TradeId>,
    pub at: Timestamp,
}

impl Origin {
    pub fn transfer(at: Timestamp) -> Origin {
        Origin {
            symbol: None,
            order: None,
            trade: None,
            at,
        }
    }

    pub fn trade(symbol: Symbol, order: OrderId, trade: TradeId, at: Timestamp) -> Origin {
        Origin {
            symbol: Some(symbol),
            order: Some(order),
            trade: Some(trade),
            at,
        }
    }
}

/// The entries not yet handed to the persister. Older ones live in the
/// database; `opening` is the balance they left and `first_id` the number
/// of the first entry kept, so the chain still checks from there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Journal {
    opening: Money,
    first_id: u64,
    entries: Vec<LedgerEntry>,
}

impl Default for Journal {
    fn default() -> Self {
        Journal::resume(Money::ZERO, 1)
    }
}

impl Journal {
    /// A journal whose next entry is number `next_id`, from a balance of
    /// `opening` (what the earlier entries left).
    pub fn resume(opening: Money, next_id: u64) -> Journal {
        Journal {
            opening,
            first_id: next_id,
            entries: Vec::new(),
        }
    }

    pub fn entries(&self) -> &[LedgerEntry] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The number the next entry takes.
    pub fn next_id(&self) -> u64 {
        self.first_id + self.entries.len() as u64
    }

    /// Hand over the entries kept so far; numbering and the chain go on.
    pub fn drain(&mut self) -> Vec<LedgerEntry> {
        let drained = std::mem::take(&mut self.entries);
        if let Some(last) = drained.last() {
            self.opening = last.cash_after;
            self.first_id = last.id + 1;
        }
        drained
    }

    /// Moves `cash` by `amount` and records it. The caller has checked that
    /// the whole operation fits, so this step cannot overflow.
    pub fn post(
        &mut self,
        cash: &mut Money,
        kind: LedgerKind,
        amount: Money,
        origin: Origin,
    ) -> LedgerEntry {
        let cash_before = *cash;
        *cash += amount;
        let entry = LedgerEntry {
            id: self.first_id + self.entries.len() as u64,
            kind,
            amount,
            cash_before,
            cash_after: *cash,
            symbol: origin.symbol,
            order: origin.order,
            trade: origin.trade,
            at: origin.at,
        };
        self.entries.push(entry);
        entry
    }

    /// Every entry adds up and follows the one before, from the opening
    /// balance; the last entry leaves what the account holds.
    pub fn check_chain(&self, cash: Money) -> Result<(), String> {
        let mut balance = self.opening;
        for (index, entry) in self.entries.iter().enumerate() {
            let number = self.first_id + index as u64;
            if entry.id != number {
                return Err(format!("entry {} is number {number}", entry.id));
            }
            if entry.cash_before != balance {
                return Err(format!(
                    "entry {} starts from {} after a balance of {}",
                    entry.id, entry.cash_before, balance
                ));
            }
            if entry.cash_before.checked_add(entry.amount) != Some(entry.cash_after) {
                return Err(format!(
                    "entry {}: {} + {} is not {}",
                    entry.id, entry.cash_before, entry.amount, entry.cash_after
                ));
            }
            balance = entry.cash_after;
        }
        if balance != cash {
            return Err(format!(
                "the journal ends at {balance} but the account holds {cash}"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_chain_and_number_the_entries() {
        let mut journal = Journal::default();
        let mut cash = Money::ZERO;
        let at = Timestamp(7);
        journal.post(
            &mut cash,
            LedgerKind::Deposit,
            Money(1_000),
            Origin::transfer(at),
        );
        let second = journal.post(
            &mut cash,
            LedgerKind::Withdrawal,
            Money(-300),
            Origin::transfer(at),
        );
        assert_eq!(cash, Money(700));
        assert_eq!(second.id, 2);
        assert_eq!(
            (second.cash_before, second.cash_after),
            (Money(1_000), Money(700))
        );
        assert_eq!(journal.check_chain(cash), Ok(()));
        assert!(journal.check_chain(Money(701)).is_err());
    }

    #[test]
    fn a_broken_chain_is_reported() {
        let mut journal = Journal::default();
        let mut cash = Money::ZERO;
        journal.post(
            &mut cash,
            LedgerKind::Deposit,
            Money(1_000),
            Origin::transfer(Timestamp(0)),
        );
        journal.entries[0].cash_after = Money(999);
        assert!(journal.check_chain(Money(999)).is_err());
    }

    #[test]
    fn a_drained_journal_goes_on_numbering_and_chaining() {
        let mut journal = Journal::default();
        let mut cash = Money::ZERO;
        let at = Origin::transfer(Timestamp(0));
        journal.post(&mut cash, LedgerKind::Deposit, Money(1_000), at);
        journal.post(&mut cash, LedgerKind::Withdrawal, Money(-100), at);
        let drained = journal.drain();
        assert_eq!(drained.iter().map(|e| e.id).collect::<Vec<_>>(), vec![1, 2]);
        assert_eq!(journal.check_chain(cash), Ok(()));
        let third = journal.post(&mut cash, LedgerKind::Deposit, Money(5), at);
        assert_eq!((third.id, third.cash_before), (3, Money(900)));
        assert_eq!(journal.check_chain(cash), Ok(()));
        assert_eq!(
            Journal::resume(Money(900), 3).check_chain(Money(900)),
            Ok(())
        );
        assert!(
            Journal::resume(Money(900), 3)
                .check_chain(Money(901))
                .is_err()
        );
    }
}
