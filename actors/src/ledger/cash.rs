//! Deposits, withdrawals and dividends: idempotent under a caller's key so
//! that a retried request is applied once; deposits and withdrawals are
//! bounded.

use super::arith::add;
use super::entries::{LedgerEntry, LedgerKind, Origin};
use super::{Account, LedgerError};
use crate::types::{Money, Symbol, Timestamp};

/// Bounds on a single deposit or withdrawal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LedgerLimits {
    max_amount: Money,
}

impl LedgerLimits {
    pub fn new(max_amount: Money) -> Result<Self, LedgerError> {
        if max_amount <= Money::ZERO {
            return Err(LedgerError::InvalidConfig(
                "the maximum amount must be positive",
            ));
        }
        Ok(LedgerLimits { max_amount })
    }

    pub fn max_amount(&self) -> Money {
        self.max_amount
    }

    fn check(&self, amount: Money) -> Result<(), LedgerError> {
        if amount <= Money::ZERO {
            return Err(LedgerError::NotPositive(amount));
        }
        if amount > self.max_amount {
            return Err(LedgerError::AboveLimit {
                amount,
                max: self.max_amount,
            });
        }
        Ok(())
    }
}

impl Default for LedgerLimits {
    /// 1,000,000,000.00 per deposit or withdrawal.
    fn default() -> Self {
        LedgerLimits {
            max_amount: Money::from_major(1_000_000_000),
        }
    }
}

impl Account {
    /// Adds `amount` to cash. With a key already used for the same deposit,
    /// returns that deposit's entry and changes nothing.
    pub fn deposit(
        &mut self,
        amount: Money,
        key: Option<String>,
        at: Timestamp,
    ) -> Result<LedgerEntry, LedgerError> {
        if let Some(entry) = self.replay(key.as_deref(), LedgerKind::Deposit, amount)? {
            return Ok(entry);
        }
        self.limits.check(amount)?;
        add(self.cash, amount)?;
        Ok(self.post_transfer(LedgerKind::Deposit, amount, key, at))
    }

    /// Takes `amount` from available cash. With a key already used for the
    /// same withdrawal, returns that withdrawal's entry and changes nothing.
    pub fn withdraw(
        &mut self,
        amount: Money,
        key: Option<String>,
        at: Timestamp,
    ) -> Result<LedgerEntry, LedgerError> {
        if let Some(entry) = self.replay(key.as_deref(), LedgerKind::Withdrawal, amount)? {
            return Ok(entry);
        }
        self.limits.check(amount)?;
        let available = self.available_cash();
        if amount > available {
            return Err(LedgerError::InsufficientFunds {
                needed: amount,
                available,
            });
        }
        Ok(self.post_transfer(LedgerKind::Withdrawal, -amount, key, at))
    }

    /// A cash dividend on `symbol`: received when `amount` is positive, paid
    /// (from available cash) when it is negative. Keyed like a deposit, so
    /// paying a dividend again after a restart changes nothing. Lots and cost
    /// basis are untouched: a dividend is income, not a return of capital.
    pub fn dividend(
        &mut self,
        amount: Money,
        symbol: Symbol,
        key: String,
        at: Timestamp,
    ) -> Result<LedgerEntry, LedgerError> {
        if let Some(entry) = self.replay(Some(&key), LedgerKind::Dividend, amount)? {
            return Ok(entry);
        }
        if amount == Money::ZERO {
            return Err(LedgerError::NotPositive(amount));
        }
        if amount.is_negative() {
            let available = self.available_cash();
            if -amount > available {
                return Err(LedgerError::InsufficientFunds {
                    needed: -amount,
                    available,
                });
            }
        } else {
            add(self.cash, amount)?;
        }
        let origin = Origin {
            symbol: Some(symbol),
            ..Origin::transfer(at)
        };
        let entry = self
            .journal
            .post(&mut self.cash, LedgerKind::Dividend, amount, origin);
        self.fresh_keys.push((key.clone(), entry.id));
        self.keys.insert(key, entry);
        Ok(entry)
    }

