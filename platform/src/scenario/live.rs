//! `marketlab scenario run FILE --live`: the scenario inside the server, on
//! the wall clock, with the API open so people can register and trade in
//! it. Its companies are listed as `listCompany` lists them, its bots are
//! bots of the server's bot host (each wakes up as its group says and sees
//! the fundamental through the group's noise), and what the file schedules
//! ([`LivePlan`]) is carried out through the same paths an admin's
//! commands take: news as `publishNews`, halts as `haltTrading`, reports
//! (the file's and earnings events') as `publishFinancials` stores them, the
//! injected order from the company's issuer account. An ADMIN or
//! INSTRUCTOR pauses, resumes and stops the run (`pauseScenario`, ...);
//! time spent paused does not count. At its end the bots stop, the
//! companies halt (the session is over) and the run's summary lands in its
//! `scenario_runs` row.
//!
//! Unlike a headless run: the session hours, the start time and the
//! latency of the file are not used (the run starts when it is started and
//! the market's own latency is real); bots buy the holdings the file gives
//! them from the issuer at the IPO price (they are given the cash for it,
//! and pay the usual fees); a group trades one symbol or every listed one.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use marketlab_actors::account::AccountCore;
use marketlab_actors::account::actor::{CancelOrder, Deposit, Inspect, PlaceOrder};
use marketlab_actors::book::actor::TopOfBook;
use marketlab_actors::bots::{Financials, ScenarioPacing};
use marketlab_actors::scenario::Scenario;
use marketlab_actors::scenario::live::{Due, LivePlan};
use marketlab_actors::scenario::spec::{EventKind, injected_order};
use marketlab_actors::scenario::stats::{CompanyTape, cents};
use marketlab_actors::types::{AccountId, Money, Quantity, Symbol, Timestamp};
use serde_json::json;
use tokio::sync::{mpsc, oneshot};

use super::Loaded;
use crate::accounts::{self, NewAccount};
use crate::admin::set_halted;
use crate::api::error::{ApiError, ApiResult};
use crate::api::resolvers::admin::publish_news;
use crate::api::resolvers::portfolio::standings;
use crate::api::state::ApiState;
use crate::bots::{BotGroup, NewBots};
use crate::listing::{self, NewListing};
use crate::persistence::entities::enums::{BotStatus, Role, RunStatus};
use crate::persistence::entities::scenario_run;
use crate::persistence::entities::{bot_script, financial_report};
use crate::persistence::repo::dividends::{self, NewDividend};
use crate::persistence::repo::{
    bot_scripts, bots as bot_rows, companies, financials, scenario_runs, trades,
};

/// What an admin asks of a live run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Pause,
    Resume,
    Stop,
}

struct Command {
    control: Control,
    answer: oneshot::Sender<ApiResult<scenario_run::Model>>,
}

/// The live runs of this server, by run id.
#[derive(Default)]
pub struct LiveRuns(Mutex<HashMap<i64, mpsc::Sender<Command>>>);

impl LiveRuns {
    /// Pause, resume or stop run `id`; answers its row as it is after.
    pub async fn control(
        &self,
        state: &ApiState,
        id: i64,
        control: Control,
    ) -> ApiResult<scenario_run::Model> {
        let sender = self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&id)
            .cloned();
        if let Some(sender) = sender {
            let (answer, answered) = oneshot::channel();
            if sender.send(Command { control, answer }).await.is_ok()
                && let Ok(answer) = answered.await
            {
                return answer;
            }
        }
        // Not live here (any more): say why.
        match scenario_runs::find(&state.db, id).await? {
            None => Err(ApiError::NotFound(format!("there is no scenario run {id}"))),
            Some(run) => Err(ApiError::Conflict(format!(
                "scenario run {id} is {}: it is not running live in this server",
                status_name(run.status)
            ))),
        }
    }

    fn add(&self, id: i64, sender: mpsc::Sender<Command>) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, sender);
    }

    fn remove(&self, id: i64) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).remove(&id);
    }
}

pub fn status_name(status: RunStatus) -> &'static str {
    match status {
        RunStatus::Running => "RUNNING",
        RunStatus::Paused => "PAUSED",
        RunStatus::Finished => "FINISHED",
        RunStatus::Stopped => "STOPPED",
        RunStatus::Failed => "FAILED",
    }
}

/// How to run it: the seed (instead of the file's) and how many times
/// faster than the wall clock (its events, fundamentals and bots' timers).
#[derive(Debug, Clone, Copy)]
pub struct LiveOptions {
    pub seed: u64,
    pub speed: u32,
}

