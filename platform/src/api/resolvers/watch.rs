//! Watchlists and price alerts: each account's own, and nobody else's. The
//! alerts fire from the board's feed (`crate::alerts`).

use std::collections::HashSet;

use async_graphql::{Context, ID, Object, Subscription};
use futures_util::stream::{self, Stream};
use marketlab_actors::alerts::{Trigger, change_level};
use marketlab_actors::types::{Money, Symbol};
use rust_decimal::Decimal;
use sea_orm::TransactionTrait;
use tokio::sync::Mutex;
use tokio::sync::broadcast::error::RecvError;

use super::market::company_row;
use super::trading::{limit, parse_symbol};
use crate::alerts::MAX_WAITING_PER_ACCOUNT;
use crate::api::error::{ApiError, ApiResult};
use crate::api::guard::{RoleGuard, Viewer, state, viewer};
use crate::api::scalars::Dec;
use crate::api::state::ApiState;
use crate::api::types::enums::{AlertKind, AlertStatus};
use crate::api::types::watch::{Alert, Watchlist};
use crate::persistence::entities::{enums, watchlist};
use crate::persistence::repo::alerts::{self, NewAlert};
use crate::persistence::repo::watchlists;

pub const MAX_WATCHLISTS: u64 = 20;
/// As many as one `quotes` subscription follows.
pub const MAX_WATCHLIST_SYMBOLS: usize = 100;
const MAX_NAME_CHARS: usize = 64;

/// Creations are counted against the limits one at a time, so two
/// requests at once cannot both take the last place.
static CREATING: Mutex<()> = Mutex::const_new(());

fn parse_id(id: &ID, what: &str) -> ApiResult<i64> {
    id.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::bad_input(format!("{:?} is not {what} id", id.as_str())))
}

fn watchlist_name(name: &str) -> ApiResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(ApiError::bad_input(format!(
            "a watchlist's name has 1 to {MAX_NAME_CHARS} characters"
        )));
    }
    Ok(name.to_string())
}

/// Listed symbols, each once, at most [`MAX_WATCHLIST_SYMBOLS`].
async fn listed_symbols(state: &ApiState, symbols: &[String]) -> ApiResult<Vec<String>> {
    if symbols.len() > MAX_WATCHLIST_SYMBOLS {
        return Err(ApiError::bad_input(format!(
            "a watchlist holds at most {MAX_WATCHLIST_SYMBOLS} symbols"
        )));
    }
    let mut seen = HashSet::new();
    let mut listed = Vec::with_capacity(symbols.len());
    for text in symbols {
        let symbol = parse_symbol(text)?;
        if !seen.insert(symbol) {
            return Err(ApiError::bad_input(format!(
                "{symbol} is in the list twice"
            )));
        }
        if !company_row(state, symbol).await?.listed {
            return Err(ApiError::NotFound(format!("{symbol} is delisted")));
        }
        listed.push(symbol.to_string());
    }
    Ok(listed)
}

async fn own_watchlist(state: &ApiState, caller: Viewer, id: &ID) -> ApiResult<watchlist::Model> {
    let id = parse_id(id, "a watchlist")?;
    watchlists::find(&state.db, caller.account, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("you have no watchlist {id}")))
}

async fn name_is_free(
    state: &ApiState,
    caller: Viewer,
    name: &str,
    except: Option<i64>,
) -> ApiResult<()> {
    match watchlists::find_named(&state.db, caller.account, name).await? {
        Some(row) if Some(row.id) != except => Err(ApiError::Conflict(format!(
            "you already have a watchlist named {name:?}"
        ))),
        _ => Ok(()),
    }
}

async fn watchlist_of(state: &ApiState, id: i64) -> ApiResult<Watchlist> {
    let row = watchlists::find_by_id(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::internal(format!("watchlist {id} vanished")))?;
    let symbols = watchlists::symbols(&state.db, id).await?;
    Ok(watchlists::Watchlist { row, symbols }.into())
}

