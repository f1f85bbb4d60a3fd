//! How an account did, from its equity curve (cash plus holdings at market,
//! sampled every [`PerformanceParams::sample_period_ms`], a minute by
//! default) and the realized gains of its closed lots.
//!
//! - Returns are simple, one per sample after the first: `e[t] / e[t-1] - 1`.
//!   A sample that follows one at zero equity has none (there was nothing to
//!   return on).
//! - Annualising counts trading time: a year is 252 sessions of 390 minutes
//!   (09:30 to 16:00, the session of the shipped scenarios),
//!   [`TRADING_YEAR_MS`], so 98,280 one-minute samples. A curve sampled
//!   round the clock is annualised as if every sample fell in a session.
//! - Volatility: the sample standard deviation (n - 1) of the returns times
//!   sqrt(samples a year).
//! - Sharpe ratio: (mean return - risk-free return a sample) / that standard
//!   deviation x sqrt(samples a year). The risk-free rate a sample is the
//!   annual rate / samples a year: simple, not compounded, since a
//!   fractional power has no exact Decimal form.
//! - Maximum drawdown: the largest fall from a high to a later low, as a
//!   fraction of the high.
//! - Win rate: closed lots with a realized gain above zero over all closed
//!   lots (a lot closed at its cost is not a win).
//! - Turnover: traded value over the average equity of the samples.
//!
//! Ratios come out rounded half to even to [`RATIO_SCALE`] decimals.

use rust_decimal::Decimal;

use super::exact::{self, Checked, Overflow, rounded};
use crate::types::{Money, Timestamp};

/// Decimals of every ratio: a cent in 100 million currency units is 1e-10.
pub const RATIO_SCALE: u32 = 10;

/// The trading time in a year: 252 sessions of 390 minutes.
pub const TRADING_YEAR_MS: i64 = 252 * 390 * 60_000;

/// One sample of an account's equity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EquityPoint {
    pub at: Timestamp,
    pub equity: Money,
}

/// Equity samples in strictly ascending time, none of them negative.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EquityCurve {
    points: Vec<EquityPoint>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerformanceParams {
    /// Time between two samples of the curve, in milliseconds.
    pub sample_period_ms: i64,
    /// The risk-free rate a year as a fraction (0.04 for 4 %).
    pub risk_free_annual: Decimal,
}

impl Default for PerformanceParams {
    fn default() -> PerformanceParams {
        PerformanceParams {
            sample_period_ms: 60_000,
            risk_free_annual: Decimal::ZERO,
        }
    }
}

/// The return over the sample period that ends at `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodReturn {
    pub end: Timestamp,
    pub value: Decimal,
}

/// The worst fall of a curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Drawdown {
    /// (peak - trough) / peak: above 0, at most 1.
    pub fraction: Decimal,
    /// The last sample at the high the fall started from.
    pub peak: Timestamp,
    /// The lowest sample of the fall (the first, if it touched it twice).
    pub trough: Timestamp,
    /// The first sample after the trough back at the peak's equity or
    /// above; `None` while it has not recovered.
    pub recovery: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PerformanceReport {
    /// `None` without samples or when the first is zero.
    pub total_return: Option<Decimal>,
    pub returns: Vec<PeriodReturn>,
    /// Annualised; `None` with fewer than 2 returns.
    pub volatility: Option<Decimal>,
    /// Annualised; `None` with fewer than 2 returns or when they never vary.
    pub sharpe: Option<Decimal>,
    /// `None` when the curve never falls (a maximum drawdown of 0).
    pub max_drawdown: Option<Drawdown>,
    /// `None` without closed lots.
    pub win_rate: Option<Decimal>,
    /// `None` without samples or when their equity averages zero.
    pub turnover: Option<Decimal>,
}

