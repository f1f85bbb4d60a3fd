//! Fan-out of market data: many WebSocket subscribers (graphql-transport-ws)
//! spread over `--symbols` companies, half of them on `orderBook(symbol,
//! depth: 10)` and half on `trades(symbol)` (`--book-percent`), while a
//! paced HTTP driver places orders on all the symbols. Each trade
//! delivery's delay is the generator's wall clock at arrival minus the
//! trade's `executedAt` (the server's wall clock; same machine); book
//! frames are counted. `--stalled N` more subscribers follow trades and
//! never read until the flow is over: the server must hold their queues
//! bounded and close them with 4413 (slow consumer). The server's resident
//! memory is sampled once a second, and its subscription metrics are
//! printed at the end.
//!
//!     cargo run --release -p marketlab-benches --bin ws_fanout -- --spawn sqlite
//!     cargo run --release -p marketlab-benches --bin ws_fanout -- --spawn postgres \
//!         [--database-url postgres://postgres@127.0.0.1:5432/test]
//!     cargo run --release -p marketlab-benches --bin ws_fanout -- --url http://127.0.0.1:8080 \
//!         --admin-user admin --admin-password '...' [--server-pid PID]
//!
//! Options: `--subscribers 1000`, `--symbols 10`, `--book-percent 50`,
//! `--depth 10`, `--stalled 0`, `--sub-threads 2`, `--rate 5000` (orders
//! per second, spread evenly over `--drivers 64` trader accounts, i.e. ~78/s
//! each, under the default per-account limit; open loop: each account sends
//! on its schedule without waiting for earlier answers, up to
//! `--max-in-flight 1024` requests on their way, beyond which slots are
//! skipped and counted), `--seconds 20`, `--warmup 2`
//! (seconds of trades not measured), `--gtc-percent 100` (as in
//! http_orders: about half of the GTC orders trade; the rest of the orders
//! are IOC away from the market and never trade), `--anonymous` (subscribe
//! without a token).
//!
//! A server given with --url must let this many sockets in from one address
//! and one account: start it with `--ws-per-address 100000 --ws-per-account
//! 100000` (--spawn does so itself).
//!
//! With --spawn the server runs in this process, so the RSS read from
//! /proc/self/status includes the generator's own (1,000 client sockets,
//! fixed-size histograms): what matters is that it stays flat.

/// The server's allocator (see the platform's main.rs), so that the market
/// runs here as it does there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use awc::ws::{Frame, Message};
use benches::cli;
use clap::Parser;
use futures_util::{SinkExt, StreamExt};
use hdrhistogram::Histogram;
use serde_json::{Value, json};

mod common;
use common::{
    Gql, MarketSetup, OrderStream, SetupOptions, SpawnOptions, cpu_split, histogram, merge_counts,
    on_threads, percentiles, process_cpu, rss_kib, share, show_counts,
};

#[derive(Debug, Parser)]
#[command(about = "orderBook and trades fan-out to many WebSocket subscribers under order flow")]
struct Args {
    /// A running server, e.g. http://127.0.0.1:8080.
    #[arg(long, conflicts_with = "spawn")]
    url: Option<String>,
    /// Build a server in this process on a fresh database: sqlite or postgres.
    #[arg(long)]
    spawn: Option<String>,
    /// The Postgres server for --spawn postgres (else MARKETLAB_TEST_DATABASE_URL).
    #[arg(long)]
    database_url: Option<String>,
    #[arg(long, default_value = common::ADMIN_USER)]
    admin_user: String,
    #[arg(long, default_value = common::ADMIN_PASSWORD)]
    admin_password: String,
    #[arg(long, default_value_t = 1000)]
    subscribers: usize,
    /// Companies listed; subscribers and orders are spread over them.
    #[arg(long, default_value_t = 10)]
    symbols: usize,
    /// Of every 100 subscribers, this many follow orderBook, the rest trades.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(0..=100))]
    book_percent: u32,
    /// The orderBook subscribers' depth.
    #[arg(long, default_value_t = 10)]
    depth: u32,
    /// More subscribers on trades that never read while orders flow.
    #[arg(long, default_value_t = 0)]
    stalled: usize,
    /// OS threads the subscribers are spread over.
    #[arg(long, default_value_t = 2)]
    sub_threads: usize,
    /// Orders per second the driver places in all.
    #[arg(long, default_value_t = 5000.0)]
    rate: f64,
    /// Trader accounts the driver uses (one client each).
    #[arg(long, default_value_t = 64)]
    drivers: usize,
    #[arg(long, default_value_t = 1)]
    driver_threads: usize,
    /// The driver's requests on their way at most (then slots are skipped).
    #[arg(long, default_value_t = 1024)]
    max_in_flight: usize,
    /// How long orders flow.
    #[arg(long, default_value_t = 20.0)]
    seconds: f64,
    /// Trades in the first seconds of the flow are not measured.
    #[arg(long, default_value_t = 2.0)]
    warmup: f64,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[arg(long, default_value_t = 100)]
    gtc_percent: u32,
    /// Subscribe without a token in connection_init.
    #[arg(long)]
    anonymous: bool,
    /// Requests per second per account the spawned server allows.
    #[arg(long)]
    rate_limit: Option<u32>,
    /// With --url: the server's pid, for its RSS and CPU time.
    #[arg(long)]
    server_pid: Option<u32>,
}

