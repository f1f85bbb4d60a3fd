//! Throughput and latency through the actors, on the real runtime:
//!
//!     cargo run --release -p marketlab-benches --bin actor_flow -- book [ORDERS] [BATCH]
//!     cargo run --release -p marketlab-benches --bin actor_flow -- flow [ORDERS] [IN_FLIGHT]
//!
//! `book`: the insert-only stream sent to one book actor by a client on
//! another thread (arbiter), 64 requests in flight, BATCH orders a request.
//! `flow`: the whole order path for 64 accounts: PlaceOrder to the account
//! actor (validate, reserve), the book matches, both sides settle in their
//! account actors, and the placer hears back once its order's events are
//! applied. IN_FLIGHT orders (default 256) are under way at once; each
//! order's round trip goes into an HDR histogram (with 1 in flight it is the
//! bare latency, with many it includes the queueing that buys throughput).

/// The server's allocator (see the platform's main.rs), so that the market
/// runs here as it does there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix::Addr;
use anyhow::{Context, bail};
use benches::cli;
use benches::streams::accounts;
use benches::streams::insert_only;
use futures_util::{StreamExt, stream};
use hdrhistogram::Histogram;
use marketlab_actors::account::AccountCore;
use marketlab_actors::account::actor::{AccountActor, Allot, Deposit, PlaceOrder};
use marketlab_actors::book::actor::{Submit, SubmitBatch};
use marketlab_actors::book::{BookConfig, NewOrder, OrderKind, PriceBand, TimeInForce};
use marketlab_actors::clock::WallClock;
use marketlab_actors::ledger::{self, FeeSchedule, LedgerLimits};
use marketlab_actors::market::{Market, MarketConfig};
use marketlab_actors::types::{AccountId, Money, OrderId, Price, Quantity, Symbol, TickSize};

const USAGE: &str =
    "usage: actor_flow book [ORDERS] [BATCH] | actor_flow flow [ORDERS] [IN_FLIGHT]";
const ACCOUNTS: u64 = 64;

fn main() -> ExitCode {
    cli::run(run)
}

fn run() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |text: Option<&String>, default: usize, what: &str| -> anyhow::Result<usize> {
        text.map_or(Ok(default), |t| {
            t.parse()
                .ok()
                .filter(|n| *n > 0)
                .with_context(|| format!("{what} must be at least 1, found {t:?}; {USAGE}"))
        })
    };
    let system = actix::System::new();
    match args.first().map(String::as_str) {
        Some("book") => {
            let orders = number(args.get(1), 1_000_000, "ORDERS")?;
            let batch = number(args.get(2), 64, "BATCH")?;
            system.block_on(book_actor(orders, batch))
        }
        Some("flow") => {
            let orders = number(args.get(1), 200_000, "ORDERS")?;
            let in_flight = number(args.get(2), 256, "IN_FLIGHT")?;
            system.block_on(order_flow(orders, in_flight))
        }
        _ => bail!("{USAGE}"),
    }
}

fn market() -> Market {
    Market::new(
        MarketConfig {
            arbiters: 2,
            ..MarketConfig::default()
        },
        Arc::new(WallClock),
    )
}

async fn book_actor(orders: usize, batch: usize) -> anyhow::Result<()> {
    let market = market();
    let symbol = Symbol::new("ACME")?;
    let book = market.open_book(symbol, TickSize::CENT, BookConfig::default())?;
    let orders: Vec<NewOrder> = insert_only::orders(orders, 1)
        .into_iter()
        .enumerate()
        .map(|(i, o)| NewOrder {
            id: OrderId(i as u64 + 1),
            // Every order its own account: no self-trade prevention.
            account: AccountId(i as u64 + 1),
            side: o.side,
            kind: OrderKind::Limit { price: o.price },
            tif: TimeInForce::Gtc,
            quantity: o.quantity,
        })
        .collect();
    let count = orders.len();
    let batches: Vec<Vec<NewOrder>> = orders.chunks(batch).map(<[NewOrder]>::to_vec).collect();
    let started = Instant::now();
    let mut answers = stream::iter(batches)
        .map(|b| {
            let addr = book.addr.clone();
            async move {
                match b.as_slice() {
                    [one] => addr.send(Submit(*one)).await.map(|u| u.events.len()),
                    _ => addr.send(SubmitBatch(b)).await.map(|u| u.events.len()),
                }
            }
        })
        .buffer_unordered(64);
    let mut events = 0;
    while let Some(answer) = answers.next().await {
        events += answer.context("the book actor stopped")?;
    }
    let elapsed = started.elapsed();
    println!(
        "book actor: {count} orders in {} ms, batch {batch}, 64 requests in flight: {:.0} orders/s ({events} events)",
        elapsed.as_millis(),
        count as f64 / elapsed.as_secs_f64()
    );
    market.shutdown();
    Ok(())
}

async fn open_accounts(market: &Market, symbol: Symbol) -> anyhow::Result<Vec<Addr<AccountActor>>> {
    let mut accounts = Vec::new();
    for n in 1..=ACCOUNTS {
        let core = AccountCore::new(
            ledger::Account::new(AccountId(n), LedgerLimits::default()),
            FeeSchedule::default(),
        );
        let account = market.open_account(core, true)?;
        account
            .send(Deposit {
                amount: Money::from_major(100_000_000),
                key: None,
            })
            .await??;
        account
            .send(Allot {
                symbol,
                quantity: Quantity(100_000_000),
                price: Money::from_major(100),
            })
            .await??;
        accounts.push(account);
    }
    Ok(accounts)
}

async fn order_flow(orders: usize, in_flight: usize) -> anyhow::Result<()> {
    let market = market();
    let symbol = Symbol::new("ACME")?;
    let config = BookConfig {
        band: Some(PriceBand {
            reference: Price(10_000),
            percent_bps: 3000,
        }),
        ..BookConfig::default()
    };
    market.open_book(symbol, TickSize::CENT, config)?;
    let accounts = open_accounts(&market, symbol).await?;
    let requests = accounts::requests(orders, symbol, ACCOUNTS as usize, 1);
    let started = Instant::now();
    let mut answers = stream::iter(requests)
        .map(|(account, request)| {
            let addr = accounts[account].clone();
            async move {
                let sent = Instant::now();
                let placed = addr.send(PlaceOrder(request)).await;
                (placed, sent.elapsed())
            }
        })
        .buffer_unordered(in_flight);
    let mut latency = Histogram::<u64>::new_with_bounds(1, 10_000_000_000, 3)?;
    let mut filled = 0;
    while let Some((placed, took)) = answers.next().await {
        let order = placed.context("an account actor stopped")??;
        filled += usize::from(!order.fills.is_empty());
        latency.record(took.as_nanos().try_into().unwrap_or(u64::MAX))?;
    }
    let elapsed = started.elapsed();
    let us = |q: f64| Duration::from_nanos(latency.value_at_quantile(q)).as_secs_f64() * 1e6;
    println!(
        "order flow: {orders} orders in {} ms over {ACCOUNTS} accounts, {in_flight} in flight: {:.0} orders/s; {filled} traded on arrival",
        elapsed.as_millis(),
        orders as f64 / elapsed.as_secs_f64()
    );
    println!(
        "round trip: p50 {:.0} us, p90 {:.0} us, p99 {:.0} us, max {:.0} us",
        us(0.5),
        us(0.9),
        us(0.99),
        Duration::from_nanos(latency.max()).as_secs_f64() * 1e6
    );
    market.shutdown();
    Ok(())
}
