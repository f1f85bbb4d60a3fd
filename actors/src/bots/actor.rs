//! The actor around one [`BotCore`]: it builds the bot's view (the watched
//! listings plus its own account), calls the script, and sends what the
//! script asked for through the bot's account, in order, one call at a
//! time. It owns the bot's timer: `ctx.wake_in` sets the next `on_tick`.

use std::collections::HashMap;
use std::sync::Arc;

use actix::prelude::*;
use rand::rngs::ChaCha8Rng;

use super::core::{BotAction, BotCore, BotStatus, CallOutcome};
use super::host::{BotHost, ScenarioPacing};
use super::script::Entry;
use super::view::{BotView, FillView, Holding, NewsView, OpenOrderView, TradeView};
use crate::account::actor::{AccountActor, CancelOrder, Inspect, PlaceOrder};
use crate::account::{AccountCore, OrderRecord};
use crate::scenario::rng;
use crate::types::{AccountId, Money, OrderId, Price, Quantity, Side, Symbol};

/// One of the bot's own orders changed (a fill, most often).
#[derive(Message)]
#[rtype(result = "()")]
pub struct OrderChanged(pub Arc<OrderRecord>);

/// A trade in a listing the bot follows.
#[derive(Message)]
#[rtype(result = "()")]
pub struct TradeSeen(pub TradeView);

#[derive(Message)]
#[rtype(result = "()")]
pub struct NewsSeen(pub NewsView);

/// Stop ticking, cancel every open order, then stop.
#[derive(Message)]
#[rtype(result = "()")]
pub struct StopBot;

enum Call {
    Start,
    Tick,
    Fill(FillView),
    Trade(TradeView),
    News(NewsView),
}

impl Call {
    fn entry(&self) -> Entry {
        match self {
            Call::Start => Entry::Start,
            Call::Tick => Entry::Tick,
            Call::Fill(_) => Entry::Fill,
            Call::Trade(_) => Entry::Trade,
            Call::News(_) => Entry::News,
        }
    }
}

/// The account as the bot sees it, copied out of the account actor.
struct AccountSnapshot {
    cash: Money,
    available_cash: Money,
    positions: Vec<(Symbol, Holding)>,
    open_orders: Vec<(OrderId, Symbol, Side, Option<Price>, Quantity)>,
}

impl AccountSnapshot {
    fn of(core: &AccountCore) -> AccountSnapshot {
        let ledger = core.ledger();
        let mut open_orders: Vec<_> = core
            .open_orders()
            .map(|o| (o.id, o.symbol, o.side, o.kind.limit_price(), o.remaining()))
            .collect();
        open_orders.sort_unstable_by_key(|o| o.0);
        AccountSnapshot {
            cash: ledger.cash(),
            available_cash: ledger.available_cash(),
            positions: ledger
                .holdings()
                .map(|h| {
                    let holding = Holding {
                        quantity: h.quantity,
                        available: h.available,
                    };
                    (h.symbol, holding)
                })
                .collect(),
            open_orders,
        }
    }
}

pub struct BotActor {
    core: BotCore,
    account_id: AccountId,
    account: Addr<AccountActor>,
    /// The one listing it trades (its `symbol` param), or every one.
    only: Option<Symbol>,
    host: BotHost,
    next_tick: Option<SpawnHandle>,
    /// Fills of each open order already shown to the script.
    fills_seen: HashMap<OrderId, usize>,
    /// Told to stop: no more calls, so no order can follow the last cancel.
    stopping: bool,
    /// Set for a bot of a live scenario run.
    paced: Option<Paced>,
}

/// A live scenario bot's wake-up rule and noisy view of the fundamental,
/// drawn from the streams the kernel would use for it.
struct Paced {
    pacing: ScenarioPacing,
    wake_rng: ChaCha8Rng,
    observe_rng: ChaCha8Rng,
}

impl BotActor {
    pub fn new(
        core: BotCore,
        account_id: AccountId,
        account: Addr<AccountActor>,
        only: Option<Symbol>,
        host: BotHost,
    ) -> BotActor {
        BotActor {
            core,
            account_id,
            account,
            only,
            host,
            next_tick: None,
            fills_seen: HashMap::new(),
            stopping: false,
            paced: None,
        }
    }

