//! `ctx.sma`, `ctx.ema`, `ctx.rsi`, `ctx.macd`, `ctx.bollinger` and
//! `ctx.vwap`: the latest value of an indicator
//! ([`crate::analytics::indicators`]) over the one-minute candles of the
//! bot's view, as the script's decimal number, or `()` until the view holds
//! enough candles. Computed on each call from those candles alone (the last
//! 60 live, 30 in a headless scenario), so a call costs a pass over them and
//! nothing is kept between calls.
//!
//! Each also takes the candle interval after the symbol, the form issue 17
//! gives them: `ctx.sma(sym, "1m", 20)`. A bot's view holds
//! one-minute candles only, so any other interval is an error rather than an
//! answer over candles the script did not ask for.

use rhai::{Dynamic, Engine, FLOAT, INT, Map};
use rust_decimal::Decimal;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};

use super::{Ctx, IntoDynamic, Res};
use crate::analytics::indicators::{self, Bands, IndicatorError, Macd, MacdPeriods, Point};
use crate::bots::view::Candle;

/// The last point of `indicator` over `symbol`'s candles, or `()`.
fn latest<T>(
    ctx: &Ctx,
    symbol: &str,
    indicator: impl FnOnce(&[Candle]) -> Result<Vec<Point<T>>, IndicatorError>,
    to_script: impl FnOnce(T) -> Dynamic,
) -> Res<Dynamic> {
    let mut series = ctx
        .symbol(symbol, |listing| indicator(&listing.candles))?
        .map_err(|e| e.to_string())?;
    Ok(series.pop().map_or(Dynamic::UNIT, |p| to_script(p.value)))
}

/// An indicator's value (at most 4 decimals) as the script's number.
fn float(value: Decimal) -> Dynamic {
    value.to_f64().map_or(Dynamic::UNIT, Dynamic::from_float)
}

fn macd_map(value: Macd) -> Dynamic {
    let mut map = Map::new();
    map.insert("macd".into(), float(value.macd));
    map.insert("signal".into(), float(value.signal));
    map.insert("histogram".into(), float(value.histogram));
    map.into_dynamic()
}

fn bands_map(value: Bands) -> Dynamic {
    let mut map = Map::new();
    map.insert("middle".into(), float(value.middle));
    map.insert("upper".into(), float(value.upper));
    map.insert("lower".into(), float(value.lower));
    map.into_dynamic()
}

fn one_minute(interval: &str) -> Res<()> {
    if interval == "1m" {
        return Ok(());
    }
    Err(
        format!("interval {interval:?}: a bot's view holds one-minute candles only (\"1m\")")
            .into(),
    )
}

fn period(value: INT) -> Res<usize> {
    match usize::try_from(value) {
        Ok(period) if period >= 1 => Ok(period),
        _ => Err(format!("period {value} must be a whole number of at least 1").into()),
    }
}

/// A period given as any value: a whole decimal (`5.0`, a JSON param
/// written so) counts as the whole number.
fn period_of(value: &Dynamic) -> Res<usize> {
    if let Ok(int) = value.as_int() {
        return period(int);
    }
    match value.as_float() {
        Ok(float) if float.fract() == 0.0 && (1.0..=1e15).contains(&float) => Ok(float as usize),
        _ => Err(format!("period must be a whole number of at least 1, not {value}").into()),
    }
}

fn width(value: FLOAT) -> Res<Decimal> {
    Decimal::from_f64(value)
        .ok_or_else(|| format!("band width {value} must be a finite number").into())
}

fn width_of(value: &Dynamic) -> Res<Decimal> {
    if let Ok(int) = value.as_int() {
        return Ok(Decimal::from(int));
    }
    match value.as_float() {
        Ok(float) => width(float),
        _ => Err(format!("band width must be a number, not {value}").into()),
    }
}

fn sma(ctx: &Ctx, symbol: &str, period: usize) -> Res<Dynamic> {
    latest(ctx, symbol, |c| indicators::sma(c, period), float)
}

fn ema(ctx: &Ctx, symbol: &str, period: usize) -> Res<Dynamic> {
    latest(ctx, symbol, |c| indicators::ema(c, period), float)
}

fn rsi(ctx: &Ctx, symbol: &str, period: usize) -> Res<Dynamic> {
    latest(ctx, symbol, |c| indicators::rsi(c, period), float)
}

fn macd(ctx: &Ctx, symbol: &str, periods: MacdPeriods) -> Res<Dynamic> {
    latest(ctx, symbol, |c| indicators::macd(c, periods), macd_map)
}

