//! What the HTTP load generators share (`http_orders`, `ws_fanout`): a small
//! GraphQL client over awc, the setup of a market through the API (an
//! issuer, a listing, traders with cash and shares), the order stream the
//! clients send, a server of our own (`--spawn`), client threads each with
//! an actix System of their own, and CPU and memory readings from /proc.
//!
//! Money only ever travels as decimal strings built from integer cents.

#![allow(dead_code)] // each binary uses its own part of this module

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

use anyhow::{Context, bail};
use futures_util::{StreamExt, stream};
use hdrhistogram::Histogram;
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use serde_json::{Value, json};

pub const ADMIN_USER: &str = "loadadmin";
pub const ADMIN_PASSWORD: &str = "load-admin-password";
const TRADER_PASSWORD: &str = "load-trader-password";

// ---------------------------------------------------------------- GraphQL

pub const LOGIN: &str = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken account { id } } }";
pub const REGISTER: &str =
    "mutation($input: RegisterInput!) { register(input: $input) { accessToken account { id } } }";
pub const LIST_COMPANY: &str = "mutation($input: ListCompanyInput!) { listCompany(input: $input) { symbol sharesOutstanding } }";
pub const DEPOSIT: &str = "mutation($a: Decimal!) { deposit(amount: $a) { cashAfter } }";
pub const PLACE_ORDER: &str =
    "mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id status filledQuantity } }";
/// The same with the taker's fills, to count trades.
pub const PLACE_ORDER_FILLS: &str = "mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id status filledQuantity fills { tradeId } } }";

/// Why a request got no usable answer; `code()` is what the reports count.
#[derive(Debug, Clone)]
pub enum CallError {
    /// No HTTP answer: connection refused or reset, timeout.
    Transport(String),
    /// An HTTP status other than 2xx without a GraphQL error in the body.
    Http(u16, String),
    /// A GraphQL error: its `extensions.code` and message.
    Api { code: String, message: String },
}

impl CallError {
    pub fn code(&self) -> String {
        match self {
            CallError::Transport(_) => "TRANSPORT".into(),
            CallError::Http(status, _) => format!("HTTP_{status}"),
            CallError::Api { code, .. } => code.clone(),
        }
    }
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Transport(e) => write!(f, "transport: {e}"),
            CallError::Http(status, body) => write!(f, "HTTP {status}: {body}"),
            CallError::Api { code, message } => write!(f, "{code}: {message}"),
        }
    }
}

impl std::error::Error for CallError {}

/// POST /graphql with JSON, on one thread's awc client (awc is not Send:
/// make one per thread).
#[derive(Clone)]
pub struct Gql {
    client: awc::Client,
    endpoint: String,
}

impl Gql {
    /// `base` is `http://host:port`.
    pub fn new(base: &str) -> Gql {
        let client = awc::Client::builder()
            .timeout(Duration::from_secs(60))
            .connector(awc::Connector::new().limit(4096))
            .finish();
        Gql {
            client,
            endpoint: format!("{}/graphql", base.trim_end_matches('/')),
        }
    }

    pub fn client(&self) -> &awc::Client {
        &self.client
    }

