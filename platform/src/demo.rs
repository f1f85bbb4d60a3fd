//! `serve --demo`: a few companies in a few sectors, listed on first start
//! (a later start finds them in the database), so a newcomer sees a market
//! at once.

use marketlab_actors::account::AccountCore;
use marketlab_actors::ledger::{Account, FeeSchedule, LedgerLimits};
use marketlab_actors::market::{Ipo, Market};
use marketlab_actors::types::{AccountId, Money, Quantity, Symbol, TickSize};
use sea_orm::DatabaseConnection;

use crate::persistence::entities::enums::Role;
use crate::persistence::entities::{account, company};
use crate::persistence::repo::{accounts, companies, ids, sectors};

/// (symbol, name, sector, IPO price in cents)
const COMPANIES: [(&str, &str, &str, i64); 4] = [
    ("ACME", "Acme Industries", "Industrials", 10_000),
    ("BOLT", "Bolt Energy", "Energy", 2_550),
    ("CORE", "Core Systems", "Technology", 48_000),
    ("DYNA", "Dyna Health", "Health Care", 7_325),
];
const SHARES: u64 = 1_000_000;
const BAND_BPS: u32 = 3000;

/// List every demo company not listed yet, each with its own corporate
/// issuer account holding all its shares.
pub async fn list_companies(db: &DatabaseConnection, market: &Market) -> anyhow::Result<()> {
    let now = market.clock().now();
    for (symbol, name, sector, ipo_cents) in COMPANIES {
        if companies::find(db, symbol).await?.is_some() {
            continue;
        }
        sectors::ensure(db, sector).await?;
        let id = ids::max_ids(db).await?.account.unwrap_or(0) + 1;
        accounts::insert(
            db,
            &account::Model {
                id,
                username: format!("{}-issuer", symbol.to_lowercase()),
                display_name: name.to_owned(),
                role: Role::Corporate,
                account_number: format!("ML-{id:08}"),
                password_hash: None,
                company_symbol: Some(symbol.to_owned()),
                cash: 0,
                reserved_cash: 0,
                realized_gains: 0,
                created_at: now.0,
            },
        )
        .await?;
        let core = AccountCore::new(
            Account::new(AccountId(id as u64), LedgerLimits::default()),
            FeeSchedule::default(),
        );
        market.open_account(core, true)?;
        let book = market
            .list_company(Ipo {
                symbol: Symbol::new(symbol)?,
                tick: TickSize::CENT,
                band_bps: Some(BAND_BPS),
                issuer: AccountId(id as u64),
                shares: Quantity(SHARES),
                price: Money(ipo_cents),
            })
            .await?;
        companies::insert(
            db,
            &company::Model {
                symbol: symbol.to_owned(),
                name: name.to_owned(),
                sector: sector.to_owned(),
                shares_outstanding: SHARES as i64,
                tick_size: TickSize::CENT.money().0,
                ipo_price: ipo_cents,
                band_bps: Some(i64::from(BAND_BPS)),
                book_id: book.listing.book.0 as i32,
                issuer_account_id: id,
                listed: true,
                halted: false,
                last_seq: 0,
                listed_at: now.0,
            },
        )
        .await?;
    }
    Ok(())
}
