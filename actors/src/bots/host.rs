//! The live bot host: runs [`BotActor`]s on threads of their own (never the
//! HTTP workers, never the books' arbiters), keeps one [`SymbolWatch`] per
//! listing fed from its book's updates, and routes what bots react to:
//! their own orders' fills (from the market's order updates), trades and
//! news. Bots trade through their accounts exactly as people do.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use actix::prelude::*;
use tokio::sync::{broadcast, mpsc};

use super::actor::{BotActor, NewsSeen, OrderChanged, StopBot, TradeSeen};
use super::core::{BotConfig, BotCore};
use super::script::{BotScript, Entry, ScriptError};
use super::view::{Financials, NewsView, SymbolView, TradeView};
use super::watch::{SymbolWatch, WatchLimits};
use crate::book::actor::{Depth, TopOfBook};
use crate::market::Market;
use crate::scenario::spec::Wake;
use crate::types::{AccountId, Money, Symbol, TickSize, Timestamp};

/// How live bots run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotHostConfig {
    /// Threads the bots are spread over.
    pub arbiters: usize,
    /// The run seed every bot's random stream is derived from.
    pub seed: u64,
    pub bot: BotConfig,
    /// When a bot that did not ask (`ctx.wake_in`) ticks next.
    pub default_tick: Duration,
    /// The shortest and longest `ctx.wake_in` honoured; outside, clamped.
    pub min_tick: Duration,
    pub max_tick: Duration,
    /// Bots' timers run this many times faster than the clock (demos and
    /// tests compress a minute of bot activity into seconds).
    pub speedup: u32,
    pub watch: WatchLimits,
}

impl Default for BotHostConfig {
    fn default() -> BotHostConfig {
        BotHostConfig {
            arbiters: 1,
            seed: 0,
            bot: BotConfig::default(),
            default_tick: Duration::from_secs(1),
            min_tick: Duration::from_millis(100),
            max_tick: Duration::from_secs(24 * 60 * 60),
            speedup: 1,
            watch: WatchLimits::default(),
        }
    }
}

impl BotHostConfig {
    /// The real time until a tick the script asked for `wake_in_ms` from now.
    pub fn tick_after(&self, wake_in_ms: Option<i64>) -> Duration {
        let asked = match wake_in_ms {
            Some(ms) => Duration::from_millis(ms.max(0) as u64),
            None => self.default_tick,
        };
        self.clamped(asked)
    }

    /// A wait a bot's timer honours: within the bounds, then sped up.
    pub fn clamped(&self, asked: Duration) -> Duration {
        asked.clamp(self.min_tick, self.max_tick) / self.speedup.max(1)
    }
}

/// A bot of a scenario run live: its group's wake-up process instead of
/// the default tick, and the noise through which it sees the fundamental.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScenarioPacing {
    pub wake: Wake,
    /// When the run ends (a `once` bot wakes before it).
    pub end: Timestamp,
    pub observation_noise: f64,
}

/// A bot to run: its script, params and the (open) account it trades for.
#[derive(Debug, Clone)]
pub struct BotSpec {
    pub id: u64,
    pub account: AccountId,
    pub script: Arc<BotScript>,
    pub params: serde_json::Map<String, serde_json::Value>,
    /// Set for a bot of a live scenario run.
    pub pacing: Option<ScenarioPacing>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BotHostError {
    #[error("bot {0} is already running")]
    AlreadyRunning(u64),
    #[error("bot {0} is not running")]
    NotRunning(u64),
    #[error("the bot's account {0} is not open")]
    NoAccount(AccountId),
    #[error("the bot's `symbol` param {0:?} is not a listed symbol")]
    UnknownSymbol(String),
}

/// What the host tells its owner about a bot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BotReport {
    /// Too many failed calls in a row: the bot stopped trading, its open
    /// orders were cancelled.
    Failed { bot: u64, error: ScriptError },
}

/// The listings bots see, one watch each.
#[derive(Default)]
pub struct Watches {
    symbols: RwLock<HashMap<Symbol, Arc<Mutex<SymbolWatch>>>>,
}

impl Watches {
    fn get(&self, symbol: Symbol) -> Option<Arc<Mutex<SymbolWatch>>> {
        self.symbols
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&symbol)
            .cloned()
    }

    /// The views of `only` (when given) or of every listing.
    pub fn views(&self, only: Option<Symbol>) -> BTreeMap<Symbol, SymbolView> {
        let symbols = self.symbols.read().unwrap_or_else(|e| e.into_inner());
        let view = |watch: &Arc<Mutex<SymbolWatch>>| {
            SymbolView::clone(&watch.lock().unwrap_or_else(|e| e.into_inner()).view())
        };
        match only {
            Some(symbol) => symbols
                .get(&symbol)
                .map(|watch| (symbol, view(watch)))
                .into_iter()
                .collect(),
            None => symbols
                .iter()
                .map(|(symbol, watch)| (*symbol, view(watch)))
                .collect(),
        }
    }

    pub fn tick(&self, symbol: Symbol) -> Option<TickSize> {
        self.symbols
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&symbol)
            .map(|watch| watch.lock().unwrap_or_else(|e| e.into_inner()).tick())
    }
}

