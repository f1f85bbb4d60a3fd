//! Stop the server and start a new one on the same database: every account
//! can log in, and cash, holdings, lots, open orders (partly filled ones,
//! waiting stops), trades, the ledger, gains, listings, halts, delistings,
//! financials and idempotency keys are all where they were, as the API
//! shows them. Then the market goes on from there: a recovered resting
//! order trades, charged by the same cumulative-commission rule as before
//! the restart. On SQLite and Postgres.

mod support;

use serde_json::{Value, json};
use support::app::{
    ORDER_FIELDS, PASSWORD, TestApp, User, as_array, assert_same, differences, id_of, this_year,
};
use support::db::Backend;

/// Everything an account sees of itself.
fn account_query() -> String {
    format!(
        "query($y: Int!) {{ \
            me {{ id username displayName role accountNumber cash availableCash realizedGains \
                company {{ symbol }} createdAt \
                holdings {{ symbol quantity availableQuantity averageCost marketValue unrealizedGain }} }} \
            myOrders(limit: 1000) {{ {ORDER_FIELDS} }} \
            myLots {{ id symbol acquiredAt quantity remainingQuantity price }} \
            ledger(limit: 1000) {{ id kind amount cashBefore cashAfter symbol orderId at }} \
            capitalGains(year: $y) {{ year totalGain exemption taxableGain taxRate estimatedTax \
                realized {{ symbol quantity buyPrice sellPrice gain acquiredAt soldAt }} }} \
            sectorWeights {{ sector marketValue weight }} \
        }}"
    )
}

/// Everything public about the market.
const MARKET: &str = "query { \
    companies(includeDelisted: true) { symbol name sector sharesOutstanding tickSize lastPrice \
        marketCap listed halted \
        financials { symbol year revenue operatingProfit netIncome eps publishedAt } } \
    acme: orderBook(symbol: \"ACME\", depth: 50) { symbol sequence \
        bids { price quantity orders } asks { price quantity orders } } \
    bolt: orderBook(symbol: \"BOLT\", depth: 50) { symbol sequence \
        bids { price quantity orders } asks { price quantity orders } } \
    acmeTrades: trades(symbol: \"ACME\", limit: 1000) { id symbol price quantity aggressorSide executedAt sequence } \
    boltTrades: trades(symbol: \"BOLT\", limit: 1000) { id symbol price quantity aggressorSide executedAt sequence } \
    leaderboard(limit: 50) { rank equity returnPercent account { id username } } \
    sectors { name companies { symbol } } \
}";

/// Lists whose order the contract leaves open, sorted, so two snapshots
/// compare as sets.
fn normalize(mut value: Value) -> Value {
    fn sort_by(list: &mut Value, key: &str) {
        if let Some(items) = list.as_array_mut() {
            items.sort_by(|a, b| {
                let (a, b) = (&a[key], &b[key]);
                match (
                    a.as_str().and_then(|s| s.parse::<i64>().ok()),
                    b.as_str().and_then(|s| s.parse::<i64>().ok()),
                ) {
                    (Some(x), Some(y)) => x.cmp(&y),
                    _ => a.to_string().cmp(&b.to_string()),
                }
            });
        }
    }
    sort_by(&mut value["me"]["holdings"], "symbol");
    sort_by(&mut value["myOrders"], "id");
    sort_by(&mut value["myLots"], "id");
    sort_by(&mut value["sectorWeights"], "sector");
    sort_by(&mut value["companies"], "symbol");
    sort_by(&mut value["acmeTrades"], "sequence");
    sort_by(&mut value["boltTrades"], "sequence");
    sort_by(&mut value["sectors"], "name");
    if let Some(sectors) = value["sectors"].as_array_mut() {
        for sector in sectors {
            sort_by(&mut sector["companies"], "symbol");
        }
    }
    value
}

async fn account_snapshot(app: &TestApp, who: &User) -> Value {
    normalize(
        app.data(
            &account_query(),
            json!({ "y": this_year() }),
            Some(&who.token),
        )
        .await,
    )
}

async fn market_snapshot(app: &TestApp) -> Value {
    normalize(app.data(MARKET, json!({}), None).await)
}

