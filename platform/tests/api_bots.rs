//! Bots end to end over real HTTP: an instructor saves a script (a broken
//! one is refused with its line), starts a group of bots that trade through
//! their own accounts, watches their equity and profit, stops one (its open
//! orders are cancelled first), and finds the rest running again after a
//! restart. A bot that keeps failing goes FAILED with its error while the
//! market keeps serving. On SQLite and Postgres.

mod support;

use std::time::Duration;

use marketlab::startup::Settings;
use serde_json::{Value, json};
use support::app::{TestApp, User, as_array, assert_dec, expect_data};
use support::db::Backend;

const BOT_FIELDS: &str = "id script status error params equity profit \
    account { id role cash availableCash holdings { symbol quantity } }";

/// On its first start it buys 10 shares at 100.00 and bids 5 more at 90.00.
/// Started again (after a restart, holding shares) it tops up to 15 shares
/// at 100.00, one at a time.
const BUYER: &str = r#"
fn on_start(ctx) {
    if ctx.position("ACME") == 0 {
        ctx.buy("ACME", 100.00, 10);
        ctx.buy("ACME", 90.00, 5);
    } else {
        ctx.state.top_up = true;
    }
}

fn on_tick(ctx) {
    let bidding = ctx.open_orders("ACME").filter(|o| o.price == 100.0).len() > 0;
    if ctx.state.top_up == true && ctx.position("ACME") < 15 && !bidding {
        ctx.buy("ACME", 100.00, 1);
    }
}
"#;

/// Bot timers run 50 times faster than the clock in these tests.
fn settings() -> Settings {
    Settings {
        bot_speedup: 50,
        ..Settings::default()
    }
}

/// A server (bot timers 50 times faster) with ACME listed: 1,000 shares at
/// 100.00, held by its issuer.
async fn acme_market(backend: Backend) -> Option<(TestApp, User)> {
    let app = TestApp::spawn_with(backend, settings()).await?;
    let issuer = app.register("acme_corp", "CORPORATE").await;
    app.list_company("ACME", "Industrials", 1_000, "100.00", None, &issuer)
        .await;
    Some((app, issuer))
}

async fn instructor(app: &TestApp) -> User {
    let user = app.register("ines", "INDIVIDUAL").await;
    app.admin_mutation(
        "mutation($id: ID!) { grantRole(accountId: $id, role: INSTRUCTOR) { role } }",
        json!({ "id": user.id }),
    )
    .await;
    user
}

async fn save_script(app: &TestApp, who: &User, name: &str, source: &str) -> Value {
    app.gql(
        "mutation($n: String!, $s: String!) { saveBotScript(name: $n, source: $s) { name updatedAt } }",
        json!({ "n": name, "s": source }),
        Some(&who.token),
    )
    .await
}

async fn start_bots(app: &TestApp, who: &User, input: Value) -> Value {
    app.gql(
        &format!("mutation($i: StartBotInput!) {{ startBots(input: $i) {{ {BOT_FIELDS} }} }}"),
        json!({ "i": input }),
        Some(&who.token),
    )
    .await
}

async fn bots(app: &TestApp, who: &User) -> Vec<Value> {
    let query = format!("{{ bots {{ {BOT_FIELDS} }} }}");
    let data = expect_data(
        app.gql(&query, json!({}), Some(&who.token)).await,
        &query,
        &json!({}),
    );
    as_array(&data["bots"])
}

/// Polls `bots` until `done` holds (bots act on their own time).
async fn bots_until(
    app: &TestApp,
    who: &User,
    what: &str,
    done: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    for _ in 0..200 {
        let seen = bots(app, who).await;
        if done(&seen) {
            return seen;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "{what}: never happened; bots: {:#}",
        json!(bots(app, who).await)
    );
}

fn code(response: &Value) -> &str {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("an error with a code: {response}"))
}

fn held(bot: &Value, symbol: &str) -> i64 {
    as_array(&bot["account"]["holdings"])
        .iter()
        .find(|h| h["symbol"] == symbol)
        .map_or(0, |h| h["quantity"].as_i64().unwrap())
}

