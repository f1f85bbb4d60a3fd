//! The discrete-event loop. One thread, one virtual clock, one queue
//! ordered by (time, sequence). It owns an [`OrderBook`] per company, an
//! [`AccountCore`] per account (each company's issuer, then every bot) and a
//! [`BotCore`] per bot, and routes each book command's events to the
//! accounts involved the way the book actor does, synchronously.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use rand::rngs::ChaCha8Rng;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::fundamental::Fundamental;
use super::queue::EventQueue;
use super::record::{BookRow, FundamentalRow, OrderRow, QuoteRow, Recorder, TradeRow};
use super::rng;
use super::spec::{self, EventKind, Scenario, injected_order};
use super::stats::{CompanySummary, CompanyTape, cents};
use crate::account::{
    AccountCore, FillRecord, OrderError, OrderRequest, Placement, check_shares_conserved,
};
use crate::book::Listing;
use crate::book::{BookConfig, BookEvent, OrderBook, Trade};
use crate::bots::{
    BotAction, BotConfig, BotCore, BotScript, BotStatus, BotView, CallOutcome, Candle, Entry,
    FillView, Financials, Holding, NewsView, OpenOrderView, SymbolView, TradeView,
    params_from_json,
};
use crate::ledger::{self, LedgerLimits, dividends};
use crate::types::{AccountId, BookId, Money, OrderId, Quantity, Side, Symbol, Timestamp};

// Each bot keeps the view of its last call until its next one, so these
// bound the memory of a run with many bots (about 3 KiB a bot).
/// Levels of each side a bot sees.
const VIEW_DEPTH: usize = 10;
/// Trades a bot sees in `ctx.trades`.
const RECENT_TRADES: usize = 20;
/// One-minute candles a bot sees in `ctx.candles`.
const CANDLES: usize = 30;
const CANDLE_NS: i64 = 60 * Timestamp::NANOS_PER_SEC;

#[derive(Debug, thiserror::Error)]
pub enum KernelError {
    #[error("every bot group needs one compiled script: {given} scripts for {groups} groups")]
    Scripts { given: usize, groups: usize },
    #[error("setting up the accounts failed: {0}")]
    Setup(String),
    /// The ledger and a book disagree: a bug, never an input error.
    #[error("settlement failed at {at}: {message}")]
    Settlement { at: Timestamp, message: String },
}

#[derive(Debug)]
enum Event {
    SessionOpen,
    SessionClose,
    Step(usize),
    Sample,
    Start(usize),
    Wake { bot: usize, token: u64 },
    Act { bot: usize, actions: Vec<BotAction> },
    // Boxed: the queue holds every bot's next wake-up, so its entries stay
    // small (32 bytes, not 64) for the rare events with a payload.
    Fill { bot: usize, fill: Box<FillView> },
    Trade { bot: usize, trade: Box<TradeView> },
    Scheduled(usize),
}

struct Company {
    listing: Listing,
    book: OrderBook,
    shares: Quantity,
    ipo_price: Money,
    fundamental: Option<Fundamental>,
    halted_by_event: bool,
    recent: VecDeque<TradeView>,
    candles: VecDeque<Candle>,
    /// Published so far, oldest year first (shared by the bots' views).
    financials: Arc<[Financials]>,
    /// The view bots share, and the book sequence it was built at.
    view: Option<(u64, SymbolView)>,
    tape: CompanyTape,
}

struct Bot {
    core: BotCore,
    group: usize,
    account: usize,
    symbols: Arc<[usize]>,
    active: bool,
    /// A wake-up carries the token it was scheduled with; a newer schedule
    /// (or leaving) makes older ones stale.
    token: u64,
    wake_rng: ChaCha8Rng,
    /// Only for a group that sees the fundamental with noise.
    observe_rng: Option<Box<ChaCha8Rng>>,
}

#[derive(Debug, Default, Clone)]
struct GroupTally {
    fills: u64,
    orders: u64,
    refused: Refusals,
    script_errors: u64,
    first_error: Option<String>,
}

pub struct Kernel {
    scenario: Scenario,
    now: Timestamp,
    end: Timestamp,
    queue: EventQueue<Event>,
    companies: Vec<Company>,
    by_symbol: FxHashMap<Symbol, usize>,
    accounts: Vec<AccountCore>,
    labels: Vec<String>,
    /// The bot of each account (issuers have none).
    bot_of: Vec<Option<usize>>,
    bots: Vec<Bot>,
    groups: Vec<GroupTally>,
    /// Bots whose scripts define `on_trade`, `on_news`, `on_fill`.
    trade_listeners: Vec<usize>,
    news_listeners: Vec<usize>,
    next_order: u64,
    events_buf: Vec<BookEvent>,
    /// The fills of the command being routed, by order: what each side of
    /// a trade paid.
    fills: Vec<(OrderId, FillRecord)>,
    processed: u64,
    trades: u64,
    refused: u64,
    fees: i128,
    deposited: i128,
    in_session: bool,
}

