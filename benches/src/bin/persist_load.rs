//! Sustained persisted trades per second: the whole order flow of 64 bot
//! accounts (who do not wait for the database) with the real persister
//! writing everything, on SQLite or Postgres:
//!
//!     cargo run --release -p marketlab-benches --bin persist_load -- sqlite [ORDERS]
//!     cargo run --release -p marketlab-benches --bin persist_load -- postgres [ORDERS]
//!
//! Postgres is `MARKETLAB_TEST_DATABASE_URL` (default
//! postgres://postgres@127.0.0.1:5432/test); a database of its own is
//! created for the run and dropped after. It prints when every change was
//! durable (in the journal) and when the tables had them all (projected),
//! with the projection's peak lag: the figures are what the database
//! sustains. Then the
//! market is stopped and recovered from that database, timed.
//!
//! `--hold` holds the projector back until the whole burst is in the
//! journal: the journal's own pace, then the projection's catch-up.
//!
//! `--batch N` and `--backlog N` set the persister's batch size and
//! backlog limit (the server's `--batch-size` and `--max-backlog`).
//!
//! `--tail N` (with `--hold`) lets the projection catch up to N changes
//! behind the journal, then stops the market there, as a crash would, and
//! times recovery with that tail: the catch-up first, then the tables.
//!
//! `--keep` leaves the database in place (its URL is printed), and
//! `recover URL` times recovery alone on such a database, so that recovery
//! of a large market can be measured again without writing it again:
//!
//!     cargo run --release -p marketlab-benches --bin persist_load -- sqlite 1400000 --keep
//!     cargo run --release -p marketlab-benches --bin persist_load -- recover URL

/// The server's allocator (see the platform's main.rs), so that the market
/// runs here as it does there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::cell::Cell;
use std::process::ExitCode;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix::Addr;
use anyhow::{Context, bail};
use benches::cli;
use benches::streams::accounts as flow;
use futures_util::{StreamExt, stream};
use marketlab::persistence::entities::enums::Role;
use marketlab::persistence::entities::{account, company};
use marketlab::persistence::repo::{accounts, companies, sectors};
use marketlab::persistence::{self};
use marketlab::persister::{Drain, Persister, PersisterConfig, Progress, catch_up};
use marketlab::recovery::recover;
use marketlab_actors::account::AccountCore;
use marketlab_actors::account::actor::{AccountActor, Allot, Deposit, PlaceOrder};
use marketlab_actors::book::{BookConfig, PriceBand};
use marketlab_actors::clock::{Clock, WallClock};
use marketlab_actors::journal::Journal;
use marketlab_actors::ledger::{Account, FeeSchedule, LedgerLimits};
use marketlab_actors::market::{Market, MarketConfig};
use marketlab_actors::types::{AccountId, Money, Price, Quantity, Symbol, TickSize};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};

const USAGE: &str = "usage: persist_load sqlite|postgres [ORDERS] [--batch N] [--backlog N] [--keep] [--hold] [--tail N] | recover URL";
const ACCOUNTS: i64 = 64;

fn main() -> ExitCode {
    // A failing write is retried and logged, not returned: show the log.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .init();
    cli::run(|| {
        let mut args: Vec<String> = std::env::args().skip(1).collect();
        let keep = args.iter().any(|a| a == "--keep");
        let hold = args.iter().any(|a| a == "--hold");
        args.retain(|a| a != "--keep" && a != "--hold");
        let mut config = PersisterConfig::default();
        if let Some(n) = take_option(&mut args, "--batch")? {
            config.max_batch = n;
        }
        if let Some(n) = take_option(&mut args, "--backlog")? {
            config.max_backlog = n;
        }
        let tail = take_option(&mut args, "--tail")?;
        if args.first().map(String::as_str) == Some("recover") {
            let url = args.get(1).context(USAGE)?.clone();
            return actix::System::new().block_on(recover_only(&url));
        }
        let orders: usize = match args.get(1) {
            None => 100_000,
            Some(n) => n.parse().ok().filter(|n| *n > 0).context(USAGE)?,
        };
        let backend = args
            .first()
            .map(String::as_str)
            .unwrap_or_default()
            .to_owned();
        actix::System::new().block_on(run(&backend, orders, config, Flags { keep, hold, tail }))
    })
}

