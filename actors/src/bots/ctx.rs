//! `ctx`: the one object a script talks to the market through. The
//! functions are registered once on the shared engine. A bot's state for a
//! call (its view, params, state map, random stream and the actions the call
//! has produced so far) is lent to the thread for the call's duration; the
//! script's `ctx` is only a token naming that bot, so its functions reach
//! the state without locks or reference counts, and a `ctx` kept past its
//! call (in the bot's own state, say) works again in the bot's next call and
//! nowhere else.

mod indicators;

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};

use rand::RngExt;
use rand::rngs::ChaCha8Rng;
use rhai::{Array, Dynamic, Engine, EvalAltResult, FLOAT, INT, ImmutableString, Map};
use rustc_hash::FxHashMap;

use super::core::{BotAction, BotOrder, BotOrderKind};
use super::sandbox;
use super::view::{
    BotView, Candle, FillView, Financials, Level, NewsView, OpenOrderView, SymbolView, TradeView,
};
use crate::types::{Money, OrderId, Price, Quantity, Side, Symbol, TickSize, Timestamp};

type Res<T> = Result<T, Box<EvalAltResult>>;

/// Everything a call may read or change, owned by the bot's core.
pub(crate) struct CallState {
    /// Unique per bot core in the process: what its `ctx` carries.
    pub(crate) token: u64,
    pub(crate) bot_id: u64,
    pub(crate) view: Arc<BotView>,
    pub(crate) params: Arc<Map>,
    pub(crate) state: Map,
    pub(crate) rng: ChaCha8Rng,
    pub(crate) actions: Vec<BotAction>,
    pub(crate) wake_in: Option<i64>,
    pub(crate) max_actions: usize,
    pub(crate) max_state: usize,
}

pub(crate) fn new_token() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

thread_local! {
    /// The state of the call running on this thread, if any.
    static CURRENT: RefCell<Option<Box<CallState>>> = const { RefCell::new(None) };
}

/// Lend `state` to this thread while `f` runs (`f` must not unwind: the
/// caller catches panics inside it), then take it back.
pub(crate) fn lend<R>(state: &mut Option<Box<CallState>>, f: impl FnOnce() -> R) -> R {
    struct Return<'a>(&'a mut Option<Box<CallState>>);
    impl Drop for Return<'_> {
        fn drop(&mut self) {
            *self.0 = CURRENT.with(|current| current.borrow_mut().take());
        }
    }
    CURRENT.with(|current| *current.borrow_mut() = state.take());
    let _back = Return(state);
    f()
}

/// The script's `ctx`: the token of the bot whose call it was made for.
#[derive(Clone)]
pub(crate) struct Ctx(pub(crate) u64);

impl Ctx {
    fn with<R>(&self, f: impl FnOnce(&mut CallState) -> Res<R>) -> Res<R> {
        CURRENT.with(|current| {
            let mut current = current
                .try_borrow_mut()
                .map_err(|_| "ctx is already in use")?;
            match current.as_deref_mut() {
                Some(state) if state.token == self.0 => f(state),
                _ => Err("this ctx can only be used during its bot's own calls".into()),
            }
        })
    }

    fn symbol<R>(&self, symbol: &str, f: impl FnOnce(&SymbolView) -> R) -> Res<R> {
        self.with(|state| Ok(f(listing(&state.view, symbol)?.1)))
    }
}

/// A symbol the bot's view holds, and its listing; anything else is an
/// error (a typo in a script fails loudly rather than trading nothing).
fn listing<'v>(view: &'v BotView, symbol: &str) -> Res<(Symbol, &'v SymbolView)> {
    // A bot usually sees a handful of listings: comparing the text is
    // cheaper than parsing it into a `Symbol` for a tree search.
    if view.symbols.len() <= 8
        && let Some((found, listing)) = view.symbols.iter().find(|(s, _)| s.as_str() == symbol)
    {
        return Ok((*found, listing));
    }
    let parsed = Symbol::new(symbol).map_err(|e| e.to_string())?;
    match view.symbols.get(&parsed) {
        Some(listing) => Ok((parsed, listing)),
        None => Err(format!("{symbol} is not in this bot's market").into()),
    }
}

/// A map or array as the script's value, moved in whole. Rhai's generic
/// conversion (what a registered function returning `Map` or `Array` gets)
/// rebuilds the collection entry by entry; `ctx.params` and `ctx.state` are
/// read on every tick.
trait IntoDynamic {
    fn into_dynamic(self) -> Dynamic;
}