/// Each fill as "QTY @ PRICE fee FEE".
fn fills(order: &Value) -> Vec<String> {
    as_array(&order["fills"])
        .iter()
        .map(|f| {
            format!(
                "{} @ {} fee {}",
                f["quantity"],
                f["price"].as_str().unwrap_or("?"),
                f["fee"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

async fn everything_survives_a_restart(backend: Backend) {
    let Some(mut app) = TestApp::spawn(backend).await else {
        return;
    };
    let corp1 = app.register("acme_corp", "CORPORATE").await;
    let corp2 = app.register("bolt_corp", "CORPORATE").await;
    let corp3 = app.register("core_corp", "CORPORATE").await;
    let alice = app.register("alice", "INDIVIDUAL").await;
    let bob = app.register("bob", "INDIVIDUAL").await;
    app.list_company("ACME", "Technology", 1_000, "20.00", None, &corp1)
        .await;
    app.list_company("BOLT", "Energy", 500, "10.00", Some("0.05"), &corp2)
        .await;
    app.list_company("CORE", "Technology", 100, "5.00", None, &corp3)
        .await;

    app.deposit(&alice, "5000.00").await;
    app.withdraw(&alice, "500.00").await;
    app.deposit(&bob, "3000.00").await;

    app.limit(&corp1, "ACME", "SELL", 100, "20.00").await;
    app.limit(&corp2, "BOLT", "SELL", 50, "10.00").await;
    app.limit(&alice, "ACME", "BUY", 30, "20.00").await;
    // bob: 70 fill @ 20.00, 10 rest @ 20.50.
    let bob_bid = app.limit(&bob, "ACME", "BUY", 80, "20.50").await;
    assert_eq!(bob_bid["status"], "PARTIALLY_FILLED");
    let bob_bid = id_of(&bob_bid);
    app.limit(&alice, "BOLT", "BUY", 10, "10.00").await;
    // alice offers 10 @ 21.00 (rests) and sells 5 into bob's bid @ 20.50.
    app.limit(&alice, "ACME", "SELL", 10, "21.00").await;
    let sold = app.limit(&alice, "ACME", "SELL", 5, "20.50").await;
    assert_eq!(sold["status"], "FILLED");
    // A stop waits off the book.
    let stop = app
        .place_order(
            &alice,
            json!({
                "symbol": "ACME", "side": "BUY", "type": "STOP_LIMIT", "quantity": 5,
                "stopPrice": "22.00", "limitPrice": "22.50",
            }),
        )
        .await;
    assert_eq!(stop["status"], "PENDING_TRIGGER");
    let keyed_input = json!({
        "symbol": "ACME", "side": "BUY", "type": "LIMIT", "quantity": 2,
        "limitPrice": "19.00", "clientOrderId": "keep-1",
    });
    let keyed = app.place_order(&alice, keyed_input.clone()).await;
    // A listing delisted with an order on it.
    let core_ask = app.limit(&corp3, "CORE", "SELL", 10, "5.00").await;
    app.admin_mutation(
        "mutation { delistCompany(symbol: \"CORE\") { symbol } }",
        json!({}),
    )
    .await;
    // Financials, and a halt.
    app.data(
        "mutation { publishFinancials(input: { year: 2025, revenue: \"500000.00\", \
            operatingProfit: \"60000.00\", netIncome: \"40000.00\" }) { symbol } }",
        json!({}),
        Some(&corp1.token),
    )
    .await;
    app.admin_mutation("mutation { haltTrading(symbol: \"BOLT\") }", json!({}))
        .await;

    // bob by hand: fills 70 @ 20.00 (commission on 1,400.00 = 0.21) and
    // 5 @ 20.50 (on the order's 1,502.50: 0.225375 -> 0.23, so 0.02 more).
    // cash 3,000.00 - 1,400.21 - 102.52 = 1,497.27. Reserved at placing:
    // 80 x 20.50 = 1,640.00 + 0.246 -> 0.25 = 1,640.25; left 1,640.25 -
    // 1,400.21 - 102.52 = 137.52; available 1,497.27 - 137.52 = 1,359.75.
    let b = app.balances(&bob).await;
    assert_eq!(
        (b["cash"].clone(), b["availableCash"].clone()),
        (json!("1497.27"), json!("1359.75"))
    );
    let order = app.order(&bob, &bob_bid).await;
    assert_eq!(
        fills(&order),
        vec!["70 @ 20.00 fee 0.21", "5 @ 20.50 fee 0.02"]
    );

    let admin = app.admin.clone();
    let everyone = [&admin, &corp1, &corp2, &corp3, &alice, &bob];
    let mut before = Vec::new();
    for who in everyone {
        before.push(account_snapshot(&app, who).await);
    }
    let market_before = market_snapshot(&app).await;
    let old_address = app.address.clone();

    // ---- restart ----
    app.restart().await;
    assert_ne!(app.address, old_address, "a new server on a new port");

    // Everyone logs in with their password, as the same account.
    for (who, password) in [
        (&admin, support::app::ADMIN_PASSWORD),
        (&corp1, PASSWORD),
        (&corp2, PASSWORD),
        (&corp3, PASSWORD),
        (&alice, PASSWORD),
        (&bob, PASSWORD),
    ] {
        let again = app.login(&who.username, password).await;
        assert_eq!(
            again.id, who.id,
            "{} logs in after the restart",
            who.username
        );
    }
    // Tokens issued before still work (the signing secret is kept), and so
    // does a refresh token.
    let mut changed = Vec::new();
    for (who, snapshot) in everyone.iter().zip(&before) {
        let after = account_snapshot(&app, who).await;
        for difference in differences(&after, snapshot) {
            changed.push(format!("{}: {difference}", who.username));
        }
    }
    for difference in differences(&market_snapshot(&app).await, &market_before) {
        changed.push(format!("market: {difference}"));
    }
    assert!(
        changed.is_empty(),
        "after the restart, {} value(s) changed:\n  {}",
        changed.len(),
        changed.join("\n  ")
    );
    let refreshed = app
        .data(
            "mutation($r: String!) { refreshToken(refreshToken: $r) { accessToken account { id } } }",
            json!({ "r": alice.refresh_token }),
            None,
        )
        .await;
    assert_eq!(
        refreshed["refreshToken"]["account"]["id"],
        alice.id.as_str()
    );

    // ---- the market goes on ----
    // The halt held: BOLT refuses orders until resumed.
    let code = app
        .error_code(
            "mutation { placeOrder(input: { symbol: \"BOLT\", side: BUY, type: LIMIT, quantity: 1, limitPrice: \"10.00\" }) { id } }",
            json!({}),
            Some(&alice.token),
        )
        .await;
    assert_eq!(code, "MARKET_HALTED");
    app.admin_mutation("mutation { resumeTrading(symbol: \"BOLT\") }", json!({}))
        .await;
    // The delisting held.
    let core = app
        .gql(
            "mutation { placeOrder(input: { symbol: \"CORE\", side: SELL, type: LIMIT, quantity: 1, limitPrice: \"5.00\" }) { id } }",
            json!({}),
            Some(&corp3.token),
        )
        .await;
    assert!(
        core["errors"].as_array().is_some_and(|e| !e.is_empty()),
        "CORE stays delisted: {core}"
    );
    assert_eq!(
        app.order(&corp3, &id_of(&core_ask)).await["status"],
        "CANCELLED"
    );
    // The idempotency key held.
    let again = app.place_order(&alice, keyed_input).await;
    assert_eq!(
        id_of(&again),
        id_of(&keyed),
        "clientOrderId keep-1 names the same order"
    );

    // corp1 sells 5 @ 20.50 into bob's recovered bid. bob's order has traded
    // 1,502.50 and paid 0.23; on 1,605.00 it owes 0.24075 -> 0.24, so this
    // fill pays 0.01 (alone it would have paid 0.015375 -> 0.02).
    // bob: 1,497.27 - 102.50 - 0.01 = 1,394.76, and the order is done, so
    // nothing stays reserved.
    let acme_sequence = market_before["acme"]["sequence"].as_i64().unwrap();
    let max_order_id = before
        .iter()
        .flat_map(|s| as_array(&s["myOrders"]))
        .map(|o| id_of(&o).parse::<i64>().unwrap())
        .max()
        .unwrap();
    let s3 = app.limit(&corp1, "ACME", "SELL", 5, "20.50").await;
    assert_eq!(s3["status"], "FILLED");
    assert!(
        id_of(&s3).parse::<i64>().unwrap() > max_order_id,
        "order ids go on after the restart: {} after {max_order_id}",
        id_of(&s3)
    );
    let order = app.order(&bob, &bob_bid).await;
    assert_eq!(order["status"], "FILLED");
    assert_eq!(
        fills(&order),
        vec![
            "70 @ 20.00 fee 0.21",
            "5 @ 20.50 fee 0.02",
            "5 @ 20.50 fee 0.01"
        ]
    );
    let b = app.balances(&bob).await;
    assert_eq!(
        (b["cash"].clone(), b["availableCash"].clone()),
        (json!("1394.76"), json!("1394.76"))
    );
    let market = app
        .data(
            "query { trades(symbol: \"ACME\", limit: 1000) { sequence price quantity } \
                     orderBook(symbol: \"ACME\") { sequence } }",
            json!({}),
            None,
        )
        .await;
    let trades = as_array(&market["trades"]);
    let newest = trades
        .iter()
        .max_by_key(|t| t["sequence"].as_i64())
        .expect("ACME has trades");
    assert_eq!(
        (newest["price"].clone(), newest["quantity"].clone()),
        (json!("20.50"), json!(5))
    );
    assert!(
        newest["sequence"].as_i64().unwrap() > acme_sequence,
        "the book's sequence goes on after the restart"
    );
    assert_eq!(
        trades.len(),
        as_array(&market_before["acmeTrades"]).len() + 1,
        "one trade more than before the restart"
    );
    // The ledger goes on from the recovered cash.
    let ledger = app.ledger(&bob, 2).await;
    assert_eq!(ledger[0]["kind"], "FEE");
    assert_eq!(ledger[0]["cashAfter"], "1394.76");
    assert_eq!(ledger[1]["kind"], "BUY");
    assert_eq!(ledger[1]["cashBefore"], "1497.27");

    // And a second restart finds the post-restart trade too.
    let bob_now = account_snapshot(&app, &bob).await;
    app.restart().await;
    assert_same(
        &account_snapshot(&app, &bob).await,
        &bob_now,
        "bob after the second restart",
    );
    app.stop().await;
}

api_tests!(everything_survives_a_restart);
