//! What the signed-in player owns and has done: lots, capital gains, sector
//! weights, the cash ledger; and the players' leaderboard.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use async_graphql::{Context, Object};
use marketlab_actors::account::actor::Inspect;
use marketlab_actors::ledger::{self, CapitalGainsReport as Report, HoldingView};
use marketlab_actors::types::{Money, OrderId, Quantity, Symbol, Timestamp, TradeId};
use rust_decimal::Decimal;

use super::trading::{account_actor, limit, parse_symbol};
use crate::api::error::{ApiError, ApiResult};
use crate::api::guard::{Caller, RoleGuard, state, viewer};
use crate::api::scalars::Dec;
use crate::api::state::ApiState;
use crate::api::types::{
    Account, Balances, CapitalGainsReport, LeaderboardEntry, LedgerEntry, Lot, SectorWeight,
};
use crate::market_data::leaderboard;
use crate::persistence::entities::enums::Role;
use crate::persistence::entities::{account, realized_gain};
use crate::persistence::repo::{
    accounts, bots, companies, competitions, ledger as ledger_rows, realized,
};
use crate::persister::LastBatchOf;

/// Waits until the tables show what the account has done so far: its
/// mailbox first (the changes of events the books handed it go to the
/// journal), then the projection up to the journal batch holding its last
/// change. Never for the rest of the projection's backlog.
pub async fn written_down(state: &ApiState, account: i64) -> ApiResult<()> {
    account_actor(state, account)?
        .send(Inspect(Box::new(|_| ())))
        .await
        .map_err(ApiError::internal)?;
    tables_show(state, account).await
}

/// The tables show every change of `account` handed to the journal so far.
async fn tables_show(state: &ApiState, account: i64) -> ApiResult<()> {
    let Ok(id) = u64::try_from(account) else {
        return Ok(());
    };
    let last = state
        .writer
        .send(LastBatchOf(id))
        .await
        .map_err(ApiError::internal)?;
    if let Some(seq) = last {
        state.journal.projected_past(seq).await;
    }
    Ok(())
}

/// How long a shared read waits for the tables to catch up with the
/// journal before it answers from them as they are.
const SHARED_READ_PATIENCE: Duration = Duration::from_secs(2);

/// For the market's shared reads (trades, candles, leaderboards): they show
/// every change committed when the read began, waiting for the projection
/// to get there (milliseconds while it keeps up), but no longer than
/// [`SHARED_READ_PATIENCE`] while it lags far behind. A signed-in caller's
/// own changes always show.
pub async fn market_written_down(ctx: &Context<'_>) -> ApiResult<()> {
    let state = state(ctx);
    if let Some(Caller::Account(account)) = ctx.data_opt::<Caller>() {
        if let Ok(actor) = account_actor(state, *account) {
            actor
                .send(Inspect(Box::new(|_| ())))
                .await
                .map_err(ApiError::internal)?;
        }
        tables_show(state, *account).await?;
    }
    let committed = state.journal.committed();
    let caught_up = state.journal.projected_past(committed);
    // Past its patience the read answers from the tables as they are.
    let _ = actix_web::rt::time::timeout(SHARED_READ_PATIENCE, caught_up).await;
    Ok(())
}

/// Each listed company's price for valuing holdings: the last trade, or the
/// IPO price before the first one; and its sector.
async fn marks(state: &ApiState) -> ApiResult<HashMap<Symbol, (Money, String)>> {
    let rows = companies::all(&state.db).await?;
    let board = state.board.read().map_err(ApiError::internal)?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let symbol = Symbol::new(&row.symbol).ok()?;
            let last = board.quote(symbol).and_then(|q| q.last);
            Some((symbol, (last.unwrap_or(Money(row.ipo_price)), row.sector)))
        })
        .collect())
}

