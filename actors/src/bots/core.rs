//! One bot: a shared compiled script plus everything that is this bot's own
//! (scope, params, state map, random stream, failure count). Pure: the
//! driver (the bot actor, or the scenario kernel) hands it a view and an
//! event, gets back the actions to send through the bot's account, and
//! decides when to call it next.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, LazyLock};

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rhai::{Dynamic, Map, Scope};

use super::ctx::{self, CallState, Ctx};
use super::run;
use super::sandbox;
use super::script::{BotScript, Entry, ScriptError};
use super::view::{BotView, FillView, NewsView, TradeView};
use crate::account::OrderRequest;
use crate::book::{OrderKind, TimeInForce};
use crate::types::{OrderId, Price, Quantity, Side, Symbol};

/// How a bot is run (the sandbox's caps are in [`super::Limits`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotConfig {
    /// Failed calls in a row (cap exceeded, error thrown) after which the
    /// bot is FAILED and is no longer called.
    pub max_failures_in_a_row: u32,
    /// Orders plus cancels one call may produce; one more aborts the call.
    pub max_orders_per_call: usize,
}

impl Default for BotConfig {
    fn default() -> BotConfig {
        BotConfig {
            max_failures_in_a_row: 3,
            max_orders_per_call: 100,
        }
    }
}

/// How a bot's order is priced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BotOrderKind {
    /// A limit price on the listing's tick (already rounded from the
    /// script's decimal: see [`super::price_from_script`]).
    Limit {
        price: Price,
    },
    Market,
}

/// An order a bot asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BotOrder {
    pub symbol: Symbol,
    pub side: Side,
    pub kind: BotOrderKind,
    pub quantity: Quantity,
}

impl BotOrder {
    /// The request to send through the bot's account, the same path a
    /// person's order takes: limit orders are good till cancelled, market
    /// orders immediate-or-cancel.
    pub fn to_request(&self) -> OrderRequest {
        let (kind, tif) = match self.kind {
            BotOrderKind::Limit { price } => (OrderKind::Limit { price }, TimeInForce::Gtc),
            BotOrderKind::Market => (OrderKind::Market, TimeInForce::Ioc),
        };
        OrderRequest {
            symbol: self.symbol,
            side: self.side,
            kind,
            tif,
            quantity: self.quantity,
            client_order_id: None,
        }
    }
}

/// What a call asks the market to do, in the order the script asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BotAction {
    Place(BotOrder),
    Cancel(OrderId),
    /// Every open order of the bot, or of the bot in one symbol.
    CancelAll(Option<Symbol>),
}

/// The result of one call.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CallOutcome {
    /// Empty when the call failed: a failed call is aborted whole.
    pub actions: Vec<BotAction>,
    /// `ctx.log`, `print` and `debug` lines, kept even when the call failed.
    pub logs: Vec<String>,
    /// The last `ctx.wake_in(ms)` of the call: when the bot wants its next
    /// `on_tick`. `None`: the driver's default.
    pub wake_in: Option<i64>,
    /// Why the call failed.
    pub error: Option<ScriptError>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BotStatus {
    Running,
    /// Stopped after too many failures in a row; the last error, for its owner.
    Failed(ScriptError),
}

/// The seed of a bot's random stream: ChaCha8 keyed by the run seed
/// (little-endian, bytes 0..8) and a fixed tag (bytes 8..32), on the stream
/// numbered by the bot id. Two bots of one run draw from independent
/// streams; the same run seed and bot id always give the same draws.
pub fn bot_rng(run_seed: u64, bot_id: u64) -> ChaCha8Rng {
    const TAG: &[u8; 24] = b"marketlab/bots/rng/v1\0\0\0";
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&run_seed.to_le_bytes());
    key[8..].copy_from_slice(TAG);
    let mut rng = ChaCha8Rng::from_seed(key);
    rng.set_stream(bot_id);
    rng
}

/// A params object (JSON) as the script's `ctx.param(name)` sees it:
/// integers stay integers, other numbers are decimals, objects are maps.
pub fn params_from_json(params: &serde_json::Map<String, serde_json::Value>) -> Map {
    params
        .iter()
        .map(|(name, value)| (name.as_str().into(), ctx::from_json(value)))
        .collect()
}

pub struct BotCore {
    id: u64,
    script: Arc<BotScript>,
    scope: Scope<'static>,
    /// `None` only while a call runs (lent to the thread).
    state: Option<Box<CallState>>,
    config: BotConfig,
    failures_in_a_row: u32,
    status: BotStatus,
}

impl std::fmt::Debug for BotCore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BotCore")
            .field("id", &self.id)
            .field("script", &self.script.name())
            .field("status", &self.status)
            .field("failures_in_a_row", &self.failures_in_a_row)
            .finish_non_exhaustive()
    }
}

impl BotCore {
    pub fn new(
        id: u64,
        script: Arc<BotScript>,
        params: &serde_json::Map<String, serde_json::Value>,
        run_seed: u64,
        config: BotConfig,
    ) -> BotCore {
        BotCore::sharing(
            id,
            script,
            Arc::new(params_from_json(params)),
            run_seed,
            config,
        )
    }