impl IntoDynamic for Map {
    fn into_dynamic(self) -> Dynamic {
        Dynamic::from_map(self)
    }
}

impl IntoDynamic for Array {
    fn into_dynamic(self) -> Dynamic {
        Dynamic::from_array(self)
    }
}

/// Cents to the script's decimal number (exact for any realistic amount:
/// f64 holds every whole number of cents below 2^53).
pub(crate) fn money(value: Money) -> FLOAT {
    value.0 as FLOAT / 100.0
}

fn money_or_unit(value: Option<Money>) -> Dynamic {
    value.map_or(Dynamic::UNIT, |m| Dynamic::from_float(money(m)))
}

/// A symbol as the script's string, made once per thread: `ctx.symbols`
/// and every order, fill and trade map name one, and a new string each
/// time is an allocation. Listings are few, so the table stays small.
fn symbol_name(symbol: Symbol) -> ImmutableString {
    thread_local! {
        static NAMES: RefCell<FxHashMap<Symbol, ImmutableString>> =
            RefCell::new(FxHashMap::default());
    }
    NAMES.with(|names| {
        names
            .borrow_mut()
            .entry(symbol)
            .or_insert_with(|| symbol.as_str().into())
            .clone()
    })
}

/// "buy" or "sell", made once: a script reads a side in every order,
/// fill and trade map, and a new string each time is an allocation.
fn side_name(side: Side) -> ImmutableString {
    static NAMES: LazyLock<[ImmutableString; 2]> = LazyLock::new(|| ["buy".into(), "sell".into()]);
    match side {
        Side::Buy => NAMES[0].clone(),
        Side::Sell => NAMES[1].clone(),
    }
}

fn millis(at: Timestamp) -> INT {
    at.0.div_euclid(Timestamp::NANOS_PER_MILLI)
}

fn number(value: &Dynamic, what: &str) -> Res<FLOAT> {
    if let Ok(float) = value.as_float() {
        Ok(float)
    } else if let Ok(int) = value.as_int() {
        Ok(int as FLOAT)
    } else {
        Err(format!("{what} must be a number, not {}", value.type_name()).into())
    }
}

/// The largest price in cents a script may send: far above any listing,
/// far below where f64 stops holding whole cents.
const MAX_PRICE_CENTS: FLOAT = 1e13;

/// A script's price (a decimal number of currency units) to a price on the
/// listing's tick: the nearest tick. Non-numbers, non-finite, zero and
/// negative prices, and prices that round to zero ticks, are errors.
pub fn price_from_script(value: FLOAT, tick: TickSize) -> Result<Price, String> {
    if !value.is_finite() || value <= 0.0 {
        return Err(format!("price {value} must be a positive number"));
    }
    let cents = value * 100.0;
    if cents > MAX_PRICE_CENTS {
        return Err(format!("price {value} is too large"));
    }
    let ticks = (cents / tick.money().0 as FLOAT).round();
    if ticks < 1.0 {
        return Err(format!(
            "price {value} is below one tick ({})",
            tick.money().to_decimal()
        ));
    }
    Ok(Price(ticks as i64))
}

/// A script's quantity: whole shares, at least one (a decimal is rounded
/// down: 2.9 shares is 2).
fn quantity(value: FLOAT) -> Res<Quantity> {
    let shares = value.floor();
    if !(1.0..=1e12).contains(&shares) {
        return Err(format!("quantity {value} must be at least one whole share").into());
    }
    Ok(Quantity(shares as u64))
}

fn push(state: &mut CallState, action: BotAction) -> Res<()> {
    if state.actions.len() >= state.max_actions {
        return Err(format!(
            "too many orders and cancels in one call (the limit is {})",
            state.max_actions
        )
        .into());
    }
    state.actions.push(action);
    Ok(())
}

fn place(ctx: &Ctx, symbol: &str, side: Side, price: Option<FLOAT>, qty: FLOAT) -> Res<()> {
    ctx.with(|state| {
        let (symbol, listing) = listing(&state.view, symbol)?;
        let kind = match price {
            Some(price) => BotOrderKind::Limit {
                price: price_from_script(price, listing.tick)?,
            },
            None => BotOrderKind::Market,
        };
        let order = BotOrder {
            symbol,
            side,
            kind,
            quantity: quantity(qty)?,
        };
        push(state, BotAction::Place(order))
    })
}

