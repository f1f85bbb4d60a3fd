//! The journal as an event feed: one JSON object a line, in journal order.
//! Every line carries its batch (`seq`) and when that batch was committed
//! (`written_at`, ns since the epoch). Numbers stay exact integers as the
//! market keeps them (book prices in ticks, money in cents); each book
//! price also comes as a decimal string (`"101.00"`) by the listing's tick.

use std::collections::HashMap;
use std::io::Write;

use anyhow::Context;
use marketlab_actors::book::{BookEvent, BookUpdate, Listing};
use marketlab_actors::journal::Change;
use marketlab_actors::types::{Price, Symbol};
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};

use crate::persistence::repo;
use crate::persister::JournalBatch;

/// Batches read at a time: a long export holds only a page in memory.
const PAGE: u64 = 64;

/// The feed's formats; one for now, named so a script can insist on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// One JSON object a line.
    Jsonl,
}

/// The batches asked for: `from..=to`, `to` defaulting to the last.
#[derive(Debug, Clone, Copy)]
pub struct Range {
    pub from: i64,
    pub to: Option<i64>,
}

pub async fn export(
    db: &DatabaseConnection,
    range: Range,
    format: ExportFormat,
    mut out: impl Write,
) -> anyhow::Result<()> {
    let ExportFormat::Jsonl = format;
    let Some((first, last)) = repo::journal::bounds(db).await? else {
        anyhow::bail!("the journal holds no batches (nothing committed yet, or all compacted)");
    };
    anyhow::ensure!(
        range.from >= first,
        "batch {} is not kept (compacted away, or never written): the first batch kept is {first}",
        range.from
    );
    let to = range.to.unwrap_or(last).min(last);
    anyhow::ensure!(
        range.from <= to,
        "--from {} is past the last batch asked for ({to}; the journal ends at {last})",
        range.from
    );
    let mut listings = crate::persister::known_listings(db).await?;
    let mut next = range.from;
    while next <= to {
        let page = repo::journal::range(db, next, to, PAGE).await?;
        let Some(end) = page.last().map(|row| row.seq) else {
            break;
        };
        for row in &page {
            let batch = JournalBatch::decode(row)?;
            for line in lines(&batch, &mut listings)? {
                serde_json::to_writer(&mut out, &line)?;
                out.write_all(b"\n")?;
            }
        }
        next = end + 1;
    }
    out.flush().context("cannot write the feed")?;
    Ok(())
}

/// The lines of one batch; `listings` learns the books it opens.
fn lines(
    batch: &JournalBatch,
    listings: &mut HashMap<Symbol, Listing>,
) -> anyhow::Result<Vec<Value>> {
    let mut lines = Vec::new();
    let head =
        |event: &str| json!({ "seq": batch.seq, "written_at": batch.written_at, "event": event });
    for change in &batch.changes {
        match change {
            Change::Listed(listing) => {
                listings.insert(listing.symbol, *listing);
                let mut line = head("listed");
                line["listing"] = serde_json::to_value(listing)?;
                lines.push(line);
            }
            Change::Account(changes) => {
                let mut line = head("account");
                line["account"] = json!(changes.account.0);
                line["changes"] = serde_json::to_value(changes)?;
                lines.push(line);
            }
            Change::Book(update) => {
                let listing = listings.get(&update.symbol).with_context(|| {
                    format!(
                        "batch {}: book {} trades in {}, a listing neither the tables nor the journal know",
                        batch.seq, update.book.0, update.symbol
                    )
                })?;
                for event in &update.events {
                    lines.push(book_line(batch, update, event, listing)?);
                }
            }
        }
    }
    Ok(lines)
}

fn book_line(
    batch: &JournalBatch,
    update: &BookUpdate,
    event: &BookEvent,
    listing: &Listing,
) -> anyhow::Result<Value> {
    let mut line = json!({
        "seq": batch.seq,
        "written_at": batch.written_at,
        "at": update.at.0,
        "book": update.book.0,
        "symbol": update.symbol.as_str(),
        "event": serde_json::to_value(event)?,
    });
    if let Some(price) = price_of(event) {
        line["price"] = json!(listing.tick.to_decimal(price).to_string());
    }
    Ok(line)
}

/// The price an event happened at, if it has one.
fn price_of(event: &BookEvent) -> Option<Price> {
    match *event {
        BookEvent::Trade(trade) => Some(trade.price),
        BookEvent::Rested { price, .. } | BookEvent::LevelChanged { price, .. } => Some(price),
        BookEvent::Accepted { .. }
        | BookEvent::Rejected { .. }
        | BookEvent::Cancelled { .. }
        | BookEvent::Reduced { .. }
        | BookEvent::Expired { .. }
        | BookEvent::Triggered { .. } => None,
    }
}
