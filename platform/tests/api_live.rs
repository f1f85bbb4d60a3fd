//! Live subscriptions at scale, over real WebSockets against a running
//! server: identical subscriptions share one execution (and `myOrders`
//! only within one account), a late joiner starts from the feed's current
//! state, book updates are conflated to the latest book, a client that
//! stops reading is closed with 4413 while the server stays healthy, and
//! the protocol's own limits (duplicate ids, subscriptions per connection).
//! On SQLite and Postgres.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use awc::ws::{Frame, Message};
use futures_util::{SinkExt, StreamExt};
use marketlab::api::live::outbox::OutboxLimits;
use marketlab::api::transport::TransportSettings;
use marketlab::startup::Settings;
use serde_json::{Value, json};
use support::app::{TestApp, User, id_of};
use support::db::Backend;
use support::graphql_ws::{Event, Protocol, WsClient};

const TRADES: &str =
    "subscription($s: String!) { trades(symbol: $s) { id symbol price quantity sequence } }";
const MY_ORDERS: &str = "subscription { myOrders { id symbol status quantity filledQuantity } }";
const ORDER_BOOK: &str = "subscription($s: String!) { orderBook(symbol: $s, depth: 5) { \
    symbol sequence bids { price quantity orders } asks { price quantity orders } } }";

/// Subscriptions start on the server a moment after the subscribe message.
const SETTLE: Duration = Duration::from_millis(500);
const QUIET: Duration = Duration::from_millis(300);

async fn market(app: &TestApp) -> (User, User) {
    let corp = app.register("acme_corp", "CORPORATE").await;
    let alice = app.register("alice", "INDIVIDUAL").await;
    app.list_company("ACME", "Technology", 100_000, "100.00", None, &corp)
        .await;
    app.deposit(&alice, "1000000.00").await;
    (corp, alice)
}

/// The server's unlabelled samples from GET /metrics.
async fn metrics(app: &TestApp) -> BTreeMap<String, i64> {
    let mut response = awc::Client::default()
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .expect("GET /metrics");
    let body = response.body().await.expect("a metrics body");
    String::from_utf8_lossy(&body)
        .lines()
        .filter(|line| !line.starts_with('#') && !line.contains('{'))
        .filter_map(|line| {
            let (name, value) = line.split_once(' ')?;
            Some((name.to_owned(), value.parse::<f64>().ok()? as i64))
        })
        .collect()
}

async fn metric(app: &TestApp, name: &str) -> i64 {
    metrics(app).await.get(name).copied().unwrap_or_else(|| {
        panic!("/metrics has no {name}");
    })
}

const STARTED: &str = "marketlab_subscription_executions_started_total";

async fn next_payload(ws: &mut WsClient, id: &str) -> Value {
    ws.next_payload(id).await
}

