//! Subscriptions over a real WebSocket, on both sub-protocols
//! (graphql-transport-ws and the legacy graphql-ws): a trade placed over
//! HTTP arrives on `trades(symbol)` and on `myOrders` of both parties, with
//! sequence numbers one apart for consecutive book changes; `orderBook`
//! starts with a snapshot and then follows the book with increasing
//! sequence numbers. On SQLite and Postgres.

mod support;

use std::time::Duration;

use marketlab::api::transport::TransportSettings;
use marketlab::startup::Settings;
use serde_json::{Value, json};
use support::app::{TestApp, User, as_array, id_of};
use support::db::Backend;
use support::graphql_ws::{Event, Protocol, WsClient, bearer};

const TRADES: &str = "subscription($s: String!) { trades(symbol: $s) { \
    id symbol price quantity aggressorSide executedAt sequence } }";
const MY_ORDERS: &str = "subscription { myOrders { id symbol side type status quantity \
    filledQuantity remainingQuantity limitPrice fills { tradeId price quantity fee tax } } }";
const ORDER_BOOK: &str = "subscription($s: String!, $d: Int) { orderBook(symbol: $s, depth: $d) { \
    symbol sequence bids { price quantity orders } asks { price quantity orders } } }";

/// Subscriptions start on the server a moment after the subscribe message
/// (a resolver runs first): let them settle before acting.
const SETTLE: Duration = Duration::from_millis(500);

/// Reads `myOrders` updates until order `id` shows `status`; that update.
/// Updates about other orders are skipped (the end of the test checks
/// they all belong to the subscriber).
async fn order_update(ws: &mut WsClient, sub: &str, id: &str, status: &str) -> Value {
    loop {
        let data = ws.next_data(sub).await;
        let order = data["myOrders"].clone();
        assert!(order["id"].is_string(), "an order: {data}");
        if order["id"] == id && order["status"] == status {
            return order;
        }
    }
}

/// Reads `myOrders` updates until each `(order id, status)` has shown up, in
/// whatever order; the matching updates, in the order of `wanted`.
async fn order_updates(ws: &mut WsClient, sub: &str, wanted: &[(&str, &str)]) -> Vec<Value> {
    let mut found: Vec<Option<Value>> = vec![None; wanted.len()];
    while found.iter().any(Option::is_none) {
        let data = ws.next_data(sub).await;
        let order = data["myOrders"].clone();
        for (slot, (id, status)) in found.iter_mut().zip(wanted) {
            if order["id"] == *id && order["status"] == *status {
                *slot = Some(order.clone());
            }
        }
    }
    found.into_iter().flatten().collect()
}

/// Each fill as "QTY @ PRICE fee FEE tax TAX (trade ID)".
fn fills(order: &Value) -> Vec<String> {
    as_array(&order["fills"])
        .iter()
        .map(|f| {
            format!(
                "{} @ {} fee {} tax {} (trade {})",
                f["quantity"],
                f["price"].as_str().unwrap_or("?"),
                f["fee"].as_str().unwrap_or("?"),
                f["tax"].as_str().unwrap_or("?"),
                f["tradeId"].as_str().unwrap_or("?"),
            )
        })
        .collect()
}

async fn next_trade(ws: &mut WsClient, sub: &str) -> Value {
    ws.next_data(sub).await["trades"].clone()
}

async fn market(app: &TestApp) -> (User, User) {
    let corp = app.register("acme_corp", "CORPORATE").await;
    let alice = app.register("alice", "INDIVIDUAL").await;
    app.list_company("ACME", "Technology", 1_000, "100.00", None, &corp)
        .await;
    app.deposit(&alice, "20000.00").await;
    (corp, alice)
}