async fn bid_at(app: &TestApp, who: &User, price: &str) -> i64 {
    let data = app
        .data(
            "{ orderBook(symbol: \"ACME\", depth: 50) { bids { price quantity } } }",
            json!({}),
            Some(&who.token),
        )
        .await;
    as_array(&data["orderBook"]["bids"])
        .iter()
        .find(|l| l["price"] == price)
        .map_or(0, |l| l["quantity"].as_i64().unwrap())
}

async fn bots_trade_stop_and_come_back(backend: Backend) {
    let Some((mut app, issuer)) = acme_market(backend).await else {
        return;
    };
    app.limit(&issuer, "ACME", "SELL", 30, "100.00").await;
    let ines = instructor(&app).await;

    let saved = save_script(&app, &ines, "buyer", BUYER).await;
    assert!(saved.get("errors").is_none(), "{saved}");
    let started = start_bots(
        &app,
        &ines,
        json!({ "script": "buyer", "cash": "10000.00", "count": 3 }),
    )
    .await;
    let started = as_array(&started["data"]["startBots"]);
    assert_eq!(started.len(), 3, "three bots");
    for bot in &started {
        assert_eq!(bot["status"], "RUNNING");
        assert_eq!(bot["account"]["role"], "BOT");
        assert_eq!(bot["params"], "{}");
    }

    // Each buys 10 at 100.00 from the issuer and bids 5 at 90.00.
    let running = bots_until(&app, &ines, "every bot bought and bids", |bots| {
        bots.len() == 3 && bots.iter().all(|b| held(b, "ACME") == 10)
    })
    .await;
    for bot in &running {
        // 10 x 100.00 plus the default commission of 0.015 % (0.15); the
        // 90.00 bid holds 450.00 and its commission (0.07) back.
        assert_dec(&bot["account"]["cash"], "8999.85");
        assert_dec(&bot["account"]["availableCash"], "8549.78");
        // Marked at the last price, 100.00: only the commission is lost.
        assert_dec(&bot["equity"], "9999.85");
        assert_dec(&bot["profit"], "-0.15");
    }
    assert_eq!(bid_at(&app, &ines, "90.00").await, 15);

    // Stopping one cancels its bid before it answers.
    let stopped = app
        .gql(
            &format!("mutation($id: ID!) {{ stopBot(id: $id) {{ {BOT_FIELDS} }} }}"),
            json!({ "id": running[0]["id"] }),
            Some(&ines.token),
        )
        .await;
    let stopped = &stopped["data"]["stopBot"];
    assert_eq!(stopped["status"], "STOPPED");
    assert_dec(&stopped["account"]["availableCash"], "8999.85");
    assert_eq!(bid_at(&app, &ines, "90.00").await, 10);

    // After a restart the two running bots go on (they top up to 15
    // shares, one at a time); the stopped one stays stopped.
    app.restart().await;
    app.limit(&issuer, "ACME", "SELL", 10, "100.00").await;
    let after = bots_until(&app, &ines, "the running bots trade again", |bots| {
        bots.iter()
            .filter(|b| b["status"] == "RUNNING")
            .all(|b| held(b, "ACME") == 15)
    })
    .await;
    let statuses: Vec<_> = after.iter().map(|b| b["status"].clone()).collect();
    assert_eq!(statuses, ["STOPPED", "RUNNING", "RUNNING"]);
    assert_eq!(held(&after[0], "ACME"), 10, "the stopped bot did nothing");
    app.stop().await;
}

