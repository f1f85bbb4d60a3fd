//! The server against a hostile or impatient client, over real HTTP and
//! WebSocket: cancels racing their own placement, twenty cancels of one
//! order, a fragment bomb, the standard introspection query, control
//! characters in strings, GraphQL-over-HTTP status codes and media types,
//! and the WebSocket protocol's timeouts, order and connection limits.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use futures_util::future::join_all;
use marketlab::api::rate_limit::RateLimitSettings;
use marketlab::api::transport::TransportSettings;
use marketlab::startup::Settings;
use serde_json::{Value, json};
use support::app::{TestApp, User, as_array, id_of};
use support::db::Backend;
use support::graphql_ws::{Protocol, WsClient, bearer};

api_tests!(
    cancels_racing_placements_never_leave_ghost_orders,
    control_characters_are_refused_alike_on_both_backends,
);

/// A generous rate, so that the races are not cut short by the limiter.
fn settings() -> Settings {
    Settings {
        rate_limit: RateLimitSettings {
            per_second: 100_000,
            burst: 100_000,
        },
        transport: TransportSettings {
            ws_init_timeout: Duration::from_millis(400),
            ws_per_address: 6,
            ws_per_account: 2,
            ..TransportSettings::default()
        },
        ..Settings::default()
    }
}

const CANCEL: &str = "mutation($id: ID!) { cancelOrder(id: $id) { id status } }";
const PLACE: &str =
    "mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }";

fn bid(price: &str) -> Value {
    json!({ "input": {
        "symbol": "RACE", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
        "quantity": 10, "limitPrice": price,
    }})
}

/// What an account and its book say is open, and the cash it reserves.
async fn open_state(app: &TestApp, trader: &User) -> (BTreeSet<String>, Value, Value) {
    let open: BTreeSet<String> = app
        .my_orders(trader)
        .await
        .iter()
        .filter(|o| o["status"] == "OPEN")
        .map(id_of)
        .collect();
    let book = app
        .data(
            "query { orderBook(symbol: \"RACE\", depth: 50) { bids { price quantity orders } } }",
            json!({}),
            None,
        )
        .await;
    let me = app.balances(trader).await;
    (
        open,
        book["orderBook"]["bids"].clone(),
        me["availableCash"].clone(),
    )
}