async fn trades_and_my_orders(backend: Backend, protocol: Protocol) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (corp, alice) = market(&app).await;

    let mut alice_ws = WsClient::connect_as(&app.ws_url, protocol, Some(&alice.token)).await;
    let trades = alice_ws.subscribe(TRADES, json!({ "s": "ACME" }));
    let alice_orders = alice_ws.subscribe(MY_ORDERS, json!({}));
    let mut corp_ws = WsClient::connect_as(&app.ws_url, protocol, Some(&corp.token)).await;
    let corp_orders = corp_ws.subscribe(MY_ORDERS, json!({}));
    actix_web::rt::time::sleep(SETTLE).await;

    // Make sure the trades feed is live before counting on it: one-share
    // trades until one shows up, then let the feed go quiet.
    let mut alice_ids = Vec::new();
    let mut corp_ids = Vec::new();
    let mut warm_seq = None;
    for _ in 0..10 {
        corp_ids.push(id_of(&app.limit(&corp, "ACME", "SELL", 1, "100.00").await));
        alice_ids.push(id_of(&app.limit(&alice, "ACME", "BUY", 1, "100.00").await));
        if let Some(event) = alice_ws.next_event(&trades, SETTLE).await {
            let Event::Next(payload) = event else {
                panic!("the trades feed: {event:?}");
            };
            warm_seq = payload["data"]["trades"]["sequence"].as_i64();
            break;
        }
    }
    let mut warm_seq = warm_seq.expect("a trade shows up on the trades feed");
    while let Some(event) = alice_ws
        .next_event(&trades, Duration::from_millis(300))
        .await
    {
        let Event::Next(payload) = event else {
            panic!("the trades feed: {event:?}");
        };
        let seq = payload["data"]["trades"]["sequence"].as_i64().unwrap();
        assert!(seq > warm_seq, "trades arrive in sequence order");
        warm_seq = seq;
    }

    // Each side sees its own new order.
    let s1 = app.limit(&corp, "ACME", "SELL", 100, "100.00").await;
    let s1_id = id_of(&s1);
    let seen = order_update(&mut corp_ws, &corp_orders, &s1_id, "OPEN").await;
    assert_eq!(seen["remainingQuantity"], 100);
    assert_eq!(seen["side"], "SELL");
    let probe = app.limit(&alice, "ACME", "BUY", 1, "90.00").await;
    order_update(&mut alice_ws, &alice_orders, &id_of(&probe), "OPEN").await;

    // ---- one trade: alice buys 30 of S1 ----
    // 3,000.00: commission 0.45 each side, tax 5.40 on the sale.
    let b1 = app.limit(&alice, "ACME", "BUY", 30, "100.00").await;
    let b1_id = id_of(&b1);
    assert_eq!(b1["status"], "FILLED");
    let t1 = next_trade(&mut alice_ws, &trades).await;
    assert_eq!(t1["symbol"], "ACME");
    assert_eq!(t1["price"], "100.00");
    assert_eq!(t1["quantity"], 30);
    assert_eq!(t1["aggressorSide"], "BUY");
    let t1_id = id_of(&t1);
    let s1_seq = t1["sequence"].as_i64().expect("sequence is a Long");

    let seen = order_update(&mut alice_ws, &alice_orders, &b1_id, "FILLED").await;
    assert_eq!(seen["filledQuantity"], 30);
    assert_eq!(
        fills(&seen),
        vec![format!("30 @ 100.00 fee 0.45 tax 0.00 (trade {t1_id})")]
    );
    let seen = order_update(&mut corp_ws, &corp_orders, &s1_id, "PARTIALLY_FILLED").await;
    assert_eq!(seen["filledQuantity"], 30);
    assert_eq!(seen["remainingQuantity"], 70);
    assert_eq!(
        fills(&seen),
        vec![format!("30 @ 100.00 fee 0.45 tax 5.40 (trade {t1_id})")]
    );

    // ---- one order, two trades: consecutive book changes ----
    let s2 = app.limit(&corp, "ACME", "SELL", 20, "100.00").await;
    let s2_id = id_of(&s2);
    order_update(&mut corp_ws, &corp_orders, &s2_id, "OPEN").await;
    // alice takes S1's 70 and S2's 20 at 100.00: 7,000.00 then 2,000.00.
    // Her commission: 1.05 on 7,000.00, then 1.35 on 9,000.00 less 1.05 = 0.30.
    // S1 (cumulative 10,000.00): commission 1.50 - 0.45 = 1.05, tax 18.00 - 5.40 = 12.60.
    // S2: 0.30 and 3.60.
    let b2 = app.limit(&alice, "ACME", "BUY", 90, "100.00").await;
    let b2_id = id_of(&b2);
    assert_eq!(b2["status"], "FILLED");
    let t2 = next_trade(&mut alice_ws, &trades).await;
    let t3 = next_trade(&mut alice_ws, &trades).await;
    assert_eq!(
        (t2["quantity"].clone(), t3["quantity"].clone()),
        (json!(70), json!(20))
    );
    let (seq2, seq3) = (
        t2["sequence"].as_i64().unwrap(),
        t3["sequence"].as_i64().unwrap(),
    );
    assert!(
        s1_seq > warm_seq,
        "sequences increase: {warm_seq} then {s1_seq}"
    );
    assert!(seq2 > s1_seq, "sequences increase: {s1_seq} then {seq2}");
    assert_eq!(
        seq3,
        seq2 + 1,
        "two trades in a row are two book changes in a row"
    );
    let (t2_id, t3_id) = (id_of(&t2), id_of(&t3));

    let seen = order_update(&mut alice_ws, &alice_orders, &b2_id, "FILLED").await;
    assert_eq!(
        fills(&seen),
        vec![
            format!("70 @ 100.00 fee 1.05 tax 0.00 (trade {t2_id})"),
            format!("20 @ 100.00 fee 0.30 tax 0.00 (trade {t3_id})"),
        ]
    );
    let seen = order_updates(
        &mut corp_ws,
        &corp_orders,
        &[(&s1_id, "FILLED"), (&s2_id, "FILLED")],
    )
    .await;
    assert_eq!(
        fills(&seen[0]),
        vec![
            format!("30 @ 100.00 fee 0.45 tax 5.40 (trade {t1_id})"),
            format!("70 @ 100.00 fee 1.05 tax 12.60 (trade {t2_id})"),
        ]
    );
    assert_eq!(
        fills(&seen[1]),
        vec![format!("20 @ 100.00 fee 0.30 tax 3.60 (trade {t3_id})")]
    );

    // The feed and the query agree.
    let listed = app
        .data(
            "query { trades(symbol: \"ACME\") { id sequence price quantity } \
                     orderBook(symbol: \"ACME\") { sequence } }",
            json!({}),
            None,
        )
        .await;
    let mut queried: Vec<(String, i64)> = as_array(&listed["trades"])
        .iter()
        .map(|t| (id_of(t), t["sequence"].as_i64().unwrap()))
        .filter(|(_, seq)| *seq > warm_seq)
        .collect();
    queried.sort_by_key(|(_, seq)| *seq);
    assert_eq!(
        queried,
        vec![(t1_id.clone(), s1_seq), (t2_id, seq2), (t3_id, seq3)]
    );
    assert!(listed["orderBook"]["sequence"].as_i64().unwrap() > seq3);

    // ---- unsubscribing ends the feed, and only that feed ----
    alice_ws.unsubscribe_and_wait(&trades).await;
    let s3 = app.limit(&corp, "ACME", "SELL", 5, "100.00").await;
    let b3 = app.limit(&alice, "ACME", "BUY", 5, "100.00").await;
    assert_eq!(b3["status"], "FILLED");
    order_update(&mut alice_ws, &alice_orders, &id_of(&b3), "FILLED").await;
    order_update(&mut corp_ws, &corp_orders, &id_of(&s3), "FILLED").await;
    alice_ws
        .assert_silent(&trades, Duration::from_millis(500))
        .await;
    // Cancelling shows up too.
    app.cancel(&alice, &id_of(&probe)).await;
    order_update(&mut alice_ws, &alice_orders, &id_of(&probe), "CANCELLED").await;

    // Nobody sees another account's orders: whatever else is still in
    // flight belongs to the subscriber.
    alice_ids.extend([id_of(&probe), b1_id, b2_id, id_of(&b3)]);
    corp_ids.extend([s1_id, s2_id, id_of(&s3)]);
    for (ws, sub, ids) in [
        (&mut alice_ws, &alice_orders, &alice_ids[..]),
        (&mut corp_ws, &corp_orders, &corp_ids[..]),
    ] {
        while let Some(event) = ws.next_event(sub, Duration::from_millis(300)).await {
            let Event::Next(payload) = event else {
                panic!("expected order updates, got {event:?}");
            };
            let order = &payload["data"]["myOrders"];
            assert!(
                ids.iter().any(|id| order["id"] == id.as_str()),
                "an update about someone else's order: {order}"
            );
        }
    }
}

