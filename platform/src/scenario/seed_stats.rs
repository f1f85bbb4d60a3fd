//! Statistics of one metric across seeds: how many values, their mean,
//! sample standard deviation, range, and a 95 % confidence interval of the
//! mean from Student's t. f64 throughout: these describe simulated
//! outcomes, they are not money.

/// What the values of one metric over a set of runs say.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub n: usize,
    pub mean: Option<f64>,
    /// With n - 1 in the denominator; `None` below two values.
    pub sd: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// t(0.975, n - 1) * sd / sqrt(n); `None` below two values.
    pub half_width: Option<f64>,
}

impl Estimate {
    pub fn of(values: &[f64]) -> Estimate {
        let n = values.len();
        if n == 0 {
            return Estimate {
                n,
                mean: None,
                sd: None,
                min: None,
                max: None,
                half_width: None,
            };
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        let sd = (n > 1).then(|| {
            let ss: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
            (ss / (n - 1) as f64).sqrt()
        });
        Estimate {
            n,
            mean: Some(mean),
            sd,
            min: values.iter().copied().reduce(f64::min),
            max: values.iter().copied().reduce(f64::max),
            half_width: sd.map(|sd| t_975(n as u64 - 1) * sd / (n as f64).sqrt()),
        }
    }

    /// The interval's ends, mean -/+ half width.
    pub fn interval(&self) -> Option<(f64, f64)> {
        Some((self.mean? - self.half_width?, self.mean? + self.half_width?))
    }
}

/// t(0.975, df) for df = 1..=30, to six decimals.
const T_975: [f64; 30] = [
    12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157,
    2.228139, 2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905, 2.109816, 2.100922,
    2.093024, 2.085963, 2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831,
    2.048407, 2.045230, 2.042272,
];

/// The normal quantile at 0.975.
const Z_975: f64 = 1.959_963_984_540_054;

/// The 0.975 quantile of Student's t with `df` degrees of freedom
/// (`df` >= 1): the table up to 30, then the Cornish-Fisher expansion.
pub fn t_975(df: u64) -> f64 {
    match usize::try_from(df)
        .ok()
        .and_then(|df| T_975.get(df.checked_sub(1)?))
    {
        Some(&t) => t,
        None => cornish_fisher(df as f64),
    }
}

/// The expansion of t(0.975, v) around the normal quantile in powers of
/// 1/v (Abramowitz and Stegun 26.7.5); its error is below 1e-6 from 30
/// degrees of freedom and falls with them.
fn cornish_fisher(v: f64) -> f64 {
    let z = Z_975;
    let g1 = (z.powi(3) + z) / 4.0;
    let g2 = (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / 96.0;
    let g3 = (3.0 * z.powi(7) + 19.0 * z.powi(5) + 17.0 * z.powi(3) - 15.0 * z) / 384.0;
    let g4 = (79.0 * z.powi(9) + 776.0 * z.powi(7) + 1482.0 * z.powi(5)
        - 1920.0 * z.powi(3)
        - 945.0 * z)
        / 92160.0;
    z + g1 / v + g2 / v.powi(2) + g3 / v.powi(3) + g4 / v.powi(4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() < tolerance
    }

    #[test]
    fn one_to_four_by_hand() {
        let e = Estimate::of(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(e.n, 4);
        assert_eq!(e.mean, Some(2.5));
        // sqrt(((1.5^2 + 0.5^2) * 2) / 3) = sqrt(5 / 3)
        assert!(close(e.sd.unwrap(), 1.290_994_448_735_805_6, 1e-15));
        assert_eq!((e.min, e.max), (Some(1.0), Some(4.0)));
        // 3.182446 * 1.2909944 / 2
        assert!(close(e.half_width.unwrap(), 2.054_260, 1e-6), "{e:?}");
        let (low, high) = e.interval().unwrap();
        assert!(close(low, 0.445_740, 1e-6) && close(high, 4.554_260, 1e-6));
    }

    #[test]
    fn one_value_has_no_spread_and_none_has_nothing() {
        let e = Estimate::of(&[7.5]);
        assert_eq!(
            (e.n, e.mean, e.min, e.max),
            (1, Some(7.5), Some(7.5), Some(7.5))
        );
        assert_eq!((e.sd, e.half_width, e.interval()), (None, None, None));
        let e = Estimate::of(&[]);
        assert_eq!((e.n, e.mean, e.min, e.interval()), (0, None, None, None));
        let e = Estimate::of(&[3.0, 3.0, 3.0]);
        assert_eq!((e.sd, e.half_width), (Some(0.0), Some(0.0)));
    }

    #[test]
    fn t_quantiles_match_published_values() {
        for (df, t) in [
            (1, 12.706_205),
            (2, 4.302_653),
            (3, 3.182_446),
            (9, 2.262_157),
            (30, 2.042_272),
            (31, 2.039_513),
            (40, 2.021_075),
            (60, 2.000_298),
            (120, 1.979_930),
            (1000, 1.962_339),
        ] {
            assert!(close(t_975(df), t, 1e-5), "df {df}: {} vs {t}", t_975(df));
        }
        assert!(close(t_975(u64::MAX), Z_975, 1e-12));
    }

    #[test]
    fn the_expansion_agrees_with_the_table_where_they_meet() {
        for df in 15..=30 {
            let table = T_975[df - 1];
            assert!(close(cornish_fisher(df as f64), table, 1e-4), "df {df}");
        }
        assert!(close(cornish_fisher(30.0), T_975[29], 1e-6));
    }
}
