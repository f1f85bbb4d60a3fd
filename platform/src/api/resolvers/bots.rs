//! Bot scripts and bots, for ADMIN and INSTRUCTOR: scripts are compiled
//! when saved (a compile error is SCRIPT_ERROR with line and column), bots
//! run in the server's bot host (see `crate::bots`).

use std::collections::HashMap;

use async_graphql::{Context, ID, Object};
use marketlab_actors::bots::{BotHostError, BotScript as CompiledScript};
use marketlab_actors::ledger::LedgerLimits;
use marketlab_actors::types::Money;

use super::portfolio::standings;
use super::trading::parse_amount;
use crate::api::error::{ApiError, ApiResult};
use crate::api::guard::{RoleGuard, state};
use crate::api::state::ApiState;
use crate::api::types::inputs::StartBotInput;
use crate::api::types::{Account, Bot, BotScript};
use crate::bots::{BotsError, NewBots};
use crate::persistence::entities::enums::Role;
use crate::persistence::entities::{bot, bot_script};
use crate::persistence::repo::{bot_scripts, bots};
use crate::persister::Drain;

const MAX_SCRIPT_NAME: usize = 64;
const MAX_SCRIPT_BYTES: usize = 64 * 1024;
const MAX_PARAMS_BYTES: usize = 16 * 1024;

impl From<BotsError> for ApiError {
    fn from(error: BotsError) -> ApiError {
        let message = error.to_string();
        match error {
            BotsError::UnknownScript(_) | BotsError::UnknownBot(_) => ApiError::NotFound(message),
            BotsError::Script(_) => ApiError::ScriptError(message),
            BotsError::BadParams(_)
            | BotsError::BadCount(_)
            | BotsError::NoCash
            | BotsError::Host(BotHostError::UnknownSymbol(_)) => ApiError::BadInput(message),
            BotsError::Funding(e) => e.into(),
            BotsError::Database(e) => e.into(),
            BotsError::Host(_) | BotsError::Open(_) => ApiError::internal(message),
        }
    }
}

/// The bots' rows as the API shows them, with equity and profit.
async fn shown(state: &ApiState, rows: Vec<bot::Model>) -> ApiResult<Vec<Bot>> {
    // Bots are not answered once durable: their deposits and trades are
    // read once everything handed over so far is in the tables.
    state.writer.send(Drain).await.map_err(ApiError::internal)?;
    let mut standings: HashMap<i64, _> = standings(state, Role::Bot)
        .await?
        .into_iter()
        .map(|standing| (standing.row.id, standing))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let standing = standings.remove(&row.account_id)?;
            let profit = Money(standing.equity.0 - standing.net_deposits.0);
            Some(Bot {
                id: ID(row.id.to_string()),
                script: row.script,
                account: Account::from(standing.row).with_balances(standing.balances),
                status: row.status.into(),
                error: row.error,
                params: row.params,
                equity: standing.equity.into(),
                profit: profit.into(),
            })
        })
        .collect())
}

fn bot_id(id: &ID) -> ApiResult<i64> {
    id.parse()
        .map_err(|_| ApiError::NotFound(format!("there is no bot {:?}", id.as_str())))
}

#[derive(Default)]
pub struct BotQuery;

#[Object]
impl BotQuery {
    #[graphql(guard = "RoleGuard::STAFF")]
    async fn bot_scripts(&self, ctx: &Context<'_>) -> ApiResult<Vec<BotScript>> {
        Ok(bot_scripts::all(&state(ctx).db)
            .await?
            .into_iter()
            .map(BotScript::from)
            .collect())
    }

    /// Every bot, by id, with its account, equity and profit.
    #[graphql(guard = "RoleGuard::STAFF")]
    async fn bots(&self, ctx: &Context<'_>) -> ApiResult<Vec<Bot>> {
        let state = state(ctx);
        let rows = bots::all(&state.db).await?;
        shown(state, rows).await
    }
}

#[derive(Default)]
pub struct BotMutation;

#[Object]
impl BotMutation {
    /// ADMIN or INSTRUCTOR: compiles the script and stores it under its name
    /// (saving a name again replaces it; running bots keep the version they
    /// started with until the server restarts).
    #[graphql(guard = "RoleGuard::STAFF")]
    async fn save_bot_script(
        &self,
        ctx: &Context<'_>,
        name: String,
        source: String,
    ) -> ApiResult<BotScript> {
        let state = state(ctx);
        let name_ok = !name.is_empty()
            && name.len() <= MAX_SCRIPT_NAME
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
        if !name_ok {
            return Err(ApiError::bad_input(format!(
                "a script name is 1 to {MAX_SCRIPT_NAME} characters of A-Z, a-z, 0-9, '_', '-', '.'"
            )));
        }
        if source.len() > MAX_SCRIPT_BYTES {
            return Err(ApiError::bad_input(format!(
                "a script is at most {MAX_SCRIPT_BYTES} bytes"
            )));
        }
        CompiledScript::compile(&name, &source)
            .map_err(|e| ApiError::ScriptError(e.to_string()))?;
        let row = bot_script::Model {
            name,
            source,
            updated_at: state.now().0,
        };
        bot_scripts::upsert(&state.db, &row).await?;
        Ok(row.into())
    }

    /// Opens an account for each bot, funds it with `cash`, and starts it.
    #[graphql(guard = "RoleGuard::STAFF")]
    async fn start_bots(&self, ctx: &Context<'_>, input: StartBotInput) -> ApiResult<Vec<Bot>> {
        let state = state(ctx);
        let cash = parse_amount(input.cash)?;
        let limit = LedgerLimits::default().max_amount();
        if cash > limit {
            return Err(ApiError::bad_input(format!(
                "cash {} is above the limit of {}",
                cash.to_decimal(),
                limit.to_decimal()
            )));
        }
        let params = input.params.unwrap_or_else(|| "{}".into());
        if params.len() > MAX_PARAMS_BYTES {
            return Err(ApiError::bad_input(format!(
                "params are at most {MAX_PARAMS_BYTES} bytes"
            )));
        }
        let new = NewBots {
            script: input.script,
            params,
            cash,
            count: input.count.unwrap_or(1),
            scenario_run: None,
        };
        let rows = state
            .bots
            .start_group(new, || state.account_ids.next())
            .await?;
        for row in &rows {
            state.roles.set(row.account_id, Role::Bot);
        }
        shown(state, rows).await
    }

    /// Stops the bot and cancels its open orders before answering.
    #[graphql(guard = "RoleGuard::STAFF")]
    async fn stop_bot(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Bot> {
        let state = state(ctx);
        let row = state.bots.stop(bot_id(&id)?).await?;
        shown(state, vec![row])
            .await?
            .pop()
            .ok_or_else(|| ApiError::internal("the stopped bot's account is gone"))
    }
}
