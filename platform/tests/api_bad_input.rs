//! Every bad input, one by one, against the running server: each answers
//! with the error code the contract names, and changes nothing: after each
//! one, alice's `me { cash availableCash holdings { symbol quantity
//! availableQuantity } }` and her orders are what they were. On SQLite and
//! Postgres.
//!
//! alice's standing position, worked by hand:
//! - deposits 10,000.00;
//! - buys 10 ACME @ 100.00: 1,000.00 + commission 0.15 -> cash 8,999.85;
//! - bids 5 ACME @ 95.00 (rests): reserves 475.00 + 0.07125 -> 0.07 = 475.07,
//!   available 8,999.85 - 475.07 = 8,524.78;
//! - offers 2 ACME @ 110.00 (rests): 8 of her 10 shares stay available.

mod support;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use support::app::{PASSWORD, TestApp, User, id_of};
use support::db::Backend;

const ME: &str = "query { me { id } }";
const PLACE: &str =
    "mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id status quantity } }";
const DEPOSIT: &str = "mutation($a: Decimal!) { deposit(amount: $a) { id } }";
const WITHDRAW: &str = "mutation($a: Decimal!) { withdraw(amount: $a) { id } }";
const REGISTER: &str =
    "mutation($input: RegisterInput!) { register(input: $input) { accessToken account { id } } }";
const LOGIN: &str =
    "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }";
const CANCEL: &str = "mutation($id: ID!) { cancelOrder(id: $id) { id status } }";
const LIST: &str = "mutation($input: ListCompanyInput!) { listCompany(input: $input) { symbol } }";
const PUBLISH: &str =
    "mutation($input: FinancialsInput!) { publishFinancials(input: $input) { symbol } }";
/// What must not change: the balances the brief names, and the orders.
const STATE: &str = "query { me { cash availableCash holdings { symbol quantity availableQuantity } } \
    myOrders(limit: 1000) { id status filledQuantity remainingQuantity } }";

/// How a case authenticates.
enum Auth<'a> {
    None,
    Token(&'a str),
    /// The Authorization header, verbatim.
    Header(String),
}

struct Checker<'a> {
    app: &'a TestApp,
    alice: &'a User,
    corp: &'a User,
    alice_state: Value,
    corp_state: Value,
    cases: usize,
}

impl Checker<'_> {
    async fn state(&self, who: &User) -> Value {
        self.app.data(STATE, json!({}), Some(&who.token)).await
    }

    /// Sends the request, asserts the error code is one of `codes`, and that
    /// neither alice nor the issuer changed.
    async fn refused(
        &mut self,
        case: &str,
        query: &str,
        variables: Value,
        auth: Auth<'_>,
        codes: &[&str],
    ) {
        self.cases += 1;
        let response = match auth {
            Auth::None => self.app.gql(query, variables.clone(), None).await,
            Auth::Token(token) => self.app.gql(query, variables.clone(), Some(token)).await,
            Auth::Header(header) => {
                self.app
                    .gql_with_header(query, variables.clone(), Some(&header))
                    .await
            }
        };
        let code = support::app::expect_error(&response, query, &variables);
        assert!(
            codes.contains(&code.as_str()),
            "case {case:?}: expected {codes:?}, got {code}\nquery: {query}\nvariables: {variables}\nresponse: {response:#}"
        );
        // Nothing that failed may leave data behind for the failed field.
        if let Some(data) = response["data"].as_object() {
            for (field, value) in data {
                assert!(
                    value.is_null(),
                    "case {case:?}: the failed request answered {field} = {value}"
                );
            }
        }
        assert_eq!(
            self.state(self.alice).await,
            self.alice_state,
            "case {case:?} changed alice's balances or orders"
        );
        if codes
            .iter()
            .any(|c| c.starts_with("INSUFFICIENT") || *c == "NOT_FOUND")
        {
            assert_eq!(
                self.state(self.corp).await,
                self.corp_state,
                "case {case:?} changed the issuer's balances or orders"
            );
        }
    }
}

/// A valid limit buy of 1 ACME @ 99.00 with `patch` applied.
fn order(patch: Value) -> Value {
    let mut input = json!({
        "symbol": "ACME", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
        "quantity": 1, "limitPrice": "99.00",
    });
    for (key, value) in patch.as_object().expect("a patch is an object") {
        if value.is_null() {
            input.as_object_mut().unwrap().remove(key);
        } else {
            input[key] = value.clone();
        }
    }
    json!({ "input": input })
}

