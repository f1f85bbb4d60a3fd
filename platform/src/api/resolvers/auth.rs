//! register, login and refreshToken.

use async_graphql::{Context, Object};
use marketlab_actors::types::{AccountId, Timestamp};

use crate::accounts::{self, NewAccount, OpenError};
use crate::api::error::{ApiError, ApiResult};
use crate::api::guard::state;
use crate::api::state::ApiState;
use crate::api::types::enums::Role;
use crate::api::types::inputs::RegisterInput;
use crate::api::types::{Account, AuthPayload};
use crate::auth::{
    DisplayName, Password, Username, hash_password, refresh_token_hash, verify_password,
};
use crate::persistence::begin_write;
use crate::persistence::entities::{account, refresh_token};
use crate::persistence::repo::{accounts as account_rows, refresh_tokens};

#[derive(Default)]
pub struct AuthMutation;

#[Object]
impl AuthMutation {
    async fn register(&self, ctx: &Context<'_>, input: RegisterInput) -> ApiResult<AuthPayload> {
        let state = state(ctx);
        let username = Username::parse(&input.username).map_err(ApiError::BadInput)?;
        let password = Password::parse(&input.password).map_err(ApiError::BadInput)?;
        let display_name = DisplayName::parse(&input.display_name).map_err(ApiError::BadInput)?;
        if !matches!(input.role, Role::Individual | Role::Corporate) {
            return Err(ApiError::Forbidden(
                "register as INDIVIDUAL or CORPORATE; other roles are granted by an ADMIN".into(),
            ));
        }
        if account_rows::find_by_username(&state.db, username.as_str())
            .await?
            .is_some()
        {
            return Err(taken(username.as_str()));
        }
        let salt = state.tokens.salt();
        let hash = blocking(move || hash_password(password.as_str(), &salt))
            .await?
            .map_err(ApiError::Internal)?;
        let id = AccountId(state.account_ids.next() as u64);
        let row = accounts::open(
            &state.db,
            &state.market,
            state.fees,
            id,
            NewAccount {
                username: username.as_str().to_owned(),
                display_name: display_name.as_str().to_owned(),
                role: input.role.into(),
                password_hash: Some(hash),
                company_symbol: None,
            },
        )
        .await
        .map_err(|e| match e {
            OpenError::UsernameTaken(name) => taken(&name),
            other => ApiError::internal(other),
        })?;
        state.roles.set(row.id, row.role);
        signed_in(state, row).await
    }

    async fn login(
        &self,
        ctx: &Context<'_>,
        username: String,
        password: String,
    ) -> ApiResult<AuthPayload> {
        let state = state(ctx);
        let refused = || ApiError::Unauthenticated("wrong username or password".into());
        if username.len() > 32 || password.len() > 512 {
            return Err(refused());
        }
        let Some(row) = account_rows::find_by_username(&state.db, &username).await? else {
            return Err(refused());
        };
        let Some(hash) = row.password_hash.clone() else {
            return Err(refused());
        };
        if !blocking(move || verify_password(&password, &hash)).await? {
            return Err(refused());
        }
        signed_in(state, row).await
    }

    /// Swaps a refresh token for a new pair; the old one stops working. A
    /// token used twice means it leaked: every token of the account is
    /// revoked.
    async fn refresh_token(
        &self,
        ctx: &Context<'_>,
        refresh_token: String,
    ) -> ApiResult<AuthPayload> {
        let state = state(ctx);
        let refused = || ApiError::Unauthenticated("the refresh token is not valid".into());
        if refresh_token.len() > 128 {
            return Err(refused());
        }
        let old_hash = refresh_token_hash(&refresh_token);
        let Some(old) = refresh_tokens::find(&state.db, &old_hash).await? else {
            return Err(refused());
        };
        let now = state.now();
        if old.revoked_at.is_some() {
            refresh_tokens::revoke_all_for(&state.db, old.account_id, now.0).await?;
            return Err(ApiError::Unauthenticated(
                "this refresh token was already used; every session of the account is signed out"
                    .into(),
            ));
        }
        let Some(row) = account_rows::find(&state.db, old.account_id).await? else {
            return Err(refused());
        };
        let (token, new) = new_refresh_row(state, row.id, now);
        let txn = begin_write(&state.db).await?;
        if !refresh_tokens::rotate(&txn, &old_hash, &new, now.0).await? {
            return Err(refused());
        }
        txn.commit().await?;
        Ok(payload(state, row, token, now))
    }
}

fn taken(username: &str) -> ApiError {
    ApiError::Conflict(format!("the username {username:?} is taken"))
}

/// Password hashing takes tens of milliseconds: off the async workers.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> ApiResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(ApiError::internal)
}

fn new_refresh_row(
    state: &ApiState,
    account: i64,
    now: Timestamp,
) -> (String, refresh_token::Model) {
    let (token, token_hash) = state.tokens.new_refresh_token();
    let ttl = state.tokens.settings().refresh_ttl_secs;
    let row = refresh_token::Model {
        token_hash,
        account_id: account,
        expires_at: now.0 + ttl * Timestamp::NANOS_PER_SEC,
        revoked_at: None,
        replaced_by: None,
        created_at: now.0,
    };
    (token, row)
}

pub async fn signed_in(state: &ApiState, row: account::Model) -> ApiResult<AuthPayload> {
    let now = state.now();
    let (token, refresh) = new_refresh_row(state, row.id, now);
    refresh_tokens::insert(&state.db, &refresh).await?;
    Ok(payload(state, row, token, now))
}

fn payload(state: &ApiState, row: account::Model, refresh: String, now: Timestamp) -> AuthPayload {
    let (access, expires) = state
        .tokens
        .issue_access(row.id, now.0.div_euclid(Timestamp::NANOS_PER_SEC));
    AuthPayload {
        access_token: access,
        refresh_token: refresh,
        expires_at: (expires * Timestamp::NANOS_PER_SEC).into(),
        account: Account::from(row),
    }
}
