//! One actor per signed-in admin. Its commands run one at a time, in the
//! order the admin sent them; each writes an audit entry once it is done.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use actix::prelude::*;
use marketlab_actors::account::actor::Inspect;
use marketlab_actors::book::actor::{CancelAll, SetHalted};
use marketlab_actors::book::{BookEvent, CancelReason};
use marketlab_actors::types::{AccountId, Money, Quantity, Symbol, TickSize};

use crate::api::error::{ApiError, ApiResult};
use crate::api::feeds;
use crate::api::state::ApiState;
use crate::listing::{self, NewListing};
use crate::persistence::entities::company;
use crate::persistence::entities::enums::Role;
use crate::persistence::repo::{accounts, audit, companies, sectors};

/// A command, already parsed and checked for form.
#[derive(Debug, Clone)]
pub enum AdminCommand {
    ListCompany {
        symbol: Symbol,
        name: String,
        sector: String,
        shares: Quantity,
        ipo_price: Money,
        tick: TickSize,
        issuer: i64,
    },
    Delist(Symbol),
    UpdateSector {
        symbol: Symbol,
        sector: String,
    },
    /// `None`: every company.
    Halt(Option<Symbol>),
    Resume(Option<Symbol>),
    GrantRole {
        account: i64,
        role: Role,
    },
}

#[derive(Debug, Clone)]
pub enum AdminOutcome {
    Company(company::Model),
    Done,
    Account(i64),
}

pub struct AdminSession {
    admin: i64,
    state: Arc<ApiState>,
}

impl Actor for AdminSession {
    type Context = Context<Self>;
}

#[derive(Message)]
#[rtype(result = "ApiResult<AdminOutcome>")]
pub struct Run(pub AdminCommand);

impl Handler<Run> for AdminSession {
    type Result = AtomicResponse<Self, ApiResult<AdminOutcome>>;

    /// Atomic: the next command waits until this one has finished.
    fn handle(&mut self, Run(command): Run, _: &mut Context<Self>) -> Self::Result {
        let state = self.state.clone();
        let admin = self.admin;
        AtomicResponse::new(Box::pin(
            async move {
                let detail = format!("{command:?}");
                let action = action_name(&command);
                let outcome = execute(&state, command).await?;
                audit::insert(
                    &state.db,
                    admin,
                    action,
                    &audit_detail(&detail),
                    state.now().0,
                )
                .await?;
                Ok(outcome)
            }
            .into_actor(self),
        ))
    }
}

/// The audit log's detail column holds JSON.
fn audit_detail(debug: &str) -> String {
    serde_json::json!({ "command": debug }).to_string()
}

fn action_name(command: &AdminCommand) -> &'static str {
    match command {
        AdminCommand::ListCompany { .. } => "listCompany",
        AdminCommand::Delist(_) => "delistCompany",
        AdminCommand::UpdateSector { .. } => "updateSector",
        AdminCommand::Halt(_) => "haltTrading",
        AdminCommand::Resume(_) => "resumeTrading",
        AdminCommand::GrantRole { .. } => "grantRole",
    }
}

async fn execute(state: &Arc<ApiState>, command: AdminCommand) -> ApiResult<AdminOutcome> {
    match command {
        AdminCommand::ListCompany {
            symbol,
            name,
            sector,
            shares,
            ipo_price,
            tick,
            issuer,
        } => list_company(state, symbol, name, sector, shares, ipo_price, tick, issuer).await,
        AdminCommand::Delist(symbol) => delist(state, symbol).await,
        AdminCommand::UpdateSector { symbol, sector } => {
            listed_company(state, symbol).await?;
            sectors::ensure(&state.db, &sector).await?;
            companies::set_sector(&state.db, symbol.as_str(), &sector).await?;
            Ok(AdminOutcome::Company(listed_company(state, symbol).await?))
        }
        AdminCommand::Halt(target) => set_halted(state, target, true).await,
        AdminCommand::Resume(target) => set_halted(state, target, false).await,
        AdminCommand::GrantRole { account, role } => {
            if accounts::find(&state.db, account).await?.is_none() {
                return Err(ApiError::NotFound(format!("no account {account}")));
            }
            accounts::set_role(&state.db, account, role).await?;
            state.roles.set(account, role);
            Ok(AdminOutcome::Account(account))
        }
    }
}

async fn listed_company(state: &ApiState, symbol: Symbol) -> ApiResult<company::Model> {
    companies::find(&state.db, symbol.as_str())
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no company {symbol}")))
}