fn register_input(username: &str, password: &str, display: &str, role: &str) -> Value {
    json!({ "input": { "username": username, "password": password, "displayName": display, "role": role } })
}

/// Base64url without padding, for hand-made JWTs.
fn b64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

fn sign(secret: &[u8], sub: &str, iat: i64, exp: i64) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &json!({ "sub": sub, "iat": iat, "exp": exp }),
        &EncodingKey::from_secret(secret),
    )
    .expect("HS256 signing works")
}

async fn every_bad_input_is_refused_and_changes_nothing(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let corp = app.register("acme_corp", "CORPORATE").await;
    let corp2 = app.register("bolt_corp", "CORPORATE").await;
    let alice = app.register("alice", "INDIVIDUAL").await;
    app.list_company("ACME", "Technology", 1_000, "100.00", None, &corp)
        .await;
    // BOLT trades on a 0.05 tick: 10.05 is a price, 10.03 is not.
    let bolt = app
        .list_company("BOLT", "Energy", 1_000, "10.00", Some("0.05"), &corp2)
        .await;
    assert_eq!(bolt["tickSize"], "0.05");

    app.deposit(&alice, "10000.00").await;
    let corp_ask = app.limit(&corp, "ACME", "SELL", 50, "100.00").await;
    let bought = app.limit(&alice, "ACME", "BUY", 10, "100.00").await;
    assert_eq!(bought["status"], "FILLED");
    app.limit(&alice, "ACME", "BUY", 5, "95.00").await;
    app.limit(&alice, "ACME", "SELL", 2, "110.00").await;
    let balances = app.balances(&alice).await;
    assert_eq!(
        balances,
        json!({
            "cash": "8999.85", "availableCash": "8524.78",
            "holdings": [{ "symbol": "ACME", "quantity": 10, "availableQuantity": 8 }],
        })
    );

    let mut c = Checker {
        app: &app,
        alice: &alice,
        corp: &corp,
        alice_state: json!(null),
        corp_state: json!(null),
        cases: 0,
    };
    c.alice_state = c.state(&alice).await;
    c.corp_state = c.state(&corp).await;
    assert_eq!(c.alice_state["myOrders"].as_array().map(Vec::len), Some(3));
    let t = alice.token.as_str();

    // ---- who is asking ----
    const UNAUTH: &[&str] = &["UNAUTHENTICATED"];
    c.refused("me without a token", ME, json!({}), Auth::None, UNAUTH)
        .await;
    c.refused(
        "a garbage token",
        ME,
        json!({}),
        Auth::Header("Bearer not-a-token".into()),
        UNAUTH,
    )
    .await;
    c.refused(
        "three garbage parts",
        ME,
        json!({}),
        Auth::Header("Bearer abc.def.ghi".into()),
        UNAUTH,
    )
    .await;
    c.refused(
        "an empty bearer",
        ME,
        json!({}),
        Auth::Header("Bearer ".into()),
        UNAUTH,
    )
    .await;
    c.refused(
        "another scheme",
        ME,
        json!({}),
        Auth::Header(format!("Basic {t}")),
        UNAUTH,
    )
    .await;
    c.refused(
        "a token without a scheme",
        ME,
        json!({}),
        Auth::Header(t.to_owned()),
        UNAUTH,
    )
    .await;
    let now = now_secs();
    let foreign = sign(b"not the server's secret", &alice.id, now, now + 900);
    c.refused(
        "a token signed with another secret",
        ME,
        json!({}),
        Auth::Token(&foreign),
        UNAUTH,
    )
    .await;
    let unsigned = format!(
        "{}.{}.",
        b64url(br#"{"alg":"none","typ":"JWT"}"#),
        b64url(
            json!({ "sub": alice.id, "iat": now, "exp": now + 900 })
                .to_string()
                .as_bytes()
        )
    );
    c.refused(
        "an unsigned token (alg none)",
        ME,
        json!({}),
        Auth::Token(&unsigned),
        UNAUTH,
    )
    .await;
    // alice's genuine signature on claims that say "corp".
    let parts: Vec<&str> = t.split('.').collect();
    assert_eq!(parts.len(), 3, "the access token is a JWT");
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        b64url(
            json!({ "sub": corp.id, "iat": now, "exp": now + 900 })
                .to_string()
                .as_bytes()
        ),
        parts[2]
    );
    c.refused(
        "a token with its claims changed",
        ME,
        json!({}),
        Auth::Token(&tampered),
        UNAUTH,
    )
    .await;
    // The server keeps its signing secret in the database it was given; with
    // it we can make a token that is genuine but expired, and one for an
    // account that does not exist.
    match marketlab::persistence::repo::server_settings::find(app.db(), "jwt_secret")
        .await
        .expect("server settings can be read")
    {
        Some(secret) => {
            let ours = sign(secret.as_bytes(), &alice.id, now, now + 900);
            assert_eq!(
                app.data(ME, json!({}), Some(&ours)).await["me"]["id"],
                alice.id.as_str(),
                "a token signed with the stored secret is accepted (so the next two are refused for the right reason)"
            );
            let expired = sign(secret.as_bytes(), &alice.id, now - 3_600, now - 60);
            c.refused(
                "an expired token",
                ME,
                json!({}),
                Auth::Token(&expired),
                UNAUTH,
            )
            .await;
            let expired_order = order(json!({}));
            c.refused(
                "an order with an expired token",
                PLACE,
                expired_order,
                Auth::Token(&expired),
                UNAUTH,
            )
            .await;
            let ghost = sign(secret.as_bytes(), "999999", now, now + 900);
            c.refused(
                "a genuine token for no account",
                ME,
                json!({}),
                Auth::Token(&ghost),
                UNAUTH,
            )
            .await;
        }
        None => {
            eprintln!("note: no jwt_secret in server_settings; the expired-token cases are skipped")
        }
    }
    c.refused(
        "an order with a garbage token",
        PLACE,
        order(json!({})),
        Auth::Header("Bearer x.y.z".into()),
        UNAUTH,
    )
    .await;
    c.refused(
        "an order without a token",
        PLACE,
        order(json!({})),
        Auth::None,
        UNAUTH,
    )
    .await;
    c.refused(
        "a deposit without a token",
        DEPOSIT,
        json!({ "a": "5.00" }),
        Auth::None,
        UNAUTH,
    )
    .await;
    c.refused(
        "a deposit with a garbage token",
        DEPOSIT,
        json!({ "a": "5.00" }),
        Auth::Header("Bearer junk".into()),
        UNAUTH,
    )
    .await;
    c.refused(
        "a wrong password",
        LOGIN,
        json!({ "u": "alice", "p": "wrong-password" }),
        Auth::None,
        UNAUTH,
    )
    .await;
    c.refused(
        "an unknown user",
        LOGIN,
        json!({ "u": "nobody", "p": PASSWORD }),
        Auth::None,
        UNAUTH,
    )
    .await;
    c.refused(
        "a garbage refresh token",
        "mutation($r: String!) { refreshToken(refreshToken: $r) { accessToken } }",
        json!({ "r": "garbage" }),
        Auth::None,
        UNAUTH,
    )
    .await;
    c.refused(
        "an access token used as a refresh token",
        "mutation($r: String!) { refreshToken(refreshToken: $r) { accessToken } }",
        json!({ "r": t }),
        Auth::None,
        UNAUTH,
    )
    .await;

    // ---- roles ----
    const FORBIDDEN: &[&str] = &["FORBIDDEN"];
    let listing = json!({ "input": {
        "symbol": "ZZZ", "name": "Zed", "sector": "Tech", "sharesOutstanding": 100,
        "ipoPrice": "10.00", "issuerAccountId": corp2.id,
    }});
    c.refused(
        "an individual lists a company",
        LIST,
        listing.clone(),
        Auth::Token(t),
        FORBIDDEN,
    )
    .await;
    c.refused(
        "a corporate lists a company",
        LIST,
        listing.clone(),
        Auth::Token(&corp.token),
        FORBIDDEN,
    )
    .await;
    c.refused("nobody lists a company", LIST, listing, Auth::None, UNAUTH)
        .await;
    c.refused(
        "an individual delists",
        "mutation { delistCompany(symbol: \"ACME\") { symbol } }",
        json!({}),
        Auth::Token(t),
        FORBIDDEN,
    )
    .await;
    c.refused(
        "an individual halts",
        "mutation { haltTrading(symbol: \"ACME\") }",
        json!({}),
        Auth::Token(t),
        FORBIDDEN,
    )
    .await;
    c.refused(
        "an individual grants itself ADMIN",
        "mutation($id: ID!) { grantRole(accountId: $id, role: ADMIN) { role } }",
        json!({ "id": alice.id }),
        Auth::Token(t),
        FORBIDDEN,
    )
    .await;
    let financials = json!({ "input": {
        "year": 2025, "revenue": "100.00", "operatingProfit": "10.00", "netIncome": "5.00",
    }});
    c.refused(
        "an individual publishes financials",
        PUBLISH,
        financials,
        Auth::Token(t),
        FORBIDDEN,
    )
    .await;
    for role in ["ADMIN", "INSTRUCTOR", "BOT"] {
        c.refused(
            &format!("register as {role}"),
            REGISTER,
            register_input(
                &format!("would_be_{}", role.to_lowercase()),
                PASSWORD,
                "Nope",
                role,
            ),
            Auth::None,
            FORBIDDEN,
        )
        .await;
    }

    // ---- unknown things ----
    const NOT_FOUND: &[&str] = &["NOT_FOUND"];
    c.refused(
        "an order on an unknown symbol",
        PLACE,
        order(json!({ "symbol": "NOPE" })),
        Auth::Token(t),
        NOT_FOUND,
    )
    .await;
    c.refused(
        "the book of an unknown symbol",
        "query { orderBook(symbol: \"NOPE\") { sequence } }",
        json!({}),
        Auth::Token(t),
        NOT_FOUND,
    )
    .await;
    c.refused(
        "cancelling an unknown order",
        CANCEL,
        json!({ "id": "999999" }),
        Auth::Token(t),
        NOT_FOUND,
    )
    .await;
    c.refused(
        "cancelling an id that is not a number",
        CANCEL,
        json!({ "id": "abc" }),
        Auth::Token(t),
        &["BAD_USER_INPUT", "NOT_FOUND"],
    )
    .await;
    // Someone else's order is none of alice's business.
    c.refused(
        "cancelling another account's order",
        CANCEL,
        json!({ "id": id_of(&corp_ask) }),
        Auth::Token(t),
        &["NOT_FOUND", "FORBIDDEN"],
    )
    .await;
    let peek = app
        .gql(
            "query($id: ID!) { order(id: $id) { id } }",
            json!({ "id": id_of(&corp_ask) }),
            Some(t),
        )
        .await;
    assert!(
        peek["data"]["order"].is_null(),
        "alice cannot read another account's order: {peek}"
    );
    c.refused(
        "delisting an unknown symbol",
        "mutation { delistCompany(symbol: \"NOPE\") { symbol } }",
        json!({}),
        Auth::Token(&app.admin.token),
        NOT_FOUND,
    )
    .await;
    c.refused(
        "listing for an unknown issuer",
        LIST,
        json!({ "input": {
            "symbol": "ZZZ", "name": "Zed", "sector": "Tech", "sharesOutstanding": 100,
            "ipoPrice": "10.00", "issuerAccountId": "999999",
        }}),
        Auth::Token(&app.admin.token),
        NOT_FOUND,
    )
    .await;
    c.refused(
        "listing a symbol twice",
        LIST,
        json!({ "input": {
            "symbol": "ACME", "name": "Again", "sector": "Tech", "sharesOutstanding": 100,
            "ipoPrice": "10.00", "issuerAccountId": corp2.id,
        }}),
        Auth::Token(&app.admin.token),
        &["CONFLICT"],
    )
    .await;

    // ---- decimals ----
    const BAD: &[&str] = &["BAD_USER_INPUT"];
    let bad_amounts = [
        json!("abc"),
        json!("-5"),
        json!("-5.00"),
        json!(5),
        json!(5.5),
        json!("1e3"),
        json!("0"),
        json!("0.00"),
        json!("10.005"),
        json!(""),
        json!(" 10"),
        json!("1,000.00"),
        json!("NaN"),
        json!("Infinity"),
        json!("0x10"),
        json!("100000000000000000000000.00"),
        json!("9".repeat(50)),
        json!(null),
    ];
    for amount in &bad_amounts {
        c.refused(
            &format!("deposit {amount}"),
            DEPOSIT,
            json!({ "a": amount }),
            Auth::Token(t),
            BAD,
        )
        .await;
    }
    for amount in [json!("-5"), json!("abc"), json!(5), json!("0.001")] {
        c.refused(
            &format!("withdraw {amount}"),
            WITHDRAW,
            json!({ "a": amount }),
            Auth::Token(t),
            BAD,
        )
        .await;
    }
    // Inline, not through a variable.
    c.refused(
        "deposit(amount: 5) inline",
        "mutation { deposit(amount: 5) { id } }",
        json!({}),
        Auth::Token(t),
        BAD,
    )
    .await;
    for price in [
        json!("abc"),
        json!("-5"),
        json!("-99.00"),
        json!(99),
        json!("1e2"),
        json!("0"),
        json!("100.005"),
        json!("100.003"),
        json!("99.0001"),
        // outside the band: 100.00 +- 30% is 70.00..=130.00
        json!("130.01"),
        json!("69.99"),
    ] {
        c.refused(
            &format!("limitPrice {price}"),
            PLACE,
            order(json!({ "limitPrice": price })),
            Auth::Token(t),
            BAD,
        )
        .await;
    }
    c.refused(
        "a price off BOLT's 0.05 tick",
        PLACE,
        order(json!({ "symbol": "BOLT", "limitPrice": "10.03" })),
        Auth::Token(t),
        BAD,
    )
    .await;
    c.refused(
        "a stop price off the tick",
        PLACE,
        order(json!({ "type": "STOP_LIMIT", "stopPrice": "100.005", "limitPrice": "101.00" })),
        Auth::Token(t),
        BAD,
    )
    .await;
    c.refused(
        "a stop price outside the band",
        PLACE,
        order(json!({ "type": "STOP", "stopPrice": "131.00", "limitPrice": null })),
        Auth::Token(t),
        BAD,
    )
    .await;

    // ---- quantities ----
    for quantity in [
        json!(0),
        json!(-1),
        json!(1_000_000_000_000_i64),
        json!(1.5),
        json!("5"),
        json!(u64::MAX),
        json!(null),
    ] {
        c.refused(
            &format!("quantity {quantity}"),
            PLACE,
            order(json!({ "quantity": quantity })),
            Auth::Token(t),
            BAD,
        )
        .await;
    }

    // ---- enums and shapes ----
    c.refused(
        "side HOLD",
        PLACE,
        order(json!({ "side": "HOLD" })),
        Auth::Token(t),
        BAD,
    )
    .await;
    c.refused(
        "side in lower case",
        PLACE,
        order(json!({ "side": "buy" })),
        Auth::Token(t),
        BAD,
    )
    .await;
    c.refused(
        "type ICEBERG",
        PLACE,
        order(json!({ "type": "ICEBERG" })),
        Auth::Token(t),
        BAD,
    )
    .await;
    c.refused(
        "timeInForce FOREVER",
        PLACE,
        order(json!({ "timeInForce": "FOREVER" })),
        Auth::Token(t),
        BAD,
    )
    .await;
    c.refused(
        "side: HOLD inline",
        "mutation { placeOrder(input: { symbol: \"ACME\", side: HOLD, type: LIMIT, quantity: 1, limitPrice: \"99.00\" }) { id } }",
        json!({}),
        Auth::Token(t),
        BAD,
    )
    .await;
    c.refused(
        "a LIMIT order without a price",
        PLACE,
        order(json!({ "limitPrice": null })),
        Auth::Token(t),
        BAD,
    )
    .await;
    c.refused(
        "a STOP order without a stop price",
        PLACE,
        order(json!({ "type": "STOP", "limitPrice": null })),
        Auth::Token(t),
        BAD,
    )
    .await;
    c.refused(
        "a STOP_LIMIT order without a limit price",
        PLACE,
        order(json!({ "type": "STOP_LIMIT", "stopPrice": "101.00", "limitPrice": null })),
        Auth::Token(t),
        BAD,
    )
    .await;
    c.refused(
        "an unknown input field",
        PLACE,
        order(json!({ "colour": "red" })),
        Auth::Token(t),
        BAD,
    )
    .await;
    c.refused(
        "a syntax error",
        "query { me { id ",
        json!({}),
        Auth::Token(t),
        BAD,
    )
    .await;
    c.refused(
        "an unknown field",
        "query { me { id password } }",
        json!({}),
        Auth::Token(t),
        BAD,
    )
    .await;

    // ---- strings ----
    let huge = "a".repeat(10_000);
    let username_cases = [
        (huge.as_str(), PASSWORD, "Huge"),
        ("ab", PASSWORD, "Too short"),
        ("abcdefghijklmnopqrstuvwxyz0123456", PASSWORD, "33 chars"),
        ("Alice2", PASSWORD, "Upper case"),
        ("al ice", PASSWORD, "A space"),
        ("al!ce", PASSWORD, "A bang"),
        ("_alice", PASSWORD, "Leading underscore"),
        ("carol", "short12", "Short password"),
        ("carol", &"p".repeat(129), "Long password"),
        ("carol", PASSWORD, ""),
        ("carol", PASSWORD, "   "),
        ("carol", PASSWORD, &"d".repeat(65)),
        ("carol", PASSWORD, &huge),
    ];
    for (username, password, display) in username_cases {
        let case = format!(
            "register {} chars / password {} chars / display name {} chars",
            username.len(),
            password.len(),
            display.len()
        );
        c.refused(
            &case,
            REGISTER,
            register_input(username, password, display, "INDIVIDUAL"),
            Auth::None,
            BAD,
        )
        .await;
    }
    c.refused(
        "a username taken",
        REGISTER,
        register_input("alice", PASSWORD, "Alice again", "INDIVIDUAL"),
        Auth::None,
        &["CONFLICT"],
    )
    .await;
    c.refused(
        "a huge username at login",
        LOGIN,
        json!({ "u": huge, "p": PASSWORD }),
        Auth::None,
        &["UNAUTHENTICATED", "BAD_USER_INPUT"],
    )
    .await;
    c.refused(
        "a huge clientOrderId",
        PLACE,
        order(json!({ "clientOrderId": huge })),
        Auth::Token(t),
        BAD,
    )
    .await;
    c.refused(
        "a huge symbol",
        PLACE,
        order(json!({ "symbol": huge })),
        Auth::Token(t),
        &["BAD_USER_INPUT", "NOT_FOUND"],
    )
    .await;
    // carol was never registered by any of the refused attempts.
    c.refused(
        "login as the refused carol",
        LOGIN,
        json!({ "u": "carol", "p": PASSWORD }),
        Auth::None,
        UNAUTH,
    )
    .await;

    // ---- money and shares ----
    const FUNDS: &[&str] = &["INSUFFICIENT_FUNDS"];
    const SHARES: &[&str] = &["INSUFFICIENT_SHARES"];
    // 86 @ 100.00 = 8,600.00 + 1.29 > 8,524.78 available.
    c.refused(
        "a buy beyond available cash",
        PLACE,
        order(json!({ "quantity": 86, "limitPrice": "100.00" })),
        Auth::Token(t),
        FUNDS,
    )
    .await;
    // A market buy reserves at the top of the band: 70 x 130.00 = 9,100.00
    // + 1.365 -> 1.36 > 8,524.78, although 70 at today's 100.00 would fit.
    c.refused(
        "a market buy reserved at the band's top",
        PLACE,
        order(json!({ "type": "MARKET", "quantity": 70, "limitPrice": null })),
        Auth::Token(t),
        FUNDS,
    )
    .await;
    // 9,000.00 is more than the cash (8,999.85).
    c.refused(
        "withdrawing more than the cash",
        WITHDRAW,
        json!({ "a": "9000.00" }),
        Auth::Token(t),
        FUNDS,
    )
    .await;
    // 8,600.00 is less than the cash (8,999.85) but not available (8,524.78).
    c.refused(
        "withdrawing reserved cash",
        WITHDRAW,
        json!({ "a": "8600.00" }),
        Auth::Token(t),
        FUNDS,
    )
    .await;
    c.refused(
        "selling reserved shares",
        PLACE,
        order(json!({ "side": "SELL", "quantity": 9, "limitPrice": "101.00" })),
        Auth::Token(t),
        SHARES,
    )
    .await;
    c.refused(
        "selling shares never held",
        PLACE,
        order(json!({ "symbol": "BOLT", "side": "SELL", "quantity": 1, "limitPrice": "10.00" })),
        Auth::Token(t),
        SHARES,
    )
    .await;
    c.refused(
        "a market sell of reserved shares",
        PLACE,
        order(json!({ "side": "SELL", "type": "MARKET", "quantity": 9, "limitPrice": null })),
        Auth::Token(t),
        SHARES,
    )
    .await;

    // ---- halts ----
    let admin = app.admin.token.clone();
    let halted = app
        .data(
            "mutation { haltTrading(symbol: \"ACME\") }",
            json!({}),
            Some(&admin),
        )
        .await;
    assert_eq!(halted["haltTrading"], true);
    let company = app
        .data(
            "query { company(symbol: \"ACME\") { halted } }",
            json!({}),
            None,
        )
        .await;
    assert_eq!(company["company"]["halted"], true);
    const HALTED: &[&str] = &["MARKET_HALTED"];
    c.refused(
        "a buy on a halted symbol",
        PLACE,
        order(json!({})),
        Auth::Token(t),
        HALTED,
    )
    .await;
    c.refused(
        "a sell on a halted symbol",
        PLACE,
        order(json!({ "side": "SELL", "limitPrice": "101.00" })),
        Auth::Token(t),
        HALTED,
    )
    .await;
    let resumed = app
        .data(
            "mutation { resumeTrading(symbol: \"ACME\") }",
            json!({}),
            Some(&admin),
        )
        .await;
    assert_eq!(resumed["resumeTrading"], true);
    // The whole market.
    app.data(
        "mutation { haltTrading(symbol: null) }",
        json!({}),
        Some(&admin),
    )
    .await;
    c.refused(
        "a buy while the market is halted",
        PLACE,
        order(json!({})),
        Auth::Token(t),
        HALTED,
    )
    .await;
    c.refused(
        "a BOLT buy while the market is halted",
        PLACE,
        order(json!({ "symbol": "BOLT", "limitPrice": "10.00" })),
        Auth::Token(t),
        HALTED,
    )
    .await;
    app.data(
        "mutation { resumeTrading(symbol: null) }",
        json!({}),
        Some(&admin),
    )
    .await;
    let company = app
        .data(
            "query { company(symbol: \"ACME\") { halted } }",
            json!({}),
            None,
        )
        .await;
    assert_eq!(company["company"]["halted"], false);

    // ---- the same clientOrderId twice ----
    // 1 @ 90.00 reserves 90.00 + 0.0135 -> 0.01 = 90.01: available 8,434.77.
    let keyed = order(json!({ "limitPrice": "90.00", "clientOrderId": "bad-input-1" }));
    let first = app.place_order(&alice, keyed["input"].clone()).await;
    assert_eq!(first["status"], "OPEN");
    let after_first = app.balances(&alice).await;
    assert_eq!(after_first["availableCash"], "8434.77");
    let state_after_first = c.state(&alice).await;
    assert_eq!(
        state_after_first["myOrders"].as_array().map(Vec::len),
        Some(4)
    );
    let again = app.place_order(&alice, keyed["input"].clone()).await;
    assert_eq!(
        id_of(&again),
        id_of(&first),
        "the same key returns the first order"
    );
    // Even with other terms: the key names the order.
    let other_terms =
        order(json!({ "limitPrice": "91.00", "quantity": 2, "clientOrderId": "bad-input-1" }));
    let again = app.place_order(&alice, other_terms["input"].clone()).await;
    assert_eq!(
        id_of(&again),
        id_of(&first),
        "the same key returns the first order"
    );
    assert_eq!(again["quantity"], 1);
    assert_eq!(
        c.state(&alice).await,
        state_after_first,
        "nothing new was placed or reserved"
    );
    // Cancelled, the key still names that order.
    app.cancel(&alice, &id_of(&first)).await;
    let again = app.place_order(&alice, keyed["input"].clone()).await;
    assert_eq!(id_of(&again), id_of(&first));
    assert_eq!(again["status"], "CANCELLED");
    assert_eq!(
        app.balances(&alice).await,
        balances,
        "cancelling gave the 90.01 back"
    );

    // The issuer's order and balances were never touched.
    assert_eq!(c.state(&corp).await, c.corp_state);
    assert_eq!(
        app.order(&corp, &id_of(&corp_ask)).await["remainingQuantity"],
        40
    );
    eprintln!("{} bad inputs refused", c.cases);
}

api_tests!(every_bad_input_is_refused_and_changes_nothing);
