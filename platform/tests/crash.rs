//! The crash test for persistence, with the real binary: a server process
//! takes orders from several concurrent clients and is killed with SIGKILL
//! at a random moment; a new process on the same database must show every
//! order whose placeOrder was answered, at least as far along as the answer
//! said, nothing twice, and books that add up.
//!
//! Per backend (SQLite in a temp folder always; Postgres on a fresh database
//! when MARKETLAB_TEST_DATABASE_URL is set): `marketlab admin create`, then
//! `marketlab serve`; through GraphQL two issuers list a company each and
//! traders deposit cash and buy shares from the issuers' asks. Then, for
//! each of `ROUNDS` rounds, the traders place limit orders that partly cross
//! (and cancel some, and deposit now and then) until the process is killed,
//! and a restarted process is checked:
//!
//! - every answered order is there (myOrders, else order(id)), its status
//!   and filled quantity at least as far along as answered; every answered
//!   cancel stayed cancelled; answered deposits are in the ledger;
//! - nothing is duplicated: a trader has no more orders than keys it sent,
//!   and placing an answered clientOrderId again returns the same order id;
//! - every trade was settled on both sides, once (its id is in exactly one
//!   buy order's fills and one sell order's fills);
//! - per symbol, the holdings of all accounts add up to sharesOutstanding;
//!   per account, 0 <= availableCash <= cash, 0 <= availableQuantity <=
//!   quantity, the lots' remaining shares equal the holding, and the ledger
//!   adds up to the cash; over all accounts, cash plus fees and taxes paid
//!   equals the deposits.
//!
//! The servers leave each journal batch 200 ms before applying it to the
//! tables (`MARKETLAB_PROJECTION_DELAY_MS`), so every kill comes while the
//! tables lag behind the journal (the test checks /metrics says so just
//! before it): what was answered is in the journal only, and the restart
//! must carry it over to the tables before the market starts.
//!
//! After the last round, `marketlab journal verify` must find the tables
//! equal to what the journal says of every account and book.
//!
//! A last round ends with SIGTERM instead: the server must exit with
//! status 0 and nothing on its log worse than a warning, and the restarted
//! server must find every change handed over before the signal written
//! down (recovery has no trade side to settle and no order to cancel),
//! besides passing every check above.
//!
//! The seed of the kill moments and the orders is printed; set
//! MARKETLAB_CRASH_SEED to run the same again.

mod support;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::rc::Rc;
use std::time::{Duration, Instant};

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use serde_json::{Value, json};
use support::db::{Backend, TestDb};

const BIN: &str = env!("CARGO_BIN_EXE_marketlab");
const ADMIN: &str = "crashadmin";
const ADMIN_PASSWORD: &str = "crash-admin-password";
const PASSWORD: &str = "crash-trader-password";
const TRADERS: usize = 24;
/// Kill, restart and check this many times per backend.
const ROUNDS: usize = 2;
/// Each trader sends one request per PACE, so that requests are still
/// flowing when the kill comes (at most 1.5 s in), and the rounds stay within
/// what the API lists in one call (1,000 orders or ledger entries) and the
/// rate limit (100/s, bursts of 300).
const PACE: Duration = Duration::from_millis(15);
/// Orders one trader sends per round at most (a backstop for the pace).
const ORDERS_PER_ROUND: usize = 100;
const SHARES_EACH: i64 = 5_000;
/// 2,000,000.00 per trader.
const DEPOSIT_CENTS: i64 = 200_000_000;
/// What the traders add now and then during the rounds: 100.00.
const TOP_UP_CENTS: i64 = 10_000;
const LIST_LIMIT: usize = 1000;
/// The whole test per backend, at most.
const TIME_LIMIT: Duration = Duration::from_secs(180);
/// How long placing a key again may take before the server counts as stuck.
const REPLACE_TIMEOUT: Duration = Duration::from_secs(10);

/// Two companies: symbol, IPO price in cents, shares outstanding.
/// (100.00 and 50.00.)
/// How long the servers' projector leaves a committed batch (ms): orders
/// flow until the kill, so the last 200 ms are always in the journal only.
const PROJECTION_DELAY_MS: &str = "200";

const COMPANIES: [(&str, i64, i64); 2] = [("CRSA", 10_000, 1_000_000), ("CRSB", 5_000, 2_000_000)];

const ORDER_FIELDS: &str = "id symbol side type timeInForce quantity filledQuantity remainingQuantity limitPrice status reason fills { tradeId price quantity fee tax }";

#[test]
fn crash_on_sqlite() {
    actix_web::rt::System::new().block_on(within_time_limit(Backend::Sqlite));
}

#[test]
fn crash_on_postgres() {
    actix_web::rt::System::new().block_on(within_time_limit(Backend::Postgres));
}

/// A stuck server fails the test instead of hanging it; the server process
/// is killed as the test's state is dropped.
async fn within_time_limit(backend: Backend) {
    if actix_web::rt::time::timeout(TIME_LIMIT, crash_test(backend))
        .await
        .is_err()
    {
        panic!(
            "the crash test on {backend:?} took more than {} s (server logs are in {}/marketlab-crash-logs-*)",
            TIME_LIMIT.as_secs(),
            std::env::temp_dir().display()
        );
    }
}

// ---------------------------------------------------------------- the test

