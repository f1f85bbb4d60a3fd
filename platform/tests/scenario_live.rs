//! A scenario run live inside the server, over real HTTP: its companies
//! are listed and its bots trade from the start; a player registers and
//! trades with them under the file's fees; its news and halts come on
//! schedule; an admin pauses it (trading stops, the paused time does not
//! count), resumes it and it runs to its end, where its bots stop, its
//! companies halt and its summary lands in its row. Stopping a run and
//! restarting the server under one end it too, with every bot order
//! cancelled. On SQLite and Postgres.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use marketlab::scenario::{LiveOptions, Loaded, load};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use support::app::{TestApp, User, as_array, dec, expect_data};
use support::db::Backend;

const RUN_FIELDS: &str = "id name seed scenarioHash status startedAt finishedAt summary";
const WAIT: Duration = Duration::from_secs(30);

fn class() -> Loaded {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios/live_class.toml");
    load(&file).unwrap_or_else(|problems| panic!("{problems:?}"))
}

const OPTIONS: LiveOptions = LiveOptions { seed: 9, speed: 1 };

async fn runs(app: &TestApp) -> Vec<Value> {
    let query = format!("query {{ scenarioRuns {{ {RUN_FIELDS} }} }}");
    let data = app.data(&query, json!({}), Some(&app.admin.token)).await;
    as_array(&data["scenarioRuns"])
}

async fn control(app: &TestApp, who: &User, mutation: &str, id: &str) -> Value {
    let query = format!("mutation($id: ID!) {{ {mutation}(id: $id) {{ {RUN_FIELDS} }} }}");
    app.gql(&query, json!({ "id": id }), Some(&who.token)).await
}

async fn control_code(app: &TestApp, who: &User, mutation: &str, id: &str) -> String {
    let query = format!("mutation($id: ID!) {{ {mutation}(id: $id) {{ id }} }}");
    app.error_code(&query, json!({ "id": id }), Some(&who.token))
        .await
}

async fn bots(app: &TestApp) -> Vec<Value> {
    let data = app
        .data(
            "query { bots { id script status account { id } } }",
            json!({}),
            Some(&app.admin.token),
        )
        .await;
    as_array(&data["bots"])
}

async fn book(app: &TestApp, symbol: &str) -> Value {
    let data = app
        .data(
            "query($s: String!) { orderBook(symbol: $s) { bids { price quantity } asks { price quantity } } }",
            json!({ "s": symbol }),
            None,
        )
        .await;
    data["orderBook"].clone()
}

async fn halted(app: &TestApp, symbol: &str) -> bool {
    let data = app
        .data(
            "query($s: String!) { company(symbol: $s) { halted } }",
            json!({ "s": symbol }),
            None,
        )
        .await;
    data["company"]["halted"]
        .as_bool()
        .expect("a listed company")
}

/// Polls `check` until it holds; panics with `what` after [`WAIT`].
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + WAIT;
    while !check().await {
        assert!(Instant::now() < deadline, "not within {WAIT:?}: {what}");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn market_buy(app: &TestApp, who: &User, symbol: &str, quantity: i64) -> Value {
    app.gql(
        "mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { status filledQuantity fills { price quantity fee } } }",
        json!({ "i": { "symbol": symbol, "side": "BUY", "type": "MARKET",
                       "timeInForce": "IOC", "quantity": quantity } }),
        Some(&who.token),
    )
    .await
}

fn code(response: &Value) -> &str {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("an error with a code: {response}"))
}