/// What fires an alert of `kind` at `level`: its trigger price in cents
/// and, for a change, the percentage in hundredths.
fn alert_level(
    state: &ApiState,
    symbol: Symbol,
    kind: AlertKind,
    level: Decimal,
) -> ApiResult<(Money, Option<i64>)> {
    if level <= Decimal::ZERO {
        return Err(ApiError::bad_input(format!(
            "level {level} must be positive"
        )));
    }
    match kind {
        AlertKind::PriceAbove | AlertKind::PriceBelow => {
            let price =
                Money::from_decimal(level).map_err(|e| ApiError::bad_input(e.to_string()))?;
            Ok((price, None))
        }
        AlertKind::ChangeUp | AlertKind::ChangeDown => {
            let hundredths = level * Decimal::from(100);
            let bps = i64::try_from(hundredths)
                .ok()
                .filter(|_| hundredths.fract().is_zero())
                .ok_or_else(|| {
                    ApiError::bad_input(format!(
                        "level {level} is a percentage with at most two decimals"
                    ))
                })?;
            let reference = state
                .board
                .read()
                .map_err(ApiError::internal)?
                .reference(symbol)
                .ok_or_else(|| {
                    ApiError::bad_input(format!("{symbol} has no reference price to change from"))
                })?;
            let up = kind == AlertKind::ChangeUp;
            let trigger = change_level(reference, up, bps).ok_or_else(|| {
                ApiError::bad_input(format!(
                    "a fall of {level}% from {reference} is out of reach"
                ))
            })?;
            let (Trigger::AtOrAbove(price) | Trigger::AtOrBelow(price)) = trigger;
            Ok((price, Some(bps)))
        }
    }
}

#[derive(Default)]
pub struct WatchQuery;

#[Object]
impl WatchQuery {
    /// The caller's watchlists, oldest first.
    #[graphql(guard = "RoleGuard::SIGNED_IN")]
    async fn my_watchlists(&self, ctx: &Context<'_>) -> ApiResult<Vec<Watchlist>> {
        let caller = viewer(ctx)?;
        let lists = watchlists::of_account(&state(ctx).db, caller.account).await?;
        Ok(lists.into_iter().map(Watchlist::from).collect())
    }

    /// The caller's alerts, newest first: those in `status`, or all.
    #[graphql(guard = "RoleGuard::SIGNED_IN")]
    async fn my_alerts(
        &self,
        ctx: &Context<'_>,
        status: Option<Vec<AlertStatus>>,
        #[graphql(default = 100)] limit: Option<i32>,
    ) -> ApiResult<Vec<Alert>> {
        let caller = viewer(ctx)?;
        let limit = self::limit(limit, 100)?;
        let statuses: Vec<enums::AlertStatus> = status
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect();
        let rows = alerts::of_account(&state(ctx).db, caller.account, &statuses, limit).await?;
        Ok(rows.into_iter().map(Alert::from).collect())
    }

    /// The caller's alerts that fired, the latest first.
    #[graphql(guard = "RoleGuard::SIGNED_IN")]
    async fn alert_history(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 100)] limit: Option<i32>,
    ) -> ApiResult<Vec<Alert>> {
        let caller = viewer(ctx)?;
        let limit = self::limit(limit, 100)?;
        let rows = alerts::fired(&state(ctx).db, caller.account, limit).await?;
        Ok(rows.into_iter().map(Alert::from).collect())
    }
}

#[derive(Default)]
pub struct WatchMutation;

#[Object]
impl WatchMutation {
    /// A new watchlist: a name of its owner's not yet taken (else
    /// CONFLICT), listed symbols each once, at most 100 (none when left
    /// out); an account keeps at most 20 watchlists.
    #[graphql(guard = "RoleGuard::SIGNED_IN")]
    async fn create_watchlist(
        &self,
        ctx: &Context<'_>,
        name: String,
        symbols: Option<Vec<String>>,
    ) -> ApiResult<Watchlist> {
        let state = state(ctx);
        let caller = viewer(ctx)?;
        let name = watchlist_name(&name)?;
        let symbols = listed_symbols(state, &symbols.unwrap_or_default()).await?;
        let _one_at_a_time = CREATING.lock().await;
        if watchlists::count(&state.db, caller.account).await? >= MAX_WATCHLISTS {
            return Err(ApiError::bad_input(format!(
                "an account keeps at most {MAX_WATCHLISTS} watchlists"
            )));
        }
        name_is_free(state, caller, &name, None).await?;
        let txn = state.db.begin().await?;
        let row = watchlists::insert(&txn, caller.account, &name, state.now().0).await?;
        watchlists::set_symbols(&txn, row.id, &symbols).await?;
        txn.commit().await?;
        Ok(watchlists::Watchlist { row, symbols }.into())
    }

