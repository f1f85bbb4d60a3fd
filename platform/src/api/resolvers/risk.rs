//! Risk limits: an ADMIN or INSTRUCTOR sets them on a player's account, and
//! the account refuses orders that would break them (RISK_LIMIT).

use async_graphql::{Context, ID, Object};
use marketlab_actors::account::RiskLimits;
use marketlab_actors::account::actor::SetRiskLimits;
use marketlab_actors::types::Rate;
use rust_decimal::Decimal;

use super::trading::{account_actor, parse_amount};
use crate::api::error::{ApiError, ApiResult};
use crate::api::guard::{RoleGuard, state, viewer};
use crate::api::types::Account;
use crate::api::types::inputs::RiskLimitsInput;
use crate::persistence::entities::enums::Role;
use crate::persistence::repo::{accounts, audit, risk_limits};

/// More open orders than this is no limit at all.
const MAX_OPEN_ORDERS: i32 = 100_000;

#[derive(Default)]
pub struct RiskMutation;

#[Object]
impl RiskMutation {
    /// ADMIN or INSTRUCTOR: replaces the account's risk limits (a null field
    /// is no limit). They apply to orders placed from then on; open orders
    /// stand. Staff accounts' limits are for an ADMIN to set.
    #[graphql(guard = "RoleGuard::STAFF")]
    async fn set_risk_limits(
        &self,
        ctx: &Context<'_>,
        account_id: ID,
        limits: RiskLimitsInput,
    ) -> ApiResult<Account> {
        let state = state(ctx);
        let caller = viewer(ctx)?;
        let limits = parse_limits(limits)?;
        let id = account_id.parse::<i64>().map_err(|_| {
            ApiError::bad_input(format!("{:?} is not an account id", account_id.as_str()))
        })?;
        let row = accounts::find(&state.db, id)
            .await?
            .ok_or_else(|| ApiError::NotFound(format!("no account {id}")))?;
        if caller.role != Role::Admin && matches!(row.role, Role::Admin | Role::Instructor) {
            return Err(ApiError::Forbidden(
                "only an ADMIN sets the limits of staff accounts".into(),
            ));
        }
        let now = state.market.clock().now().0;
        risk_limits::put(&state.db, id, limits, now).await?;
        account_actor(state, id)?
            .send(SetRiskLimits(limits))
            .await
            .map_err(ApiError::internal)?;
        let detail = serde_json::json!({
            "account": id,
            "maxOrderValue": limits.max_order_value.map(|m| m.to_string()),
            "maxPositionPpm": limits.max_position.map(Rate::ppm),
            "maxOpenOrders": limits.max_open_orders,
        });
        audit::insert(
            &state.db,
            caller.account,
            "setRiskLimits",
            &detail.to_string(),
            now,
        )
        .await?;
        Ok(Account::from(row))
    }
}

pub fn parse_limits(input: RiskLimitsInput) -> ApiResult<RiskLimits> {
    let max_order_value = input
        .max_order_value
        .map(|value| {
            parse_amount(value).map_err(|_| {
                ApiError::bad_input(format!(
                    "maxOrderValue {} must be a positive amount of money",
                    value.0
                ))
            })
        })
        .transpose()?;
    let max_position = input
        .max_position_percent
        .map(|percent| {
            let share = percent.0 / Decimal::ONE_HUNDRED;
            Rate::from_decimal(share)
                .ok()
                .filter(|rate| *rate > Rate::ZERO)
                .ok_or_else(|| {
                    ApiError::bad_input(format!(
                        "maxPositionPercent {} must be above 0 and at most 100, in steps of 0.0001",
                        percent.0
                    ))
                })
        })
        .transpose()?;
    let max_open_orders = input
        .max_open_orders
        .map(|count| {
            u32::try_from(count)
                .ok()
                .filter(|n| (1..=MAX_OPEN_ORDERS as u32).contains(n))
                .ok_or_else(|| {
                    ApiError::bad_input(format!(
                        "maxOpenOrders {count} must be from 1 to {MAX_OPEN_ORDERS}"
                    ))
                })
        })
        .transpose()?;
    Ok(RiskLimits {
        max_order_value,
        max_position,
        max_open_orders,
    })
}
