//! Handing the account's history to the persister: journal entries and
//! realized gains leave memory once they are written down, so a busy
//! account's footprint stays bounded.

use super::{Account, LedgerEntry, LotChange, RealizedGain};

/// What an account recorded since it was last drained, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct History {
    pub entries: Vec<LedgerEntry>,
    pub realized: Vec<RealizedGain>,
    /// Idempotency keys used since, with the id of the entry each made.
    pub keys: Vec<(String, u64)>,
    /// What happened to lots, in order.
    pub lots: Vec<LotChange>,
}

impl Account {
    /// Take the entries and realized gains recorded so far. The account goes
    /// on numbering entries and chaining balances from where they left off;
    /// `realized_total` still counts every gain.
    pub fn drain_history(&mut self) -> History {
        let realized = std::mem::take(&mut self.realized);
        // The rows were summed into realized_total without overflow, so
        // their sum fits too.
        self.realized_drained += realized.iter().map(|r| r.gain).sum();
        History {
            entries: self.journal.drain(),
            realized,
            keys: std::mem::take(&mut self.fresh_keys),
            lots: std::mem::take(&mut self.lot_changes),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use crate::types::Money;

    #[test]
    fn draining_keeps_the_account_whole_and_going() {
        let fees = zero_fees();
        let mut account = funded(Money(100_000));
        buy(&mut account, &fees, 1, 10, 10_000, T0);
        sell(&mut account, &fees, 2, 5, 12_000, T0);
        let before = account.clone();

        let history = account.drain_history();
        assert_eq!(history.entries, before.entries().to_vec());
        assert_eq!(history.realized, before.realized().to_vec());
        assert!(account.entries().is_empty() && account.realized().is_empty());
        assert_eq!(account.cash(), before.cash());
        assert_eq!(account.realized_total(), Money(10_000));
        assert_eq!(account.check_invariants(), Ok(()));

        sell(&mut account, &fees, 3, 5, 13_000, T0);
        assert_eq!(account.realized_total(), Money(25_000));
        let next = account.entries()[0];
        assert_eq!(next.id, history.entries.len() as u64 + 1);
        assert_eq!(next.cash_before, before.cash());
        assert_eq!(account.check_invariants(), Ok(()));
    }
}
