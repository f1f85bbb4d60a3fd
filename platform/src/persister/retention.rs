//! Table retention for bots. A demo market's bots write almost all of its
//! rows (about 1.8 KB a trade), so past `bot_detail_days` their detail rows
//! are folded into one summary row per bot, UTC day and symbol: fills,
//! shares bought and sold and their value, commission, tax, realized gain,
//! and the position and cash at the day's end. People's rows are never
//! folded, and the trades table (market data: both sides' ids) keeps
//! every trade.
//!
//! A fold runs in two steps:
//! 1. In one snapshot, every day between the last fold and the new horizon
//!    is summarized, and the horizon moves (`bot_fold`), so that each day
//!    is summarized exactly once. The position at a day's end is what the
//!    bot holds now less what its later fills added, so it needs every
//!    later fill: the horizon only moves forward and nothing at or after it
//!    is ever deleted.
//! 2. Before the horizon, bots' finished orders with their fills, their
//!    ledger entries (but each account's last, and any carrying an
//!    idempotency key) and their realized gains are deleted, a few accounts
//!    per transaction so that the journal's writer is never held up long.
//!    On SQLite the freed pages then go back to the file system
//!    (incremental vacuum), a slice at a time.
//!
//! The horizon is a whole number of days behind the clock's day, and at
//! least the journal's retention (checked with the configuration), so that
//! `journal verify` never meets a folded order in a kept batch. Recovery
//! reads only live orders and their fills, each account's last ledger entry
//! and open lots, all of which a fold keeps; its check that every trade is
//! settled on both sides looks only at trades from the horizon on.

use std::collections::{BTreeMap, HashMap};

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr};

use crate::persistence::entities::bot_daily_summary::Model as Summary;
use crate::persistence::entities::enums::Side;
use crate::persistence::repo::bot_summaries::{
    self as repo, DAY, DayEndCash, Deleted, FillTotals, GainTotals, Position,
};
use crate::persistence::repo::ids;
use crate::persistence::{begin_snapshot, begin_write};

/// Bots whose old rows one transaction deletes.
const ACCOUNTS_PER_TRANSACTION: usize = 32;
/// Orders (with their fills) one transaction deletes at most.
const ORDERS_PER_TRANSACTION: u64 = 2_000;
/// Free pages handed back to the file system per statement (SQLite).
const PAGES_PER_VACUUM: u32 = 2_048;

/// What one fold did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Folded {
    /// Everything before this instant (ns) is folded.
    pub horizon: i64,
    pub summaries: usize,
    pub deleted: Deleted,
}

/// The first nanosecond of the UTC day holding `at`.
pub fn day_start(at: i64) -> i64 {
    at.div_euclid(DAY) * DAY
}

/// Folds bots' rows from before the day `keep_days` days before `now`'s.
pub async fn fold_bots(db: &DatabaseConnection, now: i64, keep_days: u32) -> Result<Folded, DbErr> {
    let horizon = day_start(now).saturating_sub(i64::from(keep_days).saturating_mul(DAY));
    let summaries = summarize_days(db, horizon).await?;
    let deleted = delete_details(db, horizon).await?;
    if deleted.total() > 0 && db.get_database_backend() == DatabaseBackend::Sqlite {
        give_back_free_pages(db).await?;
    }
    Ok(Folded {
        horizon,
        summaries,
        deleted,
    })
}

/// Step 1: the summaries of every day not yet summarized before `horizon`.
async fn summarize_days(db: &DatabaseConnection, horizon: i64) -> Result<usize, DbErr> {
    let txn = begin_snapshot(db).await?;
    let folded = repo::folded_before(&txn).await?;
    if folded.is_some_and(|at| at >= horizon) {
        txn.commit().await?;
        return Ok(0);
    }
    let from = match folded {
        Some(at) => at,
        None => repo::first_bot_fill(&txn).await?.map_or(horizon, day_start),
    };
    let mut written = 0;
    if from < horizon {
        let fills = repo::fill_totals(&txn, from).await?;
        let gains = repo::gain_totals(&txn, from, horizon).await?;
        let cash = repo::day_end_cash(&txn, from, horizon).await?;
        let positions = repo::positions(&txn).await?;
        let rows = summarize(from, horizon, &fills, &gains, &cash, &positions);
        repo::insert_many(&txn, &rows).await?;
        written = rows.len();
    }
    repo::set_folded_before(&txn, horizon).await?;
    txn.commit().await?;
    Ok(written)
}