    /// The `data` of the answer, or the first error.
    pub async fn call(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Result<Value, CallError> {
        let mut request = self.client.post(&self.endpoint);
        if let Some(token) = token {
            request = request.insert_header(("authorization", format!("Bearer {token}")));
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
            .map_err(|e| CallError::Transport(format!("reading the body: {e}")))?;
        let parsed: Option<Value> = serde_json::from_slice(&body).ok();
        if let Some(error) = parsed
            .as_ref()
            .and_then(|v| v.get("errors"))
            .and_then(Value::as_array)
            .and_then(|errors| errors.first())
        {
            return Err(CallError::Api {
                code: error["extensions"]["code"]
                    .as_str()
                    .unwrap_or("NO_CODE")
                    .to_owned(),
                message: error["message"].as_str().unwrap_or_default().to_owned(),
            });
        }
        match parsed {
            Some(mut value) if status.is_success() => Ok(value["data"].take()),
            _ => Err(CallError::Http(
                status.as_u16(),
                String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned(),
            )),
        }
    }
}

// ---------------------------------------------------------------- /metrics

/// The server's unlabelled /metrics samples (empty when it has none).
pub async fn scrape(base: &str) -> BTreeMap<String, f64> {
    let client = awc::Client::default();
    let Ok(mut response) = client
        .get(format!("{}/metrics", base.trim_end_matches('/')))
        .send()
        .await
    else {
        return BTreeMap::new();
    };
    let Ok(body) = response.body().limit(4 << 20).await else {
        return BTreeMap::new();
    };
    String::from_utf8_lossy(&body)
        .lines()
        .filter(|line| !line.starts_with('#') && !line.contains('{'))
        .filter_map(|line| {
            let (name, value) = line.split_once(' ')?;
            Some((name.to_owned(), value.trim().parse().ok()?))
        })
        .collect()
}

/// What the persister did between two scrapes, for `orders` orders.
pub fn persister_report(
    before: &BTreeMap<String, f64>,
    after: &BTreeMap<String, f64>,
    seconds: f64,
    orders: u64,
) -> String {
    let delta = |name: &str| {
        after.get(name).copied().unwrap_or(0.0) - before.get(name).copied().unwrap_or(0.0)
    };
    let batches = delta("marketlab_persister_batches_total");
    let changes = delta("marketlab_persister_changes_total");
    if batches <= 0.0 {
        return "no persister metrics".into();
    }
    format!(
        "{batches:.0} batches ({:.0}/s, one per {:.2} ms), {changes:.0} changes ({:.0} per batch, {:.1} per order)",
        batches / seconds,
        1000.0 * seconds / batches,
        changes / batches,
        changes / orders.max(1) as f64,
    )
}

// ---------------------------------------------------------------- money

/// `12345` cents as `"123.45"`.
pub fn cents(amount: i64) -> String {
    let sign = if amount < 0 { "-" } else { "" };
    let abs = amount.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

// ---------------------------------------------------------------- setup

#[derive(Debug, Clone)]
pub struct Trader {
    pub username: String,
    pub id: String,
    pub token: String,
}

#[derive(Debug, Clone)]
pub struct MarketSetup {
    /// The first of `symbols`.
    pub symbol: String,
    pub symbols: Vec<String>,
    pub ipo_cents: i64,
    pub issuer: Trader,
    pub traders: Vec<Trader>,
}

pub struct SetupOptions<'a> {
    pub admin_user: &'a str,
    pub admin_password: &'a str,
    pub traders: usize,
    /// Shares each trader buys from the issuer.
    pub shares_each: i64,
    /// Cash each trader deposits, in cents.
    pub cash_each_cents: i64,
    pub ipo_cents: i64,
    /// Companies listed, each with its own issuer; every trader buys
    /// `shares_each` of each.
    pub symbols: usize,
}

/// A fresh tag for usernames and the symbol, so that runs against a server
/// that already has data do not collide: 6 characters, a-z.
pub fn run_tag() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut rng = ChaCha8Rng::seed_from_u64(nanos ^ u64::from(std::process::id()));
    (0..6)
        .map(|_| char::from(b'a' + rng.random_range(0..26u8)))
        .collect()
}

/// Admin login, `traders` INDIVIDUAL accounts that each deposit cash, and
/// `symbols` companies, each with a CORPORATE issuer and listed at
/// `ipo_cents` (the issuer holds all shares); every trader buys
/// `shares_each` of each from the issuer's ask at the IPO price, and the
/// issuer keeps as many shares as the traders bought together.
pub async fn setup(gql: &Gql, options: SetupOptions<'_>) -> anyhow::Result<MarketSetup> {
    let tag = run_tag();
    let admin = gql
        .call(
            None,
            LOGIN,
            json!({ "u": options.admin_user, "p": options.admin_password }),
        )
        .await
        .context("the admin logs in (does the admin exist?)")?;
    let admin_token = admin["login"]["accessToken"]
        .as_str()
        .context("an access token")?
        .to_owned();

    let traders: Vec<Trader> = stream::iter(0..options.traders)
        .map(|i| {
            let tag = &tag;
            async move {
                let trader = register(gql, &format!("{tag}-t{i}"), "INDIVIDUAL").await?;
                gql.call(
                    Some(&trader.token),
                    DEPOSIT,
                    json!({ "a": cents(options.cash_each_cents) }),
                )
                .await
                .with_context(|| format!("{} deposits", trader.username))?;
                anyhow::Ok(trader)
            }
        })
        .buffered(8)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<anyhow::Result<_>>()?;

    let mut symbols = Vec::new();
    let mut issuers = Vec::new();
    for n in 0..options.symbols.max(1) {
        // The first keeps the name runs have always had.
        let symbol = match n {
            0 => format!("L{}", tag.to_uppercase()),
            n => format!("L{}{n}", tag.to_uppercase()),
        };
        let issuer = match n {
            0 => format!("{tag}-issuer"),
            n => format!("{tag}-issuer{n}"),
        };
        let issuer = list_and_sell(gql, &admin_token, &issuer, &symbol, &traders, &options).await?;
        symbols.push(symbol);
        issuers.push(issuer);
    }
    Ok(MarketSetup {
        symbol: symbols[0].clone(),
        symbols,
        ipo_cents: options.ipo_cents,
        issuer: issuers.swap_remove(0),
        traders,
    })
}

/// List `symbol` with an issuer of its own, who sells `shares_each` to
/// every trader at the IPO price.
async fn list_and_sell(
    gql: &Gql,
    admin_token: &str,
    issuer: &str,
    symbol: &str,
    traders: &[Trader],
    options: &SetupOptions<'_>,
) -> anyhow::Result<Trader> {
    let issuer = register(gql, issuer, "CORPORATE").await?;
    let sold = traders.len() as i64 * options.shares_each;
    gql.call(
        Some(admin_token),
        LIST_COMPANY,
        json!({ "input": {
            "symbol": symbol,
            "name": format!("Load {symbol}"),
            "sector": "Load testing",
            "sharesOutstanding": 2 * sold,
            "ipoPrice": cents(options.ipo_cents),
            "tickSize": "0.01",
            "issuerAccountId": issuer.id,
        }}),
    )
    .await
    .with_context(|| format!("the admin lists {symbol}"))?;
    if sold > 0 {
        let ask = place(
            gql,
            &issuer.token,
            symbol,
            "SELL",
            "GTC",
            sold,
            options.ipo_cents,
            None,
        )
        .await
        .context("the issuer offers shares")?;
        if ask["status"] != "OPEN" {
            bail!("the issuer's offer is {ask}, not OPEN");
        }
        for trader in traders {
            let bought = place(
                gql,
                &trader.token,
                symbol,
                "BUY",
                "GTC",
                options.shares_each,
                options.ipo_cents,
                None,
            )
            .await
            .with_context(|| format!("{} buys from the issuer", trader.username))?;
            if bought["status"] != "FILLED" {
                bail!(
                    "{} bought from the issuer: {bought}, not FILLED",
                    trader.username
                );
            }
        }
    }
    Ok(issuer)
}

pub async fn register(gql: &Gql, username: &str, role: &str) -> anyhow::Result<Trader> {
    let data = gql
        .call(
            None,
            REGISTER,
            json!({ "input": {
                "username": username,
                "password": TRADER_PASSWORD,
                "displayName": username,
                "role": role,
            }}),
        )
        .await
        .with_context(|| format!("registering {username}"))?;
    let payload = &data["register"];
    Ok(Trader {
        username: username.to_owned(),
        id: payload["account"]["id"]
            .as_str()
            .context("an account id")?
            .to_owned(),
        token: payload["accessToken"]
            .as_str()
            .context("an access token")?
            .to_owned(),
    })
}

/// One LIMIT order; the answer's `placeOrder`.
#[allow(clippy::too_many_arguments)]
pub async fn place(
    gql: &Gql,
    token: &str,
    symbol: &str,
    side: &str,
    time_in_force: &str,
    quantity: i64,
    price_cents: i64,
    client_order_id: Option<&str>,
) -> Result<Value, CallError> {
    let mut data = gql
        .call(
            Some(token),
            PLACE_ORDER,
            order_input(
                symbol,
                side,
                time_in_force,
                quantity,
                price_cents,
                client_order_id,
            ),
        )
        .await?;
    Ok(data["placeOrder"].take())
}

pub fn order_input(
    symbol: &str,
    side: &str,
    time_in_force: &str,
    quantity: i64,
    price_cents: i64,
    client_order_id: Option<&str>,
) -> Value {
    let mut input = json!({
        "symbol": symbol,
        "side": side,
        "type": "LIMIT",
        "timeInForce": time_in_force,
        "quantity": quantity,
        "limitPrice": cents(price_cents),
    });
    if let Some(key) = client_order_id {
        input["clientOrderId"] = json!(key);
    }
    json!({ "input": input })
}

// ---------------------------------------------------------------- orders

/// The order stream of one client: it alternates buy and sell. A GTC order
/// is priced uniformly within +-2% of the IPO price (well inside the 30%
/// band), so about half of them cross the book and the rest rest there; the
/// book stays bounded because buys and sells come in equal numbers. With
/// `gtc_percent` below 100 the other orders are IOC limits 20% away from the
/// IPO price, which never trade and never rest: order flow without trades.
pub struct OrderStream {
    rng: ChaCha8Rng,
    ipo_cents: i64,
    gtc_percent: u32,
    count: u64,
}

pub struct NextOrder {
    pub side: &'static str,
    pub time_in_force: &'static str,
    pub quantity: i64,
    pub price_cents: i64,
}

impl OrderStream {
    pub fn new(seed: u64, ipo_cents: i64, gtc_percent: u32) -> OrderStream {
        OrderStream {
            rng: ChaCha8Rng::seed_from_u64(seed),
            ipo_cents,
            gtc_percent,
            count: 0,
        }
    }

