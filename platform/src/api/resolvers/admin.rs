//! Staff and issuer actions: listing, delisting, sectors, halts and roles
//! (each through the admin's session actor), financial reports (an issuer
//! for its own company) and news (staff).

use std::sync::Arc;

use async_graphql::{Context, ID, Object};
use marketlab_actors::types::{Money, Quantity, TickSize};
use rust_decimal::Decimal;

use super::market::company_row;
use super::trading::{parse_amount, parse_symbol};
use crate::admin::{AdminCommand, AdminOutcome};
use crate::api::error::{ApiError, ApiResult};
use crate::api::guard::{RoleGuard, state, viewer};
use crate::api::scalars::Dec;
use crate::api::state::ApiState;
use crate::api::types::enums::Role;
use crate::api::types::inputs::{FinancialsInput, ListCompanyInput, NewsInput};
use crate::api::types::market::IMPACT_SCALE;
use crate::api::types::{Account, Company, FinancialReport, NewsEvent};
use crate::persistence::entities::{financial_report, news};
use crate::persistence::repo::{accounts, financials, news as news_rows};

const MAX_NAME: usize = 100;
const MAX_HEADLINE: usize = 280;

fn text(field: &str, value: &str, max: usize) -> ApiResult<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() || trimmed.chars().count() > max || trimmed.chars().any(char::is_control)
    {
        return Err(ApiError::bad_input(format!(
            "{field} must be 1 to {max} printable characters"
        )));
    }
    Ok(trimmed.to_owned())
}

fn account_id(id: &ID) -> ApiResult<i64> {
    id.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::bad_input(format!("{:?} is not an account id", id.as_str())))
}

/// Signed money, at most two decimal places (a loss is negative).
fn signed_money(field: &str, value: Dec) -> ApiResult<Money> {
    Money::from_decimal(value.0)
        .map_err(|e| ApiError::bad_input(format!("{field} {}: {e}", value.0)))
}

async fn run(ctx: &Context<'_>, command: AdminCommand) -> ApiResult<AdminOutcome> {
    let state: &Arc<ApiState> = state(ctx);
    let admin = viewer(ctx)?.account;
    state.admin.run(state, admin, command).await
}

fn company(outcome: AdminOutcome) -> ApiResult<Company> {
    match outcome {
        AdminOutcome::Company(row) => Ok(row.into()),
        other => Err(ApiError::internal(format!(
            "expected a company, got {other:?}"
        ))),
    }
}

#[derive(Default)]
pub struct AdminMutation;

#[Object]
impl AdminMutation {
    /// ADMIN only.
    #[graphql(guard = "RoleGuard::ADMIN")]
    async fn list_company(&self, ctx: &Context<'_>, input: ListCompanyInput) -> ApiResult<Company> {
        let symbol = parse_symbol(&input.symbol)?;
        let tick_size = input.tick_size.unwrap_or(Dec(Decimal::new(1, 2)));
        let tick = TickSize::from_decimal(tick_size.0)
            .map_err(|e| ApiError::bad_input(format!("tickSize {}: {e}", tick_size.0)))?;
        let ipo_price = parse_amount(input.ipo_price)?;
        if ipo_price.0 % tick.money().0 != 0 {
            return Err(ApiError::bad_input(format!(
                "ipoPrice {} is not a multiple of the tick size {}",
                input.ipo_price.0, tick_size.0
            )));
        }
        let shares = u64::try_from(input.shares_outstanding.0)
            .ok()
            .filter(|s| (1..=1_000_000_000_000).contains(s))
            .ok_or_else(|| {
                ApiError::bad_input("sharesOutstanding must be from 1 to 1,000,000,000,000")
            })?;
        let command = AdminCommand::ListCompany {
            symbol,
            name: text("name", &input.name, MAX_NAME)?,
            sector: text("sector", &input.sector, MAX_NAME)?,
            shares: Quantity(shares),
            ipo_price,
            tick,
            issuer: account_id(&input.issuer_account_id)?,
        };
        let listed = company(run(ctx, command).await?)?;
        // Bots see the new listing from now on.
        state(ctx).bots.refresh_listings().await?;
        Ok(listed)
    }

    /// ADMIN only: cancels every open order of the symbol and stops its trading.
    #[graphql(guard = "RoleGuard::ADMIN")]
    async fn delist_company(&self, ctx: &Context<'_>, symbol: String) -> ApiResult<Company> {
        let symbol = parse_symbol(&symbol)?;
        company(run(ctx, AdminCommand::Delist(symbol)).await?)
    }