async fn crash_test(backend: Backend) {
    let started = Instant::now();
    let seed = std::env::var("MARKETLAB_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
    eprintln!("crash test on {backend:?}: seed {seed} (MARKETLAB_CRASH_SEED={seed} repeats it)");
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // An empty database: the binary migrates it itself.
    let Some(test_db) = TestDb::empty(backend).await else {
        return;
    };
    let logs = tempdir("marketlab-crash-logs");
    let mut world = World::default();

    admin_create(&test_db.url, &logs);
    let mut server = Server::start(&test_db.url, &logs, 0).await;
    let gql = Gql::new(&server.base);
    setup(&gql, &mut world).await;
    eprintln!(
        "setup done in {:.1} s: {} traders, {} companies",
        started.elapsed().as_secs_f64(),
        world.traders.len(),
        COMPANIES.len()
    );

    for round in 1..=ROUNDS + 1 {
        let kill_after = Duration::from_millis(rng.random_range(200..=1500));
        let order_seed: u64 = rng.random();
        let gql = Gql::new(&server.base);
        let (answered_before, unanswered_before) = (world.answered_orders(), world.unanswered());
        let stop = if round > ROUNDS {
            Stop::Terminate
        } else {
            Stop::Kill
        };
        drive_until_stopped(
            &gql,
            &mut world,
            &mut server,
            round,
            (stop, kill_after),
            order_seed,
        )
        .await;
        eprintln!(
            "round {round}: {stop:?} after {} ms with {} orders answered this round ({} unanswered), {} cancels and {} deposits answered so far",
            kill_after.as_millis(),
            world.answered_orders() - answered_before,
            world.unanswered() - unanswered_before,
            world.cancels.len(),
            world.answered_deposits(),
        );
        server = Server::start(&test_db.url, &logs, round).await;
        let gql = Gql::new(&server.base);
        let mut problems = check(&gql, &mut world).await;
        if stop == Stop::Terminate {
            let log = std::fs::read_to_string(&server.log).unwrap_or_default();
            for unfinished in [
                "trade sides that had not been written down",
                "never reached their book",
            ] {
                if log.contains(unfinished) {
                    problems.push(format!("after a clean stop, recovery found {unfinished:?}"));
                }
            }
        }
        if !problems.is_empty() {
            server.kill();
            panic!(
                "round {round} on {backend:?} (seed {seed}): {} problems after the restart:\n  {}\nserver logs in {}",
                problems.len(),
                problems.join("\n  "),
                logs.display()
            );
        }
        eprintln!(
            "round {round}: all checks passed after the restart ({:.1} s so far; at most {} orders and {} ledger entries in one account, of {LIST_LIMIT} listable)",
            started.elapsed().as_secs_f64(),
            world.most_orders,
            world.most_entries,
        );
    }
    // Afterwards the tables equal what the journal says of every account
    // and book (a clean stop first: the tables then hold every batch).
    server.terminate().await;
    let verified = Command::new(BIN)
        .args(["journal", "verify", "--database", &test_db.url])
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs");
    assert!(
        verified.status.success(),
        "journal verify on {backend:?} (seed {seed}) failed:\n{}{}",
        String::from_utf8_lossy(&verified.stdout),
        String::from_utf8_lossy(&verified.stderr)
    );
    eprintln!(
        "{}",
        String::from_utf8_lossy(&verified.stdout)
            .lines()
            .last()
            .unwrap_or_default()
    );
    let _ = std::fs::remove_dir_all(&logs);
    drop(test_db);
}

// ---------------------------------------------------------------- state

#[derive(Debug, Clone)]
struct Account {
    id: String,
    username: String,
    token: String,
}

/// What a placeOrder answer said.
#[derive(Debug, Clone)]
struct Answered {
    id: String,
    status: String,
    filled: i64,
    /// The input, to place it again with the same key.
    input: Value,
}

#[derive(Debug, Default)]
struct TraderLog {
    /// Keys sent, answered or not.
    sent: BTreeSet<String>,
    /// By clientOrderId.
    answered: BTreeMap<String, Answered>,
    /// Orders placed during setup (no key).
    setup_orders: usize,
    deposits_sent: usize,
    deposits_answered: usize,
}

#[derive(Debug, Default)]
struct World {
    admin_token: String,
    issuers: Vec<Account>,
    traders: Vec<Account>,
    logs: Vec<TraderLog>,
    /// Order ids whose cancelOrder was answered CANCELLED, with the filled
    /// quantity the answer showed.
    cancels: BTreeMap<String, i64>,
    /// The most orders and ledger entries one account had at the last
    /// check (both must stay below LIST_LIMIT).
    most_orders: usize,
    most_entries: usize,
}

impl World {
    fn answered_orders(&self) -> usize {
        self.logs.iter().map(|l| l.answered.len()).sum()
    }

    /// Orders sent whose answer never came (the kill cut them off).
    fn unanswered(&self) -> usize {
        self.logs
            .iter()
            .map(|l| l.sent.len() - l.answered.len())
            .sum()
    }

    fn answered_deposits(&self) -> usize {
        self.logs.iter().map(|l| l.deposits_answered).sum()
    }
}

// ---------------------------------------------------------------- setup

async fn setup(gql: &Gql, world: &mut World) {
    world.admin_token = login(gql, ADMIN, ADMIN_PASSWORD).await.token;
    for (n, (symbol, ipo, shares)) in COMPANIES.iter().enumerate() {
        let issuer = register(gql, &format!("issuer{n}"), "CORPORATE").await;
        gql.ok(
            Some(&world.admin_token),
            "mutation($input: ListCompanyInput!) { listCompany(input: $input) { symbol } }",
            json!({ "input": {
                "symbol": symbol,
                "name": format!("{symbol} Crash Corp."),
                "sector": "Crash testing",
                "sharesOutstanding": shares,
                "ipoPrice": cents(*ipo),
                "issuerAccountId": issuer.id,
            }}),
        )
        .await;
        world.issuers.push(issuer);
    }
    for n in 0..TRADERS {
        let trader = register(gql, &format!("trader{n}"), "INDIVIDUAL").await;
        gql.ok(
            Some(&trader.token),
            "mutation($a: Decimal!) { deposit(amount: $a) { amount } }",
            json!({ "a": cents(DEPOSIT_CENTS) }),
        )
        .await;
        world.traders.push(trader);
        world.logs.push(TraderLog {
            deposits_answered: 1,
            deposits_sent: 1,
            ..TraderLog::default()
        });
    }
    // Each issuer offers SHARES_EACH per trader at the IPO price; each trader
    // takes its part.
    for ((symbol, ipo, _), issuer) in COMPANIES.iter().zip(&world.issuers) {
        let offered = SHARES_EACH * TRADERS as i64;
        let ask = gql
            .ok(
                Some(&issuer.token),
                PLACE,
                limit_input(symbol, "SELL", "GTC", offered, *ipo, None),
            )
            .await;
        assert_eq!(
            ask["placeOrder"]["status"], "OPEN",
            "the issuer's offer rests"
        );
        for (trader, log) in world.traders.iter().zip(&mut world.logs) {
            let bought = gql
                .ok(
                    Some(&trader.token),
                    PLACE,
                    limit_input(symbol, "BUY", "GTC", SHARES_EACH, *ipo, None),
                )
                .await;
            assert_eq!(
                bought["placeOrder"]["status"], "FILLED",
                "{} buys from the issuer",
                trader.username
            );
            log.setup_orders += 1;
        }
    }
}

// ---------------------------------------------------------------- the load

const PLACE: &str =
    "mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id status filledQuantity } }";

/// The traders place orders (one request in flight each) until the server
/// is killed `kill_after` from now.
/// How a round's server goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// SIGKILL: a crash.
    Kill,
    /// SIGTERM: a clean stop.
    Terminate,
}

