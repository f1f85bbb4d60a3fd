//! Watchlists, price alerts and indicators over real HTTP and WebSocket, on
//! both backends: each account sees only its own lists and alerts, every
//! refusal has its code and changes nothing, an alert fires once on the
//! first trade that reaches it (live on `myAlerts`, then in the history),
//! waiting alerts survive a restart, and the indicators match the candles.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use marketlab::startup::Settings;
use marketlab_actors::clock::ManualClock;
use marketlab_actors::types::Timestamp;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use support::app::{TestApp, User, as_array, assert_dec, dec, id_of};
use support::db::Backend;
use support::graphql_ws::{Protocol, WsClient};

api_tests!(
    watchlists_are_their_owners_and_refusals_change_nothing,
    alerts_fire_once_on_the_trade_that_reaches_them,
    indicators_are_computed_over_the_candles,
);

const WATCHLIST_FIELDS: &str = "id name symbols quotes { symbol last }";
const ALERT_FIELDS: &str =
    "id symbol kind level triggerPrice status createdAt firedAt firedPrice cancelledAt";

fn create_watchlist() -> String {
    format!(
        "mutation($n: String!, $s: [String!]) {{ createWatchlist(name: $n, symbols: $s) {{ {WATCHLIST_FIELDS} }} }}"
    )
}

fn update_watchlist() -> String {
    format!(
        "mutation($id: ID!, $n: String, $s: [String!]) {{ updateWatchlist(id: $id, name: $n, symbols: $s) {{ {WATCHLIST_FIELDS} }} }}"
    )
}

fn my_watchlists() -> String {
    format!("{{ myWatchlists {{ {WATCHLIST_FIELDS} }} }}")
}

fn create_alert() -> String {
    format!(
        "mutation($s: String!, $k: AlertKind!, $l: Decimal!) {{ createAlert(symbol: $s, kind: $k, level: $l) {{ {ALERT_FIELDS} }} }}"
    )
}

fn cancel_alert() -> String {
    format!("mutation($id: ID!) {{ cancelAlert(id: $id) {{ {ALERT_FIELDS} }} }}")
}

async fn watchlists_are_their_owners_and_refusals_change_nothing(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let issuer = app.register("watchissuer", "CORPORATE").await;
    let other_issuer = app.register("watchissuer2", "CORPORATE").await;
    let alice = app.register("watchalice", "INDIVIDUAL").await;
    let bob = app.register("watchbob", "INDIVIDUAL").await;
    app.list_company("AAA", "Tech", 1_000, "10.00", None, &issuer)
        .await;
    app.list_company("BBB", "Tech", 1_000, "20.00", None, &other_issuer)
        .await;

    let made = app
        .data(
            &create_watchlist(),
            json!({ "n": "  Tech  ", "s": ["BBB", "AAA"] }),
            Some(&alice.token),
        )
        .await["createWatchlist"]
        .clone();
    assert_eq!(made["name"], "Tech");
    assert_eq!(made["symbols"], json!(["BBB", "AAA"]));
    let quoted: Vec<&str> = made["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["symbol"].as_str().unwrap())
        .collect();
    assert_eq!(quoted, ["BBB", "AAA"]);
    let id = id_of(&made);
    let before = app
        .data(&my_watchlists(), json!({}), Some(&alice.token))
        .await;

    let refusals = [
        (json!({ "n": "Tech", "s": [] }), "CONFLICT"),
        (json!({ "n": "Other", "s": ["ZZZ"] }), "NOT_FOUND"),
        (
            json!({ "n": "Other", "s": ["AAA", "AAA"] }),
            "BAD_USER_INPUT",
        ),
        (json!({ "n": "   ", "s": [] }), "BAD_USER_INPUT"),
        (json!({ "n": "x".repeat(65), "s": [] }), "BAD_USER_INPUT"),
        (
            json!({ "n": "Other", "s": ["not a symbol"] }),
            "BAD_USER_INPUT",
        ),
    ];
    for (variables, code) in refusals {
        let got = app
            .error_code(&create_watchlist(), variables.clone(), Some(&alice.token))
            .await;
        assert_eq!(got, code, "{variables}");
    }
    let anonymous = app
        .error_code(&create_watchlist(), json!({ "n": "Anon" }), None)
        .await;
    assert_eq!(anonymous, "UNAUTHENTICATED");
    let after = app
        .data(&my_watchlists(), json!({}), Some(&alice.token))
        .await;
    assert_eq!(before, after, "a refused watchlist changed nothing");

    // Someone else's list is not there for them.
    let foreign = app
        .error_code(
            &update_watchlist(),
            json!({ "id": id, "n": "Mine" }),
            Some(&bob.token),
        )
        .await;
    assert_eq!(foreign, "NOT_FOUND");
    let bobs = app
        .data(&my_watchlists(), json!({}), Some(&bob.token))
        .await;
    assert_eq!(bobs["myWatchlists"], json!([]));

    // Renaming and reordering; a refused update leaves both as they were.
    app.data(
        &create_watchlist(),
        json!({ "n": "Second" }),
        Some(&alice.token),
    )
    .await;
    let clash = app
        .error_code(
            &update_watchlist(),
            json!({ "id": id, "n": "Second", "s": ["AAA"] }),
            Some(&alice.token),
        )
        .await;
    assert_eq!(clash, "CONFLICT");
    let updated = app
        .data(
            &update_watchlist(),
            json!({ "id": id, "s": ["AAA", "BBB"] }),
            Some(&alice.token),
        )
        .await["updateWatchlist"]
        .clone();
    assert_eq!(updated["name"], "Tech");
    assert_eq!(updated["symbols"], json!(["AAA", "BBB"]));
    let renamed = app
        .data(
            &update_watchlist(),
            json!({ "id": id, "n": "Growth" }),
            Some(&alice.token),
        )
        .await["updateWatchlist"]
        .clone();
    assert_eq!(renamed["name"], "Growth");
    assert_eq!(renamed["symbols"], json!(["AAA", "BBB"]));

    let delete = "mutation($id: ID!) { deleteWatchlist(id: $id) }";
    let gone = app
        .data(delete, json!({ "id": id }), Some(&alice.token))
        .await;
    assert_eq!(gone["deleteWatchlist"], true);
    let again = app
        .error_code(delete, json!({ "id": id }), Some(&alice.token))
        .await;
    assert_eq!(again, "NOT_FOUND");
    let left = app
        .data(&my_watchlists(), json!({}), Some(&alice.token))
        .await;
    let names: Vec<&str> = left["myWatchlists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Second"]);
}