/// Removes `name N` from `args` and returns N.
fn take_option(args: &mut Vec<String>, name: &str) -> anyhow::Result<Option<usize>> {
    let Some(at) = args.iter().position(|a| a == name) else {
        return Ok(None);
    };
    let value = args
        .get(at + 1)
        .and_then(|n| n.parse().ok())
        .filter(|n| *n > 0);
    let value = value.context(USAGE)?;
    args.drain(at..at + 2);
    Ok(Some(value))
}

/// `--keep`: leave the database; `--hold`: the projector applies nothing
/// until the journal holds the whole burst (the journal's own pace, then
/// the projection's catch-up); `--tail N`: stop with N changes unprojected
/// and time recovery from there.
#[derive(Debug, Clone, Copy)]
struct Flags {
    keep: bool,
    hold: bool,
    tail: Option<usize>,
}

async fn run(
    backend: &str,
    orders: usize,
    config: PersisterConfig,
    flags @ Flags { keep, .. }: Flags,
) -> anyhow::Result<()> {
    let nonce = std::process::id();
    match backend {
        "sqlite" => {
            let dir = std::env::temp_dir().join(format!("marketlab-persist-load-{nonce}"));
            let url = format!("sqlite://{}/load.db?mode=rwc", dir.display());
            let result = load(&url, orders, config, flags).await;
            if keep {
                println!("kept {url}");
            } else {
                let _ = std::fs::remove_dir_all(dir);
            }
            result
        }
        "postgres" => {
            let server = std::env::var("MARKETLAB_TEST_DATABASE_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
            let admin = Database::connect(&server).await?;
            let name = format!("marketlab_load_{nonce}");
            let sql = |q: String| Statement::from_string(admin.get_database_backend(), q);
            admin
                .execute_raw(sql(format!("CREATE DATABASE {name}")))
                .await?;
            let base = server.rsplit_once('/').map_or(server.as_str(), |(b, _)| b);
            let url = format!("{base}/{name}");
            let result = load(&url, orders, config, flags).await;
            if keep {
                println!("kept {url}");
            } else {
                admin
                    .execute_raw(sql(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
                    .await?;
            }
            result
        }
        _ => bail!("{USAGE}"),
    }
}

async fn setup(db: &DatabaseConnection) -> anyhow::Result<()> {
    sectors::ensure(db, "Industrials").await?;
    for id in 1..=ACCOUNTS {
        accounts::insert(
            db,
            &account::Model {
                id,
                username: format!("bot{id}"),
                display_name: format!("Bot {id}"),
                role: Role::Bot,
                account_number: format!("ML-{id:08}"),
                password_hash: None,
                company_symbol: None,
                cash: 0,
                reserved_cash: 0,
                realized_gains: 0,
                created_at: 0,
            },
        )
        .await?;
    }
    companies::insert(
        db,
        &company::Model {
            symbol: "ACME".into(),
            name: "Acme".into(),
            sector: "Industrials".into(),
            shares_outstanding: ACCOUNTS * 1_000_000,
            tick_size: 1,
            ipo_price: 10_000,
            band_bps: Some(3000),
            book_id: 1,
            issuer_account_id: 1,
            listed: true,
            halted: false,
            last_seq: 0,
            listed_at: 0,
        },
    )
    .await?;
    Ok(())
}

/// The market of the run: one book (ACME) and the bots, each with cash and
/// shares, writing to `journal` when given.
async fn open_market(
    journal: Option<Journal>,
) -> anyhow::Result<(Market, Symbol, Vec<Addr<AccountActor>>)> {
    let market = Market::with_journal(
        MarketConfig {
            arbiters: 2,
            ..MarketConfig::default()
        },
        Arc::new(WallClock),
        journal,
    );
    let symbol = Symbol::new("ACME")?;
    let config = BookConfig {
        band: Some(PriceBand {
            reference: Price(10_000),
            percent_bps: 3000,
        }),
        ..BookConfig::default()
    };
    market.open_book(symbol, TickSize::CENT, config)?;
    let mut bots: Vec<Addr<AccountActor>> = Vec::new();
    for id in 1..=ACCOUNTS {
        let core = AccountCore::new(
            Account::new(AccountId(id as u64), LedgerLimits::default()),
            FeeSchedule::default(),
        );
        let bot = market.open_account(core, false)?;
        bot.send(Deposit {
            amount: Money::from_major(100_000_000),
            key: None,
        })
        .await??;
        bot.send(Allot {
            symbol,
            quantity: Quantity(1_000_000),
            price: Money::from_major(100),
        })
        .await??;
        bots.push(bot);
    }
    Ok((market, symbol, bots))
}

/// Sends `orders` orders through the bots, 256 in flight; returns when the
/// last is answered.
async fn trade(bots: &[Addr<AccountActor>], symbol: Symbol, orders: usize) -> anyhow::Result<()> {
    let requests = flow::requests(orders, symbol, ACCOUNTS as usize, 1);
    let mut answers = stream::iter(requests)
        .map(|(bot, request)| bots[bot].send(PlaceOrder(request)))
        .buffer_unordered(256);
    while let Some(answer) = answers.next().await {
        answer.context("a bot stopped")??;
    }
    Ok(())
}

/// The same order flow with nothing written: what the market does alone.
async fn unpersisted(orders: usize) -> anyhow::Result<f64> {
    let (market, symbol, bots) = open_market(None).await?;
    let started = Instant::now();
    trade(&bots, symbol, orders).await?;
    let rate = orders as f64 / started.elapsed().as_secs_f64();
    market.shutdown();
    Ok(rate)
}

async fn load(
    url: &str,
    orders: usize,
    config: PersisterConfig,
    flags: Flags,
) -> anyhow::Result<()> {
    let hold = flags.hold || flags.tail.is_some();
    let alone = unpersisted(orders).await?;
    let db = persistence::connect(url).await?;
    setup(&db).await?;
    let persister = Persister::new(db.clone(), config);
    let health = persister.health();
    let progress = persister.progress();
    // Its own thread, as in the server: writing never waits for the market.
    let writer = actix::Arbiter::new();
    let (persister, journal) = persister.start_on(&writer.handle());
    let backlog = Arc::clone(journal.backlog());
    let (market, symbol, bots) = open_market(Some(journal)).await?;
    persister.send(Drain).await?;
    let written_before = health.changes_written();

    progress.hold_projection(hold);
    let started = Instant::now();
    let peak_lag = Rc::new(Cell::new(0u64));
    let sampling = actix::spawn({
        let (progress, peak_lag) = (Arc::clone(&progress), Rc::clone(&peak_lag));
        async move {
            loop {
                peak_lag.set(peak_lag.get().max(progress.lag_changes()));
                actix::clock::sleep(Duration::from_millis(5)).await;
            }
        }
    });
    trade(&bots, symbol, orders).await?;
    let matched = started.elapsed();
    // Durable: every change handed over is in the journal.
    while backlog.pending() > 0 {
        actix::clock::sleep(Duration::from_micros(200)).await;
    }
    let journaled = started.elapsed();
    if let Some(tail) = flags.tail {
        sampling.abort();
        market.shutdown();
        let left = project_all_but(&progress, tail).await;
        writer.stop();
        println!(
            "journal: all durable in {} ms; stopped with {left} changes not yet in the tables",
            journaled.as_millis()
        );
        return timed_recovery(&db, true).await;
    }
    progress.hold_projection(false);
    persister.send(Drain).await?;
    let written = started.elapsed();
    sampling.abort();
    let trades: i64 = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM trades",
        ))
        .await?
        .context("a count")?
        .try_get("", "n")?;
    let with = orders as f64 / matched.as_secs_f64();
    println!(
        "journal: all durable in {} ms, {:.0} trades/s; tables: complete {} ms later ({} ms in all), {:.0} trades/s projected; peak projection lag {} changes",
        journaled.as_millis(),
        trades as f64 / journaled.as_secs_f64(),
        (written - journaled).as_millis(),
        written.as_millis(),
        trades as f64 / written.as_secs_f64(),
        peak_lag.get(),
    );
    println!(
        "{orders} orders, {trades} trades; matched in {} ms, all written in {} ms: {:.0} persisted trades/s, {:.0} orders/s; {} changes in {} batches",
        matched.as_millis(),
        written.as_millis(),
        trades as f64 / written.as_secs_f64(),
        orders as f64 / written.as_secs_f64(),
        health.changes_written() - written_before,
        health.batches_written(),
    );
    println!(
        "order flow: {alone:.0} orders/s without persistence, {with:.0} orders/s while it runs ({:+.1}%); at most {} changes waited to be written (limit {})",
        (with / alone - 1.0) * 100.0,
        backlog.peak(),
        backlog.limit(),
    );
    market.shutdown();

    timed_recovery(&db, false).await?;
    writer.stop();
    Ok(())
}

/// Times recovery of the market in `url`, written by an earlier `--keep` run.
async fn recover_only(url: &str) -> anyhow::Result<()> {
    let db = persistence::connect(url).await?;
    timed_recovery(&db, true).await
}

/// Lets the held projection run until at most `tail` changes are left,
/// holds it again and waits for its last transaction; answers what is left.
async fn project_all_but(progress: &Progress, tail: usize) -> u64 {
    progress.hold_projection(false);
    while progress.lag_changes() > tail as u64 {
        actix::clock::sleep(Duration::from_millis(1)).await;
    }
    progress.hold_projection(true);
    let mut seen = progress.projected();
    loop {
        actix::clock::sleep(Duration::from_millis(500)).await;
        if progress.projected() == seen {
            return progress.lag_changes();
        }
        seen = progress.projected();
    }
}

/// Recovers the market in `db` and prints how long it took and how big the
/// market was; with `tail`, first applies the journal's tail as the server
/// does at start, and times that too.
async fn timed_recovery(db: &DatabaseConnection, tail: bool) -> anyhow::Result<()> {
    let mut tail_took = Duration::ZERO;
    if tail {
        let started = Instant::now();
        let caught = catch_up(db, WallClock.now().0).await?;
        tail_took = started.elapsed();
        println!(
            "applied the journal's tail: {} batches, {} changes in {} ms",
            caught.batches,
            caught.changes,
            tail_took.as_millis()
        );
    }
    let count = |sql: &'static str| {
        let db = db.clone();
        async move {
            let row = db
                .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
                .await?
                .context("a count")?;
            anyhow::Ok(row.try_get::<i64>("", "n")?)
        }
    };
    let orders = count("SELECT COUNT(*) AS n FROM orders").await?;
    let open = count("SELECT COUNT(*) AS n FROM orders WHERE status IN ('OPEN', 'PARTIALLY_FILLED', 'PENDING_TRIGGER')").await?;
    let trades = count("SELECT COUNT(*) AS n FROM trades").await?;
    let lots = count("SELECT COUNT(*) AS n FROM lots").await?;
    let started = Instant::now();
    let recovered = recover(
        db,
        MarketConfig {
            arbiters: 2,
            ..MarketConfig::default()
        },
        Arc::new(WallClock),
        None,
        FeeSchedule::default(),
    )
    .await?;
    let took = started.elapsed();
    println!(
        "recovered {orders} orders ({open} open) over {trades} trades and {lots} open lots in {} ms ({} ms with the tail)",
        took.as_millis(),
        (took + tail_took).as_millis()
    );
    recovered.market.shutdown();
    Ok(())
}