fn cancel(ctx: &Ctx, id: Option<INT>, given: &Dynamic) -> Res<()> {
    let id = match id {
        Some(id) if id > 0 => OrderId(id as u64),
        _ => return Err(format!("cancel needs an order id, not {given}").into()),
    };
    ctx.with(|s| push(s, BotAction::Cancel(id)))
}

fn param_or(ctx: &Ctx, name: &str, default: Dynamic) -> Res<Dynamic> {
    ctx.with(|s| {
        Ok(match s.params.get(name) {
            None => default,
            Some(value) if value.is_unit() => default,
            // A whole number where the default is a decimal is taken as
            // that decimal ("spread_bps": 10 for 10.0).
            Some(value) if default.is_float() && value.is_int() => {
                Dynamic::from_float(value.as_int().unwrap_or_default() as FLOAT)
            }
            Some(value) => value.clone(),
        })
    })
}

fn normal(ctx: &Ctx, mean: FLOAT, sd: FLOAT) -> Res<FLOAT> {
    if !(sd >= 0.0 && sd.is_finite() && mean.is_finite()) {
        return Err(format!("normal({mean}, {sd}): sd must be >= 0, both finite").into());
    }
    ctx.with(|s| Ok(mean + sd * standard_normal(&mut s.rng)))
}

fn wake_in(ctx: &Ctx, ms: FLOAT) -> Res<()> {
    if !(0.0..=1e12).contains(&ms) {
        return Err(format!("wake_in({ms}): milliseconds must be >= 0").into());
    }
    ctx.with(|s| {
        s.wake_in = Some(ms.round() as i64);
        Ok(())
    })
}

fn level_map(level: &Level) -> Dynamic {
    let mut map = Map::new();
    map.insert("price".into(), money(level.price).into());
    map.insert("qty".into(), (level.quantity.0 as INT).into());
    map.into_dynamic()
}

fn levels(levels: &[Level]) -> Dynamic {
    levels
        .iter()
        .map(level_map)
        .collect::<Array>()
        .into_dynamic()
}

pub(crate) fn trade_map(trade: &TradeView) -> Dynamic {
    let mut map = Map::new();
    map.insert("symbol".into(), symbol_name(trade.symbol).into());
    map.insert("price".into(), money(trade.price).into());
    map.insert("qty".into(), (trade.quantity.0 as INT).into());
    map.insert("side".into(), side_name(trade.aggressor).into());
    map.insert("time".into(), millis(trade.at).into());
    map.into_dynamic()
}

fn candle_map(candle: &Candle) -> Dynamic {
    let mut map = Map::new();
    map.insert("time".into(), millis(candle.start).into());
    map.insert("open".into(), money(candle.open).into());
    map.insert("high".into(), money(candle.high).into());
    map.insert("low".into(), money(candle.low).into());
    map.insert("close".into(), money(candle.close).into());
    map.insert("volume".into(), (candle.volume as INT).into());
    map.into_dynamic()
}

fn financials_map(report: &Financials, shares_outstanding: u64) -> Dynamic {
    let mut map = Map::new();
    map.insert("year".into(), INT::from(report.year).into());
    map.insert("revenue".into(), money(report.revenue).into());
    map.insert(
        "operating_profit".into(),
        money(report.operating_profit).into(),
    );
    map.insert("net_income".into(), money(report.net_income).into());
    let eps = if shares_outstanding > 0 {
        Dynamic::from_float(money(report.net_income) / shares_outstanding as FLOAT)
    } else {
        Dynamic::UNIT
    };
    map.insert("eps".into(), eps);
    map.into_dynamic()
}

fn order_map(order: &OpenOrderView) -> Dynamic {
    let mut map = Map::new();
    map.insert("id".into(), (order.id.0 as INT).into());
    map.insert("symbol".into(), symbol_name(order.symbol).into());
    map.insert("side".into(), side_name(order.side).into());
    map.insert("price".into(), money_or_unit(order.price));
    map.insert("qty".into(), (order.remaining.0 as INT).into());
    map.into_dynamic()
}

pub(crate) fn fill_map(fill: &FillView) -> Dynamic {
    let mut map = Map::new();
    map.insert("order_id".into(), (fill.order.0 as INT).into());
    map.insert("symbol".into(), symbol_name(fill.symbol).into());
    map.insert("side".into(), side_name(fill.side).into());
    map.insert("price".into(), money(fill.price).into());
    map.insert("qty".into(), (fill.quantity.0 as INT).into());
    map.insert("fees".into(), money(fill.fees).into());
    map.insert("time".into(), millis(fill.at).into());
    map.into_dynamic()
}

