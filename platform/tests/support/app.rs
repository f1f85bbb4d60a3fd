//! The whole server on a random port, on a throwaway database of its own,
//! and a small GraphQL client to talk to it over real HTTP.
//!
//! [`TestApp::spawn`] migrates a fresh database, creates the ADMIN account
//! in it (accounts are loaded at start), builds the application on
//! `127.0.0.1:0` and logs the admin in. [`TestApp::restart`] stops the
//! server (which flushes the persister) and builds a new one on the same
//! database.

use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::ServerHandle;
use marketlab::persister::Progress;
use marketlab::scenario::{LiveOptions, Loaded};
use marketlab::startup::{Application, Settings};
use marketlab_actors::clock::{Clock, WallClock};
use rust_decimal::Decimal;
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};

use super::db::{Backend, TestDb};

pub const ADMIN_USERNAME: &str = "admin";
pub const ADMIN_PASSWORD: &str = "admin-password-1";
/// Every account the tests register has this password.
pub const PASSWORD: &str = "correct-horse-battery";

/// Long enough for a debug build hashing a password; short enough that a
/// hung server fails the test instead of stalling it.
const HTTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Every field of an order the tests look at.
pub const ORDER_FIELDS: &str = "id symbol side type timeInForce quantity filledQuantity \
    remainingQuantity limitPrice stopPrice averageFillPrice status reason \
    fills { tradeId price quantity fee tax executedAt } createdAt updatedAt";

/// What the bad-input tests compare before and after each refused request.
pub const BALANCES: &str =
    "query { me { cash availableCash holdings { symbol quantity availableQuantity } } }";

/// Runs each named `async fn(Backend)` as two tests, `sqlite` and
/// `postgres`, in a module of the same name, inside the actix system. The
/// function itself skips Postgres when no server is configured
/// ([`TestApp::spawn`] returns `None` with a note).
#[macro_export]
macro_rules! api_tests {
    ($($test:ident),* $(,)?) => {$(
        mod $test {
            use $crate::support::db::Backend;

            #[actix_web::test]
            async fn sqlite() {
                super::$test(Backend::Sqlite).await;
            }

            #[actix_web::test]
            async fn postgres() {
                super::$test(Backend::Postgres).await;
            }
        }
    )*};
}

/// A registered (or logged-in) account.
#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub username: String,
    pub token: String,
    pub refresh_token: String,
}

struct Running {
    handle: ServerHandle,
    done: actix_web::rt::task::JoinHandle<anyhow::Result<()>>,
}

pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub address: String,
    /// `ws://127.0.0.1:PORT/graphql`
    pub ws_url: String,
    pub db_url: String,
    pub backend: Backend,
    pub admin: User,
    client: awc::Client,
    /// What every start of the server runs with (its database and port are
    /// the test's).
    settings: Settings,
    /// The market's clock, across restarts.
    clock: Arc<dyn Clock>,
    running: Option<Running>,
    /// How far the running server's journal and tables have got.
    journal: Option<Arc<Progress>>,
    // Last: the database outlives the server using it.
    test_db: TestDb,
}