impl PerformanceReport {
    /// The maximum drawdown as a fraction, 0 for a curve that never fell.
    pub fn max_drawdown_fraction(&self) -> Decimal {
        self.max_drawdown.map_or(Decimal::ZERO, |d| d.fraction)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PerformanceError {
    #[error("the equity sample at {at} is not after the one before it")]
    NotAscending { at: Timestamp },
    #[error("the equity at {at} is negative ({equity})")]
    NegativeEquity { at: Timestamp, equity: Money },
    #[error("the sample period must be positive, not {0} ms")]
    SamplePeriod(i64),
    #[error("the traded value must not be negative, not {0}")]
    NegativeTradedValue(Money),
    #[error("the returns are too large to compute with")]
    Overflow,
}

impl From<Overflow> for PerformanceError {
    fn from(_: Overflow) -> PerformanceError {
        PerformanceError::Overflow
    }
}

/// Everything at once: `traded_value` is the value of every fill in the
/// curve's time, buys and sells alike.
pub fn report(
    curve: &EquityCurve,
    realized_gains: &[Money],
    traded_value: Money,
    params: &PerformanceParams,
) -> Result<PerformanceReport, PerformanceError> {
    Ok(PerformanceReport {
        total_return: curve.total_return(),
        returns: curve.returns(),
        volatility: curve.volatility(params)?,
        sharpe: curve.sharpe(params)?,
        max_drawdown: curve.max_drawdown(),
        win_rate: win_rate(realized_gains),
        turnover: curve.turnover(traded_value)?,
    })
}

/// The share of closed lots that gained; `None` without any.
pub fn win_rate(realized_gains: &[Money]) -> Option<Decimal> {
    let wins = realized_gains.iter().filter(|g| g.0 > 0).count();
    let rate = Decimal::from(wins).checked_div(Decimal::from(realized_gains.len()))?;
    Some(rounded(rate, RATIO_SCALE))
}

impl EquityCurve {
    pub fn new(points: Vec<EquityPoint>) -> Result<EquityCurve, PerformanceError> {
        for (i, point) in points.iter().enumerate() {
            if point.equity.is_negative() {
                return Err(PerformanceError::NegativeEquity {
                    at: point.at,
                    equity: point.equity,
                });
            }
            if i > 0 && point.at <= points[i - 1].at {
                return Err(PerformanceError::NotAscending { at: point.at });
            }
        }
        Ok(EquityCurve { points })
    }

    pub fn points(&self) -> &[EquityPoint] {
        &self.points
    }

    /// last / first - 1.
    pub fn total_return(&self) -> Option<Decimal> {
        let (first, last) = (self.points.first()?, self.points.last()?);
        simple_return(first.equity, last.equity).map(|r| rounded(r, RATIO_SCALE))
    }

    pub fn returns(&self) -> Vec<PeriodReturn> {
        self.exact_returns()
            .map(|(end, value)| PeriodReturn {
                end,
                value: rounded(value, RATIO_SCALE),
            })
            .collect()
    }

    /// The annualised sample standard deviation of the returns.
    pub fn volatility(
        &self,
        params: &PerformanceParams,
    ) -> Result<Option<Decimal>, PerformanceError> {
        let year = Year::of(params)?;
        let Some(moments) = self.moments()? else {
            return Ok(None);
        };
        let volatility = moments.deviation.times(year.root)?;
        Ok(Some(rounded(volatility, RATIO_SCALE)))
    }

    /// The annualised Sharpe ratio.
    pub fn sharpe(&self, params: &PerformanceParams) -> Result<Option<Decimal>, PerformanceError> {
        let year = Year::of(params)?;
        let Some(moments) = self.moments()? else {
            return Ok(None);
        };
        if moments.deviation.is_zero() {
            return Ok(None);
        }
        let risk_free = params.risk_free_annual.over(year.samples)?;
        let sharpe = moments
            .mean
            .minus(risk_free)?
            .over(moments.deviation)?
            .times(year.root)?;
        Ok(Some(rounded(sharpe, RATIO_SCALE)))
    }

    pub fn max_drawdown(&self) -> Option<Drawdown> {
        let mut high: Option<EquityPoint> = None;
        // (peak, trough, the trough's index)
        let mut worst: Option<(EquityPoint, EquityPoint, usize)> = None;
        for (i, &point) in self.points.iter().enumerate() {
            match high {
                Some(peak) if point.equity < peak.equity => {
                    if worst.is_none_or(|(p, t, _)| falls_further(peak, point, p, t)) {
                        worst = Some((peak, point, i));
                    }
                }
                // At or above the high: the next fall starts from here.
                _ => high = Some(point),
            }
        }
        let (peak, trough, index) = worst?;
        let recovery = self.points[index + 1..]
            .iter()
            .find(|p| p.equity >= peak.equity)
            .map(|p| p.at);
        let fall = Decimal::from(peak.equity.0 - trough.equity.0);
        let fraction = fall.checked_div(Decimal::from(peak.equity.0))?;
        Some(Drawdown {
            fraction: rounded(fraction, RATIO_SCALE),
            peak: peak.at,
            trough: trough.at,
            recovery,
        })
    }

    /// `traded_value` over the average equity of the samples.
    pub fn turnover(&self, traded_value: Money) -> Result<Option<Decimal>, PerformanceError> {
        if traded_value.is_negative() {
            return Err(PerformanceError::NegativeTradedValue(traded_value));
        }
        let total: i128 = self.points.iter().map(|p| i128::from(p.equity.0)).sum();
        if total == 0 {
            return Ok(None);
        }
        // traded / (total / n) = traded x n / total, one rounding.
        let traded = i128::from(traded_value.0)
            .checked_mul(self.points.len() as i128)
            .ok_or(Overflow)?;
        let turnover = exact::decimal(traded, 0)?.over(exact::decimal(total, 0)?)?;
        Ok(Some(rounded(turnover, RATIO_SCALE)))
    }

    fn exact_returns(&self) -> impl Iterator<Item = (Timestamp, Decimal)> + '_ {
        self.points
            .windows(2)
            .filter_map(|pair| Some((pair[1].at, simple_return(pair[0].equity, pair[1].equity)?)))
    }

    /// The mean and sample standard deviation of the returns; `None` for
    /// fewer than two.
    fn moments(&self) -> Result<Option<Moments>, Overflow> {
        let returns: Vec<Decimal> = self.exact_returns().map(|(_, r)| r).collect();
        if returns.len() < 2 {
            return Ok(None);
        }
        let count = Decimal::from(returns.len());
        let mut sum = Decimal::ZERO;
        for r in &returns {
            sum = sum.plus(*r)?;
        }
        let mean = sum.over(count)?;
        let mut squares = Decimal::ZERO;
        for r in &returns {
            let deviation = r.minus(mean)?;
            squares = squares.plus(deviation.times(deviation)?)?;
        }
        let variance = squares.over(count - Decimal::ONE)?;
        Ok(Some(Moments {
            mean,
            // A sum of squares is never negative.
            deviation: exact::sqrt(variance).unwrap_or(Decimal::ZERO),
        }))
    }
}

struct Moments {
    mean: Decimal,
    deviation: Decimal,
}

/// Samples in a trading year, and its square root (what a per-sample
/// standard deviation is scaled by).
struct Year {
    samples: Decimal,
    root: Decimal,
}

impl Year {
    fn of(params: &PerformanceParams) -> Result<Year, PerformanceError> {
        if params.sample_period_ms <= 0 {
            return Err(PerformanceError::SamplePeriod(params.sample_period_ms));
        }
        let samples =
            Decimal::from(TRADING_YEAR_MS).over(Decimal::from(params.sample_period_ms))?;
        Ok(Year {
            samples,
            // Positive, so never `None`.
            root: exact::sqrt(samples).unwrap_or(Decimal::ZERO),
        })
    }
}

/// to / from - 1, computed as (to - from) / from: one rounding. `None` from
/// zero.
fn simple_return(from: Money, to: Money) -> Option<Decimal> {
    // Neither is negative, so the difference fits.
    Decimal::from(to.0 - from.0).checked_div(Decimal::from(from.0))
}

/// Whether the fall from `high` to `low` is a larger fraction than the one
/// from `peak` to `trough`: compared exactly, as cross products of cents.
fn falls_further(
    high: EquityPoint,
    low: EquityPoint,
    peak: EquityPoint,
    trough: EquityPoint,
) -> bool {
    let this = i128::from(high.equity.0 - low.equity.0) * i128::from(peak.equity.0);
    let worst = i128::from(peak.equity.0 - trough.equity.0) * i128::from(high.equity.0);
    this > worst
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    const MINUTE: i64 = 60_000;

    fn at(minute: i64) -> Timestamp {
        Timestamp::from_millis(minute * MINUTE)
    }

    /// One sample a minute from minute 0, of each of `cents`.
    fn curve(cents: &[i64]) -> EquityCurve {
        EquityCurve::new(
            (0..)
                .zip(cents)
                .map(|(minute, &c)| EquityPoint {
                    at: at(minute),
                    equity: Money(c),
                })
                .collect(),
        )
        .unwrap()
    }

    fn values(returns: &[PeriodReturn]) -> Vec<Decimal> {
        returns.iter().map(|r| r.value).collect()
    }

    fn minute_report(curve: &EquityCurve) -> PerformanceReport {
        report(curve, &[], Money::ZERO, &PerformanceParams::default()).unwrap()
    }

    #[test]
    fn a_curve_up_down_and_up_by_hand() {
        // 100.00, 110.00, 99.00, 108.90.
        let curve = curve(&[10_000, 11_000, 9_900, 10_890]);
        // Traded 208.95 over an average equity of 417.90 / 4 = 104.475: 2.
        let report = report(
            &curve,
            &[Money(500), Money(-300), Money::ZERO, Money(100)],
            Money(20_895),
            &PerformanceParams::default(),
        )
        .unwrap();
        // 108.90 / 100.00 - 1.
        assert_eq!(report.total_return, Some(dec!(0.089)));
        // 10 / 100, -11 / 110, 9.90 / 99.
        assert_eq!(values(&report.returns), [dec!(0.1), dec!(-0.1), dec!(0.1)]);
        assert_eq!(report.returns[0].end, at(1));
        // Mean 0.1 / 3 = 0.0333...; squared deviations 0.00444..,
        // 0.01777.., 0.00444.. sum to 0.02666..; / (3 - 1) = 0.01333..;
        // sd 0.1154700538. x sqrt(98,280) = sqrt(0.01333.. x 98,280) =
        // sqrt(1,310.4) = 36.19944750959605...
        assert_eq!(report.volatility, Some(dec!(36.1994475096)));
        // 0.0333.. / 0.1154700538 x sqrt(98,280) = sqrt(75 x 98,280) / 30
        // = 90.49861877399013...
        assert_eq!(report.sharpe, Some(dec!(90.4986187740)));
        // From 110.00 (minute 1) to 99.00 (minute 2): 11 / 110; 108.90 has
        // not made it back.
        assert_eq!(
            report.max_drawdown,
            Some(Drawdown {
                fraction: dec!(0.1),
                peak: at(1),
                trough: at(2),
                recovery: None,
            })
        );
        // Gains 5.00, -3.00, 0, 1.00: 2 of 4 won.
        assert_eq!(report.win_rate, Some(dec!(0.5)));
        assert_eq!(report.turnover, Some(dec!(2)));
    }

    #[test]
    fn the_risk_free_rate_and_the_sample_period_change_the_annualised_figures() {
        let curve = curve(&[10_000, 11_000, 9_900, 10_890]);
        // 9.828 % a year over 98,280 samples is 0.000001 a sample:
        // (0.0333.. - 0.000001) / 0.1154700538 x sqrt(98,280) = 90.4959038154...
        let with_rate = PerformanceParams {
            risk_free_annual: dec!(0.09828),
            ..PerformanceParams::default()
        };
        assert_eq!(curve.sharpe(&with_rate), Ok(Some(dec!(90.4959038154))));
        // Hourly samples: 252 x 6.5 = 1,638 a year. sqrt(0.01333.. x 1,638)
        // = sqrt(21.84) = 4.673328578...; 0.0333.. / 0.1154700538 x
        // sqrt(1,638) = 11.68332144554...
        let hourly = PerformanceParams {
            sample_period_ms: 60 * MINUTE,
            ..PerformanceParams::default()
        };
        assert_eq!(curve.volatility(&hourly), Ok(Some(dec!(4.6733285782))));
        assert_eq!(curve.sharpe(&hourly), Ok(Some(dec!(11.6833214455))));
    }

    #[test]
    fn no_samples_and_one_sample() {
        let empty = minute_report(&EquityCurve::default());
        assert_eq!(
            empty,
            PerformanceReport {
                total_return: None,
                returns: vec![],
                volatility: None,
                sharpe: None,
                max_drawdown: None,
                win_rate: None,
                turnover: None,
            }
        );
        let one = curve(&[10_000]);
        let report = report(&one, &[], Money(5_000), &PerformanceParams::default()).unwrap();
        assert_eq!(report.total_return, Some(dec!(0)));
        assert!(report.returns.is_empty());
        assert_eq!((report.volatility, report.sharpe), (None, None));
        assert_eq!(report.max_drawdown_fraction(), dec!(0));
        // 50.00 traded on 100.00.
        assert_eq!(report.turnover, Some(dec!(0.5)));
    }

    #[test]
    fn a_flat_curve_has_no_volatility_and_no_sharpe_ratio() {
        let report = minute_report(&curve(&[10_000; 4]));
        assert_eq!(report.total_return, Some(dec!(0)));
        assert_eq!(values(&report.returns), [dec!(0); 3]);
        assert_eq!(report.volatility, Some(dec!(0)));
        assert_eq!(report.sharpe, None);
        assert_eq!(report.max_drawdown, None);
    }

    #[test]
    fn a_new_high_at_the_end_recovers_the_drawdown() {
        // 100, 90, 120: down 10 % from minute 0 to 1, recovered at 2.
        let report = minute_report(&curve(&[10_000, 9_000, 12_000]));
        assert_eq!(report.total_return, Some(dec!(0.2)));
        assert_eq!(
            report.max_drawdown,
            Some(Drawdown {
                fraction: dec!(0.1),
                peak: at(0),
                trough: at(1),
                recovery: Some(at(2)),
            })
        );
        // Rising all the way: no drawdown.
        assert_eq!(minute_report(&curve(&[1, 2, 2, 3])).max_drawdown, None);
    }

    #[test]
    fn the_drawdown_is_the_largest_fraction_from_the_last_time_at_the_high() {
        // 100 twice, then 80 (20 %), back to 100; later 1,000 to 850: 150
        // is more money but 15 % is less.
        let drawdown = curve(&[10_000, 10_000, 8_000, 10_000, 100_000, 85_000])
            .max_drawdown()
            .unwrap();
        assert_eq!(
            drawdown,
            Drawdown {
                fraction: dec!(0.2),
                peak: at(1),
                trough: at(2),
                recovery: Some(at(3)),
            }
        );
        // 100 to 90 (10 %), then 200 to 170 (15 %): the second.
        let later = curve(&[10_000, 9_000, 20_000, 17_000])
            .max_drawdown()
            .unwrap();
        assert_eq!(
            (later.fraction, later.peak, later.trough),
            (dec!(0.15), at(2), at(3))
        );
    }

    #[test]
    fn equity_going_to_zero() {
        // 100, 50, 0, 0: returns -0.5 and -1; nothing returns on zero.
        let report = minute_report(&curve(&[10_000, 5_000, 0, 0]));
        assert_eq!(report.total_return, Some(dec!(-1)));
        assert_eq!(values(&report.returns), [dec!(-0.5), dec!(-1)]);
        assert_eq!(
            report.max_drawdown,
            Some(Drawdown {
                fraction: dec!(1),
                peak: at(0),
                trough: at(2),
                recovery: None,
            })
        );
        // Mean -0.75, squared deviations 0.0625 + 0.0625 over 1: sd
        // sqrt(0.125); x sqrt(98,280) = sqrt(12,285) = 110.83771921146...
        // Sharpe -0.75 / sqrt(0.125) x sqrt(98,280) = -665.02631526880...
        assert_eq!(report.volatility, Some(dec!(110.8377192115)));
        assert_eq!(report.sharpe, Some(dec!(-665.0263152688)));
        // Starting from nothing, there is no return at all.
        let from_zero = minute_report(&curve(&[0, 10_000]));
        assert_eq!(from_zero.total_return, None);
        assert!(from_zero.returns.is_empty());
        assert_eq!(from_zero.max_drawdown, None);
        // Average equity zero: no turnover.
        assert_eq!(curve(&[0, 0]).turnover(Money(100)), Ok(None));
    }

    #[test]
    fn win_rate_by_hand() {
        assert_eq!(win_rate(&[]), None);
        assert_eq!(win_rate(&[Money::ZERO]), Some(dec!(0)));
        // 2 / 3 = 0.666... -> 0.6666666667.
        assert_eq!(
            win_rate(&[Money(1), Money(1), Money(-1)]),
            Some(dec!(0.6666666667))
        );
    }

    #[test]
    fn bad_inputs_are_errors() {
        let point = |minute, equity| EquityPoint {
            at: at(minute),
            equity: Money(equity),
        };
        assert_eq!(
            EquityCurve::new(vec![point(0, 100), point(1, -1)]),
            Err(PerformanceError::NegativeEquity {
                at: at(1),
                equity: Money(-1),
            })
        );
        assert_eq!(
            EquityCurve::new(vec![point(1, 100), point(1, 100)]),
            Err(PerformanceError::NotAscending { at: at(1) })
        );
        let curve = curve(&[100, 110, 100]);
        let never = PerformanceParams {
            sample_period_ms: 0,
            ..PerformanceParams::default()
        };
        assert_eq!(
            curve.volatility(&never),
            Err(PerformanceError::SamplePeriod(0))
        );
        assert_eq!(
            report(&curve, &[], Money(-1), &PerformanceParams::default()),
            Err(PerformanceError::NegativeTradedValue(Money(-1)))
        );
    }

    #[test]
    fn returns_beyond_any_account_are_an_error_not_a_panic() {
        // Returns of about 9.2e18 square past Decimal's range.
        let wild = curve(&[1, i64::MAX, 1, i64::MAX]);
        assert_eq!(
            wild.volatility(&PerformanceParams::default()),
            Err(PerformanceError::Overflow)
        );
        assert_eq!(wild.max_drawdown().map(|d| d.fraction), Some(dec!(1)));
    }

    fn samples() -> impl Strategy<Value = Vec<(i64, i64)>> {
        let equity = prop_oneof![9 => 1..=1_000_000_000_i64, 1 => Just(0_i64)];
        prop::collection::vec((1..=2 * MINUTE, equity), 1..60)
    }

    /// The curve of `samples` (gap since the last, equity) with every
    /// equity times `scale`.
    fn scaled(samples: &[(i64, i64)], scale: i64) -> EquityCurve {
        let mut time = 1_767_225_600_000;
        let points = samples
            .iter()
            .map(|&(gap, equity)| {
                time += gap;
                EquityPoint {
                    at: Timestamp::from_millis(time),
                    equity: Money(equity * scale),
                }
            })
            .collect();
        EquityCurve::new(points).unwrap()
    }

    proptest! {
        #[test]
        fn max_drawdown_is_a_fraction_and_zero_only_if_the_curve_never_falls(
            samples in samples(),
        ) {
            let fraction = minute_report(&scaled(&samples, 1)).max_drawdown_fraction();
            prop_assert!(fraction >= dec!(0) && fraction <= dec!(1), "{fraction}");
            let never_falls = samples.windows(2).all(|pair| pair[0].1 <= pair[1].1);
            prop_assert_eq!(fraction.is_zero(), never_falls);
        }

        #[test]
        fn scaling_a_curve_changes_none_of_its_returns(
            samples in samples(),
            scale in 2..=1_000_i64,
        ) {
            let (one, many) = (scaled(&samples, 1), scaled(&samples, scale));
            prop_assert_eq!(one.total_return(), many.total_return());
            prop_assert_eq!(one.returns(), many.returns());
            prop_assert_eq!(
                one.max_drawdown().map(|d| d.fraction),
                many.max_drawdown().map(|d| d.fraction)
            );
        }
    }
}
