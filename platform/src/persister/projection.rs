//! Applying committed journal batches to the tables: the one piece of code
//! the live projector and recovery's replay of the journal's tail share.
//! Each application is one transaction that also moves the watermark, so a
//! batch is in the tables exactly once whenever the process stops.

use std::collections::HashMap;

use marketlab_actors::book::Listing;
use marketlab_actors::journal::Change;
use marketlab_actors::journal::codec::{self, CodecError};
use marketlab_actors::types::Symbol;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

use super::Rows;
use super::write::insert_rows;
use crate::persistence::begin_write;
use crate::persistence::entities::journal_batch;
use crate::persistence::repo;

/// One committed batch, decoded.
#[derive(Debug)]
pub struct JournalBatch {
    pub seq: i64,
    /// When it was committed (ns since the epoch, the market's clock).
    pub written_at: i64,
    pub changes: Vec<Change>,
}

#[derive(Debug, thiserror::Error)]
pub enum ProjectionError {
    #[error("database: {0}")]
    Database(#[from] DbErr),
    #[error("journal batch {seq}: {source}")]
    Codec { seq: i64, source: CodecError },
    #[error("the listing of company {symbol}: {reason}")]
    Listing { symbol: String, reason: String },
}

impl JournalBatch {
    pub fn decode(row: &journal_batch::Model) -> Result<JournalBatch, ProjectionError> {
        let changes =
            codec::decode(row.format, &row.payload).map_err(|source| ProjectionError::Codec {
                seq: row.seq,
                source,
            })?;
        Ok(JournalBatch {
            seq: row.seq,
            written_at: row.written_at,
            changes,
        })
    }
}

/// Every listing the tables know, delisted ones too (the journal's tail may
/// still trade in them): what the rows need to turn ticks into cents.
pub async fn known_listings(
    db: &impl ConnectionTrait,
) -> Result<HashMap<Symbol, Listing>, ProjectionError> {
    repo::companies::all(db)
        .await?
        .iter()
        .map(|company| {
            let listing =
                crate::recovery::listing(company).map_err(|e| ProjectionError::Listing {
                    symbol: company.symbol.clone(),
                    reason: e.to_string(),
                })?;
            Ok((listing.symbol, listing))
        })
        .collect()
}

/// The rows of `batches` (`listings` learns the books they open).
pub fn rows_of(batches: &[JournalBatch], listings: &mut HashMap<Symbol, Listing>) -> Rows {
    let mut rows = Rows::default();
    for batch in batches {
        for change in &batch.changes {
            rows.add(change, listings);
        }
    }
    rows
}

/// Applies the batches the tables do not hold yet and moves the watermark
/// to the last, in one transaction; returns the watermark. The watermark is
/// read inside the transaction (which holds the write lock on SQLite and
/// the watermark's row on Postgres), so a batch is never applied twice,
/// whoever else applies the journal.
pub async fn apply(
    db: &DatabaseConnection,
    batches: &[JournalBatch],
    listings: &mut HashMap<Symbol, Listing>,
    at: i64,
) -> Result<i64, DbErr> {
    let txn = begin_write(db).await?;
    let applied = repo::journal::lock_watermark(&txn).await?;
    let fresh = batches.partition_point(|b| b.seq <= applied);
    let (done, todo) = batches.split_at(fresh);
    // Applied already, but their listings still count for what follows.
    for change in done.iter().flat_map(|b| &b.changes) {
        if let Change::Listed(listing) = change {
            listings.insert(listing.symbol, *listing);
        }
    }
    let Some(last) = todo.last().map(|b| b.seq) else {
        txn.commit().await?;
        return Ok(applied);
    };
    insert_rows(&txn, &rows_of(todo, listings)).await?;
    repo::journal::set_watermark(&txn, last, at).await?;
    txn.commit().await?;
    Ok(last)
}

/// Up to `max_changes` changes (and at least one batch) of the committed
/// batches after `seq` and at most `upto`, decoded, from the table.
pub async fn read_after(
    db: &impl ConnectionTrait,
    seq: i64,
    upto: i64,
    max_changes: usize,
) -> Result<Vec<JournalBatch>, ProjectionError> {
    // Batches hold up to a writer's batch of changes; a few at a time
    // keeps a lagging projector's memory small.
    const PAGE: u64 = 16;
    let mut batches = Vec::new();
    let mut changes = 0;
    let mut from = seq;
    while changes < max_changes && from < upto {
        let page = repo::journal::range(db, from + 1, upto, PAGE).await?;
        let Some(last) = page.last() else { break };
        from = last.seq;
        for row in &page {
            let batch = JournalBatch::decode(row)?;
            changes += batch.changes.len();
            batches.push(batch);
        }
    }
    Ok(batches)
}

/// Appends `changes` as one journal batch after the last, then applies the
/// journal's tail: for writes made outside the market (recovery's repairs,
/// before the writer starts), so that the journal stays the whole story.
pub async fn journal_and_apply(
    db: &DatabaseConnection,
    changes: &[Change],
    at: i64,
) -> Result<CaughtUp, ProjectionError> {
    let txn = begin_write(db).await?;
    let last = repo::journal::bounds(&txn)
        .await?
        .map_or(0, |(_, last)| last);
    let seq = last.max(repo::journal::watermark(&txn).await?) + 1;
    repo::journal::append(
        &txn,
        journal_batch::Model {
            seq,
            part: 0,
            written_at: at,
            format: codec::FORMAT,
            changes: i32::try_from(changes.len()).expect("far fewer than 2^31 changes"),
            payload: codec::encode(changes),
        },
    )
    .await?;
    txn.commit().await?;
    catch_up(db, at).await
}

/// What [`catch_up`] applied.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CaughtUp {
    pub batches: usize,
    pub changes: usize,
    /// The watermark afterwards.
    pub watermark: i64,
}

/// Applies the journal's tail (every batch past the watermark) to the
/// tables, before recovery reads them and before the market starts.
pub async fn catch_up(db: &DatabaseConnection, at: i64) -> Result<CaughtUp, ProjectionError> {
    const MAX_CHANGES: usize = 65_536;
    let mut done = CaughtUp {
        watermark: repo::journal::watermark(db).await?,
        ..CaughtUp::default()
    };
    let Some((_, last)) = repo::journal::bounds(db).await? else {
        return Ok(done);
    };
    let mut listings = known_listings(db).await?;
    while done.watermark < last {
        let batches = read_after(db, done.watermark, last, MAX_CHANGES).await?;
        let Some(seq) = batches.last().map(|b| b.seq) else {
            break;
        };
        let before = done.watermark;
        done.watermark = apply(db, &batches, &mut listings, at).await?;
        let fresh = batches.iter().filter(|b| b.seq > before);
        done.batches += fresh.clone().count();
        done.changes += fresh.map(|b| b.changes.len()).sum::<usize>();
        if done.watermark < seq {
            break;
        }
    }
    Ok(done)
}