pub(crate) fn news_map(news: &NewsView) -> Dynamic {
    let mut map = Map::new();
    map.insert(
        "symbol".into(),
        news.symbol
            .map_or(Dynamic::UNIT, |symbol| symbol.as_str().into()),
    );
    map.insert("headline".into(), news.headline.as_str().into());
    map.insert(
        "impact".into(),
        (news.impact_ppm as FLOAT / 1_000_000.0).into(),
    );
    map.insert("time".into(), millis(news.at).into());
    map.into_dynamic()
}

/// `value` of a JSON param as the script sees it.
pub(crate) fn from_json(value: &serde_json::Value) -> Dynamic {
    use serde_json::Value;
    match value {
        Value::Null => Dynamic::UNIT,
        Value::Bool(b) => (*b).into(),
        Value::Number(n) => match n.as_i64() {
            Some(int) => int.into(),
            None => n.as_f64().unwrap_or(FLOAT::NAN).into(),
        },
        Value::String(s) => s.as_str().into(),
        Value::Array(items) => items
            .iter()
            .map(from_json)
            .collect::<Array>()
            .into_dynamic(),
        Value::Object(fields) => fields
            .iter()
            .map(|(k, v)| (k.as_str().into(), from_json(v)))
            .collect::<Map>()
            .into_dynamic(),
    }
}