/// Step 2: bots' detail rows from before `horizon`.
async fn delete_details(db: &DatabaseConnection, horizon: i64) -> Result<Deleted, DbErr> {
    let mut deleted = Deleted::default();
    let Some(highest_order) = ids::max_ids(db).await?.order else {
        return Ok(deleted);
    };
    for accounts in repo::bot_accounts(db)
        .await?
        .chunks(ACCOUNTS_PER_TRANSACTION)
    {
        loop {
            let txn = begin_write(db).await?;
            let orders = repo::foldable_orders(
                &txn,
                accounts,
                horizon,
                highest_order,
                ORDERS_PER_TRANSACTION,
            )
            .await?;
            if orders.is_empty() {
                txn.commit().await?;
                break;
            }
            deleted.add(repo::delete_orders(&txn, &orders).await?);
            txn.commit().await?;
        }
        let txn = begin_write(db).await?;
        deleted.add(repo::delete_history(&txn, accounts, horizon).await?);
        txn.commit().await?;
    }
    Ok(deleted)
}

/// Hands SQLite's free pages back to the file system, a slice at a time so
/// that the journal's writer can commit in between.
async fn give_back_free_pages(db: &DatabaseConnection) -> Result<(), DbErr> {
    loop {
        let free = free_pages(db).await?;
        if free == 0 {
            return Ok(());
        }
        db.execute_unprepared(&format!("PRAGMA incremental_vacuum({PAGES_PER_VACUUM})"))
            .await?;
        if free_pages(db).await? >= free {
            // Not in incremental mode (an in-memory database): nothing moves.
            return Ok(());
        }
    }
}

async fn free_pages(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            DatabaseBackend::Sqlite,
            "PRAGMA freelist_count",
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the free page count".into()))?;
    row.try_get_by_index(0)
}

/// What one bot did in one symbol on one day.
#[derive(Debug, Clone, Copy, Default)]
struct Day {
    fills: i64,
    bought: i64,
    sold: i64,
    bought_value: i64,
    sold_value: i64,
    commission: i64,
    tax: i64,
    gain: i64,
}

