//! The signed-in player's account and orders: me, order, myOrders, deposit,
//! withdraw, placeOrder, amendOrder, cancelOrder.

use std::collections::HashMap;

use actix::Addr;
use async_graphql::{Context, ID, Object};
use marketlab_actors::account::actor::{
    AccountActor, AmendOrder, CancelOrder, Deposit, Inspect, PlaceOrder, Withdraw,
};
use marketlab_actors::account::{EndReason, OrderRecord, OrderRequest};
use marketlab_actors::book::{OrderKind, RejectReason};
use marketlab_actors::ledger::LedgerEntry as DomainEntry;
use marketlab_actors::types::{AccountId, Money, OrderId, Price, Quantity, Symbol, TickSize};

use super::portfolio::written_down;
use crate::api::error::{ApiError, ApiResult};
use crate::api::guard::{RoleGuard, state, viewer};
use crate::api::scalars::{Dec, Long};
use crate::api::state::{ApiState, Tradable};
use crate::api::types::enums::{OrderStatus, OrderType, TimeInForce};
use crate::api::types::inputs::PlaceOrderInput;
use crate::api::types::{Account, LedgerEntry, Order};
use crate::persistence::entities::enums as db;
use crate::persistence::entities::order;
use crate::persistence::repo::{accounts, competitions, fills, orders};

/// The most rows one list query returns.
pub const MAX_LIMIT: i32 = 1000;

/// A list argument's limit: `default` when not given (or null).
pub fn limit(limit: Option<i32>, default: i32) -> ApiResult<u64> {
    let limit = limit.unwrap_or(default);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_input(format!(
            "limit must be between 1 and {MAX_LIMIT}"
        )));
    }
    Ok(limit as u64)
}

pub fn parse_symbol(text: &str) -> ApiResult<Symbol> {
    Symbol::new(text).map_err(|e| ApiError::bad_input(format!("{text:?}: {e}")))
}

pub fn account_actor(state: &ApiState, account: i64) -> ApiResult<Addr<AccountActor>> {
    state
        .market
        .account(AccountId(account as u64))
        .ok_or_else(|| ApiError::internal(format!("account {account} is not running")))
}

fn parse_order_id(id: &ID) -> ApiResult<OrderId> {
    id.parse::<u64>()
        .map(OrderId)
        .map_err(|_| ApiError::bad_input(format!("{:?} is not an order id", id.as_str())))
}

/// A positive amount of money with at most two decimal places.
pub fn parse_amount(amount: Dec) -> ApiResult<Money> {
    let money = Money::from_decimal(amount.0)
        .map_err(|e| ApiError::bad_input(format!("amount {}: {e}", amount.0)))?;
    if money <= Money::ZERO {
        return Err(ApiError::bad_input(format!(
            "amount {} must be positive",
            amount.0
        )));
    }
    Ok(money)
}

fn tick_of(state: &ApiState, symbol: Symbol) -> Option<TickSize> {
    state.market.book(symbol).map(|book| book.listing.tick)
}

fn to_api(state: &ApiState, record: &OrderRecord) -> ApiResult<Order> {
    let tick = tick_of(state, record.symbol)
        .ok_or_else(|| ApiError::internal(format!("no book for {}", record.symbol)))?;
    Ok(Order::from_record(record, tick))
}

#[derive(Default)]
pub struct TradingQuery;

#[Object]
impl TradingQuery {
    #[graphql(guard = "RoleGuard::SIGNED_IN")]
    async fn me(&self, ctx: &Context<'_>) -> ApiResult<Account> {
        let state = state(ctx);
        let viewer = viewer(ctx)?;
        let row = accounts::find(&state.db, viewer.account)
            .await?
            .ok_or_else(|| ApiError::NotFound("your account is gone".into()))?;
        Ok(Account::from(row))
    }