fn gain_from_row(row: realized_gain::Model) -> ApiResult<ledger::RealizedGain> {
    Ok(ledger::RealizedGain {
        symbol: Symbol::new(&row.symbol).map_err(ApiError::internal)?,
        order: OrderId(row.order_id as u64),
        trade: TradeId(row.trade_id as u64),
        quantity: Quantity(row.quantity as u64),
        buy_price: Money(row.buy_price),
        sell_price: Money(row.sell_price),
        acquired_at: Timestamp(row.acquired_at),
        sold_at: Timestamp(row.sold_at),
        buy_fee: Money(row.buy_fee),
        sell_costs: Money(row.sell_costs),
        gain: Money(row.gain),
    })
}

#[derive(Default)]
pub struct PortfolioQuery;

#[Object]
impl PortfolioQuery {
    /// The caller's open FIFO lots, oldest first per symbol.
    #[graphql(guard = "RoleGuard::SIGNED_IN")]
    async fn my_lots(&self, ctx: &Context<'_>, symbol: Option<String>) -> ApiResult<Vec<Lot>> {
        let state = state(ctx);
        let viewer = viewer(ctx)?;
        let only = symbol.as_deref().map(parse_symbol).transpose()?;
        let account = viewer.account;
        account_actor(state, account)?
            .send(Inspect(Box::new(move |core| {
                let ledger = core.ledger();
                let mut symbols: Vec<Symbol> = ledger.holdings().map(|h| h.symbol).collect();
                symbols.sort_by(|a, b| a.as_str().cmp(b.as_str()));
                symbols
                    .into_iter()
                    .filter(|s| only.is_none_or(|o| o == *s))
                    .flat_map(|s| {
                        ledger
                            .lots(s)
                            .map(move |lot| Lot::new(account, s, lot))
                            .collect::<Vec<_>>()
                    })
                    .collect()
            })))
            .await
            .map_err(ApiError::internal)
    }

    #[graphql(guard = "RoleGuard::SIGNED_IN")]
    async fn capital_gains(&self, ctx: &Context<'_>, year: i32) -> ApiResult<CapitalGainsReport> {
        let state = state(ctx);
        let viewer = viewer(ctx)?;
        if !(1970..=9999).contains(&year) {
            return Err(ApiError::bad_input(format!("year {year} is out of range")));
        }
        written_down(state, viewer.account).await?;
        let rows = realized::for_year(&state.db, viewer.account, year)
            .await?
            .into_iter()
            .map(gain_from_row)
            .collect::<ApiResult<Vec<_>>>()?;
        let dividends = ledger_rows::dividends_received(&state.db, viewer.account, year).await?;
        Ok(
            CapitalGainsReport::from(Report::for_year(year, &rows, &state.tax)?)
                .with_dividends(&dividends),
        )
    }

    /// How the caller's holdings split over sectors at last prices.
    #[graphql(guard = "RoleGuard::SIGNED_IN")]
    async fn sector_weights(&self, ctx: &Context<'_>) -> ApiResult<Vec<SectorWeight>> {
        let state = state(ctx);
        let viewer = viewer(ctx)?;
        let marks = marks(state).await?;
        let weights = account_actor(state, viewer.account)?
            .send(Inspect(Box::new(move |core| {
                core.ledger().sector_weights(
                    |s| marks.get(&s).map_or(Money::ZERO, |m| m.0),
                    |s| marks.get(&s).map_or("Unknown", |m| m.1.as_str()),
                )
            })))
            .await
            .map_err(ApiError::internal)??;
        Ok(weights
            .into_iter()
            .map(|w| SectorWeight {
                sector: w.sector,
                market_value: w.value.into(),
                weight: Dec(w.weight),
            })
            .collect())
    }