/// Two subscribers with one document and variables, on the two
/// sub-protocols and as different callers, get the same results from one
/// execution; other variables or another document run their own; a late
/// joiner starts from the latest trade, on the same execution.
async fn identical_subscriptions_share_one_execution(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (corp, alice) = market(&app).await;
    let bolt_corp = app.register("bolt_corp", "CORPORATE").await;
    app.list_company("BOLT", "Technology", 1_000, "10.00", None, &bolt_corp)
        .await;
    app.limit(&corp, "ACME", "SELL", 1_000, "101.00").await;
    let started = metric(&app, STARTED).await;

    let mut a = WsClient::connect_as(&app.ws_url, Protocol::TransportWs, Some(&alice.token)).await;
    let mut b = WsClient::connect_as(&app.ws_url, Protocol::LegacyWs, None).await;
    let sub_a = a.subscribe(TRADES, json!({ "s": "ACME" }));
    let sub_b = b.subscribe(TRADES, json!({ "s": "ACME" }));
    actix_web::rt::time::sleep(SETTLE).await;
    assert_eq!(
        metric(&app, STARTED).await,
        started + 1,
        "one execution for both"
    );
    assert_eq!(metric(&app, "marketlab_subscribers").await, 2);

    let results = metric(&app, "marketlab_subscription_results_total").await;
    for _ in 0..3 {
        app.limit(&alice, "ACME", "BUY", 1, "101.00").await;
    }
    let mut last = Value::Null;
    for _ in 0..3 {
        let from_a = next_payload(&mut a, &sub_a).await;
        let from_b = next_payload(&mut b, &sub_b).await;
        assert_eq!(from_a, from_b, "both protocols carry the same result");
        assert_eq!(from_a["data"]["trades"]["symbol"], "ACME");
        last = from_a;
    }
    assert_eq!(
        metric(&app, "marketlab_subscription_results_total").await,
        results + 3,
        "each trade executed once for the two subscribers"
    );

    // A late joiner: the latest trade first, then the feed's next.
    let mut c = WsClient::connect_as(&app.ws_url, Protocol::TransportWs, None).await;
    let sub_c = c.subscribe(TRADES, json!({ "s": "ACME" }));
    assert_eq!(next_payload(&mut c, &sub_c).await, last);
    assert_eq!(metric(&app, STARTED).await, started + 1, "it joined");

    // Other variables, another document: executions of their own.
    let other_symbol = c.subscribe(TRADES, json!({ "s": "BOLT" }));
    let book = c.subscribe(ORDER_BOOK, json!({ "s": "ACME" }));
    let snapshot = next_payload(&mut c, &book).await;
    assert_eq!(snapshot["data"]["orderBook"]["asks"][0]["quantity"], 997);
    assert_eq!(metric(&app, STARTED).await, started + 3);
    c.assert_silent(&other_symbol, QUIET).await;

    // Unsubscribing the last subscriber stops an execution.
    let running = metric(&app, "marketlab_subscription_executions").await;
    c.unsubscribe_and_wait(&other_symbol).await;
    actix_web::rt::time::sleep(QUIET).await;
    assert_eq!(
        metric(&app, "marketlab_subscription_executions").await,
        running - 1
    );
}

/// `myOrders` is shared by one account's connections and never across
/// accounts; a joiner starts from the account's open orders.
async fn my_orders_are_shared_only_within_an_account(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (corp, alice) = market(&app).await;
    let started = metric(&app, STARTED).await;
    let mut alice_1 =
        WsClient::connect_as(&app.ws_url, Protocol::TransportWs, Some(&alice.token)).await;
    let mut alice_2 =
        WsClient::connect_as(&app.ws_url, Protocol::LegacyWs, Some(&alice.token)).await;
    let mut corp_ws =
        WsClient::connect_as(&app.ws_url, Protocol::TransportWs, Some(&corp.token)).await;
    let a1 = alice_1.subscribe(MY_ORDERS, json!({}));
    let a2 = alice_2.subscribe(MY_ORDERS, json!({}));
    let c = corp_ws.subscribe(MY_ORDERS, json!({}));
    actix_web::rt::time::sleep(SETTLE).await;
    assert_eq!(
        metric(&app, STARTED).await,
        started + 2,
        "one execution per account"
    );

    let bid = id_of(&app.limit(&alice, "ACME", "BUY", 5, "90.00").await);
    let one = next_payload(&mut alice_1, &a1).await;
    let two = next_payload(&mut alice_2, &a2).await;
    assert_eq!(one, two);
    assert_eq!(one["data"]["myOrders"]["id"], bid);
    corp_ws.assert_silent(&c, QUIET).await;

    let ask = id_of(&app.limit(&corp, "ACME", "SELL", 7, "120.00").await);
    let corp_sees = next_payload(&mut corp_ws, &c).await;
    assert_eq!(corp_sees["data"]["myOrders"]["id"], ask);
    alice_1.assert_silent(&a1, QUIET).await;
    alice_2.assert_silent(&a2, QUIET).await;

    // Alice's third connection joins her feed: her open bid first.
    let mut alice_3 =
        WsClient::connect_as(&app.ws_url, Protocol::TransportWs, Some(&alice.token)).await;
    let a3 = alice_3.subscribe(MY_ORDERS, json!({}));
    let first = next_payload(&mut alice_3, &a3).await;
    assert_eq!(first["data"]["myOrders"]["id"], bid);
    assert_eq!(first["data"]["myOrders"]["status"], "OPEN");
    alice_3.assert_silent(&a3, QUIET).await;
    assert_eq!(metric(&app, STARTED).await, started + 2);
}

