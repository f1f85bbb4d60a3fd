//! The classroom's tools over real HTTP, on both backends: risk limits an
//! admin or instructor sets (RISK_LIMIT refusals that change nothing),
//! order amendment (a reduction keeps its place, a new price is a
//! cancel-and-replace, a client order id makes it idempotent) and cash
//! dividends (holders of record paid from the issuer's cash, exactly, across
//! a restart between the record and the pay time).

mod support;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::app::{ORDER_FIELDS, TestApp, User, assert_dec, dec, id_of, this_year};
use support::db::Backend;

api_tests!(
    risk_limits_refuse_orders_with_their_code_and_change_nothing,
    amendments_reduce_in_place_or_cancel_and_replace,
    dividends_pay_the_holders_of_record_from_the_issuer,
    a_dividend_the_issuer_can_no_longer_pay_is_cancelled,
);

const SET_LIMITS: &str = "mutation($a: ID!, $l: RiskLimitsInput!) { setRiskLimits(accountId: $a, limits: $l) { \
    id riskLimits { maxOrderValue maxPositionPercent maxOpenOrders } } }";

fn amend_query() -> String {
    format!(
        "mutation($id: ID!, $q: Long, $p: Decimal, $s: Decimal, $k: String) {{ \
         amendOrder(id: $id, quantity: $q, limitPrice: $p, stopPrice: $s, clientOrderId: $k) {{ {ORDER_FIELDS} }} }}"
    )
}

/// A company whose issuer sold `sold` shares at 10.00 to each of `buyers`.
async fn market(app: &TestApp, symbol: &str, buyers: &[(&User, i64)]) -> User {
    let issuer = app
        .register(&format!("{}issuer", symbol.to_lowercase()), "CORPORATE")
        .await;
    app.list_company(symbol, "Tech", 1_000, "10.00", None, &issuer)
        .await;
    for (buyer, shares) in buyers {
        app.limit(&issuer, symbol, "SELL", *shares, "10.00").await;
        let bought = app.limit(buyer, symbol, "BUY", *shares, "10.00").await;
        assert_eq!(bought["status"], "FILLED", "{bought}");
    }
    issuer
}

async fn instructor(app: &TestApp, name: &str) -> User {
    let user = app.register(name, "INDIVIDUAL").await;
    app.admin_mutation(
        "mutation($a: ID!) { grantRole(accountId: $a, role: INSTRUCTOR) { role } }",
        json!({ "a": user.id }),
    )
    .await;
    user
}

fn error_of(answer: &Value) -> (&str, &Value) {
    let error = &answer["errors"][0];
    (
        error["extensions"]["code"].as_str().unwrap_or("none"),
        error,
    )
}

