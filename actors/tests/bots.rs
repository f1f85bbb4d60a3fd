//! The bot host from the outside: every `ctx` function called from a small
//! script with the actions or values it should give; every sandbox case the
//! issue lists (each stopped and reported with its line, the next call still
//! working, N in a row making the bot FAILED); determinism; and the shipped
//! scripts in `scripts/` against a simple market.

use std::sync::Arc;

use marketlab_actors::book::{OrderKind, TimeInForce};
use marketlab_actors::bots::{
    BotAction, BotConfig, BotCore, BotOrder, BotOrderKind, BotScript, BotStatus, BotView,
    CallOutcome, Candle, Entry, FillView, Financials, Holding, Level, Limits, NewsView,
    OpenOrderView, Sandbox, ScriptError, SymbolView, TradeView,
};
use marketlab_actors::types::{Money, OrderId, Price, Quantity, Side, Symbol, TickSize, Timestamp};

fn acme() -> Symbol {
    Symbol::new("ACME").unwrap()
}

fn bolt() -> Symbol {
    Symbol::new("BOLT").unwrap()
}

const NOW_MS: i64 = 1_767_258_000_000; // 2026-01-01T09:00:00Z

fn level(cents: i64, qty: u64) -> Level {
    Level {
        price: Money(cents),
        quantity: Quantity(qty),
    }
}

/// ACME: 99.00 / 101.00 (cent tick), last 100.00, value 105.00, one trade,
/// two candles, two yearly reports, 1,000,000 shares. BOLT: a nickel tick
/// and an empty book. The bot: 100,000.00 cash (99,010.00 free), 50 ACME (40
/// free), one open buy.
fn market() -> BotView {
    let mut acme_view = SymbolView::new(TickSize::CENT);
    acme_view.bids = [level(9_900, 100), level(9_850, 200)].into();
    acme_view.asks = [level(10_100, 150), level(10_150, 300)].into();
    acme_view.last = Some(Money(10_000));
    acme_view.recent_trades = [TradeView {
        symbol: acme(),
        at: Timestamp::from_millis(NOW_MS - 1_000),
        price: Money(10_000),
        quantity: Quantity(25),
        aggressor: Side::Sell,
    }]
    .into();
    acme_view.candles = [
        Candle {
            start: Timestamp::from_millis(NOW_MS - 120_000),
            open: Money(9_800),
            high: Money(10_050),
            low: Money(9_750),
            close: Money(10_000),
            volume: 1_200,
        },
        Candle {
            start: Timestamp::from_millis(NOW_MS - 60_000),
            open: Money(10_000),
            high: Money(10_100),
            low: Money(9_950),
            close: Money(10_050),
            volume: 800,
        },
    ]
    .into();
    acme_view.financials = [
        Financials {
            year: 2024,
            revenue: Money::from_major(50_000_000),
            operating_profit: Money::from_major(8_000_000),
            net_income: Money::from_major(5_000_000),
        },
        Financials {
            year: 2025,
            revenue: Money::from_major(60_000_000),
            operating_profit: Money::from_major(9_000_000),
            net_income: Money::from_major(6_000_000),
        },
    ]
    .into();
    acme_view.shares_outstanding = 1_000_000;
    acme_view.fundamental = Some(Money(10_500));
    let bolt_view = SymbolView::new(TickSize::new(Money(5)).unwrap());
    BotView {
        now: Timestamp::from_millis(NOW_MS),
        symbols: [(acme(), acme_view), (bolt(), bolt_view)].into(),
        cash: Money::from_major(100_000),
        available_cash: Money::from_major(99_010),
        positions: [(
            acme(),
            Holding {
                quantity: Quantity(50),
                available: Quantity(40),
            },
        )]
        .into(),
        open_orders: vec![OpenOrderView {
            id: OrderId(7),
            symbol: acme(),
            side: Side::Buy,
            price: Some(Money(9_900)),
            remaining: Quantity(10),
        }],
    }
}

fn params(json: &str) -> serde_json::Map<String, serde_json::Value> {
    serde_json::from_str(json).unwrap()
}

fn bot_with(source: &str, params_json: &str, seed: u64, config: BotConfig) -> BotCore {
    let script = BotScript::compile("test.rhai", source).unwrap_or_else(|e| panic!("{e}"));
    BotCore::new(1, script, &params(params_json), seed, config)
}

fn bot(source: &str) -> BotCore {
    bot_with(source, "{}", 42, BotConfig::default())
}

/// `on_tick` of `body`, which must succeed.
fn tick(body: &str) -> CallOutcome {
    let mut bot = bot(&format!("fn on_tick(ctx) {{\n{body}\n}}"));
    let outcome = bot.on_tick(&Arc::new(market()));
    assert_eq!(outcome.error, None, "{body}");
    outcome
}

/// What `on_tick` logs when it runs `body` (each expression logged).
fn logged(body: &str) -> Vec<String> {
    tick(body).logs
}

fn limit(side: Side, symbol: Symbol, ticks: i64, qty: u64) -> BotAction {
    BotAction::Place(BotOrder {
        symbol,
        side,
        kind: BotOrderKind::Limit {
            price: Price(ticks),
        },
        quantity: Quantity(qty),
    })
}

fn market_order(side: Side, qty: u64) -> BotAction {
    BotAction::Place(BotOrder {
        symbol: acme(),
        side,
        kind: BotOrderKind::Market,
        quantity: Quantity(qty),
    })
}

// ---------------------------------------------------------------- ctx reads