async fn a_class_trades_in_a_live_scenario(backend: Backend) {
    let loaded = class();
    let Some((app, run)) = TestApp::spawn_live(backend, &loaded, OPTIONS).await else {
        return;
    };
    let id = run.to_string();
    let listed = runs(&app).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], id);
    assert_eq!(listed[0]["name"], "live class");
    assert_eq!(listed[0]["seed"], "9");
    assert_eq!(listed[0]["scenarioHash"], loaded.file_sha256);
    assert_eq!(listed[0]["status"], "RUNNING");
    assert!(listed[0]["finishedAt"].is_null() && listed[0]["summary"].is_null());

    let running = bots(&app).await;
    let mut scripts: Vec<(&str, &str)> = running
        .iter()
        .map(|b| (b["script"].as_str().unwrap(), b["status"].as_str().unwrap()))
        .collect();
    scripts.sort();
    assert_eq!(
        scripts,
        [
            ("live_class.maker", "RUNNING"),
            ("live_class.noise", "RUNNING"),
            ("live_class.noise", "RUNNING"),
            ("live_class.noise", "RUNNING"),
        ]
    );

    // A player joins and buys from the market maker, paying the file's
    // commission (0.1 %, not the server's default 0.015 %).
    let pat = app.register("pat", "INDIVIDUAL").await;
    app.deposit(&pat, "10000.00").await;
    eventually("the market maker quotes ACME", || async {
        !as_array(&book(&app, "ACME").await["asks"]).is_empty()
    })
    .await;
    let bought = expect_data(market_buy(&app, &pat, "ACME", 10).await, "buy", &json!({}));
    let order = &bought["placeOrder"];
    assert_eq!(order["status"], "FILLED", "{order}");
    assert_eq!(order["filledQuantity"], 10);
    let fills = as_array(&order["fills"]);
    let notional: Decimal = fills
        .iter()
        .map(|f| dec(&f["price"]) * Decimal::from(f["quantity"].as_i64().unwrap()))
        .sum();
    let fees: Decimal = fills.iter().map(|f| dec(&f["fee"])).sum();
    let expected = notional * Decimal::new(1, 3);
    assert!(
        (fees - expected).abs() <= Decimal::new(1, 2) * Decimal::from(fills.len()),
        "fees {fees} on {notional} are the file's 0.1 %"
    );

    // The news at 1 s, then BOLT halted at 2 s.
    eventually("the scheduled news is published", || async {
        let data = app
            .data("query { news { headline symbol } }", json!({}), None)
            .await;
        as_array(&data["news"])
            .iter()
            .any(|n| n["headline"] == "ACME wins a large contract" && n["symbol"] == "ACME")
    })
    .await;
    eventually("BOLT is halted on schedule", || halted(&app, "BOLT")).await;
    assert_eq!(
        code(&market_buy(&app, &pat, "BOLT", 1).await),
        "MARKET_HALTED"
    );

    // Paused: nothing trades, and only staff may pause.
    assert_eq!(
        control_code(&app, &pat, "pauseScenario", &id).await,
        "FORBIDDEN"
    );
    let paused = expect_data(
        control(&app, &app.admin, "pauseScenario", &id).await,
        "pause",
        &json!({}),
    );
    assert_eq!(paused["pauseScenario"]["status"], "PAUSED");
    let paused_at = Instant::now();
    assert_eq!(
        control_code(&app, &app.admin, "pauseScenario", &id).await,
        "CONFLICT"
    );
    assert!(halted(&app, "ACME").await);
    assert_eq!(
        code(&market_buy(&app, &pat, "ACME", 1).await),
        "MARKET_HALTED"
    );
    let paused_for = Duration::from_millis(1_500);
    actix_web::rt::time::sleep(paused_for).await;
    let resumed = expect_data(
        control(&app, &app.admin, "resumeScenario", &id).await,
        "resume",
        &json!({}),
    );
    let paused_for = paused_at.elapsed().min(paused_for);
    assert_eq!(resumed["resumeScenario"]["status"], "RUNNING");
    assert_eq!(
        control_code(&app, &app.admin, "resumeScenario", &id).await,
        "CONFLICT"
    );
    assert!(!halted(&app, "ACME").await);
    assert!(
        halted(&app, "BOLT").await,
        "a scheduled halt outlasts a pause"
    );

    // To the end.
    eventually("the run finishes", || async {
        runs(&app).await[0]["status"] == "FINISHED"
    })
    .await;
    let run_row = runs(&app).await.remove(0);
    let millis = |field: &str| {
        chrono::DateTime::parse_from_rfc3339(run_row[field].as_str().unwrap())
            .unwrap()
            .timestamp_millis()
    };
    assert!(
        millis("finishedAt") - millis("startedAt") >= 6_000 + paused_for.as_millis() as i64 - 100,
        "the paused time does not count: {run_row}"
    );
    let summary: Value = serde_json::from_str(run_row["summary"].as_str().unwrap()).unwrap();
    assert_eq!(summary["status"], "FINISHED");
    assert_eq!(summary["live"], true);
    assert_eq!(summary["seed"], 9);
    assert_eq!(summary["scenario_ms_run"], 6_000);
    let acme = &summary["companies"]["ACME"];
    assert!(acme["trades"].as_u64().unwrap() >= 1, "{acme}");
    assert!(acme["volume"].as_u64().unwrap() >= 10, "{acme}");
    assert!(acme["samples"].as_u64().unwrap() >= 5, "{acme}");
    assert_eq!(summary["companies"]["BOLT"]["trades"], 0);
    assert_eq!(summary["groups"]["maker"]["bots"], 1);
    assert_eq!(summary["groups"]["noise"]["bots"], 3);
    let players = as_array(&summary["players"]);
    assert_eq!(players.len(), 1);
    assert_eq!(players[0]["account"].to_string(), pat.id);
    assert!(players[0]["trades"].as_u64().unwrap() >= 1);

    // Over: the bots stopped with their orders, the session closed.
    assert!(bots(&app).await.iter().all(|b| b["status"] == "STOPPED"));
    let acme_book = book(&app, "ACME").await;
    assert_eq!(acme_book, json!({ "bids": [], "asks": [] }));
    assert!(halted(&app, "ACME").await);
    assert_eq!(
        control_code(&app, &app.admin, "stopScenario", &id).await,
        "CONFLICT"
    );
    assert_eq!(
        control_code(&app, &app.admin, "resumeScenario", "999").await,
        "NOT_FOUND"
    );
}