async fn drive_until_stopped(
    gql: &Gql,
    world: &mut World,
    server: &mut Server,
    round: usize,
    (how, kill_after): (Stop, Duration),
    seed: u64,
) {
    let stop = Rc::new(RefCell::new(false));
    let shared: Vec<Rc<RefCell<TraderLog>>> = world
        .logs
        .drain(..)
        .map(|l| Rc::new(RefCell::new(l)))
        .collect();
    let cancels = Rc::new(RefCell::new(std::mem::take(&mut world.cancels)));
    let tasks: Vec<_> = world
        .traders
        .iter()
        .enumerate()
        .map(|(n, trader)| {
            let (gql, trader, log, stop, cancels) = (
                gql.clone(),
                trader.clone(),
                shared[n].clone(),
                stop.clone(),
                cancels.clone(),
            );
            let rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(n as u64));
            actix_web::rt::spawn(async move {
                trade(&gql, &trader, n, round, rng, &log, &stop, &cancels).await;
            })
        })
        .collect();
    actix_web::rt::time::sleep(kill_after).await;
    match how {
        Stop::Kill => {
            let lag = server.projection_lag().await;
            server.kill();
            assert!(
                lag > 0,
                "round {round}: the tables had caught up with the journal when the kill came"
            );
            eprintln!("round {round}: killed with {lag} changes in the journal only");
        }
        Stop::Terminate => server.terminate().await,
    }
    *stop.borrow_mut() = true;
    for task in tasks {
        task.await.expect("a client task did not panic");
    }
    world.logs = shared
        .into_iter()
        .map(|l| {
            Rc::try_unwrap(l)
                .expect("the clients are done")
                .into_inner()
        })
        .collect();
    world.cancels = Rc::try_unwrap(cancels)
        .expect("the clients are done")
        .into_inner();
}

