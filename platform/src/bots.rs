//! Bots in the server: starting a group of bots (an account each, funded,
//! a row each), stopping one, bringing the RUNNING ones back after a
//! restart, writing down the ones that FAILED, and telling bots about news
//! and published financials. The bots themselves run in the actors crate's
//! [`BotHost`].

use std::collections::HashMap;
use std::sync::Arc;

use marketlab_actors::account::actor::Deposit;
use marketlab_actors::bots::view::{Financials, NewsView};
use marketlab_actors::bots::{
    BotHost, BotHostConfig, BotHostError, BotReport, BotScript, BotSpec, ScenarioPacing,
    ScriptError,
};
use marketlab_actors::ledger::{FeeSchedule, LedgerError};
use marketlab_actors::market::Market;
use marketlab_actors::types::{AccountId, Money, Symbol, Timestamp};
use sea_orm::{DatabaseConnection, DbErr};
use tokio::sync::mpsc;

use crate::accounts::{self, NewAccount, OpenError};
use crate::persistence::entities::enums::{BotStatus, Role};
use crate::persistence::entities::{bot, news};
use crate::persistence::repo::{bot_scripts, bots, companies, financials, ids};

/// Bots one `startBots` may start.
pub const MAX_GROUP: i32 = 100;

/// A bot group as asked for: a saved script, params, and cash for each.
#[derive(Debug, Clone)]
pub struct NewBots {
    pub script: String,
    /// A JSON object, handed to each bot as its params.
    pub params: String,
    pub cash: Money,
    pub count: i32,
    /// The live scenario run starting them.
    pub scenario_run: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum BotsError {
    #[error("there is no bot script named {0:?}")]
    UnknownScript(String),
    #[error("{0}")]
    Script(ScriptError),
    #[error("params must be a JSON object: {0}")]
    BadParams(String),
    #[error("count must be 1 to {MAX_GROUP}, got {0}")]
    BadCount(i32),
    #[error("each bot needs positive cash")]
    NoCash,
    #[error("there is no bot {0}")]
    UnknownBot(i64),
    #[error(transparent)]
    Host(#[from] BotHostError),
    #[error("funding the bot failed: {0}")]
    Funding(LedgerError),
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// Bots whose accounts are open and funded, not started yet.
pub struct BotGroup {
    pub rows: Vec<bot::Model>,
    script: Arc<BotScript>,
    params: serde_json::Map<String, serde_json::Value>,
    /// A live scenario's group wakes up as its file says.
    pub pacing: Option<ScenarioPacing>,
}

/// The server's bots; cheap to share behind an `Arc`.
pub struct Bots {
    host: BotHost,
    db: DatabaseConnection,
    market: Market,
    fees: FeeSchedule,
    bot_ids: std::sync::atomic::AtomicI64,
}

impl Bots {
    /// Start the host, write down failures as they come, hand the bots the
    /// published financials, and restart every bot that was RUNNING.
    pub async fn start(
        db: &DatabaseConnection,
        market: &Market,
        fees: FeeSchedule,
        config: BotHostConfig,
    ) -> anyhow::Result<Arc<Bots>> {
        let (host, reports) = BotHost::new(market.clone(), config);
        host.watch_listings().await;
        let highest = ids::max_ids(db).await?.bot.unwrap_or(0);
        let bots = Arc::new(Bots {
            host,
            db: db.clone(),
            market: market.clone(),
            fees,
            bot_ids: std::sync::atomic::AtomicI64::new(highest + 1),
        });
        actix::spawn(write_down_failures(db.clone(), reports));
        bots.load_financials().await?;
        bots.restart_running().await?;
        Ok(bots)
    }

    pub fn host(&self) -> &BotHost {
        &self.host
    }

    async fn load_financials(&self) -> Result<(), DbErr> {
        let mut by_symbol: HashMap<String, Vec<Financials>> = HashMap::new();
        for report in financials::all(&self.db).await? {
            by_symbol
                .entry(report.symbol.clone())
                .or_default()
                .push(financials_of(&report));
        }
        for company in companies::all(&self.db).await? {
            let Ok(symbol) = Symbol::new(&company.symbol) else {
                continue;
            };
            let reports = by_symbol.remove(&company.symbol).unwrap_or_default();
            self.host
                .set_financials(symbol, reports, company.shares_outstanding as u64);
        }
        Ok(())
    }

    /// A company published (or a new one listed): bots see it from now on.
    pub async fn refresh_listings(&self) -> Result<(), DbErr> {
        self.host.watch_listings().await;
        self.load_financials().await
    }

    pub fn publish_news(&self, row: &news::Model) {
        self.host.publish_news(NewsView {
            symbol: row.symbol.as_deref().and_then(|s| Symbol::new(s).ok()),
            headline: row.headline.clone(),
            impact_ppm: row.impact_ppm,
            at: Timestamp(row.at),
        });
    }

    async fn restart_running(&self) -> Result<(), DbErr> {
        let mut compiled: HashMap<String, Result<Arc<BotScript>, String>> = HashMap::new();
        for row in bots::with_status(&self.db, BotStatus::Running).await? {
            if !compiled.contains_key(&row.script) {
                let script = match bot_scripts::find(&self.db, &row.script).await? {
                    Some(saved) => {
                        BotScript::compile(&saved.name, &saved.source).map_err(|e| e.to_string())
                    }
                    None => Err(format!("its script {:?} is gone", row.script)),
                };
                compiled.insert(row.script.clone(), script);
            }
            let started = match &compiled[&row.script] {
                Ok(script) => match parse_params(&row.params) {
                    Ok(params) => self
                        .host
                        .start(BotSpec {
                            id: row.id as u64,
                            account: AccountId(row.account_id as u64),
                            script: Arc::clone(script),
                            params,
                            pacing: None,
                        })
                        .await
                        .map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                },
                Err(e) => Err(e.clone()),
            };
            if let Err(error) = started {
                tracing::warn!(bot = row.id, "bot could not restart: {error}");
                bots::set_status(&self.db, row.id, BotStatus::Failed, Some(&error)).await?;
            }
        }
        Ok(())
    }

    /// Check everything, then open, fund and start each bot (at most
    /// [`MAX_GROUP`]). `account_id` hands out the new accounts' ids.
    pub async fn start_group(
        &self,
        new: NewBots,
        account_id: impl FnMut() -> i64,
    ) -> Result<Vec<bot::Model>, BotsError> {
        if !(1..=MAX_GROUP).contains(&new.count) {
            return Err(BotsError::BadCount(new.count));
        }
        let group = self.open_group(new, account_id).await?;
        self.launch(&group).await?;
        Ok(group.rows)
    }

    /// Check everything, then open and fund each bot's account and write
    /// its row; the bots start with [`Bots::launch`].
    pub async fn open_group(
        &self,
        new: NewBots,
        mut account_id: impl FnMut() -> i64,
    ) -> Result<BotGroup, BotsError> {
        if new.count < 1 {
            return Err(BotsError::BadCount(new.count));
        }
        if new.cash.0 <= 0 {
            return Err(BotsError::NoCash);
        }
        let params = parse_params(&new.params)?;
        self.host.watch_listings().await;
        self.host.symbol_param(&params)?;
        let saved = bot_scripts::find(&self.db, &new.script)
            .await?
            .ok_or_else(|| BotsError::UnknownScript(new.script.clone()))?;
        let script = BotScript::compile(&saved.name, &saved.source).map_err(BotsError::Script)?;
        let mut group = BotGroup {
            rows: Vec::with_capacity(new.count as usize),
            script,
            params,
            pacing: None,
        };
        for _ in 0..new.count {
            let id = self
                .bot_ids
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let account = AccountId(account_id() as u64);
            accounts::open(
                &self.db,
                &self.market,
                self.fees,
                account,
                NewAccount {
                    username: format!("bot-{id}"),
                    display_name: format!("{} #{id}", saved.name),
                    role: Role::Bot,
                    password_hash: None,
                    company_symbol: None,
                },
            )
            .await?;
            self.fund(account, new.cash).await?;
            let row = bot::Model {
                id,
                script: saved.name.clone(),
                account_id: account.0 as i64,
                status: BotStatus::Running,
                error: None,
                params: new.params.clone(),
                created_at: self.market.clock().now().0,
                scenario_run_id: new.scenario_run,
            };
            bots::insert(&self.db, &row).await?;
            group.rows.push(row);
        }
        Ok(group)
    }

    /// Start the bots of an opened group.
    pub async fn launch(&self, group: &BotGroup) -> Result<(), BotsError> {
        for row in &group.rows {
            self.host
                .start(BotSpec {
                    id: row.id as u64,
                    account: AccountId(row.account_id as u64),
                    script: Arc::clone(&group.script),
                    params: group.params.clone(),
                    pacing: group.pacing,
                })
                .await?;
        }
        Ok(())
    }

    async fn fund(&self, account: AccountId, cash: Money) -> Result<(), BotsError> {
        let addr = self
            .market
            .account(account)
            .ok_or(BotHostError::NoAccount(account))?;
        addr.send(Deposit {
            amount: cash,
            key: None,
        })
        .await
        .map_err(|_| BotHostError::NoAccount(account))?
        .map_err(BotsError::Funding)?;
        Ok(())
    }

    /// Stop a bot (its open orders are cancelled first) and mark it
    /// STOPPED; a FAILED bot keeps its error.
    pub async fn stop(&self, id: i64) -> Result<bot::Model, BotsError> {
        let mut row = bots::find(&self.db, id)
            .await?
            .ok_or(BotsError::UnknownBot(id))?;
        match self.host.stop(id as u64).await {
            Ok(()) | Err(BotHostError::NotRunning(_)) => {}
            Err(other) => return Err(other.into()),
        }
        bots::set_status(&self.db, id, BotStatus::Stopped, row.error.as_deref()).await?;
        row.status = BotStatus::Stopped;
        Ok(row)
    }

    /// Stop the bot threads (at shutdown).
    pub fn shutdown(&self) {
        self.host.shutdown();
    }
}

fn financials_of(report: &crate::persistence::entities::financial_report::Model) -> Financials {
    Financials {
        year: report.year,
        revenue: Money(report.revenue),
        operating_profit: Money(report.operating_profit),
        net_income: Money(report.net_income),
    }
}

fn parse_params(text: &str) -> Result<serde_json::Map<String, serde_json::Value>, BotsError> {
    match serde_json::from_str(text) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(_) => Err(BotsError::BadParams("not an object".into())),
        Err(e) => Err(BotsError::BadParams(e.to_string())),
    }
}

async fn write_down_failures(
    db: DatabaseConnection,
    mut reports: mpsc::UnboundedReceiver<BotReport>,
) {
    while let Some(report) = reports.recv().await {
        let BotReport::Failed { bot, error } = report;
        let error = error.to_string();
        if let Err(e) = bots::set_status(&db, bot as i64, BotStatus::Failed, Some(&error)).await {
            tracing::error!(bot, "could not write down that the bot failed: {e}");
        }
    }
}
