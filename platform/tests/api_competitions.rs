//! A class competition from the API, end to end on both backends: an
//! instructor creates it, players join with its code and trade from
//! accounts of its own, orders outside its window and symbols are refused,
//! a restart comes in the middle, and at the end open orders are cancelled
//! and the standings frozen. Also each player's performance over the minute
//! equity samples (here sampled every second).

mod support;

use std::time::{Duration, Instant};

use marketlab::startup::Settings;
use serde_json::{Value, json};
use support::app::{TestApp, User, assert_dec, dec, id_of};
use support::db::Backend;
use support::graphql_ws::{Protocol, WsClient};

api_tests!(a_class_competition_runs_from_joining_to_frozen_standings);

const CREATE: &str = "mutation($i: CreateCompetitionInput!) { createCompetition(input: $i) { \
    id name startingCash startTime status joinCode symbols commission riskLimits { maxOpenOrders } } }";
const JOIN: &str =
    "mutation($c: String!) { joinCompetition(code: $c) { accountId competition { id status } } }";
const TOKEN: &str =
    "mutation($id: ID!) { competitionToken(competitionId: $id) { accessToken account { id } } }";
const STANDINGS: &str = "query($id: ID!) { competitionStandings(id: $id) { \
    rank accountId displayName equity returnPercent sharpeRatio maxDrawdown } }";
const STATUS: &str = "query($id: ID!) { competition(id: $id) { status } }";
const PLACE: &str =
    "mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }";

fn settings() -> Settings {
    Settings {
        equity_sample_every: Duration::from_secs(1),
        ..Settings::default()
    }
}

fn at(from_now: Duration) -> String {
    (chrono::Utc::now() + from_now).to_rfc3339()
}