async fn risk_limits_refuse_orders_with_their_code_and_change_nothing(backend: Backend) {
    let Some(mut app) = TestApp::spawn(backend).await else {
        return;
    };
    let player = app.register("riskplayer", "INDIVIDUAL").await;
    let teacher = instructor(&app, "riskteacher").await;
    app.deposit(&player, "10000.00").await;
    market(&app, "RISK", &[(&player, 100)]).await;

    // Who may set them, and what they may be.
    let limits =
        json!({ "maxOrderValue": "500.00", "maxPositionPercent": "25", "maxOpenOrders": 2 });
    let refused = app
        .gql(
            SET_LIMITS,
            json!({ "a": player.id, "l": limits }),
            Some(&player.token),
        )
        .await;
    assert_eq!(error_of(&refused).0, "FORBIDDEN", "{refused}");
    let refused = app
        .gql(
            SET_LIMITS,
            json!({ "a": app.admin.id, "l": limits }),
            Some(&teacher.token),
        )
        .await;
    assert_eq!(
        error_of(&refused).0,
        "FORBIDDEN",
        "an instructor limits players only: {refused}"
    );
    for bad in [
        json!({ "maxOrderValue": "-1" }),
        json!({ "maxOrderValue": "0.001" }),
        json!({ "maxPositionPercent": "0" }),
        json!({ "maxPositionPercent": "100.5" }),
        json!({ "maxOpenOrders": 0 }),
    ] {
        let answer = app
            .gql(
                SET_LIMITS,
                json!({ "a": player.id, "l": bad }),
                Some(&teacher.token),
            )
            .await;
        assert_eq!(error_of(&answer).0, "BAD_USER_INPUT", "{bad}: {answer}");
    }
    let set = app
        .data(
            SET_LIMITS,
            json!({ "a": player.id, "l": limits }),
            Some(&teacher.token),
        )
        .await;
    assert_eq!(
        set["setRiskLimits"]["riskLimits"],
        json!({ "maxOrderValue": "500.00", "maxPositionPercent": "25", "maxOpenOrders": 2 })
    );

    // Equity is 8,999.85 cash (after 1,000.00 and 0.15 commission for the
    // shares) and 100 shares at 10.00: a quarter of it is 2,499.96.
    let before = app.balances(&player).await;
    let place = |qty: i64, price: &str| {
        json!({ "input": { "symbol": "RISK", "side": "BUY", "type": "LIMIT",
            "quantity": qty, "limitPrice": price } })
    };
    let query = "mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }";
    let too_big = app
        .gql(query, place(51, "10.00"), Some(&player.token))
        .await;
    let (code, error) = error_of(&too_big);
    assert_eq!(code, "RISK_LIMIT", "{too_big}");
    assert_eq!(error["extensions"]["limit"], "maxOrderValue");
    assert_eq!(error["extensions"]["limitValue"], "500.00");
    assert!(
        error["message"].as_str().unwrap().contains("510"),
        "{error}"
    );
    assert_eq!(
        app.balances(&player).await,
        before,
        "a refusal reserves nothing"
    );

    // 50 + 50 open buys bring the position to 2,000.00; 51 more would pass it.
    app.limit(&player, "RISK", "BUY", 50, "9.00").await;
    app.limit(&player, "RISK", "BUY", 50, "9.00").await;
    let third = app.gql(query, place(1, "9.00"), Some(&player.token)).await;
    let (code, error) = error_of(&third);
    assert_eq!(
        (code, &error["extensions"]["limit"]),
        ("RISK_LIMIT", &json!("maxOpenOrders"))
    );
    let sell = json!({ "input": { "symbol": "RISK", "side": "SELL", "type": "LIMIT",
        "quantity": 1, "limitPrice": "12.00" } });
    let answer = app.gql(query, sell, Some(&player.token)).await;
    assert_eq!(
        error_of(&answer).0,
        "RISK_LIMIT",
        "a sale is an open order too: {answer}"
    );

    let loose = json!({ "maxPositionPercent": "25" });
    app.data(
        SET_LIMITS,
        json!({ "a": player.id, "l": loose }),
        Some(&app.admin.token),
    )
    .await;
    // 100 held and 100 pending at 9.00 is 1,800.00 (at the order's price);
    // 78 more at 9.00 make 2,502.00, above 2,499.96; 77 make 2,493.00.
    let over = app.gql(query, place(78, "9.00"), Some(&player.token)).await;
    let (code, error) = error_of(&over);
    assert_eq!(
        (code, &error["extensions"]["limitValue"]),
        ("RISK_LIMIT", &json!("25"))
    );
    let fits = app.gql(query, place(77, "9.00"), Some(&player.token)).await;
    assert!(fits["errors"].is_null(), "{fits}");

    // Limits are settings of the account: a restart keeps them.
    app.restart().await;
    let me = app
        .data(
            "query { me { riskLimits { maxOrderValue maxPositionPercent maxOpenOrders } } }",
            json!({}),
            Some(&player.token),
        )
        .await;
    assert_eq!(
        me["me"]["riskLimits"],
        json!({ "maxOrderValue": null, "maxPositionPercent": "25", "maxOpenOrders": null })
    );
    let again = app.gql(query, place(1, "9.00"), Some(&player.token)).await;
    assert_eq!(error_of(&again).0, "RISK_LIMIT", "{again}");
    app.stop().await;
}