    /// ADMIN only.
    #[graphql(guard = "RoleGuard::ADMIN")]
    async fn update_sector(
        &self,
        ctx: &Context<'_>,
        symbol: String,
        sector: String,
    ) -> ApiResult<Company> {
        let symbol = parse_symbol(&symbol)?;
        let sector = text("sector", &sector, MAX_NAME)?;
        company(run(ctx, AdminCommand::UpdateSector { symbol, sector }).await?)
    }

    /// ADMIN only.
    #[graphql(guard = "RoleGuard::ADMIN")]
    async fn grant_role(
        &self,
        ctx: &Context<'_>,
        account_id: ID,
        role: Role,
    ) -> ApiResult<Account> {
        let account = self::account_id(&account_id)?;
        run(
            ctx,
            AdminCommand::GrantRole {
                account,
                role: role.into(),
            },
        )
        .await?;
        let row = accounts::find(&state(ctx).db, account)
            .await?
            .ok_or_else(|| ApiError::NotFound(format!("no account {account}")))?;
        Ok(row.into())
    }

    /// ADMIN only: symbol null halts the whole market.
    #[graphql(guard = "RoleGuard::ADMIN")]
    async fn halt_trading(&self, ctx: &Context<'_>, symbol: Option<String>) -> ApiResult<bool> {
        let symbol = symbol.as_deref().map(parse_symbol).transpose()?;
        run(ctx, AdminCommand::Halt(symbol)).await?;
        Ok(true)
    }

    /// ADMIN only: symbol null resumes the whole market.
    #[graphql(guard = "RoleGuard::ADMIN")]
    async fn resume_trading(&self, ctx: &Context<'_>, symbol: Option<String>) -> ApiResult<bool> {
        let symbol = symbol.as_deref().map(parse_symbol).transpose()?;
        run(ctx, AdminCommand::Resume(symbol)).await?;
        Ok(true)
    }

    /// CORPORATE only, for its own company.
    #[graphql(guard = "RoleGuard::CORPORATE")]
    async fn publish_financials(
        &self,
        ctx: &Context<'_>,
        input: FinancialsInput,
    ) -> ApiResult<FinancialReport> {
        let state = state(ctx);
        let viewer = viewer(ctx)?;
        let row = accounts::find(&state.db, viewer.account)
            .await?
            .ok_or_else(|| ApiError::NotFound("your account is gone".into()))?;
        let Some(symbol) = row.company_symbol else {
            return Err(ApiError::Forbidden(
                "this corporate account issues no listed company".into(),
            ));
        };
        if !(1900..=9999).contains(&input.year) {
            return Err(ApiError::bad_input(format!(
                "year {} is out of range",
                input.year
            )));
        }
        let company = company_row(state, parse_symbol(&symbol)?).await?;
        let report = financial_report::Model {
            symbol: company.symbol.clone(),
            year: input.year,
            revenue: signed_money("revenue", input.revenue)?.0,
            operating_profit: signed_money("operatingProfit", input.operating_profit)?.0,
            net_income: signed_money("netIncome", input.net_income)?.0,
            published_at: state.now().0,
        };
        financials::upsert(&state.db, &report).await?;
        state.bots.refresh_listings().await?;
        Ok(FinancialReport::new(report, company.shares_outstanding))
    }

    /// ADMIN or INSTRUCTOR.
    #[graphql(guard = "RoleGuard::STAFF")]
    async fn publish_news(&self, ctx: &Context<'_>, input: NewsInput) -> ApiResult<NewsEvent> {
        let state = state(ctx);
        let symbol = match input.symbol.as_deref().map(parse_symbol).transpose()? {
            Some(symbol) => Some(company_row(state, symbol).await?.symbol),
            None => None,
        };
        let headline = text("headline", &input.headline, MAX_HEADLINE)?;
        let impact = input.impact.0;
        if impact.abs() > Decimal::ONE || impact.scale() > IMPACT_SCALE {
            return Err(ApiError::bad_input(format!(
                "impact {impact} must be between -1 and 1 with at most {IMPACT_SCALE} decimal places"
            )));
        }
        let impact_ppm = (impact * Decimal::from(1_000_000))
            .trunc()
            .try_into()
            .map_err(ApiError::internal)?;
        publish_news(state, symbol, headline, impact_ppm).await
    }
}

/// Write a news item down, then tell the bots and the `news` subscribers
/// (`publishNews`, and a live scenario's news on its schedule).
pub async fn publish_news(
    state: &ApiState,
    symbol: Option<String>,
    headline: String,
    impact_ppm: i64,
) -> ApiResult<NewsEvent> {
    let row = news::Model {
        id: state.news_ids.next(),
        symbol,
        headline,
        impact_ppm,
        at: state.now().0,
    };
    news_rows::insert(&state.db, &row).await?;
    state.bots.publish_news(&row);
    let event = NewsEvent::from(row);
    // Nobody listening is fine.
    let _ = state.news.send(event.clone());
    Ok(event)
}