impl TestApp {
    /// The server on a fresh database, with an ADMIN account logged in;
    /// `None` (with a printed note) for Postgres when no server is set.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        TestApp::spawn_with(backend, Settings::default()).await
    }

    /// The same, with the server's other settings as given.
    pub async fn spawn_with(backend: Backend, settings: Settings) -> Option<TestApp> {
        TestApp::spawn_with_clock(backend, settings, Arc::new(WallClock)).await
    }

    /// The same on a clock the test moves.
    pub async fn spawn_with_clock(
        backend: Backend,
        settings: Settings,
        clock: Arc<dyn Clock>,
    ) -> Option<TestApp> {
        Some(
            TestApp::spawn_inner(backend, settings, clock, None)
                .await?
                .0,
        )
    }

    /// The server with a scenario running live in it, as `marketlab
    /// scenario run FILE --live` runs it (the file's fees for everyone, the
    /// bots' seed and speed from `options`); answers the run's id.
    pub async fn spawn_live(
        backend: Backend,
        loaded: &Loaded,
        options: LiveOptions,
    ) -> Option<(TestApp, i64)> {
        let settings = Settings {
            bot_seed: options.seed,
            bot_speedup: options.speed,
            fees: loaded.scenario.fees,
            ..Settings::default()
        };
        let (app, run) = TestApp::spawn_inner(
            backend,
            settings,
            Arc::new(WallClock),
            Some((loaded, options)),
        )
        .await?;
        Some((app, run.expect("the scenario started")))
    }

    async fn spawn_inner(
        backend: Backend,
        settings: Settings,
        clock: Arc<dyn Clock>,
        live: Option<(&Loaded, LiveOptions)>,
    ) -> Option<(TestApp, Option<i64>)> {
        let _ = tracing_subscriber::fmt()
            .with_env_filter("marketlab=warn,marketlab_actors=warn")
            .with_test_writer()
            .try_init();
        let test_db = TestDb::new(backend).await?;
        let admin_id = marketlab::admin::create_admin(&test_db.db, ADMIN_USERNAME, ADMIN_PASSWORD)
            .await
            .expect("the admin account is created");
        let client = awc::Client::builder().timeout(HTTP_TIMEOUT).finish();
        let mut app = TestApp {
            address: String::new(),
            ws_url: String::new(),
            db_url: test_db.url.clone(),
            backend,
            admin: User {
                id: admin_id.to_string(),
                username: ADMIN_USERNAME.to_owned(),
                token: String::new(),
                refresh_token: String::new(),
            },
            client,
            settings,
            clock,
            running: None,
            journal: None,
            test_db,
        };
        let run = app.start(live).await;
        app.admin = app.login(ADMIN_USERNAME, ADMIN_PASSWORD).await;
        assert_eq!(
            app.admin.id,
            admin_id.to_string(),
            "login answers with the account create_admin made"
        );
        Some((app, run))
    }

    /// Hold the running server's projector back (or let it go): the journal
    /// goes on taking changes while the tables stay where they are.
    pub fn hold_projection(&self, held: bool) {
        self.journal
            .as_ref()
            .expect("the server is running")
            .hold_projection(held);
    }

    /// How far the running server's journal and tables have got.
    pub fn journal(&self) -> Arc<Progress> {
        Arc::clone(self.journal.as_ref().expect("the server is running"))
    }

    /// The test's own connection to the server's database.
    pub fn db(&self) -> &DatabaseConnection {
        &self.test_db.db
    }

    /// Starts the server; with a scenario to run live, answers its run id.
    async fn start(&mut self, live: Option<(&Loaded, LiveOptions)>) -> Option<i64> {
        assert!(self.running.is_none(), "the server is already running");
        let app = Application::build_with_clock(
            Settings {
                bind: "127.0.0.1:0".into(),
                database_url: self.db_url.clone(),
                ..self.settings.clone()
            },
            Arc::clone(&self.clock),
        )
        .await
        .expect("the application builds");
        let run = match live {
            Some((loaded, options)) => Some(
                app.start_scenario(loaded, options)
                    .await
                    .expect("the scenario starts live"),
            ),
            None => None,
        };
        self.journal = Some(app.journal_progress());
        let address = app.address();
        self.address = format!("http://{address}");
        self.ws_url = format!("ws://{address}/graphql");
        let handle = app.server_handle();
        let done = actix_web::rt::spawn(app.run_until_stopped());
        self.running = Some(Running { handle, done });
        run
    }

    /// Stops the server gracefully and waits until it has written down
    /// everything pending.
    pub async fn stop(&mut self) {
        let Some(running) = self.running.take() else {
            return;
        };
        running.handle.stop(true).await;
        running
            .done
            .await
            .expect("the server task did not panic")
            .expect("the server stopped cleanly");
    }

    /// Stops the server and starts a new one on the same database (on a new
    /// port). Tokens issued before stay in the callers' hands.
    pub async fn restart(&mut self) {
        self.stop().await;
        self.start(None).await;
    }

    // ---- raw GraphQL ----

    /// POST /graphql; the whole JSON response (data and errors).
    pub async fn gql(&self, query: &str, variables: Value, token: Option<&str>) -> Value {
        let authorization = token.map(|t| format!("Bearer {t}"));
        self.gql_with_header(query, variables, authorization.as_deref())
            .await
    }

    /// POST /graphql with `authorization` as the Authorization header,
    /// verbatim (for malformed headers).
    pub async fn gql_with_header(
        &self,
        query: &str,
        variables: Value,
        authorization: Option<&str>,
    ) -> Value {
        self.post_body(
            json!({ "query": query, "variables": variables }),
            authorization,
        )
        .await
    }

    /// POST /graphql with any JSON body.
    pub async fn post_body(&self, body: Value, authorization: Option<&str>) -> Value {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.address))
            .insert_header(("Content-Type", "application/json"));
        if let Some(authorization) = authorization {
            request = request.insert_header(("Authorization", authorization));
        }
        let mut response = request
            .send_body(body.to_string())
            .await
            .unwrap_or_else(|e| panic!("POST /graphql failed: {e}"));
        let status = response.status();
        let bytes = response
            .body()
            .limit(16 << 20)
            .await
            .expect("the response body arrives");
        serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            panic!(
                "POST /graphql answered {status} with a body that is not JSON ({e}): {}",
                String::from_utf8_lossy(&bytes)
            )
        })
    }

    /// The `data` of a request that must succeed; panics with the errors.
    pub async fn data(&self, query: &str, variables: Value, token: Option<&str>) -> Value {
        let response = self.gql(query, variables.clone(), token).await;
        expect_data(response, query, &variables)
    }

    /// The `extensions.code` of a request that must fail. Checks that every
    /// error carries a code.
    pub async fn error_code(&self, query: &str, variables: Value, token: Option<&str>) -> String {
        let response = self.gql(query, variables.clone(), token).await;
        expect_error(&response, query, &variables)
    }

    // ---- accounts ----

    /// Registers `username` (password [`PASSWORD`]) with `role`
    /// ("INDIVIDUAL" or "CORPORATE").
    pub async fn register(&self, username: &str, role: &str) -> User {
        let data = self
            .data(
                "mutation($input: RegisterInput!) { register(input: $input) { \
                    accessToken refreshToken expiresAt account { id username role cash } } }",
                json!({ "input": {
                    "username": username,
                    "password": PASSWORD,
                    "displayName": display_name(username),
                    "role": role,
                }}),
                None,
            )
            .await;
        let payload = &data["register"];
        assert_eq!(payload["account"]["username"], username);
        assert_eq!(payload["account"]["role"], role);
        assert_eq!(
            payload["account"]["cash"], "0.00",
            "new accounts have no cash"
        );
        user(payload, username)
    }

    pub async fn login(&self, username: &str, password: &str) -> User {
        let data = self
            .data(
                "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { \
                    accessToken refreshToken expiresAt account { id username } } }",
                json!({ "u": username, "p": password }),
                None,
            )
            .await;
        user(&data["login"], username)
    }

    pub async fn deposit(&self, who: &User, amount: &str) -> Value {
        let data = self
            .data(
                "mutation($a: Decimal!) { deposit(amount: $a) { \
                    id kind amount cashBefore cashAfter symbol orderId at } }",
                json!({ "a": amount }),
                Some(&who.token),
            )
            .await;
        data["deposit"].clone()
    }

    pub async fn withdraw(&self, who: &User, amount: &str) -> Value {
        let data = self
            .data(
                "mutation($a: Decimal!) { withdraw(amount: $a) { \
                    id kind amount cashBefore cashAfter symbol orderId at } }",
                json!({ "a": amount }),
                Some(&who.token),
            )
            .await;
        data["withdraw"].clone()
    }

    // ---- the market ----

    /// Lists a company (as the admin); `tick` None takes the default 0.01.
    #[allow(clippy::too_many_arguments)]
    pub async fn list_company(
        &self,
        symbol: &str,
        sector: &str,
        shares: i64,
        ipo_price: &str,
        tick: Option<&str>,
        issuer: &User,
    ) -> Value {
        let mut input = json!({
            "symbol": symbol,
            "name": format!("{symbol} Holdings"),
            "sector": sector,
            "sharesOutstanding": shares,
            "ipoPrice": ipo_price,
            "issuerAccountId": issuer.id,
        });
        if let Some(tick) = tick {
            input["tickSize"] = json!(tick);
        }
        let data = self
            .data(
                "mutation($input: ListCompanyInput!) { listCompany(input: $input) { \
                    symbol name sector sharesOutstanding tickSize lastPrice listed halted } }",
                json!({ "input": input }),
                Some(&self.admin.token),
            )
            .await;
        data["listCompany"].clone()
    }

    /// Places an order (any `PlaceOrderInput`); the order as answered.
    pub async fn place_order(&self, who: &User, input: Value) -> Value {
        let data = self
            .data(
                &format!(
                    "mutation($input: PlaceOrderInput!) {{ placeOrder(input: $input) {{ {ORDER_FIELDS} }} }}"
                ),
                json!({ "input": input }),
                Some(&who.token),
            )
            .await;
        data["placeOrder"].clone()
    }

    /// A GTC limit order.
    pub async fn limit(
        &self,
        who: &User,
        symbol: &str,
        side: &str,
        qty: i64,
        price: &str,
    ) -> Value {
        self.place_order(
            who,
            json!({
                "symbol": symbol,
                "side": side,
                "type": "LIMIT",
                "timeInForce": "GTC",
                "quantity": qty,
                "limitPrice": price,
            }),
        )
        .await
    }

    pub async fn cancel(&self, who: &User, order_id: &str) -> Value {
        let data = self
            .data(
                &format!("mutation($id: ID!) {{ cancelOrder(id: $id) {{ {ORDER_FIELDS} }} }}"),
                json!({ "id": order_id }),
                Some(&who.token),
            )
            .await;
        data["cancelOrder"].clone()
    }

    /// `orderBook(symbol, depth)` as a query answers it, with every field.
    pub async fn order_book(&self, symbol: &str, depth: i32) -> Value {
        let data = self
            .data(
                "query($s: String!, $d: Int) { orderBook(symbol: $s, depth: $d) { symbol \
                 sequence bids { price quantity orders } asks { price quantity orders } } }",
                json!({ "s": symbol, "d": depth }),
                None,
            )
            .await;
        data["orderBook"].clone()
    }

    pub async fn order(&self, who: &User, order_id: &str) -> Value {
        let data = self
            .data(
                &format!("query($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}"),
                json!({ "id": order_id }),
                Some(&who.token),
            )
            .await;
        data["order"].clone()
    }

    /// `me { cash availableCash holdings { symbol quantity availableQuantity } }`
    pub async fn balances(&self, who: &User) -> Value {
        self.data(BALANCES, json!({}), Some(&who.token)).await["me"].clone()
    }

    /// The caller's whole account as the API shows it.
    pub async fn me(&self, who: &User) -> Value {
        self.data(
            "query { me { id username displayName role accountNumber cash availableCash \
                realizedGains company { symbol } createdAt \
                holdings { symbol quantity availableQuantity averageCost marketValue unrealizedGain } } }",
            json!({}),
            Some(&who.token),
        )
        .await["me"]
            .clone()
    }

    pub async fn ledger(&self, who: &User, limit: i64) -> Vec<Value> {
        let data = self
            .data(
                "query($n: Int) { ledger(limit: $n) { \
                    id kind amount cashBefore cashAfter symbol orderId at } }",
                json!({ "n": limit }),
                Some(&who.token),
            )
            .await;
        as_array(&data["ledger"])
    }

    pub async fn my_orders(&self, who: &User) -> Vec<Value> {
        let data = self
            .data(
                &format!("query {{ myOrders(limit: 1000) {{ {ORDER_FIELDS} }} }}"),
                json!({}),
                Some(&who.token),
            )
            .await;
        as_array(&data["myOrders"])
    }

    pub async fn admin_mutation(&self, query: &str, variables: Value) -> Value {
        self.data(query, variables, Some(&self.admin.token)).await
    }
}

