//! placeOrder over HTTP: N concurrent clients (one trader account each) send
//! LIMIT GTC orders, alternating buy and sell around the IPO price within
//! +-2% (about half of them trade), and the generator reports orders/s, the
//! latency of each request (send to parsed answer) and the errors by
//! `extensions.code`.
//!
//!     # a server of our own, built in this process on port 0, fresh database:
//!     cargo run --release -p marketlab-benches --bin http_orders -- --spawn sqlite
//!     cargo run --release -p marketlab-benches --bin http_orders -- --spawn postgres \
//!         [--database-url postgres://postgres@127.0.0.1:5432/test]
//!     # a running server (its admin must exist):
//!     cargo run --release -p marketlab-benches --bin http_orders -- --url http://127.0.0.1:8080 \
//!         --admin-user admin --admin-password '...'
//!
//! Options: `--clients 64`, `--threads 2` (client OS threads, each with its
//! own actix System), `--orders 100000` or `--seconds S`, `--seed 1`,
//! `--gtc-percent 100` (the rest are IOC orders away from the market that
//! never trade), `--rate-limit R` (per account, --spawn only; default: no
//! practical limit), `--server-pid P` (with --url: also read that process's
//! CPU time).
//!
//! Setup goes through the API: the admin lists a company for a CORPORATE
//! issuer, each trader registers, deposits and buys shares from the
//! issuer's ask, so both sides have inventory. With --spawn the server runs
//! in this process and its CPU time is told apart from the generator's by
//! thread (the generator's threads are named `gen-*`).

/// The server's allocator (see the platform's main.rs), so that the market
/// runs here as it does there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use benches::cli;
use clap::Parser;
use hdrhistogram::Histogram;

mod common;
use common::{
    CallError, Gql, MarketSetup, OrderStream, SetupOptions, SpawnOptions, Trader, cpu_split,
    histogram, merge_counts, on_threads, percentiles, process_cpu, share, show_counts,
};

#[derive(Debug, Parser)]
#[command(about = "placeOrder over HTTP with N concurrent clients")]
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
    /// Concurrent clients, one trader account each.
    #[arg(long, default_value_t = 64)]
    clients: usize,
    /// OS threads the clients are spread over.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Orders in all (ignored with --seconds).
    #[arg(long, default_value_t = 100_000)]
    orders: u64,
    /// Run for this long instead of a number of orders.
    #[arg(long)]
    seconds: Option<f64>,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Percent of orders that are GTC around the IPO price; the rest are
    /// IOC orders away from the market (no trade, nothing rests).
    #[arg(long, default_value_t = 100)]
    gtc_percent: u32,
    /// Requests per second per account the spawned server allows.
    #[arg(long)]
    rate_limit: Option<u32>,
    /// With --url: the server's pid, to read its CPU time.
    #[arg(long)]
    server_pid: Option<u32>,
    /// Print the rate and the persister's batches every this many seconds
    /// (0: never).
    #[arg(long, default_value_t = 5.0)]
    progress: f64,
}

/// Orders answered so far, for the progress lines.
static ANSWERED: AtomicU64 = AtomicU64::new(0);

/// When the clients stop: after a number of orders, or at a deadline.
enum Budget {
    Orders(AtomicU64),
    Until(Instant),
}

impl Budget {
    fn take(&self) -> bool {
        match self {
            Budget::Orders(left) => left
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
                .is_ok(),
            Budget::Until(deadline) => Instant::now() < *deadline,
        }
    }
}

#[derive(Default)]
struct Stats {
    ok: Option<Histogram<u64>>,
    failed: Option<Histogram<u64>>,
    statuses: BTreeMap<String, u64>,
    errors: BTreeMap<String, u64>,
    samples: BTreeMap<String, String>,
}

impl Stats {
    fn new() -> Stats {
        Stats {
            ok: Some(histogram()),
            failed: Some(histogram()),
            ..Stats::default()
        }
    }

    fn merge(&mut self, other: Stats) {
        if let (Some(a), Some(b)) = (self.ok.as_mut(), other.ok.as_ref()) {
            a.add(b).expect("same bounds");
        }
        if let (Some(a), Some(b)) = (self.failed.as_mut(), other.failed.as_ref()) {
            a.add(b).expect("same bounds");
        }
        merge_counts(&mut self.statuses, &other.statuses);
        merge_counts(&mut self.errors, &other.errors);
        for (k, v) in other.samples {
            self.samples.entry(k).or_insert(v);
        }
    }
}

fn main() -> ExitCode {
    cli::run(|| run(Args::parse()))
}