/// A trade of one share at `price` between the issuer and `buyer`.
async fn trade(app: &TestApp, issuer: &User, buyer: &User, price: &str) {
    app.limit(issuer, "ALRT", "SELL", 1, price).await;
    let bought = app.limit(buyer, "ALRT", "BUY", 1, price).await;
    assert_eq!(bought["status"], "FILLED", "{bought}");
}

async fn alert(app: &TestApp, who: &User, kind: &str, level: &str) -> Value {
    app.data(
        &create_alert(),
        json!({ "s": "ALRT", "k": kind, "l": level }),
        Some(&who.token),
    )
    .await["createAlert"]
        .clone()
}

async fn my_alerts(app: &TestApp, who: &User, status: &str) -> Vec<Value> {
    let data = app
        .data(
            &format!("query($s: [AlertStatus!]) {{ myAlerts(status: $s, limit: 500) {{ {ALERT_FIELDS} }} }}"),
            json!({ "s": [status] }),
            Some(&who.token),
        )
        .await;
    as_array(&data["myAlerts"])
}

async fn alerts_fire_once_on_the_trade_that_reaches_them(backend: Backend) {
    let Some(mut app) = TestApp::spawn(backend).await else {
        return;
    };
    let issuer = app.register("alrtissuer", "CORPORATE").await;
    let alice = app.register("alrtalice", "INDIVIDUAL").await;
    let bob = app.register("alrtbob", "INDIVIDUAL").await;
    app.list_company("ALRT", "Tech", 10_000, "10.00", None, &issuer)
        .await;
    app.deposit(&alice, "1000.00").await;
    app.deposit(&bob, "1000.00").await;

    let above = alert(&app, &alice, "PRICE_ABOVE", "10.50").await;
    assert_eq!(above["status"], "ACTIVE");
    assert_dec(&above["triggerPrice"], "10.50");
    let below = alert(&app, &alice, "PRICE_BELOW", "9.50").await;
    // 5% up from the IPO price, 10.00.
    let change = alert(&app, &alice, "CHANGE_UP", "5").await;
    assert_dec(&change["level"], "5");
    assert_dec(&change["triggerPrice"], "10.50");
    // 2.55% of 10.00 is 0.255: a fall to 9.75 is less, 9.74 enough.
    let fall = alert(&app, &alice, "CHANGE_DOWN", "2.55").await;
    assert_dec(&fall["triggerPrice"], "9.74");
    alert(&app, &bob, "PRICE_ABOVE", "10.50").await;

    let refusals = [
        (
            json!({ "s": "ALRT", "k": "PRICE_ABOVE", "l": "0" }),
            "BAD_USER_INPUT",
        ),
        (
            json!({ "s": "ALRT", "k": "PRICE_ABOVE", "l": "10.505" }),
            "BAD_USER_INPUT",
        ),
        (
            json!({ "s": "ALRT", "k": "CHANGE_DOWN", "l": "100" }),
            "BAD_USER_INPUT",
        ),
        (
            json!({ "s": "ALRT", "k": "CHANGE_UP", "l": "1.234" }),
            "BAD_USER_INPUT",
        ),
        (
            json!({ "s": "NOPE", "k": "PRICE_ABOVE", "l": "1" }),
            "NOT_FOUND",
        ),
        (
            json!({ "s": "ALRT", "k": "SOMETIMES", "l": "1" }),
            "BAD_USER_INPUT",
        ),
    ];
    for (variables, code) in refusals {
        let got = app
            .error_code(&create_alert(), variables.clone(), Some(&alice.token))
            .await;
        assert_eq!(got, code, "{variables}");
    }
    assert_eq!(
        app.error_code(
            &create_alert(),
            json!({ "s": "ALRT", "k": "PRICE_ABOVE", "l": "11" }),
            None
        )
        .await,
        "UNAUTHENTICATED"
    );
    assert_eq!(my_alerts(&app, &alice, "ACTIVE").await.len(), 4);

    // Cancelling: only one's own, only once.
    let cancelled = app
        .data(
            &cancel_alert(),
            json!({ "id": id_of(&below) }),
            Some(&alice.token),
        )
        .await["cancelAlert"]
        .clone();
    assert_eq!(cancelled["status"], "CANCELLED");
    assert!(cancelled["cancelledAt"].is_string());
    for (who, id, code) in [
        (&alice, id_of(&below), "CONFLICT"),
        (&bob, id_of(&above), "NOT_FOUND"),
        (&alice, "x".to_string(), "BAD_USER_INPUT"),
    ] {
        let got = app
            .error_code(&cancel_alert(), json!({ "id": id }), Some(&who.token))
            .await;
        assert_eq!(got, code);
    }

    let mut ws = WsClient::connect_as(&app.ws_url, Protocol::TransportWs, Some(&alice.token)).await;
    let sub = ws.subscribe(
        &format!("subscription {{ myAlerts {{ {ALERT_FIELDS} }} }}"),
        json!({}),
    );
    ws.assert_silent(&sub, Duration::from_millis(500)).await;

    // Short of the levels: nothing fires.
    trade(&app, &issuer, &bob, "10.40").await;
    ws.assert_silent(&sub, Duration::from_millis(700)).await;

    // At the level: alice's two fire (not bob's, on her stream), once.
    trade(&app, &issuer, &bob, "10.50").await;
    let mut fired = Vec::new();
    for _ in 0..2 {
        let event = ws.next_data(&sub).await["myAlerts"].clone();
        assert_eq!(event["status"], "FIRED");
        assert_dec(&event["firedPrice"], "10.50");
        assert!(event["firedAt"].is_string());
        fired.push(id_of(&event));
    }
    fired.sort();
    let mut expected = vec![id_of(&above), id_of(&change)];
    expected.sort();
    assert_eq!(fired, expected);
    trade(&app, &issuer, &bob, "10.60").await;
    ws.assert_silent(&sub, Duration::from_millis(700)).await;

    let history = app
        .data(
            &format!("{{ alertHistory {{ {ALERT_FIELDS} }} }}"),
            json!({}),
            Some(&alice.token),
        )
        .await;
    assert_eq!(as_array(&history["alertHistory"]).len(), 2);
    assert_eq!(my_alerts(&app, &bob, "FIRED").await.len(), 1);
    let late = app
        .error_code(
            &cancel_alert(),
            json!({ "id": id_of(&above) }),
            Some(&alice.token),
        )
        .await;
    assert_eq!(late, "CONFLICT");

    // A waiting alert survives a restart and fires after it.
    app.restart().await;
    assert_eq!(my_alerts(&app, &alice, "ACTIVE").await.len(), 1);
    trade(&app, &issuer, &bob, "9.74").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let fired = my_alerts(&app, &alice, "FIRED").await;
        if fired.iter().any(|a| a["id"] == fall["id"]) {
            break;
        }
        assert!(Instant::now() < deadline, "the restored alert did not fire");
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }

    // At most 100 waiting per account; the 101st is refused and not kept.
    for n in 0..100 {
        alert(&app, &bob, "PRICE_ABOVE", &format!("{}.00", 20 + n)).await;
    }
    let over = app
        .error_code(
            &create_alert(),
            json!({ "s": "ALRT", "k": "PRICE_ABOVE", "l": "200" }),
            Some(&bob.token),
        )
        .await;
    assert_eq!(over, "BAD_USER_INPUT");
    assert_eq!(my_alerts(&app, &bob, "ACTIVE").await.len(), 100);

    // Delisting cancels what still waits on the symbol.
    app.admin_mutation(
        "mutation { delistCompany(symbol: \"ALRT\") { listed } }",
        json!({}),
    )
    .await;
    assert_eq!(my_alerts(&app, &bob, "ACTIVE").await.len(), 0);
    assert_eq!(my_alerts(&app, &bob, "CANCELLED").await.len(), 100);
    let refused = app
        .error_code(
            &create_alert(),
            json!({ "s": "ALRT", "k": "PRICE_ABOVE", "l": "200" }),
            Some(&bob.token),
        )
        .await;
    assert_eq!(refused, "NOT_FOUND");
}