/// What a file asks for that a live run cannot do, each naming its key.
pub fn live_problems(scenario: &Scenario) -> Vec<String> {
    scenario
        .groups
        .iter()
        .enumerate()
        .filter(|(_, g)| g.symbols.len() > 1 && g.symbols.len() < scenario.companies.len())
        .map(|(i, _)| {
            format!("bots[{i}].symbols: live, a group trades one symbol or every listed one")
        })
        .collect()
}

struct Company {
    symbol: Symbol,
    issuer: AccountId,
    /// Halted by one of the file's events (a resume after a pause leaves it).
    halted_by_event: bool,
    tape: CompanyTape,
}

struct Group {
    name: String,
    bots: BotGroup,
    /// In the market now.
    active: bool,
    /// Has been launched once (a later join starts its bots again).
    launched: bool,
}

/// Set the scenario's market up in the server and start running it on the
/// wall clock; answers the run's id at once (the run goes on in a task).
pub async fn start(
    state: &Arc<ApiState>,
    loaded: &Loaded,
    options: LiveOptions,
) -> anyhow::Result<i64> {
    let scenario = &loaded.scenario;
    let problems = live_problems(scenario);
    anyhow::ensure!(problems.is_empty(), "{}", problems.join("\n"));
    for company in &scenario.companies {
        if companies::find(&state.db, company.symbol.as_str())
            .await?
            .is_some()
        {
            anyhow::bail!(
                "{} is already listed in this database: run a live scenario on a database of its own (--database-url)",
                company.symbol
            );
        }
    }
    let speed = options.speed.max(1);
    let now = state.now();
    let run = scenario_runs::start(
        &state.db,
        &scenario.name,
        options.seed as i64,
        &loaded.file_sha256,
        now.0,
    )
    .await?;
    tracing::info!(run, scenario = %scenario.name, "listing the scenario's companies");
    let companies = list_companies(state, scenario).await?;
    state.bots.refresh_listings().await?;
    tracing::info!(run, "opening the bots' accounts");
    let groups = open_groups(state, loaded, run, &companies, now).await?;
    let (sender, commands) = mpsc::channel(8);
    state.scenarios.add(run, sender);
    let mut live = Live {
        id: run,
        state: Arc::clone(state),
        scenario: scenario.clone(),
        file_sha256: loaded.file_sha256.clone(),
        seed: options.seed,
        speed,
        plan: LivePlan::new(scenario),
        companies,
        groups,
        started: now,
        elapsed_before_ms: 0,
        running_since: Some(state.now()),
    };
    for (c, company) in live.companies.iter().enumerate() {
        state
            .bots
            .host()
            .set_fundamental(company.symbol, live.plan.fundamental(c));
    }
    for g in 0..live.groups.len() {
        if !live.scenario.groups[g].joins_later {
            live.join(g).await?;
        }
    }
    tracing::info!(run, "the scenario is running live");
    actix::spawn(live.run(commands));
    Ok(run)
}

async fn list_companies(
    state: &Arc<ApiState>,
    scenario: &Scenario,
) -> anyhow::Result<Vec<Company>> {
    let mut listed = Vec::new();
    for company in &scenario.companies {
        let issuer = AccountId(state.account_ids.next() as u64);
        accounts::open(
            &state.db,
            &state.market,
            state.fees,
            issuer,
            NewAccount {
                username: format!("{}-issuer", company.symbol.as_str().to_lowercase()),
                display_name: company.name.clone(),
                role: Role::Corporate,
                password_hash: None,
                company_symbol: None,
            },
        )
        .await?;
        // Its sales to the bots each set the minimum commission aside
        // before the proceeds pay it.
        let cash = Money(company.issuer_cash.0 + state.fees.min_commission().0);
        if cash > Money::ZERO {
            deposit(state, issuer, cash).await?;
        }
        listing::list(
            &state.db,
            &state.market,
            NewListing {
                symbol: company.symbol,
                name: company.name.clone(),
                sector: company.sector.clone(),
                shares: company.shares,
                ipo_price: company.ipo_price,
                tick: company.tick,
                band_bps: company.band_bps,
                issuer,
            },
        )
        .await?;
        for report in &company.financials {
            publish_financials(state, company.symbol, *report).await?;
        }
        crate::api::feeds::follow(state, company.symbol, company.ipo_price);
        listed.push(Company {
            symbol: company.symbol,
            issuer,
            halted_by_event: false,
            tape: CompanyTape::default(),
        });
    }
    Ok(listed)
}