async fn stopping_or_restarting_ends_a_live_run(backend: Backend) {
    let mut loaded = class();
    loaded.scenario.duration_ms = 3_600_000;
    let Some((mut app, run)) = TestApp::spawn_live(backend, &loaded, OPTIONS).await else {
        return;
    };
    let id = run.to_string();
    let pat = app.register("pat", "INDIVIDUAL").await;
    app.deposit(&pat, "10000.00").await;
    app.limit(&pat, "ACME", "BUY", 7, "85.00").await;
    eventually("the market maker quotes ACME", || async {
        !as_array(&book(&app, "ACME").await["asks"]).is_empty()
    })
    .await;

    let stopped = expect_data(
        control(&app, &app.admin, "stopScenario", &id).await,
        "stop",
        &json!({}),
    );
    let row = &stopped["stopScenario"];
    assert_eq!(row["status"], "STOPPED");
    assert!(row["finishedAt"].is_string());
    let summary: Value = serde_json::from_str(row["summary"].as_str().unwrap()).unwrap();
    assert_eq!(summary["status"], "STOPPED");
    assert!(summary["scenario_ms_run"].as_i64().unwrap() < 3_600_000);
    assert!(bots(&app).await.iter().all(|b| b["status"] == "STOPPED"));
    // Only the player's bid is left: every bot order was cancelled.
    assert_eq!(
        book(&app, "ACME").await,
        json!({ "bids": [{ "price": "85.00", "quantity": 7 }], "asks": [] })
    );
    assert_eq!(
        control_code(&app, &app.admin, "pauseScenario", &id).await,
        "CONFLICT"
    );

    // The bots stay stopped after a restart.
    app.restart().await;
    assert!(bots(&app).await.iter().all(|b| b["status"] == "STOPPED"));
    assert_eq!(runs(&app).await[0]["status"], "STOPPED");
}

async fn a_restart_stops_the_run_it_cut_short(backend: Backend) {
    let mut loaded = class();
    loaded.scenario.duration_ms = 3_600_000;
    let Some((mut app, run)) = TestApp::spawn_live(backend, &loaded, OPTIONS).await else {
        return;
    };
    eventually("the market maker quotes ACME", || async {
        !as_array(&book(&app, "ACME").await["bids"]).is_empty()
    })
    .await;
    app.restart().await;
    let row = runs(&app).await.remove(0);
    assert_eq!(row["id"], run.to_string());
    assert_eq!(row["status"], "STOPPED");
    assert!(row["finishedAt"].is_string());
    assert!(bots(&app).await.iter().all(|b| b["status"] == "STOPPED"));
    assert_eq!(book(&app, "ACME").await, json!({ "bids": [], "asks": [] }));
    // Nobody trades on: the bots did not come back.
    actix_web::rt::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(book(&app, "ACME").await, json!({ "bids": [], "asks": [] }));
    assert_eq!(
        control_code(&app, &app.admin, "resumeScenario", &run.to_string()).await,
        "CONFLICT"
    );
}

api_tests!(
    a_class_trades_in_a_live_scenario,
    stopping_or_restarting_ends_a_live_run,
    a_restart_stops_the_run_it_cut_short,
);
