//! Class competitions.
//!
//! - An INSTRUCTOR (or ADMIN) creates one: a name, a starting cash, a start
//!   and an end, optionally the symbols allowed, fee overrides and risk
//!   limits for every entry. It gets a join code.
//! - A player joins with the code and gets a separate account for it: its
//!   own cash, holdings and orders, so the player's main account is
//!   untouched. `competitionToken` signs the player in as that account.
//! - At the start every entry is funded with the starting cash (a keyed
//!   deposit; a player joining later is funded on joining). Orders from a
//!   competition account are refused outside the window, and deposits and
//!   withdrawals always.
//! - At the end the entries' open orders are cancelled and the standings
//!   (by return, with the Sharpe ratio and maximum drawdown of the minute
//!   equity samples) are frozen.
//!
//! A task started with the server moves each competition along by the
//! market's clock. Each step is keyed or checks what is done, so after a
//! restart it goes on where it stopped.

use std::sync::Arc;
use std::time::Duration;

use marketlab_actors::account::actor::{CancelOrder, Deposit, Inspect, SetMandate, SetRiskLimits};
use marketlab_actors::account::{Mandate, RiskLimits};
use marketlab_actors::analytics::performance::{PerformanceParams, report};
use marketlab_actors::ledger::FeeSchedule;
use marketlab_actors::types::{AccountId, Money, Rate, Symbol, Timestamp};
use rust_decimal::Decimal;
use sea_orm::DbErr;

use crate::api::state::ApiState;
use crate::equity;
use crate::persistence::entities::enums::CompetitionStatus;
use crate::persistence::entities::{competition, competition_entry};
use crate::persistence::repo::{competitions, risk_limits};

/// How often the task looks for a start or an end that has come.
const POLL: Duration = Duration::from_millis(250);

/// One entry's place in a competition.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    pub rank: i32,
    pub entry: competition_entry::Model,
    pub equity: Money,
    /// Equity over the starting cash, less 1.
    pub return_fraction: Decimal,
    pub sharpe: Option<Decimal>,
    pub max_drawdown: Decimal,
}

/// The symbols a competition allows, `None` for all.
pub fn symbols(row: &competition::Model) -> Option<Vec<Symbol>> {
    row.symbols.as_deref().map(|text| {
        text.split(',')
            .filter_map(|s| Symbol::new(s).ok())
            .collect()
    })
}

/// Where and when its accounts may trade.
pub fn mandate(row: &competition::Model) -> Mandate {
    Mandate {
        window: Some((Timestamp(row.start_at), Timestamp(row.end_at))),
        symbols: symbols(row),
    }
}

/// The market's fees with the competition's overrides.
pub fn fees(row: &competition::Model, market: FeeSchedule) -> FeeSchedule {
    let rate = |ppm: Option<i32>, default: Rate| {
        ppm.and_then(|p| u32::try_from(p).ok())
            .and_then(|p| Rate::from_ppm(p).ok())
            .unwrap_or(default)
    };
    FeeSchedule::new(
        rate(row.commission_ppm, market.commission()),
        row.min_commission.map_or(market.min_commission(), Money),
        rate(row.sell_tax_ppm, market.sell_tax()),
    )
    .unwrap_or(market)
}

/// The risk limits on every entry (out-of-range columns, which the API
/// never writes, count as no limit).
pub fn limits(row: &competition::Model) -> RiskLimits {
    risk_limits::from_columns(
        row.max_order_value,
        row.max_position_ppm,
        row.max_open_orders,
    )
    .unwrap_or_default()
}

/// Set an entry's account up as the competition says: its mandate and, when
/// it has any, its limits.
pub fn configure(state: &ApiState, row: &competition::Model, account: AccountId) {
    if let Some(addr) = state.market.account(account) {
        addr.do_send(SetMandate(mandate(row)));
        let limits = limits(row);
        if !limits.is_none() {
            addr.do_send(SetRiskLimits(limits));
        }
    }
}

/// Fund an entry with the starting cash, once whatever the restarts.
pub async fn fund(state: &ApiState, row: &competition::Model, account: AccountId) {
    let Some(addr) = state.market.account(account) else {
        return;
    };
    let funded = addr
        .send(Deposit {
            amount: Money(row.starting_cash),
            key: Some(format!("competition:{}:funding", row.id)),
        })
        .await;
    if !matches!(funded, Ok(Ok(_))) {
        tracing::error!(competition = row.id, account = %account, "funding failed: {funded:?}");
    }
}

/// Runs for the server's life: starts and ends competitions when their time
/// comes.
pub async fn run(state: Arc<ApiState>) {
    loop {
        if let Err(e) = step_due(&state).await {
            tracing::error!("moving competitions along: {e}");
        }
        tokio::time::sleep(POLL).await;
    }
}