    pub fn next_order(&mut self) -> NextOrder {
        let buy = self.count.is_multiple_of(2);
        self.count += 1;
        let side = if buy { "BUY" } else { "SELL" };
        let quantity = self.rng.random_range(1..=10);
        if self.rng.random_range(0..100) < self.gtc_percent {
            let spread = self.ipo_cents / 50;
            NextOrder {
                side,
                time_in_force: "GTC",
                quantity,
                price_cents: self.ipo_cents + self.rng.random_range(-spread..=spread),
            }
        } else {
            let away = self.ipo_cents / 5;
            NextOrder {
                side,
                time_in_force: "IOC",
                quantity,
                price_cents: if buy {
                    self.ipo_cents - away
                } else {
                    self.ipo_cents + away
                },
            }
        }
    }
}

// ---------------------------------------------------------------- threads

/// Runs `make(i)` for i in 0..threads, each on an OS thread named
/// `gen-{name}-{i}` with an actix System of its own, and collects the
/// results in order.
pub fn on_threads<R, F, Fut>(name: &str, threads: usize, make: F) -> anyhow::Result<Vec<R>>
where
    R: Send + 'static,
    F: Fn(usize) -> Fut + Send + Sync + Clone + 'static,
    Fut: Future<Output = R> + 'static,
{
    let handles: Vec<_> = (0..threads)
        .map(|i| {
            let make = make.clone();
            std::thread::Builder::new()
                .name(format!("gen-{name}-{i}"))
                .spawn(move || {
                    let result = actix_web::rt::System::new().block_on(make(i));
                    // Counted before the thread ends: /proc forgets it then.
                    if let Some(seconds) = std::fs::read_to_string("/proc/thread-self/stat")
                        .ok()
                        .as_deref()
                        .and_then(stat_cpu_seconds)
                    {
                        ENDED_GENERATOR_CPU_US.fetch_add(
                            (seconds * 1e6) as u64,
                            std::sync::atomic::Ordering::Relaxed,
                        );
                    }
                    result
                })
                .context("spawning a client thread")
        })
        .collect::<anyhow::Result<_>>()?;
    handles
        .into_iter()
        .map(|h| {
            h.join()
                .map_err(|_| anyhow::anyhow!("a client thread panicked"))
        })
        .collect()
}

/// Which of `clients` (numbered 0..clients) thread `thread` of `threads`
/// runs: round-robin.
pub fn share(clients: usize, threads: usize, thread: usize) -> Vec<usize> {
    (0..clients).filter(|c| c % threads == thread).collect()
}

// ---------------------------------------------------------------- numbers

/// Microseconds, 1 us to 10 minutes, 3 significant digits.
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 600_000_000, 3).expect("valid histogram bounds")
}