fn display_name(username: &str) -> String {
    let mut chars = username.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn user(payload: &Value, username: &str) -> User {
    let id = payload["account"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("account.id is a string: {payload}"))
        .to_owned();
    assert!(
        !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()),
        "ids are decimal strings of integers, got {id:?}"
    );
    assert_eq!(payload["account"]["username"], username);
    let token = payload["accessToken"].as_str().expect("an access token");
    let refresh = payload["refreshToken"].as_str().expect("a refresh token");
    assert!(payload["expiresAt"].is_string(), "expiresAt: {payload}");
    User {
        id,
        username: username.to_owned(),
        token: token.to_owned(),
        refresh_token: refresh.to_owned(),
    }
}

/// `response.data`, panicking with the errors if there are any.
pub fn expect_data(response: Value, query: &str, variables: &Value) -> Value {
    if let Some(errors) = response.get("errors").filter(|e| !e.is_null()) {
        panic!("request failed\nquery: {query}\nvariables: {variables}\nerrors: {errors:#}");
    }
    response["data"].clone()
}

/// The code of the first error of a response that must have failed; every
/// error must carry `extensions.code`.
pub fn expect_error(response: &Value, query: &str, variables: &Value) -> String {
    let errors = match response.get("errors").and_then(Value::as_array) {
        Some(errors) if !errors.is_empty() => errors,
        _ => panic!(
            "request was expected to fail but succeeded\nquery: {query}\nvariables: {variables}\nresponse: {response:#}"
        ),
    };
    for error in errors {
        assert!(
            error["extensions"]["code"].is_string(),
            "every error carries extensions.code\nquery: {query}\nvariables: {variables}\nerror: {error:#}"
        );
        assert!(
            error["message"].as_str().is_some_and(|m| !m.is_empty()),
            "every error carries a message: {error:#}"
        );
    }
    errors[0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

pub fn as_array(value: &Value) -> Vec<Value> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("expected a list, got {value}"))
        .clone()
}