async fn step_due(state: &ApiState) -> Result<(), DbErr> {
    let now = state.now().0;
    for row in competitions::unfinished(&state.db).await? {
        if row.status == CompetitionStatus::Scheduled && row.start_at <= now {
            for entry in competitions::entries(&state.db, row.id).await? {
                fund(state, &row, AccountId(entry.account_id as u64)).await;
            }
            competitions::set_status(&state.db, row.id, CompetitionStatus::Running).await?;
        }
        if row.end_at <= now {
            finish(state, &row).await?;
        }
    }
    Ok(())
}

/// Cancel what is open and freeze the standings.
async fn finish(state: &ApiState, row: &competition::Model) -> Result<(), DbErr> {
    for entry in competitions::entries(&state.db, row.id).await? {
        let Some(addr) = state.market.account(AccountId(entry.account_id as u64)) else {
            continue;
        };
        let open = addr
            .send(Inspect(Box::new(|core| {
                core.open_orders().map(|o| o.id).collect::<Vec<_>>()
            })))
            .await
            .unwrap_or_default();
        for id in open {
            // One that filled or ended meanwhile is fine.
            let _ = addr.send(CancelOrder(id)).await;
        }
    }
    for standing in live_standings(state, row).await? {
        let frozen = competition_entry::Model {
            final_equity: Some(standing.equity.0),
            final_rank: Some(standing.rank),
            final_sharpe: standing.sharpe.map(|s| s.to_string()),
            final_max_drawdown: Some(standing.max_drawdown.to_string()),
            ..standing.entry
        };
        competitions::freeze_entry(&state.db, &frozen).await?;
    }
    competitions::set_status(&state.db, row.id, CompetitionStatus::Finished).await
}

/// The standings: frozen once finished, else at the entries' equity now.
pub async fn standings(state: &ApiState, row: &competition::Model) -> Result<Vec<Standing>, DbErr> {
    if row.status != CompetitionStatus::Finished {
        return live_standings(state, row).await;
    }
    let mut frozen: Vec<Standing> = competitions::entries(&state.db, row.id)
        .await?
        .into_iter()
        .map(|entry| {
            let equity = Money(entry.final_equity.unwrap_or(row.starting_cash));
            Standing {
                rank: entry.final_rank.unwrap_or(i32::MAX),
                equity,
                return_fraction: return_fraction(equity, Money(row.starting_cash)),
                sharpe: entry.final_sharpe.as_deref().and_then(|s| s.parse().ok()),
                max_drawdown: entry
                    .final_max_drawdown
                    .as_deref()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or_default(),
                entry,
            }
        })
        .collect();
    frozen.sort_by_key(|s| (s.rank, s.entry.account_id));
    Ok(frozen)
}

async fn live_standings(
    state: &ApiState,
    row: &competition::Model,
) -> Result<Vec<Standing>, DbErr> {
    let params = PerformanceParams {
        sample_period_ms: state.equity_sample_every_ms,
        risk_free_annual: Decimal::ZERO,
    };
    let mut standings = Vec::new();
    for entry in competitions::entries(&state.db, row.id).await? {
        let account = AccountId(entry.account_id as u64);
        let equity = equity::of_account(&state.market, account)
            .await
            .unwrap_or(Money::ZERO);
        let curve = equity::curve(
            state,
            account,
            Timestamp(row.start_at),
            Timestamp(row.end_at),
        )
        .await?;
        let statistics = curve
            .ok()
            .and_then(|curve| report(&curve, &[], Money::ZERO, &params).ok());
        standings.push(Standing {
            rank: 0,
            equity,
            return_fraction: return_fraction(equity, Money(row.starting_cash)),
            sharpe: statistics.as_ref().and_then(|s| s.sharpe),
            max_drawdown: statistics.map_or(Decimal::ZERO, |s| s.max_drawdown_fraction()),
            entry,
        });
    }
    // Best return first; ties by who joined first.
    standings.sort_by(|a, b| {
        b.return_fraction
            .cmp(&a.return_fraction)
            .then(a.entry.joined_at.cmp(&b.entry.joined_at))
            .then(a.entry.account_id.cmp(&b.entry.account_id))
    });
    for (i, standing) in standings.iter_mut().enumerate() {
        standing.rank = i as i32 + 1;
    }
    Ok(standings)
}

/// `equity / start - 1`, to 10 decimals (half to even); 0 without a start.
pub fn return_fraction(equity: Money, start: Money) -> Decimal {
    if start <= Money::ZERO {
        return Decimal::ZERO;
    }
    (equity.to_decimal() / start.to_decimal() - Decimal::ONE)
        .round_dp_with_strategy(10, rust_decimal::RoundingStrategy::MidpointNearestEven)
        .normalize()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_is_equity_over_the_start_less_one() {
        assert_eq!(
            return_fraction(Money(110_000), Money(100_000)),
            Decimal::new(1, 1)
        );
        assert_eq!(
            return_fraction(Money(90_000), Money(100_000)),
            Decimal::new(-1, 1)
        );
        // 1/3 - 1 to ten decimals.
        assert_eq!(
            return_fraction(Money(1), Money(3)),
            Decimal::new(-6_666_666_667, 10)
        );
        assert_eq!(return_fraction(Money(5), Money::ZERO), Decimal::ZERO);
    }
}