/// A standard normal draw by Box-Muller from two uniforms of the bot's
/// stream (the second variate is not kept, so each draw uses exactly two).
fn standard_normal(rng: &mut ChaCha8Rng) -> FLOAT {
    let u1: f64 = 1.0 - rng.random::<f64>(); // (0, 1]: ln is finite
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Register `ctx` and its functions on the engine.
pub(crate) fn register(engine: &mut Engine) {
    engine.register_type_with_name::<Ctx>("Ctx");
    engine.register_fn("to_string", |_: &mut Ctx| "ctx".to_owned());
    engine.register_fn("to_debug", |_: &mut Ctx| "ctx".to_owned());

    // Time and identity.
    engine.register_get("time", |ctx: &mut Ctx| ctx.with(|s| Ok(millis(s.view.now))));
    engine.register_get("bot_id", |ctx: &mut Ctx| ctx.with(|s| Ok(s.bot_id as INT)));

    // The market.
    engine.register_get("symbols", |ctx: &mut Ctx| {
        ctx.with(|s| {
            Ok(s.view
                .symbols
                .keys()
                .map(|&symbol| Dynamic::from(symbol_name(symbol)))
                .collect::<Array>()
                .into_dynamic())
        })
    });
    engine.register_fn("best_bid", |ctx: &mut Ctx, symbol: &str| {
        ctx.symbol(symbol, |l| money_or_unit(l.best_bid()))
    });
    engine.register_fn("best_ask", |ctx: &mut Ctx, symbol: &str| {
        ctx.symbol(symbol, |l| money_or_unit(l.best_ask()))
    });
    engine.register_fn("mid", |ctx: &mut Ctx, symbol: &str| {
        ctx.symbol(symbol, |l| match (l.best_bid(), l.best_ask()) {
            (Some(bid), Some(ask)) => Dynamic::from_float((money(bid) + money(ask)) / 2.0),
            _ => Dynamic::UNIT,
        })
    });
    engine.register_fn("last", |ctx: &mut Ctx, symbol: &str| {
        ctx.symbol(symbol, |l| money_or_unit(l.last))
    });
    engine.register_fn("tick_size", |ctx: &mut Ctx, symbol: &str| {
        ctx.symbol(symbol, |l| money(l.tick.money()))
    });
    engine.register_fn("depth", |ctx: &mut Ctx, symbol: &str| {
        ctx.symbol(symbol, |l| {
            let mut map = Map::new();
            map.insert("bids".into(), levels(&l.bids));
            map.insert("asks".into(), levels(&l.asks));
            map.into_dynamic()
        })
    });
    engine.register_fn("trades", |ctx: &mut Ctx, symbol: &str| {
        ctx.symbol(symbol, |l| {
            l.recent_trades
                .iter()
                .map(trade_map)
                .collect::<Array>()
                .into_dynamic()
        })
    });
    engine.register_fn("candles", |ctx: &mut Ctx, symbol: &str| {
        ctx.symbol(symbol, |l| {
            l.candles
                .iter()
                .map(candle_map)
                .collect::<Array>()
                .into_dynamic()
        })
    });
    engine.register_fn("financials", |ctx: &mut Ctx, symbol: &str| {
        ctx.symbol(symbol, |l| {
            l.financials
                .iter()
                .map(|report| financials_map(report, l.shares_outstanding))
                .collect::<Array>()
                .into_dynamic()
        })
    });
    engine.register_fn("fundamental", |ctx: &mut Ctx, symbol: &str| {
        ctx.symbol(symbol, |l| money_or_unit(l.fundamental))
    });
    indicators::register(engine);

    // The bot's own account.
    engine.register_get("cash", |ctx: &mut Ctx| ctx.with(|s| Ok(money(s.view.cash))));
    engine.register_get("available_cash", |ctx: &mut Ctx| {
        ctx.with(|s| Ok(money(s.view.available_cash)))
    });
    engine.register_fn("position", |ctx: &mut Ctx, symbol: &str| {
        ctx.with(|s| {
            let (symbol, _) = listing(&s.view, symbol)?;
            let held = s.view.positions.get(&symbol);
            Ok(held.map_or(0, |h| h.quantity.0 as INT))
        })
    });
    engine.register_fn("available_shares", |ctx: &mut Ctx, symbol: &str| {
        ctx.with(|s| {
            let (symbol, _) = listing(&s.view, symbol)?;
            let held = s.view.positions.get(&symbol);
            Ok(held.map_or(0, |h| h.available.0 as INT))
        })
    });
    engine.register_get("positions", |ctx: &mut Ctx| {
        ctx.with(|s| {
            Ok(s.view
                .positions
                .iter()
                .map(|(symbol, held)| (symbol.as_str().into(), (held.quantity.0 as INT).into()))
                .collect::<Map>()
                .into_dynamic())
        })
    });
    engine.register_get("open_orders", |ctx: &mut Ctx| {
        ctx.with(|s| {
            Ok(s.view
                .open_orders
                .iter()
                .map(order_map)
                .collect::<Array>()
                .into_dynamic())
        })
    });
    engine.register_fn("open_orders", |ctx: &mut Ctx, symbol: &str| {
        ctx.with(|s| {
            let (symbol, _) = listing(&s.view, symbol)?;
            Ok(s.view
                .open_orders
                .iter()
                .filter(|order| order.symbol == symbol)
                .map(order_map)
                .collect::<Array>()
                .into_dynamic())
        })
    });

    // Params and the bot's own state.
    engine.register_fn("param", |ctx: &mut Ctx, name: &str| {
        ctx.with(|s| Ok(s.params.get(name).cloned().unwrap_or(Dynamic::UNIT)))
    });
    engine.register_get("params", |ctx: &mut Ctx| {
        ctx.with(|s| Ok(Map::clone(&s.params).into_dynamic()))
    });
    // Typed overloads first: Rhai finds a function whose parameter types
    // match exactly at once, while a `Dynamic` parameter costs a search
    // over type permutations on every call (its cache lives one call).
    engine.register_fn("param", |ctx: &mut Ctx, name: &str, default: INT| {
        param_or(ctx, name, default.into())
    });
    engine.register_fn("param", |ctx: &mut Ctx, name: &str, default: FLOAT| {
        param_or(ctx, name, default.into())
    });
    engine.register_fn("param", |ctx: &mut Ctx, name: &str, default: bool| {
        param_or(ctx, name, default.into())
    });
    engine.register_fn(
        "param",
        |ctx: &mut Ctx, name: &str, default: ImmutableString| param_or(ctx, name, default.into()),
    );
    engine.register_fn("param", |ctx: &mut Ctx, name: &str, default: Dynamic| {
        param_or(ctx, name, default)
    });
    engine.register_get("state", |ctx: &mut Ctx| {
        ctx.with(|s| Ok(s.state.clone().into_dynamic()))
    });
    engine.register_set("state", |ctx: &mut Ctx, map: Map| {
        ctx.with(|s| {
            if map.len() > s.max_state {
                return Err(format!("state may hold at most {} entries", s.max_state).into());
            }
            s.state = map;
            Ok(())
        })
    });

    // Orders.
    macro_rules! limit_order {
        ($name:literal, $side:expr) => {
            engine.register_fn($name, |c: &mut Ctx, sym: &str, price: FLOAT, qty: INT| {
                place(c, sym, $side, Some(price), qty as FLOAT)
            });
            engine.register_fn($name, |c: &mut Ctx, sym: &str, price: INT, qty: INT| {
                place(c, sym, $side, Some(price as FLOAT), qty as FLOAT)
            });
            engine.register_fn($name, |c: &mut Ctx, sym: &str, price: FLOAT, qty: FLOAT| {
                place(c, sym, $side, Some(price), qty)
            });
            engine.register_fn($name, |c: &mut Ctx, sym: &str, price: INT, qty: FLOAT| {
                place(c, sym, $side, Some(price as FLOAT), qty)
            });
            engine.register_fn(
                $name,
                |c: &mut Ctx, sym: &str, price: Dynamic, qty: Dynamic| {
                    let price = number(&price, "price")?;
                    place(c, sym, $side, Some(price), number(&qty, "quantity")?)
                },
            );
        };
    }
    macro_rules! market_order {
        ($name:literal, $side:expr) => {
            engine.register_fn($name, |c: &mut Ctx, sym: &str, qty: INT| {
                place(c, sym, $side, None, qty as FLOAT)
            });
            engine.register_fn($name, |c: &mut Ctx, sym: &str, qty: FLOAT| {
                place(c, sym, $side, None, qty)
            });
            engine.register_fn($name, |c: &mut Ctx, sym: &str, qty: Dynamic| {
                place(c, sym, $side, None, number(&qty, "quantity")?)
            });
        };
    }
    limit_order!("buy", Side::Buy);
    limit_order!("sell", Side::Sell);
    market_order!("market_buy", Side::Buy);
    market_order!("market_sell", Side::Sell);
    engine.register_fn("cancel", |ctx: &mut Ctx, id: INT| {
        cancel(ctx, Some(id), &id.into())
    });
    engine.register_fn("cancel", |ctx: &mut Ctx, order: Map| {
        let id = order.get("id").and_then(|id| id.as_int().ok());
        cancel(ctx, id, &order.into())
    });
    engine.register_fn("cancel", |ctx: &mut Ctx, order: Dynamic| {
        cancel(ctx, None, &order)
    });
    engine.register_fn("cancel_all", |ctx: &mut Ctx| {
        ctx.with(|s| push(s, BotAction::CancelAll(None)))
    });
    engine.register_fn("cancel_all", |ctx: &mut Ctx, symbol: &str| {
        ctx.with(|s| {
            let (symbol, _) = listing(&s.view, symbol)?;
            push(s, BotAction::CancelAll(Some(symbol)))
        })
    });

    // Randomness: the bot's own seeded stream.
    engine.register_fn("rand", |ctx: &mut Ctx| {
        ctx.with(|s| Ok(s.rng.random::<f64>()))
    });
    engine.register_fn("normal", |ctx: &mut Ctx, mean: FLOAT, sd: FLOAT| {
        normal(ctx, mean, sd)
    });
    engine.register_fn("normal", |ctx: &mut Ctx, mean: INT, sd: INT| {
        normal(ctx, mean as FLOAT, sd as FLOAT)
    });
    engine.register_fn("normal", |ctx: &mut Ctx, mean: FLOAT, sd: INT| {
        normal(ctx, mean, sd as FLOAT)
    });
    engine.register_fn("normal", |ctx: &mut Ctx, mean: INT, sd: FLOAT| {
        normal(ctx, mean as FLOAT, sd)
    });
    engine.register_fn("normal", |ctx: &mut Ctx, mean: Dynamic, sd: Dynamic| {
        normal(ctx, number(&mean, "mean")?, number(&sd, "sd")?)
    });
    engine.register_fn("rand_int", |ctx: &mut Ctx, low: INT, high: INT| {
        if low > high {
            return Err(format!("rand_int({low}, {high}): low is above high").into());
        }
        ctx.with(|s| Ok(s.rng.random_range(low..=high)))
    });

    // Log and timer.
    engine.register_fn("log", |_: &mut Ctx, message: ImmutableString| {
        sandbox::log_line(&message)
    });
    engine.register_fn("log", |_: &mut Ctx, message: Dynamic| {
        sandbox::log_line(&message.to_string())
    });
    engine.register_fn("wake_in", |ctx: &mut Ctx, ms: INT| {
        wake_in(ctx, ms as FLOAT)
    });
    engine.register_fn("wake_in", |ctx: &mut Ctx, ms: FLOAT| wake_in(ctx, ms));
    engine.register_fn("wake_in", |ctx: &mut Ctx, ms: Dynamic| {
        wake_in(ctx, number(&ms, "wake_in")?)
    });
}
