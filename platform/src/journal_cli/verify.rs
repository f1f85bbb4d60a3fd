//! Checking the tables against the journal. The kept batches are folded
//! into the last state of every account and book they touch ([`fold`]);
//! each side then states the compared values as named facts in one fixed
//! order, and a sha256 of each side's canonical text decides whether they
//! agree. The digests make a difference easy to spot and two databases'
//! states easy to compare; the facts say what differs.

use std::collections::BTreeMap;

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

use super::fold::{self, AccountState, BookState, Folded, Holding};
use crate::persistence::entities::{holding, lot, order, trade};
use crate::persistence::repo;

/// Ids asked for in one `IN (...)` query.
const CHUNK: usize = 500;

pub async fn verify(db: &DatabaseConnection) -> anyhow::Result<()> {
    let Some((first, last)) = repo::journal::bounds(db).await? else {
        println!("the journal holds no batches: nothing to verify");
        return Ok(());
    };
    let watermark = repo::journal::watermark(db).await?;
    anyhow::ensure!(
        watermark == last,
        "the tables lag the journal: batches up to {watermark} of {last} are applied; \
         start the server once (it applies the journal's tail before the market opens), \
         stop it, and verify again"
    );
    let listings = crate::persister::known_listings(db).await?;
    let folded = fold::fold(db, first, last, listings).await?;
    let report = compare(db, &folded).await?;
    let after = repo::journal::watermark(db).await?;
    anyhow::ensure!(
        after == watermark,
        "the market moved while verifying (the tables went from batch {watermark} to {after}); \
         verify with the server stopped"
    );
    println!(
        "journal batches {first}..={last} ({} kept), state sha256 {}",
        folded.batches,
        report.digest()
    );
    print!("{report}");
    let (accounts, books) = (report.differing("account"), report.differing("book"));
    anyhow::ensure!(
        accounts + books == 0,
        "the tables differ from the journal: {accounts} account(s), {books} book(s)"
    );
    Ok(())
}

/// Named values in a fixed order: what one side says of one account or
/// book.
#[derive(Debug, Default)]
struct Facts(Vec<(String, String)>);

impl Facts {
    fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.push((name.into(), value.into()));
    }

    /// The sha256 of the canonical text: one `name=value` line a fact.
    fn digest(&self) -> String {
        let mut hash = Sha256::new();
        for (name, value) in &self.0 {
            hash.update(format!("{name}={value}\n"));
        }
        hex::encode(hash.finalize())
    }
}

/// One account or book, as the journal and as the tables say it.
#[derive(Debug)]
struct Compared {
    /// `account 7`, `book ACME`.
    what: String,
    journal: Facts,
    tables: Facts,
}

impl Compared {
    fn agrees(&self) -> bool {
        self.journal.digest() == self.tables.digest()
    }

    /// Each fact the sides state differently. Both sides name the same
    /// facts in the same order (the journal's keys).
    fn differences(&self) -> impl Iterator<Item = String> + '_ {
        self.journal
            .0
            .iter()
            .zip(&self.tables.0)
            .filter(|(j, t)| j.1 != t.1)
            .map(|((name, journal), (_, tables))| {
                format!("{name}: journal {journal}, tables {tables}")
            })
    }
}

#[derive(Debug, Default)]
struct Report(Vec<Compared>);

impl Report {
    fn differing(&self, kind: &str) -> usize {
        self.of(kind).filter(|c| !c.agrees()).count()
    }

    fn of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Compared> + 'a {
        self.0
            .iter()
            .filter(move |c| c.what.split(' ').next() == Some(kind))
    }

    /// The journal side's state, as one digest over every compared one.
    fn digest(&self) -> String {
        let mut hash = Sha256::new();
        for compared in &self.0 {
            hash.update(format!("{} {}\n", compared.what, compared.journal.digest()));
        }
        hex::encode(hash.finalize())
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = |kind| {
            let all = self.of(kind).count();
            let differ = self.differing(kind);
            format!("{} ok, {differ} differ", all - differ)
        };
        writeln!(
            f,
            "accounts: {}; books: {}",
            count("account"),
            count("book")
        )?;
        for compared in self.0.iter().filter(|c| !c.agrees()) {
            writeln!(
                f,
                "{}: journal sha256 {}, tables sha256 {}",
                compared.what,
                compared.journal.digest(),
                compared.tables.digest()
            )?;
            for difference in compared.differences() {
                writeln!(f, "  {difference}")?;
            }
        }
        Ok(())
    }
}

async fn compare(db: &DatabaseConnection, folded: &Folded) -> anyhow::Result<Report> {
    let mut report = Report::default();
    for (&id, state) in &folded.accounts {
        report.0.push(compare_account(db, id, state).await?);
    }
    for (symbol, state) in &folded.books {
        report.0.push(compare_book(db, symbol, state).await?);
    }
    Ok(report)
}

fn holding_text(h: Holding) -> String {
    format!(
        "quantity {} reserved {} cost_basis_cents {}",
        h.quantity, h.reserved, h.cost_basis
    )
}