    /// Renames the caller's watchlist, or replaces its symbols (in the
    /// order given), or both; what is left out stays.
    #[graphql(guard = "RoleGuard::SIGNED_IN")]
    async fn update_watchlist(
        &self,
        ctx: &Context<'_>,
        id: ID,
        name: Option<String>,
        symbols: Option<Vec<String>>,
    ) -> ApiResult<Watchlist> {
        let state = state(ctx);
        let caller = viewer(ctx)?;
        let row = own_watchlist(state, caller, &id).await?;
        let name = name.as_deref().map(watchlist_name).transpose()?;
        let symbols = match symbols {
            Some(symbols) => Some(listed_symbols(state, &symbols).await?),
            None => None,
        };
        let _one_at_a_time = CREATING.lock().await;
        if let Some(name) = &name {
            name_is_free(state, caller, name, Some(row.id)).await?;
        }
        let id = row.id;
        let txn = state.db.begin().await?;
        if let Some(name) = &name {
            watchlists::rename(&txn, row, name).await?;
        }
        if let Some(symbols) = &symbols {
            watchlists::set_symbols(&txn, id, symbols).await?;
        }
        txn.commit().await?;
        watchlist_of(state, id).await
    }

    /// Deletes the caller's watchlist; true once it is gone.
    #[graphql(guard = "RoleGuard::SIGNED_IN")]
    async fn delete_watchlist(&self, ctx: &Context<'_>, id: ID) -> ApiResult<bool> {
        let state = state(ctx);
        let caller = viewer(ctx)?;
        let row = own_watchlist(state, caller, &id).await?;
        let txn = state.db.begin().await?;
        watchlists::delete(&txn, row.id).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// A price alert on a listed symbol. PRICE_ABOVE and PRICE_BELOW take
    /// a price (to the cent); CHANGE_UP and CHANGE_DOWN a percentage (two
    /// decimals at most) from the session's reference price. It fires once,
    /// on the first trade at or beyond its trigger price, even if the price
    /// is already there. An account has at most 100 alerts waiting.
    #[graphql(guard = "RoleGuard::SIGNED_IN")]
    async fn create_alert(
        &self,
        ctx: &Context<'_>,
        symbol: String,
        kind: AlertKind,
        level: Dec,
    ) -> ApiResult<Alert> {
        let state = state(ctx);
        let caller = viewer(ctx)?;
        let symbol = parse_symbol(&symbol)?;
        if !company_row(state, symbol).await?.listed {
            return Err(ApiError::NotFound(format!("{symbol} is delisted")));
        }
        let (price, change_bps) = alert_level(state, symbol, kind, level.0)?;
        let _one_at_a_time = CREATING.lock().await;
        if state.alerts.waiting_of(caller.account) >= MAX_WAITING_PER_ACCOUNT {
            return Err(ApiError::bad_input(format!(
                "an account has at most {MAX_WAITING_PER_ACCOUNT} alerts waiting"
            )));
        }
        let row = alerts::insert(
            &state.db,
            NewAlert {
                account_id: caller.account,
                symbol: symbol.to_string(),
                kind: kind.into(),
                level: price.0,
                change_bps,
                created_at: state.now().0,
            },
        )
        .await?;
        state.alerts.watch(&row).map_err(ApiError::internal)?;
        Ok(row.into())
    }

    /// Cancels the caller's waiting alert; CONFLICT once it has fired or
    /// was cancelled.
    #[graphql(guard = "RoleGuard::SIGNED_IN")]
    async fn cancel_alert(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Alert> {
        let state = state(ctx);
        let caller = viewer(ctx)?;
        let id = parse_id(&id, "an alert")?;
        let row = alerts::find(&state.db, id)
            .await?
            .filter(|row| row.account_id == caller.account)
            .ok_or_else(|| ApiError::NotFound(format!("you have no alert {id}")))?;
        if row.status != enums::AlertStatus::Active || !state.alerts.unwatch(id) {
            return Err(ApiError::Conflict(format!(
                "alert {id} is no longer waiting: it fired or was cancelled"
            )));
        }
        let ended = alerts::end(
            &state.db,
            id,
            enums::AlertStatus::Cancelled,
            state.now().0,
            None,
        )
        .await?
        .ok_or_else(|| ApiError::internal(format!("alert {id} ended twice")))?;
        Ok(ended.into())
    }
}

#[derive(Default)]
pub struct WatchSubscription;

#[Subscription]
impl WatchSubscription {
    /// The caller's alerts as they fire, each once.
    #[graphql(guard = "RoleGuard::SIGNED_IN")]
    async fn my_alerts(&self, ctx: &Context<'_>) -> Result<impl Stream<Item = Alert>, ApiError> {
        let account = viewer(ctx)?.account;
        let rx = state(ctx).alerts.subscribe();
        Ok(stream::unfold(rx, move |mut rx| async move {
            loop {
                match rx.recv().await {
                    Ok(row) if row.account_id == account => return Some((Alert::from(row), rx)),
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return None,
                }
            }
        }))
    }
}
