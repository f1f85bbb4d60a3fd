//! Performance over a window: the equity curve from the minute samples and
//! the statistics of `marketlab_actors::analytics::performance`.

use async_graphql::SimpleObject;
use marketlab_actors::analytics::performance::{Drawdown as DomainDrawdown, PerformanceReport};

use crate::api::scalars::{DateTime, Dec};

#[derive(Debug, Clone, SimpleObject)]
pub struct EquityPoint {
    pub at: DateTime,
    pub equity: Dec,
}

/// The largest fall of the equity curve from a high.
#[derive(Debug, Clone, SimpleObject)]
pub struct Drawdown {
    /// (peak - trough) / peak, above 0 and at most 1.
    pub fraction: Dec,
    pub peak_at: DateTime,
    pub trough_at: DateTime,
    /// Back at the peak's equity; null while it has not recovered.
    pub recovered_at: Option<DateTime>,
}

impl From<DomainDrawdown> for Drawdown {
    fn from(d: DomainDrawdown) -> Drawdown {
        Drawdown {
            fraction: Dec(d.fraction),
            peak_at: d.peak.into(),
            trough_at: d.trough.into(),
            recovered_at: d.recovery.map(Into::into),
        }
    }
}

/// How an account did from `from` to `to`. Ratios are fractions (0.05 is
/// 5 %), rounded half to even to 10 decimals; null where undefined (too few
/// samples, a curve that never varies).
#[derive(Debug, Clone, SimpleObject)]
pub struct Performance {
    pub from: DateTime,
    pub to: DateTime,
    /// One sample a minute (the server's sample period), oldest first.
    pub equity_curve: Vec<EquityPoint>,
    /// Last sample over the first, less 1.
    pub total_return: Option<Dec>,
    /// Of the per-sample returns, annualised over 252 days of 390 minutes.
    pub volatility: Option<Dec>,
    /// Mean excess return per sample over its deviation, annualised.
    pub sharpe_ratio: Option<Dec>,
    /// Null when the curve never fell.
    pub max_drawdown: Option<Drawdown>,
    /// Closed lots with a gain over all lots closed in the window.
    pub win_rate: Option<Dec>,
    /// Value traded over the average equity.
    pub turnover: Option<Dec>,
    /// The annual risk-free rate the Sharpe ratio was computed with.
    pub risk_free_rate: Dec,
}

impl Performance {
    pub fn new(
        (from, to): (DateTime, DateTime),
        curve: Vec<EquityPoint>,
        report: PerformanceReport,
        risk_free_rate: Dec,
    ) -> Performance {
        Performance {
            from,
            to,
            equity_curve: curve,
            total_return: report.total_return.map(Dec),
            volatility: report.volatility.map(Dec),
            sharpe_ratio: report.sharpe.map(Dec),
            max_drawdown: report.max_drawdown.map(Drawdown::from),
            win_rate: report.win_rate.map(Dec),
            turnover: report.turnover.map(Dec),
            risk_free_rate,
        }
    }
}
