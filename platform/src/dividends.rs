//! Cash dividends. An ADMIN, or the issuer's CORPORATE account, declares one:
//! an amount per share, a record time and a pay time.
//!
//! - At the record time the market is cut: the company's book pauses while
//!   every account says what it holds, so no trade is half-settled. Each
//!   holder of record is owed its shares times the amount, rounded half to
//!   even to the cent. The issuer's own shares earn nothing. The issuer's
//!   cash for all of it is set aside then (its DIVIDEND entry), so the pay
//!   time cannot find it short; if the issuer can no longer pay all of it,
//!   the dividend is cancelled and nobody is paid.
//! - At the pay time each holder of record gets its DIVIDEND entry.
//!
//! The issuer pays exactly what the holders get: the rounding residue stays
//! with the issuer. Lots and cost basis never change. A task started with
//! the server moves each dividend along by the market's clock; every ledger
//! step is keyed and the database says which step is next, so after a
//! restart the task goes on where it stopped.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;
use marketlab_actors::account::actor::{Dividend as PayDividend, Inspect};
use marketlab_actors::book::actor::Pause;
use marketlab_actors::ledger::LedgerError;
use marketlab_actors::ledger::dividends::owed;
use marketlab_actors::types::{AccountId, Money, Quantity, Symbol};
use sea_orm::{DbErr, TransactionTrait};

use crate::api::state::ApiState;
use crate::persistence::entities::enums::DividendStatus;
use crate::persistence::entities::{dividend, dividend_payment};
use crate::persistence::repo::dividends;

/// How often the task looks for a step that has come due.
const POLL: Duration = Duration::from_millis(250);