    /// Wake up as a scenario's group says and see its fundamental through
    /// the group's noise; the random streams are keyed by `seed`.
    pub fn paced(mut self, pacing: ScenarioPacing, seed: u64) -> BotActor {
        let id = self.core.id();
        self.paced = Some(Paced {
            pacing,
            wake_rng: rng::stream(seed, "wake", id),
            observe_rng: rng::stream(seed, "observe", id),
        });
        self
    }

    fn view(&mut self, account: AccountSnapshot) -> BotView {
        let watches = self.host.watches();
        let mut symbols = watches.views(self.only);
        if let Some(paced) = &mut self.paced {
            let noise = paced.pacing.observation_noise;
            for view in symbols.values_mut() {
                if let Some(value) = view.fundamental {
                    let draw = rng::normal(&mut paced.observe_rng);
                    let seen = (value.0 as f64 * (1.0 + noise * draw)).round().max(1.0);
                    view.fundamental = Some(Money(seen as i64));
                }
            }
        }
        BotView {
            now: self.host.market().clock().now(),
            symbols,
            cash: account.cash,
            available_cash: account.available_cash,
            positions: account.positions.into_iter().collect(),
            open_orders: account
                .open_orders
                .into_iter()
                .map(|(id, symbol, side, price, remaining)| OpenOrderView {
                    id,
                    symbol,
                    side,
                    price: price.zip(watches.tick(symbol)).map(|(p, t)| t.to_money(p)),
                    remaining,
                })
                .collect(),
        }
    }

    /// Run one call of the script, then its actions, before the bot handles
    /// anything else (the mailbox waits meanwhile).
    fn invoke(&mut self, call: Call, ctx: &mut Context<Self>) {
        if self.stopping {
            return;
        }
        if matches!(call, Call::Tick) && self.host.is_paused() {
            let wait = self.host.config().tick_after(None);
            self.tick_in(wait, ctx);
            return;
        }
        if !self.core.will_call(call.entry()) {
            if matches!(call, Call::Start) && self.core.will_call(Entry::Tick) {
                self.schedule_tick(Entry::Start, None, ctx);
            }
            return;
        }
        let snapshot = self.account.send(Inspect(Box::new(AccountSnapshot::of)));
        let run = async move { snapshot.await.ok() }.into_actor(self).then(
            move |snapshot, act: &mut BotActor, ctx| {
                let actions = match snapshot {
                    Some(snapshot) => {
                        let view = Arc::new(act.view(snapshot));
                        let outcome = match &call {
                            Call::Start => act.core.on_start(&view),
                            Call::Tick => act.core.on_tick(&view),
                            Call::Fill(fill) => act.core.on_fill(&view, fill),
                            Call::Trade(trade) => act.core.on_trade(&view, trade),
                            Call::News(news) => act.core.on_news(&view, news),
                        };
                        act.after_call(&call, outcome, ctx)
                    }
                    None => {
                        // The account actor is gone: the market is shutting down.
                        ctx.stop();
                        Vec::new()
                    }
                };
                perform(act.account.clone(), actions).into_actor(act)
            },
        );
        ctx.wait(run);
    }

    /// Log what the call said, note a failure, and set the next tick.
    /// Answers the actions to send.
    fn after_call(
        &mut self,
        call: &Call,
        outcome: CallOutcome,
        ctx: &mut Context<Self>,
    ) -> Vec<BotAction> {
        let bot = self.core.id();
        for line in &outcome.logs {
            tracing::debug!(bot, "{line}");
        }
        if let Some(error) = &outcome.error {
            tracing::warn!(bot, entry = call.entry().name(), "bot call failed: {error}");
        }
        if let BotStatus::Failed(error) = self.core.status() {
            tracing::warn!(bot, "bot failed and stops trading: {error}");
            self.host.failed(bot, error.clone());
            self.cancel_timer(ctx);
            return vec![BotAction::CancelAll(None)];
        }
        self.schedule_tick(call.entry(), outcome.wake_in, ctx);
        outcome.actions
    }