fn main() -> ExitCode {
    cli::run(|| run(Args::parse()))
}

fn run(args: Args) -> anyhow::Result<()> {
    common::init_logging();
    anyhow::ensure!(
        args.subscribers > 0 && args.sub_threads > 0 && args.drivers > 0 && args.driver_threads > 0,
        "--subscribers, --sub-threads, --drivers and --driver-threads are at least 1"
    );
    let spawned = match &args.spawn {
        Some(backend) => Some(common::spawn(SpawnOptions {
            backend: backend.clone(),
            postgres_url: args.database_url.clone(),
            rate_limit: args.rate_limit,
        })?),
        None => None,
    };
    let result = fanout(&args, spawned.as_ref().map(|s| s.base.clone()));
    if let Some(spawned) = spawned {
        spawned.remove_database();
    }
    result
}

fn now_nanos() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i64)
}

/// When the order flow started and when measuring starts (nanoseconds since
/// the epoch; i64::MAX until set).
struct Clocks {
    flow_from: AtomicI64,
    measure_from: AtomicI64,
}

impl Clocks {
    fn new() -> Clocks {
        Clocks {
            flow_from: AtomicI64::new(i64::MAX),
            measure_from: AtomicI64::new(i64::MAX),
        }
    }
}

/// Who subscribes to what.
struct Feeds {
    /// Those past this many are stalled.
    subscribers: usize,
    book_percent: usize,
    depth: u32,
    anonymous: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Trades,
    Book,
    /// On trades, reading nothing while orders flow.
    Stalled,
}

impl Feeds {
    fn role(&self, subscriber: usize) -> Role {
        if subscriber >= self.subscribers {
            Role::Stalled
        } else if subscriber % 100 < self.book_percent {
            Role::Book
        } else {
            Role::Trades
        }
    }

    fn query(&self, role: Role, symbol: &str) -> String {
        match role {
            Role::Book => format!(
                "subscription {{ orderBook(symbol: \"{symbol}\", depth: {}) {{ sequence bids {{ price quantity }} asks {{ price quantity }} }} }}",
                self.depth
            ),
            Role::Trades | Role::Stalled => format!(
                "subscription {{ trades(symbol: \"{symbol}\") {{ id quantity executedAt }} }}"
            ),
        }
    }
}

/// What one subscriber thread saw.
struct SubStats {
    delay: Histogram<u64>,
    /// Trades each subscriber received (all, warm-up included).
    received: Vec<u64>,
    /// Shares in those trades, per subscriber.
    shares: Vec<i64>,
    /// Deliveries whose executedAt was later than the arrival.
    negative: u64,
    /// Book frames the orderBook subscribers received, and how many of
    /// them there are.
    book_frames: u64,
    book_subscribers: u64,
    /// How each stalled subscriber's stream ended, and the frames they read
    /// once they read again.
    stalled_ends: BTreeMap<String, u64>,
    stalled_frames: u64,
    errors: BTreeMap<String, u64>,
    samples: BTreeMap<String, String>,
}

impl SubStats {
    fn new() -> SubStats {
        SubStats {
            delay: histogram(),
            received: Vec::new(),
            shares: Vec::new(),
            negative: 0,
            book_frames: 0,
            book_subscribers: 0,
            stalled_ends: BTreeMap::new(),
            stalled_frames: 0,
            errors: BTreeMap::new(),
            samples: BTreeMap::new(),
        }
    }

