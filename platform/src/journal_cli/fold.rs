//! The journal folded into the last state of everything it touches: what
//! the tables must say once the projector has applied every batch. Each
//! batch goes through the projection's own [`Rows`], so "the last state" is
//! exactly the rows the projector writes, and only the values verify
//! compares are kept (no ledger entries or fills pile up in memory).

use std::collections::{BTreeMap, HashMap};

use marketlab_actors::book::Listing;
use marketlab_actors::types::Symbol;
use sea_orm::DatabaseConnection;

use crate::persistence::entities::enums::OrderStatus;
use crate::persistence::repo;
use crate::persister::{JournalBatch, Rows};

/// Batches decoded at a time.
const PAGE: u64 = 64;

/// An account's cash columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cash {
    pub cash: i64,
    pub reserved_cash: i64,
    pub realized_gains: i64,
}

/// A holding; all zero once it is sold out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Holding {
    pub quantity: i64,
    pub reserved: i64,
    pub cost_basis: i64,
}

/// A lot still open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lot {
    pub remaining: i64,
    /// Per share, in cents.
    pub price: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    pub status: OrderStatus,
    pub filled: i64,
}

/// What the journal last says of one account. Holdings by symbol, lots by
/// (symbol, seq) (`None`: closed), orders by id.
#[derive(Debug, Default)]
pub struct AccountState {
    pub cash: Option<Cash>,
    pub holdings: BTreeMap<String, Holding>,
    pub lots: BTreeMap<(String, i64), Option<Lot>>,
    pub orders: BTreeMap<i64, Order>,
}

/// A trade: price in cents, quantity in shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trade {
    pub price: i64,
    pub quantity: i64,
}

/// What the journal says of one book: its highest sequence number and
/// every trade, by id.
#[derive(Debug, Default)]
pub struct BookState {
    pub last_seq: i64,
    pub trades: BTreeMap<i64, Trade>,
}

/// The journal's batches `from..=to`, folded.
#[derive(Debug, Default)]
pub struct Folded {
    pub accounts: BTreeMap<i64, AccountState>,
    pub books: BTreeMap<String, BookState>,
    pub batches: u64,
}

pub async fn fold(
    db: &DatabaseConnection,
    from: i64,
    to: i64,
    mut listings: HashMap<Symbol, Listing>,
) -> anyhow::Result<Folded> {
    let mut folded = Folded::default();
    let mut next = from;
    while next <= to {
        let page = repo::journal::range(db, next, to, PAGE).await?;
        let Some(end) = page.last().map(|row| row.seq) else {
            break;
        };
        let mut rows = Rows::default();
        for row in &page {
            for change in &JournalBatch::decode(row)?.changes {
                rows.add(change, &mut listings);
            }
        }
        folded.add(rows);
        folded.batches += page.len() as u64;
        next = end + 1;
    }
    Ok(folded)
}

impl Folded {
    /// Takes in one page's rows, which come after every page before.
    fn add(&mut self, rows: Rows) {
        for b in rows.balances {
            self.accounts.entry(b.account_id).or_default().cash = Some(Cash {
                cash: b.cash,
                reserved_cash: b.reserved_cash,
                realized_gains: b.realized_gains,
            });
        }
        for h in rows.holdings {
            let holding = Holding {
                quantity: h.quantity,
                reserved: h.reserved,
                cost_basis: h.cost_basis,
            };
            let account = self.accounts.entry(h.account_id).or_default();
            account.holdings.insert(h.symbol, holding);
        }
        for ((account, symbol, seq), lot) in rows.lots {
            let lot = lot.map(|l| Lot {
                remaining: l.remaining_quantity,
                price: l.price,
            });
            let account = self.accounts.entry(account).or_default();
            account.lots.insert((symbol, seq), lot);
        }
        for o in rows.orders {
            let order = Order {
                status: o.status,
                filled: o.filled_quantity,
            };
            self.accounts
                .entry(o.account_id)
                .or_default()
                .orders
                .insert(o.id, order);
        }
        for t in rows.trades {
            let trade = Trade {
                price: t.price,
                quantity: t.quantity,
            };
            self.books
                .entry(t.symbol)
                .or_default()
                .trades
                .insert(t.id, trade);
        }
        for (symbol, seq) in rows.last_seqs {
            let book = self.books.entry(symbol).or_default();
            book.last_seq = book.last_seq.max(seq);
        }
    }
}
