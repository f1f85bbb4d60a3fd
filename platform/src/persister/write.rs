//! Writing the rows of applied journal batches.

use sea_orm::{ConnectionTrait, DbErr};

use super::Rows;
use crate::persistence::repo;

/// The rows of a batch, inside the caller's transaction. Orders go first:
/// the rows that follow may name them.
pub async fn insert_rows(txn: &impl ConnectionTrait, rows: &Rows) -> Result<(), DbErr> {
    repo::orders::upsert_many(txn, &rows.orders).await?;
    repo::trades::insert_many(txn, &rows.trades).await?;
    repo::fills::insert_many(txn, &rows.fills).await?;
    repo::ledger::insert_many(txn, &rows.entries).await?;
    repo::realized::insert_many(txn, &rows.realized).await?;
    repo::holdings::upsert_many(txn, &rows.holdings).await?;
    let open: Vec<_> = rows.lots.values().flatten().cloned().collect();
    repo::lots::upsert_many(txn, &open).await?;
    let closed: Vec<_> = rows
        .lots
        .iter()
        .filter(|(_, lot)| lot.is_none())
        .map(|(key, _)| key.clone())
        .collect();
    repo::lots::delete_many(txn, &closed).await?;
    if !rows.balances.is_empty() {
        repo::accounts::update_balances(txn, &rows.balances).await?;
    }
    let seqs: Vec<(String, i64)> = rows
        .last_seqs
        .iter()
        .map(|(s, q)| (s.clone(), *q))
        .collect();
    if !seqs.is_empty() {
        repo::companies::set_last_seqs(txn, &seqs).await?;
    }
    Ok(())
}
