//! Who is asking, and the one guard that checks roles. The HTTP layer reads
//! the bearer token once per request (or per WebSocket connection) and puts
//! a [`Caller`] into the request's data; resolvers never parse tokens.

use std::sync::Arc;

use async_graphql::{Context, Guard};

use super::error::{ApiError, ApiResult};
use super::state::ApiState;
use crate::persistence::entities::enums::Role;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    Anonymous,
    Account(i64),
    /// A token was given but is not valid: everything that needs a caller
    /// answers with why.
    Invalid(String),
}

/// The signed-in account and its role as of now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    pub account: i64,
    pub role: Role,
}

pub fn state<'a>(ctx: &Context<'a>) -> &'a Arc<ApiState> {
    ctx.data_unchecked::<Arc<ApiState>>()
}

/// The signed-in caller, or UNAUTHENTICATED.
pub fn viewer(ctx: &Context<'_>) -> ApiResult<Viewer> {
    match ctx.data_opt::<Caller>().unwrap_or(&Caller::Anonymous) {
        Caller::Anonymous => Err(ApiError::Unauthenticated(
            "sign in: send `Authorization: Bearer <accessToken>`".into(),
        )),
        Caller::Invalid(why) => Err(ApiError::Unauthenticated(why.clone())),
        Caller::Account(id) => match state(ctx).roles.get(*id) {
            Some(role) => Ok(Viewer { account: *id, role }),
            None => Err(ApiError::Unauthenticated(
                "the token's account does not exist".into(),
            )),
        },
    }
}

/// Lets a field through for a signed-in caller holding one of `roles`
/// (any role when `roles` is empty).
pub struct RoleGuard(pub &'static [Role]);

impl RoleGuard {
    pub const SIGNED_IN: RoleGuard = RoleGuard(&[]);
    pub const ADMIN: RoleGuard = RoleGuard(&[Role::Admin]);
    pub const STAFF: RoleGuard = RoleGuard(&[Role::Admin, Role::Instructor]);
    pub const CORPORATE: RoleGuard = RoleGuard(&[Role::Corporate]);
}

impl Guard for RoleGuard {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        let viewer = viewer(ctx)?;
        if self.0.is_empty() || self.0.contains(&viewer.role) {
            return Ok(());
        }
        let allowed: Vec<&str> = self.0.iter().map(role_name).collect();
        Err(ApiError::Forbidden(format!(
            "only {} may do this; you are {}",
            allowed.join(" or "),
            role_name(&viewer.role)
        ))
        .into())
    }
}

fn role_name(role: &Role) -> &'static str {
    match role {
        Role::Admin => "ADMIN",
        Role::Instructor => "INSTRUCTOR",
        Role::Individual => "INDIVIDUAL",
        Role::Corporate => "CORPORATE",
        Role::Bot => "BOT",
    }
}