async fn cancels_racing_placements_never_leave_ghost_orders(backend: Backend) {
    let Some(mut app) = TestApp::spawn_with(backend, settings()).await else {
        return;
    };
    let issuer = app.register("raceissuer", "CORPORATE").await;
    app.list_company("RACE", "Tech", 1_000_000, "50.00", None, &issuer)
        .await;
    let trader = app.register("racer", "INDIVIDUAL").await;
    app.deposit(&trader, "100000.00").await;
    let token = trader.token.clone();
    let mut last = id_of(&app.limit(&trader, "RACE", "BUY", 10, "45.00").await)
        .parse::<i64>()
        .unwrap();
    for round in 0..8 {
        // The next order of the market gets the next id: cancel it a dozen
        // times while it is being placed.
        let guessed = (last + 1).to_string();
        let place = app.gql(PLACE, bid("45.00"), Some(&token));
        let cancels =
            join_all((0..12).map(|_| app.gql(CANCEL, json!({ "id": guessed }), Some(&token))));
        let (placed, cancels) = futures_util::future::join(place, cancels).await;
        assert!(
            placed["errors"].is_null(),
            "round {round}: placeOrder answered {placed}"
        );
        last = id_of(&placed["data"]["placeOrder"]).parse().unwrap();
        let mut took_effect = 0;
        for answer in cancels {
            match answer["errors"][0]["extensions"]["code"].as_str() {
                None => {
                    assert_eq!(answer["data"]["cancelOrder"]["status"], "CANCELLED");
                    took_effect += 1;
                }
                Some("NOT_FOUND" | "CONFLICT") => {}
                Some(other) => panic!("round {round}: a cancel answered {other}: {answer}"),
            }
        }
        assert!(
            took_effect <= 1,
            "round {round}: {took_effect} cancels took effect"
        );
    }

    // Twenty cancels of one resting order at once: one takes effect.
    let victim = id_of(&app.limit(&trader, "RACE", "BUY", 10, "44.00").await);
    let answers =
        join_all((0..20).map(|_| app.gql(CANCEL, json!({ "id": victim }), Some(&token)))).await;
    let mut codes: BTreeMap<String, usize> = BTreeMap::new();
    for answer in &answers {
        let code = answer["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or("CANCELLED");
        *codes.entry(code.to_owned()).or_default() += 1;
    }
    assert_eq!(
        codes,
        BTreeMap::from([("CANCELLED".to_owned(), 1), ("CONFLICT".to_owned(), 19)]),
        "{answers:#?}"
    );

    // The account, the book and the reservation agree, and still do after
    // a restart (the database held what memory held).
    let (open, bids, available) = open_state(&app, &trader).await;
    let resting: i64 = as_array(&bids)
        .iter()
        .map(|l| l["orders"].as_i64().unwrap())
        .sum();
    assert_eq!(
        resting as usize,
        open.len(),
        "book {bids} against open orders {open:?}"
    );
    // 10 x 45.00 plus the commission on it (0.0675, half to even 0.07).
    let expected = 10_000_000 - 45_007 * open.len() as i64;
    assert_eq!(
        available,
        json!(format!("{}.{:02}", expected / 100, expected % 100))
    );
    app.restart().await;
    let after = open_state(&app, &trader).await;
    assert_eq!(after, (open, bids, available), "after the restart");
}

async fn control_characters_are_refused_alike_on_both_backends(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, settings()).await else {
        return;
    };
    let issuer = app.register("nulissuer", "CORPORATE").await;
    app.list_company("NULL", "Tech", 1_000_000, "50.00", None, &issuer)
        .await;
    let trader = app.register("nultrader", "INDIVIDUAL").await;
    app.deposit(&trader, "1000.00").await;
    let before = app.balances(&trader).await;
    for key in ["a\u{0}b", "bell\u{7}", "esc\u{1b}[31m", "del\u{7f}"] {
        let input = json!({ "input": {
            "symbol": "NULL", "side": "BUY", "type": "LIMIT", "quantity": 1,
            "limitPrice": "45.00", "clientOrderId": key,
        }});
        let code = app.error_code(PLACE, input, Some(&trader.token)).await;
        assert_eq!(code, "BAD_USER_INPUT", "clientOrderId {key:?}");
    }
    // Written in the document instead of a variable: the same answer.
    let written = "mutation { placeOrder(input: { symbol: \"NULL\", side: BUY, type: LIMIT, \
        quantity: 1, limitPrice: \"45.00\", clientOrderId: \"x\\u0000y\" }) { id } }";
    assert_eq!(
        app.error_code(written, json!({}), Some(&trader.token))
            .await,
        "BAD_USER_INPUT"
    );
    assert_eq!(app.balances(&trader).await, before, "nothing reserved");
    assert!(app.my_orders(&trader).await.is_empty(), "no order created");
    let script = "mutation($s: String!) { saveBotScript(name: \"nul\", source: $s) { name } }";
    assert_eq!(
        app.error_code(
            script,
            json!({ "s": "fn on_tick(ctx) {}\u{0}" }),
            Some(&app.admin.token)
        )
        .await,
        "BAD_USER_INPUT"
    );
    // Tabs and line breaks are text, in a script above all.
    let fine = "// a comment\r\nfn on_tick(ctx) {\n\tctx.log(\"tick\");\n}\n";
    app.data(script, json!({ "s": fine }), Some(&app.admin.token))
        .await;
    let register = "mutation($input: RegisterInput!) { register(input: $input) { accessToken } }";
    let input = json!({ "input": {
        "username": "nul\u{0}user", "password": "a long password 1",
        "displayName": "Nul", "role": "INDIVIDUAL",
    }});
    assert_eq!(
        app.error_code(register, input, None).await,
        "BAD_USER_INPUT"
    );
}

/// A raw POST /graphql: status, content type and body.
async fn post(app: &TestApp, headers: &[(&str, &str)], body: &str) -> (u16, String, Value) {
    let client = awc::Client::builder()
        .timeout(Duration::from_secs(30))
        .finish();
    let mut request = client.post(format!("{}/graphql", app.address));
    for (name, value) in headers {
        request = request.insert_header((*name, *value));
    }
    let mut response = request
        .send_body(body.to_owned())
        .await
        .expect("POST /graphql");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = response.body().limit(16 << 20).await.expect("a body");
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, content_type, body)
}