pub fn ms(us: u64) -> String {
    format!("{:.2} ms", us as f64 / 1000.0)
}

pub fn percentiles(h: &Histogram<u64>) -> String {
    if h.is_empty() {
        return "no samples".into();
    }
    format!(
        "p50 {}, p90 {}, p99 {}, p99.9 {}, max {} ({} samples)",
        ms(h.value_at_quantile(0.50)),
        ms(h.value_at_quantile(0.90)),
        ms(h.value_at_quantile(0.99)),
        ms(h.value_at_quantile(0.999)),
        ms(h.max()),
        h.len()
    )
}

pub fn merge_counts(into: &mut BTreeMap<String, u64>, from: &BTreeMap<String, u64>) {
    for (key, n) in from {
        *into.entry(key.clone()).or_default() += n;
    }
}

pub fn show_counts(counts: &BTreeMap<String, u64>) -> String {
    if counts.is_empty() {
        return "none".into();
    }
    counts
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

// ---------------------------------------------------------------- /proc

/// Clock ticks per second of /proc's CPU times (USER_HZ; 100 on Linux).
const TICKS_PER_SECOND: f64 = 100.0;

/// CPU seconds (user + system) of a /proc stat line.
fn stat_cpu_seconds(stat: &str) -> Option<f64> {
    // "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Field 14 (utime) and 15 (stime) of the line; `rest` starts at field 3.
    let user: f64 = fields.get(11)?.parse().ok()?;
    let system: f64 = fields.get(12)?.parse().ok()?;
    Some((user + system) / TICKS_PER_SECOND)
}

/// CPU seconds of a whole process.
pub fn process_cpu(pid: u32) -> Option<f64> {
    stat_cpu_seconds(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

/// CPU seconds of the generator's threads that have ended.
static ENDED_GENERATOR_CPU_US: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// CPU seconds of this process, split into the generator's (threads named
/// `gen-*`, live or ended, and the main thread) and everything else (the
/// in-process server: HTTP workers, arbiters, the persister, database
/// threads; ended ones included, as the process's total keeps them).
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuSplit {
    pub generator: f64,
    pub server: f64,
}

pub fn cpu_split() -> CpuSplit {
    let pid = std::process::id();
    let total = process_cpu(pid).unwrap_or(0.0);
    let mut generator =
        ENDED_GENERATOR_CPU_US.load(std::sync::atomic::Ordering::Relaxed) as f64 / 1e6;
    if let Ok(tasks) = std::fs::read_dir("/proc/self/task") {
        for task in tasks.flatten() {
            let path = task.path();
            let comm = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
            let main = task.file_name().to_str() == Some(&pid.to_string());
            if !(main || comm.starts_with("gen-")) {
                continue;
            }
            if let Some(seconds) = std::fs::read_to_string(path.join("stat"))
                .ok()
                .as_deref()
                .and_then(stat_cpu_seconds)
            {
                generator += seconds;
            }
        }
    }
    CpuSplit {
        generator,
        server: total - generator,
    }
}

/// CPU seconds of each live thread of this process: (tid, name, seconds).
pub fn thread_cpu() -> Vec<(String, String, f64)> {
    let mut threads = Vec::new();
    if let Ok(tasks) = std::fs::read_dir("/proc/self/task") {
        for task in tasks.flatten() {
            let path = task.path();
            let name = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
            if let Some(seconds) = std::fs::read_to_string(path.join("stat"))
                .ok()
                .as_deref()
                .and_then(stat_cpu_seconds)
            {
                threads.push((
                    task.file_name().to_string_lossy().into_owned(),
                    name.trim().to_owned(),
                    seconds,
                ));
            }
        }
    }
    threads
}

/// The busiest threads between two `thread_cpu` readings, as
/// "name tid: x.x s (yy%)" over `seconds` of wall time.
pub fn busiest_threads(
    before: &[(String, String, f64)],
    after: &[(String, String, f64)],
    seconds: f64,
    top: usize,
) -> String {
    let mut used: Vec<(f64, &str, &str)> = after
        .iter()
        .map(|(tid, name, cpu)| {
            let earlier = before
                .iter()
                .find(|(t, _, _)| t == tid)
                .map_or(0.0, |(_, _, c)| *c);
            (cpu - earlier, name.as_str(), tid.as_str())
        })
        .filter(|(cpu, _, _)| *cpu > 0.0)
        .collect();
    used.sort_by(|a, b| b.0.total_cmp(&a.0));
    used.iter()
        .take(top)
        .map(|(cpu, name, tid)| {
            format!("{name} [{tid}] {cpu:.1} s ({:.0}%)", 100.0 * cpu / seconds)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl std::ops::Sub for CpuSplit {
    type Output = CpuSplit;
    fn sub(self, before: CpuSplit) -> CpuSplit {
        CpuSplit {
            generator: self.generator - before.generator,
            server: self.server - before.server,
        }
    }
}

/// CPU seconds of all processes named `name` (e.g. the Postgres server's
/// backends on this machine), live ones only.
pub fn processes_cpu(name: &str) -> f64 {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0.0;
    };
    entries
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
        })
        .filter(|e| std::fs::read_to_string(e.path().join("comm")).is_ok_and(|c| c.trim() == name))
        .filter_map(|e| {
            std::fs::read_to_string(e.path().join("stat"))
                .ok()
                .as_deref()
                .and_then(stat_cpu_seconds)
        })
        .sum()
}

/// VmRSS of a process, in KiB.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

// ---------------------------------------------------------------- --spawn

/// A server built in this process on port 0, on a fresh database: SQLite in
/// a temp folder, or a database created for the run on a Postgres server.
pub struct Spawned {
    pub base: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Folder(std::path::PathBuf),
    Database { server_url: String, name: String },
}

pub struct SpawnOptions {
    pub backend: String,
    /// The Postgres server (any database on it); a fresh one is created.
    pub postgres_url: Option<String>,
    /// Requests per second per account the server allows (its default when
    /// `None`).
    pub rate_limit: Option<u32>,
}

/// Builds the server on its own thread (`server-main`, with its own actix
/// System; the server's workers and arbiters are threads of their own) and
/// returns once it listens. An ADMIN (`ADMIN_USER`) exists before it starts.
pub fn spawn(options: SpawnOptions) -> anyhow::Result<Spawned> {
    let nonce = format!("{}_{}", std::process::id(), run_tag());
    let (url, cleanup) = match options.backend.as_str() {
        "sqlite" => {
            let dir = std::env::temp_dir().join(format!("marketlab-load-{nonce}"));
            (
                format!("sqlite://{}/load.db?mode=rwc", dir.display()),
                Cleanup::Folder(dir),
            )
        }
        "postgres" => {
            let server_url = options
                .postgres_url
                .clone()
                .or_else(|| std::env::var("MARKETLAB_TEST_DATABASE_URL").ok())
                .context(
                    "--spawn postgres needs --database-url or MARKETLAB_TEST_DATABASE_URL (a Postgres server)",
                )?;
            let name = format!("marketlab_load_{nonce}");
            let created = actix_web::rt::System::new().block_on({
                let server_url = server_url.clone();
                let name = name.clone();
                async move { execute(&server_url, &format!("CREATE DATABASE {name}")).await }
            });
            created.context("creating the load database")?;
            (
                with_database(&server_url, &name),
                Cleanup::Database { server_url, name },
            )
        }
        other => bail!("--spawn takes sqlite or postgres, not {other:?}"),
    };
    let spawned = Spawned {
        base: String::new(),
        cleanup,
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let rate_limit = options.rate_limit;
    std::thread::Builder::new()
        .name("server-main".into())
        .spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let built = async {
                    let db = marketlab::persistence::connect(&url).await?;
                    marketlab::admin::create_admin(&db, ADMIN_USER, ADMIN_PASSWORD).await?;
                    db.close().await?;
                    let settings = server_settings(url.clone(), rate_limit);
                    marketlab::startup::Application::build(settings).await
                }
                .await;
                match built {
                    Ok(app) => {
                        let _ = tx.send(Ok(app.address()));
                        if let Err(e) = app.run_until_stopped().await {
                            eprintln!("the server stopped: {e:#}");
                        }
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e));
                    }
                }
            })
        })
        .context("spawning the server thread")?;
    let address = rx
        .recv()
        .context("the server thread ended before it listened")?
        .context("building the server")?;
    Ok(Spawned {
        base: format!("http://{address}"),
        ..spawned
    })
}

