//! Realized gains (one row per lot a sale touched) and the yearly
//! capital-gains report built from them.

use super::LedgerError;
use super::arith::add;
use crate::types::{Money, OrderId, Quantity, Rate, Symbol, Timestamp, TradeId};

/// One lot's part in one sell fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct RealizedGain {
    pub symbol: Symbol,
    /// The sell order and the trade that realized the gain.
    pub order: OrderId,
    pub trade: TradeId,
    pub quantity: Quantity,
    pub buy_price: Money,
    pub sell_price: Money,
    pub acquired_at: Timestamp,
    pub sold_at: Timestamp,
    /// The lot's buy commission allotted to these shares.
    pub buy_fee: Money,
    /// The sale's commission and tax allotted to these shares.
    pub sell_costs: Money,
    /// `(sell_price - buy_price) x quantity - buy_fee - sell_costs`.
    pub gain: Money,
}

/// How realized gains are taxed: a yearly exemption, and a flat rate on the
/// rest (the defaults are Korea's for gains on overseas stocks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TaxConfig {
    exemption: Money,
    rate: Rate,
}

impl TaxConfig {
    pub fn new(exemption: Money, rate: Rate) -> Result<Self, LedgerError> {
        if exemption.is_negative() {
            return Err(LedgerError::InvalidConfig(
                "the exemption must not be negative",
            ));
        }
        Ok(TaxConfig { exemption, rate })
    }

    pub fn exemption(&self) -> Money {
        self.exemption
    }

    pub fn rate(&self) -> Rate {
        self.rate
    }
}

impl Default for TaxConfig {
    /// 2,500,000.00 exempt a year, 22% on the rest.
    fn default() -> Self {
        TaxConfig {
            exemption: Money::from_major(2_500_000),
            rate: Rate::from_ppm(220_000).expect("220,000 ppm is a valid rate"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapitalGainsReport {
    pub year: i32,
    /// The rows sold in `year` (UTC), in the order they were realized.
    pub rows: Vec<RealizedGain>,
    /// Gains net of losses within the year; losses do not carry over.
    pub total_gain: Money,
    pub exemption: Money,
    /// `max(0, total_gain - exemption)`.
    pub taxable_gain: Money,
    pub rate: Rate,
    /// `rate x taxable_gain`, rounded half to even to the cent.
    pub estimated_tax: Money,
}

impl CapitalGainsReport {
    /// The gains among `rows` realized in the calendar year `year` (UTC) and
    /// the tax on them. The rows come from wherever they are kept (an
    /// account's undrained rows, or the database). Fails only if the year's
    /// total does not fit in `Money`.
    pub fn for_year<'r>(
        year: i32,
        rows: impl IntoIterator<Item = &'r RealizedGain>,
        tax: &TaxConfig,
    ) -> Result<CapitalGainsReport, LedgerError> {
        let rows: Vec<RealizedGain> = rows
            .into_iter()
            .filter(|row| row.sold_at.year() == year)
            .copied()
            .collect();
        let total_gain = rows
            .iter()
            .try_fold(Money::ZERO, |sum, row| add(sum, row.gain))?;
        let taxable_gain = total_gain
            .checked_sub(tax.exemption)
            .ok_or(LedgerError::Overflow)?
            .max(Money::ZERO);
        Ok(CapitalGainsReport {
            year,
            rows,
            total_gain,
            exemption: tax.exemption,
            taxable_gain,
            rate: tax.rate,
            estimated_tax: tax.rate.apply(taxable_gain),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::*;

    const YEAR_2025: i64 = 1_735_689_600_000; // 2025-01-01T00:00:00Z, in ms
    const YEAR_2026: i64 = 1_767_225_600_000;

    #[test]
    fn a_negative_exemption_is_rejected() {
        assert!(matches!(
            TaxConfig::new(Money(-1), Rate::ZERO),
            Err(LedgerError::InvalidConfig(_))
        ));
    }

    #[test]
    fn reports_the_gains_of_one_year_after_the_exemption() {
        let mut account = funded(Money::from_major(100_000_000));
        let fees = zero_fees();
        // Buy 1,000 @ 10,000.00 in 2025; sell 500 @ 14,000.00 in 2025 (gain
        // 2,000,000.00) and 500 @ 20,000.00 on the first day of 2026 (gain
        // 5,000,000.00).
        let bought = Timestamp::from_millis(YEAR_2025);
        buy(&mut account, &fees, 1, 1_000, 1_000_000, bought);
        sell(
            &mut account,
            &fees,
            2,
            500,
            1_400_000,
            bought.plus_millis(1_000),
        );
        sell(
            &mut account,
            &fees,
            3,
            500,
            2_000_000,
            Timestamp::from_millis(YEAR_2026),
        );

        let config = TaxConfig::default();
        let y2025 = CapitalGainsReport::for_year(2025, account.realized(), &config).unwrap();
        assert_eq!(y2025.rows.len(), 1);
        assert_eq!(y2025.total_gain, Money::from_major(2_000_000));
        assert_eq!(y2025.taxable_gain, Money::ZERO);
        assert_eq!(y2025.estimated_tax, Money::ZERO);

        let y2026 = CapitalGainsReport::for_year(2026, account.realized(), &config).unwrap();
        assert_eq!(y2026.total_gain, Money::from_major(5_000_000));
        assert_eq!(y2026.exemption, Money::from_major(2_500_000));
        assert_eq!(y2026.taxable_gain, Money::from_major(2_500_000));
        // 22% of 2,500,000.00
        assert_eq!(y2026.estimated_tax, Money::from_major(550_000));
        assert!(
            CapitalGainsReport::for_year(2024, account.realized(), &config)
                .unwrap()
                .rows
                .is_empty()
        );
    }

    #[test]
    fn losses_offset_gains_within_the_year() {
        let mut account = funded(Money::from_major(1_000));
        let fees = zero_fees();
        let at = Timestamp::from_millis(YEAR_2026);
        buy(&mut account, &fees, 1, 10, 10_000, at);
        sell(&mut account, &fees, 2, 5, 8_000, at);
        sell(&mut account, &fees, 3, 5, 10_500, at);
        let report =
            CapitalGainsReport::for_year(2026, account.realized(), &TaxConfig::default()).unwrap();
        // -100.00 + 25.00
        assert_eq!(report.total_gain, Money(-7_500));
        assert_eq!(report.taxable_gain, Money::ZERO);
    }
}
