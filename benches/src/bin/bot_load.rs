//! A live market of bots over 10 companies, on the real actors and the real
//! bot host, and the CPU it costs:
//!
//!     cargo run --release -p marketlab-benches --bin bot_load -- [BOTS] [SECONDS]
//!
//! BOTS (default 1,000) are spread evenly over the companies: one in ten a
//! shipped market maker, the rest shipped noise traders, each ticking about
//! once a second, with cash and shares bought from the issuer. After a 5 s
//! warm-up the process's CPU time (user + system, every thread) is read
//! over SECONDS (default 30) of wall time and printed as a share of one
//! core, with the orders and trades the bots made meanwhile. No database:
//! this is the bots' and the market's own cost.

/// The server's allocator (see the platform's main.rs), so that the market
/// runs here as it does there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use benches::cli;
use marketlab_actors::account::actor::{Deposit, PlaceOrder};
use marketlab_actors::account::{AccountCore, OrderRequest};
use marketlab_actors::book::{BookEvent, OrderKind, TimeInForce};
use marketlab_actors::bots::{BotHost, BotHostConfig, BotScript, BotSpec};
use marketlab_actors::clock::WallClock;
use marketlab_actors::ledger::{Account, FeeSchedule, LedgerLimits};
use marketlab_actors::market::{Ipo, Market, MarketConfig};
use marketlab_actors::types::{AccountId, Money, Quantity, Side, Symbol, TickSize};

const USAGE: &str = "usage: bot_load [BOTS] [SECONDS]";
const COMPANIES: u64 = 10;
const IPO: Money = Money(10_000);
const WARM_UP: Duration = Duration::from_secs(5);

fn main() -> ExitCode {
    cli::run(|| {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let number = |i: usize, default: u64| -> anyhow::Result<u64> {
            args.get(i).map_or(Ok(default), |t| {
                t.parse().ok().filter(|n| *n > 0).context(USAGE)
            })
        };
        let bots = number(0, 1_000)?;
        let seconds = number(1, 30)?;
        if bots < COMPANIES {
            bail!("at least {COMPANIES} bots; {USAGE}");
        }
        actix::System::new().block_on(run(bots, seconds))
    })
}

/// CPU time this process has used, every thread, from /proc (USER_HZ is
/// 100 on Linux).
fn cpu_time() -> anyhow::Result<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    // Fields after the command name (which may hold spaces) in parentheses.
    let rest = stat.rsplit_once(')').context("/proc/self/stat")?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| -> anyhow::Result<u64> { Ok(fields.get(i).context("stat")?.parse()?) };
    // utime and stime are fields 14 and 15 of the line: 11 and 12 here.
    Ok(Duration::from_millis((ticks(11)? + ticks(12)?) * 10))
}

async fn open(market: &Market, id: u64, cash: Money) -> anyhow::Result<AccountId> {
    let id = AccountId(id);
    let core = AccountCore::new(
        Account::new(id, LedgerLimits::default()),
        FeeSchedule::default(),
    );
    let addr = market.open_account(core, false)?;
    if cash.0 > 0 {
        addr.send(Deposit {
            amount: cash,
            key: None,
        })
        .await??;
    }
    Ok(id)
}

async fn trade(
    market: &Market,
    account: AccountId,
    symbol: Symbol,
    side: Side,
    tif: TimeInForce,
    quantity: u64,
) -> anyhow::Result<()> {
    market
        .account(account)
        .context("account")?
        .send(PlaceOrder(OrderRequest {
            symbol,
            side,
            kind: OrderKind::Limit {
                price: TickSize::CENT.floor(IPO),
            },
            tif,
            quantity: Quantity(quantity),
            client_order_id: None,
        }))
        .await??;
    Ok(())
}

async fn run(bots: u64, seconds: u64) -> anyhow::Result<()> {
    let market = Market::new(
        MarketConfig {
            arbiters: 2,
            ..MarketConfig::default()
        },
        Arc::new(WallClock),
    );
    let maker = BotScript::compile(
        "market_maker",
        include_str!("../../../scripts/market_maker.rhai"),
    )?;
    let noise = BotScript::compile(
        "noise_trader",
        include_str!("../../../scripts/noise_trader.rhai"),
    )?;
    let orders = Arc::new(AtomicU64::new(0));
    let trades = Arc::new(AtomicU64::new(0));
    let mut next_account = 1;
    let mut symbols = Vec::new();
    for c in 0..COMPANIES {
        let issuer = open(&market, next_account, Money::ZERO).await?;
        next_account += 1;
        let symbol = Symbol::new(&format!("CO{c:02}"))?;
        let book = market
            .list_company(Ipo {
                symbol,
                tick: TickSize::CENT,
                band_bps: Some(3_000),
                issuer,
                shares: Quantity(100_000_000),
                price: IPO,
            })
            .await?;
        let mut updates = book.subscribe();
        let (orders, trades) = (Arc::clone(&orders), Arc::clone(&trades));
        actix::spawn(async move {
            while let Ok(update) = updates.recv().await {
                for event in &update.events {
                    match event {
                        BookEvent::Accepted { .. } => orders.fetch_add(1, Ordering::Relaxed),
                        BookEvent::Trade(_) => trades.fetch_add(1, Ordering::Relaxed),
                        _ => 0,
                    };
                }
            }
        });
        symbols.push((symbol, issuer));
    }

    let (host, _reports) = BotHost::new(market.clone(), BotHostConfig::default());
    for b in 0..bots {
        let (symbol, issuer) = symbols[(b % COMPANIES) as usize];
        let account = open(&market, next_account, Money(100_000_000)).await?;
        next_account += 1;
        // Shares to sell, bought from the issuer at the IPO price.
        trade(&market, issuer, symbol, Side::Sell, TimeInForce::Gtc, 1_000).await?;
        trade(&market, account, symbol, Side::Buy, TimeInForce::Ioc, 1_000).await?;
        let (script, params) = if (b / COMPANIES).is_multiple_of(10) {
            (
                &maker,
                serde_json::json!({ "symbol": symbol.as_str(), "size": 50 }),
            )
        } else {
            (
                &noise,
                serde_json::json!({ "symbol": symbol.as_str(), "max_qty": 20 }),
            )
        };
        host.start(BotSpec {
            id: b + 1,
            account,
            script: Arc::clone(script),
            params: params.as_object().cloned().unwrap_or_default(),
            pacing: None,
        })
        .await?;
    }
    println!("{bots} bots over {COMPANIES} companies started; warming up {WARM_UP:?}");
    actix_web::rt::time::sleep(WARM_UP).await;

    let (cpu0, wall0) = (cpu_time()?, Instant::now());
    let (orders0, trades0) = (
        orders.load(Ordering::Relaxed),
        trades.load(Ordering::Relaxed),
    );
    actix_web::rt::time::sleep(Duration::from_secs(seconds)).await;
    let (cpu, wall) = (cpu_time()? - cpu0, wall0.elapsed());
    let placed = orders.load(Ordering::Relaxed) - orders0;
    let traded = trades.load(Ordering::Relaxed) - trades0;
    let secs = wall.as_secs_f64();
    println!(
        "bots={bots} seconds={secs:.1} cpu={:.1}% of one core orders/s={:.0} trades/s={:.0}",
        cpu.as_secs_f64() / secs * 100.0,
        placed as f64 / secs,
        traded as f64 / secs,
    );
    host.shutdown();
    market.shutdown();
    Ok(())
}