/// Stored as `publishFinancials` stores a CORPORATE account's report (the
/// same year again replaces it); bots see it once the listings are
/// refreshed.
async fn publish_financials(
    state: &ApiState,
    symbol: Symbol,
    report: Financials,
) -> anyhow::Result<()> {
    let row = financial_report::Model {
        symbol: symbol.to_string(),
        year: report.year,
        revenue: report.revenue.0,
        operating_profit: report.operating_profit.0,
        net_income: report.net_income.0,
        published_at: state.now().0,
    };
    financials::upsert(&state.db, &row).await?;
    Ok(())
}

async fn deposit(state: &ApiState, account: AccountId, amount: Money) -> anyhow::Result<()> {
    let actor = state
        .market
        .account(account)
        .ok_or_else(|| anyhow::anyhow!("account {account} is not running"))?;
    actor.send(Deposit { amount, key: None }).await??;
    Ok(())
}

/// Every group's bots, with their accounts open, funded and holding what
/// the file gives them; none started yet.
async fn open_groups(
    state: &Arc<ApiState>,
    loaded: &Loaded,
    run: i64,
    companies: &[Company],
    now: Timestamp,
) -> anyhow::Result<Vec<Group>> {
    let scenario = &loaded.scenario;
    let end = now.plus_millis(scenario.duration_ms);
    let mut groups = Vec::new();
    for (g, group) in scenario.groups.iter().enumerate() {
        let script = script_name(&scenario.name, &group.name);
        bot_scripts::upsert(
            &state.db,
            &bot_script::Model {
                name: script.clone(),
                source: loaded.sources[g].to_string(),
                updated_at: now.0,
            },
        )
        .await?;
        let mut params = group.params.clone();
        if group.symbols.len() == 1 && !params.contains_key("symbol") {
            let symbol = scenario.companies[group.symbols[0]].symbol;
            params.insert("symbol".into(), symbol.as_str().into());
        }
        let holdings_cost: i64 = group
            .holdings
            .iter()
            .map(|(c, q)| scenario.companies[*c].ipo_price.0 * q.0 as i64)
            .sum();
        let mut bots = state
            .bots
            .open_group(
                NewBots {
                    script,
                    params: serde_json::Value::Object(params).to_string(),
                    cash: Money(group.cash.0 + holdings_cost),
                    count: i32::try_from(group.count)?,
                    scenario_run: Some(run),
                },
                || state.account_ids.next(),
            )
            .await?;
        for row in &bots.rows {
            for &(c, quantity) in &group.holdings {
                listing::sell_from_issuer(
                    &state.market,
                    companies[c].issuer,
                    AccountId(row.account_id as u64),
                    companies[c].symbol,
                    scenario.companies[c].ipo_price,
                    quantity,
                )
                .await?;
            }
        }
        bots.pacing = Some(ScenarioPacing {
            wake: group.wake,
            end,
            observation_noise: group.observation_noise,
        });
        groups.push(Group {
            name: group.name.clone(),
            bots,
            active: false,
            launched: false,
        });
    }
    Ok(groups)
}

