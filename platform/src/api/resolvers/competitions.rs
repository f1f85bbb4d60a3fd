//! Class competitions: an INSTRUCTOR or ADMIN creates one, players join with
//! its code and trade it from an account of its own, and anyone may follow
//! its standings. How they run is `crate::competitions`'s.

use std::time::Duration;

use async_graphql::{Context, ID, Object, Subscription};
use futures_util::stream::{self, Stream};
use marketlab_actors::types::{AccountId, Money, Rate};

use super::auth::signed_in;
use super::risk::parse_limits;
use super::trading::{limit, parse_amount, parse_symbol};
use crate::accounts::{self, NewAccount};
use crate::api::error::{ApiError, ApiResult};
use crate::api::guard::{RoleGuard, state, viewer};
use crate::api::live::tag::Tag;
use crate::api::scalars::Dec;
use crate::api::state::ApiState;
use crate::api::types::AuthPayload;
use crate::api::types::competition::{
    Competition, CompetitionEntry, CompetitionStanding, CreateCompetitionInput,
};
use crate::competitions;
use crate::persistence::entities::enums::{CompetitionStatus, Role};
use crate::persistence::entities::{competition, competition_entry};
use crate::persistence::repo::{
    accounts as account_rows, companies, competitions as rows, risk_limits,
};

use super::subscription::tagged;

const MAX_NAME: usize = 100;

fn competition_id(id: &ID) -> ApiResult<i64> {
    id.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::bad_input(format!("{:?} is not a competition id", id.as_str())))
}

