//! Accounts and what they own: balances and holdings live in the account
//! actor (asked once per account object), history in the database.

use std::sync::Arc;

use async_graphql::{ComplexObject, Context, ID, SimpleObject};
use marketlab_actors::account::actor::Inspect;
use marketlab_actors::account::{RiskLimits, percent};
use marketlab_actors::ledger::{self, HoldingView};
use marketlab_actors::types::{AccountId, Money, Symbol};
use tokio::sync::OnceCell;

use super::enums::{LedgerKind, Role};
use super::market::Company;
use crate::api::error::{ApiError, ApiResult};
use crate::api::guard::state;
use crate::api::scalars::{DateTime, Dec, Long};
use crate::api::state::ApiState;
use crate::persistence::entities::{account, ledger_entry};
use crate::persistence::repo::companies;

/// An account's balances and holdings at one moment.
#[derive(Debug, Clone, Default)]
pub struct Balances {
    pub cash: Money,
    pub available_cash: Money,
    pub realized_gains: Money,
    pub holdings: Vec<HoldingView>,
    pub limits: RiskLimits,
}

impl Balances {
    pub async fn of(state: &ApiState, account: i64) -> ApiResult<Balances> {
        let Some(actor) = state.market.account(AccountId(account as u64)) else {
            return Err(ApiError::internal(format!(
                "account {account} is not running"
            )));
        };
        let balances = actor
            .send(Inspect(Box::new(|core| {
                let ledger: &ledger::Account = core.ledger();
                Balances {
                    cash: ledger.cash(),
                    available_cash: ledger.available_cash(),
                    realized_gains: ledger.realized_total(),
                    holdings: ledger.holdings().collect(),
                    limits: core.limits(),
                }
            })))
            .await
            .map_err(ApiError::internal)?;
        Ok(balances)
    }
}

#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex)]
pub struct Account {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub account_number: String,
    pub created_at: DateTime,
    #[graphql(skip)]
    pub row_id: i64,
    #[graphql(skip)]
    pub company_symbol: Option<String>,
    #[graphql(skip)]
    balances: Arc<OnceCell<Balances>>,
}

impl From<account::Model> for Account {
    fn from(row: account::Model) -> Account {
        Account {
            username: row.username,
            display_name: row.display_name,
            role: row.role.into(),
            account_number: row.account_number,
            created_at: row.created_at.into(),
            row_id: row.id,
            company_symbol: row.company_symbol,
            balances: Arc::default(),
        }
    }
}

impl Account {
    pub fn with_balances(mut self, balances: Balances) -> Account {
        self.balances = Arc::new(OnceCell::new_with(Some(balances)));
        self
    }

    async fn balances(&self, ctx: &Context<'_>) -> ApiResult<&Balances> {
        self.balances
            .get_or_try_init(|| Balances::of(state(ctx), self.row_id))
            .await
    }
}

#[ComplexObject]
impl Account {
    async fn id(&self) -> ID {
        ID(self.row_id.to_string())
    }

    /// All cash, reserved or not.
    async fn cash(&self, ctx: &Context<'_>) -> ApiResult<Dec> {
        Ok(self.balances(ctx).await?.cash.into())
    }

    /// Cash not reserved by open buy orders.
    async fn available_cash(&self, ctx: &Context<'_>) -> ApiResult<Dec> {
        Ok(self.balances(ctx).await?.available_cash.into())
    }

    /// Sum of FIFO realized gains over the account's life.
    async fn realized_gains(&self, ctx: &Context<'_>) -> ApiResult<Dec> {
        Ok(self.balances(ctx).await?.realized_gains.into())
    }

    /// For a CORPORATE account: the company it issues.
    async fn company(&self, ctx: &Context<'_>) -> ApiResult<Option<Company>> {
        let Some(symbol) = &self.company_symbol else {
            return Ok(None);
        };
        Ok(companies::find(&state(ctx).db, symbol)
            .await?
            .map(Company::from))
    }

    /// What an admin or instructor limits this account's orders to.
    async fn risk_limits(&self, ctx: &Context<'_>) -> ApiResult<RiskLimitsView> {
        Ok(self.balances(ctx).await?.limits.into())
    }