    fn error(&mut self, code: &str, detail: String) {
        *self.errors.entry(code.to_owned()).or_default() += 1;
        self.samples.entry(code.to_owned()).or_insert(detail);
    }
}

/// What one driver thread saw.
struct DriveStats {
    latency: Histogram<u64>,
    placed: u64,
    trades: u64,
    /// Slots the driver thread woke up for more than 100 ms late (the
    /// generator itself was behind).
    late: u64,
    /// Slots skipped because `--max-in-flight` requests were on their way.
    skipped: u64,
    errors: BTreeMap<String, u64>,
    samples: BTreeMap<String, String>,
}

fn fanout(args: &Args, spawned_base: Option<String>) -> anyhow::Result<()> {
    let in_process = spawned_base.is_some();
    let base = spawned_base
        .or_else(|| args.url.clone())
        .context("give --url URL or --spawn sqlite|postgres")?;
    let (admin_user, admin_password) = if in_process {
        (common::ADMIN_USER, common::ADMIN_PASSWORD)
    } else {
        (args.admin_user.as_str(), args.admin_password.as_str())
    };
    let server_pid = if in_process {
        Some(std::process::id())
    } else {
        args.server_pid
    };
    let rss = move || server_pid.and_then(rss_kib);
    println!(
        "ws_fanout: server {base}{}, {} subscribers on {} threads, {} orders/s from {} traders, {} cores",
        if in_process { " (in this process)" } else { "" },
        args.subscribers,
        args.sub_threads,
        args.rate,
        args.drivers,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    if !in_process && args.rate / args.drivers as f64 > 100.0 {
        println!(
            "note: {:.0} orders/s per account is above the server's default limit (100/s); expect RATE_LIMITED",
            args.rate / args.drivers as f64
        );
    }

    let market = actix_web::rt::System::new().block_on(async {
        let gql = Gql::new(&base);
        common::setup(
            &gql,
            SetupOptions {
                admin_user,
                admin_password,
                traders: args.drivers,
                // The traders' cash buys this much of every symbol.
                shares_each: 100_000 / args.symbols.max(1) as i64,
                cash_each_cents: 10_000_000_000, // 100,000,000.00
                ipo_cents: 10_000,               // 100.00
                symbols: args.symbols,
            },
        )
        .await
    })?;
    let market = Arc::new(market);
    println!(
        "setup: {} listed, {} traders",
        market.symbols.join(", "),
        market.traders.len()
    );
    let rss_before = rss();

    // Subscribers.
    let ws_url = format!(
        "{}/graphql",
        base.replacen("http://", "ws://", 1)
            .replacen("https://", "wss://", 1)
    );
    let connected = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let measure_from = Arc::new(Clocks::new());
    let subscribers = {
        let (market, connected, failed, stop, measure_from) = (
            market.clone(),
            connected.clone(),
            failed.clone(),
            stop.clone(),
            measure_from.clone(),
        );
        let feeds = Arc::new(Feeds {
            subscribers: args.subscribers,
            book_percent: args.book_percent as usize,
            depth: args.depth,
            anonymous: args.anonymous,
        });
        let (count, threads) = (args.subscribers + args.stalled, args.sub_threads);
        std::thread::Builder::new()
            .name("gen-join-ws".into())
            .spawn(move || {
                on_threads("ws", threads, move |thread| {
                    subscriber_thread(
                        ws_url.clone(),
                        market.clone(),
                        share(count, threads, thread),
                        feeds.clone(),
                        connected.clone(),
                        failed.clone(),
                        stop.clone(),
                        measure_from.clone(),
                    )
                })
            })?
    };
    let connecting = Instant::now();
    let everyone = args.subscribers + args.stalled;
    while connected.load(Ordering::Relaxed) + failed.load(Ordering::Relaxed) < everyone {
        if connecting.elapsed() > Duration::from_secs(120) {
            bail!(
                "only {} of {} subscribers connected in 120 s",
                connected.load(Ordering::Relaxed),
                everyone
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    println!(
        "{} subscribers connected and subscribed in {:.1} s ({} failed)",
        connected.load(Ordering::Relaxed),
        connecting.elapsed().as_secs_f64(),
        failed.load(Ordering::Relaxed)
    );
    // Let the server start every subscription's stream before trades flow.
    std::thread::sleep(Duration::from_secs(1));
    let rss_start = rss();

    // The driver.
    let cpu_before = cpu_split();
    let threads_before = common::thread_cpu();
    let postgres_before = common::processes_cpu("postgres");
    let server_cpu_before = server_pid.filter(|_| !in_process).and_then(process_cpu);
    let flow_start = Instant::now();
    let flow_from = now_nanos();
    measure_from.flow_from.store(flow_from, Ordering::Relaxed);
    measure_from
        .measure_from
        .store(flow_from + (args.warmup * 1e9) as i64, Ordering::Relaxed);
    let drivers = {
        let market = market.clone();
        let base = base.clone();
        let (drivers, threads, rate, seconds, seed, gtc) = (
            args.drivers,
            args.driver_threads,
            args.rate,
            args.seconds,
            args.seed,
            args.gtc_percent,
        );
        let max_in_flight = args.max_in_flight.div_ceil(threads);
        std::thread::Builder::new()
            .name("gen-join-drv".into())
            .spawn(move || {
                on_threads("drv", threads, move |thread| {
                    driver_thread(
                        base.clone(),
                        market.clone(),
                        share(drivers, threads, thread),
                        drivers,
                        rate,
                        flow_start,
                        flow_start + Duration::from_secs_f64(seconds),
                        seed,
                        gtc,
                        max_in_flight,
                    )
                })
            })?
    };
    let mut rss_samples: Vec<(f64, u64)> = Vec::new();
    let mut next_sample = Instant::now();
    while !drivers.is_finished() {
        if Instant::now() >= next_sample {
            if let Some(kib) = rss() {
                rss_samples.push((flow_start.elapsed().as_secs_f64(), kib));
            }
            next_sample += Duration::from_secs(1);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let flow = flow_start.elapsed();
    let drive: Vec<DriveStats> = drivers
        .join()
        .map_err(|_| anyhow::anyhow!("the driver panicked"))??;
    // Deliveries still on their way.
    std::thread::sleep(Duration::from_secs(2));
    let cpu = cpu_split() - cpu_before;
    let threads_after = common::thread_cpu();
    let postgres_cpu = common::processes_cpu("postgres") - postgres_before;
    let server_cpu = server_pid
        .filter(|_| !in_process)
        .and_then(process_cpu)
        .zip(server_cpu_before)
        .map(|(a, b)| a - b);
    let rss_end = rss();
    stop.store(true, Ordering::Relaxed);
    let subs: Vec<SubStats> = subscribers
        .join()
        .map_err(|_| anyhow::anyhow!("a subscriber thread panicked"))??;

    // The report.
    let mut latency = histogram();
    let (mut placed, mut trades, mut late, mut skipped) = (0, 0, 0, 0);
    let mut errors = BTreeMap::new();
    let mut samples = BTreeMap::new();
    for d in &drive {
        latency.add(&d.latency).expect("same bounds");
        placed += d.placed;
        trades += d.trades;
        late += d.late;
        skipped += d.skipped;
        merge_counts(&mut errors, &d.errors);
        for (k, v) in &d.samples {
            samples.entry(k.clone()).or_insert(v.clone());
        }
    }
    let seconds = flow.as_secs_f64();
    println!(
        "driver: {placed} orders accepted in {seconds:.1} s ({:.0}/s; {skipped} slots skipped at the in-flight cap, {late} woken > 100 ms late), {trades} trades ({:.0}/s) by the takers' fills; errors: {}",
        placed as f64 / seconds,
        trades as f64 / seconds,
        show_counts(&errors)
    );
    println!("driver's placeOrder latency: {}", percentiles(&latency));
    let mut delay = histogram();
    let mut received: Vec<u64> = Vec::new();
    let mut shares: Vec<i64> = Vec::new();
    let mut negative = 0;
    let mut sub_errors = BTreeMap::new();
    let (mut book_frames, mut book_subscribers, mut stalled_frames) = (0, 0, 0);
    let mut stalled_ends = BTreeMap::new();
    for s in &subs {
        book_frames += s.book_frames;
        book_subscribers += s.book_subscribers;
        stalled_frames += s.stalled_frames;
        merge_counts(&mut stalled_ends, &s.stalled_ends);
        delay.add(&s.delay).expect("same bounds");
        received.extend(&s.received);
        shares.extend(&s.shares);
        negative += s.negative;
        merge_counts(&mut sub_errors, &s.errors);
        for (k, v) in &s.samples {
            samples.entry(k.clone()).or_insert(v.clone());
        }
    }
    received.sort_unstable();
    shares.sort_unstable();
    let total: u64 = received.iter().sum();
    println!(
        "deliveries: {total} in all ({:.0}/s over the flow); per subscriber min {} / median {} / max {} trades of {trades} the takers saw; shares per subscriber min {} max {}",
        total as f64 / seconds,
        received.first().copied().unwrap_or(0),
        received.get(received.len() / 2).copied().unwrap_or(0),
        received.last().copied().unwrap_or(0),
        shares.first().copied().unwrap_or(0),
        shares.last().copied().unwrap_or(0),
    );
    println!(
        "delay trade -> subscriber (after {:.0} s warm-up): {}{}",
        args.warmup,
        percentiles(&delay),
        if negative > 0 {
            format!("; {negative} arrived 'before' their trade (clock)")
        } else {
            String::new()
        }
    );
    if book_subscribers > 0 {
        println!(
            "book frames: {book_frames} to {book_subscribers} orderBook subscribers ({:.1}/s each over the flow)",
            book_frames as f64 / book_subscribers as f64 / seconds
        );
    }
    if args.stalled > 0 {
        println!(
            "stalled subscribers ({}): ends {}; {stalled_frames} frames read once they read again",
            args.stalled,
            show_counts(&stalled_ends)
        );
    }
    println!("subscriber errors: {}", show_counts(&sub_errors));
    let metrics = actix_web::rt::System::new().block_on(common::scrape(&base));
    let fanout: Vec<String> = metrics
        .iter()
        .filter(|(name, _)| {
            name.starts_with("marketlab_subscri") || name.starts_with("marketlab_websocket")
        })
        .map(|(name, value)| format!("{} {value}", name.trim_start_matches("marketlab_")))
        .collect();
    println!("server metrics: {}", fanout.join(", "));
    for (code, message) in &samples {
        println!("  e.g. {code}: {message}");
    }
    let mib = |k: Option<u64>| k.map_or("?".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0));
    if let Some(pid) = server_pid {
        let mid = rss_samples.get(rss_samples.len() / 2).map(|s| s.1);
        let min = rss_samples.iter().map(|s| s.1).min();
        let max = rss_samples.iter().map(|s| s.1).max();
        println!(
            "RSS of pid {pid}{}: before subscribers {}, start {}, mid {}, end {} (min {}, max {} over {} samples)",
            if in_process {
                " (server and generator)"
            } else {
                ""
            },
            mib(rss_before),
            mib(rss_start),
            mib(mid),
            mib(rss_end),
            mib(min),
            mib(max),
            rss_samples.len()
        );
        let line: Vec<String> = rss_samples
            .iter()
            .map(|(t, k)| format!("{t:.0}s:{:.0}", *k as f64 / 1024.0))
            .collect();
        println!("  RSS MiB by second: {}", line.join(" "));
    }
    let seconds = seconds + 2.0;
    if postgres_cpu > 0.05 {
        println!(
            "cpu of the machine's postgres processes (+2 s drain): {postgres_cpu:.1} s ({:.2} cores)",
            postgres_cpu / seconds
        );
    }
    if in_process {
        println!(
            "cpu during the flow (+2 s drain): server {:.1} s ({:.2} cores), generator {:.1} s ({:.2} cores)",
            cpu.server,
            cpu.server / seconds,
            cpu.generator,
            cpu.generator / seconds
        );
        println!(
            "busiest threads: {}",
            common::busiest_threads(&threads_before, &threads_after, seconds, 8)
        );
    } else {
        println!(
            "cpu during the flow (+2 s drain): generator {:.1} s ({:.2} cores){}",
            cpu.generator + cpu.server,
            (cpu.generator + cpu.server) / seconds,
            server_cpu.map_or(String::new(), |c| format!(
                ", server {c:.1} s ({:.2} cores)",
                c / seconds
            ))
        );
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn driver_thread(
    base: String,
    market: Arc<MarketSetup>,
    mine: Vec<usize>,
    drivers: usize,
    rate: f64,
    start: Instant,
    deadline: Instant,
    seed: u64,
    gtc_percent: u32,
    max_in_flight: usize,
) -> DriveStats {
    let gql = Gql::new(&base);
    let stats = Rc::new(RefCell::new(DriveStats {
        latency: histogram(),
        placed: 0,
        trades: 0,
        late: 0,
        skipped: 0,
        errors: BTreeMap::new(),
        samples: BTreeMap::new(),
    }));
    // Each client sends every `interval`, the clients offset evenly within
    // it, without waiting for its earlier orders' answers (open loop): the
    // flow is the rate asked for, however slow the answers. At most
    // `max_in_flight` of this thread's requests are on their way; a slot
    // that finds them all busy is skipped (and counted).
    let interval = Duration::from_secs_f64(drivers as f64 / rate);
    let in_flight = Rc::new(std::cell::Cell::new(0usize));
    let clients: Vec<_> = mine
        .into_iter()
        .map(|c| {
            let gql = gql.clone();
            let market = market.clone();
            let stats = stats.clone();
            let in_flight = in_flight.clone();
            let offset = interval.mul_f64(c as f64 / drivers as f64);
            actix_web::rt::spawn(async move {
                let mut orders =
                    OrderStream::new(seed.wrapping_add(c as u64), market.ipo_cents, gtc_percent);
                let mut slot = start + offset;
                while slot < deadline && Instant::now() < deadline {
                    actix_web::rt::time::sleep_until(slot.into()).await;
                    if Instant::now().duration_since(slot) > Duration::from_millis(100) {
                        stats.borrow_mut().late += 1;
                    }
                    slot += interval;
                    if in_flight.get() >= max_in_flight {
                        stats.borrow_mut().skipped += 1;
                        continue;
                    }
                    let order = orders.next_order();
                    // Each trader trades one symbol; the symbols share the traders.
                    let variables = common::order_input(
                        &market.symbols[c % market.symbols.len()],
                        order.side,
                        order.time_in_force,
                        order.quantity,
                        order.price_cents,
                        None,
                    );
                    in_flight.set(in_flight.get() + 1);
                    let (gql, market, stats, in_flight) = (
                        gql.clone(),
                        market.clone(),
                        stats.clone(),
                        in_flight.clone(),
                    );
                    actix_web::rt::spawn(async move {
                        let sent = Instant::now();
                        let answer = gql
                            .call(
                                Some(&market.traders[c].token),
                                common::PLACE_ORDER_FILLS,
                                variables,
                            )
                            .await;
                        let us = (sent.elapsed().as_micros() as u64).max(1);
                        in_flight.set(in_flight.get() - 1);
                        let mut stats = stats.borrow_mut();
                        match answer {
                            Ok(data) => {
                                stats.latency.saturating_record(us);
                                stats.placed += 1;
                                stats.trades += data["placeOrder"]["fills"]
                                    .as_array()
                                    .map_or(0, |f| f.len() as u64);
                            }
                            Err(error) => {
                                let code = error.code();
                                *stats.errors.entry(code.clone()).or_default() += 1;
                                stats
                                    .samples
                                    .entry(code)
                                    .or_insert_with(|| error.to_string());
                            }
                        }
                    });
                }
            })
        })
        .collect();
    for client in clients {
        let _ = client.await;
    }
    // The answers still on their way.
    let waiting = Instant::now();
    while in_flight.get() > 0 && waiting.elapsed() < Duration::from_secs(60) {
        actix_web::rt::time::sleep(Duration::from_millis(10)).await;
    }
    Rc::try_unwrap(stats)
        .map_err(|_| ())
        .expect("every driver is done")
        .into_inner()
}

#[allow(clippy::too_many_arguments)]
async fn subscriber_thread(
    ws_url: String,
    market: Arc<MarketSetup>,
    mine: Vec<usize>,
    feeds: Arc<Feeds>,
    connected: Arc<AtomicUsize>,
    failed: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    measure_from: Arc<Clocks>,
) -> SubStats {
    let client = awc::Client::builder()
        .timeout(Duration::from_secs(30))
        .connector(awc::Connector::new().limit(0))
        .finish();
    let stats = Rc::new(RefCell::new(SubStats::new()));
    let tasks: Vec<_> = mine
        .into_iter()
        .enumerate()
        .map(|(n, s)| {
            let client = client.clone();
            let ws_url = ws_url.clone();
            let market = market.clone();
            let stats = stats.clone();
            let feeds = feeds.clone();
            let (connected, failed, stop, measure_from) = (
                connected.clone(),
                failed.clone(),
                stop.clone(),
                measure_from.clone(),
            );
            actix_web::rt::spawn(async move {
                // Stagger the connections: the listen backlog is finite.
                actix_web::rt::time::sleep(Duration::from_millis(2 * n as u64)).await;
                let token = if feeds.anonymous {
                    None
                } else {
                    Some(market.traders[s % market.traders.len()].token.clone())
                };
                let slot = {
                    let mut stats = stats.borrow_mut();
                    stats.received.push(0);
                    stats.shares.push(0);
                    stats.received.len() - 1
                };
                let role = feeds.role(s);
                let symbol = &market.symbols[s % market.symbols.len()];
                if role == Role::Book {
                    stats.borrow_mut().book_subscribers += 1;
                }
                let result = subscribe(
                    &client,
                    &ws_url,
                    &feeds.query(role, symbol),
                    role,
                    token.as_deref(),
                    &connected,
                    &stop,
                    &measure_from,
                    &stats,
                    slot,
                )
                .await;
                if let Err(error) = result {
                    stats.borrow_mut().error("SUBSCRIBER", format!("{error:#}"));
                    failed.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for task in tasks {
        let _ = task.await;
    }
    Rc::try_unwrap(stats)
        .map_err(|_| ())
        .expect("every subscriber is done")
        .into_inner()
}

/// Connects, subscribes, and reads deliveries until `stop`. Counts itself in
/// `connected` once subscribed; an error before that is a failed
/// subscriber, after it an error of the stream.
#[allow(clippy::too_many_arguments)]
async fn subscribe(
    client: &awc::Client,
    ws_url: &str,
    query: &str,
    role: Role,
    token: Option<&str>,
    connected: &AtomicUsize,
    stop: &AtomicBool,
    measure_from: &Clocks,
    stats: &RefCell<SubStats>,
    slot: usize,
) -> anyhow::Result<()> {
    let (_, mut ws) = client
        .ws(ws_url)
        .protocols(["graphql-transport-ws"])
        .max_frame_size(1 << 20)
        .connect()
        .await
        .map_err(|e| anyhow::anyhow!("connecting: {e}"))?;
    let payload = match token {
        Some(token) => json!({ "authorization": format!("Bearer {token}") }),
        None => json!({}),
    };
    ws.send(Message::Text(
        json!({ "type": "connection_init", "payload": payload })
            .to_string()
            .into(),
    ))
    .await?;
    loop {
        let frame = actix_web::rt::time::timeout(Duration::from_secs(30), ws.next())
            .await
            .context("no connection_ack in 30 s")?
            .context("closed before connection_ack")??;
        match frame {
            Frame::Text(bytes) => {
                let message: Value = serde_json::from_slice(&bytes)?;
                match message["type"].as_str() {
                    Some("connection_ack") => break,
                    Some("ping") => {
                        ws.send(Message::Text(r#"{"type":"pong"}"#.into())).await?;
                    }
                    _ => bail!("before connection_ack: {message}"),
                }
            }
            Frame::Ping(bytes) => ws.send(Message::Pong(bytes)).await?,
            Frame::Close(reason) => bail!("closed before connection_ack: {reason:?}"),
            _ => {}
        }
    }
    ws.send(Message::Text(
        json!({ "id": "1", "type": "subscribe", "payload": { "query": query } })
            .to_string()
            .into(),
    ))
    .await?;
    connected.fetch_add(1, Ordering::Relaxed);
    if role == Role::Stalled {
        return stall(&mut ws, stop, stats).await;
    }

    while !stop.load(Ordering::Relaxed) {
        let frame = match actix_web::rt::time::timeout(Duration::from_millis(250), ws.next()).await
        {
            Err(_) => continue,
            Ok(None) => {
                stats
                    .borrow_mut()
                    .error("CLOSED", "the server closed the stream".into());
                return Ok(());
            }
            Ok(Some(Err(e))) => {
                stats.borrow_mut().error("WS_PROTOCOL", e.to_string());
                return Ok(());
            }
            Ok(Some(Ok(frame))) => frame,
        };
        match frame {
            Frame::Text(bytes) => {
                let arrived = now_nanos();
                if role == Role::Book && find(&bytes, b"\"orderBook\":{").is_some() {
                    stats.borrow_mut().book_frames += 1;
                    continue;
                }
                if let Some(executed) = field(&bytes, b"\"executedAt\":\"") {
                    let mut stats = stats.borrow_mut();
                    let Some(at) = std::str::from_utf8(executed)
                        .ok()
                        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                        .and_then(|t| t.timestamp_nanos_opt())
                    else {
                        stats.error("BAD_EXECUTED_AT", String::from_utf8_lossy(executed).into());
                        continue;
                    };
                    // The subscription starts with the latest trade before it.
                    if at < measure_from.flow_from.load(Ordering::Relaxed) {
                        continue;
                    }
                    stats.received[slot] += 1;
                    if let Some(q) = number(&bytes, b"\"quantity\":") {
                        stats.shares[slot] += q;
                    }
                    if at >= measure_from.measure_from.load(Ordering::Relaxed) {
                        if arrived < at {
                            stats.negative += 1;
                        }
                        stats
                            .delay
                            .saturating_record((((arrived - at).max(0)) / 1000).max(1) as u64);
                    }
                    continue;
                }
                let message: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
                match message["type"].as_str() {
                    Some("ping") => {
                        ws.send(Message::Text(r#"{"type":"pong"}"#.into())).await?;
                    }
                    Some("pong") => {}
                    Some("error") => {
                        let code = message["payload"][0]["extensions"]["code"]
                            .as_str()
                            .unwrap_or("NO_CODE")
                            .to_owned();
                        stats.borrow_mut().error(&code, message.to_string());
                        return Ok(());
                    }
                    Some("next") => {
                        // A `next` without a trade: errors in the payload.
                        let code = message["payload"]["errors"][0]["extensions"]["code"]
                            .as_str()
                            .unwrap_or("NEXT_WITHOUT_TRADE")
                            .to_owned();
                        stats.borrow_mut().error(&code, message.to_string());
                    }
                    Some("complete") => {
                        stats
                            .borrow_mut()
                            .error("COMPLETE", "the server completed the subscription".into());
                        return Ok(());
                    }
                    _ => stats
                        .borrow_mut()
                        .error("UNEXPECTED", String::from_utf8_lossy(&bytes).into()),
                }
            }
            Frame::Ping(bytes) => ws.send(Message::Pong(bytes)).await?,
            Frame::Close(reason) => {
                stats
                    .borrow_mut()
                    .error("CLOSED", format!("the server closed: {reason:?}"));
                return Ok(());
            }
            _ => {}
        }
    }
    let _ = ws.close().await;
    Ok(())
}

/// Read nothing until `stop`, then everything that waited: the frames and
/// how the stream ended (the server should have closed it with 4413).
async fn stall<E: std::fmt::Display>(
    ws: &mut (impl futures_util::Stream<Item = Result<Frame, E>> + Unpin),
    stop: &AtomicBool,
    stats: &RefCell<SubStats>,
) -> anyhow::Result<()> {
    while !stop.load(Ordering::Relaxed) {
        actix_web::rt::time::sleep(Duration::from_millis(250)).await;
    }
    let mut frames = 0;
    let end = loop {
        match actix_web::rt::time::timeout(Duration::from_secs(10), ws.next()).await {
            Err(_) => break "open (nothing for 10 s)".to_owned(),
            Ok(None) => break "ended without a close frame".to_owned(),
            Ok(Some(Err(e))) => break format!("protocol error: {e}"),
            Ok(Some(Ok(Frame::Close(reason)))) => {
                break match reason {
                    Some(reason) => format!("closed {}", u16::from(reason.code)),
                    None => "closed without a code".to_owned(),
                };
            }
            Ok(Some(Ok(Frame::Text(_)))) => frames += 1,
            Ok(Some(Ok(_))) => {}
        }
    };
    let mut stats = stats.borrow_mut();
    stats.stalled_frames += frames;
    *stats.stalled_ends.entry(end).or_default() += 1;
    Ok(())
}

/// The string value after `key` (which ends with the opening quote).
fn field<'a>(bytes: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    let start = find(bytes, key)? + key.len();
    let len = bytes[start..].iter().position(|b| *b == b'"')?;
    Some(&bytes[start..start + len])
}

/// The integer after `key`.
fn number(bytes: &[u8], key: &[u8]) -> Option<i64> {
    let start = find(bytes, key)? + key.len();
    let len = bytes[start..]
        .iter()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(bytes.len() - start);
    std::str::from_utf8(&bytes[start..start + len])
        .ok()?
        .parse()
        .ok()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