struct Running {
    addr: Addr<BotActor>,
    account: AccountId,
    /// The listing it watches for `on_trade` (`None`: every one), when its
    /// script has `on_trade`.
    trades: Option<Option<Symbol>>,
    news: bool,
}

/// Cheap to clone; every clone is the same host.
#[derive(Clone)]
pub struct BotHost {
    inner: Arc<Inner>,
}

struct Inner {
    market: Market,
    config: BotHostConfig,
    arbiters: Vec<Arbiter>,
    next_arbiter: AtomicUsize,
    watches: Arc<Watches>,
    bots: RwLock<HashMap<u64, Running>>,
    by_account: RwLock<HashMap<AccountId, Addr<BotActor>>>,
    reports: mpsc::UnboundedSender<BotReport>,
    /// A live scenario is paused: bots' ticks wait.
    paused: AtomicBool,
}

impl BotHost {
    /// Must be called inside an actix `System`. The receiver hears about
    /// bots that failed.
    pub fn new(
        market: Market,
        config: BotHostConfig,
    ) -> (BotHost, mpsc::UnboundedReceiver<BotReport>) {
        let (reports, heard) = mpsc::unbounded_channel();
        let arbiters: Vec<Arbiter> = (0..config.arbiters.max(1))
            .map(|_| Arbiter::new())
            .collect();
        let host = BotHost {
            inner: Arc::new(Inner {
                market,
                config,
                arbiters,
                next_arbiter: AtomicUsize::new(0),
                watches: Arc::new(Watches::default()),
                bots: RwLock::new(HashMap::new()),
                by_account: RwLock::new(HashMap::new()),
                reports,
                paused: AtomicBool::new(false),
            }),
        };
        host.route_order_updates();
        (host, heard)
    }

    pub fn config(&self) -> &BotHostConfig {
        &self.inner.config
    }

    pub fn watches(&self) -> &Arc<Watches> {
        &self.inner.watches
    }

    fn next_arbiter(&self) -> ArbiterHandle {
        let turn = self.inner.next_arbiter.fetch_add(1, Ordering::Relaxed);
        self.inner.arbiters[turn % self.inner.arbiters.len()].handle()
    }

    /// Follow every listed symbol not followed yet; answers once each new
    /// watch holds its book's depth.
    pub async fn watch_listings(&self) {
        for symbol in self.inner.market.symbols() {
            if self.inner.watches.get(symbol).is_some() {
                continue;
            }
            let Some(book) = self.inner.market.book(symbol) else {
                continue;
            };
            let watch = Arc::new(Mutex::new(SymbolWatch::new(
                symbol,
                book.listing.tick,
                self.inner.config.watch,
            )));
            self.inner
                .watches
                .symbols
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .insert(symbol, Arc::clone(&watch));
            let (ready, synced) = tokio::sync::oneshot::channel();
            let host = self.clone();
            self.next_arbiter().spawn(async move {
                host.follow(book, watch, ready).await;
            });
            // A book that stopped answering simply has no depth yet.
            let _ = synced.await;
        }
    }