#[allow(clippy::too_many_arguments)]
async fn list_company(
    state: &Arc<ApiState>,
    symbol: Symbol,
    name: String,
    sector: String,
    shares: Quantity,
    ipo_price: Money,
    tick: TickSize,
    issuer: i64,
) -> ApiResult<AdminOutcome> {
    if companies::find(&state.db, symbol.as_str()).await?.is_some() {
        return Err(ApiError::Conflict(format!("{symbol} is already listed")));
    }
    let Some(issuer_row) = accounts::find(&state.db, issuer).await? else {
        return Err(ApiError::NotFound(format!("no account {issuer}")));
    };
    if issuer_row.role != Role::Corporate {
        return Err(ApiError::bad_input(format!(
            "the issuer must be a CORPORATE account; account {issuer} is not"
        )));
    }
    if let Some(existing) = issuer_row.company_symbol {
        return Err(ApiError::Conflict(format!(
            "account {issuer} already issues {existing}"
        )));
    }
    let row = listing::list(
        &state.db,
        &state.market,
        NewListing {
            symbol,
            name,
            sector,
            shares,
            ipo_price,
            tick,
            band_bps: Some(state.default_band_bps),
            issuer: AccountId(issuer as u64),
        },
    )
    .await?;
    feeds::follow(state, symbol, ipo_price);
    Ok(AdminOutcome::Company(row))
}

/// Stops the symbol's trading, cancels every open order in its book, and
/// answers once every account involved has released what those orders
/// reserved.
async fn delist(state: &ApiState, symbol: Symbol) -> ApiResult<AdminOutcome> {
    let company = listed_company(state, symbol).await?;
    if !company.listed {
        return Err(ApiError::Conflict(format!("{symbol} is already delisted")));
    }
    state.trading.set_delisted(symbol);
    if let Some(book) = state.market.book(symbol) {
        book.addr
            .send(SetHalted(true))
            .await
            .map_err(ApiError::internal)?;
        let update = book
            .addr
            .send(CancelAll(CancelReason::Administrative))
            .await
            .map_err(ApiError::internal)?;
        let involved: BTreeSet<AccountId> = update
            .events
            .iter()
            .filter_map(|event| match event {
                BookEvent::Cancelled { account, .. } => Some(*account),
                _ => None,
            })
            .collect();
        // The book handed each account its cancellations before it answered;
        // a question asked now is answered after they are applied.
        for account in involved {
            if let Some(actor) = state.market.account(account) {
                actor
                    .send(Inspect(Box::new(|_| ())))
                    .await
                    .map_err(ApiError::internal)?;
            }
        }
    }
    companies::set_listed(&state.db, symbol.as_str(), false).await?;
    companies::set_halted(&state.db, symbol.as_str(), true).await?;
    state
        .alerts
        .cancel_symbol(&state.db, symbol, state.now().0)
        .await?;
    Ok(AdminOutcome::Company(listed_company(state, symbol).await?))
}

/// Halt or resume one company (`None`: every listed one), in its book, in
/// what the API checks and in its row.
pub async fn set_halted(
    state: &ApiState,
    target: Option<Symbol>,
    halted: bool,
) -> ApiResult<AdminOutcome> {
    let symbols = match target {
        Some(symbol) => {
            let company = listed_company(state, symbol).await?;
            if !company.listed {
                return Err(ApiError::Conflict(format!("{symbol} is delisted")));
            }
            vec![symbol]
        }
        None => companies::all(&state.db)
            .await?
            .into_iter()
            .filter(|c| c.listed)
            .filter_map(|c| Symbol::new(&c.symbol).ok())
            .collect(),
    };
    for symbol in symbols {
        if let Some(book) = state.market.book(symbol) {
            book.addr
                .send(SetHalted(halted))
                .await
                .map_err(ApiError::internal)?;
        }
        state.trading.set_halted(symbol, halted);
        companies::set_halted(&state.db, symbol.as_str(), halted).await?;
    }
    Ok(AdminOutcome::Done)
}

/// The session of each signed-in admin, started on its first command.
#[derive(Default)]
pub struct AdminSessions(Mutex<HashMap<i64, Addr<AdminSession>>>);

impl AdminSessions {
    pub async fn run(
        &self,
        state: &Arc<ApiState>,
        admin: i64,
        command: AdminCommand,
    ) -> ApiResult<AdminOutcome> {
        let session = {
            let mut sessions = self.0.lock().unwrap_or_else(|e| e.into_inner());
            sessions
                .entry(admin)
                .or_insert_with(|| {
                    AdminSession {
                        admin,
                        state: state.clone(),
                    }
                    .start()
                })
                .clone()
        };
        session
            .send(Run(command))
            .await
            .map_err(ApiError::internal)?
    }
}