#[allow(clippy::too_many_arguments)]
async fn trade(
    gql: &Gql,
    trader: &Account,
    n: usize,
    round: usize,
    mut rng: ChaCha8Rng,
    log: &RefCell<TraderLog>,
    stop: &RefCell<bool>,
    cancels: &RefCell<BTreeMap<String, i64>>,
) {
    let mut placed = 0;
    let mut open: Vec<String> = Vec::new();
    // Staggered, so that some requests are always on their way.
    let mut slot = Instant::now() + PACE.mul_f64(n as f64 / TRADERS as f64);
    while !*stop.borrow() && placed < ORDERS_PER_ROUND {
        actix_web::rt::time::sleep_until(slot.into()).await;
        slot += PACE;
        if *stop.borrow() {
            break;
        }
        let roll = rng.random_range(0..100);
        let result = if roll < 8 && !open.is_empty() {
            // Cancel one of our orders that was open when answered.
            let id = open.swap_remove(rng.random_range(0..open.len()));
            gql.call(
                Some(&trader.token),
                "mutation($id: ID!) { cancelOrder(id: $id) { id status filledQuantity } }",
                json!({ "id": id }),
            )
            .await
            .map(|data| {
                let order = &data["cancelOrder"];
                if order["status"] == "CANCELLED" {
                    cancels
                        .borrow_mut()
                        .insert(id, order["filledQuantity"].as_i64().unwrap_or(-1));
                }
            })
        } else if roll < 12 {
            log.borrow_mut().deposits_sent += 1;
            gql.call(
                Some(&trader.token),
                "mutation($a: Decimal!) { deposit(amount: $a) { amount } }",
                json!({ "a": cents(TOP_UP_CENTS) }),
            )
            .await
            .map(|_| log.borrow_mut().deposits_answered += 1)
        } else {
            placed += 1;
            let (symbol, ipo, _) = COMPANIES[rng.random_range(0..COMPANIES.len())];
            let side = if rng.random_bool(0.5) { "BUY" } else { "SELL" };
            // Within +-2% of the IPO price: about half of them cross.
            let price = ipo + rng.random_range(-(ipo / 50)..=ipo / 50);
            let time_in_force = if rng.random_range(0..10) == 0 {
                "IOC"
            } else {
                "GTC"
            };
            let key = format!("r{round}-t{n}-{placed}");
            let input = limit_input(
                symbol,
                side,
                time_in_force,
                rng.random_range(1..=200),
                price,
                Some(&key),
            );
            log.borrow_mut().sent.insert(key.clone());
            gql.call(Some(&trader.token), PLACE, input.clone())
                .await
                .map(|data| {
                    let order = &data["placeOrder"];
                    let answered = Answered {
                        id: order["id"].as_str().unwrap_or_default().to_owned(),
                        status: order["status"].as_str().unwrap_or_default().to_owned(),
                        filled: order["filledQuantity"].as_i64().unwrap_or(-1),
                        input,
                    };
                    if matches!(answered.status.as_str(), "OPEN" | "PARTIALLY_FILLED") {
                        open.push(answered.id.clone());
                    }
                    log.borrow_mut().answered.insert(key, answered);
                })
        };
        match result {
            Ok(()) => {}
            // The server is gone: the round is over for this client.
            Err(CallError::Transport(_)) => break,
            // Refusals change nothing; the test goes on.
            Err(CallError::Api { code, .. })
                if matches!(
                    code.as_str(),
                    "RATE_LIMITED" | "INSUFFICIENT_FUNDS" | "INSUFFICIENT_SHARES" | "CONFLICT"
                ) =>
            {
                if code == "RATE_LIMITED" {
                    actix_web::rt::time::sleep(Duration::from_millis(20)).await;
                }
            }
            Err(other) => {
                // Answered with something unexpected while up: worth a look,
                // but the answer may also be the server dying mid-request.
                eprintln!("{}: {other}", trader.username);
            }
        }
    }
}

// ---------------------------------------------------------------- the checks