/// A Decimal output (a JSON string) as a number, for values whose string
/// form may trim trailing zeros (averageCost, weights, percents).
pub fn dec(value: &Value) -> Decimal {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("a Decimal is a JSON string, got {value}"));
    text.parse()
        .unwrap_or_else(|e| panic!("{text:?} is not a decimal: {e}"))
}

/// Asserts a Decimal output equals `expected` as a number.
#[track_caller]
pub fn assert_dec(value: &Value, expected: &str) {
    let want: Decimal = expected.parse().expect("the expected value is a decimal");
    assert_eq!(
        dec(value),
        want,
        "got {value}, expected {expected} (numerically)"
    );
}

/// The id of an answered order, account or entry.
pub fn id_of(value: &Value) -> String {
    value["id"]
        .as_str()
        .unwrap_or_else(|| panic!("an id string in {value}"))
        .to_owned()
}

/// The holding of `symbol` in a `holdings` list, if any.
pub fn holding<'a>(account: &'a Value, symbol: &str) -> Option<&'a Value> {
    account["holdings"]
        .as_array()?
        .iter()
        .find(|h| h["symbol"] == symbol)
}

/// A JSON value with every list of holdings sorted by symbol, so that two
/// snapshots compare regardless of the order the server lists them in.
pub fn sorted_holdings(mut account: Value) -> Value {
    if let Some(list) = account["holdings"].as_array_mut() {
        list.sort_by(|a, b| a["symbol"].as_str().cmp(&b["symbol"].as_str()));
    }
    account
}

