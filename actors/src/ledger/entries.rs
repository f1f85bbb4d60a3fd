//! The cash journal: every movement of an account's cash, in order, each with
//! the balance before and after, so that the history reconciles to the cent.

use crate::types::{Money, OrderId, Symbol, Timestamp, TradeId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LedgerKind {
    Deposit,
    Withdrawal,
    Buy,
    Sell,
    Fee,
    Tax,
    Dividend,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct Journal(Vec<LedgerEntry>);

impl Journal {
    pub fn entries(&self) -> &[LedgerEntry] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
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
            id: self.0.len() as u64 + 1,
            kind,
            amount,
            cash_before,
            cash_after: *cash,
            symbol: origin.symbol,
            order: origin.order,
            trade: origin.trade,
            at: origin.at,
        };
        self.0.push(entry);
        entry
    }

    /// Every entry adds up and follows the one before; an account opens with
    /// no cash, and the last entry leaves what the account holds.
    pub fn check_chain(&self, cash: Money) -> Result<(), String> {
        let mut balance = Money::ZERO;
        for (index, entry) in self.0.iter().enumerate() {
            if entry.id != index as u64 + 1 {
                return Err(format!("entry {} is number {}", entry.id, index + 1));
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
        journal.0[0].cash_after = Money(999);
        assert!(journal.check_chain(Money(999)).is_err());
    }
}