    /// The entry an earlier request with `key` made, if it was this same
    /// request; a key reused for anything else is a conflict.
    fn replay(
        &self,
        key: Option<&str>,
        kind: LedgerKind,
        amount: Money,
    ) -> Result<Option<LedgerEntry>, LedgerError> {
        let Some((key, &entry)) = key.and_then(|key| self.keys.get_key_value(key)) else {
            return Ok(None);
        };
        let signed = if kind == LedgerKind::Withdrawal {
            -amount
        } else {
            amount
        };
        if entry.kind != kind || entry.amount != signed {
            return Err(LedgerError::Conflict(key.clone()));
        }
        Ok(Some(entry))
    }

    fn post_transfer(
        &mut self,
        kind: LedgerKind,
        amount: Money,
        key: Option<String>,
        at: Timestamp,
    ) -> LedgerEntry {
        let entry = self
            .journal
            .post(&mut self.cash, kind, amount, Origin::transfer(at));
        if let Some(key) = key {
            self.fresh_keys.push((key.clone(), entry.id));
            self.keys.insert(key, entry);
        }
        entry
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::*;
    use crate::types::{AccountId, Quantity};

    #[test]
    fn deposits_and_withdrawals_move_cash_and_chain() {
        let mut account = Account::new(AccountId(1), LedgerLimits::default());
        let first = account.deposit(Money(10_000), None, T0).unwrap();
        let second = account.withdraw(Money(2_500), None, T0).unwrap();
        assert_eq!(account.cash(), Money(7_500));
        assert_eq!(
            (first.kind, first.amount),
            (LedgerKind::Deposit, Money(10_000))
        );
        assert_eq!(
            (second.kind, second.amount),
            (LedgerKind::Withdrawal, Money(-2_500))
        );
        assert_eq!(
            (second.cash_before, second.cash_after),
            (Money(10_000), Money(7_500))
        );
        assert_eq!(account.check_invariants(), Ok(()));
    }

    #[test]
    fn a_dividend_moves_cash_once_per_key_and_leaves_the_lots_alone() {
        let mut issuer = funded(Money(10_000));
        let mut holder = funded(Money::ZERO);
        holder
            .allot(acme(), Quantity(10), Money(5_000), T0)
            .unwrap();
        let lots_before: Vec<_> = holder.lots(acme()).copied().collect();
        let paid = issuer
            .dividend(Money(-1_250), acme(), "d1".into(), T0)
            .unwrap();
        let received = holder
            .dividend(Money(1_250), acme(), "d1".into(), T0)
            .unwrap();
        assert_eq!(
            (paid.kind, paid.symbol),
            (LedgerKind::Dividend, Some(acme()))
        );
        assert_eq!(
            (paid.cash_before, paid.cash_after),
            (Money(10_000), Money(8_750))
        );
        assert_eq!(
            (received.cash_before, received.cash_after),
            (Money::ZERO, Money(1_250))
        );
        assert_eq!(
            holder.dividend(Money(1_250), acme(), "d1".into(), T0),
            Ok(received),
            "the same key again changes nothing"
        );
        assert_eq!(holder.cash(), Money(1_250));
        assert_eq!(
            holder.lots(acme()).copied().collect::<Vec<_>>(),
            lots_before
        );
        assert!(matches!(
            issuer.dividend(Money(-8_751), acme(), "d2".into(), T0),
            Err(LedgerError::InsufficientFunds { .. })
        ));
        assert_eq!(issuer.check_invariants(), Ok(()));
        assert_eq!(holder.check_invariants(), Ok(()));
    }

    #[test]
    fn a_repeated_key_returns_the_first_entry_and_applies_nothing() {
        let mut account = Account::new(AccountId(1), LedgerLimits::default());
        let key = || Some("dep-1".to_owned());
        let first = account.deposit(Money(10_000), key(), T0).unwrap();
        let again = account
            .deposit(Money(10_000), key(), T0.plus_millis(5))
            .unwrap();
        assert_eq!(again, first);
        assert_eq!(account.cash(), Money(10_000));
        assert_eq!(account.entries().len(), 1);

        let out = account
            .withdraw(Money(4_000), Some("wd-1".into()), T0)
            .unwrap();
        assert_eq!(
            account.withdraw(Money(4_000), Some("wd-1".into()), T0),
            Ok(out)
        );
        assert_eq!(account.cash(), Money(6_000));
    }

    #[test]
    fn a_key_reused_for_another_request_is_a_conflict() {
        let mut account = Account::new(AccountId(1), LedgerLimits::default());
        account
            .deposit(Money(10_000), Some("k".into()), T0)
            .unwrap();
        let before = account.clone();
        let conflict = Err(LedgerError::Conflict("k".into()));
        assert_eq!(
            account.deposit(Money(10_001), Some("k".into()), T0),
            conflict
        );
        assert_eq!(
            account.withdraw(Money(10_000), Some("k".into()), T0),
            conflict
        );
        assert_eq!(account, before);
    }

    #[test]
    fn amounts_must_be_positive_within_the_limit_and_available() {
        let limits = LedgerLimits::new(Money(1_000)).unwrap();
        let mut account = Account::new(AccountId(1), limits);
        assert_eq!(
            account.deposit(Money::ZERO, None, T0),
            Err(LedgerError::NotPositive(Money::ZERO))
        );
        assert_eq!(
            account.deposit(Money(-5), None, T0),
            Err(LedgerError::NotPositive(Money(-5)))
        );
        assert_eq!(
            account.deposit(Money(1_001), None, T0),
            Err(LedgerError::AboveLimit {
                amount: Money(1_001),
                max: Money(1_000)
            })
        );
        account.deposit(Money(1_000), None, T0).unwrap();
        assert_eq!(
            account.withdraw(Money(1_001), None, T0),
            Err(LedgerError::AboveLimit {
                amount: Money(1_001),
                max: Money(1_000)
            })
        );
        account.withdraw(Money(400), None, T0).unwrap();
        assert_eq!(
            account.withdraw(Money(601), None, T0),
            Err(LedgerError::InsufficientFunds {
                needed: Money(601),
                available: Money(600)
            })
        );
        assert!(matches!(
            LedgerLimits::new(Money::ZERO),
            Err(LedgerError::InvalidConfig(_))
        ));
    }

    #[test]
    fn a_failed_request_does_not_use_up_its_key() {
        let mut account = Account::new(AccountId(1), LedgerLimits::default());
        assert!(account.withdraw(Money(100), Some("k".into()), T0).is_err());
        account.deposit(Money(100), Some("k".into()), T0).unwrap();
        assert_eq!(account.cash(), Money(100));
    }

    #[test]
    fn withdrawals_cannot_touch_reserved_cash() {
        let mut account = funded(Money(100_000));
        reserve_buy(&mut account, &zero_fees(), 1, 10, 5_000).unwrap();
        assert_eq!(
            account.withdraw(Money(50_001), None, T0),
            Err(LedgerError::InsufficientFunds {
                needed: Money(50_001),
                available: Money(50_000)
            })
        );
    }

    #[test]
    fn a_deposit_that_would_overflow_cash_is_rejected() {
        let limits = LedgerLimits::new(Money(i64::MAX)).unwrap();
        let mut account = Account::new(AccountId(1), limits);
        account.deposit(Money(i64::MAX - 10), None, T0).unwrap();
        let before = account.clone();
        assert_eq!(
            account.deposit(Money(11), None, T0),
            Err(LedgerError::Overflow)
        );
        assert_eq!(account, before);
        account.deposit(Money(10), None, T0).unwrap();
        assert_eq!(account.cash(), Money(i64::MAX));
        assert_eq!(account.check_invariants(), Ok(()));
    }
}