async fn trades_and_my_orders_over_graphql_transport_ws(backend: Backend) {
    trades_and_my_orders(backend, Protocol::TransportWs).await;
}

async fn trades_and_my_orders_over_graphql_ws(backend: Backend) {
    trades_and_my_orders(backend, Protocol::LegacyWs).await;
}

/// `orderBook`: a snapshot first, then the book after each change, with
/// increasing sequence numbers; both protocols side by side see the same.
/// (With book updates allowed often enough that two commands a few
/// milliseconds apart are not conflated; `api_live` tests conflation.)
async fn order_book_snapshot_then_changes(backend: Backend) {
    let settings = Settings {
        transport: TransportSettings {
            book_updates_per_second: 1_000,
            ..TransportSettings::default()
        },
        ..Settings::default()
    };
    let Some(app) = TestApp::spawn_with(backend, settings).await else {
        return;
    };
    let (corp, alice) = market(&app).await;
    app.limit(&corp, "ACME", "SELL", 100, "101.00").await;
    app.limit(&corp, "ACME", "SELL", 50, "102.00").await;
    let before = app.order_book("ACME", 5).await;
    assert_eq!(
        before["asks"],
        json!([
            { "price": "101.00", "quantity": 100, "orders": 1 },
            { "price": "102.00", "quantity": 50, "orders": 1 },
        ])
    );

    let mut clients = Vec::new();
    for protocol in Protocol::BOTH {
        let mut ws = WsClient::connect_as(&app.ws_url, protocol, Some(&alice.token)).await;
        let id = ws.subscribe(ORDER_BOOK, json!({ "s": "ACME", "d": 5 }));
        let snapshot = ws.next_data(&id).await["orderBook"].clone();
        assert_eq!(
            snapshot,
            before,
            "{}: the first message is the book as it is",
            protocol.name()
        );
        clients.push((ws, id, before["sequence"].as_i64().unwrap()));
    }

    // A bid rests, then a buy takes 30 of the best ask.
    app.limit(&alice, "ACME", "BUY", 10, "99.00").await;
    app.limit(&alice, "ACME", "BUY", 30, "101.00").await;
    let after = app.order_book("ACME", 5).await;
    assert_eq!(
        after["bids"],
        json!([{ "price": "99.00", "quantity": 10, "orders": 1 }])
    );
    assert_eq!(
        after["asks"],
        json!([
            { "price": "101.00", "quantity": 70, "orders": 1 },
            { "price": "102.00", "quantity": 50, "orders": 1 },
        ])
    );
    let last = after["sequence"].as_i64().unwrap();
    for (mut ws, id, mut sequence) in clients {
        let mut updates = 0;
        let mut seen_bid = false;
        loop {
            let book = ws.next_data(&id).await["orderBook"].clone();
            updates += 1;
            let next = book["sequence"].as_i64().unwrap();
            assert!(
                next > sequence,
                "{}: sequence {sequence} then {next}",
                ws.protocol.name()
            );
            sequence = next;
            seen_bid |= book["bids"] == after["bids"] && book["asks"] == before["asks"];
            if next == last {
                assert_eq!(
                    book,
                    after,
                    "{}: the last update is the book as it is",
                    ws.protocol.name()
                );
                break;
            }
            assert!(
                next < last,
                "{}: sequence {next} beyond the book's {last}",
                ws.protocol.name()
            );
        }
        assert!(
            seen_bid,
            "{}: the bid alone was shown before the trade",
            ws.protocol.name()
        );
        assert!(updates >= 2, "one update per command at least");
        ws.assert_silent(&id, Duration::from_millis(300)).await;
    }
}

