//! The statistics of a run's summary: per company, from its trades and from
//! the top of its book sampled at the L1 interval. Returns are log returns
//! of the sampled price (the mid when both sides are quoted, else the last
//! trade; samples with neither are skipped).

use serde::Serialize;

use crate::types::{Money, Quantity};

/// What a company's statistics are computed from, collected as the run goes.
#[derive(Debug, Clone, Default)]
pub struct CompanyTape {
    pub volume: u64,
    pub trades: u64,
    /// Sum of price x quantity, cents.
    pub notional: i128,
    pub open: Option<Money>,
    pub high: Option<Money>,
    pub low: Option<Money>,
    pub close: Option<Money>,
    /// Sampled prices, cents (halves of a cent for a mid).
    pub prices: Vec<f64>,
    /// Sampled spreads (ask - bid, cents) where both sides were quoted.
    pub spreads: Vec<i64>,
    /// Sampled (bid size + ask size) / 2 where both sides were quoted.
    pub touch_depth_sum: u128,
    /// Cents the issuer paid its holders in dividends.
    pub dividends_paid: i64,
    /// Dividends the issuer could not pay in full, so paid to nobody.
    pub dividends_skipped: u32,
}

impl CompanyTape {
    pub fn trade(&mut self, price: Money, quantity: Quantity) {
        self.volume += quantity.0;
        self.trades += 1;
        self.notional += i128::from(price.0) * i128::from(quantity.0);
        self.open.get_or_insert(price);
        self.high = Some(self.high.map_or(price, |h| h.max(price)));
        self.low = Some(self.low.map_or(price, |l| l.min(price)));
        self.close = Some(price);
    }

    /// One sample of the top of the book.
    pub fn sample(
        &mut self,
        bid: Option<(Money, Quantity)>,
        ask: Option<(Money, Quantity)>,
        last: Option<Money>,
    ) {
        let price = match (bid, ask) {
            (Some((bid, bid_qty)), Some((ask, ask_qty))) => {
                self.spreads.push(ask.0 - bid.0);
                self.touch_depth_sum += u128::from(bid_qty.0 + ask_qty.0);
                Some((bid.0 + ask.0) as f64 / 2.0)
            }
            _ => last.map(|l| l.0 as f64),
        };
        self.prices.extend(price);
    }

    pub fn summary(&self) -> CompanySummary {
        let returns = log_returns(&self.prices);
        let absolute: Vec<f64> = returns.iter().map(|r| r.abs()).collect();
        let quoted = self.spreads.len();
        CompanySummary {
            volume: self.volume,
            trades: self.trades,
            vwap: (self.volume > 0).then(|| self.notional as f64 / self.volume as f64 / 100.0),
            open: self.open.map(money),
            high: self.high.map(money),
            low: self.low.map(money),
            close: self.close.map(money),
            samples: self.prices.len(),
            return_volatility: std_dev(&returns),
            excess_kurtosis: excess_kurtosis(&returns),
            autocorrelation: (1..=5).map(|lag| autocorrelation(&returns, lag)).collect(),
            abs_autocorrelation: (1..=5).map(|lag| autocorrelation(&absolute, lag)).collect(),
            mean_spread: (quoted > 0)
                .then(|| self.spreads.iter().sum::<i64>() as f64 / quoted as f64 / 100.0),
            median_spread: median(&self.spreads).map(|m| m / 100.0),
            mean_touch_depth: (quoted > 0)
                .then(|| self.touch_depth_sum as f64 / 2.0 / quoted as f64),
            dividends_paid: (self.dividends_paid > 0).then(|| money(Money(self.dividends_paid))),
            dividends_skipped: self.dividends_skipped,
        }
    }
}

/// Per company, in the summary. Money is a decimal string; spreads and VWAP
/// are in currency units.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompanySummary {
    pub volume: u64,
    pub trades: u64,
    pub vwap: Option<f64>,
    pub open: Option<String>,
    pub high: Option<String>,
    pub low: Option<String>,
    pub close: Option<String>,
    pub samples: usize,
    /// Sample standard deviation of the log returns between samples.
    pub return_volatility: Option<f64>,
    pub excess_kurtosis: Option<f64>,
    /// Of returns, lags 1 to 5.
    pub autocorrelation: Vec<Option<f64>>,
    /// Of absolute returns, lags 1 to 5.
    pub abs_autocorrelation: Vec<Option<f64>>,
    pub mean_spread: Option<f64>,
    pub median_spread: Option<f64>,
    /// Shares at the best bid and ask, averaged over the two sides.
    pub mean_touch_depth: Option<f64>,
    /// What the company paid in dividends (left out when nothing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dividends_paid: Option<String>,
    #[serde(skip_serializing_if = "is_zero")]
    pub dividends_skipped: u32,
}

fn is_zero(count: &u32) -> bool {
    *count == 0
}

pub fn money(value: Money) -> String {
    value.to_decimal().to_string()
}

/// A sum of money in cents that may be beyond `i64`, as a decimal string.
pub fn cents(value: i128) -> String {
    match i64::try_from(value) {
        Ok(value) => money(Money(value)),
        Err(_) => format!("{}.{:02}", value / 100, (value % 100).abs()),
    }
}

pub fn log_returns(prices: &[f64]) -> Vec<f64> {
    prices.windows(2).map(|w| (w[1] / w[0]).ln()).collect()
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// With n - 1 in the denominator; `None` below two values.
pub fn std_dev(values: &[f64]) -> Option<f64> {
    if values.len() < 2 {
        return None;
    }
    let m = mean(values);
    let ss: f64 = values.iter().map(|v| (v - m) * (v - m)).sum();
    Some((ss / (values.len() - 1) as f64).sqrt())
}

/// m4 / m2^2 - 3 with population moments; `None` below four values or
/// without variance.
pub fn excess_kurtosis(values: &[f64]) -> Option<f64> {
    if values.len() < 4 {
        return None;
    }
    let m = mean(values);
    let n = values.len() as f64;
    let m2 = values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / n;
    let m4 = values.iter().map(|v| (v - m).powi(4)).sum::<f64>() / n;
    (m2 > 0.0).then(|| m4 / (m2 * m2) - 3.0)
}

/// sum (x_t - m)(x_{t+lag} - m) / sum (x_t - m)^2, the mean over all
/// values; `None` without enough values or variance.
pub fn autocorrelation(values: &[f64], lag: usize) -> Option<f64> {
    if values.len() < lag + 2 {
        return None;
    }
    let m = mean(values);
    let denominator: f64 = values.iter().map(|v| (v - m) * (v - m)).sum();
    if denominator <= 0.0 {
        return None;
    }
    let numerator: f64 = values
        .windows(lag + 1)
        .map(|w| (w[0] - m) * (w[lag] - m))
        .sum();
    Some(numerator / denominator)
}

/// Of whole cents; the mean of the middle two for an even count.
pub fn median(values: &[i64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let mid = sorted.len() / 2;
    Some(if sorted.len().is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) as f64 / 2.0
    } else {
        sorted[mid] as f64
    })
}