    /// Keep one watch in step with its book: subscribe, take a snapshot,
    /// apply updates; after a gap (this feed lagged) snapshot again.
    async fn follow(
        self,
        book: crate::market::BookHandle,
        watch: Arc<Mutex<SymbolWatch>>,
        ready: tokio::sync::oneshot::Sender<()>,
    ) {
        let mut ready = Some(ready);
        loop {
            let mut updates = book.subscribe();
            let (Ok(depth), Ok(top)) = (
                book.addr.send(Depth(usize::MAX)).await,
                book.addr.send(TopOfBook).await,
            ) else {
                return;
            };
            watch
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .reset(&depth, top.last);
            if let Some(ready) = ready.take() {
                let _ = ready.send(());
            }
            loop {
                let update = match updates.recv().await {
                    Ok(update) => update,
                    Err(broadcast::error::RecvError::Lagged(missed)) => {
                        tracing::debug!(symbol = %book.listing.symbol, missed, "bot watch lagged");
                        break;
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                };
                let applied = watch
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .apply(update.at, &update.events);
                match applied {
                    Ok(trades) => {
                        for trade in trades {
                            self.trade_seen(trade);
                        }
                    }
                    Err(_) => break,
                }
            }
        }
    }

    /// One task hands every bot's order changes to that bot.
    fn route_order_updates(&self) {
        let mut updates = self.inner.market.order_updates();
        let host = self.clone();
        self.next_arbiter().spawn(async move {
            loop {
                match updates.recv().await {
                    Ok(record) => {
                        let bot = host
                            .inner
                            .by_account
                            .read()
                            .unwrap_or_else(|e| e.into_inner())
                            .get(&record.account)
                            .cloned();
                        if let Some(bot) = bot {
                            bot.do_send(OrderChanged(record));
                        }
                    }
                    Err(broadcast::error::RecvError::Lagged(missed)) => {
                        tracing::warn!(missed, "bots missed order updates (their fills go unseen)");
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                }
            }
        });
    }

    fn trade_seen(&self, trade: TradeView) {
        let bots = self.inner.bots.read().unwrap_or_else(|e| e.into_inner());
        for running in bots.values() {
            if let Some(follows) = running.trades
                && follows.is_none_or(|symbol| symbol == trade.symbol)
            {
                running.addr.do_send(TradeSeen(trade));
            }
        }
    }

    /// Every bot whose script has `on_news` hears it.
    pub fn publish_news(&self, news: NewsView) {
        let bots = self.inner.bots.read().unwrap_or_else(|e| e.into_inner());
        for running in bots.values().filter(|running| running.news) {
            running.addr.do_send(NewsSeen(news.clone()));
        }
    }

    /// What a company published, for the bots that read financials.
    pub fn set_financials(
        &self,
        symbol: Symbol,
        financials: Vec<Financials>,
        shares_outstanding: u64,
    ) {
        if let Some(watch) = self.inner.watches.get(symbol) {
            watch
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .set_financials(financials, shares_outstanding);
        }
    }

    /// A live scenario moved a listing's fundamental value.
    pub fn set_fundamental(&self, symbol: Symbol, value: Option<Money>) {
        if let Some(watch) = self.inner.watches.get(symbol) {
            watch
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .set_fundamental(value);
        }
    }

    /// While paused, bots' ticks are put off (fills, trades and news still
    /// reach them).
    pub fn set_paused(&self, paused: bool) {
        self.inner.paused.store(paused, Ordering::SeqCst);
    }

    pub fn is_paused(&self) -> bool {
        self.inner.paused.load(Ordering::SeqCst)
    }

    /// The listing a bot's `symbol` param names (it sees only that one), or
    /// none; a symbol that is not followed is an error.
    pub fn symbol_param(
        &self,
        params: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<Option<Symbol>, BotHostError> {
        let Some(value) = params.get("symbol") else {
            return Ok(None);
        };
        value
            .as_str()
            .and_then(|name| Symbol::new(name).ok())
            .filter(|symbol| self.inner.watches.get(*symbol).is_some())
            .map(Some)
            .ok_or_else(|| BotHostError::UnknownSymbol(value.to_string()))
    }

    /// Start a bot on the next bot thread; its `on_start` runs at once.
    pub async fn start(&self, spec: BotSpec) -> Result<(), BotHostError> {
        self.watch_listings().await;
        let only = self.symbol_param(&spec.params)?;
        let account = self
            .inner
            .market
            .account(spec.account)
            .ok_or(BotHostError::NoAccount(spec.account))?;
        let mut bots = self.inner.bots.write().unwrap_or_else(|e| e.into_inner());
        if bots.contains_key(&spec.id) {
            return Err(BotHostError::AlreadyRunning(spec.id));
        }
        let core = BotCore::new(
            spec.id,
            Arc::clone(&spec.script),
            &spec.params,
            self.inner.config.seed,
            self.inner.config.bot.clone(),
        );
        let host = self.clone();
        let account_id = spec.account;
        let pacing = spec.pacing;
        let seed = self.inner.config.seed;
        let addr = BotActor::start_in_arbiter(&self.next_arbiter(), move |_| {
            let actor = BotActor::new(core, account_id, account, only, host);
            match pacing {
                Some(pacing) => actor.paced(pacing, seed),
                None => actor,
            }
        });
        self.inner
            .by_account
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(spec.account, addr.clone());
        bots.insert(
            spec.id,
            Running {
                addr,
                account: spec.account,
                trades: spec.script.defines(Entry::Trade).then_some(only),
                news: spec.script.defines(Entry::News),
            },
        );
        Ok(())
    }

    /// Stop a bot: its timer ends and its open orders are cancelled before
    /// this answers.
    pub async fn stop(&self, id: u64) -> Result<(), BotHostError> {
        let running = self
            .inner
            .bots
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id)
            .ok_or(BotHostError::NotRunning(id))?;
        self.inner
            .by_account
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&running.account);
        // A bot that already stopped on its own has nothing left to cancel.
        let _ = running.addr.send(StopBot).await;
        Ok(())
    }

    /// The ids of the running bots, sorted.
    pub fn running(&self) -> Vec<u64> {
        let mut ids: Vec<u64> = self
            .inner
            .bots
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .keys()
            .copied()
            .collect();
        ids.sort_unstable();
        ids
    }

    pub(super) fn market(&self) -> &Market {
        &self.inner.market
    }

    /// A bot failed for good: it leaves the routing tables and its owner
    /// hears why.
    pub(super) fn failed(&self, bot: u64, error: ScriptError) {
        if let Some(running) = self
            .inner
            .bots
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&bot)
        {
            self.inner
                .by_account
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&running.account);
        }
        // Nobody listening (tests, shutdown) is fine.
        let _ = self.inner.reports.send(BotReport::Failed { bot, error });
    }

    /// Stop the bot threads (and with them every bot).
    pub fn shutdown(&self) {
        for arbiter in &self.inner.arbiters {
            arbiter.stop();
        }
    }
}