    /// After a call of `entry` that asked for `wake_in_ms`: the next tick,
    /// when one is due (else the timer set before stays).
    fn schedule_tick(&mut self, entry: Entry, wake_in_ms: Option<i64>, ctx: &mut Context<Self>) {
        let config = self.host.config();
        let after = match &mut self.paced {
            Some(paced) => {
                let now = self.host.market().clock().now();
                let remaining = paced.pacing.end.0 - now.0;
                let Some(nanos) =
                    paced
                        .pacing
                        .wake
                        .next_in(entry, wake_in_ms, remaining, &mut paced.wake_rng)
                else {
                    return;
                };
                config.clamped(std::time::Duration::from_nanos(nanos.max(0) as u64))
            }
            None if matches!(entry, Entry::Start | Entry::Tick) || wake_in_ms.is_some() => {
                config.tick_after(wake_in_ms)
            }
            None => return,
        };
        self.tick_in(after, ctx);
    }

    fn tick_in(&mut self, after: std::time::Duration, ctx: &mut Context<Self>) {
        self.cancel_timer(ctx);
        self.next_tick = Some(ctx.run_later(after, |act, ctx| {
            act.next_tick = None;
            act.invoke(Call::Tick, ctx);
        }));
    }

    fn cancel_timer(&mut self, ctx: &mut Context<Self>) {
        if let Some(handle) = self.next_tick.take() {
            ctx.cancel_future(handle);
        }
    }
}

/// Send a call's actions through the bot's account, one after the other,
/// so a cancel frees its reservation before the next order needs it. A
/// refused order (no cash, off the band) is the script's business: it
/// sees its account as it is on the next call.
async fn perform(account: Addr<AccountActor>, actions: Vec<BotAction>) {
    for action in actions {
        match action {
            BotAction::Place(order) => {
                let _ = account.send(PlaceOrder(order.to_request())).await;
            }
            BotAction::Cancel(id) => {
                let _ = account.send(CancelOrder(id)).await;
            }
            BotAction::CancelAll(symbol) => {
                let open = account
                    .send(Inspect(Box::new(move |core: &AccountCore| {
                        core.open_orders()
                            .filter(|o| symbol.is_none_or(|s| s == o.symbol))
                            .map(|o| o.id)
                            .collect::<Vec<_>>()
                    })))
                    .await
                    .unwrap_or_default();
                for id in open {
                    let _ = account.send(CancelOrder(id)).await;
                }
            }
        }
    }
}

impl Actor for BotActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        self.invoke(Call::Start, ctx);
    }
}

impl Handler<OrderChanged> for BotActor {
    type Result = ();

    fn handle(&mut self, msg: OrderChanged, ctx: &mut Context<Self>) {
        let record = msg.0;
        if record.account != self.account_id {
            return;
        }
        let seen = self.fills_seen.entry(record.id).or_insert(0);
        let new = record.fills.get(*seen..).unwrap_or_default();
        *seen = record.fills.len();
        if record.status.is_final() {
            self.fills_seen.remove(&record.id);
        }
        let Some(tick) = self.host.watches().tick(record.symbol) else {
            return;
        };
        for fill in new {
            let fill = FillView {
                order: record.id,
                symbol: record.symbol,
                side: record.side,
                price: tick.to_money(fill.price),
                quantity: fill.quantity,
                fees: Money(fill.fee.0 + fill.tax.0),
                at: fill.at,
            };
            self.invoke(Call::Fill(fill), ctx);
        }
    }
}

impl Handler<TradeSeen> for BotActor {
    type Result = ();

    fn handle(&mut self, msg: TradeSeen, ctx: &mut Context<Self>) {
        self.invoke(Call::Trade(msg.0), ctx);
    }
}

impl Handler<NewsSeen> for BotActor {
    type Result = ();

    fn handle(&mut self, msg: NewsSeen, ctx: &mut Context<Self>) {
        self.invoke(Call::News(msg.0), ctx);
    }
}

impl Handler<StopBot> for BotActor {
    type Result = ResponseActFuture<Self, ()>;

    fn handle(&mut self, _: StopBot, ctx: &mut Context<Self>) -> Self::Result {
        self.stopping = true;
        self.cancel_timer(ctx);
        Box::pin(
            perform(self.account.clone(), vec![BotAction::CancelAll(None)])
                .into_actor(self)
                .map(|(), _, ctx| ctx.stop()),
        )
    }
}