async fn find(state: &ApiState, id: &ID) -> ApiResult<competition::Model> {
    let id = competition_id(id)?;
    rows::find(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no competition {id}")))
}

/// The standings as the API shows them, the best `top` first.
async fn standings(
    state: &ApiState,
    row: &competition::Model,
    top: usize,
) -> ApiResult<Vec<CompetitionStanding>> {
    let mut out = Vec::new();
    for standing in competitions::standings(state, row)
        .await?
        .into_iter()
        .take(top)
    {
        let name = account_rows::find(&state.db, standing.entry.player_account_id)
            .await?
            .map_or_else(String::new, |a| a.display_name);
        out.push(CompetitionStanding::new(standing, name));
    }
    Ok(out)
}

#[derive(Default)]
pub struct CompetitionQuery;

#[Object]
impl CompetitionQuery {
    /// Every competition, newest first.
    async fn competitions(&self, ctx: &Context<'_>) -> ApiResult<Vec<Competition>> {
        let state = state(ctx);
        Ok(rows::all(&state.db)
            .await?
            .into_iter()
            .map(|row| Competition::new(row, state.fees))
            .collect())
    }

    async fn competition(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Competition>> {
        let state = state(ctx);
        let id = competition_id(&id)?;
        Ok(rows::find(&state.db, id)
            .await?
            .map(|row| Competition::new(row, state.fees)))
    }

    /// Ranked by return; frozen once the competition has ended.
    async fn competition_standings(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(default = 20)] limit: Option<i32>,
    ) -> ApiResult<Vec<CompetitionStanding>> {
        let state = state(ctx);
        let limit = self::limit(limit, 20)? as usize;
        let row = find(state, &id).await?;
        standings(state, &row, limit).await
    }

    /// The competitions the caller joined, newest first.
    #[graphql(guard = "RoleGuard::SIGNED_IN")]
    async fn my_competitions(&self, ctx: &Context<'_>) -> ApiResult<Vec<CompetitionEntry>> {
        let state = state(ctx);
        let caller = viewer(ctx)?;
        let mut out = Vec::new();
        for entry in rows::entries_of_player(&state.db, caller.account).await? {
            if let Some(row) = rows::find(&state.db, entry.competition_id).await? {
                out.push(entry_view(state, row, &entry));
            }
        }
        Ok(out)
    }
}

fn entry_view(
    state: &ApiState,
    row: competition::Model,
    entry: &competition_entry::Model,
) -> CompetitionEntry {
    CompetitionEntry {
        competition: Competition::new(row, state.fees),
        account_id: ID(entry.account_id.to_string()),
        joined_at: entry.joined_at.into(),
    }
}

#[derive(Default)]
pub struct CompetitionMutation;

#[Object]
impl CompetitionMutation {
    /// INSTRUCTOR or ADMIN.
    #[graphql(guard = "RoleGuard::STAFF")]
    async fn create_competition(
        &self,
        ctx: &Context<'_>,
        input: CreateCompetitionInput,
    ) -> ApiResult<Competition> {
        let state = state(ctx);
        let caller = viewer(ctx)?;
        let row = new_competition(state, caller.account, input).await?;
        if rows::find_by_code(&state.db, &row.join_code)
            .await?
            .is_some()
        {
            return Err(ApiError::Conflict(format!(
                "the join code {:?} is taken",
                row.join_code
            )));
        }
        let row = rows::insert(&state.db, row).await?;
        Ok(Competition::new(row, state.fees))
    }

    /// Joins with the competition's code: the answer names the account to
    /// trade it with. Joining again answers with the same entry.
    #[graphql(guard = "RoleGuard::SIGNED_IN")]
    async fn join_competition(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> ApiResult<CompetitionEntry> {
        let state = state(ctx);
        let caller = viewer(ctx)?;
        if caller.role != Role::Individual
            || rows::entry_of_account(&state.db, caller.account)
                .await?
                .is_some()
        {
            return Err(ApiError::Forbidden(
                "competitions are for INDIVIDUAL players' own accounts".into(),
            ));
        }
        let row = rows::find_by_code(&state.db, code.trim())
            .await?
            .ok_or_else(|| ApiError::NotFound("no competition has this join code".into()))?;
        if let Some(entry) = rows::entries_of_player(&state.db, caller.account)
            .await?
            .into_iter()
            .find(|e| e.competition_id == row.id)
        {
            return Ok(entry_view(state, row, &entry));
        }
        if row.status == CompetitionStatus::Finished || row.end_at <= state.now().0 {
            return Err(ApiError::Conflict(format!("{} has ended", row.name)));
        }
        let player = account_rows::find(&state.db, caller.account)
            .await?
            .ok_or_else(|| ApiError::NotFound("your account is gone".into()))?;
        let id = AccountId(state.account_ids.next() as u64);
        let account = accounts::open(
            &state.db,
            &state.market,
            competitions::fees(&row, state.fees),
            id,
            NewAccount {
                username: format!("{}#{}", player.username, row.id),
                display_name: player.display_name,
                role: Role::Individual,
                password_hash: None,
                company_symbol: None,
            },
        )
        .await
        .map_err(ApiError::internal)?;
        state.roles.set(account.id, account.role);
        let entry = competition_entry::Model {
            competition_id: row.id,
            player_account_id: caller.account,
            account_id: account.id,
            joined_at: state.now().0,
            final_equity: None,
            final_rank: None,
            final_sharpe: None,
            final_max_drawdown: None,
        };
        rows::insert_entry(&state.db, entry.clone()).await?;
        let limits = competitions::limits(&row);
        if !limits.is_none() {
            risk_limits::put(&state.db, account.id, limits, entry.joined_at).await?;
        }
        competitions::configure(state, &row, id);
        if row.status == CompetitionStatus::Running {
            competitions::fund(state, &row, id).await;
        }
        Ok(entry_view(state, row, &entry))
    }

    /// Signs the caller in as their account in the competition.
    #[graphql(guard = "RoleGuard::SIGNED_IN")]
    async fn competition_token(
        &self,
        ctx: &Context<'_>,
        competition_id: ID,
    ) -> ApiResult<AuthPayload> {
        let state = state(ctx);
        let caller = viewer(ctx)?;
        let id = self::competition_id(&competition_id)?;
        let entry = rows::entries_of_player(&state.db, caller.account)
            .await?
            .into_iter()
            .find(|e| e.competition_id == id)
            .ok_or_else(|| ApiError::NotFound(format!("you have not joined competition {id}")))?;
        let account = account_rows::find(&state.db, entry.account_id)
            .await?
            .ok_or_else(|| ApiError::internal("a competition account is gone"))?;
        signed_in(state, account).await
    }
}

/// A new competition's row from the input, every field checked.
async fn new_competition(
    state: &ApiState,
    creator: i64,
    input: CreateCompetitionInput,
) -> ApiResult<competition::Model> {
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(ApiError::bad_input(format!(
            "name must be 1 to {MAX_NAME} printable characters"
        )));
    }
    let starting_cash = parse_amount(input.starting_cash)?;
    let (start, end) = (input.start_time.0, input.end_time.0);
    if end <= start || end <= state.now() {
        return Err(ApiError::bad_input(
            "endTime must be after startTime and in the future",
        ));
    }
    let symbols = match input.symbols {
        None => None,
        Some(list) if list.is_empty() => {
            return Err(ApiError::bad_input(
                "symbols, when given, lists at least one",
            ));
        }
        Some(list) => {
            let mut symbols = Vec::new();
            for text in list {
                let symbol = parse_symbol(&text)?;
                let listed = companies::find(&state.db, symbol.as_str()).await?;
                if !listed.is_some_and(|c| c.listed) {
                    return Err(ApiError::NotFound(format!(
                        "no company is listed as {symbol}"
                    )));
                }
                if !symbols.contains(&symbol) {
                    symbols.push(symbol);
                }
            }
            Some(
                symbols
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(","),
            )
        }
    };
    let join_code = match input.join_code {
        Some(code) => {
            let code = code.trim().to_owned();
            if !(4..=32).contains(&code.len())
                || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            {
                return Err(ApiError::bad_input(
                    "joinCode must be 4 to 32 letters, digits or dashes",
                ));
            }
            code
        }
        None => hex::encode_upper(&state.tokens.salt()[..5]),
    };
    let rate = |name: &str, value: Option<Dec>| -> ApiResult<Option<i32>> {
        value
            .map(|v| {
                Rate::from_decimal(v.0)
                    .map(|r| r.ppm() as i32)
                    .map_err(|e| ApiError::bad_input(format!("{name} {}: {e}", v.0)))
            })
            .transpose()
    };
    let min_commission = match input.min_commission {
        None => None,
        Some(value) => {
            let money = Money::from_decimal(value.0)
                .ok()
                .filter(|m| !m.is_negative())
                .ok_or_else(|| {
                    ApiError::bad_input(format!(
                        "minCommission {} must be money, not negative",
                        value.0
                    ))
                })?;
            Some(money.0)
        }
    };
    let limits = input
        .risk_limits
        .map(parse_limits)
        .transpose()?
        .unwrap_or_default();
    Ok(competition::Model {
        id: 0,
        name: name.to_owned(),
        created_by: creator,
        join_code,
        starting_cash: starting_cash.0,
        start_at: start.0,
        end_at: end.0,
        symbols,
        commission_ppm: rate("commission", input.commission)?,
        min_commission,
        sell_tax_ppm: rate("sellTax", input.sell_tax)?,
        max_order_value: limits.max_order_value.map(|m| m.0),
        max_position_ppm: limits.max_position.map(|r| r.ppm() as i32),
        max_open_orders: limits.max_open_orders.map(|n| n as i32),
        status: CompetitionStatus::Scheduled,
        created_at: state.now().0,
    })
}

#[derive(Default)]
pub struct CompetitionSubscription;

/// How often the standings are looked at for a change.
const STANDINGS_EVERY: Duration = Duration::from_secs(1);

#[Subscription]
impl CompetitionSubscription {
    /// The best `top` (1 to 100), now and whenever they change, at most once
    /// a second; it ends after the frozen standings of a finished competition.
    async fn competition_standings(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(default = 10)] top: Option<i32>,
    ) -> Result<impl Stream<Item = Vec<CompetitionStanding>>, ApiError> {
        let state = state(ctx).clone();
        let top = limit(top, 10)? as usize;
        if top > 100 {
            return Err(ApiError::bad_input("top must be between 1 and 100"));
        }
        let row = find(&state, &id).await?;
        let updates = stream::unfold(
            (state, row.id, None::<Vec<CompetitionStanding>>, false),
            move |(state, id, last, done)| async move {
                if done {
                    return None;
                }
                loop {
                    if last.is_some() {
                        tokio::time::sleep(STANDINGS_EVERY).await;
                    }
                    let row = rows::find(&state.db, id).await.ok()??;
                    let now = standings(&state, &row, top).await.ok()?;
                    let finished = row.status == CompetitionStatus::Finished;
                    if last.as_ref() != Some(&now) || (finished && last.is_none()) {
                        return Some((now.clone(), (state, id, Some(now), finished)));
                    }
                    if finished {
                        return None;
                    }
                }
            },
        );
        Ok(tagged(ctx, updates, |_| Tag::STANDINGS))
    }
}