fn code(answer: &Value) -> &str {
    answer["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("none")
}

fn buy(symbol: &str, qty: i64, price: &str) -> Value {
    json!({ "input": { "symbol": symbol, "side": "BUY", "type": "LIMIT",
        "quantity": qty, "limitPrice": price } })
}

async fn wait_status(app: &TestApp, id: &str, status: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let now = app.data(STATUS, json!({ "id": id }), None).await;
        if now["competition"]["status"] == status {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "still {now} waiting for {status}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Signs `player` in as their account in competition `id`.
async fn as_entrant(app: &TestApp, player: &User, id: &str) -> User {
    let token = app
        .data(TOKEN, json!({ "id": id }), Some(&player.token))
        .await;
    User {
        id: token["competitionToken"]["account"]["id"]
            .as_str()
            .unwrap()
            .to_owned(),
        username: format!("{}-in-{id}", player.username),
        token: token["competitionToken"]["accessToken"]
            .as_str()
            .unwrap()
            .to_owned(),
        refresh_token: String::new(),
    }
}

async fn a_class_competition_runs_from_joining_to_frozen_standings(backend: Backend) {
    let Some(mut app) = TestApp::spawn_with(backend, settings()).await else {
        return;
    };
    let teacher = app.register("teacher", "INDIVIDUAL").await;
    app.admin_mutation(
        "mutation($a: ID!) { grantRole(accountId: $a, role: INSTRUCTOR) { role } }",
        json!({ "a": teacher.id }),
    )
    .await;
    let (ann, bob) = (
        app.register("ann", "INDIVIDUAL").await,
        app.register("bob", "INDIVIDUAL").await,
    );
    app.deposit(&ann, "500.00").await;
    let issuer = app.register("cmpissuer", "CORPORATE").await;
    app.list_company("CMPA", "Tech", 100_000, "10.00", None, &issuer)
        .await;
    let other = app.register("otherissuer", "CORPORATE").await;
    app.list_company("CMPB", "Tech", 100_000, "10.00", None, &other)
        .await;

    let input = |start: Duration, end: Duration, code: &str| {
        json!({ "i": { "name": "Autumn class", "startingCash": "10000.00",
            "startTime": at(start), "endTime": at(end), "symbols": ["CMPA"],
            "joinCode": code, "riskLimits": { "maxOpenOrders": 2 } } })
    };
    // Long enough for the steps and a restart in between on a loaded machine.
    let (start, end) = (Duration::from_secs(4), Duration::from_secs(40));
    for (who, variables, expected) in [
        (&ann, input(start, end, "AUTUMN-1"), "FORBIDDEN"),
        (&teacher, input(end, start, "AUTUMN-1"), "BAD_USER_INPUT"),
        (&teacher, input(start, end, "no spaces"), "BAD_USER_INPUT"),
    ] {
        let answer = app.gql(CREATE, variables.clone(), Some(&who.token)).await;
        assert_eq!(code(&answer), expected, "{variables}: {answer}");
    }
    let created = app
        .data(CREATE, input(start, end, "AUTUMN-1"), Some(&teacher.token))
        .await["createCompetition"]
        .clone();
    assert_eq!(
        (
            &created["status"],
            &created["joinCode"],
            &created["symbols"]
        ),
        (&json!("SCHEDULED"), &json!("AUTUMN-1"), &json!(["CMPA"]))
    );
    let id = id_of(&created);
    let taken = app
        .gql(CREATE, input(start, end, "AUTUMN-1"), Some(&teacher.token))
        .await;
    assert_eq!(code(&taken), "CONFLICT", "{taken}");
    let listed = app
        .data(
            "query { competitions { id joinCode } }",
            json!({}),
            Some(&ann.token),
        )
        .await;
    assert_eq!(
        listed["competitions"][0]["joinCode"],
        Value::Null,
        "only its creator sees the code"
    );

    // Joining: a separate account each, once.
    let unknown = app
        .gql(JOIN, json!({ "c": "NOPE-0" }), Some(&ann.token))
        .await;
    assert_eq!(code(&unknown), "NOT_FOUND");
    let joined = app
        .data(JOIN, json!({ "c": "AUTUMN-1" }), Some(&ann.token))
        .await;
    let again = app
        .data(JOIN, json!({ "c": "AUTUMN-1" }), Some(&ann.token))
        .await;
    assert_eq!(joined, again, "joining twice is one entry");
    app.data(JOIN, json!({ "c": "AUTUMN-1" }), Some(&bob.token))
        .await;
    let ann_in = as_entrant(&app, &ann, &id).await;
    let bob_in = as_entrant(&app, &bob, &id).await;
    assert_eq!(
        ann_in.id,
        joined["joinCompetition"]["accountId"].as_str().unwrap()
    );
    assert_ne!(ann_in.id, ann.id);

    // Before the start: nothing to trade with, and no way to add any.
    let early = app
        .gql(PLACE, buy("CMPA", 1, "10.00"), Some(&ann_in.token))
        .await;
    assert_eq!(code(&early), "MARKET_HALTED", "{early}");
    let deposit = app
        .gql(
            "mutation { deposit(amount: \"1.00\") { id } }",
            json!({}),
            Some(&ann_in.token),
        )
        .await;
    assert_eq!(code(&deposit), "FORBIDDEN", "{deposit}");

    wait_status(&app, &id, "RUNNING").await;
    assert_dec(&app.balances(&ann_in).await["cash"], "10000.00");
    assert_dec(&app.balances(&ann).await["cash"], "500.00");

    // Ann buys 100 at 10.00; then the price goes to 12.00.
    app.limit(&issuer, "CMPA", "SELL", 100, "10.00").await;
    let bought = app
        .data(PLACE, buy("CMPA", 100, "10.00"), Some(&ann_in.token))
        .await;
    assert_eq!(bought["placeOrder"]["status"], "FILLED");
    let wrong = app
        .gql(PLACE, buy("CMPB", 1, "10.00"), Some(&ann_in.token))
        .await;
    assert_eq!(code(&wrong), "FORBIDDEN", "{wrong}");
    app.limit(&issuer, "CMPA", "SELL", 1, "12.00").await;
    app.limit(&ann, "CMPA", "BUY", 1, "12.00").await;
    // Two open orders are the limit.
    app.data(PLACE, buy("CMPA", 1, "9.00"), Some(&ann_in.token))
        .await;
    let resting = id_of(
        &app.data(PLACE, buy("CMPA", 1, "9.00"), Some(&ann_in.token))
            .await["placeOrder"],
    );
    let third = app
        .gql(PLACE, buy("CMPA", 1, "9.00"), Some(&ann_in.token))
        .await;
    assert_eq!(code(&third), "RISK_LIMIT", "{third}");

    let mut ws = WsClient::connect_as(&app.ws_url, Protocol::TransportWs, None).await;
    let sub = ws.subscribe(
        "subscription($id: ID!) { competitionStandings(id: $id, top: 5) { rank accountId returnPercent } }",
        json!({ "id": id }),
    );
    let first = ws.next_data(&sub).await["competitionStandings"].clone();
    assert_eq!(first[0]["accountId"], json!(ann_in.id), "{first}");
    // 100 shares at 12.00 and 8,999.85 cash over 10,000.00: +1.9985 %.
    assert_dec(&first[0]["returnPercent"], "1.9985");
    assert_eq!(first[1]["accountId"], json!(bob_in.id));

    // A restart in the middle: the competition goes on.
    app.restart().await;
    let again = app
        .gql(PLACE, buy("CMPB", 1, "10.00"), Some(&ann_in.token))
        .await;
    assert!(
        ["FORBIDDEN", "MARKET_HALTED"].contains(&code(&again)),
        "the mandate survives a restart: {again}"
    );
    assert_eq!(app.order(&ann_in, &resting).await["status"], "OPEN");

    wait_status(&app, &id, "FINISHED").await;
    assert_eq!(app.order(&ann_in, &resting).await["status"], "CANCELLED");
    let late = app
        .gql(PLACE, buy("CMPA", 1, "12.00"), Some(&ann_in.token))
        .await;
    assert_eq!(code(&late), "MARKET_HALTED", "{late}");
    let frozen =
        app.data(STANDINGS, json!({ "id": id }), None).await["competitionStandings"].clone();
    assert_eq!(
        (frozen[0]["rank"].as_i64(), &frozen[0]["accountId"]),
        (Some(1), &json!(ann_in.id))
    );
    // 100 shares at 12.00 and 9,000.00 less 0.15 commission is 10,199.85.
    assert_dec(&frozen[0]["equity"], "10199.85");
    assert_dec(&frozen[1]["returnPercent"], "0");
    assert_dec(&frozen[1]["maxDrawdown"], "0");
    assert!(dec(&frozen[0]["maxDrawdown"]) >= rust_decimal::Decimal::ZERO);
    // Prices move on; the standings do not.
    app.limit(&issuer, "CMPA", "SELL", 1, "8.00").await;
    app.limit(&ann, "CMPA", "BUY", 1, "8.00").await;
    let still =
        app.data(STANDINGS, json!({ "id": id }), None).await["competitionStandings"].clone();
    assert_eq!(still, frozen);

    // Entrants rank in their competition only; the main board has players.
    let board = app
        .data(
            "query { leaderboard(limit: 100) { account { id } } }",
            json!({}),
            None,
        )
        .await;
    let ids: Vec<&str> = board["leaderboard"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["account"]["id"].as_str())
        .collect();
    assert!(
        ids.contains(&ann.id.as_str()) && !ids.contains(&ann_in.id.as_str()),
        "{ids:?}"
    );

    // Ann's performance in it, over the samples taken every second from
    // just after the start (before it, the account held nothing).
    let funded = chrono::DateTime::parse_from_rfc3339(created["startTime"].as_str().unwrap())
        .unwrap()
        + chrono::Duration::seconds(2);
    let performance = app
        .data(
            "query($from: DateTime) { myPerformance(from: $from) { equityCurve { at equity } \
                totalReturn volatility sharpeRatio maxDrawdown { fraction peakAt troughAt } \
                winRate turnover riskFreeRate } }",
            json!({ "from": funded.to_rfc3339() }),
            Some(&ann_in.token),
        )
        .await["myPerformance"]
        .clone();
    let curve = performance["equityCurve"].as_array().unwrap();
    assert!(curve.len() >= 3, "{performance}");
    assert!(performance["totalReturn"].is_string(), "{performance}");
    for point in curve {
        assert!(
            dec(&point["equity"]) > rust_decimal::Decimal::new(9_000, 0),
            "{point}"
        );
    }
    assert_dec(&performance["riskFreeRate"], "0");
    assert!(performance["turnover"].is_string(), "{performance}");
    app.stop().await;
}