async fn amendments_reduce_in_place_or_cancel_and_replace(backend: Backend) {
    let Some(mut app) = TestApp::spawn(backend).await else {
        return;
    };
    let first = app.register("amendfirst", "INDIVIDUAL").await;
    let second = app.register("amendsecond", "INDIVIDUAL").await;
    app.deposit(&first, "1000.00").await;
    app.deposit(&second, "1000.00").await;
    let issuer = market(&app, "AMND", &[]).await;
    let amend = amend_query();

    let early = id_of(&app.limit(&first, "AMND", "BUY", 50, "9.00").await);
    let late = id_of(&app.limit(&second, "AMND", "BUY", 50, "9.00").await);
    let available = dec(&app.balances(&first).await["availableCash"]);

    // A smaller quantity keeps the order and its place, and frees cash now.
    let reduced = app
        .data(&amend, json!({ "id": early, "q": 20 }), Some(&first.token))
        .await["amendOrder"]
        .clone();
    assert_eq!(
        (id_of(&reduced), &reduced["quantity"]),
        (early.clone(), &json!(20))
    );
    assert_eq!(reduced["status"], "OPEN");
    let freed = dec(&app.balances(&first).await["availableCash"]) - available;
    // 30 x 9.00 plus its 0.015% commission (0.04).
    assert_dec(&json!(freed.to_string()), "270.04");
    let sold = app.limit(&issuer, "AMND", "SELL", 20, "9.00").await;
    assert_eq!(sold["status"], "FILLED");
    assert_eq!(
        app.order(&first, &early).await["status"],
        "FILLED",
        "it kept its place"
    );
    assert_eq!(app.order(&second, &late).await["filledQuantity"], 0);

    // A new price is a new order at the back of its level; the old one ends.
    let moved = app
        .data(
            &amend,
            json!({ "id": late, "p": "9.50", "k": "move-1" }),
            Some(&second.token),
        )
        .await["amendOrder"]
        .clone();
    assert_ne!(id_of(&moved), late);
    assert_eq!(
        (&moved["limitPrice"], &moved["quantity"]),
        (&json!("9.50"), &json!(50))
    );
    let old = app.order(&second, &late).await;
    assert_eq!(
        (&old["status"], &old["reason"].is_null()),
        (&json!("CANCELLED"), &false)
    );
    let book = app.order_book("AMND", 5).await;
    assert_eq!(
        book["bids"],
        json!([{ "price": "9.50", "quantity": 50, "orders": 1 }])
    );
    let again = app
        .data(
            &amend,
            json!({ "id": late, "p": "9.50", "k": "move-1" }),
            Some(&second.token),
        )
        .await["amendOrder"]
        .clone();
    assert_eq!(
        id_of(&again),
        id_of(&moved),
        "the same client order id, the same order"
    );
    // Its reservation is for the replacement alone: 50 x 9.50 + 0.07.
    let cash = app.balances(&second).await;
    assert_dec(
        &json!((dec(&cash["cash"]) - dec(&cash["availableCash"])).to_string()),
        "475.07",
    );

    // Refusals change nothing.
    let moved_id = id_of(&moved);
    let before = (
        app.balances(&second).await,
        app.order(&second, &moved_id).await,
    );
    for (variables, code) in [
        (json!({ "id": moved_id, "q": 200 }), "INSUFFICIENT_FUNDS"),
        (json!({ "id": moved_id, "s": "9.00" }), "BAD_USER_INPUT"),
        (json!({ "id": moved_id, "p": "9.505" }), "BAD_USER_INPUT"),
        (json!({ "id": moved_id }), "BAD_USER_INPUT"),
        (json!({ "id": moved_id, "q": 0 }), "BAD_USER_INPUT"),
        (json!({ "id": early, "q": 10 }), "NOT_FOUND"),
        (json!({ "id": late, "q": 10 }), "CONFLICT"),
    ] {
        let answer = app
            .gql(&amend, variables.clone(), Some(&second.token))
            .await;
        assert_eq!(error_of(&answer).0, code, "{variables}: {answer}");
    }
    let after = (
        app.balances(&second).await,
        app.order(&second, &moved_id).await,
    );
    assert_eq!(after, before);

    // The replacement survives a restart like any order.
    app.restart().await;
    let kept = app.order(&second, &moved_id).await;
    assert_eq!(
        (&kept["status"], &kept["limitPrice"]),
        (&json!("OPEN"), &json!("9.50"))
    );
    app.stop().await;
}