fn server_settings(database_url: String, rate_limit: Option<u32>) -> marketlab::startup::Settings {
    let defaults = marketlab::startup::Settings::default();
    let mut settings = marketlab::startup::Settings {
        bind: "127.0.0.1:0".into(),
        demo: false,
        database_url,
        // Every simulated client connects from this one machine, and the
        // subscribers share a few traders' accounts.
        transport: marketlab::api::transport::TransportSettings {
            ws_per_address: usize::MAX,
            ws_per_account: usize::MAX,
            ..defaults.transport
        },
        ..defaults
    };
    if let Some(per_second) = rate_limit {
        settings.rate_limit.per_second = per_second;
        settings.rate_limit.burst = per_second.saturating_mul(3);
    }
    settings
}

impl Spawned {
    /// Removes the database. The server is still running: call this last,
    /// then exit the process.
    pub fn remove_database(&self) {
        match &self.cleanup {
            Cleanup::Folder(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Database { server_url, name } => {
                let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                let server_url = server_url.clone();
                let dropped = std::thread::spawn(move || {
                    actix_web::rt::System::new()
                        .block_on(async move { execute(&server_url, &sql).await })
                })
                .join();
                if !matches!(dropped, Ok(Ok(()))) {
                    eprintln!("warning: the load database {name} was not dropped");
                }
            }
        }
    }
}

async fn execute(server_url: &str, sql: &str) -> anyhow::Result<()> {
    use sea_orm::ConnectionTrait;
    let server = sea_orm::Database::connect(server_url).await?;
    server.execute_unprepared(sql).await?;
    server.close().await?;
    Ok(())
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let server = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    }
}

/// Logs of the in-process server at `RUST_LOG` (default: warnings).
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "warn,sqlx=warn".into());
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}