/// Every path where two JSON values differ, as "PATH: got A, expected B".
pub fn differences(actual: &Value, expected: &Value) -> Vec<String> {
    fn walk(path: String, a: &Value, e: &Value, out: &mut Vec<String>) {
        match (a, e) {
            (Value::Object(a_map), Value::Object(e_map)) => {
                let mut keys: Vec<&String> = a_map.keys().chain(e_map.keys()).collect();
                keys.sort();
                keys.dedup();
                for key in keys {
                    let null = Value::Null;
                    let a_value = a_map.get(key).unwrap_or(&null);
                    let e_value = e_map.get(key).unwrap_or(&null);
                    walk(format!("{path}.{key}"), a_value, e_value, out);
                }
            }
            (Value::Array(a_list), Value::Array(e_list)) if a_list.len() == e_list.len() => {
                for (i, (a_item, e_item)) in a_list.iter().zip(e_list).enumerate() {
                    walk(format!("{path}[{i}]"), a_item, e_item, out);
                }
            }
            _ if a != e => out.push(format!("{path}: got {a}, expected {e}")),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(String::new(), actual, expected, &mut out);
    out
}

/// Asserts two JSON values are equal, listing every path where they differ
/// (a whole-snapshot `assert_eq!` is unreadable).
#[track_caller]
pub fn assert_same(actual: &Value, expected: &Value, what: &str) {
    let differences = differences(actual, expected);
    if !differences.is_empty() {
        panic!(
            "{what}: {} difference(s)\n  {}",
            differences.len(),
            differences.join("\n  ")
        );
    }
}

/// The current year, for capitalGains.
pub fn this_year() -> i32 {
    use chrono::Datelike;
    chrono::Utc::now().year()
}