    /// [`BotCore::new`] with params converted once and shared by a group of
    /// bots (a scenario's thousands of noise traders hold one map).
    pub fn sharing(
        id: u64,
        script: Arc<BotScript>,
        params: Arc<Map>,
        run_seed: u64,
        config: BotConfig,
    ) -> BotCore {
        let state = CallState {
            token: ctx::new_token(),
            bot_id: id,
            view: Arc::clone(&NO_VIEW),
            params,
            state: Map::new(),
            rng: bot_rng(run_seed, id),
            actions: Vec::new(),
            wake_in: None,
            max_actions: config.max_orders_per_call,
            max_state: script.sandbox().limits().max_map_size,
        };
        BotCore {
            id,
            script,
            scope: Scope::new(),
            state: Some(Box::new(state)),
            config,
            failures_in_a_row: 0,
            status: BotStatus::Running,
        }
    }

    pub fn id(&self) -> u64 {
        self.id
    }

    pub fn script(&self) -> &Arc<BotScript> {
        &self.script
    }

    pub fn status(&self) -> &BotStatus {
        &self.status
    }

    pub fn failures_in_a_row(&self) -> u32 {
        self.failures_in_a_row
    }

    /// Run again after FAILED (its owner fixed what the script depends on);
    /// state and random stream carry on.
    pub fn restart(&mut self) {
        self.status = BotStatus::Running;
        self.failures_in_a_row = 0;
    }

    /// A copy of the bot's persistent `state` map, for display.
    pub fn state(&self) -> Map {
        self.state
            .as_ref()
            .map(|state| state.state.clone())
            .unwrap_or_default()
    }

    pub fn on_start(&mut self, view: &Arc<BotView>) -> CallOutcome {
        self.call(Entry::Start, view, None)
    }

    pub fn on_tick(&mut self, view: &Arc<BotView>) -> CallOutcome {
        self.call(Entry::Tick, view, None)
    }

    pub fn on_trade(&mut self, view: &Arc<BotView>, trade: &TradeView) -> CallOutcome {
        if !self.will_call(Entry::Trade) {
            return CallOutcome::default();
        }
        self.call(Entry::Trade, view, Some(ctx::trade_map(trade)))
    }

    pub fn on_fill(&mut self, view: &Arc<BotView>, fill: &FillView) -> CallOutcome {
        if !self.will_call(Entry::Fill) {
            return CallOutcome::default();
        }
        self.call(Entry::Fill, view, Some(ctx::fill_map(fill)))
    }

    pub fn on_news(&mut self, view: &Arc<BotView>, news: &NewsView) -> CallOutcome {
        if !self.will_call(Entry::News) {
            return CallOutcome::default();
        }
        self.call(Entry::News, view, Some(ctx::news_map(news)))
    }

    /// The script defines `entry` and the bot is not FAILED.
    pub fn will_call(&self, entry: Entry) -> bool {
        self.status == BotStatus::Running && self.script.defines(entry)
    }

    fn call(&mut self, entry: Entry, view: &Arc<BotView>, event: Option<Dynamic>) -> CallOutcome {
        let Some(entry_ast) = self.script.entry(entry) else {
            return CallOutcome::default();
        };
        if self.status != BotStatus::Running {
            return CallOutcome::default();
        }
        let token = {
            let state = back(&mut self.state);
            state.view = view.clone();
            state.actions.clear();
            state.wake_in = None;
            state.token
        };
        // The entry point's parameters (whatever the script named them) are
        // the only variables in the bot's scope when its body starts.
        let ctx = Dynamic::from(Ctx(token));
        self.scope.clear();
        for (param, value) in entry_ast
            .params
            .iter()
            .zip([Some(ctx), event].into_iter().flatten())
        {
            self.scope.push_dynamic(param.clone(), value);
        }
        let sandbox = self.script.sandbox();
        sandbox::begin_log(sandbox.limits());
        let scope = &mut self.scope;
        let script = self.script.id();
        let result = ctx::lend(&mut self.state, || {
            catch_unwind(AssertUnwindSafe(|| {
                run::eval(
                    sandbox.engine(),
                    script,
                    &entry_ast.source,
                    scope,
                    &entry_ast.ast,
                )
            }))
        });
        let logs = sandbox::end_log();
        self.scope.clear();
        // The view is only for the call: a bot that waits between calls
        // (thousands of them in a scenario) holds none.
        back(&mut self.state).view = Arc::clone(&NO_VIEW);

        let error = match result {
            Ok(Ok(_)) => None,
            Ok(Err(error)) => Some(ScriptError::from_eval(*error)),
            Err(_) => Some(ScriptError::new(
                "the script engine failed inside this call; the call was stopped",
            )),
        };
        let Some(error) = error else {
            let state = back(&mut self.state);
            self.failures_in_a_row = 0;
            return CallOutcome {
                actions: std::mem::take(&mut state.actions),
                logs,
                wake_in: state.wake_in.take(),
                error: None,
            };
        };
        let state = back(&mut self.state);
        state.actions.clear();
        state.wake_in = None;
        self.failures_in_a_row += 1;
        if self.failures_in_a_row >= self.config.max_failures_in_a_row {
            self.status = BotStatus::Failed(error.clone());
        }
        CallOutcome {
            actions: Vec::new(),
            logs,
            wake_in: None,
            error: Some(error),
        }
    }
}

static NO_VIEW: LazyLock<Arc<BotView>> = LazyLock::new(|| Arc::new(BotView::default()));

/// The bot's call state, which is only ever away while a call runs.
fn back(state: &mut Option<Box<CallState>>) -> &mut CallState {
    state
        .as_deref_mut()
        .expect("a bot's call state comes back after every call")
}
