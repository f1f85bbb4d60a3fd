//! `serve --demo` makes a live market: with the bots' timers 20 times
//! faster, within about a minute of bot time every demo company has traded
//! away from its IPO price and has a two-sided book with a tight spread. A
//! restart starts no second set of bots. On SQLite and Postgres.

mod support;

use std::time::{Duration, Instant};

use marketlab::startup::Settings;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use support::app::{TestApp, as_array, dec};
use support::db::Backend;

/// The demo companies and their IPO prices.
const SYMBOLS: [(&str, &str); 4] = [
    ("ACME", "100.00"),
    ("BOLT", "25.50"),
    ("CORE", "480.00"),
    ("DYNA", "73.25"),
];
/// The widest spread accepted, in basis points of the mid.
const MAX_SPREAD_BPS: i64 = 50;
/// Trades each company needs beyond the nine that gave the bots their
/// shares at the IPO price.
const MIN_TRADES: usize = 20;

const MARKET: &str = "{ acme: trades(symbol: \"ACME\", limit: 1000) { price } \
    bolt: trades(symbol: \"BOLT\", limit: 1000) { price } \
    core: trades(symbol: \"CORE\", limit: 1000) { price } \
    dyna: trades(symbol: \"DYNA\", limit: 1000) { price } \
    acmeBook: orderBook(symbol: \"ACME\", depth: 1) { bids { price } asks { price } } \
    boltBook: orderBook(symbol: \"BOLT\", depth: 1) { bids { price } asks { price } } \
    coreBook: orderBook(symbol: \"CORE\", depth: 1) { bids { price } asks { price } } \
    dynaBook: orderBook(symbol: \"DYNA\", depth: 1) { bids { price } asks { price } } }";

/// What is still missing for `symbol` to count as a live market.
fn missing(market: &Value, (symbol, ipo): (&str, &str)) -> Option<String> {
    let key = symbol.to_lowercase();
    let ipo: Decimal = ipo.parse().expect("an IPO price");
    let trades = as_array(&market[key.as_str()]);
    let away = trades.iter().filter(|t| dec(&t["price"]) != ipo).count();
    if trades.len() < 9 + MIN_TRADES || away == 0 {
        return Some(format!(
            "{symbol}: {} trades, {away} away from the IPO price",
            trades.len()
        ));
    }
    let book = &market[format!("{key}Book").as_str()];
    let (Some(bid), Some(ask)) = (book["bids"].get(0), book["asks"].get(0)) else {
        return Some(format!("{symbol}: one-sided book {book}"));
    };
    let (bid, ask) = (dec(&bid["price"]), dec(&ask["price"]));
    let mid = (bid + ask) / Decimal::TWO;
    if (ask - bid) * Decimal::from(10_000) > mid * Decimal::from(MAX_SPREAD_BPS) {
        return Some(format!("{symbol}: spread {bid} / {ask}"));
    }
    None
}

async fn the_demo_market_lives(backend: Backend) {
    let settings = Settings {
        demo: true,
        bot_speedup: 20,
        ..Settings::default()
    };
    let Some(mut app) = TestApp::spawn_with(backend, settings).await else {
        return;
    };
    let started = Instant::now();
    let mut gaps = Vec::new();
    while started.elapsed() < Duration::from_secs(60) {
        let market = app.data(MARKET, json!({}), Some(&app.admin.token)).await;
        gaps = SYMBOLS
            .iter()
            .filter_map(|s| missing(&market, *s))
            .collect();
        if gaps.is_empty() {
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(gaps.is_empty(), "after {:?}: {gaps:?}", started.elapsed());

    let count = |bots: &Value| as_array(&bots["bots"]).len();
    let bots = app
        .data("{ bots { id status } }", json!({}), Some(&app.admin.token))
        .await;
    assert_eq!(count(&bots), 4 * 9, "nine bots for each company");
    // The bots' leaderboard ranks the scripted bots, every one of them, and
    // not the demo's liquidity account (a BOT account without a script).
    let board = app
        .data(
            "{ botLeaderboard(limit: 100) { account { username } } }",
            json!({}),
            None,
        )
        .await;
    let ranked: Vec<Value> = as_array(&board["botLeaderboard"]);
    assert_eq!(ranked.len(), 4 * 9, "{board}");
    assert!(
        ranked
            .iter()
            .all(|e| e["account"]["username"] != "demo-liquidity"),
        "{board}"
    );
    app.restart().await;
    let again = app
        .data("{ bots { id status } }", json!({}), Some(&app.admin.token))
        .await;
    assert_eq!(count(&again), 4 * 9, "a restart starts no more bots");
    assert!(
        as_array(&again["bots"])
            .iter()
            .all(|b| b["status"] == "RUNNING"),
        "{again}"
    );
    app.stop().await;
}

api_tests!(the_demo_market_lives);