fn run(args: Args) -> anyhow::Result<()> {
    common::init_logging();
    anyhow::ensure!(
        args.clients > 0 && args.threads > 0,
        "--clients and --threads are at least 1"
    );
    let spawned = match &args.spawn {
        Some(backend) => Some(common::spawn(SpawnOptions {
            backend: backend.clone(),
            postgres_url: args.database_url.clone(),
            rate_limit: Some(args.rate_limit.unwrap_or(1_000_000)),
        })?),
        None => None,
    };
    let result = load(&args, spawned.as_ref().map(|s| s.base.clone()));
    if let Some(spawned) = spawned {
        spawned.remove_database();
    }
    result
}

fn load(args: &Args, spawned_base: Option<String>) -> anyhow::Result<()> {
    let in_process = spawned_base.is_some();
    let base = spawned_base
        .or_else(|| args.url.clone())
        .context("give --url URL or --spawn sqlite|postgres")?;
    let (admin_user, admin_password) = if in_process {
        (common::ADMIN_USER, common::ADMIN_PASSWORD)
    } else {
        (args.admin_user.as_str(), args.admin_password.as_str())
    };
    println!(
        "http_orders: server {base}{}, {} clients on {} threads, {} cores",
        if in_process {
            format!(
                " (in this process, {})",
                args.spawn.as_deref().unwrap_or("")
            )
        } else {
            String::new()
        },
        args.clients,
        args.threads,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    if !in_process {
        println!(
            "note: the server limits each account to its rate limit (100 requests/s, burst 300 by default): {} clients can place at most ~{} orders/s; the rest come back RATE_LIMITED",
            args.clients,
            args.clients * 100
        );
    }

    let started = Instant::now();
    let market = actix_web::rt::System::new().block_on(async {
        let gql = Gql::new(&base);
        common::setup(
            &gql,
            SetupOptions {
                admin_user,
                admin_password,
                traders: args.clients,
                shares_each: 100_000,
                cash_each_cents: 10_000_000_000, // 100,000,000.00
                ipo_cents: 10_000,               // 100.00
                symbols: 1,
            },
        )
        .await
    })?;
    println!(
        "setup: {} listed, {} traders with cash and shares, in {:.1} s",
        market.symbol,
        market.traders.len(),
        started.elapsed().as_secs_f64()
    );

    let budget = Arc::new(match args.seconds {
        Some(s) => Budget::Until(Instant::now() + Duration::from_secs_f64(s)),
        None => Budget::Orders(AtomicU64::new(args.orders)),
    });
    let market = Arc::new(market);
    let metrics_before = actix_web::rt::System::new().block_on(common::scrape(&base));
    let cpu_before = cpu_split();
    let threads_before = common::thread_cpu();
    let postgres_before = common::processes_cpu("postgres");
    let self_before = process_cpu(std::process::id());
    let server_before = args.server_pid.and_then(process_cpu);
    let started = Instant::now();
    let (threads, clients, seed, gtc) = (args.threads, args.clients, args.seed, args.gtc_percent);
    let metrics_base = base.clone();
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let progress = {
        let (done, base) = (done.clone(), base.clone());
        let every = Duration::from_secs_f64(args.progress);
        std::thread::Builder::new()
            .name("gen-progress".into())
            .spawn(move || {
                if every.is_zero() {
                    return;
                }
                actix_web::rt::System::new().block_on(async move {
                    let mut last = (Instant::now(), 0, common::scrape(&base).await);
                    while !done.load(Ordering::Relaxed) {
                        let tick = Instant::now();
                        while tick.elapsed() < every && !done.load(Ordering::Relaxed) {
                            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
                        }
                        let now = (
                            Instant::now(),
                            ANSWERED.load(Ordering::Relaxed),
                            common::scrape(&base).await,
                        );
                        let seconds = now.0.duration_since(last.0).as_secs_f64();
                        println!(
                            "  {:>5.0} s: {:.0} orders/s; persister: {}",
                            now.0.duration_since(started).as_secs_f64(),
                            (now.1 - last.1) as f64 / seconds,
                            common::persister_report(&last.2, &now.2, seconds, now.1 - last.1)
                        );
                        last = now;
                    }
                })
            })?
    };
    let per_thread = on_threads("http", threads, move |thread| {
        let market = market.clone();
        let budget = budget.clone();
        let base = base.clone();
        async move {
            let gql = Gql::new(&base);
            let stats = Rc::new(RefCell::new(Stats::new()));
            let tasks: Vec<_> = share(clients, threads, thread)
                .into_iter()
                .map(|c| {
                    actix_web::rt::spawn(client(
                        gql.clone(),
                        market.clone(),
                        c,
                        OrderStream::new(seed.wrapping_add(c as u64), market.ipo_cents, gtc),
                        budget.clone(),
                        stats.clone(),
                    ))
                })
                .collect();
            for task in tasks {
                let _ = task.await;
            }
            Rc::try_unwrap(stats)
                .map_err(|_| ())
                .expect("every client is done")
                .into_inner()
        }
    })?;
    let elapsed = started.elapsed();
    done.store(true, Ordering::Relaxed);
    let _ = progress.join();
    let cpu = cpu_split() - cpu_before;
    let threads_after = common::thread_cpu();
    let postgres_cpu = common::processes_cpu("postgres") - postgres_before;
    let self_cpu = process_cpu(std::process::id())
        .zip(self_before)
        .map(|(a, b)| a - b);
    let server_cpu = args
        .server_pid
        .and_then(process_cpu)
        .zip(server_before)
        .map(|(a, b)| a - b);

    let metrics_after = actix_web::rt::System::new().block_on(common::scrape(&metrics_base));
    let mut stats = Stats::new();
    for s in per_thread {
        stats.merge(s);
    }
    let ok = stats.ok.as_ref().expect("a histogram");
    let failed = stats.failed.as_ref().expect("a histogram");
    let answered = ok.len();
    let seconds = elapsed.as_secs_f64();
    println!(
        "{} requests in {:.2} s: {:.0} orders/s accepted ({:.0} requests/s)",
        answered + failed.len(),
        seconds,
        answered as f64 / seconds,
        (answered + failed.len()) as f64 / seconds,
    );
    println!("latency of accepted orders: {}", percentiles(ok));
    println!(
        "order statuses when answered: {}",
        show_counts(&stats.statuses)
    );
    println!("errors by code: {}", show_counts(&stats.errors));
    if !failed.is_empty() {
        println!("latency of errors: {}", percentiles(failed));
    }
    for (code, message) in &stats.samples {
        println!("  e.g. {code}: {message}");
    }
    println!(
        "persister during the load: {}",
        common::persister_report(&metrics_before, &metrics_after, seconds, answered)
    );
    let cores = |cpu: f64| cpu / seconds;
    if postgres_cpu > 0.05 {
        println!(
            "cpu of the machine's postgres processes during the load: {postgres_cpu:.1} s ({:.2} cores)",
            cores(postgres_cpu)
        );
    }
    if in_process {
        println!(
            "cpu during the load: server {:.1} s ({:.2} cores), generator {:.1} s ({:.2} cores), of {} cores x {:.1} s",
            cpu.server,
            cores(cpu.server),
            cpu.generator,
            cores(cpu.generator),
            std::thread::available_parallelism().map_or(0, |n| n.get()),
            seconds
        );
        println!(
            "busiest server threads: {}",
            common::busiest_threads(&threads_before, &threads_after, seconds, 8)
        );
    } else {
        if let Some(c) = self_cpu {
            println!(
                "cpu during the load: generator {c:.1} s ({:.2} cores)",
                cores(c)
            );
        }
        if let Some(c) = server_cpu {
            println!(
                "cpu during the load: server {c:.1} s ({:.2} cores)",
                cores(c)
            );
        }
    }
    Ok(())
}

async fn client(
    gql: Gql,
    market: Arc<MarketSetup>,
    index: usize,
    mut orders: OrderStream,
    budget: Arc<Budget>,
    stats: Rc<RefCell<Stats>>,
) {
    let trader: &Trader = &market.traders[index];
    while budget.take() {
        let order = orders.next_order();
        let variables = common::order_input(
            &market.symbol,
            order.side,
            order.time_in_force,
            order.quantity,
            order.price_cents,
            None,
        );
        let sent = Instant::now();
        let answer = gql
            .call(Some(&trader.token), common::PLACE_ORDER, variables)
            .await;
        let us = (sent.elapsed().as_micros() as u64).max(1);
        let server_gone = {
            let mut stats = stats.borrow_mut();
            match answer {
                Ok(data) => {
                    stats
                        .ok
                        .as_mut()
                        .expect("a histogram")
                        .saturating_record(us);
                    let status = data["placeOrder"]["status"]
                        .as_str()
                        .unwrap_or("?")
                        .to_owned();
                    *stats.statuses.entry(status).or_default() += 1;
                    ANSWERED.fetch_add(1, Ordering::Relaxed);
                    false
                }
                Err(error) => {
                    stats
                        .failed
                        .as_mut()
                        .expect("a histogram")
                        .saturating_record(us);
                    let code = error.code();
                    *stats.errors.entry(code.clone()).or_default() += 1;
                    stats
                        .samples
                        .entry(code)
                        .or_insert_with(|| error.to_string());
                    matches!(error, CallError::Transport(_))
                }
            }
        };
        if server_gone {
            actix_web::rt::time::sleep(Duration::from_millis(10)).await;
        }
    }
}
