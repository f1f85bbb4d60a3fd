//! `serve --demo`: a few companies in a few sectors, listed on first start
//! (a later start finds them in the database), each with a ladder of resting
//! orders around its IPO price and a year of published financials, and the
//! shipped bots trading in each (market makers, noise traders, momentum,
//! mean reversion, value), so a newcomer finds a moving market with
//! someone to trade with at once. The bots start once; after a restart the
//! ones still running come back from the database.

use marketlab_actors::account::OrderRequest;
use marketlab_actors::account::actor::{Deposit, PlaceOrder};
use marketlab_actors::book::{DEFAULT_BAND_BPS, OrderKind, TimeInForce};
use marketlab_actors::ledger::FeeSchedule;
use marketlab_actors::market::Market;
use marketlab_actors::types::{AccountId, Money, Quantity, Side, Symbol, TickSize, Timestamp};
use sea_orm::DatabaseConnection;

use crate::accounts::{self, NewAccount};
use crate::api::state::IdSequence;
use crate::bots::{Bots, NewBots};
use crate::listing::{self, NewListing};
use crate::persistence::entities::enums::Role;
use crate::persistence::entities::{bot_script, financial_report};
use crate::persistence::repo::{bot_scripts, bots as bot_rows, companies, financials, ids};

/// (symbol, name, sector, IPO price in cents)
const COMPANIES: [(&str, &str, &str, i64); 4] = [
    ("ACME", "Acme Industries", "Industrials", 10_000),
    ("BOLT", "Bolt Energy", "Energy", 2_550),
    ("CORE", "Core Systems", "Technology", 48_000),
    ("DYNA", "Dyna Health", "Health Care", 7_325),
];
const SHARES: u64 = 1_000_000;
/// Levels on each side of the IPO price, their spacing in basis points of
/// it, and the shares at each.
const LEVELS: i64 = 5;
const STEP_BPS: i64 = 50;
const LEVEL_SHARES: u64 = 1_000;
/// The cash of the account that bids for the demo's shares.
const BIDDER_CASH: Money = Money(10_000_000_000); // 100,000,000.00

/// List every demo company not listed yet, each with its own corporate
/// issuer account holding all its shares, asks from the issuer above the IPO
/// price and bids from a demo liquidity account below it.
pub async fn list_companies(db: &DatabaseConnection, market: &Market) -> anyhow::Result<()> {
    let mut bidder = None;
    for (symbol, name, sector, ipo_cents) in COMPANIES {
        if companies::find(db, symbol).await?.is_some() {
            continue;
        }
        let bidder = match bidder {
            Some(id) => id,
            None => *bidder.insert(open_bidder(db, market).await?),
        };
        let issuer = next_id(db).await?;
        accounts::open(
            db,
            market,
            FeeSchedule::default(),
            issuer,
            NewAccount {
                username: format!("{}-issuer", symbol.to_lowercase()),
                display_name: name.to_owned(),
                role: Role::Corporate,
                password_hash: None,
                company_symbol: None,
            },
        )
        .await?;
        let symbol = Symbol::new(symbol)?;
        listing::list(
            db,
            market,
            NewListing {
                symbol,
                name: name.to_owned(),
                sector: sector.to_owned(),
                shares: Quantity(SHARES),
                ipo_price: Money(ipo_cents),
                tick: TickSize::CENT,
                band_bps: Some(DEFAULT_BAND_BPS),
                issuer,
            },
        )
        .await?;
        for level in 1..=LEVELS {
            let offset = ipo_cents * STEP_BPS * level / 10_000;
            rest(market, issuer, symbol, Side::Sell, ipo_cents + offset).await?;
            rest(market, bidder, symbol, Side::Buy, ipo_cents - offset).await?;
        }
    }
    Ok(())
}

async fn next_id(db: &DatabaseConnection) -> anyhow::Result<AccountId> {
    Ok(AccountId(
        (ids::max_ids(db).await?.account.unwrap_or(0) + 1) as u64,
    ))
}

async fn open_bidder(db: &DatabaseConnection, market: &Market) -> anyhow::Result<AccountId> {
    let id = next_id(db).await?;
    accounts::open(
        db,
        market,
        FeeSchedule::default(),
        id,
        NewAccount {
            username: "demo-liquidity".into(),
            display_name: "Demo liquidity".into(),
            role: Role::Bot,
            password_hash: None,
            company_symbol: None,
        },
    )
    .await?;
    let account = market
        .account(id)
        .ok_or_else(|| anyhow::anyhow!("the demo liquidity account did not start"))?;
    account
        .send(Deposit {
            amount: BIDDER_CASH,
            key: None,
        })
        .await??;
    Ok(id)
}

async fn rest(
    market: &Market,
    account: AccountId,
    symbol: Symbol,
    side: Side,
    cents: i64,
) -> anyhow::Result<()> {
    let account = market
        .account(account)
        .ok_or_else(|| anyhow::anyhow!("demo account {account} is not running"))?;
    account
        .send(PlaceOrder(OrderRequest {
            symbol,
            side,
            kind: OrderKind::Limit {
                price: TickSize::CENT.floor(Money(cents)),
            },
            tif: TimeInForce::Gtc,
            quantity: Quantity(LEVEL_SHARES),
            client_order_id: None,
        }))
        .await??;
    Ok(())
}