fn lot_text(lot: Option<fold::Lot>) -> String {
    lot.map_or_else(
        || "closed".to_owned(),
        |l| format!("remaining {} price_cents {}", l.remaining, l.price),
    )
}

fn order_text(order: Option<fold::Order>) -> String {
    order.map_or_else(
        || "missing".to_owned(),
        |o| format!("{:?} filled {}", o.status, o.filled),
    )
}

async fn compare_account(
    db: &DatabaseConnection,
    id: i64,
    state: &AccountState,
) -> anyhow::Result<Compared> {
    let mut journal = Facts::default();
    let mut tables = Facts::default();
    if let Some(cash) = state.cash {
        let row = repo::accounts::find(db, id).await?;
        let kept = |pick: fn(&crate::persistence::entities::account::Model) -> i64| {
            row.as_ref()
                .map_or_else(|| "missing".to_owned(), |r| pick(r).to_string())
        };
        journal.push("cash_cents", cash.cash.to_string());
        tables.push("cash_cents", kept(|r| r.cash));
        journal.push("reserved_cash_cents", cash.reserved_cash.to_string());
        tables.push("reserved_cash_cents", kept(|r| r.reserved_cash));
        journal.push("realized_gains_cents", cash.realized_gains.to_string());
        tables.push("realized_gains_cents", kept(|r| r.realized_gains));
    }
    if !state.holdings.is_empty() {
        let rows: BTreeMap<String, Holding> = holding::Entity::find()
            .filter(holding::Column::AccountId.eq(id))
            .all(db)
            .await?
            .into_iter()
            .map(|h| {
                let kept = Holding {
                    quantity: h.quantity,
                    reserved: h.reserved,
                    cost_basis: h.cost_basis,
                };
                (h.symbol, kept)
            })
            .collect();
        for (symbol, &held) in &state.holdings {
            let name = format!("holding {symbol}");
            journal.push(&name, holding_text(held));
            // A sold-out holding may be kept as a row of zeros or go.
            tables.push(
                name,
                holding_text(rows.get(symbol).copied().unwrap_or_default()),
            );
        }
    }
    if !state.lots.is_empty() {
        let rows: BTreeMap<(String, i64), fold::Lot> = lot::Entity::find()
            .filter(lot::Column::AccountId.eq(id))
            .all(db)
            .await?
            .into_iter()
            .map(|l| {
                let kept = fold::Lot {
                    remaining: l.remaining_quantity,
                    price: l.price,
                };
                ((l.symbol, l.seq), kept)
            })
            .collect();
        for (key, &lot) in &state.lots {
            let name = format!("lot {} #{}", key.0, key.1);
            journal.push(&name, lot_text(lot));
            tables.push(name, lot_text(rows.get(key).copied()));
        }
    }
    let ids: Vec<i64> = state.orders.keys().copied().collect();
    let mut rows = BTreeMap::new();
    for chunk in ids.chunks(CHUNK) {
        for o in order::Entity::find()
            .filter(order::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            let kept = fold::Order {
                status: o.status,
                filled: o.filled_quantity,
            };
            rows.insert(o.id, kept);
        }
    }
    for (id, &placed) in &state.orders {
        let name = format!("order {id}");
        journal.push(&name, order_text(Some(placed)));
        tables.push(name, order_text(rows.get(id).copied()));
    }
    Ok(Compared {
        what: format!("account {id}"),
        journal,
        tables,
    })
}

async fn compare_book(
    db: &DatabaseConnection,
    symbol: &str,
    state: &BookState,
) -> anyhow::Result<Compared> {
    let mut journal = Facts::default();
    let mut tables = Facts::default();
    // The tables may have moved on past the kept journal (never back).
    let reached = format!("at least {}", state.last_seq);
    journal.push("last_seq", &reached);
    tables.push(
        "last_seq",
        match repo::companies::find(db, symbol).await? {
            Some(c) if c.last_seq >= state.last_seq => reached,
            Some(c) => c.last_seq.to_string(),
            None => "no such company".to_owned(),
        },
    );
    let ids: Vec<i64> = state.trades.keys().copied().collect();
    let mut rows = BTreeMap::new();
    for chunk in ids.chunks(CHUNK) {
        for t in trade::Entity::find()
            .filter(trade::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            rows.insert(t.id, (t.symbol, t.price, t.quantity));
        }
    }
    for (id, t) in &state.trades {
        let name = format!("trade {id}");
        journal.push(&name, trade_text(symbol, t.price, t.quantity));
        tables.push(
            name,
            rows.get(id).map_or_else(
                || "missing".to_owned(),
                |(symbol, price, quantity)| trade_text(symbol, *price, *quantity),
            ),
        );
    }
    Ok(Compared {
        what: format!("book {symbol}"),
        journal,
        tables,
    })
}

fn trade_text(symbol: &str, price: i64, quantity: i64) -> String {
    format!("{symbol} price_cents {price} quantity {quantity}")
}