async fn check(gql: &Gql, world: &mut World) -> Vec<String> {
    let mut problems = Vec::new();
    // Tokens stay valid over a restart when the signing secret is kept in
    // the database; logging in again does not depend on it.
    for account in world.issuers.iter_mut().chain(world.traders.iter_mut()) {
        account.token = login(gql, &account.username, PASSWORD).await.token;
    }

    // Orders, by account.
    let mut orders_by_id: HashMap<String, Value> = HashMap::new();
    let mut buy_fills: HashMap<String, u32> = HashMap::new();
    let mut sell_fills: HashMap<String, u32> = HashMap::new();
    let accounts: Vec<Account> = world
        .issuers
        .iter()
        .chain(&world.traders)
        .cloned()
        .collect();
    for account in &accounts {
        let orders = gql
            .ok(
                Some(&account.token),
                &format!("query {{ myOrders(limit: {LIST_LIMIT}) {{ {ORDER_FIELDS} }} }}"),
                json!({}),
            )
            .await["myOrders"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        world.most_orders = world.most_orders.max(orders.len());
        if orders.len() >= LIST_LIMIT {
            problems.push(format!(
                "{} has {LIST_LIMIT}+ orders: the test cannot see them all",
                account.username
            ));
        }
        if let Some(n) = world.traders.iter().position(|t| t.id == account.id) {
            let log = &world.logs[n];
            let keyed = orders.len() - log.setup_orders.min(orders.len());
            if keyed > log.sent.len() {
                problems.push(format!(
                    "{} has {keyed} orders beyond setup but sent only {} keys: duplicates",
                    account.username,
                    log.sent.len()
                ));
            }
        }
        for order in orders {
            let id = order["id"].as_str().unwrap_or_default().to_owned();
            problems.extend(order_consistency(&order));
            for fill in order["fills"].as_array().into_iter().flatten() {
                let trade = fill["tradeId"].as_str().unwrap_or_default().to_owned();
                let side = if order["side"] == "BUY" {
                    &mut buy_fills
                } else {
                    &mut sell_fills
                };
                *side.entry(trade).or_default() += 1;
            }
            if orders_by_id.insert(id.clone(), order).is_some() {
                problems.push(format!("order {id} is listed twice"));
            }
        }
    }

    // Every answered order, at least as far along as answered.
    for (trader, log) in world.traders.iter().zip(&world.logs) {
        for (key, answered) in &log.answered {
            let order = match orders_by_id.get(&answered.id) {
                Some(order) => order.clone(),
                None => {
                    let data = gql
                        .ok(
                            Some(&trader.token),
                            &format!("query($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}"),
                            json!({ "id": answered.id }),
                        )
                        .await;
                    if data["order"].is_null() {
                        problems.push(format!(
                            "{}: answered order {} ({key}, {} filled {}) is gone",
                            trader.username, answered.id, answered.status, answered.filled
                        ));
                        continue;
                    }
                    data["order"].clone()
                }
            };
            problems.extend(at_least_as_far(key, answered, &order));
            if let Some(filled) = world.cancels.get(&answered.id)
                && (order["status"] != "CANCELLED" || order["filledQuantity"] != json!(filled))
            {
                problems.push(format!(
                    "{key}: cancel of {} was answered (filled {filled}) but it is {} filled {}",
                    answered.id, order["status"], order["filledQuantity"]
                ));
            }
        }
    }
    // order(id) agrees with myOrders (a sample).
    for (trader, log) in world.traders.iter().zip(&world.logs) {
        for answered in log.answered.values().take(3) {
            let one = gql
                .ok(
                    Some(&trader.token),
                    &format!("query($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}"),
                    json!({ "id": answered.id }),
                )
                .await;
            if let Some(listed) = orders_by_id.get(&answered.id)
                && one["order"] != *listed
            {
                problems.push(format!(
                    "order({}) = {} but myOrders lists {listed}",
                    answered.id, one["order"]
                ));
            }
        }
    }

    // Each trade settled once on each side.
    let trade_ids: BTreeSet<&String> = buy_fills.keys().chain(sell_fills.keys()).collect();
    for trade in trade_ids {
        let (buys, sells) = (
            buy_fills.get(trade).copied().unwrap_or(0),
            sell_fills.get(trade).copied().unwrap_or(0),
        );
        if (buys, sells) != (1, 1) {
            problems.push(format!(
                "trade {trade} is in {buys} buy orders' fills and {sells} sell orders' fills"
            ));
        }
    }
    // The market's trade tape knows them (the latest LIST_LIMIT per symbol).
    let mut tape_total = 0;
    for (symbol, _, _) in COMPANIES {
        let tape = gql
            .ok(
                None,
                &format!("query {{ trades(symbol: \"{symbol}\", limit: {LIST_LIMIT}) {{ id symbol quantity }} }}"),
                json!({}),
            )
            .await;
        let tape = tape["trades"].as_array().cloned().unwrap_or_default();
        tape_total += tape.len();
        let mut seen = BTreeSet::new();
        for trade in &tape {
            let id = trade["id"].as_str().unwrap_or_default().to_owned();
            if !seen.insert(id.clone()) {
                problems.push(format!("trade {id} is twice on {symbol}'s tape"));
            }
            if !buy_fills.contains_key(&id) || !sell_fills.contains_key(&id) {
                problems.push(format!(
                    "trade {id} on {symbol}'s tape is not in both sides' fills"
                ));
            }
        }
    }
    if tape_total == 0 {
        problems.push("no trades on the tape".into());
    }

    problems.extend(books_add_up(gql, world).await);

    // Placing an answered key again returns the same order and changes
    // nothing: first keys whose orders are still open, then keys of orders
    // that are done (a few per trader; the rate limit allows it). A request
    // that gets no answer stops this part: the server is stuck.
    let quick = gql.with_timeout(REPLACE_TIMEOUT);
    'phases: for open_phase in [true, false] {
        for (trader, log) in world.traders.iter().zip(&world.logs) {
            let picked = log
                .answered
                .iter()
                .rev()
                .filter(|(_, answered)| {
                    let now = orders_by_id
                        .get(&answered.id)
                        .and_then(|o| o["status"].as_str())
                        .unwrap_or_default();
                    matches!(now, "OPEN" | "PARTIALLY_FILLED") == open_phase
                })
                .take(5);
            for (key, answered) in picked {
                let now = orders_by_id
                    .get(&answered.id)
                    .map_or(Value::Null, |o| o["status"].clone());
                match quick
                    .call(Some(&trader.token), PLACE, answered.input.clone())
                    .await
                {
                    Ok(data) => {
                        if data["placeOrder"]["id"] != json!(answered.id) {
                            problems.push(format!(
                                "{key} (order {}, {now}) placed again gave order {}",
                                answered.id, data["placeOrder"]["id"]
                            ));
                        }
                    }
                    Err(CallError::Transport(e)) => {
                        problems.push(format!(
                            "{key} (order {}, {now}) placed again: no answer ({e}); stopped placing keys again",
                            answered.id
                        ));
                        break 'phases;
                    }
                    Err(e) => problems.push(format!(
                        "{key} (order {}, {now}) placed again: {e}",
                        answered.id
                    )),
                }
            }
        }
    }
    problems
}

