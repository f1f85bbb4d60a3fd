//! Performance analytics: the caller's (`myPerformance`) and a bot's
//! (`botPerformance`, public like the bot leaderboard), over a window of the
//! equity samples.

use async_graphql::{Context, ID, Object};
use marketlab_actors::analytics::performance::{PerformanceParams, report};
use marketlab_actors::types::{AccountId, Money, Timestamp};
use rust_decimal::Decimal;

use crate::api::error::{ApiError, ApiResult};
use crate::api::guard::{RoleGuard, state, viewer};
use crate::api::scalars::{DateTime, Dec};
use crate::api::state::ApiState;
use crate::api::types::performance::{EquityPoint, Performance};
use crate::equity;
use crate::persistence::repo::{bots, fills, realized};

/// The window a report covers when none is given: the last week.
const DEFAULT_WINDOW: i64 = 7 * 24 * 3_600 * Timestamp::NANOS_PER_SEC;

#[derive(Default)]
pub struct PerformanceQuery;

#[Object]
impl PerformanceQuery {
    /// The caller's performance from `from` (default a week before `to`) to
    /// `to` (default now). `riskFreeRate` is annual, as a fraction (0.04).
    #[graphql(guard = "RoleGuard::SIGNED_IN")]
    async fn my_performance(
        &self,
        ctx: &Context<'_>,
        from: Option<DateTime>,
        to: Option<DateTime>,
        risk_free_rate: Option<Dec>,
    ) -> ApiResult<Performance> {
        let state = state(ctx);
        let viewer = viewer(ctx)?;
        performance(state, viewer.account, (from, to), risk_free_rate).await
    }

    /// A scripted bot's performance, as `myPerformance` computes it.
    async fn bot_performance(
        &self,
        ctx: &Context<'_>,
        id: ID,
        from: Option<DateTime>,
        to: Option<DateTime>,
        risk_free_rate: Option<Dec>,
    ) -> ApiResult<Performance> {
        let state = state(ctx);
        let bot = id
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .ok_or_else(|| ApiError::bad_input(format!("{:?} is not a bot id", id.as_str())))?;
        let row = bots::find(&state.db, bot)
            .await?
            .ok_or_else(|| ApiError::NotFound(format!("no bot {bot}")))?;
        performance(state, row.account_id, (from, to), risk_free_rate).await
    }
}

async fn performance(
    state: &ApiState,
    account: i64,
    (from, to): (Option<DateTime>, Option<DateTime>),
    risk_free_rate: Option<Dec>,
) -> ApiResult<Performance> {
    let to = to.map_or(state.now(), |t| t.0);
    let from = from.map_or(Timestamp(to.0.saturating_sub(DEFAULT_WINDOW)), |f| f.0);
    if from > to {
        return Err(ApiError::bad_input("from must not be after to"));
    }
    let rate = risk_free_rate.map_or(Decimal::ZERO, |r| r.0);
    if !(Decimal::ZERO..=Decimal::ONE).contains(&rate) {
        return Err(ApiError::bad_input(format!(
            "riskFreeRate {rate} must be a fraction from 0 to 1"
        )));
    }
    let curve = equity::curve(state, AccountId(account as u64), from, to)
        .await?
        .map_err(ApiError::internal)?;
    let gains: Vec<Money> = realized::between(&state.db, account, from.0, to.0)
        .await?
        .into_iter()
        .map(|g| Money(g.gain))
        .collect();
    let traded = Money(fills::traded_value(&state.db, account, from.0, to.0).await?);
    let params = PerformanceParams {
        sample_period_ms: state.equity_sample_every_ms,
        risk_free_annual: rate,
    };
    let report = report(&curve, &gains, traded, &params).map_err(ApiError::internal)?;
    let points = curve
        .points()
        .iter()
        .map(|p| EquityPoint {
            at: p.at.into(),
            equity: p.equity.into(),
        })
        .collect();
    Ok(Performance::new(
        (from.into(), to.into()),
        points,
        report,
        Dec(rate),
    ))
}
