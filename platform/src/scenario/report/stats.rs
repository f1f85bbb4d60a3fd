//! The statistics the report shows, pure functions over `f64`: prices
//! sampled on a clock, moments, autocorrelation, and the stylized facts
//! judged from them. Log returns, kurtosis and autocorrelation are the
//! kernel's, which the run's `summary.json` gives, so the two agree on the
//! same returns.

pub use marketlab_actors::scenario::stats::{autocorrelation, excess_kurtosis, log_returns};

/// The last value at or before each point `first + k * step` (k = 0, 1,
/// ...) up to `last`, from points with no value yet on: "previous tick"
/// sampling. `times` must be sorted.
pub fn sample_every(times: &[i64], values: &[f64], first: i64, last: i64, step: i64) -> Vec<f64> {
    let mut out = Vec::new();
    let mut next = 0;
    let mut current = None;
    let mut at = first;
    while at <= last {
        while next < times.len() && times[next] <= at {
            current = Some(values[next]);
            next += 1;
        }
        if let Some(value) = current {
            out.push(value);
        }
        at += step;
    }
    out
}

pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// With n in the denominator, as the kernel's kurtosis.
pub fn variance(values: &[f64]) -> Option<f64> {
    let m = mean(values)?;
    Some(values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / values.len() as f64)
}

/// Lags 1..=`lags`; `None` at a lag with too few values.
pub fn acf(values: &[f64], lags: usize) -> Vec<Option<f64>> {
    (1..=lags).map(|lag| autocorrelation(values, lag)).collect()
}

/// Half width of the 95 % band of a sample autocorrelation of `n` values
/// from white noise.
pub fn band(n: usize) -> f64 {
    1.96 / (n as f64).sqrt()
}

/// Lags of the autocorrelation plot and of the third fact.
pub const LAGS: usize = 20;
/// Lags whose |r| autocorrelation is averaged for volatility clustering.
pub const CLUSTER_LAGS: usize = 10;

/// One stylized fact: what it says, how it is judged, what was found.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub name: &'static str,
    pub rule: &'static str,
    pub value: String,
    /// `None` when there are too few returns to judge.
    pub pass: Option<bool>,
}

/// The three facts of `returns`.
pub fn facts(returns: &[f64]) -> Vec<Fact> {
    let n = returns.len();
    let kurtosis = excess_kurtosis(returns);
    let absolute: Vec<f64> = returns.iter().map(|r| r.abs()).collect();
    let clustering: Option<f64> = acf(&absolute, CLUSTER_LAGS)
        .into_iter()
        .collect::<Option<Vec<f64>>>()
        .and_then(|values| mean(&values));
    let beyond: Option<Vec<f64>> = acf(returns, LAGS)
        .into_iter()
        .skip(1)
        .collect::<Option<Vec<f64>>>();
    let unknown = || "too few returns".to_owned();
    vec![
        Fact {
            name: "Fat tails",
            rule: "excess kurtosis of 1-minute returns > 0",
            value: kurtosis.map_or_else(unknown, |k| format!("{k:.3}")),
            pass: kurtosis.map(|k| k > 0.0),
        },
        Fact {
            name: "Volatility clustering",
            rule: "mean autocorrelation of |r| over lags 1–10 > 0",
            value: clustering.map_or_else(unknown, |c| format!("{c:.3}")),
            pass: clustering.map(|c| c > 0.0),
        },
        match beyond {
            Some(values) => {
                let limit = band(n);
                let mean_abs = values.iter().map(|v| v.abs()).sum::<f64>() / values.len() as f64;
                let outside = values.iter().filter(|v| v.abs() > limit).count();
                Fact {
                    name: "No autocorrelation beyond lag 1",
                    rule: "mean |acf(k)| over lags 2–20 < 1.96/√n",
                    value: format!(
                        "{mean_abs:.3} (1.96/√n = {limit:.3}; {outside} of {} lags outside)",
                        values.len()
                    ),
                    pass: Some(mean_abs < limit),
                }
            }
            None => Fact {
                name: "No autocorrelation beyond lag 1",
                rule: "mean |acf(k)| over lags 2–20 < 1.96/√n",
                value: unknown(),
                pass: None,
            },
        },
    ]
}