    /// One of the caller's orders, or null.
    #[graphql(guard = "RoleGuard::SIGNED_IN")]
    async fn order(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Order>> {
        let state = state(ctx);
        let viewer = viewer(ctx)?;
        let id = parse_order_id(&id)?;
        if let Some(order) = live(state, viewer.account, id).await? {
            return Ok(Some(order));
        }
        written_down(state, viewer.account).await?;
        match orders::find(&state.db, id.0 as i64).await? {
            Some(row) if row.account_id == viewer.account => stored(state, row).await.map(Some),
            _ => Ok(None),
        }
    }

    /// The caller's orders, newest first.
    #[graphql(guard = "RoleGuard::SIGNED_IN")]
    async fn my_orders(
        &self,
        ctx: &Context<'_>,
        status: Option<Vec<OrderStatus>>,
        symbol: Option<String>,
        #[graphql(default = 100)] limit: Option<i32>,
    ) -> ApiResult<Vec<Order>> {
        let state = state(ctx);
        let viewer = viewer(ctx)?;
        let limit = self::limit(limit, 100)?;
        let statuses: Vec<db::OrderStatus> = status
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect();
        let symbol = symbol.as_deref().map(parse_symbol).transpose()?;
        written_down(state, viewer.account).await?;
        let rows = orders::for_account(
            &state.db,
            viewer.account,
            &statuses,
            symbol.as_ref().map(Symbol::as_str),
            limit,
        )
        .await?;
        // The account's memory is never behind the database: prefer it.
        let ids: Vec<OrderId> = rows.iter().map(|r| OrderId(r.id as u64)).collect();
        let live: HashMap<OrderId, OrderRecord> = account_actor(state, viewer.account)?
            .send(Inspect(Box::new(move |core| {
                ids.into_iter()
                    .filter_map(|id| core.order(id).map(|r| (id, r)))
                    .collect()
            })))
            .await
            .map_err(ApiError::internal)?;
        let mut fill_rows = fills::for_orders(
            &state.db,
            &rows
                .iter()
                .filter(|r| !live.contains_key(&OrderId(r.id as u64)))
                .map(|r| r.id)
                .collect::<Vec<_>>(),
        )
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            match live.get(&OrderId(row.id as u64)) {
                Some(record) => out.push(to_api(state, record)?),
                None => {
                    let (mine, rest): (Vec<_>, Vec<_>) =
                        fill_rows.into_iter().partition(|f| f.order_id == row.id);
                    fill_rows = rest;
                    out.push(Order::from_row(row, mine));
                }
            }
        }
        Ok(out)
    }
}

#[derive(Default)]
pub struct TradingMutation;

#[Object]
impl TradingMutation {
    #[graphql(guard = "RoleGuard::SIGNED_IN")]
    async fn deposit(&self, ctx: &Context<'_>, amount: Dec) -> ApiResult<LedgerEntry> {
        let state = state(ctx);
        let viewer = viewer(ctx)?;
        let amount = parse_amount(amount)?;
        no_competition_transfers(state, viewer.account).await?;
        let entry: DomainEntry = account_actor(state, viewer.account)?
            .send(Deposit { amount, key: None })
            .await
            .map_err(ApiError::internal)??;
        Ok(LedgerEntry::from_entry(viewer.account, &entry))
    }

    #[graphql(guard = "RoleGuard::SIGNED_IN")]
    async fn withdraw(&self, ctx: &Context<'_>, amount: Dec) -> ApiResult<LedgerEntry> {
        let state = state(ctx);
        let viewer = viewer(ctx)?;
        let amount = parse_amount(amount)?;
        no_competition_transfers(state, viewer.account).await?;
        let entry: DomainEntry = account_actor(state, viewer.account)?
            .send(Withdraw { amount, key: None })
            .await
            .map_err(ApiError::internal)??;
        Ok(LedgerEntry::from_entry(viewer.account, &entry))
    }

    /// Answered once the book has taken the order (and what it did is
    /// written down). A request that fails validation changes nothing.
    #[graphql(guard = "RoleGuard::SIGNED_IN")]
    async fn place_order(&self, ctx: &Context<'_>, input: PlaceOrderInput) -> ApiResult<Order> {
        let state = state(ctx);
        let viewer = viewer(ctx)?;
        if let Some(existing) = placed_before(state, viewer.account, &input).await? {
            return Ok(existing);
        }
        let request = order_request(state, input)?;
        state.metrics.order_placed();
        let record = account_actor(state, viewer.account)?
            .send(PlaceOrder(request))
            .await
            .map_err(ApiError::internal)??;
        if let Some(EndReason::Rejected(RejectReason::Halted)) = record.end_reason {
            return Err(ApiError::MarketHalted(format!(
                "trading in {} is halted",
                record.symbol
            )));
        }
        to_api(state, &record)
    }

