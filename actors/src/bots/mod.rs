//! The bot host: scripted traders written in Rhai. The core ([`BotCore`],
//! the sandbox, `ctx`, [`watch::SymbolWatch`]) is pure: no actix, no I/O,
//! no clock. Its drivers hand a [`BotCore`] a [`BotView`] (and a trade,
//! fill or news item) and send the [`BotAction`]s it returns through the
//! bot's account, the same reservation and book path a person's order
//! takes: live, the [`BotHost`] with one [`actor::BotActor`] per bot on
//! threads of its own; headless, the scenario kernel.
//!
//! # Live
//!
//! The host keeps one watch per listing, fed from its book's updates
//! (depth from the level changes, the last price, recent trades, one-minute
//! candles, plus the financials the platform hands it), and every call
//! sees those and the bot's own account as they are when the call starts.
//! A bot whose params name a `symbol` sees only that listing. Timers:
//! `ctx.wake_in(ms)` is clamped to [`BotHostConfig::min_tick`] ..
//! [`BotHostConfig::max_tick`], the default is
//! [`BotHostConfig::default_tick`], and [`BotHostConfig::speedup`] divides
//! them all. One bot's calls and their actions never overlap; a FAILED bot
//! has its open orders cancelled and is reported ([`BotReport`]).
//!
//! # Scripts
//!
//! A script is compiled once ([`BotScript::compile`]) and shared by every bot
//! running it. It defines any of these functions; each is optional:
//!
//! | function | called |
//! |---|---|
//! | `on_start(ctx)` | once, when the bot starts |
//! | `on_tick(ctx)` | on the bot's timer (`ctx.wake_in(ms)` sets the next one) |
//! | `on_trade(ctx, trade)` | after a trade: `#{symbol, price, qty, side, time}` (`side`: the taker's, `"buy"`/`"sell"`) |
//! | `on_fill(ctx, fill)` | after a fill of one of its orders: `#{order_id, symbol, side, price, qty, fees, time}` |
//! | `on_news(ctx, news)` | after news: `#{symbol, headline, impact, time}` (`impact` -0.15 is -15 % of value; `symbol` `()` for market-wide news) |
//!
//! Only the functions run: top-level statements never do, except that
//! `const NAME = <literal>;` at the top is folded into every function. Put
//! set-up in `on_start` and keep what must last in `ctx.state`. A function
//! named like an entry point but with other parameters is never called
//! ([`BotScript::warnings`] says so).
//!
//! # `ctx`
//!
//! Prices and cash are decimal numbers of currency units inside a script
//! (`100.25`); quantities are whole shares; times are milliseconds since
//! the Unix epoch. A symbol the bot's view does not hold is an error.
//!
//! The indicators (`ctx.sma` to `ctx.vwap`) are the latest value over the
//! one-minute candles in view (the last 60 live, 30 in a headless
//! scenario), rounded to 4 decimals ([`crate::analytics::indicators`]).
//! Each also takes the interval after the symbol, `ctx.sma(sym, "1m", n)`;
//! a bot sees one-minute candles only, so another interval is an error, as
//! are a period below 1, a MACD `fast` not below `slow` and a negative `k`.
//!
//! | read | gives |
//! |---|---|
//! | `ctx.time` | the market's time (ms) |
//! | `ctx.bot_id` | this bot's id |
//! | `ctx.symbols` | the symbols in view, e.g. `["ACME", "BOLT"]` |
//! | `ctx.best_bid(sym)`, `ctx.best_ask(sym)`, `ctx.mid(sym)`, `ctx.last(sym)` | a price, or `()` when there is none |
//! | `ctx.tick_size(sym)` | the listing's tick, e.g. `0.01` |
//! | `ctx.depth(sym)` | `#{bids: [#{price, qty}, ...], asks: [...]}`, best first |
//! | `ctx.trades(sym)` | recent trades, oldest first, as in `on_trade` |
//! | `ctx.candles(sym)` | `[#{time, open, high, low, close, volume}, ...]`, oldest first |
//! | `ctx.sma(sym, n)`, `ctx.ema(sym, n)` | the simple / exponential (alpha 2 / (n + 1), seeded with the SMA) moving average of the last `n` closes of `ctx.candles(sym)`, `()` with fewer than `n` candles |
//! | `ctx.rsi(sym, n)` | the relative strength index (0 to 100, Wilder's smoothing; 100 when prices never fell), `()` with `n` candles or fewer |
//! | `ctx.macd(sym)`, `ctx.macd(sym, fast, slow, signal)` | `#{macd, signal, histogram}` (12, 26, 9 unless given), `()` with fewer than `slow + signal - 1` candles |
//! | `ctx.bollinger(sym, n, k)` | `#{middle, upper, lower}`: the SMA of `n` closes and it plus and minus `k` population standard deviations, `()` with fewer than `n` candles |
//! | `ctx.vwap(sym)` | the average typical price (high + low + close) / 3 of the candles weighted by their volume, `()` without volume |
//! | `ctx.financials(sym)` | `[#{year, revenue, operating_profit, net_income, eps}, ...]`, oldest first |
//! | `ctx.fundamental(sym)` | this bot's noisy view of fundamental value, or `()` |
//! | `ctx.cash`, `ctx.available_cash` | all cash; cash not reserved by open buys |
//! | `ctx.position(sym)`, `ctx.available_shares(sym)` | shares held; not reserved by open sells |
//! | `ctx.positions` | `#{ACME: 100, ...}` |
//! | `ctx.open_orders`, `ctx.open_orders(sym)` | `[#{id, symbol, side, price, qty}, ...]` (`qty`: remaining) |
//! | `ctx.param(name)`, `ctx.param(name, default)` | the bot's param, `()` or `default` when unset (a whole number is taken as a decimal when `default` is one) |
//! | `ctx.params` | all the bot's params as a map (one call for many: `let p = ctx.params; p.size ?? 100`) |
//! | `ctx.state` | this bot's own map, kept between calls: `ctx.state.n = (ctx.state.n ?? 0) + 1;` (`let s = ctx.state;` is a copy: write it back with `ctx.state = s;`) |
//! | `ctx.rand()` | uniform in [0, 1) |
//! | `ctx.normal(mean, sd)` | normal (Box-Muller) |
//! | `ctx.rand_int(low, high)` | uniform whole number in [low, high] |
//!
//! | act | does |
//! |---|---|
//! | `ctx.buy(sym, price, qty)`, `ctx.sell(sym, price, qty)` | a limit order, good till cancelled |
//! | `ctx.market_buy(sym, qty)`, `ctx.market_sell(sym, qty)` | a market order (immediate or cancel) |
//! | `ctx.cancel(id)` | cancel an open order (its id, or its map from `open_orders`) |
//! | `ctx.cancel_all()`, `ctx.cancel_all(sym)` | cancel every open order (of one symbol) |
//! | `ctx.log(msg)`, `print(msg)`, `debug(msg)` | a line in the bot's log |
//! | `ctx.wake_in(ms)` | call `on_tick` again in `ms` milliseconds |
//!
//! Actions take effect after the call returns, in the order asked, so a
//! call reads the view as it was when the call started (an order placed
//! in this call is not yet among `open_orders`).
//!
//! ## Money stays exact
//!
//! Decimals exist only inside the script. Every view amount is whole cents
//! and reaches the script as `cents / 100`, which `f64` holds exactly enough
//! to round-trip. A price the script sends back is turned into a whole number
//! of the listing's ticks by rounding to the *nearest* tick
//! ([`price_from_script`]): `100.004` on a cent tick is `100.00`, `10.03` on a
//! 0.05 tick is `10.05`. A price that is not a finite positive number, or
//! that rounds to zero ticks, is an error. A quantity is rounded down to
//! whole shares and must be at least 1. The order then goes through the
//! account's reservation and the book's checks (band, tick, size) like any
//! other.
//!
//! # The sandbox
//!
//! One engine ([`Sandbox`]) with these caps ([`Limits`] defaults):
//!
//! | cap | default |
//! |---|---|
//! | operations per call | 100,000 |
//! | nested function calls | 32 |
//! | expression nesting (top level / in functions) | 64 / 32 |
//! | string length | 16 KiB |
//! | array elements (nested included) | 10,000 |
//! | map properties (nested included; also `ctx.state`) | 10,000 |
//! | variables alive at once | 256 |
//! | functions defined | 256 |
//! | orders + cancels per call ([`BotConfig`]) | 100 |
//! | log lines per call / bytes per line | 100 / 1,000 |
//!
//! Not available at all: `eval`, `import`/`export` and modules, files,
//! network, the system clock (`timestamp()`), `sleep`, `exit`.
//!
//! A call that exceeds a cap, throws, or calls `ctx` wrongly is aborted: its
//! actions are dropped and [`CallOutcome::error`] says what happened, with
//! the line and column where it did (a cap hit inside a helper function is
//! reported at the line of the entry point that called the helper: Rhai
//! keeps no deeper position for those). After
//! [`BotConfig::max_failures_in_a_row`] failed calls in a row (3) the bot is
//! [`BotStatus::Failed`] with that last error and is not called again. The
//! rest of the market never notices.
//!
//! Rhai does not watch the native stack: the caps above keep the deepest
//! script allowed under 0.75 MiB (measured at opt-level 1). Drive bots on a
//! thread with at least Rust's default 2 MiB (arbiter and spawned threads
//! have it).
//!
//! # Determinism
//!
//! A bot's random stream is ChaCha8 seeded from the run seed and the bot id
//! ([`bot_rng`]); scripts see no clock but `ctx.time` and no other source of
//! chance. The same scripts, params and seed fed the same views and events
//! produce the same actions (on one platform: `normal` uses `ln` and `cos`,
//! which may differ in the last bit between C libraries).

pub mod actor;
mod core;
mod ctx;
mod host;
mod run;
mod sandbox;
mod script;
pub mod view;
pub mod watch;

#[cfg(test)]
mod tests;

pub use self::core::{
    BotAction, BotConfig, BotCore, BotOrder, BotOrderKind, BotStatus, CallOutcome, bot_rng,
    params_from_json,
};
pub use ctx::price_from_script;
pub use host::{BotHost, BotHostConfig, BotHostError, BotReport, BotSpec, ScenarioPacing, Watches};
pub use sandbox::{Limits, Sandbox};
pub use script::{BotScript, Entry, EntryPoint, ScriptError};
pub use view::{
    BotView, Candle, FillView, Financials, Holding, Level, NewsView, OpenOrderView, SymbolView,
    TradeView,
};