const JSON: (&str, &str) = ("content-type", "application/json");
const GRAPHQL_RESPONSE: (&str, &str) = ("accept", "application/graphql-response+json");

/// `query { ...F30 }`, each fragment spreading the one before twice.
fn fragment_bomb() -> String {
    let mut query = String::from("query { ...F30 }\nfragment F0 on Query { __typename }\n");
    for i in 1..=30 {
        query.push_str(&format!(
            "fragment F{i} on Query {{ ...F{p} ...F{p} }}\n",
            p = i - 1
        ));
    }
    query
}

#[actix_web::test]
async fn a_fragment_bomb_is_refused_and_the_worker_stays_free() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let body = json!({ "query": fragment_bomb() }).to_string();
    assert!(body.len() < 1_500, "{} bytes", body.len());
    let bombs = join_all((0..4).map(|_| post(&app, &[JSON, GRAPHQL_RESPONSE], &body))).await;
    for (status, content_type, answer) in bombs {
        assert_eq!(status, 400, "{answer}");
        assert!(content_type.starts_with("application/graphql-response+json"));
        assert_eq!(answer["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        assert!(answer.get("data").is_none(), "no data entry: {answer}");
    }
    // Both workers still answer.
    for _ in 0..4 {
        let (status, _, answer) = post(&app, &[JSON], r#"{"query":"{ __typename }"}"#).await;
        assert_eq!(
            (status, &answer["data"]["__typename"]),
            (200, &json!("Query"))
        );
    }
    let health = awc::Client::default()
        .get(format!("{}/health", app.address))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(health["stuck_requests"], 0, "{health}");
}

#[actix_web::test]
async fn graphiql_gets_the_schema_with_the_standard_introspection_query() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let query = include_str!("fixtures/introspection.graphql");
    let (status, _, answer) = post(&app, &[JSON], &json!({ "query": query }).to_string()).await;
    assert_eq!(status, 200);
    assert!(answer["errors"].is_null(), "{:#}", answer["errors"]);
    let types = as_array(&answer["data"]["__schema"]["types"]);
    assert!(
        types.iter().any(|t| t["name"] == "Order"),
        "the contract's types are there"
    );
    // Introspection still cannot fan out: `fields` inside `fields` inside
    // `fields`.
    let wide = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
    let (status, _, answer) = post(&app, &[JSON], &json!({ "query": wide }).to_string()).await;
    assert_eq!(status, 200);
    assert_eq!(answer["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
}

#[actix_web::test]
async fn graphql_over_http_status_codes_follow_the_media_type() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let query = r#"{"query":"{ __typename }"}"#;
    // No content type, or not JSON: 415.
    assert_eq!(post(&app, &[], query).await.0, 415);
    assert_eq!(
        post(&app, &[("content-type", "text/plain")], query).await.0,
        415
    );
    // A body that is not JSON, or parameters of the wrong shape: 400.
    let (status, content_type, answer) = post(&app, &[JSON], "{ \"not a JSON").await;
    assert_eq!(
        (status, content_type.as_str()),
        (400, "application/json; charset=utf-8")
    );
    assert_eq!(answer["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(
        post(&app, &[JSON], r#"{"qeury":"{ __typename }"}"#).await.0,
        400
    );
    assert_eq!(
        post(&app, &[JSON], r#"{"query":{"obj":"ect"}}"#).await.0,
        400
    );
    // A document that does not parse or validate: 200 with application/json,
    // 400 and no data with application/graphql-response+json.
    for document in ["{", "{ nosuchfield }"] {
        let body = json!({ "query": document }).to_string();
        let (status, _, answer) = post(&app, &[JSON], &body).await;
        assert_eq!(status, 200, "{document}");
        assert_eq!(answer["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        let (status, content_type, answer) = post(&app, &[JSON, GRAPHQL_RESPONSE], &body).await;
        assert_eq!(status, 400, "{document}");
        assert_eq!(
            content_type,
            "application/graphql-response+json; charset=utf-8"
        );
        assert!(answer.get("data").is_none(), "{answer}");
    }
    // A field error is still a 200 with data, in either media type.
    let (status, _, answer) = post(
        &app,
        &[JSON, GRAPHQL_RESPONSE],
        r#"{"query":"{ me { id } }"}"#,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(answer["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    assert!(answer.get("data").is_some());
    // Nothing acceptable: 406.
    assert_eq!(
        post(&app, &[JSON, ("accept", "text/html")], query).await.0,
        406
    );
    // GET runs queries and refuses mutations.
    let client = awc::Client::default();
    let mut get = client
        .get(format!(
            "{}/graphql?query=%7B%20__typename%20%7D",
            app.address
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 200);
    assert_eq!(
        get.json::<Value>().await.unwrap()["data"]["__typename"],
        "Query"
    );
    let get = client
        .get(format!(
            "{}/graphql?query=mutation%20%7B%20__typename%20%7D",
            app.address
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 405);
    assert_eq!(get.headers().get("allow").unwrap(), "POST");
}

/// What the server did to a socket: its close code, or `None` if it stayed
/// open for `wait`.
async fn close_code(client: &mut WsClient, wait: Duration) -> Option<u16> {
    client
        .wait_closed(wait)
        .await
        .map(|reason| reason.map_or(0, |(code, _)| code))
}

#[actix_web::test]
async fn the_websocket_protocol_is_held_to_its_order_timeouts_and_limits() {
    let app = TestApp::spawn_with(Backend::Sqlite, settings())
        .await
        .unwrap();
    let trader = app.register("socketeer", "INDIVIDUAL").await;
    let subscribe = |protocol: Protocol| {
        json!({ "id": "1", "type": protocol.subscribe(),
            "payload": { "query": "subscription { quotes(symbols: [\"X\"]) { symbol } }" } })
    };
    for protocol in Protocol::BOTH {
        // No connection_init within the timeout (0.4 s here): 4408.
        let mut idle = WsClient::open(&app.ws_url, protocol).await.unwrap();
        assert_eq!(
            close_code(&mut idle, Duration::from_secs(5)).await,
            Some(4408),
            "{protocol:?}"
        );
        // A subscription before connection_ack: 4401.
        let mut eager = WsClient::open(&app.ws_url, protocol).await.unwrap();
        eager.send(subscribe(protocol));
        assert_eq!(
            close_code(&mut eager, Duration::from_secs(5)).await,
            Some(4401),
            "{protocol:?}"
        );
        // After the ack, subscriptions run.
        let mut polite = WsClient::connect_as(&app.ws_url, protocol, None).await;
        assert_eq!(
            close_code(&mut polite, Duration::from_millis(600)).await,
            None
        );
        // Not a message of the protocol: 4400.
        polite.send(json!({ "type": "no such type" }));
        assert_eq!(
            close_code(&mut polite, Duration::from_secs(5)).await,
            Some(4400),
            "{protocol:?}"
        );
    }
    // A refused token: 4403 (graphql-transport-ws).
    let refused = WsClient::connect(
        &app.ws_url,
        Protocol::TransportWs,
        json!({ "authorization": "Bearer forged" }),
    )
    .await;
    assert!(
        refused.err().is_some_and(|e| e.contains("4403")),
        "a forged token"
    );
    // Two sockets per account here: the third is refused, and a slot frees
    // when a socket closes.
    let first = WsClient::connect_as(&app.ws_url, Protocol::TransportWs, Some(&trader.token)).await;
    let _second =
        WsClient::connect_as(&app.ws_url, Protocol::TransportWs, Some(&trader.token)).await;
    let third = WsClient::connect(&app.ws_url, Protocol::TransportWs, bearer(&trader.token)).await;
    assert!(
        third.err().is_some_and(|e| e.contains("4403")),
        "a third socket for one account"
    );
    drop(first);
    let mut again = None;
    for _ in 0..50 {
        match WsClient::connect(&app.ws_url, Protocol::TransportWs, bearer(&trader.token)).await {
            Ok(client) => {
                again = Some(client);
                break;
            }
            Err(_) => actix_web::rt::time::sleep(Duration::from_millis(50)).await,
        }
    }
    assert!(again.is_some(), "a closed socket gives its slot back");
    // Six sockets per address here: one more upgrade than that is refused
    // before it starts (some of the six are open already).
    let mut held = Vec::new();
    let refused = loop {
        match WsClient::open(&app.ws_url, Protocol::TransportWs).await {
            Ok(client) if held.len() < 6 => held.push(client),
            Ok(_) => panic!("a seventh socket from one address was let in"),
            Err(e) => break e,
        }
    };
    assert!(refused.contains("429"), "{refused}");
}
