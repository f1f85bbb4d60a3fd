//! Live scenario runs, for ADMIN and INSTRUCTOR: the record of every run,
//! and pausing, resuming and stopping the one running in this server (see
//! `crate::scenario::live`).

use async_graphql::{Context, ID, Object};

use crate::api::error::{ApiError, ApiResult};
use crate::api::guard::{RoleGuard, state};
use crate::api::types::ScenarioRun;
use crate::persistence::repo::scenario_runs;
use crate::scenario::Control;

/// Runs `scenarioRuns` lists at most.
const MAX_RUNS: u64 = 100;

fn run_id(id: &ID) -> ApiResult<i64> {
    id.parse()
        .map_err(|_| ApiError::NotFound(format!("there is no scenario run {:?}", id.as_str())))
}

#[derive(Default)]
pub struct ScenarioQuery;

#[Object]
impl ScenarioQuery {
    /// The latest live scenario runs, newest first.
    #[graphql(guard = "RoleGuard::STAFF")]
    async fn scenario_runs(&self, ctx: &Context<'_>) -> ApiResult<Vec<ScenarioRun>> {
        Ok(scenario_runs::recent(&state(ctx).db, MAX_RUNS)
            .await?
            .into_iter()
            .map(ScenarioRun::from)
            .collect())
    }
}

#[derive(Default)]
pub struct ScenarioMutation;

#[Object]
impl ScenarioMutation {
    /// Halt the run's companies and put its clock, its schedule and its
    /// bots' ticks on hold. CONFLICT when it is already paused or over.
    #[graphql(guard = "RoleGuard::STAFF")]
    async fn pause_scenario(&self, ctx: &Context<'_>, id: ID) -> ApiResult<ScenarioRun> {
        control(ctx, &id, Control::Pause).await
    }

    /// Go on from where the run was paused (companies a scheduled halt
    /// stopped stay halted). CONFLICT when it is not paused.
    #[graphql(guard = "RoleGuard::STAFF")]
    async fn resume_scenario(&self, ctx: &Context<'_>, id: ID) -> ApiResult<ScenarioRun> {
        control(ctx, &id, Control::Resume).await
    }

    /// End the run now: its bots stop (their orders cancelled), its
    /// companies halt, its summary is written. CONFLICT when it is over.
    #[graphql(guard = "RoleGuard::STAFF")]
    async fn stop_scenario(&self, ctx: &Context<'_>, id: ID) -> ApiResult<ScenarioRun> {
        control(ctx, &id, Control::Stop).await
    }
}

async fn control(ctx: &Context<'_>, id: &ID, control: Control) -> ApiResult<ScenarioRun> {
    let state = state(ctx);
    let id = run_id(id)?;
    state
        .scenarios
        .control(state, id, control)
        .await
        .map(ScenarioRun::from)
}
