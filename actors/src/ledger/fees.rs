//! What the brokerage charges, and how an order's charges accrue fill by fill.

use super::LedgerError;
use super::arith::{add, notional};
use crate::types::{Money, Quantity, Rate};

/// A commission on every trade, with a minimum per order, and a transaction
/// tax on sells. An order is charged under the schedule it was placed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct FeeSchedule {
    commission: Rate,
    min_commission: Money,
    sell_tax: Rate,
}

impl FeeSchedule {
    pub fn new(
        commission: Rate,
        min_commission: Money,
        sell_tax: Rate,
    ) -> Result<Self, LedgerError> {
        if min_commission.is_negative() {
            return Err(LedgerError::InvalidConfig(
                "the minimum commission must not be negative",
            ));
        }
        Ok(FeeSchedule {
            commission,
            min_commission,
            sell_tax,
        })
    }

    pub fn commission(&self) -> Rate {
        self.commission
    }

    pub fn min_commission(&self) -> Money {
        self.min_commission
    }

    pub fn sell_tax(&self) -> Rate {
        self.sell_tax
    }

    /// The commission an order owes once `notional` of it has traded. The
    /// minimum is per order, not per fill.
    pub fn commission_on(&self, notional: Money) -> Money {
        self.commission.apply(notional).max(self.min_commission)
    }

    /// The cash a buy must set aside: its notional at the limit plus the
    /// commission on that notional. Commission only grows with notional, so
    /// fills at or below the limit never spend more than this.
    pub fn buy_reservation(&self, quantity: Quantity, price: Money) -> Result<Money, LedgerError> {
        let notional = notional(price, quantity)?;
        add(notional, self.commission_on(notional))
    }
}

impl Default for FeeSchedule {
    /// 0.015% commission with no minimum, 0.18% tax on sells.
    fn default() -> Self {
        FeeSchedule {
            commission: Rate::from_ppm(150).expect("150 ppm is a valid rate"),
            min_commission: Money::ZERO,
            sell_tax: Rate::from_ppm(1_800).expect("1,800 ppm is a valid rate"),
        }
    }
}

/// Notional traded and charges levied: an order's running totals, or one
/// fill's share of them.
///
/// Charges are a function of the order's cumulative notional: after each
/// fill the order owes `commission_on(total)` and `sell_tax(total)`, and the
/// fill pays what is owed minus what was charged before. So the split of an
/// order into fills never changes what it pays in total.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub struct Charges {
    pub notional: Money,
    pub commission: Money,
    pub tax: Money,
}

impl Charges {
    /// The order's totals after a buy fill of `notional`, and the fill's part.
    pub(super) fn after_buy(
        self,
        fees: &FeeSchedule,
        notional: Money,
    ) -> Result<(Charges, Charges), LedgerError> {
        let total = add(self.notional, notional)?;
        let fill = Charges {
            notional,
            commission: fees.commission_on(total) - self.commission,
            tax: Money::ZERO,
        };
        Ok((self.plus(fill), fill))
    }

    /// The order's totals after a sell fill of `notional`, and the fill's
    /// part. `reserve` is the cash the order still holds aside.
    ///
    /// The fill never takes more than it brings in plus `reserve`, so a sale
    /// can never push cash below what other orders have reserved. Tax is
    /// always paid in full (a rate is at most 1, so a fill's tax never
    /// exceeds its notional); what the cap trims is commission, which stays
    /// owed and is charged on the order's next fill. Within the defaults this
    /// only happens on fills worth a few cents.
    pub(super) fn after_sell(
        self,
        fees: &FeeSchedule,
        notional: Money,
        reserve: Money,
    ) -> Result<(Charges, Charges), LedgerError> {
        let total = add(self.notional, notional)?;
        let tax = fees.sell_tax.apply(total) - self.tax;
        let owed = fees.commission_on(total) - self.commission;
        let allowance = add(notional, reserve)? - tax;
        let fill = Charges {
            notional,
            commission: owed.min(allowance),
            tax,
        };
        Ok((self.plus(fill), fill))
    }

    /// Commission owed on what has traded but not charged (see `after_sell`).
    pub(super) fn commission_unpaid(&self, fees: &FeeSchedule) -> Money {
        if self.notional == Money::ZERO {
            return Money::ZERO;
        }
        fees.commission_on(self.notional) - self.commission
    }