async fn indicators_are_computed_over_the_candles(backend: Backend) {
    let start: chrono::DateTime<chrono::Utc> = "2026-03-02T10:00:00Z".parse().unwrap();
    let clock = Arc::new(ManualClock::new(Timestamp::from_datetime(start)));
    let Some(app) = TestApp::spawn_with_clock(backend, Settings::default(), clock.clone()).await
    else {
        return;
    };
    let issuer = app.register("indissuer", "CORPORATE").await;
    let buyer = app.register("indbuyer", "INDIVIDUAL").await;
    app.list_company("ALRT", "Tech", 10_000, "10.00", None, &issuer)
        .await;
    app.deposit(&buyer, "1000.00").await;
    // One trade a minute: closes 10, 11, 12, 10.
    for price in ["10.00", "11.00", "12.00", "10.00"] {
        trade(&app, &issuer, &buyer, price).await;
        clock.advance_millis(60_000);
    }
    let query = "query($k: [IndicatorKind!]!) { indicators(symbol: \"ALRT\", interval: M1, kinds: $k, period: 2, limit: 10) { \
        kind points { start value signal histogram upper lower } } }";
    let deadline = Instant::now() + Duration::from_secs(10);
    let series = loop {
        let data = app
            .data(
                query,
                json!({ "k": ["SMA", "RSI", "BOLLINGER", "VWAP", "MACD"] }),
                None,
            )
            .await;
        let series = as_array(&data["indicators"]);
        if series[0]["points"].as_array().is_some_and(|p| p.len() == 3) {
            break series;
        }
        assert!(
            Instant::now() < deadline,
            "the trades were not stored: {data}"
        );
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    };
    let values = |i: usize, field: &str| -> Vec<Decimal> {
        as_array(&series[i]["points"])
            .iter()
            .map(|p| dec(&p[field]))
            .collect()
    };
    let decimals =
        |texts: &[&str]| -> Vec<Decimal> { texts.iter().map(|t| t.parse().unwrap()).collect() };
    assert_eq!(series[0]["kind"], "SMA");
    assert_eq!(values(0, "value"), decimals(&["10.5", "11.5", "11"]));
    // RSI(2), Wilder: gains 1, 1 then a loss of 2: 100, then
    // avg gain 0.5, avg loss 1: 100 - 100 / 1.5 = 33.3333.
    assert_eq!(series[1]["kind"], "RSI");
    assert_eq!(values(1, "value"), decimals(&["100", "33.3333"]));
    // Bollinger(2, 2σ) at the last candle: middle 11, σ 1.
    assert_eq!(values(2, "upper").last(), decimals(&["13"]).last());
    assert_eq!(values(2, "lower").last(), decimals(&["9"]).last());
    // VWAP of one share each: (10 + 11 + 12 + 10) / 4.
    assert_eq!(values(3, "value").last(), decimals(&["10.75"]).last());
    // Four candles are too few for MACD's 26 and 9.
    assert_eq!(series[4]["points"], json!([]));

    for (variables, code) in [
        (json!({ "k": [] }), "BAD_USER_INPUT"),
        (json!({ "k": ["SMA", "SMA"] }), "BAD_USER_INPUT"),
    ] {
        assert_eq!(app.error_code(query, variables, None).await, code);
    }
    let long = "{ indicators(symbol: \"ALRT\", interval: M1, kinds: [SMA], period: 201) { kind } }";
    assert_eq!(
        app.error_code(long, json!({}), None).await,
        "BAD_USER_INPUT"
    );
    let unknown = "{ indicators(symbol: \"NOPE\", interval: M1, kinds: [SMA]) { kind } }";
    assert_eq!(app.error_code(unknown, json!({}), None).await, "NOT_FOUND");
}