/// An order's numbers agree with themselves.
fn order_consistency(order: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let id = &order["id"];
    let quantity = order["quantity"].as_i64().unwrap_or(-1);
    let filled = order["filledQuantity"].as_i64().unwrap_or(-1);
    let remaining = order["remainingQuantity"].as_i64().unwrap_or(-1);
    let fills: i64 = order["fills"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| f["quantity"].as_i64().unwrap_or(0))
        .sum();
    if fills != filled {
        problems.push(format!(
            "order {id}: fills add up to {fills}, filledQuantity is {filled}"
        ));
    }
    if !(0..=quantity).contains(&filled) {
        problems.push(format!("order {id}: filled {filled} of {quantity}"));
    }
    let status = order["status"].as_str().unwrap_or_default();
    let expected_status = match status {
        "OPEN" => filled == 0 && remaining == quantity,
        "PARTIALLY_FILLED" => filled > 0 && filled < quantity && filled + remaining == quantity,
        "FILLED" => filled == quantity && remaining == 0,
        "CANCELLED" | "EXPIRED" | "REJECTED" => filled < quantity,
        _ => false,
    };
    if !expected_status {
        problems.push(format!(
            "order {id}: {status} with {filled} filled and {remaining} remaining of {quantity}"
        ));
    }
    problems
}

/// The order after the restart is at least as far along as the answer said.
fn at_least_as_far(key: &str, answered: &Answered, order: &Value) -> Vec<String> {
    let status = order["status"].as_str().unwrap_or_default();
    let filled = order["filledQuantity"].as_i64().unwrap_or(-1);
    let allowed = match answered.status.as_str() {
        "OPEN" => matches!(status, "OPEN" | "PARTIALLY_FILLED" | "FILLED" | "CANCELLED"),
        "PARTIALLY_FILLED" => matches!(status, "PARTIALLY_FILLED" | "FILLED" | "CANCELLED"),
        terminal => status == terminal,
    };
    let mut problems = Vec::new();
    if !allowed {
        problems.push(format!(
            "{key} (order {}): answered {}, after the restart {status}",
            answered.id, answered.status
        ));
    }
    let terminal = !matches!(answered.status.as_str(), "OPEN" | "PARTIALLY_FILLED");
    if filled < answered.filled || (terminal && filled != answered.filled) {
        problems.push(format!(
            "{key} (order {}): answered {} filled {}, after the restart {status} filled {filled}",
            answered.id, answered.status, answered.filled
        ));
    }
    problems
}

/// Shares, lots and cash add up over all accounts.
async fn books_add_up(gql: &Gql, world: &mut World) -> Vec<String> {
    let mut problems = Vec::new();
    let mut holdings_total: BTreeMap<String, i64> = BTreeMap::new();
    let (mut cash_total, mut deposits_total, mut fees_and_taxes) = (0i64, 0i64, 0i64);
    let mut most_entries = 0;
    let accounts = world.issuers.iter().chain(&world.traders);
    for account in accounts {
        let data = gql
            .ok(
                Some(&account.token),
                &format!(
                    "query {{ me {{ id cash availableCash holdings {{ symbol quantity availableQuantity }} }} \
                     myLots {{ symbol quantity remainingQuantity }} \
                     ledger(limit: {LIST_LIMIT}) {{ kind amount cashBefore cashAfter }} }}"
                ),
                json!({}),
            )
            .await;
        let me = &data["me"];
        let name = &account.username;
        let cash = cents_of(&me["cash"]);
        let available = cents_of(&me["availableCash"]);
        if !(0..=cash).contains(&available) {
            problems.push(format!(
                "{name}: availableCash {available} of cash {cash} (cents)"
            ));
        }
        cash_total += cash;
        let mut held: BTreeMap<String, i64> = BTreeMap::new();
        for holding in me["holdings"].as_array().into_iter().flatten() {
            let symbol = holding["symbol"].as_str().unwrap_or_default().to_owned();
            let quantity = holding["quantity"].as_i64().unwrap_or(-1);
            let available = holding["availableQuantity"].as_i64().unwrap_or(-1);
            if !(0..=quantity).contains(&available) {
                problems.push(format!(
                    "{name}: {symbol} availableQuantity {available} of {quantity}"
                ));
            }
            *held.entry(symbol.clone()).or_default() += quantity;
            *holdings_total.entry(symbol).or_default() += quantity;
        }
        let mut lots: BTreeMap<String, i64> = BTreeMap::new();
        for lot in data["myLots"].as_array().into_iter().flatten() {
            let remaining = lot["remainingQuantity"].as_i64().unwrap_or(-1);
            if !(0..=lot["quantity"].as_i64().unwrap_or(-1)).contains(&remaining) {
                problems.push(format!("{name}: lot {lot}"));
            }
            *lots
                .entry(lot["symbol"].as_str().unwrap_or_default().to_owned())
                .or_default() += remaining;
        }
        held.retain(|_, q| *q != 0);
        lots.retain(|_, q| *q != 0);
        if held != lots {
            problems.push(format!(
                "{name}: holdings {held:?} but lots remaining {lots:?}"
            ));
        }
        let entries = data["ledger"].as_array().cloned().unwrap_or_default();
        most_entries = most_entries.max(entries.len());
        if entries.len() >= LIST_LIMIT {
            problems.push(format!(
                "{name} has {LIST_LIMIT}+ ledger entries: the test cannot see them all"
            ));
        }
        let mut sum = 0;
        for entry in &entries {
            let amount = cents_of(&entry["amount"]);
            if cents_of(&entry["cashAfter"]) - cents_of(&entry["cashBefore"]) != amount {
                problems.push(format!("{name}: ledger entry {entry} does not add up"));
            }
            sum += amount;
            match entry["kind"].as_str() {
                Some("DEPOSIT") => deposits_total += amount,
                Some("WITHDRAWAL") => deposits_total += amount,
                Some("FEE" | "TAX") => fees_and_taxes -= amount,
                _ => {}
            }
        }
        if sum != cash {
            problems.push(format!(
                "{name}: the ledger adds up to {} but cash is {}",
                cents(sum),
                cents(cash)
            ));
        }
        if let Some(n) = world.traders.iter().position(|t| t.id == account.id) {
            let log = &world.logs[n];
            let deposits = entries.iter().filter(|e| e["kind"] == "DEPOSIT").count();
            if deposits < log.deposits_answered || deposits > log.deposits_sent {
                problems.push(format!(
                    "{name}: {deposits} deposits in the ledger; {} answered of {} sent",
                    log.deposits_answered, log.deposits_sent
                ));
            }
        }
    }
    world.most_entries = most_entries;
    if cash_total + fees_and_taxes != deposits_total {
        problems.push(format!(
            "cash {} + fees and taxes {} != deposits {}",
            cents(cash_total),
            cents(fees_and_taxes),
            cents(deposits_total)
        ));
    }
    for (symbol, _, shares) in COMPANIES {
        let company = gql
            .ok(
                None,
                &format!("query {{ company(symbol: \"{symbol}\") {{ sharesOutstanding }} }}"),
                json!({}),
            )
            .await;
        let outstanding = company["company"]["sharesOutstanding"].as_i64();
        if outstanding != Some(shares) {
            problems.push(format!(
                "{symbol}: sharesOutstanding {outstanding:?}, listed {shares}"
            ));
        }
        let held = holdings_total.get(symbol).copied().unwrap_or(0);
        if held != shares {
            problems.push(format!(
                "{symbol}: the accounts hold {held} shares of {shares} outstanding"
            ));
        }
    }
    problems
}