/// `myOrders` needs a signed-in caller; a bad token in connection_init is
/// refused; the `{"token": ...}` form of the payload works; unknown
/// symbols are NOT_FOUND.
async fn subscriptions_check_who_and_what(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_corp, alice) = market(&app).await;
    let open = app.limit(&alice, "ACME", "BUY", 1, "90.00").await;

    for protocol in Protocol::BOTH {
        let name = protocol.name();
        // No token: public feeds are fine, myOrders is not.
        let mut ws = WsClient::connect_as(&app.ws_url, protocol, None).await;
        let id = ws.subscribe(MY_ORDERS, json!({}));
        assert_eq!(ws.next_error_code(&id).await, "UNAUTHENTICATED", "{name}");
        let id = ws.subscribe(ORDER_BOOK, json!({ "s": "NOPE", "d": 5 }));
        assert_eq!(
            ws.next_error_code(&id).await,
            "NOT_FOUND",
            "{name}: orderBook of an unknown symbol"
        );
        let id = ws.subscribe(TRADES, json!({ "s": "NOPE" }));
        assert_eq!(
            ws.next_error_code(&id).await,
            "NOT_FOUND",
            "{name}: trades of an unknown symbol"
        );

        // A forged token: the connection is refused, or it stays anonymous
        // and myOrders says UNAUTHENTICATED.
        match WsClient::connect(&app.ws_url, protocol, bearer("abc.def.ghi")).await {
            Err(refused) => {
                eprintln!("{name}: a garbage token was refused at connection_init: {refused}")
            }
            Ok(mut ws) => {
                let id = ws.subscribe(MY_ORDERS, json!({}));
                assert_eq!(ws.next_error_code(&id).await, "UNAUTHENTICATED", "{name}");
            }
        }

        // {"token": "<accessToken>"} works as well as "authorization".
        let mut ws = WsClient::connect(&app.ws_url, protocol, json!({ "token": alice.token }))
            .await
            .unwrap_or_else(|e| panic!("{name}: the token form of connection_init: {e}"));
        let id = ws.subscribe(MY_ORDERS, json!({}));
        actix_web::rt::time::sleep(SETTLE).await;
        let probe = app.limit(&alice, "ACME", "BUY", 1, "89.00").await;
        order_update(&mut ws, &id, &id_of(&probe), "OPEN").await;
        app.cancel(&alice, &id_of(&probe)).await;
        order_update(&mut ws, &id, &id_of(&probe), "CANCELLED").await;
    }
    // alice's first order was never touched.
    assert_eq!(app.order(&alice, &id_of(&open)).await["status"], "OPEN");

    // A subscription that does not validate is the caller's input, with a
    // code like every other error.
    for protocol in Protocol::BOTH {
        let mut ws = WsClient::connect_as(&app.ws_url, protocol, None).await;
        let id = ws.subscribe(
            "subscription { orderBook(symbol: \"ACME\", side: HOLD) { sequence } }",
            json!({}),
        );
        assert_eq!(
            ws.next_error_code(&id).await,
            "BAD_USER_INPUT",
            "{}: an invalid subscription",
            protocol.name()
        );
        let id = ws.subscribe(ORDER_BOOK, json!({ "s": "ACME", "d": "five" }));
        assert_eq!(
            ws.next_error_code(&id).await,
            "BAD_USER_INPUT",
            "{}: a variable of the wrong type",
            protocol.name()
        );
    }
}

api_tests!(
    trades_and_my_orders_over_graphql_transport_ws,
    trades_and_my_orders_over_graphql_ws,
    order_book_snapshot_then_changes,
    subscriptions_check_who_and_what,
);
