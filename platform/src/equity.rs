//! Every account's equity, sampled once a period (a minute unless set
//! otherwise): cash plus each holding at its book's last price, or at what
//! it cost while the book has not traded. Performance reports and
//! competition standings are computed from these samples.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;
use marketlab_actors::account::actor::Inspect;
use marketlab_actors::analytics::performance::{EquityCurve, EquityPoint, PerformanceError};
use marketlab_actors::market::Market;
use marketlab_actors::types::{AccountId, Money, Timestamp};
use sea_orm::DbErr;

use crate::api::state::ApiState;
use crate::persistence::entities::equity_sample;
use crate::persistence::repo::equity_samples;

/// How often each account's equity is sampled.
pub const DEFAULT_SAMPLE_EVERY: Duration = Duration::from_secs(60);

/// Runs for the server's life: at the start of each period (by the market's
/// clock), every running account's equity.
pub async fn run(state: Arc<ApiState>, every: Duration) {
    let period = i64::try_from(every.as_nanos()).unwrap_or(i64::MAX).max(1);
    let mut last = None;
    loop {
        let now = state.now().0;
        let start = now - now.rem_euclid(period);
        if last != Some(start) {
            if let Err(e) = sample(&state, Timestamp(start)).await {
                tracing::error!("sampling equity: {e}");
            }
            last = Some(start);
        }
        // Wakes often enough to sample within a tenth of a period of its
        // start, never busier than ten times a second.
        let nap = (every / 10).clamp(Duration::from_millis(100), Duration::from_secs(1));
        tokio::time::sleep(nap).await;
    }
}

/// One account's equity now.
pub async fn of_account(market: &Market, account: AccountId) -> Option<Money> {
    let addr = market.account(account)?;
    let marks = market.clone();
    addr.send(Inspect(Box::new(move |core| {
        core.equity(|s| marks.book(s).and_then(|b| b.last_price()))
    })))
    .await
    .ok()
}

async fn sample(state: &ApiState, at: Timestamp) -> Result<(), DbErr> {
    let market = &state.market;
    let asked = market
        .accounts()
        .all()
        .into_iter()
        .map(|(id, _)| async move {
            of_account(market, id)
                .await
                .map(|equity| equity_sample::Model {
                    account_id: id.0 as i64,
                    at: at.0,
                    equity: equity.0,
                })
        });
    let samples: Vec<_> = join_all(asked).await.into_iter().flatten().collect();
    equity_samples::insert_many(&state.db, &samples).await
}

/// An account's sampled equity curve from `from` to `to` inclusive.
pub async fn curve(
    state: &ApiState,
    account: AccountId,
    from: Timestamp,
    to: Timestamp,
) -> Result<Result<EquityCurve, PerformanceError>, DbErr> {
    let rows = equity_samples::between(&state.db, account.0 as i64, from.0, to.0).await?;
    Ok(EquityCurve::new(
        rows.into_iter()
            .map(|r| EquityPoint {
                at: Timestamp(r.at),
                equity: Money(r.equity),
            })
            .collect(),
    ))
}