/// At one book update a second, twenty quick changes arrive as a few
/// frames, each with a larger sequence number, the last of them the book
/// as it is.
async fn book_updates_are_conflated_to_the_latest_book(backend: Backend) {
    let settings = Settings {
        transport: TransportSettings {
            book_updates_per_second: 1,
            ..TransportSettings::default()
        },
        ..Settings::default()
    };
    let Some(app) = TestApp::spawn_with(backend, settings).await else {
        return;
    };
    let (corp, alice) = market(&app).await;
    let mut ws = WsClient::connect_as(&app.ws_url, Protocol::TransportWs, None).await;
    let id = ws.subscribe(ORDER_BOOK, json!({ "s": "ACME" }));
    let snapshot = next_payload(&mut ws, &id).await;
    let mut sequence = snapshot["data"]["orderBook"]["sequence"].as_i64().unwrap();

    const CHANGES: usize = 20;
    for i in 0..CHANGES / 2 {
        app.limit(&alice, "ACME", "BUY", 1, &format!("{}.00", 90 + i))
            .await;
        app.limit(&corp, "ACME", "SELL", 1, &format!("{}.00", 110 + i))
            .await;
    }
    let book = app.order_book("ACME", 5).await;
    let last = book["sequence"].as_i64().unwrap();
    let mut frames = 0;
    loop {
        let payload = next_payload(&mut ws, &id).await;
        let shown = &payload["data"]["orderBook"];
        frames += 1;
        let next = shown["sequence"].as_i64().unwrap();
        assert!(next > sequence, "sequence {sequence} then {next}");
        sequence = next;
        if next == last {
            assert_eq!(*shown, book, "the last frame is the book as it is");
            break;
        }
    }
    assert!(
        frames < CHANGES,
        "{CHANGES} changes came as {frames} frames: conflated"
    );
    ws.assert_silent(&id, QUIET).await;
}