async fn bad_scripts_and_inputs_change_nothing(backend: Backend) {
    let Some((app, _)) = acme_market(backend).await else {
        return;
    };
    let ines = instructor(&app).await;
    let player = app.register("pat", "INDIVIDUAL").await;

    let broken = save_script(&app, &ines, "broken", "fn on_tick(ctx) {\n  let x = ;\n}\n").await;
    assert_eq!(code(&broken), "SCRIPT_ERROR");
    let message = broken["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("line 2"),
        "the error names its line: {message}"
    );
    let scripts = app
        .data("{ botScripts { name } }", json!({}), Some(&ines.token))
        .await;
    assert_eq!(scripts["botScripts"], json!([]), "nothing was saved");

    assert_eq!(
        code(&save_script(&app, &player, "mine", BUYER).await),
        "FORBIDDEN"
    );
    assert!(
        save_script(&app, &ines, "buyer", BUYER)
            .await
            .get("errors")
            .is_none()
    );

    for (input, expected) in [
        (json!({ "script": "nope", "cash": "100.00" }), "NOT_FOUND"),
        (
            json!({ "script": "buyer", "cash": "100.00", "params": "[1]" }),
            "BAD_USER_INPUT",
        ),
        (
            json!({ "script": "buyer", "cash": "100.00", "params": "{" }),
            "BAD_USER_INPUT",
        ),
        (
            json!({ "script": "buyer", "cash": "100.00", "params": r#"{"symbol": "ZZZZ"}"# }),
            "BAD_USER_INPUT",
        ),
        (
            json!({ "script": "buyer", "cash": "100.00", "count": 0 }),
            "BAD_USER_INPUT",
        ),
        (
            json!({ "script": "buyer", "cash": "100.00", "count": 101 }),
            "BAD_USER_INPUT",
        ),
        (
            json!({ "script": "buyer", "cash": "0.00" }),
            "BAD_USER_INPUT",
        ),
        (
            json!({ "script": "buyer", "cash": "-5.00" }),
            "BAD_USER_INPUT",
        ),
        (
            json!({ "script": "buyer", "cash": "100.001" }),
            "BAD_USER_INPUT",
        ),
        (
            json!({ "script": "buyer", "cash": "99999999999999999.00" }),
            "BAD_USER_INPUT",
        ),
    ] {
        let answer = start_bots(&app, &ines, input.clone()).await;
        assert_eq!(code(&answer), expected, "{input}: {answer}");
    }
    let answer = start_bots(&app, &player, json!({ "script": "buyer", "cash": "1.00" })).await;
    assert_eq!(code(&answer), "FORBIDDEN");
    assert!(bots(&app, &ines).await.is_empty(), "no bot was started");
    let leaders = app
        .data("{ botLeaderboard { rank } }", json!({}), Some(&ines.token))
        .await;
    assert_eq!(
        leaders["botLeaderboard"],
        json!([]),
        "and no bot account opened"
    );

    let unknown = app
        .gql(
            "mutation { stopBot(id: \"999\") { id } }",
            json!({}),
            Some(&ines.token),
        )
        .await;
    assert_eq!(code(&unknown), "NOT_FOUND");
}

/// Every tick runs out of operations; after three in a row the bot is
/// FAILED with the line, its bid is gone, and players trade on.
const SPINNER: &str = r#"
fn on_start(ctx) {
    ctx.buy("ACME", 90.00, 5);
}

fn on_tick(ctx) {
    let n = 0;
    loop { n += 1; }
}
"#;

async fn a_failing_bot_goes_failed_and_hurts_nobody(backend: Backend) {
    let Some((app, issuer)) = acme_market(backend).await else {
        return;
    };
    let ines = instructor(&app).await;
    assert!(
        save_script(&app, &ines, "spinner", SPINNER)
            .await
            .get("errors")
            .is_none()
    );
    let started = start_bots(
        &app,
        &ines,
        json!({ "script": "spinner", "cash": "1000.00" }),
    )
    .await;
    assert_eq!(
        as_array(&started["data"]["startBots"]).len(),
        1,
        "{started}"
    );

    let failed = bots_until(&app, &ines, "the bot failed", |bots| {
        bots[0]["status"] == "FAILED"
    })
    .await;
    let error = failed[0]["error"].as_str().expect("the error is shown");
    assert!(
        error.contains("line 8") && error.contains("too many operations"),
        "the error names the loop's line: {error}"
    );
    assert_eq!(
        bid_at(&app, &ines, "90.00").await,
        0,
        "its bid was cancelled"
    );
    assert_dec(&failed[0]["account"]["availableCash"], "1000.00");

    // The market never noticed: a player trades as usual.
    let pat = app.register("pat", "INDIVIDUAL").await;
    app.deposit(&pat, "1000.00").await;
    app.limit(&issuer, "ACME", "SELL", 1, "100.00").await;
    let order = app.limit(&pat, "ACME", "BUY", 1, "100.00").await;
    assert_eq!(order["status"], "FILLED");
    assert_eq!(order["filledQuantity"], 1);
}

api_tests!(
    bots_trade_stop_and_come_back,
    bad_scripts_and_inputs_change_nothing,
    a_failing_bot_goes_failed_and_hurts_nobody
);