    async fn holdings(&self, ctx: &Context<'_>) -> ApiResult<Vec<Holding>> {
        let views = self.balances(ctx).await?.holdings.clone();
        let mut holdings = Vec::with_capacity(views.len());
        for view in views {
            let Some(company) = companies::find(&state(ctx).db, view.symbol.as_str()).await? else {
                continue;
            };
            holdings.push(Holding::new(view, company.into(), ctx));
        }
        Ok(holdings)
    }
}

/// Limits on an account's orders; null is no limit. An order that would
/// break one is refused with RISK_LIMIT.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "RiskLimits")]
pub struct RiskLimitsView {
    /// The largest value of one order, at the worst price it can trade at
    /// (its limit, or for market and stop orders the edge of the price band).
    pub max_order_value: Option<Dec>,
    /// The largest holding of one company a buy may bring the account to, as
    /// a percentage of its equity (cash plus holdings at their last price),
    /// counting open buys at their worst price.
    pub max_position_percent: Option<Dec>,
    /// The most orders open at once.
    pub max_open_orders: Option<i32>,
}

impl From<RiskLimits> for RiskLimitsView {
    fn from(limits: RiskLimits) -> RiskLimitsView {
        RiskLimitsView {
            max_order_value: limits.max_order_value.map(Dec::from),
            max_position_percent: limits.max_position.map(|share| Dec(percent(share))),
            max_open_orders: limits.max_open_orders.map(|n| n as i32),
        }
    }
}

#[derive(Debug, Clone, SimpleObject)]
pub struct AuthPayload {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_at: DateTime,
    pub account: Account,
}

#[derive(Debug, Clone, SimpleObject)]
pub struct Holding {
    pub symbol: String,
    pub company: Company,
    pub quantity: Long,
    /// Shares not reserved by open sell orders.
    pub available_quantity: Long,
    /// Cost basis per share, buy commissions included.
    pub average_cost: Dec,
    pub market_value: Option<Dec>,
    pub unrealized_gain: Option<Dec>,
}

impl Holding {
    pub fn new(view: HoldingView, company: Company, ctx: &Context<'_>) -> Holding {
        let mark = company.mark(ctx);
        Holding {
            symbol: view.symbol.to_string(),
            quantity: Long::from(view.quantity.0),
            available_quantity: Long::from(view.available.0),
            average_cost: Dec(view.average_cost().unwrap_or_default()),
            market_value: view.market_value(mark).map(Dec::from),
            unrealized_gain: view.unrealized_gain(mark).map(Dec::from),
            company,
        }
    }
}

/// One FIFO tax lot: what one buy fill (or an allotment) added.
#[derive(Debug, Clone, SimpleObject)]
pub struct Lot {
    pub id: ID,
    pub symbol: String,
    pub acquired_at: DateTime,
    pub quantity: Long,
    pub remaining_quantity: Long,
    pub price: Dec,
}

impl Lot {
    pub fn new(account: i64, symbol: Symbol, lot: &ledger::Lot) -> Lot {
        Lot {
            id: ID(format!("{account}-{symbol}-{}", lot.id)),
            symbol: symbol.to_string(),
            acquired_at: lot.acquired_at.into(),
            quantity: Long::from(lot.bought.0),
            remaining_quantity: Long::from(lot.quantity.0),
            price: lot.price.into(),
        }
    }
}

/// What one sell fill realized against one lot, oldest lot first.
#[derive(Debug, Clone, SimpleObject)]
pub struct RealizedGain {
    pub symbol: String,
    pub quantity: Long,
    pub buy_price: Dec,
    pub sell_price: Dec,
    pub gain: Dec,
    pub acquired_at: DateTime,
    pub sold_at: DateTime,
}

impl From<&ledger::RealizedGain> for RealizedGain {
    fn from(row: &ledger::RealizedGain) -> RealizedGain {
        RealizedGain {
            symbol: row.symbol.to_string(),
            quantity: Long::from(row.quantity.0),
            buy_price: row.buy_price.into(),
            sell_price: row.sell_price.into(),
            gain: row.gain.into(),
            acquired_at: row.acquired_at.into(),
            sold_at: row.sold_at.into(),
        }
    }
}

