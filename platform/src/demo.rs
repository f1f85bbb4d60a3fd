//! `serve --demo`: a few companies in a few sectors, listed on first start
//! (a later start finds them in the database), each with a ladder of resting
//! orders around its IPO price, so a newcomer can buy and sell at once.
//! (Bots that keep the market moving are the bot host's work.)

use marketlab_actors::account::OrderRequest;
use marketlab_actors::account::actor::{Deposit, PlaceOrder};
use marketlab_actors::book::{DEFAULT_BAND_BPS, OrderKind, TimeInForce};
use marketlab_actors::ledger::FeeSchedule;
use marketlab_actors::market::{Ipo, Market};
use marketlab_actors::types::{AccountId, Money, Quantity, Side, Symbol, TickSize};
use sea_orm::DatabaseConnection;

use crate::accounts::{self, NewAccount};
use crate::persistence::entities::company;
use crate::persistence::entities::enums::Role;
use crate::persistence::repo::{companies, ids, sectors};

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
        sectors::ensure(db, sector).await?;
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
                company_symbol: Some(symbol.to_owned()),
            },
        )
        .await?;
        let symbol = Symbol::new(symbol)?;
        let ipo = Money(ipo_cents);
        let book = market
            .list_company(Ipo {
                symbol,
                tick: TickSize::CENT,
                band_bps: Some(DEFAULT_BAND_BPS),
                issuer,
                shares: Quantity(SHARES),
                price: ipo,
            })
            .await?;
        companies::insert(
            db,
            &company::Model {
                symbol: symbol.to_string(),
                name: name.to_owned(),
                sector: sector.to_owned(),
                shares_outstanding: SHARES as i64,
                tick_size: TickSize::CENT.money().0,
                ipo_price: ipo_cents,
                band_bps: Some(i64::from(DEFAULT_BAND_BPS)),
                book_id: book.listing.book.0 as i32,
                issuer_account_id: issuer.0 as i64,
                listed: true,
                halted: false,
                last_seq: 0,
                listed_at: market.clock().now().0,
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