fn macd_of(ctx: &Ctx, symbol: &str, fast: usize, slow: usize, signal: usize) -> Res<Dynamic> {
    macd(ctx, symbol, MacdPeriods { fast, slow, signal })
}

fn bollinger(ctx: &Ctx, symbol: &str, period: usize, k: Decimal) -> Res<Dynamic> {
    latest(
        ctx,
        symbol,
        |c| indicators::bollinger(c, period, k),
        bands_map,
    )
}

fn vwap(ctx: &Ctx, symbol: &str) -> Res<Dynamic> {
    latest(ctx, symbol, indicators::vwap, float)
}

pub(super) fn register(engine: &mut Engine) {
    // Typed overloads first, `Dynamic` ones after (see `param` in ctx.rs).
    macro_rules! by_period {
        ($name:literal, $indicator:ident) => {
            engine.register_fn($name, |c: &mut Ctx, sym: &str, n: INT| {
                $indicator(c, sym, period(n)?)
            });
            engine.register_fn($name, |c: &mut Ctx, sym: &str, n: Dynamic| {
                $indicator(c, sym, period_of(&n)?)
            });
            engine.register_fn($name, |c: &mut Ctx, sym: &str, interval: &str, n: INT| {
                one_minute(interval)?;
                $indicator(c, sym, period(n)?)
            });
            engine.register_fn(
                $name,
                |c: &mut Ctx, sym: &str, interval: &str, n: Dynamic| {
                    one_minute(interval)?;
                    $indicator(c, sym, period_of(&n)?)
                },
            );
        };
    }
    by_period!("sma", sma);
    by_period!("ema", ema);
    by_period!("rsi", rsi);

    engine.register_fn("macd", |c: &mut Ctx, sym: &str| {
        macd(c, sym, MacdPeriods::default())
    });
    engine.register_fn("macd", |c: &mut Ctx, sym: &str, interval: &str| {
        one_minute(interval)?;
        macd(c, sym, MacdPeriods::default())
    });
    engine.register_fn(
        "macd",
        |c: &mut Ctx, sym: &str, fast: INT, slow: INT, signal: INT| {
            macd_of(c, sym, period(fast)?, period(slow)?, period(signal)?)
        },
    );
    engine.register_fn(
        "macd",
        |c: &mut Ctx, sym: &str, fast: Dynamic, slow: Dynamic, signal: Dynamic| {
            macd_of(
                c,
                sym,
                period_of(&fast)?,
                period_of(&slow)?,
                period_of(&signal)?,
            )
        },
    );
    engine.register_fn(
        "macd",
        |c: &mut Ctx, sym: &str, interval: &str, fast: INT, slow: INT, signal: INT| {
            one_minute(interval)?;
            macd_of(c, sym, period(fast)?, period(slow)?, period(signal)?)
        },
    );
    engine.register_fn(
        "macd",
        |c: &mut Ctx, sym: &str, interval: &str, fast: Dynamic, slow: Dynamic, signal: Dynamic| {
            one_minute(interval)?;
            macd_of(
                c,
                sym,
                period_of(&fast)?,
                period_of(&slow)?,
                period_of(&signal)?,
            )
        },
    );

    engine.register_fn("bollinger", |c: &mut Ctx, sym: &str, n: INT, k: FLOAT| {
        bollinger(c, sym, period(n)?, width(k)?)
    });
    engine.register_fn("bollinger", |c: &mut Ctx, sym: &str, n: INT, k: INT| {
        bollinger(c, sym, period(n)?, Decimal::from(k))
    });
    engine.register_fn(
        "bollinger",
        |c: &mut Ctx, sym: &str, n: Dynamic, k: Dynamic| {
            bollinger(c, sym, period_of(&n)?, width_of(&k)?)
        },
    );
    engine.register_fn(
        "bollinger",
        |c: &mut Ctx, sym: &str, interval: &str, n: INT, k: FLOAT| {
            one_minute(interval)?;
            bollinger(c, sym, period(n)?, width(k)?)
        },
    );
    engine.register_fn(
        "bollinger",
        |c: &mut Ctx, sym: &str, interval: &str, n: Dynamic, k: Dynamic| {
            one_minute(interval)?;
            bollinger(c, sym, period_of(&n)?, width_of(&k)?)
        },
    );

    engine.register_fn("vwap", |c: &mut Ctx, sym: &str| vwap(c, sym));
    engine.register_fn("vwap", |c: &mut Ctx, sym: &str, interval: &str| {
        one_minute(interval)?;
        vwap(c, sym)
    });
}