/// A trades subscriber that reads nothing: once the bytes waiting for it
/// pass its outbox's bounds, the server drops them and closes it with 4413;
/// it reads fewer frames than there were trades (nothing kept them all),
/// and the server goes on serving everyone else.
async fn a_client_that_stops_reading_is_closed_and_the_server_stays_healthy(backend: Backend) {
    let settings = Settings {
        transport: TransportSettings {
            ws_outbox: OutboxLimits {
                frames: 64,
                bytes: 64 * 1024,
            },
            ..TransportSettings::default()
        },
        ..Settings::default()
    };
    let Some(app) = TestApp::spawn_with(backend, settings).await else {
        return;
    };
    let (corp, alice) = market(&app).await;
    app.limit(&corp, "ACME", "SELL", 100_000, "100.00").await;

    // A large frame per trade (every alias a field), so that the socket's
    // own buffers fill after a few hundred.
    let aliases: String = (0..800).map(|i| format!("f{i}: executedAt ")).collect();
    let query = format!("subscription {{ trades(symbol: \"ACME\") {{ {aliases} }} }}");
    let (_, mut stalled) = awc::Client::new()
        .ws(&app.ws_url)
        .protocols(["graphql-transport-ws"])
        .max_frame_size(1 << 20)
        .connect()
        .await
        .expect("a WebSocket");
    for message in [
        json!({ "type": "connection_init", "payload": {} }),
        json!({ "id": "1", "type": "subscribe", "payload": { "query": query } }),
    ] {
        stalled
            .send(Message::Text(message.to_string().into()))
            .await
            .unwrap();
    }
    match stalled.next().await {
        Some(Ok(Frame::Text(text))) => assert!(
            String::from_utf8_lossy(&text).contains("connection_ack"),
            "{text:?}"
        ),
        other => panic!("expected connection_ack, got {other:?}"),
    }
    actix_web::rt::time::sleep(SETTLE).await;

    // Trades, 50 to a request, until the server gives up on the reader.
    let buys: String = (0..50)
        .map(|i| {
            format!(
                "b{i}: placeOrder(input: {{ symbol: \"ACME\", side: BUY, type: LIMIT, \
                 timeInForce: GTC, quantity: 1, limitPrice: \"100.00\" }}) {{ id }} "
            )
        })
        .collect();
    let buys = format!("mutation {{ {buys} }}");
    let metric_name = "marketlab_websocket_slow_consumer_disconnects_total";
    let mut trades = 0;
    while metric(&app, metric_name).await == 0 {
        assert!(
            trades < 20_000,
            "{trades} trades and the stalled reader is still served"
        );
        app.data(&buys, json!({}), Some(&alice.token)).await;
        trades += 50;
    }

    // Now it reads: what had reached its socket, then the close.
    let mut frames = 0;
    let close = loop {
        match actix_web::rt::time::timeout(Duration::from_secs(10), stalled.next()).await {
            Ok(Some(Ok(Frame::Text(_)))) => frames += 1,
            Ok(Some(Ok(Frame::Close(reason)))) => break reason,
            Ok(Some(Ok(_))) => {}
            other => panic!("expected frames and a close, got {other:?}"),
        }
    };
    let close = close.expect("a close reason");
    assert_eq!(u16::from(close.code), 4413);
    assert!(
        close
            .description
            .as_deref()
            .is_some_and(|d| d.contains("slow consumer")),
        "{close:?}"
    );
    assert!(frames < trades, "read {frames} frames of {trades} trades");

    // Everyone else is served as before.
    let mut health = awc::Client::default()
        .get(format!("{}/health", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200, "{:?}", health.body().await);
    let mut ws = WsClient::connect_as(&app.ws_url, Protocol::TransportWs, None).await;
    let id = ws.subscribe(TRADES, json!({ "s": "ACME" }));
    let latest = next_payload(&mut ws, &id).await;
    assert_eq!(latest["data"]["trades"]["quantity"], 1);
    app.limit(&alice, "ACME", "BUY", 2, "100.00").await;
    assert_eq!(
        next_payload(&mut ws, &id).await["data"]["trades"]["quantity"],
        2
    );
}

/// graphql-transport-ws closes a connection that reuses a running id with
/// 4409; the legacy protocol replaces the subscription. A connection runs
/// a bounded number of subscriptions.
async fn subscription_ids_and_counts_are_held_to_the_protocol(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    market(&app).await;
    let news = json!({ "query": "subscription { news { id } }" });

    let mut modern = WsClient::connect_as(&app.ws_url, Protocol::TransportWs, None).await;
    for _ in 0..2 {
        modern.send(json!({ "id": "same", "type": "subscribe", "payload": news }));
    }
    let closed = modern.wait_closed(support::graphql_ws::TIMEOUT).await;
    assert_eq!(
        closed.flatten().map(|(code, _)| code),
        Some(4409),
        "a second subscribe with a running id"
    );

    let mut legacy = WsClient::connect_as(&app.ws_url, Protocol::LegacyWs, None).await;
    for _ in 0..2 {
        legacy.send(json!({ "id": "same", "type": "start", "payload": news }));
    }
    assert_eq!(legacy.wait_closed(QUIET).await, None, "still open");

    let mut many = WsClient::connect_as(&app.ws_url, Protocol::TransportWs, None).await;
    for _ in 0..marketlab::api::live::SUBSCRIPTIONS_PER_CONNECTION {
        many.subscribe("subscription { news { id } }", json!({}));
    }
    let one_more = many.subscribe("subscription { news { id } }", json!({}));
    assert_eq!(many.next_error_code(&one_more).await, "BAD_USER_INPUT");
    assert_eq!(
        many.next_event(&one_more, QUIET).await,
        Some(Event::Complete)
    );
}

api_tests!(
    identical_subscriptions_share_one_execution,
    my_orders_are_shared_only_within_an_account,
    book_updates_are_conflated_to_the_latest_book,
    a_client_that_stops_reading_is_closed_and_the_server_stays_healthy,
    subscription_ids_and_counts_are_held_to_the_protocol,
);