// ---------------------------------------------------------------- the binary

/// `marketlab admin create` on the database.
fn admin_create(url: &str, logs: &Path) {
    let output = Command::new(BIN)
        .args([
            "admin",
            "create",
            "--username",
            ADMIN,
            "--password",
            ADMIN_PASSWORD,
        ])
        .args(["--database-url", url])
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs");
    std::fs::write(
        logs.join("admin-create.log"),
        [&output.stdout[..], &output.stderr[..]].concat(),
    )
    .ok();
    assert!(
        output.status.success(),
        "marketlab admin create failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

struct Server {
    child: Child,
    base: String,
    log: PathBuf,
}

impl Server {
    /// `marketlab serve` on a free port; returns once GET /health is 200.
    async fn start(url: &str, logs: &Path, n: usize) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let log = logs.join(format!("serve-{n}.log"));
        let file = std::fs::File::create(&log).expect("a log file");
        let child = Command::new(BIN)
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .args(["--database-url", url])
            .env("RUST_LOG", "info,sqlx=warn")
            .env("MARKETLAB_PROJECTION_DELAY_MS", PROJECTION_DELAY_MS)
            .stdin(Stdio::null())
            .stdout(file.try_clone().expect("a log file"))
            .stderr(file)
            .spawn()
            .expect("the binary starts");
        let mut server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
        };
        let client = awc::Client::builder()
            .timeout(Duration::from_secs(2))
            .finish();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!(
                    "the server exited with {status} before it was healthy:\n{}",
                    server.log_tail()
                );
            }
            if let Ok(response) = client.get(format!("{}/health", server.base)).send().await
                && response.status().is_success()
            {
                return server;
            }
            if Instant::now() > deadline {
                server.kill();
                panic!("the server was not healthy in 60 s:\n{}", server.log_tail());
            }
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGTERM; the server must stop by itself, with status 0 and no
    /// error or panic on its log.
    async fn terminate(&mut self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -TERM failed");
        let deadline = Instant::now() + Duration::from_secs(60);
        let exit = loop {
            if let Ok(Some(exit)) = self.child.try_wait() {
                break exit;
            }
            if Instant::now() > deadline {
                self.kill();
                panic!(
                    "the server did not stop within 60 s of SIGTERM:\n{}",
                    self.log_tail()
                );
            }
            actix_web::rt::time::sleep(Duration::from_millis(20)).await;
        };
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let bad: Vec<&str> = log
            .lines()
            .filter(|l| l.contains("ERROR") || l.contains("Error:") || l.contains("panicked"))
            .collect();
        assert!(
            exit.success() && bad.is_empty(),
            "after SIGTERM the server exited with {exit}, logging:\n{}\n(tail)\n{}",
            bad.join("\n"),
            self.log_tail()
        );
        // Plain text on a file: no terminal colours.
        assert!(!log.contains('\u{1b}'), "the log holds ANSI colour codes");
    }

    /// The changes in the journal and not yet in the tables, from /metrics.
    async fn projection_lag(&self) -> u64 {
        let client = awc::Client::builder()
            .timeout(Duration::from_secs(2))
            .finish();
        let mut response = client
            .get(format!("{}/metrics", self.base))
            .send()
            .await
            .expect("/metrics answers");
        let body = response.body().await.expect("/metrics has a body");
        let text = String::from_utf8_lossy(&body);
        text.lines()
            .find_map(|line| line.strip_prefix("marketlab_projection_lag_changes "))
            .and_then(|value| value.trim().parse().ok())
            .expect("/metrics shows the projection's lag")
    }

    /// SIGKILL, and wait for it.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

fn tempdir(prefix: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("{prefix}-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("a temp folder");
    dir
}

// ---------------------------------------------------------------- GraphQL

#[derive(Debug)]
enum CallError {
    /// No answer: the server is gone.
    Transport(String),
    Api {
        code: String,
        message: String,
    },
    Http(u16, String),
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Transport(e) => write!(f, "no answer: {e}"),
            CallError::Api { code, message } => write!(f, "{code}: {message}"),
            CallError::Http(status, body) => write!(f, "HTTP {status}: {body}"),
        }
    }
}