/// Where a run stands, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub now: Timestamp,
    pub start: Timestamp,
    pub end: Timestamp,
    pub events: u64,
    pub trades: u64,
}

/// The run's results, apart from what the caller adds (file hash, wall
/// time).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub scenario: String,
    pub seed: u64,
    pub engine_version: &'static str,
    /// False when the run was stopped before its end.
    pub complete: bool,
    pub start: String,
    pub simulated_until: String,
    pub events_processed: u64,
    pub trades: u64,
    /// Orders the accounts refused before any book saw them (not enough
    /// cash or shares, outside the band).
    pub orders_refused: u64,
    pub fees_and_taxes: String,
    pub companies: BTreeMap<String, CompanySummary>,
    pub groups: BTreeMap<String, GroupSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupSummary {
    pub bots: u32,
    /// Equity at the end less equity at the start, all bots together.
    pub pnl: String,
    /// Cash plus shares at the last trade price (the IPO price before any).
    pub equity: String,
    pub trades: u64,
    /// Orders the group's bots sent to the market.
    pub orders: u64,
    pub refused: Refusals,
    pub script_errors: u64,
    pub first_error: Option<String>,
}

/// Orders refused before any book saw them, by why.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Refusals {
    /// Buys the account's cash could not cover.
    pub no_cash: u64,
    /// Sells of shares the account did not hold: the no-short-selling rule.
    pub no_shares: u64,
    /// Anything else (a price outside the band, a symbol not listed).
    pub other: u64,
}

impl Refusals {
    fn count(&mut self, error: &OrderError) {
        match error {
            OrderError::Ledger(ledger::LedgerError::InsufficientFunds { .. }) => self.no_cash += 1,
            OrderError::Ledger(ledger::LedgerError::InsufficientShares { .. }) => {
                self.no_shares += 1
            }
            _ => self.other += 1,
        }
    }
}

impl Kernel {
    /// Set up the market of `scenario`; `scripts[i]` runs the bots of
    /// `scenario.groups[i]`.
    pub fn new(scenario: Scenario, scripts: Vec<Arc<BotScript>>) -> Result<Kernel, KernelError> {
        if scripts.len() != scenario.groups.len() {
            return Err(KernelError::Scripts {
                given: scripts.len(),
                groups: scenario.groups.len(),
            });
        }
        let start = scenario.start;
        let setup = |e: ledger::LedgerError| KernelError::Setup(e.to_string());
        let mut companies = Vec::new();
        let mut by_symbol = FxHashMap::default();
        // Sized once: a market of 100,000 bots would otherwise hold a
        // doubled vector's spare half, and copy it on the way.
        let bot_count: usize = scenario.groups.iter().map(|g| g.count as usize).sum();
        let account_count = scenario.companies.len() + bot_count;
        let mut accounts = Vec::with_capacity(account_count);
        let mut labels = Vec::with_capacity(account_count);
        let mut deposited: i128 = 0;
        for (index, company) in scenario.companies.iter().enumerate() {
            let config = BookConfig::listed_at(company.tick, company.ipo_price, company.band_bps);
            let listing = Listing {
                book: BookId(index as u32 + 1),
                symbol: company.symbol,
                tick: company.tick,
                config,
            };
            companies.push(Company {
                listing,
                book: OrderBook::new(config),
                shares: company.shares,
                ipo_price: company.ipo_price,
                fundamental: company.fundamental.map(|spec| {
                    Fundamental::new(
                        spec,
                        rng::stream(scenario.seed, "fundamental", index as u64),
                    )
                }),
                halted_by_event: false,
                recent: VecDeque::new(),
                candles: VecDeque::new(),
                financials: company.financials.as_slice().into(),
                view: None,
                tape: CompanyTape::default(),
            });
            by_symbol.insert(company.symbol, index);
            let mut issuer = new_account(accounts.len(), scenario.fees);
            if company.issuer_cash > Money::ZERO {
                issuer
                    .deposit(company.issuer_cash, None, start)
                    .map_err(setup)?;
                deposited += i128::from(company.issuer_cash.0);
            }
            let given: u64 = scenario
                .groups
                .iter()
                .flat_map(|g| {
                    g.holdings
                        .iter()
                        .map(move |(c, q)| (*c, u64::from(g.count) * q.0))
                })
                .filter(|(c, _)| *c == index)
                .map(|(_, q)| q)
                .sum();
            let kept = company.shares.0.checked_sub(given).ok_or_else(|| {
                KernelError::Setup(format!(
                    "the bots start with more {} than it issues",
                    company.symbol
                ))
            })?;
            if kept > 0 {
                issuer
                    .allot(company.symbol, Quantity(kept), company.ipo_price, start)
                    .map_err(setup)?;
            }
            issuer.take_changes();
            accounts.push(issuer);
            labels.push(format!("issuer:{}", company.symbol));
        }
        let mut bot_of = Vec::with_capacity(account_count);
        bot_of.resize(accounts.len(), None);
        let mut bots = Vec::with_capacity(bot_count);
        let mut trade_listeners = Vec::new();
        let mut news_listeners = Vec::new();
        let all: Arc<[usize]> = (0..companies.len()).collect();
        for (g, group) in scenario.groups.iter().enumerate() {
            let script = &scripts[g];
            let params = Arc::new(params_from_json(&group.params));
            let symbols: Arc<[usize]> = if group.symbols.is_empty() {
                all.clone()
            } else {
                group.symbols.iter().copied().collect()
            };
            for n in 0..group.count {
                let account_index = accounts.len();
                let mut account = new_account(account_index, scenario.fees);
                if group.cash > Money::ZERO {
                    account.deposit(group.cash, None, start).map_err(setup)?;
                    deposited += i128::from(group.cash.0);
                }
                for &(c, quantity) in &group.holdings {
                    account
                        .allot(
                            companies[c].listing.symbol,
                            quantity,
                            companies[c].ipo_price,
                            start,
                        )
                        .map_err(setup)?;
                }
                account.take_changes();
                let id = account.id().0;
                let core = BotCore::sharing(
                    id,
                    script.clone(),
                    params.clone(),
                    scenario.seed,
                    BotConfig::default(),
                );
                let bot = bots.len();
                if script.defines(Entry::Trade) {
                    trade_listeners.push(bot);
                }
                if script.defines(Entry::News) {
                    news_listeners.push(bot);
                }
                bots.push(Bot {
                    core,
                    group: g,
                    account: account_index,
                    symbols: symbols.clone(),
                    active: false,
                    token: 0,
                    wake_rng: rng::stream(scenario.seed, "wake", id),
                    observe_rng: (group.observation_noise != 0.0)
                        .then(|| Box::new(rng::stream(scenario.seed, "observe", id))),
                });
                accounts.push(account);
                labels.push(format!("{}#{}", group.name, n + 1));
                bot_of.push(Some(bot));
            }
        }

        let end = scenario.end();
        let mut kernel = Kernel {
            groups: vec![GroupTally::default(); scenario.groups.len()],
            now: start,
            end,
            queue: EventQueue::default(),
            companies,
            by_symbol,
            accounts,
            labels,
            bot_of,
            bots,
            trade_listeners,
            news_listeners,
            next_order: 1,
            events_buf: Vec::with_capacity(64),
            fills: Vec::new(),
            processed: 0,
            trades: 0,
            refused: 0,
            fees: 0,
            deposited,
            in_session: scenario.in_session(start),
            scenario,
        };
        kernel.schedule_start();
        Ok(kernel)
    }