    /// The caller's cash movements, newest first.
    #[graphql(guard = "RoleGuard::SIGNED_IN")]
    async fn ledger(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 100)] limit: Option<i32>,
    ) -> ApiResult<Vec<LedgerEntry>> {
        let state = state(ctx);
        let viewer = viewer(ctx)?;
        let limit = self::limit(limit, 100)?;
        written_down(state, viewer.account).await?;
        Ok(ledger_rows::recent(&state.db, viewer.account, limit)
            .await?
            .into_iter()
            .map(LedgerEntry::from)
            .collect())
    }

    /// Individual players by return on their net deposits.
    async fn leaderboard(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] limit: Option<i32>,
    ) -> ApiResult<Vec<LeaderboardEntry>> {
        let state = state(ctx);
        let limit = self::limit(limit, 20)? as usize;
        market_written_down(ctx).await?;
        // Competition accounts rank in their competition's standings only.
        let entered: HashSet<i64> = competitions::all_entries(&state.db)
            .await?
            .into_iter()
            .map(|e| e.account_id)
            .collect();
        let standings = standings(state, Role::Individual)
            .await?
            .into_iter()
            .filter(|s| !entered.contains(&s.row.id))
            .collect();
        Ok(entries(standings, limit))
    }

    /// Bots by return on the cash they were started with, apart from the
    /// players' leaderboard.
    async fn bot_leaderboard(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] limit: Option<i32>,
    ) -> ApiResult<Vec<LeaderboardEntry>> {
        let state = state(ctx);
        let limit = self::limit(limit, 20)? as usize;
        let scripted: HashSet<i64> = bots::all(&state.db)
            .await?
            .into_iter()
            .map(|bot| bot.account_id)
            .collect();
        // Only accounts a script drives: the demo's liquidity account is a
        // BOT account without one.
        let standings = standings(state, Role::Bot).await?;
        let standings = standings
            .into_iter()
            .filter(|s| scripted.contains(&s.row.id))
            .collect();
        Ok(entries(standings, limit))
    }
}

/// One account's standing: what it is worth at the marks against what was
/// paid in.
pub struct Standing {
    pub row: account::Model,
    pub balances: Balances,
    pub equity: Money,
    /// Deposits less withdrawals.
    pub net_deposits: Money,
    pub return_percent: Dec,
}

/// The standings of the accounts of one role, by id.
pub async fn standings(state: &ApiState, role: Role) -> ApiResult<Vec<Standing>> {
    let marks = marks(state).await?;
    let deposits: HashMap<i64, i64> = ledger_rows::net_deposits(&state.db)
        .await?
        .into_iter()
        .collect();
    let rows: Vec<_> = accounts::all(&state.db)
        .await?
        .into_iter()
        .filter(|row| row.role == role)
        .collect();
    let mut standings = Vec::with_capacity(rows.len());
    for row in rows {
        let balances = Balances::of(state, row.id).await?;
        let equity = equity(&balances, |s| marks.get(&s).map(|m| m.0))?;
        let net_deposits = Money(deposits.get(&row.id).copied().unwrap_or(0));
        let return_percent = Dec(leaderboard::return_percent(equity, net_deposits));
        standings.push(Standing {
            row,
            balances,
            equity,
            net_deposits,
            return_percent,
        });
    }
    Ok(standings)
}

impl leaderboard::Standing for Standing {
    fn id(&self) -> i64 {
        self.row.id
    }
    fn equity(&self) -> Money {
        self.equity
    }
    fn return_percent(&self) -> Decimal {
        self.return_percent.0
    }
}

fn entries(standings: Vec<Standing>, limit: usize) -> Vec<LeaderboardEntry> {
    leaderboard::rank(standings, limit)
        .into_iter()
        .enumerate()
        .map(|(i, standing)| LeaderboardEntry {
            rank: i as i32 + 1,
            account: Account::from(standing.row).with_balances(standing.balances),
            equity: standing.equity.into(),
            return_percent: standing.return_percent,
        })
        .collect()
}

/// Cash plus every holding at its mark.
fn equity(balances: &Balances, mark: impl Fn(Symbol) -> Option<Money>) -> ApiResult<Money> {
    balances
        .holdings
        .iter()
        .try_fold(balances.cash, |sum, h: &HoldingView| {
            let value = h.market_value(mark(h.symbol).unwrap_or(Money::ZERO))?;
            sum.checked_add(value)
        })
        .ok_or_else(|| ApiError::internal("equity overflows"))
}