#[derive(Clone)]
struct Gql {
    client: awc::Client,
    endpoint: String,
}

impl Gql {
    fn new(base: &str) -> Gql {
        // Long enough for a debug build hashing a password.
        Gql::with_timeout_at(base, Duration::from_secs(30))
    }

    fn with_timeout_at(base: &str, timeout: Duration) -> Gql {
        Gql {
            client: awc::Client::builder().timeout(timeout).finish(),
            endpoint: format!("{base}/graphql"),
        }
    }

    /// The same endpoint, giving up on an answer after `timeout`.
    fn with_timeout(&self, timeout: Duration) -> Gql {
        Gql::with_timeout_at(self.endpoint.trim_end_matches("/graphql"), timeout)
    }

    async fn call(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Result<Value, CallError> {
        let mut request = self.client.post(&self.endpoint);
        if let Some(token) = token {
            request = request.insert_header(("Authorization", format!("Bearer {token}")));
        }
        let mut response = request
            .send_json(&json!({ "query": query, "variables": variables }))
            .await
            .map_err(|e| CallError::Transport(e.to_string()))?;
        let status = response.status();
        let body = response
            .body()
            .limit(64 << 20)
            .await
            .map_err(|e| CallError::Transport(e.to_string()))?;
        let value: Value = serde_json::from_slice(&body).map_err(|_| {
            CallError::Http(status.as_u16(), String::from_utf8_lossy(&body).into_owned())
        })?;
        if let Some(error) = value["errors"].as_array().and_then(|e| e.first()) {
            return Err(CallError::Api {
                code: error["extensions"]["code"]
                    .as_str()
                    .unwrap_or("NO_CODE")
                    .to_owned(),
                message: error["message"].as_str().unwrap_or_default().to_owned(),
            });
        }
        if !status.is_success() {
            return Err(CallError::Http(status.as_u16(), value.to_string()));
        }
        Ok(value["data"].clone())
    }

    /// `call` that must succeed.
    async fn ok(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        match self.call(token, query, variables.clone()).await {
            Ok(data) => data,
            Err(e) => panic!("{query} with {variables}: {e}"),
        }
    }
}

async fn register(gql: &Gql, username: &str, role: &str) -> Account {
    let data = gql
        .ok(
            None,
            "mutation($input: RegisterInput!) { register(input: $input) { accessToken account { id } } }",
            json!({ "input": {
                "username": username,
                "password": PASSWORD,
                "displayName": username,
                "role": role,
            }}),
        )
        .await;
    Account {
        id: data["register"]["account"]["id"]
            .as_str()
            .expect("an id")
            .to_owned(),
        username: username.to_owned(),
        token: data["register"]["accessToken"]
            .as_str()
            .expect("a token")
            .to_owned(),
    }
}

async fn login(gql: &Gql, username: &str, password: &str) -> Account {
    let data = gql
        .ok(
            None,
            "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken account { id } } }",
            json!({ "u": username, "p": password }),
        )
        .await;
    Account {
        id: data["login"]["account"]["id"]
            .as_str()
            .expect("an id")
            .to_owned(),
        username: username.to_owned(),
        token: data["login"]["accessToken"]
            .as_str()
            .expect("a token")
            .to_owned(),
    }
}

fn limit_input(
    symbol: &str,
    side: &str,
    time_in_force: &str,
    quantity: i64,
    price_cents: i64,
    key: Option<&str>,
) -> Value {
    let mut input = json!({
        "symbol": symbol,
        "side": side,
        "type": "LIMIT",
        "timeInForce": time_in_force,
        "quantity": quantity,
        "limitPrice": cents(price_cents),
    });
    if let Some(key) = key {
        input["clientOrderId"] = json!(key);
    }
    json!({ "input": input })
}

// ---------------------------------------------------------------- money

/// `12345` cents as `"123.45"`.
fn cents(amount: i64) -> String {
    let sign = if amount < 0 { "-" } else { "" };
    let abs = amount.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// A Decimal string as cents; exact (more than two places is a failure).
fn cents_of(value: &Value) -> i64 {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("a Decimal string, not {value}"));
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    assert!(
        fraction.len() <= 2,
        "{text} has more than two decimal places"
    );
    let whole: i64 = whole
        .parse()
        .unwrap_or_else(|_| panic!("{text} is not a decimal"));
    let fraction: i64 = format!("{fraction:0<2}")
        .parse()
        .unwrap_or_else(|_| panic!("{text} is not a decimal"));
    let cents = whole * 100 + fraction;
    if negative { -cents } else { cents }
}
