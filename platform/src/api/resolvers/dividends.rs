//! Cash dividends: declared by an ADMIN or the issuer's CORPORATE account,
//! listed for anyone. The payment itself is `crate::dividends`'s.

use async_graphql::{Context, Object};
use marketlab_actors::account::actor::Inspect;
use marketlab_actors::types::Quantity;

use super::market::company_row;
use super::trading::{account_actor, limit, parse_symbol};
use crate::api::error::{ApiError, ApiResult};
use crate::api::guard::{RoleGuard, state, viewer};
use crate::api::types::dividend::{DeclareDividendInput, Dividend};
use crate::persistence::entities::enums::Role;
use crate::persistence::repo::audit;
use crate::persistence::repo::dividends::{self, NewDividend};
use marketlab_actors::ledger::dividends::{owed, per_share_micros};

#[derive(Default)]
pub struct DividendQuery;

#[Object]
impl DividendQuery {
    /// Dividends declared, newest first: of one company, or of all.
    async fn dividends(
        &self,
        ctx: &Context<'_>,
        symbol: Option<String>,
        #[graphql(default = 100)] limit: Option<i32>,
    ) -> ApiResult<Vec<Dividend>> {
        let state = state(ctx);
        let limit = self::limit(limit, 100)?;
        let symbol = symbol.as_deref().map(parse_symbol).transpose()?;
        let rows = dividends::list(&state.db, symbol.as_ref().map(|s| s.as_str()), limit).await?;
        Ok(rows.into_iter().map(Dividend::from).collect())
    }
}

#[derive(Default)]
pub struct DividendMutation;

#[Object]
impl DividendMutation {
    /// ADMIN, or the company's own CORPORATE account. Holders at
    /// `recordTime` are paid `amountPerShare` for each share at `payTime`,
    /// from the issuer's cash. Refused with INSUFFICIENT_FUNDS when the
    /// issuer's available cash does not cover every share it does not hold.
    #[graphql(guard = "RoleGuard::SIGNED_IN")]
    async fn declare_dividend(
        &self,
        ctx: &Context<'_>,
        input: DeclareDividendInput,
    ) -> ApiResult<Dividend> {
        let state = state(ctx);
        let caller = viewer(ctx)?;
        let symbol = parse_symbol(&input.symbol)?;
        let company = company_row(state, symbol).await?;
        let issuer = company.issuer_account_id;
        if caller.role != Role::Admin
            && !(caller.role == Role::Corporate && caller.account == issuer)
        {
            return Err(ApiError::Forbidden(format!(
                "only an ADMIN or {symbol}'s own corporate account declares its dividends"
            )));
        }
        if !company.listed {
            return Err(ApiError::NotFound(format!("{symbol} is delisted")));
        }
        let micros = per_share_micros(input.amount_per_share.0).map_err(ApiError::bad_input)?;
        let now = state.now();
        let (record, pay) = (input.record_time.0, input.pay_time.0);
        if record < now {
            return Err(ApiError::bad_input("recordTime must not be in the past"));
        }
        if pay < record {
            return Err(ApiError::bad_input("payTime must not be before recordTime"));
        }
        let (available, own) = account_actor(state, issuer)?
            .send(Inspect(Box::new(move |core| {
                let ledger = core.ledger();
                let own = ledger
                    .holding(symbol)
                    .map_or(Quantity::ZERO, |h| h.quantity);
                (ledger.available_cash(), own)
            })))
            .await
            .map_err(ApiError::internal)?;
        let others = Quantity((company.shares_outstanding as u64).saturating_sub(own.0));
        let needed = owed(others, micros)
            .ok_or_else(|| ApiError::bad_input("amountPerShare is too large for this company"))?;
        if needed > available {
            return Err(ApiError::InsufficientFunds(format!(
                "the issuer has {available} available, and this dividend pays {needed} on the {others} shares it does not hold"
            )));
        }
        let row = dividends::insert(
            &state.db,
            NewDividend {
                symbol: symbol.to_string(),
                issuer_account_id: issuer,
                declared_by: caller.account,
                per_share_micros: micros,
                declared_at: now.0,
                record_at: record.0,
                pay_at: pay.0,
            },
        )
        .await?;
        if caller.role == Role::Admin {
            let detail = serde_json::json!({
                "dividend": row.id,
                "symbol": row.symbol,
                "perShare": Dividend::from(row.clone()).amount_per_share.0.to_string(),
                "issuer": issuer,
                "available": available.to_string(),
            });
            audit::insert(
                &state.db,
                caller.account,
                "declareDividend",
                &detail.to_string(),
                now.0,
            )
            .await?;
        }
        Ok(row.into())
    }
}