    /// Changes an open order. `quantity` is the new total, what has filled
    /// included; a price may be given only where the order's type has one.
    /// A smaller quantity alone keeps the order's place in the book and frees
    /// its reservation at once: the answer is the same order. A new price or
    /// a larger quantity is a cancel-and-replace in one step: the answer is
    /// the replacement, a new order at the back of its price level, and the
    /// amended order ends CANCELLED. If the order fills its new total before
    /// the cancel lands, the answer is that order. `clientOrderId` names the
    /// replacement: amending again with it answers with that order.
    #[graphql(guard = "RoleGuard::SIGNED_IN")]
    async fn amend_order(
        &self,
        ctx: &Context<'_>,
        id: ID,
        quantity: Option<Long>,
        limit_price: Option<Dec>,
        stop_price: Option<Dec>,
        client_order_id: Option<String>,
    ) -> ApiResult<Order> {
        let state = state(ctx);
        let viewer = viewer(ctx)?;
        let id = parse_order_id(&id)?;
        if client_order_id.is_some() {
            // The key's replacement may be in the journal and not yet in
            // the tables.
            written_down(state, viewer.account).await?;
        }
        if let Some(key) = &client_order_id
            && let Some(row) =
                orders::find_by_client_order_id(&state.db, viewer.account, key).await?
        {
            return match live(state, viewer.account, OrderId(row.id as u64)).await? {
                Some(order) => Ok(order),
                None => stored(state, row).await,
            };
        }
        let actor = account_actor(state, viewer.account)?;
        let current = actor
            .send(Inspect(Box::new(move |core| core.open_order(id).cloned())))
            .await
            .map_err(ApiError::internal)??;
        let book = state
            .market
            .book(current.symbol)
            .ok_or_else(|| ApiError::NotFound(format!("{} is delisted", current.symbol)))?;
        let tick = book.listing.tick;
        let max = book.listing.config.max_order_quantity;
        let quantity = match quantity {
            None => current.quantity,
            Some(q) => parse_quantity(q, max)?,
        };
        let kind = amended_kind(current.kind, tick, limit_price, stop_price)?;
        if kind == current.kind && quantity == current.quantity {
            return Err(ApiError::bad_input(
                "nothing to amend: give a new quantity or price",
            ));
        }
        let replaces = kind != current.kind || quantity > current.quantity;
        if replaces && state.trading.tradable(current.symbol) != Tradable::Yes {
            return Err(ApiError::MarketHalted(format!(
                "trading in {} is halted: an order can be reduced or cancelled, not replaced",
                current.symbol
            )));
        }
        let record = actor
            .send(AmendOrder {
                id,
                quantity,
                kind: Some(kind),
                client_order_id,
            })
            .await
            .map_err(ApiError::internal)??;
        if let Some(EndReason::Rejected(RejectReason::Halted)) = record.end_reason {
            return Err(ApiError::MarketHalted(format!(
                "trading in {} is halted",
                record.symbol
            )));
        }
        to_api(state, &record)
    }