const DECLARE: &str = "mutation($i: DeclareDividendInput!) { declareDividend(input: $i) { \
    id symbol amountPerShare recordTime payTime status total note } }";
const DIVIDENDS: &str = "query($s: String) { dividends(symbol: $s) { id status total note } }";

fn at(from_now: Duration) -> String {
    (chrono::Utc::now() + from_now).to_rfc3339()
}

/// Polls `dividends` until the newest is in `status` (or panics).
async fn wait_for(app: &TestApp, symbol: &str, status: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let list = app.data(DIVIDENDS, json!({ "s": symbol }), None).await;
        let newest = list["dividends"][0].clone();
        if newest["status"] == status {
            return newest;
        }
        assert!(
            Instant::now() < deadline,
            "still {newest} waiting for {status}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn cash_of(app: &TestApp, users: &[&User]) -> Vec<rust_decimal::Decimal> {
    let mut cash = Vec::new();
    for user in users {
        cash.push(dec(&app.balances(user).await["cash"]));
    }
    cash
}

async fn dividends_pay_the_holders_of_record_from_the_issuer(backend: Backend) {
    let Some(mut app) = TestApp::spawn(backend).await else {
        return;
    };
    let (three, one) = (
        app.register("divthree", "INDIVIDUAL").await,
        app.register("divone", "INDIVIDUAL").await,
    );
    app.deposit(&three, "100.00").await;
    app.deposit(&one, "100.00").await;
    let issuer = market(&app, "DIVI", &[(&three, 3), (&one, 1)]).await;
    let stranger = app.register("divstranger", "CORPORATE").await;
    let input = |per_share: &str, record: Duration, pay: Duration| {
        json!({ "i": { "symbol": "DIVI", "amountPerShare": per_share,
            "recordTime": at(record), "payTime": at(pay) } })
    };
    let soon = Duration::from_secs(2);
    let later = Duration::from_secs(8);

    // Refusals, each changing nothing.
    for (who, variables, code) in [
        (&three, input("0.125", soon, later), "FORBIDDEN"),
        (&stranger, input("0.125", soon, later), "FORBIDDEN"),
        (&issuer, input("0", soon, later), "BAD_USER_INPUT"),
        (&issuer, input("0.0000001", soon, later), "BAD_USER_INPUT"),
        (&issuer, input("0.125", later, soon), "BAD_USER_INPUT"),
        // 1,000 shares less its own 996 is 4 others: at 1,000.00 a share
        // that is 4,000.00, and the issuer has 39.93 from its sales.
        (&issuer, input("1000", soon, later), "INSUFFICIENT_FUNDS"),
    ] {
        let answer = app.gql(DECLARE, variables.clone(), Some(&who.token)).await;
        assert_eq!(error_of(&answer).0, code, "{variables}: {answer}");
    }
    let past = app
        .gql(
            DECLARE,
            json!({ "i": { "symbol": "DIVI", "amountPerShare": "0.125",
                "recordTime": (chrono::Utc::now() - chrono::Duration::seconds(60)).to_rfc3339(),
                "payTime": at(later) } }),
            Some(&issuer.token),
        )
        .await;
    assert_eq!(error_of(&past).0, "BAD_USER_INPUT", "{past}");
    let none = app.data(DIVIDENDS, json!({ "s": "DIVI" }), None).await;
    assert_eq!(none["dividends"], json!([]));

    let people = [&issuer, &three, &one];
    let cash_before = cash_of(&app, &people).await;
    let declared = app
        .data(DECLARE, input("0.125", soon, later), Some(&issuer.token))
        .await["declareDividend"]
        .clone();
    assert_eq!(
        (&declared["status"], &declared["amountPerShare"]),
        (&json!("DECLARED"), &json!("0.125"))
    );

    // Recorded: 3 x 0.125 = 0.375 -> 0.38 and 1 x 0.125 = 0.125 -> 0.12
    // (half to even); the issuer sets aside exactly their 0.50.
    let recorded = wait_for(&app, "DIVI", "RECORDED").await;
    assert_dec(&recorded["total"], "0.50");
    let issuer_cash = dec(&app.balances(&issuer).await["cash"]);
    assert_eq!(
        issuer_cash,
        cash_before[0] - rust_decimal::Decimal::new(50, 2)
    );

    // A restart between the record time and the pay time.
    app.restart().await;
    let paid = wait_for(&app, "DIVI", "PAID").await;
    assert_dec(&paid["total"], "0.50");
    let cash_after = cash_of(&app, &people).await;
    assert_eq!(
        cash_after.iter().sum::<rust_decimal::Decimal>(),
        cash_before.iter().sum::<rust_decimal::Decimal>(),
        "cash in = cash out"
    );
    assert_eq!(
        cash_after[1] - cash_before[1],
        rust_decimal::Decimal::new(38, 2)
    );
    assert_eq!(
        cash_after[2] - cash_before[2],
        rust_decimal::Decimal::new(12, 2)
    );
    for (user, shares) in [(&three, 3), (&one, 1), (&issuer, 996)] {
        let me = app.balances(user).await;
        assert_eq!(
            me["holdings"][0]["quantity"], shares,
            "shares unchanged: {me}"
        );
    }
    let entry = app.ledger(&three, 1).await.remove(0);
    assert_eq!(
        (&entry["kind"], &entry["symbol"]),
        (&json!("DIVIDEND"), &json!("DIVI"))
    );
    assert_dec(&entry["amount"], "0.38");
    assert_eq!(
        dec(&entry["cashAfter"]) - dec(&entry["cashBefore"]),
        dec(&entry["amount"])
    );
    let report = app
        .data(
            "query($y: Int!) { capitalGains(year: $y) { totalGain dividendIncome \
                dividends { symbol amount paidAt } } }",
            json!({ "y": this_year() }),
            Some(&three.token),
        )
        .await;
    assert_dec(&report["capitalGains"]["dividendIncome"], "0.38");
    assert_dec(&report["capitalGains"]["totalGain"], "0");
    assert_eq!(report["capitalGains"]["dividends"][0]["symbol"], "DIVI");
    app.stop().await;
}

async fn a_dividend_the_issuer_can_no_longer_pay_is_cancelled(backend: Backend) {
    let Some(mut app) = TestApp::spawn(backend).await else {
        return;
    };
    let holder = app.register("shortholder", "INDIVIDUAL").await;
    app.deposit(&holder, "100.00").await;
    let issuer = market(&app, "SHRT", &[(&holder, 4)]).await;
    app.deposit(&issuer, "100.00").await;
    let declared = app
        .data(
            DECLARE,
            json!({ "i": { "symbol": "SHRT", "amountPerShare": "10",
                "recordTime": at(Duration::from_secs(2)), "payTime": at(Duration::from_secs(3)) } }),
            Some(&issuer.token),
        )
        .await;
    assert_eq!(declared["declareDividend"]["status"], "DECLARED");
    // It owes 40.00, and all but 39.93 leaves before the record time.
    app.withdraw(&issuer, "100.00").await;
    let before = cash_of(&app, &[&issuer, &holder]).await;
    let cancelled = wait_for(&app, "SHRT", "CANCELLED").await;
    assert!(
        cancelled["note"].as_str().unwrap().contains("record time"),
        "{cancelled}"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        cash_of(&app, &[&issuer, &holder]).await,
        before,
        "nobody is paid"
    );
    app.stop().await;
}
