//! The journal table (committed batches, encoded) and the projector's
//! watermark.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::persistence::entities::journal_batch::{self, Entity as Batches, Model as Batch};
use crate::persistence::entities::journal_watermark::{self, Entity as Watermark};

/// The watermark row's id: there is only one.
const WATERMARK: i32 = 1;

/// Bytes of payload one row (and one statement) carries at most: on
/// Postgres a request over 16 KiB waits 40 ms for the server's delayed ACK
/// (sqlx leaves Nagle's algorithm on; see the README's Configuration).
const PART_BYTES: usize = 12_000;

/// Appends a whole batch (`batch.part` is ignored), in parts.
pub async fn append(db: &impl ConnectionTrait, batch: Batch) -> Result<(), DbErr> {
    let mut parts: Vec<&[u8]> = batch.payload.chunks(PART_BYTES).collect();
    if parts.is_empty() {
        parts.push(&[]);
    }
    for (part, bytes) in parts.into_iter().enumerate() {
        Batches::insert(journal_batch::ActiveModel {
            seq: Set(batch.seq),
            part: Set(i32::try_from(part).expect("far fewer than 2^31 parts")),
            written_at: Set(batch.written_at),
            format: Set(batch.format),
            changes: Set(batch.changes),
            payload: Set(bytes.to_vec()),
        })
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// Up to `limit` whole batches after `seq`, oldest first.
pub async fn after(db: &impl ConnectionTrait, seq: i64, limit: u64) -> Result<Vec<Batch>, DbErr> {
    range(db, seq.saturating_add(1), i64::MAX, limit).await
}

/// Whole batches `from..=to`, oldest first, at most `limit` of them.
pub async fn range(
    db: &impl ConnectionTrait,
    from: i64,
    to: i64,
    limit: u64,
) -> Result<Vec<Batch>, DbErr> {
    let last: Option<i64> = Batches::find()
        .select_only()
        .column(journal_batch::Column::Seq)
        .filter(journal_batch::Column::Part.eq(0))
        .filter(journal_batch::Column::Seq.gte(from))
        .filter(journal_batch::Column::Seq.lte(to))
        .order_by_asc(journal_batch::Column::Seq)
        .offset(limit.saturating_sub(1))
        .limit(1)
        .into_tuple()
        .one(db)
        .await?;
    let rows = Batches::find()
        .filter(journal_batch::Column::Seq.gte(from))
        .filter(journal_batch::Column::Seq.lte(last.unwrap_or(to)))
        .order_by_asc(journal_batch::Column::Seq)
        .order_by_asc(journal_batch::Column::Part)
        .all(db)
        .await?;
    let mut batches: Vec<Batch> = Vec::new();
    for row in rows {
        match batches.last_mut() {
            Some(batch) if batch.seq == row.seq => batch.payload.extend_from_slice(&row.payload),
            _ => batches.push(row),
        }
    }
    Ok(batches)
}

/// The first and last sequence number the table still holds.
pub async fn bounds(db: &impl ConnectionTrait) -> Result<Option<(i64, i64)>, DbErr> {
    let row: Option<(Option<i64>, Option<i64>)> = Batches::find()
        .select_only()
        .column_as(journal_batch::Column::Seq.min(), "first")
        .column_as(journal_batch::Column::Seq.max(), "last")
        .into_tuple()
        .one(db)
        .await?;
    Ok(match row {
        Some((Some(first), Some(last))) => Some((first, last)),
        _ => None,
    })
}

/// How many batches the table holds.
pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    Batches::find()
        .filter(journal_batch::Column::Part.eq(0))
        .count(db)
        .await
}

/// The last batch applied to the tables (0: none).
pub async fn watermark(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    Ok(Watermark::find_by_id(WATERMARK)
        .one(db)
        .await?
        .map_or(0, |w| w.seq))
}

/// The watermark, locked for the rest of the transaction (Postgres: `FOR
/// UPDATE`; a SQLite write transaction holds the whole database already).
pub async fn lock_watermark(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    let mut query = Watermark::find_by_id(WATERMARK);
    if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        query = query.lock_exclusive();
    }
    Ok(query.one(db).await?.map_or(0, |w| w.seq))
}

/// Moves the watermark to `seq`; runs in the transaction that applied it.
pub async fn set_watermark(db: &impl ConnectionTrait, seq: i64, at: i64) -> Result<(), DbErr> {
    Watermark::update_many()
        .col_expr(journal_watermark::Column::Seq, Expr::value(seq))
        .col_expr(journal_watermark::Column::ProjectedAt, Expr::value(at))
        .filter(journal_watermark::Column::Id.eq(WATERMARK))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes the batches at or below `seq` written before `before`; returns
/// how many went.
pub async fn compact(db: &impl ConnectionTrait, seq: i64, before: i64) -> Result<u64, DbErr> {
    let done = Batches::delete_many()
        .filter(journal_batch::Column::Seq.lte(seq))
        .filter(journal_batch::Column::WrittenAt.lt(before))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}
