//! Listing a company (its book, where the issuer is allotted every share at
//! the IPO price; its row; the issuer's link to it), and selling shares
//! from an issuer through the book: how the demo's and a live scenario's
//! bots get the shares they start with. `listCompany`, `--demo` and
//! `scenario run --live` all list this way.

use marketlab_actors::account::OrderRequest;
use marketlab_actors::account::actor::PlaceOrder;
use marketlab_actors::book::{OrderKind, TimeInForce};
use marketlab_actors::market::{Ipo, Market, MarketError};
use marketlab_actors::types::{AccountId, Money, Quantity, Side, Symbol, TickSize};
use sea_orm::{ConnectionTrait, DbErr};

use crate::persistence::entities::company;
use crate::persistence::repo::{accounts, companies, sectors};

#[derive(Debug, Clone)]
pub struct NewListing {
    pub symbol: Symbol,
    pub name: String,
    pub sector: String,
    pub shares: Quantity,
    pub ipo_price: Money,
    pub tick: TickSize,
    pub band_bps: Option<u32>,
    /// An open CORPORATE account that issues nothing yet.
    pub issuer: AccountId,
}

#[derive(Debug, thiserror::Error)]
pub enum ListingError {
    #[error(transparent)]
    Market(#[from] MarketError),
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error("{0} does not fit the database")]
    TooLarge(&'static str),
}

/// Open the book, then write the company and link its issuer.
pub async fn list(
    db: &impl ConnectionTrait,
    market: &Market,
    new: NewListing,
) -> Result<company::Model, ListingError> {
    let book = market
        .list_company(Ipo {
            symbol: new.symbol,
            tick: new.tick,
            band_bps: new.band_bps,
            issuer: new.issuer,
            shares: new.shares,
            price: new.ipo_price,
        })
        .await?;
    sectors::ensure(db, &new.sector).await?;
    let row = company::Model {
        symbol: new.symbol.to_string(),
        name: new.name,
        sector: new.sector,
        shares_outstanding: i64::try_from(new.shares.0)
            .map_err(|_| ListingError::TooLarge("shares outstanding"))?,
        tick_size: new.tick.money().0,
        ipo_price: new.ipo_price.0,
        band_bps: new.band_bps.map(i64::from),
        book_id: i32::try_from(book.listing.book.0)
            .map_err(|_| ListingError::TooLarge("the book id"))?,
        issuer_account_id: new.issuer.0 as i64,
        listed: true,
        halted: false,
        last_seq: 0,
        listed_at: market.clock().now().0,
    };
    companies::insert(db, &row).await?;
    accounts::set_company(db, row.issuer_account_id, Some(&row.symbol)).await?;
    Ok(row)
}

/// The issuer sells `quantity` shares to `buyer` at `price` through the
/// book: a resting ask, then an IOC bid that takes it whole (the buyer
/// pays the price and the usual fees).
pub async fn sell_from_issuer(
    market: &Market,
    issuer: AccountId,
    buyer: AccountId,
    symbol: Symbol,
    price: Money,
    quantity: Quantity,
) -> anyhow::Result<()> {
    let tick = market
        .book(symbol)
        .ok_or_else(|| anyhow::anyhow!("{symbol} is not listed"))?
        .listing
        .tick;
    let order = |side, tif| {
        PlaceOrder(OrderRequest {
            symbol,
            side,
            kind: OrderKind::Limit {
                price: tick.floor(price),
            },
            tif,
            quantity,
            client_order_id: None,
        })
    };
    let running = |id: AccountId| {
        market
            .account(id)
            .ok_or_else(|| anyhow::anyhow!("account {id} is not running"))
    };
    running(issuer)?
        .send(order(Side::Sell, TimeInForce::Gtc))
        .await??;
    let bought = running(buyer)?
        .send(order(Side::Buy, TimeInForce::Ioc))
        .await??;
    anyhow::ensure!(
        bought.filled == quantity,
        "account {buyer} bought {} of {quantity} shares of {symbol} from its issuer",
        bought.filled
    );
    Ok(())
}