    #[graphql(guard = "RoleGuard::SIGNED_IN")]
    async fn cancel_order(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Order> {
        let state = state(ctx);
        let viewer = viewer(ctx)?;
        let id = parse_order_id(&id)?;
        let record = account_actor(state, viewer.account)?
            .send(CancelOrder(id))
            .await
            .map_err(ApiError::internal)??;
        to_api(state, &record)
    }
}

/// A competition's account holds only what the competition funded it with.
async fn no_competition_transfers(state: &ApiState, account: i64) -> ApiResult<()> {
    if competitions::entry_of_account(&state.db, account)
        .await?
        .is_some()
    {
        return Err(ApiError::Forbidden(
            "a competition account takes no deposits or withdrawals".into(),
        ));
    }
    Ok(())
}

/// The order a client order id was first used for, if it is no longer in
/// the account's memory (finished long ago, or before a restart): the
/// database keeps every key (the account's memory, fresher, answers when it
/// still holds the order). A key not written down yet is the account's to
/// answer, so two requests racing with one new key place one order.
async fn placed_before(
    state: &ApiState,
    account: i64,
    input: &PlaceOrderInput,
) -> ApiResult<Option<Order>> {
    let Some(key) = &input.client_order_id else {
        return Ok(None);
    };
    let Some(row) = orders::find_by_client_order_id(&state.db, account, key).await? else {
        return Ok(None);
    };
    match live(state, account, OrderId(row.id as u64)).await? {
        Some(order) => Ok(Some(order)),
        None => stored(state, row).await.map(Some),
    }
}

/// The order as the account's memory has it (the freshest view), if it
/// still holds it.
async fn live(state: &ApiState, account: i64, id: OrderId) -> ApiResult<Option<Order>> {
    let live = account_actor(state, account)?
        .send(Inspect(Box::new(move |core| core.order(id))))
        .await
        .map_err(ApiError::internal)?;
    live.map(|record| to_api(state, &record)).transpose()
}

/// A stored order with its fills.
async fn stored(state: &ApiState, row: order::Model) -> ApiResult<Order> {
    let fills = fills::for_order(&state.db, row.id).await?;
    Ok(Order::from_row(row, fills))
}

/// A whole number of shares from 1 to the listing's largest order.
fn parse_quantity(quantity: Long, max: Quantity) -> ApiResult<Quantity> {
    u64::try_from(quantity.0)
        .ok()
        .filter(|q| *q >= 1 && *q <= max.0)
        .map(Quantity)
        .ok_or_else(|| {
            ApiError::bad_input(format!(
                "quantity {} must be a whole number of shares from 1 to {}",
                quantity.0, max.0
            ))
        })
}

/// An order's type with new prices: each given price must be one the type
/// has, on the listing's tick.
fn amended_kind(
    kind: OrderKind,
    tick: TickSize,
    limit_price: Option<Dec>,
    stop_price: Option<Dec>,
) -> ApiResult<OrderKind> {
    let price =
        |name: &str, value: Option<Dec>, current: Option<Price>| -> ApiResult<Option<Price>> {
            match (value, current) {
                (None, current) => Ok(current),
                (Some(_), None) => Err(ApiError::bad_input(format!(
                    "this order's type has no {name}"
                ))),
                (Some(value), Some(_)) => tick
                    .price(value.0)
                    .map(Some)
                    .map_err(|e| ApiError::bad_input(format!("{name} {}: {e}", value.0))),
            }
        };
    let limit = price("limitPrice", limit_price, kind.limit_price())?;
    let stop = price("stopPrice", stop_price, kind.trigger_price())?;
    Ok(match (kind, limit, stop) {
        (OrderKind::Limit { .. }, Some(price), _) => OrderKind::Limit { price },
        (OrderKind::Stop { .. }, _, Some(trigger)) => OrderKind::Stop { trigger },
        (OrderKind::StopLimit { .. }, Some(price), Some(trigger)) => {
            OrderKind::StopLimit { trigger, price }
        }
        (kind, _, _) => kind,
    })
}

/// Checks everything about an order that can be checked without the
/// account: the symbol trades, the prices fit the type and the tick, the
/// quantity is a whole positive number of shares.
fn order_request(state: &ApiState, input: PlaceOrderInput) -> ApiResult<OrderRequest> {
    let symbol = parse_symbol(&input.symbol)?;
    let Some(book) = state.market.book(symbol) else {
        return Err(ApiError::NotFound(format!(
            "no company is listed as {symbol}"
        )));
    };
    match state.trading.tradable(symbol) {
        Tradable::Yes => {}
        Tradable::Halted => {
            return Err(ApiError::MarketHalted(format!(
                "trading in {symbol} is halted"
            )));
        }
        Tradable::Delisted => {
            return Err(ApiError::NotFound(format!("{symbol} is delisted")));
        }
    }
    let quantity = parse_quantity(input.quantity, book.listing.config.max_order_quantity)?;
    let tick = book.listing.tick;
    let price = |name: &str, value: Option<Dec>| -> ApiResult<_> {
        let value = value.ok_or_else(|| {
            ApiError::bad_input(format!("a {:?} order needs {name}", input.order_type))
        })?;
        tick.price(value.0)
            .map_err(|e| ApiError::bad_input(format!("{name} {}: {e}", value.0)))
    };
    let forbid = |name: &str, value: &Option<Dec>| -> ApiResult<()> {
        match value {
            Some(_) => Err(ApiError::bad_input(format!(
                "a {:?} order takes no {name}",
                input.order_type
            ))),
            None => Ok(()),
        }
    };
    let kind = match input.order_type {
        OrderType::Market => {
            forbid("limitPrice", &input.limit_price)?;
            forbid("stopPrice", &input.stop_price)?;
            OrderKind::Market
        }
        OrderType::Limit => {
            forbid("stopPrice", &input.stop_price)?;
            OrderKind::Limit {
                price: price("limitPrice", input.limit_price)?,
            }
        }
        OrderType::Stop => {
            forbid("limitPrice", &input.limit_price)?;
            OrderKind::Stop {
                trigger: price("stopPrice", input.stop_price)?,
            }
        }
        OrderType::StopLimit => OrderKind::StopLimit {
            trigger: price("stopPrice", input.stop_price)?,
            price: price("limitPrice", input.limit_price)?,
        },
    };
    let tif = db::TimeInForce::from(input.time_in_force.unwrap_or(TimeInForce::Gtc)).into();
    Ok(OrderRequest {
        symbol,
        side: db::Side::from(input.side).into(),
        kind,
        tif,
        quantity,
        client_order_id: input.client_order_id,
    })
}