#[derive(Debug, thiserror::Error)]
pub enum DividendError {
    #[error("database: {0}")]
    Database(#[from] DbErr),
    #[error("the account actor of {0} is not running")]
    AccountUnavailable(AccountId),
}

/// The key of the issuer's entry (set aside at the record time).
fn issuer_key(id: i64) -> String {
    format!("dividend:{id}:issuer")
}

/// The key of a holder's entry (paid at the pay time).
fn holder_key(id: i64) -> String {
    format!("dividend:{id}")
}

/// Runs for the server's life: every due step of every dividend, in turn.
pub async fn run(state: Arc<ApiState>) {
    loop {
        if let Err(e) = step_due(&state).await {
            tracing::error!("moving dividends along: {e}");
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Take every dividend whose record or pay time has passed one step on.
pub async fn step_due(state: &ApiState) -> Result<(), DividendError> {
    for row in dividends::due(&state.db, state.now().0).await? {
        match row.status {
            DividendStatus::Declared => record(state, &row).await?,
            DividendStatus::Recorded => pay(state, &row).await?,
            DividendStatus::Paid | DividendStatus::Cancelled => {}
        }
    }
    Ok(())
}

async fn cancel(state: &ApiState, row: &dividend::Model, why: String) -> Result<(), DbErr> {
    tracing::warn!(dividend = row.id, symbol = %row.symbol, "dividend cancelled: {why}");
    dividends::set_status(
        &state.db,
        row.id,
        DividendStatus::Cancelled,
        None,
        Some(why),
    )
    .await
}

/// Every account's holding of `symbol`, at one cut of the market.
async fn holders(state: &ApiState, symbol: Symbol) -> Option<Vec<(AccountId, Quantity)>> {
    let book = state.market.book(symbol)?;
    let (resume, paused) = tokio::sync::oneshot::channel();
    // The book answers once it has stopped, with every event before handed
    // to its accounts; a question sent to an account after that is answered
    // after those events.
    book.addr.send(Pause(paused)).await.ok()?;
    let asked = state
        .market
        .accounts()
        .all()
        .into_iter()
        .map(|(id, addr)| async move {
            let held = addr
                .send(Inspect(Box::new(move |core| {
                    core.ledger().holding(symbol).map(|h| h.quantity)
                })))
                .await
                .ok()
                .flatten();
            held.map(|quantity| (id, quantity))
        });
    let held: Vec<_> = join_all(asked).await.into_iter().flatten().collect();
    drop(resume);
    Some(held)
}

async fn record(state: &ApiState, row: &dividend::Model) -> Result<(), DividendError> {
    let Ok(symbol) = Symbol::new(&row.symbol) else {
        return Ok(cancel(state, row, format!("{:?} is not a symbol", row.symbol)).await?);
    };
    let Some(held) = holders(state, symbol).await else {
        return Ok(cancel(state, row, format!("{symbol} is no longer listed")).await?);
    };
    let issuer = AccountId(row.issuer_account_id as u64);
    let mut payments: Vec<dividend_payment::Model> = held
        .into_iter()
        .filter(|(account, quantity)| *account != issuer && !quantity.is_zero())
        .filter_map(|(account, quantity)| {
            let amount = owed(quantity, row.per_share_micros)?;
            (amount > Money::ZERO).then_some(dividend_payment::Model {
                dividend_id: row.id,
                account_id: account.0 as i64,
                shares: quantity.0 as i64,
                amount: amount.0,
            })
        })
        .collect();
    payments.sort_by_key(|p| p.account_id);
    let txn = state.db.begin().await?;
    dividends::record(&txn, row.id, &payments).await?;
    txn.commit().await?;
    let total = Money(payments.iter().map(|p| p.amount).sum());
    set_aside(state, row, total).await
}

/// The issuer's entry for all of it; once only, whatever the restarts.
async fn set_aside(
    state: &ApiState,
    row: &dividend::Model,
    total: Money,
) -> Result<(), DividendError> {
    if total == Money::ZERO {
        return Ok(());
    }
    let issuer = AccountId(row.issuer_account_id as u64);
    let addr = state
        .market
        .account(issuer)
        .ok_or(DividendError::AccountUnavailable(issuer))?;
    let symbol = Symbol::new(&row.symbol).map_err(|e| DbErr::Custom(e.to_string()))?;
    let paid = addr
        .send(PayDividend {
            amount: -total,
            symbol,
            key: issuer_key(row.id),
        })
        .await
        .map_err(|_| DividendError::AccountUnavailable(issuer))?;
    match paid {
        Ok(_) => Ok(()),
        Err(LedgerError::InsufficientFunds { needed, available }) => Ok(cancel(
            state,
            row,
            format!("at the record time the issuer had {available} of the {needed} it owes"),
        )
        .await?),
        Err(e) => Ok(cancel(state, row, format!("the issuer could not pay: {e}")).await?),
    }
}

async fn pay(state: &ApiState, row: &dividend::Model) -> Result<(), DividendError> {
    let payments = dividends::payments(&state.db, row.id).await?;
    let total = Money(payments.iter().map(|p| p.amount).sum());
    // A restart may have come between the record and the issuer's entry.
    set_aside(state, row, total).await?;
    if dividends::find(&state.db, row.id)
        .await?
        .is_some_and(|r| r.status == DividendStatus::Cancelled)
    {
        return Ok(());
    }
    let symbol = Symbol::new(&row.symbol).map_err(|e| DbErr::Custom(e.to_string()))?;
    for payment in payments {
        let holder = AccountId(payment.account_id as u64);
        let addr = state
            .market
            .account(holder)
            .ok_or(DividendError::AccountUnavailable(holder))?;
        let paid = addr
            .send(PayDividend {
                amount: Money(payment.amount),
                symbol,
                key: holder_key(row.id),
            })
            .await
            .map_err(|_| DividendError::AccountUnavailable(holder))?;
        if let Err(e) = paid {
            tracing::error!(
                dividend = row.id,
                account = payment.account_id,
                "paying a dividend failed: {e}"
            );
        }
    }
    dividends::set_status(&state.db, row.id, DividendStatus::Paid, None, None).await?;
    Ok(())
}
