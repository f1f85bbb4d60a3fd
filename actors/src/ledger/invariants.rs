//! What is true of every account after every operation. Tests call this after
//! each step; a recovered account can be checked with it before it trades.

use super::Account;
use super::holdings::Holding;
use crate::types::{Money, Quantity, Side, Symbol};

impl Account {
    /// Cash is never negative and covers what is reserved; reserved shares
    /// are held; lots add up to holdings and to their cost basis; realized
    /// rows (with those already handed over) add up to their total; open
    /// reservations add up to what is reserved; and the journal chains to the
    /// cash held.
    pub fn check_invariants(&self) -> Result<(), String> {
        self.check_cash()?;
        for (symbol, holding) in &self.holdings {
            check_holding(*symbol, holding)?;
        }
        self.check_reservations()?;
        self.check_realized()?;
        self.journal.check_chain(self.cash)
    }

    fn check_cash(&self) -> Result<(), String> {
        if self.cash.is_negative() {
            return Err(format!("cash {} is negative", self.cash));
        }
        if self.reserved_cash.is_negative() || self.reserved_cash > self.cash {
            return Err(format!(
                "reserved cash {} is outside 0..={}",
                self.reserved_cash, self.cash
            ));
        }
        Ok(())
    }

    fn check_reservations(&self) -> Result<(), String> {
        let mut cash = Some(Money::ZERO);
        for reservation in self.reservations.values() {
            let expected_shares = match reservation.side {
                Side::Buy => Quantity::ZERO,
                Side::Sell => reservation.unfilled(),
            };
            if reservation.filled > reservation.quantity
                || reservation.cash.is_negative()
                || reservation.shares != expected_shares
            {
                return Err(format!("reservation is inconsistent: {reservation:?}"));
            }
            cash = cash.and_then(|sum| sum.checked_add(reservation.cash));
        }
        if cash != Some(self.reserved_cash) {
            return Err(format!(
                "reservations hold {cash:?} but {} is reserved",
                self.reserved_cash
            ));
        }
        for (symbol, holding) in &self.holdings {
            let shares: u64 = self
                .reservations
                .values()
                .filter(|r| r.symbol == *symbol)
                .map(|r| r.shares.0)
                .sum();
            if shares != holding.reserved.0 {
                return Err(format!(
                    "{symbol}: reservations hold {shares} shares but {} are reserved",
                    holding.reserved
                ));
            }
        }
        Ok(())
    }

    fn check_realized(&self) -> Result<(), String> {
        let sum = self
            .realized
            .iter()
            .try_fold(self.realized_drained, |sum, row| sum.checked_add(row.gain));
        if sum != Some(self.realized_total) {
            return Err(format!(
                "realized rows add up to {sum:?}, not {}",
                self.realized_total
            ));
        }
        Ok(())
    }
}

fn check_holding(symbol: Symbol, holding: &Holding) -> Result<(), String> {
    if holding.reserved > holding.quantity {
        return Err(format!(
            "{symbol}: {} shares reserved of {} held",
            holding.reserved, holding.quantity
        ));
    }
    let mut quantity = Some(0u64);
    let mut cost = Some(Money::ZERO);
    if holding
        .lots
        .iter()
        .zip(holding.lots.iter().skip(1))
        .any(|(a, b)| a.id >= b.id)
    {
        return Err(format!(
            "{symbol}: lots are not in the order they were opened"
        ));
    }
    for lot in &holding.lots {
        if lot.quantity.is_zero()
            || lot.quantity > lot.bought
            || lot.price <= Money::ZERO
            || lot.fee.is_negative()
        {
            return Err(format!("{symbol}: lot is inconsistent: {lot:?}"));
        }
        quantity = quantity.and_then(|sum| sum.checked_add(lot.quantity.0));
        cost = cost.and_then(|sum| lot.cost().ok().and_then(|c| sum.checked_add(c)));
    }
    if quantity != Some(holding.quantity.0) {
        return Err(format!(
            "{symbol}: lots hold {quantity:?} shares, the holding {}",
            holding.quantity
        ));
    }
    if cost != Some(holding.cost) {
        return Err(format!(
            "{symbol}: lots cost {cost:?}, the holding {}",
            holding.cost
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use crate::types::{Money, Quantity};

    #[test]
    fn a_healthy_account_passes() {
        let mut account = funded(Money(100_000));
        account
            .allot(acme(), Quantity(10), Money(1_000), T0)
            .unwrap();
        assert_eq!(account.check_invariants(), Ok(()));
    }

    #[test]
    fn each_broken_invariant_is_reported() {
        let mut account = funded(Money(100_000));
        account
            .allot(acme(), Quantity(10), Money(1_000), T0)
            .unwrap();
        reserve_sell(&mut account, &zero_fees(), 1, 5, 1_000).unwrap();

        let mut broken = account.clone();
        broken.reserved_cash = Money(100_001);
        assert!(
            broken
                .check_invariants()
                .unwrap_err()
                .contains("reserved cash")
        );

        let mut broken = account.clone();
        broken.holdings.get_mut(&acme()).unwrap().quantity = Quantity(11);
        assert!(broken.check_invariants().unwrap_err().contains("lots hold"));

        let mut broken = account.clone();
        broken.holdings.get_mut(&acme()).unwrap().cost = Money(1);
        assert!(broken.check_invariants().unwrap_err().contains("lots cost"));

        let mut broken = account.clone();
        broken.holdings.get_mut(&acme()).unwrap().reserved = Quantity(4);
        assert!(
            broken
                .check_invariants()
                .unwrap_err()
                .contains("reservations hold")
        );

        let mut broken = account.clone();
        broken.realized_total = Money(1);
        assert!(
            broken
                .check_invariants()
                .unwrap_err()
                .contains("realized rows")
        );

        let mut broken = account.clone();
        broken.cash = Money(100_001);
        assert!(
            broken
                .check_invariants()
                .unwrap_err()
                .contains("journal ends")
        );
    }
}