/// The summary rows of the days in `from..to`, by bot, day and symbol.
/// `fills` holds every fill total from `from` on (later days too: the
/// positions at each day's end are worked back from `positions`, what the
/// bots hold now).
fn summarize(
    from: i64,
    to: i64,
    fills: &[FillTotals],
    gains: &[GainTotals],
    cash: &[DayEndCash],
    positions: &[Position],
) -> Vec<Summary> {
    let mut days: BTreeMap<(i64, &str), BTreeMap<i64, Day>> = BTreeMap::new();
    for f in fills {
        let day = days
            .entry((f.account_id, &f.symbol))
            .or_default()
            .entry(f.day)
            .or_default();
        day.fills += f.fills;
        day.commission += f.commission;
        day.tax += f.tax;
        match f.side {
            Side::Buy => {
                day.bought += f.quantity;
                day.bought_value += f.value;
            }
            Side::Sell => {
                day.sold += f.quantity;
                day.sold_value += f.value;
            }
        }
    }
    for g in gains {
        let day = days
            .entry((g.account_id, &g.symbol))
            .or_default()
            .entry(g.day)
            .or_default();
        day.gain += g.gain;
    }
    let held: HashMap<(i64, &str), i64> = positions
        .iter()
        .map(|p| ((p.account_id, p.symbol.as_str()), p.quantity))
        .collect();
    let cash: HashMap<(i64, i64), i64> = cash
        .iter()
        .map(|c| ((c.account_id, c.day), c.cash))
        .collect();
    let mut rows = Vec::new();
    for (&(account_id, symbol), by_day) in &days {
        let mut position = held.get(&(account_id, symbol)).copied().unwrap_or(0);
        for (&day, totals) in by_day.iter().rev() {
            if (from..to).contains(&day) {
                rows.push(Summary {
                    account_id,
                    day,
                    symbol: symbol.to_owned(),
                    fills: totals.fills,
                    bought: totals.bought,
                    sold: totals.sold,
                    bought_value: totals.bought_value,
                    sold_value: totals.sold_value,
                    commission: totals.commission,
                    tax: totals.tax,
                    realized_gain: totals.gain,
                    end_position: position,
                    end_cash: cash.get(&(account_id, day)).copied(),
                });
            }
            position -= totals.bought - totals.sold;
        }
    }
    rows.sort_by(|a, b| (a.account_id, a.day, &a.symbol).cmp(&(b.account_id, b.day, &b.symbol)));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 20_000 * DAY;

    fn fill(account_id: i64, day: i64, side: Side, quantity: i64, price: i64) -> FillTotals {
        FillTotals {
            account_id,
            symbol: "ACME".into(),
            side,
            day: T0 + day * DAY,
            fills: 1,
            quantity,
            value: quantity * price,
            commission: 10,
            tax: if side == Side::Sell { 3 } else { 0 },
        }
    }

    #[test]
    fn positions_at_each_days_end_are_worked_back_from_today() {
        // Held now: 10. Day 0 bought 5, day 1 sold 3, day 2 (after the
        // horizon) bought 4: so 4 before day 0, 9 after it, 6 after day 1.
        let fills = [
            fill(7, 0, Side::Buy, 5, 100),
            fill(7, 1, Side::Sell, 3, 110),
            fill(7, 2, Side::Buy, 4, 105),
        ];
        let gains = [GainTotals {
            account_id: 7,
            symbol: "ACME".into(),
            day: T0 + DAY,
            gain: 27,
        }];
        let cash = [DayEndCash {
            account_id: 7,
            day: T0,
            cash: 9_490,
        }];
        let positions = [Position {
            account_id: 7,
            symbol: "ACME".into(),
            quantity: 10,
        }];
        let rows = summarize(T0, T0 + 2 * DAY, &fills, &gains, &cash, &positions);
        assert_eq!(rows.len(), 2, "day 2 is not folded yet: {rows:?}");
        assert_eq!(
            (
                rows[0].day,
                rows[0].bought,
                rows[0].bought_value,
                rows[0].end_position
            ),
            (T0, 5, 500, 9)
        );
        assert_eq!(rows[0].end_cash, Some(9_490));
        assert_eq!(
            (rows[1].sold, rows[1].sold_value, rows[1].end_position),
            (3, 330, 6)
        );
        assert_eq!(
            (rows[1].commission, rows[1].tax, rows[1].realized_gain),
            (10, 3, 27)
        );
        assert_eq!(rows[1].end_cash, None, "no ledger entry that day was given");
    }

    #[test]
    fn a_sold_out_bot_ends_flat_and_bots_are_kept_apart() {
        let fills = [fill(1, 0, Side::Sell, 8, 50), fill(2, 0, Side::Buy, 8, 50)];
        let positions = [Position {
            account_id: 2,
            symbol: "ACME".into(),
            quantity: 8,
        }];
        let rows = summarize(T0, T0 + DAY, &fills, &[], &[], &positions);
        let ends: Vec<(i64, i64)> = rows
            .iter()
            .map(|r| (r.account_id, r.end_position))
            .collect();
        assert_eq!(ends, [(1, 0), (2, 8)]);
    }

    #[test]
    fn days_start_at_utc_midnight() {
        assert_eq!(day_start(T0 + 5), T0);
        assert_eq!(day_start(T0 + DAY - 1), T0);
        assert_eq!(day_start(T0 + DAY), T0 + DAY);
    }
}