/// `<scenario>.<group>`, in the characters a script name may hold.
fn script_name(scenario: &str, group: &str) -> String {
    let clean = |text: &str| -> String {
        text.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "_-".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    let mut name = format!("{}.{}", clean(scenario), clean(group));
    name.truncate(64);
    name
}

struct Live {
    id: i64,
    state: Arc<ApiState>,
    scenario: Scenario,
    file_sha256: String,
    seed: u64,
    speed: u32,
    plan: LivePlan,
    companies: Vec<Company>,
    groups: Vec<Group>,
    started: Timestamp,
    /// Scenario time run before the current stretch (pauses end stretches).
    elapsed_before_ms: i64,
    /// When the current stretch began; `None` while paused.
    running_since: Option<Timestamp>,
}

impl Live {
    /// Scenario milliseconds run so far.
    fn elapsed_ms(&self) -> i64 {
        let stretch = self.running_since.map_or(0, |since| {
            (self.state.now().0 - since.0) / Timestamp::NANOS_PER_MILLI * i64::from(self.speed)
        });
        self.elapsed_before_ms + stretch
    }

    async fn run(mut self, mut commands: mpsc::Receiver<Command>) {
        let status = loop {
            if self.running_since.is_some() {
                match self.carry_out_due().await {
                    Ok(true) => break RunStatus::Finished,
                    Ok(false) => {}
                    Err(e) => {
                        tracing::error!(run = self.id, "the live scenario failed: {e:#}");
                        break RunStatus::Failed;
                    }
                }
            }
            let wait = match (self.running_since, self.plan.next_at()) {
                (Some(_), Some(at)) => {
                    let ms = (at - self.elapsed_ms()).max(0) as u64;
                    Some(Duration::from_millis(ms.div_ceil(u64::from(self.speed))))
                }
                _ => None,
            };
            let sleep = async {
                match wait {
                    Some(wait) => tokio::time::sleep(wait).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                command = commands.recv() => {
                    let Some(Command { control, answer }) = command else {
                        break RunStatus::Stopped;
                    };
                    let _ = answer.send(self.control(control).await);
                    if control == Control::Stop {
                        return;
                    }
                }
                () = sleep => {}
            }
        };
        if let Err(e) = self.finish(status).await {
            tracing::error!(
                run = self.id,
                "could not write the live scenario's end down: {e:?}"
            );
        }
    }

    /// Carry out what is due; true once the run has reached its end.
    async fn carry_out_due(&mut self) -> anyhow::Result<bool> {
        for due in self.plan.due(self.elapsed_ms()) {
            match due {
                Due::Event(i) => self.event(i).await?,
                Due::Fundamental { company, value } => {
                    let symbol = self.companies[company].symbol;
                    self.state.bots.host().set_fundamental(symbol, Some(value));
                }
                Due::Sample => self.sample().await,
                Due::End => return Ok(true),
            }
        }
        Ok(false)
    }

    async fn event(&mut self, i: usize) -> anyhow::Result<()> {
        let targets = |symbol: Option<usize>, n: usize| symbol.map_or(0..n, |s| s..s + 1);
        let n = self.companies.len();
        match self.scenario.events[i].kind.clone() {
            EventKind::News {
                symbol,
                headline,
                impact_ppm,
            } => {
                let symbol = symbol.map(|c| self.companies[c].symbol.to_string());
                publish_news(&self.state, symbol, headline, impact_ppm)
                    .await
                    .map_err(|e| anyhow::anyhow!("publishing news: {e:?}"))?;
            }
            EventKind::Halt { symbol } => {
                for c in targets(symbol, n) {
                    self.companies[c].halted_by_event = true;
                    self.halt(c, true).await?;
                }
            }
            EventKind::Resume { symbol } => {
                for c in targets(symbol, n) {
                    self.companies[c].halted_by_event = false;
                    self.halt(c, false).await?;
                }
            }
            EventKind::Join { group } => self.join(group).await?,
            EventKind::Leave { group } => self.leave(group).await?,
            EventKind::Order {
                symbol,
                side,
                quantity,
                price,
            } => {
                let company = &self.companies[symbol];
                let issuer =
                    self.state.market.account(company.issuer).ok_or_else(|| {
                        anyhow::anyhow!("the issuer of {} is gone", company.symbol)
                    })?;
                let placed = issuer
                    .send(PlaceOrder(injected_order(
                        company.symbol,
                        side,
                        quantity,
                        price,
                    )))
                    .await?;
                // A refused order is the scenario's business, not a failure.
                if let Err(e) = placed {
                    tracing::warn!(run = self.id, symbol = %company.symbol, "the scheduled order was refused: {e}");
                }
            }
            EventKind::Dividend {
                symbol,
                per_share_micros,
            } => self.declare_dividend(symbol, per_share_micros).await?,
            // Its impact on the value is the plan's business.
            EventKind::Earnings { symbol, report, .. } => {
                publish_financials(&self.state, self.companies[symbol].symbol, report).await?;
                self.state.bots.refresh_listings().await?;
            }
        }
        Ok(())
    }

    /// Declared by the issuer with its record and pay times now: the
    /// dividends task pays it as it pays any other (or cancels it if the
    /// issuer cannot pay all of it).
    async fn declare_dividend(&self, c: usize, per_share_micros: i64) -> anyhow::Result<()> {
        let company = &self.companies[c];
        let issuer = company.issuer.0 as i64;
        let now = self.state.now().0;
        dividends::insert(
            &self.state.db,
            NewDividend {
                symbol: company.symbol.to_string(),
                issuer_account_id: issuer,
                declared_by: issuer,
                per_share_micros,
                declared_at: now,
                record_at: now,
                pay_at: now,
            },
        )
        .await?;
        Ok(())
    }

    async fn halt(&self, c: usize, halted: bool) -> anyhow::Result<()> {
        set_halted(&self.state, Some(self.companies[c].symbol), halted)
            .await
            .map_err(|e| anyhow::anyhow!("halting {}: {e:?}", self.companies[c].symbol))?;
        Ok(())
    }

    async fn join(&mut self, g: usize) -> anyhow::Result<()> {
        let group = &mut self.groups[g];
        if group.active {
            return Ok(());
        }
        self.state.bots.launch(&group.bots).await?;
        if group.launched {
            for row in &group.bots.rows {
                bot_rows::set_status(&self.state.db, row.id, BotStatus::Running, None).await?;
            }
        }
        group.active = true;
        group.launched = true;
        Ok(())
    }

    async fn leave(&mut self, g: usize) -> anyhow::Result<()> {
        let group = &mut self.groups[g];
        if !group.active {
            return Ok(());
        }
        for row in &group.bots.rows {
            self.state.bots.stop(row.id).await?;
        }
        group.active = false;
        Ok(())
    }

    /// The top of each book, for the summary's spread, depth and returns.
    async fn sample(&mut self) {
        for company in &mut self.companies {
            let Some(book) = self.state.market.book(company.symbol) else {
                continue;
            };
            let Ok(l1) = book.addr.send(TopOfBook).await else {
                continue;
            };
            let tick = book.listing.tick;
            let level = |l: marketlab_actors::book::LevelView| (tick.to_money(l.price), l.quantity);
            company.tape.sample(
                l1.bid.map(level),
                l1.ask.map(level),
                l1.last.map(|p| tick.to_money(p)),
            );
        }
    }

    async fn control(&mut self, control: Control) -> ApiResult<scenario_run::Model> {
        let paused = self.running_since.is_none();
        match (control, paused) {
            (Control::Pause, false) => {
                self.elapsed_before_ms = self.elapsed_ms();
                self.running_since = None;
                self.state.bots.host().set_paused(true);
                for c in 0..self.companies.len() {
                    self.halt(c, true).await.map_err(ApiError::internal)?;
                }
                scenario_runs::set_status(&self.state.db, self.id, RunStatus::Paused).await?;
            }
            (Control::Resume, true) => {
                for c in 0..self.companies.len() {
                    if !self.companies[c].halted_by_event {
                        self.halt(c, false).await.map_err(ApiError::internal)?;
                    }
                }
                self.state.bots.host().set_paused(false);
                self.running_since = Some(self.state.now());
                scenario_runs::set_status(&self.state.db, self.id, RunStatus::Running).await?;
            }
            (Control::Pause, true) => {
                return Err(ApiError::Conflict(format!(
                    "scenario run {} is already paused",
                    self.id
                )));
            }
            (Control::Resume, false) => {
                return Err(ApiError::Conflict(format!(
                    "scenario run {} is not paused",
                    self.id
                )));
            }
            (Control::Stop, _) => return self.finish(RunStatus::Stopped).await,
        }
        self.row().await
    }

    async fn row(&self) -> ApiResult<scenario_run::Model> {
        scenario_runs::find(&self.state.db, self.id)
            .await?
            .ok_or_else(|| ApiError::internal(format!("scenario run {} is gone", self.id)))
    }

    /// Stop the bots, close the session, write the summary down.
    async fn finish(&mut self, status: RunStatus) -> ApiResult<scenario_run::Model> {
        self.state.scenarios.remove(self.id);
        if self.running_since.is_some() {
            self.elapsed_before_ms = self.elapsed_ms();
            self.running_since = None;
        }
        for g in 0..self.groups.len() {
            self.leave(g).await.map_err(ApiError::internal)?;
        }
        self.state.bots.host().set_paused(false);
        for c in 0..self.companies.len() {
            self.halt(c, true).await.map_err(ApiError::internal)?;
        }
        let summary = self.summary(status).await?;
        scenario_runs::finish(
            &self.state.db,
            self.id,
            status,
            self.state.now().0,
            Some(&summary),
        )
        .await?;
        tracing::info!(
            run = self.id,
            status = status_name(status),
            "the live scenario ended; its summary is in the database"
        );
        self.row().await
    }

    /// The headless summary's statistics, from the run's trades (as
    /// written down) and its samples, plus each group's and each player's
    /// standing.
    async fn summary(&mut self, status: RunStatus) -> ApiResult<String> {
        let now = self.state.now();
        // The last trades are written down before they are read back.
        let bots = standings(&self.state, Role::Bot).await?;
        let mut fills: HashMap<i64, u64> = HashMap::new();
        let mut companies = BTreeMap::new();
        for company in &mut self.companies {
            let rows = trades::between(
                &self.state.db,
                company.symbol.as_str(),
                self.started.0,
                now.0 + 1,
            )
            .await?;
            let mut tape = CompanyTape {
                prices: std::mem::take(&mut company.tape.prices),
                spreads: std::mem::take(&mut company.tape.spreads),
                touch_depth_sum: company.tape.touch_depth_sum,
                ..CompanyTape::default()
            };
            for row in &rows {
                tape.trade(Money(row.price), Quantity(row.quantity as u64));
                *fills.entry(row.taker_account_id).or_default() += 1;
                *fills.entry(row.maker_account_id).or_default() += 1;
            }
            companies.insert(company.symbol.to_string(), tape.summary());
        }
        let by_account: HashMap<i64, _> = bots.iter().map(|s| (s.row.id, s)).collect();
        // A bot that failed keeps its error when it is stopped.
        let failed_bots: std::collections::HashSet<i64> = bot_rows::of_run(&self.state.db, self.id)
            .await?
            .into_iter()
            .filter(|row| row.error.is_some())
            .map(|row| row.id)
            .collect();
        let mut groups = BTreeMap::new();
        for group in &self.groups {
            let (mut equity, mut deposits, mut trades_made, mut failed) =
                (0i128, 0i128, 0u64, 0u32);
            for row in &group.bots.rows {
                if let Some(standing) = by_account.get(&row.account_id) {
                    equity += i128::from(standing.equity.0);
                    deposits += i128::from(standing.net_deposits.0);
                }
                trades_made += fills.get(&row.account_id).copied().unwrap_or(0);
            }
            failed += group
                .bots
                .rows
                .iter()
                .filter(|row| failed_bots.contains(&row.id))
                .count() as u32;
            groups.insert(
                group.name.clone(),
                json!({
                    "bots": group.bots.rows.len(),
                    "pnl": cents(equity - deposits),
                    "equity": cents(equity),
                    "trades": trades_made,
                    "failed": failed,
                }),
            );
        }
        let players: Vec<_> = standings(&self.state, Role::Individual)
            .await?
            .into_iter()
            .map(|s| {
                json!({
                    "account": s.row.id,
                    "name": s.row.display_name,
                    "equity": s.equity.to_decimal().to_string(),
                    "profit": cents(i128::from(s.equity.0) - i128::from(s.net_deposits.0)),
                    "trades": fills.get(&s.row.id).copied().unwrap_or(0),
                })
            })
            .collect();
        Ok(json!({
            "scenario": self.scenario.name,
            "live": true,
            "status": status_name(status),
            "seed": self.seed,
            "scenario_sha256": self.file_sha256,
            "engine_version": env!("CARGO_PKG_VERSION"),
            "speed": self.speed,
            "started": self.started.to_string(),
            "finished": now.to_string(),
            "scenario_ms_run": self.elapsed_before_ms.min(self.scenario.duration_ms),
            "companies": companies,
            "groups": groups,
            "players": players,
        })
        .to_string())
    }
}

/// At start: a run the server stopped under (a crash, a kill) is over. It
/// becomes STOPPED, and its bots stop with their open orders cancelled
/// rather than trade on without its pacing.
pub async fn stop_interrupted(
    db: &sea_orm::DatabaseConnection,
    market: &marketlab_actors::market::Market,
) -> anyhow::Result<()> {
    for run in scenario_runs::interrupt_unfinished(db, market.clock().now().0).await? {
        tracing::warn!(
            run,
            "a live scenario run was cut short by a restart: it is STOPPED"
        );
        for row in bot_rows::of_run(db, run).await? {
            if row.status != BotStatus::Running {
                continue;
            }
            if let Some(account) = market.account(AccountId(row.account_id as u64)) {
                let open = account
                    .send(Inspect(Box::new(|core: &AccountCore| {
                        core.open_orders().map(|o| o.id).collect::<Vec<_>>()
                    })))
                    .await?;
                for id in open {
                    account.send(CancelOrder(id)).await??;
                }
            }
            bot_rows::set_status(db, row.id, BotStatus::Stopped, row.error.as_deref()).await?;
        }
    }
    Ok(())
}