    fn schedule_start(&mut self) {
        let start = self.scenario.start;
        if !self.in_session {
            for company in &mut self.companies {
                company.book.halt();
            }
        }
        for (at, opens) in self.scenario.session_changes() {
            let event = if opens {
                Event::SessionOpen
            } else {
                Event::SessionClose
            };
            self.queue.push(at.0, event);
        }
        for (c, company) in self.companies.iter().enumerate() {
            if let Some(f) = &company.fundamental {
                self.queue
                    .push(start.plus_millis(f.step_ms()).0, Event::Step(c));
            }
        }
        self.queue.push(
            start.plus_millis(self.scenario.outputs.l1_interval_ms).0,
            Event::Sample,
        );
        for (i, event) in self.scenario.events.iter().enumerate() {
            self.queue
                .push(start.plus_millis(event.at_ms).0, Event::Scheduled(i));
        }
        for bot in 0..self.bots.len() {
            if !self.scenario.groups[self.bots[bot].group].joins_later {
                self.queue.push(start.0, Event::Start(bot));
            }
        }
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    pub fn progress(&self) -> Progress {
        Progress {
            now: self.now,
            start: self.scenario.start,
            end: self.end,
            events: self.processed,
            trades: self.trades,
        }
    }

    pub fn accounts(&self) -> &[AccountCore] {
        &self.accounts
    }

    /// The run has reached its end (nothing is left before it).
    pub fn is_finished(&self) -> bool {
        self.queue.peek_time().is_none_or(|at| at >= self.end.0)
    }

    /// Process up to `budget` events; true when the run is finished.
    pub fn run(&mut self, budget: u64, recorder: &mut dyn Recorder) -> Result<bool, KernelError> {
        for _ in 0..budget {
            if self.is_finished() {
                break;
            }
            let Some((at, event)) = self.queue.pop() else {
                break;
            };
            self.now = Timestamp(at);
            self.processed += 1;
            self.handle(event, recorder)?;
        }
        Ok(self.is_finished())
    }

    fn handle(&mut self, event: Event, recorder: &mut dyn Recorder) -> Result<(), KernelError> {
        match event {
            Event::SessionOpen => {
                self.in_session = true;
                for company in &mut self.companies {
                    if !company.halted_by_event {
                        company.book.resume();
                    }
                }
            }
            Event::SessionClose => {
                self.in_session = false;
                for c in 0..self.companies.len() {
                    let mut events = std::mem::take(&mut self.events_buf);
                    events.clear();
                    self.companies[c].book.expire_day_orders(&mut events);
                    self.companies[c].book.halt();
                    let routed = self.route(c, &events, recorder);
                    self.events_buf = events;
                    routed?;
                }
            }
            Event::Step(c) => {
                let company = &mut self.companies[c];
                if let Some(f) = &mut company.fundamental {
                    f.step();
                    let step = f.step_ms();
                    if self.scenario.outputs.fundamental {
                        recorder.fundamental(&FundamentalRow {
                            at: self.now,
                            symbol: company.listing.symbol,
                            value: f.value(),
                        });
                    }
                    self.queue
                        .push(self.now.plus_millis(step).0, Event::Step(c));
                }
            }
            Event::Sample => {
                self.sample(recorder);
                let next = self.now.plus_millis(self.scenario.outputs.l1_interval_ms);
                self.queue.push(next.0, Event::Sample);
            }
            Event::Start(bot) => {
                if !self.bots[bot].active {
                    self.bots[bot].active = true;
                    let view = self.view(bot);
                    let outcome = self.bots[bot].core.on_start(&view);
                    self.after_call(bot, Entry::Start, outcome, recorder)?;
                }
            }
            Event::Wake { bot, token } => {
                if self.bots[bot].active && self.bots[bot].token == token {
                    let view = self.view(bot);
                    let outcome = self.bots[bot].core.on_tick(&view);
                    self.after_call(bot, Entry::Tick, outcome, recorder)?;
                }
            }
            Event::Act { bot, actions } => {
                if self.bots[bot].active {
                    self.act(bot, &actions, recorder)?;
                }
            }
            Event::Fill { bot, fill } => {
                if self.bots[bot].active {
                    let view = self.view(bot);
                    let outcome = self.bots[bot].core.on_fill(&view, &fill);
                    self.after_call(bot, Entry::Fill, outcome, recorder)?;
                }
            }
            Event::Trade { bot, trade } => {
                if self.bots[bot].active {
                    let view = self.view(bot);
                    let outcome = self.bots[bot].core.on_trade(&view, &trade);
                    self.after_call(bot, Entry::Trade, outcome, recorder)?;
                }
            }
            Event::Scheduled(i) => {
                let kind = self.scenario.events[i].kind.clone();
                self.scheduled(i, kind, recorder)?;
            }
        }
        Ok(())
    }

    /// The scenario's event number `index`, come due.
    fn scheduled(
        &mut self,
        index: usize,
        kind: EventKind,
        recorder: &mut dyn Recorder,
    ) -> Result<(), KernelError> {
        let targets = |symbol: Option<usize>, n: usize| symbol.map_or(0..n, |s| s..s + 1);
        if let Some((symbol, impact_ppm)) = kind.value_shock() {
            for c in targets(symbol, self.companies.len()) {
                if let Some(f) = &mut self.companies[c].fundamental {
                    f.shock(impact_ppm as f64 / 1e6);
                }
            }
        }
        match kind {
            EventKind::News {
                symbol,
                headline,
                impact_ppm,
            } => {
                let news = NewsView {
                    symbol: symbol.map(|c| self.companies[c].listing.symbol),
                    headline,
                    impact_ppm,
                    at: self.now,
                };
                let listeners = std::mem::take(&mut self.news_listeners);
                let mut called = Ok(());
                for &bot in &listeners {
                    let sees = symbol.is_none_or(|c| self.bots[bot].symbols.contains(&c));
                    if self.bots[bot].active && sees {
                        let view = self.view(bot);
                        let outcome = self.bots[bot].core.on_news(&view, &news);
                        called = self.after_call(bot, Entry::News, outcome, recorder);
                        if called.is_err() {
                            break;
                        }
                    }
                }
                self.news_listeners = listeners;
                called?;
            }
            EventKind::Halt { symbol } => {
                for c in targets(symbol, self.companies.len()) {
                    self.companies[c].halted_by_event = true;
                    self.companies[c].book.halt();
                }
            }
            EventKind::Resume { symbol } => {
                for c in targets(symbol, self.companies.len()) {
                    self.companies[c].halted_by_event = false;
                    if self.in_session {
                        self.companies[c].book.resume();
                    }
                }
            }
            EventKind::Join { group } => {
                for bot in 0..self.bots.len() {
                    if self.bots[bot].group == group && !self.bots[bot].active {
                        self.queue.push(self.now.0, Event::Start(bot));
                    }
                }
            }
            EventKind::Leave { group } => {
                for bot in 0..self.bots.len() {
                    if self.bots[bot].group == group && self.bots[bot].active {
                        self.act(bot, &[BotAction::CancelAll(None)], recorder)?;
                        self.bots[bot].active = false;
                        self.bots[bot].token += 1;
                    }
                }
            }
            EventKind::Order {
                symbol,
                side,
                quantity,
                price,
            } => {
                let listed = self.companies[symbol].listing.symbol;
                let request = injected_order(listed, side, quantity, price);
                self.place(symbol, symbol, request, recorder)?;
            }
            EventKind::Dividend {
                symbol,
                per_share_micros,
            } => self.pay_dividend(index, symbol, per_share_micros)?,
            // Bots read it with `ctx.financials` from their next call on.
            EventKind::Earnings { symbol, report, .. } => {
                let company = &mut self.companies[symbol];
                let mut financials = company.financials.to_vec();
                spec::publish(&mut financials, report);
                company.financials = financials.into();
                company.view = None;
            }
        }
        Ok(())
    }

    /// Every holder of `company` but its issuer is paid at once from the
    /// issuer's cash, each half to even to the cent; a dividend the issuer
    /// cannot pay in full pays nobody. Shares and lots are untouched.
    fn pay_dividend(
        &mut self,
        event: usize,
        company: usize,
        per_share_micros: i64,
    ) -> Result<(), KernelError> {
        // The issuers are the first accounts, in the companies' order.
        let issuer = company;
        let symbol = self.companies[company].listing.symbol;
        let owed: Vec<(usize, Money)> = self
            .accounts
            .iter()
            .enumerate()
            .filter(|&(account, _)| account != issuer)
            .filter_map(|(account, core)| {
                let held = core.ledger().holding(symbol)?.quantity;
                let amount = dividends::owed(held, per_share_micros)?;
                (amount > Money::ZERO).then_some((account, amount))
            })
            .collect();
        let total: Money = owed.iter().map(|&(_, amount)| amount).sum();
        if total == Money::ZERO {
            return Ok(());
        }
        let now = self.now;
        let failed = |e: ledger::LedgerError| KernelError::Settlement {
            at: now,
            message: format!("dividend {event} on {symbol}: {e}"),
        };
        let key = format!("dividend:{event}");
        match self.accounts[issuer].dividend(-total, symbol, format!("{key}:issuer"), now) {
            Ok(_) => {}
            Err(ledger::LedgerError::InsufficientFunds { .. }) => {
                self.companies[company].tape.dividends_skipped += 1;
                return Ok(());
            }
            Err(e) => return Err(failed(e)),
        }
        for (account, amount) in owed {
            self.accounts[account]
                .dividend(amount, symbol, key.clone(), now)
                .map_err(failed)?;
        }
        self.companies[company].tape.dividends_paid += total.0;
        Ok(())
    }

    /// A bot's call returned: its actions go to the market (now, or after
    /// the group's latency), and its next wake-up is scheduled.
    fn after_call(
        &mut self,
        bot: usize,
        entry: Entry,
        outcome: CallOutcome,
        recorder: &mut dyn Recorder,
    ) -> Result<(), KernelError> {
        let group = &self.scenario.groups[self.bots[bot].group];
        let (wake, latency_ms) = (group.wake, group.latency_ms);
        if let Some(error) = outcome.error {
            let tally = &mut self.groups[self.bots[bot].group];
            tally.script_errors += 1;
            tally.first_error.get_or_insert_with(|| {
                format!(
                    "{} in {}: {error}",
                    self.labels[self.bots[bot].account],
                    entry.name()
                )
            });
        }
        if matches!(self.bots[bot].core.status(), BotStatus::Failed(_)) {
            self.bots[bot].token += 1;
        } else {
            let remaining = self.end.0 - self.now.0;
            let next = wake
                .next_in(
                    entry,
                    outcome.wake_in,
                    remaining,
                    &mut self.bots[bot].wake_rng,
                )
                .map(|offset| self.now.0 + offset);
            if let Some(at) = next {
                self.bots[bot].token += 1;
                let token = self.bots[bot].token;
                self.queue.push(at, Event::Wake { bot, token });
            }
        }
        if outcome.actions.is_empty() {
            return Ok(());
        }
        if latency_ms > 0 {
            let at = self.now.plus_millis(latency_ms).0;
            self.queue.push(
                at,
                Event::Act {
                    bot,
                    actions: outcome.actions,
                },
            );
            Ok(())
        } else {
            self.act(bot, &outcome.actions, recorder)
        }
    }

    fn act(
        &mut self,
        bot: usize,
        actions: &[BotAction],
        recorder: &mut dyn Recorder,
    ) -> Result<(), KernelError> {
        let account = self.bots[bot].account;
        for action in actions {
            match *action {
                BotAction::Place(order) => {
                    let tally = &mut self.groups[self.bots[bot].group];
                    tally.orders += 1;
                    let Some(&c) = self.by_symbol.get(&order.symbol) else {
                        tally.refused.other += 1;
                        self.refused += 1;
                        continue;
                    };
                    self.place(account, c, order.to_request(), recorder)?;
                }
                BotAction::Cancel(id) => self.cancel(account, id, recorder)?,
                BotAction::CancelAll(symbol) => {
                    let mut ids: Vec<OrderId> = self.accounts[account]
                        .open_orders()
                        .filter(|o| symbol.is_none_or(|s| o.symbol == s))
                        .map(|o| o.id)
                        .collect();
                    ids.sort_unstable();
                    for id in ids {
                        self.cancel(account, id, recorder)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn place(
        &mut self,
        account: usize,
        c: usize,
        request: OrderRequest,
        recorder: &mut dyn Recorder,
    ) -> Result<(), KernelError> {
        let id = OrderId(self.next_order);
        self.next_order += 1;
        let listing = self.companies[c].listing;
        match self.accounts[account].place(id, request, &listing, self.now) {
            Ok(Placement::New(order)) => {
                let mut events = std::mem::take(&mut self.events_buf);
                events.clear();
                self.companies[c].book.submit(order, &mut events);
                let routed = self.route(c, &events, recorder);
                self.events_buf = events;
                routed
            }
            Ok(Placement::Existing(_)) => Ok(()),
            Err(error) => {
                self.refused += 1;
                if let Some(bot) = self.bot_of[account] {
                    self.groups[self.bots[bot].group].refused.count(&error);
                }
                Ok(())
            }
        }
    }

    fn cancel(
        &mut self,
        account: usize,
        id: OrderId,
        recorder: &mut dyn Recorder,
    ) -> Result<(), KernelError> {
        let Ok(order) = self.accounts[account].open_order(id) else {
            return Ok(());
        };
        let Some(&c) = self.by_symbol.get(&order.symbol) else {
            return Ok(());
        };
        let mut events = std::mem::take(&mut self.events_buf);
        events.clear();
        // An order that already ended in its book has nothing to cancel.
        let routed = match self.companies[c].book.cancel(id, &mut events) {
            Ok(()) => self.route(c, &events, recorder),
            Err(_) => Ok(()),
        };
        self.events_buf = events;
        routed
    }

    /// Hand one command's events to the accounts they concern (each its own
    /// in book order, as the book actor does), then record them and tell
    /// the bots that listen.
    fn route(
        &mut self,
        c: usize,
        events: &[BookEvent],
        recorder: &mut dyn Recorder,
    ) -> Result<(), KernelError> {
        if events.is_empty() {
            return Ok(());
        }
        let at = self.now;
        self.fills.clear();
        let mut per_account: Vec<(usize, Vec<BookEvent>)> = Vec::new();
        for event in events {
            for account in event.accounts().into_iter().flatten() {
                let index = account_index(account);
                match per_account.iter_mut().find(|(a, _)| *a == index) {
                    Some((_, own)) => own.push(*event),
                    None => per_account.push((index, vec![*event])),
                }
            }
        }
        for (index, own) in &per_account {
            self.accounts[*index]
                .apply(at, own)
                .map_err(|e| KernelError::Settlement {
                    at,
                    message: format!("{}: {e}", self.labels[*index]),
                })?;
            self.accounts[*index].take_fills(&mut self.fills);
        }
        let outputs = self.scenario.outputs;
        let listing = self.companies[c].listing;
        for event in events {
            if outputs.orders && !matches!(event, BookEvent::LevelChanged { .. }) {
                let account =
                    event.accounts()[0].map_or("", |a| self.labels[account_index(a)].as_str());
                recorder.order(&OrderRow {
                    at,
                    symbol: listing.symbol,
                    tick: listing.tick,
                    event,
                    account,
                });
            }
            let BookEvent::Trade(trade) = *event else {
                continue;
            };
            self.trade(c, &trade, recorder);
        }
        Ok(())
    }

    fn trade(&mut self, c: usize, trade: &Trade, recorder: &mut dyn Recorder) {
        let at = self.now;
        let listing = self.companies[c].listing;
        let price = listing.tick.to_money(trade.price);
        self.trades += 1;
        let (buyer, seller) = match trade.aggressor {
            Side::Buy => (trade.taker_account, trade.maker_account),
            Side::Sell => (trade.maker_account, trade.taker_account),
        };
        if self.scenario.outputs.trades {
            recorder.trade(&TradeRow {
                at,
                symbol: listing.symbol,
                seq: trade.seq,
                price,
                quantity: trade.quantity,
                aggressor: trade.aggressor,
                buyer: &self.labels[account_index(buyer)],
                seller: &self.labels[account_index(seller)],
            });
        }
        let company = &mut self.companies[c];
        company.tape.trade(price, trade.quantity);
        let view = TradeView {
            symbol: listing.symbol,
            at,
            price,
            quantity: trade.quantity,
            aggressor: trade.aggressor,
        };
        if company.recent.len() == RECENT_TRADES {
            company.recent.pop_front();
        }
        company.recent.push_back(view);
        let bucket = at.0 - at.0.rem_euclid(CANDLE_NS);
        match company.candles.back_mut() {
            Some(candle) if candle.start.0 == bucket => {
                candle.high = candle.high.max(price);
                candle.low = candle.low.min(price);
                candle.close = price;
                candle.volume += trade.quantity.0;
            }
            _ => {
                if company.candles.len() == CANDLES {
                    company.candles.pop_front();
                }
                company.candles.push_back(Candle {
                    start: Timestamp(bucket),
                    open: price,
                    high: price,
                    low: price,
                    close: price,
                    volume: trade.quantity.0,
                });
            }
        }

        let sides = [
            (trade.taker_account, trade.taker, trade.aggressor),
            (trade.maker_account, trade.maker, trade.aggressor.opposite()),
        ];
        for (account, order, side) in sides {
            let index = account_index(account);
            let fees = self
                .fills
                .iter()
                .find(|(id, f)| *id == order && f.trade.seq() == trade.seq)
                .map_or(Money::ZERO, |(_, f)| f.fee + f.tax);
            self.fees += i128::from(fees.0);
            let Some(bot) = self.bot_of[index] else {
                continue;
            };
            self.groups[self.bots[bot].group].fills += 1;
            if self.bots[bot].core.will_call(Entry::Fill) {
                let fill = FillView {
                    order,
                    symbol: listing.symbol,
                    side,
                    price,
                    quantity: trade.quantity,
                    fees,
                    at,
                };
                self.queue.push(
                    at.0,
                    Event::Fill {
                        bot,
                        fill: Box::new(fill),
                    },
                );
            }
        }
        for &bot in &self.trade_listeners {
            if self.bots[bot].active && self.bots[bot].symbols.contains(&c) {
                self.queue.push(
                    at.0,
                    Event::Trade {
                        bot,
                        trade: Box::new(view),
                    },
                );
            }
        }
    }

    fn sample(&mut self, recorder: &mut dyn Recorder) {
        let outputs = self.scenario.outputs;
        for company in &mut self.companies {
            let tick = company.listing.tick;
            let l1 = company.book.l1();
            let bid = l1.bid.map(|l| (tick.to_money(l.price), l.quantity));
            let ask = l1.ask.map(|l| (tick.to_money(l.price), l.quantity));
            let last = l1.last.map(|p| tick.to_money(p));
            company.tape.sample(bid, ask, last);
            if outputs.quotes {
                recorder.quote(&QuoteRow {
                    at: self.now,
                    symbol: company.listing.symbol,
                    bid,
                    ask,
                    last,
                });
            }
            if outputs.book {
                let l2 = company.book.l2(outputs.l2_depth);
                recorder.book(&BookRow {
                    at: self.now,
                    symbol: company.listing.symbol,
                    tick,
                    bids: &l2.bids,
                    asks: &l2.asks,
                });
            }
        }
    }

    /// What bot `bot` sees now: its listings (shared per company until the
    /// book changes), its own noisy fundamental view, and its account.
    fn view(&mut self, bot: usize) -> Arc<BotView> {
        let mut symbols = BTreeMap::new();
        let listings = self.bots[bot].symbols.clone();
        let noise = self.scenario.groups[self.bots[bot].group].observation_noise;
        for &c in listings.iter() {
            let mut view = self.symbol_view(c);
            if let Some(f) = &self.companies[c].fundamental {
                let draw = self.bots[bot]
                    .observe_rng
                    .as_mut()
                    .map_or(0.0, |rng| rng::normal(rng));
                let cents = (f.value() * (1.0 + noise * draw)).round().max(1.0);
                view.fundamental = Some(Money(cents as i64));
            }
            symbols.insert(self.companies[c].listing.symbol, view);
        }
        let account = &self.accounts[self.bots[bot].account];
        let ledger = account.ledger();
        let positions = ledger
            .holdings()
            .map(|h| {
                (
                    h.symbol,
                    Holding {
                        quantity: h.quantity,
                        available: h.available,
                    },
                )
            })
            .collect();
        let mut open_orders: Vec<OpenOrderView> = account
            .open_orders()
            .map(|o| OpenOrderView {
                id: o.id,
                symbol: o.symbol,
                side: o.side,
                price: o.kind.limit_price().map(|p| {
                    let c = self.by_symbol[&o.symbol];
                    self.companies[c].listing.tick.to_money(p)
                }),
                remaining: o.remaining(),
            })
            .collect();
        open_orders.sort_unstable_by_key(|o| o.id);
        Arc::new(BotView {
            now: self.now,
            symbols,
            cash: ledger.cash(),
            available_cash: ledger.available_cash(),
            positions,
            open_orders,
        })
    }

    fn symbol_view(&mut self, c: usize) -> SymbolView {
        let company = &mut self.companies[c];
        let seq = company.book.sequence();
        if let Some((at, view)) = &company.view
            && *at == seq
        {
            return view.clone();
        }
        let tick = company.listing.tick;
        let l2 = company.book.l2(VIEW_DEPTH);
        let level = |l: &crate::book::LevelView| crate::bots::Level {
            price: tick.to_money(l.price),
            quantity: l.quantity,
        };
        let mut view = SymbolView::new(tick);
        view.bids = l2.bids.iter().map(level).collect();
        view.asks = l2.asks.iter().map(level).collect();
        view.last = company.book.last_price().map(|p| tick.to_money(p));
        view.recent_trades = company.recent.iter().copied().collect();
        view.candles = company.candles.iter().copied().collect();
        view.shares_outstanding = company.shares.0;
        view.financials = Arc::clone(&company.financials);
        company.view = Some((seq, view.clone()));
        view
    }

    /// Every share issued is held by exactly one account, and the cash the
    /// accounts hold plus the fees and taxes they paid is what was
    /// deposited; every ledger and book keeps its own invariants.
    pub fn check_conservation(&self) -> Result<(), String> {
        for company in &self.companies {
            check_shares_conserved(&self.accounts, company.listing.symbol, company.shares)?;
            company.book.check_invariants()?;
        }
        let cash: i128 = self
            .accounts
            .iter()
            .map(|a| i128::from(a.ledger().cash().0))
            .sum();
        if cash + self.fees != self.deposited {
            return Err(format!(
                "cash is not conserved: accounts hold {cash} cents and paid {} in fees, {} was deposited",
                self.fees, self.deposited
            ));
        }
        for (index, account) in self.accounts.iter().enumerate() {
            account
                .ledger()
                .check_invariants()
                .map_err(|e| format!("{}: {e}", self.labels[index]))?;
        }
        Ok(())
    }

    /// The summary as the run stands (complete once [`Kernel::run`] said so).
    pub fn summary(&self) -> Summary {
        let mark = |c: usize| {
            let company = &self.companies[c];
            company
                .book
                .last_price()
                .map_or(company.ipo_price, |p| company.listing.tick.to_money(p))
        };
        let equity = |index: usize, price: &dyn Fn(usize) -> Money| -> i128 {
            let ledger = self.accounts[index].ledger();
            let shares: i128 = ledger
                .holdings()
                .map(|h| i128::from(price(self.by_symbol[&h.symbol]).0) * i128::from(h.quantity.0))
                .sum();
            i128::from(ledger.cash().0) + shares
        };
        let mut groups = BTreeMap::new();
        for (g, group) in self.scenario.groups.iter().enumerate() {
            let initial_shares: i128 = group
                .holdings
                .iter()
                .map(|(c, q)| i128::from(self.companies[*c].ipo_price.0) * i128::from(q.0))
                .sum();
            let initial = (i128::from(group.cash.0) + initial_shares) * i128::from(group.count);
            let now: i128 = self
                .bots
                .iter()
                .filter(|b| b.group == g)
                .map(|b| equity(b.account, &mark))
                .sum();
            let tally = &self.groups[g];
            groups.insert(
                group.name.clone(),
                GroupSummary {
                    bots: group.count,
                    pnl: cents(now - initial),
                    equity: cents(now),
                    trades: tally.fills,
                    orders: tally.orders,
                    refused: tally.refused,
                    script_errors: tally.script_errors,
                    first_error: tally.first_error.clone(),
                },
            );
        }
        Summary {
            scenario: self.scenario.name.clone(),
            seed: self.scenario.seed,
            engine_version: env!("CARGO_PKG_VERSION"),
            complete: self.is_finished(),
            start: self.scenario.start.to_string(),
            simulated_until: self.now.to_string(),
            events_processed: self.processed,
            trades: self.trades,
            orders_refused: self.refused,
            fees_and_taxes: cents(self.fees),
            companies: self
                .companies
                .iter()
                .map(|c| (c.listing.symbol.to_string(), c.tape.summary()))
                .collect(),
            groups,
        }
    }
}

/// Accounts are numbered from 1 in the order they were opened. A run
/// never looks up an order that ended, so none is kept.
fn new_account(index: usize, fees: ledger::FeeSchedule) -> AccountCore {
    AccountCore::new(
        ledger::Account::new(AccountId(index as u64 + 1), LedgerLimits::default()),
        fees,
    )
    .keeping_finished(0)
}

fn account_index(account: AccountId) -> usize {
    account.0 as usize - 1
}
