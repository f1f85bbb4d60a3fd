//! Bot scripts and bots, for ADMIN and INSTRUCTOR. Scripts are stored here;
//! compiling and running them is the bot host's work (issue 6), so until it
//! lands startBots and stopBot answer SCRIPT_ERROR saying so.

use async_graphql::{Context, ID, Object};

use crate::api::error::{ApiError, ApiResult};
use crate::api::guard::{RoleGuard, state};
use crate::api::types::inputs::StartBotInput;
use crate::api::types::{Account, Bot, BotScript};
use crate::persistence::entities::bot_script;
use crate::persistence::repo::{accounts, bot_scripts, bots};

const MAX_SCRIPT_NAME: usize = 64;
const MAX_SCRIPT_BYTES: usize = 64 * 1024;

fn not_hosted() -> ApiError {
    ApiError::ScriptError("this server does not run bots yet (the bot host is issue 6)".into())
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

    #[graphql(guard = "RoleGuard::STAFF")]
    async fn bots(&self, ctx: &Context<'_>) -> ApiResult<Vec<Bot>> {
        let db = &state(ctx).db;
        let mut out = Vec::new();
        for bot in bots::all(db).await? {
            let Some(account) = accounts::find(db, bot.account_id).await? else {
                continue;
            };
            out.push(Bot {
                id: ID(bot.id.to_string()),
                script: bot.script,
                account: Account::from(account),
                status: bot.status.into(),
                error: bot.error,
                params: bot.params,
            });
        }
        Ok(out)
    }
}

#[derive(Default)]
pub struct BotMutation;

#[Object]
impl BotMutation {
    /// ADMIN or INSTRUCTOR: stores the script under its name.
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
        let row = bot_script::Model {
            name,
            source,
            updated_at: state.now().0,
        };
        bot_scripts::upsert(&state.db, &row).await?;
        Ok(row.into())
    }

    #[graphql(guard = "RoleGuard::STAFF")]
    async fn start_bots(&self, _ctx: &Context<'_>, _input: StartBotInput) -> ApiResult<Vec<Bot>> {
        Err(not_hosted())
    }

    #[graphql(guard = "RoleGuard::STAFF")]
    async fn stop_bot(&self, _ctx: &Context<'_>, _id: ID) -> ApiResult<Bot> {
        Err(not_hosted())
    }
}