/// The shipped strategies, saved under these names when missing.
pub const SHIPPED_SCRIPTS: [(&str, &str); 5] = [
    (
        "market_maker",
        include_str!("../../scripts/market_maker.rhai"),
    ),
    (
        "noise_trader",
        include_str!("../../scripts/noise_trader.rhai"),
    ),
    ("momentum", include_str!("../../scripts/momentum.rhai")),
    (
        "mean_reversion",
        include_str!("../../scripts/mean_reversion.rhai"),
    ),
    (
        "value_investor",
        include_str!("../../scripts/value_investor.rhai"),
    ),
];

/// One kind of bot in each demo company.
struct DemoGroup {
    script: &'static str,
    count: i32,
    /// JSON members beyond the symbol.
    params: &'static str,
    cash: Money,
    /// Bought from the issuer at the IPO price before any bot starts.
    shares: u64,
}

const fn group(
    script: &'static str,
    count: i32,
    params: &'static str,
    cash: i64,
    shares: u64,
) -> DemoGroup {
    DemoGroup {
        script,
        count,
        params,
        cash: Money(cash),
        shares,
    }
}

const DEMO_BOTS: [DemoGroup; 6] = [
    group(
        "market_maker",
        1,
        r#""spread_bps": 20, "size": 100"#,
        100_000_000,
        2_000,
    ),
    group(
        "market_maker",
        1,
        r#""spread_bps": 60, "size": 200, "requote_ms": 2500"#,
        100_000_000,
        2_000,
    ),
    group(
        "noise_trader",
        4,
        r#""interval_ms": 1000, "max_qty": 40"#,
        20_000_000,
        400,
    ),
    group(
        "momentum",
        1,
        r#""interval_ms": 2000, "size": 30"#,
        50_000_000,
        200,
    ),
    group(
        "mean_reversion",
        1,
        r#""interval_ms": 2000, "size": 30"#,
        50_000_000,
        200,
    ),
    group(
        "value_investor",
        1,
        r#""interval_ms": 5000, "size": 50"#,
        50_000_000,
        200,
    ),
];

/// The price-to-earnings multiple the demo's financials put each company at
/// (the value investors' default), so fair value starts at the IPO price.
const DEMO_PE: i64 = 15;

/// Save the shipped scripts, publish last year's financials and start the
/// demo bots, unless bots have run on this database before.
pub async fn start_bots(
    db: &DatabaseConnection,
    market: &Market,
    bots: &Bots,
) -> anyhow::Result<()> {
    if !bot_rows::all(db).await?.is_empty() {
        return Ok(());
    }
    let now = market.clock().now();
    for (name, source) in SHIPPED_SCRIPTS {
        if bot_scripts::find(db, name).await?.is_none() {
            bot_scripts::upsert(
                db,
                &bot_script::Model {
                    name: name.to_owned(),
                    source: source.to_owned(),
                    updated_at: now.0,
                },
            )
            .await?;
        }
    }
    let year = now.year() - 1;
    let ids = IdSequence::after(ids::max_ids(db).await?.account.unwrap_or(0));
    // Every bot gets its shares before any starts trading.
    let mut groups = Vec::new();
    for (symbol, _, _, ipo_cents) in COMPANIES {
        let Some(company) = companies::find(db, symbol).await? else {
            continue;
        };
        publish_demo_financials(db, symbol, year, ipo_cents, company.shares_outstanding, now)
            .await?;
        let symbol = Symbol::new(symbol)?;
        let issuer = AccountId(company.issuer_account_id as u64);
        let ipo = Money(ipo_cents);
        for kind in &DEMO_BOTS {
            let group = bots
                .open_group(
                    NewBots {
                        script: kind.script.to_owned(),
                        params: format!(r#"{{"symbol": "{symbol}", {}}}"#, kind.params),
                        cash: kind.cash,
                        count: kind.count,
                        scenario_run: None,
                    },
                    || ids.next(),
                )
                .await?;
            for row in &group.rows {
                let buyer = AccountId(row.account_id as u64);
                listing::sell_from_issuer(
                    market,
                    issuer,
                    buyer,
                    symbol,
                    ipo,
                    Quantity(kind.shares),
                )
                .await?;
            }
            groups.push(group);
        }
    }
    bots.refresh_listings().await?;
    for group in &groups {
        bots.launch(group).await?;
    }
    Ok(())
}

/// A year's report putting EPS x [`DEMO_PE`] at the IPO price.
async fn publish_demo_financials(
    db: &DatabaseConnection,
    symbol: &str,
    year: i32,
    ipo_cents: i64,
    shares: i64,
    now: Timestamp,
) -> anyhow::Result<()> {
    let net_income = ipo_cents * shares / DEMO_PE;
    financials::upsert(
        db,
        &financial_report::Model {
            symbol: symbol.to_owned(),
            year,
            revenue: net_income * 8,
            operating_profit: net_income * 3 / 2,
            net_income,
            published_at: now.0,
        },
    )
    .await?;
    Ok(())
}