#[test]
fn ctx_reads_time_identity_and_symbols() {
    assert_eq!(
        logged("ctx.log(ctx.time); ctx.log(ctx.bot_id); ctx.log(ctx.symbols);"),
        [NOW_MS.to_string(), "1".into(), r#"["ACME", "BOLT"]"#.into()]
    );
}

#[test]
fn ctx_reads_the_top_of_the_book() {
    assert_eq!(
        logged(
            r#"ctx.log(ctx.best_bid("ACME")); ctx.log(ctx.best_ask("ACME"));
               ctx.log(ctx.mid("ACME")); ctx.log(ctx.last("ACME"));
               ctx.log(ctx.tick_size("ACME")); ctx.log(ctx.tick_size("BOLT"));
               ctx.log(ctx.best_bid("BOLT") == ()); ctx.log(ctx.mid("BOLT") == ());
               ctx.log(ctx.last("BOLT") == ());"#
        ),
        [
            "99.0", "101.0", "100.0", "100.0", "0.01", "0.05", "true", "true", "true"
        ]
    );
}

#[test]
fn ctx_reads_depth_trades_and_candles() {
    assert_eq!(
        logged(
            r#"let d = ctx.depth("ACME");
               ctx.log(d.bids.len()); ctx.log(d.bids[1].price); ctx.log(d.bids[1].qty);
               ctx.log(d.asks[0].price); ctx.log(d.asks[1].qty);
               let t = ctx.trades("ACME")[0];
               ctx.log(`${t.symbol} ${t.price} ${t.qty} ${t.side} ${t.time}`);
               let c = ctx.candles("ACME");
               ctx.log(`${c.len()} ${c[0].open} ${c[0].high} ${c[0].low} ${c[1].close} ${c[1].volume}`);"#
        ),
        [
            "2".to_owned(),
            "98.5".into(),
            "200".into(),
            "101.0".into(),
            "300".into(),
            format!("ACME 100.0 25 sell {}", NOW_MS - 1_000),
            "2 98.0 100.5 97.5 100.5 800".into(),
        ]
    );
}

#[test]
fn ctx_computes_indicators_over_the_candles_in_view() {
    // ACME's two candles close at 100.00 and 100.50; BOLT has none.
    assert_eq!(
        logged(
            r#"ctx.log(ctx.sma("ACME", 2)); ctx.log(ctx.sma("ACME", "1m", 2));
               ctx.log(ctx.sma("ACME", 3) == ()); ctx.log(ctx.sma("BOLT", 1) == ());
               ctx.log(ctx.ema("ACME", 2)); ctx.log(ctx.ema("ACME", "1m", 1.0));
               ctx.log(ctx.rsi("ACME", 1)); ctx.log(ctx.rsi("ACME", 2) == ());
               let b = ctx.bollinger("ACME", 2, 2);
               ctx.log(`${b.lower} ${b.middle} ${b.upper}`);
               ctx.log(ctx.bollinger("ACME", "1m", 2.0, 0.5).upper);
               ctx.log(ctx.bollinger("ACME", 3, 2) == ());
               let m = ctx.macd("ACME", 1, 2, 1);
               ctx.log(`${m.macd} ${m.signal} ${m.histogram}`);
               ctx.log(ctx.macd("ACME", "1m", 1, 2, 2) == ()); ctx.log(ctx.macd("ACME") == ());
               ctx.log(ctx.vwap("ACME")); ctx.log(ctx.vwap("ACME", "1m"));
               ctx.log(ctx.vwap("BOLT") == ());"#
        ),
        [
            // (100.00 + 100.50) / 2, twice; too few candles, and none.
            "100.25",
            "100.25",
            "true",
            "true",
            // EMA2 is its seed, the SMA; EMA1 is the last close.
            "100.25",
            "100.5",
            // One change, up: no loss. RSI2 needs 3 candles.
            "100.0",
            "true",
            // Mean 100.25, population sd 0.25: ± 2 x 0.25, then + 0.5 x 0.25.
            "99.75 100.25 100.75",
            "100.375",
            "true",
            // EMA1 - EMA2 at the second candle: 100.50 - 100.25; the signal
            // (EMA1 of it) the same.
            "0.25 0.25 0.0",
            "true",
            "true",
            // Typical prices (100.50 + 97.50 + 100.00) / 3 and (101.00 +
            // 99.50 + 100.50) / 3 by volumes 1,200 and 800: (298 x 1,200 +
            // 301 x 800) / (3 x 2,000) = 598,400 / 6,000 = 99.7333...
            "99.7333",
            "99.7333",
            "true",
        ]
    );
}

#[test]
fn indicators_asked_wrongly_abort_the_call_with_their_line() {
    for (call, message) in [
        (
            r#"ctx.sma("ACME", "5m", 2)"#,
            r#"interval "5m": a bot's view holds one-minute candles only"#,
        ),
        (
            r#"ctx.sma("ACME", 0)"#,
            "period 0 must be a whole number of at least 1",
        ),
        (
            r#"ctx.ema("ACME", 2.5)"#,
            "period must be a whole number of at least 1, not 2.5",
        ),
        (r#"ctx.rsi("ACME", "2")"#, "period must be a whole number"),
        (
            r#"ctx.macd("ACME", 3, 2, 1)"#,
            "MACD's fast period (3) must be shorter than its slow period (2)",
        ),
        (
            r#"ctx.bollinger("ACME", 2, -1)"#,
            "the band width k must not be negative, not -1",
        ),
        (r#"ctx.vwap("NOPE")"#, "NOPE is not in this bot's market"),
    ] {
        let mut bot = bot(&format!(
            "fn on_tick(ctx) {{\n    ctx.buy(\"ACME\", 99, 1);\n    {call};\n}}"
        ));
        let outcome = bot.on_tick(&Arc::new(market()));
        let error = outcome.error.expect(call);
        assert!(error.message.contains(message), "{call}: {error}");
        assert_eq!(error.line, Some(3), "{call}: {error}");
        assert!(outcome.actions.is_empty(), "{call}");
    }
}

#[test]
fn ctx_reads_financials_and_the_fundamental() {
    assert_eq!(
        logged(
            r#"let f = ctx.financials("ACME");
               ctx.log(`${f.len()} ${f[1].year} ${f[1].revenue} ${f[1].operating_profit} ${f[1].net_income} ${f[1].eps}`);
               ctx.log(f[0].eps);
               ctx.log(ctx.fundamental("ACME")); ctx.log(ctx.fundamental("BOLT") == ());
               ctx.log(ctx.financials("BOLT").len());"#
        ),
        [
            "2 2025 60000000.0 9000000.0 6000000.0 6.0",
            "5.0",
            "105.0",
            "true",
            "0"
        ]
    );
}

#[test]
fn ctx_reads_cash_positions_and_open_orders() {
    assert_eq!(
        logged(
            r#"ctx.log(ctx.cash); ctx.log(ctx.available_cash);
               ctx.log(ctx.position("ACME")); ctx.log(ctx.available_shares("ACME"));
               ctx.log(ctx.position("BOLT")); ctx.log(ctx.positions);
               let o = ctx.open_orders[0];
               ctx.log(`${ctx.open_orders.len()} ${o.id} ${o.symbol} ${o.side} ${o.price} ${o.qty}`);
               ctx.log(ctx.open_orders("ACME").len()); ctx.log(ctx.open_orders("BOLT").len());"#
        ),
        [
            "100000.0",
            "99010.0",
            "50",
            "40",
            "0",
            "#{\"ACME\": 50}",
            "1 7 ACME buy 99.0 10",
            "1",
            "0"
        ]
    );
}

#[test]
fn ctx_reads_params_with_and_without_defaults() {
    let mut bot = bot_with(
        r#"fn on_tick(ctx) {
               ctx.log(ctx.param("spread_bps")); ctx.log(ctx.param("name"));
               ctx.log(ctx.param("missing") == ()); ctx.log(ctx.param("missing", 7));
               ctx.log(ctx.param("spread_bps", 1.5)); ctx.log(ctx.param("levels").len());
               ctx.log(ctx.param("nested").size);
           }"#,
        r#"{"spread_bps": 20, "name": "mm", "levels": [1, 2, 3], "nested": {"size": 0.5}}"#,
        1,
        BotConfig::default(),
    );
    let outcome = bot.on_tick(&Arc::new(market()));
    assert_eq!(outcome.error, None);
    assert_eq!(outcome.logs, ["20", "mm", "true", "7", "20.0", "3", "0.5"]);
}

#[test]
fn state_persists_between_calls_of_one_bot_only() {
    let source = r#"
        fn on_tick(ctx) {
            ctx.state.count = (ctx.state.count ?? 0) + 1;
            ctx.state.seen = ctx.state.seen ?? [];
            ctx.state.seen.push(ctx.state.count);
            let copy = ctx.state;
            copy.count = 1000; // a copy: not written back
            ctx.log(`${ctx.state.count} ${ctx.state.seen}`);
        }"#;
    let view = Arc::new(market());
    let mut one = bot(source);
    let mut other = bot(source);
    assert_eq!(one.on_tick(&view).logs, ["1 [1]"]);
    assert_eq!(one.on_tick(&view).logs, ["2 [1, 2]"]);
    assert_eq!(other.on_tick(&view).logs, ["1 [1]"]);
    assert_eq!(one.on_tick(&view).logs, ["3 [1, 2, 3]"]);
    // A whole map can be written back, too.
    let mut replace = bot(
        r#"fn on_tick(ctx) { let s = ctx.state; s.x = 5; ctx.state = s; ctx.log(ctx.state.x); }"#,
    );
    assert_eq!(replace.on_tick(&view).logs, ["5"]);
    assert_eq!(replace.state().get("x").unwrap().as_int(), Ok(5));
}

#[test]
fn rand_normal_and_rand_int_come_from_the_bots_stream() {
    let outcome = tick(
        r#"let u = [];
           for i in 0..1000 { u.push(ctx.rand()); }
           ctx.log(u.all(|x| x >= 0.0 && x < 1.0));
           let sum = 0.0; let sq = 0.0;
           for i in 0..2000 { let z = ctx.normal(10.0, 2.0); sum += z; sq += z * z; }
           let mean = sum / 2000.0; let sd = (sq / 2000.0 - mean * mean).sqrt();
           ctx.log(mean > 9.8 && mean < 10.2); ctx.log(sd > 1.85 && sd < 2.15);
           ctx.log(ctx.normal(3, 0) == 3.0);
           let dice = [];
           for i in 0..600 { dice.push(ctx.rand_int(1, 6)); }
           ctx.log(dice.all(|d| d >= 1 && d <= 6)); ctx.log(dice.contains(1) && dice.contains(6));"#,
    );
    assert_eq!(outcome.logs, ["true"; 6]);
}

// ---------------------------------------------------------------- ctx acts

#[test]
fn buy_and_sell_place_limit_orders_on_the_tick() {
    let outcome = tick(
        r#"ctx.buy("ACME", 99.5, 10);
           ctx.sell("ACME", 101, 5);
           ctx.buy("ACME", 100.004, 1);   // nearest cent: 100.00
           ctx.sell("BOLT", 10.03, 2.9);  // nearest nickel: 10.05; 2.9 shares is 2
           ctx.buy("BOLT", 10.02, 3);     // nearest nickel: 10.00"#,
    );
    assert_eq!(
        outcome.actions,
        [
            limit(Side::Buy, acme(), 9_950, 10),
            limit(Side::Sell, acme(), 10_100, 5),
            limit(Side::Buy, acme(), 10_000, 1),
            limit(Side::Sell, bolt(), 201, 2),
            limit(Side::Buy, bolt(), 200, 3),
        ]
    );
}

#[test]
fn market_orders_cancels_and_cancel_all() {
    let outcome = tick(
        r#"ctx.market_buy("ACME", 3);
           ctx.market_sell("ACME", 4);
           ctx.cancel(7);
           ctx.cancel(ctx.open_orders[0]);
           ctx.cancel_all("ACME");
           ctx.cancel_all();"#,
    );
    assert_eq!(
        outcome.actions,
        [
            market_order(Side::Buy, 3),
            market_order(Side::Sell, 4),
            BotAction::Cancel(OrderId(7)),
            BotAction::Cancel(OrderId(7)),
            BotAction::CancelAll(Some(acme())),
            BotAction::CancelAll(None),
        ]
    );
}

#[test]
fn orders_become_the_same_requests_a_person_sends() {
    let BotAction::Place(limit_order) = limit(Side::Buy, acme(), 9_950, 10) else {
        unreachable!()
    };
    let request = limit_order.to_request();
    assert_eq!(
        (request.symbol, request.side, request.kind, request.tif),
        (
            acme(),
            Side::Buy,
            OrderKind::Limit {
                price: Price(9_950)
            },
            TimeInForce::Gtc
        )
    );
    assert_eq!(request.quantity, Quantity(10));
    let BotAction::Place(market) = market_order(Side::Sell, 4) else {
        unreachable!()
    };
    let request = market.to_request();
    assert_eq!(
        (request.kind, request.tif),
        (OrderKind::Market, TimeInForce::Ioc)
    );
}

#[test]
fn log_and_print_and_debug_reach_the_bots_log_and_wake_in_is_returned() {
    let outcome = tick(
        r#"ctx.log("hello"); print("printed"); debug("debugged"); ctx.log(#{a: 1});
           ctx.wake_in(500); ctx.wake_in(250.4);"#,
    );
    assert_eq!(
        outcome.logs,
        [
            "hello",
            "printed",
            "line 2, column 37: \"debugged\"",
            "#{\"a\": 1}"
        ]
    );
    assert_eq!(outcome.wake_in, Some(250));
    assert_eq!(tick("ctx.log(1);").wake_in, None);
}

#[test]
fn bad_orders_abort_the_call_with_their_line() {
    for (call, message) in [
        (
            r#"ctx.buy("ACME", 0, 1)"#,
            "price 0 must be a positive number",
        ),
        (
            r#"ctx.buy("ACME", -5.0, 1)"#,
            "price -5 must be a positive number",
        ),
        (
            r#"ctx.sell("ACME", 1.0 / 0.0, 1)"#,
            "price inf must be a positive number",
        ),
        (r#"ctx.buy("ACME", 0.004, 1)"#, "below one tick"),
        (
            r#"ctx.buy("ACME", "100", 1)"#,
            "price must be a number, not string",
        ),
        (
            r#"ctx.buy("ACME", 100, 0)"#,
            "must be at least one whole share",
        ),
        (
            r#"ctx.market_sell("ACME", -3)"#,
            "must be at least one whole share",
        ),
        (
            r#"ctx.buy("ZZZZ", 100, 1)"#,
            "ZZZZ is not in this bot's market",
        ),
        (r#"ctx.buy("acme", 100, 1)"#, "may hold only A-Z"),
        (
            r#"ctx.best_bid("NOPE")"#,
            "NOPE is not in this bot's market",
        ),
        (r#"ctx.cancel(-1)"#, "cancel needs an order id"),
        (r#"ctx.rand_int(5, 1)"#, "low is above high"),
        (r#"ctx.normal(0, -1)"#, "sd must be >= 0"),
        (r#"ctx.wake_in(-1)"#, "milliseconds must be >= 0"),
    ] {
        let mut bot = bot(&format!(
            "fn on_tick(ctx) {{\n    ctx.buy(\"ACME\", 99, 1);\n    {call};\n}}"
        ));
        let outcome = bot.on_tick(&Arc::new(market()));
        let error = outcome.error.expect(call);
        assert!(error.message.contains(message), "{call}: {error}");
        assert_eq!(error.line, Some(3), "{call}: {error}");
        assert!(outcome.actions.is_empty(), "{call}");
    }
}

// ---------------------------------------------------------------- the sandbox

/// Runs `on_tick` of `source` and checks it is stopped at `line` with a
/// message holding `message`; then that the bot still works, and that it is
/// FAILED after the configured number of failures in a row.
fn stopped(source: &str, line: usize, message: &str) {
    let view = Arc::new(market());
    let script = format!("fn on_start(ctx) {{ ctx.buy(\"ACME\", 99, 1); }}\n{source}");
    let config = BotConfig {
        max_failures_in_a_row: 3,
        max_orders_per_call: 100,
    };
    let mut bot = bot_with(&script, "{}", 7, config);
    let line = line + 1; // the on_start line above
    for attempt in 1..=3 {
        let outcome = bot.on_tick(&view);
        let error = outcome
            .error
            .unwrap_or_else(|| panic!("{source}: was not stopped"));
        assert!(
            error.message.contains(message),
            "{source}: {error} (wanted {message:?})"
        );
        assert_eq!(error.line, Some(line), "{source}: {error}");
        assert!(error.column.is_some(), "{source}: {error}");
        assert!(
            error
                .to_string()
                .starts_with(&format!("line {line}, column "))
        );
        assert!(outcome.actions.is_empty(), "{source}");
        if attempt < 3 {
            assert_eq!(bot.status(), &BotStatus::Running);
            // The next call of another entry point still works.
            let fine = bot.on_start(&view);
            assert_eq!(fine.error, None, "{source}");
            assert_eq!(fine.actions, [limit(Side::Buy, acme(), 9_900, 1)]);
            // ...and a success resets the count, so fail twice more in a row.
            let _ = bot.on_tick(&view);
            assert_eq!(bot.failures_in_a_row(), 1);
            let _ = bot.on_tick(&view);
            assert_eq!(bot.failures_in_a_row(), 2);
            break;
        }
    }
    let outcome = bot.on_tick(&view);
    assert!(outcome.error.is_some());
    match bot.status() {
        BotStatus::Failed(error) => {
            assert!(error.message.contains(message), "{source}: {error}");
            assert_eq!(error.line, Some(line));
        }
        BotStatus::Running => panic!("{source}: not FAILED after 3 in a row"),
    }
    // A FAILED bot is not called.
    assert_eq!(bot.on_start(&view), CallOutcome::default());
    assert_eq!(bot.on_tick(&view), CallOutcome::default());
    bot.restart();
    assert_eq!(bot.on_start(&view).error, None);
}

#[test]
fn an_infinite_loop_is_stopped() {
    stopped(
        "fn on_tick(ctx) {\n    let x = 0;\n    loop { x += 1; }\n}",
        3,
        "too many operations",
    );
    stopped(
        "fn on_tick(ctx) {\n    while true {}\n}",
        2,
        "too many operations",
    );
}

#[test]
fn deep_recursion_is_stopped() {
    stopped(
        "fn down(n) {\n    down(n + 1)\n}\nfn on_tick(ctx) {\n    let depth = 0;\n    down(depth);\n}",
        6,
        "too many nested function calls",
    );
}

#[test]
fn a_string_bomb_is_stopped() {
    stopped(
        "fn on_tick(ctx) {\n    let s = \"xxxxxxxx\";\n    loop { s += s; }\n}",
        3,
        "Length of string too large",
    );
    stopped(
        "fn on_tick(ctx) {\n    let s = \"x\".pad(1000000, \"y\");\n}",
        2,
        "too large",
    );
}

#[test]
fn an_array_bomb_is_stopped() {
    stopped(
        "fn on_tick(ctx) {\n    let a = [1, 2, 3, 4];\n    loop { a += a; }\n}",
        3,
        "Size of array/BLOB too large",
    );
    stopped(
        "fn on_tick(ctx) {\n    let a = [];\n    a.pad(100000000, 0);\n}",
        3,
        "too large",
    );
    stopped(
        "fn on_tick(ctx) {\n    let m = #{a: 1};\n    loop { m = #{x: m, y: m}; }\n}",
        3,
        "Size of object map too large",
    );
}

#[test]
fn a_throw_in_on_tick_is_stopped() {
    stopped(
        "fn on_tick(ctx) {\n    let x = 1;\n    throw \"boom\";\n}",
        3,
        "boom",
    );
    stopped(
        "fn helper(x) {\n    x / 0\n}\nfn on_tick(ctx) { helper(1); }",
        2,
        "Division by zero",
    );
    stopped(
        "fn on_tick(ctx) {\n    ctx.no_such_function();\n}",
        2,
        "Function not found",
    );
}

#[test]
fn a_million_orders_in_one_call_is_stopped() {
    stopped(
        "fn on_tick(ctx) {\n    for i in 0..1000000 {\n        ctx.buy(\"ACME\", 99, 1);\n    }\n}",
        3,
        "too many orders and cancels in one call (the limit is 100)",
    );
}

/// Scripts that cannot compile are reported with their line by `compile`.
fn rejected(source: &str, line: usize, message: &str) -> ScriptError {
    let error = BotScript::compile("bad.rhai", source).expect_err(source);
    assert_eq!(error.line, Some(line), "{source}: {error}");
    assert!(error.column.is_some(), "{source}: {error}");
    assert!(error.message.contains(message), "{source}: {error}");
    error
}

#[test]
fn eval_and_modules_do_not_exist() {
    rejected(
        "fn on_tick(ctx) {\n    eval(\"ctx.buy(`ACME`, 1, 1)\");\n}",
        2,
        "eval",
    );
    rejected("import \"os\" as os;\nfn on_tick(ctx) {}", 1, "import");
    rejected(
        "fn on_tick(ctx) {\n    import \"std\" as s;\n}",
        2,
        "import",
    );
}

#[test]
fn the_system_clock_sleep_and_exit_do_not_exist() {
    for call in ["timestamp()", "sleep(10)", "exit()", "parse_json(\"{}\")"] {
        let mut bot = bot(&format!("fn on_tick(ctx) {{\n    {call};\n}}"));
        let error = bot.on_tick(&Arc::new(market())).error.expect(call);
        assert!(
            error.message.contains("Function not found"),
            "{call}: {error}"
        );
        assert_eq!(error.line, Some(2));
    }
}

#[test]
fn syntax_errors_are_reported_with_line_and_column() {
    let error = rejected("fn on_tick(ctx) {\n    let x = ;\n}", 2, "");
    assert_eq!(error.column, Some(13));
    assert!(error.to_string().starts_with("line 2, column 13: "));
    rejected(
        &format!(
            "fn on_tick(ctx) {{\n    let x = {}1{};\n}}",
            "(".repeat(100),
            ")".repeat(100)
        ),
        2,
        "exceeds maximum complexity",
    );
}

#[test]
fn the_log_of_one_call_is_capped() {
    let outcome = tick(&format!(
        "for i in 0..500 {{ ctx.log(\"{}\"); }}",
        "z".repeat(5_000)
    ));
    assert_eq!(outcome.logs.len(), 101);
    assert!(outcome.logs[0].len() < 1_100);
    assert_eq!(outcome.logs[100], "(400 more log lines dropped)");
}

#[test]
fn a_failed_call_keeps_its_log_but_not_its_actions_or_timer() {
    let mut bot = bot(
        "fn on_tick(ctx) {\n  ctx.buy(\"ACME\", 99, 1);\n  ctx.wake_in(10);\n  ctx.log(\"before\");\n  throw \"after\";\n}",
    );
    let outcome = bot.on_tick(&Arc::new(market()));
    assert_eq!(outcome.actions, []);
    assert_eq!(outcome.wake_in, None);
    assert_eq!(outcome.logs, ["before"]);
    assert_eq!(
        outcome.error.unwrap().to_string(),
        "line 5, column 3: after"
    );
}

#[test]
fn a_ctx_kept_in_state_is_the_same_bots_ctx() {
    let mut bot = bot(r#"fn on_tick(ctx) {
               if ctx.state.old == () { ctx.state.old = ctx; return; }
               ctx.state.old.buy("ACME", 98, 1);
           }"#);
    let view = Arc::new(market());
    assert_eq!(bot.on_tick(&view).actions, []);
    assert_eq!(
        bot.on_tick(&view).actions,
        [limit(Side::Buy, acme(), 9_800, 1)]
    );
}

#[test]
fn custom_limits_apply() {
    let sandbox = Arc::new(Sandbox::new(Limits {
        max_operations: 50,
        ..Limits::default()
    }));
    let script = BotScript::compile_in(
        &sandbox,
        "small.rhai",
        "fn on_tick(ctx) {\n  for i in 0..100 { ctx.rand(); }\n}",
    )
    .unwrap();
    let mut bot = BotCore::new(1, script, &params("{}"), 1, BotConfig::default());
    let error = bot.on_tick(&Arc::new(market())).error.unwrap();
    assert!(error.message.contains("too many operations"), "{error}");
}

#[test]
fn every_call_counts_its_operations_from_zero() {
    // Each call stays under the cap, ten of them together do not: a count
    // carried from one call to the next would stop a later call.
    let sandbox = Arc::new(Sandbox::new(Limits {
        max_operations: 400,
        ..Limits::default()
    }));
    let script = BotScript::compile_in(
        &sandbox,
        "half.rhai",
        "fn on_tick(ctx) {\n  for i in 0..50 { ctx.rand(); }\n}",
    )
    .unwrap();
    let mut bot = BotCore::new(1, script, &params("{}"), 1, BotConfig::default());
    for call in 0..10 {
        assert_eq!(bot.on_tick(&Arc::new(market())).error, None, "call {call}");
    }
}

#[test]
fn scripts_taking_turns_on_one_thread_call_their_own_functions() {
    // More scripts than a thread keeps function lookups for, with the same
    // function names, called in turn: each must reach its own helper.
    let mut bots: Vec<BotCore> = (0..20)
        .map(|n| {
            bot(&format!(
                "fn answer(x) {{ x + {n} }}\nfn on_tick(ctx) {{ ctx.log(answer(ctx.bot_id)); }}"
            ))
        })
        .collect();
    let view = Arc::new(market());
    for round in 0..3 {
        for (n, bot) in bots.iter_mut().enumerate() {
            let outcome = bot.on_tick(&view);
            assert_eq!(outcome.error, None, "round {round}, script {n}");
            assert_eq!(outcome.logs, [(1 + n).to_string()], "round {round}");
        }
    }
}

// ---------------------------------------------------------------- entry points

#[test]
fn entry_points_are_listed_with_their_arity() {
    let script = BotScript::compile(
        "e.rhai",
        "fn on_tick(ctx) {}\nfn on_news(ctx, news) {}\nfn on_fill(ctx) {}\nfn helper() {}",
    )
    .unwrap();
    let listed: Vec<String> = script
        .entry_points()
        .iter()
        .map(|point| point.to_string())
        .collect();
    assert_eq!(listed, ["on_tick/1", "on_fill/1", "on_news/2"]);
    assert!(script.defines(Entry::Tick) && script.defines(Entry::News));
    assert!(!script.defines(Entry::Fill) && !script.defines(Entry::Start));
    assert_eq!(script.warnings().len(), 1);
    assert!(script.warnings()[0].contains("on_fill takes 1"));
    let empty = BotScript::compile("empty.rhai", "fn helper() {}").unwrap();
    assert!(empty.entry_points().is_empty());
    assert!(empty.warnings()[0].contains("defines none"));
}

#[test]
fn undefined_entry_points_are_not_called() {
    let mut bot = bot("fn on_tick(ctx) { ctx.log(\"tick\"); }");
    let view = Arc::new(market());
    let fill = FillView {
        order: OrderId(7),
        symbol: acme(),
        side: Side::Buy,
        price: Money(9_900),
        quantity: Quantity(10),
        fees: Money(5),
        at: Timestamp::from_millis(NOW_MS),
    };
    assert_eq!(bot.on_start(&view), CallOutcome::default());
    assert_eq!(bot.on_fill(&view, &fill), CallOutcome::default());
    assert_eq!(bot.on_tick(&view).logs, ["tick"]);
}

#[test]
fn events_reach_their_entry_points() {
    let mut bot = bot(
        r#"fn on_trade(ctx, t) { ctx.log(`trade ${t.symbol} ${t.price} ${t.qty} ${t.side} ${t.time}`); }
           fn on_fill(ctx, f) { ctx.log(`fill ${f.order_id} ${f.symbol} ${f.side} ${f.price} ${f.qty} ${f.fees} ${f.time}`); }
           fn on_news(ctx, n) { ctx.log(`news ${n.symbol} ${n.headline} ${n.impact} ${n.time}`); }"#,
    );
    let view = Arc::new(market());
    let at = Timestamp::from_millis(NOW_MS);
    let trade = TradeView {
        symbol: acme(),
        at,
        price: Money(10_025),
        quantity: Quantity(30),
        aggressor: Side::Buy,
    };
    assert_eq!(
        bot.on_trade(&view, &trade).logs,
        [format!("trade ACME 100.25 30 buy {NOW_MS}")]
    );
    let fill = FillView {
        order: OrderId(7),
        symbol: acme(),
        side: Side::Sell,
        price: Money(9_900),
        quantity: Quantity(10),
        fees: Money(150),
        at,
    };
    assert_eq!(
        bot.on_fill(&view, &fill).logs,
        [format!("fill 7 ACME sell 99.0 10 1.5 {NOW_MS}")]
    );
    let news = NewsView {
        symbol: Some(acme()),
        headline: "Profit warning".into(),
        impact_ppm: -150_000,
        at,
    };
    assert_eq!(
        bot.on_news(&view, &news).logs,
        [format!("news ACME Profit warning -0.15 {NOW_MS}")]
    );
    let market_wide = NewsView {
        symbol: None,
        ..news
    };
    assert_eq!(
        bot.on_news(&view, &market_wide).logs,
        [format!("news  Profit warning -0.15 {NOW_MS}")]
    );
}

#[test]
fn top_level_constants_reach_functions_and_other_statements_never_run() {
    let outcome = tick_script(
        "const SIZE = 7;\nconst SIDE = \"buy\";\nctx_never_exists.boom();\nfn size() { SIZE }\nfn on_tick(ctx) { ctx.log(`${SIDE} ${size()}`); }",
    );
    assert_eq!(outcome.logs, ["buy 7"]);
}

fn tick_script(source: &str) -> CallOutcome {
    let mut bot = bot(source);
    let outcome = bot.on_tick(&Arc::new(market()));
    assert_eq!(outcome.error, None, "{source}");
    outcome
}

// ---------------------------------------------------------------- determinism

const NOISY: &str = r#"
fn on_tick(ctx) {
    let mid = ctx.mid("ACME");
    let n = ctx.rand_int(1, 3);
    for i in 0..n {
        let px = mid + ctx.normal(0.0, 1.0);
        if ctx.rand() < 0.5 { ctx.buy("ACME", px, ctx.rand_int(1, 100)); }
        else { ctx.sell("ACME", px, ctx.rand_int(1, 100)); }
    }
}
fn on_trade(ctx, t) {
    if ctx.rand() < 0.3 { ctx.market_buy(t.symbol, 1); }
}"#;

/// Three bots of one script driven through a sequence of views and trades:
/// every action, in order.
fn run_noisy(seed: u64) -> Vec<(u64, BotAction)> {
    let script = BotScript::compile("noisy.rhai", NOISY).unwrap();
    let mut bots: Vec<BotCore> = (1..=3)
        .map(|id| {
            BotCore::new(
                id,
                script.clone(),
                &params("{}"),
                seed,
                BotConfig::default(),
            )
        })
        .collect();
    let mut actions = Vec::new();
    for step in 0..50i64 {
        let mut view = market();
        view.now = Timestamp::from_millis(NOW_MS + step * 1_000);
        let acme_view = view.symbols.get_mut(&acme()).unwrap();
        acme_view.bids = [level(9_900 + step, 100), level(9_850, 200)].into();
        acme_view.asks = [level(10_100 + step, 150), level(10_150, 300)].into();
        let view = Arc::new(view);
        let trade = TradeView {
            symbol: acme(),
            at: view.now,
            price: Money(10_000 + step),
            quantity: Quantity(1),
            aggressor: Side::Buy,
        };
        for bot in &mut bots {
            let outcome = bot.on_tick(&view);
            assert_eq!(outcome.error, None);
            let traded = bot.on_trade(&view, &trade);
            for action in outcome.actions.into_iter().chain(traded.actions) {
                actions.push((bot.id(), action));
            }
        }
    }
    actions
}

#[test]
fn the_same_seed_gives_the_same_orders() {
    let first = run_noisy(2026);
    assert!(first.len() > 100);
    assert_eq!(first, run_noisy(2026));
    assert_ne!(first, run_noisy(2027));
    // Bots of one run draw from different streams.
    let of = |id| -> Vec<BotAction> {
        first
            .iter()
            .filter(|(bot, _)| *bot == id)
            .map(|(_, action)| *action)
            .take(10)
            .collect()
    };
    assert_ne!(of(1), of(2));
}

/// Rhai does not watch the thread's stack, so the caps must keep the worst
/// script inside it: 32 levels of calls, each as deeply nested as allowed,
/// run on a thread with Rust's default 2 MiB stack (the bot actor's arbiter
/// threads have that much; measured need at opt-level 1: under 0.75 MiB).
#[test]
fn the_deepest_script_allowed_fits_in_a_default_thread_stack() {
    let nest = 12;
    let source = format!(
        "fn f(n) {{\n  if n <= 0 {{ return 0; }}\n  {open}f(n - 1){close}\n}}\nfn on_tick(ctx) {{\n  let x = {open}f(40){close};\n}}",
        open = "(1 + ".repeat(nest),
        close = ")".repeat(nest)
    );
    let error = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || bot(&source).on_tick(&Arc::new(market())).error)
        .unwrap()
        .join()
        .unwrap()
        .unwrap();
    assert!(
        error.message.contains("too many nested function calls"),
        "{error}"
    );
    assert_eq!(error.line, Some(6));
}

#[test]
fn a_long_chain_of_calls_is_summarised() {
    let mut bot = bot(
        "fn f(n) {\n  if n <= 0 { throw \"bottom\"; }\n  [n].map(|x| f(x - 1))[0]\n}\nfn on_tick(ctx) {\n  f(5);\n}",
    );
    let error = bot.on_tick(&Arc::new(market())).error.unwrap();
    assert_eq!(
        error.to_string(),
        "line 2, column 15: bottom (in f > map > closure > ... > f, 16 calls deep)"
    );
}

// ---------------------------------------------------------------- shipped scripts

const SHIPPED: [(&str, &str); 5] = [
    (
        "market_maker.rhai",
        include_str!("../../scripts/market_maker.rhai"),
    ),
    (
        "noise_trader.rhai",
        include_str!("../../scripts/noise_trader.rhai"),
    ),
    ("momentum.rhai", include_str!("../../scripts/momentum.rhai")),
    (
        "mean_reversion.rhai",
        include_str!("../../scripts/mean_reversion.rhai"),
    ),
    (
        "value_investor.rhai",
        include_str!("../../scripts/value_investor.rhai"),
    ),
];

fn shipped(name: &str, params_json: &str, seed: u64) -> BotCore {
    let (_, source) = SHIPPED.iter().find(|(file, _)| *file == name).unwrap();
    bot_with(source, params_json, seed, BotConfig::default())
}

fn places(outcome: &CallOutcome) -> Vec<BotOrder> {
    outcome
        .actions
        .iter()
        .filter_map(|action| match action {
            BotAction::Place(order) => Some(*order),
            _ => None,
        })
        .collect()
}

fn limit_price(order: &BotOrder) -> i64 {
    match order.kind {
        BotOrderKind::Limit { price } => price.0,
        BotOrderKind::Market => panic!("{order:?} is a market order"),
    }
}

#[test]
fn every_shipped_script_compiles_with_a_commented_header_and_its_entry_points() {
    let expected: [(&str, &[&str]); 5] = [
        (
            "market_maker.rhai",
            &["on_start/1", "on_tick/1", "on_fill/2"],
        ),
        ("noise_trader.rhai", &["on_tick/1"]),
        ("momentum.rhai", &["on_tick/1"]),
        ("mean_reversion.rhai", &["on_tick/1"]),
        (
            "value_investor.rhai",
            &["on_start/1", "on_tick/1", "on_news/2"],
        ),
    ];
    for ((file, source), (name, entries)) in SHIPPED.iter().zip(expected) {
        assert_eq!(*file, name);
        let script = BotScript::compile(file, source).unwrap_or_else(|e| panic!("{file}: {e}"));
        let listed: Vec<String> = script
            .entry_points()
            .iter()
            .map(|p| p.to_string())
            .collect();
        assert_eq!(listed, entries, "{file}");
        assert!(
            script.warnings().is_empty(),
            "{file}: {:?}",
            script.warnings()
        );
        assert!(
            source.starts_with("// "),
            "{file} starts with its explanation"
        );
        assert!(source.contains("Params"), "{file} documents its params");
    }
}

#[test]
fn every_shipped_script_runs_every_entry_point_on_an_empty_market() {
    // No prices anywhere: every script must cope (and do nothing).
    let mut view = market();
    for listing in view.symbols.values_mut() {
        *listing = SymbolView::new(listing.tick);
    }
    let view = Arc::new(view);
    let trade = TradeView {
        symbol: acme(),
        at: view.now,
        price: Money(10_000),
        quantity: Quantity(1),
        aggressor: Side::Buy,
    };
    let fill = FillView {
        order: OrderId(7),
        symbol: acme(),
        side: Side::Buy,
        price: Money(9_900),
        quantity: Quantity(1),
        fees: Money(1),
        at: view.now,
    };
    let news = NewsView {
        symbol: Some(acme()),
        headline: "Nothing much".into(),
        impact_ppm: 10_000,
        at: view.now,
    };
    for (file, _) in SHIPPED {
        let mut bot = shipped(file, "{}", 1);
        for outcome in [
            bot.on_start(&view),
            bot.on_tick(&view),
            bot.on_trade(&view, &trade),
            bot.on_fill(&view, &fill),
            bot.on_news(&view, &news),
            bot.on_tick(&view),
        ] {
            assert_eq!(outcome.error, None, "{file}");
            assert!(
                places(&outcome).is_empty(),
                "{file} placed an order with no price to go by: {outcome:?}"
            );
        }
    }
}

#[test]
fn the_market_maker_quotes_both_sides_around_the_reference_and_skews() {
    let mut bot = shipped("market_maker.rhai", r#"{"symbol": "ACME"}"#, 1);
    let view = Arc::new(market());
    // Reference: 0.8 x mid 100.00 + 0.2 x value 105.00 = 101.00; spread 20 bp.
    let start = bot.on_start(&view);
    assert_eq!(start.error, None);
    assert_eq!(start.wake_in, Some(1_000));
    assert_eq!(start.actions[0], BotAction::CancelAll(Some(acme())));
    assert_eq!(
        start.actions[1..],
        [
            limit(Side::Buy, acme(), 10_090, 100), // 101.00 - 0.101
            limit(Side::Sell, acme(), 10_110, 50), // 101.00 + 0.101; it holds 50
        ]
    );

    // Bought 100 more: too much inventory, so both quotes move down.
    let mut long = market();
    long.positions.get_mut(&acme()).unwrap().quantity = Quantity(150);
    let fill = FillView {
        order: OrderId(8),
        symbol: acme(),
        side: Side::Buy,
        price: Money(10_090),
        quantity: Quantity(100),
        fees: Money(10),
        at: long.now,
    };
    let requote = places(&bot.on_fill(&Arc::new(long), &fill));
    assert_eq!(requote.len(), 2);
    let (bid, ask) = (limit_price(&requote[0]), limit_price(&requote[1]));
    assert!(bid < 10_090 && ask < 10_110, "{bid} {ask}");
    assert!(bid < ask);
    assert_eq!(requote[1].quantity, Quantity(100));

    // Wider spread by param; and each tick re-quotes.
    let mut wide = shipped(
        "market_maker.rhai",
        r#"{"symbol": "ACME", "spread_bps": 200, "size": 10, "requote_ms": 250}"#,
        1,
    );
    let tick = wide.on_tick(&view);
    assert_eq!(tick.wake_in, Some(250));
    let quotes = places(&tick);
    assert_eq!(
        (limit_price(&quotes[0]), limit_price(&quotes[1])),
        (9_999, 10_201)
    );
}

#[test]
fn the_market_maker_quotes_from_the_reference_param_on_an_empty_book() {
    let mut view = market();
    let bolt_view = view.symbols.get_mut(&bolt()).unwrap();
    bolt_view.fundamental = None;
    view.positions.insert(
        bolt(),
        Holding {
            quantity: Quantity(1_000),
            available: Quantity(1_000),
        },
    );
    let mut bot = shipped(
        "market_maker.rhai",
        r#"{"symbol": "BOLT", "reference": 10.0, "spread_bps": 100}"#,
        1,
    );
    let quotes = places(&bot.on_start(&Arc::new(view)));
    // 10.00 -/+ 0.05 on a nickel tick.
    assert_eq!(
        (limit_price(&quotes[0]), limit_price(&quotes[1])),
        (199, 201)
    );
}

#[test]
fn the_noise_trader_sends_random_limit_and_market_orders_it_can_afford() {
    let mut bot = shipped("noise_trader.rhai", r#"{"symbol": "ACME", "rate": 1.0}"#, 9);
    let view = Arc::new(market());
    let (mut buys, mut sells, mut markets, mut limits, mut cancels) = (0, 0, 0, 0, 0);
    for _ in 0..300 {
        let outcome = bot.on_tick(&view);
        assert_eq!(outcome.error, None);
        let wake = outcome.wake_in.unwrap();
        assert!((500..=1_500).contains(&wake), "{wake}");
        for action in outcome.actions {
            match action {
                BotAction::Place(order) => {
                    assert!((1..=50).contains(&order.quantity.0));
                    match order.side {
                        Side::Buy => buys += 1,
                        Side::Sell => {
                            sells += 1;
                            assert!(order.quantity.0 <= 40, "sells only what is free");
                        }
                    }
                    match order.kind {
                        BotOrderKind::Market => markets += 1,
                        BotOrderKind::Limit { price } => {
                            limits += 1;
                            assert!((9_500..=10_500).contains(&price.0), "{price:?}");
                        }
                    }
                }
                BotAction::Cancel(id) => {
                    assert_eq!(id, OrderId(7));
                    cancels += 1;
                }
                BotAction::CancelAll(_) => panic!("no cancel_all expected"),
            }
        }
    }
    assert!(buys > 100 && sells > 100, "{buys} {sells}");
    assert!(markets > 30 && limits > 200, "{markets} {limits}");
    assert_eq!(cancels, 0, "one open order is below max_open");
}

/// A view of ACME after one-minute candles closing at each of `closes`
/// (cents), the last one now: its close is the last price, with a one-cent
/// spread around it.
fn priced(closes: &[i64], held: u64) -> Arc<BotView> {
    let mut view = market();
    let listing = view.symbols.get_mut(&acme()).unwrap();
    let cents = *closes.last().unwrap();
    listing.last = Some(Money(cents));
    listing.bids = [level(cents - 1, 100)].into();
    listing.asks = [level(cents + 1, 100)].into();
    let first = NOW_MS - 60_000 * (closes.len() as i64 - 1);
    listing.candles = (0..)
        .zip(closes)
        .map(|(minute, &close)| Candle {
            start: Timestamp::from_millis(first + minute * 60_000),
            open: Money(close),
            high: Money(close),
            low: Money(close),
            close: Money(close),
            volume: 10,
        })
        .collect();
    view.positions.insert(
        acme(),
        Holding {
            quantity: Quantity(held),
            available: Quantity(held),
        },
    );
    Arc::new(view)
}

#[test]
fn the_momentum_trader_buys_an_upward_cross_and_sells_a_downward_one() {
    let mut bot = shipped(
        "momentum.rhai",
        r#"{"symbol": "ACME", "fast": 3, "slow": 6, "size": 20}"#,
        1,
    );
    let mut orders = Vec::new();
    // One-minute closes falling, then rising (cross up), then falling
    // (cross down). EMA3 from minute 2: 109, 108, 107, 106, 105, 104, 104,
    // 105, 106.5, 108.25, 110.13, 110.06, 108.53, 106.27, ...; EMA6 from
    // minute 5: 107.5, 106.5, 105.5, 105.07, 105.34, 106.10, 107.21, 108.58,
    // 108.99, 108.42, 107.16, ...: above at minute 10, below at 15.
    let path = [
        110, 109, 108, 107, 106, 105, 104, 103, 104, 106, 108, 110, 112, 110, 107, 104, 101, 98,
    ];
    let cents: Vec<i64> = path.iter().map(|dollars| dollars * 100).collect();
    for i in 0..path.len() {
        let held = if i > 10 { 20 } else { 0 };
        let outcome = bot.on_tick(&priced(&cents[..=i], held));
        assert_eq!(outcome.error, None);
        for order in places(&outcome) {
            orders.push((i, order.side, order.kind, order.quantity.0));
        }
    }
    assert_eq!(
        orders,
        [
            (10, Side::Buy, BotOrderKind::Market, 20),
            (15, Side::Sell, BotOrderKind::Market, 20),
        ]
    );
}

#[test]
fn the_mean_reversion_trader_bids_when_cheap_and_offers_when_dear() {
    let mut bot = shipped(
        "mean_reversion.rhai",
        r#"{"symbol": "ACME", "window": 10, "entry_z": 1.5, "size": 30}"#,
        1,
    );
    let mut closes = vec![
        10_000, 10_010, 9_990, 10_005, 9_995, 10_000, 10_010, 9_990, 10_005,
    ];
    for minute in 1..=closes.len() {
        let outcome = bot.on_tick(&priced(&closes[..minute], 0));
        assert_eq!(outcome.error, None);
        assert_eq!(places(&outcome), []);
    }
    // A sudden drop: the ten closes average 99.805; their squared
    // deviations (cents) sum to 36,672.5, so the population sd is
    // sqrt(3,667.25) = 60.56 cents and the lower band 99.805 - 1.5 x 0.6056
    // = 98.897. 98.00 is below it: it bids at the best bid.
    closes.push(9_800);
    let drop = bot.on_tick(&priced(&closes, 0));
    assert_eq!(drop.actions[0], BotAction::CancelAll(Some(acme())));
    assert_eq!(drop.actions[1..], [limit(Side::Buy, acme(), 9_799, 30)]);
    // A spike: the last ten closes average 100.105, sd sqrt(12,937.25) =
    // 113.74 cents, upper band 100.105 + 1.5 x 1.1374 = 101.811. 103.00 is
    // above it and it holds 30: it offers them at the ask.
    closes.push(10_300);
    let spike = bot.on_tick(&priced(&closes, 30));
    assert_eq!(spike.actions[1..], [limit(Side::Sell, acme(), 10_301, 30)]);
}

#[test]
fn the_value_investor_buys_below_fair_value_and_sells_above_it_after_news() {
    // EPS 2025: 6,000,000 / 1,000,000 = 6.00; x 20 = fair value 120.00.
    let mut bot = shipped(
        "value_investor.rhai",
        r#"{"symbol": "ACME", "fair_pe": 20, "size": 100}"#,
        1,
    );
    let view = Arc::new(market());
    assert_eq!(bot.on_start(&view).error, None);
    let cheap = bot.on_tick(&view);
    assert_eq!(cheap.wake_in, Some(5_000));
    // Ask 101.00 < 120.00 x 0.9: take it.
    assert_eq!(cheap.actions[1..], [limit(Side::Buy, acme(), 10_100, 100)]);

    // A profit warning: -30 % puts fair value at 84.00; bid 99.00 > 92.40.
    let news = NewsView {
        symbol: Some(acme()),
        headline: "Profit warning".into(),
        impact_ppm: -300_000,
        at: view.now,
    };
    let heard = bot.on_news(&view, &news);
    assert_eq!(heard.error, None);
    assert_eq!(heard.logs.len(), 1);
    let dear = bot.on_tick(&view);
    assert_eq!(dear.actions[1..], [limit(Side::Sell, acme(), 9_900, 50)]);

    // News about another company changes nothing.
    let other = NewsView {
        symbol: Some(bolt()),
        ..news
    };
    assert_eq!(bot.on_news(&view, &other).logs, Vec::<String>::new());
}

#[test]
fn the_value_investor_falls_back_on_the_fundamental_without_financials() {
    let mut view = market();
    let listing = view.symbols.get_mut(&acme()).unwrap();
    listing.financials = [].into();
    listing.fundamental = Some(Money(12_000));
    let mut bot = shipped("value_investor.rhai", r#"{"symbol": "ACME"}"#, 1);
    let outcome = bot.on_tick(&Arc::new(view));
    assert_eq!(
        outcome.actions[1..],
        [limit(Side::Buy, acme(), 10_100, 100)]
    );
}

// ------------------------------------------------------- ABIDES's value agent

const ABIDES_VALUE: &str = include_str!("../../scripts/abides_value.rhai");

/// The market of [`market`] (bid 99.00, ask 101.00: a spread of 200 cents)
/// at `at_ms`, the agent seeing the fundamental at `seen` cents.
fn value_view(at_ms: i64, seen: i64) -> Arc<BotView> {
    let mut view = market();
    view.now = Timestamp::from_millis(at_ms);
    view.symbols.get_mut(&acme()).unwrap().fundamental = Some(Money(seen));
    Arc::new(view)
}

fn one_order(outcome: &CallOutcome) -> BotOrder {
    assert_eq!(outcome.error, None);
    assert_eq!(outcome.actions[0], BotAction::CancelAll(Some(acme())));
    let orders = places(outcome);
    assert_eq!(orders.len(), 1, "{outcome:?}");
    orders[0]
}

#[test]
fn abides_value_agents_order_at_every_wake_with_a_fixed_size_up_to_two_spreads_from_the_touch() {
    // 10:00 UTC, within the session: the observation (105.00, above the
    // mid of 100.00) is trusted almost wholly, as in ABIDES.
    let open_ms = NOW_MS + 3_600_000;
    let mut buyer = bot_with(ABIDES_VALUE, r#"{"r_bar": 100.0}"#, 1, BotConfig::default());
    let mut size = None;
    let mut offsets = std::collections::BTreeSet::new();
    for wake in 0..200 {
        let order = one_order(&buyer.on_tick(&value_view(open_ms + wake * 14_000, 10_500)));
        assert_eq!(order.side, Side::Buy);
        let offset = 10_100 - limit_price(&order);
        assert!((0..400).contains(&offset), "{offset}");
        offsets.insert(offset);
        assert!((20..50).contains(&order.quantity.0));
        assert_eq!(*size.get_or_insert(order.quantity), order.quantity);
    }
    // Crossing (offset 0) and resting up to 2 x 200 cents deep.
    assert!(
        offsets.contains(&0) && offsets.last() > Some(&300),
        "{offsets:?}"
    );

    let mut seller = bot_with(ABIDES_VALUE, r#"{"r_bar": 100.0}"#, 2, BotConfig::default());
    for wake in 0..20 {
        let order = one_order(&seller.on_tick(&value_view(open_ms + wake * 14_000, 9_500)));
        assert_eq!(order.side, Side::Sell);
        assert!((9_900..10_300).contains(&limit_price(&order)));
    }
}

#[test]
fn abides_value_agents_project_their_estimate_to_the_close() {
    // A fast reversion (kappa 0.01 a second) leaves nothing of today's
    // observation by the close, 6 hours on: the estimate is r_bar, so
    // r_bar decides the side whatever the agent sees.
    let at = NOW_MS + 3_600_000;
    for (r_bar, side) in [("100.0", Side::Buy), ("99.99", Side::Sell)] {
        let params = format!(r#"{{"r_bar": {r_bar}, "kappa": 0.01}}"#);
        let mut agent = bot_with(ABIDES_VALUE, &params, 3, BotConfig::default());
        assert_eq!(
            one_order(&agent.on_tick(&value_view(at, 10_500))).side,
            side
        );
    }
    // At the close itself there is nothing left to project over: the
    // observation decides.
    let close = NOW_MS + 7 * 3_600_000;
    let params = r#"{"r_bar": 99.99, "kappa": 0.01}"#;
    let mut agent = bot_with(ABIDES_VALUE, params, 3, BotConfig::default());
    assert_eq!(
        one_order(&agent.on_tick(&value_view(close, 10_500))).side,
        Side::Buy
    );
}
