//! Technical indicators over candles (oldest first): SMA, EMA, RSI, MACD,
//! Bollinger bands and VWAP.
//!
//! Each gives a series aligned to its candles: one [`Point`] per candle from
//! the first one where the indicator is defined, stamped with that candle's
//! start. Too few candles give an empty series; a period of 0 (and the other
//! parameters that make no sense) is an [`IndicatorError`].
//!
//! Values are currency units (`101.2534`), RSI is points from 0 to 100, all
//! rounded half to even to [`SCALE`] decimals. Only closes count, except for
//! VWAP, which weighs each candle's typical price `(high + low + close) / 3`
//! by its volume: a candle's volume traded across its range, not all at its
//! close. The platform's candles (`CandleView`) carry the same fields as
//! [`Candle`].

use rust_decimal::Decimal;

use super::exact::{self, Checked, Overflow, rounded};
use crate::bots::Candle;
use crate::types::{Money, Timestamp};

/// Decimals of every value: a hundredth of a cent for prices.
pub const SCALE: u32 = 4;

/// An indicator's value at one candle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Point<T> {
    /// The candle's start.
    pub start: Timestamp,
    pub value: T,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MacdPeriods {
    pub fast: usize,
    pub slow: usize,
    pub signal: usize,
}

impl Default for MacdPeriods {
    /// Appel's 12, 26 and 9.
    fn default() -> MacdPeriods {
        MacdPeriods {
            fast: 12,
            slow: 26,
            signal: 9,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Macd {
    /// Fast EMA minus slow EMA of the closes.
    pub macd: Decimal,
    /// EMA of the MACD line.
    pub signal: Decimal,
    /// MACD minus signal (of the unrounded values).
    pub histogram: Decimal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bands {
    /// The SMA.
    pub middle: Decimal,
    /// Middle plus k population standard deviations.
    pub upper: Decimal,
    /// Middle minus k population standard deviations.
    pub lower: Decimal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IndicatorError {
    #[error("a period must be at least 1")]
    ZeroPeriod,
    #[error("MACD's fast period ({fast}) must be shorter than its slow period ({slow})")]
    FastNotShorter { fast: usize, slow: usize },
    #[error("the band width k must not be negative, not {0}")]
    NegativeWidth(Decimal),
    #[error("the prices are too large to compute with")]
    Overflow,
}

impl From<Overflow> for IndicatorError {
    fn from(_: Overflow) -> IndicatorError {
        IndicatorError::Overflow
    }
}

type Series<T> = Result<Vec<Point<T>>, IndicatorError>;

/// Simple moving average of the last `period` closes.
pub fn sma(candles: &[Candle], period: usize) -> Series<Decimal> {
    check(period)?;
    let divisor = Decimal::from(period);
    let mut values = Vec::with_capacity(candles.len().saturating_sub(period - 1));
    // A running sum of whole cents is exact: no drift however long the run.
    let mut sum: i128 = 0;
    for (i, candle) in candles.iter().enumerate() {
        sum += cents(candle.close);
        if i >= period {
            sum -= cents(candles[i - period].close);
        }
        if i + 1 >= period {
            values.push(rounded(units(sum)?.over(divisor)?, SCALE));
        }
    }
    Ok(points(candles, period - 1, values))
}

/// Exponential moving average of the closes with alpha = 2 / (period + 1),
/// seeded with the SMA of the first `period` closes.
pub fn ema(candles: &[Candle], period: usize) -> Series<Decimal> {
    check(period)?;
    let values = ema_of(&closes(candles), period)?;
    Ok(points(
        candles,
        period - 1,
        values.into_iter().map(|v| rounded(v, SCALE)),
    ))
}

/// Relative strength index with Wilder's smoothing: the first averages of
/// gains and losses are plain means over `period` changes, each later one
/// `(previous x (period - 1) + change) / period`. 100 when the average loss
/// is 0, flat prices included.
pub fn rsi(candles: &[Candle], period: usize) -> Series<Decimal> {
    check(period)?;
    if candles.len() <= period {
        return Ok(Vec::new());
    }
    // RSI is a ratio: the changes can stay in cents.
    let change = |i: usize| -> Result<(Decimal, Decimal), Overflow> {
        let change = exact::decimal(cents(candles[i].close) - cents(candles[i - 1].close), 0)?;
        Ok(if change.is_sign_positive() {
            (change, Decimal::ZERO)
        } else {
            (Decimal::ZERO, -change)
        })
    };
    let n = Decimal::from(period);
    let (mut gain, mut loss) = (Decimal::ZERO, Decimal::ZERO);
    for i in 1..=period {
        let (up, down) = change(i)?;
        gain = gain.plus(up)?;
        loss = loss.plus(down)?;
    }
    gain = gain.over(n)?;
    loss = loss.over(n)?;
    let mut values = vec![rsi_value(gain, loss)?];
    let kept = Decimal::from(period - 1);
    for i in period + 1..candles.len() {
        let (up, down) = change(i)?;
        gain = kept.times(gain)?.plus(up)?.over(n)?;
        loss = kept.times(loss)?.plus(down)?.over(n)?;
        values.push(rsi_value(gain, loss)?);
    }
    Ok(points(candles, period, values))
}

fn rsi_value(gain: Decimal, loss: Decimal) -> Result<Decimal, Overflow> {
    if loss.is_zero() {
        return Ok(Decimal::ONE_HUNDRED);
    }
    // 100 - 100 / (1 + gain / loss), without the ratio itself: it grows
    // past Decimal's range as the smoothed loss decays towards zero.
    let value = Decimal::ONE_HUNDRED.times(gain)?.over(gain.plus(loss)?)?;
    Ok(rounded(value, SCALE))
}

/// MACD: the fast EMA minus the slow EMA of the closes, its signal line (an
/// EMA of it seeded like [`ema`]) and their difference. The first point is
/// at candle `slow + signal - 2`, where all three are defined.
pub fn macd(candles: &[Candle], periods: MacdPeriods) -> Series<Macd> {
    let MacdPeriods { fast, slow, signal } = periods;
    check(fast)?;
    check(slow)?;
    check(signal)?;
    if fast >= slow {
        return Err(IndicatorError::FastNotShorter { fast, slow });
    }
    let closes = closes(candles);
    // fast_ema[j] is at candle j + fast - 1, slow_ema[j] at j + slow - 1.
    let fast_ema = ema_of(&closes, fast)?;
    let slow_ema = ema_of(&closes, slow)?;
    let line = fast_ema
        .iter()
        .skip(slow - fast)
        .zip(&slow_ema)
        .map(|(f, s)| f.minus(*s))
        .collect::<Result<Vec<_>, _>>()?;
    // signal_ema[j] is at line[j + signal - 1].
    let signal_ema = ema_of(&line, signal)?;
    let values = line
        .iter()
        .skip(signal - 1)
        .zip(&signal_ema)
        .map(|(m, s)| {
            Ok(Macd {
                macd: rounded(*m, SCALE),
                signal: rounded(*s, SCALE),
                histogram: rounded(m.minus(*s)?, SCALE),
            })
        })
        .collect::<Result<Vec<_>, Overflow>>()?;
    Ok(points(
        candles,
        (slow - 1).saturating_add(signal - 1),
        values,
    ))
}

/// Bollinger bands: the SMA of `period` closes plus and minus `k` times
/// their population standard deviation.
pub fn bollinger(candles: &[Candle], period: usize, k: Decimal) -> Series<Bands> {
    check(period)?;
    if k < Decimal::ZERO {
        return Err(IndicatorError::NegativeWidth(k));
    }
    let n = period as i128;
    let to_units = Decimal::from(period).times(Decimal::ONE_HUNDRED)?;
    let mut values = Vec::with_capacity(candles.len().saturating_sub(period - 1));
    // Running sums of cents and of squared cents keep the variance exact:
    // in cents² it is (n Σc² - (Σc)²) / n², a whole numerator, so only its
    // square root rounds.
    let (mut sum, mut squares): (i128, i128) = (0, 0);
    for (i, candle) in candles.iter().enumerate() {
        let close = cents(candle.close);
        sum += close;
        squares = squares.checked_add(close * close).ok_or(Overflow)?;
        if i >= period {
            let leaving = cents(candles[i - period].close);
            sum -= leaving;
            squares -= leaving * leaving;
        }
        if i + 1 < period {
            continue;
        }
        let spread = n
            .checked_mul(squares)
            .zip(sum.checked_mul(sum))
            .and_then(|(a, b)| a.checked_sub(b))
            .ok_or(Overflow)?;
        let deviation = exact::sqrt_of(spread.unsigned_abs()).over(to_units)?;
        let middle = units(sum)?.over(Decimal::from(period))?;
        let width = k.times(deviation)?;
        values.push(Bands {
            middle: rounded(middle, SCALE),
            upper: rounded(middle.plus(width)?, SCALE),
            lower: rounded(middle.minus(width)?, SCALE),
        });
    }
    Ok(points(candles, period - 1, values))
}

/// Volume-weighted average of the typical price from the first candle to
/// each one: Σ(typical x volume) / Σ volume. Candles before the first with
/// any volume have none.
pub fn vwap(candles: &[Candle]) -> Series<Decimal> {
    // Σ (high + low + close) x volume in cents: exact, divided by 3 once.
    let mut weighted: i128 = 0;
    let mut volume: i128 = 0;
    let mut values = Vec::with_capacity(candles.len());
    let mut first = None;
    for (i, candle) in candles.iter().enumerate() {
        let typical3 = cents(candle.high) + cents(candle.low) + cents(candle.close);
        let traded = i128::from(candle.volume);
        weighted = typical3
            .checked_mul(traded)
            .and_then(|value| weighted.checked_add(value))
            .ok_or(Overflow)?;
        volume += traded;
        if volume == 0 {
            continue;
        }
        first.get_or_insert(i);
        let value = units(weighted)?.over(exact::decimal(3 * volume, 0)?)?;
        values.push(rounded(value, SCALE));
    }
    Ok(points(candles, first.unwrap_or(0), values))
}

fn check(period: usize) -> Result<(), IndicatorError> {
    if period == 0 {
        return Err(IndicatorError::ZeroPeriod);
    }
    Ok(())
}

fn cents(money: Money) -> i128 {
    i128::from(money.0)
}

/// Cents (any number of them) as currency units.
fn units(cents: i128) -> Result<Decimal, Overflow> {
    exact::decimal(cents, Money::SCALE)
}

fn closes(candles: &[Candle]) -> Vec<Decimal> {
    candles.iter().map(|c| c.close.to_decimal()).collect()
}

/// The EMA of `values`, unrounded (MACD takes one EMA of another), one per
/// value from index `period - 1`.
fn ema_of(values: &[Decimal], period: usize) -> Result<Vec<Decimal>, Overflow> {
    if values.len() < period {
        return Ok(Vec::new());
    }
    let n = Decimal::from(period);
    let mut ema = Decimal::ZERO;
    for value in &values[..period] {
        ema = ema.plus(*value)?;
    }
    ema = ema.over(n)?;
    let mut out = Vec::with_capacity(values.len() - period + 1);
    out.push(ema);
    // alpha x value + (1 - alpha) x previous with alpha = 2 / (n + 1), as
    // (2 x value + (n - 1) x previous) / (n + 1): one rounding a step, not
    // an alpha such as 2/13 rounded once and carried through every step.
    let kept = Decimal::from(period - 1);
    let whole = n.plus(Decimal::ONE)?;
    for value in &values[period..] {
        ema = Decimal::TWO
            .times(*value)?
            .plus(kept.times(ema)?)?
            .over(whole)?;
        out.push(ema);
    }
    Ok(out)
}

/// `values` stamped with the candles from `first` on.
fn points<T>(
    candles: &[Candle],
    first: usize,
    values: impl IntoIterator<Item = T>,
) -> Vec<Point<T>> {
    candles
        .iter()
        .skip(first)
        .zip(values)
        .map(|(candle, value)| Point {
            start: candle.start,
            value,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    const MINUTE: i64 = 60_000;

    fn candle(minute: i64, [high, low, close]: [i64; 3], volume: u64) -> Candle {
        Candle {
            start: Timestamp::from_millis(minute * MINUTE),
            open: Money(close),
            high: Money(high),
            low: Money(low),
            close: Money(close),
            volume,
        }
    }

    /// One candle a minute from minute 0, closing at each of `closes` (cents).
    fn closing(closes: &[i64]) -> Vec<Candle> {
        (0..)
            .zip(closes)
            .map(|(minute, &c)| candle(minute, [c, c, c], 1))
            .collect()
    }

    fn values<T: Copy>(series: &[Point<T>]) -> Vec<T> {
        series.iter().map(|p| p.value).collect()
    }

    fn starts<T>(series: &[Point<T>]) -> Vec<i64> {
        series
            .iter()
            .map(|p| p.start.0 / 1_000_000 / MINUTE)
            .collect()
    }

    #[test]
    fn sma_by_hand() {
        let candles = closing(&[1_000, 1_100, 1_200, 1_300]);
        let three = sma(&candles, 3).unwrap();
        // (10 + 11 + 12) / 3 = 11 at minute 2; (11 + 12 + 13) / 3 = 12.
        assert_eq!(values(&three), [dec!(11), dec!(12)]);
        assert_eq!(starts(&three), [2, 3]);
        assert_eq!(
            values(&sma(&candles, 1).unwrap()),
            [dec!(10), dec!(11), dec!(12), dec!(13)]
        );
        // (1.00 + 1.01 + 1.01) / 3 = 1.00666... -> 1.0067.
        assert_eq!(
            values(&sma(&closing(&[100, 101, 101]), 3).unwrap()),
            [dec!(1.0067)]
        );
    }

    #[test]
    fn ema_by_hand() {
        // Period 3, alpha 2/4 = 0.5. Seed (10 + 11 + 12) / 3 = 11 at minute
        // 2; then 0.5 x 13 + 0.5 x 11 = 12; 0.5 x 12 + 0.5 x 12 = 12.
        let ema3 = ema(&closing(&[1_000, 1_100, 1_200, 1_300, 1_200]), 3).unwrap();
        assert_eq!(values(&ema3), [dec!(11), dec!(12), dec!(12)]);
        assert_eq!(starts(&ema3), [2, 3, 4]);
        // Period 2, alpha 2/3: seed (1 + 2) / 2 = 1.5; (2 x 3 + 1.5) / 3 = 2.5.
        assert_eq!(
            values(&ema(&closing(&[100, 200, 300]), 2).unwrap()),
            [dec!(1.5), dec!(2.5)]
        );
        // Period 5, alpha 1/3: seed 1; (2 x 2 + 4 x 1) / 6 = 1.3333...
        assert_eq!(
            values(&ema(&closing(&[100, 100, 100, 100, 100, 200]), 5).unwrap()),
            [dec!(1), dec!(1.3333)]
        );
    }

    #[test]
    fn rsi_by_hand_with_wilder_smoothing() {
        // Closes 10, 11, 10.5, 12, 11, 11.5: changes +1, -0.5, +1.5, -1, +0.5.
        let candles = closing(&[1_000, 1_100, 1_050, 1_200, 1_100, 1_150]);
        let rsi3 = rsi(&candles, 3).unwrap();
        // First averages: gain (1 + 1.5) / 3 = 5/6, loss 0.5 / 3 = 1/6;
        // RSI = 100 x gain / (gain + loss) = 100 x 5/6 = 83.333...
        // Change -1: gain (2 x 5/6 + 0) / 3 = 5/9, loss (2 x 1/6 + 1) / 3
        // = 4/9; RSI = 100 x 5/9 = 55.555...
        // Change +0.5: gain (2 x 5/9 + 0.5) / 3 = 29/54, loss 2 x 4/9 / 3
        // = 16/54; RSI = 100 x 29/45 = 64.444...
        assert_eq!(values(&rsi3), [dec!(83.3333), dec!(55.5556), dec!(64.4444)]);
        assert_eq!(starts(&rsi3), [3, 4, 5]);
    }

    #[test]
    fn rsi_is_100_without_losses_and_0_without_gains() {
        let flat = rsi(&closing(&[1_000; 5]), 2).unwrap();
        assert_eq!(values(&flat), [dec!(100); 3]);
        let rising = rsi(&closing(&[1_000, 1_001, 1_002]), 2).unwrap();
        assert_eq!(values(&rising), [dec!(100)]);
        let falling = rsi(&closing(&[1_002, 1_001, 1_000]), 2).unwrap();
        assert_eq!(values(&falling), [dec!(0)]);
        // Period 2 needs 3 closes (2 changes).
        assert!(rsi(&closing(&[1_000, 1_001]), 2).unwrap().is_empty());
    }

    #[test]
    fn macd_by_hand() {
        // Closes 1, 2, 3, 4, 6 with fast 2, slow 3, signal 2.
        // EMA2 (alpha 2/3): 1.5, (6 + 1.5) / 3 = 2.5, (8 + 2.5) / 3 = 3.5,
        //   (12 + 3.5) / 3 = 5.1666...
        // EMA3 (alpha 1/2): 2, (8 + 4) / 4 = 3, (12 + 6) / 4 = 4.5
        // MACD line from candle 2: 0.5, 0.5, 0.6666...
        // Signal (EMA2 of the line): seed (0.5 + 0.5) / 2 = 0.5 at candle 3,
        //   then (2 x 0.6666... + 0.5) / 3 = 0.6111...
        // Histogram: 0, 0.0555...
        let periods = MacdPeriods {
            fast: 2,
            slow: 3,
            signal: 2,
        };
        let series = macd(&closing(&[100, 200, 300, 400, 600]), periods).unwrap();
        assert_eq!(starts(&series), [3, 4]);
        assert_eq!(
            values(&series),
            [
                Macd {
                    macd: dec!(0.5),
                    signal: dec!(0.5),
                    histogram: dec!(0),
                },
                Macd {
                    macd: dec!(0.6667),
                    signal: dec!(0.6111),
                    histogram: dec!(0.0556),
                },
            ]
        );
    }

    #[test]
    fn macd_by_default_needs_34_candles_and_is_0_on_flat_prices() {
        let defaults = MacdPeriods::default();
        assert!(macd(&closing(&[1_000; 33]), defaults).unwrap().is_empty());
        let flat = macd(&closing(&[1_000; 34]), defaults).unwrap();
        assert_eq!(starts(&flat), [33]);
        assert_eq!(
            flat[0].value,
            Macd {
                macd: dec!(0),
                signal: dec!(0),
                histogram: dec!(0),
            }
        );
        assert!(macd(&closing(&[1_000; 3]), defaults).unwrap().is_empty());
        assert!(macd(&[], defaults).unwrap().is_empty());
    }

    #[test]
    fn bollinger_by_hand() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5; squared deviations 9, 1, 1, 1, 0,
        // 0, 4, 16 sum to 32; population variance 32 / 8 = 4, sd 2.
        let candles = closing(&[200, 400, 400, 400, 500, 500, 700, 900]);
        let bands = bollinger(&candles, 8, dec!(2)).unwrap();
        assert_eq!(starts(&bands), [7]);
        assert_eq!(
            bands[0].value,
            Bands {
                middle: dec!(5),
                upper: dec!(9),
                lower: dec!(1),
            }
        );
        // 1, 2, 3, 4: mean 2.5, variance (2.25 + 0.25 + 0.25 + 2.25) / 4 =
        // 1.25, sd 1.1180339887...; 2.5 ± 2.2360679775 = 4.7361 / 0.2639.
        // Then 2, 3, 4, 9: mean 4.5, variance (6.25 + 2.25 + 0.25 + 20.25) /
        // 4 = 7.25, sd 2.6925824036; 4.5 ± 1.5 x that = 8.5389 / 0.4611.
        let candles = closing(&[100, 200, 300, 400, 900]);
        assert_eq!(
            values(&bollinger(&candles, 4, dec!(2)).unwrap())[0],
            Bands {
                middle: dec!(2.5),
                upper: dec!(4.7361),
                lower: dec!(0.2639),
            }
        );
        assert_eq!(
            values(&bollinger(&candles, 4, dec!(1.5)).unwrap())[1],
            Bands {
                middle: dec!(4.5),
                upper: dec!(8.5389),
                lower: dec!(0.4611),
            }
        );
    }

    #[test]
    fn bollinger_bands_close_on_flat_prices_or_zero_width() {
        let flat = bollinger(&closing(&[1_234; 3]), 2, dec!(2)).unwrap();
        let same = Bands {
            middle: dec!(12.34),
            upper: dec!(12.34),
            lower: dec!(12.34),
        };
        assert_eq!(values(&flat), [same, same]);
        let zero = bollinger(&closing(&[100, 300]), 2, dec!(0)).unwrap();
        assert_eq!(zero[0].value.upper, dec!(2));
        assert_eq!(zero[0].value.lower, dec!(2));
    }

    #[test]
    fn vwap_by_hand() {
        let candles = [
            // Typical (10.50 + 9.50 + 10.00) / 3 = 10.00, volume 100.
            candle(0, [1_050, 950, 1_000], 100),
            // Typical (11.00 + 10.00 + 10.50) / 3 = 10.50, volume 300.
            candle(1, [1_100, 1_000, 1_050], 300),
            // No volume: the average stays.
            candle(2, [2_000, 2_000, 2_000], 0),
            // Typical (10.00 + 10.00 + 10.01) / 3 = 10.00333..., volume 600.
            candle(3, [1_000, 1_000, 1_001], 600),
        ];
        // 10.00; (1,000 + 3,150) / 400 = 10.375; 10.375;
        // (4,150 + 6,002) / 1,000 = 10.152.
        let series = vwap(&candles).unwrap();
        assert_eq!(
            values(&series),
            [dec!(10), dec!(10.375), dec!(10.375), dec!(10.152)]
        );
        assert_eq!(starts(&series), [0, 1, 2, 3]);
        // (10.00 + 10.00 + 10.01) / 3 = 10.00333... -> 10.0033.
        assert_eq!(values(&vwap(&candles[3..]).unwrap()), [dec!(10.0033)]);
    }

    #[test]
    fn vwap_starts_at_the_first_volume_and_needs_some() {
        let quiet = [candle(0, [1_000, 1_000, 1_000], 0)];
        assert!(vwap(&quiet).unwrap().is_empty());
        assert!(vwap(&[]).unwrap().is_empty());
        let later = [quiet[0], candle(1, [1_200, 1_200, 1_200], 5)];
        let series = vwap(&later).unwrap();
        assert_eq!(starts(&series), [1]);
        assert_eq!(values(&series), [dec!(12)]);
    }

    #[test]
    fn too_few_candles_give_an_empty_series() {
        let candles = closing(&[1_000, 1_010]);
        assert!(sma(&candles, 3).unwrap().is_empty());
        assert!(ema(&candles, 3).unwrap().is_empty());
        assert!(rsi(&candles, 2).unwrap().is_empty());
        assert!(bollinger(&candles, 3, dec!(2)).unwrap().is_empty());
        assert!(sma(&[], 1).unwrap().is_empty());
        assert!(ema(&candles, usize::MAX).unwrap().is_empty());
        let huge = MacdPeriods {
            fast: usize::MAX - 1,
            slow: usize::MAX,
            signal: usize::MAX,
        };
        assert!(macd(&candles, huge).unwrap().is_empty());
    }

    #[test]
    fn nonsense_parameters_are_errors() {
        let candles = closing(&[1_000, 1_010, 1_020]);
        assert_eq!(sma(&candles, 0), Err(IndicatorError::ZeroPeriod));
        assert_eq!(ema(&candles, 0), Err(IndicatorError::ZeroPeriod));
        assert_eq!(rsi(&candles, 0), Err(IndicatorError::ZeroPeriod));
        assert_eq!(
            bollinger(&candles, 0, dec!(2)),
            Err(IndicatorError::ZeroPeriod)
        );
        assert_eq!(
            bollinger(&candles, 2, dec!(-1)),
            Err(IndicatorError::NegativeWidth(dec!(-1)))
        );
        let periods = |fast, slow, signal| MacdPeriods { fast, slow, signal };
        assert_eq!(
            macd(&candles, periods(3, 3, 1)),
            Err(IndicatorError::FastNotShorter { fast: 3, slow: 3 })
        );
        assert_eq!(
            macd(&candles, periods(1, 2, 0)),
            Err(IndicatorError::ZeroPeriod)
        );
    }

    #[test]
    fn prices_beyond_any_market_are_an_error_not_a_panic() {
        let extreme = [i64::MAX; 3];
        assert_eq!(
            bollinger(&closing(&extreme), 3, dec!(2)),
            Err(IndicatorError::Overflow)
        );
        let candles: Vec<Candle> = (0..3).map(|m| candle(m, [i64::MAX; 3], u64::MAX)).collect();
        assert_eq!(vwap(&candles), Err(IndicatorError::Overflow));
        // Large but representable: fine.
        assert_eq!(
            values(&sma(&closing(&extreme), 3).unwrap()),
            [Money(i64::MAX).to_decimal()]
        );
        assert_eq!(
            values(&rsi(&closing(&[i64::MAX, 0, i64::MAX]), 2).unwrap()),
            [dec!(50)]
        );
    }
}
