//! What every resolver reaches: the market, the database, the token signer
//! and the read models. Built once at startup and shared by all workers.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};

use actix::{Addr, ArbiterHandle};
use marketlab_actors::ledger::{FeeSchedule, TaxConfig};
use marketlab_actors::market::Market;
use marketlab_actors::types::{Symbol, Timestamp};
use sea_orm::DatabaseConnection;
use tokio::sync::broadcast;

use super::rate_limit::RateLimiter;
use super::transport::{InFlight, Sockets, TransportSettings};
use super::types::NewsEvent;
use crate::admin::AdminSessions;
use crate::alerts::AlertDesk;
use crate::auth::Tokens;
use crate::bots::Bots;
use crate::market_data::board::MarketBoard;
use crate::metrics::Metrics;
use crate::persistence::entities::enums::Role;
use crate::persister::{Persister, PersisterHealth, Progress};
use crate::scenario::LiveRuns;

pub struct ApiState {
    pub market: Market,
    pub db: DatabaseConnection,
    pub tokens: Tokens,
    pub fees: FeeSchedule,
    pub tax: TaxConfig,
    /// The band a listing gets, in basis points.
    pub default_band_bps: u32,
    pub roles: Roles,
    pub account_ids: IdSequence,
    pub news_ids: IdSequence,
    pub trading: TradingState,
    pub board: Arc<RwLock<MarketBoard>>,
    /// Where the board's feeds run.
    pub feeds: ArbiterHandle,
    pub metrics: Arc<Metrics>,
    pub persister: Arc<PersisterHealth>,
    /// The persister itself, to learn which journal batch holds an
    /// account's last change.
    pub writer: Addr<Persister>,
    /// How far the journal and the tables have got: reads of a caller's
    /// own history wait for the tables to show its last change.
    pub journal: Arc<Progress>,
    pub limiter: RateLimiter,
    pub admin: AdminSessions,
    pub news: broadcast::Sender<NewsEvent>,
    /// The symbols whose quote just changed, from the board's feed.
    pub quotes: broadcast::Sender<Symbol>,
    pub bots: Arc<Bots>,
    /// The waiting price alerts, checked by the board's feed.
    pub alerts: Arc<AlertDesk>,
    /// Scenarios running live in this server.
    pub scenarios: LiveRuns,
    pub transport: TransportSettings,
    pub sockets: Sockets,
    pub in_flight: Arc<InFlight>,
    /// The time between two equity samples, for the performance statistics.
    pub equity_sample_every_ms: i64,
}

impl ApiState {
    pub fn now(&self) -> Timestamp {
        self.market.clock().now()
    }
}

/// Every account's current role, kept in memory so that a granted role
/// takes effect on the next request, whatever an older token says.
#[derive(Debug, Default)]
pub struct Roles(RwLock<HashMap<i64, Role>>);

impl Roles {
    pub fn new(roles: impl IntoIterator<Item = (i64, Role)>) -> Roles {
        Roles(RwLock::new(roles.into_iter().collect()))
    }

    pub fn get(&self, account: i64) -> Option<Role> {
        self.0
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&account)
            .copied()
    }

    pub fn set(&self, account: i64, role: Role) {
        self.0
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(account, role);
    }
}

/// Hands out ids of one kind; starts after the highest in the database.
#[derive(Debug)]
pub struct IdSequence(AtomicI64);

impl IdSequence {
    pub fn after(highest: i64) -> IdSequence {
        IdSequence(AtomicI64::new(highest + 1))
    }

    pub fn next(&self) -> i64 {
        self.0.fetch_add(1, Ordering::Relaxed)
    }
}

/// Which symbols take orders: halted ones and delisted ones do not. (A
/// market-wide halt halts every symbol.)
#[derive(Debug, Default)]
pub struct TradingState {
    halted: RwLock<HashSet<Symbol>>,
    delisted: RwLock<HashSet<Symbol>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tradable {
    Yes,
    Halted,
    Delisted,
}

impl TradingState {
    pub fn tradable(&self, symbol: Symbol) -> Tradable {
        if self
            .delisted
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains(&symbol)
        {
            Tradable::Delisted
        } else if self
            .halted
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains(&symbol)
        {
            Tradable::Halted
        } else {
            Tradable::Yes
        }
    }

    pub fn set_halted(&self, symbol: Symbol, halted: bool) {
        let mut set = self.halted.write().unwrap_or_else(|e| e.into_inner());
        if halted {
            set.insert(symbol);
        } else {
            set.remove(&symbol);
        }
    }

    pub fn set_delisted(&self, symbol: Symbol) {
        self.delisted
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(symbol);
    }
}