/// The normal density at `x`.
pub fn normal_density(x: f64, mean: f64, sd: f64) -> f64 {
    let z = (x - mean) / sd;
    (-0.5 * z * z).exp() / (sd * (2.0 * std::f64::consts::PI).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn sampling_keeps_the_last_value_before_each_point() {
        // Points 0, 10, 20, 30: nothing yet at 0; 1.0 (t=5) at 10; 3.0
        // (t=20, on the point) at 20; still 3.0 at 30.
        let times = [5, 12, 20, 31];
        let values = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(sample_every(&times, &values, 0, 30, 10), [1.0, 3.0, 3.0]);
        assert_eq!(
            sample_every(&times, &values, 0, 40, 10),
            [1.0, 3.0, 3.0, 4.0]
        );
        assert!(sample_every(&[], &[], 0, 30, 10).is_empty());
    }

    #[test]
    fn log_returns_of_doublings() {
        let r = log_returns(&[1.0, 2.0, 4.0, 2.0]);
        let ln2 = 2f64.ln();
        assert!(close(r[0], ln2) && close(r[1], ln2) && close(r[2], -ln2));
    }

    #[test]
    fn moments_of_five_values_by_hand() {
        // 1, 2, 3, 4, 5: mean 3, deviations -2 -1 0 1 2, m2 = 10/5 = 2,
        // m4 = (16 + 1 + 0 + 1 + 16)/5 = 6.8, kurtosis 6.8/4 - 3 = -1.3.
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(mean(&x), Some(3.0));
        assert_eq!(variance(&x), Some(2.0));
        assert!(close(excess_kurtosis(&x).unwrap(), -1.3));
        // Lag 1: (-2)(-1) + (-1)(0) + (0)(1) + (1)(2) = 4, over 10: 0.4.
        // Lag 2: (-2)(0) + (-1)(1) + (0)(2) = -1, over 10: -0.1.
        // Lag 3: (-2)(1) + (-1)(2) = -4, over 10: -0.4.
        let r = acf(&x, 4);
        assert!(close(r[0].unwrap(), 0.4));
        assert!(close(r[1].unwrap(), -0.1));
        assert!(close(r[2].unwrap(), -0.4));
        // Lag 4 would pair a single couple: too few.
        assert_eq!(r[3], None);
    }

    #[test]
    fn a_spike_has_fat_tails() {
        // Four zeros and one 5: mean 1, deviations -1 x4 and 4; m2 = 20/5
        // = 4, m4 = (4 + 256)/5 = 52, kurtosis 52/16 - 3 = 0.25.
        let x = [0.0, 0.0, 5.0, 0.0, 0.0];
        assert!(close(excess_kurtosis(&x).unwrap(), 0.25));
        assert_eq!(excess_kurtosis(&[1.0, 1.0, 1.0, 1.0]), None);
        assert_eq!(excess_kurtosis(&[1.0, 2.0, 3.0]), None);
    }

    #[test]
    fn constant_values_have_no_autocorrelation() {
        assert_eq!(autocorrelation(&[2.0; 6], 1), None);
    }

    #[test]
    fn the_band_and_the_density() {
        assert!(close(band(100), 0.196));
        assert!(close(
            normal_density(0.0, 0.0, 1.0),
            0.398_942_280_401_432_7
        ));
        assert!(close(
            normal_density(3.0, 1.0, 2.0),
            normal_density(1.0, 0.0, 1.0) / 2.0
        ));
    }

    #[test]
    fn facts_of_alternating_returns() {
        // +1, -1, ... (40 values): acf(1) = -39/40, acf(2) = +38/40, so
        // the returns are far from uncorrelated; |r| is constant, so there
        // is no clustering to measure; kurtosis is 1 - 3 = -2.
        let x: Vec<f64> = (0..40)
            .map(|i| if i % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        let found = facts(&x);
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].value, "-2.000");
        assert_eq!(found[0].pass, Some(false));
        assert_eq!(found[1].pass, None);
        assert_eq!(found[2].pass, Some(false));
        assert!(
            found[2].value.contains("19 of 19 lags outside"),
            "{:?}",
            found[2]
        );
        assert!(facts(&[0.1, 0.2]).iter().all(|f| f.pass.is_none()));
    }
}