    /// Commission plus tax.
    pub fn costs(&self) -> Money {
        self.commission + self.tax
    }

    // Each part is bounded by the cumulative notional or the owed charge on
    // it, both of which were checked, so the sums cannot overflow.
    fn plus(self, fill: Charges) -> Charges {
        Charges {
            notional: self.notional + fill.notional,
            commission: self.commission + fill.commission,
            tax: self.tax + fill.tax,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(commission_ppm: u32, min: i64, tax_ppm: u32) -> FeeSchedule {
        FeeSchedule::new(
            Rate::from_ppm(commission_ppm).unwrap(),
            Money(min),
            Rate::from_ppm(tax_ppm).unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn defaults_are_the_brokerage_rates() {
        let fees = FeeSchedule::default();
        assert_eq!(fees.commission().ppm(), 150);
        assert_eq!(fees.min_commission(), Money::ZERO);
        assert_eq!(fees.sell_tax().ppm(), 1_800);
    }

    #[test]
    fn a_negative_minimum_is_rejected() {
        assert!(matches!(
            FeeSchedule::new(Rate::ZERO, Money(-1), Rate::ZERO),
            Err(LedgerError::InvalidConfig(_))
        ));
    }

    #[test]
    fn the_minimum_applies_per_order() {
        let fees = schedule(150, 500, 0);
        // 1000.00 x 0.015% = 0.15, below the 5.00 minimum
        assert_eq!(fees.commission_on(Money(100_000)), Money(500));
        // 10,000,000.00 x 0.015% = 1500.00
        assert_eq!(fees.commission_on(Money(1_000_000_000)), Money(150_000));
        // The first fill pays the minimum, the next pays nothing until the
        // rate catches up with it.
        let (total, first) = Charges::default().after_buy(&fees, Money(100_000)).unwrap();
        assert_eq!(first.commission, Money(500));
        let (_, second) = total.after_buy(&fees, Money(100_000)).unwrap();
        assert_eq!(second.commission, Money::ZERO);
    }

    #[test]
    fn a_buy_reserves_notional_and_commission_at_the_limit() {
        let fees = schedule(150, 0, 1_800);
        // 10 x 110.00 = 1100.00, + 0.165 -> 0.16
        assert_eq!(
            fees.buy_reservation(Quantity(10), Money(11_000)),
            Ok(Money(110_016))
        );
        assert_eq!(
            fees.buy_reservation(Quantity(2), Money(i64::MAX / 2 + 1)),
            Err(LedgerError::Overflow)
        );
    }

    #[test]
    fn cumulative_charges_do_not_depend_on_the_split() {
        let fees = schedule(150, 0, 1_800);
        // One fill of 3 x 0.33 = 0.99 owes no commission and 0.18 cents tax
        // -> 0.00; three fills of 0.33 each would owe the same.
        let mut total = Charges::default();
        for _ in 0..3 {
            total = total.after_sell(&fees, Money(33), Money::ZERO).unwrap().0;
        }
        let (once, _) = Charges::default()
            .after_sell(&fees, Money(99), Money::ZERO)
            .unwrap();
        assert_eq!(total, once);
    }

    #[test]
    fn a_sale_pays_the_minimum_from_its_reserve_and_tax_in_full() {
        let fees = schedule(150, 100, 1_800);
        // Selling for 0.50 owes the 1.00 minimum: 0.50 from the sale, 0.50
        // from the reserve.
        let (_, fill) = Charges::default()
            .after_sell(&fees, Money(50), Money(100))
            .unwrap();
        assert_eq!(fill.commission, Money(100));
        assert_eq!(fill.tax, Money::ZERO);
    }

    #[test]
    fn a_sale_never_takes_more_than_it_brings_in_plus_its_reserve() {
        // 40% commission and 70% tax: a 1.00 sale owes 1.10.
        let fees = schedule(400_000, 0, 700_000);
        let (total, fill) = Charges::default()
            .after_sell(&fees, Money(100), Money::ZERO)
            .unwrap();
        assert_eq!(fill.tax, Money(70));
        assert_eq!(fill.commission, Money(30));
        assert_eq!(total.commission_unpaid(&fees), Money(10));
        assert_eq!(Charges::default().commission_unpaid(&fees), Money::ZERO);
    }
}