#[derive(Debug, Clone, SimpleObject)]
pub struct CapitalGainsReport {
    pub year: i32,
    pub realized: Vec<RealizedGain>,
    pub total_gain: Dec,
    pub exemption: Dec,
    pub taxable_gain: Dec,
    pub tax_rate: Dec,
    pub estimated_tax: Dec,
    /// Cash dividends received in the year: income, apart from the gains
    /// (they change no lot and no cost basis).
    pub dividends: Vec<DividendIncome>,
    /// The sum of `dividends`.
    pub dividend_income: Dec,
}

/// One dividend an account received.
#[derive(Debug, Clone, SimpleObject)]
pub struct DividendIncome {
    pub symbol: String,
    pub amount: Dec,
    pub paid_at: DateTime,
}

impl DividendIncome {
    pub fn from_entry(row: &ledger_entry::Model) -> DividendIncome {
        DividendIncome {
            symbol: row.symbol.clone().unwrap_or_default(),
            amount: Money(row.amount).into(),
            paid_at: row.at.into(),
        }
    }
}

impl CapitalGainsReport {
    pub fn with_dividends(mut self, received: &[ledger_entry::Model]) -> CapitalGainsReport {
        self.dividends = received.iter().map(DividendIncome::from_entry).collect();
        self.dividend_income = Money(received.iter().map(|r| r.amount).sum()).into();
        self
    }
}

impl From<ledger::CapitalGainsReport> for CapitalGainsReport {
    fn from(report: ledger::CapitalGainsReport) -> CapitalGainsReport {
        CapitalGainsReport {
            dividends: Vec::new(),
            dividend_income: Money::ZERO.into(),
            year: report.year,
            realized: report.rows.iter().map(RealizedGain::from).collect(),
            total_gain: report.total_gain.into(),
            exemption: report.exemption.into(),
            taxable_gain: report.taxable_gain.into(),
            tax_rate: Dec(report.rate.to_decimal()),
            estimated_tax: report.estimated_tax.into(),
        }
    }
}

#[derive(Debug, Clone, SimpleObject)]
pub struct SectorWeight {
    pub sector: String,
    pub market_value: Dec,
    /// Share of the account's total stock market value, 0 to 1.
    pub weight: Dec,
}

#[derive(Debug, Clone, SimpleObject)]
pub struct LedgerEntry {
    pub id: ID,
    pub kind: LedgerKind,
    /// Signed change of cash.
    pub amount: Dec,
    pub cash_before: Dec,
    pub cash_after: Dec,
    pub symbol: Option<String>,
    pub order_id: Option<ID>,
    pub at: DateTime,
}

impl LedgerEntry {
    pub fn from_entry(account: i64, entry: &ledger::LedgerEntry) -> LedgerEntry {
        use crate::persistence::entities::enums as db;
        LedgerEntry {
            id: ID(format!("{account}-{}", entry.id)),
            kind: db::LedgerKind::from(entry.kind).into(),
            amount: entry.amount.into(),
            cash_before: entry.cash_before.into(),
            cash_after: entry.cash_after.into(),
            symbol: entry.symbol.map(|s| s.to_string()),
            order_id: entry.order.map(|o| ID(o.0.to_string())),
            at: entry.at.into(),
        }
    }
}

impl From<ledger_entry::Model> for LedgerEntry {
    fn from(row: ledger_entry::Model) -> LedgerEntry {
        LedgerEntry {
            id: ID(format!("{}-{}", row.account_id, row.seq)),
            kind: row.kind.into(),
            amount: Money(row.amount).into(),
            cash_before: Money(row.cash_before).into(),
            cash_after: Money(row.cash_after).into(),
            symbol: row.symbol,
            order_id: row.order_id.map(|o| ID(o.to_string())),
            at: row.at.into(),
        }
    }
}

#[derive(Debug, Clone, SimpleObject)]
pub struct LeaderboardEntry {
    pub rank: i32,
    pub account: Account,
    /// Cash plus holdings at last prices.
    pub equity: Dec,
    /// Equity against net deposits, in percent.
    pub return_percent: Dec,
}
